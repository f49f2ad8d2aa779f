//! Stage 2: step and expression text -> syntax tree ([`super::ast`]).
//!
//! The pest grammar (`grammar/specql.pest`) recognises the text; the `parse_<rule>`
//! builders turn its pairs into AST nodes whose spans are file spans (every offset goes
//! through [`Origin::span`]), and [`expr`] folds operator runs with a Pratt parser.
//! Whatever the input, the result is an AST or exactly one E0201 [`Diagnostic`]; pest's
//! errors are converted in [`error`] and nowhere else.

mod error;
mod expr;
#[cfg(test)]
mod sexp;

use pest::Parser;
use pest::iterators::{Pair, Pairs};

use super::ast::*;
use crate::diag::Diagnostic;
use crate::source::{Origin, Span};

#[derive(pest_derive::Parser)]
// pest_derive resolves the path against the crate root first (then `src/`, the older
// convention), so this names `<crate>/grammar/specql.pest` without relying on the
// fallback.
#[grammar = "grammar/specql.pest"]
struct SpecqlParser;

/// What "end of input" is called in messages, per entry point.
const END_OF_EXPRESSION: &str = "end of expression";
const END_OF_STEP: &str = "end of step";

/// A `validate:`/`if:` condition, a `WHERE`, or a value (`args:`, `data:`).
pub fn parse_expr(text: &str, origin: &Origin) -> Result<Expr, Diagnostic> {
    let pair = parse_entry(Rule::expr_entry, text, origin, END_OF_EXPRESSION)?;
    let cx = Cx { origin };
    cx.parse_expr(first_inner(pair))
}

/// `update: Entity [SET f = e, ...] [WHERE cond]`
pub fn parse_update(text: &str, origin: &Origin) -> Result<UpdateStep, Diagnostic> {
    let pair = parse_entry(Rule::update_step, text, origin, END_OF_STEP)?;
    Cx { origin }.parse_update_step(pair)
}

/// `insert: Entity` or `insert: Entity { f: e, ... }`
pub fn parse_insert(text: &str, origin: &Origin) -> Result<InsertStep, Diagnostic> {
    let pair = parse_entry(Rule::insert_step, text, origin, END_OF_STEP)?;
    Cx { origin }.parse_insert_step(pair)
}

/// `delete: Entity [WHERE cond]`
pub fn parse_delete(text: &str, origin: &Origin) -> Result<DeleteStep, Diagnostic> {
    let pair = parse_entry(Rule::delete_step, text, origin, END_OF_STEP)?;
    Cx { origin }.parse_delete_step(pair)
}

/// `foreach: item in $key` or `foreach: item in input.key`
pub fn parse_foreach(text: &str, origin: &Origin) -> Result<ForeachHead, Diagnostic> {
    let pair = parse_entry(Rule::foreach_head, text, origin, END_OF_STEP)?;
    Ok(Cx { origin }.parse_foreach_head(pair))
}

/// `call: schema.function`
pub fn parse_call_target(text: &str, origin: &Origin) -> Result<FunctionPath, Diagnostic> {
    let pair = parse_entry(Rule::call_target, text, origin, END_OF_STEP)?;
    Ok(Cx { origin }.parse_function_path(first_inner(pair)))
}

/// `notify: channel`
pub fn parse_notify_channel(text: &str, origin: &Origin) -> Result<Ident, Diagnostic> {
    let pair = parse_entry(Rule::notify_channel, text, origin, END_OF_STEP)?;
    Ok(Cx { origin }.parse_channel_name(first_inner(pair)))
}

/// `select: Entity`
pub fn parse_entity_name(text: &str, origin: &Origin) -> Result<Ident, Diagnostic> {
    let pair = parse_entry(Rule::entity_entry, text, origin, END_OF_STEP)?;
    Ok(Cx { origin }.parse_entity_name(first_inner(pair)))
}

