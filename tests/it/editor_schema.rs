//! The editor schema (`specqlc schema`) against the reader: over every ok case, err case
//! and corpus file, the JSON Schema rejects a file exactly when `specqlc check` reports a
//! shape error the schema describes (wrong node kind E0103, unknown key E0104, missing
//! key E0105, unknown step E0202, unknown type name E0309, `type?` E0409).
//!
//! Not applicable: YAML syntax (E0102), duplicate keys (E0106: a YAML-level matter that
//! the editor's YAML parser reports, and JSON has no duplicate keys) and NUL (E0108)
//! files are skipped. Everything past the shape (names, expressions, type arguments)
//! is the compiler's, so the schema accepts it.
//!
//! YAML is turned into JSON as a YAML 1.2 editor does (core schema: plain `null`, `~`
//! and empty are null, `true`/`false` booleans, numbers numbers, quoted scalars strings).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use specqlc::spec::yaml::{Node, NodeKind, parse_documents};
use specqlc::{CheckOptions, check_sources};

/// The codes of the shape errors the schema describes.
const SHAPE: &[&str] = &["E0103", "E0104", "E0105", "E0202", "E0309", "E0409"];
/// Files whose YAML is not a tree of unique keys: nothing for a JSON Schema to judge.
const YAML_LEVEL: &[&str] = &["E0102", "E0106", "E0108"];

fn json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Mapping(pairs) => {
            let mut map = Map::new();
            for (k, v) in pairs {
                let key = k.as_scalar().map_or_else(String::new, |s| s.value.clone());
                map.insert(key, json(v));
            }
            Value::Object(map)
        }
        NodeKind::Sequence(items) => Value::Array(items.iter().map(json).collect()),
        NodeKind::Scalar(s) if !s.plain => Value::String(s.value.clone()),
        NodeKind::Scalar(s) if s.is_null() => Value::Null,
        NodeKind::Scalar(s) => {
            if let Some(b) = s.as_bool() {
                return Value::Bool(b);
            }
            let numeric = !s.value.is_empty()
                && s.value
                    .trim_start_matches(['-', '+'])
                    .starts_with(|c: char| c.is_ascii_digit() || c == '.')
                && s.value.parse::<f64>().is_ok();
            match (numeric, s.value.parse::<i64>()) {
                (true, Ok(i)) => Value::from(i),
                (true, Err(_)) => serde_json::Number::from_f64(s.value.parse().unwrap())
                    .map_or_else(|| Value::String(s.value.clone()), Value::Number),
                _ => Value::String(s.value.clone()),
            }
        }
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn schema_rejects_exactly_the_shape_errors_of_every_case_and_corpus_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = specqlc::spec::schema::schema();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("the editor schema is a valid JSON Schema");
    let mut files = Vec::new();
    for dir in ["tests/cases/ok", "tests/cases/err", "tests/corpus"] {
        yaml_files(&root.join(dir), &mut files);
    }
    let (mut accepted, mut rejected, mut skipped, mut documents) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(root).unwrap().display().to_string();
        let sources = specqlc::spec::read_paths(std::slice::from_ref(path)).expect("readable");
        let codes: BTreeSet<&str> = check_sources(sources, CheckOptions::default())
            .diagnostics
            .iter()
            .map(|d| d.code.id)
            .collect();
        if codes.iter().any(|c| YAML_LEVEL.contains(c)) {
            skipped += 1;
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let nodes = parse_documents(specqlc::source::FileId(0), &text).expect("YAML parses");
        let mut errors = Vec::new();
        for node in &nodes {
            documents += 1;
            let instance = json(node);
            errors.extend(
                validator
                    .iter_errors(&instance)
                    .map(|e| format!("{} at {}", e, e.instance_path())),
            );
        }
        let shape_error = codes.iter().any(|c| SHAPE.contains(c));
        match (shape_error, errors.is_empty()) {
            (false, true) => accepted += 1,
            (true, false) => rejected += 1,
            (false, false) => wrong.push(format!(
                "{relative}: checks without shape errors ({codes:?}), the schema rejects it:\n  {}",
                errors.join("\n  ")
            )),
            (true, true) => wrong.push(format!(
                "{relative}: has shape errors ({codes:?}), the schema accepts it"
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        accepted >= 20 && rejected >= 6,
        "{accepted} accepted, {rejected} rejected"
    );
    eprintln!(
        "editor schema: {} files ({documents} documents): {accepted} accepted, {rejected} rejected, {skipped} YAML-level skipped",
        files.len()
    );
}
