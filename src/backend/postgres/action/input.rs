//! The input keys an action accepts (LANGUAGE §4.4), and the code that reads them:
//! strict key set, JSON-type checks, casts to typed locals, defaults, required checks and
//! reference resolution.
//!
//! JSON typing (documented decision): text, enum and text-based rich types want a JSON
//! string; numeric types (integer, decimal, float, money, percentage, latitude,
//! longitude) a JSON number; booleans a JSON boolean; uuid, date, timestamp, time,
//! interval, inet and macaddr a JSON string that casts; json/jsonb any JSON value;
//! coordinates an object `{"latitude": n, "longitude": n}`; `list(T)` a JSON array whose
//! elements follow T's rule. Anything else is `invalid_input` naming the key.

use super::expr::const_sql;
use super::result::MutationResult;
use super::{Ctx, col, live_in_tenant, ref_target, table};
pub use crate::analysis::{Input, Inputs, Mode};
use crate::backend::postgres::quote::{Ident, Literal, Qualified, is_bare_identifier};
use crate::ir::{self, EntityId, FieldType, Ty};

/// The local holding the cast value of `key`.
pub fn var(key: &str) -> String {
    local(format!("in_{key}"))
}

/// The local holding the resolved `fk_*` integer of reference input `key`.
pub fn fk_var(key: &str) -> String {
    local(format!("v_fk_{key}"))
}

/// `name` as PL/pgSQL writes it: itself when bare (nearly always), else quoted.
fn local(name: String) -> String {
    if is_bare_identifier(&name) {
        name
    } else {
        Ident(&name).to_string()
    }
}

/// Non-object input and unknown keys: `invalid_input`, before any subtransaction.
pub fn emit_key_check(ctx: &mut Ctx) {
    ctx.code.if_then(
        "p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object'",
        |c| {
            c.ret(MutationResult::invalid_input(
                &"'input must be a JSON object'",
            ))
        },
    );
    let keys: Vec<String> = ctx
        .inputs
        .0
        .iter()
        .map(|i| Literal(&i.key).to_string())
        .collect();
    let rest = if keys.is_empty() {
        "p_input".to_string()
    } else {
        format!("(p_input - ARRAY[{}]::text[])", keys.join(", "))
    };
    ctx.code.if_then(format_args!("{rest} <> '{{}}'::jsonb"), |c| {
        c.line(format_args!(
            "SELECT pg_catalog.min(k.k) INTO v_key FROM pg_catalog.jsonb_object_keys({rest}) AS k(k);"
        ));
        c.ret(MutationResult::invalid_input(
            &"pg_catalog.format('unknown input key \"%s\"', v_key)",
        ));
    });
}

/// The JSON type a value of `ty` must have (`None`: any).
fn json_kind(ty: &Ty) -> Option<&'static str> {
    match ty {
        Ty::Json | Ty::Jsonb => None,
        t if t.is_numeric() => Some("number"),
        Ty::Boolean => Some("boolean"),
        Ty::Point => Some("object"),
        Ty::Array(_) => Some("array"),
        _ => Some("string"),
    }
}

fn plural(kind: &str) -> &'static str {
    match kind {
        "number" => "numbers",
        "boolean" => "booleans",
        "object" => "objects",
        "array" => "arrays",
        _ => "strings",
    }
}

fn kind_text(kind: &str) -> &'static str {
    match kind {
        "number" => "a JSON number",
        "boolean" => "a JSON boolean",
        "object" => "a JSON object",
        "array" => "a JSON array",
        _ => "a JSON string",
    }
}

/// SQL that turns the JSON scalar `json` (known to have the right JSON type) into `ty`.
fn cast_scalar(json: &str, ty: &Ty) -> String {
    match ty {
        Ty::Jsonb => json.to_string(),
        Ty::Json => format!("{json}::json"),
        Ty::Text | Ty::Null => format!("({json} #>> '{{}}')"),
        Ty::Point => format!(
            "pg_catalog.point(({json} ->> 'latitude')::double precision, ({json} ->> 'longitude')::double precision)"
        ),
        t => format!("({json} #>> '{{}}')::{}", t.sql()),
    }
}

