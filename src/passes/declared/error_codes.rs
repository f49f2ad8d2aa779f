//! Declaration check (E0316): the `error:` code of a `validate` step is a snake_case
//! name, which the action returns to its caller as is.

use crate::diag::{Diagnostic, Diagnostics};
use crate::lower::names::is_sql_name;
use crate::spec::syntax::Text;

pub fn error_codes_are_snake_case(code: Option<&Text>, diags: &mut Diagnostics) -> bool {
    match code {
        Some(code) if !is_sql_name(&code.value) => {
            diags.push(Diagnostic::invalid_error_code(&code.value, code.span()));
            false
        }
        _ => true,
    }
}
