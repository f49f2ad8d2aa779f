//! Schema evolution (LANGUAGE §6) on a real PostgreSQL with the real Confiture: the
//! projects under `tests/cases/evolution/` go through their versions with `migrate new`
//! and `confiture migrate up` over rows seeded through the actions; after each step the
//! catalog equals a fresh compile of that version and the rows keep their values; then
//! every down gives back the previous version's catalog, and up again.
//!
//! A version folder holds the specs, and optionally `seed.json` (actions to call, each
//! must succeed), `checks.json` (queries and the rows they must return once that version
//! is up and seeded; later versions' checks look at earlier rows, renamed columns
//! included) and `ALLOW_DESTRUCTIVE`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::confiture::{TempDir, confiture, confiture_ok, user_schemas};
use crate::support::TestDb;
use crate::support::cli::{specqlc, specqlc_exits, specqlc_ok, text};
use crate::support::db::{set_tenant, texts};
use crate::support::specs::TENANT_A;
use crate::support::{assert_contains, assert_contains_all};
use specqlc::catalog::Catalog;

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
        let result = db
            .caller(schema, TENANT_A)
            .call(name, call["input"].clone());
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

/// Runs `confiture migrate <direction>` (`up` or `down`), which must fail: `applied`
/// says what it would have applied. Returns what Confiture printed.
fn refused(db: &TestDb, project: &TempDir, direction: &str, applied: &str) -> String {
    let out = confiture(
        project,
        &["migrate", direction, "--database-url", &db.url()],
    );
    assert!(!out.status.success(), "{applied} applied");
    text(&out.stdout) + &text(&out.stderr)
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
            // Gated twice: `migrate new` refuses and writes nothing without the flag...
            let before = files(&project);
            let refused = specqlc(&args);
            let stderr = text(&refused.stderr);
            assert_eq!(refused.status.code(), Some(1), "{}: {stderr}", version.name);
            assert_contains(&stderr, "E0701");
            assert_eq!(
                before,
                files(&project),
                "a refused migration writes nothing"
            );
            args.push("--allow-destructive");
        }
        specqlc_ok(&args);
        snapshot(&project, name, i + 1, &version.name);
        if version.destructive {
            // ...and Confiture refuses the gated file without its own flag.
            refused(&db, &project, "up", "a destructive migration ungated");
            assert_catalog(&fresh[i - 1], &db, "after the refused up");
        }
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

/// Every file of the project's migrations folder, recorded states included.
fn files(project: &TempDir) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![project.path().join("db/migrations")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The up and down files of migration `number` of `project`, as reviewed snapshots.
fn snapshot(project: &TempDir, name: &str, number: usize, migration: &str) {
    let stem = format!("{number:04}_{migration}");
    let dir = project.path().join("db/migrations");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for side in ["up", "down"] {
            let content = std::fs::read_to_string(dir.join(format!("{stem}.{side}.sql")))
                .unwrap_or_else(|e| panic!("{stem}.{side}.sql: {e}"));
            insta::assert_snapshot!(format!("evolution__{name}__{stem}.{side}"), content);
        }
    });
}

fn schemas(db: &TestDb) -> Vec<String> {
    user_schemas(db)
        .into_iter()
        .filter(|s| !["public", "app", "common", "core"].contains(&s.as_str()))
        .collect()
}

