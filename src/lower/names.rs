//! Naming rules: snake_case of entity names, what a plain SQL name is, the columns the
//! Trinity pattern reserves. The checks that use them are `passes::declared`.

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
