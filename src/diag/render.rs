//! Rendering diagnostics at the edge: codespan-reporting for people (colour on a
//! terminal, plain otherwise) and JSON for machines.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};
use codespan_reporting::term::{self, Config};
use serde::Serialize;

use super::{Diagnostic, Failure, Severity};
use crate::source::SourceMap;

fn files(sources: &SourceMap) -> SimpleFiles<&str, &str> {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.files() {
        files.add(file.name.as_str(), file.text.as_str());
    }
    files
}

fn to_codespan(diagnostic: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let primary = CsLabel::primary(
        diagnostic.primary.span.file.0 as usize,
        diagnostic.primary.span.range(),
    )
    .with_message(diagnostic.primary.message.clone());
    let mut labels = vec![primary];
    labels.extend(diagnostic.secondary.iter().map(|l| {
        CsLabel::secondary(l.span.file.0 as usize, l.span.range()).with_message(l.message.clone())
    }));
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|n| format!("note: {n}"))
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    CsDiagnostic::new(severity)
        .with_code(diagnostic.code.id)
        .with_message(diagnostic.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

fn emit_all(writer: &mut dyn WriteColor, sources: &SourceMap, diagnostics: &[Diagnostic]) {
    let files = files(sources);
    let config = Config::default();
    for diagnostic in diagnostics {
        // Writing to stderr or a buffer only fails when the stream is gone; nothing
        // useful is left to do then.
        let _ = term::emit_to_write_style(writer, &config, &files, &to_codespan(diagnostic));
    }
}

/// Renders for a terminal (stderr), with colour as `choice` says.
pub fn to_stderr(sources: &SourceMap, diagnostics: &[Diagnostic], choice: ColorChoice) {
    let mut stream = StandardStream::stderr(choice);
    emit_all(&mut stream, sources, diagnostics);
}

/// Renders without colour into a string (tests and snapshots).
pub fn to_plain_string(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut buffer = Buffer::no_color();
    emit_all(&mut buffer, sources, diagnostics);
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// One entry of the JSON output. Failures without a place (I/O, usage, database) have the
/// same keys, with `null` positions (and `file` when no path is concerned).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    start: Option<u32>,
    end: Option<u32>,
    notes: Vec<String>,
}

/// One JSON array of diagnostics with file, 1-based line/column of the start and of the
/// end (exclusive) and the byte range.
pub fn to_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&to_json_value(sources, diagnostics))
        .expect("diagnostics serialize to JSON")
}

/// The entries of [`to_json`] as JSON values, for a caller that prints one array per run.
pub fn to_json_value(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .map(|d| {
            let span = d.primary.span;
            let (line, column) = sources.line_col(span.file, span.start);
            let (end_line, end_column) = sources.line_col(span.file, span.end);
            let mut notes = d.notes.clone();
            notes.extend(d.help.iter().map(|h| format!("help: {h}")));
            notes.extend(d.secondary.iter().map(|l| {
                let (line, column) = sources.line_col(l.span.file, l.span.start);
                format!(
                    "{}:{line}:{column}: {}",
                    sources.get(l.span.file).name,
                    l.message
                )
            }));
            JsonDiagnostic {
                code: d.code.id,
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                message: &d.message,
                file: Some(&sources.get(span.file).name),
                line: Some(line),
                column: Some(column),
                end_line: Some(end_line),
                end_column: Some(end_column),
                start: Some(span.start),
                end: Some(span.end),
                notes,
            }
        })
        .map(|item| serde_json::to_value(item).expect("diagnostics serialize to JSON"))
        .collect()
}

fn failure_to_codespan(failure: &Failure) -> CsDiagnostic<usize> {
    // The message names the path already; `path` is for machines (JSON `file`).
    let notes = failure.notes.iter().map(|n| format!("note: {n}")).collect();
    CsDiagnostic::error()
        .with_code(failure.code.id)
        .with_message(failure.message.clone())
        .with_notes(notes)
}

fn emit_failures(writer: &mut dyn WriteColor, failures: &[Failure]) {
    let files: SimpleFiles<&str, &str> = SimpleFiles::new();
    let config = Config::default();
    for failure in failures {
        // As in `emit_all`: a closed stderr leaves nothing to report to.
        let _ = term::emit_to_write_style(writer, &config, &files, &failure_to_codespan(failure));
    }
}

/// Renders failures without a place for a terminal (stderr), like diagnostics.
pub fn failures_to_stderr(failures: &[Failure], choice: ColorChoice) {
    let mut stream = StandardStream::stderr(choice);
    emit_failures(&mut stream, failures);
}

/// Renders failures without a place into a plain string (tests).
pub fn failures_to_plain_string(failures: &[Failure]) -> String {
    let mut buffer = Buffer::no_color();
    emit_failures(&mut buffer, failures);
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Failures without a place as the same JSON array as [`to_json`], positions `null`.
pub fn failures_to_json(failures: &[Failure]) -> String {
    serde_json::to_string_pretty(&failures_to_json_value(failures))
        .expect("failures serialize to JSON")
}

/// The entries of [`failures_to_json`] as JSON values.
pub fn failures_to_json_value(failures: &[Failure]) -> Vec<serde_json::Value> {
    failures
        .iter()
        .map(|f| JsonDiagnostic {
            code: f.code.id,
            severity: "error",
            message: &f.message,
            file: f.path.as_deref(),
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            start: None,
            end: None,
            notes: f.notes.clone(),
        })
        .map(|item| serde_json::to_value(item).expect("failures serialize to JSON"))
        .collect()
}
