//! Property tests for stage 2 (step and expression text -> syntax tree).
//!
//! Whatever the text, every `parse_*` entry point returns an AST or one E0201 diagnostic,
//! never panics, and every span it reports lies inside the text's place in the file.
//! Random syntax trees, printed with full parentheses, parse back to the same tree.
//!
//! `SPECQL_FUZZ_CASES` sets the number of inputs per property (default 2000, so that
//! `cargo test` stays fast); `SPECQL_FUZZ_SECONDS`, when set, also stops each property
//! after that many seconds. Each property prints how many inputs it tried.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

use specqlc::diag::{Diagnostic, codes};
use specqlc::expr::ast::*;
use specqlc::expr::{
    parse_call_target, parse_delete, parse_entity_name, parse_expr, parse_foreach, parse_insert,
    parse_notify_channel, parse_update,
};
use specqlc::source::{FileId, Origin, Span};

// ---------------------------------------------------------------------------------------
// Driver

/// Runs `check` on inputs from `strategy` in batches until `SPECQL_FUZZ_CASES` inputs
/// were tried or `SPECQL_FUZZ_SECONDS` passed, then reports the count on stderr.
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let cases: u64 = env_number("SPECQL_FUZZ_CASES").unwrap_or(2000);
    let deadline =
        env_number("SPECQL_FUZZ_SECONDS").map(|s| Instant::now() + Duration::from_secs(s));
    let started = Instant::now();
    let mut tried = 0u64;
    while tried < cases && deadline.is_none_or(|d| Instant::now() < d) {
        let batch = (cases - tried).min(5000);
        let mut runner = TestRunner::new(Config {
            cases: batch as u32,
            failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
            source_file: Some(file!()),
            max_shrink_iters: 10_000,
            ..Config::default()
        });
        if let Err(failure) = runner.run(&strategy, &check) {
            panic!("{name}: {failure}");
        }
        tried += batch;
    }
    eprintln!(
        "expr_fuzz {name}: {tried} inputs in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

fn env_number(var: &str) -> Option<u64> {
    std::env::var(var).ok().and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Pieces of SpecQL and of things that are not SpecQL, to build near-misses from.
const TOKENS: &[&str] = &[
    "AND",
    "and",
    "Or",
    "NOT",
    "not",
    "IS",
    "is",
    "NULL",
    "null",
    "IN",
    "in",
    "LIKE",
    "ilike",
    "BETWEEN",
    "TRUE",
    "false",
    "SET",
    "set",
    "WHERE",
    "where",
    "INTERVAL",
    "interval",
    "input",
    "input.",
    "item.",
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "||",
    "|",
    "+",
    "-",
    "--",
    "*",
    "/",
    "%",
    "?",
    "!",
    "(",
    ")",
    "((",
    "))",
    "{",
    "}",
    ",",
    ":",
    ".",
    ";",
    "'",
    "''",
    "'lead'",
    "'it''s'",
    "'a b",
    "\"",
    "`",
    "$",
    "$email",
    "$1",
    "0",
    "42",
    "3.14",
    "1e3",
    "1.",
    ".5",
    "007",
    "a",
    "b",
    "status",
    "Contact",
    "item",
    "x_1",
    "_",
    "now",
    "lower(",
    "billing",
    "charge_card",
    "é",
    "ß",
    "日本",
    "🦀",
    "\u{0}",
    "\u{7f}",
    "\u{feff}",
    "\u{2028}",
    "e\u{301}",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "",
];

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(TOKENS)
}

/// Token soup: grammar-ish words and symbols with random spacing.
fn tokens() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (token(), prop::sample::select(&["", " ", " ", "\n"][..])),
        0..24,
    )
    .prop_map(|parts| parts.into_iter().flat_map(|(t, sep)| [t, sep]).collect())
}

/// A valid step or expression with one random edit: a token inserted or a character
/// removed, so that errors land deep inside otherwise good text.
fn mutated() -> impl Strategy<Value = String> {
    (
        printed_expr(),
        any::<prop::sample::Index>(),
        token(),
        any::<bool>(),
    )
        .prop_map(|(text, at, token, insert)| {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let i = *at.get(&boundaries);
            let mut out = text.clone();
            if insert {
                out.insert_str(i, token);
            } else if let Some(c) = text[i..].chars().next() {
                out.replace_range(i..i + c.len_utf8(), "");
            }
            out
        })
}

