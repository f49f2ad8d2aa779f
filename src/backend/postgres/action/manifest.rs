//! The action manifest (`specqlc manifest`): per action function, a JSON Schema (2020-12)
//! of the input it accepts and the closed list of `error_code`s it can return.
//!
//! Input: the checked [`Project`]. Output: a JSON value, deterministic (entities in load
//! order, actions in spec order, keys in check order, codes sorted).
//!
//! The schema is built from the same input facts (`crate::analysis::inputs`) the body
//! is emitted from, so the keys, their JSON types, enum values and required keys cannot
//! drift from what the function checks. Formats and patterns come from the CHECK rules of
//! [`checks`], which the function applies to input as `invalid_input` (LANGUAGE §4.4).
//!
//! Error codes: `invalid_input` always; every `validate` step's `error:`; `not_found` for
//! an action on an existing row; `reference_not_found` when a reference is resolved
//! (from input or from an assignment); `unique_violation` when the action writes a
//! unique field or takes `identifier` from input; `check_violation` when a step writes a
//! constrained column from an expression; `out_of_range` when a step computes a number;
//! `hierarchy_cycle` when an update may set the parent; `call_failed` plus the called
//! action's codes for `call:` steps (a function outside the specs may return any code:
//! it is listed under `calls_outside_specs`, and the list is closed only without it).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::input::Mode;
use crate::analysis::{ActionFacts, Facts, RowRole};
use crate::backend::postgres::checks;
use crate::ir::Effect;
use crate::ir::visit::{Visitor, for_each_step, walk_expr, walk_step};
use crate::ir::{
    Action, ActionId, ActionKind, EntityId, Expr, ExprKind, FieldRef, FieldType, Project, Rich,
    Scalar, Step, StepKind, Ty,
};

/// The manifest of every action function of `project` (declarations have none).
pub fn manifest(project: &Project) -> Value {
    let facts = Facts::new(project);
    let mut actions = Vec::new();
    for eid in project.entity_ids() {
        let e = project.entity(eid);
        for (index, action) in e.actions.iter().enumerate() {
            if matches!(action.kind, ActionKind::Declaration) {
                continue;
            }
            let id = ActionId {
                entity: eid,
                action: index as u32,
            };
            let mut outside = BTreeSet::new();
            let codes = error_codes(project, &facts, id, &mut outside, &mut Vec::new());
            let mut entry = Map::new();
            entry.insert("schema".into(), json!(e.schema));
            entry.insert("name".into(), json!(action.name));
            entry.insert("entity".into(), json!(e.name));
            entry.insert(
                "description".into(),
                json!(action.description.as_deref().filter(|d| !d.is_empty())),
            );
            entry.insert(
                "function".into(),
                json!(format!(
                    "{}.{}(p_tenant_id uuid, p_user_id uuid, p_input jsonb)",
                    e.schema, action.name
                )),
            );
            let own = facts.action(id);
            entry.insert("input".into(), input_schema(project, own, action));
            entry.insert("error_codes".into(), json!(codes));
            if !outside.is_empty() {
                entry.insert("calls_outside_specs".into(), json!(outside));
            }
            actions.push(Value::Object(entry));
        }
    }
    json!({ "actions": actions })
}

