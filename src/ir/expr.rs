//! Typed, resolved expressions.

use super::visit::{Visitor, walk_expr};
use super::{FieldRef, Ty, Value};
use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

/// Which row a column reference reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// The action's row: found by `id` (existing-row actions) or about to be inserted
    /// (creating actions, where it reads the input value).
    Target,
    /// The row a `WHERE` of an `update`/`delete` step is filtering.
    Filtered,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Const(Value),
    /// A field's value. For a reference field this is the target's public UUID.
    Column {
        field: FieldRef,
        row: Row,
    },
    /// `$key` / `input.key`: the input value cast to `Expr::ty`; NULL when absent.
    Input {
        key: String,
    },
    /// `SET f = ?`: the input value of field `f` under its public key (`f_id` for a
    /// reference, as a UUID).
    InputField(FieldRef),
    /// `item.key` inside `foreach`, cast to `Expr::ty`.
    Item {
        var: String,
        key: String,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    Call {
        function: Function,
        args: Vec<Expr>,
    },
}

/// The allow-list of functions an expression may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Now,
    CurrentDate,
    Lower,
    Upper,
    Trim,
    Length,
    Coalesce,
    Nullif,
    Abs,
    Round,
    Floor,
    Ceil,
    Greatest,
    Least,
}

impl Function {
    pub const ALL: &'static [Function] = &[
        Function::Now,
        Function::CurrentDate,
        Function::Lower,
        Function::Upper,
        Function::Trim,
        Function::Length,
        Function::Coalesce,
        Function::Nullif,
        Function::Abs,
        Function::Round,
        Function::Floor,
        Function::Ceil,
        Function::Greatest,
        Function::Least,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Now => "now",
            Function::CurrentDate => "current_date",
            Function::Lower => "lower",
            Function::Upper => "upper",
            Function::Trim => "trim",
            Function::Length => "length",
            Function::Coalesce => "coalesce",
            Function::Nullif => "nullif",
            Function::Abs => "abs",
            Function::Round => "round",
            Function::Floor => "floor",
            Function::Ceil => "ceil",
            Function::Greatest => "greatest",
            Function::Least => "least",
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

impl Expr {
    /// Calls `visit` on this expression and every sub-expression, parents first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        struct Each<'f, F>(&'f mut F);
        impl<'a, F: FnMut(&'a Expr)> Visitor<'a> for Each<'_, F> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                (self.0)(expr);
                walk_expr(self, expr);
            }
        }
        Each(visit).visit_expr(self);
    }
}
