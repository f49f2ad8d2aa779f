//! Backend tests on specs read through the front end: the whole script, independence
//! from file order, hostile names and texts, and a re-parse of the script with `sqlparser`.

use super::*;
use crate::backend::postgres::plan::fixtures::{crm, crm_in_order};

fn script(project: &ir::Project) -> String {
    crate::plan_and_emit(project).1.script()
}

/// The DDL of the fixture; action bodies have their own snapshots in `action/`.
#[test]
fn crm_ddl() {
    let project = crm();
    let mut output = crate::plan_and_emit(&project).1;
    output.objects.retain(|o| o.kind != ObjectKind::Action);
    insta::assert_snapshot!("crm_ddl", output.script());
}

#[test]
fn files_in_another_order_give_the_same_script() {
    let expected = script(&crm());
    assert_eq!(script(&crm_in_order([2, 1, 0])), expected);
    assert_eq!(script(&crm_in_order([1, 2, 0])), expected);
}

#[test]
fn confiture_layout() {
    let project = crm();
    let files = crate::plan_and_emit(&project).1.confiture_files();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    insta::assert_snapshot!(paths.join("\n"), @r#"
    db/environments/local.yaml
    db/schema/00_prelude/00_schemas.sql
    db/schema/00_prelude/10_functions.sql
    db/schema/10_schemas/common.sql
    db/schema/10_schemas/crm.sql
    db/schema/20_types/app/mutation_result.sql
    db/schema/30_tables/common/tb_country.sql
    db/schema/30_tables/common/tl_country.sql
    db/schema/30_tables/crm/tb_company.sql
    db/schema/30_tables/crm/tb_contact.sql
    db/schema/40_constraints/common/tl_country.sql
    db/schema/40_constraints/crm/tb_company.sql
    db/schema/40_constraints/crm/tb_contact.sql
    db/schema/50_indexes/common/tb_country.sql
    db/schema/50_indexes/crm/tb_company.sql
    db/schema/50_indexes/crm/tb_contact.sql
    db/schema/55_policies/crm/tb_company.sql
    db/schema/55_policies/crm/tb_contact.sql
    db/schema/60_helpers/00_app_runtime.sql
    db/schema/60_helpers/common/country.sql
    db/schema/60_helpers/crm/company.sql
    db/schema/60_helpers/crm/contact.sql
    db/schema/70_actions/crm/create_company.sql
    db/schema/70_actions/crm/create_contact.sql
    db/schema/70_actions/crm/qualify_lead.sql
    "#);
    let (_, env) = files
        .iter()
        .find(|(p, _)| p.ends_with("local.yaml"))
        .unwrap();
    assert!(env.contains("database_url: postgresql://localhost/specql_local"));
}

/// Texts that would break out of a naive literal, comment or dollar quote.
const HOSTILE: &str = "it's \"q\" $$ $fn$ $do$; DROP TABLE x; -- \\' \\";

/// `text` as a YAML single-quoted scalar, which keeps backslashes and doubles quotes.
fn yaml_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Table, column, enum value and default all carry [`HOSTILE`], in a schema and a column
/// named by SQL keywords.
fn hostile() -> ir::Project {
    let hostile = yaml_quoted(HOSTILE);
    // Inside `enum(...)` a value is quoted by doubling its own quote character.
    let status = yaml_quoted(&format!("enum(\"{}\", ok)", HOSTILE.replace('"', "\"\"")));
    crate::testing::project(&format!(
        r#"
entity: Order
schema: select
description: {hostile}
fields:
  status:
    type: {status}
    default: {hostile}
    description: {hostile}
  user: text(10) = 'a''b'
  tags:
    type: list(slug)
    unique: true
  parent: ref(Order)
actions:
  - name: create_order
"#
    ))
}

#[test]
fn hostile_texts_stay_inside_their_literals() {
    let sql = script(&hostile());
    let literal = format!("E'{}'", HOSTILE.replace('\\', "\\\\").replace('\'', "''"));
    // Description (table and column), enum value and default all appear intact.
    assert!(sql.matches(&literal).count() >= 4, "{sql}");
    assert!(sql.contains("CREATE TABLE IF NOT EXISTS \"select\".tb_order ("));
    assert!(sql.contains("\"user\" TEXT DEFAULT 'a''b'"));
    // Every statement still parses, so nothing broke out.
    reparse(&sql);
}

#[test]
fn crm_script_reparses() {
    reparse(&script(&crm()));
}

/// Parses the script with sqlparser's PostgreSQL dialect. `DO` blocks are not SQL that
/// sqlparser knows, so each is checked by parsing the statement it guards instead.
fn reparse(sql: &str) {
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;
    let mut plain = String::new();
    let mut rest = sql;
    while let Some(start) = rest.find("DO $") {
        plain.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let tag_end = after[1..].find('$').unwrap() + 2;
        let tag = &after[..tag_end];
        let body_end = after[tag_end..].find(tag).unwrap() + tag_end;
        let body = &after[tag_end..body_end];
        let then = body.find("THEN\n").unwrap() + 5;
        let end_if = body.rfind("    END IF;").unwrap();
        plain.push_str(&body[then..end_if]);
        rest = &after[body_end + tag.len()..];
        rest = rest.strip_prefix(";").unwrap_or(rest);
    }
    plain.push_str(rest);
    let statements =
        Parser::parse_sql(&PostgreSqlDialect {}, &plain).unwrap_or_else(|e| panic!("{e}\n{plain}"));
    assert!(statements.len() > 3);
}

/// A field of every type name of LANGUAGE §2 (aliases included) and a list of each,
/// the types with arguments, and defaults of several kinds.
fn all_types() -> ir::Project {
    let mut yaml = String::from(
        r#"
entity: Kitchen
schema: lab
tenant_scoped: false
fields:
  t10: text(10)
  i: integer(-5, 5) = -3
  d: decimal(10, 2)
  e: enum(x, y) = 'x'
  flag: boolean = true
  day: date = '2024-01-31'
  iv: interval = '1 day'
  usd: currencyCode = 'USD'
  jb:
    type: jsonb
    default: '{"a": 1}'
  l_t10: list(text(10))
"#,
    );
    let plain = crate::lower::TYPE_NAMES
        .iter()
        .filter(|ty| !matches!(**ty, "enum" | "ref" | "list"));
    for ty in plain {
        let name = ty.to_lowercase();
        yaml.push_str(&format!("  f_{name}: {ty}\n  l_{name}: list({ty})\n"));
    }
    crate::testing::project(&yaml)
}

#[test]
fn every_type_reparses() {
    reparse(&script(&all_types()));
}
