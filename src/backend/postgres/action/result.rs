//! The `app.mutation_result` an action returns: `object_data` (the row as the public API
//! sees it, LANGUAGE §4) and the exception handler that maps the few SQLSTATEs that are
//! user errors to failure results.

use super::{Ctx, col, table};
use crate::backend::postgres::naming;
use crate::backend::postgres::quote::{Ident, Literal};
use crate::ir::{Entity, FieldType, Rich};

/// `jsonb_build_object` accepts at most 100 arguments: larger objects are concatenated.
const PAIRS_PER_CALL: usize = 50;

/// `object_data` for `row` (a `%ROWTYPE` local) of entity `e`: `id`, `identifier`,
/// business fields (references as `<field>_id` UUIDs, coordinates as an object),
/// `created_at`, `updated_at`, and `translations` where enabled.
/// `ref_var(field)` names the local holding a reference's public UUID.
pub fn object_data(e: &Entity, row: &str, ref_var: impl Fn(&crate::ir::Field) -> String) -> String {
    let mut pairs = vec![
        ("id".to_string(), col(row, "id")),
        ("identifier".to_string(), col(row, "identifier")),
    ];
    for f in &e.fields {
        let value = col(row, &f.column());
        let json = match &f.ty {
            FieldType::Ref(_) => ref_var(f),
            FieldType::Rich(Rich::Coordinates) => format!(
                "CASE WHEN {value} IS NULL THEN NULL ELSE pg_catalog.jsonb_build_object('latitude', {value}[0], 'longitude', {value}[1]) END"
            ),
            _ => value,
        };
        pairs.push((f.public_key(), json));
    }
    pairs.push(("created_at".into(), col(row, "created_at")));
    pairs.push(("updated_at".into(), col(row, "updated_at")));
    if !e.translated.is_empty() {
        pairs.push(("translations".into(), translations(e, row)));
    }
    let calls: Vec<String> = pairs
        .chunks(PAIRS_PER_CALL)
        .map(|chunk| {
            let args: Vec<String> = chunk
                .iter()
                .map(|(k, v)| format!("{}, {v}", Literal(k)))
                .collect();
            format!("pg_catalog.jsonb_build_object({})", args.join(", "))
        })
        .collect();
    calls.join(" || ")
}

/// `{locale: {field: value}}` from `tl_<snake>`.
fn translations(e: &Entity, row: &str) -> String {
    let fields: Vec<String> = e
        .translated
        .iter()
        .map(|f| {
            let name = &e.field(*f).name;
            format!("{}, {}", Literal(name), col("l", name))
        })
        .collect();
    let tenant = if e.tenant_scoped {
        " AND l.tenant_id = p_tenant_id"
    } else {
        ""
    };
    format!(
        "COALESCE((SELECT pg_catalog.jsonb_object_agg(l.locale, pg_catalog.jsonb_build_object({})) FROM {}.{} AS l WHERE {} = {}{tenant}), '{{}}'::jsonb)",
        fields.join(", "),
        Ident(&e.schema),
        Ident(&e.translation_table()),
        col("l", &naming::link_column(&e.snake)),
        col(row, &e.pk_column()),
    )
}

/// The success result: `object_data` of the action's row (NULL when a creating custom
/// action inserted nothing), `_meta` from `meta` (a jsonb SQL expression) if any.
pub fn success(ctx: &mut Ctx, meta: Option<String>) -> String {
    let meta = meta.unwrap_or_else(|| "NULL".into());
    if ctx.facts.row == crate::analysis::RowRole::Neither {
        // The action never had a row of its own (it only writes other entities).
        return format!("ROW(true, NULL, NULL, NULL, {meta})::app.mutation_result");
    }
    let row = ctx.row_var();
    // References' public UUIDs are looked up before the RETURN (and only when set), so
    // that the RETURN stays a simple expression PL/pgSQL evaluates without the executor.
    let e = ctx.entity;
    for f in &e.fields {
        if let FieldType::Ref(t) = f.ty {
            let target = ctx.project.entity(t);
            let var = public_ref_var(f);
            let fk = col(row, &f.column());
            ctx.code.declare(&var, "uuid");
            ctx.code.line(format!("{var} := NULL;"));
            ctx.code.if_then(&format!("{fk} IS NOT NULL"), |c| {
                c.line(format!(
                    "SELECT r.id INTO {var} FROM {} AS r WHERE {} = {fk};",
                    table(target),
                    col("r", &target.pk_column())
                ));
            });
        }
    }
    let data = object_data(ctx.entity, row, public_ref_var);
    let data = if ctx.creating && matches!(ctx.action.kind, crate::ir::ActionKind::Custom(_)) {
        format!(
            "CASE WHEN {} IS NULL THEN NULL ELSE {data} END",
            col(row, &ctx.entity.pk_column())
        )
    } else {
        data
    };
    format!("ROW(true, NULL, NULL, {data}, {meta})::app.mutation_result")
}

/// The local that holds the public UUID of reference field `f` for `object_data`.
fn public_ref_var(f: &crate::ir::Field) -> String {
    format!("v_out_{}", f.name)
}

