//! Action facts: the row role of an action. An action creates its entity's row (a
//! standard create, or a top-level `insert:` of its own entity: bare names then read the
//! input), works on an existing row (found and locked by input `id`), or neither (it only
//! writes other entities, and takes no `id`).

use crate::ir::visit::{for_each_expr, for_each_step};
use crate::ir::{Action, ActionKind, EntityId, ExprKind, Row, Step, StepKind};
use crate::ir::{Effect, Update};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRole {
    Creates,
    Existing,
    Neither,
}

impl RowRole {
    pub fn creates(self) -> bool {
        self == RowRole::Creates
    }

    pub fn existing(self) -> bool {
        self == RowRole::Existing
    }
}

pub fn role(action: &Action, entity: EntityId) -> RowRole {
    match &action.kind {
        ActionKind::Create => RowRole::Creates,
        ActionKind::Update | ActionKind::Delete => RowRole::Existing,
        ActionKind::Declaration => RowRole::Neither,
        ActionKind::Custom(steps) if creates_row(steps, entity) => RowRole::Creates,
        ActionKind::Custom(steps) if uses_own_row(steps, entity) => RowRole::Existing,
        ActionKind::Custom(_) => RowRole::Neither,
    }
}

/// A top-level `insert:` of the action's own entity (inside an `if` or a loop it may not
/// run, or run many times: the row is then not the action's).
fn creates_row(steps: &[Step], entity: EntityId) -> bool {
    steps
        .iter()
        .any(|s| matches!(&s.kind, StepKind::Insert { entity: e, .. } if *e == entity))
}

/// True when a step reads the action's row (a bare field name, `Entity.field` of the own
/// entity outside a WHERE over it), or updates, deletes or selects it (no WHERE).
fn uses_own_row(steps: &[Step], entity: EntityId) -> bool {
    let mut uses = false;
    for_each_step(steps, |step| {
        uses |= match step.effect() {
            Effect::Update(Update {
                entity: target,
                filter,
                ..
            })
            | Effect::Delete {
                entity: target,
                filter,
            } => target == entity && filter.is_none(),
            Effect::Select { .. } => true,
            Effect::Insert { .. } | Effect::Call { .. } | Effect::Loop { .. } | Effect::None => {
                false
            }
        }
    });
    for_each_expr(steps, |e| {
        uses |= matches!(
            e.kind,
            ExprKind::Column {
                row: Row::Target,
                ..
            }
        )
    });
    uses
}
