//! [`SqlExpr`]: a context-free SQL expression for CHECK constraints and column defaults
//! (and what row-level policies will need). A rule names the value it is about as
//! [`SqlExpr::Subject`] and calls built-in functions by bare name, so the one rule is
//! written as a table's CHECK ([`SqlExpr::check_on`]: the quoted column, bare names) and
//! as an action's test of a local ([`SqlExpr::test_of`]: `pg_catalog.`-qualified names,
//! since bodies pin `search_path`). Every text goes through [`Literal`].

use std::fmt;

use super::SqlType;
use crate::backend::postgres::quote::{Ident, Literal};

/// A comparison or containment operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Le,
    Ge,
    Ne,
    /// `~`: matches a POSIX regular expression.
    Matches,
    /// `<@`: an array contained in another.
    ContainedIn,
}

impl Op {
    fn sql(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::Ne => "<>",
            Op::Matches => "~",
            Op::ContainedIn => "<@",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlExpr {
    /// The value the rule is about: the column of a CHECK, the local of a body's test.
    Subject,
    /// A string literal.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A number the spec wrote as a plain numeral (`-12`, `3.5`), written as is.
    Numeral(String),
    Bool(bool),
    Null,
    /// `INTERVAL '<text>'`
    Interval(String),
    /// `'<text>'::<type>`
    Cast(String, SqlType),
    /// `<array>[<index>]`
    Element(Box<SqlExpr>, u8),
    /// A built-in function: `name(args)`, `pg_catalog.name(args)` in a body.
    Builtin(&'static str, Vec<SqlExpr>),
    /// A function of the framework prelude: `app.name(args)` everywhere.
    App(&'static str, Vec<SqlExpr>),
    /// `left op right`
    Compare(Box<SqlExpr>, Op, Box<SqlExpr>),
    /// `left op ALL (array)`
    All(Box<SqlExpr>, Op, Box<SqlExpr>),
    /// `value BETWEEN low AND high`
    Between(Box<SqlExpr>, i64, i64),
    /// `value IN (texts)`, or `NOT IN` when `negated`.
    InTexts {
        value: Box<SqlExpr>,
        texts: Vec<String>,
        negated: bool,
    },
    /// `ARRAY[texts]::TEXT[]`
    TextArray(Vec<String>),
    /// `a AND b AND ...`, unparenthesized: every operand kind above binds tighter.
    And(Vec<SqlExpr>),
}

impl SqlExpr {
    pub fn compare(left: SqlExpr, op: Op, right: SqlExpr) -> SqlExpr {
        SqlExpr::Compare(Box::new(left), op, Box::new(right))
    }

    /// `left op ALL (subject)`: every element of the subject array.
    pub fn all(left: SqlExpr, op: Op) -> SqlExpr {
        SqlExpr::All(Box::new(left), op, Box::new(SqlExpr::Subject))
    }

    /// The conjunction of `parts`; `None` when there are none.
    pub fn and(mut parts: Vec<SqlExpr>) -> Option<SqlExpr> {
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(SqlExpr::And(parts)),
        }
    }

    /// The expression as a CHECK of `column`, or as a constant (a default).
    pub fn check_on<'a>(&'a self, column: &'a str) -> impl fmt::Display + 'a {
        Written {
            expr: self,
            subject: Subject::Column(column),
            builtins: "",
        }
    }

    /// The expression as a test of `local` (SQL text) inside a function body.
    pub fn test_of<'a>(&'a self, local: &'a str) -> impl fmt::Display + 'a {
        Written {
            expr: self,
            subject: Subject::Local(local),
            builtins: "pg_catalog.",
        }
    }
}

/// A constant expression (no subject): a default.
impl fmt::Display for SqlExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Written {
            expr: self,
            subject: Subject::None,
            builtins: "",
        }
        .fmt(f)
    }
}

#[derive(Clone, Copy)]
enum Subject<'a> {
    Column(&'a str),
    Local(&'a str),
    None,
}

struct Written<'a> {
    expr: &'a SqlExpr,
    subject: Subject<'a>,
    builtins: &'static str,
}

impl Written<'_> {
    fn of<'b>(&'b self, expr: &'b SqlExpr) -> Written<'b> {
        Written {
            expr,
            subject: self.subject,
            builtins: self.builtins,
        }
    }

