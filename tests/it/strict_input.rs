//! Strict, typed input (LANGUAGE §4.4) against real rows: every action accepts exactly
//! the keys it reads, null and absent mean what §4.4 says on create and on update, `id`
//! is required and typed, the checks run in the documented order, a NULL tenant raises
//! 22004, a computed value that does not fit its column is `out_of_range` with nothing
//! written, and coordinates travel as `{"latitude", "longitude"}`.

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, TENANT_B, assert_error, database_from};

fn db() -> TestDb {
    database_from("strict_input.yaml")
}

fn rows(db: &TestDb) -> Value {
    db.query_json("SELECT * FROM crm.tb_contact ORDER BY pk_contact")
}

#[test]
fn an_unknown_key_is_refused_by_name_and_changes_nothing() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let typo = crm.call("create_contact", json!({"name": "A", "nmae": "B"}));
    assert_error(&typo, "invalid_input", "\"nmae\"");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_contact"), 0);

    let id = crm.id("create_contact", json!({"name": "Alice", "score": 3}));
    let before = rows(&db);
    let cases = [
        ("update_contact", json!({"id": id, "scroe": 4})),
        ("qualify", json!({"id": id, "status": "qualified"})),
        ("delete_contact", json!({"id": id, "force": true})),
        ("boost", json!({"id": id, "factor": 2, "factr": 2})),
    ];
    for (action, input) in cases {
        let result = crm.call(action, input);
        assert_error(&result, "invalid_input", "unknown input key");
    }
    assert_eq!(rows(&db), before, "no refused call changed the row");
    let not_object = crm.call("update_contact", json!([1, 2]));
    assert_error(&not_object, "invalid_input", "JSON object");
}

#[test]
fn tenant_and_audit_columns_cannot_be_smuggled_in_as_input() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    for key in [
        "tenant_id",
        "id",
        "pk_contact",
        "created_by",
        "deleted_at",
        "fk_company",
    ] {
        let result = crm.call("create_contact", json!({"name": "Mallory", key: TENANT_B}));
        assert_error(&result, "invalid_input", &format!("\"{key}\""));
    }
    let id = crm.id("create_contact", json!({"name": "Alice"}));
    let result = crm.call("update_contact", json!({"id": id, "tenant_id": TENANT_B}));
    assert_error(&result, "invalid_input", "\"tenant_id\"");
    assert_eq!(
        db.count(&format!(
            "SELECT 1 FROM crm.tb_contact WHERE tenant_id = '{TENANT_A}' AND name = 'Alice'"
        )),
        1
    );
    assert_eq!(db.count("SELECT 1 FROM crm.tb_contact"), 1);
}

#[test]
fn on_create_null_is_absent_and_the_default_applies() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let absent = crm.ok("create_contact", json!({"name": "A"}));
    let null = crm.ok(
        "create_contact",
        json!({"name": "B", "status": null, "rank": null, "score": null}),
    );
    for row in [&absent, &null] {
        assert_eq!(row["status"], "lead", "{row}");
        assert_eq!(row["rank"], 1, "{row}");
        assert_eq!(row["score"], Value::Null, "{row}");
    }
    let required = crm.call("create_contact", json!({"name": null}));
    assert_error(&required, "invalid_input", "\"name\"");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_contact"), 2);
}

#[test]
fn on_update_absent_keeps_null_clears_and_a_required_null_is_refused() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id(
        "create_contact",
        json!({"name": "Alice", "nickname": "Al", "score": 7, "tags": ["a", "b"]}),
    );
    let kept = crm.ok("update_contact", json!({"id": id, "score": 8}));
    assert_eq!(kept["nickname"], "Al");
    assert_eq!(kept["tags"], json!(["a", "b"]));
    assert_eq!(kept["score"], 8);
    let cleared = crm.ok(
        "update_contact",
        json!({"id": id, "nickname": null, "tags": null}),
    );
    assert_eq!(cleared["nickname"], Value::Null);
    assert_eq!(cleared["tags"], Value::Null);
    assert_eq!(cleared["score"], 8);
    let stored = db.query_json("SELECT nickname, tags, score FROM crm.tb_contact");
    assert_eq!(
        stored,
        json!([{"nickname": null, "tags": null, "score": 8}])
    );

    let before = rows(&db);
    let required = crm.call(
        "update_contact",
        json!({"id": id, "name": null, "score": 9}),
    );
    assert_error(&required, "invalid_input", "\"name\"");
    assert_eq!(rows(&db), before);
}

#[test]
fn a_required_field_set_null_by_a_step_is_invalid_input() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id("create_contact", json!({"name": "Alice"}));
    let before = rows(&db);
    let result = crm.call("rename", json!({"id": id}));
    assert_error(&result, "invalid_input", "name");
    assert_eq!(rows(&db), before);
    let renamed = crm.ok("rename", json!({"id": id, "new_name": "Alicia"}));
    assert_eq!(renamed["name"], "Alicia");
}

