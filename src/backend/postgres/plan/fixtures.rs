//! The CRM spec of the ordering and backend tests, read through the normal front end,
//! one file per entity so that a test can give the files in another order (entity ids
//! change; output must not).

use crate::ir::Project;

/// `crm.Company` ⇄ `crm.Contact` (mutual references, a self-reference, a unique email,
/// an enum with a default), `common.Country` (shared, translated), and actions: standard
/// create, a custom `qualify_lead`, and a declaration.
const CRM: [(&str, &str); 3] = [
    (
        "company.yaml",
        r#"
entity: Company
schema: crm
description: A customer organisation
fields:
  name: text(200)!
  main_contact: ref(Contact)
  country: ref(Country)
actions:
  - name: create_company
"#,
    ),
    (
        "contact.yaml",
        r#"
entity: Contact
schema: crm
identifier: email
hierarchical: true
fields:
  email:
    type: email
    required: true
    unique: true
    description: Primary contact address
  status: enum(lead, qualified) = 'lead'
  company: ref(Company)
  manager: ref(Contact)
actions:
  - name: create_contact
  - name: qualify_lead
    steps:
      - validate: status = 'lead'
        error: not_a_lead
      - update: Contact SET status = 'qualified'
      - call: crm.create_company
  - name: archive_contact
"#,
    ),
    (
        "country.yaml",
        r#"
entity: Country
schema: common
tenant_scoped: false
identifier: code
translations:
  enabled: true
  fields: [name]
fields:
  name: text
  code:
    type: countryCode
    unique: true
"#,
    ),
];

/// The CRM project, its files in the order above.
pub fn crm() -> Project {
    crm_in_order([0, 1, 2])
}

/// The CRM project with its files given in another order (`order[i]` is the file read
/// `i`-th), as a directory sorted otherwise would give them.
pub fn crm_in_order(order: [usize; 3]) -> Project {
    crate::testing::project_of_files(&order.map(|i| CRM[i]))
}
