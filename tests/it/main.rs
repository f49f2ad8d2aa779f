//! The integration tests: one binary, one module per area.

mod bad_values;
mod concurrency;
mod confiture;
mod defaults;
mod evolution;
mod harness;
mod hierarchy;
mod hostile;
mod identifiers;
mod input_modes;
mod manifest;
mod name_properties;
mod names;
mod roundtrip;
mod security;
mod semantics;
mod specs;
mod strict_input;
mod support;
mod sweep;
mod tls;
mod translations;
mod walkthrough;
