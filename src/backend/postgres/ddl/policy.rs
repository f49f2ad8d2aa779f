//! Row-level security of a tenant-scoped table (LANGUAGE §7): `ENABLE` and `FORCE ROW
//! LEVEL SECURITY` and one policy that confines reads and writes to
//! `app.current_tenant()`.

use std::fmt;

use crate::backend::postgres::quote::{Ident, Qualified};

pub use crate::backend::postgres::naming::TENANT_POLICY;

/// The tenant policy of one table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TenantPolicy {
    pub schema: String,
    pub table: String,
    pub name: String,
    /// The condition of both `USING` and `WITH CHECK`.
    pub condition: String,
}

impl TenantPolicy {
    pub fn new(schema: &str, table: &str) -> TenantPolicy {
        TenantPolicy {
            schema: schema.into(),
            table: table.into(),
            name: TENANT_POLICY.into(),
            condition: "tenant_id = app.current_tenant()".into(),
        }
    }

    /// `CREATE POLICY ...;`
    pub fn create_policy(&self) -> String {
        format!(
            "CREATE POLICY {} ON {} USING ({}) WITH CHECK ({});\n",
            Ident(&self.name),
            Qualified(&self.schema, &self.table),
            self.condition,
            self.condition
        )
    }

    /// `ALTER TABLE ... ENABLE` and `FORCE ROW LEVEL SECURITY` (idempotent).
    pub fn enable(&self) -> String {
        let table = Qualified(&self.schema, &self.table);
        format!(
            "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\nALTER TABLE {table} FORCE ROW LEVEL SECURITY;\n"
        )
    }

    /// The reverse: the policy dropped, row-level security off.
    pub fn drop(&self) -> String {
        let table = Qualified(&self.schema, &self.table);
        format!(
            "DROP POLICY IF EXISTS {} ON {table};\nALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;\nALTER TABLE {table} DISABLE ROW LEVEL SECURITY;\n",
            Ident(&self.name)
        )
    }
}

/// The policy and row-level security, created (no guard: for migrations, which know the
/// state).
impl fmt::Display for TenantPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.create_policy(), self.enable())
    }
}
