//! Confiture, the ecosystem's migration tool, run for real on the compiler's output:
//! `confiture build` on `specqlc compile -o DIR`, and `confiture migrate up/down/status`
//! on `specqlc migrate new`; and `specqlc apply`, the fallback when Confiture is absent.
//!
//! Confiture comes from `.venv-confiture/` (made by `scripts/setup.sh`) or from PATH; a
//! machine without it fails these tests with a message saying how to get it, never skips.
//! Catalogs are compared as `pg_dump --schema-only` text, without the tracking tables of
//! Confiture (`public.tb_confiture*`, `public.confiture_lock_holder`) and of specqlc
//! (schema `specqlc`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use crate::support::TestDb;
use crate::support::assert_contains;
use crate::support::cli::{command, specqlc_exits, specqlc_ok, text};
use crate::support::tools::{self, assert_success};

/// The seed's Contact and Company, with standard actions and a custom one.
const SPEC: &str = "tests/cases/ok/crm_contact.yaml";

/// Another project, for migrations after the first and for a shared database.
const SECOND_SPEC: &str = "tests/cases/ok/library_lending.yaml";

/// Tables Confiture creates in `public` for its own bookkeeping.
const CONFITURE_TABLES: [&str; 3] = [
    "public.tb_confiture",
    "public.tb_confiture_steps",
    "public.confiture_lock_holder",
];

#[test]
fn test_confiture_migrate_up_and_down() {
    let db = TestDb::new();
    let project = TempDir::new("up-and-down");
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", project.str()]);

    confiture_ok(&project, &["migrate", "up", "--database-url", &db.url()]);
    for table in ["tb_contact", "tb_company"] {
        assert!(db.table_exists("crm", table), "crm.{table} after up");
    }
    for function in [
        "create_contact",
        "update_contact",
        "qualify_lead",
        "contact_pk",
    ] {
        assert!(
            db.function_exists("crm", function),
            "crm.{function} after up"
        );
    }
    assert!(db.function_exists("app", "slugify"));

    let status = confiture_status(&db, &project);
    assert_eq!(status["applied"], serde_json::json!(["0001"]), "{status:#}");
    assert_eq!(status["pending"], serde_json::json!([]), "{status:#}");

    confiture_ok(&project, &["migrate", "down", "--database-url", &db.url()]);
    assert!(!db.table_exists("crm", "tb_contact"));
    assert!(!db.table_exists("crm", "tb_company"));
    assert!(!db.function_exists("crm", "create_contact"));
    assert!(!db.function_exists("app", "slugify"));
    assert_eq!(
        user_schemas(&db),
        ["public"],
        "the down leaves nothing behind"
    );
    let status = confiture_status(&db, &project);
    assert_eq!(status["pending"], serde_json::json!(["0001"]), "{status:#}");

    confiture_ok(&project, &["migrate", "up", "--database-url", &db.url()]);
    assert!(db.table_exists("crm", "tb_contact"));
    assert!(db.function_exists("crm", "qualify_lead"));
}

#[test]
fn test_confiture_fallback_when_unavailable() {
    let path_without_confiture = path_without("confiture");
    assert_eq!(
        find_on(&path_without_confiture, "confiture"),
        None,
        "the stripped PATH still finds confiture"
    );

    // The same specs through Confiture, as a reference end state...
    let reference = TestDb::new();
    let project = TempDir::new("fallback-reference");
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", project.str()]);
    confiture_ok(
        &project,
        &["migrate", "up", "--database-url", &reference.url()],
    );

    // ...and through `specqlc apply`, with no Confiture to be found.
    let db = TestDb::new();
    let apply = |db: &TestDb| {
        let out = command()
            .args(["apply", "--database-url", &db.url(), SPEC])
            .env("PATH", &path_without_confiture)
            .output()
            .expect("specqlc runs");
        assert_success("specqlc apply", &out);
        assert!(out.stdout.is_empty(), "progress goes to stderr only");
        text(&out.stderr)
    };
    let first = apply(&db);
    assert_contains(&first, "applying ");
    assert_contains(&first, "applied ");
    assert!(db.table_exists("crm", "tb_contact"));
    assert!(db.function_exists("crm", "qualify_lead"));
    assert_eq!(schema_dump(&db), schema_dump(&reference));

    let again = apply(&db);
    assert_contains(&again, "already applied");
    assert_eq!(db.count("SELECT FROM specqlc.applied"), 1);
    assert_eq!(schema_dump(&db), schema_dump(&reference));
}

