//! The named CHECK of each field type (LANGUAGE §2). Regular expressions avoid
//! backslashes (`[.]`, `[+]`, `[:space:]`), so they read the same whatever
//! `standard_conforming_strings` says. List elements are checked natively where
//! PostgreSQL can (`<@`, `op ALL`), else with the prelude's array helpers.
//!
//! Decisions (documented here, since LANGUAGE leaves them open): `email` is
//! `local@domain.tld` without spaces; `url` any `scheme://...` without spaces; `image` an
//! http(s) URL; `domainName` dot-separated labels of letters, digits and inner hyphens with
//! an alphabetic TLD, at most 253 characters; `money` excludes NaN and ±Infinity.

use super::quote::{Ident, Literal};
use crate::ir::{FieldType, Rich, Scalar};

pub const EMAIL: &str = "^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$";
pub const PHONE: &str = "^[+][1-9][0-9]{1,14}$";
pub const URL: &str = "^[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]]+$";
pub const IMAGE: &str = "^[Hh][Tt][Tt][Pp][Ss]?://[^[:space:]]+$";
pub const SLUG: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
pub const CURRENCY: &str = "^[A-Z]{3}$";
pub const COUNTRY: &str = "^[A-Z]{2}$";
pub const COLOR: &str = "^#[0-9A-Fa-f]{6}$";
pub const DOMAIN: &str = "^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+[A-Za-z]{2,63}$";
pub const LOCALE: &str = "^[a-z]{2,3}(-[A-Z]{2})?$";

/// The CHECK expression for a column of this type, if the type has one.
pub fn check(column: &str, ty: &FieldType) -> Option<String> {
    let c = Ident(column).to_string();
    match ty {
        FieldType::Scalar(s) => scalar(&c, *s, ""),
        FieldType::Rich(r) => rich(&c, *r, ""),
        FieldType::Enum(values) => Some(format!("{c} IN ({})", literals(values))),
        FieldType::Ref(_) => None,
        FieldType::List(inner) => list(&c, inner),
    }
}

/// The same rule as [`check`] over a value held in the PL/pgSQL local `local` (SQL
/// text), for actions to refuse an input value before any statement sees it (LANGUAGE
/// §4.4: `invalid_input` naming the key). Functions are `pg_catalog`-qualified. Enums
/// are left out: the input reader checks them with its own message.
pub fn value_check(local: &str, ty: &FieldType) -> Option<String> {
    match ty {
        // A JSON number is never NaN or infinite.
        FieldType::Rich(Rich::Money) => None,
        FieldType::List(inner) if **inner == FieldType::Rich(Rich::Money) => None,
        FieldType::Scalar(s) => scalar(local, *s, "pg_catalog."),
        FieldType::Rich(r) => rich(local, *r, "pg_catalog."),
        FieldType::List(inner) if !matches!(**inner, FieldType::Enum(_)) => list(local, inner),
        _ => None,
    }
}

