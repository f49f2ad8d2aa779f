//! SpecQL's own example projects: each project directory is checked as one project and
//! the rendered outcome is a snapshot. Clean projects also have their SQL snapshotted by
//! the backend tests.

use specqlc::diag::render;

use crate::support::specs::{check, sources_in};

/// The example projects, as directories under `tests/corpus/specql-examples`.
pub const PROJECTS: &[&str] = &[
    "entities",
    "examples/crm",
    "examples/ecommerce",
    "examples/saas-multi-tenant",
    "examples/security",
    "examples/simple-blog",
];

#[test]
fn corpus_projects_check_as_expected() {
    let mut summary = String::new();
    for project in PROJECTS {
        let checked = check(sources_in(&format!(
            "tests/corpus/specql-examples/{project}"
        )));
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
    crate::support::settings().bind(|| insta::assert_snapshot!("corpus_check", summary));
}
