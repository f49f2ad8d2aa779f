//! Action semantics beyond the seed: tenant isolation, atomicity, NULL in validations,
//! typed input errors, references and uniqueness, all against real rows.

use serde_json::json;

use crate::support::TestDb;
use crate::support::db::next_notification;
use crate::support::specs::{
    TENANT_A, TENANT_B, USER_2, assert_error, database_from, database_with,
};

fn db() -> TestDb {
    database_from("semantics.yaml")
}

fn snapshot(db: &TestDb) -> serde_json::Value {
    db.query_json("SELECT * FROM crm.tb_contact ORDER BY pk_contact")
}

#[test]
fn another_tenant_cannot_see_change_delete_or_reference_rows() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let crm_b = db.caller("crm", TENANT_B);
    let id = crm.id(
        "create_contact",
        json!({"name": "Alice", "email": "a@example.com"}),
    );
    let company_id = crm.id("create_company", json!({"name": "Acme"}));
    let before = snapshot(&db);
    for action in [
        "update_contact",
        "delete_contact",
        "qualify_lead",
        "promote",
        "bump_then_fail",
    ] {
        let result = crm_b.call(
            action,
            json!({"id": id, "name": "Mallory"})
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    if action != "update_contact" {
                        o.remove("name");
                    }
                    serde_json::Value::Object(o)
                })
                .unwrap(),
        );
        assert_error(&result, "not_found", "");
    }
    let stolen = crm_b.call(
        "create_contact",
        json!({"name": "Mallory", "company_id": company_id}),
    );
    assert_error(&stolen, "reference_not_found", "company_id");
    assert_eq!(snapshot(&db), before, "tenant A's rows are untouched");
    assert_eq!(
        db.count(&format!(
            "SELECT 1 FROM crm.tb_contact WHERE tenant_id = '{TENANT_B}'"
        )),
        0
    );
}

#[test]
fn a_failed_action_leaves_nothing_behind() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id("create_contact", json!({"name": "Alice", "score": 5}));
    let before = snapshot(&db);
    let result = crm.call("bump_then_fail", json!({"id": id}));
    assert_error(&result, "still_too_low", "score > 1000");
    assert_eq!(
        snapshot(&db),
        before,
        "the update before the failing validation was undone"
    );
}

#[test]
fn validate_on_null_fails() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id("create_contact", json!({"name": "No score"}));
    let result = crm.call("promote", json!({"id": id}));
    assert_error(&result, "score_too_low", "score > 10");
    assert_eq!(
        db.query_json("SELECT status FROM crm.tb_contact")[0]["status"],
        "lead"
    );
}

#[test]
fn malformed_values_are_invalid_input_naming_the_key() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let cases = [
        (
            json!({"name": "x", "company_id": "not-a-uuid"}),
            "company_id",
        ),
        (json!({"name": "x", "score": "many"}), "score"),
        (json!({"name": "x", "born_on": "2024-13-45"}), "born_on"),
        (json!({"name": "x", "status": "bogus"}), "status"),
        (json!({"score": 1}), "name"),
    ];
    for (input, key) in cases {
        let result = crm.call("create_contact", input.clone());
        assert_error(&result, "invalid_input", key);
    }
    let bad_id = crm.call("update_contact", json!({"id": "nope"}));
    assert_error(&bad_id, "invalid_input", "id");
    let missing_id = crm.call("qualify_lead", json!({}));
    assert_error(&missing_id, "invalid_input", "id");
    assert_eq!(db.count("SELECT 1 FROM crm.tb_contact"), 0);
}

#[test]
fn unknown_reference_is_reference_not_found() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let result = crm.call(
        "create_contact",
        json!({"name": "x", "company_id": "00000000-0000-4000-8000-0000000000ff"}),
    );
    assert_error(&result, "reference_not_found", "company_id");
}

#[test]
fn duplicate_unique_value_is_unique_violation() {
    let db = db();
    let crm_b = db.caller("crm", TENANT_B);
    let crm = db.caller("crm", TENANT_A);
    crm.id(
        "create_contact",
        json!({"name": "A", "email": "same@example.com"}),
    );
    let result = crm.call(
        "create_contact",
        json!({"name": "B", "email": "same@example.com"}),
    );
    assert_error(&result, "unique_violation", "");
    crm_b.id(
        "create_contact",
        json!({"name": "B", "email": "same@example.com"}),
    );
    assert_eq!(
        db.count("SELECT 1 FROM crm.tb_contact"),
        2,
        "uniqueness is per tenant"
    );
}

#[test]
fn a_soft_deleted_row_frees_its_unique_value() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let id = crm.id(
        "create_contact",
        json!({"name": "A", "email": "same@example.com"}),
    );
    assert!(
        crm.user(Some(USER_2))
            .call("delete_contact", json!({"id": id}))
            .success
    );
    crm.id(
        "create_contact",
        json!({"name": "B", "email": "same@example.com"}),
    );
}

#[test]
fn a_check_constraint_failure_is_check_violation() {
    let db = db();
    let crm = db.caller("crm", TENANT_A);
    let result = crm.call(
        "create_contact",
        json!({"name": "x", "email": "not an email"}),
    );
    assert!(!result.success);
    assert!(
        matches!(
            result.error_code.as_deref(),
            Some("check_violation" | "invalid_input")
        ),
        "{result:?}"
    );
}

/// Issue 13, class 4: atomicity includes notifications. A `notify` step followed by a
/// failing `validate` (directly, or inside an `if`) delivers nothing; the listener's
/// first notification is the one of the next call that succeeds (notifications arrive in
/// commit order, so a leaked one would come first).
#[test]
fn a_notification_before_a_failing_validate_is_not_delivered() {
    let db = database_with(
        r#"
entity: Ticket
schema: alerts
fields:
  level: integer
actions:
  - name: create_ticket
  - name: announce
    steps:
      - notify: ticket_event
        data:
          level: level
      - validate: level > 5
        error: too_low
  - name: announce_if_set
    steps:
      - if: level IS NOT NULL
        then:
          - notify: ticket_event
            data:
              level: level
      - validate: level > 5
        error: too_low
"#,
    );
    let mut listener = db.client();
    listener.batch_execute("LISTEN ticket_event").unwrap();
    let alerts = db.caller("alerts", TENANT_A);
    let ticket = |level: i64| alerts.id("create_ticket", json!({"level": level}));
    let (low, high) = (ticket(1), ticket(10));
    for action in ["announce", "announce_if_set"] {
        let failed = alerts.call(action, json!({"id": low}));
        assert_error(&failed, "too_low", "level > 5");
        let ok = alerts.call(action, json!({"id": high}));
        assert!(ok.success, "{action}: {ok:?}");
        let first = next_notification(&mut listener);
        assert_eq!(first, r#"{"level": 10}"#, "{action}");
    }
}
