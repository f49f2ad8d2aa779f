//! A stable, readable dump of the IR for `specqlc debug ir` and snapshots.

use std::fmt::Write;

use super::*;

/// Renders the project as indented text: entities sorted by schema and name, then
/// fields, options and actions in declaration order.
pub fn dump(project: &Project) -> String {
    let mut out = String::new();
    let mut entities: Vec<&Entity> = project.entities.iter().collect();
    entities.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    for entity in entities {
        entity_dump(project, entity, &mut out);
    }
    out
}

fn entity_dump(project: &Project, e: &Entity, out: &mut String) {
    let _ = writeln!(
        out,
        "entity {}.{} (table {}, tenant_scoped: {})",
        e.schema,
        e.name,
        e.table(),
        e.tenant_scoped
    );
    if let Some(d) = &e.description {
        let _ = writeln!(out, "  description {d:?}");
    }
    if !e.identifier_from.is_empty() {
        let _ = writeln!(
            out,
            "  identifier from {}",
            field_names(e, &e.identifier_from)
        );
    }
    if let Some(p) = e.parent {
        let _ = writeln!(out, "  hierarchical, parent {}", e.field(p).name);
    }
    if !e.translated.is_empty() {
        let _ = writeln!(out, "  translations {}", field_names(e, &e.translated));
    }
    for f in &e.fields {
        let _ = write!(out, "  field {}: {}", f.name, field_type(project, &f.ty));
        if f.required {
            out.push_str(" required");
        }
        if f.unique {
            out.push_str(" unique");
        }
        if let Some(d) = &f.default {
            let _ = write!(out, " default {}", value(d));
        }
        out.push('\n');
    }
    for a in &e.actions {
        let kind = match &a.kind {
            ActionKind::Create => "standard create",
            ActionKind::Update => "standard update",
            ActionKind::Delete => "standard delete",
            ActionKind::Custom(_) => "custom",
            ActionKind::Declaration => "declaration",
        };
        let _ = writeln!(out, "  action {} ({kind})", a.name);
        if let ActionKind::Custom(steps) = &a.kind {
            steps_dump(project, steps, 2, out);
        }
    }
}

/// The names of some of `e`'s fields, comma-separated.
fn field_names(e: &Entity, fields: &[FieldId]) -> String {
    let names: Vec<&str> = fields.iter().map(|f| e.field(*f).name.as_str()).collect();
    names.join(", ")
}

fn field_type(project: &Project, ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(s) => format!("{s:?}"),
        FieldType::Rich(r) => r.name().to_string(),
        FieldType::Enum(values) => format!("enum({})", values.join(", ")),
        FieldType::Ref(id) => format!("ref({})", project.entity(*id).name),
        FieldType::List(inner) => format!("list({})", field_type(project, inner)),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("{t:?}"),
        Value::Number(n) => n.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Interval(i) => format!("interval {i:?}"),
    }
}

