//! Errors without a place in a spec: unreadable paths, bad command lines, a database that
//! refuses a connection or a statement. They carry a registry code like every diagnostic,
//! are rendered by the same renderer (`render::failures_*`), and say which exit code they
//! stand for.

use super::{Code, codes};

/// What kind of trouble a failure is; decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The specs are wrong (exit 1).
    Input,
    /// The command line is wrong (exit 2).
    Usage,
    /// Files, the connection or the database are (exit 3).
    Environment,
    /// specqlc itself is wrong: a panic (exit 101, as Rust's own).
    Bug,
}

impl Kind {
    /// The process exit code for this kind: 1 input, 2 usage, 3 environment, 101 bug.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Input => 1,
            Kind::Usage => 2,
            Kind::Environment => 3,
            Kind::Bug => 101,
        }
    }
}

/// One error that has no span: a code, a message, the path it concerns if any, and notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub kind: Kind,
    pub message: String,
    /// The file or directory the failure is about, when there is one.
    pub path: Option<String>,
    pub notes: Vec<String>,
}

impl Failure {
    pub fn new(code: Code, kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            code,
            kind,
            message: message.into(),
            path: None,
            notes: Vec::new(),
        }
    }

    /// A bad command line (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(codes::USAGE, Kind::Usage, message)
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Failure {
        self.path = Some(path.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Failure {
        self.notes.push(note.into());
        self
    }
}
