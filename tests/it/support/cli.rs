//! The real `specqlc` binary, run from the repository root without colours.

use std::process::{Command, Output};

/// `specqlc` ready to run from the repository root, with `NO_COLOR` set; add arguments,
/// environment and pipes as the test needs.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specqlc"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    command
}

/// Runs `specqlc args` to completion.
pub fn specqlc(args: &[&str]) -> Output {
    command().args(args).output().expect("specqlc runs")
}

/// Output bytes as text (lossy: a test compares, it does not decode).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `specqlc args` to completion and asserts that it exits with `code` (the message
/// shows the arguments and stderr).
pub fn specqlc_exits(code: i32, args: &[&str]) -> Output {
    let out = specqlc(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "specqlc {}: {}",
        args.join(" "),
        text(&out.stderr)
    );
    out
}

/// Runs `specqlc args` to completion and fails the test unless it succeeds (the message
/// holds the exit status and everything it printed).
pub fn specqlc_ok(args: &[&str]) -> Output {
    let out = specqlc(args);
    super::tools::assert_success(&format!("specqlc {}", args.join(" ")), &out);
    out
}

/// Runs `specqlc args`, asserts that it exits with `code` and that its stderr is exactly
/// `stderr`.
pub fn specqlc_stderr_is(code: i32, args: &[&str], stderr: &str) -> Output {
    let out = specqlc_exits(code, args);
    assert_eq!(text(&out.stderr), stderr, "specqlc {}", args.join(" "));
    out
}
