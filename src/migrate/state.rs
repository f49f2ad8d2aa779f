//! The recorded state of a database after a migration: every object the project's
//! migrations created, as a typed value with the spec names it came from.
//!
//! A state is written as JSON beside the migration that produced it
//! (`db/migrations/specqlc/<stem>.state.json`) and read back by the next `migrate new`
//! and by `apply` (which keeps it in the database). It is never parsed out of SQL text,
//! so no spec text (a description, a default) can forge it. The spec names (entity,
//! field) recorded with each table, column and constraint are what renames
//! (LANGUAGE §6.1) match on; the PostgreSQL names are what statements use.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analysis::Facts;
use crate::backend::postgres::ddl::{
    AlterTableAddForeignKey, ColumnDef, CommentTarget, CreateIndex, CreateTable, TableConstraint,
    TenantPolicy,
};
use crate::backend::postgres::plan::{self, CommentOn, ObjectKey, Target};
use crate::backend::postgres::{self, checks, drop, naming, tables};
use crate::ir::analysis::TableKind;
use crate::ir::{self, Entity, FieldType, Project, Rich, Scalar};
use crate::source::Span;

/// The version of the state file format.
pub const FORMAT: u32 = 1;

/// Every object of a project's database, in creation (plan) order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub objects: Vec<Object>,
}

/// One object and how it was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// The text of the plan key (`table crm.tb_contact`).
    pub key: String,
    pub body: Body,
    /// The spec text it came from (only for the state compiled from specs now).
    #[serde(skip)]
    pub span: Option<Span>,
}

/// What an object is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// Part of the framework prelude, shared by every project of a database.
    Prelude {
        sql: String,
    },
    Schema {
        name: String,
        sql: String,
    },
    Table(Table),
    ForeignKey(ForeignKey),
    Index(Index),
    /// The privileges of a `--grant-to` role: granted again when they change, revoked
    /// when the role is no longer given.
    Grant {
        sql: String,
        revoke: String,
    },
    /// Row-level security and the tenant policy of a table.
    Policy {
        entity: String,
        translation: bool,
        policy: TenantPolicy,
    },
    Comment {
        target: CommentTarget,
        text: String,
    },
    /// A helper or action function: replaced when its text changes, dropped and created
    /// again when its signature (the drop statement) changes.
    Function {
        sql: String,
        drop: String,
        action: bool,
    },
}

/// A table with the spec names of its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The spec name of the entity (`Contact`).
    pub entity: String,
    pub translation: bool,
    pub tenant_scoped: bool,
    pub create: CreateTable,
    /// One per column of `create`, in the same order.
    pub columns: Vec<Column>,
    /// One per constraint of `create`, in the same order.
    pub constraints: Vec<Constraint>,
}

/// What a column stands for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// `field:<name>` for a field, `pk` for the identity key, `link` for a translation
    /// table's link to its entity, else the column name (`id`, `tenant_id`, `created_at`).
    pub role: String,
    /// The field's declared type, for fields.
    pub field_type: Option<TypeModel>,
    #[serde(skip)]
    pub span: Option<Span>,
}

/// What a named table constraint stands for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// `check:<column role>` or `unique:<column roles>`.
    pub role: String,
    /// The constraint's text with the column written as `__col__` for a field's CHECK, so
    /// a renamed column keeps an equal template; the whole text otherwise.
    pub template: String,
}

/// A foreign key with the spec names of its ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub entity: String,
    pub translation: bool,
    /// The role of the referencing column.
    pub column_role: String,
    /// The spec name of the referenced entity.
    pub target: String,
    pub create: AlterTableAddForeignKey,
}

/// An index with the spec names of its columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub entity: String,
    pub translation: bool,
    pub column_roles: Vec<String>,
    pub create: CreateIndex,
}

/// A field type as the spec declares it, precise enough to tell a widening (LANGUAGE
/// §6.2) from a change that loses data (§6.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeModel {
    Text {
        max: Option<u32>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Bigint,
    Smallint,
    Decimal {
        precision: Option<(u32, u32)>,
    },
    Enum {
        values: Vec<String>,
    },
    Ref {
        entity: String,
    },
    List {
        of: Box<TypeModel>,
    },
    /// Every other type, by its spec name (`date`, `email`, `coordinates`).
    Other {
        name: String,
    },
}

