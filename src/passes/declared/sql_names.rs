//! Declaration check (E0308): a spec name that becomes a PostgreSQL name (a schema, an
//! entity, a field, a reference, an action) is a plain, unquoted SQL name, and it and
//! every name derived from it (`tb_<entity>`, `fk_<field>`, `v_fk_<ref>_id`, ...) fit in
//! 63 bytes, so that PostgreSQL never truncates one.

use crate::backend::postgres::naming;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Entity, FieldType};
use crate::lower::names::{MAX_IDENTIFIER_BYTES, is_sql_name, snake_case};
use crate::source::Span;

pub fn schema_names_are_plain_sql_names(entity: &Entity, diags: &mut Diagnostics) -> bool {
    plain_and_fitting("schema", &entity.schema, &[], entity.schema_span, diags)
}

pub fn entity_names_fit(entity: &Entity, diags: &mut Diagnostics) -> bool {
    let generated = naming::entity_names(&entity.snake);
    plain_and_fitting("entity", &entity.snake, &generated, entity.span, diags)
}

pub fn field_names_are_plain_and_fit(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    plain_and_fitting("field", name, &naming::field_names(name), span, diags)
}

/// `tenant_id` is the one `<name>_id` that is also a column every table has. The action
/// locals derived from a reference's name (`v_fk_<name>_id`, `v_out_<name>`) must fit
/// too; a plain field's `in_<name>` is as long as `fk_<name>`.
pub fn reference_locals_fit(
    name: &str,
    ty: &FieldType,
    span: Span,
    diags: &mut Diagnostics,
) -> bool {
    if !matches!(ty, FieldType::Ref(_)) {
        return true;
    }
    let locals = [format!("v_fk_{name}_id"), format!("v_out_{name}")];
    plain_and_fitting("reference", name, &locals, span, diags)
}

pub fn action_names_are_plain_sql_names(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    plain_and_fitting("action", name, &[], span, diags)
}

/// Whether `name` (as written) is a plain SQL name and each name derived from it fits in
/// 63 bytes; reports the first problem when not.
fn plain_and_fitting(
    what: &str,
    name: &str,
    generated: &[String],
    span: Span,
    diags: &mut Diagnostics,
) -> bool {
    if !is_sql_name(name) {
        diags.push(Diagnostic::invalid_sql_name(
            what,
            name,
            &suggest_sql_name(name),
            span,
        ));
        return false;
    }
    let long = generated
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(name))
        .find(|g| g.len() > MAX_IDENTIFIER_BYTES);
    if let Some(long) = long {
        diags.push(Diagnostic::name_too_long(
            what,
            name,
            long,
            MAX_IDENTIFIER_BYTES,
            span,
        ));
        return false;
    }
    true
}

fn suggest_sql_name(name: &str) -> String {
    let mut out = String::new();
    for c in snake_case(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        None => "name".into(),
        _ => out,
    }
}
