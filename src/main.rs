//! The `specqlc` binary: parses arguments, calls the library, renders at the edge.
//! stdout carries artifacts only; diagnostics and progress go to stderr.
//! Exit codes: 0 ok, 1 the input has errors, 2 usage, 101 a compiler bug.

mod cli;
mod deploy;
mod output;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use codespan_reporting::term::termcolor::ColorChoice;

use cli::{Cli, ColorMode, Command, DebugStage, Format, MigrateAction};
use specqlc::diag::{codes, render};
use specqlc::{CheckOptions, Checked};

const EXIT_INPUT_ERRORS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    install_bug_report_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    run(cli)
}

/// A panic is a compiler bug: say so, and let Rust exit with 101.
fn install_bug_report_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        eprintln!(
            "error: internal compiler error: specqlc has a bug; please report it with the input that triggered it"
        );
        default(info);
    }));
}

fn run(cli: Cli) -> ExitCode {
    let options = CheckOptions {
        deny_warnings: cli.deny_warnings,
    };
    match &cli.command {
        Command::Explain { code } => explain(code),
        Command::Check { paths } => match load(&cli, paths, options) {
            Ok(checked) => exit_for(&checked),
            Err(code) => code,
        },
        Command::Compile { paths, output } => match load(&cli, paths, options) {
            Ok(checked) => match &checked.project {
                Some(project) => output::compile(project, output),
                None => exit_for(&checked),
            },
            Err(code) => code,
        },
        Command::Migrate { action } => {
            let MigrateAction::New {
                name,
                paths,
                output,
                allow_destructive,
            } = action;
            match load(&cli, paths, options) {
                Ok(Checked {
                    project: Some(project),
                    sources,
                    ..
                }) => {
                    let report = |diagnostics: &[specqlc::diag::Diagnostic]| {
                        report(&cli, &sources, diagnostics)
                    };
                    let options = specqlc::migrate::Options {
                        allow_destructive: *allow_destructive,
                    };
                    deploy::migrate_new(&project, name, output, options, &report)
                }
                Ok(checked) => exit_for(&checked),
                Err(code) => code,
            }
        }
        Command::Apply {
            database_url,
            allow_destructive,
            paths,
        } => match load(&cli, paths, options) {
            Ok(Checked {
                project: Some(project),
                sources,
                ..
            }) => {
                let report =
                    |diagnostics: &[specqlc::diag::Diagnostic]| report(&cli, &sources, diagnostics);
                let options = specqlc::apply::Options {
                    allow_destructive: *allow_destructive,
                };
                deploy::apply(&project, database_url, options, &report)
            }
            Ok(checked) => exit_for(&checked),
            Err(code) => code,
        },
        Command::Diff {
            database_url,
            paths,
        } => match load(&cli, paths, options) {
            Ok(Checked {
                project: Some(project),
                ..
            }) => deploy::diff(&project, database_url, cli.format == Format::Json),
            Ok(checked) => exit_for(&checked),
            Err(code) => code,
        },
        Command::Debug { stage } => {
            let paths = match stage {
                DebugStage::Ir { paths } | DebugStage::Order { paths } => paths,
            };
            match load(&cli, paths, options) {
                Ok(Checked {
                    project: Some(project),
                    ..
                }) => {
                    let text = match stage {
                        DebugStage::Ir { .. } => specqlc::ir::dump(&project),
                        DebugStage::Order { .. } => {
                            specqlc::order::dump(&specqlc::order::run(&project))
                        }
                    };
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Ok(checked) => exit_for(&checked),
                Err(code) => code,
            }
        }
    }
}

fn explain(code: &str) -> ExitCode {
    match codes::lookup(code) {
        Some(entry) => {
            println!(
                "{} ({})\n\n{}",
                entry.code.id, entry.code.name, entry.explanation
            );
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: unknown diagnostic code `{code}`");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Reads and checks the specs, rendering every diagnostic to stderr.
fn load(
    cli: &Cli,
    paths: &[std::path::PathBuf],
    options: CheckOptions,
) -> Result<Checked, ExitCode> {
    let checked = match specqlc::check_paths(paths, options) {
        Ok(checked) => checked,
        Err(errors) => {
            for e in errors {
                eprintln!(
                    "error[{}]: cannot read `{}`: {}",
                    codes::IO_ERROR.id,
                    e.path,
                    e.reason
                );
            }
            return Err(ExitCode::from(EXIT_INPUT_ERRORS));
        }
    };
    match cli.format {
        Format::Json => eprintln!(
            "{}",
            render::to_json(&checked.sources, &checked.diagnostics)
        ),
        Format::Human => {
            render::to_stderr(
                &checked.sources,
                &checked.diagnostics,
                color_choice(cli.color),
            );
            if let Some(summary) = summary(&checked) {
                eprintln!("{summary}");
            }
        }
    }
    Ok(checked)
}

/// Renders `diagnostics` in the chosen format (nothing for none).
fn report(
    cli: &Cli,
    sources: &specqlc::source::SourceMap,
    diagnostics: &[specqlc::diag::Diagnostic],
) {
    if diagnostics.is_empty() {
        return;
    }
    match cli.format {
        Format::Json => eprintln!("{}", render::to_json(sources, diagnostics)),
        Format::Human => render::to_stderr(sources, diagnostics, color_choice(cli.color)),
    }
}

/// `error: the specs have 3 errors and 1 warning` after the reports, so a long run ends with a count.
fn summary(checked: &Checked) -> Option<String> {
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = checked.diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!("warning: the specs have {}", plural(w, "warning"))),
        (e, 0) => Some(format!("error: the specs have {}", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: the specs have {} and {}",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}

fn exit_for(checked: &Checked) -> ExitCode {
    if checked.has_errors() {
        ExitCode::from(EXIT_INPUT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

fn color_choice(mode: ColorMode) -> ColorChoice {
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
