//! Compiling specs inside tests: YAML text → the SQL script specqlc emits, through the
//! same library calls as `specqlc compile -o -`.

use specqlc::diag::render;
use specqlc::source::SourceMap;
use specqlc::{CheckOptions, check_sources};

use crate::support::TestDb;
use crate::support::db::ActionResult;

pub const TENANT_A: &str = "00000000-0000-4000-8000-00000000000a";
pub const TENANT_B: &str = "00000000-0000-4000-8000-00000000000b";
pub const USER_1: &str = "00000000-0000-4000-8000-000000000001";
pub const USER_2: &str = "00000000-0000-4000-8000-000000000002";

/// The compiled script of one spec file's text (several documents allowed); panics
/// with the rendered diagnostics when it does not check.
pub fn compile(name: &str, yaml: &str) -> String {
    let mut sources = SourceMap::new();
    sources.add(name, yaml);
    compile_sources(sources)
}

pub fn compile_sources(sources: SourceMap) -> String {
    let checked = check_sources(sources, CheckOptions::default());
    let Some(project) = &checked.project else {
        panic!(
            "spec does not check:\n{}",
            render::to_plain_string(&checked.sources, &checked.diagnostics)
        );
    };
    let plan = specqlc::order::run(project);
    specqlc::backend::postgres::emit(project, &plan).script()
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
