//! Stage 4 check (W0401, a warning): an action without steps is one of its entity's
//! standard actions (`create_<e>`, `update_<e>`, `delete_<e>`); any other is a
//! declaration only, for which no function is generated.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{ActionKind, Project};

pub fn actions_without_steps_are_standard(project: &Project, diags: &mut Diagnostics) {
    for entity in &project.entities {
        for action in &entity.actions {
            if matches!(action.kind, ActionKind::Declaration) {
                diags.push(Diagnostic::declaration_only(
                    &action.name,
                    &entity.name,
                    &entity.snake,
                    action.span,
                ));
            }
        }
    }
}
