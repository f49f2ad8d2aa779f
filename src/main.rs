//! The `specqlc` binary: parses arguments, calls the library, renders at the edge.
//! stdout carries artifacts only; diagnostics and progress go to stderr.
//! Exit codes: 0 ok, 1 the input has errors, 2 usage, 3 environment (files, connection,
//! database), 101 a compiler bug.

mod cli;
mod deploy;
mod output;
mod report;

use std::io::IsTerminal;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use clap::Parser;

use cli::{Cli, ColorMode, Command, DebugStage, Format, MigrateAction};
use report::{Reporter, Stop, write_stdout};
use specqlc::analysis::Facts;
use specqlc::diag::{Failure, Kind, codes};
use specqlc::ir::Project;
use specqlc::{CheckOptions, Checked};

const EXIT_INPUT_ERRORS: u8 = 1;

fn main() -> ExitCode {
    install_bug_report_hook();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // `--help` and `--version`: an artifact on stdout, like any other.
            let colored = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let help = e.render();
            let _ = write_stdout(|out| {
                if colored {
                    write!(out, "{}", help.ansi())
                } else {
                    write!(out, "{help}")
                }
            });
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let format = if report::json_requested(&args) {
                Format::Json
            } else {
                Format::Human
            };
            let failure = report::usage_failure(&e);
            let exit = failure.kind.exit_code();
            let mut reporter = Reporter::new(format, ColorMode::Auto);
            reporter.failures(&[failure]);
            reporter.finish();
            return ExitCode::from(exit);
        }
    };
    QUIET_PANICS.store(cli.format == Format::Json, Ordering::Relaxed);
    let mut reporter = Reporter::new(cli.format, cli.color);
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| run(&cli, &mut reporter)));
    let exit = match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(Stop::Specs)) => EXIT_INPUT_ERRORS,
        Ok(Err(Stop::Failures(failures))) => {
            reporter.failures(&failures);
            failures
                .iter()
                .map(|f| f.kind.exit_code())
                .max()
                .unwrap_or(EXIT_INPUT_ERRORS)
        }
        Err(_) => {
            let mut failure = Failure::new(
                codes::INTERNAL,
                Kind::Bug,
                "internal compiler error: specqlc has a bug; please report it with the input that triggered it",
            );
            // People saw the panic's own report already; JSON carries it as a note.
            let panic = PANIC.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let (true, Some(panic)) = (QUIET_PANICS.load(Ordering::Relaxed), panic) {
                failure = failure.with_note(panic);
            }
            let exit = failure.kind.exit_code();
            reporter.failures(&[failure]);
            exit
        }
    };
    reporter.finish();
    ExitCode::from(exit)
}

/// The first panic's message and place, for the internal-error report.
static PANIC: Mutex<Option<String>> = Mutex::new(None);
/// With `--format json` a panic is reported in the JSON array only, so stderr stays JSON.
static QUIET_PANICS: AtomicBool = AtomicBool::new(false);

/// A panic is a compiler bug: it is recorded for the E0901 report that `main` renders
/// like every other error, and the process exits 101, as Rust's own panics do.
fn install_bug_report_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let mut first = PANIC.lock().unwrap_or_else(PoisonError::into_inner);
        if first.is_none() {
            *first = Some(describe_panic(info));
        }
        drop(first);
        if !QUIET_PANICS.load(Ordering::Relaxed) {
            default(info);
        }
    }));
}

fn describe_panic(info: &std::panic::PanicHookInfo) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    match info.location() {
        Some(at) => format!(
            "panicked at {}:{}:{}: {message}",
            at.file(),
            at.line(),
            at.column()
        ),
        None => format!("panicked: {message}"),
    }
}

