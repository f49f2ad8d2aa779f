//! Stage 6 (actions): the rules an input value must follow beyond its JSON type
//! (LANGUAGE §4.4, v1.2), checked while its key is read, so a bad value is
//! `invalid_input` naming the key, never a `check_violation` naming a table's
//! constraint, nor an exception:
//! - the field type's own rule, the same expression as the column's CHECK
//!   (`checks::value_check`): rich formats, `text(N)`, `integer(min, max)`, coordinates,
//!   every element of a list;
//! - the casts PostgreSQL takes too leniently: the special date/time inputs (`now`,
//!   `today`, `infinity`, `epoch`, ...), which are no caller's data, and a decimal with
//!   more fractional digits than the column's scale, which the assignment would round
//!   silently (`1.005` into `decimal(10,2)`; `1.50` is fine, it loses nothing).
//!
//! - a text value of a unique field or an identifier longer than [`INDEXED_MAX_BYTES`]:
//!   a btree entry holds about 2,700 bytes, and whether a longer value fits depends on
//!   how it compresses (past 8 kB PostgreSQL does not even say which index refused it),
//!   so the contract is a plain byte limit, checked on the value (and on a derived
//!   identifier's slug, naming its source keys).
//!
//! A JSON number such as `1e2` reaches the function as `jsonb`, which keeps the number
//! and not its spelling (`'1e2'::jsonb` is `100`): it is the integer 100 and is
//! accepted; `2.5` and `2.0` do not cast to an integer and are refused.
//!
//! Cost: one regular-expression match or comparison per key that has a rule, on a value
//! already in a local; no query.

use super::Ctx;
use crate::backend::postgres::checks;
use crate::ir::{FieldType, Rich, Scalar};

/// The longest text (in bytes) that a unique field or an identifier takes: a btree entry
/// is at most 2,704 bytes, with the tenant's UUID, headers and a derived identifier's
/// `-<n>` suffix beside the value.
pub const INDEXED_MAX_BYTES: usize = 2600;

/// Refuses a text value in local `v` longer than [`INDEXED_MAX_BYTES`] (a unique field
/// or `identifier`).
pub fn emit_index_length(ctx: &mut Ctx, key: &str, v: &str) {
    let message = format!(
        "key \"{key}\" must be at most {INDEXED_MAX_BYTES} bytes (its value is indexed as unique)"
    );
    ctx.code.if_then(
        format_args!("pg_catalog.octet_length({v}) > {INDEXED_MAX_BYTES}"),
        |c| super::input::invalid(c, &message),
    );
}

/// PostgreSQL's special date/time input strings (as words, any case).
const SPECIAL_DATETIME: &str =
    "[[:<:]](now|today|tomorrow|yesterday|infinity|epoch|allballs)[[:>:]]";

/// The element type of a list, or the type itself.
fn element(ty: &FieldType) -> &FieldType {
    match ty {
        FieldType::List(inner) => inner,
        t => t,
    }
}

/// `cond` over one JSON scalar `e.v`, lifted to `v_json` (the scalar itself, or any
/// element of the array).
fn over_json(ty: &FieldType, cond: impl Fn(&str) -> String) -> String {
    match ty {
        FieldType::List(_) => format!(
            "EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_json) AS e(v) WHERE {})",
            cond("e.v")
        ),
        _ => cond("v_json"),
    }
}

fn what(s: Scalar) -> Option<&'static str> {
    match s {
        Scalar::Date => Some("a date such as 2024-01-31"),
        Scalar::Timestamp => Some("a timestamp such as 2024-01-31T09:30:00Z"),
        Scalar::Time => Some("a time such as 09:30"),
        _ => None,
    }
}

/// The scale a decimal value is stored with, if fixed.
fn scale(ty: &FieldType) -> Option<u32> {
    match ty {
        FieldType::Scalar(Scalar::Decimal {
            precision: Some((_, s)),
        }) => Some(*s),
        FieldType::Rich(Rich::Money) => Some(4),
        _ => None,
    }
}

/// Inside `IF v_json IS NOT NULL`, after the JSON type check and before the cast.
pub fn emit_before_cast(ctx: &mut Ctx, key: &str, field_ty: &FieldType) {
    let elem = element(field_ty);
    let list = matches!(field_ty, FieldType::List(_));
    let each = if list {
        "a list whose every element is "
    } else {
        ""
    };
    if let FieldType::Scalar(s) = elem
        && let Some(what) = what(*s)
    {
        let cond = over_json(field_ty, |j| {
            format!("({j} #>> '{{}}') ~* '{SPECIAL_DATETIME}'")
        });
        let message = format!(
            "key \"{key}\" must be {each}{what}; special values such as now, today or infinity are not accepted"
        );
        ctx.code
            .if_then(&cond, |c| super::input::invalid(c, &message));
    }
    if let Some(s) = scale(elem) {
        let cond = over_json(field_ty, |j| {
            format!("pg_catalog.round(({j})::numeric, {s}) <> ({j})::numeric")
        });
        let places = if s == 1 { "place" } else { "places" };
        let message = if list {
            format!(
                "key \"{key}\" must be a list whose every element has at most {s} decimal {places}"
            )
        } else {
            format!("key \"{key}\" must have at most {s} decimal {places}")
        };
        ctx.code
            .if_then(&cond, |c| super::input::invalid(c, &message));
    }
}

/// After the cast into local `v`: the field type's own rule.
pub fn emit_after_cast(ctx: &mut Ctx, key: &str, v: &str, field_ty: &FieldType) {
    let (Some(cond), Some(rule)) = (
        checks::value_check(v, field_ty),
        checks::rule_text(field_ty),
    ) else {
        return;
    };
    let message = format!("key \"{key}\" must be {rule}");
    ctx.code.if_then(format_args!("NOT ({cond})"), |c| {
        super::input::invalid(c, &message)
    });
}
