//! Input modes (issue 13, class 5): a key that a step reads as `$key` and another step
//! takes as a field's input is one input with the field's contract, whatever the order
//! of the steps: the reference is resolved within the tenant, the default applies, and
//! every generated function passes plpgsql_check.

use serde_json::{Value, json};

use crate::strict_input::ok;
use crate::support::TestDb;
use crate::support::db::ActionResult;
use crate::support::specs::{TENANT_A, TENANT_B, USER_1, assert_error, database_from};

const INSERTS: [&str; 2] = ["check_then_insert", "insert_then_check"];
const MOVES: [&str; 2] = ["check_then_move", "move_then_check"];

fn call(db: &TestDb, action: &str, tenant: &str, input: Value) -> ActionResult {
    db.call_action("lib", action, Some(tenant), Some(USER_1), input)
}

fn writer(db: &TestDb, tenant: &str, name: &str) -> String {
    let row = ok(call(db, "create_writer", tenant, json!({"name": name})));
    row["id"].as_str().unwrap().to_string()
}

fn books(db: &TestDb) -> Value {
    db.query_json(
        "SELECT b.title, b.pages, w.name AS author FROM lib.tb_book b \
         LEFT JOIN lib.tb_writer w ON w.pk_writer = b.fk_author ORDER BY b.pk_book",
    )
}

#[test]
fn input_modes_a_key_read_before_or_after_an_insert_resolves_and_defaults_alike() {
    let db = database_from("input_modes.yaml");
    let ursula = writer(&db, TENANT_A, "Ursula");
    for action in INSERTS {
        let row = ok(call(
            &db,
            action,
            TENANT_A,
            json!({"title": action, "author_id": ursula}),
        ));
        assert_eq!(row["author_id"], json!(ursula), "{action}: {row}");
        assert_eq!(row["pages"], json!(100), "{action}: the default applies");
        ok(call(
            &db,
            action,
            TENANT_A,
            json!({"title": format!("{action} 7"), "author_id": ursula, "pages": 7}),
        ));
    }
    assert_eq!(
        books(&db),
        json!([
            {"title": "check_then_insert", "pages": 100, "author": "Ursula"},
            {"title": "check_then_insert 7", "pages": 7, "author": "Ursula"},
            {"title": "insert_then_check", "pages": 100, "author": "Ursula"},
            {"title": "insert_then_check 7", "pages": 7, "author": "Ursula"},
        ])
    );
}

#[test]
fn input_modes_a_key_read_as_plain_value_keeps_the_fields_checks() {
    let db = database_from("input_modes.yaml");
    let ursula = writer(&db, TENANT_A, "Ursula");
    let other_tenants = writer(&db, TENANT_B, "Octavia");
    for action in INSERTS {
        let foreign = call(
            &db,
            action,
            TENANT_A,
            json!({"title": "T", "author_id": other_tenants}),
        );
        assert_error(&foreign, "reference_not_found", "author_id");
        let missing = call(&db, action, TENANT_A, json!({"title": "T"}));
        assert_error(&missing, "no_author", "$author_id");
        let zero = call(
            &db,
            action,
            TENANT_A,
            json!({"title": "T", "author_id": ursula, "pages": 0}),
        );
        assert_error(&zero, "no_pages", "$pages");
        let untitled = call(&db, action, TENANT_A, json!({"author_id": ursula}));
        assert_error(&untitled, "invalid_input", "title");
    }
    assert_eq!(books(&db), json!([]), "nothing stored by a failed call");
}

#[test]
fn input_modes_a_key_read_before_or_after_set_from_input_resolves_alike() {
    let db = database_from("input_modes.yaml");
    let ursula = writer(&db, TENANT_A, "Ursula");
    let octavia = writer(&db, TENANT_A, "Octavia");
    let foreign = writer(&db, TENANT_B, "Other");
    let book = ok(call(
        &db,
        "create_book",
        TENANT_A,
        json!({"title": "Dune", "author_id": ursula}),
    ))["id"]
        .clone();
    for (action, to) in MOVES.iter().zip([&octavia, &ursula]) {
        let row = ok(call(
            &db,
            action,
            TENANT_A,
            json!({"id": book, "author_id": to}),
        ));
        assert_eq!(row["author_id"], json!(to), "{action}: {row}");
        let refused = call(
            &db,
            action,
            TENANT_A,
            json!({"id": book, "author_id": foreign}),
        );
        assert_error(&refused, "reference_not_found", "author_id");
        let missing = call(&db, action, TENANT_A, json!({"id": book}));
        assert_error(&missing, "no_author", "$author_id");
    }
    assert_eq!(
        books(&db),
        json!([{"title": "Dune", "pages": 100, "author": "Ursula"}])
    );
}

#[test]
fn input_modes_every_function_passes_plpgsql_check() {
    let db = database_from("input_modes.yaml");
    assert_eq!(db.plpgsql_check("lib"), Vec::<String>::new());
}
