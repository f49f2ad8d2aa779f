//! No input makes the compiler panic: property tests over arbitrary text, YAML-shaped
//! text and mutated real specs, run through the whole front end (and the backend when
//! the input checks clean).
//!
//! `SPECQL_FUZZ_CASES` sets the number of cases per property (default 300, so that
//! `cargo test` stays fast); the long runs reported in issues set it much higher.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use specqlc::source::SourceMap;
use specqlc::{CheckOptions, check_sources};

fn cases() -> u32 {
    std::env::var("SPECQL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Runs the whole pipeline; every diagnostic span must lie inside its file.
fn compile_never_panics(text: &str) {
    let mut sources = SourceMap::new();
    sources.add("fuzz.yaml", text);
    let checked = check_sources(sources, CheckOptions::default());
    for d in &checked.diagnostics {
        let len = checked.sources.get(d.primary.span.file).text.len() as u32;
        assert!(
            d.primary.span.start <= d.primary.span.end && d.primary.span.end <= len,
            "span out of file: {d:?}"
        );
        let _ = specqlc::diag::render::to_plain_string(&checked.sources, std::slice::from_ref(d));
    }
    if let Some(project) = checked.project() {
        let _ = specqlc::plan_and_emit(project).1.script();
    }
}

const SEEDS: &[&str] = &[
    include_str!("../cases/ok/crm_contact.yaml"),
    include_str!("../cases/ok/order_steps.yaml"),
    include_str!("../cases/ok/all_types.yaml"),
    include_str!("../cases/ok/hierarchy_and_translations.yaml"),
    include_str!("../cases/ok/library_lending.yaml"),
];

const TOKENS: &[&str] = &[
    "entity: ",
    "schema: ",
    "fields:",
    "actions:",
    "  - name: ",
    "    steps:",
    "      - validate: ",
    "      - update: ",
    "      - insert: ",
    "      - if: ",
    "        then:",
    "      - foreach: ",
    "        do:",
    "ref(",
    "enum(",
    "list(",
    ")",
    "!",
    "?",
    " = ",
    "'",
    "\"",
    "$",
    ".",
    "AND ",
    "OR ",
    "NOT ",
    "IS NULL",
    " IN (",
    "SET ",
    " WHERE ",
    "\n",
    "  ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "#",
    "---\n",
    "&a ",
    "*a",
    "é",
    "Contact",
    "status",
    "text",
    "integer",
    "0",
    "-1",
    "99999999999999999999",
    "null",
    "true",
    "tenant_scoped: ",
    "identifier: ",
    "hierarchical: true",
    "translations:",
    "  enabled: true",
    "  fields: [",
    "\t",
    "\u{0}",
];

fn run(strategy: impl Strategy<Value = String>) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |text| {
            compile_never_panics(&text);
            Ok(())
        })
        .unwrap();
    eprintln!("tried {} inputs", cases());
}

#[test]
fn arbitrary_text_never_panics() {
    run(any::<String>());
}

#[test]
fn yaml_shaped_token_soup_never_panics() {
    run(prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat()));
}

#[test]
fn mutated_real_specs_never_panic() {
    let strategy = (
        prop::sample::select(SEEDS),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0usize..12,
                prop::sample::select(TOKENS),
            ),
            1..6,
        ),
    )
        .prop_map(|(seed, edits)| {
            let mut text = seed.to_string();
            for (at, cut, insert) in edits {
                let mut start = at.index(text.len() + 1);
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + cut).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(start..end, insert);
            }
            text
        });
    run(strategy);
}