/// The enum values a field of `ty` must take, if it is an enum (or a list of one).
fn enum_values(ty: &FieldType) -> Option<&[String]> {
    match ty {
        FieldType::Enum(v) => Some(v),
        FieldType::List(inner) => enum_values(inner),
        _ => None,
    }
}

fn value_list(values: &[String]) -> String {
    let v: Vec<String> = values.iter().map(|v| Literal(v).to_string()).collect();
    format!("ARRAY[{}]::text[]", v.join(", "))
}

/// Reads and casts every accepted key, in order; leaves `v_key` NULL afterwards.
pub fn emit_reads(ctx: &mut Ctx) {
    let inputs = &ctx.inputs.0[..];
    if inputs.is_empty() {
        return;
    }
    ctx.code.declare("v_json", "jsonb");
    for input in inputs {
        emit_read(ctx, input);
    }
    ctx.code.line("v_key := NULL;");
}

fn declared_type(ctx: &Ctx, input: &Input) -> String {
    match input.mode {
        Mode::Create(f) | Mode::Update(f) | Mode::Value(f) => {
            let field = ctx.project.field(f);
            if matches!(field.ty, FieldType::Ref(_)) {
                "uuid".into()
            } else {
                let e = ctx.project.entity(f.entity);
                format!(
                    "{}.{}%TYPE",
                    Qualified(&e.schema, &e.table()),
                    Ident(&field.column())
                )
            }
        }
        _ => input.ty.sql(),
    }
}

fn emit_read(ctx: &mut Ctx, input: &Input) {
    let key = input.key.as_str();
    let v = var(key);
    let ty = declared_type(ctx, input);
    ctx.code.declare(&format!("in_{key}"), &ty);
    let k = Literal(key).to_string();
    ctx.code.line(format_args!("-- {key}"));
    ctx.code.line(format_args!("v_key := {k};"));
    ctx.code.line(format_args!(
        "v_json := NULLIF(p_input -> {k}, 'null'::jsonb);"
    ));
    let field_ty = match input.mode {
        Mode::Create(f) | Mode::Update(f) | Mode::Value(f) => Some(ctx.project.field(f).ty.clone()),
        _ => None,
    };
    ctx.code.open("IF v_json IS NOT NULL THEN");
    match input.mode {
        Mode::Translations(e) => emit_translations_check(ctx, e, &v),
        Mode::Array => {
            let message = format!("key \"{key}\" must be a JSON array");
            ctx.code
                .if_then("pg_catalog.jsonb_typeof(v_json) <> 'array'", |c| {
                    invalid(c, &message)
                });
            ctx.code.line(format_args!("{v} := v_json;"));
        }
        _ => emit_typed(ctx, key, &v, &input.ty, field_ty.as_ref()),
    }
    let indexed = match input.mode {
        Mode::Identifier => true,
        Mode::Create(f) | Mode::Update(f) | Mode::Value(f) => ctx.project.field(f).unique,
        _ => false,
    };
    if indexed && input.ty == Ty::Text {
        super::rules::emit_index_length(ctx, key, &v);
    }
    ctx.code.close("END IF;");
    match input.mode {
        Mode::Id => {
            required(ctx, &v, &format!("missing required key \"{key}\""));
        }
        Mode::Create(f) => {
            let field = ctx.project.field(f);
            if let Some(d) = field
                .default
                .as_ref()
                .filter(|d| **d != ir::Value::Null && !matches!(field.ty, FieldType::Ref(_)))
            {
                let d = const_sql(d, &field.ty.ty());
                ctx.code.if_then(format_args!("{v} IS NULL"), |c| {
                    c.line(format_args!("{v} := {d};"))
                });
            }
            if field.required {
                required(ctx, &v, &format!("missing required key \"{key}\""));
            }
        }
        Mode::Value(f) if ctx.project.field(f).required => {
            required(ctx, &v, &format!("missing required key \"{key}\""));
        }
        Mode::Update(f) if ctx.project.field(f).required => {
            let m = format!("key \"{key}\" must not be null");
            ctx.code
                .if_then(format_args!("{v} IS NULL AND p_input ? {k}"), |c| {
                    invalid(c, &m)
                });
        }
        _ => {}
    }
}

