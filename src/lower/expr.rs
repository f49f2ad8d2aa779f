//! Expressions: names resolved against the action's scope and every operand typed.
//!
//! Input values (`$key`), `null` and string literals take their type from context (the
//! other operand of a comparison, the field being set), as PostgreSQL's unknown-typed
//! literals do; everything else has a type of its own.

use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::ast::{self, BinaryOp, UnaryOp};
use crate::ir::{EntityId, Expr, ExprKind, FieldRef, FieldType, Project, Row, Ty, Value};

/// What names mean where an expression appears.
#[derive(Clone, Debug)]
pub struct Scope<'a> {
    pub project: &'a Project,
    /// Entity names → ids.
    pub index: &'a super::entity::EntityIndex,
    /// The action's entity: bare names are its fields.
    pub entity: EntityId,
    /// The entity a `WHERE` filters, when inside one.
    pub filtered: Option<EntityId>,
    /// `foreach` variables in scope, innermost last.
    pub items: Vec<String>,
    /// The type each `$key` of the action was first used with: a key has one type in
    /// the whole action, so the function reads and checks it once.
    pub inputs: std::rc::Rc<std::cell::RefCell<std::collections::BTreeMap<String, Ty>>>,
}

impl Scope<'_> {
    fn field_ref(&self, entity: EntityId, name: &str) -> Option<FieldRef> {
        self.project
            .entity(entity)
            .field_by_name(name)
            .map(|field| FieldRef { entity, field })
    }
}

/// True for expressions whose type comes from context: inputs (`$key`, `input.key`, a
/// key of any `foreach` variable in scope), `?`, `null` and string literals.
pub(super) fn context_typed(e: &ast::Expr, scope: &Scope) -> bool {
    matches!(
        e.kind,
        ast::ExprKind::Input(_)
            | ast::ExprKind::Placeholder
            | ast::ExprKind::Literal(ast::Literal::Null | ast::Literal::String(_))
    ) || matches!(&e.kind, ast::ExprKind::Qualified(q, _)
        if q.name == "input" || scope.items.contains(&q.name))
}

