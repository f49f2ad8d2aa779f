//! Stage 6 (PostgreSQL): the ordered [`order::Plan`] → one SQL text per DDL object, as a
//! single transactional script or as a Confiture project.
//!
//! Invariants: every statement is idempotent (`IF NOT EXISTS`, `CREATE OR REPLACE`, or a
//! catalog-checked `DO` block), so the script applies twice without error or change;
//! every name and literal goes through [`quote`]; the output has no timestamp or path.

pub mod action;
mod actions;
pub mod checks;
pub mod columns;
pub mod ddl;
pub mod drop;
mod emit;
pub mod helpers;
mod layout;
pub mod prelude;
pub mod quote;
pub mod tables;
#[cfg(test)]
mod tests;

use crate::ir;
use crate::order::{self, ObjectKind};
use crate::source::Span;

/// The SQL of every object of the plan, in plan order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub objects: Vec<EmittedObject>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmittedObject {
    pub kind: ObjectKind,
    pub key: String,
    pub span: Option<Span>,
    /// One or more whole statements, each ending with `;` and a newline.
    pub sql: String,
    /// Where the object goes in a Confiture project (relative, `/`-separated).
    pub path: String,
}

/// Emits every object of `plan` (objects with no SQL, such as an empty runtime, are left
/// out).
pub fn emit(project: &ir::Project, plan: &order::Plan) -> Output {
    let objects = plan
        .objects()
        .filter_map(|object| {
            let sql = emit::sql(project, object);
            (!sql.is_empty()).then(|| EmittedObject {
                kind: object.kind,
                key: object.key.clone(),
                span: object.span,
                sql,
                path: layout::path(project, object),
            })
        })
        .collect();
    Output { objects }
}

impl Output {
    /// One script that applies in one transaction, to an empty database or again.
    pub fn script(&self) -> String {
        let len = self.objects.iter().map(|o| o.sql.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len + 16);
        out.push_str("BEGIN;\n");
        for object in &self.objects {
            out.push('\n');
            out.push_str(&object.sql);
        }
        out.push_str("\nCOMMIT;\n");
        out
    }

    /// A Confiture project: `(relative path, content)`, sorted by path. Files under
    /// `db/schema` apply in path order, which respects the dependency order.
    pub fn confiture_files(&self) -> Vec<(String, String)> {
        layout::files(self)
    }
}
