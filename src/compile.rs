//! The library entry point: sources → checked project → object plan → PostgreSQL output,
//! in one call ([`compile`]); the CLI, migrations and tests all go through it.

use crate::analysis::Facts;
use crate::backend::postgres::plan::{self, Plan};
use crate::backend::postgres::{self, Output};
use crate::diag::{Diagnostic, Diagnostics};
use crate::driver::{self, Options};
use crate::ir::Project;
use crate::source::SourceMap;

/// A project that compiled: the IR, its ordered object plan, the SQL of every object, and
/// the warnings (in source order) that did not stop it.
#[derive(Debug)]
pub struct Compiled {
    pub project: Project,
    pub plan: Plan,
    pub output: Output,
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// The whole script, as `specqlc compile -o -` writes it (without the header).
    pub fn script(&self) -> String {
        self.output.script()
    }
}

/// Compiles `sources`: load → lower → passes → plan → emit. `Err` holds every error and
/// warning when there was an error (after `deny_warnings`, a warning counts as one).
pub fn compile(sources: &SourceMap, options: &Options) -> Result<Compiled, Diagnostics> {
    let (project, facts, diagnostics) = driver::check(sources, options);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let plan = plan::build_from(&project, facts);
    let output = postgres::emit(&project, &plan);
    Ok(Compiled {
        project,
        plan,
        output,
        warnings: diagnostics.into_sorted(),
    })
}

/// The back half of [`compile`] for a project already checked (and perhaps adjusted, as
/// the CLI does with `--grant-to`): its plan and the SQL of every object.
pub fn plan_and_emit(project: &Project) -> (Plan, Output) {
    plan_and_emit_from(project, Facts::new(project))
}

/// [`plan_and_emit`] with the facts the check already computed ([`crate::Checked::ir`]).
pub fn plan_and_emit_from(project: &Project, facts: Facts) -> (Plan, Output) {
    let plan = plan::build_from(project, facts);
    let output = postgres::emit(project, &plan);
    (plan, output)
}
