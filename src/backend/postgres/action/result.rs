//! The `app.mutation_result` an action returns: the [`MutationResult`] builder,
//! `object_data` (the row as the public API sees it, LANGUAGE §4) and the exception
//! handler that hands the few SQLSTATEs that are user errors to the shared
//! `app.mutation_failure` (see `prelude`).

use std::fmt;

use super::{Ctx, col, table};
use crate::backend::postgres::naming;
use crate::backend::postgres::plpgsql::{Handler, Raise, Stmt};
use crate::backend::postgres::prelude::CAST_FAILURES;
use crate::backend::postgres::quote::{Ident, Literal};
use crate::ir::{Entity, FieldType, Rich};

/// `jsonb_build_object` accepts at most 100 arguments: larger objects are concatenated.
const PAIRS_PER_CALL: usize = 50;

/// `ROW(...)::app.mutation_result`: a success with its `object_data` and `_meta`, or a
/// failure with its error code and message. Every part is SQL expression text, borrowed:
/// a result is written where it is used (its `Display` is the row), never built first.
#[derive(Clone, Copy)]
pub enum MutationResult<'a> {
    Success {
        data: &'a dyn fmt::Display,
        meta: &'a dyn fmt::Display,
    },
    Failure {
        code: &'a dyn fmt::Display,
        message: &'a dyn fmt::Display,
    },
}

impl<'a> MutationResult<'a> {
    /// A failure: `code` and `message` are SQL text expressions.
    pub fn failure(code: &'a dyn fmt::Display, message: &'a dyn fmt::Display) -> Self {
        MutationResult::Failure { code, message }
    }

    /// An `invalid_input` failure with `message`, an SQL text expression.
    pub fn invalid_input(message: &'a dyn fmt::Display) -> Self {
        MutationResult::failure(&"'invalid_input'", message)
    }
}

impl fmt::Display for MutationResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MutationResult::Success { data, meta } => write!(
                f,
                "ROW(true, NULL, NULL, {data}, {meta})::app.mutation_result"
            ),
            MutationResult::Failure { code, message } => write!(
                f,
                "ROW(false, {code}, {message}, NULL, NULL)::app.mutation_result"
            ),
        }
    }
}

/// `object_data` for `row` (a `%ROWTYPE` local) of entity `e`: `id`, `identifier`,
/// business fields (references as `<field>_id` UUIDs read from their `v_out_<field>`
/// local, coordinates as an object), `created_at`, `updated_at`, and `translations` where
/// enabled; written in place, `PAIRS_PER_CALL` pairs per `jsonb_build_object`.
struct ObjectData<'a> {
    entity: &'a Entity,
    row: &'a str,
}

impl fmt::Display for ObjectData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (e, row) = (self.entity, self.row);
        let mut written = 0;
        let mut pair = |f: &mut fmt::Formatter<'_>, key: &str, value: &dyn fmt::Display| {
            f.write_str(match written % PAIRS_PER_CALL {
                0 if written > 0 => ") || pg_catalog.jsonb_build_object(",
                0 => "pg_catalog.jsonb_build_object(",
                _ => ", ",
            })?;
            written += 1;
            write!(f, "{}, {value}", Literal(key))
        };
        pair(f, "id", &Column(row, "id"))?;
        pair(f, "identifier", &Column(row, "identifier"))?;
        for field in &e.fields {
            let column = field.column();
            let value = Column(row, &column);
            let key = field.public_key();
            match &field.ty {
                FieldType::Ref(_) => pair(f, &key, &format_args!("{}", public_ref_var(field)))?,
                FieldType::Rich(Rich::Coordinates) => pair(
                    f,
                    &key,
                    &format_args!(
                        "CASE WHEN {value} IS NULL THEN NULL ELSE pg_catalog.jsonb_build_object('latitude', {value}[0], 'longitude', {value}[1]) END"
                    ),
                )?,
                _ => pair(f, &key, &value)?,
            }
        }
        pair(f, "created_at", &Column(row, "created_at"))?;
        pair(f, "updated_at", &Column(row, "updated_at"))?;
        if !e.translated.is_empty() {
            pair(f, "translations", &translations(e, row))?;
        }
        f.write_str(")")
    }
}

/// `alias.column`, the column quoted when it needs to be (as [`col`] writes it).
struct Column<'a>(&'a str, &'a str);

impl fmt::Display for Column<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, Ident(self.1))
    }
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

