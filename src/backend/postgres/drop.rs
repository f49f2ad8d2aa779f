//! Stage 6 (PostgreSQL), backwards: plan objects → the statements that remove them, for
//! the `.down.sql` of a migration.
//!
//! Input: the project, its [`super::plan::Plan`] and the [`super::Output`] emitted from
//! it. Output: one statement per object, in reverse plan order, so dependents go before
//! what they depend on. Every drop is `RESTRICT` (never `CASCADE`): a down migration
//! must not silently take another project's objects with it, so a foreign dependent
//! makes it fail.
//!
//! Shared objects are dropped only when unused: a project schema goes only when it is
//! empty, and the framework prelude (schemas `app`, `common`, `core`, type
//! `app.mutation_result`, the `app.*` functions) goes as one unit, inside a `DO` block
//! that keeps all of it when anything else still depends on any part of it. Every action
//! of every project returns `app.mutation_result`, so while one remains, the prelude
//! stays; after the last project's down, the database is as it was before its first up.

use std::collections::BTreeSet;
use std::fmt;

use super::ddl::{
    AlterTableAddForeignKey, CommentOn, CommentTarget, CreateFunction, CreateIndex, CreateSchema,
    CreateTable, Signature, TenantPolicy,
};
use super::plan::{Object, Target};
use super::prelude;
use super::quote::{Ident, Literal, Qualified, dollar_quote};
use super::{helpers, tables};
use crate::ir::Project;

/// The argument types of every action function (LANGUAGE §4).
const ACTION_ARGS: [&str; 3] = ["uuid", "uuid", "jsonb"];

/// One statement that removes one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropObject {
    /// `DROP SCHEMA` without `CASCADE`, kept (with a notice) when not empty.
    Schema(String),
    Table {
        schema: String,
        table: String,
    },
    ForeignKey {
        schema: String,
        table: String,
        name: String,
    },
    Index {
        schema: String,
        name: String,
    },
    /// `COMMENT ON ... IS NULL`.
    Comment(CommentTarget),
    /// The tenant policy dropped and row-level security off.
    Policy(TenantPolicy),
    /// `REVOKE` of what a `--grant-to` role was granted.
    Revoke(String),
    /// A function with its exact argument types.
    Function {
        schema: String,
        name: String,
        args: Vec<String>,
    },
}

/// The whole framework prelude, dropped only when nothing else uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DropPrelude {
    /// `app` functions with their argument types.
    pub functions: Vec<(String, Vec<String>)>,
    /// Further `app` functions known only by name (the action runtime): every overload
    /// of each is dropped.
    pub runtime: Vec<String>,
}

/// The statement that removes `object`, or `None` for the framework prelude, which
/// [`DropPrelude`] removes as a whole.
pub fn object(project: &Project, object: &Object) -> Option<DropObject> {
    let drop = match &object.target {
        Target::PreludeSchemas
        | Target::PreludeFunctions
        | Target::PreludeRuntime
        | Target::MutationResult => return None,
        Target::Schema(name) => CreateSchema { name: name.clone() }.drop(),
        Target::Table(e, t) => tables::create_table(project.entity(*e), *t).drop(),
        Target::ForeignKey { entity, field } => {
            let e = project.entity(*entity);
            tables::foreign_key(project, e, field.map(|f| e.field(f))).drop()
        }
        Target::Index(index) => tables::create_index(project.entity(index.entity), index).drop(),
        Target::Comment(on) => super::emit::comment(project, on).drop(),
        Target::Policy(e, t) => tables::policy(project.entity(*e), *t).drop_object(),
        Target::Grant(role) => DropObject::Revoke(super::grants::revoke(project, role)),
        Target::Helper { entity, helper } => {
            helpers::helper(project.entity(*entity), *helper).drop()
        }
        Target::Action { entity, action } => {
            let e = project.entity(*entity);
            DropObject::Function {
                schema: e.schema.clone(),
                name: e.actions[*action].name.clone(),
                args: ACTION_ARGS.iter().map(|a| (*a).into()).collect(),
            }
        }
    };
    Some(drop)
}

