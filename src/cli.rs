//! The command line, as clap derive types. No logic here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "specqlc",
    version,
    about = "Compile SpecQL YAML specs to PostgreSQL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour diagnostics (`NO_COLOR` is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorMode::Auto)]
    pub color: ColorMode,
    /// Format of diagnostics on stderr.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// A role that may call the actions (repeatable; for compile, apply, migrate new and
    /// diff): it gets USAGE on the schemas and EXECUTE on the actions, never a table.
    #[arg(long = "grant-to", global = true, value_name = "ROLE", value_parser = role_name)]
    pub grant_to: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report diagnostics for spec files and directories; writes nothing.
    Check {
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
    /// Compile specs to SQL: `-o -` prints one script, `-o DIR` writes a Confiture tree.
    Compile {
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
        /// `-` for stdout, or a directory for a Confiture project.
        #[arg(short, long, default_value = "-")]
        output: String,
    },
    /// Write the next Confiture migration: `DIR/db/migrations/<version>_<name>.up.sql`
    /// and `.down.sql` (never rewrites an existing file).
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Compile specs and apply them to a database in one transaction (the fallback when
    /// Confiture is absent): all of it the first time, then only the difference; a re-run
    /// is a no-op, and hand-made changes since the last apply are refused.
    Apply {
        /// A `postgres://` URL or a `key=value` connection string; `sslmode` (`disable`,
        /// `prefer`, `require`, `verify-ca`, `verify-full`) and `sslrootcert` are honoured.
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// Apply changes that lose data (dropped fields or entities, narrowed types).
        #[arg(long)]
        allow_destructive: bool,
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
    /// Compare a live database with what the specs compile to: every missing, extra or
    /// changed object; exit 0 when there is none, 1 when there is.
    Diff {
        /// A `postgres://` URL or a `key=value` connection string; the role needs
        /// CREATEDB (the specs are compiled into a scratch database to compare).
        #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
    /// Start a project: an example spec with a custom action, `db/environments/local.yaml`,
    /// `.gitignore` and a README of the next commands (never overwrites a file).
    Init {
        /// The project directory (created if missing).
        #[arg(default_value = ".", value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print JSON describing every action function: its input as a JSON Schema
    /// (2020-12) and the closed list of `error_code`s it can return.
    Manifest {
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
    /// Print the JSON Schema (2020-12) of the spec format, for YAML editors
    /// (`# yaml-language-server: $schema=...`).
    Schema,
    /// Dump an intermediate stage.
    Debug {
        #[command(subcommand)]
        stage: DebugStage,
    },
    /// Explain a diagnostic code, e.g. `specqlc explain E0301`, or list every code.
    Explain {
        /// A code such as `E0301` (case-insensitive).
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every code with its one-line title.
        #[arg(long, conflicts_with = "code")]
        list: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Write the changes since the earlier migrations as migration `NAME`.
    New {
        /// Lower-case letters, digits and `_` (e.g. `init`, `add_orders`).
        name: String,
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
        /// The Confiture project directory.
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// Write changes that lose data (dropped fields or entities, narrowed types); the
        /// migration is then gated: `confiture migrate up --allow-destructive`.
        #[arg(long)]
        allow_destructive: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DebugStage {
    /// The resolved, typed IR.
    Ir {
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
    /// The DDL objects in dependency order, with their dependencies.
    Order {
        /// Spec files (`*.yaml`, `*.yml`) and directories (searched recursively, in sorted
        /// order).
        #[arg(required = true, value_name = "PATHS")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorMode {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// A role name PostgreSQL keeps whole: not empty, at most 63 bytes, no NUL.
fn role_name(text: &str) -> Result<String, String> {
    if text.is_empty() || text.len() > 63 || text.contains('\0') {
        Err("a role name has 1 to 63 bytes and no NUL".into())
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every argument and option of every command says what it is for in `--help`.
    #[test]
    fn every_argument_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let command = Cli::command();
        command.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&command, "specqlc", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
