//! Action facts, computed once per project after `lower` (and before passes, the plan and
//! the backend), beside the IR: per action its input contract, its row role, whether and
//! what it writes, the tables and columns it touches and the actions it calls.
//!
//! Input: a lowered [`Project`] (call targets resolved by `lower`). Output: [`Facts`],
//! one [`ActionFacts`] per action (declarations included, with empty facts). Every
//! consumer reads these instead of walking the steps again, so a question such as "does
//! this action create its row" has one answer. The walks use `ir::visit` and name every
//! step kind: a new kind is a compile error in each fact that must decide about it.

pub mod calls;
pub mod inputs;
pub mod rows;
pub mod touches;
pub mod writes;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::ir::{ActionId, EntityId, Project};
pub use calls::CallFact;
pub use inputs::{Claim, Claimant, Input, Inputs, Mode};
pub use rows::RowRole;
pub use touches::Touches;

/// The facts of every action of a project.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    actions: BTreeMap<ActionId, ActionFacts>,
}

impl Facts {
    pub fn new(project: &Project) -> Facts {
        let ids: Vec<ActionId> = project.action_ids().collect();
        let facts = crate::parallel::parallel_map(&ids, |&id| ActionFacts::new(project, id));
        Facts {
            actions: ids.into_iter().zip(facts).collect(),
        }
    }

    /// Computes every action's touches now, on all cores (the plan reads them all).
    pub fn compute_touches(&self, project: &Project) {
        let actions: Vec<(&ActionId, &ActionFacts)> = self.actions.iter().collect();
        crate::parallel::parallel_map(&actions, |&(&id, facts)| {
            facts.touches(project, id);
        });
    }

    /// The facts of `id`, or `None` for an action of another project.
    pub fn get(&self, id: ActionId) -> Option<&ActionFacts> {
        self.actions.get(&id)
    }

    /// The facts of `id`, an action of the project these facts were computed for.
    pub fn action(&self, id: ActionId) -> &ActionFacts {
        self.actions
            .get(&id)
            .expect("facts are computed for every action of their project")
    }
}

/// What one action does, as every later stage needs to know it.
#[derive(Clone, Debug)]
pub struct ActionFacts {
    /// Creates its entity's row, works on an existing one (found by `id`), or neither.
    pub row: RowRole,
    /// The input keys it accepts, in check order, with their JSON contract.
    pub inputs: Inputs,
    /// May write (a `notify` counts: it must roll back with the writes).
    pub writes: bool,
    /// The entities whose tables its own statements write (its own entity first, then
    /// every `update:` and `insert:` target, in first-seen order).
    pub written: Vec<EntityId>,
    /// The tables and columns it reads or writes, and the functions it calls: read by the
    /// plan only, so computed at its first use ([`ActionFacts::touches`]), not by `check`.
    touches: OnceLock<Touches>,
    /// Its `call:` steps, in step order.
    pub calls: Vec<CallFact>,
    /// Where its steps take keys as inputs, in step order (custom actions only).
    pub claims: Vec<Claim>,
}

impl ActionFacts {
    /// The tables and columns the action `id` (these facts' action) reads or writes.
    pub fn touches(&self, project: &Project, id: ActionId) -> &Touches {
        self.touches
            .get_or_init(|| touches::of(project, project.action(id), id.entity))
    }

    pub fn new(project: &Project, id: ActionId) -> ActionFacts {
        let action = project.action(id);
        let row = rows::role(action, id.entity);
        ActionFacts {
            row,
            inputs: inputs::collect(project, id.entity, action, row),
            writes: writes::action_writes(action),
            written: writes::written_entities(action, id.entity),
            touches: OnceLock::new(),
            calls: calls::of(action),
            claims: inputs::claims(project, id.entity, action, row),
        }
    }
}