/// Writes the success `RETURN`: `object_data` of the action's row (NULL when a creating
/// custom action inserted nothing), `_meta` from `meta` (a jsonb SQL expression).
pub fn emit_success(ctx: &mut Ctx, meta: &dyn fmt::Display) {
    if ctx.facts.row == crate::analysis::RowRole::Neither {
        // The action never had a row of its own (it only writes other entities).
        ctx.code.ret(MutationResult::Success {
            data: &"NULL",
            meta,
        });
        return;
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
            ctx.code.line(format_args!("{var} := NULL;"));
            ctx.code.if_then(format_args!("{fk} IS NOT NULL"), |c| {
                c.line(format_args!(
                    "SELECT r.id INTO {var} FROM {} AS r WHERE {} = {fk};",
                    table(target),
                    col("r", &target.pk_column())
                ));
            });
        }
    }
    let data = ObjectData { entity: e, row };
    if ctx.creating && matches!(ctx.action.kind, crate::ir::ActionKind::Custom(_)) {
        let pk = col(row, &e.pk_column());
        let data = format_args!("CASE WHEN {pk} IS NULL THEN NULL ELSE {data} END");
        ctx.code.ret(MutationResult::Success { data: &data, meta });
    } else {
        ctx.code.ret(MutationResult::Success { data: &data, meta });
    }
}

/// The local that holds the public UUID of reference field `f` for `object_data`.
fn public_ref_var(f: &crate::ir::Field) -> String {
    format!("v_out_{}", f.name)
}

/// The handler of the action's block: user errors only, never `OTHERS`. The mapping is
/// `app.mutation_failure`, the same for every action; the handler passes it the error's
/// fields and the action's two tables (required business fields of the tables it writes,
/// unique indexes of those tables), and re-raises what it does not map. The condition
/// list decides which errors are caught at all: 23502 and 54000 only when the action has
/// such a field or index.
pub fn handler(ctx: &mut Ctx) -> Handler {
    let not_null = not_null_messages(ctx);
    let too_long = index_size_messages(ctx);
    let mut conditions = vec!["SQLSTATE 'SQ001'", "numeric_value_out_of_range"];
    conditions.extend(CAST_FAILURES.iter().map(|(name, _)| *name));
    if !not_null.is_empty() {
        conditions.push("not_null_violation");
    }
    if !too_long.is_empty() {
        conditions.push("program_limit_exceeded");
    }
    conditions.extend([
        "unique_violation",
        "check_violation",
        "foreign_key_violation",
    ]);
    for name in [
        "v_detail",
        "v_schema",
        "v_table",
        "v_column",
        "v_constraint",
    ] {
        ctx.code.declare(name, "text");
    }
    ctx.code.declare("v_failure", "app.mutation_result");
    let failure = format!(
        "app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, {}, {})",
        json_table(&not_null),
        json_table(&too_long)
    );
    Handler {
        conditions: conditions.into_iter().map(String::from).collect(),
        body: vec![
            Stmt::Sql(
                "GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, \
                 v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME"
                    .into(),
            ),
            Stmt::Assign {
                target: "v_failure".into(),
                value: failure,
            },
            Stmt::if_then("v_failure IS NULL", vec![Stmt::Raise(Raise::Again)]),
            Stmt::Return("v_failure".into()),
        ],
    }
}

/// `'{"<path>": "<message>", ...}'::jsonb`, or `NULL` for no entry.
fn json_table(entries: &[(String, String)]) -> String {
    if entries.is_empty() {
        return "NULL".into();
    }
    // The first entry for a path wins, as the first `WHEN` of a `CASE` would.
    let mut map = serde_json::Map::new();
    for (path, message) in entries {
        if !map.contains_key(path) {
            map.insert(path.clone(), serde_json::Value::String(message.clone()));
        }
    }
    let text = serde_json::Value::Object(map).to_string();
    format!("{}::jsonb", Literal(&text))
}

/// `schema.table.column` → message, for `not_null_violation` on a required business field
/// of a table this action writes: that is `invalid_input` naming the field (documented
/// decision): a step can only produce that NULL from the caller's input (a missing
/// `$key`, an item key) or from the spec's own expression over it, and LANGUAGE §4.4
/// makes a required field set to NULL an input error. A NOT NULL violation of any other
/// column (`tenant_id`, audit columns) would be a compiler bug, so it propagates.
fn not_null_messages(ctx: &Ctx) -> Vec<(String, String)> {
    let mut cases = Vec::new();
    let facts = ctx.facts;
    for &eid in &facts.written {
        let e = ctx.project.entity(eid);
        for f in e.fields.iter().filter(|f| f.required) {
            let path = format!("{}.{}.{}", e.schema, e.table(), f.column());
            let message = format!("{} of {} must not be null", f.public_key(), e.name);
            cases.push((path, message));
        }
    }
    cases
}

/// `schema.index` → message, for `program_limit_exceeded` (54000) raised by a unique
/// index of a table this action writes: `invalid_input` naming the key whose value is too
/// long for a btree entry (LANGUAGE §4.4): the field's key for a unique field,
/// `identifier` or the source keys of a derived one for the identifier index. The index
/// decides (values are compressed before the limit applies), so the check is the insert
/// itself, and the index name that PostgreSQL reports as `CONSTRAINT_NAME` says which key
/// it was. Any other 54000 propagates.
fn index_size_messages(ctx: &Ctx) -> Vec<(String, String)> {
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
            cases.push((path, message));
        }
    }
    cases
}
