//! Declaration check (E0308): an entity's name is ASCII letters and digits and starts
//! with a letter (`OrderLine`), the form its snake_case table name is made from.

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Span;

pub fn entity_names_are_alphanumeric(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    let alphanumeric = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    super::accept(alphanumeric, diags, || {
        Diagnostic::invalid_entity_name(name, span)
    })
}
