//! One plan object → its SQL text, through the typed DDL structs.

use super::ddl::{CommentOn as Comment, CommentTarget, CreateSchema, DoIfAbsent, Probe};
use super::{helpers, prelude, tables};
use crate::analysis::Facts;
use crate::backend::postgres::plan::{CommentOn, Object, Target};
use crate::ir::analysis::TableKind;
use crate::ir::{ActionId, Project};

pub fn sql(project: &Project, facts: &Facts, object: &Object) -> String {
    match &object.target {
        Target::PreludeSchemas => join(prelude::schemas()),
        Target::PreludeFunctions => join(prelude::functions()),
        Target::PreludeRuntime => prelude::runtime_statements().concat(),
        Target::MutationResult => prelude::mutation_result().to_string(),
        Target::Schema(name) => CreateSchema { name: name.clone() }.to_string(),
        Target::Table(e, t) => tables::create_table(project.entity(*e), *t).to_string(),
        Target::ForeignKey { entity, field } => {
            let e = project.entity(*entity);
            let fk = tables::foreign_key(project, e, field.map(|f| e.field(f)));
            DoIfAbsent {
                probe: Probe::Constraint {
                    schema: fk.schema.clone(),
                    table: fk.table.clone(),
                    name: fk.name.clone(),
                },
                statement: fk.to_string(),
            }
            .to_string()
        }
        Target::Index(index) => {
            tables::create_index(project.entity(index.entity), index).to_string()
        }
        Target::Comment(on) => comment(project, on).to_string(),
        Target::Helper { entity, helper } => {
            let function = helpers::helper(project.entity(*entity), *helper);
            format!("{function}{}", function.revoke_from_public())
        }
        Target::Grant(role) => super::grants::grant(project, role),
        Target::Policy(e, t) => {
            let policy = tables::policy(project.entity(*e), *t);
            DoIfAbsent {
                probe: Probe::Policy {
                    schema: policy.schema.clone(),
                    table: policy.table.clone(),
                    name: policy.name.clone(),
                },
                statement: policy.create_policy(),
            }
            .to_string()
                + &policy.enable()
        }
        Target::Action { entity, action } => {
            let id = ActionId {
                entity: *entity,
                action: *action as u32,
            };
            super::action::function(project, facts, id)
                .map(|f| f.sql)
                .unwrap_or_default()
        }
    }
}

fn join<T: ToString>(items: Vec<T>) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn comment(project: &Project, on: &CommentOn) -> Comment {
    match on {
        CommentOn::Table(entity, table) => {
            let e = project.entity(*entity);
            Comment {
                target: CommentTarget::Table {
                    schema: e.schema.clone(),
                    table: tables::table_name(e, *table),
                },
                text: e.description.clone().unwrap_or_default(),
            }
        }
        CommentOn::Column {
            entity,
            field,
            column,
        } => {
            let e = project.entity(*entity);
            let text = match field {
                Some(f) => e.field(*f).description.clone().unwrap_or_default(),
                None => trinity_comment(e, column),
            };
            Comment {
                target: CommentTarget::Column {
                    schema: e.schema.clone(),
                    table: tables::table_name(e, TableKind::Main),
                    column: column.clone(),
                },
                text,
            }
        }
    }
}

fn trinity_comment(e: &crate::ir::Entity, column: &str) -> String {
    match column {
        "id" => "Public key: the UUID the API exposes.".into(),
        "identifier" => "Human-readable key, unique per tenant among live rows.".into(),
        _ if column == e.pk_column() => "Internal key for joins; never exposed.".into(),
        _ => String::new(),
    }
}
