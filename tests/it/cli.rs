//! The `specqlc` binary as users run it: exit codes, stdout/stderr split, formats.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use specqlc::diag::codes;

use crate::support::assert_contains;
use crate::support::cli::{command, specqlc, specqlc_exits, specqlc_stderr_is, text};
use crate::support::settings;

#[test]
fn check_of_clean_specs_prints_a_one_line_summary() {
    let out = specqlc_stderr_is(
        0,
        &["check", "tests/cases/ok/crm_contact.yaml"],
        "checked 1 file: 2 entities, 7 actions, 0 warnings\n",
    );
    assert!(out.stdout.is_empty());
    let warned = specqlc_exits(
        0,
        &["check", "tests/cases/ok/shared_table_and_warnings.yaml"],
    );
    assert!(
        text(&warned.stderr).ends_with("checked 1 file: 1 entity, 2 actions, 2 warnings\n"),
        "{}",
        text(&warned.stderr)
    );
}

#[test]
fn check_reports_every_error_and_exits_one() {
    let out = specqlc_exits(1, &["check", "tests/cases/err/many_errors.yaml"]);
    assert!(out.stdout.is_empty(), "diagnostics never go to stdout");
    settings().bind(|| insta::assert_snapshot!("cli_many_errors", text(&out.stderr)));
}

#[test]
fn json_format_gives_positions() {
    let out = specqlc_exits(
        1,
        &[
            "check",
            "--format",
            "json",
            "tests/cases/err/unknown_entity_ref.yaml",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON");
    let first = &report[0];
    assert_eq!(first["code"], "E0301");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 16);
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/err/unknown_entity_ref.yaml"),
    )
    .unwrap();
    let (start, end) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&source[start..end], "Compny");
}

