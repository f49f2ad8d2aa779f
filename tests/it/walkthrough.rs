//! The README's "Use it" section, run as written: every fenced `sh` block of the
//! section, in order, as one `bash -euo pipefail` script in a temporary directory,
//! against a throwaway database of the test cluster.
//!
//! The `sh setup` block is not run: it installs system packages as root and the
//! `specqlc` command with `cargo install`. Instead the script's PATH starts with the
//! directory of the `specqlc` binary this test run built (`CARGO_BIN_EXE_specqlc`),
//! then Confiture's (`.venv-confiture/bin`, or PATH) and the cluster's PostgreSQL
//! client programs, and `DATABASE_URL` names the throwaway database.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::confiture::{TempDir, confiture_path};
use crate::support::TestDb;

/// The fenced blocks of the README section titled `heading`: `(info string, body)`.
fn blocks(readme: &str, heading: &str) -> Vec<(String, String)> {
    let start = readme
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    let mut out = Vec::new();
    let mut lines = section[..end].lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let mut body = String::new();
            for line in lines.by_ref() {
                if line.starts_with("```") {
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            out.push((info.trim().to_string(), body));
        }
    }
    out
}

/// The directory holding `program` on PATH, if any.
fn dir_of(program: &Path) -> PathBuf {
    program
        .parent()
        .expect("a program in a directory")
        .to_path_buf()
}

#[test]
fn readme_walkthrough() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = blocks(&readme, "Use it");
    let setup: Vec<&(String, String)> = blocks.iter().filter(|(i, _)| i == "sh setup").collect();
    assert_eq!(setup.len(), 1, "one `sh setup` block, the one not run");
    assert!(
        setup[0].1.contains("cargo install"),
        "the setup block is where specqlc gets installed"
    );
    let script: Vec<&str> = blocks
        .iter()
        .filter(|(info, _)| info == "sh")
        .map(|(_, body)| body.as_str())
        .collect();
    assert!(script.len() >= 5, "the walkthrough has its steps");
    let script = script.join("\n");
    for step in [
        "specqlc init",
        "specqlc check",
        "specqlc compile",
        "confiture build",
        "confiture migrate up",
        "psql",
        "specqlc migrate new",
    ] {
        assert!(script.contains(step), "the walkthrough shows `{step}`");
    }

    let db = TestDb::new();
    let work = TempDir::new("readme");
    let specqlc = PathBuf::from(env!("CARGO_BIN_EXE_specqlc"));
    let mut path = vec![dir_of(&specqlc), dir_of(&confiture_path())];
    let postgres = PathBuf::from("/usr/lib/postgresql/15/bin");
    if postgres.is_dir() {
        path.push(postgres);
    }
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let started = std::time::Instant::now();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(work.path())
        .env("PATH", std::env::join_paths(path).unwrap())
        .env("DATABASE_URL", db.url())
        .env("NO_COLOR", "1")
        .env_remove("CONFITURE_DATABASE_URL")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README walkthrough fails ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    // What the README says the two calls print.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"t|"), "{stdout}");
    assert!(
        lines.contains(&"f|invalid_input|unknown input key \"emial\""),
        "{stdout}"
    );
    assert!(db.table_exists("crm", "tb_company"));
    assert_eq!(
        db.count(
            "SELECT FROM information_schema.columns \
             WHERE table_schema = 'crm' AND table_name = 'tb_company' AND column_name = 'website'"
        ),
        1,
        "the second migration added the field"
    );
    assert_eq!(db.count("SELECT FROM crm.tb_contact"), 1);
    eprintln!(
        "README walkthrough: {} steps in {:.1?}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        script.lines().filter(|l| !l.trim().is_empty()).count(),
        started.elapsed()
    );
}
