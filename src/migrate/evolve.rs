//! The statements that take a database from one recorded [`State`] to another
//! (LANGUAGE §6): ALTERs that keep data, renames in place, and the changes that lose data
//! marked as such, so the caller can gate them.
//!
//! Objects of the two states are matched by identity, not by PostgreSQL name: a table
//! by its entity's spec name, a column by its field's spec name (or Trinity role), a
//! constraint, index or foreign key by the roles of its columns. [`Names`] translates the
//! spec names of the `from` state into those of the `to` state (the renames), so a
//! renamed entity or field matches its old self and becomes `RENAME`, never a drop.
//!
//! The same function writes the down of a migration: `evolve(new, old)` with the names
//! translated the other way. Statement order: functions and dependent objects that go
//! are dropped first, then renames, then table changes, then what is created (in plan
//! order), then comments; CHECKs added to existing tables are `NOT VALID`, then validated.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::state::{Body, Column, Object, State, Table, TypeModel};
use crate::backend::postgres::ddl::{
    ColumnDef, CommentOn, CommentTarget, TableConstraint, TenantPolicy,
};
use crate::backend::postgres::quote::{Ident, Qualified};
use crate::backend::postgres::{drop, naming};
use crate::source::Span;

/// Spec names of one state translated into those of the other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Entity name → entity name.
    pub entities: BTreeMap<String, String>,
    /// (entity name in the target naming, field name) → field name.
    pub fields: BTreeMap<(String, String), String>,
}

impl Names {
    pub fn entity<'a>(&'a self, name: &'a str) -> &'a str {
        self.entities.get(name).map_or(name, String::as_str)
    }

    /// The role of a column of (target-named) entity `entity`, translated.
    fn role(&self, entity: &str, role: &str) -> String {
        match role.strip_prefix("field:") {
            Some(field) => {
                let key = (entity.to_string(), field.to_string());
                format!(
                    "field:{}",
                    self.fields.get(&key).map_or(field, String::as_str)
                )
            }
            None => role.to_string(),
        }
    }

    /// A field type with its referenced entities translated.
    fn ty(&self, ty: &TypeModel) -> TypeModel {
        match ty {
            TypeModel::Ref { entity } => TypeModel::Ref {
                entity: self.entity(entity).to_string(),
            },
            TypeModel::List { of } => TypeModel::List {
                of: Box::new(self.ty(of)),
            },
            other => other.clone(),
        }
    }
}

/// What a statement does, for headers, gating and the down's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Create,
    Replace,
    Alter,
    Rename,
    Drop,
    /// Rows or values are lost (LANGUAGE §6.3).
    LosesData,
}

/// A cost of a statement on a table that holds rows (LANGUAGE §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hazard {
    /// `ALTER COLUMN TYPE`: the table is rewritten under ACCESS EXCLUSIVE.
    Rewrite,
    /// `SET NOT NULL` on an existing column: a full scan under ACCESS EXCLUSIVE.
    NotNullScan,
    /// A CHECK added to an existing table: validated by a full scan.
    CheckScan,
    /// A unique index built on an existing table: writes wait for the build.
    IndexBuild,
}

/// One statement of a migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What it acts on, in words (`column crm.tb_contact.phone`).
    pub what: String,
    pub effect: Effect,
    pub sql: String,
    pub hazard: Option<Hazard>,
    /// The spec text it comes from, when the target state was compiled from specs.
    pub span: Option<Span>,
    /// For a lost column: a column of the same type that appears in the same table
    /// (perhaps the same field renamed).
    pub rename_hint: Option<(String, String)>,
}

