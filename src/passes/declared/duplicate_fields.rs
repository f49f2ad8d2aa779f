//! Declaration check (E0305): the fields of an entity have distinct names. The later
//! one is refused, pointing at the first.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Field;

pub fn field_names_are_unique_per_entity(
    accepted: &[Field],
    field: &Field,
    diags: &mut Diagnostics,
) -> bool {
    let Some(first) = accepted.iter().find(|f| f.name == field.name) else {
        return true;
    };
    diags.push(Diagnostic::duplicate_field(
        &field.name,
        field.span,
        first.span,
    ));
    false
}
