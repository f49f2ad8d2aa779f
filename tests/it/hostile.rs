//! Hostile text makes safe SQL. A spec whose descriptions, defaults, enum values,
//! validation messages, conditions and return messages all carry quotes, `$$`, `$fn$`,
//! `;`, `--`, `/*`, backslashes and a `'); DROP TABLE canary.victim; --` payload is
//! compiled and applied to a real database, next to a canary table. Every text comes
//! back verbatim (comments, column defaults through the create action, the enum CHECK,
//! error messages), the canary survives, and the catalog holds exactly the objects the
//! same spec with benign text creates. The same holds with line ends, control characters
//! and a trailing backslash in every slot, applied by psql from `specqlc compile -o -`
//! with `standard_conforming_strings` on and off, and with it off through `confiture
//! build` and `specqlc apply`. Hostile JSON *input* (values, keys, ids) is
//! stored verbatim (in rows and notification payloads) or refused, never executed.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::cli::specqlc_ok;
use crate::support::db::ActionResult;
use crate::support::db::{next_notification, texts};
use crate::support::specs::{TENANT_A, check, compile, source};
use crate::support::tools::{pg_bin, run_ok};

/// Every character sequence that could end a literal, a dollar-quoted body, a
/// statement or start a comment, and a classic injection payload.
const HOSTILE: &str = r#"it's "quoted" $$ $fn$ $fn1$ $x$ ; -- /* open \ back\\slash E'\x41' '); DROP TABLE canary.victim; --"#;

/// Hostile JSON input: the same, plus a newline, a tab, unicode and `format()`
/// directives.
const HOSTILE_INPUT: &str =
    "Robert'); DROP TABLE canary.victim; --\n\t\"\\ é ☃ $$ $fn$ %s %I %L /* */";

/// Every literal slot's worst case beyond [`HOSTILE`]: line ends, a tab, C0 controls and
/// DEL, an ANSI escape, `*/`, `--`, dollar tags, and a trailing backslash, which would
/// swallow the closing quote of a literal read with `standard_conforming_strings = off`.
const CONTROL: &str =
    "l1\nl2\r\nl3\t\u{1}\u{7}\u{1b}[31m\u{1f}\u{7f} */ -- $$ $fn$ it's \"q\" E'\\x41' \\";

