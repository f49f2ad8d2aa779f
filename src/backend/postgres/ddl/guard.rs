//! Idempotence for statements that have no `IF NOT EXISTS`: a `DO` block that runs the
//! statement only when a catalog probe finds nothing, and `CREATE TYPE ... AS (...)`.

use std::fmt;

use crate::backend::postgres::quote::{Ident, Literal, Qualified, dollar_quote};

/// What to look for in the catalogs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// A constraint of a table, by name.
    Constraint {
        schema: String,
        table: String,
        name: String,
    },
    /// A type, by schema and name.
    Type { schema: String, name: String },
    /// A row-level security policy of a table, by name.
    Policy {
        schema: String,
        table: String,
        name: String,
    },
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Probe::Constraint {
                schema,
                table,
                name,
            } => write!(
                f,
                "SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = {} AND conrelid = {}::regclass",
                Literal(name),
                Literal(&Qualified(schema, table).to_string())
            ),
            Probe::Policy {
                schema,
                table,
                name,
            } => write!(
                f,
                "SELECT 1 FROM pg_catalog.pg_policy WHERE polname = {} AND polrelid = {}::regclass",
                Literal(name),
                Literal(&Qualified(schema, table).to_string())
            ),
            Probe::Type { schema, name } => write!(
                f,
                "SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = {} AND t.typname = {}",
                Literal(schema),
                Literal(name)
            ),
        }
    }
}

/// `DO $do$ BEGIN IF NOT EXISTS (<probe>) THEN <statement> END IF; END $do$;`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoIfAbsent {
    pub probe: Probe,
    /// One statement, with its `;`.
    pub statement: String,
}

impl fmt::Display for DoIfAbsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = String::from("BEGIN\n");
        body.push_str(&format!("    IF NOT EXISTS ({}) THEN\n", self.probe));
        for line in self.statement.trim_end().lines() {
            body.push_str(&format!("        {line}\n"));
        }
        body.push_str("    END IF;\nEND\n");
        writeln!(f, "DO {};", dollar_quote(&body))
    }
}

/// `CREATE TYPE schema.name AS (field type, ...)` (guard it with [`DoIfAbsent`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateCompositeType {
    pub schema: String,
    pub name: String,
    pub fields: Vec<(String, String)>,
}

impl fmt::Display for CreateCompositeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(name, ty)| format!("{} {ty}", Ident(name)))
            .collect();
        writeln!(
            f,
            "CREATE TYPE {} AS ({});",
            Qualified(&self.schema, &self.name),
            fields.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_a_type() {
        let ty = CreateCompositeType {
            schema: "app".into(),
            name: "mutation_result".into(),
            fields: vec![("success".into(), "BOOLEAN".into())],
        };
        let guarded = DoIfAbsent {
            probe: Probe::Type {
                schema: "app".into(),
                name: "mutation_result".into(),
            },
            statement: ty.to_string(),
        };
        insta::assert_snapshot!(guarded, @"
        DO $fn$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'app' AND t.typname = 'mutation_result') THEN
                CREATE TYPE app.mutation_result AS (success BOOLEAN);
            END IF;
        END
        $fn$;
        ");
    }
}
