//! Test support: a compact S-expression dump of the syntax tree, spans left out, so
//! that tests state the tree's shape in one line (`(= status 'lead')`).

use crate::expr::ast::*;

pub(super) fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::String(s)) => format!("'{}'", s.replace('\'', "''")),
        ExprKind::Literal(Literal::Number(n)) => n.clone(),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "NULL".to_owned(),
        ExprKind::Interval(s) => format!("(interval '{}')", s.replace('\'', "''")),
        ExprKind::Name(name) => name.name.clone(),
        ExprKind::Qualified(a, b) => format!("{}.{}", a.name, b.name),
        ExprKind::Input(key) => format!("${}", key.name),
        ExprKind::Placeholder => "?".to_owned(),
        ExprKind::Unary(UnaryOp::Not, e) => format!("(NOT {})", expr(e)),
        ExprKind::Unary(UnaryOp::Neg, e) => format!("(- {})", expr(e)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.as_str(), expr(a), expr(b)),
        ExprKind::IsNull { expr: e, negated } => {
            format!("(IS {}NULL {})", not(*negated), expr(e))
        }
        ExprKind::InList {
            expr: e,
            list,
            negated,
        } => {
            format!("({}IN {} ({}))", not(*negated), expr(e), all(list))
        }
        ExprKind::Like {
            expr: e,
            pattern,
            negated,
            case_insensitive,
        } => {
            let like = if *case_insensitive { "ILIKE" } else { "LIKE" };
            format!("({}{like} {} {})", not(*negated), expr(e), expr(pattern))
        }
        ExprKind::Between {
            expr: e,
            low,
            high,
            negated,
        } => {
            format!(
                "({}BETWEEN {} {} {})",
                not(*negated),
                expr(e),
                expr(low),
                expr(high)
            )
        }
        ExprKind::Call { name, args } if args.is_empty() => format!("(call {})", name.name),
        ExprKind::Call { name, args } => format!("(call {} {})", name.name, all(args)),
    }
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

fn all(list: &[Expr]) -> String {
    list.iter().map(expr).collect::<Vec<_>>().join(" ")
}

fn assignments(list: &[Assignment], form: impl Fn(&str, String) -> String) -> String {
    list.iter()
        .map(|a| form(&a.field.name, expr(&a.value)))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn step_update(step: &UpdateStep) -> String {
    let mut out = format!("(update {}", step.entity.name);
    if !step.set.is_empty() {
        out += " ";
        out += &assignments(&step.set, |f, v| format!("(SET {f} {v})"));
    }
    if let Some(filter) = &step.filter {
        out += &format!(" (WHERE {})", expr(filter));
    }
    out + ")"
}

pub(super) fn step_insert(step: &InsertStep) -> String {
    match &step.values {
        None => format!("(insert {})", step.entity.name),
        Some(values) => format!(
            "(insert {} {{{}}})",
            step.entity.name,
            assignments(values, |f, v| format!("({f} {v})"))
        ),
    }
}

pub(super) fn step_delete(step: &DeleteStep) -> String {
    match &step.filter {
        None => format!("(delete {})", step.entity.name),
        Some(filter) => format!("(delete {} (WHERE {}))", step.entity.name, expr(filter)),
    }
}
