//! Steps (LANGUAGE §4.1, §4.2) → PL/pgSQL statements: the target-row lookup, standard
//! create/update/delete, and every custom step kind.
//!
//! Writes to the action's row go through `v_new` (a copy of `v_row`): assignments are
//! evaluated against the old row (SQL `SET` semantics), then the derived identifier and
//! the hierarchy are checked, and one static `UPDATE ... RETURNING t.* INTO v_row` writes
//! the result, so later steps see the row as stored. A filtered `update: ... WHERE`
//! whose assignments need those row rules (a reference to resolve, an identifier source,
//! the parent) runs the same code per row, over the matching rows locked in `pk` order.

use super::expr::{item_var, sql};
use super::identifier::{
    emit_cycle_check, emit_first_free, emit_insert_derived, emit_next_suffix, emit_slug, index_name,
};
use super::input::{self, Mode};
use super::result::success;
use super::{Ctx, col, live_in_tenant, table};
use crate::backend::postgres::quote::{Ident, Literal, Qualified};
use crate::ir::{
    ActionKind, Assignment, EntityId, ExprKind, FieldId, FieldRef, FieldType, Step, StepKind, Ty,
};

/// `id` → `v_row`, locked, within the tenant and among live rows; `not_found` otherwise.
pub fn emit_find_target(ctx: &mut Ctx) {
    let e = ctx.entity;
    let row = ctx.row_var();
    ctx.code.line(format!(
        "SELECT t.* INTO {row} FROM {} AS t WHERE t.id = {} AND {} FOR NO KEY UPDATE;",
        table(e),
        input::var("id"),
        live_in_tenant(e, "t")
    ));
    let message = Literal(&format!("no {} with id %s", e.name)).to_string();
    let id = input::var("id");
    ctx.code.if_then("NOT FOUND", |c| {
        c.line(format!(
            "RETURN ROW(false, 'not_found', pg_catalog.format({message}, {id}), NULL, NULL)::app.mutation_result;"
        ))
    });
    ctx.row_loaded = true;
}

pub fn emit_standard_create(ctx: &mut Ctx) {
    emit_insert_from_input(ctx, ctx.eid);
    emit_translations(ctx);
}

pub fn emit_standard_update(ctx: &mut Ctx) {
    emit_update_target(ctx, &[], true);
    emit_translations(ctx);
}

/// The value SQL of field `f` from input: the cast local, or the resolved `fk_*`.
fn input_value(ctx: &Ctx, f: FieldRef) -> String {
    let field = ctx.project.field(f);
    let key = field.public_key();
    match field.ty {
        FieldType::Ref(_) => input::fk_var(&key),
        _ => input::var(&key),
    }
}

fn emit_insert_from_input(ctx: &mut Ctx, eid: EntityId) {
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
fn emit_insert(
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
        ctx.code.line(format!("{insert}{returning};"));
    }
    ctx.wrote = true;
    if own {
        ctx.row_loaded = true;
    }
}

