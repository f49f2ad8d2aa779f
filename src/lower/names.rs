//! Naming rules: snake_case of entity names and the identifier checks that keep every
//! generated SQL name a plain, unquoted PostgreSQL identifier.

use crate::diag::Diagnostic;
use crate::source::Span;

/// PostgreSQL truncates identifiers longer than this many bytes.
pub const MAX_IDENTIFIER_BYTES: usize = crate::backend::postgres::naming::MAX_NAME;

/// `OrderLine` → `order_line`, `HTTPRequest` → `http_request`, `manufacturer` stays.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// True for `[a-z_][a-z0-9_]*`.
pub fn is_sql_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Checks that `name` (a schema, field or action name as written) is a plain SQL name and
/// that each generated name derived from it fits in 63 bytes.
pub fn check_sql_name(
    what: &str,
    name: &str,
    generated: &[String],
    span: Span,
) -> Result<(), Diagnostic> {
    if !is_sql_name(name) {
        return Err(Diagnostic::invalid_sql_name(
            what,
            name,
            &suggest_sql_name(name),
            span,
        ));
    }
    if let Some(long) = generated
        .iter()
        .chain(std::iter::once(&name.to_string()))
        .find(|g| g.len() > MAX_IDENTIFIER_BYTES)
    {
        return Err(Diagnostic::name_too_long(
            what,
            name,
            long,
            MAX_IDENTIFIER_BYTES,
            span,
        ));
    }
    Ok(())
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

/// True when `name` is a column the Trinity pattern reserves.
pub fn is_reserved_column(name: &str) -> bool {
    matches!(name, "id" | "identifier" | "tenant_id")
        || ["pk_", "fk_", "created_", "updated_", "deleted_"]
            .iter()
            .any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_at_case_changes() {
        assert_eq!(snake_case("Contact"), "contact");
        assert_eq!(snake_case("OrderLine"), "order_line");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("manufacturer"), "manufacturer");
        assert_eq!(snake_case("Address2Line"), "address2_line");
    }

    #[test]
    fn reserved_columns() {
        assert!(is_reserved_column("created_at"));
        assert!(is_reserved_column("pk_x"));
        assert!(!is_reserved_column("identity"));
    }
}