/// Every statement from `from` to `to`, in order.
pub fn evolve(from: &State, from_names: &Names, to: &State, to_names: &Names) -> Vec<Step> {
    let a = Side::new(from, from_names);
    let b = Side::new(to, to_names);
    let mut out = Writer::default();

    // Schemas and the prelude come first: everything else may live in them.
    for (id, object) in &b.order {
        if matches!(object.body, Body::Schema { .. } | Body::Prelude { .. }) {
            match a.get(id) {
                None => out.push(what(object), Effect::Create, sql_of(object), object.span),
                Some(old) if old.body != object.body && replaceable(object) => {
                    out.push(what(object), Effect::Replace, sql_of(object), object.span)
                }
                Some(_) => {}
            }
        }
    }

    // Privileges of roles no longer given, while the functions still exist.
    for (id, object) in a.order.iter().rev() {
        if let Body::Grant { revoke, .. } = &object.body
            && b.get(id).is_none()
        {
            out.push(what(object), Effect::Drop, revoke.clone(), None);
        }
    }

    // Functions that go or change signature.
    for (id, object) in a.order.iter().rev() {
        if let Body::Function { drop, .. } = &object.body {
            let gone = match b.get(id).map(|o| &o.body) {
                Some(Body::Function { drop: new, .. }) => new != drop,
                _ => true,
            };
            if gone {
                out.push(what(object), Effect::Drop, drop.clone(), None);
            }
        }
    }

    // Foreign keys and indexes that go or change.
    for (id, object) in a.order.iter().rev() {
        match &object.body {
            Body::ForeignKey(fk) => {
                let keep = matches!(b.get(id).map(|o| &o.body), Some(Body::ForeignKey(new))
                    if same_fk(&a, fk, &b, new));
                if !keep {
                    let sql = drop::DropObject::ForeignKey {
                        schema: fk.create.schema.clone(),
                        table: fk.create.table.clone(),
                        name: fk.create.name.clone(),
                    }
                    .to_string();
                    out.push(what(object), Effect::Drop, sql, None);
                }
            }
            Body::Index(index) => {
                let keep = matches!(b.get(id).map(|o| &o.body), Some(Body::Index(new))
                    if same_index(index, new));
                if !keep {
                    let sql = format!(
                        "DROP INDEX {};\n",
                        Qualified(&index.create.schema, &index.create.name)
                    );
                    out.push(what(object), Effect::Drop, sql, None);
                }
            }
            Body::Policy { policy, .. } => {
                let keep = matches!(b.get(id).map(|o| &o.body), Some(Body::Policy { policy: new, .. })
                    if same_policy(new, policy));
                if !keep {
                    out.push(what(object), Effect::Drop, policy.drop(), None);
                }
            }
            _ => {}
        }
    }

    // Constraints of kept tables that go or change.
    let pairs = table_pairs(&a, &b);
    for (old, new, _) in &pairs {
        for (i, constraint) in old.create.constraints.iter().enumerate() {
            if !a.constraint_kept(old, i, &b, new) {
                let sql = format!(
                    "ALTER TABLE {} DROP CONSTRAINT {};\n",
                    Qualified(&old.create.schema, &old.create.name),
                    Ident(constraint_name(constraint))
                );
                out.push(
                    format!("constraint {}", constraint_name(constraint)),
                    Effect::Drop,
                    sql,
                    None,
                );
            }
        }
    }

    // Renames, in place.
    for (old, new, span) in &pairs {
        renames(&mut out, &a, old, &b, new, *span);
    }
    for (id, object) in &b.order {
        let Some(old) = a.get(id) else { continue };
        match (&old.body, &object.body) {
            (Body::Index(i), Body::Index(j)) if i.create.name != j.create.name => out.push(
                what(object),
                Effect::Rename,
                format!(
                    "ALTER INDEX {} RENAME TO {};\n",
                    Qualified(&j.create.schema, &i.create.name),
                    Ident(&j.create.name)
                ),
                object.span,
            ),
            (Body::ForeignKey(f), Body::ForeignKey(g))
                if f.create.name != g.create.name && same_fk(&a, f, &b, g) =>
            {
                out.push(
                    what(object),
                    Effect::Rename,
                    format!(
                        "ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n",
                        Qualified(&g.create.schema, &g.create.table),
                        Ident(&f.create.name),
                        Ident(&g.create.name)
                    ),
                    object.span,
                )
            }
            _ => {}
        }
    }

    // Columns of kept tables.
    for (old, new, span) in &pairs {
        alter_columns(&mut out, &a, old, &b, new, *span);
    }

    // Tables that go (with their rows), then schemas.
    for (id, object) in a.order.iter().rev() {
        if let Body::Table(t) = &object.body
            && b.get(id).is_none()
        {
            let sql = format!(
                "DROP TABLE {};\n",
                Qualified(&t.create.schema, &t.create.name)
            );
            out.push(what(object), Effect::LosesData, sql, None);
        }
    }
    for (id, object) in a.order.iter().rev() {
        if let Body::Schema { name, .. } = &object.body
            && b.get(id).is_none()
        {
            let sql = drop::DropObject::Schema(name.clone()).to_string();
            out.push(what(object), Effect::Drop, sql, None);
        }
    }

    // Constraints added to kept tables: NOT VALID, then validated.
    for (old, new, span) in &pairs {
        for (j, constraint) in new.create.constraints.iter().enumerate() {
            if b.constraint_kept(new, j, &a, old) {
                continue;
            }
            let table = Qualified(&new.create.schema, &new.create.name).to_string();
            let name = constraint_name(constraint);
            let span = column_span(new, constraint).or(*span);
            let sql = match constraint {
                TableConstraint::Check { expr, .. } => format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {} CHECK ({expr}) NOT VALID;\nALTER TABLE {table} VALIDATE CONSTRAINT {};\n",
                    Ident(name),
                    Ident(name)
                ),
                TableConstraint::Unique { .. } => {
                    format!("ALTER TABLE {table} ADD {constraint};\n")
                }
            };
            out.push_hazard(
                format!("constraint {name}"),
                Effect::Alter,
                sql,
                span,
                Hazard::CheckScan,
            );
        }
    }

    // What is new or changed, in the target's plan order.
    let existing_tables: HashSet<&str> = pairs
        .iter()
        .map(|(_, n, _)| n.create.name.as_str())
        .collect();
    for (id, object) in &b.order {
        let old = a.get(id);
        match &object.body {
            Body::Schema { .. } | Body::Prelude { .. } => {}
            Body::Table(t) if old.is_none() => out.push(
                what(object),
                Effect::Create,
                t.create.to_string(),
                object.span,
            ),
            Body::Table(_) => {}
            Body::ForeignKey(fk) => {
                let keep = matches!(old.map(|o| &o.body), Some(Body::ForeignKey(f))
                    if same_fk(&a, f, &b, fk));
                if !keep {
                    out.push(
                        what(object),
                        Effect::Create,
                        fk.create.to_string(),
                        object.span,
                    );
                }
            }
            Body::Index(index) => {
                let keep = matches!(old.map(|o| &o.body), Some(Body::Index(i))
                    if same_index(i, index));
                if !keep {
                    let sql = index.create.to_string();
                    if index.create.unique && existing_tables.contains(index.create.table.as_str())
                    {
                        out.push_hazard(
                            what(object),
                            Effect::Create,
                            sql,
                            object.span,
                            Hazard::IndexBuild,
                        );
                    } else {
                        out.push(what(object), Effect::Create, sql, object.span);
                    }
                }
            }
            Body::Grant { sql, .. } => {
                if !matches!(old.map(|o| &o.body), Some(Body::Grant { sql: s, .. }) if s == sql) {
                    out.push(what(object), Effect::Create, sql.clone(), object.span);
                }
            }
            Body::Policy { policy, .. } => {
                let keep = matches!(old.map(|o| &o.body), Some(Body::Policy { policy: p, .. })
                    if same_policy(p, policy));
                if !keep {
                    out.push(
                        what(object),
                        Effect::Create,
                        policy.to_string(),
                        object.span,
                    );
                }
            }
            Body::Comment { target, text } => {
                let same = matches!(old.map(|o| &o.body), Some(Body::Comment { text: t, .. }) if t == text);
                if !same {
                    let sql = CommentOn {
                        target: target.clone(),
                        text: text.clone(),
                    }
                    .to_string();
                    out.push(what(object), Effect::Replace, sql, object.span);
                }
            }
            Body::Function { sql, drop, .. } => match old.map(|o| &o.body) {
                Some(Body::Function {
                    sql: old_sql,
                    drop: old_drop,
                    ..
                }) if old_drop == drop => {
                    if old_sql != sql {
                        out.push(what(object), Effect::Replace, sql.clone(), object.span);
                    }
                }
                _ => out.push(what(object), Effect::Create, sql.clone(), object.span),
            },
        }
    }

    // Comments that go, on objects that stay.
    for (id, object) in &a.order {
        if let Body::Comment { .. } = &object.body
            && b.get(id).is_none()
            && let Some(target) = b.comment_target(id)
        {
            let sql = format!("COMMENT ON {target} IS NULL;\n");
            out.push(what(object), Effect::Drop, sql, None);
        }
    }

    // The framework prelude goes last, as one unit, only when nothing else uses it.
    let prelude_goes = a
        .order
        .iter()
        .any(|(id, o)| matches!(o.body, Body::Prelude { .. }) && b.get(id).is_none());
    if prelude_goes {
        out.push(
            "the framework prelude".into(),
            Effect::Drop,
            drop::prelude().to_string(),
            None,
        );
    }
    out.steps
}

