//! Field type text (`text!`, `enum(a, b) = 'a'`, `ref(Company)`, `decimal(10, 2)`) →
//! [`FieldType`], required flag and default literal.
//!
//! The type language is tiny and positional, so it is read by hand here; offsets inside
//! the text map to file spans through the scalar's [`Origin`].

use crate::diag::Diagnostic;
use crate::ir::{FieldType, Rich, Scalar};
use crate::source::{Origin, Span};

/// A type as written, before references are resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeSyntax {
    Known(FieldType),
    /// `ref(Name)`: resolved against the project's entities by the caller.
    Ref {
        target: String,
        span: Span,
    },
    List(Box<TypeSyntax>),
}

/// The short form split into its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct ShortForm {
    pub ty: TypeSyntax,
    pub required: bool,
    /// The default's text (quotes kept) and span.
    pub default: Option<(String, Span)>,
}

/// Parses `type[!][ = default]`. `allow_suffixes` is false for the long form's `type:`.
pub fn parse_short_form(
    text: &str,
    origin: &Origin,
    allow_suffixes: bool,
) -> Result<ShortForm, Diagnostic> {
    let (type_part, default) = match split_default(text) {
        Some(eq) if allow_suffixes => {
            let raw = text[eq + 1..].trim();
            let start = eq + 1 + (text[eq + 1..].len() - text[eq + 1..].trim_start().len());
            (
                &text[..eq],
                Some((raw.to_string(), origin.span(start, start + raw.len()))),
            )
        }
        _ => (text, None),
    };
    let trimmed = type_part.trim_end();
    let lead = type_part.len() - type_part.trim_start().len();
    let mut core = trimmed.trim_start();
    let mut required = false;
    if let Some(rest) = core.strip_suffix('?') {
        let at = lead + rest.len();
        return Err(Diagnostic::optional_marker(
            rest.trim_end(),
            origin.span(at, at + 1),
        ));
    }
    if let Some(rest) = core.strip_suffix('!').filter(|_| allow_suffixes) {
        required = true;
        core = rest.trim_end();
    }
    let ty = parse_type(core, lead, origin)?;
    Ok(ShortForm {
        ty,
        required,
        default,
    })
}

