//! Inserts and the values they store: input values cast and references resolved
//! (`reference_not_found`), assignment values, and the translations upsert.

use super::expr::sql;
use super::identifier::emit_insert_derived;
use super::input;
use super::{Ctx, col, live_in_tenant, table};
use crate::backend::postgres::checks;
use crate::backend::postgres::quote::{Ident, Literal, Qualified};
use crate::ir::{Assignment, EntityId, ExprKind, FieldRef, FieldType};

/// The value SQL of field `f` from input: the cast local, or the resolved `fk_*`.
pub(super) fn input_value(ctx: &Ctx, f: FieldRef) -> String {
    let field = ctx.project.field(f);
    let key = field.public_key();
    match field.ty {
        FieldType::Ref(_) => input::fk_var(&key),
        _ => input::var(&key),
    }
}

pub(super) fn emit_insert_from_input(ctx: &mut Ctx, eid: EntityId) {
    let e = ctx.project.entity(eid);
    let values: Vec<(String, String)> = e
        .field_ids()
        .map(|field| {
            let f = FieldRef { entity: eid, field };
            (e.field(field).column(), input_value(ctx, f))
        })
        .collect();
    let identifier = if e.identifier_from.is_empty() {
        Some(input::var("identifier"))
    } else {
        None
    };
    emit_insert(ctx, eid, values, identifier);
}

/// `INSERT` into `eid`'s table; for the action's own entity the row lands in `v_row`.
/// `identifier`: the value when the entity does not derive it.
pub(super) fn emit_insert(
    ctx: &mut Ctx,
    eid: EntityId,
    values: Vec<(String, String)>,
    identifier: Option<String>,
) {
    let e = ctx.project.entity(eid);
    let mut columns = Vec::new();
    let mut exprs = Vec::new();
    if e.tenant_scoped {
        columns.push("tenant_id".to_string());
        exprs.push("p_tenant_id".to_string());
    }
    let derived = !e.identifier_from.is_empty();
    let sources: Vec<String> = e
        .identifier_from
        .iter()
        .map(|f| {
            let column = e.field(*f).column();
            values
                .iter()
                .find(|(c, _)| *c == column)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "NULL::text".into())
        })
        .collect();
    if derived {
        columns.push("identifier".into());
        exprs.push("v_identifier".into());
    } else if let Some(identifier) = identifier {
        columns.push("identifier".into());
        exprs.push(identifier);
    }
    for (c, v) in values {
        columns.push(Ident(&c).to_string());
        exprs.push(v);
    }
    columns.extend(["created_by".to_string(), "updated_by".to_string()]);
    exprs.extend(["p_user_id".to_string(), "p_user_id".to_string()]);
    // The action's own row, when the action creates it (a top-level insert); an insert
    // of the own entity nested in a loop of an action without a row of its own only
    // adds rows.
    let own = eid == ctx.eid && ctx.creating;
    let returning = if own {
        format!(" RETURNING t.* INTO {}", ctx.row_var())
    } else {
        String::new()
    };
    let insert = format!(
        "INSERT INTO {} AS t ({}) VALUES ({})",
        table(e),
        columns.join(", "),
        exprs.join(", ")
    );
    if derived {
        emit_insert_derived(ctx, e, &sources, &insert, &returning);
    } else {
        ctx.code.line(format_args!("{insert}{returning};"));
    }
    ctx.wrote = true;
    if own {
        ctx.row_loaded = true;
    }
}

/// Resolves a reference value (a UUID SQL expression) to the target's `pk_*` in a
/// fresh local, failing with `reference_not_found` when it does not resolve.
pub(super) fn resolve_ref(ctx: &mut Ctx, target: EntityId, uuid: String, field: &str) -> String {
    let t = ctx.project.entity(target);
    let id = ctx.temp("ref", "uuid");
    let pk = ctx.temp("ref_pk", "integer");
    ctx.code.line(format_args!("{id} := {uuid};"));
    ctx.code.open(format_args!("IF {id} IS NOT NULL THEN"));
    ctx.code.line(format_args!(
        "SELECT {} INTO {pk} FROM {} AS x WHERE x.id = {id} AND {};",
        col("x", &t.pk_column()),
        table(t),
        live_in_tenant(t, "x")
    ));
    let message = Literal(&format!("{field}: no {} with id %s", t.name)).to_string();
    ctx.code.open("IF NOT FOUND THEN");
    ctx.fail(
        "'reference_not_found'",
        &format!("pg_catalog.format({message}, {id})"),
    );
    ctx.code.close("END IF;");
    ctx.code.close("END IF;");
    pk
}

