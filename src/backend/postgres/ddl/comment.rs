//! `COMMENT ON TABLE | COLUMN | FUNCTION ... IS '...'` (idempotent by nature).

use std::fmt;

use crate::backend::postgres::quote::{Ident, Literal, Qualified};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentOn {
    pub target: CommentTarget,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
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

impl fmt::Display for CommentOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            CommentTarget::Table { schema, table } => {
                write!(f, "COMMENT ON TABLE {}", Qualified(schema, table))?
            }
            CommentTarget::Column {
                schema,
                table,
                column,
            } => write!(
                f,
                "COMMENT ON COLUMN {}.{}",
                Qualified(schema, table),
                Ident(column)
            )?,
            CommentTarget::Function { schema, name, args } => write!(
                f,
                "COMMENT ON FUNCTION {}({})",
                Qualified(schema, name),
                args.join(", ")
            )?,
        }
        writeln!(f, " IS {};", Literal(&self.text))
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
        insta::assert_snapshot!(c, @r"COMMENT ON COLUMN crm.tb_contact.email IS 'it''s''; DROP TABLE x; -- $$ \';");
    }
}
