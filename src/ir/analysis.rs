//! IR queries for later stages: the columns of an entity's tables, and which tables and
//! columns an action touches (for dependency ordering, and later migrations and RLS).
//!
//! Column names here are the single source of truth for the Trinity and audit columns;
//! the backend's table builder uses the same functions.

use std::collections::{BTreeMap, BTreeSet};

use crate::backend::postgres::naming;

use super::{Action, ActionKind, EntityId, Expr, ExprKind, FieldType, Project, Step, StepKind};

/// The audit and soft-delete columns every entity table ends with, in table order.
pub const AUDIT_COLUMNS: &[&str] = &[
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "deleted_at",
    "deleted_by",
];

/// Which of an entity's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    /// `tb_<snake>`
    Main,
    /// `tl_<snake>` (translations)
    Translation,
}

/// The tables and columns one action reads or writes, and the functions it calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touches {
    pub tables: BTreeMap<(EntityId, TableKind), BTreeSet<String>>,
    /// `call:` steps, as `(schema, function)`.
    pub calls: BTreeSet<(String, String)>,
}

impl Touches {
    fn add(&mut self, entity: EntityId, table: TableKind, column: impl Into<String>) {
        self.tables
            .entry((entity, table))
            .or_default()
            .insert(column.into());
    }

    /// Every column of the entity's main table, and the public key of every referenced
    /// table (what `object_data` and reference resolution read).
    fn add_whole_row(&mut self, project: &Project, entity: EntityId) {
        let e = project.entity(entity);
        for column in columns(project, entity, TableKind::Main) {
            self.add(entity, TableKind::Main, column);
        }
        for field in &e.fields {
            if let FieldType::Ref(target) = field.ty {
                self.add_reference_target(project, target);
            }
        }
        if !e.translated.is_empty() {
            for column in columns(project, entity, TableKind::Translation) {
                self.add(entity, TableKind::Translation, column);
            }
        }
    }

    /// The columns used to resolve a `<field>_id` UUID to the target's `pk_*`.
    fn add_reference_target(&mut self, project: &Project, target: EntityId) {
        let t = project.entity(target);
        self.add(target, TableKind::Main, t.pk_column());
        self.add(target, TableKind::Main, "id");
        self.add(target, TableKind::Main, "deleted_at");
        if t.tenant_scoped {
            self.add(target, TableKind::Main, "tenant_id");
        }
    }

    fn add_expr(&mut self, project: &Project, expr: &Expr) {
        expr.walk(&mut |e| match &e.kind {
            ExprKind::Column { field, .. } | ExprKind::InputField(field) => {
                let f = project.field(*field);
                self.add(field.entity, TableKind::Main, f.column());
                if let FieldType::Ref(target) = f.ty {
                    self.add_reference_target(project, target);
                }
            }
            _ => {}
        });
    }

    fn add_steps(&mut self, project: &Project, steps: &[Step]) {
        for step in steps {
            self.add_step(project, step);
        }
    }

    fn add_step(&mut self, project: &Project, step: &Step) {
        match &step.kind {
            StepKind::Validate { condition, .. } => self.add_expr(project, condition),
            StepKind::If {
                condition,
                then,
                otherwise,
            } => {
                self.add_expr(project, condition);
                self.add_steps(project, then);
                self.add_steps(project, otherwise);
            }
            StepKind::Update {
                entity,
                set,
                from_input,
                filter,
            } => {
                if *from_input {
                    self.add_whole_row(project, *entity);
                }
                let e = project.entity(*entity);
                self.add(*entity, TableKind::Main, e.pk_column());
                for a in set {
                    self.add(*entity, TableKind::Main, e.field(a.field).column());
                    self.add_expr(project, &a.value);
                }
                for column in ["updated_at", "updated_by", "deleted_at"] {
                    self.add(*entity, TableKind::Main, column);
                }
                if e.tenant_scoped {
                    self.add(*entity, TableKind::Main, "tenant_id");
                }
                if let Some(filter) = filter {
                    self.add_expr(project, filter);
                }
            }
            StepKind::Insert { entity, values } => {
                self.add_whole_row(project, *entity);
                for a in values.iter().flatten() {
                    self.add_expr(project, &a.value);
                }
            }
            StepKind::Delete { entity, filter } => {
                let e = project.entity(*entity);
                self.add(*entity, TableKind::Main, e.pk_column());
                for column in ["deleted_at", "deleted_by", "updated_at", "updated_by"] {
                    self.add(*entity, TableKind::Main, column);
                }
                if e.tenant_scoped {
                    self.add(*entity, TableKind::Main, "tenant_id");
                }
                if let Some(filter) = filter {
                    self.add_expr(project, filter);
                }
            }
            StepKind::Call {
                schema,
                function,
                args,
            } => {
                self.calls.insert((schema.clone(), function.clone()));
                for (_, e) in args {
                    self.add_expr(project, e);
                }
            }
            StepKind::Notify { data, .. } => {
                for (_, e) in data {
                    self.add_expr(project, e);
                }
            }
            StepKind::Foreach { body, .. } => self.add_steps(project, body),
            StepKind::Select { entity } => self.add_whole_row(project, *entity),
            StepKind::Return { .. } => {}
        }
    }
}

impl Action {
    /// The tables and columns this action (of `entity`) reads or writes. Every action
    /// touches its own entity's whole row: it finds or creates it and returns it as
    /// `object_data`. A declaration touches nothing.
    pub fn touches(&self, project: &Project, entity: EntityId) -> Touches {
        let mut touches = Touches::default();
        match &self.kind {
            ActionKind::Declaration => {}
            ActionKind::Create | ActionKind::Update | ActionKind::Delete => {
                touches.add_whole_row(project, entity);
            }
            ActionKind::Custom(steps) => {
                touches.add_whole_row(project, entity);
                touches.add_steps(project, steps);
            }
        }
        touches
    }
}

/// The column names of one of an entity's tables, in table order.
pub fn columns(project: &Project, entity: EntityId, table: TableKind) -> Vec<String> {
    let e = project.entity(entity);
    let mut out = Vec::new();
    match table {
        TableKind::Main => {
            out.push(e.pk_column());
            out.push("id".to_owned());
            out.push("identifier".to_owned());
            if e.tenant_scoped {
                out.push("tenant_id".to_owned());
            }
            out.extend(e.fields.iter().map(|f| f.column()));
        }
        TableKind::Translation => {
            out.push(naming::translation_pk_column(&e.snake));
            out.push(naming::link_column(&e.snake));
            if e.tenant_scoped {
                out.push("tenant_id".to_owned());
            }
            out.push("locale".to_owned());
            out.extend(e.translated.iter().map(|f| e.field(*f).column()));
        }
    }
    out.extend(AUDIT_COLUMNS.iter().map(|c| (*c).to_owned()));
    out
}