fn run(cli: &Cli, reporter: &mut Reporter) -> Result<(), Stop> {
    // Fault injection for the test of the internal-error report; absent from release builds.
    #[cfg(debug_assertions)]
    if std::env::var_os("SPECQLC_PANIC_FOR_TESTS").is_some() {
        panic!("SPECQLC_PANIC_FOR_TESTS is set");
    }
    let options = CheckOptions {
        deny_warnings: cli.deny_warnings,
    };
    match &cli.command {
        Command::Explain { code, list } => explain(code.as_deref(), *list),
        Command::Check { paths } => {
            let checked = load(reporter, paths, options, true)?;
            reporter.progress(&check_summary(&checked));
            Ok(())
        }
        Command::Compile { paths, output } => {
            let (mut project, facts) = project(load(reporter, paths, options, false)?)?;
            project.grant_to = cli.grant_to.clone();
            output::compile(&project, facts, output, reporter)
        }
        Command::Migrate { action } => {
            let MigrateAction::New {
                name,
                paths,
                output,
                allow_destructive,
            } = action;
            let (sources, mut project, facts) =
                project_and_sources(load(reporter, paths, options, false)?)?;
            project.grant_to = cli.grant_to.clone();
            let options = specqlc::migrate::Options {
                allow_destructive: *allow_destructive,
            };
            deploy::migrate_new(&project, facts, &sources, name, output, options, reporter)
        }
        Command::Apply {
            database_url,
            allow_destructive,
            paths,
        } => {
            let (sources, mut project, facts) =
                project_and_sources(load(reporter, paths, options, false)?)?;
            project.grant_to = cli.grant_to.clone();
            let options = specqlc::apply::Options {
                allow_destructive: *allow_destructive,
            };
            deploy::apply(&project, facts, &sources, database_url, options, reporter)
        }
        Command::Diff {
            database_url,
            paths,
        } => {
            let (mut project, facts) = project(load(reporter, paths, options, false)?)?;
            project.grant_to = cli.grant_to.clone();
            let json = cli.format == Format::Json;
            deploy::diff(&project, facts, database_url, json, reporter)
        }
        Command::Init { dir } => {
            let written = specqlc::init::write(dir)?;
            reporter.progress(&format!(
                "wrote {} files to {}; next: `specqlc check {}`",
                written.len(),
                dir.display(),
                dir.join("specs").display()
            ));
            Ok(())
        }
        Command::Manifest { paths } => {
            let (project, _) = project(load(reporter, paths, options, false)?)?;
            let manifest = specqlc::backend::postgres::action::manifest::manifest(&project);
            let text = serde_json::to_string_pretty(&manifest).expect("JSON values serialize");
            write_stdout(|out| writeln!(out, "{text}"))
        }
        Command::Schema => {
            let text = specqlc::init::schema_text();
            write_stdout(|out| out.write_all(text.as_bytes()))
        }
        Command::Debug { stage } => {
            let paths = match stage {
                DebugStage::Ir { paths } | DebugStage::Order { paths } => paths,
            };
            let (mut project, facts) = project(load(reporter, paths, options, false)?)?;
            project.grant_to = cli.grant_to.clone();
            let text = match stage {
                DebugStage::Ir { .. } => specqlc::ir::dump(&project),
                DebugStage::Order { .. } => specqlc::backend::postgres::plan::dump(
                    &specqlc::backend::postgres::plan::build_from(&project, facts),
                ),
            };
            write_stdout(|out| out.write_all(text.as_bytes()))
        }
    }
}

fn explain(code: Option<&str>, list: bool) -> Result<(), Stop> {
    if list {
        return write_stdout(|out| {
            for entry in codes::REGISTRY {
                writeln!(
                    out,
                    "{}  {:<26} {}",
                    entry.code.id,
                    entry.code.name,
                    codes::title(entry)
                )?;
            }
            Ok(())
        });
    }
    let code = code.unwrap_or_default();
    match codes::lookup(code) {
        Some(entry) => write_stdout(|out| {
            writeln!(
                out,
                "{} ({})\n\n{}",
                entry.code.id, entry.code.name, entry.explanation
            )
        }),
        None => Err(Failure::usage(format!("unknown diagnostic code `{code}`"))
            .with_note("`specqlc explain --list` lists every code")
            .into()),
    }
}

/// Reads and checks the specs, reporting every diagnostic; `Err` when the specs cannot
/// be read or have errors.
fn load(
    reporter: &mut Reporter,
    paths: &[std::path::PathBuf],
    options: CheckOptions,
    is_check: bool,
) -> Result<Checked, Stop> {
    let checked = specqlc::check_paths(paths, options)
        .map_err(|errors| Stop::Failures(errors.into_iter().map(|e| e.into_failure()).collect()))?;
    reporter.diagnostics(&checked.sources, &checked.diagnostics);
    // `check` ends with its own summary when the specs are clean.
    if (checked.has_errors() || !is_check)
        && let Some(summary) = summary(&checked)
    {
        reporter.progress(&summary);
    }
    if checked.has_errors() {
        return Err(Stop::Specs);
    }
    Ok(checked)
}

/// The checked project and its action facts.
fn project(checked: Checked) -> Result<(Project, Facts), Stop> {
    checked.ir.ok_or(Stop::Specs)
}

/// [`project`] with the sources that later diagnostics point into.
fn project_and_sources(
    checked: Checked,
) -> Result<(specqlc::source::SourceMap, Project, Facts), Stop> {
    let sources = checked.sources;
    let (project, facts) = checked.ir.ok_or(Stop::Specs)?;
    Ok((sources, project, facts))
}

/// `error: the specs have 3 errors and 1 warning` after the reports, so a long run ends with a count.
fn summary(checked: &Checked) -> Option<String> {
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = checked.diagnostics.len() - errors;
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

/// `checked 2 files: 3 entities, 7 actions, 0 warnings`: what a clean `check` looked at.
fn check_summary(checked: &Checked) -> String {
    let files = checked.sources.files().count();
    let (entities, actions) = checked.project().map_or((0, 0), |p| {
        (
            p.entities.len(),
            p.entities.iter().map(|e| e.actions.len()).sum(),
        )
    });
    format!(
        "checked {}: {}, {}, {}",
        plural(files, "file"),
        plural(entities, "entity"),
        plural(actions, "action"),
        plural(checked.diagnostics.len(), "warning")
    )
}

fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("{n} {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}
