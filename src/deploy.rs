//! The binary's side of `migrate new` and `apply`: calls the library, reports on stderr.
//! Nothing goes to stdout (neither command has an artifact to print).

use std::path::Path;

use specqlc::apply::{self, Outcome as Applied, Progress};
use specqlc::diag::{Failure, Kind, codes};
use specqlc::ir::Project;
use specqlc::migrate::{self, Outcome};

use crate::report::{Reporter, Stop};

/// `specqlc migrate new NAME PATH... -o DIR`
pub fn migrate_new(
    project: &Project,
    name: &str,
    root: &Path,
    reporter: &Reporter,
) -> Result<(), Stop> {
    match migrate::new(project, name, root) {
        Ok(Outcome::Written {
            up,
            down,
            created,
            replaced,
            dropped,
            ..
        }) => {
            reporter.progress(&format!(
                "wrote {} and {} ({created} created, {replaced} replaced, {dropped} dropped)",
                up.display(),
                down.display()
            ));
            Ok(())
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

/// `specqlc apply --database-url URL PATH...`
pub fn apply(project: &Project, url: &str, reporter: &Reporter) -> Result<(), Stop> {
    let plan = specqlc::order::run(project);
    let output = specqlc::backend::postgres::emit(project, &plan);
    let progress = |step: Progress| match step {
        Progress::Applying { objects } => {
            reporter.progress(&format!("applying {objects} objects in one transaction..."));
        }
    };
    match apply::apply(url, &output, progress) {
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
