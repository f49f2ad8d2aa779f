//! The binary's side of `migrate new`, `apply` and `diff`: calls the library, reports on
//! stderr; only `diff` prints to stdout (its differences are the artifact).

use std::path::Path;

use specqlc::analysis::Facts;
use specqlc::apply::{self, Outcome as Applied, Progress};
use specqlc::catalog::Difference;
use specqlc::diag::{Failure, Kind, codes};
use specqlc::drift::SpecWords;
use specqlc::ir::Project;
use specqlc::migrate::state::State;
use specqlc::migrate::{self, Outcome};
use specqlc::source::SourceMap;

use crate::report::{Reporter, Stop, write_stdout};

/// `specqlc migrate new NAME PATH... -o DIR`; diagnostics point into `sources`.
pub fn migrate_new(
    project: &Project,
    facts: Facts,
    sources: &SourceMap,
    name: &str,
    root: &Path,
    options: migrate::Options,
    reporter: &mut Reporter,
) -> Result<(), Stop> {
    match migrate::new(project, facts, name, root, options) {
        Ok(Outcome::Written {
            up,
            down,
            statements,
            destructive,
            warnings,
            ..
        }) => {
            reporter.diagnostics(sources, &warnings);
            let gate = if destructive {
                ", destructive: `confiture migrate up --allow-destructive` applies it"
            } else {
                ""
            };
            reporter.progress(&format!(
                "wrote {} and {} ({statements} statements{gate})",
                up.display(),
                down.display()
            ));
            Ok(())
        }
        Err(migrate::Error::Refused(diagnostics)) => {
            reporter.diagnostics(sources, &diagnostics);
            reporter.progress("error: nothing was written");
            Err(Stop::Specs)
        }
        Ok(Outcome::UpToDate { stem }) => {
            reporter.progress(&format!("migration {stem} is up to date: nothing written"));
            Ok(())
        }
        Ok(Outcome::NothingToMigrate) => {
            reporter.progress("the existing migrations already match the specs: nothing written");
            Ok(())
        }
        Err(e) => Err(migration_failure(e).into()),
    }
}

/// A bad name is the command line's fault, everything else is about the files on disk.
fn migration_failure(error: migrate::Error) -> Failure {
    let message = error.to_string();
    match error {
        migrate::Error::InvalidName(_) => Failure::usage(message),
        migrate::Error::Io { path, .. } => {
            Failure::new(codes::IO_ERROR, Kind::Environment, message)
                .with_path(path.display().to_string())
        }
        _ => Failure::new(codes::MIGRATION, Kind::Environment, message),
    }
}

/// `specqlc apply --database-url URL PATH...`; diagnostics point into `sources`.
pub fn apply(
    project: &Project,
    facts: Facts,
    sources: &SourceMap,
    url: &str,
    options: apply::Options,
    reporter: &mut Reporter,
) -> Result<(), Stop> {
    let (plan, output) = specqlc::plan_and_emit_from(project, facts);
    let progress = |step: Progress| {
        match step {
        Progress::Applying { objects } => {
            reporter.progress(&format!("applying {objects} objects in one transaction..."));
        }
        Progress::Superuser => reporter.progress(
            "warning: applying as a superuser: the actions it owns bypass row-level security (LANGUAGE §7); apply as a role that is not a superuser",
        ),
    }
    };
    let outcome = apply::apply(url, project, &plan, &output, options, progress);
    match outcome {
        Ok(Applied::AlreadyApplied { hash }) => {
            reporter.progress(&format!(
                "already applied (sha256 {}): nothing to do",
                &hash[..12]
            ));
            Ok(())
        }
        Ok(Applied::Applied {
            hash,
            objects,
            elapsed,
        }) => {
            reporter.progress(&format!(
                "applied {objects} objects in {} ms (recorded in specqlc.applied as sha256 {})",
                elapsed.as_millis(),
                &hash[..12]
            ));
            Ok(())
        }
        Ok(Applied::Evolved {
            hash,
            statements,
            elapsed,
            warnings,
        }) => {
            reporter.diagnostics(sources, &warnings);
            reporter.progress(&format!(
                "evolved the database to the specs: {statements} statements in {} ms (recorded in specqlc.applied as sha256 {})",
                elapsed.as_millis(),
                &hash[..12]
            ));
            Ok(())
        }
        Ok(Applied::Drift(differences)) => {
            let failure = differences.iter().fold(
                Failure::new(
                    codes::DRIFT,
                    Kind::Environment,
                    format!(
                        "the database was changed since the last apply ({} differences); nothing was applied",
                        differences.len()
                    ),
                ),
                |failure, difference| failure.with_note(difference.to_string()),
            )
            .with_note("undo the hand-made changes, or put them in the specs; `specqlc diff` lists them");
            Err(failure.into())
        }
        Ok(Applied::Refused(diagnostics)) => {
            reporter.diagnostics(sources, &diagnostics);
            reporter.progress("error: nothing was applied");
            Err(Stop::Specs)
        }
        Err(e) => {
            // The server's detail, hint and context follow the message line by line.
            let text = e.to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            let failure = lines.fold(
                Failure::new(e.code, Kind::Environment, first),
                |failure, line| failure.with_note(line.trim()),
            );
            Err(failure.into())
        }
    }
}

/// `specqlc diff --database-url URL PATH...`: the differences on stdout (text or JSON);
/// `Err(Stop::Specs)` (exit 1) when there is any.
pub fn diff(
    project: &Project,
    facts: Facts,
    url: &str,
    json: bool,
    reporter: &Reporter,
) -> Result<(), Stop> {
    let (plan, output) = specqlc::plan_and_emit_from(project, facts);
    let differences = specqlc::drift::compare(url, &output)
        .map_err(|e| Failure::new(codes::CONNECTION, Kind::Environment, e.to_string()))?;
    let words = SpecWords::new(&State::of_output(project, &plan, &output));
    let text = if json {
        let items: Vec<serde_json::Value> = differences
            .iter()
            .map(|d| {
                let (kind, expected, actual) = match d {
                    Difference::Missing { expected, .. } => ("missing", Some(expected), None),
                    Difference::Extra { actual, .. } => ("extra", None, Some(actual)),
                    Difference::Changed {
                        expected, actual, ..
                    } => ("changed", Some(expected), Some(actual)),
                };
                serde_json::json!({
                    "kind": kind,
                    "object": d.key(),
                    "spec": words.name(d.key()),
                    "expected": expected,
                    "actual": actual,
                })
            })
            .collect();
        format!("{}\n", serde_json::Value::Array(items))
    } else {
        differences
            .iter()
            .map(|d| {
                format!(
                    "{}\n",
                    d.to_string().replacen(d.key(), &words.name(d.key()), 1)
                )
            })
            .collect()
    };
    write_stdout(|out| out.write_all(text.as_bytes()))?;
    reporter.progress(&format!(
        "{} difference{} between the database and the specs",
        differences.len(),
        if differences.len() == 1 { "" } else { "s" }
    ));
    if differences.is_empty() {
        Ok(())
    } else {
        Err(Stop::Specs)
    }
}
