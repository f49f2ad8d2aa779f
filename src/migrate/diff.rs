//! The changes from the objects the earlier migrations created to the objects the
//! specs need now.
//!
//! Input: a [`Ledger`] and the current objects in plan order. Output: the up and down
//! sections of the next migration. Functions and comments change in place
//! (`CREATE OR REPLACE`, `COMMENT ON`), the down restoring the old text; indexes and
//! foreign keys are dropped and created again; objects no longer needed are dropped (the
//! down creates them again from the text that created them). A changed table, type or
//! schema would need an `ALTER` that specqlc does not write yet: that is an error naming
//! every such object, never a silently wrong migration.

use super::ledger::{Ledger, Section, Verb, normalize};
use crate::order::ObjectKind;

/// An object as the specs need it now.
#[derive(Clone, Debug)]
pub struct Current {
    pub key: String,
    pub kind: ObjectKind,
    /// Normalized creating SQL.
    pub sql: String,
    /// The statement that removes it; `None` for the framework prelude.
    pub drop: Option<String>,
}

/// The sections of one migration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub up: Vec<Section>,
    pub down: Vec<Section>,
    /// Whether the up creates part of the framework prelude, which the down then drops
    /// (as a unit, when unused) after everything else.
    pub creates_prelude: bool,
    pub created: usize,
    pub replaced: usize,
    pub dropped: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.up.is_empty()
    }
}

/// Why no migration could be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffError {
    /// These objects changed in a way that needs an `ALTER`.
    NeedsAlter(Vec<String>),
    /// No down file says how to drop this object.
    UnknownDrop(String),
}

/// The key under which a down file drops the framework prelude.
pub const PRELUDE: &str = "framework prelude";

/// The migration from `ledger` to `current` (in plan order); `prelude_drop` removes the
/// framework prelude when this migration creates it.
pub fn changes(
    ledger: &Ledger,
    current: &[Current],
    prelude_drop: &str,
) -> Result<Changes, DiffError> {
    let mut changes = Changes::default();
    let mut up_drops = Vec::new();
    let mut up_creates = Vec::new();
    let mut down_undo_creates = Vec::new();
    let mut needs_alter = Vec::new();

    // Objects no longer needed, newest first.
    for (key, sql) in ledger.objects().rev() {
        if current.iter().any(|c| c.key == key) {
            continue;
        }
        let drop = ledger
            .drop_sql(key)
            .ok_or_else(|| DiffError::UnknownDrop(key.to_string()))?;
        up_drops.push(section(Verb::Drop, key, drop));
        changes.down.push(section(Verb::Create, key, sql));
        changes.dropped += 1;
    }
    changes.down.reverse();

    for object in current {
        let old = ledger.sql(&object.key);
        if old == Some(object.sql.as_str()) {
            continue;
        }
        let drop = || {
            section(
                Verb::Drop,
                &object.key,
                object.drop.as_deref().unwrap_or(""),
            )
        };
        match old {
            None => {
                up_creates.push(section(Verb::Create, &object.key, &object.sql));
                match &object.drop {
                    Some(_) => down_undo_creates.push(drop()),
                    None => changes.creates_prelude = true,
                }
                changes.created += 1;
            }
            Some(old) if replaceable(object) => {
                up_creates.push(section(Verb::Replace, &object.key, &object.sql));
                down_undo_creates.push(section(Verb::Replace, &object.key, old));
                changes.replaced += 1;
            }
            Some(old) if recreatable(object.kind) => {
                up_drops.push(drop());
                up_creates.push(section(Verb::Create, &object.key, &object.sql));
                down_undo_creates.push(drop());
                // Restored after the drops of this migration are undone.
                changes
                    .down
                    .insert(0, section(Verb::Create, &object.key, old));
                changes.replaced += 1;
            }
            Some(_) => needs_alter.push(object.key.clone()),
        }
    }
    if !needs_alter.is_empty() {
        return Err(DiffError::NeedsAlter(needs_alter));
    }
    down_undo_creates.reverse();
    if changes.creates_prelude {
        down_undo_creates.push(section(Verb::Drop, PRELUDE, prelude_drop));
    }
    changes.up = up_drops;
    changes.up.extend(up_creates);
    down_undo_creates.extend(changes.down);
    changes.down = down_undo_creates;
    Ok(changes)
}