fn required(ctx: &mut Ctx, v: &str, message: &str) {
    ctx.code
        .if_then(format_args!("{v} IS NULL"), |c| invalid(c, message));
}

pub(super) fn invalid(c: &mut super::Code, message: &str) {
    c.ret(MutationResult::invalid_input(&Literal(message)));
}

/// The condition under which the JSON value `json` (not SQL NULL, not JSON null) does not
/// have the shape of `ty`, and the expected shape in words; `None` when any JSON value
/// is fine (json, jsonb).
pub fn json_mismatch(json: &str, ty: &Ty, enums: Option<&[String]>) -> Option<(String, String)> {
    let kind = json_kind(ty)?;
    let mut bad = format!("pg_catalog.jsonb_typeof({json}) <> '{kind}'");
    match ty {
        Ty::Point => bad.push_str(&format!(
            " OR pg_catalog.jsonb_typeof({json} -> 'latitude') IS DISTINCT FROM 'number' \
             OR pg_catalog.jsonb_typeof({json} -> 'longitude') IS DISTINCT FROM 'number' \
             OR ({json} - ARRAY['latitude', 'longitude']::text[]) <> '{{}}'::jsonb"
        )),
        Ty::Array(inner) => {
            let mut elem = match json_kind(inner) {
                Some(k) => format!("pg_catalog.jsonb_typeof(e.v) <> '{k}'"),
                None => "false".into(),
            };
            if let Some(values) = enums {
                elem.push_str(&format!(
                    " OR (e.v #>> '{{}}') <> ALL ({})",
                    value_list(values)
                ));
            }
            bad.push_str(&format!(
                " OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements({json}) AS e(v) WHERE {elem})"
            ));
        }
        _ => {}
    }
    let expected = match (ty, enums) {
        (Ty::Array(_), Some(values)) => {
            format!("a JSON array of strings among: {}", values.join(", "))
        }
        (Ty::Array(inner), None) => match json_kind(inner) {
            Some(k) => format!("a JSON array of {}", plural(k)),
            None => "a JSON array".into(),
        },
        (Ty::Point, _) => "a JSON object {\"latitude\": number, \"longitude\": number}".into(),
        _ => kind_text(kind).to_string(),
    };
    Some((bad, expected))
}

/// SQL that turns the JSON value `json` (already checked by [`json_mismatch`]) into `ty`.
pub fn cast_json(json: &str, ty: &Ty) -> String {
    match ty {
        Ty::Array(inner) => format!(
            "ARRAY(SELECT {} FROM pg_catalog.jsonb_array_elements({json}) WITH ORDINALITY AS e(v, n) ORDER BY e.n)",
            cast_scalar("e.v", inner)
        ),
        _ => cast_scalar(json, ty),
    }
}

/// Inside `IF v_json IS NOT NULL`: checks the JSON type (and enum values) and assigns.
fn emit_typed(ctx: &mut Ctx, key: &str, v: &str, ty: &Ty, field_ty: Option<&FieldType>) {
    let enums = field_ty.and_then(enum_values);
    if let Some((bad, expected)) = json_mismatch("v_json", ty, enums) {
        let message = format!("key \"{key}\" must be {expected}");
        ctx.code.if_then(&bad, |c| invalid(c, &message));
    }
    if let Some(field_ty) = field_ty {
        super::rules::emit_before_cast(ctx, key, field_ty);
    }
    ctx.code
        .line(format_args!("{v} := {};", cast_json("v_json", ty)));
    if let Some(field_ty) = field_ty {
        super::rules::emit_after_cast(ctx, key, v, field_ty);
    }
    if let (Some(values), false) = (enums, matches!(ty, Ty::Array(_))) {
        let message = format!("key \"{key}\" must be one of: {}", values.join(", "));
        ctx.code
            .if_then(format_args!("{v} <> ALL ({})", value_list(values)), |c| {
                invalid(c, &message)
            });
    }
}