/// Resolves a reference value (a UUID SQL expression) to the target's `pk_*` in a
/// fresh local, failing with `reference_not_found` when it does not resolve.
fn resolve_ref(ctx: &mut Ctx, target: EntityId, uuid: String, field: &str) -> String {
    let t = ctx.project.entity(target);
    let id = ctx.temp("ref", "uuid");
    let pk = ctx.temp("ref_pk", "integer");
    ctx.code.line(format!("{id} := {uuid};"));
    ctx.code.open(format!("IF {id} IS NOT NULL THEN"));
    ctx.code.line(format!(
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
fn assigned_value(ctx: &mut Ctx, eid: EntityId, a: &Assignment, alias: &str) -> String {
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
        _ => sql(ctx, &a.value, alias),
    }
}

/// Updates the action's row from `set` and/or input (`from_input`).
fn emit_update_target(ctx: &mut Ctx, set: &[Assignment], from_input: bool) {
    let row = ctx.row_var();
    ctx.code
        .declare("v_new", &format!("{}%ROWTYPE", table(ctx.entity)));
    let update = RowUpdate {
        eid: ctx.eid,
        row,
        new: "v_new",
        alias: "t",
        refresh: true,
    };
    emit_row_update(ctx, &update, set, from_input);
}

/// One row update: `row` is a `%ROWTYPE` local holding the locked row, `new` a local of
/// the same type that receives the new values.
struct RowUpdate<'a> {
    eid: EntityId,
    row: &'a str,
    new: &'a str,
    /// The alias that `Row::Filtered` columns of the assigned expressions read.
    alias: &'a str,
    /// `RETURNING t.* INTO row` (the action's own row, which later steps read).
    refresh: bool,
}

/// Assignments are evaluated against the old row (SQL `SET` semantics) into `new`; then
/// the derived identifier is recomputed when a source got a different value, a parent
/// change is checked for cycles, and one static `UPDATE` writes the assigned columns.
fn emit_row_update(ctx: &mut Ctx, u: &RowUpdate, set: &[Assignment], from_input: bool) {
    let e = ctx.project.entity(u.eid);
    let (row, new) = (u.row, u.new);
    ctx.code.line(format!("{new} := {row};"));
    let mut assigned: Vec<FieldId> = Vec::new();
    let mut identifier_given = false;
    if from_input {
        for field in e.field_ids() {
            let f = FieldRef {
                entity: u.eid,
                field,
            };
            let key = e.field(field).public_key();
            if !matches!(ctx.inputs.get(&key).map(|i| i.mode), Some(Mode::Update(_))) {
                continue;
            }
            let value = input_value(ctx, f);
            let column = col(new, &e.field(field).column());
            ctx.code
                .if_then(&format!("p_input ? {}", Literal(&key)), |c| {
                    c.line(format!("{column} := {value};"))
                });
            assigned.push(field);
        }
        if e.identifier_from.is_empty()
            && matches!(
                ctx.inputs.get("identifier").map(|i| i.mode),
                Some(Mode::Identifier)
            )
        {
            let v = input::var("identifier");
            let column = col(new, "identifier");
            ctx.code.if_then("p_input ? 'identifier'", |c| {
                c.line(format!("{column} := {v};"))
            });
            identifier_given = true;
        }
    }
    for a in set {
        let value = assigned_value(ctx, u.eid, a, u.alias);
        let column = col(new, &e.field(a.field).column());
        ctx.code.line(format!("{column} := {value};"));
        if !assigned.contains(&a.field) {
            assigned.push(a.field);
        }
    }
    let pk = col(row, &e.pk_column());
    let derive = e.identifier_from.iter().any(|f| assigned.contains(f));
    if derive {
        let source = |r: &str| -> Vec<String> {
            e.identifier_from
                .iter()
                .map(|f| col(r, &e.field(*f).column()))
                .collect()
        };
        let new_sources = source(new);
        ctx.code.declare("v_slug", "text");
        ctx.code.line("v_slug := NULL;");
        ctx.code.open(format!(
            "IF ROW({}) IS DISTINCT FROM ROW({}) THEN",
            new_sources.join(", "),
            source(row).join(", ")
        ));
        emit_slug(ctx, &new_sources);
        let target = col(new, "identifier");
        ctx.code.line(format!("{target} := v_slug;"));
        ctx.code.open("IF v_slug IS NOT NULL THEN");
        emit_first_free(ctx, e, &target, Some(&pk));
        ctx.code.close("END IF;");
        ctx.code.close("END IF;");
    }
    if let Some(parent) = e.parent.filter(|p| assigned.contains(p)) {
        let c = e.field(parent).column();
        let new_parent = col(new, &c);
        ctx.code.open(format!(
            "IF {new_parent} IS DISTINCT FROM {} THEN",
            col(row, &c)
        ));
        emit_cycle_check(ctx, e, &c, &new_parent, &pk);
        ctx.code.close("END IF;");
    }
    let mut sets: Vec<String> = assigned
        .iter()
        .map(|f| {
            let c = e.field(*f).column();
            format!("{} = {}", Ident(&c), col(new, &c))
        })
        .collect();
    if derive || identifier_given {
        sets.push(format!("identifier = {}", col(new, "identifier")));
    }
    sets.push("updated_at = pg_catalog.now()".into());
    sets.push("updated_by = p_user_id".into());
    let statement = write_row(e, &sets, row, u.refresh);
    if !derive {
        ctx.code.line(statement);
    } else {
        // The identifier index is the arbiter: a concurrent transaction that took the
        // chosen identifier after we looked makes us try the next free suffix. Only a
        // recomputed identifier can race, so only then does the UPDATE pay for the
        // subtransaction of the retry block.
        ctx.code.declare("v_constraint", "text");
        let target = col(new, "identifier");
        ctx.code.open("IF v_slug IS NULL THEN");
        ctx.code.line(&statement);
        ctx.code.indent_out();
        ctx.code.line("ELSE");
        ctx.code.indent_in();
        ctx.code.open("LOOP");
        ctx.code.open("BEGIN");
        ctx.code.line(statement);
        ctx.code.line("EXIT;");
        ctx.code.indent_out();
        ctx.code.line("EXCEPTION");
        ctx.code.indent_in();
        ctx.code.open("WHEN unique_violation THEN");
        ctx.code
            .line("GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;");
        ctx.code.if_then(
            &format!("v_constraint IS DISTINCT FROM {}", Literal(&index_name(e))),
            |c| c.line("RAISE;"),
        );
        emit_next_suffix(ctx, &target);
        emit_first_free(ctx, e, &target, Some(&pk));
        ctx.code.indent_out();
        ctx.code.close("END;");
        ctx.code.close("END LOOP;");
        ctx.code.close("END IF;");
    }
    ctx.wrote = true;
}

/// `UPDATE` of the row `row` of `e` with `sets`, optionally refreshing `row`.
fn write_row(e: &crate::ir::Entity, sets: &[String], row: &str, refresh: bool) -> String {
    let tenant = if e.tenant_scoped {
        " AND t.tenant_id = p_tenant_id"
    } else {
        ""
    };
    let returning = if refresh {
        format!(" RETURNING t.* INTO {row}")
    } else {
        String::new()
    };
    format!(
        "UPDATE {} AS t SET {} WHERE {} = {}{tenant}{returning};",
        table(e),
        sets.join(", "),
        col("t", &e.pk_column()),
        col(row, &e.pk_column()),
    )
}

/// `UPDATE` of the action's row with `sets`, refreshing `v_row`.
fn emit_write_target(ctx: &mut Ctx, sets: &[String]) {
    let row = ctx.row_var();
    ctx.code.line(write_row(ctx.entity, sets, row, true));
    ctx.wrote = true;
}

pub fn emit_delete_target(ctx: &mut Ctx) {
    emit_write_target(ctx, &soft_delete_sets());
}

fn soft_delete_sets() -> Vec<String> {
    [
        "deleted_at = pg_catalog.now()",
        "deleted_by = p_user_id",
        "updated_at = pg_catalog.now()",
        "updated_by = p_user_id",
    ]
    .map(String::from)
    .to_vec()
}

/// Upserts `translations` of the action's row (standard create and update).
fn emit_translations(ctx: &mut Ctx) {
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
    let fk = format!("fk_{}", e.snake);
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
    ctx.code.open(format!("IF {v} IS NOT NULL THEN"));
    ctx.code.open(format!(
        "FOR v_locale, v_texts IN SELECT l.key, l.value FROM pg_catalog.jsonb_each({v}) AS l ORDER BY l.key LOOP"
    ));
    ctx.code.line(format!(
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

/// True when running `steps` may write.
fn writes(steps: &[Step]) -> bool {
    steps.iter().any(|s| match &s.kind {
        StepKind::Update { .. }
        | StepKind::Insert { .. }
        | StepKind::Delete { .. }
        | StepKind::Call { .. } => true,
        StepKind::If {
            then, otherwise, ..
        } => writes(then) || writes(otherwise),
        StepKind::Foreach { body, .. } => writes(body),
        _ => false,
    })
}

pub fn emit_steps(ctx: &mut Ctx, steps: &[Step]) {
    for step in steps {
        if ctx.returned {
            break;
        }
        emit_step(ctx, step);
    }
}

fn emit_step(ctx: &mut Ctx, step: &Step) {
    match &step.kind {
        StepKind::Validate {
            condition,
            error,
            message,
        } => {
            let cond = sql(ctx, condition, "t");
            ctx.code
                .open(format!("IF NOT COALESCE({cond}, false) THEN"));
            ctx.fail_const(error, message);
            ctx.code.close("END IF;");
        }
        StepKind::If {
            condition,
            then,
            otherwise,
        } => {
            let cond = sql(ctx, condition, "t");
            let (wrote, loaded) = (ctx.wrote, ctx.row_loaded);
            ctx.code.open(format!("IF COALESCE({cond}, false) THEN"));
            emit_steps(ctx, then);
            let (then_wrote, then_loaded, then_returned) =
                (ctx.wrote, ctx.row_loaded, ctx.returned);
            (ctx.wrote, ctx.row_loaded, ctx.returned) = (wrote, loaded, false);
            if !otherwise.is_empty() {
                ctx.code.indent_out();
                ctx.code.line("ELSE");
                ctx.code.indent_in();
                emit_steps(ctx, otherwise);
            }
            ctx.code.close("END IF;");
            ctx.wrote |= then_wrote;
            // A column read after the `if` must not assume the row was inserted on
            // only one branch; `v_row` is then still read, and is NULL when absent.
            ctx.row_loaded |= then_loaded;
            ctx.returned &= then_returned && !otherwise.is_empty();
        }
        StepKind::Update {
            entity,
            set,
            from_input,
            filter,
        } => match filter {
            None if *entity == ctx.eid => emit_update_target(ctx, set, *from_input),
            _ => emit_update_filtered(ctx, *entity, set, *from_input, filter.as_ref()),
        },
        StepKind::Insert { entity, values } => match values {
            None => emit_insert_from_input(ctx, *entity),
            Some(values) => {
                let eid = *entity;
                let e = ctx.project.entity(eid);
                let mut out = Vec::new();
                for a in values {
                    let column = e.field(a.field).column();
                    let v = assigned_value(ctx, eid, a, "t");
                    out.push((column, v));
                }
                emit_insert(ctx, eid, out, None);
            }
        },
        StepKind::Delete { entity, filter } => match filter {
            None if *entity == ctx.eid => emit_delete_target(ctx),
            _ => {
                let sets = soft_delete_sets();
                emit_filtered(ctx, *entity, sets, filter.as_ref());
            }
        },
        StepKind::Call {
            schema,
            function,
            args,
        } => emit_call(ctx, schema, function, args),
        StepKind::Notify { channel, data } => {
            let pairs: Vec<String> = data
                .iter()
                .map(|(k, v)| format!("{}, {}", Literal(k), sql(ctx, v, "t")))
                .collect();
            ctx.code.line(format!(
                "PERFORM pg_catalog.pg_notify({}, pg_catalog.jsonb_build_object({})::text);",
                Literal(channel),
                pairs.join(", ")
            ));
        }
        StepKind::Foreach {
            var,
            input_key,
            body,
        } => emit_foreach(ctx, var, input_key, body),
        // The row was found (and locked) by `id`; `object_data` returns it.
        StepKind::Select { .. } => {}
        StepKind::Return { message } => {
            let meta = format!(
                "pg_catalog.jsonb_build_object('message', {}::text)",
                Literal(message)
            );
            let done = success(ctx, Some(meta));
            ctx.code.line(format!("RETURN {done};"));
            ctx.returned = true;
        }
    }
}

/// `update: Entity SET ... WHERE ...` (or of another entity). One set-based `UPDATE`
/// when no row needs more than its new values; a locked per-row loop (in `pk` order, so
/// concurrent filtered updates lock rows in one order) when an assignment needs the
/// row-by-row rules of a target update: a reference value to resolve
/// (`reference_not_found`), an identifier source (recomputed), the parent (cycle check).
fn emit_update_filtered(
    ctx: &mut Ctx,
    eid: EntityId,
    set: &[Assignment],
    from_input: bool,
    filter: Option<&crate::ir::Expr>,
) {
    let e = ctx.project.entity(eid);
    let from_input_fields: Vec<FieldId> = if from_input {
        e.field_ids()
            .filter(|f| {
                matches!(
                    ctx.inputs.get(&e.field(*f).public_key()).map(|i| i.mode),
                    Some(Mode::Update(_))
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let touches = |f: FieldId| from_input_fields.contains(&f) || set.iter().any(|a| a.field == f);
    let computed_ref = set.iter().any(|a| {
        matches!(e.field(a.field).ty, FieldType::Ref(_))
            && !matches!(a.value.kind, ExprKind::InputField(_))
    });
    let per_row = computed_ref
        || e.identifier_from.iter().any(|f| touches(*f))
        || e.parent.is_some_and(touches)
        || (from_input && e.identifier_from.is_empty() && ctx.inputs.get("identifier").is_some());
    if per_row {
        emit_update_each(ctx, eid, set, from_input, filter);
        return;
    }
    let mut sets = Vec::new();
    for field in from_input_fields {
        let f = FieldRef { entity: eid, field };
        let key = e.field(field).public_key();
        let c = e.field(field).column();
        sets.push(format!(
            "{} = CASE WHEN p_input ? {} THEN {} ELSE {} END",
            Ident(&c),
            Literal(&key),
            input_value(ctx, f),
            col("t", &c)
        ));
    }
    for a in set {
        let field = e.field(a.field);
        let value = match (&field.ty, &a.value.kind) {
            (FieldType::Ref(_), ExprKind::InputField(f)) => {
                input::fk_var(&ctx.project.field(*f).public_key())
            }
            _ => sql(ctx, &a.value, "t"),
        };
        sets.push(format!("{} = {value}", Ident(&field.column())));
    }
    sets.push("updated_at = pg_catalog.now()".into());
    sets.push("updated_by = p_user_id".into());
    emit_filtered(ctx, eid, sets, filter);
}

/// The per-row form of [`emit_update_filtered`].
fn emit_update_each(
    ctx: &mut Ctx,
    eid: EntityId,
    set: &[Assignment],
    from_input: bool,
    filter: Option<&crate::ir::Expr>,
) {
    let e = ctx.project.entity(eid);
    let rowtype = format!("{}%ROWTYPE", table(e));
    let row = ctx.temp("each", &rowtype);
    let new = ctx.temp("each_new", &rowtype);
    let mut cond = live_in_tenant(e, "t");
    if let Some(f) = filter {
        cond.push_str(&format!(" AND {}", sql(ctx, f, "t")));
    }
    // A failure on a later row must undo the writes to earlier ones.
    ctx.wrote = true;
    ctx.code.open(format!(
        "FOR {row} IN SELECT t.* FROM {} AS t WHERE {cond} ORDER BY {} FOR NO KEY UPDATE LOOP",
        table(e),
        col("t", &e.pk_column())
    ));
    let update = RowUpdate {
        eid,
        row: &row,
        new: &new,
        alias: &row,
        refresh: false,
    };
    emit_row_update(ctx, &update, set, from_input);
    ctx.code.close("END LOOP;");
    refresh_own_row(ctx, eid);
}

/// An `UPDATE` over `eid`'s live rows in the tenant that match `filter`.
fn emit_filtered(
    ctx: &mut Ctx,
    eid: EntityId,
    sets: Vec<String>,
    filter: Option<&crate::ir::Expr>,
) {
    let e = ctx.project.entity(eid);
    let mut cond = live_in_tenant(e, "t");
    if let Some(f) = filter {
        cond.push_str(&format!(" AND {}", sql(ctx, f, "t")));
    }
    ctx.code.line(format!(
        "UPDATE {} AS t SET {} WHERE {cond};",
        table(e),
        sets.join(", ")
    ));
    ctx.wrote = true;
    refresh_own_row(ctx, eid);
}

/// After a filtered write to `eid`: the filter may have matched the action's own row,
/// so later steps read it fresh.
fn refresh_own_row(ctx: &mut Ctx, eid: EntityId) {
    if eid != ctx.eid || !ctx.row_loaded {
        return;
    }
    let e = ctx.entity;
    let row = ctx.row_var();
    ctx.code.line(format!(
        "SELECT t.* INTO {row} FROM {} AS t WHERE {} = {};",
        table(e),
        col("t", &e.pk_column()),
        col(row, &e.pk_column())
    ));
}

/// `call:` another generated action (same tenant and user, failure propagated after
/// undoing this action's writes) or any other function (`PERFORM`, named arguments).
fn emit_call(ctx: &mut Ctx, schema: &str, function: &str, args: &[(String, crate::ir::Expr)]) {
    let is_action = ctx.project.entities.iter().any(|e| {
        e.schema == schema
            && e.actions
                .iter()
                .any(|a| a.name == function && !matches!(a.kind, ActionKind::Declaration))
    });
    let name = Qualified(schema, function);
    if is_action {
        let pairs: Vec<String> = args
            .iter()
            .map(|(k, v)| format!("{}, {}", Literal(k), sql(ctx, v, "t")))
            .collect();
        ctx.code.declare("v_result", "app.mutation_result");
        ctx.code.line(format!(
            "v_result := {name}(p_tenant_id, p_user_id, pg_catalog.jsonb_build_object({}));",
            pairs.join(", ")
        ));
        // Always raise: the callee is atomic, but our own earlier writes must go too.
        ctx.code.open("IF NOT v_result.success THEN");
        ctx.code.line(
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = COALESCE(v_result.error_message, ''), DETAIL = COALESCE(v_result.error_code, 'call_failed');",
        );
        ctx.code.close("END IF;");
    } else {
        let named: Vec<String> = args
            .iter()
            .map(|(k, v)| format!("{} => {}", Ident(k), sql(ctx, v, "t")))
            .collect();
        ctx.code
            .line(format!("PERFORM {name}({});", named.join(", ")));
    }
    ctx.wrote = true;
}

/// The `item.key` reads of `var` in `steps` (first type wins), outside nested loops
/// over the same name.
fn item_keys(var: &str, steps: &[Step], out: &mut Vec<(String, Ty)>) {
    fn visit(var: &str, e: &crate::ir::Expr, out: &mut Vec<(String, Ty)>) {
        e.walk(&mut |x| {
            if let ExprKind::Item { var: v, key } = &x.kind
                && v == var
                && !out.iter().any(|(k, _)| k == key)
            {
                out.push((key.clone(), x.ty.clone()));
            }
        })
    }
    for s in steps {
        match &s.kind {
            StepKind::Validate { condition, .. } => visit(var, condition, out),
            StepKind::If {
                condition,
                then,
                otherwise,
            } => {
                visit(var, condition, out);
                item_keys(var, then, out);
                item_keys(var, otherwise, out);
            }
            StepKind::Update { set, filter, .. } => {
                set.iter().for_each(|a| visit(var, &a.value, out));
                filter.iter().for_each(|f| visit(var, f, out));
            }
            StepKind::Insert { values, .. } => values
                .iter()
                .flatten()
                .for_each(|a| visit(var, &a.value, out)),
            StepKind::Delete { filter, .. } => filter.iter().for_each(|f| visit(var, f, out)),
            StepKind::Call { args, .. } => args.iter().for_each(|(_, a)| visit(var, a, out)),
            StepKind::Notify { data, .. } => data.iter().for_each(|(_, a)| visit(var, a, out)),
            StepKind::Foreach { var: v, body, .. } if v != var => item_keys(var, body, out),
            _ => {}
        }
    }
}

fn emit_foreach(ctx: &mut Ctx, var: &str, input_key: &str, body: &[Step]) {
    let item = format!("v_item_{var}");
    ctx.code.declare(&item, "jsonb");
    let item = Ident(&item).to_string();
    if writes(body) {
        // A failure in a later iteration must undo the writes of earlier ones.
        ctx.wrote = true;
    }
    ctx.code.open(format!(
        "FOR {item} IN SELECT e.v FROM pg_catalog.jsonb_array_elements({}) WITH ORDINALITY AS e(v, n) ORDER BY e.n LOOP",
        input::var(input_key)
    ));
    let mut keys = Vec::new();
    item_keys(var, body, &mut keys);
    ctx.code.line(format!("v_key := {};", Literal(input_key)));
    ctx.code.open(format!(
        "IF pg_catalog.jsonb_typeof({item}) <> 'object' THEN"
    ));
    ctx.fail_const(
        "invalid_input",
        &format!("key \"{input_key}\" must be a JSON array of objects"),
    );
    ctx.code.close("END IF;");
    // Each `item.key` the body reads: JSON null or absent is NULL, any other value must
    // have the JSON type of the key's SQL type (as top-level input keys must), then casts.
    ctx.code.declare("v_item_value", "jsonb");
    for (key, ty) in &keys {
        let name = item_var(var, key);
        ctx.code.declare(&name, &ty.sql());
        ctx.code.line(format!(
            "v_item_value := NULLIF({item} -> {}, 'null'::jsonb);",
            Literal(key)
        ));
        if let Some((bad, expected)) = input::json_mismatch("v_item_value", ty, None) {
            ctx.code
                .open(format!("IF v_item_value IS NOT NULL AND ({bad}) THEN"));
            ctx.fail_const(
                "invalid_input",
                &format!("key \"{input_key}\": item key \"{key}\" must be {expected}"),
            );
            ctx.code.close("END IF;");
        }
        ctx.code.line(format!(
            "{} := {};",
            Ident(&name),
            input::cast_json("v_item_value", ty)
        ));
    }
    ctx.code.line("v_key := NULL;");
    ctx.items.push(var.to_string());
    emit_steps(ctx, body);
    ctx.items.pop();
    // The loop may run zero times.
    ctx.returned = false;
    ctx.code.close("END LOOP;");
}
