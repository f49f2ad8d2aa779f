//! Finding and reading spec files: files and directories of `*.yaml` (recursive, sorted).
//!
//! Only regular files are read, at most [`MAX_FILE_BYTES`] each: a FIFO would block the
//! compiler and `/dev/zero` would grow its memory without bound, so either is an error
//! naming the path. Paths given on the command line are the roots: a symbolic link found
//! while walking a directory is followed only when its target lies inside a root (a link
//! out of the tree is reported, and its target never read or quoted); a link that cannot
//! be resolved (a loop, a dangling link) and a directory reached twice are reported too,
//! so a walk always ends.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostics, Failure, Kind, codes};
use crate::source::SourceMap;

/// The largest spec file read (16 MiB); larger ones are an error, not a slow compile.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A path that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: String,
    pub reason: String,
    /// `E0101` (cannot read) or `E0107` (a directory without spec files).
    pub code: Code,
}

impl ReadError {
    /// The failure to report: an unreadable path is the environment's fault (exit 3), a
    /// directory without specs is the input's (exit 1).
    pub fn into_failure(self) -> Failure {
        let kind = if self.code == codes::IO_ERROR {
            Kind::Environment
        } else {
            Kind::Input
        };
        let message = if self.code == codes::IO_ERROR {
            format!("cannot read `{}`: {}", self.path, self.reason)
        } else {
            format!("`{}`: {}", self.path, self.reason)
        };
        Failure::new(self.code, kind, message).with_path(self.path)
    }
}

/// Reads every spec file named by `paths` (directories are searched recursively for
/// `*.yaml` and `*.yml`, in sorted path order) into a new source map.
pub fn read_paths(paths: &[PathBuf]) -> Result<SourceMap, Vec<ReadError>> {
    let mut walk = Walk {
        roots: paths
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect(),
        visited: BTreeSet::new(),
        files: Vec::new(),
        errors: Vec::new(),
    };
    for path in paths {
        walk.root(path);
    }
    let Walk {
        files, mut errors, ..
    } = walk;
    let mut sources = SourceMap::new();
    for path in files {
        match read_file(&path) {
            Ok(text) => {
                sources.add(display(&path), text);
            }
            Err(reason) => errors.push(error(&path, reason)),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(errors)
    }
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn error(path: &Path, reason: impl Into<String>) -> ReadError {
    ReadError {
        path: display(path),
        reason: reason.into(),
        code: codes::IO_ERROR,
    }
}

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The text of one regular file of at most [`MAX_FILE_BYTES`].
fn read_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // The size may change between the check and the read: never read past the bound.
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(text)
}

fn too_large() -> String {
    format!(
        "larger than {} MiB; a spec file is read whole, so the limit keeps a wrong path from exhausting memory",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn not_regular(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    let kind = if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    format!("{kind}, not a regular file: only regular spec files are read")
}

struct Walk {
    /// Every given path that exists, canonical.
    roots: Vec<PathBuf>,
    /// Canonical directories already walked.
    visited: BTreeSet<PathBuf>,
    files: Vec<PathBuf>,
    errors: Vec<ReadError>,
}

impl Walk {
    fn root(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = self.files.len();
                self.dir(path);
                if self.files.len() == before {
                    self.errors.push(ReadError {
                        code: codes::NO_ENTITIES,
                        ..error(path, "no `*.yaml` or `*.yml` spec files in this directory")
                    });
                }
                self.files[before..].sort();
            }
            // A file named on the command line is read whatever its extension; the
            // reader refuses anything but a regular file.
            Ok(_) => self.files.push(path.to_path_buf()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let reason = if path.symlink_metadata().is_ok() {
                    "a symbolic link whose target does not exist"
                } else {
                    "no such file or directory"
                };
                self.errors.push(error(path, reason));
            }
            Err(e) => self.errors.push(error(path, e.to_string())),
        }
    }

    fn dir(&mut self, dir: &Path) {
        let real = match std::fs::canonicalize(dir) {
            Ok(real) => real,
            Err(e) => {
                self.errors.push(error(dir, e.to_string()));
                return;
            }
        };
        if !self.visited.insert(real) {
            self.errors.push(error(
                dir,
                "a directory reached twice (named twice, or through a symbolic link loop): not walked again",
            ));
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.errors.push(error(dir, e.to_string()));
                return;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            if ft.is_symlink() {
                self.link(&path);
            } else if ft.is_dir() {
                self.dir(&path);
            } else if is_spec_file(&path) {
                self.files.push(path);
            }
        }
    }

    /// A symbolic link met in a directory: followed when it resolves inside a root.
    fn link(&mut self, path: &Path) {
        // ELOOP: too many levels of symbolic links.
        const ELOOP: i32 = 40;
        let target = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(e) => {
                // Only spec files and directories matter; a broken link to something
                // else is none of our business.
                if is_spec_file(path) || e.raw_os_error() == Some(ELOOP) {
                    let reason = if e.raw_os_error() == Some(ELOOP) {
                        "a symbolic link loop".to_string()
                    } else {
                        format!("a symbolic link that cannot be followed: {e}")
                    };
                    self.errors.push(error(path, reason));
                }
                return;
            }
        };
        let is_dir = target.is_dir();
        if !is_dir && !is_spec_file(path) {
            return;
        }
        if !self.roots.iter().any(|root| target.starts_with(root)) {
            self.errors.push(error(
                path,
                "a symbolic link to a path outside the given paths: not followed (name the target itself to read it)",
            ));
            return;
        }
        if is_dir {
            self.dir(path);
        } else {
            self.files.push(path.to_path_buf());
        }
    }
}

