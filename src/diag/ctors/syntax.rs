//! Constructors for the syntax of steps and expressions (E02xx).

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    /// A step mapping whose first key is no step kind.
    pub fn unknown_step(kind: &str, span: Span, kinds: &[&str]) -> Diagnostic {
        Diagnostic::error(codes::UNKNOWN_STEP, format!("unknown step `{kind}`"), span)
            .with_label("not a step kind")
            .with_suggestion(kind, kinds.iter().copied())
            .with_note(format!("steps are: {}", kinds.join(", ")))
    }

    /// The parser's own recursion limit was hit.
    pub fn nested_too_deeply(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::SYNTAX,
            "this text is nested too deeply to parse",
            span,
        )
        .with_help("split it into several steps, or into simpler conditions")
    }

    /// An expression deeper than the lowering's limit.
    pub fn expression_too_deep(max_depth: usize, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::SYNTAX,
            format!("expression is nested too deeply (more than {max_depth} levels)"),
            span,
        )
        .with_help("split it into several steps, or into simpler conditions")
    }

    pub fn unterminated_string(span: Span) -> Diagnostic {
        Diagnostic::error(codes::SYNTAX, "unterminated string literal", span)
            .with_label("this string has no closing `'`")
            .with_help("end the string with `'`; inside a string, write a quote as `''`")
    }

    /// A token where nothing fits.
    pub fn unexpected(found: &str, span: Span) -> Diagnostic {
        Diagnostic::error(codes::SYNTAX, format!("unexpected {found}"), span)
    }

    /// A token where `expected` (already phrased as "a or b") fits.
    pub fn expected(expected: &str, found: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::SYNTAX,
            format!("expected {expected}, found {found}"),
            span,
        )
        .with_label(format!("expected {expected}"))
    }

    /// `a < b < c`: the operator at `span` compares the result of `first`.
    pub fn chained_comparison(span: Span, first: Span) -> Diagnostic {
        Diagnostic::error(
            codes::SYNTAX,
            "comparison operators cannot be chained",
            span,
        )
        .with_label("a second comparison on the result of the first")
        .with_secondary(first, "the first comparison")
        .with_help("add parentheses to say which comparison comes first")
    }
}
