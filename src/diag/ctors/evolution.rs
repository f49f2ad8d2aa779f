//! Constructors for schema evolution: migrations that lose data, renames that do not
//! apply, and the locks a migration takes (E07xx, W07xx). `what` is the migration step's
//! own description of the object it changes.

use crate::diag::{Code, Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    /// A change that loses data (`loss` says which), with a rename hint `(old, new)` when
    /// a removed and an added name may be one rename.
    pub fn destructive_change(loss: &str, span: Span, rename: Option<(&str, &str)>) -> Diagnostic {
        let d = Diagnostic::error(
            codes::DESTRUCTIVE_CHANGE,
            format!("this change loses data: {loss}"),
            span,
        )
        .with_label("data would be lost here")
        .with_note(
            "nothing was written; to write it, pass `--allow-destructive` (the migration is then gated: `confiture migrate up --allow-destructive`)",
        );
        match rename {
            Some((old, new)) => d.with_help(format!(
                "if `{new}` is `{old}` renamed, say so and keep the values: give `{new}` the long form with `renamed_from: {old}`"
            )),
            None => d,
        }
    }

    /// A `renamed_from` whose old and new names are both (`both`) or neither in the
    /// recorded state.
    pub fn invalid_rename(old: &str, new: &str, both: bool, span: Span) -> Diagnostic {
        let (message, help) = if both {
            (
                format!(
                    "cannot rename {old} to {new}: the recorded state of the migrations has both"
                ),
                "drop one of them first (a destructive change), or remove `renamed_from`",
            )
        } else {
            (
                format!(
                    "cannot rename {old} to {new}: the recorded state of the migrations has neither"
                ),
                "`renamed_from` names what the last migration called it; remove it for a new field or entity",
            )
        };
        Diagnostic::error(codes::INVALID_RENAME, message, span)
            .with_label("this earlier name")
            .with_help(help)
    }

    pub fn table_rewrite(what: &str, span: Span) -> Diagnostic {
        hazard(
            codes::TABLE_REWRITE,
            what,
            "the type change rewrites the whole table under an ACCESS EXCLUSIVE lock",
            span,
        )
    }

    pub fn not_null_scan(what: &str, span: Span) -> Diagnostic {
        hazard(
            codes::NOT_NULL_SCAN,
            what,
            "SET NOT NULL scans every row under an ACCESS EXCLUSIVE lock",
            span,
        )
    }

    pub fn check_scan(what: &str, span: Span) -> Diagnostic {
        hazard(
            codes::CHECK_SCAN,
            what,
            "the CHECK is added NOT VALID, then validated by a full scan of the table",
            span,
        )
    }

    pub fn index_build(what: &str, span: Span) -> Diagnostic {
        hazard(
            codes::INDEX_BUILD,
            what,
            "building the unique index blocks writes to the table until it has read every row",
            span,
        )
    }
}

fn hazard(code: Code, what: &str, cost: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(code, format!("{what}: {cost}"), span).with_label("changed here")
}
