//! Action steps: step text parsed by the grammar, entities and fields resolved,
//! conditions checked to be boolean, assignments checked against their fields.

use super::expr::{Scope, check_enum_literal, lower};
use crate::diag::{Diagnostic, Diagnostics};
use crate::expr::{self, ast};
use crate::ir::{Assignment, EntityId, Expr, ExprKind, FieldRef, Step, StepKind, Ty};
use crate::passes::declared;
use crate::spec::syntax::{StepDecl, StepDeclKind, Text};

pub fn lower_steps(decls: &[StepDecl], scope: &Scope, diags: &mut Diagnostics) -> Vec<Step> {
    decls
        .iter()
        .filter_map(|d| lower_step(d, scope, diags).map(|kind| Step { kind, span: d.span }))
        .collect()
}

fn parsed<T>(result: Result<T, Diagnostic>, diags: &mut Diagnostics) -> Option<T> {
    result.map_err(|d| diags.push(d)).ok()
}

fn condition(text: &Text, scope: &Scope, diags: &mut Diagnostics) -> Option<Expr> {
    let ast = parsed(expr::parse_expr(&text.value, &text.origin), diags)?;
    boolean(&ast, scope, diags)
}

fn boolean(ast: &ast::Expr, scope: &Scope, diags: &mut Diagnostics) -> Option<Expr> {
    let e = lower(ast, scope, Some(&Ty::Boolean), diags)?;
    if e.ty != Ty::Boolean {
        diags.push(Diagnostic::non_boolean_condition(&e.ty, e.span));
        return None;
    }
    Some(e)
}

fn entity(ident: &ast::Ident, scope: &Scope, diags: &mut Diagnostics) -> Option<EntityId> {
    let project = scope.project;
    let found = scope.index.get(&ident.name);
    if found.is_none() {
        diags.push(Diagnostic::unknown_entity(
            &ident.name,
            ident.span,
            project.entities.iter().map(|e| e.name.as_str()),
        ));
    }
    found
}

