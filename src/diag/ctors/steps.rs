//! Constructors for action steps: what a step may write, and how it names its errors.

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    /// `update:`/`delete:` (`step`) of entity `other` without WHERE, in an action of `own`.
    pub fn unscoped_write(step: &str, other: &str, own: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::UNSCOPED_WRITE,
            format!("`{step}: {other}` without WHERE has no row to act on"),
            span,
        )
        .with_label(format!("this action's row is a `{own}`"))
        .with_help(format!(
            "add a condition, e.g. `{step}: {other} ... WHERE {other}.<field> = $<key>`"
        ))
    }

    /// `SET` of a column the compiler owns (Trinity, tenant, audit).
    pub fn assignment_target(field: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::ASSIGNMENT_TARGET,
            format!("`{field}` is set by the compiler, not by steps"),
            span,
        )
    }

    /// A field set twice in one step.
    pub fn duplicate_assignment(field: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_FIELD,
            format!("field `{field}` is assigned twice"),
            span,
        )
    }

    /// An `error:` code of a `validate` step that is not snake_case.
    pub fn invalid_error_code(code: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_ERROR_CODE,
            format!("error code `{code}` is not a snake_case name"),
            span,
        )
        .with_help("error codes are stable snake_case names such as `not_a_lead`")
    }

    /// An action without steps that is not a standard action of `entity` (`snake`).
    pub fn declaration_only(action: &str, entity: &str, snake: &str, span: Span) -> Diagnostic {
        Diagnostic::warning(
            codes::DECLARATION_ONLY,
            format!("action `{action}` has no steps, so no function is generated"),
            span,
        )
        .with_label("declaration only")
        .with_note(format!(
            "only `create_{snake}`, `update_{snake}` and `delete_{snake}` are standard actions without steps"
        ))
        .with_help(format!(
            "add steps, e.g.\n  steps:\n    - update: {entity} SET <field> = $<key>"
        ))
    }
}
