//! `COMMENT ON TABLE | COLUMN | FUNCTION ... IS '...'` (idempotent by nature).

use std::fmt;

use super::Signature;
use crate::backend::postgres::quote::{Ident, Literal, Qualified};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentOn {
    pub target: CommentTarget,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CommentTarget {
    Table {
        schema: String,
        table: String,
    },
    Column {
        schema: String,
        table: String,
        column: String,
    },
    /// A function with its argument types (`uuid`, `integer`).
    Function {
        schema: String,
        name: String,
        args: Vec<String>,
    },
}

/// The object part of `COMMENT ON <object> IS ...`: `TABLE s.t`, `COLUMN s.t.c`,
/// `FUNCTION s.f(uuid, jsonb)`.
impl fmt::Display for CommentTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommentTarget::Table { schema, table } => {
                write!(f, "TABLE {}", Qualified(schema, table))
            }
            CommentTarget::Column {
                schema,
                table,
                column,
            } => write!(f, "COLUMN {}.{}", Qualified(schema, table), Ident(column)),
            CommentTarget::Function { schema, name, args } => {
                write!(f, "FUNCTION {}", Signature(schema, name, args))
            }
        }
    }
}

impl fmt::Display for CommentOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "COMMENT ON {} IS {};", self.target, Literal(&self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_inside_the_literal() {
        let c = CommentOn {
            target: CommentTarget::Column {
                schema: "crm".into(),
                table: "tb_contact".into(),
                column: "email".into(),
            },
            text: "it's'; DROP TABLE x; -- $$ \\".into(),
        };
        insta::assert_snapshot!(c, @r"COMMENT ON COLUMN crm.tb_contact.email IS E'it''s''; DROP TABLE x; -- $$ \\';");
    }
}
