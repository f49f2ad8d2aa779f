//! Expressions: the grammar's flat runs of operands and operators -> [`Expr`] trees,
//! folded by a Pratt parser with the precedence of LANGUAGE.md §4.3.
//!
//! Two rules are enforced here rather than in the grammar, both as E0201: comparisons
//! do not chain (`a = b = c` needs parentheses, as in PostgreSQL), and nesting is
//! bounded ([`MAX_DEPTH`]) so that no input can exhaust the stack here or in the stages
//! that walk the tree.

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::{Cx, Rule, first_inner, next};
use crate::diag::Diagnostic;
use crate::expr::ast::*;
use crate::source::Span;

/// The deepest expression tree accepted, counting parentheses and prefix operators too.
/// Far beyond anything a spec writes; small enough that recursive stages are safe.
pub(super) const MAX_DEPTH: usize = 128;

/// Loosest first, as LANGUAGE.md §4.3 lists them. All comparison forms share one level;
/// chaining them is rejected in [`Cx::comparison`], which makes the level non-associative.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::OR, Assoc::Left))
        .op(Op::infix(Rule::AND, Assoc::Left))
        .op(Op::prefix(Rule::NOT))
        .op(Op::infix(Rule::EQ, Assoc::Left)
            | Op::infix(Rule::NOT_EQ, Assoc::Left)
            | Op::infix(Rule::LT, Assoc::Left)
            | Op::infix(Rule::LT_EQ, Assoc::Left)
            | Op::infix(Rule::GT, Assoc::Left)
            | Op::infix(Rule::GT_EQ, Assoc::Left)
            | Op::infix(Rule::like_op, Assoc::Left)
            | Op::postfix(Rule::is_null)
            | Op::postfix(Rule::in_list)
            | Op::postfix(Rule::between))
        .op(Op::infix(Rule::CONCAT, Assoc::Left))
        .op(Op::infix(Rule::ADD, Assoc::Left) | Op::infix(Rule::SUB, Assoc::Left))
        .op(Op::infix(Rule::MUL, Assoc::Left)
            | Op::infix(Rule::DIV, Assoc::Left)
            | Op::infix(Rule::MOD, Assoc::Left))
        .op(Op::prefix(Rule::NEG))
});

/// An expression being built, with what the Pratt fold needs to know about it.
struct Operand {
    expr: Expr,
    /// Height of the tree, parentheses not counted (they add no node).
    depth: usize,
    /// The top node is an unparenthesized comparison, which another comparison may not
    /// take as an operand.
    comparison: bool,
}

type Built = Result<Operand, Diagnostic>;

