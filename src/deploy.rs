//! The binary's side of `migrate new` and `apply`: calls the library, reports on stderr.
//! Nothing goes to stdout (neither command has an artifact to print).

use std::path::Path;
use std::process::ExitCode;

use specqlc::apply::{self, Outcome as Applied, Progress};
use specqlc::catalog::Difference;
use specqlc::diag::Diagnostic;
use specqlc::ir::Project;
use specqlc::migrate::{self, Outcome};

const EXIT_FAILURE: u8 = 1;

/// `specqlc migrate new NAME PATH... -o DIR`; `report` renders diagnostics against the
/// specs' sources.
pub fn migrate_new(
    project: &Project,
    name: &str,
    root: &Path,
    options: migrate::Options,
    report: &dyn Fn(&[Diagnostic]),
) -> ExitCode {
    match migrate::new(project, name, root, options) {
        Ok(Outcome::Written {
            up,
            down,
            statements,
            destructive,
            warnings,
            ..
        }) => {
            report(&warnings);
            let gate = if destructive {
                ", destructive: `confiture migrate up --allow-destructive` applies it"
            } else {
                ""
            };
            eprintln!(
                "wrote {} and {} ({statements} statements{gate})",
                up.display(),
                down.display()
            );
            ExitCode::SUCCESS
        }
        Err(migrate::Error::Refused(diagnostics)) => {
            report(&diagnostics);
            eprintln!("error: nothing was written");
            ExitCode::from(EXIT_FAILURE)
        }
        Ok(Outcome::UpToDate { stem }) => {
            eprintln!("migration {stem} is up to date: nothing written");
            ExitCode::SUCCESS
        }
        Ok(Outcome::NothingToMigrate) => {
            eprintln!("the existing migrations already match the specs: nothing written");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `specqlc apply --database-url URL PATH...`
pub fn apply(
    project: &Project,
    url: &str,
    options: apply::Options,
    report: &dyn Fn(&[Diagnostic]),
) -> ExitCode {
    let plan = specqlc::order::run(project);
    let output = specqlc::backend::postgres::emit(project, &plan);
    let progress = |step: Progress| match step {
        Progress::Applying { objects } => {
            eprintln!("applying {objects} objects in one transaction...");
        }
    };
    match apply::apply(url, project, &output, options, progress) {
        Ok(Applied::AlreadyApplied { hash }) => {
            eprintln!("already applied (sha256 {}): nothing to do", &hash[..12]);
            ExitCode::SUCCESS
        }
        Ok(Applied::Applied {
            hash,
            objects,
            elapsed,
        }) => {
            eprintln!(
                "applied {objects} objects in {} ms (recorded in specqlc.applied as sha256 {})",
                elapsed.as_millis(),
                &hash[..12]
            );
            ExitCode::SUCCESS
        }
        Ok(Applied::Evolved {
            hash,
            statements,
            elapsed,
            warnings,
        }) => {
            report(&warnings);
            eprintln!(
                "evolved the database to the specs: {statements} statements in {} ms (recorded in specqlc.applied as sha256 {})",
                elapsed.as_millis(),
                &hash[..12]
            );
            ExitCode::SUCCESS
        }
        Ok(Applied::Drift(differences)) => {
            eprintln!(
                "error: the database was changed since the last apply ({} differences); nothing was applied:",
                differences.len()
            );
            for difference in &differences {
                eprintln!("  {difference}");
            }
            eprintln!(
                "help: undo the hand-made changes, or put them in the specs; `specqlc diff` lists them"
            );
            ExitCode::from(EXIT_FAILURE)
        }
        Ok(Applied::Refused(diagnostics)) => {
            report(&diagnostics);
            eprintln!("error: nothing was applied");
            ExitCode::from(EXIT_FAILURE)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// `specqlc diff --database-url URL PATH...`: differences on stdout (text or JSON).
pub fn diff(project: &Project, url: &str, json: bool) -> ExitCode {
    let plan = specqlc::order::run(project);
    let output = specqlc::backend::postgres::emit(project, &plan);
    let differences = match specqlc::drift::compare(url, &output) {
        Ok(differences) => differences,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE + 2);
        }
    };
    let words =
        specqlc::drift::SpecWords::new(&specqlc::migrate::state::State::of_plan(project, &plan));
    if json {
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
        println!("{}", serde_json::Value::Array(items));
    } else {
        for difference in &differences {
            let line = difference.to_string();
            let key = difference.key();
            println!("{}", line.replacen(key, &words.name(key), 1));
        }
        eprintln!(
            "{} difference{} between the database and the specs",
            differences.len(),
            if differences.len() == 1 { "" } else { "s" }
        );
    }
    if differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    }
}