    fn list(&self, f: &mut fmt::Formatter<'_>, items: &[SqlExpr], sep: &str) -> fmt::Result {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            write!(f, "{}", self.of(item))?;
        }
        Ok(())
    }
}

fn texts(f: &mut fmt::Formatter<'_>, texts: &[String]) -> fmt::Result {
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", Literal(text))?;
    }
    Ok(())
}

impl fmt::Display for Written<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expr {
            SqlExpr::Subject => match self.subject {
                Subject::Column(column) => write!(f, "{}", Ident(column)),
                Subject::Local(local) => f.write_str(local),
                Subject::None => Err(fmt::Error),
            },
            SqlExpr::Text(text) => write!(f, "{}", Literal(text)),
            SqlExpr::Integer(n) => write!(f, "{n}"),
            SqlExpr::Numeral(n) => f.write_str(n),
            SqlExpr::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            SqlExpr::Null => f.write_str("NULL"),
            SqlExpr::Interval(text) => write!(f, "INTERVAL {}", Literal(text)),
            SqlExpr::Cast(text, ty) => write!(f, "{}::{ty}", Literal(text)),
            SqlExpr::Element(array, index) => write!(f, "{}[{index}]", self.of(array)),
            SqlExpr::Builtin(name, args) => {
                write!(f, "{}{name}(", self.builtins)?;
                self.list(f, args, ", ")?;
                f.write_str(")")
            }
            SqlExpr::App(name, args) => {
                write!(f, "app.{name}(")?;
                self.list(f, args, ", ")?;
                f.write_str(")")
            }
            SqlExpr::Compare(left, op, right) => {
                write!(f, "{} {} {}", self.of(left), op.sql(), self.of(right))
            }
            SqlExpr::All(left, op, array) => {
                write!(f, "{} {} ALL ({})", self.of(left), op.sql(), self.of(array))
            }
            SqlExpr::Between(value, low, high) => {
                write!(f, "{} BETWEEN {low} AND {high}", self.of(value))
            }
            SqlExpr::InTexts {
                value,
                texts: values,
                negated,
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{} {not}IN (", self.of(value))?;
                texts(f, values)?;
                f.write_str(")")
            }
            SqlExpr::TextArray(values) => {
                f.write_str("ARRAY[")?;
                texts(f, values)?;
                f.write_str("]::TEXT[]")
            }
            SqlExpr::And(parts) => self.list(f, parts, " AND "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Op, SqlExpr};

    #[test]
    fn one_rule_is_a_check_of_a_column_and_a_test_of_a_local() {
        let rule = SqlExpr::and(vec![
            SqlExpr::compare(
                SqlExpr::Builtin("char_length", vec![SqlExpr::Subject]),
                Op::Le,
                SqlExpr::Integer(253),
            ),
            SqlExpr::compare(SqlExpr::Subject, Op::Matches, SqlExpr::Text("^a'b$".into())),
        ])
        .unwrap();
        assert_eq!(
            rule.check_on("user").to_string(),
            "char_length(\"user\") <= 253 AND \"user\" ~ '^a''b$'"
        );
        assert_eq!(
            rule.test_of("in_name").to_string(),
            "pg_catalog.char_length(in_name) <= 253 AND in_name ~ '^a''b$'"
        );
    }

    #[test]
    fn a_rule_about_a_subject_is_not_a_constant() {
        let rule = SqlExpr::all(SqlExpr::Integer(0), Op::Le);
        assert!(std::fmt::write(&mut String::new(), format_args!("{rule}")).is_err());
        assert_eq!(rule.check_on("shares").to_string(), "0 <= ALL (shares)");
    }
}
