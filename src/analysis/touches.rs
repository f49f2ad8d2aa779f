//! Action facts: the tables and columns an action reads or writes, and the functions it
//! calls (dependency edges of the plan; later migrations and RLS).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::Effect;
use crate::ir::analysis::{TableKind, columns};
use crate::ir::visit::{Visitor, walk_expr, walk_step, walk_steps};
use crate::ir::{Action, ActionKind, EntityId, Expr, ExprKind, FieldType, Project, Step};

/// The tables and columns one action reads or writes, and the functions it calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touches {
    pub tables: BTreeMap<(EntityId, TableKind), BTreeSet<String>>,
    /// `call:` steps, as `(schema, function)`.
    pub calls: BTreeSet<(String, String)>,
}

/// The tables and columns `action` (of `entity`) reads or writes. Every action touches
/// its own entity's whole row: it finds or creates it and returns it as `object_data`. A
/// declaration touches nothing.
pub fn of(project: &Project, action: &Action, entity: EntityId) -> Touches {
    let mut collect = Collect {
        project,
        touches: Touches::default(),
    };
    match &action.kind {
        ActionKind::Declaration => {}
        ActionKind::Create | ActionKind::Update | ActionKind::Delete => {
            collect.whole_row(entity);
        }
        ActionKind::Custom(steps) => {
            collect.whole_row(entity);
            walk_steps(&mut collect, steps);
        }
    }
    collect.touches
}

struct Collect<'p> {
    project: &'p Project,
    touches: Touches,
}

impl Collect<'_> {
    fn add(&mut self, entity: EntityId, table: TableKind, column: impl Into<String>) {
        self.touches
            .tables
            .entry((entity, table))
            .or_default()
            .insert(column.into());
    }

    /// Every column of the entity's main table, and the public key of every referenced
    /// table (what `object_data` and reference resolution read).
    fn whole_row(&mut self, entity: EntityId) {
        let e = self.project.entity(entity);
        for column in columns(self.project, entity, TableKind::Main) {
            self.add(entity, TableKind::Main, column);
        }
        for field in &e.fields {
            if let FieldType::Ref(target) = field.ty {
                self.reference_target(target);
            }
        }
        if !e.translated.is_empty() {
            for column in columns(self.project, entity, TableKind::Translation) {
                self.add(entity, TableKind::Translation, column);
            }
        }
    }

    /// The columns used to resolve a `<field>_id` UUID to the target's `pk_*`.
    fn reference_target(&mut self, target: EntityId) {
        let t = self.project.entity(target);
        self.add(target, TableKind::Main, t.pk_column());
        self.add(target, TableKind::Main, "id");
        self.add(target, TableKind::Main, "deleted_at");
        if t.tenant_scoped {
            self.add(target, TableKind::Main, "tenant_id");
        }
    }

    /// The key, audit and tenant columns an `update:` or a soft `delete:` writes.
    fn row_write(&mut self, entity: EntityId, audit: &[&str]) {
        let e = self.project.entity(entity);
        self.add(entity, TableKind::Main, e.pk_column());
        for &column in audit {
            self.add(entity, TableKind::Main, column);
        }
        if e.tenant_scoped {
            self.add(entity, TableKind::Main, "tenant_id");
        }
    }
}

impl<'ir> Visitor<'ir> for Collect<'_> {
    fn visit_step(&mut self, step: &'ir Step) {
        match step.effect() {
            Effect::Update(update) => {
                if update.from_input {
                    self.whole_row(update.entity);
                }
                let e = self.project.entity(update.entity);
                for a in update.set {
                    let column = e.field(a.field).column();
                    self.add(update.entity, TableKind::Main, column);
                }
                self.row_write(update.entity, &["updated_at", "updated_by", "deleted_at"]);
            }
            Effect::Insert { entity, .. } | Effect::Select { entity } => self.whole_row(entity),
            Effect::Delete { entity, .. } => {
                self.row_write(
                    entity,
                    &["deleted_at", "deleted_by", "updated_at", "updated_by"],
                );
            }
            Effect::Call {
                schema, function, ..
            } => {
                self.touches
                    .calls
                    .insert((schema.to_string(), function.to_string()));
            }
            Effect::Loop { .. } | Effect::None => {}
        }
        walk_step(self, step);
    }

    fn visit_expr(&mut self, expr: &'ir Expr) {
        if let ExprKind::Column { field, .. } | ExprKind::InputField(field) = &expr.kind {
            let f = self.project.field(*field);
            self.add(field.entity, TableKind::Main, f.column());
            if let FieldType::Ref(target) = f.ty {
                self.reference_target(target);
            }
        }
        walk_expr(self, expr);
    }
}
