//! Hand-built IR projects for the tests of ordering and the backend (the front end is
//! not needed to build them), and a permutation that simulates files given in another
//! order (entity ids change; output must not).

use crate::expr::ast::BinaryOp;
use crate::ir::*;
use crate::source::{FileId, Span};

pub fn span(n: u32) -> Span {
    Span::new(FileId(0), n, n + 1)
}

pub fn entity(id: u32, name: &str, snake: &str, schema: &str) -> Entity {
    Entity {
        id: EntityId(id),
        name: name.into(),
        snake: snake.into(),
        schema: schema.into(),
        description: None,
        tenant_scoped: true,
        identifier_from: vec![],
        fields: vec![],
        actions: vec![],
        parent: None,
        translated: vec![],
        renamed_from: None,
        span: span(id * 100),
        schema_span: span(id * 100 + 1),
    }
}

pub fn field(e: &mut Entity, name: &str, ty: FieldType) -> FieldId {
    let id = FieldId(e.fields.len() as u32);
    e.fields.push(Field {
        id,
        name: name.into(),
        ty,
        required: false,
        unique: false,
        default: None,
        description: None,
        renamed_from: None,
        span: span(e.id.0 * 100 + 10 + id.0),
        type_span: span(e.id.0 * 100 + 50 + id.0),
    });
    id
}

pub fn action(e: &mut Entity, name: &str, kind: ActionKind) {
    let n = e.actions.len() as u32;
    e.actions.push(Action {
        name: name.into(),
        description: None,
        kind,
        span: span(e.id.0 * 100 + 80 + n),
    });
}

fn text(max_len: Option<u32>) -> FieldType {
    FieldType::Scalar(Scalar::Text { max_len })
}

/// `crm.Company` ⇄ `crm.Contact` (mutual references, a self-reference, a unique email,
/// an enum with a default), `common.Country` (shared, translated), and actions: standard
/// create, a custom `qualify_lead`, and a declaration.
pub fn crm() -> Project {
    let mut company = entity(0, "Company", "company", "crm");
    company.description = Some("A customer organisation".into());
    let name = field(&mut company, "name", text(Some(200)));
    company.fields[name.0 as usize].required = true;
    field(&mut company, "main_contact", FieldType::Ref(EntityId(1)));
    field(&mut company, "country", FieldType::Ref(EntityId(2)));
    action(&mut company, "create_company", ActionKind::Create);

    let mut contact = entity(1, "Contact", "contact", "crm");
    let email = field(&mut contact, "email", FieldType::Rich(Rich::Email));
    contact.fields[email.0 as usize].unique = true;
    contact.fields[email.0 as usize].required = true;
    contact.fields[email.0 as usize].description = Some("Primary contact address".into());
    let status = field(
        &mut contact,
        "status",
        FieldType::Enum(vec!["lead".into(), "qualified".into()]),
    );
    contact.fields[status.0 as usize].default = Some(Value::Text("lead".into()));
    field(&mut contact, "company", FieldType::Ref(EntityId(0)));
    let manager = field(&mut contact, "manager", FieldType::Ref(EntityId(1)));
    contact.parent = Some(manager);
    contact.identifier_from = vec![email];
    let status_ref = FieldRef {
        entity: EntityId(1),
        field: status,
    };
    let column = Expr {
        kind: ExprKind::Column {
            field: status_ref,
            row: Row::Target,
        },
        ty: Ty::Text,
        span: span(190),
    };
    let lit = |s: &str| Expr {
        kind: ExprKind::Const(Value::Text(s.into())),
        ty: Ty::Text,
        span: span(191),
    };
    let steps = vec![
        Step {
            kind: StepKind::Validate {
                condition: Expr {
                    kind: ExprKind::Binary(BinaryOp::Eq, Box::new(column), Box::new(lit("lead"))),
                    ty: Ty::Boolean,
                    span: span(192),
                },
                error: "not_a_lead".into(),
                message: "validation failed: status = 'lead'".into(),
            },
            span: span(193),
        },
        Step {
            kind: StepKind::Update {
                entity: EntityId(1),
                set: vec![Assignment {
                    field: status,
                    value: lit("qualified"),
                    span: span(194),
                }],
                from_input: false,
                filter: None,
            },
            span: span(195),
        },
        Step {
            kind: StepKind::Call {
                schema: "crm".into(),
                function: "create_company".into(),
                args: vec![],
                target: None,
            },
            span: span(196),
        },
    ];
    action(&mut contact, "create_contact", ActionKind::Create);
    action(&mut contact, "qualify_lead", ActionKind::Custom(steps));
    action(&mut contact, "archive_contact", ActionKind::Declaration);

    let mut country = entity(2, "Country", "country", "common");
    country.tenant_scoped = false;
    let name = field(&mut country, "name", text(None));
    let code = field(&mut country, "code", FieldType::Rich(Rich::CountryCode));
    country.fields[code.0 as usize].unique = true;
    country.translated = vec![name];
    country.identifier_from = vec![code];

    Project {
        entities: vec![company, contact, country],
        ..Default::default()
    }
}

