//! The integration tests: one binary, one module per area.

mod confiture;
mod harness;
mod hostile;
mod roundtrip;
mod semantics;
mod specs;
mod strict_input;
mod support;
mod sweep;
