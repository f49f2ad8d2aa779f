//! Stage 1: YAML files -> spanned syntax tree of entity documents.
pub mod yaml;
