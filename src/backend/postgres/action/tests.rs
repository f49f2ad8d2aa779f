//! Unit tests: the generated function of each kind of action, for a small CRM spec read
//! through the normal front end; each test asserts the statements it is about, in order.
//!
//! Set `SPECQLC_ACTION_DUMP=<file>` to write every fixture function to a file, to apply
//! it to a scratch PostgreSQL with `plpgsql_check` by hand.

use super::{FunctionSql, function};
use crate::analysis::Facts;
use crate::ir::{ActionId, ActionKind, Project};

/// Company derives its identifier from its name; Contact references it and Country, and
/// declares an action it does not define yet; Category is a translated tree; Country is
/// shared (not tenant-scoped).
const CRM: &str = r#"
entity: Company
schema: crm
identifier: name
fields:
  name: text!
actions:
  - name: create_company
  - name: update_company
---
entity: Contact
schema: crm
fields:
  email:
    type: email
    required: true
    unique: true
  status: enum(lead, qualified) = 'lead'
  company: ref(Company)
  score: integer
  born: date
  location: coordinates
  tags: list(text)
  price: decimal(10, 2)
  country: ref(Country)
actions:
  - name: create_contact
  - name: update_contact
  - name: delete_contact
  - name: qualify_lead
    description: Qualify a lead
    steps:
      - validate: status = 'lead'
        error: not_a_lead
      - update: Contact SET status = 'qualified'
      - notify: contact_qualified
        data:
          email: email
      - return: Lead qualified
  - name: import_contacts
    steps:
      - foreach: item in $contacts
        do:
          - validate: item.score > 0
          - call: crm.create_contact
            args:
              email: item.email
              score: item.score
  - name: archive_contact
---
entity: Category
schema: crm
hierarchical: true
translations:
  enabled: true
  fields: [name]
fields:
  name: text
  parent: ref(Category)
actions:
  - name: create_category
  - name: update_category
---
entity: Country
schema: common
tenant_scoped: false
fields:
  code: countryCode
actions:
  - name: create_country
"#;

fn fixture() -> Project {
    crate::testing::project(CRM)
}

/// Every action of the fixture with its function (`None` for a declaration).
fn functions(project: &Project) -> Vec<(ActionId, Option<FunctionSql>)> {
    let facts = Facts::new(project);
    project
        .action_ids()
        .map(|id| (id, function(project, &facts, id)))
        .collect()
}

/// The SQL of the function of the action called `name`.
fn sql_of(project: &Project, name: &str) -> String {
    let id = project
        .action_ids()
        .find(|&id| project.action(id).name == name)
        .unwrap_or_else(|| panic!("no action `{name}`"));
    function(project, &Facts::new(project), id)
        .unwrap_or_else(|| panic!("`{name}` has a function"))
        .sql
}

/// Asserts that `fragments` occur in `sql` one after the other.
fn assert_in_order(name: &str, sql: &str, fragments: &[&str]) {
    let mut rest = sql;
    for fragment in fragments {
        let Some(at) = rest.find(fragment) else {
            panic!("{name}: `{fragment}` missing or out of order in:\n{sql}");
        };
        rest = &rest[at + fragment.len()..];
    }
}

#[test]
fn dump_fixture_functions_when_asked() {
    let Ok(path) = std::env::var("SPECQLC_ACTION_DUMP") else {
        return;
    };
    let sql: String = functions(&fixture())
        .into_iter()
        .filter_map(|(_, f)| Some(f?.sql))
        .collect();
    std::fs::write(path, sql).unwrap();
}

#[test]
fn declarations_get_no_function() {
    let project = fixture();
    let mut declarations = 0;
    for (id, f) in functions(&project) {
        let declared = matches!(project.action(id).kind, ActionKind::Declaration);
        assert_eq!(f.is_none(), declared, "{}", project.action(id).name);
        declarations += usize::from(declared);
    }
    assert_eq!(
        declarations, 1,
        "`archive_contact` is the fixture's declaration"
    );
}

