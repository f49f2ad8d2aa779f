//! Stage 1: YAML files -> spanned syntax tree of entity documents.
//!
//! `load` finds and reads files, `yaml` builds a spanned node tree per document, `read`
//! checks the documents' shape into `syntax` (unknown keys, wrong kinds of node);
//! `schema` is that shape as a JSON Schema for editors.

mod load;
mod read;
pub mod schema;
pub mod syntax;
pub mod yaml;

pub use load::{ReadError, parse_all, read_paths};
