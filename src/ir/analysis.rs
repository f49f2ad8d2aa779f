//! IR queries for later stages: the tables of an entity and their columns, in table
//! order. What an action touches is an action fact (`crate::analysis::touches`).
//!
//! Column names here are the single source of truth for the Trinity and audit columns;
//! the backend's table builder uses the same functions.

use super::{Entity, EntityId, Project};
use crate::backend::postgres::naming;

/// The audit and soft-delete columns every entity table ends with, in table order.
pub const AUDIT_COLUMNS: &[&str] = &[
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "deleted_at",
    "deleted_by",
];

/// Which of an entity's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    /// `tb_<snake>`
    Main,
    /// `tl_<snake>` (translations)
    Translation,
}

impl TableKind {
    /// The tables `e` has: its main table, and its translation table when it translates
    /// a field.
    pub fn of(e: &Entity) -> &'static [TableKind] {
        if e.translated.is_empty() {
            &[TableKind::Main]
        } else {
            &[TableKind::Main, TableKind::Translation]
        }
    }
}

/// The column names of one of an entity's tables, in table order.
pub fn columns(project: &Project, entity: EntityId, table: TableKind) -> Vec<String> {
    let e = project.entity(entity);
    let mut out = Vec::new();
    match table {
        TableKind::Main => {
            out.push(e.pk_column());
            out.push("id".to_owned());
            out.push("identifier".to_owned());
            if e.tenant_scoped {
                out.push("tenant_id".to_owned());
            }
            out.extend(e.fields.iter().map(|f| f.column()));
        }
        TableKind::Translation => {
            out.push(naming::translation_pk_column(&e.snake));
            out.push(naming::link_column(&e.snake));
            if e.tenant_scoped {
                out.push("tenant_id".to_owned());
            }
            out.push("locale".to_owned());
            out.extend(e.translated.iter().map(|f| e.field(*f).column()));
        }
    }
    out.extend(AUDIT_COLUMNS.iter().map(|c| (*c).to_owned()));
    out
}