/// The position of the `=` that starts a default, outside parentheses and quotes.
fn split_default(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            '=' if !quoted && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_type(text: &str, offset: usize, origin: &Origin) -> Result<TypeSyntax, Diagnostic> {
    let span = origin.span(offset, offset + text.len());
    let (name, args, args_offset) = match text.find('(') {
        Some(open) => {
            let Some(inner) = text[open + 1..].strip_suffix(')') else {
                return Err(Diagnostic::malformed_type(text, span));
            };
            (text[..open].trim(), Some(inner), offset + open + 1)
        }
        None => (text, None, 0),
    };
    let arg_list = |inner: &str| -> Vec<(String, Span)> {
        let mut out = Vec::new();
        let mut pos = 0;
        for part in split_top_level(inner) {
            let lead = part.len() - part.trim_start().len();
            let value = part.trim();
            let start = args_offset + pos + lead;
            out.push((value.to_string(), origin.span(start, start + value.len())));
            pos += part.len() + 1;
        }
        out
    };
    let no_args = |ty: FieldType| -> Result<TypeSyntax, Diagnostic> {
        match args {
            None => Ok(TypeSyntax::Known(ty)),
            Some(_) => Err(Diagnostic::type_takes_no_arguments(name, span)),
        }
    };
    let scalar = |s: Scalar| FieldType::Scalar(s);
    let rich = |r: Rich| FieldType::Rich(r);
    match name {
        "text" => match args {
            None => Ok(TypeSyntax::Known(scalar(Scalar::Text { max_len: None }))),
            Some(inner) => {
                let [(n, n_span)] = &arg_list(inner)[..] else {
                    return Err(type_args(name, "one length, e.g. `text(80)`", span));
                };
                let max = parse_number::<u32>(n, *n_span)?;
                if max == 0 {
                    return Err(type_args(name, "a length of at least 1", *n_span));
                }
                Ok(TypeSyntax::Known(scalar(Scalar::Text {
                    max_len: Some(max),
                })))
            }
        },
        "integer" => match args {
            None => Ok(TypeSyntax::Known(scalar(Scalar::Integer {
                min: None,
                max: None,
            }))),
            Some(inner) => {
                let [(lo, lo_span), (hi, hi_span)] = &arg_list(inner)[..] else {
                    return Err(type_args(
                        name,
                        "a minimum and a maximum, e.g. `integer(0, 10)`",
                        span,
                    ));
                };
                let lo = parse_number::<i32>(lo, *lo_span)?;
                let hi = parse_number::<i32>(hi, *hi_span)?;
                if lo > hi {
                    return Err(type_args(
                        name,
                        "a minimum no greater than the maximum",
                        span,
                    ));
                }
                Ok(TypeSyntax::Known(scalar(Scalar::Integer {
                    min: Some(lo.into()),
                    max: Some(hi.into()),
                })))
            }
        },
        "decimal" | "numeric" => match args {
            None => Ok(TypeSyntax::Known(scalar(Scalar::Decimal {
                precision: None,
            }))),
            Some(inner) => {
                let parts = arg_list(inner);
                let (p, s) = match &parts[..] {
                    [(p, p_span)] => (parse_number::<u32>(p, *p_span)?, 0),
                    [(p, p_span), (s, s_span)] => (
                        parse_number::<u32>(p, *p_span)?,
                        parse_number::<u32>(s, *s_span)?,
                    ),
                    _ => {
                        return Err(type_args(
                            name,
                            "a precision and a scale, e.g. `decimal(10, 2)`",
                            span,
                        ));
                    }
                };
                if !(1..=1000).contains(&p) || s > p {
                    return Err(type_args(
                        name,
                        "a precision from 1 to 1000 and a scale no greater than it",
                        span,
                    ));
                }
                Ok(TypeSyntax::Known(scalar(Scalar::Decimal {
                    precision: Some((p, s)),
                })))
            }
        },
        "enum" => {
            let Some(inner) = args else {
                return Err(type_args(
                    name,
                    "its values, e.g. `enum(draft, published)`",
                    span,
                ));
            };
            let mut values: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (value, value_span) in arg_list(inner) {
                let value = unquote(&value, '\'')
                    .or_else(|| unquote(&value, '"'))
                    .unwrap_or(value);
                if value.is_empty() {
                    return Err(type_args(name, "non-empty values", value_span));
                }
                if !seen.insert(value.clone()) {
                    return Err(Diagnostic::duplicate_enum_value(&value, value_span));
                }
                values.push(value);
            }
            Ok(TypeSyntax::Known(FieldType::Enum(values)))
        }
        "ref" => {
            let Some(inner) = args else {
                return Err(type_args(
                    name,
                    "the entity it references, e.g. `ref(Company)`",
                    span,
                ));
            };
            let [(target, target_span)] = &arg_list(inner)[..] else {
                return Err(type_args(name, "exactly one entity", span));
            };
            Ok(TypeSyntax::Ref {
                target: target.clone(),
                span: *target_span,
            })
        }
        "list" => {
            let Some(inner) = args else {
                return Err(type_args(name, "an element type, e.g. `list(text)`", span));
            };
            let lead = inner.len() - inner.trim_start().len();
            let element = parse_type(inner.trim(), args_offset + lead, origin)?;
            match &element {
                TypeSyntax::Known(FieldType::Scalar(_) | FieldType::Rich(_)) => {
                    Ok(TypeSyntax::List(Box::new(element)))
                }
                _ => Err(type_args(name, "a scalar or rich element type", span)),
            }
        }
        "bigint" => no_args(scalar(Scalar::Bigint)),
        "smallint" => no_args(scalar(Scalar::Smallint)),
        "float" => no_args(scalar(Scalar::Float)),
        "boolean" => no_args(scalar(Scalar::Boolean)),
        "date" => no_args(scalar(Scalar::Date)),
        "timestamp" | "datetime" => no_args(scalar(Scalar::Timestamp)),
        "time" => no_args(scalar(Scalar::Time)),
        "interval" | "duration" => no_args(scalar(Scalar::Interval)),
        "uuid" => no_args(scalar(Scalar::Uuid)),
        "json" => no_args(scalar(Scalar::Json)),
        "jsonb" => no_args(scalar(Scalar::Jsonb)),
        "email" => no_args(rich(Rich::Email)),
        "phone" | "phoneNumber" => no_args(rich(Rich::Phone)),
        "url" => no_args(rich(Rich::Url)),
        "slug" => no_args(rich(Rich::Slug)),
        "money" => no_args(rich(Rich::Money)),
        "percentage" => no_args(rich(Rich::Percentage)),
        "currencyCode" => no_args(rich(Rich::CurrencyCode)),
        "countryCode" => no_args(rich(Rich::CountryCode)),
        "latitude" => no_args(rich(Rich::Latitude)),
        "longitude" => no_args(rich(Rich::Longitude)),
        "ipAddress" => no_args(rich(Rich::IpAddress)),
        "macAddress" => no_args(rich(Rich::MacAddress)),
        "color" => no_args(rich(Rich::Color)),
        "domainName" => no_args(rich(Rich::DomainName)),
        "image" => no_args(rich(Rich::Image)),
        "markdown" => no_args(rich(Rich::Markdown)),
        "html" => no_args(rich(Rich::Html)),
        "coordinates" => no_args(rich(Rich::Coordinates)),
        _ => Err(Diagnostic::unknown_type(
            name,
            other_language_type(name),
            span,
            TYPE_NAMES.iter().copied(),
        )),
    }
}

/// The SpecQL type for a type name of SQL, a programming language or JSON Schema that
/// SpecQL spells differently (`string` → `text`), which edit distance would not find.
fn other_language_type(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "string" | "str" | "varchar" | "char" | "character" | "nvarchar" | "citext" => "text",
        "int" | "int4" | "integer4" | "i32" | "serial" => "integer",
        "long" | "int8" | "i64" | "bigserial" => "bigint",
        "short" | "int2" | "i16" => "smallint",
        "bool" => "boolean",
        "double" | "real" | "float4" | "float8" | "f32" | "f64" | "number" => "float",
        "timestamptz" | "instant" => "timestamp",
        "object" | "dict" | "map" | "hash" => "jsonb",
        "guid" => "uuid",
        "inet" | "ip" => "ipAddress",
        "currency" => "currencyCode",
        "country" => "countryCode",
        "array" => "list(T)",
        "reference" | "fk" | "foreign_key" => "ref(Entity)",
        _ => return None,
    })
}