/// What a value of `ty` must be, in words, for the rules [`value_check`] tests.
pub fn rule_text(ty: &FieldType) -> Option<String> {
    Some(match ty {
        FieldType::Scalar(Scalar::Text { max_len: Some(n) }) => format!("at most {n} characters"),
        FieldType::Scalar(Scalar::Integer { min, max }) => match (min, max) {
            (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => return None,
        },
        FieldType::Rich(r) => match r {
            Rich::Email => "an email address such as name@example.com".into(),
            Rich::Phone => "an E.164 phone number such as +14155550123".into(),
            Rich::Url => "a URL such as https://example.com".into(),
            Rich::Image => "an http(s) URL".into(),
            Rich::Slug => "a slug of lower-case letters and digits joined by -".into(),
            Rich::CurrencyCode => "an ISO 4217 currency code such as EUR".into(),
            Rich::CountryCode => "an ISO 3166-1 alpha-2 country code such as FR".into(),
            Rich::Color => "a color #rrggbb".into(),
            Rich::DomainName => "a domain name such as example.com".into(),
            Rich::Coordinates => {
                "latitude between -90 and 90 and longitude between -180 and 180".into()
            }
            r => {
                let (lo, hi) = bounds(*r)?;
                format!("between {lo} and {hi}")
            }
        },
        FieldType::List(inner) => format!("a list whose every element is {}", rule_text(inner)?),
        _ => return None,
    })
}

/// `locale` of translation tables.
pub fn locale(column: &str) -> String {
    matches(&Ident(column).to_string(), LOCALE)
}

fn literals(values: &[String]) -> String {
    values
        .iter()
        .map(|v| Literal(v).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn matches(c: &str, pattern: &str) -> String {
    format!("{c} ~ {}", Literal(pattern))
}

fn range(c: &str, min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min, max) {
        (Some(lo), Some(hi)) => Some(format!("{c} >= {lo} AND {c} <= {hi}")),
        (Some(lo), None) => Some(format!("{c} >= {lo}")),
        (None, Some(hi)) => Some(format!("{c} <= {hi}")),
        (None, None) => None,
    }
}

fn scalar(c: &str, s: Scalar, fns: &str) -> Option<String> {
    match s {
        Scalar::Text { max_len: Some(n) } => Some(format!("{fns}char_length({c}) <= {n}")),
        Scalar::Integer { min, max } => range(c, min, max),
        _ => None,
    }
}

/// The regular expression a text-based rich type must match.
fn pattern(r: Rich) -> Option<&'static str> {
    Some(match r {
        Rich::Email => EMAIL,
        Rich::Phone => PHONE,
        Rich::Url => URL,
        Rich::Image => IMAGE,
        Rich::Slug => SLUG,
        Rich::CurrencyCode => CURRENCY,
        Rich::CountryCode => COUNTRY,
        Rich::Color => COLOR,
        Rich::DomainName => DOMAIN,
        _ => return None,
    })
}

fn bounds(r: Rich) -> Option<(i64, i64)> {
    match r {
        Rich::Percentage => Some((0, 100)),
        Rich::Latitude => Some((-90, 90)),
        Rich::Longitude => Some((-180, 180)),
        _ => None,
    }
}

fn rich(c: &str, r: Rich, fns: &str) -> Option<String> {
    if r == Rich::DomainName {
        return Some(format!(
            "{fns}char_length({c}) <= 253 AND {}",
            matches(c, DOMAIN)
        ));
    }
    if let Some(p) = pattern(r) {
        return Some(matches(c, p));
    }
    if let Some((lo, hi)) = bounds(r) {
        // NaN sorts above every number, so it fails the upper bound.
        return range(c, Some(lo), Some(hi));
    }
    match r {
        Rich::Money => Some(format!("{c} NOT IN ('NaN', 'Infinity', '-Infinity')")),
        Rich::Coordinates => Some(format!(
            "{c}[0] BETWEEN -90 AND 90 AND {c}[1] BETWEEN -180 AND 180"
        )),
        _ => None,
    }
}

fn list(c: &str, inner: &FieldType) -> Option<String> {
    match inner {
        FieldType::Enum(values) => Some(format!("{c} <@ ARRAY[{}]::TEXT[]", literals(values))),
        FieldType::Scalar(Scalar::Text { max_len: Some(n) }) => {
            Some(format!("app.array_max_length({c}, {n})"))
        }
        FieldType::Scalar(Scalar::Integer { min, max }) => {
            let parts: Vec<String> = min
                .map(|lo| format!("{lo} <= ALL ({c})"))
                .into_iter()
                .chain(max.map(|hi| format!("{hi} >= ALL ({c})")))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" AND "))
        }
        FieldType::Rich(Rich::Money) => Some(format!(
            "'NaN' <> ALL ({c}) AND 'Infinity' <> ALL ({c}) AND '-Infinity' <> ALL ({c})"
        )),
        FieldType::Rich(r) => {
            if let Some(p) = pattern(*r) {
                Some(format!("app.array_all_match({c}, {})", Literal(p)))
            } else {
                bounds(*r).map(|(lo, hi)| format!("{lo} <= ALL ({c}) AND {hi} >= ALL ({c})"))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_are_literals() {
        let ty = FieldType::Enum(vec!["a'b".into(), "$$;--".into()]);
        insta::assert_snapshot!(check("status", &ty).unwrap(), @"status IN ('a''b', '$$;--')");
    }

    #[test]
    fn lists_check_their_elements() {
        let email = FieldType::List(Box::new(FieldType::Rich(Rich::Email)));
        let pct = FieldType::List(Box::new(FieldType::Rich(Rich::Percentage)));
        insta::assert_snapshot!(check("emails", &email).unwrap(), @"app.array_all_match(emails, '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$')");
        insta::assert_snapshot!(check("shares", &pct).unwrap(), @"0 <= ALL (shares) AND 100 >= ALL (shares)");
    }
}
