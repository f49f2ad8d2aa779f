//! Field defaults: a literal that must fit the field's type.

use super::literal;
use crate::diag::Diagnostic;
use crate::ir::{FieldType, Rich, Scalar, Value};
use crate::source::Span;

/// Reads a default as written (`'USD'`, `true`, `42`, `lead`) and checks it against `ty`.
/// `quoted_by_yaml` is true when YAML itself quoted the scalar (long form `default: 'x'`),
/// so its text is already the string value.
pub fn check_default(
    ty: &FieldType,
    raw: &str,
    quoted_by_yaml: bool,
    span: Span,
) -> Result<Value, Diagnostic> {
    let string = if quoted_by_yaml {
        Some(raw.to_string())
    } else {
        raw.strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .map(|r| r.replace("''", "'"))
    };
    let unfit = |what: &str| Diagnostic::invalid_default(raw, what, span);
    if !quoted_by_yaml && raw.eq_ignore_ascii_case("null") {
        return Ok(Value::Null);
    }
    match ty {
        FieldType::Enum(values) => {
            let value = string.unwrap_or_else(|| raw.to_string());
            if values.contains(&value) {
                Ok(Value::Text(value))
            } else {
                Err(Diagnostic::default_not_in_enum(&value, values, span))
            }
        }
        FieldType::Scalar(Scalar::Boolean) => {
            match (string.is_none(), raw.to_ascii_lowercase().as_str()) {
                (true, "true") => Ok(Value::Bool(true)),
                (true, "false") => Ok(Value::Bool(false)),
                _ => Err(unfit("expected `true` or `false`")),
            }
        }
        FieldType::Scalar(Scalar::Integer { min, max }) => {
            let n: i64 = raw.parse().map_err(|_| unfit("expected an integer"))?;
            let (lo, hi) = (
                min.unwrap_or(i32::MIN.into()),
                max.unwrap_or(i32::MAX.into()),
            );
            if n < lo || n > hi {
                return Err(unfit(&format!("expected an integer from {lo} to {hi}")));
            }
            Ok(Value::Number(raw.to_string()))
        }
        FieldType::Scalar(Scalar::Smallint) => integer_in(raw, i16::MIN.into(), i16::MAX.into())
            .ok_or_else(|| unfit("expected a smallint")),
        FieldType::Scalar(Scalar::Bigint) => raw
            .parse::<i64>()
            .map(|_| Value::Number(raw.into()))
            .map_err(|_| unfit("expected a bigint")),
        FieldType::Scalar(Scalar::Decimal { .. } | Scalar::Float)
        | FieldType::Rich(Rich::Money) => decimal(raw).ok_or_else(|| unfit("expected a number")),
        FieldType::Rich(Rich::Percentage) => match decimal(raw) {
            Some(v) if in_range(raw, 0.0, 100.0) => Ok(v),
            _ => Err(unfit("expected a number from 0 to 100")),
        },
        FieldType::Rich(Rich::Latitude) => match decimal(raw) {
            Some(v) if in_range(raw, -90.0, 90.0) => Ok(v),
            _ => Err(unfit("expected a latitude from -90 to 90")),
        },
        FieldType::Rich(Rich::Longitude) => match decimal(raw) {
            Some(v) if in_range(raw, -180.0, 180.0) => Ok(v),
            _ => Err(unfit("expected a longitude from -180 to 180")),
        },
        FieldType::Scalar(Scalar::Text { max_len }) => {
            let value =
                string.ok_or_else(|| unfit("a text default is written in quotes, e.g. `'x'`"))?;
            if max_len.is_some_and(|m| value.chars().count() > m as usize) {
                return Err(unfit("longer than the type allows"));
            }
            Ok(Value::Text(value))
        }
        FieldType::Rich(Rich::CurrencyCode) => code_like(string, 3)
            .map(Value::Text)
            .ok_or_else(|| unfit("expected three upper-case letters, e.g. 'USD'")),
        FieldType::Rich(Rich::CountryCode) => code_like(string, 2)
            .map(Value::Text)
            .ok_or_else(|| unfit("expected two upper-case letters, e.g. 'FR'")),
        FieldType::Ref(_) | FieldType::List(_) => {
            Err(unfit("references and lists take no default"))
        }
        FieldType::Scalar(Scalar::Json | Scalar::Jsonb) => {
            let value = string.ok_or_else(|| unfit("a JSON default is written in quotes"))?;
            serde_json::from_str::<serde_json::Value>(&value)
                .map_err(|_| unfit("not valid JSON"))?;
            Ok(Value::Text(value))
        }
        // Other types take a quoted literal that PostgreSQL casts when the table is
        // created (dates, times, UUIDs, addresses, rich text types); the ones whose text
        // can be judged here are, so a default that can never work is refused now.
        _ => {
            let value =
                string.ok_or_else(|| unfit("write the default in quotes, e.g. `'value'`"))?;
            let judged = match ty {
                FieldType::Scalar(Scalar::Date) => literal::date(&value),
                FieldType::Scalar(Scalar::Time) => literal::time(&value),
                FieldType::Scalar(Scalar::Timestamp) => literal::timestamp(&value),
                FieldType::Scalar(Scalar::Uuid) => literal::uuid(&value),
                FieldType::Scalar(Scalar::Interval) => literal::interval(&value),
                FieldType::Rich(r) => literal::rich(*r, &value),
                _ => Ok(()),
            };
            judged.map_err(|why| unfit(&why))?;
            Ok(Value::Text(value))
        }
    }
}

fn integer_in(raw: &str, lo: i64, hi: i64) -> Option<Value> {
    let n: i64 = raw.parse().ok()?;
    (lo..=hi)
        .contains(&n)
        .then(|| Value::Number(raw.to_string()))
}

fn decimal(raw: &str) -> Option<Value> {
    let body = raw.strip_prefix('-').unwrap_or(raw);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(int) && digits(frac)).then(|| Value::Number(raw.to_string()))
}

fn in_range(raw: &str, lo: f64, hi: f64) -> bool {
    raw.parse::<f64>().is_ok_and(|v| (lo..=hi).contains(&v))
}

fn code_like(value: Option<String>, len: usize) -> Option<String> {
    value.filter(|v| v.len() == len && v.chars().all(|c| c.is_ascii_uppercase()))
}