/// `text` without its surrounding `quote`s, a doubled quote inside read as one.
fn unquote(text: &str, quote: char) -> Option<String> {
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    let doubled: String = [quote, quote].iter().collect();
    Some(inner.replace(&doubled, &quote.to_string()))
}

/// Splits type arguments at commas outside quotes (single or double) and parentheses, so
/// that `enum(a, 'b, c')` and `enum(a, "b, c")` have two values and
/// `list(decimal(10, 2))` one argument.
fn split_top_level(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in inner.char_indices() {
        let quoted = quote.is_some();
        match c {
            '\'' | '"' if quote == Some(c) => quote = None,
            '\'' | '"' if !quoted => quote = Some(c),
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
}

/// Every type name, for "did you mean".
pub const TYPE_NAMES: &[&str] = &[
    "text",
    "integer",
    "bigint",
    "smallint",
    "decimal",
    "numeric",
    "float",
    "boolean",
    "date",
    "timestamp",
    "datetime",
    "time",
    "interval",
    "duration",
    "uuid",
    "json",
    "jsonb",
    "email",
    "phone",
    "phoneNumber",
    "url",
    "slug",
    "money",
    "percentage",
    "currencyCode",
    "countryCode",
    "latitude",
    "longitude",
    "ipAddress",
    "macAddress",
    "color",
    "domainName",
    "image",
    "markdown",
    "html",
    "coordinates",
    "enum",
    "ref",
    "list",
];

fn type_args(name: &str, expected: &str, span: Span) -> Diagnostic {
    Diagnostic::invalid_type_arguments(name, expected, span)
}

fn parse_number<T: std::str::FromStr>(text: &str, span: Span) -> Result<T, Diagnostic> {
    text.parse()
        .map_err(|_| Diagnostic::invalid_type_number(text, span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;
    use crate::source::FileId;

    fn origin(len: usize) -> Origin {
        Origin::verbatim(Span::new(FileId(0), 10, 10 + len as u32), 10)
    }

    fn parse(text: &str) -> Result<ShortForm, Diagnostic> {
        parse_short_form(text, &origin(text.len()), true)
    }

    #[test]
    fn reads_required_and_default() {
        let f = parse("enum(a, b) = 'a'").unwrap();
        assert_eq!(
            f.ty,
            TypeSyntax::Known(FieldType::Enum(vec!["a".into(), "b".into()]))
        );
        assert_eq!(f.default.unwrap().0, "'a'");
        assert!(parse("ref(Customer)!").unwrap().required);
    }

    #[test]
    fn quoted_enum_values_keep_their_commas() {
        let f = parse("enum(a, 'b, c', 'it''s')").unwrap();
        assert_eq!(
            f.ty,
            TypeSyntax::Known(FieldType::Enum(vec![
                "a".into(),
                "b, c".into(),
                "it's".into()
            ]))
        );
        let f = parse(r#"enum("c,d", "say ""hi""", 'x"y')"#).unwrap();
        assert_eq!(
            f.ty,
            TypeSyntax::Known(FieldType::Enum(vec![
                "c,d".into(),
                "say \"hi\"".into(),
                "x\"y".into()
            ]))
        );
        assert!(parse("list(decimal(10, 2))").is_ok());
    }

    #[test]
    fn question_mark_points_at_itself() {
        let err = parse("text?").unwrap_err();
        assert_eq!(err.code, codes::OPTIONAL_MARKER);
        assert_eq!((err.primary.span.start, err.primary.span.end), (14, 15));
    }

    #[test]
    fn rejects_bad_arguments() {
        assert_eq!(
            parse("text(0)").unwrap_err().code,
            codes::INVALID_TYPE_ARGUMENTS
        );
        assert_eq!(
            parse("integer(5, 1)").unwrap_err().code,
            codes::INVALID_TYPE_ARGUMENTS
        );
        assert_eq!(
            parse("decimal(2, 5)").unwrap_err().code,
            codes::INVALID_TYPE_ARGUMENTS
        );
        assert_eq!(parse("strng").unwrap_err().code, codes::UNKNOWN_TYPE);
    }
}
