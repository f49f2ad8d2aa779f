//! Generated names (issue 13, class 3): PL/pgSQL locals are distinct by construction and
//! fit in 63 bytes. A `foreach` variable named `value` (it met the scratch local
//! `v_item_value`), nested variables `a` and `a_b` reading `a.b_c` and `a_b.c` (both
//! were `it_a_b_c`) and a reference of the longest name the compiler accepts (its
//! `v_fk_…_id` local was cut at 63 bytes) all load, pass plpgsql_check and store the
//! values they were given; one byte longer is a diagnostic, never a truncation.

use serde_json::json;

use crate::support::specs::{TENANT_A, database_with};

/// 55 bytes: `v_fk_<name>_id` is 63.
const LONG: &str = "a_reference_name_that_is_exactly_as_long_as_allowed_xyz";

fn spec() -> String {
    format!(
        r#"
entity: Shelf
schema: names
fields:
  label: text
---
entity: Entry
schema: names
fields:
  label: text
  amount: integer
  left_part: text
  right_part: text
---
entity: Basket
schema: names
fields:
  note: text
  {LONG}: ref(Shelf)
actions:
  - name: create_basket
  - name: fill
    steps:
      - foreach: value in $values
        do:
          - insert: "Entry {{ label: value.value, amount: value.amount }}"
  - name: pair
    steps:
      - foreach: a in $outer
        do:
          - foreach: a_b in $inner
            do:
              - insert: "Entry {{ left_part: a.b_c, right_part: a_b.c, label: a.value }}"
"#
    )
}

#[test]
fn formerly_colliding_locals_load_check_clean_and_store_the_right_values() {
    assert_eq!(LONG.len(), 55);
    let db = database_with(&spec());
    db.assert_plpgsql_clean("names");
    let call = |action: &str, input| {
        let result = db.caller("names", TENANT_A).call(action, input);
        assert!(result.success, "{action}: {result:?}");
        result
    };

    call(
        "fill",
        json!({"values": [{"value": "one", "amount": 1}, {"value": "two", "amount": 2}]}),
    );
    assert_eq!(
        db.query_json("SELECT label, amount FROM names.tb_entry ORDER BY amount"),
        json!([{"label": "one", "amount": 1}, {"label": "two", "amount": 2}])
    );

    db.batch("DELETE FROM names.tb_entry");
    call(
        "pair",
        json!({
            "outer": [{"b_c": "outer 1", "value": "o1"}, {"b_c": "outer 2", "value": "o2"}],
            "inner": [{"c": "inner 1"}, {"c": "inner 2"}]
        }),
    );
    assert_eq!(
        db.query_json(
            "SELECT left_part AS l, right_part AS r, label FROM names.tb_entry ORDER BY 1, 2"
        ),
        json!([
            {"l": "outer 1", "r": "inner 1", "label": "o1"},
            {"l": "outer 1", "r": "inner 2", "label": "o1"},
            {"l": "outer 2", "r": "inner 1", "label": "o2"},
            {"l": "outer 2", "r": "inner 2", "label": "o2"},
        ])
    );

    db.batch(&format!(
        "INSERT INTO names.tb_shelf (tenant_id, label) VALUES ('{TENANT_A}', 'top')"
    ));
    let shelf = db.query_json("SELECT id FROM names.tb_shelf")[0]["id"].clone();
    let created = call(
        "create_basket",
        json!({"note": "n", format!("{LONG}_id"): shelf}),
    );
    let data = created.object_data.unwrap();
    assert_eq!(data[format!("{LONG}_id")], shelf);
    assert_eq!(
        db.count(&format!(
            "SELECT FROM names.tb_basket b JOIN names.tb_shelf s ON s.pk_shelf = b.fk_{LONG}"
        )),
        1
    );
}