fn section(verb: Verb, key: &str, sql: &str) -> Section {
    Section {
        verb,
        key: key.to_string(),
        sql: normalize(sql),
    }
}

/// Objects whose new text replaces the old in place.
fn replaceable(object: &Current) -> bool {
    match object.kind {
        ObjectKind::Helper | ObjectKind::Action | ObjectKind::Comment => true,
        // The prelude's functions are `CREATE OR REPLACE`; its schemas and type never
        // change text without a new compiler design.
        ObjectKind::Prelude => object.sql.starts_with("CREATE OR REPLACE FUNCTION"),
        _ => false,
    }
}

fn recreatable(kind: ObjectKind) -> bool {
    matches!(kind, ObjectKind::Index | ObjectKind::ForeignKey)
}

#[cfg(test)]
mod tests {
    use super::super::ledger::render;
    use super::*;

    fn current(key: &str, kind: ObjectKind, sql: &str) -> Current {
        Current {
            key: key.into(),
            kind,
            sql: normalize(sql),
            drop: Some(format!("DROP {key};")),
        }
    }

    fn ledger_of(objects: &[Current]) -> Ledger {
        let changes = changes(&Ledger::default(), objects, "").expect("a first migration");
        let mut ledger = Ledger::default();
        ledger.replay(&render("", &changes.up), &render("", &changes.down));
        ledger
    }

    fn keys(sections: &[Section]) -> Vec<String> {
        sections
            .iter()
            .map(|s| format!("{} {}", s.verb.name(), s.key))
            .collect()
    }

    #[test]
    fn a_first_migration_creates_everything_and_drops_it_in_reverse() {
        let objects = [
            current("t", ObjectKind::Table, "CREATE TABLE t;"),
            current("f", ObjectKind::Action, "CREATE FUNCTION f;"),
        ];
        let changes = changes(&Ledger::default(), &objects, "").unwrap();
        assert_eq!(keys(&changes.up), ["create t", "create f"]);
        assert_eq!(keys(&changes.down), ["drop f", "drop t"]);
    }

    #[test]
    fn no_change_means_an_empty_migration() {
        let objects = [current("t", ObjectKind::Table, "CREATE TABLE t;")];
        assert!(
            changes(&ledger_of(&objects), &objects, "")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn later_migrations_hold_only_the_difference() {
        let before = [
            current("t", ObjectKind::Table, "CREATE TABLE t;"),
            current("i", ObjectKind::Index, "CREATE INDEX i (a);"),
            current("f", ObjectKind::Action, "CREATE FUNCTION f 1;"),
            current("g", ObjectKind::Action, "CREATE FUNCTION g;"),
        ];
        let after = [
            current("t", ObjectKind::Table, "CREATE TABLE t;"),
            current("i", ObjectKind::Index, "CREATE INDEX i (b);"),
            current("f", ObjectKind::Action, "CREATE FUNCTION f 2;"),
            current("h", ObjectKind::Action, "CREATE FUNCTION h;"),
        ];
        let changes = changes(&ledger_of(&before), &after, "").unwrap();
        assert_eq!(
            keys(&changes.up),
            ["drop g", "drop i", "create i", "replace f", "create h"]
        );
        assert_eq!(
            keys(&changes.down),
            ["drop h", "replace f", "drop i", "create i", "create g"]
        );
        assert_eq!(changes.down[1].sql, "CREATE FUNCTION f 1;\n");
        assert_eq!(changes.down[3].sql, "CREATE INDEX i (a);\n");
    }

    #[test]
    fn a_changed_table_needs_a_hand_written_migration() {
        let before = [current("t", ObjectKind::Table, "CREATE TABLE t (a);")];
        let after = [current("t", ObjectKind::Table, "CREATE TABLE t (a, b);")];
        assert_eq!(
            changes(&ledger_of(&before), &after, ""),
            Err(DiffError::NeedsAlter(vec!["t".into()]))
        );
    }
}
