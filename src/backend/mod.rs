//! Stage 6: backends that turn the checked IR into output text.

pub mod postgres;
