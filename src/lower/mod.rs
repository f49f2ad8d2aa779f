//! Stage 3: syntax tree → IR. Names are resolved to ids, types parsed, step text parsed
//! by the pest grammar (`crate::expr`) and every expression typed.
//!
//! Lowering runs in phases so that any entity can refer to any other, whatever the file
//! order: entity names first, then fields, then entity options, then actions.

mod actions;
mod call;
mod default;
mod entity;
mod expr;
pub mod literal;
pub mod names;
mod steps;
mod types;
pub use actions::resolve_calls;
pub use types::TYPE_NAMES;

use crate::diag::Diagnostics;
use crate::ir::Project;
use crate::spec::syntax::EntityDoc;

/// Lowers every entity document into one project, pushing a diagnostic for each problem.
/// The project is complete only when no error was pushed.
pub fn run(docs: &[EntityDoc], diags: &mut Diagnostics) -> Project {
    let mut project = entity::declare_entities(docs, diags);
    let mut index = entity::EntityIndex::new(&project);
    let mut lowered_fields = Vec::new();
    for (doc, id) in entity::documents_with_ids(docs, &project) {
        lowered_fields.push((doc, id, entity::lower_fields(doc, &project, &index, diags)));
    }
    for (doc, id, fields) in lowered_fields {
        index.mark_broken_fields(id, doc, &fields);
        project.entities[id.0 as usize].fields = fields;
    }
    for (doc, id) in entity::documents_with_ids(docs, &project) {
        entity::lower_options(doc, id, &mut project, &index, diags);
    }
    // Actions only read the project, and parsing and typing their steps is most of the
    // front end's work: lower them on every core, then merge in document order so the
    // diagnostics and the IR do not depend on the number of threads.
    let pending = entity::documents_with_ids(docs, &project);
    let lowered = crate::parallel::parallel_map(&pending, |&(doc, id)| {
        let mut local = Diagnostics::new();
        let actions = actions::lower_actions(&index, doc, id, &project, &mut local);
        (id, actions, local)
    });
    for (id, actions, local) in lowered {
        project.entities[id.0 as usize].actions = actions;
        diags.extend(local);
    }
    actions::resolve_calls(&mut project);
    project
}

#[cfg(test)]
mod tests {
    fn ir(spec: &str) -> String {
        crate::ir::dump(&crate::testing::project(spec))
    }

    /// A key of a `foreach` variable is typed by its use whatever the variable is called
    /// (it was only when the variable was named `item`: `c.score > 0` was refused as a
    /// text compared with an integer).
    #[test]
    fn a_loop_variable_key_takes_its_type_from_context_whatever_its_name() {
        for var in ["c", "item", "row_2"] {
            let dump = ir(&format!(
                "entity: Counter\nschema: s\nfields:\n  count: integer\nactions:\n  - name: bump_all\n    steps:\n      - foreach: {var} in $rows\n        do:\n          - validate: {var}.score > 0\n          - update: Counter SET count = count + {var}.score\n"
            ));
            assert!(
                dump.contains(&format!("{var}.score:integer > 0:integer")),
                "{var}: {dump}"
            );
        }
    }

    #[test]
    fn an_input_key_takes_its_type_from_between_bounds_and_keeps_it() {
        let dump = ir(
            "entity: Counter\nschema: s\nfields:\n  count: integer\nactions:\n  - name: adjust\n    steps:\n      - validate: $delta BETWEEN -100 AND 100\n      - update: Counter SET count = count + $delta\n",
        );
        assert!(
            dump.contains("($delta:integer BETWEEN (Neg 100:integer):integer AND 100:integer)"),
            "{dump}"
        );
        assert!(
            dump.contains("(Counter.count:integer + $delta:integer)"),
            "{dump}"
        );
    }

    #[test]
    fn a_key_first_used_as_a_number_stays_a_number() {
        let dump = ir(
            "entity: Item\nschema: s\nfields:\n  price: money\n  note: text\nactions:\n  - name: reprice\n    steps:\n      - validate: $amount > 0.5\n      - update: Item SET note = 'x' WHERE Item.price = $amount\n",
        );
        assert_eq!(dump.matches("$amount:numeric").count(), 2, "{dump}");
    }
}
