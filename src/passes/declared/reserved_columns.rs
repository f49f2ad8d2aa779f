//! Declaration check (E0307): a field does not take the name of a column the Trinity
//! pattern gives every table (`id`, `identifier`, `tenant_id`, `pk_*`, `fk_*`,
//! `created_*`, `updated_*`, `deleted_*`).

use crate::diag::{Diagnostic, Diagnostics};
use crate::lower::names::is_reserved_column;
use crate::source::Span;

pub fn fields_do_not_take_reserved_column_names(
    name: &str,
    span: Span,
    diags: &mut Diagnostics,
) -> bool {
    super::accept(!is_reserved_column(name), diags, || {
        Diagnostic::reserved_column(name, span)
    })
}
