//! The spec format as a JSON Schema (2020-12), for YAML editors (`specqlc schema`; the
//! `yaml-language-server` modeline of `specqlc init`): top-level keys, fields in short
//! and long form with the type names, actions and every step form.
//!
//! Built from the key lists the reader checks (`read::ENTITY_KEYS`, ...) and the type
//! names of `lower`, so a key added there and not described here fails a unit test.
//! The schema checks shape, as stage 1 does, plus the type name of each field: names,
//! expressions and type arguments are the compiler's business (`specqlc check`).
//!
//! Decisions: a document without `entity` is not a spec (the reader skips it with
//! W0101), so the schema asks nothing of it; keys starting with `_` are allowed
//! everywhere (reserved for tools, skipped by the reader); a YAML scalar where text is
//! expected may be a number or a boolean too (`default: 0`, `message: 404`), as the
//! reader takes any scalar's text.

use serde_json::{Map, Value, json};

use super::read::{
    ACTION_KEYS, ENTITY_KEYS, FIELD_KEYS, STEP_KINDS, TRANSLATION_KEYS, step_attributes,
};
use crate::lower::TYPE_NAMES;

/// The JSON Schema of one YAML document of a spec file.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SpecQL entity (specqlc)",
        "description": "One entity per YAML document: fields, actions and their steps (LANGUAGE §1-4).",
        "if": {"type": "object", "required": ["entity"]},
        "then": {"$ref": "#/$defs/entity"},
        "$defs": {
            "entity": closed(ENTITY_KEYS, entity_key, &["entity", "schema"]),
            "field": field(),
            "fieldType": field_type(false),
            "action": closed(ACTION_KEYS, action_key, &["name"]),
            "steps": {"type": ["array", "null"], "items": {"$ref": "#/$defs/step"}},
            "step": {"oneOf": STEP_KINDS.iter().map(|k| step(k)).collect::<Vec<_>>()},
            "text": {"type": ["string", "number", "boolean"]},
            "optionalText": {"type": ["string", "number", "boolean", "null"]},
            "flag": {"type": "boolean"},
            "expressions": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/text"},
            },
        },
    })
}

/// An object with exactly `keys` (plus `_`-keys), each described by `describe`.
fn closed(keys: &[&str], describe: fn(&str) -> Value, required: &[&str]) -> Value {
    let properties: Map<String, Value> = keys
        .iter()
        .map(|k| ((*k).to_string(), describe(k)))
        .collect();
    object(properties, required)
}

/// An object with exactly these properties (plus `_`-keys).
fn object(properties: Map<String, Value>, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "patternProperties": {"^_": true},
        "additionalProperties": false,
        "required": required,
    })
}

fn described(schema: Value, description: &str) -> Value {
    let mut schema = schema;
    schema["description"] = json!(description);
    schema
}

fn text(description: &str) -> Value {
    described(json!({"$ref": "#/$defs/text"}), description)
}

fn optional_text(description: &str) -> Value {
    described(json!({"$ref": "#/$defs/optionalText"}), description)
}

fn flag(description: &str) -> Value {
    described(json!({"$ref": "#/$defs/flag"}), description)
}

fn entity_key(key: &str) -> Value {
    match key {
        "entity" => text("PascalCase name; table `tb_<snake>`."),
        "schema" => text("PostgreSQL schema (required)."),
        "description" => optional_text("Becomes COMMENT ON TABLE."),
        "tenant_scoped" => flag("Default true: rows carry tenant_id; false: a shared table."),
        "identifier" => described(
            json!({"anyOf": [
                {"$ref": "#/$defs/optionalText"},
                {"type": "array", "items": {"$ref": "#/$defs/text"}},
            ]}),
            "The field (or list of fields) the Trinity identifier is derived from.",
        ),
        "fields" => described(
            json!({
                "type": ["object", "null"],
                "additionalProperties": {"$ref": "#/$defs/field"},
            }),
            "Field name → type (short form) or long form.",
        ),
        "actions" => described(
            json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/action"}}),
            "Actions; one PL/pgSQL function each.",
        ),
        "hierarchical" => flag("true: a tree with exactly one reference to itself."),
        "translations" => closed(TRANSLATION_KEYS, translation_key, &["enabled"]),
        "renamed_from" => text("The entity's name in an earlier version of the spec."),
        other => unreachable!("entity key `{other}` has no schema"),
    }
}

