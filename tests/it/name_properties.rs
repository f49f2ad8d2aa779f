//! Property: whatever names a spec gives its entities, fields, reference, loop variables,
//! input and item keys (random short names, PostgreSQL and PL/pgSQL keywords, names that look like
//! the compiler's own locals, names of 40 to 70 bytes), the compiler either refuses the
//! spec with diagnostics (never a bug report), or every generated function loads, passes
//! plpgsql_check and stores the values it is given (issue 13, class 3, acceptance 4).
//!
//! `SPECQL_NAME_CASES` sets the number of cases (default 24: each case is a database).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::json;

use specqlc::lower::names::snake_case;
use specqlc::source::SourceMap;
use specqlc::{CheckOptions, check_sources};

use crate::support::TestDb;
use crate::support::specs::TENANT_A;

/// Keywords of SQL and PL/pgSQL, and names shaped like generated locals and parameters.
const TRICKY: &[&str] = &[
    "value",
    "select",
    "order",
    "user",
    "table",
    "key",
    "json",
    "row",
    "end",
    "loop",
    "begin",
    "declare",
    "result",
    "found",
    "record",
    "p_input",
    "p_tenant_id",
    "v_row",
    "v_key",
    "v_json",
    "v_item",
    "in_x",
    "it1",
    "it1_a",
    "it2",
    "a",
    "a_b",
    "b_c",
    "c",
    "item",
    "input",
    "t",
    "e",
    "new",
    "old",
    "strict",
    "exception",
    "raise",
    "notice",
];

const ENTITY_KEYWORDS: &[&str] = &["Order", "User", "Select", "Value", "Table", "Loop", "Row"];

/// Entity names: keywords once snake-cased, short ones, and long ones (their tables,
/// helpers and standard actions pass 63 bytes beyond some length).
fn entity() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => proptest::sample::select(ENTITY_KEYWORDS)
            .prop_map(str::to_owned),
        3 => "[A-Z][a-z]{0,8}",
        1 => "[A-Z][a-zA-Z]{39,69}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TRICKY).prop_map(str::to_owned),
        3 => "[a-z][a-z0-9_]{0,8}",
        1 => "[a-z][a-z_]{39,69}",
    ]
}

#[derive(Debug, Clone)]
struct Names {
    holder: String,
    target_entity: String,
    text: String,
    number: String,
    reference: String,
    outer: String,
    inner: String,
    outer_key: String,
    inner_key: String,
    target: String,
}

/// The two arrays have distinct keys, so the test can give each its own items (one key
/// for both would be one array, which the expectations below do not model).
fn names() -> impl Strategy<Value = Names> {
    let fields = (
        name(),
        name(),
        name(),
        name(),
        name(),
        name(),
        name(),
        name(),
    )
        .prop_filter("distinct array keys", |t| t.5 != t.6);
    (entity(), entity(), fields).prop_map(|(holder, target_entity, fields)| {
        let (text, number, reference, outer, inner, outer_key, inner_key, target) = fields;
        Names {
            holder,
            target_entity,
            text,
            number,
            reference,
            outer,
            inner,
            outer_key,
            inner_key,
            target,
        }
    })
}

fn spec(n: &Names) -> String {
    format!(
        r#"
entity: {target_entity}
schema: prop
fields:
  {target}: text
  num: integer
---
entity: {holder}
schema: prop
fields:
  {text}: text
  {number}: integer
  {reference}: ref({target_entity})
actions:
  - name: create_{holder_snake}
  - name: update_{holder_snake}
  - name: fill
    steps:
      - foreach: {outer} in ${outer_key}
        do:
          - foreach: {inner} in ${inner_key}
            do:
              - insert: "{target_entity} {{ {target}: {outer}.{text}, num: {inner}.{number} }}"
"#,
        target = n.target,
        target_entity = n.target_entity,
        holder = n.holder,
        holder_snake = snake_case(&n.holder),
        text = n.text,
        number = n.number,
        reference = n.reference,
        outer = n.outer,
        inner = n.inner,
        outer_key = n.outer_key,
        inner_key = n.inner_key,
    )
}

fn case(n: &Names) -> Result<bool, TestCaseError> {
    let yaml = spec(n);
    let mut sources = SourceMap::new();
    sources.add("prop.yaml", yaml.as_str());
    let checked = check_sources(sources, CheckOptions::default());
    let Some(project) = checked.project() else {
        // Refused: every diagnostic is a user error with a code, none is a bug.
        prop_assert!(checked.has_errors());
        for d in &checked.diagnostics {
            prop_assert!(
                d.code.id.starts_with('E') || d.code.id.starts_with('W'),
                "{d:?}"
            );
        }
        return Ok(false);
    };
    let script = specqlc::plan_and_emit(project).1.script();
    let db = TestDb::new();
    if let Err(error) = db.try_batch(&script) {
        return Err(TestCaseError::fail(format!(
            "does not load: {error}\n{yaml}"
        )));
    }
    let findings = db.plpgsql_check("prop");
    prop_assert!(findings.is_empty(), "{findings:#?}\n{yaml}");

    let prop = db.caller("prop", TENANT_A);
    let call = |action: &str, input| prop.call(action, input);
    let created = call(
        &format!("create_{}", snake_case(&n.holder)),
        json!({ n.text.as_str(): "held", n.number.as_str(): 3 }),
    );
    prop_assert!(created.success, "{created:?}\n{yaml}");
    let data = created.object_data.unwrap();
    prop_assert_eq!(&data[n.text.as_str()], &json!("held"));
    prop_assert_eq!(&data[n.number.as_str()], &json!(3));
    let updated = call(
        &format!("update_{}", snake_case(&n.holder)),
        json!({ "id": data["id"], n.text.as_str(): "changed", n.number.as_str(): 4 }),
    );
    prop_assert!(updated.success, "{updated:?}\n{yaml}");
    let data = updated.object_data.unwrap();
    prop_assert_eq!(&data[n.text.as_str()], &json!("changed"));
    prop_assert_eq!(&data[n.number.as_str()], &json!(4));

    let filled = call(
        "fill",
        json!({
            n.outer_key.as_str(): [{ n.text.as_str(): "o1" }, { n.text.as_str(): "o2" }],
            n.inner_key.as_str(): [{ n.number.as_str(): 7 }],
        }),
    );
    prop_assert!(filled.success, "{filled:?}\n{yaml}");
    let stored = db.query_json(&format!(
        "SELECT t.\"{}\" AS text, t.num FROM prop.\"tb_{}\" AS t ORDER BY 1",
        n.target,
        snake_case(&n.target_entity)
    ));
    prop_assert_eq!(
        stored,
        json!([{"text": "o1", "num": 7}, {"text": "o2", "num": 7}]),
        "{}",
        yaml
    );
    Ok(true)
}

#[test]
fn any_names_load_and_store_right_or_are_refused() {
    let cases = std::env::var("SPECQL_NAME_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let compiled = std::cell::Cell::new(0u32);
    runner
        .run(&names(), |n| {
            compiled.set(compiled.get() + u32::from(case(&n)?));
            Ok(())
        })
        .unwrap();
    let compiled = compiled.get();
    // The property says little if every case is refused.
    assert!(
        compiled * 4 >= cases,
        "only {compiled} of {cases} cases compiled"
    );
}
