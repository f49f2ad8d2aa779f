//! Test fixtures read through the normal front end: a project from YAML spec text, so
//! unit tests exercise the IR a user's spec really lowers to instead of a hand-built one.

use crate::ir::Project;
use crate::source::SourceMap;

/// The project of one spec file (several entities may share it, separated by `---`).
/// Panics with the rendered diagnostics when the spec has errors; warnings pass.
pub(crate) fn project(yaml: &str) -> Project {
    project_of_files(&[("spec.yaml", yaml)])
}

/// The project of several spec files, given in this order (entity ids follow it).
pub(crate) fn project_of_files(files: &[(&str, &str)]) -> Project {
    let mut sources = SourceMap::new();
    for &(name, text) in files {
        sources.add(name, text);
    }
    let checked = crate::check_sources(sources, crate::CheckOptions::default());
    let report = crate::diag::render::to_plain_string(&checked.sources, &checked.diagnostics);
    let (project, _) = checked
        .ir
        .unwrap_or_else(|| panic!("the fixture spec checks:\n{report}"));
    project
}
