//! Tests of the database harness itself: isolation, cleanup, helpers, and a live
//! plpgsql_check. None needs the compiler, so a failure here is the harness's.

use postgres::NoTls;
use serde_json::json;

use crate::support::TestDb;
use crate::support::assert_contains;

const TENANT: &str = "11111111-1111-1111-1111-111111111111";
const USER: &str = "22222222-2222-2222-2222-222222222222";

#[test]
fn databases_are_isolated() {
    let first = TestDb::new();
    let second = TestDb::new();
    first.batch("CREATE SCHEMA crm; CREATE TABLE crm.tb_contact (email text);");
    assert!(first.table_exists("crm", "tb_contact"));
    assert!(!second.table_exists("crm", "tb_contact"));
    assert_ne!(first.url(), second.url());
}

#[test]
fn parallel_tests_get_distinct_databases() {
    let names: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| current_database(&TestDb::new())))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a thread created its database"))
            .collect()
    });
    let mut distinct = names.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "{names:?}");
}

#[test]
fn dropping_a_test_db_drops_its_database() {
    let db = TestDb::new();
    let name = current_database(&db);
    let still_connected = db.client();
    drop(db);
    drop(still_connected);
    let other = TestDb::new();
    let query = format!("SELECT FROM pg_database WHERE datname = '{name}'");
    assert_eq!(other.count(&query), 0, "{name} outlived its TestDb");
}

#[test]
fn url_and_client_reach_the_test_database() {
    let db = TestDb::new();
    let mut by_url = postgres::Client::connect(&db.url(), NoTls).expect("the URL connects");
    let by_url: String = by_url
        .query_one("SELECT current_database()", &[])
        .expect("a row")
        .get(0);
    let by_client: String = db
        .client()
        .query_one("SELECT current_database()", &[])
        .expect("a row")
        .get(0);
    assert_eq!(by_url, by_client);
    assert_eq!(by_url, current_database(&db));
}

#[test]
fn plpgsql_check_is_available() {
    let db = TestDb::new();
    db.assert_plpgsql_clean("public");
    assert_eq!(
        db.count("SELECT FROM pg_extension WHERE extname = 'plpgsql_check'"),
        1,
        "plpgsql_check is not installed: run scripts/setup.sh"
    );
}

/// Proves the checker is live: a function that `CREATE FUNCTION` accepts but that reads
/// a missing column is reported, and a clean one is not.
#[test]
fn plpgsql_check_reports_a_missing_column() {
    let db = TestDb::new();
    db.batch(
        "CREATE SCHEMA smoke;
         CREATE TABLE smoke.tb_item (
             pk_item INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             name TEXT NOT NULL
         );
         CREATE FUNCTION smoke.add_item(p_name TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
         DECLARE
             v_pk INTEGER;
         BEGIN
             INSERT INTO smoke.tb_item (name) VALUES (p_name) RETURNING pk_item INTO v_pk;
             RETURN v_pk;
         END
         $$;
         CREATE FUNCTION smoke.first_title() RETURNS TEXT LANGUAGE plpgsql AS $$
         BEGIN
             RETURN (SELECT title FROM smoke.tb_item LIMIT 1);
         END
         $$;",
    );
    let findings = db.plpgsql_check("smoke");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].starts_with("smoke.first_title():"),
        "{findings:#?}"
    );
    assert!(
        findings[0].contains(r#"column "title" does not exist"#),
        "{findings:#?}"
    );

    // The same, straight from the extension.
    assert_eq!(
        db.count("SELECT * FROM plpgsql_check_function('smoke.add_item(text)')"),
        0
    );
    let report = db.query_json("SELECT * FROM plpgsql_check_function('smoke.first_title()')");
    assert!(report.to_string().contains("title"), "{report}");
}

#[test]
fn plpgsql_check_checks_trigger_functions_against_their_tables() {
    let db = TestDb::new();
    db.batch(
        "CREATE SCHEMA smoke;
         CREATE TABLE smoke.tb_item (name TEXT, updated_at TIMESTAMPTZ);
         CREATE FUNCTION smoke.touch() RETURNS TRIGGER LANGUAGE plpgsql AS $$
         BEGIN
             NEW.updated_at := now();
             NEW.updated_by := NULL;
             RETURN NEW;
         END
         $$;
         CREATE FUNCTION smoke.unused() RETURNS TRIGGER LANGUAGE plpgsql AS $$
         BEGIN
             RETURN NEW.nothing;
         END
         $$;
         CREATE TRIGGER touch_insert BEFORE INSERT ON smoke.tb_item
             FOR EACH ROW EXECUTE FUNCTION smoke.touch();
         CREATE TRIGGER touch_update BEFORE UPDATE ON smoke.tb_item
             FOR EACH ROW EXECUTE FUNCTION smoke.touch();",
    );
    let findings = db.plpgsql_check("smoke");
    // Once per table, not per trigger; a trigger function on no table cannot be checked.
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].starts_with("smoke.touch() ON smoke.tb_item:"),
        "{findings:#?}"
    );
    assert!(findings[0].contains("updated_by"), "{findings:#?}");
}

