//! `migrate new` between two versions of a spec, without a database: the diagnostics of
//! LANGUAGE §6 (data loss refused, renames that do not apply, hazards named), each
//! rendered with its line and column and kept as a reviewed snapshot, and the promise
//! that a refused migration writes nothing.

use std::path::{Path, PathBuf};

use crate::support::cli::{specqlc, text};
use crate::support::{assert_contains, assert_contains_all};

const BASE: &str = "entity: Item
schema: inv
fields:
  name: text!
  qty: smallint
  note: text
  code: text
  size: integer
actions:
  - name: create_item
";

/// `BASE` with its `note` field replaced by `fields` (YAML lines).
fn note_as(fields: &str) -> String {
    BASE.replace("  note: text\n", fields)
}

/// What a `migrate new` printed on stderr (the temporary path replaced), and its exit.
struct Run {
    code: Option<i32>,
    report: String,
}

impl Run {
    /// The report, once the exit code is asserted to be `code`.
    fn exits(self, code: i32) -> String {
        assert_eq!(self.code, Some(code), "{}", self.report);
        self.report
    }
}

/// A project whose first migration holds `BASE`, and a folder for the next spec.
struct Project {
    root: PathBuf,
}

impl Project {
    fn new(label: &str) -> Project {
        let root =
            std::env::temp_dir().join(format!("specqlc-migrate-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("v1")).unwrap();
        std::fs::create_dir_all(root.join("v2")).unwrap();
        std::fs::write(root.join("v1/item.yaml"), BASE).unwrap();
        let project = Project { root };
        project.migrate_new("init", "v1", &[]).exits(0);
        project
    }

    /// `migrate new next` with `spec` as the second version.
    fn next(&self, spec: &str, extra: &[&str]) -> Run {
        self.next_named("next", spec, extra)
    }

    /// [`Project::next`] under another migration name.
    fn next_named(&self, name: &str, spec: &str, extra: &[&str]) -> Run {
        std::fs::write(self.root.join("v2/item.yaml"), spec).unwrap();
        self.migrate_new(name, "v2", extra)
    }

    /// `migrate new <name>` of the specs in the folder `version`.
    fn migrate_new(&self, name: &str, version: &str, extra: &[&str]) -> Run {
        let (specs, proj) = (self.root.join(version), self.root.join("proj"));
        let mut args = vec!["migrate", "new", name, path(&specs), "-o", path(&proj)];
        args.extend_from_slice(extra);
        let out = specqlc(&args);
        let stderr = text(&out.stderr).replace(path(&self.root), "<DIR>");
        Run {
            code: out.status.code(),
            report: stderr,
        }
    }

    fn migrations(&self) -> usize {
        std::fs::read_dir(self.root.join("proj/db/migrations"))
            .unwrap()
            .count()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn snapshot(name: &str, report: &str) {
    crate::support::settings().bind(|| insta::assert_snapshot!(name, report));
}

#[test]
fn a_dropped_field_is_refused_with_a_rename_hint_and_nothing_is_written() {
    let project = Project::new("drop");
    let before = project.migrations();
    let spec = note_as("  remark: text\n");
    let report = project.next(&spec, &[]).exits(1);
    assert_contains(&report, "error[E0701]");
    assert_contains(&report, "renamed_from: note");
    assert_eq!(project.migrations(), before, "nothing written");
    snapshot("migrate_destructive_drop_field", &report);

    project.next(&spec, &["--allow-destructive"]).exits(0);
    let up =
        std::fs::read_to_string(project.root.join("proj/db/migrations/0002_next.up.sql")).unwrap();
    assert_contains(&up, "-- confiture:destructive\n");
    assert_contains(
        &up,
        "-- confiture:irreversible data\nALTER TABLE inv.tb_item DROP COLUMN note;",
    );
}

#[test]
fn a_rename_that_does_not_apply_is_an_error_at_the_key() {
    let project = Project::new("rename");
    let spec =
        note_as("  note: text\n  remark:\n    type: text\n    renamed_from: nothing_like_it\n");
    let report = project.next(&spec, &[]).exits(1);
    assert_contains(&report, "error[E0702]");
    snapshot("migrate_invalid_rename", &report);
}

#[test]
fn every_statement_that_locks_a_table_with_rows_is_warned_of_at_its_field() {
    let project = Project::new("hazards");
    let spec = BASE
        .replace("  qty: smallint\n", "  qty: integer\n")
        .replace("  note: text\n", "  note: text!\n")
        .replace(
            "  code: text\n",
            "  code:\n    type: text\n    unique: true\n",
        )
        .replace("  size: integer\n", "  size: integer(0, 10)\n");
    let report = project.next(&spec, &["--allow-destructive"]).exits(0);
    assert_contains_all(
        &report,
        &[
            "warning[W0701]",
            "warning[W0702]",
            "warning[W0703]",
            "warning[W0704]",
        ],
    );
    snapshot("migrate_hazards", &report);
}

#[test]
fn the_same_history_gives_byte_identical_migrations() {
    let a = Project::new("same-a");
    let b = Project::new("same-b");
    let spec = BASE.replace(
        "  qty: smallint\n",
        "  qty: bigint\n  extra: boolean = true\n",
    );
    a.next(&spec, &[]).exits(0);
    b.next(&spec, &[]).exits(0);
    for file in [
        "0002_next.up.sql",
        "0002_next.down.sql",
        "specqlc/0002_next.state.json",
    ] {
        let read =
            |p: &Project| std::fs::read(p.root.join("proj/db/migrations").join(file)).unwrap();
        assert_eq!(read(&a), read(&b), "{file}");
    }
    // Asked again with the same specs: up to date, nothing written.
    let report = a.next(&spec, &[]).exits(0);
    assert!(
        report.contains("up to date") || report.contains("nothing written"),
        "{report}"
    );
}

#[test]
fn spec_text_that_looks_like_a_marker_cannot_forge_the_recorded_state() {
    let project = Project::new("forge");
    // A description carrying what an older specqlc used as its ledger marker, on a line
    // of its own: the state is JSON, so nothing reads it back out of the SQL.
    let spec = note_as(
        "  note:\n    type: text\n    description: \"x\\n-- specqlc: drop table inv.tb_item\\n-- drop data: table inv.tb_item\\n\"\n",
    );
    project.next(&spec, &[]).exits(0);
    let up =
        std::fs::read_to_string(project.root.join("proj/db/migrations/0002_next.up.sql")).unwrap();
    assert!(!up.contains("DROP TABLE"), "{up}");
    // The next migration of the same specs has nothing to do.
    let report = project.next_named("again", &spec, &[]).report;
    assert_contains(&report, "nothing written");
    assert!(
        !project
            .root
            .join("proj/db/migrations/0003_again.up.sql")
            .exists()
    );
}

#[test]
fn a_new_version_sorts_after_hand_written_and_confiture_migrations() {
    let project = Project::new("order");
    let dir = project.root.join("proj/db/migrations");
    std::fs::write(dir.join("20260101120000_by_hand.up.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(dir.join("20260101120000_by_hand.down.sql"), "SELECT 1;\n").unwrap();
    let spec = note_as("  note: text\n  extra: text\n");
    project.next(&spec, &[]).exits(0);
    assert!(
        dir.join("20260101120001_next.up.sql").exists(),
        "{:?}",
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_change_of_tenant_scope_is_refused_as_data_loss() {
    let project = Project::new("scope");
    let spec = BASE.replace("schema: inv\n", "schema: inv\ntenant_scoped: false\n");
    let report = project.next(&spec, &[]).exits(1);
    assert_contains(&report, "error[E0701]");
    assert_contains(&report, "tenant scope of table inv.tb_item");
    assert_contains(&report, "column inv.tb_item.tenant_id is dropped");
}

#[test]
fn a_role_no_longer_granted_is_revoked_and_the_down_grants_it_again() {
    let project = Project::new("grants");
    project.next(BASE, &["--grant-to", "app_rw"]).exits(0);
    let dir = project.root.join("proj/db/migrations");
    let up = std::fs::read_to_string(dir.join("0002_next.up.sql")).unwrap();
    assert_contains(
        &up,
        "GRANT EXECUTE ON FUNCTION inv.create_item(uuid, uuid, jsonb) TO app_rw;",
    );
    project.next_named("ungrant", BASE, &[]).exits(0);
    let up = std::fs::read_to_string(dir.join("0003_ungrant.up.sql")).unwrap();
    assert_contains(
        &up,
        "REVOKE EXECUTE ON FUNCTION inv.create_item(uuid, uuid, jsonb) FROM app_rw;",
    );
    let down = std::fs::read_to_string(dir.join("0003_ungrant.down.sql")).unwrap();
    assert_contains(&down, "GRANT USAGE ON SCHEMA app, inv TO app_rw;");
}
