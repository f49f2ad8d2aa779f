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
pub(crate) mod emit;
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
///
/// Objects are independent once the plan exists, so they are emitted on every core
/// (interleaved, since the expensive action functions come last in the plan) and put
/// back in plan order: the output is the same whatever the number of threads.
pub fn emit(project: &ir::Project, plan: &order::Plan) -> Output {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    emit_on(project, plan, cores)
}

/// [`emit`] on at most `threads` threads (one per 64 objects at least).
pub fn emit_on(project: &ir::Project, plan: &order::Plan, threads: usize) -> Output {
    let objects: Vec<&order::Object> = plan.objects().collect();
    let emit_one = |object: &order::Object| {
        let sql = emit::sql(project, object);
        (!sql.is_empty()).then(|| EmittedObject {
            kind: object.kind,
            key: object.key.clone(),
            span: object.span,
            sql,
            path: layout::path(project, object),
        })
    };
    let workers = threads.min(objects.len() / 64).max(1);
    if workers == 1 {
        let objects = objects.iter().filter_map(|o| emit_one(o)).collect();
        return Output { objects };
    }
    let mut slots: Vec<Option<EmittedObject>> = Vec::new();
    slots.resize_with(objects.len(), || None);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let objects = &objects;
                let emit_one = &emit_one;
                scope.spawn(move || {
                    (worker..objects.len())
                        .step_by(workers)
                        .map(|i| (i, emit_one(objects[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A panic in a worker is a compiler bug: let it propagate as one.
            let emitted = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, object) in emitted {
                slots[i] = object;
            }
        }
    });
    Output {
        objects: slots.into_iter().flatten().collect(),
    }
}

impl Output {
    /// One script that applies in one transaction, to an empty database or again.
    pub fn script(&self) -> String {
        let len = self.objects.iter().map(|o| o.sql.len() + 1).sum::<usize>();
        let mut out = Vec::with_capacity(len + 16);
        self.write_script(&mut out)
            .expect("writing to memory cannot fail");
        String::from_utf8(out).expect("the script is UTF-8")
    }

    /// Writes the same script as [`Output::script`] to `out`, object by object, without
    /// building it in memory first.
    pub fn write_script(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(b"BEGIN;\n")?;
        for object in &self.objects {
            out.write_all(b"\n")?;
            out.write_all(object.sql.as_bytes())?;
        }
        out.write_all(b"\nCOMMIT;\n")
    }

    /// A Confiture project: `(relative path, content)`, sorted by path. Files under
    /// `db/schema` apply in path order, which respects the dependency order.
    pub fn confiture_files(&self) -> Vec<(String, String)> {
        layout::files(self)
    }
}
