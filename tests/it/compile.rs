//! The compiled SQL of every ok case and every clean corpus project, as reviewed
//! snapshots; and the determinism guarantees: byte-identical output across runs and
//! whatever order the files are given in.

use specqlc::source::SourceMap;

use crate::support::specs::{compiled, manifest, source, sources_of, spec_files};

fn compile(sources: SourceMap) -> String {
    compiled(&sources).script()
}

fn settings() -> insta::Settings {
    let mut settings = crate::support::settings();
    settings.set_omit_expression(true);
    settings
}

#[test]
fn ok_cases_compile_to_reviewed_sql() {
    insta::glob!("../cases", "ok/*.yaml", |path| {
        let sql = compile(sources_of(&[path.to_path_buf()]));
        let mut s = settings();
        s.set_input_file(path);
        s.bind(|| insta::assert_snapshot!("sql", sql));
    });
}

/// The corpus projects that check clean (see `corpus.rs` for the others).
const CLEAN_CORPUS: &[&str] = &[
    "examples/crm",
    "examples/saas-multi-tenant",
    "examples/simple-blog",
    "entities",
];

#[test]
fn clean_corpus_projects_compile_to_reviewed_sql() {
    for project in CLEAN_CORPUS {
        let sql = compile(sources_of(&spec_files(&format!(
            "tests/corpus/specql-examples/{project}"
        ))));
        let name = format!("corpus_{}", project.replace(['/', '-'], "_"));
        settings().bind(|| insta::assert_snapshot!(name, sql));
    }
}

#[test]
fn output_is_identical_across_runs_and_file_orders() {
    let mut files = spec_files("tests/corpus/specql-examples/examples/simple-blog");
    files.push(manifest().join("tests/cases/ok/order_steps.yaml"));
    files.push(manifest().join("tests/cases/ok/crm_contact.yaml"));
    let first = compile(sources_of(&files));
    assert_eq!(first, compile(sources_of(&files)), "two runs differ");
    files.reverse();
    assert_eq!(
        first,
        compile(sources_of(&files)),
        "reversed file order changes the output"
    );
    files.rotate_left(2);
    assert_eq!(
        first,
        compile(sources_of(&files)),
        "rotated file order changes the output"
    );
}

#[test]
fn output_does_not_depend_on_the_number_of_threads() {
    // Enough entities that emission really runs on several threads.
    let mut spec = String::new();
    for n in 0..60 {
        spec.push_str(&format!(
            "entity: Item{n}\nschema: s{}\nidentifier: name\nfields:\n  name: text!\n  qty: integer = 0\n  owner: ref(Item{})\nactions:\n  - name: create_item{n}\n  - name: bump_item{n}\n    steps:\n      - validate: qty >= 0\n      - update: Item{n} SET qty = qty + 1\n---\n",
            n % 3,
            (n + 1) % 60
        ));
    }
    let compiled = compiled(&source("many.yaml", &spec));
    let (project, plan) = (&compiled.project, &compiled.plan);
    let one = compiled.script();
    assert_eq!(
        one,
        specqlc::backend::postgres::emit_on(project, plan, 1).script(),
        "one thread changes the output"
    );
    for threads in [2, 3, 8] {
        let many = specqlc::backend::postgres::emit_on(project, plan, threads).script();
        assert!(one == many, "{threads} threads change the output");
    }
    assert!(
        plan.objects().count() > 64 * 3,
        "the test must exercise several threads"
    );
}
