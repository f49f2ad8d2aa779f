//! Field types to PostgreSQL column types and typed default expressions (LANGUAGE §2).

use super::ddl::{SqlExpr, SqlType};
use crate::ir::{FieldType, Rich, Scalar, Value};

/// The column type of a field (`INTEGER` for a reference: the `fk_*` column).
pub fn sql_type(ty: &FieldType) -> SqlType {
    match ty {
        FieldType::Scalar(s) => scalar(*s),
        FieldType::Rich(r) => rich(*r),
        FieldType::Enum(_) => SqlType::Text,
        FieldType::Ref(_) => SqlType::Integer,
        FieldType::List(inner) => SqlType::Array(Box::new(sql_type(inner))),
    }
}

fn scalar(s: Scalar) -> SqlType {
    match s {
        Scalar::Text { .. } => SqlType::Text,
        Scalar::Integer { .. } => SqlType::Integer,
        Scalar::Bigint => SqlType::Bigint,
        Scalar::Smallint => SqlType::Smallint,
        Scalar::Decimal { precision } => SqlType::Numeric(precision),
        Scalar::Float => SqlType::DoublePrecision,
        Scalar::Boolean => SqlType::Boolean,
        Scalar::Date => SqlType::Date,
        Scalar::Timestamp => SqlType::Timestamptz,
        Scalar::Time => SqlType::Time,
        Scalar::Interval => SqlType::Interval,
        Scalar::Uuid => SqlType::Uuid,
        Scalar::Json => SqlType::Json,
        Scalar::Jsonb => SqlType::Jsonb,
    }
}

fn rich(r: Rich) -> SqlType {
    match r {
        Rich::Money => SqlType::Numeric(Some((19, 4))),
        Rich::Percentage | Rich::Latitude | Rich::Longitude => SqlType::Numeric(None),
        Rich::IpAddress => SqlType::Inet,
        Rich::MacAddress => SqlType::Macaddr,
        Rich::Coordinates => SqlType::Point,
        Rich::Email
        | Rich::Phone
        | Rich::Url
        | Rich::Slug
        | Rich::CurrencyCode
        | Rich::CountryCode
        | Rich::Color
        | Rich::DomainName
        | Rich::Image
        | Rich::Markdown
        | Rich::Html => SqlType::Text,
    }
}

/// A default value as a typed SQL expression: text-typed columns take a plain literal,
/// other types a literal cast to the column type; numbers are emitted bare only when
/// they are plain numerals (anything else is quoted and cast, so it cannot break out).
pub fn default_value(ty: &FieldType, value: &Value) -> SqlExpr {
    match value {
        Value::Null => SqlExpr::Null,
        Value::Bool(b) => SqlExpr::Bool(*b),
        Value::Interval(text) => SqlExpr::Interval(text.clone()),
        Value::Number(n) if is_numeral(n) => SqlExpr::Numeral(n.clone()),
        Value::Number(n) => SqlExpr::Cast(n.clone(), sql_type(ty)),
        Value::Text(text) if ty.is_text() && !matches!(ty, FieldType::List(_)) => {
            SqlExpr::Text(text.clone())
        }
        Value::Text(text) => SqlExpr::Cast(text.clone(), sql_type(ty)),
    }
}

/// [`default_value`] as the text of a column's `DEFAULT`.
pub fn default_expr(ty: &FieldType, value: &Value) -> String {
    default_value(ty, value).to_string()
}

fn is_numeral(n: &str) -> bool {
    let digits = n.strip_prefix('-').unwrap_or(n);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_types() {
        let list = FieldType::List(Box::new(FieldType::Rich(Rich::Email)));
        assert_eq!(sql_type(&list).to_string(), "TEXT[]");
        assert_eq!(
            sql_type(&FieldType::Rich(Rich::Money)).to_string(),
            "NUMERIC(19,4)"
        );
    }

    #[test]
    fn defaults_are_typed_and_escaped() {
        let text = FieldType::Scalar(Scalar::Text { max_len: None });
        let date = FieldType::Scalar(Scalar::Date);
        let int = FieldType::Scalar(Scalar::Integer {
            min: None,
            max: None,
        });
        assert_eq!(default_expr(&text, &Value::Text("it's".into())), "'it''s'");
        assert_eq!(
            default_expr(&date, &Value::Text("2024-01-01".into())),
            "'2024-01-01'::DATE"
        );
        assert_eq!(default_expr(&int, &Value::Number("-12".into())), "-12");
        assert_eq!(
            default_expr(&int, &Value::Number("1); DROP".into())),
            "'1); DROP'::INTEGER"
        );
    }
}
