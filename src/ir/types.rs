//! Field types as declared in specs, and the SQL-level types of expressions.

use super::EntityId;

/// A field's declared type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
    Scalar(Scalar),
    Rich(Rich),
    /// `enum(a, b, c)`: TEXT with a CHECK over these values, in declaration order.
    Enum(Vec<String>),
    Ref(EntityId),
    /// `list(T)`: an array of a scalar or rich type.
    List(Box<FieldType>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Text { max_len: Option<u32> },
    Integer { min: Option<i64>, max: Option<i64> },
    Bigint,
    Smallint,
    Decimal { precision: Option<(u32, u32)> },
    Float,
    Boolean,
    Date,
    Timestamp,
    Time,
    Interval,
    Uuid,
    Json,
    Jsonb,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rich {
    Email,
    Phone,
    Url,
    Slug,
    Money,
    Percentage,
    CurrencyCode,
    CountryCode,
    Latitude,
    Longitude,
    IpAddress,
    MacAddress,
    Color,
    DomainName,
    Image,
    Markdown,
    Html,
    Coordinates,
}

impl Rich {
    /// The spec name of the type (`currencyCode`).
    pub fn name(self) -> &'static str {
        match self {
            Rich::Email => "email",
            Rich::Phone => "phone",
            Rich::Url => "url",
            Rich::Slug => "slug",
            Rich::Money => "money",
            Rich::Percentage => "percentage",
            Rich::CurrencyCode => "currencyCode",
            Rich::CountryCode => "countryCode",
            Rich::Latitude => "latitude",
            Rich::Longitude => "longitude",
            Rich::IpAddress => "ipAddress",
            Rich::MacAddress => "macAddress",
            Rich::Color => "color",
            Rich::DomainName => "domainName",
            Rich::Image => "image",
            Rich::Markdown => "markdown",
            Rich::Html => "html",
            Rich::Coordinates => "coordinates",
        }
    }

    /// The SQL-level type values of this rich type have.
    pub fn ty(self) -> Ty {
        match self {
            Rich::Money | Rich::Percentage | Rich::Latitude | Rich::Longitude => Ty::Numeric,
            Rich::IpAddress => Ty::Inet,
            Rich::MacAddress => Ty::Macaddr,
            Rich::Coordinates => Ty::Point,
            _ => Ty::Text,
        }
    }
}

impl FieldType {
    /// The SQL-level type of the field's value in expressions (`Uuid` for references:
    /// a reference's bare name stands for the target's public UUID).
    pub fn ty(&self) -> Ty {
        match self {
            FieldType::Scalar(s) => s.ty(),
            FieldType::Rich(r) => r.ty(),
            FieldType::Enum(_) => Ty::Text,
            FieldType::Ref(_) => Ty::Uuid,
            FieldType::List(inner) => Ty::Array(Box::new(inner.ty())),
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.ty(), Ty::Text)
    }
}

impl Scalar {
    pub fn ty(self) -> Ty {
        match self {
            Scalar::Text { .. } => Ty::Text,
            Scalar::Integer { .. } => Ty::Integer,
            Scalar::Bigint => Ty::Bigint,
            Scalar::Smallint => Ty::Smallint,
            Scalar::Decimal { .. } => Ty::Numeric,
            Scalar::Float => Ty::Float,
            Scalar::Boolean => Ty::Boolean,
            Scalar::Date => Ty::Date,
            Scalar::Timestamp => Ty::Timestamptz,
            Scalar::Time => Ty::Time,
            Scalar::Interval => Ty::Interval,
            Scalar::Uuid => Ty::Uuid,
            Scalar::Json => Ty::Json,
            Scalar::Jsonb => Ty::Jsonb,
        }
    }
}

/// The type of an expression, as PostgreSQL sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Text,
    Smallint,
    Integer,
    Bigint,
    Numeric,
    Float,
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
    Array(Box<Ty>),
    /// The `null` literal before context gives it a type.
    Null,
}

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Ty::Smallint | Ty::Integer | Ty::Bigint | Ty::Numeric | Ty::Float
        )
    }

    /// The PostgreSQL name of the type, as used in casts.
    pub fn sql(&self) -> String {
        match self {
            Ty::Text => "text".into(),
            Ty::Smallint => "smallint".into(),
            Ty::Integer => "integer".into(),
            Ty::Bigint => "bigint".into(),
            Ty::Numeric => "numeric".into(),
            Ty::Float => "double precision".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Date => "date".into(),
            Ty::Timestamptz => "timestamptz".into(),
            Ty::Time => "time".into(),
            Ty::Interval => "interval".into(),
            Ty::Uuid => "uuid".into(),
            Ty::Json => "json".into(),
            Ty::Jsonb => "jsonb".into(),
            Ty::Inet => "inet".into(),
            Ty::Macaddr => "macaddr".into(),
            Ty::Point => "point".into(),
            Ty::Array(inner) => format!("{}[]", inner.sql()),
            Ty::Null => "text".into(),
        }
    }

    /// Whether values of the two types can be compared (`=`, `<`, `IN`, ...).
    pub fn comparable_with(&self, other: &Ty) -> bool {
        self == other
            || *self == Ty::Null
            || *other == Ty::Null
            || (self.is_numeric() && other.is_numeric())
            || matches!(
                (self, other),
                (Ty::Date, Ty::Timestamptz) | (Ty::Timestamptz, Ty::Date)
            )
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql())
    }
}
