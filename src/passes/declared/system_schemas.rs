//! Declaration check (E0308): an entity's schema is not one of PostgreSQL's own.
//! PostgreSQL refuses to create `pg_*` schemas (and owns `pg_catalog`, `pg_toast`,
//! `pg_temp`); `information_schema` is the SQL standard's catalog view.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Entity;

pub fn schemas_are_not_system_schemas(entity: &Entity, diags: &mut Diagnostics) -> bool {
    let schema = &entity.schema;
    let system = schema.starts_with("pg_") || schema == "information_schema";
    super::accept(!system, diags, || {
        Diagnostic::system_schema(schema, entity.schema_span)
    })
}
