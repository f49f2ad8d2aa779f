//! Placeholder until the pest parser lands.

use super::ast::*;
use crate::diag::{Diagnostic, codes};
use crate::source::Origin;

fn unimplemented_parser(origin: &Origin) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, "parser not yet available", origin.scalar)
}

pub fn parse_expr(_text: &str, origin: &Origin) -> Result<Expr, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_update(_text: &str, origin: &Origin) -> Result<UpdateStep, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_insert(_text: &str, origin: &Origin) -> Result<InsertStep, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_delete(_text: &str, origin: &Origin) -> Result<DeleteStep, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_foreach(_text: &str, origin: &Origin) -> Result<ForeachHead, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_call_target(_text: &str, origin: &Origin) -> Result<FunctionPath, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_notify_channel(_text: &str, origin: &Origin) -> Result<Ident, Diagnostic> {
    Err(unimplemented_parser(origin))
}
pub fn parse_entity_name(_text: &str, origin: &Origin) -> Result<Ident, Diagnostic> {
    Err(unimplemented_parser(origin))
}
