//! The integration tests: one binary, one module per area; helpers, insta settings and
//! the database harness are in `support/`. Run one area with `cargo test --test it
//! <module>` (for example `cargo test --test it spec_fuzz`).

mod bad_values;
mod cases;
mod cli;
mod compile;
mod concurrency;
mod confiture;
mod corpus;
mod defaults;
mod editor_schema;
mod evolution;
mod expr_fuzz;
mod harness;
mod hierarchy;
mod hostile;
mod identifiers;
mod input_modes;
mod manifest;
mod migrate;
mod name_properties;
mod names;
mod roundtrip;
mod security;
mod semantics;
mod spec_fuzz;
mod strict_input;
mod support;
mod sweep;
mod tls;
mod translations;
mod walkthrough;
