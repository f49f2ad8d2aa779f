//! Specs inside tests: files and directories loaded under repository-relative names,
//! YAML text compiled to the SQL script specqlc emits (through [`specqlc::compile`], as
//! `specqlc compile -o -` does), and the database specs under `tests/cases/db/`.

use std::path::{Path, PathBuf};

use specqlc::diag::render;
use specqlc::source::SourceMap;
use specqlc::{CheckOptions, Checked, Compiled, check_sources};

use crate::support::TestDb;
use crate::support::db::ActionResult;

pub const TENANT_A: &str = "00000000-0000-4000-8000-00000000000a";
pub const TENANT_B: &str = "00000000-0000-4000-8000-00000000000b";
pub const USER_1: &str = "00000000-0000-4000-8000-000000000001";
pub const USER_2: &str = "00000000-0000-4000-8000-000000000002";

/// The repository root.
pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `path` relative to the repository, so that reports do not depend on the machine.
pub fn repo_name(path: &Path) -> String {
    path.strip_prefix(manifest())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// The files, read under repository-relative names.
pub fn sources_of(files: &[PathBuf]) -> SourceMap {
    let mut sources = SourceMap::new();
    for path in files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        sources.add(repo_name(path), text);
    }
    sources
}

/// Every spec file under `path` (a file or a directory, relative to the repository), as
/// `specqlc` reads them.
pub fn spec_files(path: &str) -> Vec<PathBuf> {
    specqlc::spec::read_paths(&[manifest().join(path)])
        .unwrap_or_else(|e| panic!("{path}: cannot read: {e:?}"))
        .files()
        .map(|(_, f)| PathBuf::from(&f.name))
        .collect()
}

/// The specs under `path` (relative to the repository), under repository-relative names.
pub fn sources_in(path: &str) -> SourceMap {
    sources_of(&spec_files(path))
}

/// One spec text under `name`.
pub fn source(name: &str, yaml: &str) -> SourceMap {
    let mut sources = SourceMap::new();
    sources.add(name, yaml);
    sources
}

/// Checks `sources` with the default options.
pub fn check(sources: SourceMap) -> Checked {
    check_sources(sources, CheckOptions::default())
}

/// Compiles `sources`; panics with the rendered diagnostics when they do not check.
pub fn compiled(sources: &SourceMap) -> Compiled {
    specqlc::compile(sources, &CheckOptions::default()).unwrap_or_else(|diagnostics| {
        panic!(
            "spec does not check:\n{}",
            render::to_plain_string(sources, &diagnostics.into_sorted())
        )
    })
}

/// The compiled script of one spec file's text (several documents allowed); panics
/// with the rendered diagnostics when it does not check.
pub fn compile(name: &str, yaml: &str) -> String {
    compiled(&source(name, yaml)).script()
}

/// A fresh database with the spec `tests/cases/db/<file>` compiled and applied.
pub fn database_from(file: &str) -> TestDb {
    let path = manifest().join("tests/cases/db").join(file);
    let yaml = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let db = TestDb::new();
    db.batch(&compile(file, &yaml));
    db
}

/// Compiles `yaml` and applies it to `db`.
pub fn apply(db: &TestDb, yaml: &str) {
    db.batch(&compile("spec.yaml", yaml));
}

/// A fresh database with `yaml` compiled and applied.
pub fn database_with(yaml: &str) -> TestDb {
    let db = TestDb::new();
    apply(&db, yaml);
    db
}

/// Asserts that `result` is the user error `code` and that its message mentions
/// `mentions` (a key name, a condition).
pub fn assert_error(result: &ActionResult, code: &str, mentions: &str) {
    assert!(!result.success, "expected {code}, got {result:?}");
    assert_eq!(result.error_code.as_deref(), Some(code), "{result:?}");
    let message = result.error_message.as_deref().unwrap_or_default();
    assert!(
        message.contains(mentions),
        "message `{message}` should mention `{mentions}`"
    );
}
