//! The one place where names and values become SQL text: identifiers are emitted bare
//! only when they are plain lower-case names that are not keywords, and quoted with `"`
//! doubled otherwise; literals double `'`; bodies are dollar-quoted with a tag that does
//! not occur in the body.

use std::fmt;

/// An SQL identifier, quoted when it needs to be.
#[derive(Clone, Copy, Debug)]
pub struct Ident<'a>(pub &'a str);

/// A schema-qualified name `schema.name`.
#[derive(Clone, Copy, Debug)]
pub struct Qualified<'a>(pub &'a str, pub &'a str);

/// A string literal `'...'` with `'` doubled (standard_conforming_strings is on in every
/// supported PostgreSQL, so backslashes are literal).
#[derive(Clone, Copy, Debug)]
pub struct Literal<'a>(pub &'a str);

/// Words that must be quoted when used as identifiers (PostgreSQL's reserved keywords,
/// plus the non-reserved ones that cannot be column names or function names).
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
    "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
    "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "json",
    "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp",
    "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
    "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
    "placing", "position", "precision", "primary", "real", "references", "returning", "right",
    "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp", "to",
    "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
    "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
    "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
    "xmlroot", "xmlserialize", "xmltable",
];

/// True when `name` can be written without quotes and means itself.
pub fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && name.len() <= 63
        && RESERVED.binary_search(&name).is_err()
}

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_bare_identifier(self.0) {
            f.write_str(self.0)
        } else {
            write!(f, "\"{}\"", self.0.replace('"', "\"\""))
        }
    }
}

impl fmt::Display for Qualified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", Ident(self.0), Ident(self.1))
    }
}

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0.replace('\'', "''"))
    }
}

/// `body` wrapped in dollar quotes whose tag does not occur in it (`$fn$`, `$fn1$`, ...).
pub fn dollar_quote(body: &str) -> String {
    let mut tag = String::from("$fn$");
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$fn{n}$");
    }
    format!("{tag}\n{body}{tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(Ident("status").to_string(), "status");
        assert_eq!(Ident("order").to_string(), "\"order\"");
        assert_eq!(Ident("Weird\"Name").to_string(), "\"Weird\"\"Name\"");
        assert_eq!(Qualified("crm", "user").to_string(), "crm.\"user\"");
    }

    #[test]
    fn literals_double_single_quotes() {
        assert_eq!(Literal("it's").to_string(), "'it''s'");
        assert_eq!(Literal("a\\b").to_string(), "'a\\b'");
    }

    #[test]
    fn dollar_tag_never_occurs_in_body() {
        let body = "x $fn$ y $fn1$";
        let quoted = dollar_quote(body);
        assert!(quoted.starts_with("$fn2$"));
    }
}
