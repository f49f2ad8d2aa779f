//! Rich-type defaults (issue 13, class 9): the compiler's judgement of a default
//! (`specqlc::lower::literal::rich`) agrees with the column's own CHECK, evaluated by
//! PostgreSQL, on tricky candidates, so an accepted default never fails its CHECK on
//! insert and a refused one really would have (non-ASCII spaces aside, which the
//! compiler refuses whatever the database's locale says).

use specqlc::backend::postgres::checks;
use specqlc::ir::{FieldType, Rich};
use specqlc::lower::literal;

use crate::support::TestDb;

const CANDIDATES: &[&str] = &[
    "",
    "a",
    "ann@example.com",
    "a@b",
    "a@b.c",
    "a@.c",
    "a@b.",
    "a b@c.d",
    "a@b@c.d",
    "a\tb@c.d",
    "a\u{b}b@c.d",
    "https://x/\u{c}",
    "a\u{a0}b@c.d",
    "é@ü.de",
    "+33123456789",
    "+0123",
    "+1",
    "+12",
    "+1234567890123456",
    "https://example.com/a?b=c",
    "HTTP://X.Y",
    "ftp://x/y.png",
    "x.y",
    "1http://x",
    "a-slug",
    "a--b",
    "-a",
    "A-b",
    "#00ffAA",
    "#00ffA",
    "red",
    "example.com",
    "sub.example.co",
    "-x.com",
    "x-.com",
    "x.c0m",
    "x.c",
    "localhost",
];

#[test]
fn rich_default_rules_agree_with_the_checks() {
    let db = TestDb::new();
    let mut client = db.client();
    let mut disagreements = Vec::new();
    for r in [
        Rich::Email,
        Rich::Phone,
        Rich::Url,
        Rich::Image,
        Rich::Slug,
        Rich::Color,
        Rich::DomainName,
    ] {
        let check = checks::check("v", &FieldType::Rich(r)).expect("a CHECK");
        let sql = format!("SELECT ({check}) FROM (SELECT $1::text AS v) AS t");
        for &s in CANDIDATES {
            let server: bool = client.query_one(&sql, &[&s]).unwrap().get(0);
            let compiler = literal::rich(r, s).is_ok();
            // Whether `[:space:]` covers non-ASCII spaces depends on the database's
            // locale; the compiler counts them as spaces, so it may refuse such a default
            // that a particular database would take, never the other way round.
            let conservative = !compiler && server && !s.is_ascii();
            if server != compiler && !conservative {
                disagreements.push(format!(
                    "{}: {s:?}: CHECK {server}, compiler {compiler}",
                    r.name()
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// Date, time, timestamp, interval and UUID defaults: whatever the compiler accepts,
/// PostgreSQL casts (the compiler is narrower on purpose: ISO forms only).
#[test]
fn temporal_and_uuid_defaults_the_compiler_accepts_cast() {
    let db = TestDb::new();
    let mut client = db.client();
    type Judge = fn(&str) -> Result<(), String>;
    let kinds: [(&str, Judge, &[&str]); 5] = [
        (
            "date",
            literal::date,
            &[
                "2020-02-29",
                "2021-02-29",
                "0001-01-01",
                "9999-12-31",
                "-infinity",
                "2020-1-1",
            ],
        ),
        (
            "time",
            literal::time,
            &[
                "00:00",
                "23:59:60",
                "24:00:00",
                "24:00:01",
                "12:30:00.123456",
                "7:00",
            ],
        ),
        (
            "timestamptz",
            literal::timestamp,
            &[
                "2020-01-02T03:04:05Z",
                "2020-01-02 03:04:05.5+15:59",
                "2020-01-02 03:04-0530",
                "2020-01-02 24:00",
                "2020-01-02t03:04z",
                "infinity",
            ],
        ),
        (
            "interval",
            literal::interval,
            &[
                "178956970 years",
                "2147483647 days",
                "2562047788 hours",
                "1 mon 2 w",
            ],
        ),
        (
            "uuid",
            literal::uuid,
            &[
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "A0EEBC999C0B4EF8BB6D6BB9BD380A11",
            ],
        ),
    ];
    let mut refused = Vec::new();
    for (ty, judge, candidates) in kinds {
        for &s in candidates {
            if judge(s).is_err() {
                continue;
            }
            let sql = format!("SELECT $1::text::{ty}");
            if let Err(error) = client.query_one(&sql, &[&s]) {
                refused.push(format!("{ty} {s:?}: {error}"));
            }
        }
    }
    assert!(refused.is_empty(), "{refused:#?}");
}
