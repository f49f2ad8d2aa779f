//! The pipeline driver: runs the stages in order and stops between stages on errors.

/// The result of checking a project.
pub struct Checked;
pub fn check_paths() {}
pub fn check_sources() {}