#[test]
fn warnings_keep_exit_zero_unless_denied() {
    let path = "tests/cases/ok/shared_table_and_warnings.yaml";
    let out = specqlc_exits(0, &["check", path]);
    assert!(text(&out.stderr).contains("warning[W0401]"));
    let denied = specqlc_exits(1, &["check", "--deny-warnings", path]);
    assert!(text(&denied.stderr).contains("error[W0401]"));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(specqlc(&["check"]).status.code(), Some(2));
    assert_eq!(specqlc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(specqlc(&["explain", "E9999"]).status.code(), Some(2));
}

#[test]
fn unreadable_path_is_an_environment_error() {
    specqlc_stderr_is(
        3,
        &["check", "tests/cases/does-not-exist.yaml"],
        "error[E0101]: cannot read `tests/cases/does-not-exist.yaml`: no such file or directory\n\n",
    );
}

#[test]
fn explain_prints_the_registry_entry() {
    let out = specqlc_exits(0, &["explain", "e0402"]);
    assert!(text(&out.stdout).starts_with("E0402 (not-in-enum)"));
}

#[test]
fn help_is_stable() {
    let out = specqlc_exits(0, &["--help"]);
    settings().bind(|| insta::assert_snapshot!("cli_help", text(&out.stdout)));
}

#[test]
fn debug_ir_dumps_the_project() {
    let out = specqlc_exits(0, &["debug", "ir", "tests/cases/ok/library_lending.yaml"]);
    assert!(text(&out.stdout).contains("entity library.Book"));
}

#[test]
fn compile_to_a_directory_writes_a_confiture_tree_or_nothing() {
    let root = std::env::temp_dir().join(format!("specqlc-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let target = root.join("out");
    let target_str = target.to_str().unwrap();

    specqlc_exits(
        1,
        &[
            "compile",
            "tests/cases/err/not_in_enum.yaml",
            "-o",
            target_str,
        ],
    );
    assert!(!target.exists(), "a failed compile leaves no partial tree");

    let ok = specqlc_exits(
        0,
        &[
            "compile",
            "tests/cases/ok/crm_contact.yaml",
            "-o",
            target_str,
        ],
    );
    assert!(
        ok.stdout.is_empty(),
        "artifacts go to the directory, not stdout"
    );
    let env = std::fs::read_to_string(target.join("db/environments/local.yaml")).unwrap();
    assert!(env.contains("include_dirs:"));
    assert!(
        target
            .join("db/schema/30_tables/crm/tb_contact.sql")
            .exists()
    );
    let leftovers: Vec<_> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".specqlc-staging"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging directory is left: {leftovers:?}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn compile_to_stdout_is_deterministic() {
    let first = specqlc(&[
        "compile",
        "tests/corpus/specql-examples/examples/crm",
        "-o",
        "-",
    ]);
    let second = specqlc(&["compile", "tests/corpus/specql-examples/examples/crm"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(!first.stdout.is_empty());
    assert_eq!(
        first.stdout, second.stdout,
        "`-o -` is the default and output is stable"
    );
}

#[test]
fn a_directory_without_specs_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("specqlc-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = specqlc(&["check", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[E0107]"));
    assert!(text(&out.stderr).contains("no `*.yaml` or `*.yml` spec files"));
}

#[test]
fn recompiling_into_a_directory_keeps_other_files() {
    let root = std::env::temp_dir().join(format!("specqlc-keep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let target = root.to_str().unwrap();
    assert_eq!(
        specqlc(&["compile", "tests/cases/ok/crm_contact.yaml", "-o", target])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        root.join("db/environments/production.yaml"),
        "name: production\n",
    )
    .unwrap();
    std::fs::write(root.join("db/schema/99_custom.sql"), "-- mine\n").unwrap();
    std::fs::write(
        root.join("db/environments/local.yaml"),
        "name: local\ndatabase_url: postgresql://db.internal/app\ninclude_dirs:\n  - db/schema\n",
    )
    .unwrap();
    assert_eq!(
        specqlc(&[
            "compile",
            "tests/cases/ok/library_lending.yaml",
            "-o",
            target
        ])
        .status
        .code(),
        Some(0)
    );
    assert!(
        root.join("db/environments/production.yaml").exists(),
        "the user's environment stays"
    );
    assert!(
        std::fs::read_to_string(root.join("db/environments/local.yaml"))
            .unwrap()
            .contains("db.internal"),
        "an edited environment file is never reset"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("db/schema/99_custom.sql")).unwrap(),
        "-- mine\n",
        "the user's own schema file stays"
    );
    assert!(!root.join("db/schema/30_tables/crm").exists());
    assert!(
        root.join("db/schema/30_tables/library/tb_book.sql")
            .exists()
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Runs specqlc with its stdout closed before it writes anything, as `| head -1` does once
/// it has its line.
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("specqlc runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("specqlc ends")
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let crm = "tests/corpus/specql-examples/examples/crm";
    let commands: &[&[&str]] = &[
        &["compile", crm],
        &["compile", crm, "-o", "-"],
        &["debug", "ir", crm],
        &["debug", "order", crm],
        &["explain", "E0301"],
        &["explain", "--list"],
        &["--help"],
        &["--version"],
    ];
    for args in commands {
        let out = with_closed_stdout(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn a_full_disk_on_stdout_is_an_environment_error() {
    let full = std::fs::File::create("/dev/full").expect("/dev/full exists on Linux");
    let out = command()
        .args(["compile", "tests/cases/ok/crm_contact.yaml"])
        .stdout(full)
        .output()
        .expect("specqlc runs");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).starts_with("error[E0101]: cannot write to stdout"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn explain_list_gives_every_code_with_its_title() {
    let out = specqlc_exits(0, &["explain", "--list"]);
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), codes::REGISTRY.len());
    for (line, entry) in lines.iter().zip(codes::REGISTRY) {
        assert!(line.starts_with(entry.code.id), "{line}");
        assert!(line.contains(entry.code.name), "{line}");
        assert!(line.ends_with(codes::title(entry)), "{line}");
        assert!(codes::title(entry).len() > 10, "{line}");
    }
    assert_contains(&listing, "E0301  unknown-entity");
}

#[test]
fn explain_of_an_unknown_code_points_to_the_list() {
    specqlc_stderr_is(
        2,
        &["explain", "E9999"],
        "error[E0001]: unknown diagnostic code `E9999`\n = note: `specqlc explain --list` lists every code\n\n",
    );
}

#[test]
fn every_argument_has_help_text() {
    let out = specqlc_exits(0, &["compile", "--help"]);
    settings().bind(|| insta::assert_snapshot!("cli_compile_help", text(&out.stdout)));
    for command in [
        &["check", "--help"][..],
        &["apply", "--help"],
        &["migrate", "new", "--help"],
        &["debug", "ir", "--help"],
        &["explain", "--help"],
    ] {
        let help = text(&specqlc(command).stdout);
        let arguments = help
            .split("Arguments:")
            .nth(1)
            .and_then(|rest| rest.split("Options:").next())
            .unwrap_or_default();
        for line in arguments.lines().filter(|l| l.starts_with("  <")) {
            assert!(
                line.trim_end().contains("  ")
                    && !line.trim_end().ends_with('>')
                    && !line.trim_end().ends_with("..."),
                "{command:?}: argument without help: {line}"
            );
        }
    }
}

#[test]
fn a_file_without_any_entity_is_an_input_error() {
    let out = specqlc_exits(
        1,
        &["compile", "tests/cases/err/no_entities.yaml", "-o", "-"],
    );
    assert!(out.stdout.is_empty(), "no prelude-only script");
    let stderr = text(&out.stderr);
    assert_contains(&stderr, "warning[W0101]");
    assert_contains(&stderr, "error[E0107]");
}

/// `specqlc --format json <args>` with `env`: the exit code and the report on stderr.
fn json_report(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value) {
    report_of(&[&["--format", "json"], args].concat(), env)
}

/// The exit code and the JSON report on stderr of `specqlc <args>` with `env` and
/// without `DATABASE_URL`.
fn report_of(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value) {
    let out = command()
        .args(args)
        .env_remove("DATABASE_URL")
        .envs(env.iter().copied())
        .output()
        .expect("specqlc runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("stderr is one JSON array ({e}): {}", text(&out.stderr)));
    (out.status.code(), report)
}

#[test]
fn json_for_a_usage_error() {
    let (code, report) = json_report(&["check"], &[]);
    assert_eq!(code, Some(2));
    settings().bind(|| insta::assert_json_snapshot!("cli_json_usage", report));
    let (code, report) = report_of(&["--format=json", "explain", "E9999"], &[]);
    assert_eq!(code, Some(2));
    assert_eq!(report[0]["code"], "E0001");
    let (code, report) = json_report(&["apply", "tests/cases/ok/crm_contact.yaml"], &[]);
    assert_eq!(code, Some(2), "no --database-url and no DATABASE_URL");
    assert_eq!(report[0]["code"], "E0001");
}

#[test]
fn json_for_an_unreadable_path() {
    let (code, report) = json_report(&["compile", "tests/cases/does-not-exist.yaml"], &[]);
    assert_eq!(code, Some(3));
    settings().bind(|| insta::assert_json_snapshot!("cli_json_io", report));
}

#[test]
fn json_for_inputs_without_entities() {
    let (code, report) = json_report(&["check", "tests/cases/err/no_entities.yaml"], &[]);
    assert_eq!(code, Some(1));
    settings().bind(|| insta::assert_json_snapshot!("cli_json_no_entities", report));
}

#[test]
fn json_for_spec_errors_has_end_positions() {
    let (code, report) = json_report(&["check", "tests/cases/err/not_in_enum.yaml"], &[]);
    assert_eq!(code, Some(1));
    settings().bind(|| insta::assert_json_snapshot!("cli_json_spec", report));
    for item in report.as_array().unwrap() {
        let start = (item["line"].as_u64(), item["column"].as_u64());
        let end = (item["end_line"].as_u64(), item["end_column"].as_u64());
        assert!(end >= start, "{item}");
    }
}

#[test]
fn json_for_a_refused_connection() {
    // Port 1 on the loopback: nothing listens there, the kernel refuses at once.
    let (code, report) = json_report(
        &["apply", "tests/cases/ok/crm_contact.yaml"],
        &[(
            "DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/none?connect_timeout=5",
        )],
    );
    assert_eq!(
        code,
        Some(3),
        "a refused connection is the environment's fault"
    );
    settings().bind(|| insta::assert_json_snapshot!("cli_json_connection", report));
}

#[test]
fn json_for_a_migration_conflict() {
    let root = std::env::temp_dir().join(format!("specqlc-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.to_str().unwrap();
    let spec = "tests/cases/ok/crm_contact.yaml";
    specqlc_exits(0, &["migrate", "new", "init", spec, "-o", dir]);
    let migrations = root.join("db/migrations");
    for entry in std::fs::read_dir(&migrations).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".down.sql") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let (code, mut report) = json_report(
        &[
            "migrate",
            "new",
            "more",
            "tests/cases/ok/library_lending.yaml",
            "-o",
            dir,
        ],
        &[],
    );
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(code, Some(3));
    assert_eq!(report[0]["code"], "E0603", "{report}");
    assert!(!report[0]["message"].as_str().unwrap().is_empty());
    // The message names migrations and objects, which belong to src/migrate (and its
    // versions to the clock); the shape and the code are what this test is about.
    report[0]["message"] = "…".into();
    settings().bind(|| insta::assert_json_snapshot!("cli_json_migration", report));
}

#[test]
fn every_compiled_script_starts_with_the_generated_by_header() {
    let header = format!(
        "-- generated by specqlc {} from SpecQL specs; edit the specs and recompile instead of this file\n",
        env!("CARGO_PKG_VERSION")
    );
    let out = specqlc_exits(
        0,
        &["compile", "tests/cases/ok/crm_contact.yaml", "-o", "-"],
    );
    let script = text(&out.stdout);
    assert!(script.starts_with(&header), "{}", &script[..200]);
    assert!(script[header.len()..].starts_with("BEGIN;\n"));

    let root = std::env::temp_dir().join(format!("specqlc-header-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    specqlc_exits(
        0,
        &[
            "compile",
            "tests/cases/ok/crm_contact.yaml",
            "-o",
            root.to_str().unwrap(),
        ],
    );
    fn sql_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sql_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "sql") {
                found.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sql_files(&root.join("db/schema"), &mut files);
    assert!(files.len() > 5, "{files:?}");
    for file in &files {
        let content = std::fs::read_to_string(file).unwrap();
        assert!(content.starts_with(&header), "{}", file.display());
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_then_check_and_compile_succeed() {
    let root = std::env::temp_dir().join(format!("specqlc-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.to_str().unwrap();
    specqlc_exits(0, &["init", dir]);
    for file in [
        "specs/contact.yaml",
        "db/environments/local.yaml",
        ".gitignore",
        "README.md",
        ".specqlc/spec.schema.json",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    // The example spec names the schema `init` wrote, which is `specqlc schema`'s.
    let spec = std::fs::read_to_string(root.join("specs/contact.yaml")).unwrap();
    assert!(
        spec.starts_with("# yaml-language-server: $schema=../.specqlc/spec.schema.json\n"),
        "{spec}"
    );
    let schema = specqlc_exits(0, &["schema"]);
    assert_eq!(
        text(&schema.stdout),
        std::fs::read_to_string(root.join(".specqlc/spec.schema.json")).unwrap()
    );
    let schema: serde_json::Value = serde_json::from_slice(&schema.stdout).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let specs = root.join("specs");
    specqlc_stderr_is(
        0,
        &["check", specs.to_str().unwrap()],
        "checked 1 file: 1 entity, 4 actions, 0 warnings\n",
    );
    specqlc_exits(0, &["compile", specs.to_str().unwrap(), "-o", dir]);
    assert!(root.join("db/schema").is_dir());
    assert!(
        root.join("specs/contact.yaml").is_file() && root.join("README.md").is_file(),
        "compiling into the project keeps its other files"
    );
    let script = text(&specqlc(&["compile", specs.to_str().unwrap()]).stdout);
    assert!(
        script.contains("FUNCTION crm.qualify_lead("),
        "the custom action compiles"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn init_never_overwrites() {
    let root = std::env::temp_dir().join(format!("specqlc-reinit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("README.md"), "mine\n").unwrap();
    let out = specqlc_exits(3, &["init", root.to_str().unwrap()]);
    assert_contains(&text(&out.stderr), "never overwrites");
    assert_eq!(
        std::fs::read_to_string(root.join("README.md")).unwrap(),
        "mine\n"
    );
    assert!(!root.join("specs").exists(), "nothing was written");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn json_for_an_unwritable_output_directory() {
    let file = std::env::temp_dir().join(format!("specqlc-not-a-dir-{}", std::process::id()));
    std::fs::write(&file, "").unwrap();
    let target = file.join("out");
    let (code, mut report) = json_report(
        &[
            "compile",
            "tests/cases/ok/crm_contact.yaml",
            "-o",
            target.to_str().unwrap(),
        ],
        &[],
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        code,
        Some(3),
        "a directory that cannot be written is the environment's"
    );
    assert_eq!(report[0]["file"], target.to_str().unwrap());
    // The temporary path differs per run.
    let message = report[0]["message"].as_str().unwrap();
    report[0]["message"] = message.replace(target.to_str().unwrap(), "<DIR>").into();
    report[0]["file"] = "<DIR>".into();
    settings().bind(|| insta::assert_json_snapshot!("cli_json_io_write", report));
}

#[test]
fn json_is_one_array_for_warnings_and_a_failure_together() {
    let (code, report) = json_report(
        &["apply", "tests/cases/ok/shared_table_and_warnings.yaml"],
        &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
    );
    assert_eq!(code, Some(3));
    let codes: Vec<&str> = report
        .as_array()
        .expect("one array")
        .iter()
        .map(|item| item["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["W0401", "W0101", "E0601"], "{report}");
}

/// A compiler bug (a panic) is E0901 with exit 101, as JSON too. The panic is injected
/// by `SPECQLC_PANIC_FOR_TESTS`, which only debug builds (those of `cargo test`) read.
#[test]
fn a_compiler_bug_is_reported_like_any_error() {
    if !cfg!(debug_assertions) {
        return;
    }
    let panic = [("SPECQLC_PANIC_FOR_TESTS", "1")];
    let (code, report) = json_report(&["check", "tests/cases/ok/crm_contact.yaml"], &panic);
    assert_eq!(code, Some(101));
    assert_eq!(report[0]["code"], "E0901", "{report}");
    assert!(
        report[0]["notes"][0]
            .as_str()
            .unwrap()
            .ends_with(": SPECQLC_PANIC_FOR_TESTS is set"),
        "{report}"
    );
    let human = command()
        .args(["check", "tests/cases/ok/crm_contact.yaml"])
        .envs(panic)
        .output()
        .expect("specqlc runs");
    assert_eq!(human.status.code(), Some(101));
    let stderr = text(&human.stderr);
    assert_contains(&stderr, "SPECQLC_PANIC_FOR_TESTS is set");
    assert_contains(
        &stderr,
        "error[E0901]: internal compiler error: specqlc has a bug",
    );
}

#[test]
fn recompiling_over_an_edited_generated_file_is_a_conflict_and_writes_nothing() {
    let root = std::env::temp_dir().join(format!("specqlc-conflict-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let target = root.to_str().unwrap();
    let crm = "tests/cases/ok/crm_contact.yaml";
    assert_eq!(
        specqlc(&["compile", crm, "-o", target]).status.code(),
        Some(0)
    );
    let edited = root.join("db/schema/30_tables/crm/tb_contact.sql");
    std::fs::write(&edited, "-- my hand edit\n").unwrap();
    let out = specqlc(&[
        "compile",
        "tests/cases/ok/library_lending.yaml",
        crm,
        "-o",
        target,
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_contains(
        &stderr,
        "db/schema/30_tables/crm/tb_contact.sql was edited since specqlc wrote it",
    );
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "-- my hand edit\n"
    );
    assert!(
        !root.join("db/schema/30_tables/library").exists(),
        "nothing was written"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 13, class 10: odd paths end with an error (E0101, exit 3) naming the path, promptly (the
/// binary is killed after 20 s, so a hang fails the test instead of stalling it).
#[test]
fn odd_paths_are_input_errors_not_hangs() {
    let dir = std::env::temp_dir().join(format!("specqlc-odd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
    );
    let secret = std::env::temp_dir().join(format!("specqlc-secret-{}.yaml", std::process::id()));
    std::fs::write(&secret, "top secret first line\n").unwrap();
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::os::unix::fs::symlink(&secret, tree.join("out.yaml")).unwrap();
    std::os::unix::fs::symlink(tree.join("b.yaml"), tree.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink(tree.join("a.yaml"), tree.join("b.yaml")).unwrap();
    for (path, expected) in [
        (fifo.to_str().unwrap(), "a FIFO, not a regular file"),
        ("/dev/zero", "a character device, not a regular file"),
        (tree.to_str().unwrap(), "outside the given paths"),
        (tree.to_str().unwrap(), "a symbolic link loop"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_specqlc"))
            .args(["check", path])
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > std::time::Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("specqlc check {path} did not finish");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{path}: an unreadable path is the environment's fault: {stderr}"
        );
        assert!(stderr.contains("error[E0101]"), "{path}: {stderr}");
        assert!(stderr.contains(expected), "{path}: {stderr}");
        assert!(!stderr.contains("top secret"), "{path}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&secret);
}

/// `specqlc manifest`: JSON on stdout, per action its input schema and error codes,
/// each code only where the action can produce it.
#[test]
fn manifest_lists_each_actions_input_schema_and_error_codes() {
    let out = specqlc_exits(
        0,
        &["manifest", "tests/cases/ok/hierarchy_and_translations.yaml"],
    );
    settings().bind(|| insta::assert_snapshot!("cli_manifest_hierarchy", text(&out.stdout)));

    let out = specqlc_exits(0, &["manifest", "tests/cases/ok/order_steps.yaml"]);
    let manifest: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes = |name: &str| -> Vec<String> {
        let action = manifest["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no action {name}"));
        serde_json::from_value(action["error_codes"].clone()).unwrap()
    };
    // A create finds no existing row and references nothing here.
    assert_eq!(
        codes("create_customer"),
        ["invalid_input", "unique_violation"]
    );
    // A read action: its id, and nothing it writes.
    assert_eq!(codes("get_order"), ["invalid_input", "not_found"]);
    // A call of another action returns that action's codes too.
    for code in codes("place_order") {
        assert!(codes("schedule_order").contains(&code), "{code}");
    }

    let out = specqlc_exits(1, &["manifest", "tests/cases/err/unknown_entity_ref.yaml"]);
    assert!(out.stdout.is_empty(), "no manifest of specs with errors");
}
