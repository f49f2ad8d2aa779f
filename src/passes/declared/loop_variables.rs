//! Declaration check (E0313): a `foreach` variable is neither `input` nor the variable
//! of an enclosing `foreach`. `input.key` means the input, and an inner `a` would hide
//! the outer `a`: either way some `<var>.key` could not be read as written.

use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::ast::Ident;

pub fn loop_variables_are_unambiguous(
    var: &Ident,
    enclosing: &[String],
    diags: &mut Diagnostics,
) -> bool {
    let why = if var.name == "input" {
        "`input.<key>` reads the action's input, so `input` cannot name a loop variable"
    } else if enclosing.contains(&var.name) {
        "an enclosing `foreach` already uses this name, whose items would be hidden"
    } else {
        return true;
    };
    diags.push(Diagnostic::ambiguous_loop_variable(
        &var.name, why, var.span,
    ));
    false
}
