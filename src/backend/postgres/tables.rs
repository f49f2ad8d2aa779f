//! The Trinity table of an entity (LANGUAGE §3) and its translation table (§3.1), as
//! [`CreateTable`] values, plus their foreign keys and indexes.

use super::checks;
use super::columns::{default_expr, sql_type};
use super::ddl::{
    AlterTableAddForeignKey, ColumnDef, CreateIndex, CreateTable, SqlType, TableConstraint,
    TenantPolicy,
};
use super::naming;
use crate::backend::postgres::plan::Index;
use crate::ir::analysis::TableKind;
use crate::ir::{Entity, Field, FieldType, Project};

pub fn table_name(e: &Entity, table: TableKind) -> String {
    naming::table_of(&e.snake, table)
}

/// `fk_<snake>`: the translation table's link to its entity's row.
pub fn translation_link(e: &Entity) -> String {
    naming::link_column(&e.snake)
}

pub fn create_table(e: &Entity, table: TableKind) -> CreateTable {
    match table {
        TableKind::Main => main_table(e),
        TableKind::Translation => translation_table(e),
    }
}

fn main_table(e: &Entity) -> CreateTable {
    let name = e.table();
    let mut columns = vec![
        ColumnDef {
            identity_primary_key: true,
            ..ColumnDef::new(e.pk_column(), SqlType::Integer)
        },
        ColumnDef {
            unique: true,
            ..ColumnDef::new("id", SqlType::Uuid)
                .not_null()
                .default("gen_random_uuid()")
        },
        ColumnDef::new("identifier", SqlType::Text),
    ];
    if e.tenant_scoped {
        columns.push(ColumnDef::new("tenant_id", SqlType::Uuid).not_null());
    }
    let mut constraints = Vec::new();
    for field in &e.fields {
        columns.push(field_column(field, field.required));
        constraints.extend(field_check(&name, field));
    }
    columns.extend(audit_columns());
    if e.tenant_scoped {
        // The target of composite tenant foreign keys (LANGUAGE §7).
        let pk = e.pk_column();
        constraints.push(TableConstraint::Unique {
            name: naming::unique_key(&name, &["tenant_id", &pk]),
            columns: vec!["tenant_id".into(), pk],
        });
    }
    CreateTable {
        schema: e.schema.clone(),
        name,
        columns,
        constraints,
    }
}

/// The tenant policy of table `table` of `e` (tenant-scoped entities only).
pub fn policy(e: &Entity, table: TableKind) -> TenantPolicy {
    TenantPolicy::new(&e.schema, &table_name(e, table))
}

fn translation_table(e: &Entity) -> CreateTable {
    let name = e.translation_table();
    let link = translation_link(e);
    let mut columns = vec![
        ColumnDef {
            identity_primary_key: true,
            ..ColumnDef::new(naming::translation_pk_column(&e.snake), SqlType::Integer)
        },
        ColumnDef::new(link.clone(), SqlType::Integer).not_null(),
    ];
    if e.tenant_scoped {
        columns.push(ColumnDef::new("tenant_id", SqlType::Uuid).not_null());
    }
    columns.push(ColumnDef::new("locale", SqlType::Text).not_null());
    let mut constraints = vec![TableConstraint::Check {
        name: naming::check(&name, "locale"),
        expr: checks::locale("locale"),
    }];
    // A locale may give only some of the fields, so translated columns are nullable.
    for &id in &e.translated {
        let field = e.field(id);
        columns.push(field_column(field, false));
        constraints.extend(field_check(&name, field));
    }
    columns.extend(audit_columns());
    constraints.push(TableConstraint::Unique {
        name: naming::unique_key(&name, &[&link, "locale"]),
        columns: vec![link, "locale".into()],
    });
    CreateTable {
        schema: e.schema.clone(),
        name,
        columns,
        constraints,
    }
}

fn field_column(field: &Field, required: bool) -> ColumnDef {
    let mut column = ColumnDef::new(field.column(), sql_type(&field.ty));
    column.not_null = required;
    column.default = field.default.as_ref().map(|v| default_expr(&field.ty, v));
    column
}

fn field_check(table: &str, field: &Field) -> Option<TableConstraint> {
    let column = field.column();
    checks::check(&column, &field.ty).map(|expr| TableConstraint::Check {
        name: naming::check(table, &column),
        expr,
    })
}

fn audit_columns() -> Vec<ColumnDef> {
    vec![
        ColumnDef::new("created_at", SqlType::Timestamptz)
            .not_null()
            .default("now()"),
        ColumnDef::new("created_by", SqlType::Uuid),
        ColumnDef::new("updated_at", SqlType::Timestamptz)
            .not_null()
            .default("now()"),
        ColumnDef::new("updated_by", SqlType::Uuid),
        ColumnDef::new("deleted_at", SqlType::Timestamptz),
        ColumnDef::new("deleted_by", SqlType::Uuid),
    ]
}

/// The foreign key of reference `field` of `e`, or (`None`) of the translation table.
pub fn foreign_key(
    project: &Project,
    e: &Entity,
    field: Option<&Field>,
) -> AlterTableAddForeignKey {
    match field {
        Some(field) => {
            let FieldType::Ref(target) = field.ty else {
                unreachable!("foreign key objects are made for references only")
            };
            let target = project.entity(target);
            let column = field.column();
            AlterTableAddForeignKey {
                schema: e.schema.clone(),
                table: e.table(),
                name: naming::foreign_key(&e.table(), &column),
                column,
                ref_schema: target.schema.clone(),
                ref_table: target.table(),
                ref_column: target.pk_column(),
                on_delete_cascade: false,
                tenant: e.tenant_scoped && target.tenant_scoped,
            }
        }
        None => {
            let table = e.translation_table();
            let column = translation_link(e);
            AlterTableAddForeignKey {
                schema: e.schema.clone(),
                name: naming::foreign_key(&table, &column),
                table,
                column,
                ref_schema: e.schema.clone(),
                ref_table: e.table(),
                ref_column: e.pk_column(),
                on_delete_cascade: true,
                tenant: e.tenant_scoped,
            }
        }
    }
}

pub fn create_index(e: &Entity, index: &Index) -> CreateIndex {
    CreateIndex {
        name: index.name.clone(),
        schema: e.schema.clone(),
        table: table_name(e, index.table),
        columns: index.columns.clone(),
        unique: index.unique_live,
        predicate: index.unique_live.then(|| "deleted_at IS NULL".to_owned()),
    }
}
