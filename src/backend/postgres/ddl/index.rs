//! `CREATE [UNIQUE] INDEX IF NOT EXISTS ... [WHERE ...]`.

use std::fmt;

use super::table::idents;
use crate::backend::postgres::quote::{Ident, Qualified};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreateIndex {
    pub name: String,
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// A partial index predicate, rendered through the quoting module.
    pub predicate: Option<String>,
}

impl fmt::Display for CreateIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unique = if self.unique { "UNIQUE " } else { "" };
        write!(
            f,
            "CREATE {unique}INDEX IF NOT EXISTS {} ON {} ({})",
            Ident(&self.name),
            Qualified(&self.schema, &self.table),
            idents(&self.columns)
        )?;
        if let Some(predicate) = &self.predicate {
            write!(f, " WHERE {predicate}")?;
        }
        writeln!(f, ";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_partial_unique_index() {
        let i = CreateIndex {
            name: "uq_tb_contact_email".into(),
            schema: "crm".into(),
            table: "tb_contact".into(),
            columns: vec!["tenant_id".into(), "email".into()],
            unique: true,
            predicate: Some("deleted_at IS NULL".into()),
        };
        insta::assert_snapshot!(i, @"CREATE UNIQUE INDEX IF NOT EXISTS uq_tb_contact_email ON crm.tb_contact (tenant_id, email) WHERE deleted_at IS NULL;");
    }
}
