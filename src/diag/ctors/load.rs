//! Constructors for loading: reading files, YAML, and the shape of spec documents (E01xx).

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
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

    /// A key written a second time in one mapping.
    pub fn duplicate_key(key: &str, context: &str, span: Span, first: Span) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_KEY,
            format!("duplicate key `{key}` in {context}"),
            span,
        )
        .with_label("second occurrence")
        .with_secondary(first, "first occurrence")
    }

    /// A YAML document without an `entity` key, skipped.
    pub fn not_an_entity(span: Span) -> Diagnostic {
        Diagnostic::warning(
            codes::NOT_AN_ENTITY,
            "document has no `entity` key; it is not a SpecQL entity and is skipped",
            span,
        )
        .with_help("add `entity: Name` and `schema: name` if this is meant to be a spec")
    }

    /// No input document is an entity.
    pub fn no_entities(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NO_ENTITIES,
            "the inputs hold no entity: there is nothing to compile",
            span,
        )
        .with_label("no document of any input has an `entity` key")
        .with_help("give the files or directories that hold the entity specs")
    }

    pub fn nul_character(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NUL_CHARACTER,
            "spec text contains a NUL character",
            span,
        )
        .with_label("NUL here")
        .with_help("remove the NUL character; PostgreSQL text cannot hold it")
    }

    /// The YAML scanner's own message, at the character it stopped on.
    pub fn yaml_syntax(info: &str, span: Span) -> Diagnostic {
        Diagnostic::error(codes::YAML_SYNTAX, format!("invalid YAML: {info}"), span)
    }

    /// An anchor (`what` = "anchors") or alias (`what` = "aliases") in a spec.
    pub fn yaml_reference(what: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::WRONG_SHAPE,
            format!("YAML {what} are not supported in specs"),
            span,
        )
        .with_help("write the value out in full")
    }
}
