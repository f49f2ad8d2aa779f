//! Unit tests: generated functions for a small CRM spec read through the normal front
//! end, as inline snapshots.
//!
//! Set `SPECQLC_ACTION_DUMP=<file>` to write every fixture function to a file, to apply
//! it to a scratch PostgreSQL with `plpgsql_check` by hand.

use super::function;
use crate::analysis::Facts;
use crate::ir::{ActionId, ActionKind, EntityId, Project};

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

fn sql_of(project: &Project, entity: u32, name: &str) -> String {
    let e = project.entity(EntityId(entity));
    let action = e.actions.iter().position(|a| a.name == name).unwrap() as u32;
    let id = ActionId {
        entity: EntityId(entity),
        action,
    };
    function(project, &Facts::new(project), id).unwrap().sql
}

#[test]
fn dump_fixture_functions_when_asked() {
    let Ok(path) = std::env::var("SPECQLC_ACTION_DUMP") else {
        return;
    };
    let project = fixture();
    let facts = Facts::new(&project);
    let mut out = String::new();
    for id in project.action_ids() {
        if let Some(f) = function(&project, &facts, id) {
            out.push_str(&f.sql);
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn declarations_get_no_function() {
    let project = fixture();
    let facts = Facts::new(&project);
    let declared: Vec<ActionId> = project
        .action_ids()
        .filter(|&id| matches!(project.action(id).kind, ActionKind::Declaration))
        .collect();
    assert_eq!(declared.len(), 1);
    assert!(function(&project, &facts, declared[0]).is_none());
}

#[test]
fn custom_action_validates_updates_notifies_and_returns() {
    insta::assert_snapshot!(sql_of(&fixture(), 1, "qualify_lead"), @r#"
    CREATE OR REPLACE FUNCTION crm.qualify_lead(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
    RETURNS app.mutation_result
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    #variable_conflict use_variable
    DECLARE
        v_key text;
        v_json jsonb;
        in_id uuid;
        v_row crm.tb_contact%ROWTYPE;
        v_new crm.tb_contact%ROWTYPE;
        v_out_company uuid;
        v_out_country uuid;
        v_detail text;
        v_schema text;
        v_table text;
        v_column text;
        v_constraint text;
        v_failure app.mutation_result;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'crm.qualify_lead: p_tenant_id must not be NULL';
        END IF;
        PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
        IF p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object' THEN
            RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
        END IF;
        IF (p_input - ARRAY['id']::text[]) <> '{}'::jsonb THEN
            SELECT pg_catalog.min(k.k) INTO v_key FROM pg_catalog.jsonb_object_keys((p_input - ARRAY['id']::text[])) AS k(k);
            RETURN ROW(false, 'invalid_input', pg_catalog.format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
        END IF;
        BEGIN
            -- id
            v_key := 'id';
            v_json := NULLIF(p_input -> 'id', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "id" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_id := (v_json #>> '{}')::uuid;
            END IF;
            IF in_id IS NULL THEN
                RETURN ROW(false, 'invalid_input', 'missing required key "id"', NULL, NULL)::app.mutation_result;
            END IF;
            v_key := NULL;
            SELECT t.* INTO v_row FROM crm.tb_contact AS t WHERE t.id = in_id AND t.tenant_id = p_tenant_id AND t.deleted_at IS NULL FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                RETURN ROW(false, 'not_found', pg_catalog.format('no Contact with id %s', in_id), NULL, NULL)::app.mutation_result;
            END IF;
            IF NOT COALESCE((v_row.status = 'lead'::text), false) THEN
                RETURN ROW(false, 'not_a_lead', 'validation failed: status = ''lead''', NULL, NULL)::app.mutation_result;
            END IF;
            v_new := v_row;
            v_new.status := 'qualified'::text;
            UPDATE crm.tb_contact AS t SET status = v_new.status, updated_at = pg_catalog.now(), updated_by = p_user_id WHERE t.pk_contact = v_row.pk_contact AND t.tenant_id = p_tenant_id RETURNING t.* INTO v_row;
            PERFORM pg_catalog.pg_notify('contact_qualified', pg_catalog.jsonb_build_object('email', v_row.email)::text);
            v_out_company := NULL;
            IF v_row.fk_company IS NOT NULL THEN
                SELECT r.id INTO v_out_company FROM crm.tb_company AS r WHERE r.pk_company = v_row.fk_company;
            END IF;
            v_out_country := NULL;
            IF v_row.fk_country IS NOT NULL THEN
                SELECT r.id INTO v_out_country FROM common.tb_country AS r WHERE r.pk_country = v_row.fk_country;
            END IF;
            RETURN ROW(true, NULL, NULL, pg_catalog.jsonb_build_object('id', v_row.id, 'identifier', v_row.identifier, 'email', v_row.email, 'status', v_row.status, 'company_id', v_out_company, 'score', v_row.score, 'born', v_row.born, 'location', CASE WHEN v_row.location IS NULL THEN NULL ELSE pg_catalog.jsonb_build_object('latitude', v_row.location[0], 'longitude', v_row.location[1]) END, 'tags', v_row.tags, 'price', v_row.price, 'country_id', v_out_country, 'created_at', v_row.created_at, 'updated_at', v_row.updated_at), pg_catalog.jsonb_build_object('message', 'Lead qualified'::text))::app.mutation_result;
        EXCEPTION
            WHEN SQLSTATE 'SQ001' OR numeric_value_out_of_range OR invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow OR invalid_time_zone_displacement_value OR invalid_parameter_value OR not_null_violation OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN
                GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME;
                v_failure := app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, '{"crm.tb_contact.email":"email of Contact must not be null"}'::jsonb, E'{"crm.uq_tb_contact_identifier":"key \\"identifier\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)","crm.uq_tb_contact_email":"key \\"email\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);
                IF v_failure IS NULL THEN
                    RAISE;
                END IF;
                RETURN v_failure;
        END;
    END;
    $fn$;
    REVOKE ALL ON FUNCTION crm.qualify_lead(uuid, uuid, jsonb) FROM PUBLIC;
    COMMENT ON FUNCTION crm.qualify_lead(uuid, uuid, jsonb) IS 'Qualify a lead';
    "#);
}

#[test]
fn standard_create_derives_the_identifier_with_the_index_as_arbiter() {
    insta::assert_snapshot!(sql_of(&fixture(), 0, "create_company"), @r#"
    CREATE OR REPLACE FUNCTION crm.create_company(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
    RETURNS app.mutation_result
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    #variable_conflict use_variable
    DECLARE
        v_key text;
        v_json jsonb;
        in_name crm.tb_company.name%TYPE;
        v_row crm.tb_company%ROWTYPE;
        v_identifier text;
        v_slug text;
        v_suffix integer;
        v_detail text;
        v_schema text;
        v_table text;
        v_column text;
        v_constraint text;
        v_failure app.mutation_result;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'crm.create_company: p_tenant_id must not be NULL';
        END IF;
        PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
        IF p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object' THEN
            RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
        END IF;
        IF (p_input - ARRAY['name']::text[]) <> '{}'::jsonb THEN
            SELECT pg_catalog.min(k.k) INTO v_key FROM pg_catalog.jsonb_object_keys((p_input - ARRAY['name']::text[])) AS k(k);
            RETURN ROW(false, 'invalid_input', pg_catalog.format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
        END IF;
        BEGIN
            -- name
            v_key := 'name';
            v_json := NULLIF(p_input -> 'name', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "name" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_name := (v_json #>> '{}');
            END IF;
            IF in_name IS NULL THEN
                RETURN ROW(false, 'invalid_input', 'missing required key "name"', NULL, NULL)::app.mutation_result;
            END IF;
            v_key := NULL;
            v_slug := app.slugify(pg_catalog.concat_ws('-', in_name));
            IF pg_catalog.octet_length(v_slug) > 2600 THEN
                RETURN ROW(false, 'invalid_input', 'key "name": the identifier derived from it must be at most 2600 bytes', NULL, NULL)::app.mutation_result;
            END IF;
            v_suffix := 1;
            v_identifier := v_slug;
            LOOP
                INSERT INTO crm.tb_company AS t (tenant_id, identifier, name, created_by, updated_by) VALUES (p_tenant_id, v_identifier, in_name, p_user_id, p_user_id) ON CONFLICT (tenant_id, identifier) WHERE deleted_at IS NULL DO NOTHING RETURNING t.* INTO v_row;
                EXIT WHEN FOUND;
                -- v_identifier is taken (by a live row, or a concurrent insert): the next suffix.
                v_suffix := v_suffix + 1;
                v_identifier := v_slug || '-' || v_suffix::text;
            END LOOP;
        EXCEPTION
            WHEN SQLSTATE 'SQ001' OR numeric_value_out_of_range OR invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow OR invalid_time_zone_displacement_value OR invalid_parameter_value OR not_null_violation OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN
                GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME;
                v_failure := app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, '{"crm.tb_company.name":"name of Company must not be null"}'::jsonb, E'{"crm.uq_tb_company_identifier":"key \\"name\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);
                IF v_failure IS NULL THEN
                    RAISE;
                END IF;
                RETURN v_failure;
        END;
        RETURN ROW(true, NULL, NULL, pg_catalog.jsonb_build_object('id', v_row.id, 'identifier', v_row.identifier, 'name', v_row.name, 'created_at', v_row.created_at, 'updated_at', v_row.updated_at), NULL)::app.mutation_result;
    END;
    $fn$;
    REVOKE ALL ON FUNCTION crm.create_company(uuid, uuid, jsonb) FROM PUBLIC;
    "#);
}

#[test]
fn standard_update_of_a_tree_checks_cycles_and_upserts_translations() {
    insta::assert_snapshot!(sql_of(&fixture(), 2, "update_category"), @r#"
    CREATE OR REPLACE FUNCTION crm.update_category(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
    RETURNS app.mutation_result
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    #variable_conflict use_variable
    DECLARE
        v_key text;
        v_json jsonb;
        in_id uuid;
        in_name crm.tb_category.name%TYPE;
        in_parent_id uuid;
        in_identifier text;
        in_translations jsonb;
        v_fk_parent_id integer;
        v_row crm.tb_category%ROWTYPE;
        v_new crm.tb_category%ROWTYPE;
        v_locale text;
        v_texts jsonb;
        v_detail text;
        v_schema text;
        v_table text;
        v_column text;
        v_constraint text;
        v_failure app.mutation_result;
        v_out_parent uuid;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'crm.update_category: p_tenant_id must not be NULL';
        END IF;
        PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
        IF p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object' THEN
            RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
        END IF;
        IF (p_input - ARRAY['id', 'name', 'parent_id', 'identifier', 'translations']::text[]) <> '{}'::jsonb THEN
            SELECT pg_catalog.min(k.k) INTO v_key FROM pg_catalog.jsonb_object_keys((p_input - ARRAY['id', 'name', 'parent_id', 'identifier', 'translations']::text[])) AS k(k);
            RETURN ROW(false, 'invalid_input', pg_catalog.format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
        END IF;
        BEGIN
            -- id
            v_key := 'id';
            v_json := NULLIF(p_input -> 'id', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "id" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_id := (v_json #>> '{}')::uuid;
            END IF;
            IF in_id IS NULL THEN
                RETURN ROW(false, 'invalid_input', 'missing required key "id"', NULL, NULL)::app.mutation_result;
            END IF;
            -- name
            v_key := 'name';
            v_json := NULLIF(p_input -> 'name', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "name" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_name := (v_json #>> '{}');
            END IF;
            -- parent_id
            v_key := 'parent_id';
            v_json := NULLIF(p_input -> 'parent_id', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "parent_id" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_parent_id := (v_json #>> '{}')::uuid;
            END IF;
            -- identifier
            v_key := 'identifier';
            v_json := NULLIF(p_input -> 'identifier', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'string' THEN
                    RETURN ROW(false, 'invalid_input', 'key "identifier" must be a JSON string', NULL, NULL)::app.mutation_result;
                END IF;
                in_identifier := (v_json #>> '{}');
                IF pg_catalog.octet_length(in_identifier) > 2600 THEN
                    RETURN ROW(false, 'invalid_input', 'key "identifier" must be at most 2600 bytes (its value is indexed as unique)', NULL, NULL)::app.mutation_result;
                END IF;
            END IF;
            -- translations
            v_key := 'translations';
            v_json := NULLIF(p_input -> 'translations', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'object' THEN
                    RETURN ROW(false, 'invalid_input', 'key "translations" must be a JSON object of locale → object', NULL, NULL)::app.mutation_result;
                END IF;
                SELECT pg_catalog.min(l.key) INTO v_key FROM pg_catalog.jsonb_each(v_json) AS l WHERE l.key !~ '^[a-z]{2,3}(-[A-Z]{2})?$' OR pg_catalog.jsonb_typeof(l.value) <> 'object';
                IF v_key IS NOT NULL THEN
                    RETURN ROW(false, 'invalid_input', pg_catalog.format('key "translations": locale "%s" is invalid (a locale such as fr or pt-BR, mapping to an object of name)', v_key), NULL, NULL)::app.mutation_result;
                END IF;
                SELECT pg_catalog.min(pg_catalog.format('"%s": "%s"', l.key, f.key)) INTO v_key FROM pg_catalog.jsonb_each(v_json) AS l, pg_catalog.jsonb_each(l.value) AS f WHERE f.key <> ALL (ARRAY['name']::text[]) OR pg_catalog.jsonb_typeof(f.value) NOT IN ('string', 'null');
                IF v_key IS NOT NULL THEN
                    RETURN ROW(false, 'invalid_input', pg_catalog.format('key "translations": %s is not a translated field with a string or null value (fields: name)', v_key), NULL, NULL)::app.mutation_result;
                END IF;
                in_translations := v_json;
            END IF;
            v_key := NULL;
            IF in_parent_id IS NOT NULL THEN
                SELECT x.pk_category INTO v_fk_parent_id FROM crm.tb_category AS x WHERE x.id = in_parent_id AND x.tenant_id = p_tenant_id AND x.deleted_at IS NULL;
                IF NOT FOUND THEN
                    RETURN ROW(false, 'reference_not_found', pg_catalog.format('key "parent_id": no Category with id %s', in_parent_id), NULL, NULL)::app.mutation_result;
                END IF;
            END IF;
            SELECT t.* INTO v_row FROM crm.tb_category AS t WHERE t.id = in_id AND t.tenant_id = p_tenant_id AND t.deleted_at IS NULL FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                RETURN ROW(false, 'not_found', pg_catalog.format('no Category with id %s', in_id), NULL, NULL)::app.mutation_result;
            END IF;
            v_new := v_row;
            IF p_input ? 'name' THEN
                v_new.name := in_name;
            END IF;
            IF p_input ? 'parent_id' THEN
                v_new.fk_parent := v_fk_parent_id;
            END IF;
            IF p_input ? 'identifier' THEN
                v_new.identifier := in_identifier;
            END IF;
            IF v_new.fk_parent IS DISTINCT FROM v_row.fk_parent THEN
                IF v_new.fk_parent IS NOT NULL THEN
                    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('crm.tb_category/hierarchy'), pg_catalog.hashtext(p_tenant_id::text));
                    IF EXISTS (WITH RECURSIVE up(pk) AS (SELECT v_new.fk_parent UNION SELECT p.fk_parent FROM crm.tb_category AS p JOIN up ON p.pk_category = up.pk WHERE p.fk_parent IS NOT NULL AND p.tenant_id = p_tenant_id) SELECT FROM up WHERE up.pk = v_row.pk_category) THEN
                        RETURN ROW(false, 'hierarchy_cycle', 'Category cannot be its own ancestor', NULL, NULL)::app.mutation_result;
                    END IF;
                END IF;
            END IF;
            UPDATE crm.tb_category AS t SET name = v_new.name, fk_parent = v_new.fk_parent, identifier = v_new.identifier, updated_at = pg_catalog.now(), updated_by = p_user_id WHERE t.pk_category = v_row.pk_category AND t.tenant_id = p_tenant_id RETURNING t.* INTO v_row;
            IF in_translations IS NOT NULL THEN
                FOR v_locale, v_texts IN SELECT l.key, l.value FROM pg_catalog.jsonb_each(in_translations) AS l ORDER BY l.key LOOP
                    INSERT INTO crm.tl_category AS l (fk_category, tenant_id, locale, name, created_by, updated_by) VALUES (v_row.pk_category, p_tenant_id, v_locale, v_texts ->> 'name', p_user_id, p_user_id) ON CONFLICT (fk_category, locale) DO UPDATE SET name = CASE WHEN v_texts ? 'name' THEN EXCLUDED.name ELSE l.name END, updated_at = pg_catalog.now(), updated_by = p_user_id;
                END LOOP;
            END IF;
        EXCEPTION
            WHEN SQLSTATE 'SQ001' OR numeric_value_out_of_range OR invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow OR invalid_time_zone_displacement_value OR invalid_parameter_value OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN
                GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME;
                v_failure := app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, NULL, E'{"crm.uq_tb_category_identifier":"key \\"identifier\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);
                IF v_failure IS NULL THEN
                    RAISE;
                END IF;
                RETURN v_failure;
        END;
        v_out_parent := NULL;
        IF v_row.fk_parent IS NOT NULL THEN
            SELECT r.id INTO v_out_parent FROM crm.tb_category AS r WHERE r.pk_category = v_row.fk_parent;
        END IF;
        RETURN ROW(true, NULL, NULL, pg_catalog.jsonb_build_object('id', v_row.id, 'identifier', v_row.identifier, 'name', v_row.name, 'parent_id', v_out_parent, 'created_at', v_row.created_at, 'updated_at', v_row.updated_at, 'translations', COALESCE((SELECT pg_catalog.jsonb_object_agg(l.locale, pg_catalog.jsonb_build_object('name', l.name)) FROM crm.tl_category AS l WHERE l.fk_category = v_row.pk_category AND l.tenant_id = p_tenant_id), '{}'::jsonb)), NULL)::app.mutation_result;
    END;
    $fn$;
    REVOKE ALL ON FUNCTION crm.update_category(uuid, uuid, jsonb) FROM PUBLIC;
    "#);
}

#[test]
fn foreach_calls_another_action_and_propagates_its_failure() {
    insta::assert_snapshot!(sql_of(&fixture(), 1, "import_contacts"), @r#"
    CREATE OR REPLACE FUNCTION crm.import_contacts(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
    RETURNS app.mutation_result
    LANGUAGE plpgsql
    VOLATILE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    #variable_conflict use_variable
    DECLARE
        v_key text;
        v_json jsonb;
        in_contacts jsonb;
        it1 jsonb;
        v_item jsonb;
        it1_score integer;
        it1_email text;
        v_result app.mutation_result;
        v_detail text;
        v_schema text;
        v_table text;
        v_column text;
        v_constraint text;
        v_failure app.mutation_result;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'crm.import_contacts: p_tenant_id must not be NULL';
        END IF;
        PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
        IF p_input IS NULL OR pg_catalog.jsonb_typeof(p_input) <> 'object' THEN
            RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
        END IF;
        IF (p_input - ARRAY['contacts']::text[]) <> '{}'::jsonb THEN
            SELECT pg_catalog.min(k.k) INTO v_key FROM pg_catalog.jsonb_object_keys((p_input - ARRAY['contacts']::text[])) AS k(k);
            RETURN ROW(false, 'invalid_input', pg_catalog.format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
        END IF;
        BEGIN
            -- contacts
            v_key := 'contacts';
            v_json := NULLIF(p_input -> 'contacts', 'null'::jsonb);
            IF v_json IS NOT NULL THEN
                IF pg_catalog.jsonb_typeof(v_json) <> 'array' THEN
                    RETURN ROW(false, 'invalid_input', 'key "contacts" must be a JSON array', NULL, NULL)::app.mutation_result;
                END IF;
                in_contacts := v_json;
            END IF;
            v_key := NULL;
            FOR it1 IN SELECT e.v FROM pg_catalog.jsonb_array_elements(in_contacts) WITH ORDINALITY AS e(v, n) ORDER BY e.n LOOP
                v_key := 'contacts';
                IF pg_catalog.jsonb_typeof(it1) <> 'object' THEN
                    RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key "contacts" must be a JSON array of objects', DETAIL = 'invalid_input';
                END IF;
                v_item := NULLIF(it1 -> 'score', 'null'::jsonb);
                IF v_item IS NOT NULL AND (pg_catalog.jsonb_typeof(v_item) <> 'number') THEN
                    RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key "contacts": item key "score" must be a JSON number', DETAIL = 'invalid_input';
                END IF;
                it1_score := (v_item #>> '{}')::integer;
                v_item := NULLIF(it1 -> 'email', 'null'::jsonb);
                IF v_item IS NOT NULL AND (pg_catalog.jsonb_typeof(v_item) <> 'string') THEN
                    RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'key "contacts": item key "email" must be a JSON string', DETAIL = 'invalid_input';
                END IF;
                it1_email := (v_item #>> '{}');
                v_key := NULL;
                IF NOT COALESCE((it1_score > 0::integer), false) THEN
                    RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = 'validation failed: item.score > 0', DETAIL = 'validation_failed';
                END IF;
                v_result := crm.create_contact(p_tenant_id, p_user_id, pg_catalog.jsonb_build_object('email', it1_email, 'score', it1_score));
                IF NOT v_result.success THEN
                    RAISE EXCEPTION USING ERRCODE = 'SQ001', MESSAGE = COALESCE(v_result.error_message, ''), DETAIL = COALESCE(v_result.error_code, 'call_failed');
                END IF;
            END LOOP;
        EXCEPTION
            WHEN SQLSTATE 'SQ001' OR numeric_value_out_of_range OR invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow OR invalid_time_zone_displacement_value OR invalid_parameter_value OR not_null_violation OR program_limit_exceeded OR unique_violation OR check_violation OR foreign_key_violation THEN
                GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_schema = SCHEMA_NAME, v_table = TABLE_NAME, v_column = COLUMN_NAME, v_constraint = CONSTRAINT_NAME;
                v_failure := app.mutation_failure(SQLSTATE, SQLERRM, v_detail, v_key, v_schema, v_table, v_column, v_constraint, '{"crm.tb_contact.email":"email of Contact must not be null"}'::jsonb, E'{"crm.uq_tb_contact_identifier":"key \\"identifier\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)","crm.uq_tb_contact_email":"key \\"email\\": the value is too long for a unique index (at most about 2,700 bytes once compressed)"}'::jsonb);
                IF v_failure IS NULL THEN
                    RAISE;
                END IF;
                RETURN v_failure;
        END;
        RETURN ROW(true, NULL, NULL, NULL, NULL)::app.mutation_result;
    END;
    $fn$;
    REVOKE ALL ON FUNCTION crm.import_contacts(uuid, uuid, jsonb) FROM PUBLIC;
    "#);
}

#[test]
fn every_fixture_function_confines_writes_to_the_tenant() {
    let project = fixture();
    let facts = Facts::new(&project);
    for id in project.action_ids() {
        let (e, a) = (project.entity(id.entity), project.action(id));
        let Some(f) = function(&project, &facts, id) else {
            assert!(matches!(a.kind, ActionKind::Declaration), "{}", a.name);
            continue;
        };
        for stmt in f.sql.lines().filter(|l| {
            let l = l.trim_start();
            l.starts_with("UPDATE ") || l.starts_with("INSERT ") || l.starts_with("SELECT t.*")
        }) {
            assert!(
                !e.tenant_scoped || stmt.contains("p_tenant_id"),
                "{}: {stmt}",
                a.name
            );
        }
        assert!(!f.sql.contains("WHEN OTHERS"), "{}", a.name);
        assert!(!f.sql.contains("EXECUTE"), "{}", a.name);
    }
}