fn steps_dump(project: &Project, steps: &[Step], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for step in steps {
        match &step.kind {
            StepKind::Validate {
                condition,
                error,
                message,
            } => {
                let _ = writeln!(
                    out,
                    "{pad}validate {} else {error} {message:?}",
                    expr(project, condition)
                );
            }
            StepKind::If {
                condition,
                then,
                otherwise,
            } => {
                let _ = writeln!(out, "{pad}if {}", expr(project, condition));
                steps_dump(project, then, depth + 1, out);
                if !otherwise.is_empty() {
                    let _ = writeln!(out, "{pad}else");
                    steps_dump(project, otherwise, depth + 1, out);
                }
            }
            StepKind::Update {
                entity,
                set,
                from_input,
                filter,
            } => {
                let e = project.entity(*entity);
                let _ = write!(out, "{pad}update {}", e.name);
                if *from_input {
                    out.push_str(" from input");
                }
                assignments(project, *entity, set, out);
                if let Some(f) = filter {
                    let _ = write!(out, " where {}", expr(project, f));
                }
                out.push('\n');
            }
            StepKind::Insert { entity, values } => {
                let _ = write!(out, "{pad}insert {}", project.entity(*entity).name);
                match values {
                    None => out.push_str(" from input"),
                    Some(v) => assignments(project, *entity, v, out),
                }
                out.push('\n');
            }
            StepKind::Delete { entity, filter } => {
                let _ = write!(out, "{pad}delete {}", project.entity(*entity).name);
                if let Some(f) = filter {
                    let _ = write!(out, " where {}", expr(project, f));
                }
                out.push('\n');
            }
            StepKind::Call {
                schema,
                function,
                args,
                target: _,
            } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|(k, v)| format!("{k} => {}", expr(project, v)))
                    .collect();
                let _ = writeln!(out, "{pad}call {schema}.{function}({})", args.join(", "));
            }
            StepKind::Notify { channel, data } => {
                let data: Vec<String> = data
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", expr(project, v)))
                    .collect();
                let _ = writeln!(out, "{pad}notify {channel} {{{}}}", data.join(", "));
            }
            StepKind::Foreach {
                var,
                input_key,
                body,
            } => {
                let _ = writeln!(out, "{pad}foreach {var} in ${input_key}");
                steps_dump(project, body, depth + 1, out);
            }
            StepKind::Select { entity } => {
                let _ = writeln!(out, "{pad}select {}", project.entity(*entity).name);
            }
            StepKind::Return { message } => {
                let _ = writeln!(out, "{pad}return {message:?}");
            }
        }
    }
}

fn assignments(project: &Project, entity: EntityId, set: &[Assignment], out: &mut String) {
    if set.is_empty() {
        return;
    }
    let e = project.entity(entity);
    let parts: Vec<String> = set
        .iter()
        .map(|a| format!("{} = {}", e.field(a.field).name, expr(project, &a.value)))
        .collect();
    let _ = write!(out, " set {}", parts.join(", "));
}

/// An expression, fully parenthesized, with its type: `(status = 'lead':text):boolean`.
pub fn expr(project: &Project, e: &Expr) -> String {
    let body = match &e.kind {
        ExprKind::Const(v) => value(v),
        ExprKind::Column { field, row } => {
            let ent = project.entity(field.entity);
            let prefix = if *row == Row::Filtered {
                "filtered."
            } else {
                ""
            };
            format!("{prefix}{}.{}", ent.name, ent.field(field.field).name)
        }
        ExprKind::Input { key } => format!("${key}"),
        ExprKind::InputField(f) => format!("?{}", project.field(*f).public_key()),
        ExprKind::Item { var, key } => format!("{var}.{key}"),
        ExprKind::Unary(op, inner) => format!("({op:?} {})", expr(project, inner)),
        ExprKind::Binary(op, a, b) => format!(
            "({} {} {})",
            expr(project, a),
            op.as_str(),
            expr(project, b)
        ),
        ExprKind::IsNull {
            expr: inner,
            negated,
        } => format!(
            "({} IS {}NULL)",
            expr(project, inner),
            if *negated { "NOT " } else { "" }
        ),
        ExprKind::InList {
            expr: inner,
            list,
            negated,
        } => {
            let items: Vec<String> = list.iter().map(|i| expr(project, i)).collect();
            format!(
                "({} {}IN ({}))",
                expr(project, inner),
                if *negated { "NOT " } else { "" },
                items.join(", ")
            )
        }
        ExprKind::Like {
            expr: inner,
            pattern,
            negated,
            case_insensitive,
        } => format!(
            "({} {}{} {})",
            expr(project, inner),
            if *negated { "NOT " } else { "" },
            if *case_insensitive { "ILIKE" } else { "LIKE" },
            expr(project, pattern)
        ),
        ExprKind::Between {
            expr: inner,
            low,
            high,
            negated,
        } => format!(
            "({} {}BETWEEN {} AND {})",
            expr(project, inner),
            if *negated { "NOT " } else { "" },
            expr(project, low),
            expr(project, high)
        ),
        ExprKind::Call { function, args } => {
            let args: Vec<String> = args.iter().map(|a| expr(project, a)).collect();
            format!("{}({})", function.name(), args.join(", "))
        }
    };
    format!("{body}:{}", e.ty)
}