/// Parses every document of every file into entity syntax trees.
pub fn parse_all(sources: &SourceMap, diags: &mut Diagnostics) -> Vec<super::syntax::EntityDoc> {
    // Files parse independently: in parallel, each with its own diagnostics, gathered
    // back in file order so the result is the same on any number of cores.
    let files: Vec<_> = sources.files().collect();
    let parsed = crate::parallel::parallel_map(&files, |&(id, file)| {
        let mut local = Diagnostics::new();
        let mut docs = Vec::new();
        match super::yaml::parse_documents(id, &file.text) {
            Ok(nodes) => {
                for node in &nodes {
                    if let super::read::Document::Entity(doc) =
                        super::read::document(node, &mut local)
                    {
                        docs.push(*doc);
                    }
                }
            }
            Err(diagnostic) => local.push(diagnostic),
        }
        (docs, local)
    });
    let mut docs = Vec::new();
    for (file_docs, local) in parsed {
        docs.extend(file_docs);
        diags.extend(local);
    }
    docs
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct Temp(PathBuf);

    impl Temp {
        fn new(label: &str) -> Temp {
            use std::sync::atomic::{AtomicU32, Ordering};
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "specqlc-load-{}-{}-{label}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Temp(dir)
        }

        fn paths(&self) -> Vec<PathBuf> {
            vec![self.0.clone()]
        }

        fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const SPEC: &str = "entity: A\nschema: s\nfields:\n  x: text\n";

    fn only_error(paths: &[PathBuf]) -> ReadError {
        let errors = read_paths(paths).expect_err("an error");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = Temp::new("fifo");
        std::fs::write(dir.join("a.yaml"), SPEC).unwrap();
        let fifo = dir.join("b.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo works");
        for paths in [vec![dir.0.clone()], vec![fifo.clone()]] {
            let e = only_error(&paths);
            assert_eq!(e.path, display(&fifo));
            assert!(e.reason.starts_with("a FIFO, not a regular file"), "{e:?}");
        }
    }

    #[test]
    fn a_device_is_refused() {
        let e = only_error(&[PathBuf::from("/dev/zero")]);
        assert!(e.reason.starts_with("a character device"), "{e:?}");
    }

    #[test]
    fn a_file_larger_than_the_bound_is_refused() {
        let dir = Temp::new("large");
        let big = dir.join("big.yaml");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = only_error(&dir.paths());
        assert!(e.reason.starts_with("larger than 16 MiB"), "{e:?}");
        // Exactly at the bound is read (and is not YAML, which is the parser's business).
        file.set_len(MAX_FILE_BYTES).unwrap();
        assert!(read_paths(&[big]).is_ok());
    }

    #[test]
    fn symlink_loops_end_with_an_error() {
        let dir = Temp::new("loop");
        std::fs::write(dir.join("a.yaml"), SPEC).unwrap();
        symlink(dir.join("y.yaml"), dir.join("x.yaml")).unwrap();
        symlink(dir.join("x.yaml"), dir.join("y.yaml")).unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        symlink(&dir.0, dir.join("sub/up")).unwrap();
        let errors = read_paths(&dir.paths()).expect_err("errors");
        let reasons: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.path.rsplit('/').next().unwrap(), e.reason.as_str()))
            .collect();
        assert!(
            reasons.contains(&("x.yaml", "a symbolic link loop")),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&("y.yaml", "a symbolic link loop")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|(p, r)| *p == "up" && r.starts_with("a directory reached twice")),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_symlink_out_of_the_roots_is_not_followed_or_quoted() {
        let outside = Temp::new("outside");
        let secret = outside.join("secret.yaml");
        std::fs::write(&secret, "root:x:0:0:secret first line\n").unwrap();
        let dir = Temp::new("inside");
        std::fs::write(dir.join("a.yaml"), SPEC).unwrap();
        symlink(&secret, dir.join("b.yaml")).unwrap();
        let e = only_error(&dir.paths());
        assert_eq!(e.path, display(&dir.join("b.yaml")));
        assert!(e.reason.contains("outside the given paths"), "{e:?}");
        assert!(!format!("{e:?}").contains("secret first line"));
        // Named as a root itself, the target is read.
        assert!(read_paths(&[dir.0.clone(), outside.0.clone()]).is_ok());
    }

    #[test]
    fn a_symlink_inside_the_roots_is_followed() {
        let dir = Temp::new("within");
        std::fs::create_dir(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/a.yaml"), SPEC).unwrap();
        symlink(dir.join("real/a.yaml"), dir.join("b.yaml")).unwrap();
        let sources = read_paths(&dir.paths()).unwrap();
        assert_eq!(sources.files().count(), 2);
    }
}
