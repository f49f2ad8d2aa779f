//! Migration files on disk: `<dir>/db/migrations/<version>_<name>.up.sql` and
//! `.down.sql`, as Confiture reads them.
//!
//! Versions are decimal, zero-padded to at least [`WIDTH`] digits, and the next one is
//! one more than the highest in the directory, so they sort as strings (Confiture's
//! order) and a regeneration into an empty directory is byte-identical (no clock).
//! Files are created, never overwritten: Confiture checksums applied migrations.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of migrations inside a Confiture project.
pub const MIGRATIONS: &str = "db/migrations";

/// The minimum number of digits of a version.
pub const WIDTH: usize = 4;

/// A migration found on disk (either of its files may be missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub version: String,
    pub name: String,
    pub up: Option<PathBuf>,
    pub down: Option<PathBuf>,
}

impl Existing {
    pub fn number(&self) -> u64 {
        self.version.parse().unwrap_or(u64::MAX)
    }
}

/// `<version>_<name>`.
pub fn stem(version: &str, name: &str) -> String {
    format!("{version}_{name}")
}

/// Whether `name` is a migration name: lower-case ASCII letters, digits and `_`,
/// starting with a letter (it becomes part of a file name and of Confiture's ledger).
pub fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The migrations in `root/db/migrations`, by version (then name). A missing folder has
/// none; files that are not `<digits>_<name>.up.sql` or `.down.sql` are ignored, as
/// Confiture ignores them.
pub fn list(root: &Path) -> std::io::Result<Vec<Existing>> {
    let dir = root.join(MIGRATIONS);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found: Vec<Existing> = Vec::new();
    for entry in entries {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some((version, name, up)) = file_name.to_str().and_then(parse_file_name) else {
            continue;
        };
        let index = match found
            .iter()
            .position(|m| m.version == version && m.name == name)
        {
            Some(i) => i,
            None => {
                found.push(Existing {
                    version: version.to_string(),
                    name: name.to_string(),
                    up: None,
                    down: None,
                });
                found.len() - 1
            }
        };
        let slot = if up {
            &mut found[index].up
        } else {
            &mut found[index].down
        };
        *slot = Some(entry.path());
    }
    found.sort_by(|a, b| (a.number(), &a.name).cmp(&(b.number(), &b.name)));
    Ok(found)
}

/// `(version, name, is_up)` of `<digits>_<name>.up.sql` / `.down.sql`.
fn parse_file_name(file: &str) -> Option<(&str, &str, bool)> {
    let (stem, up) = match file.strip_suffix(".up.sql") {
        Some(stem) => (stem, true),
        None => (file.strip_suffix(".down.sql")?, false),
    };
    let (version, name) = stem.split_once('_')?;
    let digits = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
    (digits && !name.is_empty()).then_some((version, name, up))
}

/// The version after every existing one, at least [`WIDTH`] digits and as wide as the
/// widest existing version; `None` when no version of that width is left.
pub fn next_version(existing: &[Existing]) -> Option<String> {
    let width = existing
        .iter()
        .map(|m| m.version.len())
        .max()
        .unwrap_or(0)
        .max(WIDTH);
    let next = existing
        .iter()
        .map(Existing::number)
        .max()
        .map_or(Some(1), |n| n.checked_add(1))?;
    let version = format!("{next:0width$}");
    (version.len() == width).then_some(version)
}

/// The folder, inside the migrations folder, of the states specqlc records.
pub const STATES: &str = "specqlc";

/// Where the state after migration `stem` is recorded. Confiture reads only `*.sql` and
/// `*.py` directly in the migrations folder, so it never sees these files.
pub fn state_path(root: &Path, stem: &str) -> PathBuf {
    root.join(MIGRATIONS)
        .join(STATES)
        .join(format!("{stem}.state.json"))
}

/// Creates every file, none of which may exist; on a failure, removes the ones it created.
pub fn create_all(files: &[(&Path, &str)]) -> Result<(), (PathBuf, std::io::Error)> {
    for (i, (path, content)) in files.iter().enumerate() {
        if let Err(e) = create_new(path, content) {
            for (created, _) in &files[..i] {
                let _ = std::fs::remove_file(created);
            }
            return Err((path.to_path_buf(), e));
        }
    }
    Ok(())
}

/// Creates `path` with `content`; fails if it exists.
pub fn create_new(path: &Path, content: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn existing(version: &str) -> Existing {
        Existing {
            version: version.into(),
            name: "x".into(),
            up: None,
            down: None,
        }
    }

    #[test]
    fn versions_are_fixed_width_and_sort_as_strings() {
        assert_eq!(next_version(&[]).as_deref(), Some("0001"));
        assert_eq!(next_version(&[existing("0009")]).as_deref(), Some("0010"));
        assert_eq!(next_version(&[existing("9999")]), None);
        // After Confiture's own timestamp versions, still later as a string.
        let stamped = [existing("20250101120000")];
        assert_eq!(next_version(&stamped).as_deref(), Some("20250101120001"));
    }

    #[test]
    fn only_confiture_migration_names_count() {
        assert_eq!(
            parse_file_name("0001_init.up.sql"),
            Some(("0001", "init", true))
        );
        assert_eq!(
            parse_file_name("0001_add_x.down.sql"),
            Some(("0001", "add_x", false))
        );
        assert_eq!(parse_file_name("0001_init.sql"), None);
        assert_eq!(parse_file_name("init.up.sql"), None);
        assert_eq!(parse_file_name("v1_init.up.sql"), None);
    }

    #[test]
    fn names_are_file_safe() {
        assert!(valid_name("init"));
        assert!(valid_name("add_orders_2"));
        assert!(!valid_name("Init"));
        assert!(!valid_name("2nd"));
        assert!(!valid_name("a-b"));
        assert!(!valid_name(""));
    }
}
