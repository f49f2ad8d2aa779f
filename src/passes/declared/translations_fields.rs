//! Declaration check (E0410): enabled translations name at least one field.

use crate::diag::{Diagnostic, Diagnostics};
use crate::spec::syntax::TranslationsDecl;

pub fn enabled_translations_name_fields(translations: &TranslationsDecl, diags: &mut Diagnostics) {
    if translations.fields.is_empty() {
        diags.push(Diagnostic::no_translated_fields(translations.span));
    }
}
