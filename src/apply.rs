//! `specqlc apply`: the fallback when Confiture is not installed. Applies a compiled
//! project to a database in one transaction and records it, so a re-run is a no-op.
//!
//! Input: the emitted [`Output`] and a connection string (TLS as its `sslmode` says, see
//! [`crate::connect`]). Output: what was done, with
//! progress reported through a callback (the binary prints it on stderr).
//!
//! Invariants: all or nothing (one transaction, the record included); concurrent runs
//! serialize on an advisory lock; the record lives in its own schema, `specqlc`
//! (`specqlc.applied`: the SHA-256 of the script, the object keys, the time), never in
//! `public` next to user tables or Confiture's `tb_confiture`. The script is idempotent
//! anyway, so the record only saves work and says what happened.

use std::fmt;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::backend::postgres::Output;
use crate::diag::{Code, codes};

/// The tracking table, created on first use.
pub const TRACKING: &str = "CREATE SCHEMA IF NOT EXISTS specqlc;\n\
CREATE TABLE IF NOT EXISTS specqlc.applied (\n    \
hash TEXT PRIMARY KEY,\n    \
objects TEXT[] NOT NULL,\n    \
applied_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n";

/// Serializes concurrent `apply` runs on one database (an arbitrary, fixed key).
const LOCK_KEY: i64 = 0x7370_6563_716c_6321;

/// A step worth telling the user about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    Applying { objects: usize },
}

/// What `apply` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The database already has this exact script; nothing ran.
    AlreadyApplied { hash: String },
    Applied {
        hash: String,
        objects: usize,
        elapsed: Duration,
    },
}

/// Why nothing was applied: the server's message, and the object that failed, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// `E0601` (no connection) or `E0602` (the server refused a statement).
    pub code: Code,
    pub object: Option<String>,
    pub message: String,
}

/// The SHA-256 of `script`, in lower-case hex.
pub fn hash(script: &str) -> String {
    Sha256::digest(script.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Applies `output` to the database at `url` unless it was applied there already.
pub fn apply(
    url: &str,
    output: &Output,
    mut progress: impl FnMut(Progress),
) -> Result<Outcome, Error> {
    let hash = hash(&output.script());
    let mut client = crate::connect::connect(url).map_err(|e| Error {
        code: codes::CONNECTION,
        object: None,
        message: format!("cannot connect to the database: {e}"),
    })?;
    let started = Instant::now();
    let mut tx = client.transaction().map_err(|e| server(None, &e))?;
    tx.execute("SELECT pg_catalog.pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .map_err(|e| server(None, &e))?;
    tx.batch_execute(TRACKING).map_err(|e| server(None, &e))?;
    let done = tx
        .query_opt("SELECT 1 FROM specqlc.applied WHERE hash = $1", &[&hash])
        .map_err(|e| server(None, &e))?;
    if done.is_some() {
        tx.commit().map_err(|e| server(None, &e))?;
        return Ok(Outcome::AlreadyApplied { hash });
    }
    progress(Progress::Applying {
        objects: output.objects.len(),
    });
    for object in &output.objects {
        tx.batch_execute(&object.sql)
            .map_err(|e| server(Some(&object.key), &e))?;
    }
    let keys: Vec<&str> = output.objects.iter().map(|o| o.key.as_str()).collect();
    tx.execute(
        "INSERT INTO specqlc.applied (hash, objects) VALUES ($1, $2)",
        &[&hash, &keys],
    )
    .map_err(|e| server(None, &e))?;
    tx.commit().map_err(|e| server(None, &e))?;
    Ok(Outcome::Applied {
        hash,
        objects: output.objects.len(),
        elapsed: started.elapsed(),
    })
}

fn server(object: Option<&str>, error: &postgres::Error) -> Error {
    Error {
        code: codes::DATABASE,
        object: object.map(str::to_string),
        message: describe(error),
    }
}

/// The server's report (code, message, detail, hint, context), or the client error with
/// its causes.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        let extras = [
            ("detail", db.detail()),
            ("hint", db.hint()),
            ("context", db.where_()),
        ];
        for (label, extra) in extras {
            if let Some(extra) = extra {
                text += &format!("\n  {label}: {extra}");
            }
        }
        return text;
    }
    crate::connect::with_causes(error)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object {
            Some(object) => write!(
                f,
                "applying `{object}` failed, nothing was applied: {}",
                self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
