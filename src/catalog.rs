//! A live database's catalog as a map of objects to their descriptions, in PostgreSQL's
//! own words, independent of creation order and column order (LANGUAGE §6.4, §6.5).
//!
//! What is described: schemas; tables; columns (type, nullability, default, identity);
//! constraints (`pg_get_constraintdef`, validity); indexes (`pg_get_indexdef`);
//! sequences; composite types; functions (`pg_get_functiondef`, body included);
//! comments; row-level security and policies. System schemas, `specqlc` (the tracking
//! schema) and Confiture's own tables in `public` are left out.

use std::collections::BTreeMap;
use std::fmt;

/// Object key (`column crm.tb_contact.email`) → description.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog(pub BTreeMap<String, String>);

/// One way two catalogs differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// In the expected catalog only.
    Missing { key: String, expected: String },
    /// In the actual catalog only.
    Extra { key: String, actual: String },
    Changed {
        key: String,
        expected: String,
        actual: String,
    },
}

/// Schemas never described.
const SKIPPED: &str = "n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'specqlc')";

/// Objects that belong to an extension (plpgsql_check, pgcrypto) are the extension's.
const EXTENSION_PROC: &str = "EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')";

/// Confiture's tables (and what hangs off them) in `public`.
const CONFITURE: &str = "NOT (n.nspname = 'public' AND (c.relname LIKE 'tb\\_confiture%' OR c.relname LIKE 'confiture\\_%' OR c.relname LIKE 'idx\\_tb\\_confiture%'))";

const QUERIES: &[(&str, &str)] = &[
    (
        "schema",
        "SELECT n.nspname, '' FROM pg_catalog.pg_namespace n WHERE {skip} AND n.nspname <> 'public'",
    ),
    (
        "table",
        "SELECT n.nspname || '.' || c.relname, 'rls=' || c.relrowsecurity::text || ' forced=' || c.relforcerowsecurity::text \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND {skip} AND {confiture}",
    ),
    (
        "column",
        "SELECT n.nspname || '.' || c.relname || '.' || a.attname, \
                pg_catalog.format_type(a.atttypid, a.atttypmod) \
                || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END \
                || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END \
                || coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') \
         FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE c.relkind IN ('r', 'p', 'c') AND a.attnum > 0 AND NOT a.attisdropped AND {skip} AND {confiture}",
    ),
    (
        "constraint",
        "SELECT n.nspname || '.' || c.relname || '.' || k.conname, \
                pg_catalog.pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END \
         FROM pg_catalog.pg_constraint k \
         JOIN pg_catalog.pg_class c ON c.oid = k.conrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {skip} AND {confiture}",
    ),
    (
        "index",
        "SELECT n.nspname || '.' || c.relname, pg_catalog.pg_get_indexdef(c.oid) \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'i' AND {skip} AND {confiture}",
    ),
    (
        "sequence",
        "SELECT n.nspname || '.' || c.relname, '' \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'S' AND {skip} AND {confiture}",
    ),
    (
        "type",
        "SELECT n.nspname || '.' || t.typname, t.typtype::text \
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid \
         WHERE t.typtype IN ('c', 'e', 'd') AND (c.relkind IS NULL OR c.relkind = 'c') AND {skip}",
    ),
    (
        "function",
        "SELECT n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', \
                pg_catalog.pg_get_functiondef(p.oid) \
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prokind IN ('f', 'p') AND {skip} AND NOT {extension_proc}",
    ),
    (
        "comment",
        "SELECT CASE WHEN d.objsubid = 0 THEN n.nspname || '.' || c.relname \
                     ELSE n.nspname || '.' || c.relname || '.' || a.attname END, d.description \
         FROM pg_catalog.pg_description d \
         JOIN pg_catalog.pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_catalog.pg_class'::regclass \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid \
         WHERE {skip} AND {confiture} \
         UNION ALL \
         SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', d.description \
         FROM pg_catalog.pg_description d \
         JOIN pg_catalog.pg_proc p ON p.oid = d.objoid AND d.classoid = 'pg_catalog.pg_proc'::regclass \
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE {skip}",
    ),
    (
        "policy",
        "SELECT n.nspname || '.' || c.relname || '.' || p.polname, \
                p.polcmd::text || ' permissive=' || p.polpermissive::text \
                || coalesce(' USING ' || pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') \
                || coalesce(' CHECK ' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') \
         FROM pg_catalog.pg_policy p \
         JOIN pg_catalog.pg_class c ON c.oid = p.polrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {skip}",
    ),
];

impl Catalog {
    /// The catalog of the database `client` is connected to.
    pub fn read(client: &mut impl postgres::GenericClient) -> Result<Catalog, postgres::Error> {
        let mut objects = BTreeMap::new();
        for (kind, query) in QUERIES {
            let query = query
                .replace("{skip}", SKIPPED)
                .replace("{confiture}", CONFITURE)
                .replace("{extension_proc}", EXTENSION_PROC);
            for row in client.query(query.as_str(), &[])? {
                let name: String = row.get(0);
                let description: String = row.get(1);
                objects.insert(format!("{kind} {name}"), description);
            }
        }
        Ok(Catalog(objects))
    }

    /// Every difference of `actual` from `self` (the expected catalog), sorted by key.
    pub fn differences(&self, actual: &Catalog) -> Vec<Difference> {
        let mut out = Vec::new();
        for (key, expected) in &self.0 {
            match actual.0.get(key) {
                None => out.push(Difference::Missing {
                    key: key.clone(),
                    expected: expected.clone(),
                }),
                Some(found) if found != expected => out.push(Difference::Changed {
                    key: key.clone(),
                    expected: expected.clone(),
                    actual: found.clone(),
                }),
                Some(_) => {}
            }
        }
        for (key, found) in &actual.0 {
            if !self.0.contains_key(key) {
                out.push(Difference::Extra {
                    key: key.clone(),
                    actual: found.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.key().cmp(b.key()));
        out
    }

    /// The catalog as JSON (an object of key → description), to record it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("a map of strings serializes")
    }

    pub fn from_json(text: &str) -> Result<Catalog, serde_json::Error> {
        serde_json::from_str(text).map(Catalog)
    }
}

impl Difference {
    pub fn key(&self) -> &str {
        match self {
            Difference::Missing { key, .. }
            | Difference::Extra { key, .. }
            | Difference::Changed { key, .. } => key,
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Missing { key, .. } => write!(f, "missing: {key}"),
            Difference::Extra { key, .. } => write!(f, "extra: {key}"),
            Difference::Changed {
                key,
                expected,
                actual,
            } => {
                let (expected, actual) = first_difference(expected, actual);
                write!(
                    f,
                    "changed: {key}\n  expected: {expected}\n  actual:   {actual}"
                )
            }
        }
    }
}

/// The first line where two descriptions differ.
fn first_difference<'a>(expected: &'a str, actual: &'a str) -> (&'a str, &'a str) {
    let mut a = expected.lines();
    let mut b = actual.lines();
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => return (x.unwrap_or("(end)"), y.unwrap_or("(end)")),
        }
    }
}
