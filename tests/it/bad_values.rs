//! Every bad value a user error (issue 13, class 6; LANGUAGE §4.4 v1.2): a value that
//! its field's own rule refuses (rich formats, `text(N)`, `integer(min, max)`,
//! coordinates, any element of a list), an interval or time zone out of range, a value
//! too long for a unique index, and the lenient casts PostgreSQL would take (`now` as a
//! date, a decimal past the column's scale) are `invalid_input` naming the key, with
//! nothing written; never `check_violation` naming a constraint, never an exception.

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, USER_1, assert_error, database_from};

fn with_name(extra: Value) -> Value {
    let mut input = json!({"name": "Ada"});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// Creates with `{key: value}` (beside a name) and updates an existing row with it:
/// both are `invalid_input` naming the key, never a constraint, and change nothing.
fn assert_refused(db: &TestDb, id: &str, key: &str, value: Value) {
    let before = db.query_json("SELECT * FROM crm.tb_contact ORDER BY pk_contact");
    let crm = db.caller("crm", TENANT_A);
    let created = crm.call("create_contact", with_name(json!({key: value})));
    let updated = crm.call("update_contact", json!({"id": id, key: value}));
    for result in [created, updated] {
        assert_error(&result, "invalid_input", &format!("key \"{key}\""));
        let message = result.error_message.unwrap();
        assert!(
            !message.contains("constraint") && !message.contains("chk_"),
            "{key} = {value}: {message}"
        );
    }
    let after = db.query_json("SELECT * FROM crm.tb_contact ORDER BY pk_contact");
    assert_eq!(before, after, "{key} = {value} wrote something");
}

fn seeded() -> (TestDb, String) {
    let db = database_from("bad_values.yaml");
    let id = db
        .caller("crm", TENANT_A)
        .id("create_contact", json!({"name": "Seed"}));
    (db, id)
}

#[test]
fn bad_values_field_rules_are_invalid_input_naming_the_key() {
    let (db, id) = seeded();
    let crm = db.caller("crm", TENANT_A);
    let cases = [
        ("email", json!("not an email")),
        ("phone", json!("0612345678")),
        ("country", json!("fr")),
        ("homepage", json!("example.com")),
        ("colour", json!("#12345")),
        ("nick", json!("sixsix")),
        ("age", json!(151)),
        ("age", json!(-1)),
        ("share", json!(100.5)),
        ("lat", json!(-90.01)),
        ("location", json!({"latitude": 91, "longitude": 0})),
        ("location", json!({"latitude": 0, "longitude": -180.5})),
        ("emails", json!(["a@b.co", "nope"])),
        ("nicks", json!(["abc", "abcd"])),
        ("levels", json!([1, 4])),
    ];
    for (key, value) in cases {
        assert_refused(&db, &id, key, value);
    }
    // The boundaries themselves are values.
    let row = crm.ok(
        "create_contact",
        with_name(json!({
            "email": "a@b.co", "phone": "+14155550123", "country": "FR",
            "homepage": "https://example.com", "colour": "#a0B1c2", "nick": "fivec",
            "age": 150, "share": 100, "lat": -90,
            "location": {"latitude": 90, "longitude": -180},
            "emails": [], "nicks": ["abc"], "levels": [1, 3],
        })),
    );
    assert_eq!(row["nick"], json!("fivec"));
    assert_eq!(row["location"], json!({"latitude": 90, "longitude": -180}));
}

#[test]
fn bad_values_interval_and_time_zone_overflow_are_invalid_input() {
    let (db, id) = seeded();
    let crm = db.caller("crm", TENANT_A);
    assert_refused(&db, &id, "waits", json!("100000000000 years"));
    assert_refused(&db, &id, "seen_at", json!("2024-01-01 00:00+25:00"));
    let row = crm.ok(
        "create_contact",
        with_name(json!({"waits": "2 days", "seen_at": "2024-01-01T00:00:00+14:00"})),
    );
    assert_eq!(row["waits"], json!("2 days"));
}

/// Text that no compression shrinks below a btree entry's limit (~2.7 kB).
fn incompressible(len: usize) -> String {
    incompressible_from(0x9e37_79b9_7f4a_7c15, len)
}

fn incompressible_from(seed: u64, len: usize) -> String {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[(state % 36) as usize])
        })
        .collect()
}

