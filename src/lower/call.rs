//! Function calls in expressions: the allow-list, arity, argument and result types.

use super::expr::{Scope, context_typed, lower, mismatch};
use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::ast;
use crate::ir::{Expr, ExprKind, Function, Ty};

pub(super) fn call(
    name: &ast::Ident,
    args: &[ast::Expr],
    scope: &Scope,
    expected: Option<&Ty>,
    diags: &mut Diagnostics,
    span: crate::source::Span,
) -> Option<Expr> {
    let Some(function) = Function::from_name(&name.name) else {
        let allowed: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
        diags.push(Diagnostic::unknown_function(
            &name.name, name.span, &allowed,
        ));
        return None;
    };
    let arity_error = |expected_arity: &str| {
        Diagnostic::wrong_arguments(function.name(), expected_arity, args.len(), span)
    };
    use Function::*;
    let (min, max) = match function {
        Now | CurrentDate => (0, 0),
        Lower | Upper | Trim | Length | Abs | Floor | Ceil => (1, 1),
        Round => (1, 2),
        Nullif => (2, 2),
        Coalesce | Greatest | Least => (1, usize::MAX),
    };
    if args.len() < min || args.len() > max {
        let text = match (min, max) {
            (0, 0) => "no arguments".to_string(),
            (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
            (a, usize::MAX) => format!("at least {a} argument"),
            (a, b) => format!("{a} to {b} arguments"),
        };
        diags.push(arity_error(&text));
        return None;
    }
    let arg_hint = match function {
        Lower | Upper | Trim | Length => Some(Ty::Text),
        Abs | Floor | Ceil | Round => Some(Ty::Numeric),
        _ => expected.cloned(),
    };
    // The first argument with a type of its own types the others (coalesce($x, 0)).
    let hint = match function {
        Coalesce | Greatest | Least | Nullif => args
            .iter()
            .find(|a| !context_typed(a, scope))
            .and_then(|a| lower(a, scope, arg_hint.as_ref(), &mut Diagnostics::new()))
            .map(|e| e.ty)
            .or(arg_hint),
        _ => arg_hint,
    };
    let mut lowered = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        // The second argument of round() is a count of decimal places.
        let hint = if function == Round && i == 1 {
            Some(Ty::Integer)
        } else {
            hint.clone()
        };
        lowered.push(lower(arg, scope, hint.as_ref(), diags));
    }
    let lowered: Vec<Expr> = lowered.into_iter().collect::<Option<_>>()?;
    let ty = match function {
        Now => Ty::Timestamptz,
        CurrentDate => Ty::Date,
        Lower | Upper | Trim => Ty::Text,
        Length => Ty::Integer,
        Abs | Floor | Ceil => lowered[0].ty.clone(),
        Round => Ty::Numeric,
        Coalesce | Greatest | Least | Nullif => lowered
            .iter()
            .map(|e| e.ty.clone())
            .find(|t| *t != Ty::Null)
            .unwrap_or(Ty::Null),
    };
    for (i, arg) in lowered.iter().enumerate() {
        let ok = match function {
            Round if i == 1 => matches!(arg.ty, Ty::Smallint | Ty::Integer),
            Lower | Upper | Trim | Length => arg.ty == Ty::Text || arg.ty == Ty::Null,
            Abs | Floor | Ceil | Round => arg.ty.is_numeric() || arg.ty == Ty::Null,
            Coalesce | Greatest | Least | Nullif => arg.ty.comparable_with(&ty),
            Now | CurrentDate => true,
        };
        if !ok {
            diags.push(mismatch(
                &format!("wrong argument type for `{}`", function.name()),
                arg,
            ));
            return None;
        }
    }
    Some(Expr {
        kind: ExprKind::Call {
            function,
            args: lowered,
        },
        ty,
        span,
    })
}
