//! specqlc: a compiler from SpecQL YAML specs to PostgreSQL (Trinity tables and one
//! PL/pgSQL function per business action).
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `spec::load` → `lower::run` (parses step text with `expr`) → `passes::run` →
//! `backend::postgres::plan::build` → `backend::postgres::emit`, wired once in [`compile()`].

pub mod analysis;
pub mod apply;
pub mod backend;
pub mod catalog;
pub mod compile;
pub mod connect;
pub mod diag;
pub mod drift;
pub mod driver;
pub mod expr;
pub mod init;
pub mod ir;
pub mod lower;
pub mod migrate;
pub mod ownership;
mod parallel;
pub mod passes;
pub mod source;
pub mod spec;
#[cfg(test)]
mod testing;

pub use compile::{Compiled, compile, plan_and_emit, plan_and_emit_from};
pub use driver::{CheckOptions, Checked, Options, check_paths, check_sources};