impl TypeModel {
    pub fn of(project: &Project, ty: &FieldType) -> TypeModel {
        match ty {
            FieldType::Scalar(Scalar::Text { max_len }) => TypeModel::Text { max: *max_len },
            FieldType::Scalar(Scalar::Integer { min, max }) => TypeModel::Integer {
                min: *min,
                max: *max,
            },
            FieldType::Scalar(Scalar::Bigint) => TypeModel::Bigint,
            FieldType::Scalar(Scalar::Smallint) => TypeModel::Smallint,
            FieldType::Scalar(Scalar::Decimal { precision }) => TypeModel::Decimal {
                precision: *precision,
            },
            FieldType::Scalar(other) => TypeModel::Other {
                name: format!("{other:?}").to_lowercase(),
            },
            FieldType::Rich(Rich::Money) => TypeModel::Other {
                name: "money".into(),
            },
            FieldType::Rich(r) => TypeModel::Other {
                name: r.name().into(),
            },
            FieldType::Enum(values) => TypeModel::Enum {
                values: values.clone(),
            },
            FieldType::Ref(target) => TypeModel::Ref {
                entity: project.entity(*target).name.clone(),
            },
            FieldType::List(inner) => TypeModel::List {
                of: Box::new(TypeModel::of(project, inner)),
            },
        }
    }
}

impl State {
    /// The state a database has after the compiled `project` (whose action facts the
    /// check computed) was applied.
    pub fn of(project: &Project, facts: Facts) -> State {
        let (plan, output) = crate::plan_and_emit_from(project, facts);
        State::of_output(project, &plan, &output)
    }