/// A migration the rows cannot take fails whole, leaving the previous catalog; after the
/// data is fixed it applies. The same for a down that cannot narrow a column back.
#[test]
fn a_migration_the_data_cannot_take_fails_whole_and_applies_once_fixed() {
    let versions = versions("inventory");
    let fresh: Vec<Catalog> = versions[..2].iter().map(fresh_catalog).collect();
    let db = TestDb::new();
    let project = TempDir::new("atomic");
    let migrate = |version: &Version| {
        specqlc_ok(&[
            "migrate",
            "new",
            &version.name,
            version.dir.to_str().unwrap(),
            "-o",
            project.str(),
        ]);
    };
    migrate(&versions[0]);
    up(&db, &project, false);
    migrate(&versions[1]);
    // A rating the widened CHECK of version 2 still allows, but that version 1 refuses.
    db.batch("UPDATE inv.tb_item SET rating = NULL");
    up(&db, &project, false);
    seed(&db, &versions[0]);
    db.batch(&set_tenant(TENANT_A));
    db.batch("UPDATE inv.tb_item SET qty = 40000, rating = 9 WHERE name = 'Hammer'");

    // The down narrows qty back to smallint and the rating CHECK to 0..5: both fail.
    let report = refused(&db, &project, "down", "a down over values that do not fit");
    assert_contains(&report, "out of range");
    assert_catalog(&fresh[1], &db, "after the failed down");
    assert_eq!(db.count("SELECT 1 FROM inv.tb_item WHERE qty = 40000"), 1);

    db.batch("UPDATE inv.tb_item SET qty = 4 WHERE qty = 40000");
    let report = refused(
        &db,
        &project,
        "down",
        "a down over a rating the CHECK refuses",
    );
    assert_contains(&report, "tb_item_rating_check");
    assert_catalog(&fresh[1], &db, "after the second failed down");

    db.batch("UPDATE inv.tb_item SET rating = 5 WHERE rating = 9");
    down(&db, &project);
    assert_catalog(&fresh[0], &db, "after the down");

    // An up that makes a column required over a NULL fails whole, naming the column.
    let required = TempDir::new("required");
    std::fs::write(
        required.path().join("item.yaml"),
        std::fs::read_to_string(versions[1].dir.join("inventory.yaml"))
            .unwrap()
            .replace("  label: text(40)\n", "  label: text(40)!\n"),
    )
    .unwrap();
    db.batch("UPDATE inv.tb_item SET label = NULL");
    specqlc_ok(&[
        "migrate",
        "new",
        "label_required",
        required.str(),
        "-o",
        project.str(),
    ]);
    let report = refused(&db, &project, "up", "SET NOT NULL over a NULL");
    assert_contains(&report, "label");
    // 0002 (pending again after the down) applies; 0003 fails whole.
    assert_catalog(&fresh[1], &db, "after the failed up");
    db.batch("UPDATE inv.tb_item SET label = 'fixed'");
    up(&db, &project, false);
    assert_eq!(
        db.count("SELECT 1 FROM inv.tb_item WHERE label = 'fixed'"),
        1
    );
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

/// `apply` uses the same engine: each changed version evolves the database in place (the
/// catalog equals a fresh compile, rows keep their values), hand-made drift is reported
/// and left alone, and data loss needs `--allow-destructive`.
#[test]
fn apply_evolves_changed_specs_and_refuses_drift() {
    let versions = versions("crm");
    let db = TestDb::new();
    let url = db.url();
    let apply = |version: &Version, destructive: bool| {
        let mut args = vec![
            "apply",
            "--database-url",
            url.as_str(),
            version.dir.to_str().unwrap(),
        ];
        if destructive {
            args.push("--allow-destructive");
        }
        specqlc(&args)
    };
    for (i, version) in versions.iter().enumerate() {
        let when = format!("apply {}", version.name);
        if i == 2 {
            // Drift: a column added by hand is reported, and nothing is applied.
            db.batch("ALTER TABLE crm.tb_contact ADD COLUMN hacked TEXT");
            let out = apply(version, false);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(3), "{when}: {stderr}");
            assert_contains(&stderr, "E0604");
            assert_contains(&stderr, "extra: column crm.tb_contact.hacked");
            assert!(
                db.table_exists("crm", "tb_company"),
                "{when}: drift left alone"
            );
            db.batch("ALTER TABLE crm.tb_contact DROP COLUMN hacked");
        }
        if version.destructive {
            let out = apply(version, false);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{when}: {stderr}");
            assert_contains(&stderr, "E0701");
            assert!(db.table_exists("crm", "tb_deal"), "{when}: nothing applied");
        }
        let out = apply(version, version.destructive);
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{when}: {stderr}");
        // The tests connect as a superuser, so apply says what that costs.
        assert!(
            stderr.contains("applying as a superuser"),
            "{when}: {stderr}"
        );
        if i > 0 {
            assert!(stderr.contains("evolved the database"), "{when}: {stderr}");
        }
        assert_catalog(&fresh_catalog(version), &db, &when);
        seed(&db, version);
        check(&db, version, &when);
        let again = apply(version, false);
        assert_contains(&text(&again.stderr), "already applied");
    }
}

