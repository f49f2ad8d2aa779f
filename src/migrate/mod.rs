//! `specqlc migrate new`: the next Confiture migration of a project, as an up file and a
//! down file under `<dir>/db/migrations/`, and the state it leaves (LANGUAGE §6).
//!
//! Input: the checked [`ir::Project`], a migration name and the project directory.
//! The state the earlier migrations produced is read from the state file of the latest
//! migration that specqlc wrote ([`state`]); [`renames`] matches `renamed_from:` against
//! it; [`evolve`] writes the statements from that state to the specs' (the up) and back
//! (the down). Changes that lose data are refused unless allowed, and then carry
//! Confiture's destructive gate; statements that lock a table with rows are warned of.
//!
//! Invariants: the same specs and the same earlier migrations give byte-identical files
//! (no clock, no paths); an existing file is never rewritten: asking again for a
//! migration that exists with the same content does nothing, and with other content is
//! an error. Neither file has `BEGIN`/`COMMIT`: Confiture runs each migration in its own
//! transaction. Migrations written by hand (no state file) are left to Confiture and
//! never block the next one.

pub mod evolve;
pub mod files;
pub mod renames;
pub mod state;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::analysis::Facts;
use crate::diag::Diagnostic;
use crate::ir;
use crate::source::Span;
use evolve::{Effect, Hazard, Names, Step};
use state::State;

/// How `migrate new` may change the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Write changes that lose data (LANGUAGE §6.3), gated for Confiture.
    pub allow_destructive: bool,
}

/// What `migrate new` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Both files and the state were written.
    Written {
        stem: String,
        up: PathBuf,
        down: PathBuf,
        statements: usize,
        destructive: bool,
        /// Hazards of the up (W07xx).
        warnings: Vec<Diagnostic>,
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
    /// A state file cannot be read.
    BadState {
        path: PathBuf,
        reason: String,
    },
    /// The specs cannot be migrated to as asked: data loss not allowed, a rename that
    /// does not apply.
    Refused(Vec<Diagnostic>),
    NoVersionLeft,
}

/// The statements from one state to another, both ways, with what they cost.
#[derive(Clone, Debug)]
pub struct Migration {
    pub up: Vec<Step>,
    pub down: Vec<Step>,
}

impl Migration {
    /// From `old` to what `project` compiles to (`new`).
    pub fn between(
        project: &ir::Project,
        old: &State,
        new: &State,
    ) -> Result<Migration, Vec<Diagnostic>> {
        let names = renames::resolve(project, old)?;
        let none = Names::default();
        Ok(Migration {
            up: evolve::evolve(old, &names, new, &none),
            down: evolve::evolve(new, &none, old, &names),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.up.is_empty()
    }

    pub fn destructive(&self) -> bool {
        self.up.iter().any(|s| s.effect == Effect::LosesData)
    }

    /// One error per change of the up that loses data, at the spec text it comes from.
    pub fn losses(&self, fallback: Span) -> Vec<Diagnostic> {
        self.up
            .iter()
            .filter(|s| s.effect == Effect::LosesData)
            .map(|step| {
                Diagnostic::destructive_change(
                    &loss_words(step),
                    step.span.unwrap_or(fallback),
                    step.rename_hint
                        .as_ref()
                        .map(|(old, new)| (old.as_str(), new.as_str())),
                )
            })
            .collect()
    }

    /// One warning per statement of the up that locks or scans a table with rows.
    pub fn hazards(&self, fallback: Span) -> Vec<Diagnostic> {
        self.up
            .iter()
            .filter_map(|step| {
                let warning = match step.hazard? {
                    Hazard::Rewrite => Diagnostic::table_rewrite,
                    Hazard::NotNullScan => Diagnostic::not_null_scan,
                    Hazard::CheckScan => Diagnostic::check_scan,
                    Hazard::IndexBuild => Diagnostic::index_build,
                };
                Some(warning(&step.what, step.span.unwrap_or(fallback)))
            })
            .collect()
    }
}

fn loss_words(step: &Step) -> String {
    let what = &step.what;
    if what.starts_with("table ") {
        format!("{what} is dropped with its rows")
    } else if what.starts_with("tenant scope") {
        format!("the {what} changes (rows cannot be given or keep a tenant)")
    } else if step.sql.contains("DROP COLUMN") {
        format!("{what} is dropped with its values")
    } else if step.sql.is_empty() {
        format!("{what} accepts fewer values (values outside the new rule make the migration fail)")
    } else {
        format!("{what} changes type in a way that does not keep every value")
    }
}

/// Writes the next migration of `project`, named `name`, under `root`.
pub fn new(
    project: &ir::Project,
    facts: Facts,
    name: &str,
    root: &Path,
    options: Options,
) -> Result<Outcome, Error> {
    if !files::valid_name(name) {
        return Err(Error::InvalidName(name.to_string()));
    }
    let dir = root.join(files::MIGRATIONS);
    let existing = files::list(root).map_err(|error| Error::Io {
        path: dir.clone(),
        error,
    })?;
    // A migration of ours with one of its files gone cannot be undone or checked.
    for migration in &existing {
        let stem = files::stem(&migration.version, &migration.name);
        if (migration.up.is_none() || migration.down.is_none())
            && files::state_path(root, &stem).exists()
        {
            return Err(Error::Incomplete { stem });
        }
    }
    let current = State::of(project, facts);
    let fallback = project.entities.first().map(|e| e.span).unwrap_or_default();

    if let Some(index) = existing.iter().rposition(|m| m.name == name) {
        let same = &existing[index];
        let stem = files::stem(&same.version, name);
        let (Some(up_path), Some(down_path)) = (&same.up, &same.down) else {
            return Err(Error::Incomplete { stem });
        };
        let old = recorded(root, &existing[..index])?;
        let migration = Migration::between(project, &old, &current).map_err(Error::Refused)?;
        let (up, down) = render(&stem, &migration);
        return if read(up_path)? == up && read(down_path)? == down {
            Ok(Outcome::UpToDate { stem })
        } else {
            Err(Error::NameTaken { stem })
        };
    }

    let old = recorded(root, &existing)?;
    let migration = Migration::between(project, &old, &current).map_err(Error::Refused)?;
    if migration.is_empty() {
        return Ok(Outcome::NothingToMigrate);
    }
    if migration.destructive() && !options.allow_destructive {
        return Err(Error::Refused(migration.losses(fallback)));
    }
    let version = files::next_version(&existing).ok_or(Error::NoVersionLeft)?;
    let stem = files::stem(&version, name);
    let (up, down) = render(&stem, &migration);
    let up_path = dir.join(format!("{stem}.up.sql"));
    let down_path = dir.join(format!("{stem}.down.sql"));
    let state_path = files::state_path(root, &stem);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| Error::Io { path, error }
    };
    std::fs::create_dir_all(state_path.parent().expect("a state file has a folder"))
        .map_err(io(&state_path))?;
    files::create_all(&[
        (&state_path, current.to_json().as_str()),
        (&down_path, down.as_str()),
        (&up_path, up.as_str()),
    ])
    .map_err(|(path, error)| Error::Io { path, error })?;
    Ok(Outcome::Written {
        stem,
        up: up_path,
        down: down_path,
        statements: migration.up.iter().filter(|s| !s.sql.is_empty()).count(),
        destructive: migration.destructive(),
        warnings: migration.hazards(fallback),
    })
}

/// The state after `migrations`: that of the latest one specqlc wrote, or empty.
pub fn recorded(root: &Path, migrations: &[files::Existing]) -> Result<State, Error> {
    for migration in migrations.iter().rev() {
        let path = files::state_path(root, &files::stem(&migration.version, &migration.name));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return State::from_json(&text).map_err(|reason| Error::BadState { path, reason });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(Error::Io { path, error }),
        }
    }
    Ok(State::default())
}