#[test]
fn up_down_up_leaves_the_same_catalog() {
    let db = TestDb::new();
    let empty = schema_dump(&db);
    let project = TempDir::new("up-down-up");
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", project.str()]);
    let url = db.url();

    confiture_ok(&project, &["migrate", "up", "--database-url", &url]);
    let after_up = schema_dump(&db);
    confiture_ok(&project, &["migrate", "down", "--database-url", &url]);
    assert_eq!(schema_dump(&db), empty, "down restores the empty catalog");
    confiture_ok(&project, &["migrate", "up", "--database-url", &url]);
    assert_eq!(schema_dump(&db), after_up);
}

#[test]
fn a_migration_generated_twice_is_byte_identical() {
    let first = TempDir::new("twice-a");
    let second = TempDir::new("twice-b");
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", first.str()]);
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", second.str()]);
    let files = migration_files(&first);
    assert_eq!(
        files,
        [
            "0001_init.down.sql",
            "0001_init.up.sql",
            "specqlc/0001_init.state.json"
        ]
    );
    assert_eq!(files, migration_files(&second));
    for file in &files {
        assert_eq!(
            read(&first.migrations().join(file)),
            read(&second.migrations().join(file)),
            "{file}"
        );
    }

    // Asking again changes nothing, and writes no second migration.
    let out = specqlc_ok(&["migrate", "new", "init", SPEC, "-o", first.str()]);
    assert_contains(&text(&out.stderr), "up to date");
    let out = specqlc_ok(&["migrate", "new", "again", SPEC, "-o", first.str()]);
    assert_contains(&text(&out.stderr), "nothing written");
    assert_eq!(migration_files(&first), files);

    // The same name for other specs is refused, and the file is left alone.
    let up = first.migrations().join("0001_init.up.sql");
    let before = read(&up);
    let out = specqlc_exits(
        3,
        &["migrate", "new", "init", SECOND_SPEC, "-o", first.str()],
    );
    assert_contains(&text(&out.stderr), "already exists with different content");
    assert_eq!(read(&up), before);
}

#[test]
fn a_second_migration_holds_only_the_changes() {
    let db = TestDb::new();
    let project = TempDir::new("second");
    let url = db.url();
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", project.str()]);
    confiture_ok(&project, &["migrate", "up", "--database-url", &url]);
    let after_first = schema_dump(&db);

    specqlc_ok(&[
        "migrate",
        "new",
        "add_library",
        SPEC,
        SECOND_SPEC,
        "-o",
        project.str(),
    ]);
    let up = read(&project.migrations().join("0002_add_library.up.sql"));
    assert!(
        !up.contains("crm.tb_contact"),
        "only the new objects:\n{up}"
    );
    assert_contains(&up, "-- create: table library.");

    confiture_ok(&project, &["migrate", "up", "--database-url", &url]);
    assert!(db.table_exists("crm", "tb_contact"));
    assert!(db.table_exists("library", "tb_book"));
    confiture_ok(&project, &["migrate", "down", "--database-url", &url]);
    assert!(!db.table_exists("library", "tb_book"));
    assert_eq!(schema_dump(&db), after_first);
}

