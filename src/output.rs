//! Writing compiled output: one script to stdout, or a Confiture tree written
//! all-or-nothing (staged in a sibling directory, then moved into place).

use std::path::Path;

use specqlc::backend::postgres::header;
use specqlc::diag::{Failure, Kind, codes};
use specqlc::ir::Project;

use crate::report::{Reporter, Stop, write_stdout};

/// Compiles `project` and writes it to `target` (`-` = stdout).
pub fn compile(project: &Project, target: &str, reporter: &Reporter) -> Result<(), Stop> {
    let plan = specqlc::order::run(project);
    let output = specqlc::backend::postgres::emit(project, &plan);
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
    match write_tree(Path::new(target), &files) {
        Ok(count) => {
            reporter.progress(&format!("wrote {count} files to {target}"));
            Ok(())
        }
        Err(e) => Err(Failure::new(
            codes::IO_ERROR,
            Kind::Environment,
            format!("cannot write `{target}`: {e}; nothing was changed"),
        )
        .with_path(target)
        .into()),
    }
}

/// Writes `files` under `root`, replacing `root/db/schema` as a whole and our environment
/// file: everything is written to a staging directory first, so a failed compile or write
/// leaves the previous tree untouched. Other content of `root` (migrations, other
/// environments) is kept.
fn write_tree(root: &Path, files: &[(String, String)]) -> std::io::Result<usize> {
    std::fs::create_dir_all(root)?;
    let staging = root.join(format!(".specqlc-staging-{}", std::process::id()));
    let result = (|| {
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        for (relative, content) in files {
            let path = staging.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, content)?;
        }
        // `db/schema` is generated whole, so it is swapped whole; other folders
        // (`db/environments`) may hold the user's files, so only ours are replaced.
        let staged_db = staging.join("db");
        let final_db = root.join("db");
        std::fs::create_dir_all(&final_db)?;
        for entry in std::fs::read_dir(&staged_db)? {
            let entry = entry?;
            let destination = final_db.join(entry.file_name());
            if entry.file_name() == "schema" {
                if destination.exists() {
                    std::fs::rename(&destination, staging.join("old-schema"))?;
                }
                std::fs::rename(entry.path(), &destination)?;
                continue;
            }
            std::fs::create_dir_all(&destination)?;
            for file in std::fs::read_dir(entry.path())? {
                let file = file?;
                std::fs::rename(file.path(), destination.join(file.file_name()))?;
            }
        }
        Ok(files.len())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}
