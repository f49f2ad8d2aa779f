//! `specqlc apply`: the fallback when Confiture is not installed. Applies a compiled
//! project to a database in one transaction and records it: a re-run is a no-op, a run
//! on changed specs applies only the difference.
//!
//! Input: the project, its plan and the [`Output`] emitted from it, and a connection string (TLS as its `sslmode` says, see
//! [`crate::connect`]). Output: what was done, with
//! progress reported through a callback (the binary prints it on stderr).
//!
//! Invariants: all or nothing (one transaction, the record included); concurrent runs
//! serialize on an advisory lock; the record lives in its own schema, `specqlc`
//! (`specqlc.applied`: the SHA-256 of the script, the object keys, the time), never in
//! `public` next to user tables or Confiture's `tb_confiture`.
//!
//! Evolution (LANGUAGE §6): each record keeps the state the specs compiled to and the
//! catalog the database had right after. A later run on changed specs checks that the
//! live catalog still equals the recorded one (anything changed by hand since is drift,
//! reported and never overwritten), then runs the statements of [`crate::migrate`]'s
//! engine from the recorded state to the new one, in the same transaction, refusing
//! changes that lose data unless allowed.

use std::fmt;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::backend::postgres::Output;
use crate::backend::postgres::plan::Plan;
use crate::catalog::{Catalog, Difference};
use crate::diag::{Code, Diagnostic, codes};
use crate::ir::Project;
use crate::migrate::Migration;
use crate::migrate::state::State;

/// The tracking table, created on first use.
pub const TRACKING: &str = "CREATE SCHEMA IF NOT EXISTS specqlc;\n\
CREATE TABLE IF NOT EXISTS specqlc.applied (\n    \
hash TEXT PRIMARY KEY,\n    \
objects TEXT[] NOT NULL,\n    \
applied_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n\
ALTER TABLE specqlc.applied ADD COLUMN IF NOT EXISTS n BIGINT GENERATED ALWAYS AS IDENTITY;\n\
ALTER TABLE specqlc.applied ADD COLUMN IF NOT EXISTS state TEXT;\n\
ALTER TABLE specqlc.applied ADD COLUMN IF NOT EXISTS catalog TEXT;\n";

/// Serializes concurrent `apply` runs on one database (an arbitrary, fixed key).
const LOCK_KEY: i64 = 0x7370_6563_716c_6321;

/// A step worth telling the user about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    Applying {
        objects: usize,
    },
    /// The connection is a superuser's: the objects it creates bypass row-level security.
    Superuser,
}

/// What `apply` did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The database already has this exact script; nothing ran.
    AlreadyApplied { hash: String },
    Applied {
        hash: String,
        objects: usize,
        elapsed: Duration,
    },
    /// The database was applied before from other specs: the difference ran.
    Evolved {
        hash: String,
        statements: usize,
        elapsed: Duration,
        warnings: Vec<Diagnostic>,
    },
    /// Nothing ran: the database was changed by hand since the last apply.
    Drift(Vec<Difference>),
    /// Nothing ran: the specs cannot be reached as asked (data loss not allowed, a
    /// rename that does not apply).
    Refused(Vec<Diagnostic>),
}

/// How `apply` may change a database that was applied before.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub allow_destructive: bool,
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

/// Applies `project` (emitted as `output`) to the database at `url`: all of it the first
/// time, the difference from the recorded state after that.
pub fn apply(
    url: &str,
    project: &Project,
    plan: &Plan,
    output: &Output,
    options: Options,
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
    let superuser: bool = tx
        .query_one(
            "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user",
            &[],
        )
        .map_err(|e| server(None, &e))?
        .get(0);
    if superuser {
        progress(Progress::Superuser);
    }
    let latest = tx
        .query_opt(
            "SELECT hash, state, catalog FROM specqlc.applied ORDER BY n DESC LIMIT 1",
            &[],
        )
        .map_err(|e| server(None, &e))?
        .map(|row| {
            let hash: String = row.get(0);
            let state: Option<String> = row.get(1);
            let catalog: Option<String> = row.get(2);
            (hash, state, catalog)
        });
    if let Some((_, _, Some(recorded))) = &latest {
        let recorded = Catalog::from_json(recorded).map_err(|e| Error {
            code: codes::DATABASE,
            object: None,
            message: format!("the catalog recorded in specqlc.applied cannot be read: {e}"),
        })?;
        let live = Catalog::read(&mut tx).map_err(|e| server(None, &e))?;
        let drift = recorded.differences(&live);
        if !drift.is_empty() {
            return Ok(Outcome::Drift(drift));
        }
    }
    if latest.as_ref().is_some_and(|(h, _, _)| *h == hash) {
        tx.commit().map_err(|e| server(None, &e))?;
        return Ok(Outcome::AlreadyApplied { hash });
    }
    let state = State::of_output(project, plan, output);
    let ran = match latest.and_then(|(_, state, _)| state) {
        Some(recorded) => {
            let old = State::from_json(&recorded).map_err(|reason| Error {
                code: codes::DATABASE,
                object: None,
                message: format!("the state recorded in specqlc.applied cannot be read: {reason}"),
            })?;
            let migration = match Migration::between(project, &old, &state) {
                Ok(migration) => migration,
                Err(diagnostics) => return Ok(Outcome::Refused(diagnostics)),
            };
            let fallback = project.entities.first().map(|e| e.span).unwrap_or_default();
            if migration.destructive() && !options.allow_destructive {
                return Ok(Outcome::Refused(migration.losses(fallback)));
            }
            let steps: Vec<_> = migration.up.iter().filter(|s| !s.sql.is_empty()).collect();
            progress(Progress::Applying {
                objects: steps.len(),
            });
            for step in &steps {
                tx.batch_execute(&step.sql)
                    .map_err(|e| server(Some(&step.what), &e))?;
            }
            Ran::Steps {
                statements: steps.len(),
                warnings: migration.hazards(fallback),
            }
        }
        None => {
            progress(Progress::Applying {
                objects: output.objects.len(),
            });
            for object in &output.objects {
                tx.batch_execute(&object.sql)
                    .map_err(|e| server(Some(&object.key.to_string()), &e))?;
            }
            Ran::Script {
                objects: output.objects.len(),
            }
        }
    };
    let catalog = Catalog::read(&mut tx).map_err(|e| server(None, &e))?;
    let keys: Vec<String> = output.objects.iter().map(|o| o.key.to_string()).collect();
    tx.execute("DELETE FROM specqlc.applied WHERE hash = $1", &[&hash])
        .map_err(|e| server(None, &e))?;
    tx.execute(
        "INSERT INTO specqlc.applied (hash, objects, state, catalog) VALUES ($1, $2, $3, $4)",
        &[&hash, &keys, &state.to_json(), &catalog.to_json()],
    )
    .map_err(|e| server(None, &e))?;
    tx.commit().map_err(|e| server(None, &e))?;
    let elapsed = started.elapsed();
    Ok(match ran {
        Ran::Script { objects } => Outcome::Applied {
            hash,
            objects,
            elapsed,
        },
        Ran::Steps {
            statements,
            warnings,
        } => Outcome::Evolved {
            hash,
            statements,
            elapsed,
            warnings,
        },
    })
}

/// What ran in the transaction: the whole script (first apply), or the steps from the
/// recorded state.
enum Ran {
    Script {
        objects: usize,
    },
    Steps {
        statements: usize,
        warnings: Vec<Diagnostic>,
    },
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
