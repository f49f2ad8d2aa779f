//! SpecQL's own example projects: each project directory is checked as one project and
//! the rendered outcome is a snapshot. Clean projects also have their SQL snapshotted by
//! the backend tests.

use std::path::{Path, PathBuf};

use specqlc::diag::render;
use specqlc::{CheckOptions, check_sources};

/// The example projects, as directories under `tests/corpus/specql-examples`.
pub const PROJECTS: &[&str] = &[
    "entities",
    "examples/crm",
    "examples/ecommerce",
    "examples/saas-multi-tenant",
    "examples/security",
    "examples/simple-blog",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/specql-examples")
}

fn load(project: &str) -> specqlc::source::SourceMap {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = specqlc::spec::read_paths(&[root().join(project)]).expect("corpus is readable");
    // Re-add with paths relative to the repository so reports are machine-independent.
    let mut sources = specqlc::source::SourceMap::new();
    for (_, file) in loaded.files() {
        let name = Path::new(&file.name)
            .strip_prefix(manifest)
            .map_or(file.name.clone(), |p| p.to_string_lossy().into_owned());
        sources.add(name, file.text.clone());
    }
    sources
}

#[test]
fn corpus_projects_check_as_expected() {
    let mut summary = String::new();
    for project in PROJECTS {
        let checked = check_sources(load(project), CheckOptions::default());
        let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = checked.diagnostics.len() - errors;
        summary.push_str(&format!(
            "## {project}: {errors} errors, {warnings} warnings\n"
        ));
        summary.push_str(&render::to_plain_string(
            &checked.sources,
            &checked.diagnostics,
        ));
        summary.push('\n');
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("corpus_check", summary));
}
