//! Action facts: the `call:` steps of an action, with the generated action each one
//! names (resolved by `lower`), or none for a function outside the specs.

use crate::ir::visit::for_each_step;
use crate::ir::{Action, ActionId, ActionKind, StepKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallFact {
    pub schema: String,
    pub function: String,
    pub target: Option<ActionId>,
}

pub fn of(action: &Action) -> Vec<CallFact> {
    let mut calls = Vec::new();
    if let ActionKind::Custom(steps) = &action.kind {
        for_each_step(steps, |step| {
            if let StepKind::Call {
                schema,
                function,
                target,
                ..
            } = &step.kind
            {
                calls.push(CallFact {
                    schema: schema.clone(),
                    function: function.clone(),
                    target: *target,
                });
            }
        });
    }
    calls
}