#[test]
fn a_caller_reads_the_mutation_result() {
    let db = TestDb::new();
    db.batch(
        r#"CREATE SCHEMA app;
        CREATE TYPE app.mutation_result AS (
            success BOOLEAN, error_code TEXT, error_message TEXT, object_data JSONB, _meta JSONB
        );
        CREATE SCHEMA "Crm";
        CREATE FUNCTION "Crm"."Echo"(p_tenant_id UUID, p_user_id UUID, p_input JSONB)
        RETURNS app.mutation_result LANGUAGE plpgsql AS $$
        BEGIN
            IF p_tenant_id IS NULL THEN
                RAISE EXCEPTION 'p_tenant_id is required' USING ERRCODE = '22004';
            END IF;
            IF p_input ? 'typo' THEN
                RETURN ROW(false, 'invalid_input', 'unknown key typo', NULL, NULL)::app.mutation_result;
            END IF;
            RETURN ROW(true, NULL, NULL,
                       p_input || jsonb_build_object('by', p_user_id),
                       jsonb_build_object('message', 'echoed'))::app.mutation_result;
        END
        $$;"#,
    );
    assert!(db.function_exists("Crm", "Echo"));
    assert!(!db.function_exists("Crm", "echo"));

    let crm = db.caller("Crm", TENANT).user(Some(USER));
    let echoed = crm.call("Echo", json!({"n": 1}));
    assert!(echoed.success, "{echoed:?}");
    assert_eq!(echoed.error_code, None);
    assert_eq!(echoed.object_data, Some(json!({"n": 1, "by": USER})));
    assert_eq!(echoed.meta, Some(json!({"message": "echoed"})));

    let refused = crm.user(None).call("Echo", json!({"typo": 1}));
    assert!(!refused.success);
    assert_eq!(refused.error_code.as_deref(), Some("invalid_input"));
    assert_eq!(refused.error_message.as_deref(), Some("unknown key typo"));
    assert_eq!(refused.object_data, None);

    let raised = crm
        .tenant(None)
        .try_call("Echo", json!({}))
        .expect_err("a NULL tenant raises");
    assert_eq!(raised.code, "22004");
    assert_eq!(raised.message, "p_tenant_id is required");
}

#[test]
fn a_failing_batch_points_at_the_line_and_rolls_back() {
    let db = TestDb::new();
    let error = db
        .try_batch("CREATE TABLE t (a INTEGER);\nSELECT nope FROM t;")
        .expect_err("the column is missing");
    assert_eq!(error.code, "42703");
    let report = error.to_string();
    assert_contains(&report, "LINE 2: SELECT nope FROM t;\n               ^");
    // A script is one implicit transaction.
    assert!(!db.table_exists("public", "t"));
    // A script that fails inside its own BEGIN does not poison the next call.
    let error = db
        .try_batch("BEGIN; SELECT 1/0;")
        .expect_err("division by zero");
    assert_eq!(error.code, "22012");
    db.batch("CREATE TABLE t (a INTEGER)");
    assert!(db.table_exists("public", "t"));
}

#[test]
#[should_panic(expected = r#"ERROR 42703: column "nope" does not exist"#)]
fn batch_panics_with_the_server_error() {
    TestDb::new().batch("SELECT nope FROM pg_class");
}

#[test]
fn count_and_query_json_wrap_any_query() {
    let db = TestDb::new();
    db.batch(
        "CREATE TABLE item (id INTEGER, tags TEXT[]);
         INSERT INTO item VALUES (2, '{b}'), (1, '{a,c}'), (3, NULL);",
    );
    assert_eq!(db.count("SELECT * FROM item WHERE id > 1;"), 2);
    assert_eq!(
        db.query_json("SELECT id, tags FROM item WHERE tags IS NOT NULL ORDER BY id"),
        json!([{"id": 1, "tags": ["a", "c"]}, {"id": 2, "tags": ["b"]}])
    );
}

fn current_database(db: &TestDb) -> String {
    let rows = db.query_json("SELECT current_database() AS name");
    rows[0]["name"]
        .as_str()
        .expect("a database name")
        .to_string()
}