fn translation_key(key: &str) -> Value {
    match key {
        "enabled" => flag("true: per-locale values of the listed fields."),
        "fields" => json!({"type": ["array", "null"], "items": {"$ref": "#/$defs/text"}}),
        other => unreachable!("translations key `{other}` has no schema"),
    }
}

fn field_key(key: &str) -> Value {
    match key {
        "type" => json!({"$ref": "#/$defs/fieldType"}),
        "required" => flag("Same as `!`: NOT NULL."),
        "nullable" => flag("false is the same as required: true."),
        "unique" => flag("Unique per tenant among rows not soft-deleted."),
        "default" => described(
            json!({"type": ["string", "number", "boolean", "null"]}),
            "A literal of the field's type.",
        ),
        "description" => optional_text("Becomes COMMENT ON COLUMN."),
        "schema" => text("For a reference: the target entity's schema (checked)."),
        "renamed_from" => text("The field's name in an earlier version of the spec."),
        other => unreachable!("field key `{other}` has no schema"),
    }
}

fn action_key(key: &str) -> Value {
    match key {
        "name" => text(
            "The function `<schema>.<name>`; create_/update_/delete_<entity> without steps are standard.",
        ),
        "description" => optional_text("Becomes COMMENT ON FUNCTION."),
        "steps" => json!({"$ref": "#/$defs/steps"}),
        other => unreachable!("action key `{other}` has no schema"),
    }
}

/// The type names, with `(args)` where written, then `!` and `= default` in the short
/// form. `text?` is refused (LANGUAGE §2: nullable is the default).
fn type_pattern(short: bool) -> String {
    let names = TYPE_NAMES.join("|");
    let tail = if short { r"\s*!?\s*(=.*)?" } else { r"\s*!?" };
    format!(r"^\s*({names})\s*(\(.*\))?{tail}\s*$")
}

fn field_type(short: bool) -> Value {
    json!({
        "anyOf": [
            {"type": "string", "enum": TYPE_NAMES},
            {"type": "string", "pattern": type_pattern(short)},
        ],
        "description": "A type: text, text(N), integer(min, max), decimal(p, s), enum(a, b), ref(Entity), list(T), email, money, …",
    })
}

fn field() -> Value {
    json!({
        "anyOf": [
            described(field_type(true), "Short form: `type`, `type!` (required), `type = <default>`."),
            closed(FIELD_KEYS, field_key, &["type"]),
        ],
    })
}

/// One step form: its own key plus its attributes.
fn step(kind: &str) -> Value {
    let head = match kind {
        "validate" => text("A condition; NULL is failure."),
        "if" => text("A condition; NULL takes the else branch."),
        "update" => {
            text("`Entity SET f = <expr>, … [WHERE <condition>]`, or `Entity` alone (from input).")
        }
        "insert" => text("`Entity` (from input) or `Entity { f: <expr>, … }`."),
        "delete" => text("`Entity [WHERE <condition>]`: a soft delete."),
        "call" => text("`schema.function`."),
        "notify" => text("A channel name."),
        "foreach" => text("`item in $key` (a JSON array of objects)."),
        "select" => text("`Entity`: returns the row found by id."),
        "return" => text("A message; ends the action successfully."),
        other => unreachable!("step `{other}` has no schema"),
    };
    let mut properties = Map::new();
    properties.insert(kind.to_string(), head);
    for attribute in step_attributes(kind) {
        let schema = match *attribute {
            "error" => text("The error_code (snake_case; default validation_failed)."),
            "message" => text("The error_message."),
            "then" | "else" | "do" => json!({"$ref": "#/$defs/steps"}),
            "args" | "data" => json!({"$ref": "#/$defs/expressions"}),
            other => unreachable!("step attribute `{other}` has no schema"),
        };
        properties.insert((*attribute).to_string(), schema);
    }
    let mut required = vec![kind];
    match kind {
        "if" => required.push("then"),
        "foreach" => required.push("do"),
        _ => {}
    }
    object(properties, &required)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the reader accepts has a schema (a new key without one panics here).
    #[test]
    fn every_key_and_step_has_a_schema() {
        let s = schema();
        assert_eq!(
            s["$defs"]["step"]["oneOf"].as_array().unwrap().len(),
            STEP_KINDS.len()
        );
        for key in ENTITY_KEYS {
            assert!(
                s["$defs"]["entity"]["properties"].get(*key).is_some(),
                "{key}"
            );
        }
    }

    #[test]
    fn type_pattern_takes_short_forms() {
        let re = type_pattern(true);
        assert!(re.contains("|phoneNumber|"));
        assert!(re.starts_with(r"^\s*(text|integer|"));
    }
}
