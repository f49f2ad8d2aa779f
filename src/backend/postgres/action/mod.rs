//! Stage 6 (actions): one PL/pgSQL function per IR action, following LANGUAGE §4.
//!
//! Input: the checked [`ir::Project`] and one action of one entity. Output: a
//! [`FunctionSql`] with `CREATE OR REPLACE FUNCTION <schema>.<action>(p_tenant_id uuid,
//! p_user_id uuid, p_input jsonb) RETURNS app.mutation_result` (and its `COMMENT ON`).
//!
//! Shape of every body (see `assemble`):
//! 1. A NULL tenant raises 22004 (every action, shared entities included); a non-object
//!    input or an unknown key returns `invalid_input` (cheap checks, no subtransaction
//!    yet).
//! 2. One `BEGIN ... EXCEPTION` block (the only subtransaction on the success path) holds
//!    the input reads and casts (in field order), reference resolution, the target-row
//!    lookup (`FOR NO KEY UPDATE`, before any step looks at the row), then the steps.
//!    (A rename that recomputes a derived identifier adds one nested block around its
//!    `UPDATE`, see `identifier`.)
//! 3. User errors before any write (a `notify` counts) `RETURN` a failure directly; after
//!    a write they `RAISE` SQLSTATE `SQ001` (message = error message, detail = error
//!    code), so the handler returns the failure after PostgreSQL rolled the block back:
//!    actions are atomic. The handler catches only `SQ001`, the cast SQLSTATEs (while
//!    `v_key` names the input key being read; outside input reads they propagate, except
//!    22003 which is `out_of_range`), 23502 on a required business field (`invalid_input`;
//!    any other column propagates), 23505, 23514 and 23503 — never `OTHERS`.
//!
//! Every name is schema-qualified and `search_path` is pinned to `pg_catalog, pg_temp`;
//! locals carry prefixes and every column in an expression is qualified by a table alias,
//! so a field name can never be captured by a variable (and `#variable_conflict
//! use_variable` says so to PL/pgSQL, so a field named like a local or a parameter makes
//! nothing ambiguous). Locals are distinct by construction: fixed ones `v_<word>`;
//! `in_<key>` per input key and `v_fk_<key>` per reference key (keys are unique per
//! action, E0312); `v_out_<field>` per reference of the entity; `v_<stem>_<n>`
//! temporaries; `it<n>` and `it<n>_<key>` for loop number `n` (no variable name in them,
//! so `a`/`a_b` or a variable named `value` cannot meet). The names derived from spec
//! names fit in 63 bytes because `lower` refuses longer ones (E0308), never truncated.

mod code;
mod expr;
mod identifier;
mod input;
mod insert;
pub mod manifest;
mod result;
mod rules;
mod steps;
#[cfg(test)]
mod tests;
mod update;

use std::fmt::Write as _;

use crate::analysis::{ActionFacts, Facts};
use crate::backend::postgres::ddl::{CreateFunction, Volatility};
use crate::backend::postgres::plpgsql::{Block, Body, Raise, Stmt};
use crate::backend::postgres::quote::{Ident, Literal, Qualified};
use crate::ir::{self, Action, ActionId, ActionKind, Entity, EntityId, Project};
use code::Code;
use input::Inputs;
pub(super) use result::MutationResult;

/// The SQL of one action function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSql {
    pub schema: String,
    pub name: String,
    /// `CREATE OR REPLACE FUNCTION ...;` and, with a description, `COMMENT ON FUNCTION ...;`.
    pub sql: String,
}

