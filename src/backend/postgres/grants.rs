//! Privileges of a `--grant-to` role (LANGUAGE §7): `USAGE` on the project's schemas
//! and on `app` (the result type), `EXECUTE` on every action; never a table, so clients
//! change data through actions only.

use super::quote::{Ident, Qualified};
use crate::ir::{ActionKind, Project};

/// The schemas and action signatures a role is granted, sorted.
fn targets(project: &Project) -> (Vec<String>, Vec<String>) {
    let mut schemas: Vec<String> = std::iter::once("app".to_string())
        .chain(project.schemas().into_iter().map(str::to_string))
        .collect();
    schemas.sort();
    schemas.dedup();
    let mut actions: Vec<String> = project
        .entities
        .iter()
        .flat_map(|e| {
            e.actions
                .iter()
                .filter(|a| !matches!(a.kind, ActionKind::Declaration))
                .map(|a| format!("{}(uuid, uuid, jsonb)", Qualified(&e.schema, &a.name)))
        })
        .collect();
    actions.sort();
    actions.dedup();
    (schemas, actions)
}

fn schema_list(schemas: &[String]) -> String {
    schemas
        .iter()
        .map(|s| Ident(s).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GRANT USAGE ON SCHEMA ...; GRANT EXECUTE ON FUNCTION ...;` to `role`.
pub fn grant(project: &Project, role: &str) -> String {
    let (schemas, actions) = targets(project);
    let mut sql = format!(
        "GRANT USAGE ON SCHEMA {} TO {};\n",
        schema_list(&schemas),
        Ident(role)
    );
    if !actions.is_empty() {
        sql.push_str(&format!(
            "GRANT EXECUTE ON FUNCTION {} TO {};\n",
            actions.join(", "),
            Ident(role)
        ));
    }
    sql
}

/// The reverse of [`grant`].
pub fn revoke(project: &Project, role: &str) -> String {
    let (schemas, actions) = targets(project);
    let mut sql = String::new();
    if !actions.is_empty() {
        sql.push_str(&format!(
            "REVOKE EXECUTE ON FUNCTION {} FROM {};\n",
            actions.join(", "),
            Ident(role)
        ));
    }
    sql.push_str(&format!(
        "REVOKE USAGE ON SCHEMA {} FROM {};\n",
        schema_list(&schemas),
        Ident(role)
    ));
    sql
}
