//! Declaration check (E0408): a field's `required:` and `nullable:` keys, when both are
//! written, say the same thing. When they disagree, lowering takes neither (only `!`).

use crate::diag::{Diagnostic, Diagnostics};
use crate::spec::syntax::FieldDecl;

pub fn required_and_nullable_agree(decl: &FieldDecl, diags: &mut Diagnostics) -> bool {
    let (Some(required), Some(nullable)) = (&decl.required, &decl.nullable) else {
        return true;
    };
    if required.value != nullable.value {
        return true;
    }
    diags.push(Diagnostic::conflicting_nullability(
        &decl.name.value,
        required.value,
        nullable.value,
        nullable.span,
        required.span,
    ));
    false
}
