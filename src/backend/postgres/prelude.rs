//! The framework prelude (LANGUAGE §3.1), idempotent so several projects can share a
//! database: schemas `app`, `common`, `core`; type `app.mutation_result`; `app.slugify`
//! (the identifier slug rule of LANGUAGE §1, without extensions); the array helpers used
//! by list CHECKs; and the action runtime's own helper functions.

use super::action::MutationResult;
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

/// An `app` function of the prelude: SQL, immutable, strict and parallel safe unless the
/// caller says otherwise; never `SECURITY DEFINER` (the prelude runs as its caller).
fn app_function(name: &str) -> CreateFunction {
    CreateFunction {
        schema: "app".into(),
        name: name.into(),
        args: Vec::new(),
        returns: String::new(),
        language: "sql",
        volatility: Volatility::Immutable,
        strict: true,
        parallel_safe: true,
        security_definer: false,
        body: String::new(),
    }
}

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
        args: vec![("p_text".into(), "text".into())],
        returns: "text".into(),
        body,
        ..app_function("slugify")
    }
}

/// `app.array_all_match(text[], pattern)`: every non-NULL element matches.
fn array_all_match() -> CreateFunction {
    CreateFunction {
        args: vec![
            ("p_values".into(), "text[]".into()),
            ("p_pattern".into(), "text".into()),
        ],
        returns: "boolean".into(),
        body: "SELECT coalesce(pg_catalog.bool_and(v ~ p_pattern), TRUE) FROM pg_catalog.unnest(p_values) AS u(v)\n"
            .into(),
        ..app_function("array_all_match")
    }
}

/// `app.array_max_length(text[], n)`: no element is longer than `n` characters.
fn array_max_length() -> CreateFunction {
    CreateFunction {
        args: vec![
            ("p_values".into(), "text[]".into()),
            ("p_max".into(), "integer".into()),
        ],
        returns: "boolean".into(),
        body: "SELECT coalesce(pg_catalog.bool_and(pg_catalog.char_length(v) <= p_max), TRUE) FROM pg_catalog.unnest(p_values) AS u(v)\n"
            .into(),
        ..app_function("array_max_length")
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
        returns: "uuid".into(),
        language: "plpgsql",
        volatility: Volatility::Stable,
        strict: false,
        body: "BEGIN\n    RETURN NULLIF(pg_catalog.current_setting('specql.tenant_id', TRUE), '')::uuid;\nEND\n"
            .into(),
        ..app_function("current_tenant")
    }
}

/// The action runtime's helper statements, each a whole statement with its `;`. They
/// return `app.mutation_result`, so they come after the type.
pub fn runtime_statements() -> Vec<String> {
    vec![mutation_failure().to_string()]
}

/// The SQLSTATEs an action's handler turns into failure results, by condition name, with
/// the code `app.mutation_failure` compares. Cast failures are user errors only while an
/// input key is read; the other entries are mapped whenever they are caught.
pub const CAST_FAILURES: [(&str, &str); 6] = [
    ("invalid_text_representation", "22P02"),
    ("invalid_datetime_format", "22007"),
    ("datetime_field_overflow", "22008"),
    ("interval_field_overflow", "22015"),
    ("invalid_time_zone_displacement_value", "22009"),
    ("invalid_parameter_value", "22023"),
];

/// `app.mutation_failure(...)`: the one mapping from a caught error to an action's failure
/// result (LANGUAGE §4.4), shared by every action's handler, which passes the error's
/// fields and its own two lookup tables, and re-raises the error when this returns NULL:
/// - `SQ001` (a user error raised after a write): code = detail, message = message;
/// - 22003: `invalid_input` naming the key while one is read, else `out_of_range`;
/// - the cast failures: `invalid_input` naming the key while one is read, else NULL;
/// - 23502: `invalid_input` with the message `p_not_null` has for
///   `schema.table.column`, else NULL (not a required business field);
/// - 54000: `invalid_input` with the message `p_too_long` has for `schema.index`, else
///   NULL;
/// - 23505, 23514, 23503: `unique_violation`, `check_violation`, `reference_not_found`
///   with the error's message.
///
/// It runs only on the failure path; `STABLE` because `format()` is.
pub fn mutation_failure() -> CreateFunction {
    let casts: Vec<String> = CAST_FAILURES
        .iter()
        .map(|(_, code)| Literal(code).to_string())
        .collect();
    let failure = |code: &str, message: &str| MutationResult::failure(&code, &message).to_string();
    let invalid_key = failure(
        "'invalid_input'",
        "pg_catalog.format('key \"%s\": %s', p_key, p_message)",
    );
    let known = |table: &str, path: &str| {
        format!(
            "(SELECT {} FROM (SELECT {table} ->> pg_catalog.concat_ws('.', {path})) AS k(m) WHERE k.m IS NOT NULL)",
            failure("'invalid_input'", "k.m")
        )
    };
    let body = format!(
        "SELECT CASE\n    \
         WHEN p_state = 'SQ001' THEN {}\n    \
         WHEN p_state = '22003' THEN CASE WHEN p_key IS NULL THEN {} ELSE {invalid_key} END\n    \
         WHEN p_state IN ({}) THEN CASE WHEN p_key IS NULL THEN NULL ELSE {invalid_key} END\n    \
         WHEN p_state = '23502' THEN {}\n    \
         WHEN p_state = '54000' THEN {}\n    \
         WHEN p_state = '23505' THEN {}\n    \
         WHEN p_state = '23514' THEN {}\n    \
         WHEN p_state = '23503' THEN {}\n\
         END\n",
        failure("p_detail", "p_message"),
        failure("'out_of_range'", "p_message"),
        casts.join(", "),
        known("p_not_null", "p_schema, p_table, p_column"),
        known("p_too_long", "p_schema, p_constraint"),
        failure("'unique_violation'", "p_message"),
        failure("'check_violation'", "p_message"),
        failure("'reference_not_found'", "p_message"),
    );
    let text = |name: &str| (name.to_string(), "text".to_string());
    CreateFunction {
        args: vec![
            text("p_state"),
            text("p_message"),
            text("p_detail"),
            text("p_key"),
            text("p_schema"),
            text("p_table"),
            text("p_column"),
            text("p_constraint"),
            ("p_not_null".into(), "jsonb".into()),
            ("p_too_long".into(), "jsonb".into()),
        ],
        returns: "app.mutation_result".into(),
        volatility: Volatility::Stable,
        strict: false,
        body,
        ..app_function("mutation_failure")
    }
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
