//! Ordering tests: every dependency precedes its dependents, references in any
//! direction work, and the order never depends on the order files were given in.

use super::fixtures::{crm, crm_in_order};
use super::*;

fn position(plan: &Plan, key: &str) -> usize {
    plan.objects()
        .position(|o| o.key.to_string() == key)
        .unwrap_or_else(|| panic!("no object {key}"))
}

#[test]
fn every_dependency_comes_first() {
    let plan = build(&crm());
    for (i, &node) in plan.order.iter().enumerate() {
        for (dep, edge) in plan.dependencies(node) {
            if edge.orders() {
                assert!(
                    position(&plan, &dep.key.to_string()) < i,
                    "{} before {}",
                    dep.key,
                    plan.graph[node].key
                );
            }
        }
    }
    assert_eq!(plan.order.len(), plan.graph.node_count());
}

#[test]
fn foreign_keys_follow_both_tables_even_when_mutual_or_self() {
    let plan = build(&crm());
    let company = position(&plan, "table crm.tb_company");
    let contact = position(&plan, "table crm.tb_contact");
    let mutual = position(&plan, "fk crm.tb_company.fk_main_contact");
    let back = position(&plan, "fk crm.tb_contact.fk_company");
    let own = position(&plan, "fk crm.tb_contact.fk_manager");
    assert!(mutual > company && mutual > contact);
    assert!(back > company && back > contact);
    assert!(own > contact);
}

#[test]
fn files_in_another_order_give_the_same_plan() {
    let expected = dump(&build(&crm()));
    for order in [[2, 1, 0], [1, 2, 0], [2, 0, 1]] {
        assert_eq!(dump(&build(&crm_in_order(order))), expected);
    }
}

#[test]
fn declarations_get_no_function() {
    let plan = build(&crm());
    assert!(
        plan.find(&ObjectKey::function("crm", "archive_contact"))
            .is_none()
    );
    assert!(
        plan.find(&ObjectKey::function("crm", "qualify_lead"))
            .is_some()
    );
}

#[test]
fn functions_record_the_columns_they_touch() {
    let plan = build(&crm());
    let node = plan
        .find(&ObjectKey::function("crm", "qualify_lead"))
        .unwrap();
    let deps = plan.dependencies(node);
    let (_, edge) = deps
        .iter()
        .find(|(o, _)| o.key.to_string() == "table crm.tb_contact")
        .unwrap();
    let Edge::Touches(columns) = edge else {
        panic!("{edge:?}")
    };
    assert!(columns.contains("status") && columns.contains("updated_by"));
    // The referenced tables are read to resolve `<field>_id`.
    assert!(
        deps.iter()
            .any(|(o, _)| o.key.to_string() == "table crm.tb_company")
    );
}

#[test]
fn dump_is_stable() {
    // The dump is data (one line per object and dependency), reviewed as a file snapshot.
    insta::assert_snapshot!("crm_plan", dump(&build(&crm())));
}
