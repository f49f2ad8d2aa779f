//! Named constructors for diagnostics that several stages raise, so wording stays uniform.

use super::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    pub fn unknown_entity<'a>(
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_ENTITY,
            format!("unknown entity `{name}`"),
            span,
        )
        .with_label("no spec defines this entity")
        .with_suggestion(name, candidates)
    }

    pub fn unknown_field<'a>(
        entity: &str,
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_FIELD,
            format!("entity `{entity}` has no field `{name}`"),
            span,
        )
        .with_label("unknown field")
        .with_suggestion(name, candidates)
    }

    pub fn unknown_key<'a>(
        context: &str,
        key: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_KEY,
            format!("unknown key `{key}` in {context}"),
            span,
        )
        .with_label("not a SpecQL key")
        .with_suggestion(key, candidates)
    }

    pub fn wrong_shape(expected: &str, found: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::WRONG_SHAPE,
            format!("expected {expected}, found {found}"),
            span,
        )
    }

    pub fn missing_key(key: &str, context: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::MISSING_KEY,
            format!("{context} has no `{key}` key"),
            span,
        )
        .with_label(format!("`{key}` is required here"))
    }
}
