//! Backend tests on hand-built IR: the whole script, independence from file order,
//! hostile names and texts, and a re-parse of the script with `sqlparser`.

use super::*;
use crate::backend::postgres::plan::fixtures::{action, crm, entity, field, permute};
use crate::ir::{FieldType, Rich, Scalar, Value};

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
    let project = crm();
    let expected = script(&project);
    assert_eq!(script(&permute(&project, &[2, 1, 0])), expected);
    assert_eq!(script(&permute(&project, &[1, 2, 0])), expected);
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

fn hostile() -> ir::Project {
    let mut e = entity(0, "Order", "order", "select");
    e.description = Some(HOSTILE.into());
    let status = field(
        &mut e,
        "status",
        FieldType::Enum(vec![HOSTILE.into(), "ok".into()]),
    );
    e.fields[status.0 as usize].default = Some(Value::Text(HOSTILE.into()));
    e.fields[status.0 as usize].description = Some(HOSTILE.into());
    let note = field(
        &mut e,
        "user",
        FieldType::Scalar(Scalar::Text { max_len: Some(10) }),
    );
    e.fields[note.0 as usize].default = Some(Value::Text("a'b".into()));
    let tags = field(
        &mut e,
        "tags",
        FieldType::List(Box::new(FieldType::Rich(Rich::Slug))),
    );
    e.fields[tags.0 as usize].unique = true;
    field(&mut e, "parent", FieldType::Ref(ir::EntityId(0)));
    action(&mut e, "create_order", ir::ActionKind::Create);
    ir::Project {
        entities: vec![e],
        ..Default::default()
    }
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

/// One field of every type of LANGUAGE §2, with defaults of several kinds.
fn all_types() -> ir::Project {
    use ir::Rich::*;
    let mut e = entity(0, "Kitchen", "kitchen", "lab");
    e.tenant_scoped = false;
    let scalars = [
        ("t", Scalar::Text { max_len: None }),
        ("t10", Scalar::Text { max_len: Some(10) }),
        (
            "i",
            Scalar::Integer {
                min: Some(-5),
                max: Some(5),
            },
        ),
        ("b", Scalar::Bigint),
        ("s", Scalar::Smallint),
        (
            "d",
            Scalar::Decimal {
                precision: Some((10, 2)),
            },
        ),
        ("dn", Scalar::Decimal { precision: None }),
        ("f", Scalar::Float),
        ("flag", Scalar::Boolean),
        ("day", Scalar::Date),
        ("at", Scalar::Timestamp),
        ("tm", Scalar::Time),
        ("iv", Scalar::Interval),
        ("u", Scalar::Uuid),
        ("j", Scalar::Json),
        ("jb", Scalar::Jsonb),
    ];
    for (name, s) in scalars {
        field(&mut e, name, FieldType::Scalar(s));
    }
    let rich = [
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
    ];
    for r in rich {
        field(
            &mut e,
            &format!("r_{}", r.name().to_lowercase()),
            FieldType::Rich(r),
        );
        field(
            &mut e,
            &format!("l_{}", r.name().to_lowercase()),
            FieldType::List(Box::new(FieldType::Rich(r))),
        );
    }
    field(
        &mut e,
        "l_t10",
        FieldType::List(Box::new(FieldType::Scalar(Scalar::Text {
            max_len: Some(10),
        }))),
    );
    field(
        &mut e,
        "l_e",
        FieldType::List(Box::new(FieldType::Enum(vec!["x".into(), "y".into()]))),
    );
    let defaults = [
        ("flag", Value::Bool(true)),
        ("day", Value::Text("2024-01-31".into())),
        ("iv", Value::Interval("1 day".into())),
        ("i", Value::Number("-3".into())),
        ("r_currencycode", Value::Text("USD".into())),
        ("jb", Value::Text("{\"a\": 1}".into())),
    ];
    for (name, value) in defaults {
        let id = e.field_by_name(name).unwrap();
        e.fields[id.0 as usize].default = Some(value);
    }
    ir::Project {
        entities: vec![e],
        ..Default::default()
    }
}

#[test]
fn every_type_reparses() {
    reparse(&script(&all_types()));
}
