//! The derived Trinity `identifier` (LANGUAGE §1) and the hierarchy cycle check.
//!
//! Concurrency, identifier: before looking for a free suffix we take a
//! transaction-scoped advisory lock keyed on (table, hash of tenant and base slug folded
//! into 64 buckets: a transaction that creates thousands of rows holds at most 64 such
//! locks per table instead of exhausting the lock table; unrelated slugs sharing a
//! bucket merely serialize). Two concurrent
//! creates of "Acme" then serialize: the second waits until the first commits, and its
//! next statement (READ COMMITTED takes a fresh snapshot per statement) sees `acme` and
//! picks `acme-2`. We chose the lock over a retry loop on `unique_violation` because a
//! retry needs one subtransaction per attempt on the hot path, while the lock costs one
//! cheap call and keeps the single exception block. The partial unique index remains the
//! arbiter: in the rare case the lock does not cover (REPEATABLE READ callers, or a
//! different base slug whose suffix collides, `a-2` from "A 2" vs "A" + `-2`), the insert
//! fails cleanly with `unique_violation`, never with a duplicate.
//!
//! Concurrency, hierarchy: one advisory lock per (table, tenant) serializes parent
//! changes, so two updates that would each close half of a cycle cannot both pass.

use super::{Ctx, col, table};
use crate::backend::postgres::quote::{Ident, Literal};
use crate::ir::Entity;

/// Assigns the derived identifier of `e` to `target`, from `sources` (SQL expressions of
/// the source fields, in order). `exclude_pk` is the row's own `pk_*` on update (its
/// current identifier is not "taken").
pub fn emit_derive(
    ctx: &mut Ctx,
    e: &Entity,
    sources: &[String],
    target: &str,
    exclude_pk: Option<&str>,
) {
    ctx.code.declare("v_slug", "text");
    ctx.code.declare("v_suffix", "integer");
    let lock_key = Literal(&format!("{}.{}", e.schema, e.table())).to_string();
    let tenant = if e.tenant_scoped {
        "(pg_catalog.hashtext(p_tenant_id::text || '/' || v_slug) & 63)"
    } else {
        "(pg_catalog.hashtext(v_slug) & 63)"
    };
    let mut taken = format!(
        "SELECT FROM {} AS t WHERE t.identifier = {target} AND {}",
        table(e),
        super::live_in_tenant(e, "t")
    );
    if let Some(pk) = exclude_pk {
        taken.push_str(&format!(" AND {} <> {pk}", col("t", &e.pk_column())));
    }
    ctx.code.line(format!(
        "v_slug := app.slugify(pg_catalog.concat_ws('-', {}));",
        sources.join(", ")
    ));
    ctx.code.line(format!("{target} := v_slug;"));
    ctx.code.if_then("v_slug IS NOT NULL", |c| {
        c.line(format!(
            "PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext({lock_key}), {tenant});"
        ));
        c.line("v_suffix := 1;");
        c.open(format!("WHILE EXISTS ({taken}) LOOP"));
        c.line("v_suffix := v_suffix + 1;");
        c.line(format!("{target} := v_slug || '-' || v_suffix::text;"));
        c.close("END LOOP;");
    });
}

/// Fails with `hierarchy_cycle` when `new_parent` (an `fk_*` SQL expression) is the
/// row `pk` itself or one of its descendants.
pub fn emit_cycle_check(
    ctx: &mut Ctx,
    e: &Entity,
    parent_column: &str,
    new_parent: &str,
    pk: &str,
) {
    let lock_key = Literal(&format!("{}.{}/hierarchy", e.schema, e.table())).to_string();
    let tenant_key = if e.tenant_scoped {
        "pg_catalog.hashtext(p_tenant_id::text)"
    } else {
        "0"
    };
    let tenant = if e.tenant_scoped {
        " AND p.tenant_id = p_tenant_id"
    } else {
        ""
    };
    let pkc = Ident(&e.pk_column()).to_string();
    let parent = Ident(parent_column).to_string();
    // UNION (not UNION ALL) ends the walk even if the data already holds a cycle.
    let walk = format!(
        "WITH RECURSIVE up(pk) AS (SELECT {new_parent} UNION SELECT p.{parent} FROM {} AS p JOIN up ON p.{pkc} = up.pk WHERE p.{parent} IS NOT NULL{tenant}) SELECT FROM up WHERE up.pk = {pk}",
        table(e)
    );
    ctx.code.open(format!("IF {new_parent} IS NOT NULL THEN"));
    ctx.code.line(format!(
        "PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext({lock_key}), {tenant_key});"
    ));
    ctx.code.open(format!("IF EXISTS ({walk}) THEN"));
    ctx.fail_const(
        "hierarchy_cycle",
        &format!("{} cannot be its own ancestor", e.name),
    );
    ctx.code.close("END IF;");
    ctx.code.close("END IF;");
}