/// `text` as a YAML double-quoted scalar (control characters as YAML escapes).
fn yaml(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a SpecQL string literal (`'` doubled).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The spec, in `schema`, with `text` wherever free text may go.
fn spec(schema: &str, text: &str) -> String {
    let y = yaml(text);
    let enum_type = yaml(&format!("enum(calm, {})", literal(text)));
    let short_default = yaml(&format!("text = {}", literal(text)));
    let condition = yaml(&format!("note != {}", literal(text)));
    let fixed = yaml(&literal(text));
    format!(
        r#"
entity: Thing
schema: {schema}
description: {y}
fields:
  label:
    type: text
    description: {y}
  note:
    type: text
    default: {y}
  short_note: {short_default}
  mood:
    type: {enum_type}
    default: {y}
actions:
  - name: create_thing
    description: {y}
  - name: update_thing
  - name: check_label
    description: {y}
    steps:
      - validate: label = 'x'
        error: hostile_check
        message: {y}
      - return: {y}
  - name: check_note
    steps:
      - validate: {condition}
  - name: set_label
    steps:
      - update: Thing SET label = $label
  - name: announce
    steps:
      - notify: thing_changed
        data:
          label: label
          fixed: {fixed}
"#
    )
}

const CANARY: &str = "CREATE SCHEMA canary; \
     CREATE TABLE canary.victim (n integer); INSERT INTO canary.victim VALUES (1);";

/// A database with the canary, the hostile spec in schema `hostile` and the same spec
/// with benign text in schema `benign`.
fn db() -> TestDb {
    let db = TestDb::new();
    db.batch(CANARY);
    db.batch(&compile("hostile.yaml", &spec("hostile", HOSTILE)));
    db.batch(&compile("benign.yaml", &spec("benign", "benign text")));
    db
}

fn call(db: &TestDb, action: &str, input: Value) -> ActionResult {
    db.caller("hostile", TENANT_A).call(action, input)
}

fn create(db: &TestDb, input: Value) -> Value {
    db.caller("hostile", TENANT_A).ok("create_thing", input)
}

fn assert_canary_alive(db: &TestDb) {
    assert!(
        db.table_exists("canary", "victim"),
        "the canary table is gone"
    );
    assert_eq!(
        db.count("SELECT FROM canary.victim"),
        1,
        "the canary lost its row"
    );
}

/// The one text value `sql` returns.
fn text(db: &TestDb, sql: &str) -> Option<String> {
    db.client()
        .query_one(sql, &[])
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .get(0)
}

#[test]
fn hostile_spec_text_arrives_verbatim_and_runs_nothing() {
    let db = db();
    assert_spec_text_round_trips(&db, HOSTILE);
}

/// Every literal slot of [`spec`] in schema `hostile` of `db` holds `expected` verbatim, and
/// nothing ran outside its literal: the canary lives, schema `hostile` has exactly the
/// objects of schema `benign` and no other schema appeared.
fn assert_spec_text_round_trips(db: &TestDb, expected: &str) {
    assert_canary_alive(db);

    // Comments on the table, a column and two functions.
    let comments = [
        "SELECT obj_description('hostile.tb_thing'::regclass, 'pg_class')",
        "SELECT col_description('hostile.tb_thing'::regclass, \
         (SELECT attnum FROM pg_attribute WHERE attrelid = 'hostile.tb_thing'::regclass AND attname = 'label'))",
        "SELECT obj_description('hostile.create_thing(uuid, uuid, jsonb)'::regprocedure, 'pg_proc')",
        "SELECT obj_description('hostile.check_label(uuid, uuid, jsonb)'::regprocedure, 'pg_proc')",
    ];
    for sql in comments {
        assert_eq!(text(db, sql).as_deref(), Some(expected), "{sql}");
    }

    // Defaults (long form, short form, enum) through the create action and in the row.
    let row = create(db, json!({"label": "x"}));
    for key in ["note", "short_note", "mood"] {
        assert_eq!(row[key], expected, "object_data.{key}");
    }
    let stored = db.query_json("SELECT note, short_note, mood FROM hostile.tb_thing");
    assert_eq!(
        stored,
        json!([{"note": expected, "short_note": expected, "mood": expected}])
    );

    // A literal of a notification's data.
    let id = row["id"].clone();
    let mut listener = db.client();
    listener.batch_execute("LISTEN thing_changed").unwrap();
    let announced = call(db, "announce", json!({"id": id}));
    assert!(announced.success, "{announced:?}");
    let notification = next_notification(&mut listener);
    let payload: Value = serde_json::from_str(&notification).unwrap();
    assert_eq!(
        payload,
        json!({"label": "x", "fixed": expected}),
        "notify data"
    );
    // The validation message and the return message, verbatim.
    let ok = call(db, "check_label", json!({"id": id}));
    assert!(ok.success, "{ok:?}");
    assert_eq!(ok.meta, Some(json!({"message": expected})));
    let other = create(db, json!({"label": "y"}));
    let refused = call(db, "check_label", json!({"id": other["id"]}));
    assert!(!refused.success, "{refused:?}");
    assert_eq!(refused.error_code.as_deref(), Some("hostile_check"));
    assert_eq!(refused.error_message.as_deref(), Some(expected));

    // A validation without `message:` reports its condition's text, literal included.
    let failed = call(db, "check_note", json!({"id": id}));
    assert_eq!(failed.error_code.as_deref(), Some("validation_failed"));
    assert_eq!(
        failed.error_message,
        Some(format!("validation failed: note != {}", literal(expected)))
    );

    // Nothing ran but the spec: the hostile schema holds the same objects as the benign
    // one, and no other schema appeared.
    assert_canary_alive(db);
    let objects = |schema: &str| {
        db.query_json(&format!(
            "SELECT c.relname AS name, c.relkind AS kind FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' \
             UNION ALL SELECT p.proname, 'function' FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '{schema}' \
             UNION ALL SELECT t.typname, 'type' FROM pg_type t \
             JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = '{schema}' \
             ORDER BY 1, 2"
        ))
    };
    assert_eq!(objects("hostile"), objects("benign"));
    let schemas = db.query_json(
        "SELECT nspname AS name FROM pg_namespace \
         WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'specqlc') ORDER BY 1",
    );
    assert_eq!(
        texts(&schemas, "name"),
        [
            "app", "benign", "canary", "common", "core", "hostile", "public"
        ]
    );
}

/// The hostile text and [`CONTROL`], ending in a backslash.
fn every_hazard() -> String {
    format!("{HOSTILE} {CONTROL}")
}

/// One test per way in and `standard_conforming_strings` setting: `name: via, setting`.
macro_rules! round_trips {
    ($($test:ident: $via:expr, $setting:expr;)*) => {$(
        #[test]
        fn $test() {
            applied($via, $setting);
        }
    )*};
}

round_trips! {
    every_literal_slot_round_trips_through_psql_with_standard_conforming_strings_on: Via::Psql, true;
    every_literal_slot_round_trips_through_psql_with_standard_conforming_strings_off: Via::Psql, false;
    every_literal_slot_round_trips_through_confiture_build_with_standard_conforming_strings_off:
        Via::ConfitureBuild, false;
    every_literal_slot_round_trips_through_apply_with_standard_conforming_strings_off: Via::Apply, false;
}

/// How the compiled spec reaches the database.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `specqlc compile -o -` on psql's stdin.
    Psql,
    /// `specqlc compile -o DIR`, `confiture build`, the built file on psql's stdin.
    ConfitureBuild,
    /// `specqlc apply --database-url`.
    Apply,
}

