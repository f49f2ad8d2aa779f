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
pub mod names;
mod steps;
mod types;

use crate::diag::Diagnostics;
use crate::ir::Project;
use crate::spec::syntax::EntityDoc;

/// Lowers every entity document into one project, pushing a diagnostic for each problem.
/// The project is complete only when no error was pushed.
pub fn run(docs: &[EntityDoc], diags: &mut Diagnostics) -> Project {
    let mut project = entity::declare_entities(docs, diags);
    for (doc, id) in entity::documents_with_ids(docs, &project) {
        let fields = entity::lower_fields(doc, &project, diags);
        project.entities[id.0 as usize].fields = fields;
    }
    for (doc, id) in entity::documents_with_ids(docs, &project) {
        entity::lower_options(doc, id, &mut project, diags);
    }
    for (doc, id) in entity::documents_with_ids(docs, &project) {
        let actions = actions::lower_actions(doc, id, &project, diags);
        project.entities[id.0 as usize].actions = actions;
    }
    project
}
