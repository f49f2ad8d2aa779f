//! Declaration check (E0410): no translated field is named `locale`, a column of the
//! translation table (`tl_<entity>`) itself.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Entity, Field};
use crate::spec::syntax::Text;

pub fn locale_is_not_translated(
    item: &Text,
    entity: &Entity,
    field: &Field,
    diags: &mut Diagnostics,
) -> bool {
    super::accept(item.value != "locale", diags, || {
        Diagnostic::translated_locale(&entity.snake, item.span(), field.span)
    })
}
