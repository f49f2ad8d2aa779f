//! Finding and reading spec files: files and directories of `*.yaml` (recursive, sorted).

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostics, Failure, Kind, codes};
use crate::source::SourceMap;

/// A path that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: String,
    pub reason: String,
    /// `E0101` (cannot read) or `E0107` (a directory without spec files).
    pub code: Code,
}

impl ReadError {
    fn io(path: String, reason: impl Into<String>) -> ReadError {
        ReadError {
            path,
            reason: reason.into(),
            code: codes::IO_ERROR,
        }
    }

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
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        collect(path, &mut files, &mut errors);
    }
    let mut sources = SourceMap::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                sources.add(display(&path), text);
            }
            Err(e) => errors.push(ReadError::io(display(&path), e.to_string())),
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

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn collect(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    if path.is_dir() {
        let mut found = Vec::new();
        walk(path, &mut found, errors);
        if found.is_empty() {
            errors.push(ReadError {
                path: display(path),
                reason: "no `*.yaml` or `*.yml` spec files in this directory".into(),
                code: codes::NO_ENTITIES,
            });
        }
        found.sort();
        files.extend(found);
    } else if path.exists() {
        files.push(path.to_path_buf());
    } else {
        errors.push(ReadError::io(display(path), "no such file or directory"));
    }
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ReadError::io(display(dir), e.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, found, errors);
        } else if is_spec_file(&path) {
            found.push(path);
        }
    }
}

/// Parses every document of every file into entity syntax trees.
pub fn parse_all(sources: &SourceMap, diags: &mut Diagnostics) -> Vec<super::syntax::EntityDoc> {
    let mut docs = Vec::new();
    for (id, file) in sources.files() {
        match super::yaml::parse_documents(id, &file.text) {
            Ok(nodes) => {
                for node in &nodes {
                    if let super::read::Document::Entity(doc) = super::read::document(node, diags) {
                        docs.push(*doc);
                    }
                }
            }
            Err(diagnostic) => diags.push(diagnostic),
        }
    }
    docs
}