#[test]
fn bad_values_too_long_for_a_unique_index_are_invalid_input() {
    let (db, id) = seeded();
    let crm = db.caller("crm", TENANT_A);
    let long = incompressible(9000);
    assert_refused(&db, &id, "code", json!(long));
    // The derived identifier's index refuses it: its source key is named.
    let created = crm.call("create_contact", json!({"name": long}));
    assert_error(&created, "invalid_input", "key \"name\"");
    let renamed = crm.call("update_contact", json!({"id": id, "name": long}));
    assert_error(&renamed, "invalid_input", "key \"name\"");
    // An identifier taken from input.
    let tag = crm.call("create_tag", json!({"label": "x", "identifier": long}));
    assert_error(&tag, "invalid_input", "key \"identifier\"");
    assert_eq!(db.count("SELECT FROM crm.tb_tag"), 0);
    assert_eq!(db.count("SELECT FROM crm.tb_contact"), 1);
    // The limit is a plain byte count (whether a longer value would fit the index
    // depends on how it compresses), and values up to it are stored.
    assert_refused(&db, &id, "code", json!(incompressible(2601)));
    let row = crm.ok(
        "create_contact",
        json!({"name": incompressible(2600), "code": incompressible(2600)}),
    );
    assert_eq!(row["code"].as_str().unwrap().len(), 2600);
    // A computed value that the index refuses names the field's key too.
    let joined = crm.call(
        "join_code",
        json!({"id": id, "head": incompressible(2000), "tail": incompressible_from(7, 2000)}),
    );
    assert_error(&joined, "invalid_input", "key \"code\"");
    assert_eq!(
        db.count("SELECT FROM crm.tb_contact WHERE code IS NOT NULL"),
        1
    );
}

#[test]
fn bad_values_lenient_casts_are_refused() {
    let (db, id) = seeded();
    let crm = db.caller("crm", TENANT_A);
    for (key, value) in [
        ("born_on", json!("now")),
        ("born_on", json!("today")),
        ("born_on", json!(" Tomorrow ")),
        ("born_on", json!("infinity")),
        ("seen_at", json!("now")),
        ("seen_at", json!("-infinity")),
        ("seen_at", json!("epoch")),
        ("opens_at", json!("allballs")),
        ("opens_at", json!("now")),
        ("days", json!(["2024-01-01", "yesterday"])),
        ("count", json!(2.5)),
        ("count", json!(2.0)),
        ("price", json!(1.005)),
        ("amount", json!(0.00001)),
        ("prices", json!([1.5, 2.25])),
    ] {
        assert_refused(&db, &id, key, value);
    }
    let row = crm.ok(
        "create_contact",
        with_name(json!({
            "born_on": "2024-02-29", "seen_at": "2024-01-31T09:30:00Z",
            "opens_at": "09:30", "days": ["2024-01-01"],
            "price": 1.50, "amount": 0.0001, "prices": [1.5, 2.0],
        })),
    );
    assert_eq!(row["born_on"], json!("2024-02-29"));
    // `1e2` is the JSON number 100 (jsonb keeps the number, not its spelling).
    let sql = format!(
        "SELECT (r).success, (r).object_data -> 'count' AS count FROM \
         (SELECT crm.create_contact('{TENANT_A}', '{USER_1}', '{{\"name\": \"E\", \"count\": 1e2}}') AS r) AS q"
    );
    assert_eq!(
        db.query_json(&sql),
        json!([{"success": true, "count": 100}])
    );
    assert_eq!(row["price"], json!(1.50));
}

#[test]
fn bad_values_every_function_passes_plpgsql_check() {
    let db = database_from("bad_values.yaml");
    db.assert_plpgsql_clean("crm");
}

#[test]
fn bad_values_items_of_a_foreach_array_follow_their_fields_rules() {
    let db = database_from("bad_values.yaml");
    let crm = db.caller("crm", TENANT_A);
    for (row, item_key) in [
        (json!({"label": "b", "email": "nope"}), "email"),
        (json!({"label": "b", "rank": 4}), "rank"),
    ] {
        let rows = json!([{"label": "a", "email": "a@b.co", "rank": 1}, row]);
        let result = crm.call("import_tags", json!({"rows": rows}));
        assert_error(
            &result,
            "invalid_input",
            &format!("key \"rows\": item key \"{item_key}\""),
        );
        assert_eq!(
            db.count("SELECT FROM crm.tb_tag"),
            0,
            "the first item's insert is rolled back"
        );
    }
    let rows = json!([{"label": "a", "email": "a@b.co", "rank": 3}]);
    let result = crm.call("import_tags", json!({"rows": rows}));
    assert!(result.success, "{result:?}");
    assert_eq!(db.count("SELECT FROM crm.tb_tag"), 1);
}