#[test]
fn a_missing_or_malformed_id_is_invalid_input_and_a_foreign_one_not_found() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let crm_b = db.caller("crm", TENANT_B);
    let id = crm.id("create_contact", json!({"name": "Alice"}));
    let cases = [
        json!({}),
        json!({"id": null}),
        json!({"id": 42}),
        json!({"id": "not-a-uuid"}),
        json!({"id": ["00000000-0000-4000-8000-000000000001"]}),
    ];
    for input in cases {
        for action in ["update_contact", "delete_contact", "qualify"] {
            let result = crm.call(action, input.clone());
            assert_error(&result, "invalid_input", "\"id\"");
        }
    }
    let unknown = crm.call(
        "qualify",
        json!({"id": "00000000-0000-4000-8000-0000000000ff"}),
    );
    assert_error(
        &unknown,
        "not_found",
        "00000000-0000-4000-8000-0000000000ff",
    );
    let foreign = crm_b.call("qualify", json!({"id": id}));
    assert_error(&foreign, "not_found", &id);
    assert_eq!(
        db.query_json("SELECT status FROM crm.tb_contact"),
        json!([{"status": "lead"}])
    );
}

#[test]
fn checks_run_in_the_documented_order() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id("create_contact", json!({"name": "Alice"}));
    let nowhere = "00000000-0000-4000-8000-0000000000ff";
    // Unknown keys before values.
    let r = crm.call(
        "update_contact",
        json!({"id": "bad", "score": "x", "zzz": 1}),
    );
    assert_error(&r, "invalid_input", "\"zzz\"");
    // Values in field order: score (3rd field) before born_on (5th).
    let r = crm.call(
        "update_contact",
        json!({"id": id, "born_on": "2024-13-45", "score": "x"}),
    );
    assert_error(&r, "invalid_input", "\"score\"");
    // Values before references.
    let r = crm.call(
        "update_contact",
        json!({"id": id, "company_id": nowhere, "born_on": "nope"}),
    );
    assert_error(&r, "invalid_input", "born_on");
    // References before the target row.
    let r = crm.call(
        "update_contact",
        json!({"id": nowhere, "company_id": nowhere}),
    );
    assert_error(&r, "reference_not_found", "company_id");
    // The target row before the steps.
    let r = crm.call("boost", json!({"id": nowhere, "factor": 2}));
    assert_error(&r, "not_found", nowhere);
    // Bad JSON types name the key.
    for (input, key) in [
        (json!({"id": id, "tags": "a,b"}), "tags"),
        (json!({"id": id, "tags": [1]}), "tags"),
        (json!({"id": id, "score": "12"}), "score"),
        (json!({"id": id, "score": 1.5}), "score"),
        (json!({"id": id, "score": 1e12}), "score"),
        (json!({"id": id, "name": 5}), "name"),
        (json!({"id": id, "status": "bogus"}), "status"),
    ] {
        let r = crm.call("update_contact", input);
        assert_error(&r, "invalid_input", key);
    }
}

#[test]
fn a_null_tenant_raises_22004_in_every_action() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let crm_b = db.caller("crm", TENANT_B);
    let id = crm.id("create_contact", json!({"name": "Alice"}));
    let actions = [
        ("create_contact", json!({"name": "x"})),
        ("update_contact", json!({"id": id})),
        ("delete_contact", json!({"id": id})),
        ("boost", json!({"id": id, "factor": 1})),
        ("promote", json!({"id": id, "by": 1})),
        ("rename", json!({"id": id, "new_name": "x"})),
        ("qualify", json!({"id": id})),
        ("move_leads", json!({})),
        ("create_company", json!({"name": "x"})),
        ("import_companies", json!({"rows": []})),
        // A shared table's actions too: callers always say who they act for.
        ("create_currency", json!({"code": "EUR"})),
        // Before anything else is looked at.
        ("update_contact", json!({"bogus": true})),
    ];
    for (action, input) in actions {
        let error = crm.tenant(None).try_call(action, input).expect_err(action);
        assert_eq!(error.code, "22004", "{action}: {error}");
    }
    let before = rows(&db);
    assert_eq!(before[0]["name"], "Alice");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_company"), 0);
    assert_eq!(db.count("SELECT 1 FROM crm.tb_currency"), 0);
    // With a tenant, the shared table works for everyone alike.
    crm_b.ok("create_currency", json!({"code": "EUR"}));
}

#[test]
fn an_overflowing_computed_value_is_out_of_range_and_nothing_is_written() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id(
        "create_contact",
        json!({"name": "Alice", "score": 2_000_000_000, "rank": 32000}),
    );
    let before = rows(&db);
    // `boost` writes `nickname` first, then overflows `score` (integer).
    let r = crm.call("boost", json!({"id": id, "factor": 2}));
    assert_error(&r, "out_of_range", "out of range");
    assert_eq!(rows(&db), before, "the first update was rolled back");
    // smallint column, computed from an integer input.
    let r = crm.call("promote", json!({"id": id, "by": 1000}));
    assert_error(&r, "out_of_range", "out of range");
    assert_eq!(rows(&db), before);
    // An input value that does not fit is the caller's bad value, naming the key.
    let r = crm.call("update_contact", json!({"id": id, "rank": 40000}));
    assert_error(&r, "invalid_input", "rank");
    assert_eq!(rows(&db), before);
    let fine = crm.ok("promote", json!({"id": id, "by": 767}));
    assert_eq!(fine["rank"], 32767);
}