/// The frame every function shares: signature and privileges, the tenant guard (on a
/// tenant-scoped entity), the input shape checks, and the handler that turns a user
/// error raised in the body into a result through the shared `app.mutation_failure`.
#[test]
fn every_function_has_the_same_frame() {
    let project = fixture();
    for (id, f) in functions(&project) {
        let Some(f) = f else { continue };
        let (e, name) = (project.entity(id.entity), f.name.as_str());
        let qualified = format!("{}.{name}", e.schema);
        let signature = format!(
            "CREATE OR REPLACE FUNCTION {qualified}(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
RETURNS app.mutation_result
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_variable
DECLARE
"
        );
        let guard = format!(
            "RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = '{qualified}: p_tenant_id must not be NULL';"
        );
        let revoke = format!("REVOKE ALL ON FUNCTION {qualified}(uuid, uuid, jsonb) FROM PUBLIC;");
        assert!(f.sql.starts_with(&signature), "{name}:\n{}", f.sql);
        // LANGUAGE §4.4 requires it on a tenant-scoped entity (a shared one may have it).
        assert!(
            !e.tenant_scoped || f.sql.contains(&guard),
            "{name}:\n{}",
            f.sql
        );
        assert_in_order(
            name,
            &f.sql,
            &[
                "\nBEGIN\n",
                "PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);",
                "IF p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object' THEN",
                "RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;",
                "RETURN ROW(false, 'invalid_input', pg_catalog.format('unknown input key \"%s\"', v_key), NULL, NULL)::app.mutation_result;",
                "\n    BEGIN\n",
                "\n    EXCEPTION\n        WHEN SQLSTATE 'SQ001' OR numeric_value_out_of_range OR ",
                "GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME;",
                "v_failure := app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, ",
                "IF v_failure IS NULL THEN\n                RAISE;\n            END IF;\n            RETURN v_failure;\n    END;\n",
                "END;\n$fn$;\n",
                &revoke,
            ],
        );
        assert!(!f.sql.contains("WHEN OTHERS"), "{name}");
        assert!(!f.sql.contains("EXECUTE"), "{name}");
    }
}