#[test]
fn down_keeps_the_prelude_while_another_project_uses_it() {
    let db = TestDb::new();
    specqlc_ok(&["apply", "--database-url", &db.url(), SECOND_SPEC]);
    let project = TempDir::new("shared-prelude");
    specqlc_ok(&["migrate", "new", "init", SPEC, "-o", project.str()]);
    confiture_ok(&project, &["migrate", "up", "--database-url", &db.url()]);
    confiture_ok(&project, &["migrate", "down", "--database-url", &db.url()]);
    assert!(!db.table_exists("crm", "tb_contact"));
    assert!(!user_schemas(&db).contains(&"crm".to_string()));
    assert!(db.function_exists("app", "slugify"), "the prelude stays");
    assert!(
        db.table_exists("library", "tb_book"),
        "the other project stays"
    );
}

#[test]
fn confiture_build_of_compile_output_applies_to_an_empty_database() {
    let project = TempDir::new("build");
    specqlc_ok(&["compile", SPEC, "-o", project.str()]);
    confiture_ok(&project, &["build", "--env", "local"]);
    let built = read(&project.path().join("db/generated/schema_local.sql"));
    let db = TestDb::new();
    db.batch(&built);
    assert!(db.table_exists("crm", "tb_contact"));
    assert!(db.function_exists("crm", "qualify_lead"));
}

/// Runs the real Confiture in `project`; fails the test on any non-zero exit.
pub(crate) fn confiture_ok(project: &TempDir, args: &[&str]) -> Output {
    let out = confiture(project, args);
    assert_success(&format!("confiture {}", args.join(" ")), &out);
    out
}

/// Runs the real Confiture in `project`, whatever its exit.
pub(crate) fn confiture(project: &TempDir, args: &[&str]) -> Output {
    Command::new(confiture_path())
        .args(args)
        .current_dir(project.path())
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("CONFITURE_DATABASE_URL")
        .output()
        .expect("confiture runs")
}

/// `confiture migrate status --format json`; exit 0 (all applied) or 1 (pending).
fn confiture_status(db: &TestDb, project: &TempDir) -> Value {
    let out = Command::new(confiture_path())
        .args(["migrate", "status", "--format", "json"])
        .args(["--database-url", &db.url()])
        .current_dir(project.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("confiture runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "confiture migrate status failed ({}):\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("status is not JSON ({e}):\n{}", text(&out.stdout)))
}

/// Confiture from `.venv-confiture/` or PATH.
pub(crate) fn confiture_path() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-confiture/bin/confiture");
    if venv.is_file() {
        return venv;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    find_on(&path, "confiture").unwrap_or_else(|| {
        panic!(
            "Confiture is not installed: run scripts/setup.sh (it installs \
             fraiseql-confiture==1.29.0 into .venv-confiture/), or put `confiture` on PATH"
        )
    })
}

fn find_on(path: &OsString, program: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// PATH without the directories that hold `program`.
fn path_without(program: &str) -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&path).filter(|dir| !dir.join(program).exists());
    std::env::join_paths(kept).expect("PATH entries rejoin")
}

/// The schema of `db` as `pg_dump --schema-only` prints it, without the tracking tables.
fn schema_dump(db: &TestDb) -> String {
    let mut args = vec!["--exclude-schema=specqlc".to_string()];
    args.extend(
        CONFITURE_TABLES
            .iter()
            .map(|table| format!("--exclude-table={table}")),
    );
    tools::schema_dump(db, &args)
}

/// Schemas other than the system's and the tracking ones, sorted.
pub(crate) fn user_schemas(db: &TestDb) -> Vec<String> {
    let rows = db.query_json(
        "SELECT nspname AS name FROM pg_catalog.pg_namespace \
         WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'specqlc') \
         ORDER BY 1",
    );
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|row| row["name"].as_str().expect("a name").to_string())
        .collect()
}

/// The files under `db/migrations`, recorded states included, as relative paths.
fn migration_files(project: &TempDir) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("the migrations folder exists") {
            let entry = entry.expect("an entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut names = Vec::new();
    walk(&project.migrations(), "", &mut names);
    names.sort();
    names
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fresh directory for one Confiture project, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "specqlc-confiture-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn str(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }

    fn migrations(&self) -> PathBuf {
        self.0.join("db/migrations")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