/// The handler of the action's block: user errors only, never `OTHERS`.
pub fn emit_handlers(ctx: &mut Ctx) {
    ctx.code.declare("v_code", "text");
    ctx.code.declare("v_message", "text");
    let c = &mut ctx.code;
    let invalid_key = "RETURN ROW(false, 'invalid_input', pg_catalog.format('key \"%s\": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;";
    handler(c, "SQLSTATE 'SQ001'", |c| {
        c.line("GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_code = PG_EXCEPTION_DETAIL;");
        c.line("RETURN ROW(false, v_code, v_message, NULL, NULL)::app.mutation_result;");
    });
    // 22003 while reading input is a bad value; in a step it is a computed value that
    // does not fit its column.
    handler(c, "numeric_value_out_of_range", |c| {
        c.if_then("v_key IS NULL", |c| {
            c.line("RETURN ROW(false, 'out_of_range', SQLERRM, NULL, NULL)::app.mutation_result;")
        });
        c.line(invalid_key);
    });
    // Cast failures are user errors only while an input key is being read.
    handler(
        c,
        "invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow \
         OR interval_field_overflow OR invalid_time_zone_displacement_value OR invalid_parameter_value",
        |c| {
            c.if_then("v_key IS NULL", |c| c.line("RAISE;"));
            c.line(invalid_key);
        },
    );
    emit_not_null_handler(ctx);
    emit_index_size_handler(ctx);
    let c = &mut ctx.code;
    for (condition, code) in [
        ("unique_violation", "unique_violation"),
        ("check_violation", "check_violation"),
        ("foreign_key_violation", "reference_not_found"),
    ] {
        handler(c, condition, |c| {
            c.line(format!(
                "RETURN ROW(false, '{code}', SQLERRM, NULL, NULL)::app.mutation_result;"
            ))
        });
    }
}

fn handler(c: &mut super::Code, condition: &str, body: impl FnOnce(&mut super::Code)) {
    c.open(format!("WHEN {condition} THEN"));
    body(c);
    c.indent_out();
}

/// `not_null_violation` on a required business field of a table this action writes is
/// `invalid_input` naming the field (documented decision): a step can only produce that
/// NULL from the caller's input (a missing `$key`, an item key) or from the spec's own
/// expression over it, and LANGUAGE §4.4 makes a required field set to NULL an input
/// error. A NOT NULL violation of any other column (`tenant_id`, audit columns) would be
/// a compiler bug, so it propagates.
fn emit_not_null_handler(ctx: &mut Ctx) {
    let mut cases = Vec::new();
    let facts = ctx.facts;
    for &eid in &facts.written {
        let e = ctx.project.entity(eid);
        for f in e.fields.iter().filter(|f| f.required) {
            let path = format!("{}.{}.{}", e.schema, e.table(), f.column());
            let message = format!("{} of {} must not be null", f.public_key(), e.name);
            cases.push(format!(
                "WHEN {} THEN {}",
                Literal(&path),
                Literal(&message)
            ));
        }
    }
    if cases.is_empty() {
        return;
    }
    for name in ["v_schema", "v_table", "v_column"] {
        ctx.code.declare(name, "text");
    }
    let c = &mut ctx.code;
    handler(c, "not_null_violation", |c| {
        c.line("GET STACKED DIAGNOSTICS v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME;");
        c.line(format!(
            "v_message := CASE pg_catalog.concat_ws('.', v_schema, v_table, v_column) {} END;",
            cases.join(" ")
        ));
        c.if_then("v_message IS NULL", |c| c.line("RAISE;"));
        c.line("RETURN ROW(false, 'invalid_input', v_message, NULL, NULL)::app.mutation_result;");
    });
}

/// `program_limit_exceeded` (54000) raised by a unique index of a table this action
/// writes is `invalid_input` naming the key whose value is too long for a btree entry
/// (LANGUAGE §4.4): the field's key for a unique field, `identifier` or the source keys of
/// a derived one for the identifier index. The index decides (values are compressed
/// before the limit applies), so the check is the insert itself, and the index name that
/// PostgreSQL reports as `CONSTRAINT_NAME` says which key it was. Any other 54000
/// propagates.
fn emit_index_size_handler(ctx: &mut Ctx) {
    let mut cases = Vec::new();
    let facts = ctx.facts;
    for &eid in &facts.written {
        let e = ctx.project.entity(eid);
        let table = e.table();
        let mut indexes = Vec::new();
        let identifier = if e.identifier_from.is_empty() {
            "\"identifier\"".to_string()
        } else {
            let keys: Vec<String> = e
                .identifier_from
                .iter()
                .map(|f| format!("\"{}\"", e.field(*f).public_key()))
                .collect();
            keys.join(", ")
        };
        indexes.push((naming::unique_live(&table, "identifier"), identifier));
        for f in e.fields.iter().filter(|f| f.unique) {
            indexes.push((
                naming::unique_live(&table, &f.column()),
                format!("\"{}\"", f.public_key()),
            ));
        }
        for (index, keys) in indexes {
            let path = format!("{}.{index}", e.schema);
            let message = format!(
                "key {keys}: the value is too long for a unique index (at most about 2,700 bytes once compressed)"
            );
            cases.push(format!(
                "WHEN {} THEN {}",
                Literal(&path),
                Literal(&message)
            ));
        }
    }
    if cases.is_empty() {
        return;
    }
    ctx.code.declare("v_schema", "text");
    ctx.code.declare("v_constraint", "text");
    let c = &mut ctx.code;
    handler(c, "program_limit_exceeded", |c| {
        c.line("GET STACKED DIAGNOSTICS v_schema = SCHEMA_NAME, v_constraint = CONSTRAINT_NAME;");
        c.line(format!(
            "v_message := CASE pg_catalog.concat_ws('.', v_schema, v_constraint) {} END;",
            cases.join(" ")
        ));
        c.if_then("v_message IS NULL", |c| c.line("RAISE;"));
        c.line("RETURN ROW(false, 'invalid_input', v_message, NULL, NULL)::app.mutation_result;");
    });
}