/// Deep nesting of parentheses, prefix operators, calls and lists, balanced or not.
fn nested() -> impl Strategy<Value = String> {
    let opener = prop::sample::select(
        &[
            "(",
            "NOT ",
            "-",
            "f(",
            "a IN (",
            "a BETWEEN ",
            "- (",
            "x + (",
        ][..],
    );
    (
        prop::collection::vec(opener, 0..600),
        any::<bool>(),
        0usize..600,
    )
        .prop_map(|(openers, balanced, closers)| {
            let mut text: String = openers.concat();
            text.push('a');
            let owed = openers.iter().filter(|o| o.ends_with('(')).count();
            let closers = if balanced { owed } else { closers };
            for opener in openers.iter().rev() {
                if opener.ends_with("BETWEEN ") {
                    text.push_str(" AND b");
                }
            }
            text.push_str(&")".repeat(closers));
            text
        })
}

// ---------------------------------------------------------------------------------------
// Invariants

/// The value sits at byte `base` of file 7; the scalar includes two quotes around it.
fn origin_for(text: &str, base: u32) -> Origin {
    Origin::verbatim(
        Span::new(FileId(7), base - 1, base + text.len() as u32 + 1),
        base,
    )
}

fn span_ok(text: &str, origin: &Origin, span: Span) -> Result<(), TestCaseError> {
    let base = origin.verbatim_start.expect("verbatim origin");
    prop_assert_eq!(span.file, FileId(7));
    prop_assert!(span.start <= span.end, "backwards span {span:?}");
    prop_assert!(
        span.start >= base,
        "span {span:?} starts before the text at {base}"
    );
    let (start, end) = ((span.start - base) as usize, (span.end - base) as usize);
    prop_assert!(
        end <= text.len(),
        "span {span:?} ends after the text ({} bytes)",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {span:?} splits a character"
    );
    Ok(())
}

fn diagnostic_ok(text: &str, origin: &Origin, d: &Diagnostic) -> Result<(), TestCaseError> {
    prop_assert_eq!(d.code, codes::SYNTAX);
    prop_assert!(d.is_error());
    prop_assert!(!d.message.is_empty());
    // Grammar names never show; the text itself may of course contain anything.
    for words in [&d.message, &d.primary.message] {
        for internal in [
            "Rule", "::", "_op", "_entry", "_step", "primary", "EOI", "SOI",
        ] {
            prop_assert!(
                !words.contains(internal) || text.contains(internal),
                "internal name in {words:?}"
            );
        }
    }
    span_ok(text, origin, d.primary.span)?;
    for label in &d.secondary {
        span_ok(text, origin, label.span)?;
    }
    Ok(())
}

fn expr_spans(e: &Expr, spans: &mut Vec<Span>) {
    spans.push(e.span);
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Interval(_) | ExprKind::Placeholder => {}
        ExprKind::Name(name) | ExprKind::Input(name) => spans.push(name.span),
        ExprKind::Qualified(a, b) => spans.extend([a.span, b.span]),
        ExprKind::Unary(_, e) | ExprKind::IsNull { expr: e, .. } => expr_spans(e, spans),
        ExprKind::Binary(_, a, b)
        | ExprKind::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            expr_spans(a, spans);
            expr_spans(b, spans);
        }
        ExprKind::InList { expr, list, .. } => {
            expr_spans(expr, spans);
            list.iter().for_each(|e| expr_spans(e, spans));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            for e in [expr, low, high] {
                expr_spans(e, spans);
            }
        }
        ExprKind::Call { name, args } => {
            spans.push(name.span);
            args.iter().for_each(|e| expr_spans(e, spans));
        }
    }
}

fn assignment_spans(list: &[Assignment], spans: &mut Vec<Span>) {
    for a in list {
        spans.push(a.field.span);
        expr_spans(&a.value, spans);
    }
}