/// Runs pest on one entry rule; the only place a pest error becomes a diagnostic.
fn parse_entry<'i>(
    rule: Rule,
    text: &'i str,
    origin: &Origin,
    end: &'static str,
) -> Result<Pair<'i, Rule>, Diagnostic> {
    match SpecqlParser::parse(rule, text) {
        Ok(mut pairs) => Ok(next(&mut pairs)),
        Err(err) => Err(error::syntax_error(&err, text, origin, end)),
    }
}

/// The next pair of a sequence the grammar guarantees is there.
fn next<'i>(pairs: &mut Pairs<'i, Rule>) -> Pair<'i, Rule> {
    pairs
        .next()
        .expect("the grammar guarantees this pair (builder out of sync with specql.pest)")
}

fn first_inner(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    next(&mut pair.into_inner())
}

/// The builders' context: where the text came from, to turn offsets into file spans.
#[derive(Clone, Copy)]
struct Cx<'o> {
    origin: &'o Origin,
}

impl Cx<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        self.origin.span(span.start(), span.end())
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(pair),
        }
    }

    fn parse_update_step(&self, pair: Pair<'_, Rule>) -> Result<UpdateStep, Diagnostic> {
        let mut inner = pair.into_inner();
        let entity = self.parse_entity_name(next(&mut inner));
        let mut step = UpdateStep {
            entity,
            set: Vec::new(),
            filter: None,
        };
        for pair in inner {
            match pair.as_rule() {
                Rule::set_clause => step.set = self.parse_assignments(pair, Rule::assignment)?,
                Rule::where_clause => step.filter = Some(self.parse_where_clause(pair)?),
                _ => {} // EOI
            }
        }
        Ok(step)
    }

    fn parse_insert_step(&self, pair: Pair<'_, Rule>) -> Result<InsertStep, Diagnostic> {
        let (entity, values) = self.entity_and(pair, Rule::insert_values);
        let values = values
            .map(|p| self.parse_assignments(p, Rule::field_value))
            .transpose()?;
        Ok(InsertStep { entity, values })
    }

    fn parse_delete_step(&self, pair: Pair<'_, Rule>) -> Result<DeleteStep, Diagnostic> {
        let (entity, filter) = self.entity_and(pair, Rule::where_clause);
        let filter = filter.map(|p| self.parse_where_clause(p)).transpose()?;
        Ok(DeleteStep { entity, filter })
    }

    /// The entity name a step starts with, and its one optional `clause`.
    fn entity_and<'i>(
        &self,
        pair: Pair<'i, Rule>,
        clause: Rule,
    ) -> (Ident, Option<Pair<'i, Rule>>) {
        let mut inner = pair.into_inner();
        let entity = self.parse_entity_name(next(&mut inner));
        (entity, inner.find(|p| p.as_rule() == clause))
    }

    fn parse_foreach_head(&self, pair: Pair<'_, Rule>) -> ForeachHead {
        let mut inner = pair.into_inner();
        let var = self.parse_loop_variable(next(&mut inner));
        let _in = next(&mut inner);
        let input_key = self.parse_foreach_source(next(&mut inner));
        ForeachHead { var, input_key }
    }

    /// `$key` or `input.key`: the key, either way.
    fn parse_foreach_source(&self, pair: Pair<'_, Rule>) -> Ident {
        let source = first_inner(pair);
        // Both forms end with the key's NAME; `input_qualified` also holds `INPUT` first.
        let key = source
            .into_inner()
            .filter(|p| p.as_rule() == Rule::NAME)
            .last()
            .expect("the grammar guarantees a key name");
        self.ident(&key)
    }

    fn parse_function_path(&self, pair: Pair<'_, Rule>) -> FunctionPath {
        let mut inner = pair.into_inner();
        let schema = self.ident(&next(&mut inner));
        let function = self.ident(&next(&mut inner));
        FunctionPath { schema, function }
    }

    /// A `set_clause` (`SET f = e, ...`) or `insert_values` (`{ f: e, ... }`): its `item`
    /// pairs, `assignment` or `field_value`.
    fn parse_assignments(
        &self,
        pair: Pair<'_, Rule>,
        item: Rule,
    ) -> Result<Vec<Assignment>, Diagnostic> {
        pair.into_inner()
            .filter(|p| p.as_rule() == item)
            .map(|p| self.parse_assignment(p))
            .collect()
    }

    /// An `assignment` (`f = e`) or a `field_value` (`f: e`): the same but for the sign.
    fn parse_assignment(&self, pair: Pair<'_, Rule>) -> Result<Assignment, Diagnostic> {
        let mut inner = pair.into_inner();
        let field = self.parse_field_name(next(&mut inner));
        let _sign = next(&mut inner);
        let value = self.parse_expr(next(&mut inner))?;
        Ok(Assignment { field, value })
    }

    fn parse_where_clause(&self, pair: Pair<'_, Rule>) -> Result<Expr, Diagnostic> {
        let mut inner = pair.into_inner();
        let _where = next(&mut inner);
        self.parse_expr(next(&mut inner))
    }

    fn parse_entity_name(&self, pair: Pair<'_, Rule>) -> Ident {
        self.ident(&pair)
    }

    fn parse_field_name(&self, pair: Pair<'_, Rule>) -> Ident {
        self.ident(&pair)
    }

    fn parse_loop_variable(&self, pair: Pair<'_, Rule>) -> Ident {
        self.ident(&pair)
    }

    fn parse_channel_name(&self, pair: Pair<'_, Rule>) -> Ident {
        self.ident(&pair)
    }
}

