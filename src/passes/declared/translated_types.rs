//! Declaration check (E0410): a translated field is text (an enum, whose values are
//! code, is not).

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Field, FieldType};
use crate::spec::syntax::Text;

pub fn translated_fields_are_text(item: &Text, field: &Field, diags: &mut Diagnostics) -> bool {
    let text = field.ty.is_text() && !matches!(field.ty, FieldType::Enum(_));
    super::accept(text, diags, || {
        Diagnostic::untranslatable_field(&item.value, item.span(), field.type_span)
    })
}
