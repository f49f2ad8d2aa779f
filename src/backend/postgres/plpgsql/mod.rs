//! A typed PL/pgSQL body, sqlparser style: a [`Block`] of [`Decl`]s, [`Stmt`]s and
//! exception [`Handler`]s whose `Display` is the body text, indented four spaces per
//! level. Leaves are SQL expression text for now; names go through
//! [`super::quote`] where the tree builds them.

mod write;

pub(crate) use write::line_of_display;

use std::fmt;

/// `[DECLARE ...] BEGIN ... [EXCEPTION ...] END;`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    pub decls: Vec<Decl>,
    pub body: Vec<Stmt>,
    pub handlers: Vec<Handler>,
}

/// `<name> <type>;` in a `DECLARE` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    pub name: String,
    /// The SQL type (`text`, `app.mutation_result`, `crm.tb_contact%ROWTYPE`).
    pub ty: String,
}

/// One PL/pgSQL statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `<target> := <value>;`
    Assign { target: String, value: String },
    /// `PERFORM <query>;`
    Perform(String),
    /// `RAISE ...;`
    Raise(Raise),
    /// `RETURN <value>;`
    Return(String),
    /// `IF c THEN ... [ELSIF c THEN ...] [ELSE ...] END IF;`, branches in order.
    If {
        branches: Vec<(String, Vec<Stmt>)>,
        otherwise: Vec<Stmt>,
    },
    /// `[<head>] LOOP ... END LOOP;`: the head is `WHILE <cond>`, `FOR <x> IN <query>`,
    /// `FOREACH <x> IN ARRAY <expr>` or empty for a bare loop.
    Loop { head: String, body: Vec<Stmt> },
    /// A nested block (a subtransaction when it has handlers).
    Block(Block),
    /// An SQL statement without its `;` (`SELECT ... INTO ...`, `UPDATE ...`), possibly
    /// over several lines, each indented at the statement's level.
    Sql(String),
    /// Lines already indented for `level` (each ends in `\n`), as the step emitters'
    /// line writer produces them: written as they are when the statement sits at
    /// `level`, re-indented otherwise.
    Laid { text: String, level: usize },
}

/// `RAISE` forms the generated code uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raise {
    /// `RAISE;` inside a handler: the caught error, unchanged.
    Again,
    /// `RAISE EXCEPTION USING ERRCODE = '<code>', MESSAGE = <message>[, DETAIL = <detail>];`
    /// with `message` and `detail` SQL text expressions.
    Exception {
        errcode: &'static str,
        message: String,
        detail: Option<String>,
    },
}

/// `WHEN <condition> [OR ...] THEN <body>` of a block's `EXCEPTION` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// Condition names (`unique_violation`) or `SQLSTATE '<code>'`; never `OTHERS`.
    pub conditions: Vec<String>,
    pub body: Vec<Stmt>,
}

/// A whole function body: the `#variable_conflict use_variable` directive and the
/// outermost block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    pub block: Block,
}

impl Stmt {
    /// `IF cond THEN body END IF;`
    pub fn if_then(cond: impl Into<String>, body: Vec<Stmt>) -> Stmt {
        Stmt::If {
            branches: vec![(cond.into(), body)],
            otherwise: Vec::new(),
        }
    }
}

impl Body {
    /// The body text, written into one buffer (what `to_string` gives, without the
    /// formatter's extra copy).
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("#variable_conflict use_variable\n");
        write::block(&mut out, &self.block, 0);
        out
    }
}

impl Stmt {
    /// Appends the statement to `out`, `level` steps of four spaces in.
    pub fn write_at(&self, out: &mut String, level: usize) {
        write::stmt(out, self, level);
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every column in a generated statement is qualified by a table alias: an
        // unqualified name is a local or a parameter, and saying so keeps a field named
        // like one from making a statement ambiguous.
        f.write_str(&self.text())
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write::block(&mut out, self, 0);
        f.write_str(&out)
    }
}

/// One statement at level 0 (nested statements indented below it).
impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write::stmt(&mut out, self, 0);
        f.write_str(&out)
    }
}

impl fmt::Display for Raise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raise::Again => f.write_str("RAISE;"),
            Raise::Exception {
                errcode,
                message,
                detail,
            } => {
                write!(
                    f,
                    "RAISE EXCEPTION USING ERRCODE = '{errcode}', MESSAGE = {message}"
                )?;
                if let Some(detail) = detail {
                    write!(f, ", DETAIL = {detail}")?;
                }
                f.write_str(";")
            }
        }
    }
}

#[cfg(test)]
mod tests;