#[derive(Default)]
struct Writer {
    steps: Vec<Step>,
}

impl Writer {
    fn push(&mut self, what: String, effect: Effect, sql: String, span: Option<Span>) {
        self.steps.push(Step {
            what,
            effect,
            sql,
            hazard: None,
            span,
            rename_hint: None,
        });
    }

    fn push_hazard(
        &mut self,
        what: String,
        effect: Effect,
        sql: String,
        span: Option<Span>,
        hazard: Hazard,
    ) {
        self.push(what, effect, sql, span);
        if let Some(last) = self.steps.last_mut() {
            last.hazard = Some(hazard);
        }
    }
}

/// One state with its objects keyed by identity.
struct Side<'a> {
    order: Vec<(String, &'a Object)>,
    by_id: HashMap<String, &'a Object>,
    names: &'a Names,
    /// `(schema, table name)` → table, for comment targets.
    tables: HashMap<(&'a str, &'a str), &'a Table>,
}

impl<'a> Side<'a> {
    fn new(state: &'a State, names: &'a Names) -> Side<'a> {
        let tables: HashMap<(&str, &str), &Table> = state
            .objects
            .iter()
            .filter_map(|o| match &o.body {
                Body::Table(t) => Some(((t.create.schema.as_str(), t.create.name.as_str()), t)),
                _ => None,
            })
            .collect();
        let mut side = Side {
            order: Vec::new(),
            by_id: HashMap::new(),
            names,
            tables,
        };
        for object in &state.objects {
            let id = side.identity(object);
            side.order.push((id.clone(), object));
            side.by_id.insert(id, object);
        }
        side
    }

    fn get(&self, id: &str) -> Option<&'a Object> {
        self.by_id.get(id).copied()
    }

    fn table_id(&self, entity: &str, translation: bool) -> String {
        let kind = if translation { "tl" } else { "tb" };
        format!("{kind}:{}", self.names.entity(entity))
    }

    fn column_role(&self, table: &Table, index: usize) -> String {
        let entity = self.names.entity(&table.entity);
        self.names.role(entity, &table.columns[index].role)
    }

    fn role_of_column(&self, table: &Table, column: &str) -> String {
        match table.create.columns.iter().position(|c| c.name == column) {
            Some(i) => self.column_role(table, i),
            None => column.to_string(),
        }
    }

    fn constraint_role(&self, table: &Table, index: usize) -> String {
        let role = &table.constraints[index].role;
        let entity = self.names.entity(&table.entity);
        match role.split_once(':') {
            Some((kind, rest)) => {
                let roles: Vec<String> = rest
                    .split(',')
                    .map(|r| self.names.role(entity, r))
                    .collect();
                format!("{kind}:{}", roles.join(","))
            }
            None => role.clone(),
        }
    }

    fn constraint(&self, table: &'a Table, role: &str) -> Option<(usize, &'a TableConstraint)> {
        (0..table.constraints.len())
            .find(|&i| self.constraint_role(table, i) == role)
            .map(|i| (i, &table.create.constraints[i]))
    }

    /// Whether constraint `index` of `table` (on this side) stands unchanged in `other`
    /// (on side `to`): the same role, the same template.
    fn constraint_kept(
        &self,
        table: &Table,
        index: usize,
        to: &Side<'a>,
        other: &'a Table,
    ) -> bool {
        let role = self.constraint_role(table, index);
        to.constraint(other, &role).is_some_and(|(j, _)| {
            other.constraints[j].template == table.constraints[index].template
        })
    }

    fn column(&self, table: &'a Table, role: &str) -> Option<(usize, &'a ColumnDef)> {
        (0..table.columns.len())
            .find(|&i| self.column_role(table, i) == role)
            .map(|i| (i, &table.create.columns[i]))
    }

    fn identity(&self, object: &Object) -> String {
        match &object.body {
            Body::Prelude { .. }
            | Body::Schema { .. }
            | Body::Function { .. }
            | Body::Grant { .. } => object.key.clone(),
            Body::Table(t) => self.table_id(&t.entity, t.translation),
            Body::Policy {
                entity,
                translation,
                ..
            } => format!("policy:{}", self.table_id(entity, *translation)),
            Body::ForeignKey(fk) => {
                let entity = self.names.entity(&fk.entity);
                format!(
                    "fk:{}:{}",
                    self.table_id(&fk.entity, fk.translation),
                    self.names.role(entity, &fk.column_role)
                )
            }
            Body::Index(index) => {
                let entity = self.names.entity(&index.entity);
                let roles: Vec<String> = index
                    .column_roles
                    .iter()
                    .map(|r| self.names.role(entity, r))
                    .collect();
                format!(
                    "ix:{}:{}",
                    self.table_id(&index.entity, index.translation),
                    roles.join(",")
                )
            }
            Body::Comment { target, .. } => match target {
                CommentTarget::Table { schema, table } => {
                    match self.tables.get(&(schema.as_str(), table.as_str())) {
                        Some(t) => format!("comment:{}", self.table_id(&t.entity, t.translation)),
                        None => format!("comment:{target}"),
                    }
                }
                CommentTarget::Column {
                    schema,
                    table,
                    column,
                } => match self.tables.get(&(schema.as_str(), table.as_str())) {
                    Some(t) => format!(
                        "comment:{}:{}",
                        self.table_id(&t.entity, t.translation),
                        self.role_of_column(t, column)
                    ),
                    None => format!("comment:{target}"),
                },
                CommentTarget::Function { .. } => format!("comment:{target}"),
            },
        }
    }

    /// Where a comment with identity `id` would go in this state, if its object exists.
    fn comment_target(&self, id: &str) -> Option<CommentTarget> {
        let rest = id.strip_prefix("comment:")?;
        let (kind, rest) = rest.split_once(':')?;
        let (entity, role) = match rest.split_once(':') {
            Some((entity, role)) => (entity, Some(role)),
            None => (rest, None),
        };
        let table_id = format!("{kind}:{entity}");
        let table = match self.get(&table_id).map(|o| &o.body) {
            Some(Body::Table(t)) => t,
            _ => return None,
        };
        let schema = table.create.schema.clone();
        let name = table.create.name.clone();
        match role {
            None => Some(CommentTarget::Table {
                schema,
                table: name,
            }),
            Some(role) => self
                .column(table, role)
                .map(|(_, c)| CommentTarget::Column {
                    schema,
                    table: name,
                    column: c.name.clone(),
                }),
        }
    }
}

