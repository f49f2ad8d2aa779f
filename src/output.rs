//! Writing compiled output: one script to stdout, or a Confiture tree in which specqlc
//! replaces only the files it owns ([`specqlc::ownership`]).

use std::path::Path;

use specqlc::analysis::Facts;
use specqlc::backend::postgres::header;
use specqlc::diag::{Failure, Kind, codes};
use specqlc::ir::Project;

use crate::report::{Reporter, Stop, write_stdout};

/// Compiles `project` and writes it to `target` (`-` = stdout).
pub fn compile(
    project: &Project,
    facts: Facts,
    target: &str,
    reporter: &Reporter,
) -> Result<(), Stop> {
    let (_, output) = specqlc::plan_and_emit_from(project, facts);
    if target == "-" {
        return write_stdout(|mut out| {
            out.write_all(header().as_bytes())?;
            output.write_script(&mut out)
        });
    }
    let mut files = output.confiture_files();
    for (path, content) in &mut files {
        if path.starts_with("db/schema/") && path.ends_with(".sql") {
            content.insert_str(0, &header());
        }
    }
    match specqlc::ownership::write(Path::new(target), &files) {
        Ok(done) => {
            let kept = match done.kept {
                0 => String::new(),
                n => format!(
                    ", {n} environment file{} kept as edited",
                    if n == 1 { "" } else { "s" }
                ),
            };
            reporter.progress(&format!(
                "wrote {} files to {target} ({} unchanged, {} removed{kept})",
                done.written, done.unchanged, done.removed
            ));
            Ok(())
        }
        Err(specqlc::ownership::Error::Conflicts(conflicts)) => {
            let failure = conflicts.iter().fold(
                Failure::new(
                    codes::IO_ERROR,
                    Kind::Environment,
                    format!(
                        "cannot write `{target}`: {} file{} that specqlc does not own would be replaced or removed; nothing was changed",
                        conflicts.len(),
                        if conflicts.len() == 1 { "" } else { "s" }
                    ),
                )
                .with_path(target),
                |failure, c| failure.with_note(format!("{} {}", c.path, c.reason)),
            );
            Err(failure
                .with_note("move them out of the way, or keep your changes in files of your own")
                .into())
        }
        Err(e) => Err(Failure::new(
            codes::IO_ERROR,
            Kind::Environment,
            format!("cannot write `{target}`: {e}"),
        )
        .with_path(target)
        .into()),
    }
}
