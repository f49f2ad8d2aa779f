//! The layout of a [`Block`]: four spaces per level, `DECLARE` and `EXCEPTION` at the
//! level of their `BEGIN`, handler bodies one level below their `WHEN`. One growing
//! buffer: bodies are most of the compiler's output.

use std::fmt::{self, Write as _};

use super::{Block, Handler, Stmt};
use crate::backend::postgres::quote::Ident;

/// Enough spaces for the deepest nesting a body has; deeper levels repeat it.
const SPACES: &str = "                                ";

fn pad(out: &mut String, level: usize) {
    let mut width = 4 * level;
    while width > 0 {
        let n = width.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        width -= n;
    }
}

/// The text `parts` make together, as [`lines`] writes it, without building it first:
/// every statement of every body goes through here.
fn line_of(out: &mut String, parts: &[&str], level: usize) {
    pad(out, level);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let part = if i == last {
            part.trim_end_matches('\n')
        } else {
            part
        };
        let mut segments = part.split('\n');
        if let Some(first) = segments.next() {
            out.push_str(first);
        }
        for segment in segments {
            out.push('\n');
            pad(out, level);
            out.push_str(segment);
        }
    }
    out.push('\n');
}

/// Each line of `text` at `level`.
pub(crate) fn lines(out: &mut String, text: &str, level: usize) {
    for line in text.lines() {
        pad(out, level);
        out.push_str(line);
        out.push('\n');
    }
}

/// What [`lines`] writes for `text`'s `Display`, formatted straight into `out`: most
/// statements of a body are one line built from a few pieces (`format_args!`), and
/// formatting them into a `String` of their own first, then copying it, was most of the
/// allocations of a compile. Text that spans lines, or is empty, takes [`lines`]'s way.
pub(crate) fn line_of_display(out: &mut String, text: impl fmt::Display, level: usize) {
    let line_start = out.len();
    pad(out, level);
    let text_start = out.len();
    let _ = write!(out, "{text}");
    let written = &out[text_start..];
    // Bytes, not chars: the scan runs over every line of every body.
    if !written.is_empty() && !written.bytes().any(|b| b == b'\n' || b == b'\r') {
        out.push('\n');
        return;
    }
    let text = written.to_string();
    out.truncate(line_start);
    lines(out, &text, level);
}

pub(super) fn block(out: &mut String, b: &Block, level: usize) {
    if !b.decls.is_empty() {
        lines(out, "DECLARE", level);
        for d in &b.decls {
            pad(out, level + 1);
            let _ = write!(out, "{} {};", Ident(&d.name), d.ty);
            out.push('\n');
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
        Stmt::Assign { target, value } => line_of(out, &[target, " := ", value, ";"], level),
        Stmt::Perform(query) => line_of(out, &["PERFORM ", query, ";"], level),
        Stmt::Raise(raise) => lines(out, &raise.to_string(), level),
        Stmt::Return(value) => line_of(out, &["RETURN ", value, ";"], level),
        Stmt::If {
            branches,
            otherwise,
        } => {
            for (i, (cond, body)) in branches.iter().enumerate() {
                let word = if i == 0 { "IF" } else { "ELSIF" };
                line_of(out, &[word, " ", cond, " THEN"], level);
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
                line_of(out, &[head, " LOOP"], level);
            }
            stmts(out, body, level + 1);
            lines(out, "END LOOP;", level);
        }
        Stmt::Block(b) => block(out, b, level),
        Stmt::Sql(sql) => line_of(out, &[sql, ";"], level),
        Stmt::Laid { text, level: laid } if *laid == level => out.push_str(text),
        Stmt::Laid { text, level: laid } => {
            let indent = &SPACES[..4 * (*laid).min(SPACES.len() / 4)];
            for line in text.lines() {
                let line = line.strip_prefix(indent).unwrap_or(line);
                pad(out, level);
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}
