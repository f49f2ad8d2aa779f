//! The one place where names and values become SQL text: identifiers are emitted bare
//! only when they are plain lower-case names that are not keywords, and quoted with `"`
//! doubled otherwise; literals are plain `'…'` with `'` doubled when they hold no
//! backslash or control character and `E'…'` with every backslash, quote and control
//! character escaped otherwise, so that no client or `standard_conforming_strings`
//! setting reads them differently; bodies are dollar-quoted with a tag that does not
//! occur in the body.

use std::fmt;

/// An SQL identifier, quoted when it needs to be.
#[derive(Clone, Copy, Debug)]
pub struct Ident<'a>(pub &'a str);

/// A schema-qualified name `schema.name`.
#[derive(Clone, Copy, Debug)]
pub struct Qualified<'a>(pub &'a str, pub &'a str);

/// A string literal that means the same text whatever `standard_conforming_strings` says
/// and whatever client reads it (psql stops a line at NUL and takes a bare newline
/// inside a literal in its stride, but must not have to): `'...'` with `'` doubled when
/// the text has no backslash and no control character (both settings read that alike),
/// `E'...'` with `\\`, `''` and `\n`, `\r`, `\t` or `\xHH` for every other control
/// character otherwise. NUL cannot be stored in PostgreSQL text and is refused when the
/// spec is loaded; should one reach here it is written as `\x00`, which the server
/// rejects instead of reading past it.
#[derive(Clone, Copy, Debug)]
pub struct Literal<'a>(pub &'a str);

/// Words that must be quoted when used as identifiers (PostgreSQL's reserved keywords,
/// plus the non-reserved ones that cannot be column names or function names, plus
/// PL/pgSQL's reserved words, which break a name inside a function body such as
/// `t.loop%TYPE`).
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "begin", "between", "bigint", "binary", "bit", "boolean", "both", "by",
    "case", "cast", "char", "character", "check", "coalesce", "collate", "collation", "column",
    "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp", "current_user",
    "dec", "decimal", "declare", "default", "deferrable", "desc", "distinct", "do", "else",
    "end", "except", "execute", "exists", "extract", "false", "fetch", "float", "for",
    "foreach", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping",
    "having", "if", "ilike", "in", "initially", "inner", "inout", "int", "integer",
    "intersect", "interval", "into", "is", "isnull", "join", "json", "lateral", "leading",
    "least", "left", "like", "limit", "localtime", "localtimestamp", "loop", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
    "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row",
    "select", "session_user", "setof", "similar", "smallint", "some", "strict", "substring",
    "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp", "to",
    "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
    "varchar", "variadic", "verbose", "when", "where", "while", "window", "with",
    "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces",
    "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
];

/// `RESERVED[FIRST[i]..FIRST[i + 1]]` are the words that start with letter `i` (`a` = 0).
const FIRST: [usize; 27] = first_letter_index();

const fn first_letter_index() -> [usize; 27] {
    let mut out = [RESERVED.len(); 27];
    let mut letter = 0;
    while letter < 26 {
        let mut i = 0;
        while i < RESERVED.len() && RESERVED[i].as_bytes()[0] < b'a' + letter as u8 {
            i += 1;
        }
        out[letter] = i;
        letter += 1;
    }
    out
}

/// True when `name` can be written without quotes and means itself.
///
/// Every identifier of the output goes through here, so the keyword test looks only at
/// the words with the same first letter and compares lengths before bytes (a binary
/// search over the whole list was a tenth of the compile time).
pub fn is_bare_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !matches!(first, b'a'..=b'z' | b'_')
        || !bytes[1..]
            .iter()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        || bytes.len() > 63
    {
        return false;
    }
    if first == b'_' {
        return true;
    }
    let letter = usize::from(first - b'a');
    !RESERVED[FIRST[letter]..FIRST[letter + 1]]
        .iter()
        .any(|w| w.len() == bytes.len() && w.as_bytes() == bytes)
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

