//! The named CHECK of each field type (LANGUAGE §2). Regular expressions avoid
//! backslashes (`[.]`, `[+]`, `[:space:]`), so they read the same whatever
//! `standard_conforming_strings` says. List elements are checked natively where
//! PostgreSQL can (`<@`, `op ALL`), else with the prelude's array helpers.
//!
//! Decisions (documented here, since LANGUAGE leaves them open): `email` is
//! `local@domain.tld` without spaces; `url` any `scheme://...` without spaces; `image` an
//! http(s) URL; `domainName` dot-separated labels of letters, digits and inner hyphens with
//! an alphabetic TLD, at most 253 characters; `money` excludes NaN and ±Infinity.

use super::ddl::{Op, SqlExpr};
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

/// The CHECK rule of a column of this type, if the type has one.
pub fn rule(ty: &FieldType) -> Option<SqlExpr> {
    match ty {
        FieldType::Scalar(s) => scalar(*s),
        FieldType::Rich(r) => rich(*r),
        FieldType::Enum(values) => Some(SqlExpr::InTexts {
            value: Box::new(SqlExpr::Subject),
            texts: values.clone(),
            negated: false,
        }),
        FieldType::Ref(_) => None,
        FieldType::List(inner) => list(inner),
    }
}

/// The CHECK expression for column `column` of this type, if the type has one.
pub fn check(column: &str, ty: &FieldType) -> Option<String> {
    rule(ty).map(|rule| rule.check_on(column).to_string())
}

/// The same rule as [`check`] over a value held in the PL/pgSQL local `local` (SQL
/// text), for actions to refuse an input value before any statement sees it (LANGUAGE
/// §4.4: `invalid_input` naming the key). Functions are `pg_catalog`-qualified. Enums
/// are left out: the input reader checks them with its own message.
pub fn value_check(local: &str, ty: &FieldType) -> Option<String> {
    let rule = match ty {
        // A JSON number is never NaN or infinite.
        FieldType::Rich(Rich::Money) => None,
        FieldType::List(inner) if **inner == FieldType::Rich(Rich::Money) => None,
        FieldType::Scalar(s) => scalar(*s),
        FieldType::Rich(r) => rich(*r),
        FieldType::List(inner) if !matches!(**inner, FieldType::Enum(_)) => list(inner),
        _ => None,
    };
    rule.map(|rule| rule.test_of(local).to_string())
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
    matches(LOCALE).check_on(column).to_string()
}

fn matches(pattern: &str) -> SqlExpr {
    SqlExpr::compare(SqlExpr::Subject, Op::Matches, SqlExpr::Text(pattern.into()))
}

/// `low <= subject AND subject <= high`, either side optional.
fn range(min: Option<i64>, max: Option<i64>) -> Option<SqlExpr> {
    let bound = |limit: Option<i64>, op| {
        limit.map(|n| SqlExpr::compare(SqlExpr::Subject, op, SqlExpr::Integer(n)))
    };
    SqlExpr::and(
        bound(min, Op::Ge)
            .into_iter()
            .chain(bound(max, Op::Le))
            .collect(),
    )
}

/// `char_length(subject) <= n`
fn at_most_chars(n: u32) -> SqlExpr {
    SqlExpr::compare(
        SqlExpr::Builtin("char_length", vec![SqlExpr::Subject]),
        Op::Le,
        SqlExpr::Integer(n.into()),
    )
}

fn scalar(s: Scalar) -> Option<SqlExpr> {
    match s {
        Scalar::Text { max_len: Some(n) } => Some(at_most_chars(n)),
        Scalar::Integer { min, max } => range(min, max),
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

fn rich(r: Rich) -> Option<SqlExpr> {
    if r == Rich::DomainName {
        return SqlExpr::and(vec![at_most_chars(253), matches(DOMAIN)]);
    }
    if let Some(p) = pattern(r) {
        return Some(matches(p));
    }
    if let Some((lo, hi)) = bounds(r) {
        // NaN sorts above every number, so it fails the upper bound.
        return range(Some(lo), Some(hi));
    }
    match r {
        Rich::Money => Some(SqlExpr::InTexts {
            value: Box::new(SqlExpr::Subject),
            texts: NOT_FINITE.iter().map(|t| t.to_string()).collect(),
            negated: true,
        }),
        Rich::Coordinates => {
            let within = |index, bound: i64| {
                SqlExpr::Between(
                    Box::new(SqlExpr::Element(Box::new(SqlExpr::Subject), index)),
                    -bound,
                    bound,
                )
            };
            SqlExpr::and(vec![within(0, 90), within(1, 180)])
        }
        _ => None,
    }
}

/// The numeric values that are not numbers a money amount may hold.
const NOT_FINITE: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

fn list(inner: &FieldType) -> Option<SqlExpr> {
    let every = |lo: Option<i64>, hi: Option<i64>| {
        let lo = lo.map(|n| SqlExpr::all(SqlExpr::Integer(n), Op::Le));
        let hi = hi.map(|n| SqlExpr::all(SqlExpr::Integer(n), Op::Ge));
        SqlExpr::and(lo.into_iter().chain(hi).collect())
    };
    match inner {
        FieldType::Enum(values) => Some(SqlExpr::compare(
            SqlExpr::Subject,
            Op::ContainedIn,
            SqlExpr::TextArray(values.clone()),
        )),
        FieldType::Scalar(Scalar::Text { max_len: Some(n) }) => Some(SqlExpr::App(
            "array_max_length",
            vec![SqlExpr::Subject, SqlExpr::Integer((*n).into())],
        )),
        FieldType::Scalar(Scalar::Integer { min, max }) => every(*min, *max),
        FieldType::Rich(Rich::Money) => SqlExpr::and(
            NOT_FINITE
                .iter()
                .map(|t| SqlExpr::all(SqlExpr::Text(t.to_string()), Op::Ne))
                .collect(),
        ),
        FieldType::Rich(r) => match pattern(*r) {
            Some(p) => Some(SqlExpr::App(
                "array_all_match",
                vec![SqlExpr::Subject, SqlExpr::Text(p.into())],
            )),
            None => bounds(*r).and_then(|(lo, hi)| every(Some(lo), Some(hi))),
        },
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
