//! Stage 2: step and expression text -> syntax tree, with a pest grammar
//! (`grammar/specql.pest`) and a Pratt parser for operator precedence.

pub mod ast;
mod parse;

pub use parse::{
    parse_call_target, parse_delete, parse_entity_name, parse_expr, parse_foreach, parse_insert,
    parse_notify_channel, parse_update,
};