/// `specqlc diff` reports nothing on a database that matches, then every kind of
/// hand-made difference (extra, missing, changed) in the spec's words, as text and JSON.
#[test]
fn diff_reports_missing_extra_and_changed_objects_in_the_specs_words() {
    let version = &versions("crm")[0];
    let db = TestDb::new();
    let url = db.url();
    let spec = version.dir.to_str().unwrap();
    specqlc_ok(&["apply", "--database-url", &url, spec]);
    let clean = specqlc_exits(0, &["diff", "--database-url", &url, spec]);
    assert_eq!(text(&clean.stdout), "");

    db.batch(
        "ALTER TABLE crm.tb_contact ADD COLUMN hacked TEXT;
         DROP INDEX crm.uq_tb_contact_identifier;
         ALTER TABLE crm.tb_contact ALTER COLUMN status SET DEFAULT 'customer';",
    );
    let out = specqlc_exits(1, &["diff", "--database-url", &url, spec]);
    let report = text(&out.stdout);
    assert_contains_all(
        &report,
        &[
            "extra: `hacked`, not a field of entity Contact, (column crm.tb_contact.hacked)",
            "missing: index crm.uq_tb_contact_identifier",
            "changed: field Contact.status (column crm.tb_contact.status)",
            "DEFAULT 'customer'::text",
        ],
    );

    let out = specqlc(&["--format", "json", "diff", "--database-url", &url, spec]);
    let items: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let kinds = texts(&items, "kind");
    assert_eq!(kinds.len(), 3, "{items:#}");
    for kind in ["missing", "extra", "changed"] {
        assert!(kinds.contains(&kind), "{kind} in {items:#}");
    }
}

/// A random spec evolving by random changes that keep data (LANGUAGE §6.2): add a field,
/// rename one (`renamed_from`), widen a type, add an enum value, add an entity, make a
/// field required with a default. After each `migrate new` and its up, the catalog equals
/// a fresh compile; then every down, in reverse, gives back each earlier catalog, and the
/// first leaves the database empty. `SPECQL_EVOLVE_CASES` sequences (default 6), each of
/// 5 changes, from a fixed seed (`SPECQL_EVOLVE_SEED` to vary it).
#[test]
fn random_sequences_of_safe_changes_migrate_to_the_catalog_of_a_fresh_compile() {
    let cases: u64 = std::env::var("SPECQL_EVOLVE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let seed: u64 = std::env::var("SPECQL_EVOLVE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        run_sequence(&mut rng, case);
    }
    eprintln!("{cases} random evolution sequences of 5 changes each: every catalog matched");
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, deterministic, good enough to pick changes.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone)]
struct FieldModel {
    name: String,
    ty: String,
    required: bool,
    default: Option<String>,
    renamed_from: Option<String>,
}

#[derive(Clone)]
struct EntityModel {
    name: String,
    fields: Vec<FieldModel>,
}

const TYPES: [&str; 8] = [
    "smallint",
    "integer",
    "text(10)",
    "text",
    "decimal(8, 2)",
    "boolean",
    "date",
    "enum(a, b)",
];

fn render(entities: &[EntityModel]) -> String {
    let mut out = String::new();
    for e in entities {
        let snake = e.name.to_lowercase();
        out.push_str(&format!("---\nentity: {}\nschema: prop\nfields:\n", e.name));
        for f in &e.fields {
            out.push_str(&format!("  {}:\n    type: {}\n", f.name, f.ty));
            if f.required {
                out.push_str("    required: true\n");
            }
            if let Some(d) = &f.default {
                out.push_str(&format!("    default: {d}\n"));
            }
            if let Some(r) = &f.renamed_from {
                out.push_str(&format!("    renamed_from: {r}\n"));
            }
        }
        out.push_str(&format!(
            "actions:\n  - name: create_{snake}\n  - name: update_{snake}\n"
        ));
    }
    out
}

fn default_for(ty: &str) -> &'static str {
    match ty {
        "boolean" => "true",
        "date" => "'2024-01-31'",
        t if t.starts_with("enum") => "'a'",
        t if t.starts_with("text") => "'x'",
        _ => "7",
    }
}

