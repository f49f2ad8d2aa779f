//! Action facts: whether running steps may write, and which entities' tables an action's
//! own statements write.

use crate::ir::visit::for_each_step;
use crate::ir::{Action, ActionKind, EntityId, Step, StepKind};
use crate::ir::{Effect, Update};

/// True when the action may write.
pub fn action_writes(action: &Action) -> bool {
    match &action.kind {
        ActionKind::Create | ActionKind::Update | ActionKind::Delete => true,
        ActionKind::Custom(steps) => steps_write(steps),
        ActionKind::Declaration => false,
    }
}

/// True when running `steps` may write. A notification counts: PostgreSQL delivers it
/// at commit unless the subtransaction that queued it is rolled back, so a later failure
/// must roll back (RAISE) rather than RETURN for the action to stay atomic. A call may
/// write too.
pub fn steps_write(steps: &[Step]) -> bool {
    let mut writes = false;
    for_each_step(steps, |step| writes |= step_writes(&step.kind));
    writes
}

/// The step itself writes (nested steps are visited on their own).
fn step_writes(kind: &StepKind) -> bool {
    match kind {
        StepKind::Update { .. }
        | StepKind::Insert { .. }
        | StepKind::Delete { .. }
        | StepKind::Call { .. }
        | StepKind::Notify { .. } => true,
        StepKind::Validate { .. }
        | StepKind::If { .. }
        | StepKind::Foreach { .. }
        | StepKind::Select { .. }
        | StepKind::Return { .. } => false,
    }
}

/// The action's entity, then every `update:` and `insert:` target, in first-seen order.
/// (A `delete:` is a soft delete, an update of the same table.)
pub fn written_entities(action: &Action, entity: EntityId) -> Vec<EntityId> {
    let mut out = vec![entity];
    if let ActionKind::Custom(steps) = &action.kind {
        for_each_step(steps, |step| match step.effect() {
            Effect::Update(Update { entity, .. }) | Effect::Insert { entity, .. } => {
                if !out.contains(&entity) {
                    out.push(entity);
                }
            }
            Effect::Delete { .. }
            | Effect::Select { .. }
            | Effect::Call { .. }
            | Effect::Loop { .. }
            | Effect::None => {}
        });
    }
    out
}