fn what(object: &Object) -> String {
    object.key.clone()
}

fn sql_of(object: &Object) -> String {
    match &object.body {
        Body::Prelude { sql } | Body::Schema { sql, .. } | Body::Function { sql, .. } => {
            sql.clone()
        }
        _ => String::new(),
    }
}

fn replaceable(object: &Object) -> bool {
    match &object.body {
        Body::Prelude { sql } => sql.starts_with("CREATE OR REPLACE FUNCTION"),
        _ => false,
    }
}

fn same_fk(a: &Side, f: &super::state::ForeignKey, b: &Side, g: &super::state::ForeignKey) -> bool {
    a.names.entity(&f.target) == b.names.entity(&g.target)
        && f.create.on_delete_cascade == g.create.on_delete_cascade
        && f.create.tenant == g.create.tenant
}

/// An index that stays as it is (its name may follow a rename).
fn same_index(a: &super::state::Index, b: &super::state::Index) -> bool {
    a.create.unique == b.create.unique && a.create.predicate == b.create.predicate
}

/// A policy that stays as it is (its table may be renamed under it).
fn same_policy(a: &TenantPolicy, b: &TenantPolicy) -> bool {
    a.condition == b.condition && a.name == b.name
}

fn constraint_name(c: &TableConstraint) -> &str {
    match c {
        TableConstraint::Check { name, .. } | TableConstraint::Unique { name, .. } => name,
    }
}