/// The same project with its entities in another order (`perm[new] = old`), every
/// entity id renumbered, as lowering would give for files in another order.
pub fn permute(project: &Project, perm: &[usize]) -> Project {
    let new_of =
        |old: EntityId| EntityId(perm.iter().position(|&p| p == old.0 as usize).unwrap() as u32);
    let mut entities = Vec::new();
    for (new, &old) in perm.iter().enumerate() {
        let mut e = project.entities[old].clone();
        e.id = EntityId(new as u32);
        for f in &mut e.fields {
            remap_type(&mut f.ty, &new_of);
        }
        for a in &mut e.actions {
            if let ActionKind::Custom(steps) = &mut a.kind {
                steps.iter_mut().for_each(|s| remap_step(s, &new_of));
            }
        }
        entities.push(e);
    }
    Project {
        entities,
        ..Default::default()
    }
}

fn remap_type(ty: &mut FieldType, new_of: &impl Fn(EntityId) -> EntityId) {
    match ty {
        FieldType::Ref(e) => *e = new_of(*e),
        FieldType::List(inner) => remap_type(inner, new_of),
        _ => {}
    }
}

fn remap_step(step: &mut Step, new_of: &impl Fn(EntityId) -> EntityId) {
    match &mut step.kind {
        StepKind::Validate { condition, .. } => remap_expr(condition, new_of),
        StepKind::Update {
            entity,
            set,
            filter,
            ..
        } => {
            *entity = new_of(*entity);
            set.iter_mut()
                .for_each(|a| remap_expr(&mut a.value, new_of));
            filter.iter_mut().for_each(|f| remap_expr(f, new_of));
        }
        StepKind::Insert { entity, values } => {
            *entity = new_of(*entity);
            values
                .iter_mut()
                .flatten()
                .for_each(|a| remap_expr(&mut a.value, new_of));
        }
        StepKind::Delete { entity, filter } => {
            *entity = new_of(*entity);
            filter.iter_mut().for_each(|f| remap_expr(f, new_of));
        }
        StepKind::Select { entity } => *entity = new_of(*entity),
        StepKind::If {
            condition,
            then,
            otherwise,
        } => {
            remap_expr(condition, new_of);
            then.iter_mut()
                .chain(otherwise)
                .for_each(|s| remap_step(s, new_of));
        }
        StepKind::Foreach { body, .. } => body.iter_mut().for_each(|s| remap_step(s, new_of)),
        StepKind::Call { .. } | StepKind::Notify { .. } | StepKind::Return { .. } => {}
    }
}

fn remap_expr(expr: &mut Expr, new_of: &impl Fn(EntityId) -> EntityId) {
    match &mut expr.kind {
        ExprKind::Column { field, .. } | ExprKind::InputField(field) => {
            field.entity = new_of(field.entity)
        }
        ExprKind::Unary(_, e) | ExprKind::IsNull { expr: e, .. } => remap_expr(e, new_of),
        ExprKind::Binary(_, a, b)
        | ExprKind::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            remap_expr(a, new_of);
            remap_expr(b, new_of);
        }
        ExprKind::InList { expr, list, .. } => {
            remap_expr(expr, new_of);
            list.iter_mut().for_each(|e| remap_expr(e, new_of));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            remap_expr(expr, new_of);
            remap_expr(low, new_of);
            remap_expr(high, new_of);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|e| remap_expr(e, new_of)),
        ExprKind::Const(_) | ExprKind::Input { .. } | ExprKind::Item { .. } => {}
    }
}