// Drops derived from the typed create statements, so a create and its drop name the
// same object.

impl CreateSchema {
    pub fn drop(&self) -> DropObject {
        DropObject::Schema(self.name.clone())
    }
}

impl CreateTable {
    pub fn drop(&self) -> DropObject {
        DropObject::Table {
            schema: self.schema.clone(),
            table: self.name.clone(),
        }
    }
}

impl AlterTableAddForeignKey {
    pub fn drop(&self) -> DropObject {
        DropObject::ForeignKey {
            schema: self.schema.clone(),
            table: self.table.clone(),
            name: self.name.clone(),
        }
    }
}

impl CreateIndex {
    pub fn drop(&self) -> DropObject {
        DropObject::Index {
            schema: self.schema.clone(),
            name: self.name.clone(),
        }
    }
}

impl CommentOn {
    /// `COMMENT ... IS NULL` on the same target.
    pub fn drop(&self) -> DropObject {
        DropObject::Comment(self.target.clone())
    }
}

impl TenantPolicy {
    pub fn drop_object(&self) -> DropObject {
        DropObject::Policy(self.clone())
    }
}

impl CreateFunction {
    /// The function with its exact argument types.
    pub fn drop(&self) -> DropObject {
        DropObject::Function {
            schema: self.schema.clone(),
            name: self.name.clone(),
            args: self.arg_types(),
        }
    }
}

/// The prelude as this compiler emits it.
pub fn prelude() -> DropPrelude {
    let functions = prelude::functions()
        .iter()
        .map(|f| (f.name.clone(), f.arg_types()))
        .collect();
    let runtime = prelude::runtime_statements()
        .iter()
        .flat_map(|sql| app_function_names(sql))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    DropPrelude { functions, runtime }
}

/// Whether `object` belongs to the framework prelude.
pub fn is_prelude(object: &Object) -> bool {
    matches!(
        object.target,
        Target::PreludeSchemas
            | Target::PreludeFunctions
            | Target::PreludeRuntime
            | Target::MutationResult
    )
}

/// The names of the `app` functions that `sql` creates (`CREATE [OR REPLACE] FUNCTION
/// app.<name>(`), as the backend writes them.
fn app_function_names(sql: &str) -> Vec<String> {
    const PREFIXES: [&str; 2] = ["CREATE OR REPLACE FUNCTION app.", "CREATE FUNCTION app."];
    sql.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = PREFIXES.iter().find_map(|p| line.strip_prefix(p))?;
            let name = rest.split('(').next()?.trim();
            let name = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .map_or_else(|| name.to_string(), |n| n.replace("\"\"", "\""));
            (!name.is_empty()).then_some(name)
        })
        .collect()
}

impl fmt::Display for DropObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DropObject::Schema(name) => {
                let body = format!(
                    "BEGIN\n    DROP SCHEMA IF EXISTS {};\nEXCEPTION WHEN dependent_objects_still_exist THEN\n    RAISE NOTICE {}, SQLERRM;\nEND\n",
                    Ident(name),
                    Literal(&format!("schema {} kept: %", name.replace('%', "%%")))
                );
                writeln!(f, "DO {};", dollar_quote(&body))
            }
            DropObject::Table { schema, table } => {
                writeln!(f, "DROP TABLE IF EXISTS {};", Qualified(schema, table))
            }
            DropObject::ForeignKey {
                schema,
                table,
                name,
            } => writeln!(
                f,
                "ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {};",
                Qualified(schema, table),
                Ident(name)
            ),
            DropObject::Index { schema, name } => {
                writeln!(f, "DROP INDEX IF EXISTS {};", Qualified(schema, name))
            }
            DropObject::Comment(target) => writeln!(f, "COMMENT ON {target} IS NULL;"),
            DropObject::Policy(policy) => f.write_str(&policy.drop()),
            DropObject::Revoke(sql) => f.write_str(sql),
            DropObject::Function { schema, name, args } => {
                writeln!(
                    f,
                    "DROP FUNCTION IF EXISTS {};",
                    Signature(schema, name, args)
                )
            }
        }
    }
}

