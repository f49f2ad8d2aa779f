//! The one place where a pest error becomes a user-facing diagnostic (E0201).
//!
//! The message says what was expected, by human names ([`describe`]), and what was found
//! instead; the span is the position pest reports, mapped through the [`Origin`] and
//! widened to the token found there. Users never see a `Rule` name.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diag::Diagnostic;
use crate::source::Origin;

/// Converts pest's error for `text`; `end` names the end of the text ("end of step").
pub(super) fn syntax_error(
    error: &Error<Rule>,
    text: &str,
    origin: &Origin,
    end: &'static str,
) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let positives: &[Rule] = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        // pest's own limits (stack depth, call count) on pathological input.
        ErrorVariant::CustomError { .. } => {
            let span = origin.span(pos, pos + token_len(text, pos));
            return Diagnostic::nested_too_deeply(span);
        }
    };

    if positives.contains(&Rule::STRING_END) {
        // The string runs to the end of the text: point at all of it, from its opening
        // quote, since that is where the user must look.
        let start = unclosed_quote(text).unwrap_or(pos);
        return Diagnostic::unterminated_string(origin.span(start, text.len()));
    }

    let mut expected: Vec<&str> = Vec::new();
    for &rule in positives {
        let name = describe(rule, end);
        if !expected.contains(&name) {
            expected.push(name);
        }
    }
    // "end of ..." reads best last.
    expected.sort_by_key(|name| *name == end);
    let found = found(text, pos, end);
    let span = origin.span(pos, pos + token_len(text, pos));
    let diagnostic = if expected.is_empty() {
        Diagnostic::unexpected(&found, span)
    } else {
        Diagnostic::expected(&one_of(&expected), &found, span)
    };
    // Only where a name is all that fits: where an expression fits, a keyword is more
    // likely a doubled or misplaced operator (`a AND AND b`) than a name.
    let wants_name = !expected.is_empty() && expected.iter().all(|name| name.ends_with(" name"));
    let diagnostic = match word_at(text, pos) {
        Some(word) if wants_name && is_keyword(word) => diagnostic.with_note(format!(
            "`{word}` is a keyword of SpecQL expressions, so it cannot be used as a name here"
        )),
        _ => diagnostic,
    };
    match other_language_operator(text, pos) {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// A help for operators of programming languages that SQL, and so SpecQL, spells
/// differently, when the error is at one of them. (`||` is SQL's concatenation, so it
/// parses and gets none.)
fn other_language_operator(text: &str, pos: usize) -> Option<&'static str> {
    let (before, after) = text.split_at(pos);
    if after.starts_with("==") || (after.starts_with('=') && before.ends_with('=')) {
        Some("SpecQL compares with a single `=`, as SQL does: `status = 'lead'`")
    } else if after.starts_with("&&") || (after.starts_with('&') && before.ends_with('&')) {
        Some("write `AND` to combine conditions: `a > 0 AND b > 0`")
    } else {
        None
    }
}