/// `translations`: an object of locale → object of translated fields → string or null.
fn emit_translations_check(ctx: &mut Ctx, e: EntityId, v: &str) {
    let entity = ctx.project.entity(e);
    let fields: Vec<String> = entity
        .translated
        .iter()
        .map(|f| entity.field(*f).name.clone())
        .collect();
    ctx.code
        .if_then("pg_catalog.jsonb_typeof(v_json) <> 'object'", |c| {
            invalid(
                c,
                "key \"translations\" must be a JSON object of locale → object",
            )
        });
    refuse_found(
        ctx,
        "SELECT pg_catalog.min(l.key) INTO v_key FROM pg_catalog.jsonb_each(v_json) AS l \
         WHERE l.key !~ '^[a-z]{2,3}(-[A-Z]{2})?$' OR pg_catalog.jsonb_typeof(l.value) <> 'object';",
        &format!(
            "key \"translations\": locale \"%s\" is invalid (a locale such as fr or pt-BR, mapping to an object of {})",
            fields.join(", ")
        ),
    );
    refuse_found(
        ctx,
        format_args!(
            "SELECT pg_catalog.min(pg_catalog.format('\"%s\": \"%s\"', l.key, f.key)) INTO v_key \
             FROM pg_catalog.jsonb_each(v_json) AS l, pg_catalog.jsonb_each(l.value) AS f \
             WHERE f.key <> ALL ({}) OR pg_catalog.jsonb_typeof(f.value) NOT IN ('string', 'null');",
            value_list(&fields)
        ),
        &format!(
            "key \"translations\": %s is not a translated field with a string or null value (fields: {})",
            fields.join(", ")
        ),
    );
    ctx.code.line(format_args!("{v} := v_json;"));
}

/// `query`, which selects what is wrong into `v_key` (NULL when nothing is), then
/// `invalid_input` with `message` formatted with it (`%s`) when something was.
fn refuse_found(ctx: &mut Ctx, query: impl std::fmt::Display, message: &str) {
    ctx.code.line(query);
    ctx.code.if_then("v_key IS NOT NULL", |c| {
        c.ret(MutationResult::invalid_input(&format_args!(
            "pg_catalog.format({}, v_key)",
            Literal(message)
        )))
    });
}

/// Resolves every reference input to its target's `pk_*` within the tenant.
pub fn emit_references(ctx: &mut Ctx) {
    let inputs = &ctx.inputs.0[..];
    for input in inputs {
        let (Mode::Create(f) | Mode::Update(f) | Mode::Value(f)) = input.mode else {
            continue;
        };
        let field = ctx.project.field(f);
        let Some(target) = ref_target(ctx.project, field) else {
            continue;
        };
        let v = var(&input.key);
        let fk = fk_var(&input.key);
        ctx.code.declare(&format!("v_fk_{}", input.key), "integer");
        let message = Literal(&format!(
            "key \"{}\": no {} with id %s",
            input.key, target.name
        ))
        .to_string();
        let lookup = format!(
            "SELECT {} INTO {fk} FROM {} AS x WHERE x.id = {v} AND {};",
            col("x", &target.pk_column()),
            table(target),
            live_in_tenant(target, "x")
        );
        ctx.code.if_then(format_args!("{v} IS NOT NULL"), |c| {
            c.line(lookup);
            c.if_then("NOT FOUND", |c| {
                c.ret(MutationResult::failure(
                    &"'reference_not_found'",
                    &format_args!("pg_catalog.format({message}, {v})"),
                ))
            });
        });
    }
}
