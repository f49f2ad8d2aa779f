//! What the migrations already in a directory did, read back from their own text.
//!
//! specqlc writes every statement of a migration under a marker line
//! (`-- specqlc: create table crm.tb_contact`), so a later `migrate new` can tell which
//! objects exist after the earlier migrations, with which SQL, and how to drop them,
//! without a database and without a side file that could drift from the migrations.
//! Migrations written by hand (no markers) are applied by Confiture but add nothing here.

use std::collections::BTreeMap;

/// The marker prefix; what follows is a verb and an object key.
pub const MARKER: &str = "-- specqlc: ";

/// What a section does to its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Create,
    Replace,
    Drop,
}

impl Verb {
    pub fn name(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Replace => "replace",
            Verb::Drop => "drop",
        }
    }

    fn parse(word: &str) -> Option<Verb> {
        match word {
            "create" => Some(Verb::Create),
            "replace" => Some(Verb::Replace),
            "drop" => Some(Verb::Drop),
            _ => None,
        }
    }
}

/// One marked statement (or group of statements) of a migration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub verb: Verb,
    pub key: String,
    /// Normalized by [`normalize`].
    pub sql: String,
}

/// Trailing whitespace removed, one final newline: how SQL is compared and written.
pub fn normalize(sql: &str) -> String {
    format!("{}\n", sql.trim_end())
}

/// `sections` under their markers, separated by blank lines, after `header`.
pub fn render(header: &str, sections: &[Section]) -> String {
    let mut out = String::from(header);
    for section in sections {
        out.push('\n');
        out.push_str(&format!(
            "{MARKER}{} {}\n",
            section.verb.name(),
            section.key
        ));
        out.push_str(&section.sql);
    }
    out
}

/// The marked sections of a migration file, in file order.
pub fn parse(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut current: Option<(Verb, String, String)> = None;
    let mut finish = |current: Option<(Verb, String, String)>| {
        if let Some((verb, key, sql)) = current {
            sections.push(Section {
                verb,
                key,
                sql: normalize(&sql),
            });
        }
    };
    for line in text.lines() {
        let marker = line.strip_prefix(MARKER).and_then(|rest| {
            let (verb, key) = rest.split_once(' ')?;
            Some((Verb::parse(verb)?, key.to_string()))
        });
        match (marker, &mut current) {
            (Some((verb, key)), _) => {
                finish(current.take());
                current = Some((verb, key, String::new()));
            }
            (None, Some((_, _, sql))) => {
                sql.push_str(line);
                sql.push('\n');
            }
            (None, None) => {}
        }
    }
    finish(current);
    sections
}

/// The objects that exist after a sequence of migrations, in creation order.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// `(key, creating SQL)`.
    objects: Vec<(String, String)>,
    /// The latest drop statement seen for each key, from the down files.
    drops: BTreeMap<String, String>,
}

impl Ledger {
    /// Replays one migration: its up file changes the objects, its down file says how
    /// to drop what it created.
    pub fn replay(&mut self, up: &str, down: &str) {
        for section in parse(up) {
            let position = self.objects.iter().position(|(k, _)| *k == section.key);
            match (section.verb, position) {
                (Verb::Create | Verb::Replace, Some(i)) => self.objects[i].1 = section.sql,
                (Verb::Create | Verb::Replace, None) => {
                    self.objects.push((section.key, section.sql));
                }
                (Verb::Drop, Some(i)) => {
                    self.objects.remove(i);
                }
                (Verb::Drop, None) => {}
            }
        }
        for section in parse(down) {
            if section.verb == Verb::Drop {
                self.drops.insert(section.key, section.sql);
            }
        }
    }

    /// The creating SQL of `key`, if it exists.
    pub fn sql(&self, key: &str) -> Option<&str> {
        self.objects
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, sql)| sql.as_str())
    }

    /// How to drop `key`, if a down file said.
    pub fn drop_sql(&self, key: &str) -> Option<&str> {
        self.drops.get(key).map(String::as_str)
    }

    /// Every existing object, in creation order.
    pub fn objects(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> {
        self.objects.iter().map(|(k, s)| (k.as_str(), s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(verb: Verb, key: &str, sql: &str) -> Section {
        Section {
            verb,
            key: key.into(),
            sql: normalize(sql),
        }
    }

    #[test]
    fn sections_read_back_as_written() {
        let sections = vec![
            section(
                Verb::Create,
                "schema crm",
                "CREATE SCHEMA IF NOT EXISTS crm;",
            ),
            section(
                Verb::Create,
                "table crm.tb_x",
                "CREATE TABLE crm.tb_x (\n  a int\n);\n\n",
            ),
        ];
        let text = render("-- header\n", &sections);
        assert_eq!(parse(&text), sections);
        insta::assert_snapshot!(text, @r"
        -- header

        -- specqlc: create schema crm
        CREATE SCHEMA IF NOT EXISTS crm;

        -- specqlc: create table crm.tb_x
        CREATE TABLE crm.tb_x (
          a int
        );
        ");
    }

    #[test]
    fn replaying_tracks_creations_replacements_and_drops() {
        let mut ledger = Ledger::default();
        let up1 = render(
            "",
            &[
                section(Verb::Create, "a", "A1;"),
                section(Verb::Create, "b", "B1;"),
            ],
        );
        let down1 = render(
            "",
            &[
                section(Verb::Drop, "b", "DROP B;"),
                section(Verb::Drop, "a", "DROP A;"),
            ],
        );
        ledger.replay(&up1, &down1);
        let up2 = render(
            "",
            &[
                section(Verb::Drop, "a", "DROP A;"),
                section(Verb::Replace, "b", "B2;"),
            ],
        );
        ledger.replay(&up2, "");
        assert_eq!(ledger.objects().collect::<Vec<_>>(), [("b", "B2;\n")]);
        assert_eq!(ledger.drop_sql("a"), Some("DROP A;\n"));
    }

    #[test]
    fn hand_written_migrations_add_nothing() {
        let mut ledger = Ledger::default();
        ledger.replay("CREATE TABLE t (a int);\n", "DROP TABLE t;\n");
        assert_eq!(ledger.objects().count(), 0);
    }
}