/// The function for `action` of `entity`, or `None` for a declaration (no steps, not a
/// standard name: LANGUAGE §4.1 emits no function for it).
pub fn function(project: &Project, facts: &Facts, id: ActionId) -> Option<FunctionSql> {
    let action = project.action(id);
    if matches!(action.kind, ActionKind::Declaration) {
        return None;
    }
    let entity = id.entity;
    let e = project.entity(entity);
    let facts = facts.action(id);
    let mut ctx = Ctx::new(project, entity, action, facts);
    let body = assemble(&mut ctx);
    let create = CreateFunction {
        schema: e.schema.clone(),
        name: action.name.clone(),
        args: vec![
            ("p_tenant_id".into(), "uuid".into()),
            ("p_user_id".into(), "uuid".into()),
            ("p_input".into(), "jsonb".into()),
        ],
        returns: "app.mutation_result".into(),
        language: "plpgsql",
        volatility: Volatility::Volatile,
        strict: false,
        parallel_safe: false,
        security_definer: true,
        body: body.text(),
    };
    // Sized once: the body is most of the text, and growing by doubling copies it.
    let mut sql = String::with_capacity(create.body.len() + 1024);
    let _ = write!(sql, "{create}{}", create.revoke_from_public());
    if let Some(description) = action.description.as_deref().filter(|d| !d.is_empty()) {
        let _ = write!(sql, "{}", create.comment(description));
    }
    Some(FunctionSql {
        schema: e.schema.clone(),
        name: action.name.clone(),
        sql,
    })
}

/// Everything the emitters share while writing one function body.
struct Ctx<'a> {
    pub project: &'a Project,
    pub eid: EntityId,
    pub entity: &'a Entity,
    pub action: &'a Action,
    /// What the action does, computed once (`crate::analysis`).
    pub facts: &'a ActionFacts,
    /// The action creates its row: bare names read input until the row is inserted.
    pub creating: bool,
    /// `v_row` holds the action's row (found by id, or inserted).
    pub row_loaded: bool,
    /// A write may have happened: user errors must roll back (RAISE, not RETURN).
    pub wrote: bool,
    /// Every path so far ended in `RETURN` (a `return:` step): nothing after is reachable.
    pub returned: bool,
    pub inputs: &'a Inputs,
    /// Active `foreach` variables with their loop's number and the input key of the
    /// array they walk, innermost last.
    pub items: Vec<(String, u32, String)>,
    /// `foreach` loops emitted so far: each gets its own number, so its locals (`it<n>`,
    /// `it<n>_<key>`) are distinct from every other loop's whatever the variable names.
    pub loops: u32,
    pub code: Code,
    tmp: u32,
}

impl<'a> Ctx<'a> {
    fn new(
        project: &'a Project,
        eid: EntityId,
        action: &'a Action,
        facts: &'a ActionFacts,
    ) -> Ctx<'a> {
        Ctx {
            project,
            eid,
            entity: project.entity(eid),
            action,
            facts,
            creating: facts.row.creates(),
            row_loaded: false,
            wrote: false,
            returned: false,
            inputs: &facts.inputs,
            items: Vec::new(),
            loops: 0,
            code: Code::default(),
            tmp: 0,
        }
    }

    /// A fresh local name `v_<stem>_<n>`, declared with `ty`.
    pub fn temp(&mut self, stem: &str, ty: &str) -> String {
        self.tmp += 1;
        let name = format!("v_{stem}_{}", self.tmp);
        self.code.declare(&name, ty);
        name
    }

    /// `v_row`: the action's row, `%ROWTYPE` of its table.
    pub fn row_var(&mut self) -> &'static str {
        if !self.code.declares("v_row") {
            let ty = format!("{}%ROWTYPE", table(self.entity));
            self.code.declare("v_row", &ty);
        }
        "v_row"
    }

    /// Emits a user error: a direct failure result before any write, else a `SQ001`
    /// raise that the block's handler turns into the same result after rolling back.
    /// `code` and `message` are SQL text expressions.
    pub fn fail(&mut self, code: &str, message: &str) {
        let stmt = if self.wrote {
            Stmt::Raise(Raise::Exception {
                errcode: "SQ001",
                message: message.to_string(),
                detail: Some(code.to_string()),
            })
        } else {
            return self.code.ret(MutationResult::failure(&code, &message));
        };
        self.code.stmt(&stmt);
    }

    /// [`Ctx::fail`] with constant code and message.
    pub fn fail_const(&mut self, code: &str, message: &str) {
        let (c, m) = (Literal(code).to_string(), Literal(message).to_string());
        self.fail(&c, &m);
    }
}