    /// [`State::of`] with the plan and its output already built.
    pub fn of_output(project: &Project, plan: &plan::Plan, output: &postgres::Output) -> State {
        let sql: HashMap<&ObjectKey, &str> = output
            .objects
            .iter()
            .map(|o| (&o.key, o.sql.as_str()))
            .collect();
        let objects = plan
            .objects()
            .filter_map(|object| {
                let text = sql.get(&object.key)?;
                Some(Object {
                    key: object.key.to_string(),
                    body: body(project, object, text),
                    span: object.span,
                })
            })
            .collect();
        State {
            format: FORMAT,
            objects,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a state serializes");
        text.push('\n');
        text
    }

    pub fn from_json(text: &str) -> Result<State, String> {
        let state: State = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if state.format != FORMAT {
            return Err(format!(
                "state format {} is not the one this specqlc reads ({FORMAT})",
                state.format
            ));
        }
        Ok(state)
    }

    /// The spec names of the entities this state has tables for.
    pub fn entities(&self) -> impl Iterator<Item = &Table> {
        self.objects.iter().filter_map(|o| match &o.body {
            Body::Table(t) if !t.translation => Some(t),
            _ => None,
        })
    }
}

fn body(project: &Project, object: &plan::Object, sql: &str) -> Body {
    match &object.target {
        Target::PreludeSchemas
        | Target::PreludeFunctions
        | Target::PreludeRuntime
        | Target::MutationResult => Body::Prelude { sql: sql.into() },
        Target::Schema(name) => Body::Schema {
            name: name.clone(),
            sql: sql.into(),
        },
        Target::Table(e, kind) => Body::Table(table(project, project.entity(*e), *kind)),
        Target::ForeignKey { entity, field } => {
            let e = project.entity(*entity);
            let field = field.map(|f| e.field(f));
            let (column_role, target) = match field {
                Some(f) => {
                    let FieldType::Ref(t) = f.ty else {
                        unreachable!("foreign keys are made for references")
                    };
                    (format!("field:{}", f.name), project.entity(t).name.clone())
                }
                None => ("link".to_string(), e.name.clone()),
            };
            Body::ForeignKey(ForeignKey {
                entity: e.name.clone(),
                translation: field.is_none(),
                column_role,
                target,
                create: tables::foreign_key(project, e, field),
            })
        }
        Target::Index(index) => {
            let e = project.entity(index.entity);
            let roles = column_roles(e, index.table);
            Body::Index(Index {
                entity: e.name.clone(),
                translation: index.table == TableKind::Translation,
                column_roles: index.columns.iter().map(|c| role_of(&roles, c)).collect(),
                create: tables::create_index(e, index),
            })
        }
        Target::Comment(on) => {
            let (target, text) = comment(project, on);
            Body::Comment { target, text }
        }
        Target::Grant(_) => Body::Grant {
            sql: sql.into(),
            revoke: drop::object(project, object)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        },
        Target::Policy(e, kind) => {
            let e = project.entity(*e);
            Body::Policy {
                entity: e.name.clone(),
                translation: *kind == TableKind::Translation,
                policy: tables::policy(e, *kind),
            }
        }
        Target::Helper { .. } | Target::Action { .. } => Body::Function {
            sql: sql.into(),
            drop: drop::object(project, object)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            action: matches!(object.target, Target::Action { .. }),
        },
    }
}

fn comment(project: &Project, on: &CommentOn) -> (CommentTarget, String) {
    let statement = postgres::emit::comment(project, on);
    (statement.target, statement.text)
}

/// Column name → role, for the table `kind` of `e`.
fn column_roles(e: &Entity, kind: TableKind) -> HashMap<String, String> {
    let mut roles = HashMap::new();
    match kind {
        TableKind::Main => {
            roles.insert(e.pk_column(), "pk".to_string());
            for f in &e.fields {
                roles.insert(f.column(), format!("field:{}", f.name));
            }
        }
        TableKind::Translation => {
            roles.insert(naming::translation_pk_column(&e.snake), "pk".to_string());
            roles.insert(tables::translation_link(e), "link".to_string());
            for &id in &e.translated {
                let f = e.field(id);
                roles.insert(f.column(), format!("field:{}", f.name));
            }
        }
    }
    roles
}

fn role_of(roles: &HashMap<String, String>, column: &str) -> String {
    roles
        .get(column)
        .cloned()
        .unwrap_or_else(|| column.to_string())
}

fn table(project: &Project, e: &Entity, kind: TableKind) -> Table {
    let create = tables::create_table(e, kind);
    let roles = column_roles(e, kind);
    let by_column: HashMap<String, &ir::Field> = e.fields.iter().map(|f| (f.column(), f)).collect();
    let columns = create
        .columns
        .iter()
        .map(|c: &ColumnDef| {
            let role = role_of(&roles, &c.name);
            let field = role.strip_prefix("field:").and(by_column.get(&c.name));
            Column {
                role,
                field_type: field.map(|f| TypeModel::of(project, &f.ty)),
                span: field.map(|f| f.span).or(Some(e.span)),
            }
        })
        .collect();
    let constraints = create
        .constraints
        .iter()
        .map(|c| match c {
            TableConstraint::Check { name, expr } => {
                let field = e
                    .fields
                    .iter()
                    .find(|f| naming::check(&create.name, &f.column()) == *name);
                match field {
                    Some(f) => Constraint {
                        role: format!("check:field:{}", f.name),
                        template: checks::check("__col__", &f.ty).unwrap_or_default(),
                    },
                    None => {
                        let column = create
                            .columns
                            .iter()
                            .find(|c| naming::check(&create.name, &c.name) == *name);
                        Constraint {
                            role: format!(
                                "check:{}",
                                column.map_or_else(|| name.clone(), |c| role_of(&roles, &c.name))
                            ),
                            template: expr.clone(),
                        }
                    }
                }
            }
            TableConstraint::Unique { columns, .. } => Constraint {
                role: format!(
                    "unique:{}",
                    columns
                        .iter()
                        .map(|c| role_of(&roles, c))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                template: String::new(),
            },
        })
        .collect();
    Table {
        entity: e.name.clone(),
        translation: kind == TableKind::Translation,
        tenant_scoped: e.tenant_scoped,
        create,
        columns,
        constraints,
    }
}
