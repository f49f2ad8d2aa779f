//! The compiled SQL of every ok case and every clean corpus project, as reviewed
//! snapshots; and the determinism guarantees: byte-identical output across runs and
//! whatever order the files are given in.

use std::path::{Path, PathBuf};

use specqlc::diag::render;
use specqlc::source::SourceMap;
use specqlc::{CheckOptions, check_sources};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads files under stable, repository-relative names.
fn sources_of(files: &[PathBuf]) -> SourceMap {
    let mut sources = SourceMap::new();
    for path in files {
        let name = path
            .strip_prefix(manifest())
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        sources.add(name, std::fs::read_to_string(path).unwrap());
    }
    sources
}

fn compile(sources: SourceMap) -> String {
    let checked = check_sources(sources, CheckOptions::default());
    let project = checked.project.unwrap_or_else(|| {
        panic!(
            "does not check:\n{}",
            render::to_plain_string(&checked.sources, &checked.diagnostics)
        )
    });
    let plan = specqlc::order::run(&project);
    specqlc::backend::postgres::emit(&project, &plan).script()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let sources = specqlc::spec::read_paths(&[dir.to_path_buf()]).unwrap();
    sources
        .files()
        .map(|(_, f)| PathBuf::from(&f.name))
        .collect()
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn ok_cases_compile_to_reviewed_sql() {
    insta::glob!("cases/ok/*.yaml", |path| {
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
        let dir = manifest()
            .join("tests/corpus/specql-examples")
            .join(project);
        let sql = compile(sources_of(&yaml_files(&dir)));
        let name = format!("corpus_{}", project.replace(['/', '-'], "_"));
        settings().bind(|| insta::assert_snapshot!(name, sql));
    }
}

#[test]
fn output_is_identical_across_runs_and_file_orders() {
    let dir = manifest().join("tests/corpus/specql-examples/examples/simple-blog");
    let mut files = yaml_files(&dir);
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
    let mut sources = SourceMap::new();
    sources.add("many.yaml", spec);
    let checked = check_sources(sources, CheckOptions::default());
    let project = checked.project.expect("the generated spec checks");
    let plan = specqlc::order::run(&project);
    let one = specqlc::backend::postgres::emit_on(&project, &plan, 1).script();
    for threads in [2, 3, 8] {
        let many = specqlc::backend::postgres::emit_on(&project, &plan, threads).script();
        assert!(one == many, "{threads} threads change the output");
    }
    assert!(
        plan.objects().count() > 64 * 3,
        "the test must exercise several threads"
    );
}