impl fmt::Display for DropPrelude {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut body = String::new();
        if !self.runtime.is_empty() {
            let names: Vec<String> = self
                .runtime
                .iter()
                .map(|n| Literal(n).to_string())
                .collect();
            body.push_str("DECLARE\n    f regprocedure;\n");
            body.push_str("BEGIN\n");
            body.push_str(&format!(
                "    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p\n        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace\n        WHERE n.nspname = 'app' AND p.proname IN ({})\n        ORDER BY p.oid::regprocedure::text\n    LOOP\n        EXECUTE 'DROP FUNCTION ' || f::text;\n    END LOOP;\n",
                names.join(", ")
            ));
        } else {
            body.push_str("BEGIN\n");
        }
        body.push_str("    DROP TYPE IF EXISTS app.mutation_result;\n");
        for (name, args) in &self.functions {
            let function = Signature("app", name, args);
            body.push_str(&format!("    DROP FUNCTION IF EXISTS {function};\n"));
        }
        for schema in prelude::SCHEMAS.iter().rev() {
            body.push_str(&format!("    DROP SCHEMA IF EXISTS {};\n", Ident(schema)));
        }
        body.push_str(
            "EXCEPTION WHEN dependent_objects_still_exist THEN\n    RAISE NOTICE 'framework prelude kept, still in use: %', SQLERRM;\nEND\n",
        );
        writeln!(f, "DO {};", dollar_quote(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_drop_with_their_exact_signature() {
        let drop = DropObject::Function {
            schema: "crm".into(),
            name: "create_contact".into(),
            args: ACTION_ARGS.iter().map(|a| (*a).into()).collect(),
        };
        insta::assert_snapshot!(drop, @"DROP FUNCTION IF EXISTS crm.create_contact(uuid, uuid, jsonb);");
    }

    #[test]
    fn a_schema_is_dropped_only_when_empty() {
        insta::assert_snapshot!(DropObject::Schema("crm".into()), @r"
        DO $fn$
        BEGIN
            DROP SCHEMA IF EXISTS crm;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'schema crm kept: %', SQLERRM;
        END
        $fn$;
        ");
    }

    #[test]
    fn runtime_function_names_are_read_from_the_backend_output() {
        let sql = "CREATE OR REPLACE FUNCTION app.fail(p_code text)\nRETURNS app.mutation_result\n\
                   CREATE FUNCTION app.\"Odd\"(x int)\nCREATE OR REPLACE FUNCTION crm.other()\n";
        assert_eq!(app_function_names(sql), ["fail", "Odd"]);
    }

    #[test]
    fn the_prelude_drops_as_one_guarded_unit() {
        let drop = DropPrelude {
            functions: vec![("slugify".into(), vec!["text".into()])],
            runtime: vec!["fail".into()],
        };
        insta::assert_snapshot!(drop, @r"
        DO $fn$
        DECLARE
            f regprocedure;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'app' AND p.proname IN ('fail')
                ORDER BY p.oid::regprocedure::text
            LOOP
                EXECUTE 'DROP FUNCTION ' || f::text;
            END LOOP;
            DROP TYPE IF EXISTS app.mutation_result;
            DROP FUNCTION IF EXISTS app.slugify(text);
            DROP SCHEMA IF EXISTS core;
            DROP SCHEMA IF EXISTS common;
            DROP SCHEMA IF EXISTS app;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'framework prelude kept, still in use: %', SQLERRM;
        END
        $fn$;
        ");
    }
}