/// The step's target entity, when a step without `WHERE` (which acts on the action's
/// row) may act on it.
fn own_row_target(
    step: &str,
    has_where: bool,
    ident: &ast::Ident,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<EntityId> {
    let target = entity(ident, scope, diags)?;
    declared::steps_without_where_act_on_the_own_entity(
        step,
        has_where,
        target,
        scope.entity,
        scope.project,
        ident.span,
        diags,
    )
    .then_some(target)
}

fn assignments(
    list: &[ast::Assignment],
    target: EntityId,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Vec<Assignment>> {
    let project = scope.project;
    let entity = project.entity(target);
    let mut out = Vec::new();
    let mut ok = true;
    for a in list {
        let Some(field) = entity.field_by_name(&a.field.name) else {
            if scope.index.is_broken(target, &a.field.name) {
                // Reported at its declaration already.
                ok = false;
                continue;
            }
            let d = if super::names::is_reserved_column(&a.field.name) {
                Diagnostic::assignment_target(&a.field.name, a.field.span)
            } else {
                Diagnostic::unknown_field(
                    &entity.name,
                    &a.field.name,
                    a.field.span,
                    entity.fields.iter().map(|f| f.name.as_str()),
                )
            };
            diags.push(d);
            ok = false;
            continue;
        };
        if !declared::fields_are_assigned_once(&out, field, &a.field, diags) {
            ok = false;
            continue;
        }
        let field_ref = FieldRef {
            entity: target,
            field,
        };
        let field_ty = entity.field(field).ty.ty();
        let value = if a.value.kind == ast::ExprKind::Placeholder {
            Some(Expr {
                kind: ExprKind::InputField(field_ref),
                ty: field_ty.clone(),
                span: a.value.span,
            })
        } else {
            lower(&a.value, scope, Some(&field_ty), diags)
        };
        let Some(value) = value else {
            ok = false;
            continue;
        };
        let fits = value.ty == field_ty
            || value.ty == Ty::Null
            || (value.ty.is_numeric() && field_ty.is_numeric())
            || (value.ty == Ty::Date && field_ty == Ty::Timestamptz);
        if !fits {
            diags.push(Diagnostic::cannot_assign(
                &value.ty,
                &a.field.name,
                &field_ty,
                value.span,
                entity.field(field).type_span,
            ));
            ok = false;
            continue;
        }
        let column = Expr {
            kind: ExprKind::Column {
                field: field_ref,
                row: crate::ir::Row::Target,
            },
            ty: field_ty,
            span: a.field.span,
        };
        if check_enum_literal(&column, &value, project, diags).is_none() {
            ok = false;
            continue;
        }
        out.push(Assignment {
            field,
            value,
            span: a.field.span.to(a.value.span),
        });
    }
    ok.then_some(out)
}

fn filter(
    ast: Option<&ast::Expr>,
    target: EntityId,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Option<Expr>> {
    match ast {
        None => Some(None),
        Some(e) => {
            let inner = Scope {
                filtered: Some(target),
                ..scope.clone()
            };
            boolean(e, &inner, diags).map(Some)
        }
    }
}

fn expr_map(
    items: &[(Text, Text)],
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Vec<(String, Expr)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in items {
        let parsed_value = parsed(expr::parse_expr(&value.value, &value.origin), diags);
        match parsed_value.and_then(|ast| lower(&ast, scope, None, diags)) {
            Some(e) => out.push((key.value.clone(), e)),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn lower_step(decl: &StepDecl, scope: &Scope, diags: &mut Diagnostics) -> Option<StepKind> {
    match &decl.kind {
        StepDeclKind::Validate {
            condition: text,
            error,
            message,
        } => {
            let condition = condition(text, scope, diags)?;
            if !declared::error_codes_are_snake_case(error.as_ref(), diags) {
                return None;
            }
            let error = error
                .as_ref()
                .map_or_else(|| "validation_failed".to_string(), |c| c.value.clone());
            let message = message
                .as_ref()
                .map(|m| m.value.clone())
                .unwrap_or_else(|| format!("validation failed: {}", text.value.trim()));
            Some(StepKind::Validate {
                condition,
                error,
                message,
            })
        }
        StepDeclKind::If {
            condition: text,
            then,
            otherwise,
        } => {
            let condition = condition(text, scope, diags);
            let then = lower_steps(then, scope, diags);
            let otherwise = lower_steps(otherwise, scope, diags);
            Some(StepKind::If {
                condition: condition?,
                then,
                otherwise,
            })
        }
        StepDeclKind::Update(text) => {
            let step = parsed(expr::parse_update(&text.value, &text.origin), diags)?;
            let has_where = step.filter.is_some();
            let target = own_row_target("update", has_where, &step.entity, scope, diags)?;
            let set = assignments(&step.set, target, scope, diags);
            let filter = filter(step.filter.as_ref(), target, scope, diags);
            Some(StepKind::Update {
                entity: target,
                from_input: step.set.is_empty(),
                set: set?,
                filter: filter?,
            })
        }
        StepDeclKind::Insert(text) => {
            let step = parsed(expr::parse_insert(&text.value, &text.origin), diags)?;
            let target = entity(&step.entity, scope, diags)?;
            let values = match &step.values {
                None => None,
                Some(list) => Some(assignments(list, target, scope, diags)?),
            };
            Some(StepKind::Insert {
                entity: target,
                values,
            })
        }
        StepDeclKind::Delete(text) => {
            let step = parsed(expr::parse_delete(&text.value, &text.origin), diags)?;
            let has_where = step.filter.is_some();
            let target = own_row_target("delete", has_where, &step.entity, scope, diags)?;
            let filter = filter(step.filter.as_ref(), target, scope, diags)?;
            Some(StepKind::Delete {
                entity: target,
                filter,
            })
        }
        StepDeclKind::Select(text) => {
            let ident = parsed(expr::parse_entity_name(&text.value, &text.origin), diags)?;
            let target = own_row_target("select", false, &ident, scope, diags)?;
            Some(StepKind::Select { entity: target })
        }
        StepDeclKind::Return(text) => Some(StepKind::Return {
            message: text.value.clone(),
        }),
        StepDeclKind::Call { target, args } => {
            let path = parsed(
                expr::parse_call_target(&target.value, &target.origin),
                diags,
            )?;
            if !declared::call_names_are_plain_sql_names(&path, args, diags) {
                return None;
            }
            let args = expr_map(args, scope, diags)?;
            Some(StepKind::Call {
                schema: path.schema.name,
                function: path.function.name,
                args,
                // Resolved once every entity's actions are lowered (`resolve_calls`).
                target: None,
            })
        }
        StepDeclKind::Notify { channel, data } => {
            let ident = parsed(
                expr::parse_notify_channel(&channel.value, &channel.origin),
                diags,
            )?;
            let data = expr_map(data, scope, diags)?;
            Some(StepKind::Notify {
                channel: ident.name,
                data,
            })
        }
        StepDeclKind::Foreach { head, body } => {
            let head = parsed(expr::parse_foreach(&head.value, &head.origin), diags)?;
            if !declared::loop_variables_are_unambiguous(&head.var, &scope.items, diags) {
                return None;
            }
            let mut inner = scope.clone();
            inner.items.push(head.var.name.clone());
            let body = lower_steps(body, &inner, diags);
            Some(StepKind::Foreach {
                var: head.var.name,
                input_key: head.input_key.name,
                body,
            })
        }
    }
}
