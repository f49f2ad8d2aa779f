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
    insta::assert_snapshot!(dump(&build(&crm())), @r#"
     1. prelude     prelude schemas
     2. prelude     prelude functions
          requires prelude schemas
     3. schema      schema common
          requires prelude schemas
     4. schema      schema crm
          requires prelude schemas
     5. type        type app.mutation_result
          requires prelude schemas
     6. prelude     prelude runtime
          requires prelude functions
          requires type app.mutation_result
     7. table       table common.tb_country
          requires prelude functions
          requires schema common
     8. table       table common.tl_country
          requires prelude functions
          requires schema common
     9. table       table crm.tb_company
          requires prelude functions
          requires schema crm
    10. table       table crm.tb_contact
          requires prelude functions
          requires schema crm
    11. foreign-key fk common.tl_country.fk_country
          requires table common.tb_country
          requires table common.tl_country
    12. foreign-key fk crm.tb_company.fk_country
          requires table common.tb_country
          requires table crm.tb_company
    13. foreign-key fk crm.tb_company.fk_main_contact
          requires table crm.tb_company
          requires table crm.tb_contact
    14. foreign-key fk crm.tb_contact.fk_company
          requires table crm.tb_company
          requires table crm.tb_contact
    15. foreign-key fk crm.tb_contact.fk_manager
          requires table crm.tb_contact
    16. index       index common.uq_tb_country_code
          requires table common.tb_country
    17. index       index common.uq_tb_country_identifier
          requires table common.tb_country
    18. index       index crm.idx_tb_company_fk_country
          requires table crm.tb_company
    19. index       index crm.idx_tb_company_fk_main_contact
          requires table crm.tb_company
    20. index       index crm.idx_tb_company_tenant_id
          requires table crm.tb_company
    21. index       index crm.idx_tb_contact_fk_company
          requires table crm.tb_contact
    22. index       index crm.idx_tb_contact_fk_manager
          requires table crm.tb_contact
    23. index       index crm.idx_tb_contact_tenant_id
          requires table crm.tb_contact
    24. index       index crm.uq_tb_company_identifier
          requires table crm.tb_company
    25. index       index crm.uq_tb_contact_email
          requires table crm.tb_contact
    26. index       index crm.uq_tb_contact_identifier
          requires table crm.tb_contact
    27. policy      policy crm.tb_company
          requires prelude functions
          requires table crm.tb_company
    28. policy      policy crm.tb_contact
          requires prelude functions
          requires table crm.tb_contact
    29. comment     comment on column common.tb_country.id
          requires table common.tb_country
    30. comment     comment on column common.tb_country.identifier
          requires table common.tb_country
    31. comment     comment on column common.tb_country.pk_country
          requires table common.tb_country
    32. comment     comment on column crm.tb_company.id
          requires table crm.tb_company
    33. comment     comment on column crm.tb_company.identifier
          requires table crm.tb_company
    34. comment     comment on column crm.tb_company.pk_company
          requires table crm.tb_company
    35. comment     comment on column crm.tb_contact.email
          requires table crm.tb_contact
    36. comment     comment on column crm.tb_contact.id
          requires table crm.tb_contact
    37. comment     comment on column crm.tb_contact.identifier
          requires table crm.tb_contact
    38. comment     comment on column crm.tb_contact.pk_contact
          requires table crm.tb_contact
    39. comment     comment on table crm.tb_company
          requires table crm.tb_company
    40. helper      function common.country_id
          requires schema common
          touches  table common.tb_country (deleted_at, id, pk_country)
    41. helper      function common.country_identifier
          requires schema common
          touches  table common.tb_country (deleted_at, id, identifier, pk_country)
    42. helper      function common.country_pk
          requires schema common
          touches  table common.tb_country (deleted_at, id, pk_country)
    43. helper      function crm.company_id
          requires schema crm
          touches  table crm.tb_company (deleted_at, id, pk_company)
    44. helper      function crm.company_identifier
          requires schema crm
          touches  table crm.tb_company (deleted_at, id, identifier, pk_company)
    45. helper      function crm.company_pk
          requires schema crm
          touches  table crm.tb_company (deleted_at, id, pk_company)
    46. helper      function crm.contact_id
          requires schema crm
          touches  table crm.tb_contact (deleted_at, id, pk_contact)
    47. helper      function crm.contact_identifier
          requires schema crm
          touches  table crm.tb_contact (deleted_at, id, identifier, pk_contact)
    48. helper      function crm.contact_pk
          requires schema crm
          touches  table crm.tb_contact (deleted_at, id, pk_contact)
    49. action      function crm.create_company
          requires prelude functions
          requires prelude runtime
          requires schema crm
          touches  table common.tb_country (deleted_at, id, pk_country)
          touches  table crm.tb_company (created_at, created_by, deleted_at, deleted_by, fk_country, fk_main_contact, id, identifier, name, pk_company, tenant_id, updated_at, updated_by)
          touches  table crm.tb_contact (deleted_at, id, pk_contact, tenant_id)
          requires type app.mutation_result
    50. action      function crm.create_contact
          requires prelude functions
          requires prelude runtime
          requires schema crm
          touches  table crm.tb_company (deleted_at, id, pk_company, tenant_id)
          touches  table crm.tb_contact (created_at, created_by, deleted_at, deleted_by, email, fk_company, fk_manager, id, identifier, pk_contact, status, tenant_id, updated_at, updated_by)
          requires type app.mutation_result
    51. action      function crm.qualify_lead
          calls    function crm.create_company
          requires prelude functions
          requires prelude runtime
          requires schema crm
          touches  table crm.tb_company (deleted_at, id, pk_company, tenant_id)
          touches  table crm.tb_contact (created_at, created_by, deleted_at, deleted_by, email, fk_company, fk_manager, id, identifier, pk_contact, status, tenant_id, updated_at, updated_by)
          requires type app.mutation_result
    "#);
}
