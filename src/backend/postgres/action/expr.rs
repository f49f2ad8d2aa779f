//! Typed IR expressions → SQL text inside a PL/pgSQL body.
//!
//! Every compound sub-expression is parenthesized, so SpecQL's precedence (already
//! encoded in the tree) survives whatever SQL's precedence is. Constants carry explicit
//! casts to their type; functions are schema-qualified, except the SQL-syntax forms
//! (`COALESCE`, `NULLIF`, `GREATEST`, `LEAST`, `CURRENT_DATE`).

use super::{Ctx, col, input, table};
use crate::backend::postgres::quote::{Ident, Literal};
use crate::expr::ast::UnaryOp;
use crate::ir::{Expr, ExprKind, FieldRef, FieldType, Function, Row, Ty, Value};

/// A constant of type `ty`, with an explicit cast.
pub fn const_sql(value: &Value, ty: &Ty) -> String {
    let ty = match ty {
        Ty::Null => Ty::Text,
        t => t.clone(),
    };
    match value {
        Value::Null => format!("NULL::{}", ty.sql()),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) if n.starts_with('-') => format!("({n})::{}", ty.sql()),
        Value::Number(n) => format!("{n}::{}", ty.sql()),
        Value::Text(s) => format!("{}::{}", Literal(s), ty.sql()),
        Value::Interval(s) => format!("{}::interval", Literal(s)),
    }
}

/// The SQL of `e`: `alias` is the table alias of `Row::Filtered` columns.
pub fn sql(ctx: &mut Ctx, e: &Expr, alias: &str) -> String {
    match &e.kind {
        ExprKind::Const(v) => const_sql(v, &e.ty),
        ExprKind::Column { field, row } => column(ctx, *field, *row, alias),
        ExprKind::Input { key } => {
            let declared = ctx.inputs.get(key).map(|i| i.ty.clone());
            let v = input::var(key);
            match declared {
                Some(t) if t != e.ty && e.ty != Ty::Null => format!("{v}::{}", e.ty.sql()),
                _ => v,
            }
        }
        ExprKind::InputField(f) => input::var(&ctx.project.field(*f).public_key()),
        ExprKind::Item { var, key } => {
            let (_, n, _) = ctx
                .items
                .iter()
                .rev()
                .find(|(v, _, _)| v == var)
                .expect("lower resolves `item.key` inside its foreach only");
            let name = item_var(*n, key);
            ctx.code.declare(&name, &e.ty.sql());
            Ident(&name).to_string()
        }
        ExprKind::Unary(UnaryOp::Not, x) => format!("(NOT {})", sql(ctx, x, alias)),
        ExprKind::Unary(UnaryOp::Neg, x) => format!("(- {})", sql(ctx, x, alias)),
        ExprKind::Binary(op, a, b) => {
            format!(
                "({} {} {})",
                sql(ctx, a, alias),
                op.as_str(),
                sql(ctx, b, alias)
            )
        }
        ExprKind::IsNull { expr, negated } => format!(
            "({} IS {}NULL)",
            sql(ctx, expr, alias),
            if *negated { "NOT " } else { "" }
        ),
        ExprKind::InList {
            expr,
            list,
            negated,
        } => {
            let items: Vec<String> = list.iter().map(|x| sql(ctx, x, alias)).collect();
            format!(
                "({} {}IN ({}))",
                sql(ctx, expr, alias),
                not(*negated),
                items.join(", ")
            )
        }
        ExprKind::Like {
            expr,
            pattern,
            negated,
            case_insensitive,
        } => format!(
            "({} {}{} {})",
            sql(ctx, expr, alias),
            not(*negated),
            if *case_insensitive { "ILIKE" } else { "LIKE" },
            sql(ctx, pattern, alias)
        ),
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => format!(
            "({} {}BETWEEN {} AND {})",
            sql(ctx, expr, alias),
            not(*negated),
            sql(ctx, low, alias),
            sql(ctx, high, alias)
        ),
        // round(x, places) exists for numeric only (round(x) also for double precision).
        ExprKind::Call {
            function: Function::Round,
            args,
        } if args.len() == 2 => {
            let value = sql(ctx, &args[0], alias);
            let places = sql(ctx, &args[1], alias);
            let value = if args[0].ty == Ty::Numeric {
                value
            } else {
                format!("({value})::numeric")
            };
            let places = if args[1].ty == Ty::Integer {
                places
            } else {
                format!("({places})::integer")
            };
            format!("pg_catalog.round({value}, {places})")
        }
        ExprKind::Call { function, args } => {
            let args: Vec<String> = args.iter().map(|x| sql(ctx, x, alias)).collect();
            let args = args.join(", ");
            match function {
                Function::CurrentDate => "CURRENT_DATE".into(),
                Function::Coalesce => format!("COALESCE({args})"),
                Function::Nullif => format!("NULLIF({args})"),
                Function::Greatest => format!("GREATEST({args})"),
                Function::Least => format!("LEAST({args})"),
                Function::Trim => format!("pg_catalog.btrim({args})"),
                f => format!("pg_catalog.{}({args})", f.name()),
            }
        }
    }
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

/// The local holding the current element of loop number `n`.
pub fn item_json(n: u32) -> String {
    format!("it{n}")
}

/// The local holding `<var>.key` of loop number `n` (distinct from [`item_json`] by its
/// `_`, and from other loops' by the number, which ends at the `_`).
pub fn item_var(n: u32, key: &str) -> String {
    format!("it{n}_{key}")
}

/// A column of the action's row (`Target`) or of the filtered row (`alias`). A
/// reference reads the target's public UUID.
fn column(ctx: &mut Ctx, f: FieldRef, row: Row, alias: &str) -> String {
    let field = ctx.project.field(f);
    if row == Row::Target && ctx.creating && !ctx.row_loaded {
        return input::var(&field.public_key());
    }
    let base = match row {
        Row::Target => ctx.row_var().to_string(),
        Row::Filtered => alias.to_string(),
    };
    let value = col(&base, &field.column());
    match field.ty {
        FieldType::Ref(t) => {
            let target = ctx.project.entity(t);
            format!(
                "(SELECT r.id FROM {} AS r WHERE {} = {value})",
                table(target),
                col("r", &target.pk_column())
            )
        }
        _ => value,
    }
}
