//! The `specqlc` binary as users run it: exit codes, stdout/stderr split, formats.

use std::path::Path;
use std::process::{Command, Output};

fn specqlc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specqlc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("specqlc runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn check_of_clean_specs_exits_zero_and_prints_nothing() {
    let out = specqlc(&["check", "tests/cases/ok/crm_contact.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty());
}

#[test]
fn check_reports_every_error_and_exits_one() {
    let out = specqlc(&["check", "tests/cases/err/many_errors.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "diagnostics never go to stdout");
    settings().bind(|| insta::assert_snapshot!("cli_many_errors", text(&out.stderr)));
}

#[test]
fn json_format_gives_positions() {
    let out = specqlc(&[
        "check",
        "--format",
        "json",
        "tests/cases/err/unknown_entity_ref.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
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
    let out = specqlc(&["check", path]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("warning[W0401]"));
    let denied = specqlc(&["check", "--deny-warnings", path]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(text(&denied.stderr).contains("error[W0401]"));
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(specqlc(&["check"]).status.code(), Some(2));
    assert_eq!(specqlc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(specqlc(&["explain", "E9999"]).status.code(), Some(2));
}

#[test]
fn unreadable_path_is_an_input_error() {
    let out = specqlc(&["check", "tests/cases/does-not-exist.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error[E0101]"));
}

#[test]
fn explain_prints_the_registry_entry() {
    let out = specqlc(&["explain", "e0402"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("E0402 (not-in-enum)"));
}

#[test]
fn help_is_stable() {
    let out = specqlc(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    settings().bind(|| insta::assert_snapshot!("cli_help", text(&out.stdout)));
}

#[test]
fn debug_ir_dumps_the_project() {
    let out = specqlc(&["debug", "ir", "tests/cases/ok/library_lending.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("entity library.Book"));
}

#[test]
fn compile_to_a_directory_writes_a_confiture_tree_or_nothing() {
    let root = std::env::temp_dir().join(format!("specqlc-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let target = root.join("out");
    let target_str = target.to_str().unwrap();

    let failed = specqlc(&[
        "compile",
        "tests/cases/err/not_in_enum.yaml",
        "-o",
        target_str,
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(!target.exists(), "a failed compile leaves no partial tree");

    let ok = specqlc(&[
        "compile",
        "tests/cases/ok/crm_contact.yaml",
        "-o",
        target_str,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
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
    std::fs::write(root.join("db/schema/30_tables/stale.sql"), "-- stale\n").unwrap();
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
    assert!(root.join("db/environments/local.yaml").exists());
    assert!(
        !root.join("db/schema/30_tables/stale.sql").exists(),
        "db/schema is replaced whole"
    );
    assert!(!root.join("db/schema/30_tables/crm").exists());
    assert!(
        root.join("db/schema/30_tables/library/tb_book.sql")
            .exists()
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 13, class 10: odd paths end with an input error naming the path, promptly (the
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
        assert_eq!(out.status.code(), Some(1), "{path}: {stderr}");
        assert!(stderr.contains("error[E0101]"), "{path}: {stderr}");
        assert!(stderr.contains(expected), "{path}: {stderr}");
        assert!(!stderr.contains("top secret"), "{path}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&secret);
}
