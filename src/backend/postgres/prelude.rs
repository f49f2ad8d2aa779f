//! The framework prelude (LANGUAGE §3.1), idempotent so several projects can share a
//! database: schemas `app`, `common`, `core`; type `app.mutation_result`; `app.slugify`
//! (the identifier slug rule of LANGUAGE §1, without extensions); the array helpers used
//! by list CHECKs; and the action runtime's own helper functions.

use super::ddl::{
    CreateCompositeType, CreateFunction, CreateSchema, DoIfAbsent, Probe, Volatility,
};
use super::quote::Literal;

pub const SCHEMAS: [&str; 3] = ["app", "common", "core"];

pub fn schemas() -> Vec<CreateSchema> {
    SCHEMAS
        .iter()
        .map(|s| CreateSchema { name: (*s).into() })
        .collect()
}

pub fn mutation_result() -> DoIfAbsent {
    let ty = CreateCompositeType {
        schema: "app".into(),
        name: "mutation_result".into(),
        fields: [
            ("success", "BOOLEAN"),
            ("error_code", "TEXT"),
            ("error_message", "TEXT"),
            ("object_data", "JSONB"),
            ("_meta", "JSONB"),
        ]
        .iter()
        .map(|(n, t)| ((*n).into(), (*t).into()))
        .collect(),
    };
    DoIfAbsent {
        probe: Probe::Type {
            schema: "app".into(),
            name: "mutation_result".into(),
        },
        statement: ty.to_string(),
    }
}

/// Single letters folded by `translate()`: (from, to), same length.
const FOLD_FROM: &str = "ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆĈĊČçćĉċčĎĐÐďđðÈÉÊËĒĔĖĘĚèéêëēĕėęěĜĞĠĢĝğġģĤĦĥħÌÍÎÏĨĪĬĮİìíîïĩīĭįıĴĵĶķĹĻĽĿŁĺļľŀłÑŃŅŇñńņňÒÓÔÕÖØŌŎŐòóôõöøōŏőŔŖŘŕŗřŚŜŞŠȘśŝşšșŢŤŦȚţťŧțÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűųŴŵÝŸŶýÿŷŹŻŽźżž";
const FOLD_TO: &str = "AAAAAAAAAaaaaaaaaaCCCCCcccccDDDdddEEEEEEEEEeeeeeeeeeGGGGggggHHhhIIIIIIIIIiiiiiiiiiJjKkLLLLLlllllNNNNnnnnOOOOOOOOOoooooooooRRRrrrSSSSSsssssTTTTttttUUUUUUUUUUuuuuuuuuuuWwYYYyyyZZZzzz";

/// Letters that fold to two letters, applied before `translate()`.
const FOLD_MULTI: &[(&str, &str)] = &[
    ("ß", "ss"),
    ("ẞ", "SS"),
    ("æ", "ae"),
    ("Æ", "AE"),
    ("œ", "oe"),
    ("Œ", "OE"),
    ("þ", "th"),
    ("Þ", "TH"),
    ("ĳ", "ij"),
    ("Ĳ", "IJ"),
];

/// `app.slugify(text)`: fold Latin diacritics, lower-case, every run of characters
/// other than `[a-z0-9]` becomes one `-`, trim `-`, empty → NULL.
pub fn slugify() -> CreateFunction {
    let mut folded = String::from("p_text");
    for (from, to) in FOLD_MULTI {
        folded = format!(
            "pg_catalog.replace({folded}, {}, {})",
            Literal(from),
            Literal(to)
        );
    }
    // ASCII text has nothing to fold: skipping the multibyte `translate` over the fold
    // table makes the common case several times faster with the same result.
    let body = format!(
        "SELECT NULLIF(\n    pg_catalog.btrim(\n        pg_catalog.regexp_replace(\n            pg_catalog.lower(CASE WHEN pg_catalog.octet_length(p_text) = pg_catalog.length(p_text) THEN p_text\n                ELSE pg_catalog.translate({folded},\n                {},\n                {}) END),\n            '[^a-z0-9]+', '-', 'g'),\n        '-'),\n    '')\n",
        Literal(FOLD_FROM),
        Literal(FOLD_TO)
    );
    CreateFunction {
        schema: "app".into(),
        name: "slugify".into(),
        args: vec![("p_text".into(), "text".into())],
        returns: "text".into(),
        language: "sql",
        volatility: Volatility::Immutable,
        strict: true,
        parallel_safe: true,
        body,
    }
}

/// `app.array_all_match(text[], pattern)`: every non-NULL element matches.
fn array_all_match() -> CreateFunction {
    CreateFunction {
        schema: "app".into(),
        name: "array_all_match".into(),
        args: vec![
            ("p_values".into(), "text[]".into()),
            ("p_pattern".into(), "text".into()),
        ],
        returns: "boolean".into(),
        language: "sql",
        volatility: Volatility::Immutable,
        strict: true,
        parallel_safe: true,
        body: "SELECT coalesce(pg_catalog.bool_and(v ~ p_pattern), TRUE) FROM pg_catalog.unnest(p_values) AS u(v)\n"
            .into(),
    }
}

/// `app.array_max_length(text[], n)`: no element is longer than `n` characters.
fn array_max_length() -> CreateFunction {
    CreateFunction {
        schema: "app".into(),
        name: "array_max_length".into(),
        args: vec![
            ("p_values".into(), "text[]".into()),
            ("p_max".into(), "integer".into()),
        ],
        returns: "boolean".into(),
        language: "sql",
        volatility: Volatility::Immutable,
        strict: true,
        parallel_safe: true,
        body: "SELECT coalesce(pg_catalog.bool_and(pg_catalog.char_length(v) <= p_max), TRUE) FROM pg_catalog.unnest(p_values) AS u(v)\n"
            .into(),
    }
}

pub fn functions() -> Vec<CreateFunction> {
    vec![
        slugify(),
        array_all_match(),
        array_max_length(),
        current_tenant(),
    ]
}

/// `app.current_tenant()`: the tenant of the current transaction, as every action
/// publishes it (`specql.tenant_id`), or NULL when unset; row-level security policies
/// compare `tenant_id` with it (LANGUAGE §7), so a session without it sees no tenant row.
///
/// PL/pgSQL, not SQL: a SQL function with a `SET` clause is never inlined, and the
/// executor parses and plans its body again at every execution of a statement that
/// calls it, which every policy-checked statement does. That made row-level security
/// cost about a third of an action's time; PL/pgSQL keeps its compiled body for the
/// session (see docs/benchmarks.md).
pub fn current_tenant() -> CreateFunction {
    CreateFunction {
        schema: "app".into(),
        name: "current_tenant".into(),
        args: Vec::new(),
        returns: "uuid".into(),
        language: "plpgsql",
        volatility: Volatility::Stable,
        strict: false,
        parallel_safe: true,
        body: "BEGIN\n    RETURN NULLIF(pg_catalog.current_setting('specql.tenant_id', TRUE), '')::uuid;\nEND\n"
            .into(),
    }
}

/// The action runtime's helper statements, each a whole statement with its `;`.
///
/// Call site for the actions helper: when `action/runtime.rs` exposes
/// `pub fn statements() -> Vec<String>`, return `super::action::runtime::statements()`
/// here.
pub fn runtime_statements() -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_tables_line_up() {
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.chars().count());
        assert!(FOLD_TO.is_ascii());
    }
}