#[cfg(test)]
mod tests {
    use super::sexp::{expr, step_delete, step_insert, step_update};
    use super::*;
    use crate::diag::codes;
    use crate::source::FileId;

    /// An origin whose value starts at byte 100 of file 3, so file offsets are easy to
    /// check: offset `i` in the text is byte `100 + i` in the file.
    fn origin() -> Origin {
        Origin::verbatim(Span::new(FileId(3), 98, 400), 100)
    }

    fn e(text: &str) -> String {
        match parse_expr(text, &origin()) {
            Ok(ast) => expr(&ast),
            Err(d) => panic!("{text:?} did not parse: {}", d.message),
        }
    }

    /// The error's message and its file span, relative to the origin's value.
    fn err<T: std::fmt::Debug>(result: Result<T, Diagnostic>) -> String {
        let d = result.expect_err("expected a syntax error");
        assert_eq!(d.code, codes::SYNTAX);
        assert!(!d.message.contains("Rule"), "{}", d.message);
        assert_eq!(d.primary.span.file, FileId(3));
        format!(
            "{}..{}: {}",
            d.primary.span.start - 100,
            d.primary.span.end - 100,
            d.message
        )
    }

    /// A table to snapshot: one line per input, `"input" => what f made of it`.
    fn cases(f: impl Fn(&str) -> String, inputs: &[&str]) -> String {
        inputs
            .iter()
            .map(|t| format!("{t:?} => {}\n", f(t)))
            .collect()
    }

    /// The syntax error of a step head written `kind: text`, as [`err`] shows it.
    fn step_err(step: &str) -> String {
        let (kind, text) = step.split_once(": ").expect("`kind: text`");
        let o = origin();
        match kind {
            "update" => err(parse_update(text, &o)),
            "insert" => err(parse_insert(text, &o)),
            "delete" => err(parse_delete(text, &o)),
            "foreach" => err(parse_foreach(text, &o)),
            "call" => err(parse_call_target(text, &o)),
            "notify" => err(parse_notify_channel(text, &o)),
            "select" => err(parse_entity_name(text, &o)),
            _ => panic!("no step kind {kind:?}"),
        }
    }

