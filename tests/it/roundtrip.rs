//! The seed's six database round trips: generated DDL and actions applied to a real
//! PostgreSQL, called, and checked against the rows they leave.

use serde_json::json;

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, USER_1, USER_2, database_from};

fn contact_db() -> TestDb {
    database_from("roundtrip.yaml")
}

fn create_contact(db: &TestDb, input: serde_json::Value) -> crate::support::db::ActionResult {
    db.caller("crm", TENANT_A).call("create_contact", input)
}

/// Creates Jane (as USER_1 of tenant A); her id.
fn create_jane(db: &TestDb) -> String {
    db.caller("crm", TENANT_A).id("create_contact", jane())
}

fn jane() -> serde_json::Value {
    json!({"email": "jane@example.com", "first_name": "Jane", "last_name": "Doe"})
}

#[test]
fn test_create_contact_action_database_execution() {
    let db = contact_db();
    assert!(db.table_exists("crm", "tb_contact"));
    assert!(db.function_exists("crm", "create_contact"));
    let result = create_contact(&db, jane());
    assert!(result.success, "{result:?}");
    let data = result.object_data.expect("object_data");
    assert_eq!(data["email"], "jane@example.com");
    assert_eq!(data["status"], "lead", "the enum default applies");
    assert_eq!(data["identifier"], "jane-doe");
    assert!(
        data.get("pk_contact").is_none(),
        "no internal keys in object_data"
    );
    let rows = db.query_json(
        "SELECT id::text, identifier, tenant_id::text, email, status, created_by::text, \
         updated_by::text, deleted_at, pk_contact FROM crm.tb_contact",
    );
    let row = &rows[0];
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(
        row["id"], data["id"],
        "object_data.id is the row's public UUID"
    );
    assert_eq!(row["tenant_id"], TENANT_A);
    assert_eq!(row["created_by"], USER_1);
    assert_eq!(row["updated_by"], USER_1);
    assert_eq!(row["deleted_at"], serde_json::Value::Null);
    assert!(row["pk_contact"].as_i64().unwrap() >= 1);
}

#[test]
fn test_validation_error_database_execution() {
    let db = contact_db();
    let result = create_contact(&db, json!({"first_name": "No", "last_name": "Email"}));
    assert!(!result.success);
    assert_eq!(result.error_code.as_deref(), Some("missing_email"));
    assert!(result.error_message.unwrap().contains("email IS NOT NULL"));
    assert_eq!(
        db.count("SELECT 1 FROM crm.tb_contact"),
        0,
        "nothing was inserted"
    );
}

#[test]
fn test_trinity_resolution_database_execution() {
    let db = contact_db();
    let crm = db.caller("crm", TENANT_A);
    let company = crm.call("create_company", json!({"name": "Acme"}));
    assert!(company.success, "{company:?}");
    let company_id = company.object_data.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut input = jane();
    input["company_id"] = json!(company_id);
    let contact = create_contact(&db, input);
    assert!(contact.success, "{contact:?}");
    assert_eq!(
        contact.object_data.unwrap()["company_id"],
        json!(company_id)
    );
    let rows = db.query_json(&format!(
        "SELECT c.fk_company = k.pk_company AS linked, crm.company_pk('{company_id}') = k.pk_company AS helper_pk, \
         crm.company_id(k.pk_company)::text AS helper_id, crm.company_identifier('{company_id}') AS helper_identifier \
         FROM crm.tb_contact c, crm.tb_company k"
    ));
    assert_eq!(
        rows[0]["linked"], true,
        "fk_company holds the company's integer key"
    );
    assert_eq!(rows[0]["helper_pk"], true);
    assert_eq!(rows[0]["helper_id"], json!(company_id));
    assert_eq!(rows[0]["helper_identifier"], "acme");
}

#[test]
fn test_update_action_database_execution() {
    let db = contact_db();
    let crm_2 = db.caller("crm", TENANT_A).user(Some(USER_2));
    let id = create_jane(&db);
    db.batch("UPDATE crm.tb_contact SET updated_at = updated_at - interval '1 hour'");
    let result = crm_2.call("update_contact", json!({"id": id, "last_name": "Smith"}));
    assert!(result.success, "{result:?}");
    let data = result.object_data.unwrap();
    assert_eq!(data["last_name"], "Smith");
    assert_eq!(
        data["first_name"], "Jane",
        "keys absent from input are left alone"
    );
    assert_eq!(
        data["identifier"], "jane-smith",
        "the identifier follows its source fields"
    );
    let row = &db.query_json(
        "SELECT last_name, email, updated_by::text, created_by::text, updated_at > created_at AS touched FROM crm.tb_contact",
    )[0];
    assert_eq!(row["last_name"], "Smith");
    assert_eq!(row["email"], "jane@example.com");
    assert_eq!(row["updated_by"], USER_2);
    assert_eq!(row["created_by"], USER_1);
    assert_eq!(row["touched"], true, "updated_at moved forward");
}

#[test]
fn test_soft_delete_database_execution() {
    let db = contact_db();
    let crm = db.caller("crm", TENANT_A);
    let crm_2 = crm.user(Some(USER_2));
    let id = create_jane(&db);
    let result = crm_2.call("delete_contact", json!({"id": id}));
    assert!(result.success, "{result:?}");
    let row = &db.query_json("SELECT deleted_at IS NOT NULL AS deleted, deleted_by::text, updated_by::text FROM crm.tb_contact")[0];
    assert_eq!(row["deleted"], true, "the row stays, marked deleted");
    assert_eq!(row["deleted_by"], USER_2);
    assert_eq!(row["updated_by"], USER_2);
    let again = crm.call("update_contact", json!({"id": id, "last_name": "X"}));
    assert_eq!(
        again.error_code.as_deref(),
        Some("not_found"),
        "soft-deleted rows are invisible"
    );
    let twice = crm.call("delete_contact", json!({"id": id}));
    assert_eq!(twice.error_code.as_deref(), Some("not_found"));
    assert_eq!(
        db.count(&format!("SELECT 1 WHERE crm.contact_pk('{id}') IS NULL")),
        1,
        "helpers ignore deleted rows"
    );
}

#[test]
fn test_custom_action_database_execution() {
    let db = contact_db();
    let crm_2 = db.caller("crm", TENANT_A).user(Some(USER_2));
    let id = create_jane(&db);
    let result = crm_2.call("qualify_lead", json!({"id": id}));
    assert!(result.success, "{result:?}");
    assert_eq!(result.object_data.unwrap()["status"], "qualified");
    assert_eq!(
        db.query_json("SELECT status FROM crm.tb_contact")[0]["status"],
        "qualified"
    );
    let again = crm_2.call("qualify_lead", json!({"id": id}));
    assert!(!again.success);
    assert_eq!(again.error_code.as_deref(), Some("not_a_lead"));
}