impl Cx<'_> {
    /// An `expr` pair (or a `between_bound`, which has the same shape).
    pub(super) fn parse_expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, Diagnostic> {
        self.fold(pair, 0).map(|operand| operand.expr)
    }

    /// Folds the operand/operator run of `pair` with the Pratt parser. `nesting` counts
    /// the recursion of this builder (and of the Pratt parser through prefix runs), so
    /// that it stops at [`MAX_DEPTH`] whatever the shape of the input.
    fn fold(&self, pair: Pair<'_, Rule>, nesting: usize) -> Built {
        let whole = self.span(&pair);
        let run: Vec<Pair<'_, Rule>> = flatten(pair.into_inner());
        let nesting = nesting + longest_prefix_run(&run);
        if nesting > MAX_DEPTH {
            return Err(Diagnostic::expression_too_deep(MAX_DEPTH, whole));
        }
        PRATT
            .map_primary(|primary| self.parse_primary(primary, nesting))
            .map_prefix(|op, operand| self.prefix(op, operand?))
            .map_postfix(|operand, op| self.postfix(operand?, op, nesting))
            .map_infix(|lhs, op, rhs| self.infix(lhs?, op, rhs?))
            .parse(run.into_iter())
    }

    fn parse_primary(&self, pair: Pair<'_, Rule>, nesting: usize) -> Built {
        let pair = first_inner(pair);
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::STRING => ExprKind::Literal(Literal::String(parse_string(pair))),
            Rule::NUMBER => ExprKind::Literal(Literal::Number(pair.as_str().to_owned())),
            Rule::TRUE => ExprKind::Literal(Literal::Bool(true)),
            Rule::FALSE => ExprKind::Literal(Literal::Bool(false)),
            Rule::NULL => ExprKind::Literal(Literal::Null),
            Rule::interval => ExprKind::Interval(parse_interval(pair)),
            Rule::call => return self.parse_call(pair, nesting),
            Rule::qualified => self.parse_qualified(pair),
            Rule::input_ref => ExprKind::Input(self.parse_input_ref(pair)),
            Rule::PLACEHOLDER => ExprKind::Placeholder,
            Rule::IDENT => ExprKind::Name(self.ident(&pair)),
            Rule::paren => return self.parse_paren(pair, nesting),
            rule => unreachable!("primary cannot hold {rule:?}"),
        };
        Ok(Operand {
            expr: Expr { kind, span },
            depth: 1,
            comparison: false,
        })
    }

    fn parse_call(&self, pair: Pair<'_, Rule>, nesting: usize) -> Built {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(&next(&mut inner));
        let args = self.fold_all(inner, nesting)?;
        let depth = args.iter().map(|a| a.depth).max().unwrap_or(0);
        let args = args.into_iter().map(|a| a.expr).collect();
        self.node(ExprKind::Call { name, args }, span, depth, false)
    }

    fn parse_qualified(&self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut inner = pair.into_inner();
        let qualifier = self.ident(&next(&mut inner));
        let name = self.ident(&next(&mut inner));
        ExprKind::Qualified(qualifier, name)
    }

    fn parse_input_ref(&self, pair: Pair<'_, Rule>) -> Ident {
        self.ident(&first_inner(pair))
    }

    /// The parentheses become part of the span and end any comparison chain.
    fn parse_paren(&self, pair: Pair<'_, Rule>, nesting: usize) -> Built {
        let span = self.span(&pair);
        let inner = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::expr)
            .expect("the grammar guarantees an expression in parentheses");
        let mut operand = self.fold(inner, nesting + 1)?;
        operand.expr.span = span;
        operand.comparison = false;
        Ok(operand)
    }

    fn prefix(&self, op: Pair<'_, Rule>, operand: Operand) -> Built {
        let span = self.span(&op).to(operand.expr.span);
        let op = match op.as_rule() {
            Rule::NOT => UnaryOp::Not,
            Rule::NEG => UnaryOp::Neg,
            rule => unreachable!("not a prefix operator: {rule:?}"),
        };
        let kind = ExprKind::Unary(op, Box::new(operand.expr));
        self.node(kind, span, operand.depth, false)
    }

    fn infix(&self, lhs: Operand, op: Pair<'_, Rule>, rhs: Operand) -> Built {
        let span = lhs.expr.span.to(rhs.expr.span);
        let depth = lhs.depth.max(rhs.depth);
        let op = match op.as_rule() {
            Rule::like_op => {
                self.comparison(&lhs, &op)?;
                return self.parse_like_op(lhs, op, rhs);
            }
            Rule::OR => BinaryOp::Or,
            Rule::AND => BinaryOp::And,
            Rule::CONCAT => BinaryOp::Concat,
            Rule::ADD => BinaryOp::Add,
            Rule::SUB => BinaryOp::Sub,
            Rule::MUL => BinaryOp::Mul,
            Rule::DIV => BinaryOp::Div,
            Rule::MOD => BinaryOp::Mod,
            comparison => {
                self.comparison(&lhs, &op)?;
                let kind = ExprKind::Binary(
                    comparison_op(comparison),
                    Box::new(lhs.expr),
                    Box::new(rhs.expr),
                );
                return self.node(kind, span, depth, true);
            }
        };
        let kind = ExprKind::Binary(op, Box::new(lhs.expr), Box::new(rhs.expr));
        self.node(kind, span, depth, false)
    }

    fn parse_like_op(&self, lhs: Operand, op: Pair<'_, Rule>, rhs: Operand) -> Built {
        let span = lhs.expr.span.to(rhs.expr.span);
        let depth = lhs.depth.max(rhs.depth);
        let mut negated = false;
        let mut case_insensitive = false;
        for word in op.into_inner() {
            match word.as_rule() {
                Rule::NOT => negated = true,
                Rule::ILIKE => case_insensitive = true,
                _ => {}
            }
        }
        let kind = ExprKind::Like {
            expr: Box::new(lhs.expr),
            pattern: Box::new(rhs.expr),
            negated,
            case_insensitive,
        };
        self.node(kind, span, depth, true)
    }

    /// `IS [NOT] NULL`, `[NOT] IN (list)` and `[NOT] BETWEEN low AND high`: one shape, an
    /// optional `NOT` and the expressions the operator holds, read in one pass.
    fn postfix(&self, operand: Operand, op: Pair<'_, Rule>, nesting: usize) -> Built {
        self.comparison(&operand, &op)?;
        let span = operand.expr.span.to(self.span(&op));
        let rule = op.as_rule();
        let mut negated = false;
        let mut held = Vec::new();
        for part in op.into_inner() {
            match part.as_rule() {
                Rule::NOT => negated = true,
                Rule::expr | Rule::between_bound => held.push(self.fold(part, nesting + 1)?),
                _ => {}
            }
        }
        let depth = held.iter().map(|e| e.depth).fold(operand.depth, usize::max);
        let expr = Box::new(operand.expr);
        let mut held = held.into_iter().map(|e| e.expr);
        let kind = match rule {
            Rule::is_null => ExprKind::IsNull { expr, negated },
            Rule::in_list => ExprKind::InList {
                expr,
                list: held.collect(),
                negated,
            },
            Rule::between => {
                let (Some(low), Some(high)) = (held.next(), held.next()) else {
                    unreachable!("the grammar guarantees two bounds")
                };
                ExprKind::Between {
                    expr,
                    low: Box::new(low),
                    high: Box::new(high),
                    negated,
                }
            }
            rule => unreachable!("not a postfix operator: {rule:?}"),
        };
        self.node(kind, span, depth, true)
    }

    /// Every `expr` among `pairs` (call arguments, an `IN` list), one level deeper.
    fn fold_all(&self, pairs: Pairs<'_, Rule>, nesting: usize) -> Result<Vec<Operand>, Diagnostic> {
        pairs
            .filter(|p| p.as_rule() == Rule::expr)
            .map(|p| self.fold(p, nesting + 1))
            .collect()
    }

    /// A new node over children of height `depth`, unless that makes the tree too deep.
    fn node(&self, kind: ExprKind, span: Span, depth: usize, comparison: bool) -> Built {
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            return Err(Diagnostic::expression_too_deep(MAX_DEPTH, span));
        }
        Ok(Operand {
            expr: Expr { kind, span },
            depth,
            comparison,
        })
    }

    /// Rejects `a = b = c`: the left operand of a comparison is itself one. (The right one
    /// never is: the level is left-associative, so `=` stops the right operand.)
    fn comparison(&self, lhs: &Operand, op: &Pair<'_, Rule>) -> Result<(), Diagnostic> {
        if !lhs.comparison {
            return Ok(());
        }
        Err(Diagnostic::chained_comparison(self.span(op), lhs.expr.span))
    }
}