    #[test]
    fn parses_literals() {
        insta::assert_snapshot!(cases(e, &[
            "'it''s'", "''", "42", "3.14", "1e3", "2.5E-4", "TRUE", "False", "null",
            "interval '1 day'", "INTERVAL 'it''s'",
        ]), @r#"
        "'it''s'" => 'it''s'
        "''" => ''
        "42" => 42
        "3.14" => 3.14
        "1e3" => 1e3
        "2.5E-4" => 2.5E-4
        "TRUE" => true
        "False" => false
        "null" => NULL
        "interval '1 day'" => (interval '1 day')
        "INTERVAL 'it''s'" => (interval 'it''s')
        "#);
    }

    #[test]
    fn unescapes_doubled_quotes() {
        let ast = parse_expr("'it''s'", &origin()).unwrap();
        assert_eq!(ast.kind, ExprKind::Literal(Literal::String("it's".into())));
        let ast = parse_expr("interval '1 day'", &origin()).unwrap();
        assert_eq!(ast.kind, ExprKind::Interval("1 day".into()));
    }

    #[test]
    fn parses_references() {
        insta::assert_snapshot!(cases(e, &[
            "status", "input.assignee", "Contact.email", "$email", "?",
            // Keywords are names after `$` and `.`, where nothing else could be meant.
            "$in = item.set",
            // A keyword prefix does not make a keyword.
            "notes = android OR is_active", "intervals + order",
        ]), @r#"
        "status" => status
        "input.assignee" => input.assignee
        "Contact.email" => Contact.email
        "$email" => $email
        "?" => ?
        "$in = item.set" => (= $in item.set)
        "notes = android OR is_active" => (OR (= notes android) is_active)
        "intervals + order" => (+ intervals order)
        "#);
    }

    #[test]
    fn parses_calls() {
        insta::assert_snapshot!(cases(e, &[
            "now()", "lower(email)", "coalesce(a, b || 'x', 1)", "f (g(x))",
        ]), @r#"
        "now()" => (call now)
        "lower(email)" => (call lower email)
        "coalesce(a, b || 'x', 1)" => (call coalesce a (|| b 'x') 1)
        "f (g(x))" => (call f (call g x))
        "#);
    }

    #[test]
    fn respects_precedence() {
        insta::assert_snapshot!(cases(e, &[
            "NOT a = b AND c OR d", "a OR b AND c", "a + b * c - d / e % f", "a || b + 1 = c",
            "(a OR b) AND c", "a - b - c", "NOT NOT a", "NOT a IS NULL", "a + b IS NOT NULL",
        ]), @r#"
        "NOT a = b AND c OR d" => (OR (AND (NOT (= a b)) c) d)
        "a OR b AND c" => (OR a (AND b c))
        "a + b * c - d / e % f" => (- (+ a (* b c)) (% (/ d e) f))
        "a || b + 1 = c" => (= (|| a (+ b 1)) c)
        "(a OR b) AND c" => (AND (OR a b) c)
        "a - b - c" => (- (- a b) c)
        "NOT NOT a" => (NOT (NOT a))
        "NOT a IS NULL" => (NOT (IS NULL a))
        "a + b IS NOT NULL" => (IS NOT NULL (+ a b))
        "#);
    }

    #[test]
    fn parses_unary_minus() {
        insta::assert_snapshot!(cases(e, &[
            "-1", "-a * b", "a - -b", "- (a + b)", "a--1",
        ]), @r#"
        "-1" => (- 1)
        "-a * b" => (* (- a) b)
        "a - -b" => (- a (- b))
        "- (a + b)" => (- (+ a b))
        "a--1" => (- a (- 1))
        "#);
    }

    #[test]
    fn parses_comparisons() {
        insta::assert_snapshot!(cases(e, &[
            "a = 1", "a != 1", "a <> 1", "a<1", "a<=1", "a>1", "a>=1", "email IS NOT NULL",
            "email is null", "stage IN ('negotiation', 'proposal')", "stage not in (1)",
            "name LIKE 'a%'", "name NOT ILIKE $p || '%'", "name ilike 'A%' and x",
        ]), @r#"
        "a = 1" => (= a 1)
        "a != 1" => (<> a 1)
        "a <> 1" => (<> a 1)
        "a<1" => (< a 1)
        "a<=1" => (<= a 1)
        "a>1" => (> a 1)
        "a>=1" => (>= a 1)
        "email IS NOT NULL" => (IS NOT NULL email)
        "email is null" => (IS NULL email)
        "stage IN ('negotiation', 'proposal')" => (IN stage ('negotiation' 'proposal'))
        "stage not in (1)" => (NOT IN stage (1))
        "name LIKE 'a%'" => (LIKE name 'a%')
        "name NOT ILIKE $p || '%'" => (NOT ILIKE name (|| $p '%'))
        "name ilike 'A%' and x" => (AND (ILIKE name 'A%') x)
        "#);
    }

    #[test]
    fn between_takes_its_own_and() {
        insta::assert_snapshot!(cases(e, &[
            "a BETWEEN 1 AND 10", "a between 1 and 10 and b", "a NOT BETWEEN -x + 1 AND y * 2 OR c",
            "c AND a BETWEEN (b AND c) AND d",
        ]), @r#"
        "a BETWEEN 1 AND 10" => (BETWEEN a 1 10)
        "a between 1 and 10 and b" => (AND (BETWEEN a 1 10) b)
        "a NOT BETWEEN -x + 1 AND y * 2 OR c" => (OR (NOT BETWEEN a (+ (- x) 1) (* y 2)) c)
        "c AND a BETWEEN (b AND c) AND d" => (AND c (BETWEEN a (AND b c) d))
        "#);
    }

    #[test]
    fn accepts_whitespace_and_line_breaks() {
        insta::assert_snapshot!(e("  status = 'lead'\n  AND\tamount > 0 \n"), @"(AND (= status 'lead') (> amount 0))");
        insta::assert_snapshot!(e("(\na\n)"), @"a");
    }

    #[test]
    fn parses_update_steps() {
        let o = origin();
        let s = |t: &str| step_update(&parse_update(t, &o).unwrap());
        insta::assert_snapshot!(cases(s, &[
            "Contact", "Contact SET status = 'qualified'",
            "Order SET status = 'shipped', shipped_at = now()",
            "Contact SET status = 'q', n = n + 1 WHERE x > 0", "Opportunity set stage = ?",
            "Contact WHERE Contact.company = $company", "Task SET assignee = input.assignee",
            "T SET a = b = c",
        ]), @r#"
        "Contact" => (update Contact)
        "Contact SET status = 'qualified'" => (update Contact (SET status 'qualified'))
        "Order SET status = 'shipped', shipped_at = now()" => (update Order (SET status 'shipped') (SET shipped_at (call now)))
        "Contact SET status = 'q', n = n + 1 WHERE x > 0" => (update Contact (SET status 'q') (SET n (+ n 1)) (WHERE (> x 0)))
        "Opportunity set stage = ?" => (update Opportunity (SET stage ?))
        "Contact WHERE Contact.company = $company" => (update Contact (WHERE (= Contact.company $company)))
        "Task SET assignee = input.assignee" => (update Task (SET assignee input.assignee))
        "T SET a = b = c" => (update T (SET a (= b c)))
        "#);
    }

    #[test]
    fn parses_insert_steps() {
        let o = origin();
        let s = |t: &str| step_insert(&parse_insert(t, &o).unwrap());
        insta::assert_snapshot!(cases(s, &[
            "Contact", "Contact { email: $email, status: 'lead' }", "Line{qty:item.qty}",
        ]), @r#"
        "Contact" => (insert Contact)
        "Contact { email: $email, status: 'lead' }" => (insert Contact {(email $email) (status 'lead')})
        "Line{qty:item.qty}" => (insert Line {(qty item.qty)})
        "#);
    }

    #[test]
    fn parses_delete_steps() {
        let o = origin();
        let s = |t: &str| step_delete(&parse_delete(t, &o).unwrap());
        insta::assert_snapshot!(s("Comment"), @"(delete Comment)");
        insta::assert_snapshot!(s("Comment WHERE post = $post"), @"(delete Comment (WHERE (= post $post)))");
    }

    #[test]
    fn parses_the_other_step_heads() {
        let o = origin();
        let head = parse_foreach("item in $lines", &o).unwrap();
        assert_eq!(
            (head.var.name.as_str(), head.input_key.name.as_str()),
            ("item", "lines")
        );
        assert_eq!(head.input_key.span, Span::new(FileId(3), 109, 114));
        let head = parse_foreach(" line IN input.items ", &o).unwrap();
        assert_eq!(
            (head.var.name.as_str(), head.input_key.name.as_str()),
            ("line", "items")
        );
        assert_eq!(head.var.span, Span::new(FileId(3), 101, 105));

        let path = parse_call_target("billing.charge_card", &o).unwrap();
        assert_eq!(path.schema.name, "billing");
        assert_eq!(path.function.name, "charge_card");
        assert_eq!(path.function.span, Span::new(FileId(3), 108, 119));

        let channel = parse_notify_channel("order_shipped", &o).unwrap();
        assert_eq!(channel.name, "order_shipped");
        assert_eq!(channel.span, Span::new(FileId(3), 100, 113));

        let entity = parse_entity_name(" Author\n", &o).unwrap();
        assert_eq!(entity.name, "Author");
        assert_eq!(entity.span, Span::new(FileId(3), 101, 107));
    }

    #[test]
    fn spans_are_file_spans() {
        let ast = parse_expr("status = 'lead'", &origin()).unwrap();
        assert_eq!(ast.span, Span::new(FileId(3), 100, 115));
        let ExprKind::Binary(BinaryOp::Eq, lhs, rhs) = &ast.kind else {
            panic!("{ast:?}")
        };
        assert_eq!(lhs.span, Span::new(FileId(3), 100, 106));
        assert_eq!(rhs.span, Span::new(FileId(3), 109, 115));

        // Parentheses belong to the expression they enclose.
        let ast = parse_expr("(a + b) * -c", &origin()).unwrap();
        let ExprKind::Binary(BinaryOp::Mul, lhs, rhs) = &ast.kind else {
            panic!("{ast:?}")
        };
        assert_eq!((lhs.span.start, lhs.span.end), (100, 107));
        assert_eq!((rhs.span.start, rhs.span.end), (110, 112));

        let ast = parse_expr("x IS NOT NULL", &origin()).unwrap();
        assert_eq!((ast.span.start, ast.span.end), (100, 113));
        let ast = parse_expr("$key", &origin()).unwrap();
        let ExprKind::Input(key) = &ast.kind else {
            panic!("{ast:?}")
        };
        assert_eq!(
            (ast.span.start, key.span.start, key.span.end),
            (100, 101, 104)
        );

        let step = parse_update("Contact SET status = 'q'", &origin()).unwrap();
        assert_eq!((step.entity.span.start, step.entity.span.end), (100, 107));
        assert_eq!(
            (step.set[0].field.span.start, step.set[0].value.span.start),
            (112, 121)
        );
    }

    #[test]
    fn falls_back_to_the_scalar_span() {
        let o = Origin::opaque(Span::new(FileId(1), 10, 40));
        let ast = parse_expr("a = 1", &o).unwrap();
        assert_eq!(ast.span, o.scalar);
        assert_eq!(parse_expr("a = ", &o).unwrap_err().primary.span, o.scalar);
    }

    #[test]
    fn reports_expression_errors_where_they_are() {
        let o = origin();
        insta::assert_snapshot!(cases(|t| err(parse_expr(t, &o)), &[
            "status = )", "status = ", "", "a b", "f(a b)", "(a + 1", "a IS 1", "a NOT x", "a IN 1",
            "a IN ()", "a BETWEEN 1 OR 2", "a == b", "$ key", "input.", "interval 1", "a = and",
            "é = 1", "a = 1 ; drop",
        ]), @r#"
        "status = )" => 9..10: expected an expression, found `)`
        "status = " => 9..9: expected an expression, found end of expression
        "" => 0..0: expected an expression, found end of expression
        "a b" => 2..3: expected an operator or end of expression, found `b`
        "f(a b)" => 4..5: expected an operator, `,` or `)`, found `b`
        "(a + 1" => 6..6: expected an operator or `)`, found end of expression
        "a IS 1" => 5..6: expected `NOT` or `NULL`, found `1`
        "a NOT x" => 6..7: expected `IN`, `LIKE`, `ILIKE` or `BETWEEN`, found `x`
        "a IN 1" => 5..6: expected `(`, found `1`
        "a IN ()" => 6..7: expected an expression, found `)`
        "a BETWEEN 1 OR 2" => 12..14: expected an operator or `AND`, found `OR`
        "a == b" => 3..4: expected an expression, found `=`
        "$ key" => 1..2: expected a name, found a space
        "input." => 6..6: expected a name, found end of expression
        "interval 1" => 9..10: expected a string literal, found `1`
        "a = and" => 4..7: expected an expression, found `and`
        "é = 1" => 0..2: expected an expression, found `é`
        "a = 1 ; drop" => 6..7: expected an operator or end of expression, found `;`
        "#);
    }

    #[test]
    fn reports_unterminated_strings_from_their_opening_quote() {
        let o = origin();
        insta::assert_snapshot!(err(parse_expr("status = 'lead", &o)), @"9..14: unterminated string literal");
        insta::assert_snapshot!(err(parse_expr("a = 'x' || 'it''s", &o)), @"11..17: unterminated string literal");
        insta::assert_snapshot!(err(parse_update("T SET a = '", &o)), @"10..11: unterminated string literal");
    }

    #[test]
    fn rejects_chained_comparisons() {
        let o = origin();
        insta::assert_snapshot!(cases(|t| err(parse_expr(t, &o)), &[
            "a = b = c", "a IS NULL IS NULL", "a < b BETWEEN 1 AND 2",
        ]), @r#"
        "a = b = c" => 6..7: comparison operators cannot be chained
        "a IS NULL IS NULL" => 10..17: comparison operators cannot be chained
        "a < b BETWEEN 1 AND 2" => 6..21: comparison operators cannot be chained
        "#);
        insta::assert_snapshot!(e("(a = b) = c"), @"(= (= a b) c)");
        insta::assert_snapshot!(e("a = b AND b = c"), @"(AND (= a b) (= b c))");
    }

    #[test]
    fn rejects_expressions_nested_too_deeply() {
        let o = origin();
        let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
        let d = parse_expr(&deep, &o).unwrap_err();
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let long = vec!["a"; 1000].join(" + ");
        let d = parse_expr(&long, &o).unwrap_err();
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let nots = format!("{}a", "NOT ".repeat(1000));
        let d = parse_expr(&nots, &o).unwrap_err();
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        // Long lists are wide, not deep.
        let list = format!("a IN ({})", vec!["1"; 1000].join(", "));
        assert!(parse_expr(&list, &o).is_ok());
    }

    #[test]
    fn reports_step_errors_where_they_are() {
        // Each step head is written as in a spec, `kind: text`; offsets count from the text.
        insta::assert_snapshot!(cases(step_err, &[
            "update: Contact foo", "update: ", "update: Contact SET",
            "update: Contact SET where = 1", "update: Contact SET a 1",
            "update: Contact SET a = 1 b = 2", "update: Contact WHERE",
            "update: Contact WHERE a SET b = 1", "insert: Contact {}", "insert: Contact { a = 1 }",
            "insert: Contact { a: 1", "insert: Contact WHERE a", "delete: Comment SET a = 1",
            "foreach: item $lines", "foreach: item in lines", "foreach: in in $lines",
            "call: billing", "call: billing.", "call: a.b.c", "notify: order shipped",
            "notify: 'x'", "select: Author.x", "select: null",
        ]), @r#"
        "update: Contact foo" => 8..11: expected `SET`, `WHERE` or end of step, found `foo`
        "update: " => 0..0: expected an entity name, found end of step
        "update: Contact SET" => 11..11: expected a field name, found end of step
        "update: Contact SET where = 1" => 12..17: expected a field name, found `where`
        "update: Contact SET a 1" => 14..15: expected `=`, found `1`
        "update: Contact SET a = 1 b = 2" => 18..19: expected an operator, `,`, `WHERE` or end of step, found `b`
        "update: Contact WHERE" => 13..13: expected an expression, found end of step
        "update: Contact WHERE a SET b = 1" => 16..19: expected an operator or end of step, found `SET`
        "insert: Contact {}" => 9..10: expected a field name, found `}`
        "insert: Contact { a = 1 }" => 12..13: expected `:`, found `=`
        "insert: Contact { a: 1" => 14..14: expected an operator, `,` or `}`, found end of step
        "insert: Contact WHERE a" => 8..13: expected `{` or end of step, found `WHERE`
        "delete: Comment SET a = 1" => 8..11: expected `WHERE` or end of step, found `SET`
        "foreach: item $lines" => 5..6: expected `IN`, found `$`
        "foreach: item in lines" => 8..13: expected an input key (`$key` or `input.key`), found `lines`
        "foreach: in in $lines" => 0..2: expected a loop variable name, found `in`
        "call: billing" => 0..7: expected a function path (`schema.function`), found `billing`
        "call: billing." => 8..8: expected a name, found end of step
        "call: a.b.c" => 3..4: expected end of step, found `.`
        "notify: order shipped" => 6..13: expected end of step, found `shipped`
        "notify: 'x'" => 0..3: expected a channel name, found `'x'`
        "select: Author.x" => 6..7: expected end of step, found `.`
        "select: null" => 0..4: expected an entity name, found `null`
        "#);
    }

    #[test]
    fn explains_keywords_where_only_a_name_fits() {
        let o = origin();
        let d = parse_update("Contact SET where = 1", &o).unwrap_err();
        assert_eq!(
            d.notes,
            ["`where` is a keyword of SpecQL expressions, so it cannot be used as a name here"]
        );
        // Where an expression fits, a keyword is more likely a doubled operator.
        assert!(parse_expr("a AND AND b", &o).unwrap_err().notes.is_empty());
    }

    #[test]
    fn parses_every_corpus_step() {
        // Every step text in /work/shared/corpus, as the YAML loader hands it over.
        let o = origin();
        for text in [
            "amount > 0",
            "approved = false",
            "author IS NOT NULL",
            "order IS NOT NULL",
            "stage IN ('negotiation', 'proposal')",
            "status IN ('pending', 'paid')",
            "published = true",
        ] {
            parse_expr(text, &o).unwrap();
        }
        for text in [
            "Comment SET approved = true",
            "Order SET status = 'shipped', shipped_at = now()",
            "Post SET published = false, published_at = NULL",
            "Product SET inventory_count = ?",
            "Task SET assignee = input.assignee",
            "Tenant",
        ] {
            parse_update(text, &o).unwrap();
        }
        parse_insert("Author", &o).unwrap();
        parse_delete("Comment", &o).unwrap();
        parse_entity_name("Author", &o).unwrap();
    }
}
