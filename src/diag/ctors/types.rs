//! Constructors for types: field types and their arguments, defaults, literals, and the
//! typing of expressions (E0203, E0309, E04xx). Types are taken as `Display` values (the
//! IR's `Ty`), so wording matches `ir::dump`.

use std::fmt::Display;

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    /// A trailing `?` on a type; `fixed` is the type without it.
    pub fn optional_marker(fixed: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::OPTIONAL_MARKER,
            "a trailing `?` is not SpecQL: fields are nullable unless marked required",
            span,
        )
        .with_label("remove this `?`")
        .with_help(format!("write `{fixed}`: fields are nullable by default"))
    }

    /// A type with `(` but no closing `)`.
    pub fn malformed_type(text: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_TYPE,
            format!("malformed type `{text}`: expected `)` at the end"),
            span,
        )
    }

    /// An unknown type; `ours` is SpecQL's name when `name` is another language's.
    pub fn unknown_type<'a>(
        name: &str,
        ours: Option<&str>,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        let d = Diagnostic::error(codes::UNKNOWN_TYPE, format!("unknown type `{name}`"), span)
            .with_label("not a SpecQL type");
        match ours {
            Some(ours) => d.with_help(format!("SpecQL calls this type `{ours}`")),
            None => d.with_suggestion(name, candidates),
        }
    }

    pub fn type_takes_no_arguments(name: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TYPE_ARGUMENTS,
            format!("type `{name}` takes no arguments"),
            span,
        )
    }

    /// Arguments of `name` that are not what it takes (`expected`, with an example).
    pub fn invalid_type_arguments(name: &str, expected: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TYPE_ARGUMENTS,
            format!("invalid arguments for `{name}`: expected {expected}"),
            span,
        )
    }

    /// A type argument that should be a number.
    pub fn invalid_type_number(text: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TYPE_ARGUMENTS,
            format!("`{text}` is not a valid number here"),
            span,
        )
    }

    pub fn duplicate_enum_value(value: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TYPE_ARGUMENTS,
            format!("enum value `{value}` is listed twice"),
            span,
        )
    }

    /// `required:` and `nullable:` of one field disagree.
    pub fn conflicting_nullability(
        field: &str,
        required: bool,
        nullable: bool,
        span: Span,
        required_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::CONFLICTING_NULLABILITY,
            format!("field `{field}` says both `required: {required}` and `nullable: {nullable}`"),
            span,
        )
        .with_secondary(required_span, "`required` is set here")
        .with_help("keep one of them")
    }

    /// A default that does not fit the field's type (`problem` says how).
    pub fn invalid_default(raw: &str, problem: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_DEFAULT,
            format!("default `{raw}` does not fit the field's type: {problem}"),
            span,
        )
        .with_label("invalid default")
    }

    /// A default of an enum field that is not one of its values.
    pub fn default_not_in_enum(value: &str, values: &[String], span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NOT_IN_ENUM,
            format!("default `{value}` is not one of the enum's values"),
            span,
        )
        .with_label("not in the enum")
        .with_note(format!("the values are: {}", values.join(", ")))
        .with_suggestion(value, values.iter().map(String::as_str))
    }

    /// A string literal compared with or assigned to an enum that is not one of its values.
    pub fn not_in_enum(text: &str, values: &[String], span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NOT_IN_ENUM,
            format!("`{text}` is not a value of the enum"),
            span,
        )
        .with_label("not in the enum")
        .with_note(format!("the values are: {}", values.join(", ")))
        .with_suggestion(text, values.iter().map(String::as_str))
    }

    /// A string literal typed by context that can never cast to `ty`.
    pub fn string_literal_mismatch(
        text: &str,
        ty: impl Display,
        problem: &str,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("`'{text}'` is not a valid {ty}: {problem}"),
            span,
        )
        .with_label(format!("expected {ty} here"))
    }

    /// A number literal that does not fit its type.
    pub fn number_out_of_range(
        number: &str,
        ty: impl Display,
        problem: &str,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_LITERAL,
            format!("number `{number}` does not fit {ty}: {problem}"),
            span,
        )
        .with_label("out of range")
    }

    /// An operand of type `found` where `what` was expected.
    pub fn type_mismatch(what: &str, found: impl Display, span: Span) -> Diagnostic {
        Diagnostic::error(codes::TYPE_MISMATCH, format!("type mismatch: {what}"), span)
            .with_label(format!("this is {found}"))
    }

    /// `a op b` with incomparable types; the primary place is `b`.
    pub fn cannot_compare(
        a: impl Display,
        a_span: Span,
        b: impl Display,
        b_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("cannot compare {a} with {b}"),
            b_span,
        )
        .with_label(format!("this is {b}"))
        .with_secondary(a_span, format!("this is {a}"))
    }

    /// An arithmetic operator over types it does not apply to.
    pub fn cannot_apply(
        op: &str,
        a: impl Display,
        a_span: Span,
        b: impl Display,
        b_span: Span,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("cannot apply `{op}` to {a} and {b}"),
            span,
        )
        .with_secondary(a_span, format!("this is {a}"))
        .with_secondary(b_span, format!("this is {b}"))
    }

    /// `SET field = value` where the value's type does not fit the field's.
    pub fn cannot_assign(
        value: impl Display,
        field: &str,
        field_ty: impl Display,
        span: Span,
        type_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::TYPE_MISMATCH,
            format!("cannot assign {value} to field `{field}` of type {field_ty}"),
            span,
        )
        .with_label(format!("this is {value}"))
        .with_secondary(type_span, "the field's type")
    }

    /// An identifier source that is a reference or list field (its type at `type_span`).
    pub fn non_scalar_identifier_source(field: &str, span: Span, type_span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NON_SCALAR_IDENTIFIER,
            format!("the identifier cannot be derived from `{field}`"),
            span,
        )
        .with_label("a reference or list field")
        .with_secondary(type_span, "its type")
        .with_help("derive the identifier from scalar fields such as names or codes")
    }

    /// A `validate`, `if` or `WHERE` condition of another type than boolean.
    pub fn non_boolean_condition(ty: impl Display, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NON_BOOLEAN_CONDITION,
            "a condition must be boolean",
            span,
        )
        .with_label(format!("this is {ty}"))
        .with_help("compare it with something, e.g. `amount > 0` or `name IS NOT NULL`")
    }

    /// An operand of `AND`/`OR` (`op`) that is not boolean.
    pub fn non_boolean_operand(op: &str, ty: impl Display, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::NON_BOOLEAN_CONDITION,
            format!("`{op}` needs boolean operands"),
            span,
        )
        .with_label(format!("this is {ty}"))
    }

    pub fn misplaced_placeholder(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::MISPLACED_PLACEHOLDER,
            "`?` is only allowed as the value of `SET field = ?`",
            span,
        )
        .with_label("placeholder here")
        .with_help("read an input value with `$key` instead")
    }

    /// A call with `got` arguments of a function that takes `arity` ("one argument", ...).
    pub fn wrong_arguments(function: &str, arity: &str, got: usize, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::WRONG_ARGUMENTS,
            format!("`{function}` takes {arity}, not {got}"),
            span,
        )
    }

    /// A `translations.fields` entry that is not text (its type at `type_span`).
    pub fn untranslatable_field(field: &str, span: Span, type_span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TRANSLATIONS,
            format!("field `{field}` cannot be translated: it is not text"),
            span,
        )
        .with_secondary(type_span, "its type")
    }

    /// A translated field named `locale`, a column of the translation table `tl_<snake>`.
    pub fn translated_locale(snake: &str, span: Span, field_span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TRANSLATIONS,
            "a translated field cannot be named `locale`",
            span,
        )
        .with_secondary(field_span, "the field")
        .with_note(format!(
            "the translation table `tl_{snake}` has a `locale` column of its own"
        ))
        .with_help("rename the field, e.g. `locale_name`")
    }

    pub fn no_translated_fields(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_TRANSLATIONS,
            "`translations` is enabled but lists no fields",
            span,
        )
    }

    /// The only self-reference of a hierarchy (`hierarchical: true` at `flag`) is required.
    pub fn required_parent(field: &str, span: Span, flag: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_HIERARCHY,
            format!("the parent reference `{field}` of a hierarchy must be nullable"),
            span,
        )
        .with_secondary(flag, "declared hierarchical here")
        .with_help("roots have no parent: remove `!` / `required: true`")
    }

    pub fn hierarchy_without_parent(entity: &str, flag: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_HIERARCHY,
            format!("hierarchical entity `{entity}` has no reference to itself"),
            flag,
        )
        .with_help(format!("add a parent field, e.g. `parent: ref({entity})`"))
    }

    /// A hierarchy with several self-references (at `refs`).
    pub fn hierarchy_with_several_parents(entity: &str, flag: Span, refs: &[Span]) -> Diagnostic {
        let mut d = Diagnostic::error(
            codes::INVALID_HIERARCHY,
            format!(
                "hierarchical entity `{entity}` has {} references to itself; exactly one is the parent",
                refs.len()
            ),
            flag,
        );
        for span in refs {
            d = d.with_secondary(*span, "a self-reference");
        }
        d
    }
}
