//! The pipeline driver: runs the front-end stages in order, collecting diagnostics,
//! and stops between stages when there were errors.

use std::path::PathBuf;

use crate::analysis::Facts;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Project;
use crate::source::{FileId, SourceMap, Span};
use crate::spec::{self, ReadError};
use crate::{lower, passes};

/// The outcome of checking a project: the sources (for rendering), every diagnostic in
/// source order, and the IR when there were no errors.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// The IR and its action facts (which the plan reuses), when there were no errors.
    pub ir: Option<(Project, Facts)>,
}

impl Checked {
    /// The checked project, when there were no errors.
    pub fn project(&self) -> Option<&Project> {
        self.ir.as_ref().map(|(project, _)| project)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Options that change how diagnostics count.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Warnings become errors.
    pub deny_warnings: bool,
}

/// The name [`check_paths`] and [`check_sources`] have always taken their options by.
pub type CheckOptions = Options;

/// Reads `paths` and checks them.
pub fn check_paths(paths: &[PathBuf], options: CheckOptions) -> Result<Checked, Vec<ReadError>> {
    let sources = spec::read_paths(paths)?;
    Ok(check_sources(sources, options))
}

/// Checks already-loaded sources: load → lower → passes.
pub fn check_sources(sources: SourceMap, options: CheckOptions) -> Checked {
    let (project, facts, diags) = check(&sources, &options);
    let ir = (!diags.has_errors()).then_some((project, facts));
    Checked {
        sources,
        diagnostics: diags.into_sorted(),
        ir,
    }
}

/// The front half of [`crate::compile`]: the IR (incomplete when there are errors), its
/// action facts (which the plan reuses) and every diagnostic.
pub(crate) fn check(sources: &SourceMap, options: &Options) -> (Project, Facts, Diagnostics) {
    let mut diags = Diagnostics::new();
    let docs = spec::parse_all(sources, &mut diags);
    if docs.is_empty() && !diags.has_errors() && sources.files().next().is_some() {
        // Only non-entity documents (each already has W0101): a prelude-only script would
        // hide what is almost always a wrong path.
        diags.push(Diagnostic::no_entities(Span::new(FileId(0), 0, 0)));
    }
    // Lowering also runs on documents that had shape errors, and the passes on an IR
    // with errors, so that a user with several mistakes sees them all in one run. The
    // IR then lacks what was reported (bad fields, actions, references), which can hide
    // a clash or a cycle but never make one up: the passes only report what is there.
    let project = lower::run(&docs, &mut diags);
    let facts = Facts::new(&project);
    passes::run(&project, &facts, &mut diags);
    if options.deny_warnings {
        diags.deny_warnings();
    }
    (project, facts, diags)
}
