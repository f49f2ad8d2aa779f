//! The Confiture layout: numbered folders (Confiture applies files in path order, one
//! path component at a time, so fixed-width numbers keep the dependency order), comments
//! in the file of the table they describe, and `db/environments/local.yaml`.

use std::collections::BTreeMap;

use super::Output;
use super::tables::table_name;
use crate::backend::postgres::plan::{CommentOn, Object, Target};
use crate::ir::Project;

pub const LOCAL_ENVIRONMENT: &str = "name: local\n\
database_url: postgresql://localhost/specql_local\n\
include_dirs:\n  - db/schema\n";

/// The file an object goes to.
pub fn path(project: &Project, object: &Object) -> String {
    let table_file = |dir: &str, entity, table| {
        let e = project.entity(entity);
        format!("db/schema/{dir}/{}/{}.sql", e.schema, table_name(e, table))
    };
    match &object.target {
        Target::PreludeSchemas => "db/schema/00_prelude/00_schemas.sql".into(),
        Target::PreludeFunctions => "db/schema/00_prelude/10_functions.sql".into(),
        Target::Schema(s) => format!("db/schema/10_schemas/{s}.sql"),
        Target::MutationResult => "db/schema/20_types/app/mutation_result.sql".into(),
        Target::Table(e, t) => table_file("30_tables", *e, *t),
        Target::Comment(CommentOn::Table(e, t)) => table_file("30_tables", *e, *t),
        Target::Comment(CommentOn::Column { entity, .. }) => {
            table_file("30_tables", *entity, crate::ir::analysis::TableKind::Main)
        }
        Target::ForeignKey { entity, field } => {
            let t = match field {
                Some(_) => crate::ir::analysis::TableKind::Main,
                None => crate::ir::analysis::TableKind::Translation,
            };
            table_file("40_constraints", *entity, t)
        }
        Target::Index(i) => table_file("50_indexes", i.entity, i.table),
        Target::Policy(e, t) => table_file("55_policies", *e, *t),
        Target::Grant(role) => format!("db/schema/80_grants/{role}.sql"),
        // The runtime may return `app.mutation_result`, so it follows the types.
        Target::PreludeRuntime => "db/schema/60_helpers/00_app_runtime.sql".into(),
        Target::Helper { entity, .. } => {
            let e = project.entity(*entity);
            format!("db/schema/60_helpers/{}/{}.sql", e.schema, e.snake)
        }
        Target::Action { entity, action } => {
            let e = project.entity(*entity);
            format!(
                "db/schema/70_actions/{}/{}.sql",
                e.schema, e.actions[*action].name
            )
        }
    }
}

pub fn files(output: &Output) -> Vec<(String, String)> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for object in &output.objects {
        let content = files.entry(object.path.clone()).or_default();
        if !content.is_empty() {
            content.push('\n');
        }
        content.push_str(&object.sql);
    }
    files.insert(
        "db/environments/local.yaml".into(),
        LOCAL_ENVIRONMENT.into(),
    );
    files.into_iter().collect()
}
