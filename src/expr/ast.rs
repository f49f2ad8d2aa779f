//! The syntax tree of action steps and expressions, as parsed from step text.
//!
//! Spans are file spans (already mapped through [`crate::source::Origin`]), so later
//! stages never deal with offsets relative to a YAML scalar.

use crate::source::Span;

/// An identifier as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `interval '1 day'`
    Interval(String),
    /// A bare name: a field of the action's entity.
    Name(Ident),
    /// `a.b`: `input.key`, `item.key` or `Entity.field`, resolved by lowering.
    Qualified(Ident, Ident),
    /// `$key`
    Input(Ident),
    /// `?`: the input value of the field being set (only valid as a whole `SET` value).
    Placeholder,
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `e IS NULL` / `e IS NOT NULL`
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `e [NOT] IN (a, b, ...)`
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `e [NOT] LIKE p` / `e [NOT] ILIKE p`
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    /// `e [NOT] BETWEEN low AND high`
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `f(args)`; the allow-list is checked by lowering, not the parser.
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `'text'` with `''` already unescaped.
    String(String),
    /// Digits as written (`42`, `3.14`, `1e3`); typed by lowering.
    Number(String),
    Bool(bool),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinaryOp {
    /// The operator as SpecQL and SQL write it.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Concat => "||",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }
}

/// `f = <expr>` in an `update ... SET` list.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub field: Ident,
    pub value: Expr,
}

/// `update: Entity [SET a = e, ...] [WHERE cond]`
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateStep {
    pub entity: Ident,
    pub set: Vec<Assignment>,
    pub filter: Option<Expr>,
}

/// `insert: Entity` or `insert: Entity { f: e, ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct InsertStep {
    pub entity: Ident,
    /// `None` for the short form that takes values from input.
    pub values: Option<Vec<Assignment>>,
}

/// `delete: Entity [WHERE cond]`
#[derive(Clone, Debug, PartialEq)]
pub struct DeleteStep {
    pub entity: Ident,
    pub filter: Option<Expr>,
}

/// `foreach: item in $key` (also `item in input.key`)
#[derive(Clone, Debug, PartialEq)]
pub struct ForeachHead {
    pub var: Ident,
    pub input_key: Ident,
}

/// `call: schema.function`
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionPath {
    pub schema: Ident,
    pub function: Ident,
}
