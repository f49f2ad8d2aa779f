//! Declaration check (E0308): a `call:` step names its schema, function and arguments
//! with plain SQL names; the first that is not is reported.

use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::ast::FunctionPath;
use crate::lower::names::is_sql_name;
use crate::spec::syntax::Text;

pub fn call_names_are_plain_sql_names(
    path: &FunctionPath,
    args: &[(Text, Text)],
    diags: &mut Diagnostics,
) -> bool {
    let names = [&path.schema, &path.function]
        .into_iter()
        .map(|ident| ("", ident.name.as_str(), ident.span));
    let keys = args
        .iter()
        .map(|(key, _)| ("argument name ", key.value.as_str(), key.span()));
    let Some((what, name, span)) = names.chain(keys).find(|(_, name, _)| !is_sql_name(name)) else {
        return true;
    };
    diags.push(Diagnostic::invalid_call_name(what, name, span));
    false
}