/// The span of the field a constraint is on, if any.
fn column_span(table: &Table, constraint: &TableConstraint) -> Option<Span> {
    let columns: Vec<&str> = match constraint {
        TableConstraint::Check { name, .. } => table
            .create
            .columns
            .iter()
            .filter(|c| naming::check(&table.create.name, &c.name) == *name)
            .map(|c| c.name.as_str())
            .collect(),
        TableConstraint::Unique { columns, .. } => columns.iter().map(String::as_str).collect(),
    };
    let first = columns.first()?;
    let i = table.create.columns.iter().position(|c| c.name == *first)?;
    table.columns[i].span
}

/// Pairs of tables present in both states, in the target's order, with the target's span.
fn table_pairs<'a>(a: &Side<'a>, b: &Side<'a>) -> Vec<(&'a Table, &'a Table, Option<Span>)> {
    b.order
        .iter()
        .filter_map(
            |(id, object)| match (&object.body, a.get(id).map(|o| &o.body)) {
                (Body::Table(new), Some(Body::Table(old))) => Some((old, new, object.span)),
                _ => None,
            },
        )
        .collect()
}

/// The table, its Trinity key, implicit names, columns and constraints renamed in place.
fn renames(out: &mut Writer, a: &Side, old: &Table, b: &Side, new: &Table, span: Option<Span>) {
    let schema = &new.create.schema;
    let old_name = &old.create.name;
    let new_name = &new.create.name;
    if old.create.schema != new.create.schema {
        out.push(
            format!("table {}.{old_name}", old.create.schema),
            Effect::Rename,
            format!(
                "ALTER TABLE {} SET SCHEMA {};\n",
                Qualified(&old.create.schema, old_name),
                Ident(schema)
            ),
            span,
        );
    }
    let table = Qualified(schema, new_name).to_string();
    if old_name != new_name {
        out.push(
            format!("table {schema}.{old_name}"),
            Effect::Rename,
            format!(
                "ALTER TABLE {} RENAME TO {};\n",
                Qualified(schema, old_name),
                Ident(new_name)
            ),
            span,
        );
        for suffix in implicit_constraints(new) {
            let old_constraint = naming::implicit_constraint(old_name, suffix);
            out.push(
                format!("constraint {old_constraint}"),
                Effect::Rename,
                format!(
                    "ALTER TABLE {table} RENAME CONSTRAINT {} TO {};\n",
                    Ident(&old_constraint),
                    Ident(&naming::implicit_constraint(new_name, suffix))
                ),
                span,
            );
        }
    }
    let old_pk = identity_column(old);
    let new_pk = identity_column(new);
    for (i, column) in old.create.columns.iter().enumerate() {
        let role = a.column_role(old, i);
        if let Some((j, renamed)) = b.column(new, &role)
            && renamed.name != column.name
        {
            out.push(
                format!("column {schema}.{new_name}.{}", column.name),
                Effect::Rename,
                format!(
                    "ALTER TABLE {table} RENAME COLUMN {} TO {};\n",
                    Ident(&column.name),
                    Ident(&renamed.name)
                ),
                new.columns[j].span,
            );
        }
    }
    if let (Some(old_pk), Some(new_pk)) = (old_pk, new_pk)
        && (old_name != new_name || old_pk != new_pk)
    {
        let old_sequence = naming::identity_sequence(old_name, old_pk);
        out.push(
            format!("sequence {schema}.{old_sequence}"),
            Effect::Rename,
            format!(
                "ALTER SEQUENCE {} RENAME TO {};\n",
                Qualified(schema, &old_sequence),
                Ident(&naming::identity_sequence(new_name, new_pk))
            ),
            span,
        );
    }
    for (i, constraint) in old.create.constraints.iter().enumerate() {
        let role = a.constraint_role(old, i);
        if let Some((j, renamed)) = b.constraint(new, &role)
            && constraint_name(renamed) != constraint_name(constraint)
            && new.constraints[j].template == old.constraints[i].template
        {
            out.push(
                format!("constraint {}", constraint_name(constraint)),
                Effect::Rename,
                format!(
                    "ALTER TABLE {table} RENAME CONSTRAINT {} TO {};\n",
                    Ident(constraint_name(constraint)),
                    Ident(constraint_name(renamed))
                ),
                span,
            );
        }
    }
}