/// Runs every entry point on `text`: an AST whose spans are all inside the text, or one
/// well-formed E0201 whose spans are; with an origin that does not map offsets, every
/// span is the scalar's; with one that maps them through a table (a folded or escaped
/// scalar, here one written twice as wide), spans stay inside the written scalar.
fn check_every_parser(text: &str, base: u32) -> Result<(), TestCaseError> {
    let origin = origin_for(text, base);
    let mapped = Origin {
        map: Some((0..=text.len() as u32).map(|i| base + 2 * i).collect()),
        ..Origin::opaque(Span::new(FileId(7), base, base + 2 * text.len() as u32))
    };
    let mut spans = Vec::new();
    macro_rules! each {
        ($($parse:ident => $collect:expr;)*) => {$(
            match $parse(text, &origin) {
                Ok(ast) => ($collect)(&ast, &mut spans),
                Err(d) => diagnostic_ok(text, &origin, &d)?,
            }
            let loose = Origin::opaque(origin.scalar);
            if let Err(d) = $parse(text, &loose) {
                prop_assert_eq!(d.primary.span, loose.scalar);
            }
            if let Err(d) = $parse(text, &mapped) {
                let (start, end) = (d.primary.span.start, d.primary.span.end);
                prop_assert!(
                    base <= start && start <= end && end <= base + 2 * text.len() as u32,
                    "mapped span {:?} outside the scalar", d.primary.span
                );
            }
        )*};
    }
    each! {
        parse_expr => |e: &Expr, s: &mut Vec<Span>| {
            expr_spans(e, s);
        };
        parse_update => |u: &UpdateStep, s: &mut Vec<Span>| {
            s.push(u.entity.span);
            assignment_spans(&u.set, s);
            if let Some(f) = &u.filter { expr_spans(f, s) }
        };
        parse_insert => |i: &InsertStep, s: &mut Vec<Span>| {
            s.push(i.entity.span);
            if let Some(v) = &i.values { assignment_spans(v, s) }
        };
        parse_delete => |d: &DeleteStep, s: &mut Vec<Span>| {
            s.push(d.entity.span);
            if let Some(f) = &d.filter { expr_spans(f, s) }
        };
        parse_foreach => |f: &ForeachHead, s: &mut Vec<Span>| s.extend([f.var.span, f.input_key.span]);
        parse_call_target => |p: &FunctionPath, s: &mut Vec<Span>| s.extend([p.schema.span, p.function.span]);
        parse_notify_channel => |c: &Ident, s: &mut Vec<Span>| s.push(c.span);
        parse_entity_name => |c: &Ident, s: &mut Vec<Span>| s.push(c.span);
    }
    for span in spans {
        span_ok(text, &origin, span)?;
    }
    // What parses prints back to text that parses to the same tree.
    if let Ok(ast) = parse_expr(text, &origin) {
        let printed = print_expr(&ast, &Style::default());
        let again = parse_expr(&printed, &origin_for(&printed, 1)).map_err(|d| {
            TestCaseError::fail(format!("{printed:?} does not parse: {}", d.message))
        })?;
        prop_assert_eq!(strip(&again), strip(&ast), "printed as {:?}", printed);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Random syntax trees and a fully parenthesized printer

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "is", "null", "in", "like", "ilike", "between", "true", "false", "set",
    "where", "interval",
];

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

fn ident(name: impl Into<String>) -> Ident {
    Ident {
        name: name.into(),
        span: Span::default(),
    }
}

/// Any word: `$key`, the part after `.`, channel and function names.
fn any_name() -> impl Strategy<Value = Ident> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,7}",
        prop::sample::select(KEYWORDS).prop_map(str::to_uppercase),
    ]
    .prop_map(ident)
}

/// A word that is not a keyword: fields, entities, functions, loop variables.
fn plain_name() -> impl Strategy<Value = Ident> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,7}"
        .prop_filter("keywords are not names", |w| !is_keyword(w))
        .prop_map(ident)
}

fn e(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<String>().prop_map(|s| ExprKind::Literal(Literal::String(s))),
        "[0-9]{1,6}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
            .prop_map(|n| ExprKind::Literal(Literal::Number(n))),
        any::<bool>().prop_map(|b| ExprKind::Literal(Literal::Bool(b))),
        Just(ExprKind::Literal(Literal::Null)),
        "[0-9a-z '’]{0,12}".prop_map(ExprKind::Interval),
        plain_name().prop_map(ExprKind::Name),
        (plain_name(), any_name()).prop_map(|(a, b)| ExprKind::Qualified(a, b)),
        any_name().prop_map(ExprKind::Input),
        Just(ExprKind::Placeholder),
    ]
    .prop_map(e)
}

