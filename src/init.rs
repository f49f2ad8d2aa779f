//! `specqlc init [DIR]`: a starter project, so a newcomer's first `check` and `compile`
//! have something to work on: one spec with a custom action (`specs/contact.yaml`),
//! Confiture's `db/environments/local.yaml`, a `.gitignore`, a README of the next
//! commands and the spec format's JSON Schema (`.specqlc/spec.schema.json`) that the
//! spec's `yaml-language-server` modeline names.
//!
//! Invariant: never overwrites. Every file is checked first and created with
//! `create_new`, so an existing file (even one that appears meanwhile) stops the run.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Failure, Kind, codes};

/// The spec format's JSON Schema, beside the specs so that editors need no network and
/// the schema matches this specqlc (`specqlc schema > .specqlc/spec.schema.json` after
/// an upgrade). The example spec's `yaml-language-server` modeline points at it.
pub const SCHEMA_FILE: &str = ".specqlc/spec.schema.json";

/// `specqlc schema`'s output.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&crate::spec::schema::schema())
        .expect("JSON values serialize");
    text.push('\n');
    text
}

/// The files of a new project: `(path relative to the project, content)`.
pub fn files() -> Vec<(&'static str, String)> {
    vec![
        (
            "specs/contact.yaml",
            format!(
                "# yaml-language-server: $schema=../{SCHEMA_FILE}\n{}",
                include_str!("../templates/init/specs/contact.yaml")
            ),
        ),
        (SCHEMA_FILE, schema_text()),
        (
            "db/environments/local.yaml",
            crate::backend::postgres::LOCAL_ENVIRONMENT.to_string(),
        ),
        (
            ".gitignore",
            include_str!("../templates/init/gitignore").to_string(),
        ),
        (
            "README.md",
            include_str!("../templates/init/README.md").to_string(),
        ),
    ]
}

/// Writes the starter project under `root` and returns the paths written; nothing is
/// written when any of them exists.
pub fn write(root: &Path) -> Result<Vec<PathBuf>, Failure> {
    let files = files();
    let taken: Vec<String> = files
        .iter()
        .map(|(relative, _)| root.join(relative))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if let Some(first) = taken.first() {
        return Err(Failure::new(
            codes::IO_ERROR,
            Kind::Environment,
            format!(
                "`{first}` exists already; `specqlc init` never overwrites a file, so nothing was written"
            ),
        )
        .with_path(first.clone())
        .with_note(format!("existing: {}", taken.join(", ")))
        .with_note("choose an empty directory: `specqlc init my-project`"));
    }
    let mut written = Vec::new();
    for (relative, content) in &files {
        let path = root.join(relative);
        create(&path, content).map_err(|e| {
            Failure::new(
                codes::IO_ERROR,
                Kind::Environment,
                format!("cannot write `{}`: {e}", path.display()),
            )
            .with_path(path.display().to_string())
        })?;
        written.push(path);
    }
    Ok(written)
}

fn create(path: &Path, content: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(content.as_bytes())
}
