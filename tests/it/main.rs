//! The integration tests: one binary, one module per area.

mod confiture;
mod harness;
mod roundtrip;
mod semantics;
mod specs;
mod support;
mod sweep;
