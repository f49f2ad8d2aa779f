//! Which files of a project directory specqlc owns: those it wrote, unchanged since.
//!
//! `compile -o DIR` records every file it writes, with the SHA-256 of its content, in
//! `DIR/.specqlc/files.json`. The next compile replaces a file only when it is one of
//! those and still has the recorded content, deletes recorded files it no longer
//! produces, and never touches anything else: a user's own `db/schema/99_custom.sql`
//! stays, and an environment file (`db/environments/*.yaml`) is written only when absent,
//! since users edit it (their `database_url`). A file that specqlc would have to
//! overwrite or delete but that the user wrote or edited is a conflict, reported by name
//! before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The record of written files, relative to the project directory.
pub const MANIFEST: &str = ".specqlc/files.json";

/// Why nothing was written.
#[derive(Debug)]
pub enum Error {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Files the user wrote or edited that the compile would replace or delete.
    Conflicts(Vec<Conflict>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub path: String,
    pub reason: &'static str,
}

/// What a write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Environment files left as the user has them.
    pub kept: usize,
}

fn hash(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_environment(path: &str) -> bool {
    path.starts_with("db/environments/")
}

/// Writes `files` (relative path, content) under `root`, as the module doc says.
pub fn write(root: &Path, files: &[(String, String)]) -> Result<Written, Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| Error::Io { path, error }
    };
    let manifest_path = root.join(MANIFEST);
    let recorded: BTreeMap<String, String> = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_default(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(io(&manifest_path)(e)),
    };
    let on_disk = |relative: &str| -> Result<Option<Vec<u8>>, Error> {
        let path = root.join(relative);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path)(e)),
        }
    };

    let mut conflicts = Vec::new();
    let mut plan: Vec<(&str, &str)> = Vec::new();
    let mut outcome = Written::default();
    let mut manifest = BTreeMap::new();
    for (relative, content) in files {
        let existing = on_disk(relative)?;
        match existing {
            Some(_) if is_environment(relative) => outcome.kept += 1,
            Some(bytes) if bytes == content.as_bytes() => {
                outcome.unchanged += 1;
                manifest.insert(relative.clone(), hash(content.as_bytes()));
            }
            Some(bytes) => match recorded.get(relative) {
                Some(h) if *h == hash(&bytes) => plan.push((relative, content)),
                Some(_) => conflicts.push(Conflict {
                    path: relative.clone(),
                    reason: "was edited since specqlc wrote it",
                }),
                None => conflicts.push(Conflict {
                    path: relative.clone(),
                    reason: "was not written by specqlc",
                }),
            },
            None => plan.push((relative, content)),
        }
    }
    let produced: std::collections::BTreeSet<&str> =
        files.iter().map(|(p, _)| p.as_str()).collect();
    let mut stale = Vec::new();
    for (relative, recorded_hash) in &recorded {
        if produced.contains(relative.as_str()) {
            continue;
        }
        match on_disk(relative)? {
            Some(bytes) if hash(&bytes) == *recorded_hash => stale.push(relative.clone()),
            Some(_) => conflicts.push(Conflict {
                path: relative.clone(),
                reason: "is no longer generated but was edited since specqlc wrote it",
            }),
            None => {}
        }
    }
    if !conflicts.is_empty() {
        return Err(Error::Conflicts(conflicts));
    }

    for (relative, content) in plan {
        let path = root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        // Written beside, then renamed: a reader never sees half a file.
        let partial = path.with_extension("specqlc-partial");
        std::fs::write(&partial, content).map_err(io(&partial))?;
        std::fs::rename(&partial, &path).map_err(io(&path))?;
        manifest.insert(relative.to_string(), hash(content.as_bytes()));
        outcome.written += 1;
    }
    for relative in stale {
        let path = root.join(&relative);
        std::fs::remove_file(&path).map_err(io(&path))?;
        outcome.removed += 1;
        // Folders that only held generated files go too.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    if let Some(parent) = manifest_path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let text = serde_json::to_string_pretty(&manifest).expect("a map of strings serializes") + "\n";
    std::fs::write(&manifest_path, text).map_err(io(&manifest_path))?;
    Ok(outcome)
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, error } => write!(f, "cannot access `{}`: {error}", path.display()),
            Error::Conflicts(conflicts) => {
                write!(
                    f,
                    "nothing was written: specqlc would replace or remove files it does not own:"
                )?;
                for c in conflicts {
                    write!(f, "\n  {} {}", c.path, c.reason)?;
                }
                write!(
                    f,
                    "\nmove them out of the way, or keep your changes in a file of your own"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(label: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("specqlc-own-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn user_files_and_edited_environments_are_kept() {
        let root = dir("keep");
        let first = files(&[
            ("db/schema/10_a.sql", "A1"),
            ("db/schema/20_b.sql", "B1"),
            ("db/environments/local.yaml", "url: default"),
        ]);
        write(&root, &first).unwrap();
        std::fs::write(root.join("db/schema/99_custom.sql"), "mine").unwrap();
        std::fs::write(root.join("db/environments/local.yaml"), "url: edited").unwrap();
        let second = files(&[
            ("db/schema/10_a.sql", "A2"),
            ("db/environments/local.yaml", "url: default"),
        ]);
        let done = write(&root, &second).unwrap();
        assert_eq!((done.written, done.removed, done.kept), (1, 1, 1));
        assert_eq!(
            std::fs::read_to_string(root.join("db/schema/10_a.sql")).unwrap(),
            "A2"
        );
        assert!(
            !root.join("db/schema/20_b.sql").exists(),
            "a stale generated file goes"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("db/schema/99_custom.sql")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("db/environments/local.yaml")).unwrap(),
            "url: edited"
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_file_that_would_be_overwritten_is_a_conflict_and_nothing_is_written() {
        let root = dir("conflict");
        write(&root, &files(&[("db/schema/10_a.sql", "A1")])).unwrap();
        std::fs::write(root.join("db/schema/10_a.sql"), "A1 edited").unwrap();
        std::fs::write(root.join("db/schema/30_c.sql"), "theirs").unwrap();
        let Err(Error::Conflicts(conflicts)) = write(
            &root,
            &files(&[
                ("db/schema/10_a.sql", "A2"),
                ("db/schema/30_c.sql", "C"),
                ("db/schema/40_d.sql", "D"),
            ]),
        ) else {
            panic!("expected conflicts");
        };
        let paths: Vec<&str> = conflicts.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["db/schema/10_a.sql", "db/schema/30_c.sql"]);
        assert!(!root.join("db/schema/40_d.sql").exists(), "nothing written");
        assert_eq!(
            std::fs::read_to_string(root.join("db/schema/10_a.sql")).unwrap(),
            "A1 edited"
        );
        let _ = std::fs::remove_dir_all(root);
    }
}
