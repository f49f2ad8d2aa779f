//! The manifest sweep (`specqlc manifest`): over every action of every swept project
//! (the ok cases and the clean corpus projects of `sweep.rs`), in a database holding the
//! rows of the project's sweep scenario, inputs generated from the action's input schema
//! are called, each in a transaction rolled back afterwards:
//!
//! - valid inputs (required keys only; every key; every optional key `null`), whose
//!   `id` and reference keys name live rows of the right entity, so the calls get past
//!   `not_found` into the steps;
//! - invalid ones: an unknown key, each required key missing, each key with a value of
//!   the wrong JSON type, each enum key with a value outside the enum, a non-object.
//!
//! The schema is checked with the `jsonschema` crate (formats asserted). Every input the
//! schema accepts must not be refused as `invalid_input`, every input it rejects must
//! be, no call may raise, and every `error_code` observed must be in the action's
//! `error_codes`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use specqlc::Compiled;
use specqlc::ir::Project;

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, USER_1, compiled, sources_in};
use crate::sweep::{PROJECTS, run_scenario, scenario_of};

/// A UUID no row has.
const NOWHERE: &str = "5f0c1f2e-0000-4000-8000-00000000dead";

macro_rules! manifest_sweep {
    ($($test:ident: $path:literal,)*) => {
        const SWEPT: &[&str] = &[$($path),*];
        $(
            #[test]
            fn $test() {
                sweep($path);
            }
        )*
    };
}

manifest_sweep! {
    manifest_ok_all_types: "tests/cases/ok/all_types.yaml",
    manifest_ok_crm_contact: "tests/cases/ok/crm_contact.yaml",
    manifest_ok_hierarchy_and_translations: "tests/cases/ok/hierarchy_and_translations.yaml",
    manifest_ok_library_lending: "tests/cases/ok/library_lending.yaml",
    manifest_ok_order_steps: "tests/cases/ok/order_steps.yaml",
    manifest_ok_shared_table_and_warnings: "tests/cases/ok/shared_table_and_warnings.yaml",
    manifest_corpus_entities: "tests/corpus/specql-examples/entities",
    manifest_corpus_crm: "tests/corpus/specql-examples/examples/crm",
    manifest_corpus_saas_multi_tenant: "tests/corpus/specql-examples/examples/saas-multi-tenant",
    manifest_corpus_simple_blog: "tests/corpus/specql-examples/examples/simple-blog",
}

/// The manifest sweep covers what the sweep covers (which covers every ok case and
/// clean corpus project).
#[test]
fn manifest_sweep_covers_every_swept_project() {
    let swept: BTreeSet<&str> = SWEPT.iter().copied().collect();
    let projects: BTreeSet<&str> = PROJECTS.iter().copied().collect();
    assert_eq!(swept, projects);
}

fn project(path: &str) -> Compiled {
    compiled(&sources_in(path))
}

/// One generated input and whether the generator meant it to be valid.
struct Case {
    what: String,
    input: Value,
    valid: bool,
    /// Called twice in one transaction (a create then meets its own row's unique keys).
    twice: bool,
}

impl Case {
    fn valid(what: impl Into<String>, input: Value) -> Case {
        Case {
            what: what.into(),
            input,
            valid: true,
            twice: false,
        }
    }

    fn invalid(what: impl Into<String>, input: Value) -> Case {
        Case {
            valid: false,
            ..Case::valid(what, input)
        }
    }
}

struct Gen<'a> {
    db: &'a TestDb,
    project: &'a Project,
}

