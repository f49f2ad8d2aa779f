//! Named constructors: every user-facing diagnostic is built here, one file per area, so
//! a code's wording lives in one place and two sites that say the same thing share it.
//!
//! Stages call `Diagnostic::<name>(…)`; `Diagnostic::error`/`warning` are for this module
//! only. `scripts/new-code.sh` adds a stub to the area's file for a new code.

mod evolution;
mod load;
mod names;
mod ordering;
mod steps;
mod syntax;
mod types;
