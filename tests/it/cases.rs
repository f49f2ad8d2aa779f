//! The case corpora: every `tests/cases/ok/*.yaml` checks clean (its IR dump and its
//! compiled SQL are snapshots), every `tests/cases/err/*.yaml` reports diagnostics (the
//! rendered report is the snapshot). Adding a case = adding a file and reviewing its
//! snapshot.

use std::path::Path;

use specqlc::Checked;
use specqlc::diag::{codes, render};

use crate::support::specs::{check, sources_of};

fn check_file(path: &Path) -> Checked {
    check(sources_of(&[path.to_path_buf()]))
}

fn snapshot_settings(path: &Path) -> insta::Settings {
    let mut settings = crate::support::settings();
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn ok_cases_check_clean() {
    insta::glob!("../cases", "ok/*.yaml", |path| {
        let checked = check_file(path);
        let report = render::to_plain_string(&checked.sources, &checked.diagnostics);
        assert!(
            !checked.has_errors(),
            "{} should check clean:\n{report}",
            path.display()
        );
        let (project, _) = checked.ir.expect("a project without errors");
        snapshot_settings(path).bind(|| {
            insta::assert_snapshot!("ir", format!("{report}{}", specqlc::ir::dump(&project)));
        });
    });
}

#[test]
fn err_cases_report_diagnostics() {
    insta::glob!("../cases", "err/*.yaml", |path| {
        let checked = check_file(path);
        assert!(
            checked.has_errors(),
            "{} should have errors",
            path.display()
        );
        let report = render::to_plain_string(&checked.sources, &checked.diagnostics);
        snapshot_settings(path).bind(|| {
            insta::assert_snapshot!("err", report);
        });
    });
}

/// Every registered code has an explanation and is exercised by at least one case.
#[test]
fn every_code_has_a_case() {
    let root = crate::support::specs::manifest().join("tests/cases");
    let mut seen = std::collections::BTreeSet::new();
    for dir in ["ok", "err"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            for d in check_file(&path).diagnostics {
                seen.insert(d.code.id);
            }
        }
    }
    // Codes about the command line or the environment have no spec to show them; the CLI
    // tests cover them. E07xx/W07xx compare specs with a migration history:
    // tests/it/evolution.rs has a case for each.
    let missing: Vec<&str> = codes::REGISTRY
        .iter()
        .map(|e| e.code.id)
        .filter(|id| {
            !seen.contains(id)
                && !codes::WITHOUT_SOURCE.iter().any(|c| c.id == *id)
                && !id[1..].starts_with("07")
        })
        .collect();
    assert!(missing.is_empty(), "codes without a case: {missing:?}");
    for entry in codes::REGISTRY {
        assert!(
            entry.explanation.len() > 40,
            "{} needs an explanation",
            entry.code.id
        );
    }
}
