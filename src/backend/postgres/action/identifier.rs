//! The derived Trinity `identifier` (LANGUAGE §1) and the hierarchy cycle check.
//!
//! Identifier race and plan stability (documented decision): the partial unique index
//! `uq_<table>_identifier` on `(tenant_id, identifier) WHERE deleted_at IS NULL` is the
//! only arbiter, and the only probe; no advisory lock is taken. A create inserts at once
//! with `ON CONFLICT (tenant_id, identifier) WHERE deleted_at IS NULL DO NOTHING`; when
//! nothing was inserted (`FOUND` false: a live row holds that identifier, or a
//! concurrent transaction took it, in which case the speculative insertion waited for it
//! to commit), it tries the next suffix (`acme`, `acme-2`, …), each attempt a fresh
//! statement. The conflict check is a lookup in that index, which no plan chooses, so a
//! create costs the same on a table of ten rows or ten million, whatever statistics the
//! planner holds (an earlier version first looked for a free suffix with a `SELECT`,
//! which, planned with statistics taken on a tiny table, scanned all the tenant's rows
//! through the `tenant_id` index). Concurrent creates of one name all succeed with
//! distinct suffixes, with no subtransaction, no lock-table pressure for bulk creates in
//! one transaction, and no deadlock that the data itself does not imply. A failed
//! attempt leaves a gap in the `pk_` identity sequence, which carries no meaning.
//! (Advisory locks per bucket, tried before, could deadlock two bulk imports in opposite
//! order on unrelated names.)
//!
//! An update cannot say `ON CONFLICT`, so a rename that recomputes the identifier wraps
//! its `UPDATE` in a block that catches `unique_violation` of exactly that index and
//! retries with the next suffix; any other unique violation propagates to the action's
//! handler (`unique_violation`). That subtransaction exists only in actions that can
//! change an identifier source. A rename does look first for a free suffix with an
//! equality probe per suffix (a failed `UPDATE` costs a subtransaction and a dead
//! tuple); renames are rare next to creates, and the probe's plan is left to the planner.
//!
//! Concurrency, hierarchy: one advisory lock per (table, tenant) serializes parent
//! changes, so two updates that would each close half of a cycle cannot both pass: the
//! second waits for the first to commit, and its walk (a new statement, so a new
//! snapshot under READ COMMITTED) sees the first one's parent.

use super::{Ctx, col, table};
use crate::backend::postgres::naming;
use crate::backend::postgres::quote::{Ident, Literal};
use crate::ir::Entity;

/// `v_slug := slugify(sources)`: the base of the derived identifier of `e`; a slug too
/// long for the identifier's index is `invalid_input` naming the source keys.
pub fn emit_slug(ctx: &mut Ctx, e: &Entity, sources: &[String]) {
    ctx.code.declare("v_slug", "text");
    ctx.code.declare("v_suffix", "integer");
    ctx.code.line(format_args!(
        "v_slug := app.slugify(pg_catalog.concat_ws('-', {}));",
        sources.join(", ")
    ));
    let keys: Vec<String> = e
        .identifier_from
        .iter()
        .map(|f| format!("\"{}\"", e.field(*f).public_key()))
        .collect();
    let max = super::rules::INDEXED_MAX_BYTES;
    ctx.code.open(format_args!(
        "IF pg_catalog.octet_length(v_slug) > {max} THEN"
    ));
    ctx.fail_const(
        "invalid_input",
        &format!(
            "key {}: the identifier derived from it must be at most {max} bytes",
            keys.join(", ")
        ),
    );
    ctx.code.close("END IF;");
    ctx.code.line("v_suffix := 1;");
}

/// Moves `target` (starting at `v_slug` / `v_suffix`) to the first identifier no
/// visible live row of the tenant holds; `exclude_pk` is the row's own `pk_*` on
/// update (its current identifier is not "taken").
pub fn emit_first_free(ctx: &mut Ctx, e: &Entity, target: &str, exclude_pk: Option<&str>) {
    let mut taken = format!(
        "SELECT FROM {} AS t WHERE t.identifier = {target} AND {}",
        table(e),
        super::live_in_tenant(e, "t")
    );
    if let Some(pk) = exclude_pk {
        taken.push_str(&format!(" AND {} <> {pk}", col("t", &e.pk_column())));
    }
    ctx.code.open(format_args!("WHILE EXISTS ({taken}) LOOP"));
    emit_next_suffix(ctx, target);
    ctx.code.close("END LOOP;");
}

/// `target := v_slug-<next suffix>`.
pub fn emit_next_suffix(ctx: &mut Ctx, target: &str) {
    ctx.code.line("v_suffix := v_suffix + 1;");
    ctx.code
        .line(format_args!("{target} := v_slug || '-' || v_suffix::text;"));
}

/// The `ON CONFLICT` clause that makes the identifier index the arbiter of an insert.
pub fn on_conflict(e: &Entity) -> String {
    let columns = if e.tenant_scoped {
        "tenant_id, identifier"
    } else {
        "identifier"
    };
    format!(" ON CONFLICT ({columns}) WHERE deleted_at IS NULL DO NOTHING")
}

/// The name of the identifier index of `e` (what `CONSTRAINT_NAME` reports).
pub fn index_name(e: &Entity) -> String {
    naming::unique_live(&e.table(), "identifier")
}

/// Inserts into `e` with a derived identifier: `sources` are the SQL of the source
/// fields, `insert` the whole `INSERT ... VALUES (...)` (whose identifier value is
/// `v_identifier`) without `ON CONFLICT`, `returning` its `RETURNING` clause or "".
pub fn emit_insert_derived(
    ctx: &mut Ctx,
    e: &Entity,
    sources: &[String],
    insert: &str,
    returning: &str,
) {
    ctx.code.declare("v_identifier", "text");
    emit_slug(ctx, e, sources);
    ctx.code.line("v_identifier := v_slug;");
    ctx.code.open("LOOP");
    ctx.code
        .line(format_args!("{insert}{}{returning};", on_conflict(e)));
    ctx.code.line("EXIT WHEN FOUND;");
    ctx.code
        .line("-- v_identifier is taken (by a live row, or a concurrent insert): the next suffix.");
    emit_next_suffix(ctx, "v_identifier");
    ctx.code.close("END LOOP;");
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
    ctx.code
        .open(format_args!("IF {new_parent} IS NOT NULL THEN"));
    ctx.code.line(format_args!(
        "PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext({lock_key}), {tenant_key});"
    ));
    ctx.code.open(format_args!("IF EXISTS ({walk}) THEN"));
    ctx.fail_const(
        "hierarchy_cycle",
        &format!("{} cannot be its own ancestor", e.name),
    );
    ctx.code.close("END IF;");
    ctx.code.close("END IF;");
}