pub fn lower(
    e: &ast::Expr,
    scope: &Scope,
    expected: Option<&Ty>,
    diags: &mut Diagnostics,
) -> Option<Expr> {
    let span = e.span;
    let typed = |kind: ExprKind, ty: Ty| Some(Expr { kind, ty, span });
    match &e.kind {
        ast::ExprKind::Literal(lit) => {
            let (value, ty) = match lit {
                ast::Literal::String(s) => {
                    let ty = string_type(expected);
                    if let Err(problem) = literal_fits(s, &ty) {
                        diags.push(Diagnostic::string_literal_mismatch(s, &ty, problem, span));
                        return None;
                    }
                    (Value::Text(s.clone()), ty)
                }
                ast::Literal::Number(n) => {
                    let ty = number_type(n, expected);
                    if let Err(problem) = number_fits(n, &ty) {
                        diags.push(Diagnostic::number_out_of_range(n, &ty, problem, span));
                        return None;
                    }
                    (Value::Number(n.clone()), ty)
                }
                ast::Literal::Bool(b) => (Value::Bool(*b), Ty::Boolean),
                ast::Literal::Null => (Value::Null, expected.cloned().unwrap_or(Ty::Null)),
            };
            typed(ExprKind::Const(value), ty)
        }
        ast::ExprKind::Interval(text) => {
            typed(ExprKind::Const(Value::Interval(text.clone())), Ty::Interval)
        }
        // A bare name reads the action's entity; inside a WHERE over that same entity it
        // reads the filtered row.
        ast::ExprKind::Name(ident) => column(scope.entity, ident, scope, span, diags),
        ast::ExprKind::Input(key) => input(&key.name, scope, expected, span),
        ast::ExprKind::Qualified(head, key) => {
            if head.name == "input" {
                return input(&key.name, scope, expected, span);
            }
            if scope.items.contains(&head.name) {
                return typed(
                    ExprKind::Item {
                        var: head.name.clone(),
                        key: key.name.clone(),
                    },
                    expected
                        .cloned()
                        .filter(|t| *t != Ty::Null)
                        .unwrap_or(Ty::Text),
                );
            }
            let target = scope
                .index
                .get(&head.name)
                .filter(|id| Some(*id) == scope.filtered || *id == scope.entity);
            let Some(entity) = target else {
                let mut in_scope: Vec<&str> = vec!["input"];
                in_scope.extend(scope.items.iter().map(String::as_str));
                in_scope.push(&scope.project.entity(scope.entity).name);
                if let Some(f) = scope.filtered.filter(|f| *f != scope.entity) {
                    in_scope.push(&scope.project.entity(f).name);
                }
                diags.push(Diagnostic::unknown_qualifier(
                    &head.name, head.span, &in_scope,
                ));
                return None;
            };
            column(entity, key, scope, span, diags)
        }
        ast::ExprKind::Placeholder => {
            diags.push(Diagnostic::misplaced_placeholder(span));
            None
        }
        ast::ExprKind::Unary(op, operand) => {
            // `-100` keeps its own integer type; `-$x` needs a number from context.
            let want = match op {
                UnaryOp::Not => Some(Ty::Boolean),
                UnaryOp::Neg => expected
                    .cloned()
                    .filter(Ty::is_numeric)
                    .or_else(|| context_typed(operand, scope).then_some(Ty::Numeric)),
            };
            let inner = lower(operand, scope, want.as_ref(), diags)?;
            let ok = match op {
                UnaryOp::Not => inner.ty == Ty::Boolean || inner.ty == Ty::Null,
                UnaryOp::Neg => inner.ty.is_numeric() || inner.ty == Ty::Interval,
            };
            if !ok {
                diags.push(mismatch(
                    &format!(
                        "`{}` needs a {} operand",
                        if *op == UnaryOp::Not { "NOT" } else { "-" },
                        if *op == UnaryOp::Not {
                            "boolean"
                        } else {
                            "numeric"
                        }
                    ),
                    &inner,
                ));
                return None;
            }
            let ty = if *op == UnaryOp::Not {
                Ty::Boolean
            } else {
                inner.ty.clone()
            };
            typed(ExprKind::Unary(*op, Box::new(inner)), ty)
        }
        ast::ExprKind::Binary(op, a, b) => binary(*op, a, b, scope, expected, diags, span),
        ast::ExprKind::IsNull { expr, negated } => {
            let inner = lower(expr, scope, None, diags)?;
            typed(
                ExprKind::IsNull {
                    expr: Box::new(inner),
                    negated: *negated,
                },
                Ty::Boolean,
            )
        }
        ast::ExprKind::InList {
            expr,
            list,
            negated,
        } => {
            let first_typed = list.iter().find(|i| !context_typed(i, scope));
            let subject = if context_typed(expr, scope) {
                let hint = first_typed.and_then(|i| lower(i, scope, None, &mut Diagnostics::new()));
                lower(expr, scope, hint.as_ref().map(|h| &h.ty), diags)?
            } else {
                lower(expr, scope, None, diags)?
            };
            let mut items = Vec::new();
            for item in list {
                let item = lower(item, scope, Some(&subject.ty), diags)?;
                check_comparable(&subject, &item, scope, diags)?;
                items.push(item);
            }
            typed(
                ExprKind::InList {
                    expr: Box::new(subject),
                    list: items,
                    negated: *negated,
                },
                Ty::Boolean,
            )
        }
        ast::ExprKind::Like {
            expr,
            pattern,
            negated,
            case_insensitive,
        } => {
            let subject = lower(expr, scope, Some(&Ty::Text), diags)?;
            let pattern = lower(pattern, scope, Some(&Ty::Text), diags)?;
            for side in [&subject, &pattern] {
                if side.ty != Ty::Text && side.ty != Ty::Null {
                    diags.push(mismatch("LIKE compares text", side));
                    return None;
                }
            }
            typed(
                ExprKind::Like {
                    expr: Box::new(subject),
                    pattern: Box::new(pattern),
                    negated: *negated,
                    case_insensitive: *case_insensitive,
                },
                Ty::Boolean,
            )
        }
        ast::ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => {
            // `$delta BETWEEN -100 AND 100`: a context-typed subject takes the bounds' type.
            let hint = if context_typed(expr, scope) {
                [low.as_ref(), high.as_ref()]
                    .into_iter()
                    .find(|b| !context_typed(b, scope))
                    .and_then(|b| lower(b, scope, None, &mut Diagnostics::new()))
                    .map(|b| b.ty)
            } else {
                None
            };
            let subject = lower(expr, scope, hint.as_ref(), diags)?;
            let low = lower(low, scope, Some(&subject.ty), diags)?;
            let high = lower(high, scope, Some(&subject.ty), diags)?;
            check_comparable(&subject, &low, scope, diags)?;
            check_comparable(&subject, &high, scope, diags)?;
            typed(
                ExprKind::Between {
                    expr: Box::new(subject),
                    low: Box::new(low),
                    high: Box::new(high),
                    negated: *negated,
                },
                Ty::Boolean,
            )
        }
        ast::ExprKind::Call { name, args } => {
            super::call::call(name, args, scope, expected, diags, span)
        }
    }
}