/// What each kind of action is about, as the statements that show it, in order.
const EXPECTED: &[(&str, &[&str])] = &[
    // A custom action: locks its row, validates, updates, notifies and returns the row;
    // its handler names the not-null column and the unique indexes its writes can break.
    (
        "qualify_lead",
        &[
            "in_id uuid;",
            "v_row crm.tb_contact%ROWTYPE;",
            "v_new crm.tb_contact%ROWTYPE;",
            "IF (p_input - ARRAY['id']::text[]) <> '{}'::jsonb THEN",
            "in_id := (v_json #>> '{}')::uuid;",
            "'missing required key \"id\"'",
            "SELECT t.* INTO v_row FROM crm.tb_contact AS t WHERE t.id = in_id AND t.tenant_id = p_tenant_id AND t.deleted_at IS NULL FOR NO KEY UPDATE;",
            "pg_catalog.format('no Contact with id %s', in_id)",
            "IF NOT COALESCE((v_row.status = 'lead'::text), false) THEN",
            "RETURN ROW(false, 'not_a_lead', 'validation failed: status = ''lead''', NULL, NULL)::app.mutation_result;",
            "v_new := v_row;",
            "v_new.status := 'qualified'::text;",
            "UPDATE crm.tb_contact AS t SET status = v_new.status, updated_at = pg_catalog.now(), updated_by = p_user_id WHERE t.pk_contact = v_row.pk_contact AND t.tenant_id = p_tenant_id RETURNING t.* INTO v_row;",
            "PERFORM pg_catalog.pg_notify('contact_qualified', pg_catalog.jsonb_build_object('email', v_row.email)::text);",
            "SELECT r.id INTO v_out_company FROM crm.tb_company AS r WHERE r.pk_company = v_row.fk_company;",
            "SELECT r.id INTO v_out_country FROM common.tb_country AS r WHERE r.pk_country = v_row.fk_country;",
            "RETURN ROW(true, NULL, NULL, pg_catalog.jsonb_build_object('id', v_row.id, 'identifier', v_row.identifier, 'email', v_row.email, 'status', v_row.status, 'company_id', v_out_company, 'score', v_row.score, 'born', v_row.born, 'location', CASE WHEN v_row.location IS NULL THEN NULL ELSE pg_catalog.jsonb_build_object('latitude', v_row.location[0], 'longitude', v_row.location[1]) END, 'tags', v_row.tags, 'price', v_row.price, 'country_id', v_out_country, 'created_at', v_row.created_at, 'updated_at', v_row.updated_at), pg_catalog.jsonb_build_object('message', 'Lead qualified'::text))::app.mutation_result;",
            "OR invalid_parameter_value OR not_null_violation OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN",
            r#"v_constraint, '{"crm.tb_contact.email":"email of Contact must not be null"}'::jsonb, E'{"crm.uq_tb_contact_identifier":"key \\"identifier\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)","crm.uq_tb_contact_email":"key \\"email\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);"#,
            "COMMENT ON FUNCTION crm.qualify_lead(uuid, uuid, jsonb) IS 'Qualify a lead';",
        ],
    ),
    // A standard create derives the identifier, with the unique index as the arbiter
    // and a suffix when it is taken, and returns the row after the handled block.
    (
        "create_company",
        &[
            "in_name crm.tb_company.name%TYPE;",
            "v_identifier text;",
            "v_slug text;",
            "v_suffix integer;",
            "IF (p_input - ARRAY['name']::text[]) <> '{}'::jsonb THEN",
            "'key \"name\" must be a JSON string'",
            "in_name := (v_json #>> '{}');",
            "'missing required key \"name\"'",
            "v_slug := app.slugify(pg_catalog.concat_ws('-', in_name));",
            "IF pg_catalog.octet_length(v_slug) > 2600 THEN",
            "'key \"name\": the identifier derived from it must be at most 2600 bytes'",
            "v_suffix := 1;",
            "v_identifier := v_slug;",
            "LOOP",
            "INSERT INTO crm.tb_company AS t (tenant_id, identifier, name, created_by, updated_by) VALUES (p_tenant_id, v_identifier, in_name, p_user_id, p_user_id) ON CONFLICT (tenant_id, identifier) WHERE deleted_at IS NULL DO NOTHING RETURNING t.* INTO v_row;",
            "EXIT WHEN FOUND;",
            "v_suffix := v_suffix + 1;",
            "v_identifier := v_slug || '-' || v_suffix::text;",
            "END LOOP;",
            r#"v_constraint, '{"crm.tb_company.name":"name of Company must not be null"}'::jsonb, E'{"crm.uq_tb_company_identifier":"key \\"name\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);"#,
            "RETURN ROW(true, NULL, NULL, pg_catalog.jsonb_build_object('id', v_row.id, 'identifier', v_row.identifier, 'name', v_row.name, 'created_at', v_row.created_at, 'updated_at', v_row.updated_at), NULL)::app.mutation_result;",
        ],
    ),
    // A standard update of a tree reads only the keys given, resolves the new parent,
    // refuses a cycle under a lock, and upserts the translations after the row.
    (
        "update_category",
        &[
            "IF (p_input - ARRAY['id', 'name', 'parent_id', 'identifier', 'translations']::text[]) <> '{}'::jsonb THEN",
            "in_parent_id := (v_json #>> '{}')::uuid;",
            "IF pg_catalog.octet_length(in_identifier) > 2600 THEN",
            "'key \"translations\" must be a JSON object of locale → object'",
            "WHERE l.key !~ '^[a-z]{2,3}(-[A-Z]{2})?$' OR pg_catalog.jsonb_typeof(l.value) <> 'object';",
            "WHERE f.key <> ALL (ARRAY['name']::text[]) OR pg_catalog.jsonb_typeof(f.value) NOT IN ('string', 'null');",
            "in_translations := v_json;",
            "SELECT x.pk_category INTO v_fk_parent_id FROM crm.tb_category AS x WHERE x.id = in_parent_id AND x.tenant_id = p_tenant_id AND x.deleted_at IS NULL;",
            "pg_catalog.format('key \"parent_id\": no Category with id %s', in_parent_id)",
            "SELECT t.* INTO v_row FROM crm.tb_category AS t WHERE t.id = in_id AND t.tenant_id = p_tenant_id AND t.deleted_at IS NULL FOR NO KEY UPDATE;",
            "IF p_input ? 'name' THEN\n            v_new.name := in_name;",
            "IF p_input ? 'parent_id' THEN\n            v_new.fk_parent := v_fk_parent_id;",
            "IF v_new.fk_parent IS DISTINCT FROM v_row.fk_parent THEN",
            "PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('crm.tb_category/hierarchy'), pg_catalog.hashtext(p_tenant_id::text));",
            "IF EXISTS (WITH RECURSIVE up(pk) AS (SELECT v_new.fk_parent UNION SELECT p.fk_parent FROM crm.tb_category AS p JOIN up ON p.pk_category = up.pk WHERE p.fk_parent IS NOT NULL AND p.tenant_id = p_tenant_id) SELECT FROM up WHERE up.pk = v_row.pk_category) THEN",
            "RETURN ROW(false, 'hierarchy_cycle', 'Category cannot be its own ancestor', NULL, NULL)::app.mutation_result;",
            "UPDATE crm.tb_category AS t SET name = v_new.name, fk_parent = v_new.fk_parent, identifier = v_new.identifier, updated_at = pg_catalog.now(), updated_by = p_user_id WHERE t.pk_category = v_row.pk_category AND t.tenant_id = p_tenant_id RETURNING t.* INTO v_row;",
            "FOR v_locale, v_texts IN SELECT l.key, l.value FROM pg_catalog.jsonb_each(in_translations) AS l ORDER BY l.key LOOP",
            "INSERT INTO crm.tl_category AS l (fk_category, tenant_id, locale, name, created_by, updated_by) VALUES (v_row.pk_category, p_tenant_id, v_locale, v_texts ->> 'name', p_user_id, p_user_id) ON CONFLICT (fk_category, locale) DO UPDATE SET name = CASE WHEN v_texts ? 'name' THEN EXCLUDED.name ELSE l.name END, updated_at = pg_catalog.now(), updated_by = p_user_id;",
            // No required field: the handler neither catches not_null_violation nor maps a
            // not-null column.
            "OR invalid_parameter_value OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN",
            r#"v_constraint, NULL, E'{"crm.uq_tb_category_identifier":"key \\"identifier\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);"#,
            "'translations', COALESCE((SELECT pg_catalog.jsonb_object_agg(l.locale, pg_catalog.jsonb_build_object('name', l.name)) FROM crm.tl_category AS l WHERE l.fk_category = v_row.pk_category AND l.tenant_id = p_tenant_id), '{}'::jsonb)",
        ],
    ),
    // A foreach checks each item's keys, validates it, calls another action and turns
    // its failure into the caller's by raising into the handler.
    (
        "import_contacts",
        &[
            "in_contacts jsonb;",
            "it1 jsonb;",
            "it1_score integer;",
            "it1_email text;",
            "v_result app.mutation_result;",
            "'key \"contacts\" must be a JSON array'",
            "FOR it1 IN SELECT e.v FROM pg_catalog.jsonb_array_elements(in_contacts) WITH ORDINALITY AS e(v, n) ORDER BY e.n LOOP",
            "v_key := 'contacts';",
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key \"contacts\" must be a JSON array of objects', DETAIL = 'invalid_input';",
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key \"contacts\": item key \"score\" must be a JSON number', DETAIL = 'invalid_input';",
            "it1_score := (v_item #>> '{}')::integer;",
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key \"contacts\": item key \"email\" must be a JSON string', DETAIL = 'invalid_input';",
            "it1_email := (v_item #>> '{}');",
            "v_key := NULL;",
            "IF NOT COALESCE((it1_score > 0::integer), false) THEN",
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'validation failed: item.score > 0', DETAIL = 'validation_failed';",
            "v_result := crm.create_contact(p_tenant_id, p_user_id, pg_catalog.jsonb_build_object('email', it1_email, 'score', it1_score));",
            "IF NOT v_result.success THEN",
            "RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = COALESCE(v_result.error_message, ''), DETAIL = COALESCE(v_result.error_code, 'call_failed');",
            "END LOOP;",
            "EXCEPTION",
            "RETURN ROW(true, NULL, NULL, NULL, NULL)::app.mutation_result;",
        ],
    ),
];

#[test]
fn each_kind_of_action_emits_what_it_is_about() {
    let project = fixture();
    for (name, fragments) in EXPECTED {
        assert_in_order(name, &sql_of(&project, name), fragments);
    }
}

#[test]
fn every_fixture_function_confines_writes_to_the_tenant() {
    let project = fixture();
    for (id, f) in functions(&project) {
        let Some(f) = f else { continue };
        for stmt in f.sql.lines().filter(|l| {
            let l = l.trim_start();
            l.starts_with("UPDATE ") || l.starts_with("INSERT ") || l.starts_with("SELECT t.*")
        }) {
            assert!(
                !project.entity(id.entity).tenant_scoped || stmt.contains("p_tenant_id"),
                "{}: {stmt}",
                f.name
            );
        }
    }
}
