//! Helpers shared by the integration tests: spec sources and compilation ([`specs`]),
//! the `specqlc` binary ([`cli`]), insta settings, and isolated PostgreSQL databases
//! ([`db`]).

pub mod actions;
pub mod cli;
pub mod cluster;
pub mod db;
pub mod specs;
pub mod tools;

pub use db::TestDb;

/// Snapshots live in `snapshots/` at the repository root under their bare names (no
/// module prefix), whichever module asserts them.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// Asserts that `text` (a report, an output) contains `expected`; the failure shows both.
pub fn assert_contains(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

/// Asserts that `text` contains every one of `expected`; the failure names the first
/// one missing and shows the text.
pub fn assert_contains_all(text: &str, expected: &[&str]) {
    for expected in expected {
        assert_contains(text, expected);
    }
}
