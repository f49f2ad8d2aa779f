//! Schema evolution (LANGUAGE §6) on a real PostgreSQL with the real Confiture: the
//! projects under `tests/cases/evolution/` go through their versions with `migrate new`
//! and `confiture migrate up` over rows seeded through the actions; after each step the
//! catalog equals a fresh compile of that version and the rows keep their values; then
//! every down gives back the previous version's catalog, and up again.
//!
//! A version folder holds the specs, and optionally `seed.json` (actions to call, each
//! must succeed), `checks.json` (queries and the rows they must return, checked at that
//! version and every later one that still has the columns) and `ALLOW_DESTRUCTIVE`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::confiture::{TempDir, confiture_ok, specqlc, specqlc_ok, text, user_schemas};
use crate::support::TestDb;
use specqlc::catalog::Catalog;

const TENANT: &str = "00000000-0000-0000-0000-00000000000a";
const USER: &str = "00000000-0000-0000-0000-0000000000ff";

struct Version {
    name: String,
    dir: PathBuf,
    destructive: bool,
}

fn versions(project: &str) -> Vec<Version> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/evolution")
        .join(project);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let file = dir.file_name().unwrap().to_str().unwrap().to_string();
            let name = file.split_once('_').expect("<n>_<name>").1.to_string();
            Version {
                name,
                destructive: dir.join("ALLOW_DESTRUCTIVE").exists(),
                dir,
            }
        })
        .collect()
}

fn json_file(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The catalog of an empty database on which `specqlc compile` of `version` was applied.
fn fresh_catalog(version: &Version) -> Catalog {
    let out = specqlc_ok(&["compile", version.dir.to_str().unwrap(), "-o", "-"]);
    let db = TestDb::new();
    db.batch(&text(&out.stdout));
    Catalog::read(&mut db.client()).expect("the catalog reads")
}

fn catalog(db: &TestDb) -> Catalog {
    Catalog::read(&mut db.client()).expect("the catalog reads")
}

fn assert_catalog(expected: &Catalog, db: &TestDb, when: &str) {
    let differences = expected.differences(&catalog(db));
    assert!(
        differences.is_empty(),
        "{when}: the catalog differs from a fresh compile:\n{}",
        differences
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn seed(db: &TestDb, version: &Version) {
    let Some(Value::Array(calls)) = json_file(&version.dir.join("seed.json")) else {
        return;
    };
    for call in calls {
        let (schema, name) = call["call"].as_str().unwrap().split_once('.').unwrap();
        let result = db.call_action(
            schema,
            name,
            Some(TENANT),
            Some(USER),
            call["input"].clone(),
        );
        assert!(
            result.success,
            "{} at {}: {result:?}",
            call["call"], version.name
        );
    }
}

fn check(db: &TestDb, version: &Version, when: &str) {
    let Some(Value::Array(checks)) = json_file(&version.dir.join("checks.json")) else {
        return;
    };
    for check in checks {
        let sql = check["sql"].as_str().unwrap();
        assert_eq!(db.query_json(sql), check["expect"], "{when}: {sql}");
    }
}

fn up(db: &TestDb, project: &TempDir, destructive: bool) {
    let url = db.url();
    let mut args = vec!["migrate", "up", "--database-url", url.as_str()];
    if destructive {
        args.push("--allow-destructive");
    }
    confiture_ok(project, &args);
}

fn down(db: &TestDb, project: &TempDir) {
    confiture_ok(project, &["migrate", "down", "--database-url", &db.url()]);
}

/// Every version of `name` up (seeding and checking), then every down, then up again.
fn evolve(name: &str) {
    let versions = versions(name);
    assert!(versions.len() >= 4, "{name} needs at least 4 versions");
    let fresh: Vec<Catalog> = versions.iter().map(fresh_catalog).collect();
    let db = TestDb::new();
    let before = catalog(&db);
    let project = TempDir::new(name);

    for (i, version) in versions.iter().enumerate() {
        let mut args = vec![
            "migrate",
            "new",
            version.name.as_str(),
            version.dir.to_str().unwrap(),
            "-o",
            project.str(),
        ];
        if version.destructive {
            let refused = specqlc(&args);
            assert_eq!(
                refused.status.code(),
                Some(1),
                "{}: {}",
                version.name,
                text(&refused.stderr)
            );
            assert!(
                text(&refused.stderr).contains("E0701"),
                "{}",
                text(&refused.stderr)
            );
            args.push("--allow-destructive");
        }
        specqlc_ok(&args);
        up(&db, &project, version.destructive);
        let when = format!("{name} up to {}", version.name);
        assert_catalog(&fresh[i], &db, &when);
        seed(&db, version);
        check(&db, version, &when);
        // Every action of this version still runs after the migration: plpgsql_check
        // resolves every name of every function against the migrated tables.
        for schema in schemas(&db) {
            let report = db.plpgsql_check(&schema);
            assert!(
                report.is_empty(),
                "{when}: plpgsql_check:\n{}",
                report.join("\n")
            );
        }
    }

    for i in (0..versions.len()).rev() {
        down(&db, &project);
        let when = format!("{name} down from {}", versions[i].name);
        match i {
            0 => {
                assert_eq!(user_schemas(&db), ["public"], "{when}");
                assert!(before.differences(&catalog(&db)).is_empty(), "{when}");
            }
            _ => assert_catalog(&fresh[i - 1], &db, &when),
        }
    }

    up(&db, &project, versions.iter().any(|v| v.destructive));
    assert_catalog(fresh.last().unwrap(), &db, &format!("{name} up again"));
}

fn schemas(db: &TestDb) -> Vec<String> {
    user_schemas(db)
        .into_iter()
        .filter(|s| !["public", "app", "common", "core"].contains(&s.as_str()))
        .collect()
}

#[test]
fn crm_evolves_through_renames_enum_values_required_and_a_destructive_prune() {
    evolve("crm");
}

#[test]
fn inventory_evolves_through_widenings_translations_and_an_entity_rename() {
    evolve("inventory");
}

#[test]
fn the_specql_blog_evolves_with_a_field_rename_and_a_dropped_field() {
    evolve("blog");
}
