//! Action facts: the `call:` steps of an action, with the generated action each one
//! names (resolved by `lower`), or none for a function outside the specs.

use crate::ir::visit::for_each_step;
use crate::ir::{Action, ActionId, ActionKind, Effect};

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
            if let Effect::Call {
                schema,
                function,
                target,
            } = step.effect()
            {
                calls.push(CallFact {
                    schema: schema.to_string(),
                    function: function.to_string(),
                    target,
                });
            }
        });
    }
    calls
}
