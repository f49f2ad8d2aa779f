//! [`SqlType`]: the column types the DDL writes, typed. `Display` is the SQL; a state
//! file (`migrate::state`) stores the same text, and reads it back through `FromStr`.

use std::fmt;
use std::str::FromStr;

/// A PostgreSQL column type as specqlc writes it (upper case, `NUMERIC(p,s)`, `T[]`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum SqlType {
    Text,
    Smallint,
    Integer,
    Bigint,
    /// `NUMERIC`, or `NUMERIC(precision,scale)`.
    Numeric(Option<(u32, u32)>),
    DoublePrecision,
    Boolean,
    Date,
    Timestamptz,
    Time,
    Interval,
    Uuid,
    Json,
    Jsonb,
    Inet,
    Macaddr,
    Point,
    Array(Box<SqlType>),
}

/// The types without parameters, with their SQL names.
const NAMED: [(SqlType, &str); 16] = [
    (SqlType::Text, "TEXT"),
    (SqlType::Smallint, "SMALLINT"),
    (SqlType::Integer, "INTEGER"),
    (SqlType::Bigint, "BIGINT"),
    (SqlType::Numeric(None), "NUMERIC"),
    (SqlType::DoublePrecision, "DOUBLE PRECISION"),
    (SqlType::Boolean, "BOOLEAN"),
    (SqlType::Date, "DATE"),
    (SqlType::Timestamptz, "TIMESTAMPTZ"),
    (SqlType::Time, "TIME"),
    (SqlType::Interval, "INTERVAL"),
    (SqlType::Uuid, "UUID"),
    (SqlType::Json, "JSON"),
    (SqlType::Jsonb, "JSONB"),
    (SqlType::Inet, "INET"),
    (SqlType::Macaddr, "MACADDR"),
];

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Numeric(Some((precision, scale))) => {
                write!(f, "NUMERIC({precision},{scale})")
            }
            SqlType::Point => f.write_str("POINT"),
            SqlType::Array(inner) => write!(f, "{inner}[]"),
            named => {
                let (_, name) = NAMED
                    .iter()
                    .find(|(t, _)| t == named)
                    .expect("every other type is named");
                f.write_str(name)
            }
        }
    }
}

impl FromStr for SqlType {
    type Err = String;

    fn from_str(text: &str) -> Result<SqlType, String> {
        if let Some(inner) = text.strip_suffix("[]") {
            return Ok(SqlType::Array(Box::new(inner.parse()?)));
        }
        if text == "POINT" {
            return Ok(SqlType::Point);
        }
        if let Some(args) = text
            .strip_prefix("NUMERIC(")
            .and_then(|rest| rest.strip_suffix(')'))
        {
            let number = |n: Option<&str>| n.and_then(|n| n.trim().parse::<u32>().ok());
            let mut parts = args.split(',');
            return match (number(parts.next()), number(parts.next()), parts.next()) {
                (Some(p), Some(s), None) => Ok(SqlType::Numeric(Some((p, s)))),
                _ => Err(format!("not a column type specqlc writes: `{text}`")),
            };
        }
        NAMED
            .iter()
            .find(|(_, name)| *name == text)
            .map(|(t, _)| t.clone())
            .ok_or_else(|| format!("not a column type specqlc writes: `{text}`"))
    }
}

impl From<SqlType> for String {
    fn from(ty: SqlType) -> String {
        ty.to_string()
    }
}

impl TryFrom<String> for SqlType {
    type Error = String;

    fn try_from(text: String) -> Result<SqlType, String> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::SqlType;

    #[test]
    fn every_type_reads_back_from_its_sql() {
        let mut types: Vec<SqlType> = super::NAMED.iter().map(|(t, _)| t.clone()).collect();
        types.push(SqlType::Point);
        types.push(SqlType::Numeric(Some((19, 4))));
        types.push(SqlType::Array(Box::new(SqlType::Numeric(Some((5, 2))))));
        types.push(SqlType::Array(Box::new(SqlType::Text)));
        for ty in types {
            let text = ty.to_string();
            assert_eq!(text.parse::<SqlType>(), Ok(ty.clone()), "{text}");
            let json = serde_json::to_string(&ty).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<SqlType>(&json).unwrap(), ty);
        }
    }

    #[test]
    fn text_that_is_not_a_written_type_is_refused() {
        for text in [
            "text",
            "NUMERIC(19)",
            "NUMERIC(a,b)",
            "VARCHAR(3)",
            "",
            "[]",
        ] {
            assert!(text.parse::<SqlType>().is_err(), "{text}");
        }
    }
}