/// `field` of `entity`, read from the filtered row when a WHERE filters `entity`, else
/// from the action's row.
fn column(
    entity: EntityId,
    field: &ast::Ident,
    scope: &Scope,
    span: crate::source::Span,
    diags: &mut Diagnostics,
) -> Option<Expr> {
    let row = if scope.filtered == Some(entity) {
        Row::Filtered
    } else {
        Row::Target
    };
    let Some(field_ref) = scope.field_ref(entity, &field.name) else {
        if scope.index.is_broken(entity, &field.name) {
            // Its declaration was reported; a second error here would be noise.
            return None;
        }
        let ent = scope.project.entity(entity);
        let mut d = Diagnostic::unknown_field(
            &ent.name,
            &field.name,
            field.span,
            ent.fields.iter().map(|f| f.name.as_str()),
        );
        if let Some(function) = crate::ir::Function::from_name(&field.name).filter(|f| {
            matches!(
                f,
                crate::ir::Function::Now | crate::ir::Function::CurrentDate
            )
        }) {
            d = d.with_help(format!(
                "`{0}` is a function in SpecQL expressions: write `{0}()`",
                function.name()
            ));
        } else if field.name == "id" {
            d = d.with_help(
                "`id` is not a field; the action's input `id` is written `$id` (the row an \
                 existing-row action works on is already the one with that `id`)",
            );
        }
        diags.push(d);
        return None;
    };
    Some(Expr {
        kind: ExprKind::Column {
            field: field_ref,
            row,
        },
        ty: scope.project.field(field_ref).ty.ty(),
        span,
    })
}

fn string_type(expected: Option<&Ty>) -> Ty {
    match expected {
        Some(Ty::Null) | None => Ty::Text,
        Some(t) => t.clone(),
    }
}

/// Whether a string literal can be cast to `ty` (PostgreSQL would fail at run time).
fn literal_fits(s: &str, ty: &Ty) -> Result<(), &'static str> {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    match ty {
        t if t.is_numeric() => {
            let body = s.trim().trim_start_matches(['-', '+']);
            let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
            if digits(int) && (frac.is_empty() || digits(frac)) {
                Ok(())
            } else {
                Err("not a number")
            }
        }
        Ty::Boolean => match s.to_ascii_lowercase().as_str() {
            "true" | "false" | "t" | "f" | "yes" | "no" => Ok(()),
            _ => Err("not a boolean"),
        },
        Ty::Uuid => super::literal::uuid(s).map_err(|_| "not a UUID"),
        Ty::Date => super::literal::date(s).map_err(|_| "not a date of the calendar (YYYY-MM-DD)"),
        _ => Ok(()),
    }
}