impl Gen<'_> {
    /// The `id` of a live row of `schema.entity` in the caller's tenant, if there is one.
    fn live_id(&self, schema: &str, entity: &str) -> String {
        let Some(e) = self
            .project
            .entities
            .iter()
            .find(|e| e.schema == schema && e.name == entity)
        else {
            return NOWHERE.into();
        };
        let tenant = if e.tenant_scoped {
            format!(" AND tenant_id = '{TENANT_A}'")
        } else {
            String::new()
        };
        let rows = self.db.query_json(&format!(
            "SELECT id::text AS id FROM {}.{} WHERE deleted_at IS NULL{tenant} ORDER BY pk_{} LIMIT 1",
            e.schema,
            e.table(),
            e.snake
        ));
        rows[0]["id"].as_str().unwrap_or(NOWHERE).to_string()
    }

    /// A value `schema` accepts; `entity` is the action's, for its `id`.
    fn valid(&self, key: &str, schema: &Value, entity: (&str, &str)) -> Value {
        // `anyOf` without a `type` beside it is the nullable wrapper.
        if let (Some(branches), None) = (schema["anyOf"].as_array(), schema.get("type")) {
            let branch = branches
                .iter()
                .find(|b| b["type"] != "null")
                .expect("a non-null branch");
            let mut branch = branch.clone();
            if let Some(r) = schema.get("x-specql-reference") {
                branch["x-specql-reference"] = r.clone();
            }
            return self.valid(key, &branch, entity);
        }
        if let Some(values) = schema["enum"].as_array() {
            return values[values.len() - 1].clone();
        }
        match schema["type"].as_str() {
            Some("string") => self.string(key, schema, entity),
            Some("integer") => {
                json!(clamp(7.0, schema).round() as i64)
            }
            Some("number") => json!(clamp(1.5, schema)),
            Some("boolean") => json!(true),
            Some("array") => match schema["items"]["type"].as_str() {
                None => json!([]),
                _ => json!([self.valid(key, &schema["items"], entity)]),
            },
            Some("object") => {
                if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                    // translations: one locale, one translated field.
                    let mut inner = Map::new();
                    if let Some((name, _)) = extra["properties"]
                        .as_object()
                        .and_then(|p| p.iter().next())
                    {
                        inner.insert(name.clone(), json!("traduit"));
                    }
                    return json!({ "fr": inner });
                }
                let mut out = Map::new();
                let none = Map::new();
                for (k, s) in schema["properties"].as_object().unwrap_or(&none) {
                    out.insert(k.clone(), self.valid(k, s, entity));
                }
                Value::Object(out)
            }
            None => json!({"any": ["json", 1]}),
            Some(other) => panic!("no generator for type {other}"),
        }
    }

    fn string(&self, key: &str, schema: &Value, entity: (&str, &str)) -> Value {
        if schema["format"] == "uuid" {
            if let Some(r) = schema.get("x-specql-reference") {
                let (s, e) = (r["schema"].as_str().unwrap(), r["entity"].as_str().unwrap());
                return json!(self.live_id(s, e));
            }
            if key == "id" {
                return json!(self.live_id(entity.0, entity.1));
            }
            return json!(NOWHERE);
        }
        let validator = validator(schema);
        let candidates = [
            "plain words",
            "ann@example.com",
            "+33123456789",
            "https://example.com/a.png",
            "a-slug",
            "EUR",
            "FR",
            "#a0b1c2",
            "example.com",
            "192.168.0.1",
            "08:00:2b:01:02:03",
            "2024-02-29",
            "2024-01-02T03:04:05Z",
            "12:30:00",
            "3 days",
        ];
        let candidate = candidates
            .iter()
            .find(|c| validator.is_valid(&json!(c)))
            .unwrap_or_else(|| panic!("no candidate string fits {schema}"));
        json!(candidate)
    }
}

fn clamp(x: f64, schema: &Value) -> f64 {
    let lo = schema["minimum"].as_f64().unwrap_or(f64::MIN);
    let hi = schema["maximum"].as_f64().unwrap_or(f64::MAX);
    x.clamp(lo, hi)
}

/// A value of the wrong JSON type for `schema`, or `None` when any value fits.
fn wrong_type(schema: &Value) -> Option<Value> {
    if let (Some(branches), None) = (schema["anyOf"].as_array(), schema.get("type")) {
        let branch = branches.iter().find(|b| b["type"] != "null")?;
        return wrong_type(branch);
    }
    match schema["type"].as_str()? {
        "string" => Some(json!(12345)),
        "integer" | "number" => Some(json!("12")),
        "boolean" => Some(json!("yes")),
        "array" => Some(json!({"not": "an array"})),
        _ => Some(json!(["not", "an object"])),
    }
}

/// Whether `schema` (or its non-null branch) is an enum.
fn is_enum(schema: &Value) -> bool {
    schema.get("enum").is_some()
        || schema["anyOf"]
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b.get("enum").is_some()))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("not a valid JSON Schema ({e}): {schema}"))
}

/// The text field `a` of the manifest's `action` beside its `b`.
fn pair<'a>(action: &'a Value, a: &str, b: &str) -> (&'a str, &'a str) {
    let text = |key: &str| {
        action[key]
            .as_str()
            .unwrap_or_else(|| panic!("no text `{key}` in {action}"))
    };
    (text(a), text(b))
}

/// The array of strings `value[key]`, as a set.
fn string_set<'a>(value: &'a Value, key: &str) -> BTreeSet<&'a str> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array `{key}` in {value}"))
        .iter()
        .map(|item| item.as_str().expect("a string"))
        .collect()
}

