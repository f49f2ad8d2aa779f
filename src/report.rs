//! The binary's single way out for everything it tells the user: spec diagnostics,
//! failures without a place (I/O, usage, database) and progress on stderr, artifacts on
//! stdout. With `--format json`, stderr carries exactly one JSON array per run, whatever
//! failed; a closed stdout (`specqlc compile … | head -1`) ends the run quietly.

use std::io::{IsTerminal, Write};

use codespan_reporting::term::termcolor::ColorChoice;
use specqlc::diag::{Diagnostic, Failure, codes, render};
use specqlc::source::SourceMap;

use crate::cli::{ColorMode, Format};

/// Why a command stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The specs have errors; they were reported already (exit 1).
    Specs,
    /// Failures to report (exit 1, 2 or 3 as their kind says).
    Failures(Vec<Failure>),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Stop {
        Stop::Failures(vec![failure])
    }
}

/// Renders diagnostics and failures as `--format` and `--color` say.
pub struct Reporter {
    format: Format,
    color: ColorChoice,
    json: Vec<serde_json::Value>,
}

impl Reporter {
    pub fn new(format: Format, color: ColorMode) -> Reporter {
        Reporter {
            format,
            color: color_choice(color),
            json: Vec::new(),
        }
    }

    pub fn diagnostics(&mut self, sources: &SourceMap, diagnostics: &[Diagnostic]) {
        match self.format {
            Format::Json => self
                .json
                .extend(render::to_json_value(sources, diagnostics)),
            Format::Human => render::to_stderr(sources, diagnostics, self.color),
        }
    }

    pub fn failures(&mut self, failures: &[Failure]) {
        match self.format {
            Format::Json => self.json.extend(render::failures_to_json_value(failures)),
            Format::Human => render::failures_to_stderr(failures, self.color),
        }
    }

    /// A line of progress or summary; stderr stays pure JSON with `--format json`.
    pub fn progress(&self, line: &str) {
        if self.format == Format::Human {
            eprintln!("{line}");
        }
    }

    /// Prints the JSON array of the run (`[]` when all went well).
    pub fn finish(self) {
        if self.format == Format::Json {
            let text = serde_json::to_string_pretty(&self.json).expect("reports serialize");
            eprintln!("{text}");
        }
    }
}

/// Writes an artifact to stdout. A reader that went away (EPIPE) is not an error: the
/// run ends quietly with exit 0, as `head` expects of the commands it reads from.
pub fn write_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Stop> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            // Dropping the BufWriter would try to flush the rest again.
            drop(stdout.into_parts());
            Ok(())
        }
        Err(e) => Err(Failure::new(
            codes::IO_ERROR,
            specqlc::diag::Kind::Environment,
            format!("cannot write to stdout: {e}"),
        )
        .into()),
    }
}

/// `--format json` as written on a command line that clap could not parse, so that a
/// usage error is JSON too.
pub fn json_requested(args: &[std::ffi::OsString]) -> bool {
    args.iter().enumerate().any(|(i, arg)| {
        arg == "--format=json"
            || (arg == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

/// A clap error as a usage failure: its first paragraph is the message, the other
/// paragraphs (usage, tips) are notes.
pub fn usage_failure(error: &clap::Error) -> Failure {
    let text = error.render().to_string();
    let mut paragraphs = text.split("\n\n").map(|p| {
        p.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let first = paragraphs.next().unwrap_or_default();
    let mut failure = Failure::usage(first.strip_prefix("error: ").unwrap_or(&first));
    for note in paragraphs.filter(|p| !p.is_empty()) {
        failure = failure.with_note(note);
    }
    failure
}

pub fn color_choice(mode: ColorMode) -> ColorChoice {
    match mode {
        ColorMode::Always => ColorChoice::Always,
        ColorMode::Never => ColorChoice::Never,
        ColorMode::Auto
            if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() =>
        {
            ColorChoice::Never
        }
        ColorMode::Auto => ColorChoice::Auto,
    }
}