/// The human name of what a rule matches. Exhaustive on purpose: a new rule in the
/// grammar must be named here before it can appear in a message.
fn describe(rule: Rule, end: &'static str) -> &'static str {
    match rule {
        Rule::EOI => end,
        Rule::expr_entry
        | Rule::expr
        | Rule::prefix_op
        | Rule::primary
        | Rule::between_bound
        | Rule::interval
        | Rule::call
        | Rule::qualified
        | Rule::paren => "an expression",
        Rule::postfix_op
        | Rule::infix_op
        | Rule::arith_op
        | Rule::is_null
        | Rule::in_list
        | Rule::like_op
        | Rule::between => "an operator",
        Rule::update_step | Rule::insert_step | Rule::delete_step | Rule::entity_entry => {
            "an entity name"
        }
        Rule::entity_name => "an entity name",
        Rule::field_name | Rule::assignment | Rule::field_value => "a field name",
        Rule::loop_variable | Rule::foreach_head => "a loop variable name",
        Rule::channel_name | Rule::notify_channel => "a channel name",
        Rule::function_path | Rule::call_target => "a function path (`schema.function`)",
        Rule::foreach_source | Rule::input_qualified => "an input key (`$key` or `input.key`)",
        Rule::input_ref => "an input key (`$key`)",
        Rule::set_clause | Rule::SET => "`SET`",
        Rule::where_clause | Rule::WHERE => "`WHERE`",
        Rule::insert_values | Rule::LBRACE => "`{`",
        Rule::NAME | Rule::IDENT => "a name",
        Rule::NUMBER => "a number",
        Rule::STRING | Rule::STRING_BODY => "a string literal",
        Rule::STRING_END => "`'`",
        Rule::PLACEHOLDER => "`?`",
        Rule::NEG | Rule::SUB => "`-`",
        Rule::CONCAT => "`||`",
        Rule::ADD => "`+`",
        Rule::MUL => "`*`",
        Rule::DIV => "`/`",
        Rule::MOD => "`%`",
        Rule::NOT_EQ => "`<>`",
        Rule::LT_EQ => "`<=`",
        Rule::GT_EQ => "`>=`",
        Rule::EQ => "`=`",
        Rule::LT => "`<`",
        Rule::GT => "`>`",
        Rule::LPAREN => "`(`",
        Rule::RPAREN => "`)`",
        Rule::RBRACE => "`}`",
        Rule::COMMA => "`,`",
        Rule::COLON => "`:`",
        Rule::AND => "`AND`",
        Rule::OR => "`OR`",
        Rule::NOT => "`NOT`",
        Rule::IS => "`IS`",
        Rule::NULL => "`NULL`",
        Rule::IN => "`IN`",
        Rule::LIKE => "`LIKE`",
        Rule::ILIKE => "`ILIKE`",
        Rule::BETWEEN => "`BETWEEN`",
        Rule::TRUE => "`TRUE`",
        Rule::FALSE => "`FALSE`",
        Rule::INTERVAL => "`INTERVAL`",
        Rule::INPUT => "`input`",
        // Silent rules: pest never reports them, but they are rules all the same.
        Rule::KEYWORD => "a keyword",
        Rule::IDENT_CHAR => "a letter, digit or `_`",
        Rule::WHITESPACE => "whitespace",
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What is at `pos`, for "found ...".
fn found(text: &str, pos: usize, end: &str) -> String {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return end.to_owned();
    };
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        '`' => "a backtick".to_owned(),
        c if c.is_control() => format!("the control character {}", c.escape_unicode()),
        _ => format!("`{}`", &rest[..token_len(text, pos)]),
    }
}

/// Byte length of the token at `pos`: a word, a string literal (when short and closed),
/// a two-character operator, or one character. Zero at the end of the text.
fn token_len(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    if let Some(word) = word_at(text, pos) {
        return word.len();
    }
    if let Some(body) = rest.strip_prefix('\'') {
        // A short, closed literal is shown whole; anything else as its quote.
        if let Some(close) = body.find('\'').filter(|&close| close <= 30) {
            return close + 2;
        }
    }
    if ["<=", ">=", "<>", "!=", "||"]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        return 2;
    }
    rest.chars().next().map_or(0, char::len_utf8)
}

/// The word (letters, digits, `_`) starting at `pos`, if any.
fn word_at(text: &str, pos: usize) -> Option<&str> {
    let rest = &text[pos..];
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: [&str; 14] = [
        "and", "or", "not", "is", "null", "in", "like", "ilike", "between", "true", "false", "set",
        "where", "interval",
    ];
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// The opening quote of a string literal that is still open at the end of `text`,
/// reading quotes as the grammar does (`''` inside a string is an escaped quote).
fn unclosed_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            match open {
                None => open = Some(i),
                Some(_) if bytes.get(i + 1) == Some(&b'\'') => i += 1,
                Some(_) => open = None,
            }
        }
        i += 1;
    }
    open
}

fn floor_char_boundary(text: &str, mut pos: usize) -> usize {
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}
