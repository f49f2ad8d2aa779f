//! The layout of a [`Block`]: four spaces per level, `DECLARE` and `EXCEPTION` at the
//! level of their `BEGIN`, handler bodies one level below their `WHEN`. One growing
//! buffer: bodies are most of the compiler's output.

use super::{Block, Handler, Stmt};
use crate::backend::postgres::quote::Ident;

fn pad(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// Each line of `text` at `level`.
fn lines(out: &mut String, text: &str, level: usize) {
    for line in text.lines() {
        pad(out, level);
        out.push_str(line);
        out.push('\n');
    }
}

pub(super) fn block(out: &mut String, b: &Block, level: usize) {
    if !b.decls.is_empty() {
        lines(out, "DECLARE", level);
        for d in &b.decls {
            pad(out, level + 1);
            out.push_str(&Ident(&d.name).to_string());
            out.push(' ');
            out.push_str(&d.ty);
            out.push_str(";\n");
        }
    }
    lines(out, "BEGIN", level);
    stmts(out, &b.body, level + 1);
    if !b.handlers.is_empty() {
        lines(out, "EXCEPTION", level);
        for h in &b.handlers {
            handler(out, h, level + 1);
        }
    }
    lines(out, "END;", level);
}

fn handler(out: &mut String, h: &Handler, level: usize) {
    pad(out, level);
    out.push_str("WHEN ");
    out.push_str(&h.conditions.join(" OR "));
    out.push_str(" THEN\n");
    stmts(out, &h.body, level + 1);
}

fn stmts(out: &mut String, body: &[Stmt], level: usize) {
    for s in body {
        stmt(out, s, level);
    }
}

pub(super) fn stmt(out: &mut String, s: &Stmt, level: usize) {
    match s {
        Stmt::Assign { target, value } => lines(out, &format!("{target} := {value};"), level),
        Stmt::Perform(query) => lines(out, &format!("PERFORM {query};"), level),
        Stmt::Raise(raise) => lines(out, &raise.to_string(), level),
        Stmt::Return(value) => lines(out, &format!("RETURN {value};"), level),
        Stmt::If {
            branches,
            otherwise,
        } => {
            for (i, (cond, body)) in branches.iter().enumerate() {
                let word = if i == 0 { "IF" } else { "ELSIF" };
                lines(out, &format!("{word} {cond} THEN"), level);
                stmts(out, body, level + 1);
            }
            if !otherwise.is_empty() {
                lines(out, "ELSE", level);
                stmts(out, otherwise, level + 1);
            }
            lines(out, "END IF;", level);
        }
        Stmt::Loop { head, body } => {
            if head.is_empty() {
                lines(out, "LOOP", level);
            } else {
                lines(out, &format!("{head} LOOP"), level);
            }
            stmts(out, body, level + 1);
            lines(out, "END LOOP;", level);
        }
        Stmt::Block(b) => block(out, b, level),
        Stmt::Sql(sql) => lines(out, &format!("{sql};"), level),
        Stmt::Lines(text) => lines(out, text, level),
    }
}