/// The constraints PostgreSQL names after the table: `_pkey`, and `_id_key` for the
/// Trinity `id UNIQUE`.
fn implicit_constraints(table: &Table) -> Vec<&'static str> {
    let mut out = vec![naming::PRIMARY_KEY_SUFFIX];
    if table
        .create
        .columns
        .iter()
        .any(|c| c.unique && c.name == "id")
    {
        out.push(naming::ID_KEY_SUFFIX);
    }
    out
}

fn identity_column(table: &Table) -> Option<&str> {
    table
        .create
        .columns
        .iter()
        .find(|c| c.identity_primary_key)
        .map(|c| c.name.as_str())
}

/// Columns added, changed and dropped in a kept table.
fn alter_columns(
    out: &mut Writer,
    a: &Side,
    old: &Table,
    b: &Side,
    new: &Table,
    span: Option<Span>,
) {
    let schema = &new.create.schema;
    let table = Qualified(schema, &new.create.name).to_string();
    let at = |c: &Column| c.span.or(span);
    if old.tenant_scoped != new.tenant_scoped {
        // Rows cannot be given a tenant, nor keep one meaningfully: §6.3.
        out.push(
            format!("tenant scope of table {schema}.{}", new.create.name),
            Effect::LosesData,
            String::new(),
            span,
        );
    }
    for (j, column) in new.create.columns.iter().enumerate() {
        let role = b.column_role(new, j);
        let meta = &new.columns[j];
        let Some((i, before)) = a.column(old, &role) else {
            out.push(
                format!("column {schema}.{}.{}", new.create.name, column.name),
                Effect::Alter,
                format!("ALTER TABLE {table} ADD COLUMN {column};\n"),
                at(meta),
            );
            continue;
        };
        let name = Ident(&column.name);
        let what = format!("column {schema}.{}.{}", new.create.name, column.name);
        let widens = match (&old.columns[i].field_type, &meta.field_type) {
            (Some(x), Some(y)) => widens(&a.names.ty(x), &b.names.ty(y)),
            _ => before.ty == column.ty,
        };
        if before.ty != column.ty {
            let sql = format!(
                "ALTER TABLE {table} ALTER COLUMN {name} TYPE {ty} USING {name}::{ty};\n",
                ty = column.ty
            );
            let effect = if widens {
                Effect::Alter
            } else {
                Effect::LosesData
            };
            out.push_hazard(what.clone(), effect, sql, at(meta), Hazard::Rewrite);
        } else if !widens {
            // Same column type, narrower rule (fewer enum values, a shorter text(N)): the
            // CHECK is replaced below, and rows that break it make the migration fail.
            out.push(what.clone(), Effect::LosesData, String::new(), at(meta));
        }
        if before.default != column.default {
            let sql = match &column.default {
                Some(default) => {
                    format!("ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {default};\n")
                }
                None => format!("ALTER TABLE {table} ALTER COLUMN {name} DROP DEFAULT;\n"),
            };
            out.push(what.clone(), Effect::Alter, sql, at(meta));
        }
        if column.not_null && !before.not_null {
            let mut sql = String::new();
            if let Some(default) = &column.default {
                sql.push_str(&format!(
                    "UPDATE {table} SET {name} = {default} WHERE {name} IS NULL;\n"
                ));
            }
            sql.push_str(&format!(
                "ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL;\n"
            ));
            out.push_hazard(what, Effect::Alter, sql, at(meta), Hazard::NotNullScan);
        } else if before.not_null && !column.not_null {
            let sql = format!("ALTER TABLE {table} ALTER COLUMN {name} DROP NOT NULL;\n");
            out.push(what, Effect::Alter, sql, at(meta));
        }
    }
    for (i, column) in old.create.columns.iter().enumerate() {
        let role = a.column_role(old, i);
        if b.column(new, &role).is_some() {
            continue;
        }
        let hint = old.columns[i].field_type.as_ref().and_then(|ty| {
            new.create.columns.iter().enumerate().find_map(|(j, _)| {
                let added = a.column(old, &b.column_role(new, j)).is_none();
                let same = new.columns[j].field_type.as_ref().map(|t| b.names.ty(t));
                (added && same == Some(a.names.ty(ty)))
                    .then(|| (field_name(&old.columns[i]), field_name(&new.columns[j])))
            })
        });
        out.push(
            format!("column {schema}.{}.{}", new.create.name, column.name),
            Effect::LosesData,
            format!("ALTER TABLE {table} DROP COLUMN {};\n", Ident(&column.name)),
            span,
        );
        if let Some(last) = out.steps.last_mut() {
            last.rename_hint = hint;
        }
    }
}