/// The spec with [`every_hazard`] in every literal slot, applied `via` a client to a
/// database whose sessions all have `standard_conforming_strings` as given (the
/// client's, the test's and the listener's, so the action bodies are compiled under it
/// too); every value comes back verbatim and nothing runs outside a literal.
fn applied(via: Via, standard_conforming_strings: bool) {
    let text = every_hazard();
    assert!(
        text.ends_with('\\'),
        "the worst case is a trailing backslash"
    );
    let db = TestDb::new();
    let setting = if standard_conforming_strings {
        "on"
    } else {
        "off"
    };
    db.batch(&format!(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET standard_conforming_strings = {setting}', \
         current_database()); END $$; SET standard_conforming_strings = {setting};"
    ));
    assert_eq!(
        db.query_json("SELECT current_setting('standard_conforming_strings') AS s"),
        json!([{"s": setting}])
    );
    db.batch(CANARY);
    db.batch(&compile("benign.yaml", &spec("benign", "benign text")));

    let dir = std::env::temp_dir().join(format!(
        "specqlc-hostile-{}-{via:?}-{setting}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hostile.yaml");
    std::fs::write(&path, spec("hostile", &text)).unwrap();
    let specqlc = |args: &[&str]| specqlc_ok(args).stdout;
    let spec_path = path.to_str().unwrap();
    let script = match via {
        Via::Psql => Some(specqlc(&["compile", "-o", "-", spec_path])),
        Via::ConfitureBuild => {
            let project = dir.join("project");
            specqlc(&["compile", spec_path, "-o", project.to_str().unwrap()]);
            run_ok(
                Command::new(crate::confiture::confiture_path())
                    .args(["build", "--env", "local"])
                    .current_dir(&project)
                    .env("NO_COLOR", "1")
                    .env_remove("DATABASE_URL")
                    .env_remove("CONFITURE_DATABASE_URL"),
                "confiture build",
            );
            Some(std::fs::read(project.join("db/generated/schema_local.sql")).unwrap())
        }
        Via::Apply => {
            specqlc(&["apply", "--database-url", &db.url(), spec_path]);
            None
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(script) = script {
        assert!(
            !script.iter().any(|&b| b != b'\n' && b.is_ascii_control()),
            "the script holds no raw control character but newlines"
        );
        let mut psql = Command::new(pg_bin("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("psql runs");
        psql.stdin.take().unwrap().write_all(&script).unwrap();
        let out = psql.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "psql failed: {stderr}");
        assert!(
            !stderr.contains("WARNING") && !stderr.contains("nonstandard use"),
            "psql warned: {stderr}"
        );
    }
    assert_spec_text_round_trips(&db, &text);
}

#[test]
fn the_enum_check_accepts_the_hostile_value_and_nothing_near_it() {
    let db = db();
    let insert = |mood: &str| {
        db.client().execute(
            "INSERT INTO hostile.tb_thing (tenant_id, mood) VALUES ($1::text::uuid, $2)",
            &[&TENANT_A, &mood],
        )
    };
    for accepted in ["calm", HOSTILE] {
        insert(accepted).unwrap_or_else(|error| panic!("{accepted:?} refused: {error}"));
    }
    let near = [
        "it's",
        "it''s",
        &HOSTILE[..HOSTILE.len() - 1],
        &format!("{HOSTILE} "),
        &HOSTILE.replace('\\', "\\\\"),
        "'); DROP TABLE canary.victim; --",
    ];
    for refused in near {
        let error = insert(refused).expect_err(refused);
        assert_eq!(
            error.as_db_error().map(|e| e.code().code()),
            Some("23514"),
            "{refused:?}: {error}"
        );
    }
    // Through the action: the hostile value is accepted, a near one is invalid_input.
    let row = create(&db, json!({"mood": HOSTILE}));
    assert_eq!(row["mood"], HOSTILE);
    let result = call(&db, "create_thing", json!({"mood": "it's"}));
    assert_eq!(
        result.error_code.as_deref(),
        Some("invalid_input"),
        "{result:?}"
    );
    assert_canary_alive(&db);
}

#[test]
fn hostile_input_values_are_stored_verbatim() {
    let db = db();
    let row = create(
        &db,
        json!({"label": HOSTILE_INPUT, "note": HOSTILE_INPUT, "identifier": HOSTILE_INPUT}),
    );
    assert_eq!(row["label"], HOSTILE_INPUT);
    assert_eq!(row["note"], HOSTILE_INPUT);
    assert_eq!(row["identifier"], HOSTILE_INPUT);
    let id = row["id"].clone();

    // Through a standard update and through a step's `$label`.
    let updated = call(
        &db,
        "update_thing",
        json!({"id": id, "short_note": HOSTILE_INPUT}),
    );
    assert!(updated.success, "{updated:?}");
    let reversed: String = HOSTILE_INPUT.chars().rev().collect();
    let set = call(&db, "set_label", json!({"id": id, "label": reversed}));
    assert!(set.success, "{set:?}");

    // Through a notification's payload: the row's value and a literal of the spec.
    let mut listener = db.client();
    listener.batch_execute("LISTEN thing_changed").unwrap();
    let announced = call(&db, "announce", json!({"id": id}));
    assert!(announced.success, "{announced:?}");
    let notification = next_notification(&mut listener);
    let payload: Value = serde_json::from_str(&notification).unwrap();
    assert_eq!(payload, json!({"label": reversed, "fixed": HOSTILE}));

    let stored = db.query_json("SELECT identifier, label, note, short_note FROM hostile.tb_thing");
    assert_eq!(
        stored,
        json!([{
            "identifier": HOSTILE_INPUT,
            "label": reversed,
            "note": HOSTILE_INPUT,
            "short_note": HOSTILE_INPUT
        }])
    );
    assert_canary_alive(&db);
}

#[test]
fn hostile_input_keys_and_ids_are_refused() {
    let db = db();
    let key = "x'); DROP TABLE canary.victim; --";
    let result = call(&db, "create_thing", json!({ key: 1 }));
    assert_eq!(
        result.error_code.as_deref(),
        Some("invalid_input"),
        "{result:?}"
    );
    assert!(
        result
            .error_message
            .as_deref()
            .unwrap_or_default()
            .contains(key),
        "the message names the key verbatim: {result:?}"
    );
    for id in [
        json!("'; DROP TABLE canary.victim; --"),
        json!(HOSTILE_INPUT),
        json!({"id": "x"}),
    ] {
        let result = call(&db, "update_thing", json!({"id": id, "label": "z"}));
        assert_eq!(
            result.error_code.as_deref(),
            Some("invalid_input"),
            "{id}: {result:?}"
        );
    }
    let result = call(&db, "check_label", json!({"id": HOSTILE_INPUT}));
    assert_eq!(
        result.error_code.as_deref(),
        Some("invalid_input"),
        "{result:?}"
    );
    assert_eq!(db.count("SELECT FROM hostile.tb_thing"), 0);
    assert_canary_alive(&db);
}

/// Issue 13, class 8: every generated function (prelude, Trinity helpers, actions) pins
/// `search_path`, so a caller whose path puts a schema of its own ahead of `pg_catalog`
/// (here an always-true `=` on uuid and a `lower` that lies) changes nothing they return.
#[test]
fn functions_ignore_a_hostile_search_path() {
    let db = db();
    let row = create(&db, json!({"label": "x"}));
    let unpinned = db.query_json(
        "SELECT p.oid::regprocedure::text AS f FROM pg_proc p \
         JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname IN ('app', 'hostile', 'benign') \
         AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false) \
         ORDER BY 1",
    );
    assert_eq!(
        unpinned,
        json!([]),
        "functions without a pinned search_path"
    );

    let mut client = db.client();
    client
        .batch_execute(
            "CREATE SCHEMA evil; \
             CREATE FUNCTION evil.always(uuid, uuid) RETURNS boolean LANGUAGE sql AS 'SELECT true'; \
             CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.always); \
             CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS $$SELECT 'hijacked'$$; \
             SET search_path = evil, pg_catalog, public;",
        )
        .unwrap();
    // The hostile path is in force for unqualified SQL of this session...
    let hijacked: bool = client
        .query_one("SELECT gen_random_uuid() = gen_random_uuid()", &[])
        .unwrap()
        .get(0);
    assert!(hijacked, "the hostile operator is in force");
    // ...and the generated functions ignore it.
    let unknown: Option<i32> = client
        .query_one("SELECT hostile.thing_pk(gen_random_uuid())", &[])
        .unwrap()
        .get(0);
    assert_eq!(unknown, None, "thing_pk of an unknown id");
    let id: String = row["id"].as_str().unwrap().to_owned();
    let known: Option<i32> = client
        .query_one("SELECT hostile.thing_pk($1::text::uuid)", &[&id])
        .unwrap()
        .get(0);
    assert!(known.is_some());
    let slug: Option<String> = client
        .query_one("SELECT app.slugify('Émile Zola')", &[])
        .unwrap()
        .get(0);
    assert_eq!(slug.as_deref(), Some("emile-zola"));
}

/// NUL cannot be written in any literal slot: the spec with NUL (as a YAML escape) in
/// every place [`spec`] puts text is refused at load with E0108, nothing compiled.
#[test]
fn nul_in_any_literal_slot_is_refused_at_load() {
    let checked = check(source("nul.yaml", &spec("hostile", "before\0after")));
    assert!(checked.project().is_none());
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.id).collect();
    assert_eq!(codes, ["E0108"], "{:?}", checked.diagnostics);
}
