//! `CREATE TABLE IF NOT EXISTS` with inline named CHECK and UNIQUE constraints, and
//! `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` (wrapped in a [`super::DoIfAbsent`]
//! guard by the emitter, since PostgreSQL has no `ADD CONSTRAINT IF NOT EXISTS`).

use std::fmt;

use super::SqlType;
use crate::backend::postgres::quote::{Ident, Qualified};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreateTable {
    pub schema: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnDef {
    pub name: String,
    pub ty: SqlType,
    /// `GENERATED ALWAYS AS IDENTITY PRIMARY KEY`.
    pub identity_primary_key: bool,
    pub not_null: bool,
    /// An SQL expression, already rendered through the quoting module.
    pub default: Option<String>,
    pub unique: bool,
}

impl ColumnDef {
    pub fn new(name: impl Into<String>, ty: SqlType) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            identity_primary_key: false,
            not_null: false,
            default: None,
            unique: false,
        }
    }

    pub fn not_null(mut self) -> ColumnDef {
        self.not_null = true;
        self
    }

    pub fn default(mut self, sql: impl Into<String>) -> ColumnDef {
        self.default = Some(sql.into());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TableConstraint {
    /// `CONSTRAINT name CHECK (expr)`; `expr` is rendered through the quoting module.
    Check {
        name: String,
        expr: String,
    },
    Unique {
        name: String,
        columns: Vec<String>,
    },
}

impl fmt::Display for ColumnDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Ident(&self.name), self.ty)?;
        if self.identity_primary_key {
            f.write_str(" GENERATED ALWAYS AS IDENTITY PRIMARY KEY")?;
        }
        if self.not_null {
            f.write_str(" NOT NULL")?;
        }
        if let Some(default) = &self.default {
            write!(f, " DEFAULT {default}")?;
        }
        if self.unique {
            f.write_str(" UNIQUE")?;
        }
        Ok(())
    }
}

impl fmt::Display for TableConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableConstraint::Check { name, expr } => {
                write!(f, "CONSTRAINT {} CHECK ({expr})", Ident(name))
            }
            TableConstraint::Unique { name, columns } => {
                write!(f, "CONSTRAINT {} UNIQUE ({})", Ident(name), idents(columns))
            }
        }
    }
}

impl fmt::Display for CreateTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "CREATE TABLE IF NOT EXISTS {} (",
            Qualified(&self.schema, &self.name)
        )?;
        let lines: Vec<String> = self
            .columns
            .iter()
            .map(ToString::to_string)
            .chain(self.constraints.iter().map(ToString::to_string))
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let comma = if i + 1 < lines.len() { "," } else { "" };
            writeln!(f, "    {line}{comma}")?;
        }
        writeln!(f, ");")?;
        writeln!(
            f,
            "REVOKE ALL ON TABLE {} FROM PUBLIC;",
            Qualified(&self.schema, &self.name)
        )
    }
}

/// `a, b, c` with each name quoted as needed.
pub(super) fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| Ident(n).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AlterTableAddForeignKey {
    pub schema: String,
    pub table: String,
    pub name: String,
    pub column: String,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_column: String,
    pub on_delete_cascade: bool,
    /// A reference between tenant-scoped tables: `(tenant_id, column)` references
    /// `(tenant_id, ref_column)`, so a row can only point into its own tenant (§7).
    #[serde(default)]
    pub tenant: bool,
}

impl fmt::Display for AlterTableAddForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenant = if self.tenant { "tenant_id, " } else { "" };
        write!(
            f,
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({tenant}{}) REFERENCES {} ({tenant}{})",
            Qualified(&self.schema, &self.table),
            Ident(&self.name),
            Ident(&self.column),
            Qualified(&self.ref_schema, &self.ref_table),
            Ident(&self.ref_column),
        )?;
        if self.on_delete_cascade {
            f.write_str(" ON DELETE CASCADE")?;
        }
        writeln!(f, ";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_columns_and_named_constraints() {
        let t = CreateTable {
            schema: "crm".into(),
            name: "tb_order".into(),
            columns: vec![
                ColumnDef {
                    identity_primary_key: true,
                    ..ColumnDef::new("pk_order", SqlType::Integer)
                },
                ColumnDef::new("status", SqlType::Text)
                    .not_null()
                    .default("'new'"),
                ColumnDef::new("user", SqlType::Text),
            ],
            constraints: vec![TableConstraint::Check {
                name: "tb_order_status_check".into(),
                expr: "status IN ('new', 'paid')".into(),
            }],
        };
        insta::assert_snapshot!(t, @r#"
        CREATE TABLE IF NOT EXISTS crm.tb_order (
            pk_order INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            status TEXT NOT NULL DEFAULT 'new',
            "user" TEXT,
            CONSTRAINT tb_order_status_check CHECK (status IN ('new', 'paid'))
        );
        REVOKE ALL ON TABLE crm.tb_order FROM PUBLIC;
        "#);
    }

    #[test]
    fn renders_a_foreign_key() {
        let fk = AlterTableAddForeignKey {
            schema: "crm".into(),
            table: "tb_contact".into(),
            name: "tb_contact_fk_company_fkey".into(),
            column: "fk_company".into(),
            ref_schema: "crm".into(),
            ref_table: "tb_company".into(),
            ref_column: "pk_company".into(),
            on_delete_cascade: true,
            tenant: false,
        };
        insta::assert_snapshot!(fk, @"ALTER TABLE crm.tb_contact ADD CONSTRAINT tb_contact_fk_company_fkey FOREIGN KEY (fk_company) REFERENCES crm.tb_company (pk_company) ON DELETE CASCADE;");
    }
}