const BINARY_OPS: &[BinaryOp] = &[
    BinaryOp::Or,
    BinaryOp::And,
    BinaryOp::Eq,
    BinaryOp::NotEq,
    BinaryOp::Lt,
    BinaryOp::LtEq,
    BinaryOp::Gt,
    BinaryOp::GtEq,
    BinaryOp::Concat,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Mod,
];

fn expr_tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        let boxed = || inner.clone().prop_map(Box::new);
        prop_oneof![
            (
                prop::sample::select(&[UnaryOp::Not, UnaryOp::Neg][..]),
                boxed()
            )
                .prop_map(|(op, x)| ExprKind::Unary(op, x)),
            (prop::sample::select(BINARY_OPS), boxed(), boxed())
                .prop_map(|(op, a, b)| ExprKind::Binary(op, a, b)),
            (boxed(), any::<bool>()).prop_map(|(expr, negated)| ExprKind::IsNull { expr, negated }),
            (
                boxed(),
                prop::collection::vec(inner.clone(), 1..4),
                any::<bool>()
            )
                .prop_map(|(expr, list, negated)| ExprKind::InList {
                    expr,
                    list,
                    negated
                }),
            (boxed(), boxed(), any::<bool>(), any::<bool>()).prop_map(
                |(expr, pattern, negated, case_insensitive)| ExprKind::Like {
                    expr,
                    pattern,
                    negated,
                    case_insensitive
                }
            ),
            (boxed(), boxed(), boxed(), any::<bool>()).prop_map(|(expr, low, high, negated)| {
                ExprKind::Between {
                    expr,
                    low,
                    high,
                    negated,
                }
            }),
            (plain_name(), prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(name, args)| ExprKind::Call { name, args }),
        ]
        .prop_map(e)
    })
}

/// How the printer spells keywords and separates words.
#[derive(Clone, Debug)]
struct Style {
    lower: bool,
    sep: &'static str,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            lower: false,
            sep: " ",
        }
    }
}

fn style() -> impl Strategy<Value = Style> {
    (
        any::<bool>(),
        prop::sample::select(&[" ", "  ", "\n", "\t", " \r\n  "][..]),
    )
        .prop_map(|(lower, sep)| Style { lower, sep })
}