/// Whether a numeric literal fits the integer type it is used as.
fn number_fits(n: &str, ty: &Ty) -> Result<(), &'static str> {
    let integral = !n.contains(['.', 'e', 'E']);
    match ty {
        Ty::Smallint | Ty::Integer | Ty::Bigint if !integral => Err("not an integer"),
        Ty::Smallint if n.parse::<i16>().is_err() => Err("outside smallint range"),
        Ty::Integer if n.parse::<i32>().is_err() => Err("outside integer range"),
        Ty::Bigint if n.parse::<i64>().is_err() => Err("outside bigint range"),
        _ => Ok(()),
    }
}

fn number_type(n: &str, expected: Option<&Ty>) -> Ty {
    match expected {
        Some(Ty::Smallint | Ty::Integer | Ty::Bigint) if n.contains(['.', 'e', 'E']) => Ty::Numeric,
        Some(t) if t.is_numeric() => t.clone(),
        _ if n.contains(['.', 'e', 'E']) => Ty::Numeric,
        _ if n.parse::<i32>().is_ok() => Ty::Integer,
        _ if n.parse::<i64>().is_ok() => Ty::Bigint,
        _ => Ty::Numeric,
    }
}

/// `$key`: the entity's field of that name gives the type, else the context, else text.
fn input(
    key: &str,
    scope: &Scope,
    expected: Option<&Ty>,
    span: crate::source::Span,
) -> Option<Expr> {
    let own = scope.project.entity(scope.entity);
    let by_field = own
        .fields
        .iter()
        .find(|f| f.name == key || f.public_key() == key)
        .map(|f| f.ty.ty());
    let ty = by_field.unwrap_or_else(|| {
        let mut seen = scope.inputs.borrow_mut();
        seen.entry(key.to_string())
            .or_insert_with(|| {
                expected
                    .cloned()
                    .filter(|t| *t != Ty::Null)
                    .unwrap_or(Ty::Text)
            })
            .clone()
    });
    Some(Expr {
        kind: ExprKind::Input {
            key: key.to_string(),
        },
        ty,
        span,
    })
}

pub(super) fn mismatch(what: &str, e: &Expr) -> Diagnostic {
    Diagnostic::type_mismatch(what, &e.ty, e.span)
}