fn cases(generator: &Gen, action: &Value) -> Vec<Case> {
    let schema = &action["input"];
    let entity = pair(action, "schema", "entity");
    let properties = schema["properties"].as_object().expect("properties");
    let required = string_set(schema, "required");
    let all: Map<String, Value> = properties
        .iter()
        .map(|(k, s)| (k.clone(), generator.valid(k, s, entity)))
        .collect();
    let minimal: Map<String, Value> = all
        .iter()
        .filter(|(k, _)| required.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let nulls: Map<String, Value> = all
        .iter()
        .map(|(k, v)| {
            let nullable = properties[k]["anyOf"]
                .as_array()
                .is_some_and(|b| b.iter().any(|b| b["type"] == "null"));
            (k.clone(), if nullable { Value::Null } else { v.clone() })
        })
        .collect();
    let nowhere: Map<String, Value> = all
        .iter()
        .map(|(k, v)| {
            let s = &properties[k];
            let uuid = s["format"] == "uuid" || s["anyOf"][0]["format"] == "uuid";
            (k.clone(), if uuid { json!(NOWHERE) } else { v.clone() })
        })
        .collect();
    // Every key, with `key` set to `value`.
    let all_with = |key: &str, value: Value| {
        let mut input = all.clone();
        input.insert(key.to_string(), value);
        Value::Object(input)
    };
    let mut unknown = minimal.clone();
    unknown.insert("zz_no_such_key".into(), json!(1));
    let mut out = vec![
        Case::valid("required keys only", Value::Object(minimal.clone())),
        Case::valid("every key", Value::Object(all.clone())),
        Case::valid("optional keys null", Value::Object(nulls)),
        Case::invalid(
            "a JSON array instead of an object",
            json!([minimal.clone()]),
        ),
        Case {
            twice: true,
            ..Case::valid(
                "every key, twice in one transaction",
                Value::Object(all.clone()),
            )
        },
        Case::valid("every key, ids of no row", Value::Object(nowhere)),
        Case::invalid("an unknown key", Value::Object(unknown)),
    ];
    for key in &required {
        let mut input = all.clone();
        input.remove(*key);
        out.push(Case::invalid(
            format!("required key `{key}` missing"),
            Value::Object(input),
        ));
    }
    for (key, s) in properties {
        if let Some(bad) = wrong_type(s) {
            out.push(Case::invalid(
                format!("key `{key}` of the wrong JSON type"),
                all_with(key, bad),
            ));
        }
        if is_enum(s) {
            let bad = if s["type"] == "array" || s["anyOf"][0]["type"] == "array" {
                json!(["zz-not-a-value"])
            } else {
                json!("zz-not-a-value")
            };
            out.push(Case::invalid(
                format!("key `{key}` outside its enum"),
                all_with(key, bad),
            ));
        }
        if s["anyOf"][0]["items"].get("enum").is_some() || s["items"].get("enum").is_some() {
            out.push(Case::invalid(
                format!("key `{key}` with an element outside its enum"),
                all_with(key, json!(["zz-not-a-value"])),
            ));
        }
    }
    out
}

fn sweep(path: &str) {
    let Compiled {
        project, output, ..
    } = project(path);
    let script = output.script();
    let db = TestDb::new();
    db.batch(&script);
    run_scenario(&db, path, &scenario_of(path));
    let manifest = specqlc::backend::postgres::action::manifest::manifest(&project);
    let generator = Gen {
        db: &db,
        project: &project,
    };
    let mut client = db.client();
    let (mut calls, mut accepted) = (0, 0);
    let mut observed = BTreeSet::new();
    let mut problems = Vec::new();
    for action in manifest["actions"].as_array().expect("actions") {
        let (schema, name) = pair(action, "schema", "name");
        let codes = string_set(action, "error_codes");
        let validator = validator(&action["input"]);
        for case in cases(&generator, action) {
            let what = format!("{schema}.{name} with {} {}", case.what, case.input);
            let valid = validator.is_valid(&case.input);
            assert_eq!(
                valid, case.valid,
                "{path}: the generator and the schema disagree on {what}"
            );
            let mut tx = client.transaction().expect("BEGIN");
            let sql = format!(
                "SELECT success, error_code, error_message FROM {schema}.{name}($1::text::uuid, $2::text::uuid, $3::text::jsonb)"
            );
            for _ in 0..if case.twice { 2 } else { 1 } {
                calls += 1;
                accepted += usize::from(valid);
                let row = match tx.query_one(&sql, &[&TENANT_A, &USER_1, &case.input.to_string()]) {
                    Ok(row) => row,
                    Err(e) => {
                        problems.push(format!("{what}: raised {e}"));
                        break;
                    }
                };
                let (success, code, message): (bool, Option<String>, Option<String>) =
                    (row.get(0), row.get(1), row.get(2));
                let code = code.unwrap_or_default();
                if !success {
                    observed.insert(format!("{schema}.{name}: {code}"));
                }
                if valid && code == "invalid_input" {
                    problems.push(format!(
                        "{what}: the schema accepts it, the action refuses it: {message:?}"
                    ));
                }
                if !valid && code != "invalid_input" {
                    problems.push(format!(
                        "{what}: the schema rejects it, the action returns success = {success}, {code:?}"
                    ));
                }
                if !success && !codes.contains(code.as_str()) {
                    problems.push(format!(
                        "{what}: error_code {code:?} is not in the manifest's {codes:?}"
                    ));
                }
            }
            drop(tx);
        }
    }
    assert!(
        problems.is_empty(),
        "{path}: {} of {calls} calls disagree with the manifest:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        accepted > 0 && calls > accepted,
        "{path}: the sweep proved little"
    );
    eprintln!(
        "manifest sweep {path}: {} actions, {calls} calls ({accepted} valid inputs), codes seen: {}",
        manifest["actions"].as_array().unwrap().len(),
        observed.into_iter().collect::<Vec<_>>().join(", ")
    );
}