impl Style {
    fn kw(&self, word: &str) -> String {
        if self.lower {
            word.to_lowercase()
        } else {
            word.to_owned()
        }
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Every compound expression in parentheses, so the tree alone decides the text.
fn print_expr(x: &Expr, st: &Style) -> String {
    let s = st.sep;
    let p = |x: &Expr| print_expr(x, st);
    let not = |negated: bool| {
        if negated {
            format!("{}{s}", st.kw("NOT"))
        } else {
            String::new()
        }
    };
    let list = |xs: &[Expr]| xs.iter().map(p).collect::<Vec<_>>().join(&format!(",{s}"));
    match &x.kind {
        ExprKind::Literal(Literal::String(v)) => quote(v),
        ExprKind::Literal(Literal::Number(n)) => n.clone(),
        ExprKind::Literal(Literal::Bool(b)) => st.kw(if *b { "TRUE" } else { "FALSE" }),
        ExprKind::Literal(Literal::Null) => st.kw("NULL"),
        ExprKind::Interval(v) => format!("{}{s}{}", st.kw("INTERVAL"), quote(v)),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Qualified(a, b) => format!("{}.{}", a.name, b.name),
        ExprKind::Input(k) => format!("${}", k.name),
        ExprKind::Placeholder => "?".to_owned(),
        ExprKind::Unary(UnaryOp::Not, x) => format!("({}{s}{})", st.kw("NOT"), p(x)),
        ExprKind::Unary(UnaryOp::Neg, x) => format!("(-{s}{})", p(x)),
        ExprKind::Binary(op, a, b) => format!("({}{s}{}{s}{})", p(a), st.kw(op.as_str()), p(b)),
        ExprKind::IsNull { expr, negated } => {
            format!(
                "({}{s}{}{s}{}{})",
                p(expr),
                st.kw("IS"),
                not(*negated),
                st.kw("NULL")
            )
        }
        ExprKind::InList {
            expr,
            list: xs,
            negated,
        } => {
            format!(
                "({}{s}{}{}{s}({}))",
                p(expr),
                not(*negated),
                st.kw("IN"),
                list(xs)
            )
        }
        ExprKind::Like {
            expr,
            pattern,
            negated,
            case_insensitive,
        } => {
            let like = st.kw(if *case_insensitive { "ILIKE" } else { "LIKE" });
            format!("({}{s}{}{like}{s}{})", p(expr), not(*negated), p(pattern))
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => format!(
            "({}{s}{}{}{s}{}{s}{}{s}{})",
            p(expr),
            not(*negated),
            st.kw("BETWEEN"),
            p(low),
            st.kw("AND"),
            p(high)
        ),
        ExprKind::Call { name, args } => format!("{}({})", name.name, list(args)),
    }
}

fn printed_expr() -> impl Strategy<Value = String> {
    (expr_tree(), style()).prop_map(|(x, st)| print_expr(&x, &st))
}

fn print_assignments(list: &[Assignment], st: &Style, join: &str) -> String {
    list.iter()
        .map(|a| format!("{}{join}{}", a.field.name, print_expr(&a.value, st)))
        .collect::<Vec<_>>()
        .join(&format!(",{}", st.sep))
}

/// The tree with every span zeroed, to compare structure only.
fn strip(x: &Expr) -> Expr {
    let id = |i: &Ident| ident(i.name.clone());
    let b = |x: &Expr| Box::new(strip(x));
    let kind = match &x.kind {
        ExprKind::Name(n) => ExprKind::Name(id(n)),
        ExprKind::Input(n) => ExprKind::Input(id(n)),
        ExprKind::Qualified(a, c) => ExprKind::Qualified(id(a), id(c)),
        ExprKind::Unary(op, x) => ExprKind::Unary(*op, b(x)),
        ExprKind::Binary(op, l, r) => ExprKind::Binary(*op, b(l), b(r)),
        ExprKind::IsNull { expr, negated } => ExprKind::IsNull {
            expr: b(expr),
            negated: *negated,
        },
        ExprKind::InList {
            expr,
            list,
            negated,
        } => ExprKind::InList {
            expr: b(expr),
            list: list.iter().map(strip).collect(),
            negated: *negated,
        },
        ExprKind::Like {
            expr,
            pattern,
            negated,
            case_insensitive,
        } => ExprKind::Like {
            expr: b(expr),
            pattern: b(pattern),
            negated: *negated,
            case_insensitive: *case_insensitive,
        },
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => ExprKind::Between {
            expr: b(expr),
            low: b(low),
            high: b(high),
            negated: *negated,
        },
        ExprKind::Call { name, args } => ExprKind::Call {
            name: id(name),
            args: args.iter().map(strip).collect(),
        },
        other => other.clone(),
    };
    e(kind)
}

fn strip_assignments(list: &[Assignment]) -> Vec<(String, Expr)> {
    list.iter()
        .map(|a| (a.field.name.clone(), strip(&a.value)))
        .collect()
}

fn assignments() -> impl Strategy<Value = Vec<Assignment>> {
    prop::collection::vec(
        (plain_name(), expr_tree()).prop_map(|(field, value)| Assignment { field, value }),
        1..4,
    )
}

// ---------------------------------------------------------------------------------------
// Properties

#[test]
fn arbitrary_text_never_panics() {
    fuzz(
        "arbitrary text",
        (any::<String>(), 1u32..1_000_000),
        |(text, base)| check_every_parser(&text, base),
    );
}

#[test]
fn token_soup_never_panics() {
    fuzz("token soup", (tokens(), 1u32..1_000_000), |(text, base)| {
        check_every_parser(&text, base)
    });
}

#[test]
fn edited_expressions_never_panic() {
    fuzz(
        "edited expressions",
        (mutated(), 1u32..1_000_000),
        |(text, base)| check_every_parser(&text, base),
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    fuzz("deep nesting", nested(), |text| {
        let origin = origin_for(&text, 1);
        match parse_expr(&text, &origin) {
            Ok(ast) => expr_spans(&ast, &mut Vec::new()),
            Err(d) => diagnostic_ok(&text, &origin, &d)?,
        }
        Ok(())
    });
}

#[test]
fn printed_expressions_parse_back() {
    fuzz(
        "expression round trip",
        (expr_tree(), style()),
        |(tree, st)| {
            let text = print_expr(&tree, &st);
            let origin = origin_for(&text, 10);
            let parsed = parse_expr(&text, &origin)
                .map_err(|d| TestCaseError::fail(format!("{text:?}: {}", d.message)))?;
            prop_assert_eq!(strip(&parsed), strip(&tree), "text {:?}", text);
            let mut spans = Vec::new();
            expr_spans(&parsed, &mut spans);
            for span in spans {
                span_ok(&text, &origin, span)?;
            }
            prop_assert_eq!(
                (parsed.span.start, parsed.span.end),
                (10, 10 + text.len() as u32)
            );
            Ok(())
        },
    );
}

#[test]
fn printed_steps_parse_back() {
    let steps = (
        plain_name(),
        prop::option::of(assignments()),
        prop::option::of(expr_tree()),
        (plain_name(), any_name(), any::<bool>()),
        (any_name(), any_name()),
        style(),
    );
    fuzz(
        "step round trip",
        steps,
        |(entity, values, filter, (var, key, dollar), (schema, function), st)| {
            let s = st.sep;
            let o = |text: &str| origin_for(text, 5);
            let fail =
                |text: &str, d: Diagnostic| TestCaseError::fail(format!("{text:?}: {}", d.message));

            let mut text = entity.name.clone();
            if let Some(set) = &values {
                text += &format!(
                    "{s}{}{s}{}",
                    st.kw("SET"),
                    print_assignments(set, &st, " = ")
                );
            }
            if let Some(filter) = &filter {
                text += &format!("{s}{}{s}{}", st.kw("WHERE"), print_expr(filter, &st));
            }
            let update = parse_update(&text, &o(&text)).map_err(|d| fail(&text, d))?;
            prop_assert_eq!(&update.entity.name, &entity.name);
            prop_assert_eq!(
                strip_assignments(&update.set),
                strip_assignments(values.as_deref().unwrap_or_default())
            );
            prop_assert_eq!(
                update.filter.as_ref().map(strip),
                filter.as_ref().map(strip)
            );

            let mut text = entity.name.clone();
            if let Some(values) = &values {
                text += &format!("{s}{{{s}{}{s}}}", print_assignments(values, &st, ":"));
            }
            let insert = parse_insert(&text, &o(&text)).map_err(|d| fail(&text, d))?;
            prop_assert_eq!(&insert.entity.name, &entity.name);
            prop_assert_eq!(
                insert.values.as_deref().map(strip_assignments),
                values.as_deref().map(strip_assignments)
            );

            let mut text = entity.name.clone();
            if let Some(filter) = &filter {
                text += &format!("{s}{}{s}{}", st.kw("WHERE"), print_expr(filter, &st));
            }
            let delete = parse_delete(&text, &o(&text)).map_err(|d| fail(&text, d))?;
            prop_assert_eq!(
                delete.filter.as_ref().map(strip),
                filter.as_ref().map(strip)
            );

            let source = if dollar {
                format!("${}", key.name)
            } else {
                format!("input.{}", key.name)
            };
            let text = format!("{s}{}{s}{}{s}{source}{s}", var.name, st.kw("IN"));
            let head = parse_foreach(&text, &o(&text)).map_err(|d| fail(&text, d))?;
            prop_assert_eq!(
                (&head.var.name, &head.input_key.name),
                (&var.name, &key.name)
            );

            let text = format!("{}.{}", schema.name, function.name);
            let path = parse_call_target(&text, &o(&text)).map_err(|d| fail(&text, d))?;
            prop_assert_eq!(
                (&path.schema.name, &path.function.name),
                (&schema.name, &function.name)
            );

            let channel =
                parse_notify_channel(&key.name, &o(&key.name)).map_err(|d| fail(&key.name, d))?;
            prop_assert_eq!(&channel.name, &key.name);
            let select = parse_entity_name(&entity.name, &o(&entity.name))
                .map_err(|d| fail(&entity.name, d))?;
            prop_assert_eq!(&select.name, &entity.name);
            Ok(())
        },
    );
}