fn field_name(column: &Column) -> String {
    column
        .role
        .strip_prefix("field:")
        .unwrap_or(&column.role)
        .to_string()
}

/// Whether every value of type `from` is a value of type `to` (LANGUAGE §6.2).
pub fn widens(from: &TypeModel, to: &TypeModel) -> bool {
    use TypeModel::*;
    match (from, to) {
        _ if from == to => true,
        (Text { max: a }, Text { max: b }) => match (a, b) {
            (_, None) => true,
            (Some(a), Some(b)) => b >= a,
            (None, Some(_)) => false,
        },
        (
            Smallint,
            Integer {
                min: None,
                max: None,
            }
            | Bigint,
        ) => true,
        (Smallint, Integer { min, max }) => {
            min.is_none_or(|m| m <= i64::from(i16::MIN))
                && max.is_none_or(|m| m >= i64::from(i16::MAX))
        }
        (Integer { .. }, Bigint) => true,
        (Integer { min: a, max: b }, Integer { min: c, max: d }) => {
            let low = match (a, c) {
                (_, None) => true,
                (Some(a), Some(c)) => c <= a,
                (None, Some(_)) => false,
            };
            let high = match (b, d) {
                (_, None) => true,
                (Some(b), Some(d)) => d >= b,
                (None, Some(_)) => false,
            };
            low && high
        }
        (Decimal { precision: _ }, Decimal { precision: None }) => true,
        (
            Decimal {
                precision: Some((p, s)),
            },
            Decimal {
                precision: Some((q, t)),
            },
        ) => q.saturating_sub(*t) >= p.saturating_sub(*s) && t >= s,
        (Enum { values: a }, Enum { values: b }) => a.iter().all(|v| b.contains(v)),
        (List { of: a }, List { of: b }) => widens(a, b),
        _ => false,
    }
}
