//! Declaration check (E0305): a step's `SET` or insert values assign each field once.

use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::ast::Ident;
use crate::ir::{Assignment, FieldId};

pub fn fields_are_assigned_once(
    accepted: &[Assignment],
    field: FieldId,
    written: &Ident,
    diags: &mut Diagnostics,
) -> bool {
    let once = !accepted.iter().any(|a| a.field == field);
    super::accept(once, diags, || {
        Diagnostic::duplicate_assignment(&written.name, written.span)
    })
}
