//! Input modes (issue 13, class 5): a key that a step reads as `$key` and another step
//! takes as a field's input is one input with the field's contract, whatever the order
//! of the steps: the reference is resolved within the tenant, the default applies, and
//! every generated function passes plpgsql_check.

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, TENANT_B, assert_error, database_from};

const INSERTS: [&str; 2] = ["check_then_insert", "insert_then_check"];
const MOVES: [&str; 2] = ["check_then_move", "move_then_check"];

fn books(db: &TestDb) -> Value {
    db.query_json(
        "SELECT b.title, b.pages, w.name AS author FROM lib.tb_book b \
         LEFT JOIN lib.tb_writer w ON w.pk_writer = b.fk_author ORDER BY b.pk_book",
    )
}

#[test]
fn input_modes_a_key_read_before_or_after_an_insert_resolves_and_defaults_alike() {
    let db = database_from("input_modes.yaml");
    let lib = db.caller("lib", TENANT_A);
    let ursula = lib.id("create_writer", json!({"name": "Ursula"}));
    for action in INSERTS {
        let row = lib.ok(action, json!({"title": action, "author_id": ursula}));
        assert_eq!(row["author_id"], json!(ursula), "{action}: {row}");
        assert_eq!(row["pages"], json!(100), "{action}: the default applies");
        lib.ok(
            action,
            json!({"title": format!("{action} 7"), "author_id": ursula, "pages": 7}),
        );
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

/// A fresh database with two writers: Ursula of tenant A and another of tenant B; their
/// ids.
fn with_writers() -> (TestDb, String, String) {
    let db = database_from("input_modes.yaml");
    let ursula = db
        .caller("lib", TENANT_A)
        .id("create_writer", json!({"name": "Ursula"}));
    let foreign = db
        .caller("lib", TENANT_B)
        .id("create_writer", json!({"name": "Other"}));
    (db, ursula, foreign)
}

#[test]
fn input_modes_a_key_read_as_plain_value_keeps_the_fields_checks() {
    let (db, ursula, foreign) = with_writers();
    let lib = db.caller("lib", TENANT_A);
    for action in INSERTS {
        let refused = lib.call(action, json!({"title": "T", "author_id": foreign}));
        assert_error(&refused, "reference_not_found", "author_id");
        let missing = lib.call(action, json!({"title": "T"}));
        assert_error(&missing, "no_author", "$author_id");
        let zero = lib.call(
            action,
            json!({"title": "T", "author_id": ursula, "pages": 0}),
        );
        assert_error(&zero, "no_pages", "$pages");
        let untitled = lib.call(action, json!({"author_id": ursula}));
        assert_error(&untitled, "invalid_input", "title");
    }
    assert_eq!(books(&db), json!([]), "nothing stored by a failed call");
}

#[test]
fn input_modes_a_key_read_before_or_after_set_from_input_resolves_alike() {
    let (db, ursula, foreign) = with_writers();
    let lib = db.caller("lib", TENANT_A);
    let octavia = lib.id("create_writer", json!({"name": "Octavia"}));
    let book = lib.ok("create_book", json!({"title": "Dune", "author_id": ursula}))["id"].clone();
    for (action, to) in MOVES.iter().zip([&octavia, &ursula]) {
        let row = lib.ok(action, json!({"id": book, "author_id": to}));
        assert_eq!(row["author_id"], json!(to), "{action}: {row}");
        let refused = lib.call(action, json!({"id": book, "author_id": foreign}));
        assert_error(&refused, "reference_not_found", "author_id");
        let missing = lib.call(action, json!({"id": book}));
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
    db.assert_plpgsql_clean("lib");
}