/// One random change that keeps data; the counter makes fresh names.
fn change(rng: &mut Rng, entities: &mut Vec<EntityModel>, counter: &mut usize) {
    *counter += 1;
    for e in entities.iter_mut() {
        for f in &mut e.fields {
            f.renamed_from = None;
        }
    }
    let e = rng.below(entities.len());
    let entity = &mut entities[e];
    match rng.below(6) {
        0 => entity.fields.push(FieldModel {
            name: format!("f{counter}"),
            ty: TYPES[rng.below(TYPES.len())].to_string(),
            required: false,
            default: None,
            renamed_from: None,
        }),
        1 => {
            let i = rng.below(entity.fields.len());
            let f = &mut entity.fields[i];
            f.renamed_from = Some(f.name.clone());
            f.name = format!("r{counter}");
        }
        2 => {
            let i = rng.below(entity.fields.len());
            let f = &mut entity.fields[i];
            f.ty = match f.ty.as_str() {
                "smallint" => "integer".into(),
                "integer" => "bigint".into(),
                "text(10)" => "text(40)".into(),
                "text(40)" => "text".into(),
                "decimal(8, 2)" => "decimal(12, 3)".into(),
                other => other.to_string(),
            };
        }
        3 => {
            let i = rng.below(entity.fields.len());
            let f = &mut entity.fields[i];
            if let Some(values) = f.ty.strip_prefix("enum(").and_then(|t| t.strip_suffix(')')) {
                f.ty = format!("enum({values}, v{counter})");
            }
        }
        4 => entities.push(EntityModel {
            name: format!("Thing{counter}"),
            fields: vec![FieldModel {
                name: "label".into(),
                ty: "text".into(),
                required: false,
                default: None,
                renamed_from: None,
            }],
        }),
        _ => {
            let i = rng.below(entity.fields.len());
            let f = &mut entity.fields[i];
            f.required = true;
            f.default = Some(default_for(&f.ty).to_string());
        }
    }
}

fn run_sequence(rng: &mut Rng, case: u64) {
    let mut entities = vec![EntityModel {
        name: "Base".into(),
        fields: (0..3)
            .map(|i| FieldModel {
                name: format!("b{i}"),
                ty: TYPES[rng.below(TYPES.len())].to_string(),
                required: false,
                default: None,
                renamed_from: None,
            })
            .collect(),
    }];
    let work = TempDir::new(&format!("prop-{case}"));
    let db = TestDb::new();
    let empty = catalog(&db);
    let mut counter = 0;
    let mut catalogs = Vec::new();
    let mut stems = Vec::new();
    let mut history = Vec::new();
    for step in 0..6 {
        if step > 0 {
            change(rng, &mut entities, &mut counter);
        }
        let spec = render(&entities);
        history.push(spec.clone());
        let dir = work.path().join(format!("v{step}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("spec.yaml"), &spec).unwrap();
        let out = specqlc(&[
            "migrate",
            "new",
            &format!("s{step}"),
            dir.to_str().unwrap(),
            "-o",
            work.path().join("proj").to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "case {case} step {step}: {}\n{spec}",
            text(&out.stderr)
        );
        let migrations = work.path().join("proj/db/migrations");
        let stem = format!("{:04}_s{step}", step + 1);
        if !migrations.join(format!("{stem}.up.sql")).exists() {
            continue; // The change compiled to the same catalog (e.g. a widened boolean).
        }
        let up = std::fs::read_to_string(migrations.join(format!("{stem}.up.sql"))).unwrap();
        db.batch(&up);
        let version = Version {
            name: format!("s{step}"),
            dir,
            destructive: false,
        };
        let expected = fresh_catalog(&version);
        assert_catalog(&expected, &db, &format!("case {case} step {step}:\n{spec}"));
        catalogs.push(expected);
        stems.push(stem);
    }
    for (i, stem) in stems.iter().enumerate().rev() {
        let down = work
            .path()
            .join(format!("proj/db/migrations/{stem}.down.sql"));
        db.batch(&std::fs::read_to_string(down).unwrap());
        let when = format!("case {case} down from {stem}:\n{}", history.join("\n"));
        match i {
            0 => assert!(empty.differences(&catalog(&db)).is_empty(), "{when}"),
            _ => assert_catalog(&catalogs[i - 1], &db, &when),
        }
    }
}