/// The up and down files of migration `stem`.
pub fn render(stem: &str, migration: &Migration) -> (String, String) {
    let count = |steps: &[Step]| steps.iter().filter(|s| !s.sql.is_empty()).count();
    let mut up = format!(
        "-- Migration {stem} (up), written by specqlc: {} statements.\n\
         -- Never edit it once applied (Confiture checksums it): write a new migration.\n",
        count(&migration.up)
    );
    if migration.destructive() {
        up.push_str(
            "-- This migration loses data (LANGUAGE §6.3): Confiture applies it only with\n\
             -- `confiture migrate up --allow-destructive`.\n-- confiture:destructive\n",
        );
    }
    for step in migration.up.iter().filter(|s| !s.sql.is_empty()) {
        up.push_str(&step_header(step));
        if step.effect == Effect::LosesData {
            up.push_str("-- confiture:irreversible data\n");
        }
        up.push_str(&step.sql);
    }
    let lost: Vec<&str> = migration
        .up
        .iter()
        .filter(|s| s.effect == Effect::LosesData)
        .map(|s| s.what.as_str())
        .collect();
    let mut down = format!(
        "-- Migration {stem} (down): undoes {stem}.up.sql, {} statements.\n",
        count(&migration.down)
    );
    if !lost.is_empty() {
        down.push_str(
            "-- The up dropped data: this recreates the structure, but the rows and values\n\
             -- it dropped cannot come back.\n",
        );
    }
    for step in migration.down.iter().filter(|s| !s.sql.is_empty()) {
        down.push_str(&step_header(step));
        if lost.contains(&step.what.as_str()) && step.effect != Effect::LosesData {
            down.push_str("-- structure only: the data the up dropped cannot come back\n");
        }
        down.push_str(&step.sql);
    }
    (up, down)
}

/// The comment above a step's statement in a migration file, after a blank line.
fn step_header(step: &Step) -> String {
    format!(
        "\n-- {}: {}\n",
        effect_word(step.effect),
        one_line(&step.what)
    )
}

fn effect_word(effect: Effect) -> &'static str {
    match effect {
        Effect::Create => "create",
        Effect::Replace => "replace",
        Effect::Alter => "alter",
        Effect::Rename => "rename",
        Effect::Drop => "drop",
        Effect::LosesData => "drop data",
    }
}

/// A name on one comment line, whatever it holds.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|error| Error::Io {
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
            Error::BadState { path, reason } => write!(
                f,
                "cannot read the recorded state `{}`: {reason}; restore it from version control",
                path.display()
            ),
            Error::Refused(diagnostics) => write!(
                f,
                "the migration was refused ({} errors); nothing was written",
                diagnostics.iter().filter(|d| d.is_error()).count()
            ),
            Error::NoVersionLeft => write!(
                f,
                "no migration version of this width is left; squash the migrations first (`confiture migrate squash`)"
            ),
        }
    }
}

impl std::error::Error for Error {}
