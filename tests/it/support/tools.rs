//! Programs the tests run besides `specqlc`: PostgreSQL's client binaries, `openssl`,
//! Confiture, and how a run that must succeed is checked.

use std::path::PathBuf;
use std::process::{Command, Output};

use super::TestDb;
use super::cli::text;

/// Debian's PostgreSQL 15 `name` (`psql`, `pg_dump`: the version of the test cluster),
/// else the one on PATH.
pub fn pg_bin(name: &str) -> PathBuf {
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin").join(name);
    if debian.is_file() {
        debian
    } else {
        PathBuf::from(name)
    }
}

/// Fails the test unless `out` is a success; `what` names the run, and the message holds
/// the exit status and everything it printed.
pub fn assert_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Runs `command` to completion and fails the test unless it succeeds (see
/// [`assert_success`]).
pub fn run_ok(command: &mut Command, what: &str) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} does not run: {e}"));
    assert_success(what, &out);
    out
}

/// The schema of `db` as `pg_dump --schema-only --no-owner <args>` prints it, without
/// the per-run `\restrict` keys of recent pg_dump releases.
pub fn schema_dump(db: &TestDb, args: &[String]) -> String {
    let out = run_ok(
        Command::new(pg_bin("pg_dump"))
            .args(["--schema-only", "--no-owner"])
            .args(args)
            .arg("--dbname")
            .arg(db.url()),
        "pg_dump",
    );
    text(&out.stdout)
        .lines()
        .filter(|line| !line.starts_with("\\restrict") && !line.starts_with("\\unrestrict"))
        .map(|line| format!("{line}\n"))
        .collect()
}