/// `<schema>.tb_<snake>`
fn table(e: &Entity) -> String {
    Qualified(&e.schema, &e.table()).to_string()
}

/// `<alias>.<column>`
fn col(alias: &str, column: &str) -> String {
    format!("{alias}.{}", Ident(column))
}

/// The WHERE conjuncts that confine alias `alias` of `e`'s table to the caller's
/// tenant and to live rows.
fn live_in_tenant(e: &Entity, alias: &str) -> String {
    if e.tenant_scoped {
        format!("{alias}.tenant_id = p_tenant_id AND {alias}.deleted_at IS NULL")
    } else {
        format!("{alias}.deleted_at IS NULL")
    }
}

/// The body: the cheap checks, then one block (the only subtransaction on the success
/// path) with the reads, the steps and the shared handler, then the success result.
fn assemble(ctx: &mut Ctx) -> Body {
    let e = ctx.entity;
    ctx.code.declare("v_key", "text");
    // Every action, a shared entity's included, refuses a NULL tenant (documented
    // decision): the signature is the same for every action, and a caller that passes no
    // tenant has lost its authentication context, which is a bug to surface, not a
    // request to run "as nobody". For a tenant-scoped entity LANGUAGE §4.4 demands it;
    // for a shared one it is also the one honest use of `p_tenant_id`, so the function
    // passes plpgsql_check with every warning class on and no pragma.
    let no_tenant = Literal(&format!(
        "{}: p_tenant_id must not be NULL",
        Qualified(&e.schema, &ctx.action.name)
    ));
    let mut body = vec![
        Stmt::if_then(
            "p_tenant_id IS NULL",
            vec![Stmt::Raise(Raise::Exception {
                errcode: "22004",
                message: no_tenant.to_string(),
                detail: None,
            })],
        ),
        // The caller is published for the rest of the transaction, for row-level security
        // policies and audit triggers (`current_setting('specql.user_id', true)`). This
        // is also the use of `p_user_id` in read-only actions, which write no audit
        // column.
        Stmt::Perform(
            "pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), \
             pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true)"
                .into(),
        ),
    ];
    ctx.code.start_at(1);
    input::emit_key_check(ctx);
    body.push(ctx.code.take());
    ctx.code.start_at(2);
    input::emit_reads(ctx);
    input::emit_references(ctx);
    if ctx.facts.row.existing() {
        steps::emit_find_target(ctx);
    }
    match &ctx.action.kind {
        ActionKind::Create => steps::emit_standard_create(ctx),
        ActionKind::Update => steps::emit_standard_update(ctx),
        ActionKind::Delete => steps::emit_delete_target(ctx),
        ActionKind::Custom(steps) => steps::emit_steps(ctx, steps),
        ActionKind::Declaration => {}
    }
    let inner = Block {
        decls: Vec::new(),
        body: vec![ctx.code.take()],
        handlers: vec![result::handler(ctx)],
    };
    body.push(Stmt::Block(inner));
    ctx.code.start_at(1);
    if !ctx.returned {
        result::emit_success(ctx, &"NULL");
        body.push(ctx.code.take());
    }
    Body {
        block: Block {
            decls: ctx.code.declarations(),
            body,
            handlers: Vec::new(),
        },
    }
}

/// The target entity of a reference field, if `f` is one.
fn ref_target<'p>(project: &'p Project, f: &ir::Field) -> Option<&'p Entity> {
    match f.ty {
        ir::FieldType::Ref(t) => Some(project.entity(t)),
        _ => None,
    }
}
