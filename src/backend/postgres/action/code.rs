//! The step emitters' indented line writer, plus the declarations a body needs: an
//! adapter into the typed [`plpgsql`] tree. Typed statements go in through
//! [`Code::stmt`]; [`Code::take`] hands the lines written so far to the tree as one
//! [`Stmt::Laid`], so the body's frame (blocks, handler, declarations) is typed while
//! the step emitters move over one at a time.

use std::fmt;

use super::result::MutationResult;
use crate::backend::postgres::plpgsql::{self, Decl, Stmt};

/// Lines of a PL/pgSQL body at an indentation level, and the variables they declare.
#[derive(Default)]
pub(super) struct Code {
    /// The body so far, each line indented and ending in `\n`. One growing buffer, not a
    /// `String` per line plus an indent string: function bodies are most of the output,
    /// and those two allocations per line were a sixth of the compile time.
    text: String,
    indent: usize,
    /// The level of the tree the lines will sit at ([`Code::start_at`]): they are laid
    /// out for it as they are written, so placing them in the tree copies nothing.
    base: usize,
    /// `(name, type)` in first-declared order.
    decls: Vec<(String, String)>,
}

impl Code {
    /// `text` as lines at the current level; `format_args!` text is written in place.
    pub fn line(&mut self, text: impl fmt::Display) {
        plpgsql::line_of_display(&mut self.text, text, self.indent);
    }

    /// A typed statement at the current level.
    pub fn stmt(&mut self, stmt: &Stmt) {
        stmt.write_at(&mut self.text, self.indent);
    }

    /// The lines written so far as one statement of the tree; the writer starts over
    /// (declarations are kept).
    pub fn take(&mut self) -> Stmt {
        debug_assert_eq!(self.indent, self.base, "every opened line is closed");
        Stmt::Laid {
            text: std::mem::take(&mut self.text),
            level: self.base,
        }
    }

    /// The next lines go at `level` of the tree (what was written is taken first).
    pub fn start_at(&mut self, level: usize) {
        debug_assert!(self.text.is_empty(), "take the lines written so far first");
        self.base = level;
        self.indent = level;
    }

    pub fn open(&mut self, text: impl fmt::Display) {
        self.line(text);
        self.indent += 1;
    }

    pub fn close(&mut self, text: impl fmt::Display) {
        self.indent -= 1;
        self.line(text);
    }

    /// `IF cond THEN` with the body, `END IF;`.
    pub fn if_then(&mut self, cond: impl fmt::Display, body: impl FnOnce(&mut Self)) {
        self.open(format_args!("IF {cond} THEN"));
        body(self);
        self.close("END IF;");
    }

    /// `RETURN <result>;`
    pub fn ret(&mut self, result: MutationResult<'_>) {
        self.line(format_args!("RETURN {result};"));
    }

    /// Declares `name` of `ty` once (later declarations of the same name are ignored).
    pub fn declare(&mut self, name: &str, ty: &str) {
        if !self.declares(name) {
            self.decls.push((name.to_string(), ty.to_string()));
        }
    }

    /// `name` is declared already.
    pub fn declares(&self, name: &str) -> bool {
        self.decls.iter().any(|(n, _)| n == name)
    }

    /// The declarations so far, in first-declared order.
    pub fn declarations(&self) -> Vec<Decl> {
        self.decls
            .iter()
            .map(|(name, ty)| plpgsql::Decl {
                name: name.clone(),
                ty: ty.clone(),
            })
            .collect()
    }
}

impl Code {
    pub fn indent_out(&mut self) {
        self.indent -= 1;
    }

    pub fn indent_in(&mut self) {
        self.indent += 1;
    }
}