/// The value SQL to store for an assignment to a row of `eid` (references resolved,
/// `reference_not_found` when they do not); `alias` names the filtered row.
pub(super) fn assigned_value(ctx: &mut Ctx, eid: EntityId, a: &Assignment, alias: &str) -> String {
    let field = ctx.project.entity(eid).field(a.field);
    match (&field.ty, &a.value.kind) {
        (FieldType::Ref(_), ExprKind::InputField(f)) => {
            input::fk_var(&ctx.project.field(*f).public_key())
        }
        (FieldType::Ref(t), _) => {
            let t = *t;
            let name = field.name.clone();
            let uuid = sql(ctx, &a.value, alias);
            resolve_ref(ctx, t, uuid, &name)
        }
        // An item of a `foreach` array is input too (LANGUAGE §4.4): a value its field's
        // rule refuses is `invalid_input` naming the array's key and the item key.
        (ty, ExprKind::Item { var, key }) => {
            let ty = ty.clone();
            let value = sql(ctx, &a.value, alias);
            if let (Some(cond), Some(rule)) =
                (checks::value_check(&value, &ty), checks::rule_text(&ty))
            {
                let array = ctx
                    .items
                    .iter()
                    .rev()
                    .find(|(v, _, _)| v == var)
                    .map(|(_, _, k)| k.clone())
                    .unwrap_or_default();
                ctx.code.open(format_args!("IF NOT ({cond}) THEN"));
                ctx.fail_const(
                    "invalid_input",
                    &format!("key \"{array}\": item key \"{key}\" must be {rule}"),
                );
                ctx.code.close("END IF;");
            }
            value
        }
        _ => sql(ctx, &a.value, alias),
    }
}

/// Upserts `translations` of the action's row (standard create and update).
pub(super) fn emit_translations(ctx: &mut Ctx) {
    let e = ctx.entity;
    if e.translated.is_empty() {
        return;
    }
    ctx.code.declare("v_locale", "text");
    ctx.code.declare("v_texts", "jsonb");
    let row = ctx.row_var();
    let fields: Vec<String> = e
        .translated
        .iter()
        .map(|f| e.field(*f).name.clone())
        .collect();
    let fk = crate::backend::postgres::naming::link_column(&e.snake);
    let mut columns = vec![Ident(&fk).to_string()];
    let mut values = vec![col(row, &e.pk_column())];
    if e.tenant_scoped {
        columns.push("tenant_id".into());
        values.push("p_tenant_id".into());
    }
    columns.push("locale".into());
    values.push("v_locale".into());
    let mut sets = Vec::new();
    for f in &fields {
        columns.push(Ident(f).to_string());
        values.push(format!("v_texts ->> {}", Literal(f)));
        sets.push(format!(
            "{} = CASE WHEN v_texts ? {} THEN EXCLUDED.{} ELSE {} END",
            Ident(f),
            Literal(f),
            Ident(f),
            col("l", f)
        ));
    }
    columns.extend(["created_by".into(), "updated_by".into()]);
    values.extend(["p_user_id".into(), "p_user_id".into()]);
    sets.push("updated_at = pg_catalog.now()".into());
    sets.push("updated_by = p_user_id".into());
    let v = input::var("translations");
    ctx.code.open(format_args!("IF {v} IS NOT NULL THEN"));
    ctx.code.open(format_args!(
        "FOR v_locale, v_texts IN SELECT l.key, l.value FROM pg_catalog.jsonb_each({v}) AS l ORDER BY l.key LOOP"
    ));
    ctx.code.line(format_args!(
        "INSERT INTO {} AS l ({}) VALUES ({}) ON CONFLICT ({}, locale) DO UPDATE SET {};",
        Qualified(&e.schema, &e.translation_table()),
        columns.join(", "),
        values.join(", "),
        Ident(&fk),
        sets.join(", ")
    ));
    ctx.code.close("END LOOP;");
    ctx.code.close("END IF;");
}