#[test]
fn coordinates_are_latitude_longitude_objects_in_and_out() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let created = crm.ok(
        "create_contact",
        json!({"name": "Paris", "location": {"latitude": 48.85, "longitude": 2.35}}),
    );
    assert_eq!(
        created["location"],
        json!({"latitude": 48.85, "longitude": 2.35})
    );
    assert_eq!(
        db.query_json("SELECT location[0] AS lat, location[1] AS lon FROM crm.tb_contact"),
        json!([{"lat": 48.85, "lon": 2.35}])
    );
    let id = created["id"].as_str().unwrap().to_string();
    for bad in [
        json!([48.85, 2.35]),
        json!({"latitude": 48.85}),
        json!({"latitude": "48.85", "longitude": 2.35}),
        json!({"latitude": 1, "longitude": 2, "altitude": 3}),
        json!("48.85,2.35"),
    ] {
        let r = crm.call("update_contact", json!({"id": id, "location": bad}));
        assert_error(&r, "invalid_input", "location");
    }
    for (lat, lon) in [(90.5, 0.0), (-91.0, 0.0), (0.0, 180.5), (0.0, -181.0)] {
        let r = crm.call(
            "update_contact",
            json!({"id": id, "location": {"latitude": lat, "longitude": lon}}),
        );
        // LANGUAGE §4.4 v1.2: an input value outside its type's bounds is invalid_input.
        assert_error(&r, "invalid_input", "key \"location\"");
    }
    let edge = crm.ok(
        "update_contact",
        json!({"id": id, "location": {"latitude": -90, "longitude": 180}}),
    );
    assert_eq!(edge["location"], json!({"latitude": -90, "longitude": 180}));
    let cleared = crm.ok("update_contact", json!({"id": id, "location": null}));
    assert_eq!(cleared["location"], Value::Null);
}

#[test]
fn foreach_items_are_typed_and_a_bad_item_undoes_the_whole_loop() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let good = crm.call(
        "import_companies",
        json!({"rows": [{"name": "Acme", "headcount": 10}, {"name": "Initech"}]}),
    );
    assert!(good.success, "{good:?}");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_company"), 2);
    for bad in [
        json!({"rows": [{"name": "Ok", "headcount": 1}, {"name": "Bad", "headcount": "ten"}]}),
        json!({"rows": [{"name": "Ok", "headcount": 1}, {"name": "Bad", "headcount": 2.5}]}),
        json!({"rows": [{"name": "Ok", "headcount": 1}, {"name": 7}]}),
        json!({"rows": [{"name": "Ok", "headcount": 1}, "Bad"]}),
        json!({"rows": {"name": "Bad"}}),
    ] {
        let r = crm.call("import_companies", bad.clone());
        assert_error(&r, "invalid_input", "rows");
        assert_eq!(
            db.count("SELECT 1 FROM crm.tb_company"),
            2,
            "nothing of {bad} remains"
        );
    }
    let missing = crm.call("import_companies", json!({"rows": [{"headcount": 1}]}));
    assert_error(&missing, "invalid_input", "name");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_company"), 2);
}

#[test]
fn a_filtered_update_refuses_a_reference_that_does_not_resolve() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let crm_b = db.caller("crm", TENANT_B);
    crm.id("create_contact", json!({"name": "A"}));
    crm.id("create_contact", json!({"name": "B"}));
    let before = rows(&db);
    let nowhere = "00000000-0000-4000-8000-0000000000ff";
    let r = crm.call("move_leads", json!({"target": nowhere}));
    assert_error(&r, "reference_not_found", nowhere);
    assert_eq!(rows(&db), before, "no company was set to NULL");
    let foreign = crm_b.ok("create_company", json!({"name": "B Corp"}));
    let r = crm.call("move_leads", json!({"target": foreign["id"]}));
    assert_error(&r, "reference_not_found", "");
    let acme = crm.ok("create_company", json!({"name": "Acme"}));
    let moved = crm.call("move_leads", json!({"target": acme["id"]}));
    assert!(moved.success, "{moved:?}");
    assert_eq!(
        db.count("SELECT 1 FROM crm.tb_contact c JOIN crm.tb_company k ON k.pk_company = c.fk_company WHERE k.name = 'Acme'"),
        2
    );
}

#[test]
fn every_generated_function_passes_plpgsql_check_with_all_warnings() {
    let db = db();
    db.assert_plpgsql_clean("crm");
    let pragmas = db.count(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = 'crm' AND p.prosrc LIKE '%plpgsql_check_options%'",
    );
    assert_eq!(pragmas, 0, "no function switches a warning class off");
}
