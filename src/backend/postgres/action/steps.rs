//! Steps (LANGUAGE §4.1, §4.2) → PL/pgSQL statements: the target-row lookup, standard
//! create/update/delete, and the dispatch over custom step kinds (`validate`, `if`,
//! `call`, `notify`, `foreach`, `select`, `return` here; inserts in `insert.rs`, updates
//! in `update.rs`).

use super::expr::{item_json, item_var, sql};
use super::input;
use super::insert::{assigned_value, emit_insert, emit_insert_from_input, emit_translations};
use super::result::{MutationResult, emit_success};
use super::update::{emit_filtered, emit_update_filtered, emit_update_target, emit_write_target};
use super::{Ctx, live_in_tenant, table};
use crate::analysis::writes::steps_write;
use crate::backend::postgres::quote::{Ident, Literal, Qualified};
use crate::ir::visit::{Visitor, walk_expr, walk_step, walk_steps};
use crate::ir::{Expr, ExprKind, Step, StepKind, Ty, Update};

/// `id` → `v_row`, locked, within the tenant and among live rows; `not_found` otherwise.
pub fn emit_find_target(ctx: &mut Ctx) {
    let e = ctx.entity;
    let row = ctx.row_var();
    ctx.code.line(format_args!(
        "SELECT t.* INTO {row} FROM {} AS t WHERE t.id = {} AND {} FOR NO KEY UPDATE;",
        table(e),
        input::var("id"),
        live_in_tenant(e, "t")
    ));
    let message = Literal(&format!("no {} with id %s", e.name)).to_string();
    let id = input::var("id");
    ctx.code.if_then("NOT FOUND", |c| {
        c.ret(MutationResult::failure(
            &"'not_found'",
            &format_args!("pg_catalog.format({message}, {id})"),
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
                .open(format_args!("IF NOT COALESCE({cond}, false) THEN"));
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
            ctx.code
                .open(format_args!("IF COALESCE({cond}, false) THEN"));
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
            _ => emit_update_filtered(
                ctx,
                Update {
                    entity: *entity,
                    set,
                    from_input: *from_input,
                    filter: filter.as_ref(),
                },
            ),
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
            target,
        } => emit_call(ctx, schema, function, args, target.is_some()),
        StepKind::Notify { channel, data } => {
            let pairs: Vec<String> = data
                .iter()
                .map(|(k, v)| format!("{}, {}", Literal(k), sql(ctx, v, "t")))
                .collect();
            ctx.code.line(format_args!(
                "PERFORM pg_catalog.pg_notify({}, pg_catalog.jsonb_build_object({})::text);",
                Literal(channel),
                pairs.join(", ")
            ));
            // Queued until commit: a later failure must roll it back like a write.
            ctx.wrote = true;
        }
        StepKind::Foreach {
            var,
            input_key,
            body,
        } => emit_foreach(ctx, var, input_key, body),
        // The row was found (and locked) by `id`; `object_data` returns it.
        StepKind::Select { .. } => {}
        StepKind::Return { message } => {
            let meta = format_args!(
                "pg_catalog.jsonb_build_object('message', {}::text)",
                Literal(message)
            );
            emit_success(ctx, &meta);
            ctx.returned = true;
        }
    }
}

/// `call:` another generated action (same tenant and user, failure propagated after
/// undoing this action's writes) or any other function (`PERFORM`, named arguments).
fn emit_call(
    ctx: &mut Ctx,
    schema: &str,
    function: &str,
    args: &[(String, crate::ir::Expr)],
    is_action: bool,
) {
    let name = Qualified(schema, function);
    if is_action {
        let pairs: Vec<String> = args
            .iter()
            .map(|(k, v)| format!("{}, {}", Literal(k), sql(ctx, v, "t")))
            .collect();
        ctx.code.declare("v_result", "app.mutation_result");
        ctx.code.line(format_args!(
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
            .line(format_args!("PERFORM {name}({});", named.join(", ")));
    }
    ctx.wrote = true;
}

/// The `item.key` reads of `var` in `steps` (first type wins), outside nested loops
/// over the same name.
pub(super) fn item_keys(var: &str, steps: &[Step], out: &mut Vec<(String, Ty)>) {
    struct Keys<'v, 'o> {
        var: &'v str,
        out: &'o mut Vec<(String, Ty)>,
    }
    impl<'ir> Visitor<'ir> for Keys<'_, '_> {
        fn visit_step(&mut self, step: &'ir Step) {
            // An inner loop over the same name reads its own items.
            if !matches!(&step.kind, StepKind::Foreach { var, .. } if var == self.var) {
                walk_step(self, step);
            }
        }

        fn visit_expr(&mut self, x: &'ir Expr) {
            if let ExprKind::Item { var, key } = &x.kind
                && var == self.var
                && !self.out.iter().any(|(k, _)| k == key)
            {
                self.out.push((key.clone(), x.ty.clone()));
            }
            walk_expr(self, x);
        }
    }
    walk_steps(&mut Keys { var, out }, steps);
}

fn emit_foreach(ctx: &mut Ctx, var: &str, input_key: &str, body: &[Step]) {
    ctx.loops += 1;
    let n = ctx.loops;
    let item = item_json(n);
    ctx.code.declare(&item, "jsonb");
    let item = Ident(&item).to_string();
    if steps_write(body) {
        // A failure in a later iteration must undo the writes of earlier ones.
        ctx.wrote = true;
    }
    ctx.code.open(format_args!(
        "FOR {item} IN SELECT e.v FROM pg_catalog.jsonb_array_elements({}) WITH ORDINALITY AS e(v, n) ORDER BY e.n LOOP",
        input::var(input_key)
    ));
    let mut keys = Vec::new();
    item_keys(var, body, &mut keys);
    ctx.code
        .line(format_args!("v_key := {};", Literal(input_key)));
    ctx.code.open(format_args!(
        "IF pg_catalog.jsonb_typeof({item}) <> 'object' THEN"
    ));
    ctx.fail_const(
        "invalid_input",
        &format!("key \"{input_key}\" must be a JSON array of objects"),
    );
    ctx.code.close("END IF;");
    // Each `item.key` the body reads: JSON null or absent is NULL, any other value must
    // have the JSON type of the key's SQL type (as top-level input keys must), then casts.
    ctx.code.declare("v_item", "jsonb");
    for (key, ty) in &keys {
        let name = item_var(n, key);
        ctx.code.declare(&name, &ty.sql());
        ctx.code.line(format_args!(
            "v_item := NULLIF({item} -> {}, 'null'::jsonb);",
            Literal(key)
        ));
        if let Some((bad, expected)) = input::json_mismatch("v_item", ty, None) {
            ctx.code
                .open(format_args!("IF v_item IS NOT NULL AND ({bad}) THEN"));
            ctx.fail_const(
                "invalid_input",
                &format!("key \"{input_key}\": item key \"{key}\" must be {expected}"),
            );
            ctx.code.close("END IF;");
        }
        ctx.code.line(format_args!(
            "{} := {};",
            Ident(&name),
            input::cast_json("v_item", ty)
        ));
    }
    ctx.code.line("v_key := NULL;");
    ctx.items.push((var.to_string(), n, input_key.to_string()));
    emit_steps(ctx, body);
    ctx.items.pop();
    // The loop may run zero times.
    ctx.returned = false;
    ctx.code.close("END LOOP;");
}
