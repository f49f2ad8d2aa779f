//! Translations (LANGUAGE §3.1) against real rows: the standard create and update accept
//! `translations` (locale → object of the listed fields) and upsert them into
//! `tl_<entity>` in the same transaction; `object_data.translations` returns them in the
//! same shape from every action; a bad locale, an unlisted key or a non-text value is
//! `invalid_input` and writes nothing; other tenants see none of it.

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, TENANT_B, assert_error, database_with};

const SPEC: &str = include_str!("../cases/ok/hierarchy_and_translations.yaml");

fn db() -> TestDb {
    database_with(SPEC)
}

/// Every stored translation row: locale, name, summary, tenant.
fn stored(db: &TestDb) -> Value {
    db.query_json(
        "SELECT l.locale, l.name, l.summary, l.tenant_id::text AS tenant \
         FROM catalog.tl_category l ORDER BY l.locale",
    )
}

#[test]
fn translations_round_trip_through_create_update_and_other_actions() {
    let db = db();
    let catalog = db.caller("catalog", TENANT_A);
    let created = catalog.ok(
        "create_category",
        json!({
            "name": "Germany",
            "translations": {
                "fr": {"name": "Allemagne"},
                "pt-BR": {"name": "Alemanha", "summary": "País"}
            }
        }),
    );
    assert_eq!(
        created["translations"],
        json!({
            "fr": {"name": "Allemagne", "summary": null},
            "pt-BR": {"name": "Alemanha", "summary": "País"}
        })
    );
    assert_eq!(
        stored(&db),
        json!([
            {"locale": "fr", "name": "Allemagne", "summary": null, "tenant": TENANT_A},
            {"locale": "pt-BR", "name": "Alemanha", "summary": "País", "tenant": TENANT_A}
        ])
    );
    let id = created["id"].as_str().unwrap().to_string();
    // Upsert: a key given replaces, a key absent stays, null clears, a new locale adds.
    let updated = catalog.ok(
        "update_category",
        json!({
            "id": id,
            "translations": {
                "fr": {"summary": "Pays d'Europe"},
                "pt-BR": {"summary": null},
                "de": {"name": "Deutschland"}
            }
        }),
    );
    let expected = json!({
        "de": {"name": "Deutschland", "summary": null},
        "fr": {"name": "Allemagne", "summary": "Pays d'Europe"},
        "pt-BR": {"name": "Alemanha", "summary": null}
    });
    assert_eq!(updated["translations"], expected);
    assert_eq!(db.count("SELECT 1 FROM catalog.tl_category"), 3);
    // An update without `translations` leaves them alone; every action returns them.
    let renamed = catalog.ok("update_category", json!({"id": id, "name": "Deutschland"}));
    assert_eq!(renamed["translations"], expected);
    let moved = catalog.ok("move_category", json!({"id": id, "parent_id": null}));
    assert_eq!(moved["translations"], expected);
    let deleted = catalog.ok("delete_category", json!({"id": id}));
    assert_eq!(deleted["translations"], expected);
    // Without translations: an empty object.
    let plain = catalog.ok("create_category", json!({"name": "Plain"}));
    assert_eq!(plain["translations"], json!({}));
}

#[test]
fn a_bad_locale_or_key_is_invalid_input_and_writes_nothing() {
    let db = db();
    let catalog = db.caller("catalog", TENANT_A);
    let id = catalog.ok(
        "create_category",
        json!({"name": "Spain", "translations": {"es": {"name": "España"}}}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rows_before = db.query_json("SELECT * FROM catalog.tb_category");
    let tl_before = stored(&db);
    let bad = [
        (json!({"FR": {"name": "x"}}), "FR"),
        (json!({"french": {"name": "x"}}), "french"),
        (json!({"fr_FR": {"name": "x"}}), "fr_FR"),
        (json!({"fr-fr": {"name": "x"}}), "fr-fr"),
        (json!({"fr": {"title": "x"}}), "\"fr\": \"title\""),
        (json!({"fr": {"name": 5}}), "\"fr\": \"name\""),
        (json!({"fr": "Espagne"}), "fr"),
        (
            json!({"de": {"name": "Spanien"}, "xx-yy": {"name": "x"}}),
            "xx-yy",
        ),
        (json!(["fr"]), "translations"),
    ];
    for (translations, mentions) in bad {
        for (action, input) in [
            (
                "update_category",
                json!({"id": id, "name": "Changed", "translations": translations}),
            ),
            (
                "create_category",
                json!({"name": "New", "translations": translations}),
            ),
        ] {
            let r = catalog.call(action, input);
            assert_error(&r, "invalid_input", mentions);
            assert_eq!(
                db.query_json("SELECT * FROM catalog.tb_category"),
                rows_before
            );
            assert_eq!(stored(&db), tl_before);
        }
    }
    // `translations` is only a key of the standard create and update.
    let r = catalog.call(
        "move_category",
        json!({"id": id, "translations": {"fr": {"name": "Espagne"}}}),
    );
    assert_error(&r, "invalid_input", "\"translations\"");
}

#[test]
fn translations_stay_in_their_tenant() {
    let db = db();
    let catalog = db.caller("catalog", TENANT_A);
    let catalog_b = db.caller("catalog", TENANT_B);
    let a = catalog.ok(
        "create_category",
        json!({"name": "Italy", "translations": {"it": {"name": "Italia"}}}),
    );
    let b = catalog_b.ok(
        "create_category",
        json!({"name": "Italy", "translations": {"it": {"name": "Italia (B)"}}}),
    );
    assert_eq!(
        a["translations"],
        json!({"it": {"name": "Italia", "summary": null}})
    );
    assert_eq!(
        b["translations"],
        json!({"it": {"name": "Italia (B)", "summary": null}})
    );
    let r = catalog_b.call(
        "update_category",
        json!({"id": a["id"], "translations": {"it": {"name": "stolen"}}}),
    );
    assert_error(&r, "not_found", "");
    assert_eq!(
        db.query_json(&format!(
            "SELECT l.name FROM catalog.tl_category l WHERE l.tenant_id = '{TENANT_A}'"
        )),
        json!([{"name": "Italia"}])
    );
}
