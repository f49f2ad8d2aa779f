//! Unit tests: generated functions for hand-built IR, as inline snapshots.
//!
//! Set `SPECQLC_ACTION_DUMP=<file>` to write every fixture function to a file, to apply
//! it to a scratch PostgreSQL with `plpgsql_check` by hand.

use super::function;
use crate::expr::ast::BinaryOp;
use crate::ir::*;
use crate::source::Span;

fn sp() -> Span {
    Span::default()
}

fn field(id: u32, name: &str, ty: FieldType) -> Field {
    Field {
        id: FieldId(id),
        name: name.into(),
        ty,
        required: false,
        unique: false,
        default: None,
        description: None,
        span: sp(),
        type_span: sp(),
    }
}

fn action(name: &str, kind: ActionKind) -> Action {
    Action {
        name: name.into(),
        description: None,
        kind,
        span: sp(),
    }
}

fn step(kind: StepKind) -> Step {
    Step { kind, span: sp() }
}

fn ex(kind: ExprKind, ty: Ty) -> Expr {
    Expr { kind, ty, span: sp() }
}

fn column(entity: u32, field: u32, ty: Ty) -> Expr {
    ex(
        ExprKind::Column {
            field: FieldRef {
                entity: EntityId(entity),
                field: FieldId(field),
            },
            row: Row::Target,
        },
        ty,
    )
}

fn text(s: &str) -> Expr {
    ex(ExprKind::Const(Value::Text(s.into())), Ty::Text)
}

fn binary(op: BinaryOp, a: Expr, b: Expr) -> Expr {
    let ty = match op {
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            a.ty.clone()
        }
        BinaryOp::Concat => Ty::Text,
        _ => Ty::Boolean,
    };
    ex(ExprKind::Binary(op, Box::new(a), Box::new(b)), ty)
}

fn entity(id: u32, name: &str, snake: &str, fields: Vec<Field>) -> Entity {
    Entity {
        id: EntityId(id),
        name: name.into(),
        snake: snake.into(),
        schema: "crm".into(),
        description: None,
        tenant_scoped: true,
        identifier_from: vec![],
        fields,
        actions: vec![],
        parent: None,
        translated: vec![],
        span: sp(),
        schema_span: sp(),
    }
}

