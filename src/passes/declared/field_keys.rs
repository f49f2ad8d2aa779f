//! Declaration check (E0312): the fields of an entity take distinct public input keys
//! (a field `x_id` beside a reference `x` would both be `x_id`). The later one is
//! refused, pointing at the first.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Field;

pub fn fields_take_distinct_input_keys(
    accepted: &[Field],
    field: &Field,
    diags: &mut Diagnostics,
) -> bool {
    let key = field.public_key();
    let Some(first) = accepted.iter().find(|f| f.public_key() == key) else {
        return true;
    };
    diags.push(Diagnostic::fields_share_public_key(
        &first.name,
        &field.name,
        &key,
        field.span,
        first.span,
    ));
    false
}