/// The operator run of an `expr`, with the wrapper rules (`prefix_op`, `infix_op`,
/// `arith_op`, `postfix_op`) replaced by the operators they hold, as the Pratt table
/// names them.
fn flatten(pairs: Pairs<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pairs
        .map(|pair| {
            let mut pair = pair;
            while matches!(
                pair.as_rule(),
                Rule::prefix_op | Rule::infix_op | Rule::arith_op | Rule::postfix_op
            ) {
                pair = first_inner(pair);
            }
            pair
        })
        .collect()
}

/// The longest run of consecutive prefix operators: the Pratt parser recurses once for
/// each.
fn longest_prefix_run(run: &[Pair<'_, Rule>]) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for pair in run {
        if matches!(pair.as_rule(), Rule::NOT | Rule::NEG) {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

fn comparison_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::EQ => BinaryOp::Eq,
        Rule::NOT_EQ => BinaryOp::NotEq,
        Rule::LT => BinaryOp::Lt,
        Rule::LT_EQ => BinaryOp::LtEq,
        Rule::GT => BinaryOp::Gt,
        Rule::GT_EQ => BinaryOp::GtEq,
        rule => unreachable!("not an infix operator: {rule:?}"),
    }
}

/// `'it''s'` -> `it's`.
fn parse_string(pair: Pair<'_, Rule>) -> String {
    first_inner(pair).as_str().replace("''", "'")
}

/// `interval '1 day'` -> `1 day`.
fn parse_interval(pair: Pair<'_, Rule>) -> String {
    let string = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::STRING)
        .expect("the grammar guarantees the interval's string");
    parse_string(string)
}