/// The JSON Schema of `action`'s `p_input`.
pub fn input_schema(project: &Project, facts: &ActionFacts, action: &Action) -> Value {
    let inputs = &facts.inputs;
    let mut properties = Map::new();
    let mut required = Vec::new();
    for i in &inputs.0 {
        let (mut schema, is_required) = key_schema(project, &i.mode, &i.ty);
        if i.mode == Mode::Array
            && let ActionKind::Custom(steps) = &action.kind
            && let Some(items) = foreach_items(steps, &i.key)
        {
            schema["anyOf"][0]["items"] = items;
        }
        if is_required {
            required.push(json!(i.key));
        }
        properties.insert(i.key.clone(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The elements of the array `foreach` walks over `$key`: objects whose keys the body
/// reads (`item.key`) have the JSON type of their use, or are null or absent (NULL);
/// other keys are not read, so not refused. The function checks an element when the loop
/// reaches it, after the steps before the loop: an input with a wrong element can fail
/// with an earlier step's code instead of `invalid_input` (the only place where the
/// schema's rejection and the function's first error may differ).
fn foreach_items(steps: &[Step], key: &str) -> Option<Value> {
    let mut found = None;
    for_each_step(steps, |step| {
        if let StepKind::Foreach {
            var,
            input_key,
            body,
        } = &step.kind
            && input_key == key
            && found.is_none()
        {
            found = Some((var, body));
        }
    });
    let (var, body) = found?;
    let mut keys = Vec::new();
    super::steps::item_keys(var, body, &mut keys);
    let properties: Map<String, Value> = keys
        .iter()
        .map(|(k, ty)| (k.clone(), nullable(ty_schema(ty))))
        .collect();
    Some(json!({"type": "object", "properties": properties}))
}

/// The schema of one key, and whether it is required. JSON `null` is absent (create,
/// `?`, `$key`) or NULL (update); it is refused where the field is required.
fn key_schema(project: &Project, mode: &Mode, ty: &Ty) -> (Value, bool) {
    match mode {
        Mode::Id => (uuid(), true),
        Mode::Create(f) => {
            let field = project.field(*f);
            let has_default = field
                .default
                .as_ref()
                .is_some_and(|d| *d != crate::ir::Value::Null)
                && !matches!(field.ty, FieldType::Ref(_));
            let required = field.required && !has_default;
            (field_schema(project, *f, !required), required)
        }
        Mode::Update(f) => {
            let field = project.field(*f);
            (field_schema(project, *f, !field.required), false)
        }
        Mode::Value(f) => {
            let field = project.field(*f);
            (field_schema(project, *f, !field.required), field.required)
        }
        Mode::Plain => (nullable(ty_schema(ty)), false),
        Mode::Array => (
            nullable(json!({"type": "array", "items": {"type": "object"}})),
            false,
        ),
        Mode::Identifier => (nullable(json!({"type": "string"})), false),
        Mode::Translations(e) => (nullable(translations_schema(project, *e)), false),
    }
}

fn field_schema(project: &Project, f: FieldRef, null_ok: bool) -> Value {
    let field = project.field(f);
    let mut schema = type_schema(&field.ty);
    if let FieldType::Ref(target) = field.ty {
        // An annotation (validators ignore unknown keywords): whose `id` goes here.
        let t = project.entity(target);
        schema["x-specql-reference"] = json!({"schema": t.schema, "entity": t.name});
    }
    if let Some(d) = field.description.as_deref().filter(|d| !d.is_empty()) {
        schema["description"] = json!(d);
    }
    if null_ok { nullable(schema) } else { schema }
}

/// `{"anyOf": [schema, {"type": "null"}]}`, so enum and format keywords stay on the
/// non-null branch.
fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

/// The schema of a value of a declared field type.
fn type_schema(ty: &FieldType) -> Value {
    match ty {
        FieldType::Scalar(s) => scalar_schema(*s),
        FieldType::Rich(r) => rich_schema(*r),
        FieldType::Enum(values) => json!({"type": "string", "enum": values}),
        FieldType::Ref(_) => uuid(),
        FieldType::List(inner) => json!({"type": "array", "items": type_schema(inner)}),
    }
}

fn int_range(min: i64, max: i64) -> Value {
    json!({"type": "integer", "minimum": min, "maximum": max})
}

/// Formats are annotations unless a validator asserts them (2020-12), so the shapes
/// are patterns too. Each is narrower than what PostgreSQL reads (`{...}` UUIDs, `1230`
/// times and `1 day 2 hours` intervals also cast), so with formats asserted what the
/// schema accepts, the function accepts (without, a pattern lets `2023-02-30` through).
fn uuid() -> Value {
    json!({
        "type": "string", "format": "uuid",
        "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    })
}

fn date() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"})
}

fn date_time() -> Value {
    json!({
        "type": "string", "format": "date-time",
        "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
    })
}

/// JSON Schema's `time` wants an offset, which a PostgreSQL `time` drops: a pattern only.
fn time() -> Value {
    json!({
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?$"
    })
}

/// ISO 8601 durations (`P1DT2H`), or one PostgreSQL quantity (`3 days`).
fn interval() -> Value {
    json!({
        "type": "string",
        "pattern": "^(P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?|-?[0-9]{1,6} (year|month|week|day|hour|minute|second)s?)$"
    })
}

/// A `numeric(p, s)` value: fewer than `p - s` integer digits once rounded to `s` places
/// (the bound leaves room for the rounding).
fn digits(integer_digits: u32) -> Value {
    let bound = 10f64.powi(integer_digits as i32) - 1.0;
    json!({"type": "number", "minimum": -bound, "maximum": bound})
}

fn scalar_schema(s: Scalar) -> Value {
    match s {
        Scalar::Text { max_len: Some(n) } => json!({"type": "string", "maxLength": n}),
        Scalar::Text { max_len: None } => json!({"type": "string"}),
        Scalar::Integer { min, max } => int_range(
            min.unwrap_or(i32::MIN.into()),
            max.unwrap_or(i32::MAX.into()),
        ),
        Scalar::Smallint => int_range(i16::MIN.into(), i16::MAX.into()),
        Scalar::Bigint => int_range(i64::MIN, i64::MAX),
        Scalar::Decimal {
            precision: Some((p, s)),
        } => digits(p - s),
        Scalar::Decimal { precision: None } | Scalar::Float => json!({"type": "number"}),
        Scalar::Boolean => json!({"type": "boolean"}),
        Scalar::Date => date(),
        Scalar::Timestamp => date_time(),
        Scalar::Time => time(),
        Scalar::Interval => interval(),
        Scalar::Uuid => uuid(),
        Scalar::Json | Scalar::Jsonb => json!({}),
    }
}

/// PostgreSQL's `[:space:]` in the CHECK patterns, in ECMA-262 terms.
fn ecma(pattern: &str) -> String {
    pattern.replace("[:space:]", "\\s")
}

fn rich_schema(r: Rich) -> Value {
    let pattern = |p: &str| json!({"type": "string", "pattern": ecma(p)});
    match r {
        Rich::Email => json!({"type": "string", "format": "email", "pattern": ecma(checks::EMAIL)}),
        Rich::Phone => pattern(checks::PHONE),
        Rich::Url => json!({"type": "string", "format": "uri", "pattern": ecma(checks::URL)}),
        Rich::Image => json!({"type": "string", "format": "uri", "pattern": ecma(checks::IMAGE)}),
        Rich::Slug => pattern(checks::SLUG),
        Rich::CurrencyCode => pattern(checks::CURRENCY),
        Rich::CountryCode => pattern(checks::COUNTRY),
        Rich::Color => pattern(checks::COLOR),
        Rich::DomainName => json!({
            "type": "string", "format": "hostname", "maxLength": 253,
            "pattern": ecma(checks::DOMAIN)
        }),
        Rich::Money => digits(15),
        Rich::Percentage => json!({"type": "number", "minimum": 0, "maximum": 100}),
        Rich::Latitude => json!({"type": "number", "minimum": -90, "maximum": 90}),
        Rich::Longitude => json!({"type": "number", "minimum": -180, "maximum": 180}),
        Rich::IpAddress => {
            json!({"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]})
        }
        Rich::MacAddress => {
            json!({"type": "string", "pattern": "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"})
        }
        Rich::Markdown | Rich::Html => json!({"type": "string"}),
        Rich::Coordinates => json!({
            "type": "object",
            "properties": {
                "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            },
            "required": ["latitude", "longitude"],
            "additionalProperties": false,
        }),
    }
}

/// The schema of a `$key`'s SQL type (no field rule applies to it).
fn ty_schema(ty: &Ty) -> Value {
    match ty {
        Ty::Text | Ty::Null => json!({"type": "string"}),
        Ty::Smallint => int_range(i16::MIN.into(), i16::MAX.into()),
        Ty::Integer => int_range(i32::MIN.into(), i32::MAX.into()),
        Ty::Bigint => int_range(i64::MIN, i64::MAX),
        Ty::Numeric | Ty::Float => json!({"type": "number"}),
        Ty::Boolean => json!({"type": "boolean"}),
        Ty::Date => date(),
        Ty::Timestamptz => date_time(),
        Ty::Time => time(),
        Ty::Interval => interval(),
        Ty::Uuid => uuid(),
        Ty::Json | Ty::Jsonb => json!({}),
        Ty::Inet => rich_schema(Rich::IpAddress),
        Ty::Macaddr => rich_schema(Rich::MacAddress),
        Ty::Point => rich_schema(Rich::Coordinates),
        Ty::Array(inner) => json!({"type": "array", "items": ty_schema(inner)}),
    }
}

fn translations_schema(project: &Project, eid: EntityId) -> Value {
    let e = project.entity(eid);
    let fields: Map<String, Value> = e
        .translated
        .iter()
        .map(|f| {
            (
                e.field(*f).name.clone(),
                json!({"type": ["string", "null"]}),
            )
        })
        .collect();
    json!({
        "type": "object",
        "propertyNames": {"pattern": checks::LOCALE},
        "additionalProperties": {
            "type": "object",
            "properties": fields,
            "additionalProperties": false,
        },
    })
}

/// The codes action `id` can return; `outside` collects called functions that are not
/// actions of the specs, `stack` guards against calls in a cycle.
fn error_codes(
    project: &Project,
    facts: &Facts,
    id: ActionId,
    outside: &mut BTreeSet<String>,
    stack: &mut Vec<ActionId>,
) -> BTreeSet<String> {
    let (eid, action) = (id.entity, project.action(id));
    let own = facts.action(id);
    let mut codes = BTreeSet::from(["invalid_input".to_string()]);
    if own.row == RowRole::Existing {
        codes.insert("not_found".into());
    }
    for i in &own.inputs.0 {
        match i.mode {
            Mode::Create(f) | Mode::Update(f) | Mode::Value(f)
                if matches!(project.field(f).ty, FieldType::Ref(_)) =>
            {
                codes.insert("reference_not_found".into());
            }
            Mode::Identifier => {
                codes.insert("unique_violation".into());
            }
            _ => {}
        }
    }
    let mut writes = Writes {
        project,
        fields: Vec::new(),
        updates: BTreeSet::new(),
        computes_numbers: false,
        codes: BTreeSet::new(),
    };
    match &action.kind {
        ActionKind::Create => writes.every_field_from_input(eid, false),
        ActionKind::Update => writes.every_field_from_input(eid, true),
        ActionKind::Custom(steps) => {
            crate::ir::visit::walk_steps(&mut writes, steps);
            codes.append(&mut writes.codes);
            stack.push(id);
            for call in &own.calls {
                codes.insert("call_failed".into());
                match call.target {
                    Some(called) if !stack.contains(&called) => {
                        codes.extend(error_codes(project, facts, called, outside, stack));
                    }
                    Some(_) => {}
                    None => {
                        outside.insert(format!("{}.{}", call.schema, call.function));
                    }
                }
            }
            stack.pop();
        }
        ActionKind::Delete | ActionKind::Declaration => {}
    }
    for (f, from_expr) in &writes.fields {
        let field = project.field(*f);
        if field.unique {
            codes.insert("unique_violation".into());
        }
        if *from_expr {
            if checks::check("c", &field.ty).is_some() {
                codes.insert("check_violation".into());
            }
            if matches!(field.ty, FieldType::Ref(_)) {
                codes.insert("reference_not_found".into());
            }
        }
        let parent = project.entity(f.entity).parent;
        if writes.updates.contains(&f.entity) && parent == Some(f.field) {
            codes.insert("hierarchy_cycle".into());
        }
    }
    if writes.computes_numbers {
        codes.insert("out_of_range".into());
    }
    codes
}

/// The fields an action writes (with whether from a step's expression rather than from
/// input, which is checked as `invalid_input` first), the entities it updates, and the
/// `validate` codes.
struct Writes<'p> {
    project: &'p Project,
    fields: Vec<(FieldRef, bool)>,
    updates: BTreeSet<EntityId>,
    computes_numbers: bool,
    codes: BTreeSet<String>,
}

impl Writes<'_> {
    fn add(&mut self, f: FieldRef, from_expr: bool) {
        match self.fields.iter_mut().find(|(g, _)| *g == f) {
            Some((_, e)) => *e |= from_expr,
            None => self.fields.push((f, from_expr)),
        }
    }

    fn every_field_from_input(&mut self, eid: EntityId, update: bool) {
        for field in self.project.entity(eid).field_ids() {
            self.add(FieldRef { entity: eid, field }, false);
        }
        if update {
            self.updates.insert(eid);
        }
    }

    /// A value stored in a numeric column may not fit it even when no operator computes
    /// it (a `bigint` input into an `integer` column, an item's number).
    fn assigned(&mut self, entity: EntityId, set: &[crate::ir::Assignment]) {
        for a in set {
            let f = FieldRef {
                entity,
                field: a.field,
            };
            let own_input = is_own_input(&a.value.kind, f);
            self.add(f, !own_input);
            let ty = self.project.field(f).ty.ty();
            if ty.is_numeric() && a.value.ty != ty && !own_input {
                self.computes_numbers = true;
            }
        }
    }
}

impl<'ir> Visitor<'ir> for Writes<'_> {
    fn visit_step(&mut self, step: &'ir Step) {
        if let Some(code) = step.error_code() {
            self.codes.insert(code.to_string());
        }
        match step.effect() {
            Effect::Update(update) => {
                if update.from_input {
                    self.every_field_from_input(update.entity, true);
                }
                self.updates.insert(update.entity);
                self.assigned(update.entity, update.set);
            }
            Effect::Insert { entity, values } => match values {
                None => self.every_field_from_input(entity, false),
                Some(values) => self.assigned(entity, values),
            },
            Effect::Delete { .. }
            | Effect::Select { .. }
            | Effect::Call { .. }
            | Effect::Loop { .. }
            | Effect::None => {}
        }
        walk_step(self, step);
    }

    fn visit_expr(&mut self, x: &'ir Expr) {
        let computed = matches!(
            x.kind,
            ExprKind::Binary(..) | ExprKind::Unary(..) | ExprKind::Call { .. }
        );
        if computed && x.ty.is_numeric() {
            self.computes_numbers = true;
        }
        walk_expr(self, x);
    }
}

/// `SET f = ?`: the field's own input value, checked against its type on read.
fn is_own_input(kind: &ExprKind, f: FieldRef) -> bool {
    matches!(kind, ExprKind::InputField(g) if *g == f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(yaml: &str) -> Value {
        manifest(&crate::testing::project(yaml))
    }

    fn action<'m>(manifest: &'m Value, name: &str) -> &'m Value {
        manifest["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no action {name}"))
    }

    #[test]
    fn a_call_outside_the_specs_is_named_and_its_codes_are_open() {
        let m = manifest_of(
            "entity: Invoice\nschema: billing\nfields:\n  total: money\nactions:\n  - name: settle\n    steps:\n      - call: payments.charge\n        args:\n          amount: total\n",
        );
        let settle = action(&m, "settle");
        assert_eq!(settle["calls_outside_specs"], json!(["payments.charge"]));
        assert_eq!(
            settle["error_codes"],
            json!(["call_failed", "invalid_input", "not_found"])
        );
    }

    #[test]
    fn hierarchy_cycle_only_where_the_parent_can_be_set() {
        let m = manifest_of(
            "entity: Node\nschema: tree\nhierarchical: true\nfields:\n  name: text!\n  parent: ref(Node)\n  rank: integer\nactions:\n  - name: create_node\n  - name: update_node\n  - name: rename\n    steps:\n      - update: Node SET name = $name\n  - name: bump\n    steps:\n      - update: Node SET rank = rank + 1\n",
        );
        let codes = |name: &str| action(&m, name)["error_codes"].clone();
        // No derived identifier: the standard actions take `identifier`, unique per tenant.
        assert_eq!(
            codes("create_node"),
            json!(["invalid_input", "reference_not_found", "unique_violation"])
        );
        assert_eq!(
            codes("update_node"),
            json!([
                "hierarchy_cycle",
                "invalid_input",
                "not_found",
                "reference_not_found",
                "unique_violation"
            ])
        );
        assert_eq!(codes("rename"), json!(["invalid_input", "not_found"]));
        assert_eq!(
            codes("bump"),
            json!(["invalid_input", "not_found", "out_of_range"])
        );
    }
}