/// Company(name!, 0) derives its identifier; Contact references it; Category is a
/// translated tree; Country is shared (not tenant-scoped).
pub(super) fn fixture() -> Project {
    let mut company = entity(
        0,
        "Company",
        "company",
        vec![Field {
            required: true,
            ..field(0, "name", FieldType::Scalar(Scalar::Text { max_len: None }))
        }],
    );
    company.identifier_from = vec![FieldId(0)];
    company.actions = vec![
        action("create_company", ActionKind::Create),
        action("update_company", ActionKind::Update),
    ];

    let mut contact = entity(
        1,
        "Contact",
        "contact",
        vec![
            Field {
                required: true,
                unique: true,
                ..field(0, "email", FieldType::Rich(Rich::Email))
            },
            Field {
                default: Some(Value::Text("lead".into())),
                ..field(
                    1,
                    "status",
                    FieldType::Enum(vec!["lead".into(), "qualified".into()]),
                )
            },
            field(2, "company", FieldType::Ref(EntityId(0))),
            field(
                3,
                "score",
                FieldType::Scalar(Scalar::Integer {
                    min: None,
                    max: None,
                }),
            ),
            field(4, "born", FieldType::Scalar(Scalar::Date)),
            field(5, "location", FieldType::Rich(Rich::Coordinates)),
            field(
                6,
                "tags",
                FieldType::List(Box::new(FieldType::Scalar(Scalar::Text { max_len: None }))),
            ),
            field(7, "price", FieldType::Scalar(Scalar::Decimal { precision: Some((10, 2)) })),
            field(8, "country", FieldType::Ref(EntityId(3))),
        ],
    );
    contact.actions = vec![
        action("create_contact", ActionKind::Create),
        action("update_contact", ActionKind::Update),
        action("delete_contact", ActionKind::Delete),
        Action {
            description: Some("Qualify a lead".into()),
            ..action(
                "qualify_lead",
                ActionKind::Custom(vec![
                    step(StepKind::Validate {
                        condition: binary(BinaryOp::Eq, column(1, 1, Ty::Text), text("lead")),
                        error: "not_a_lead".into(),
                        message: "validation failed: status = 'lead'".into(),
                    }),
                    step(StepKind::Update {
                        entity: EntityId(1),
                        set: vec![Assignment {
                            field: FieldId(1),
                            value: text("qualified"),
                            span: sp(),
                        }],
                        from_input: false,
                        filter: None,
                    }),
                    step(StepKind::Notify {
                        channel: "contact_qualified".into(),
                        data: vec![("email".into(), column(1, 0, Ty::Text))],
                    }),
                    step(StepKind::Return {
                        message: "Lead qualified".into(),
                    }),
                ]),
            )
        },
        action(
            "import_contacts",
            ActionKind::Custom(vec![step(StepKind::Foreach {
                var: "c".into(),
                input_key: "contacts".into(),
                body: vec![
                    step(StepKind::Validate {
                        condition: binary(
                            BinaryOp::Gt,
                            ex(
                                ExprKind::Item {
                                    var: "c".into(),
                                    key: "score".into(),
                                },
                                Ty::Integer,
                            ),
                            ex(ExprKind::Const(Value::Number("0".into())), Ty::Integer),
                        ),
                        error: "validation_failed".into(),
                        message: "validation failed: c.score > 0".into(),
                    }),
                    step(StepKind::Call {
                        schema: "crm".into(),
                        function: "create_contact".into(),
                        args: vec![
                            (
                                "email".into(),
                                ex(
                                    ExprKind::Item {
                                        var: "c".into(),
                                        key: "email".into(),
                                    },
                                    Ty::Text,
                                ),
                            ),
                            (
                                "score".into(),
                                ex(
                                    ExprKind::Item {
                                        var: "c".into(),
                                        key: "score".into(),
                                    },
                                    Ty::Integer,
                                ),
                            ),
                        ],
                    }),
                ],
            })]),
        ),
    ];

    let mut category = entity(
        2,
        "Category",
        "category",
        vec![
            field(0, "name", FieldType::Scalar(Scalar::Text { max_len: None })),
            field(1, "parent", FieldType::Ref(EntityId(2))),
        ],
    );
    category.parent = Some(FieldId(1));
    category.translated = vec![FieldId(0)];
    category.actions = vec![
        action("create_category", ActionKind::Create),
        action("update_category", ActionKind::Update),
    ];

    let mut country = entity(
        3,
        "Country",
        "country",
        vec![field(
            0,
            "code",
            FieldType::Rich(Rich::CountryCode),
        )],
    );
    country.tenant_scoped = false;
    country.schema = "common".into();
    country.actions = vec![action("create_country", ActionKind::Create)];

    Project {
        entities: vec![company, contact, category, country],
    }
}

fn sql_of(project: &Project, entity: u32, name: &str) -> String {
    let e = project.entity(EntityId(entity));
    let a = e.actions.iter().find(|a| a.name == name).unwrap();
    function(project, EntityId(entity), a).unwrap().sql
}

#[test]
fn dump_fixture_functions_when_asked() {
    let Ok(path) = std::env::var("SPECQLC_ACTION_DUMP") else {
        return;
    };
    let project = fixture();
    let mut out = String::new();
    for id in project.entity_ids() {
        for a in &project.entity(id).actions {
            if let Some(f) = function(&project, id, a) {
                out.push_str(&f.sql);
            }
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn declarations_get_no_function() {
    let project = fixture();
    let a = action("later", ActionKind::Declaration);
    assert!(function(&project, EntityId(1), &a).is_none());
}
