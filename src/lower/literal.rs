//! Compile-time checks of the text of date, time, timestamp and UUID literals and of
//! rich-type defaults: a literal PostgreSQL would refuse (`'2020-02-30'`, a malformed
//! UUID), or that its column's own CHECK would refuse (an `email` default `'bad'`), is
//! reported at the spec instead of failing when the table is created or on every insert.
//!
//! The forms accepted are deliberately narrower than PostgreSQL's input functions: ISO
//! dates `YYYY-MM-DD`, times `HH:MM[:SS[.fraction]]`, timestamps `<date>[T| ]<time>`
//! with an optional `Z` or `±HH[:MM]` zone, and `infinity`/`-infinity`; UUIDs as 32 hex
//! digits, hyphenated 8-4-4-4-12 or not. PostgreSQL's special words `now`, `today`,
//! `tomorrow`, `yesterday` are refused: as a column default they would be read once,
//! when the table is created, and frozen there. The rich-type rules mirror the CHECKs of
//! `backend::postgres::checks` (LANGUAGE §2).

use crate::ir::Rich;

/// Words PostgreSQL reads as the moment of reading.
const MOMENTS: [&str; 4] = ["now", "today", "tomorrow", "yesterday"];

/// Why `s` is not a date, if it is not one.
pub fn date(s: &str) -> Result<(), String> {
    let s = s.trim();
    if is_infinity(s) {
        return Ok(());
    }
    moment(s)?;
    calendar_date(s).ok_or_else(|| format!("`{s}` is not a date of the calendar (YYYY-MM-DD)"))
}

/// Why `s` is not a time of day, if it is not one.
pub fn time(s: &str) -> Result<(), String> {
    let s = s.trim();
    moment(s)?;
    clock(s).ok_or_else(|| format!("`{s}` is not a time of day (HH:MM[:SS])"))
}

/// Why `s` is not a timestamp, if it is not one.
pub fn timestamp(s: &str) -> Result<(), String> {
    let s = s.trim();
    if is_infinity(s) {
        return Ok(());
    }
    moment(s)?;
    let bad = || format!("`{s}` is not a timestamp (YYYY-MM-DD HH:MM[:SS][zone])");
    if s.len() < 10 || !s.is_char_boundary(10) {
        return Err(bad());
    }
    let (day, rest) = s.split_at(10);
    calendar_date(day).ok_or_else(bad)?;
    let Some(rest) = rest.strip_prefix(['T', 't', ' ']) else {
        return if rest.is_empty() { Ok(()) } else { Err(bad()) };
    };
    let (clock_text, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    clock(clock_text.trim_end()).ok_or_else(bad)?;
    zone_ok(zone).then_some(()).ok_or_else(bad)
}

/// Why `s` is not a UUID, if it is not one.
pub fn uuid(s: &str) -> Result<(), String> {
    let hex = |t: &str| t.chars().all(|c| c.is_ascii_hexdigit());
    let groups: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let ok = groups.iter().all(|g| hex(g)) && (lens == [32] || lens == [8, 4, 4, 4, 12]);
    ok.then_some(()).ok_or_else(|| {
        format!("`{s}` is not a UUID (32 hex digits, e.g. a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)")
    })
}

/// Why `s` is an interval PostgreSQL cannot hold, if it is one. Only the verbose form
/// `<number> <unit> ...` (`1 day`, `2 hours 30 minutes`) is judged, against the limits
/// of PostgreSQL's fields (months and days in 32 bits, microseconds in 64); any other
/// form is left to PostgreSQL.
pub fn interval(s: &str) -> Result<(), String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return Ok(());
    }
    let (mut months, mut days, mut micros) = (0i128, 0i128, 0i128);
    for pair in words.chunks(2) {
        let Ok(n) = pair[0].parse::<i128>() else {
            return Ok(());
        };
        let unit = pair[1].to_ascii_lowercase();
        let unit = unit.strip_suffix('s').unwrap_or(&unit);
        match unit {
            "year" | "yr" | "y" => months += n * 12,
            "month" | "mon" => months += n,
            "week" | "w" => days += n * 7,
            "day" | "d" => days += n,
            "hour" | "hr" | "h" => micros += n * 3_600_000_000,
            "minute" | "min" | "m" => micros += n * 60_000_000,
            "second" | "sec" => micros += n * 1_000_000,
            _ => return Ok(()),
        }
        let fits = i32::try_from(months).is_ok()
            && i32::try_from(days).is_ok()
            && i64::try_from(micros).is_ok();
        if !fits {
            return Err(format!("`{s}` is out of range for an interval"));
        }
    }
    Ok(())
}

/// Why `s` breaks the rule of rich type `r`, if it does (types without a text rule pass).
pub fn rich(r: Rich, s: &str) -> Result<(), String> {
    let ok = match r {
        Rich::Email => email(s),
        Rich::Phone => {
            s.len() >= 3
                && s.len() <= 16
                && s.starts_with('+')
                && s[1..].chars().all(|c| c.is_ascii_digit())
                && !s[1..].starts_with('0')
        }
        Rich::Url => url(s),
        Rich::Image => {
            let lower = s.to_ascii_lowercase();
            (lower.starts_with("http://") || lower.starts_with("https://")) && url(s)
        }
        Rich::Slug => {
            !s.is_empty()
                && s.split('-').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
        }
        Rich::Color => {
            s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
        }
        Rich::DomainName => domain(s),
        _ => true,
    };
    ok.then_some(())
        .ok_or_else(|| format!("`{s}` is not a valid `{}`", r.name()))
}

