//! Declaration check (E0315): an `update:`, `delete:` or `select:` without a `WHERE`
//! acts on the action's own row, which exists for the action's own entity only.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{EntityId, Project};
use crate::source::Span;

pub fn steps_without_where_act_on_the_own_entity(
    step: &str,
    has_where: bool,
    target: EntityId,
    own: EntityId,
    project: &Project,
    span: Span,
    diags: &mut Diagnostics,
) -> bool {
    super::accept(has_where || target == own, diags, || {
        let (other, own) = (&project.entity(target).name, &project.entity(own).name);
        Diagnostic::unscoped_write(step, other, own, span)
    })
}
