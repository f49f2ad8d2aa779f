//! Declaration check (E0312): an entity with translations enabled has no field named
//! `translations`, the input key that carries the per-locale values.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Entity;
use crate::spec::syntax::TranslationsDecl;

pub fn translations_key_is_free(
    translations: &TranslationsDecl,
    entity: &Entity,
    diags: &mut Diagnostics,
) {
    if let Some(clash) = entity.field_by_name("translations") {
        diags.push(Diagnostic::translations_key_clash(
            entity.field(clash).span,
            translations.span,
        ));
    }
}
