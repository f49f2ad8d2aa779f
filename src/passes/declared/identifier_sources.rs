//! Declaration check (E0414): the identifier is derived from scalar fields only, never
//! from a reference or a list.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Field, FieldType};
use crate::spec::syntax::Text;

pub fn identifier_sources_are_scalar(
    source: &Text,
    field: &Field,
    diags: &mut Diagnostics,
) -> bool {
    let scalar = !matches!(field.ty, FieldType::Ref(_) | FieldType::List(_));
    super::accept(scalar, diags, || {
        Diagnostic::non_scalar_identifier_source(&source.value, source.span(), field.type_span)
    })
}
