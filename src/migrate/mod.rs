//! `specqlc migrate new`: the next Confiture migration of a project, as an up file and a
//! down file under `<dir>/db/migrations/`.
//!
//! Input: the checked [`ir::Project`], a migration name and the project directory.
//! Output: `<version>_<name>.up.sql` (what changed since the earlier migrations, see
//! [`diff`]) and `.down.sql` (the exact inverse, in reverse dependency order; see
//! [`crate::backend::postgres::drop`] for how the shared framework prelude is handled).
//!
//! Invariants: the same specs and the same earlier migrations give byte-identical files
//! (no clock, no paths); an existing file is never rewritten: asking again for a
//! migration that exists with the same content does nothing, and with other content is
//! an error. Neither file has `BEGIN`/`COMMIT` or psql commands: Confiture runs each
//! migration in its own transaction and sends a file as one multi-statement query.

pub mod diff;
pub mod files;
pub mod ledger;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::backend::postgres::{self, drop};
use crate::ir;
use crate::order;
use diff::{Changes, Current, DiffError};
use ledger::Ledger;

/// What `migrate new` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both files were written.
    Written {
        stem: String,
        up: PathBuf,
        down: PathBuf,
        created: usize,
        replaced: usize,
        dropped: usize,
    },
    /// A migration of this name exists with exactly this content.
    UpToDate { stem: String },
    /// The earlier migrations already create everything the specs need.
    NothingToMigrate,
}

/// Why no migration was written.
#[derive(Debug)]
pub enum Error {
    InvalidName(String),
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A migration of this name exists with other content.
    NameTaken {
        stem: String,
    },
    /// Only one of the two files of a migration exists.
    Incomplete {
        stem: String,
    },
    /// These objects changed in a way that needs `ALTER` statements.
    NeedsAlter(Vec<String>),
    /// An earlier migration created this object but no down file says how to drop it.
    UnknownDrop(String),
    NoVersionLeft,
}

/// Writes the next migration of `project`, named `name`, under `root`.
pub fn new(project: &ir::Project, name: &str, root: &Path) -> Result<Outcome, Error> {
    if !files::valid_name(name) {
        return Err(Error::InvalidName(name.to_string()));
    }
    let dir = root.join(files::MIGRATIONS);
    let existing = files::list(root).map_err(|error| Error::Io {
        path: dir.clone(),
        error,
    })?;
    let current = current_objects(project);

    if let Some(index) = existing.iter().rposition(|m| m.name == name) {
        let same = &existing[index];
        let stem = files::stem(&same.version, name);
        let (Some(up_path), Some(down_path)) = (&same.up, &same.down) else {
            return Err(Error::Incomplete { stem });
        };
        let changes = changes(&replay(&existing[..index])?, &current)?;
        let (up, down) = render(&stem, &changes);
        return if read(up_path)? == up && read(down_path)? == down {
            Ok(Outcome::UpToDate { stem })
        } else {
            Err(Error::NameTaken { stem })
        };
    }

    let changes = changes(&replay(&existing)?, &current)?;
    if changes.is_empty() {
        return Ok(Outcome::NothingToMigrate);
    }
    let version = files::next_version(&existing).ok_or(Error::NoVersionLeft)?;
    let stem = files::stem(&version, name);
    let (up, down) = render(&stem, &changes);
    std::fs::create_dir_all(&dir).map_err(|error| Error::Io {
        path: dir.clone(),
        error,
    })?;
    let up_path = dir.join(format!("{stem}.up.sql"));
    let down_path = dir.join(format!("{stem}.down.sql"));
    write(&up_path, &up)?;
    if let Err(e) = write(&down_path, &down) {
        // Never leave an up without its down; the up is ours, written just above.
        let _ = std::fs::remove_file(&up_path);
        return Err(e);
    }
    Ok(Outcome::Written {
        stem,
        up: up_path,
        down: down_path,
        created: changes.created,
        replaced: changes.replaced,
        dropped: changes.dropped,
    })
}

/// Every emitted object of `project`, in plan order, with the statement that drops it.
fn current_objects(project: &ir::Project) -> Vec<Current> {
    let plan = order::run(project);
    let output = postgres::emit(project, &plan);
    output
        .objects
        .iter()
        .map(|emitted| {
            let object = plan
                .find(&emitted.key)
                .map(|node| &plan.graph[node])
                .expect("every emitted object comes from the plan");
            Current {
                key: emitted.key.clone(),
                kind: emitted.kind,
                sql: ledger::normalize(&emitted.sql),
                drop: drop::object(project, object).map(|d| d.to_string()),
            }
        })
        .collect()
}

fn replay(migrations: &[files::Existing]) -> Result<Ledger, Error> {
    let mut ledger = Ledger::default();
    for migration in migrations {
        let up = migration.up.as_deref().map(read).transpose()?;
        let down = migration.down.as_deref().map(read).transpose()?;
        ledger.replay(up.as_deref().unwrap_or(""), down.as_deref().unwrap_or(""));
    }
    Ok(ledger)
}

fn changes(ledger: &Ledger, current: &[Current]) -> Result<Changes, Error> {
    diff::changes(ledger, current, &drop::prelude().to_string()).map_err(|e| match e {
        DiffError::NeedsAlter(keys) => Error::NeedsAlter(keys),
        DiffError::UnknownDrop(key) => Error::UnknownDrop(key),
    })
}

/// The up and down files of migration `stem`.
fn render(stem: &str, changes: &Changes) -> (String, String) {
    let up_header = format!(
        "-- Migration {stem} (up), written by specqlc: creates {}, replaces {}, drops {} objects.\n\
         -- Never edit it once applied (Confiture checksums it): write a new migration.\n",
        changes.created, changes.replaced, changes.dropped
    );
    let mut down_header =
        format!("-- Migration {stem} (down): undoes {stem}.up.sql, in reverse order.\n");
    if changes.creates_prelude {
        down_header.push_str(
            "-- The framework prelude (schemas app, common, core) goes last, and only when no\n\
             -- other project still uses it.\n",
        );
    }
    (
        ledger::render(&up_header, &changes.up),
        ledger::render(&down_header, &changes.down),
    )
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })
}

fn write(path: &Path, content: &str) -> Result<(), Error> {
    files::create_new(path, content).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidName(name) => write!(
                f,
                "`{name}` is not a migration name: use lower-case letters, digits and `_`, starting with a letter (e.g. `add_orders`)"
            ),
            Error::Io { path, error } => write!(f, "cannot access `{}`: {error}", path.display()),
            Error::NameTaken { stem } => write!(
                f,
                "migration `{stem}` already exists with different content; specqlc never rewrites a migration (Confiture checksums applied files): choose a new name for the changes"
            ),
            Error::Incomplete { stem } => write!(
                f,
                "migration `{stem}` has only one of its `.up.sql` and `.down.sql` files; restore the other before writing new migrations"
            ),
            Error::NeedsAlter(keys) => write!(
                f,
                "these objects changed since the last migration and would need ALTER statements, which specqlc does not write yet: {}; write this migration by hand (`confiture migrate generate`)",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::UnknownDrop(key) => write!(
                f,
                "`{key}` is no longer needed, but no down file of the earlier migrations says how to drop it; write this migration by hand"
            ),
            Error::NoVersionLeft => write!(
                f,
                "no migration version of this width is left; squash the migrations first (`confiture migrate squash`)"
            ),
        }
    }
}

impl std::error::Error for Error {}
