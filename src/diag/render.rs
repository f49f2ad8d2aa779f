//! Rendering diagnostics at the edge: codespan-reporting for people (colour on a
//! terminal, plain otherwise) and JSON for machines.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, ColorChoice, StandardStream, WriteColor};
use codespan_reporting::term::{self, Config};
use serde::Serialize;

use super::{Diagnostic, Severity};
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

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    start: u32,
    end: u32,
    notes: Vec<String>,
}

/// One JSON array of diagnostics with file, 1-based line/column and byte range.
pub fn to_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| {
            let span = d.primary.span;
            let (line, column) = sources.line_col(span.file, span.start);
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
                file: &sources.get(span.file).name,
                line,
                column,
                start: span.start,
                end: span.end,
                notes,
            }
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("diagnostics serialize to JSON")
}