/// The enum values of a column expression, if it reads an enum field.
fn enum_values<'a>(e: &Expr, project: &'a Project) -> Option<&'a [String]> {
    match &e.kind {
        ExprKind::Column { field, .. } | ExprKind::InputField(field) => {
            match &project.field(*field).ty {
                FieldType::Enum(values) => Some(values),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A text literal compared with or assigned to an enum must be one of its values.
pub fn check_enum_literal(
    target: &Expr,
    value: &Expr,
    project: &Project,
    diags: &mut Diagnostics,
) -> Option<()> {
    let (Some(values), ExprKind::Const(Value::Text(text))) =
        (enum_values(target, project), &value.kind)
    else {
        return Some(());
    };
    if values.contains(text) {
        return Some(());
    }
    diags.push(Diagnostic::not_in_enum(text, values, value.span));
    None
}

fn check_comparable(a: &Expr, b: &Expr, scope: &Scope, diags: &mut Diagnostics) -> Option<()> {
    if !a.ty.comparable_with(&b.ty) {
        diags.push(Diagnostic::cannot_compare(&a.ty, a.span, &b.ty, b.span));
        return None;
    }
    check_enum_literal(a, b, scope.project, diags)?;
    check_enum_literal(b, a, scope.project, diags)
}

/// Lowers two operands so that a context-typed one takes the other's type.
fn operands(
    a: &ast::Expr,
    b: &ast::Expr,
    scope: &Scope,
    expected: Option<&Ty>,
    diags: &mut Diagnostics,
) -> Option<(Expr, Expr)> {
    if context_typed(a, scope) && !context_typed(b, scope) {
        let rb = lower(b, scope, expected, diags)?;
        let ra = lower(a, scope, Some(&rb.ty), diags)?;
        Some((ra, rb))
    } else {
        let ra = lower(a, scope, expected, diags);
        let rb = lower(b, scope, ra.as_ref().map(|r| &r.ty).or(expected), diags);
        Some((ra?, rb?))
    }
}

fn binary(
    op: BinaryOp,
    a: &ast::Expr,
    b: &ast::Expr,
    scope: &Scope,
    expected: Option<&Ty>,
    diags: &mut Diagnostics,
    span: crate::source::Span,
) -> Option<Expr> {
    use BinaryOp::*;
    let (ra, rb, ty) = match op {
        And | Or => {
            let ra = lower(a, scope, Some(&Ty::Boolean), diags);
            let rb = lower(b, scope, Some(&Ty::Boolean), diags);
            let (ra, rb) = (ra?, rb?);
            for side in [&ra, &rb] {
                if side.ty != Ty::Boolean && side.ty != Ty::Null {
                    diags.push(Diagnostic::non_boolean_operand(
                        op.as_str(),
                        &side.ty,
                        side.span,
                    ));
                    return None;
                }
            }
            (ra, rb, Ty::Boolean)
        }
        Eq | NotEq | Lt | LtEq | Gt | GtEq => {
            let (ra, rb) = operands(a, b, scope, None, diags)?;
            check_comparable(&ra, &rb, scope, diags)?;
            (ra, rb, Ty::Boolean)
        }
        Concat => {
            let ra = lower(a, scope, Some(&Ty::Text), diags);
            let rb = lower(b, scope, Some(&Ty::Text), diags);
            (ra?, rb?, Ty::Text)
        }
        Add | Sub | Mul | Div | Mod => {
            let want = expected.filter(|t| t.is_numeric());
            let (ra, rb) = operands(a, b, scope, want, diags)?;
            let ty = arithmetic_type(op, &ra.ty, &rb.ty);
            let Some(ty) = ty else {
                diags.push(Diagnostic::cannot_apply(
                    op.as_str(),
                    &ra.ty,
                    ra.span,
                    &rb.ty,
                    rb.span,
                    span,
                ));
                return None;
            };
            (ra, rb, ty)
        }
    };
    Some(Expr {
        kind: ExprKind::Binary(op, Box::new(ra), Box::new(rb)),
        ty,
        span,
    })
}

fn numeric_rank(t: &Ty) -> u8 {
    match t {
        Ty::Smallint => 1,
        Ty::Integer => 2,
        Ty::Bigint => 3,
        Ty::Numeric => 4,
        Ty::Float => 5,
        _ => 0,
    }
}

fn arithmetic_type(op: BinaryOp, a: &Ty, b: &Ty) -> Option<Ty> {
    use BinaryOp::*;
    match (a, b) {
        (x, y) if x.is_numeric() && y.is_numeric() => Some(if numeric_rank(x) >= numeric_rank(y) {
            x.clone()
        } else {
            y.clone()
        }),
        (Ty::Null, y) | (y, Ty::Null) if y.is_numeric() => Some(y.clone()),
        (Ty::Timestamptz, Ty::Interval) | (Ty::Interval, Ty::Timestamptz) if matches!(op, Add) => {
            Some(Ty::Timestamptz)
        }
        (Ty::Timestamptz, Ty::Interval) if matches!(op, Sub) => Some(Ty::Timestamptz),
        (Ty::Date, Ty::Interval) | (Ty::Interval, Ty::Date) if matches!(op, Add) => {
            Some(Ty::Timestamptz)
        }
        (Ty::Date, Ty::Interval) if matches!(op, Sub) => Some(Ty::Timestamptz),
        (Ty::Date, Ty::Integer) if matches!(op, Add | Sub) => Some(Ty::Date),
        (Ty::Date, Ty::Date) if matches!(op, Sub) => Some(Ty::Integer),
        (Ty::Timestamptz, Ty::Timestamptz) if matches!(op, Sub) => Some(Ty::Interval),
        (Ty::Interval, Ty::Interval) if matches!(op, Add | Sub) => Some(Ty::Interval),
        _ => None,
    }
}
