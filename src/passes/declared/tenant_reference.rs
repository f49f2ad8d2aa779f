//! Declaration check (E0307): no reference is named `tenant`, whose key and column
//! (`tenant_id`) every tenant-scoped table already has.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::FieldType;
use crate::source::Span;

pub fn references_are_not_named_tenant(
    name: &str,
    ty: &FieldType,
    span: Span,
    diags: &mut Diagnostics,
) -> bool {
    let tenant = matches!(ty, FieldType::Ref(_)) && name == "tenant";
    super::accept(!tenant, diags, || Diagnostic::reserved_reference_key(span))
}
