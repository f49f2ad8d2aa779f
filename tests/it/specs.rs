//! Compiling specs inside tests: YAML text → the SQL script specqlc emits, through the
//! same library calls as `specqlc compile -o -`.

use specqlc::diag::render;
use specqlc::source::SourceMap;
use specqlc::{CheckOptions, check_sources};

use crate::support::TestDb;

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