/// True for the characters that make a literal an `E'...'` string: the backslash, which
/// `standard_conforming_strings = off` reads as an escape, and the C0 controls and DEL,
/// which clients may not pass through verbatim (NUL ends a psql line).
fn needs_escape(c: char) -> bool {
    c == '\\' || c.is_ascii_control()
}

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        if !self.0.contains(needs_escape) {
            f.write_char('\'')?;
            for (i, part) in self.0.split('\'').enumerate() {
                if i > 0 {
                    f.write_str("''")?;
                }
                f.write_str(part)?;
            }
            return f.write_char('\'');
        }
        f.write_str("E'")?;
        // Runs of characters that need no escape go out whole.
        let mut run = 0;
        for (at, c) in self.0.char_indices() {
            let escaped = match c {
                '\\' => "\\\\",
                '\'' => "''",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                c if c.is_ascii_control() => "",
                _ => continue,
            };
            f.write_str(&self.0[run..at])?;
            if escaped.is_empty() {
                write!(f, "\\x{:02X}", u32::from(c))?;
            } else {
                f.write_str(escaped)?;
            }
            run = at + c.len_utf8();
        }
        f.write_str(&self.0[run..])?;
        f.write_char('\'')
    }
}

/// `body` wrapped in dollar quotes whose tag does not occur in it (`$fn$`, `$fn1$`, ...),
/// written straight into the output (bodies are most of the compiler's output).
pub fn dollar_quote(body: &str) -> DollarQuoted<'_> {
    let mut n = 0;
    while body.contains(&DollarTag(n).to_string()) {
        n += 1;
    }
    DollarQuoted { body, tag: n }
}

/// A dollar-quoted body; see [`dollar_quote`].
pub struct DollarQuoted<'a> {
    body: &'a str,
    tag: u32,
}

/// `$fn$` for 0, `$fn<n>$` otherwise.
struct DollarTag(u32);

impl fmt::Display for DollarTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("$fn$"),
            n => write!(f, "$fn{n}$"),
        }
    }
}

impl fmt::Display for DollarQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = DollarTag(self.tag);
        write!(f, "{tag}\n{}{tag}", self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn keyword_test_agrees_with_the_list() {
        for w in RESERVED {
            assert!(!is_bare_identifier(w), "{w}");
            assert!(is_bare_identifier(&format!("{w}_x")), "{w}_x");
            assert!(is_bare_identifier(&w[..w.len() - 1]) || RESERVED.contains(&&w[..w.len() - 1]));
        }
        for ok in ["_x", "x", "status", "in_email", "v_row", "zz", "a1"] {
            assert!(is_bare_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "A", "é", "a-b", &"a".repeat(64)] {
            assert!(!is_bare_identifier(bad), "{bad}");
        }
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
        assert_eq!(Literal("$$ -- /* */ é").to_string(), "'$$ -- /* */ é'");
    }

    #[test]
    fn literals_with_backslashes_or_controls_are_escape_strings() {
        assert_eq!(Literal("a\\b").to_string(), r"E'a\\b'");
        assert_eq!(Literal("ends\\").to_string(), r"E'ends\\'");
        assert_eq!(Literal("it's\\").to_string(), r"E'it''s\\'");
        assert_eq!(Literal("né\\ü\n").to_string(), r"E'né\\ü\n'");
        assert_eq!(
            Literal("l1\nl2\r\t\u{1}\u{1f}\u{7f}\0").to_string(),
            r"E'l1\nl2\r\t\x01\x1F\x7F\x00'"
        );
        // Nothing the server or psql would read as a control or a line end is left raw.
        let all: String = (1u8..=127).map(char::from).collect();
        let written = Literal(&all).to_string();
        assert!(
            !written.contains(|c: char| c.is_ascii_control()),
            "{written}"
        );
    }

    #[test]
    fn dollar_tag_never_occurs_in_body() {
        let body = "x $fn$ y $fn1$";
        let quoted = dollar_quote(body).to_string();
        assert!(quoted.starts_with("$fn2$"));
    }
}