fn is_infinity(s: &str) -> bool {
    matches!(s.to_ascii_lowercase().as_str(), "infinity" | "-infinity")
}

fn moment(s: &str) -> Result<(), String> {
    let lower = s.to_ascii_lowercase();
    if MOMENTS.contains(&lower.as_str()) {
        return Err(format!(
            "`{s}` would be read once, when the table is created, and frozen there"
        ));
    }
    Ok(())
}

fn number(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn calendar_date(s: &str) -> Option<()> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1 && (1..=days).contains(&d)).then_some(())
}

fn clock(s: &str) -> Option<()> {
    let mut parts = s.split(':');
    let (h, m) = (number(parts.next()?, 2)?, number(parts.next()?, 2)?);
    let sec = match parts.next() {
        None => 0,
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
            if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            number(whole, 2)?
        }
    };
    if parts.next().is_some() {
        return None;
    }
    (h < 24 && m < 60 && sec <= 60 || h == 24 && m == 0 && sec == 0).then_some(())
}

fn zone_ok(zone: &str) -> bool {
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") {
        return true;
    }
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    let (h, m) = match offset.split_once(':') {
        Some((h, m)) => (h, Some(m)),
        None if offset.len() == 4 => (&offset[..2], Some(&offset[2..])),
        None => (offset, None),
    };
    number(h, 2).is_some_and(|h| h <= 15) && m.is_none_or(|m| number(m, 2).is_some_and(|m| m < 60))
}

/// `^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$`
fn email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let clean = |t: &str| !t.is_empty() && !t.contains(|c: char| c == '@' || c.is_whitespace());
    clean(local)
        && clean(domain)
        && domain
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
}

/// `^[A-Za-z][A-Za-z0-9+.-]*://[^[:space:]]+$`
fn url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !rest.is_empty()
        && !rest.contains(char::is_whitespace)
}

/// Dot-separated labels of letters, digits and inner hyphens (at most 63), an
/// alphabetic TLD of 2 to 63 letters, at most 253 characters.
fn domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    s.len() <= 253
        && !rest.is_empty()
        && (2..=63).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && rest.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_calendar() {
        for ok in [
            "2020-02-29",
            "1999-12-31",
            "infinity",
            "-infinity",
            " 2021-01-01 ",
        ] {
            assert!(date(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2020-02-30",
            "2021-02-29",
            "2020-13-01",
            "2020-1-1",
            "now",
            "Today",
            "x",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_and_times() {
        for ok in [
            "2020-01-02",
            "2020-01-02 03:04",
            "2020-01-02T03:04:05Z",
            "2020-01-02T03:04:05.123+02:00",
            "2020-01-02 03:04:05-0530",
            "2020-01-02 24:00:00",
        ] {
            assert!(timestamp(ok).is_ok(), "{ok}");
        }
        for bad in [
            "now",
            "2020-02-30 00:00",
            "2020-01-02 25:00",
            "2020-01-02X03:04",
            "2020-01-02 03:04+99",
        ] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
        assert!(time("12:30:00").is_ok() && time("23:59").is_ok());
        assert!(time("24:01").is_err() && time("noon").is_err() && time("now").is_err());
    }

    #[test]
    fn intervals_that_overflow() {
        for ok in [
            "1 day",
            "2 hours 30 minutes",
            "178956970 years",
            "P1D",
            "1 day 02:00",
        ] {
            assert!(interval(ok).is_ok(), "{ok}");
        }
        for bad in ["178956971 years", "3000000000 days", "99999999999999 hours"] {
            assert!(interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").is_ok());
        assert!(uuid("A0EEBC999C0B4EF8BB6D6BB9BD380A11").is_ok());
        for bad in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "not-a-uuid",
            "",
            "g0eebc999c0b4ef8bb6d6bb9bd380a11",
        ] {
            assert!(uuid(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rich_rules_match_the_checks() {
        assert!(rich(Rich::Email, "ann@example.com").is_ok());
        for bad in ["bad", "a@b", "a b@c.d", "@b.c", "a@.c", "a@b."] {
            assert!(rich(Rich::Email, bad).is_err(), "{bad}");
        }
        assert!(rich(Rich::Phone, "+33123456789").is_ok());
        assert!(rich(Rich::Phone, "0123").is_err() && rich(Rich::Phone, "+0123").is_err());
        assert!(rich(Rich::Slug, "a-b-1").is_ok() && rich(Rich::Slug, "a--b").is_err());
        assert!(rich(Rich::Color, "#00ffAA").is_ok() && rich(Rich::Color, "red").is_err());
        assert!(rich(Rich::Url, "https://x.y/z").is_ok() && rich(Rich::Url, "x.y").is_err());
        assert!(rich(Rich::Image, "ftp://x/y.png").is_err());
        assert!(rich(Rich::DomainName, "example.com").is_ok());
        assert!(
            rich(Rich::DomainName, "-x.com").is_err() && rich(Rich::DomainName, "x.c0m").is_err()
        );
        assert!(rich(Rich::Markdown, "anything").is_ok());
    }
}
