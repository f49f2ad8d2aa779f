//! Updates: the action's row through `v_new` (derived identifier recomputed, hierarchy
//! checked, one static `UPDATE`), and filtered `update: ... WHERE` steps, set-based or
//! row by row over the matching rows locked in `pk` order.

use super::expr::sql;
use super::identifier::{
    emit_cycle_check, emit_first_free, emit_next_suffix, emit_slug, index_name,
};
use super::input::{self, Mode};
use super::insert::{assigned_value, input_value};
use super::{Ctx, col, live_in_tenant, table};
use crate::backend::postgres::quote::{Ident, Literal};
use crate::ir::{Assignment, EntityId, ExprKind, FieldId, FieldRef, FieldType, Update};

/// Updates the action's row from `set` and/or input (`from_input`).
pub(super) fn emit_update_target(ctx: &mut Ctx, set: &[Assignment], from_input: bool) {
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
pub(super) struct RowUpdate<'a> {
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
pub(super) fn emit_row_update(ctx: &mut Ctx, u: &RowUpdate, set: &[Assignment], from_input: bool) {
    let e = ctx.project.entity(u.eid);
    let (row, new) = (u.row, u.new);
    ctx.code.line(format_args!("{new} := {row};"));
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
                .if_then(format_args!("p_input ? {}", Literal(&key)), |c| {
                    c.line(format_args!("{column} := {value};"))
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
                c.line(format_args!("{column} := {v};"))
            });
            identifier_given = true;
        }
    }
    for a in set {
        let value = assigned_value(ctx, u.eid, a, u.alias);
        let column = col(new, &e.field(a.field).column());
        ctx.code.line(format_args!("{column} := {value};"));
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
        ctx.code.open(format_args!(
            "IF ROW({}) IS DISTINCT FROM ROW({}) THEN",
            new_sources.join(", "),
            source(row).join(", ")
        ));
        emit_slug(ctx, e, &new_sources);
        let target = col(new, "identifier");
        ctx.code.line(format_args!("{target} := v_slug;"));
        ctx.code.open("IF v_slug IS NOT NULL THEN");
        emit_first_free(ctx, e, &target, Some(&pk));
        ctx.code.close("END IF;");
        ctx.code.close("END IF;");
    }
    if let Some(parent) = e.parent.filter(|p| assigned.contains(p)) {
        let c = e.field(parent).column();
        let new_parent = col(new, &c);
        ctx.code.open(format_args!(
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
            format_args!("v_constraint IS DISTINCT FROM {}", Literal(&index_name(e))),
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
pub(super) fn write_row(
    e: &crate::ir::Entity,
    sets: &[String],
    row: &str,
    refresh: bool,
) -> String {
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
pub(super) fn emit_write_target(ctx: &mut Ctx, sets: &[String]) {
    let row = ctx.row_var();
    ctx.code.line(write_row(ctx.entity, sets, row, true));
    ctx.wrote = true;
}

/// `update: Entity SET ... WHERE ...` (or of another entity). One set-based `UPDATE`
/// when no row needs more than its new values; a locked per-row loop (in `pk` order, so
/// concurrent filtered updates lock rows in one order) when an assignment needs the
/// row-by-row rules of a target update: a reference value to resolve
/// (`reference_not_found`), an identifier source (recomputed), the parent (cycle check).
pub(super) fn emit_update_filtered(ctx: &mut Ctx, update: Update<'_>) {
    let Update {
        entity: eid,
        set,
        from_input,
        filter,
    } = update;
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
        emit_update_each(ctx, update);
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
pub(super) fn emit_update_each(ctx: &mut Ctx, step: Update<'_>) {
    let eid = step.entity;
    let e = ctx.project.entity(eid);
    let rowtype = format!("{}%ROWTYPE", table(e));
    let row = ctx.temp("each", &rowtype);
    let new = ctx.temp("each_new", &rowtype);
    let mut cond = live_in_tenant(e, "t");
    if let Some(f) = step.filter {
        cond.push_str(&format!(" AND {}", sql(ctx, f, "t")));
    }
    // A failure on a later row must undo the writes to earlier ones.
    ctx.wrote = true;
    ctx.code.open(format_args!(
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
    emit_row_update(ctx, &update, step.set, step.from_input);
    ctx.code.close("END LOOP;");
    refresh_own_row(ctx, eid);
}

/// An `UPDATE` over `eid`'s live rows in the tenant that match `filter`.
pub(super) fn emit_filtered(
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
    ctx.code.line(format_args!(
        "UPDATE {} AS t SET {} WHERE {cond};",
        table(e),
        sets.join(", ")
    ));
    ctx.wrote = true;
    refresh_own_row(ctx, eid);
}

/// After a filtered write to `eid`: the filter may have matched the action's own row,
/// so later steps read it fresh.
pub(super) fn refresh_own_row(ctx: &mut Ctx, eid: EntityId) {
    if eid != ctx.eid || !ctx.row_loaded {
        return;
    }
    let e = ctx.entity;
    let row = ctx.row_var();
    ctx.code.line(format_args!(
        "SELECT t.* INTO {row} FROM {} AS t WHERE {} = {};",
        table(e),
        col("t", &e.pk_column()),
        col(row, &e.pk_column())
    ));
}
