-- Hand-written baselines for the runtime benchmark (bench/run.sh).
--
-- Each function does the SAME work as the generated function of the same name in
-- bench/runtime/spec.yaml, the way a PostgreSQL developer would write it by hand:
--   * the same NULL-tenant guard, the same strict input-key check (unknown key ->
--     invalid_input naming it), the same per-key JSON type checks, casts, enum and
--     required checks with the same error codes, in field order;
--   * the same tenant-confined reference lookup, row lookup (FOR NO KEY UPDATE),
--     validations, derived-identifier suffix search arbitrated by the unique index
--     (ON CONFLICT / unique_violation retry), INSERT/UPDATE;
--   * the same exception handling (cast errors, unique/check/FK violations become
--     success = false) and the same result shape: app.mutation_result with the same
--     object_data keys.
-- They run against the same tables as the generated functions, in the same database.
-- Like the generated functions (LANGUAGE §7) they are SECURITY DEFINER with a pinned
-- search_path, set `specql.tenant_id` for the tables' row-level security policies, and
-- are called by an application role that is not a superuser and holds no table privilege.

CREATE SCHEMA IF NOT EXISTS hw;

-- Shared by the three functions: the public JSON of a contact row.
CREATE OR REPLACE FUNCTION hw.contact_json(r crm.tb_contact, p_org_id uuid)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', r.id, 'identifier', r.identifier, 'email', r.email,
        'first_name', r.first_name, 'last_name', r.last_name, 'phone', r.phone,
        'job_title', r.job_title, 'status', r.status, 'score', r.score,
        'birthday', r.birthday, 'newsletter', r.newsletter, 'country', r.country,
        'organization_id', p_org_id, 'created_at', r.created_at, 'updated_at', r.updated_at)
$$;

CREATE OR REPLACE FUNCTION hw.create_contact(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
RETURNS app.mutation_result LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_key text;
    v jsonb;
    r crm.tb_contact%ROWTYPE;
    v_org uuid;
    v_fk integer;
    v_slug text;
    v_ident text;
    v_n integer := 1;
BEGIN
    IF p_tenant_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'hw.create_contact: p_tenant_id must not be NULL';
    END IF;
    PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
    IF p_input IS NULL OR jsonb_typeof(p_input) <> 'object' THEN
        RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
    END IF;
    IF p_input - '{email,first_name,last_name,phone,job_title,status,score,birthday,newsletter,country,organization_id}'::text[] <> '{}' THEN
        SELECT min(k) INTO v_key FROM jsonb_object_keys(p_input - '{email,first_name,last_name,phone,job_title,status,score,birthday,newsletter,country,organization_id}'::text[]) AS k;
        RETURN ROW(false, 'invalid_input', format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
    END IF;
    BEGIN
        v_key := 'email'; v := p_input -> 'email';
        IF v IS NULL OR v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "email"', NULL, NULL)::app.mutation_result; END IF;
        IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "email" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        r.email := v #>> '{}';
        v_key := 'first_name'; v := p_input -> 'first_name';
        IF v IS NULL OR v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "first_name"', NULL, NULL)::app.mutation_result; END IF;
        IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "first_name" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        r.first_name := v #>> '{}';
        v_key := 'last_name'; v := p_input -> 'last_name';
        IF v IS NULL OR v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "last_name"', NULL, NULL)::app.mutation_result; END IF;
        IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "last_name" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        r.last_name := v #>> '{}';
        v_key := 'phone'; v := p_input -> 'phone';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "phone" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            r.phone := v #>> '{}';
        END IF;
        v_key := 'job_title'; v := p_input -> 'job_title';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "job_title" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            r.job_title := v #>> '{}';
        END IF;
        v_key := 'status'; v := p_input -> 'status';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "status" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            r.status := v #>> '{}';
            IF r.status NOT IN ('lead', 'qualified', 'customer', 'lost') THEN
                RETURN ROW(false, 'invalid_input', 'key "status" must be one of: lead, qualified, customer, lost', NULL, NULL)::app.mutation_result;
            END IF;
        ELSE
            r.status := 'lead';
        END IF;
        v_key := 'score'; v := p_input -> 'score';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'number' THEN RETURN ROW(false, 'invalid_input', 'key "score" must be a JSON number', NULL, NULL)::app.mutation_result; END IF;
            r.score := (v #>> '{}')::integer;
        ELSE
            r.score := 0;
        END IF;
        v_key := 'birthday'; v := p_input -> 'birthday';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "birthday" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            r.birthday := (v #>> '{}')::date;
        END IF;
        v_key := 'newsletter'; v := p_input -> 'newsletter';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'boolean' THEN RETURN ROW(false, 'invalid_input', 'key "newsletter" must be a JSON boolean', NULL, NULL)::app.mutation_result; END IF;
            r.newsletter := (v #>> '{}')::boolean;
        ELSE
            r.newsletter := false;
        END IF;
        v_key := 'country'; v := p_input -> 'country';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "country" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            r.country := v #>> '{}';
        END IF;
        v_key := 'organization_id'; v := p_input -> 'organization_id';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "organization_id" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            v_org := (v #>> '{}')::uuid;
        END IF;
        v_key := NULL;
        IF v_org IS NOT NULL THEN
            SELECT o.pk_organization INTO v_fk FROM crm.tb_organization o
             WHERE o.id = v_org AND o.tenant_id = p_tenant_id AND o.deleted_at IS NULL;
            IF NOT FOUND THEN
                RETURN ROW(false, 'reference_not_found', format('key "organization_id": no Organization with id %s', v_org), NULL, NULL)::app.mutation_result;
            END IF;
        END IF;
        -- Derived identifier: same slug and suffix search; the unique index arbitrates
        -- (ON CONFLICT DO NOTHING, then the next suffix), as the generated function does.
        v_slug := app.slugify(concat_ws('-', r.first_name, r.last_name));
        v_ident := v_slug;
        LOOP
            IF v_slug IS NOT NULL THEN
                WHILE EXISTS (SELECT FROM crm.tb_contact c WHERE c.identifier = v_ident AND c.tenant_id = p_tenant_id AND c.deleted_at IS NULL) LOOP
                    v_n := v_n + 1;
                    v_ident := v_slug || '-' || v_n;
                END LOOP;
            END IF;
            INSERT INTO crm.tb_contact AS c (tenant_id, identifier, email, first_name, last_name, phone, job_title, status, score, birthday, newsletter, country, fk_organization, created_by, updated_by)
            VALUES (p_tenant_id, v_ident, r.email, r.first_name, r.last_name, r.phone, r.job_title, r.status, r.score, r.birthday, r.newsletter, r.country, v_fk, p_user_id, p_user_id)
            ON CONFLICT (tenant_id, identifier) WHERE deleted_at IS NULL DO NOTHING
            RETURNING * INTO r;
            EXIT WHEN FOUND;
            v_n := v_n + 1;
            v_ident := v_slug || '-' || v_n;
        END LOOP;
    EXCEPTION
        WHEN numeric_value_out_of_range THEN
            IF v_key IS NULL THEN RETURN ROW(false, 'out_of_range', SQLERRM, NULL, NULL)::app.mutation_result; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR invalid_parameter_value THEN
            IF v_key IS NULL THEN RAISE; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN unique_violation THEN RETURN ROW(false, 'unique_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN check_violation THEN RETURN ROW(false, 'check_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN foreign_key_violation THEN RETURN ROW(false, 'reference_not_found', SQLERRM, NULL, NULL)::app.mutation_result;
    END;
    RETURN ROW(true, NULL, NULL, hw.contact_json(r, v_org), NULL)::app.mutation_result;
END;
$$;

CREATE OR REPLACE FUNCTION hw.update_contact(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
RETURNS app.mutation_result LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_key text;
    v jsonb;
    v_id uuid;
    r crm.tb_contact%ROWTYPE;
    n crm.tb_contact%ROWTYPE;
    v_org uuid;
    v_fk integer;
    v_slug text;
    v_n integer := 1;
    v_constraint text;
BEGIN
    IF p_tenant_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'hw.update_contact: p_tenant_id must not be NULL';
    END IF;
    PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
    IF p_input IS NULL OR jsonb_typeof(p_input) <> 'object' THEN
        RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
    END IF;
    IF p_input - '{id,email,first_name,last_name,phone,job_title,status,score,birthday,newsletter,country,organization_id}'::text[] <> '{}' THEN
        SELECT min(k) INTO v_key FROM jsonb_object_keys(p_input - '{id,email,first_name,last_name,phone,job_title,status,score,birthday,newsletter,country,organization_id}'::text[]) AS k;
        RETURN ROW(false, 'invalid_input', format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
    END IF;
    BEGIN
        v_key := 'id'; v := p_input -> 'id';
        IF v IS NULL OR v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "id"', NULL, NULL)::app.mutation_result; END IF;
        IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "id" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        v_id := (v #>> '{}')::uuid;
        -- Type-check every present key first (field order), then apply them to the row.
        v_key := 'email'; v := p_input -> 'email';
        IF v IS NOT NULL THEN
            IF v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "email"', NULL, NULL)::app.mutation_result; END IF;
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "email" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            n.email := v #>> '{}';
        END IF;
        v_key := 'first_name'; v := p_input -> 'first_name';
        IF v IS NOT NULL THEN
            IF v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "first_name"', NULL, NULL)::app.mutation_result; END IF;
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "first_name" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            n.first_name := v #>> '{}';
        END IF;
        v_key := 'last_name'; v := p_input -> 'last_name';
        IF v IS NOT NULL THEN
            IF v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "last_name"', NULL, NULL)::app.mutation_result; END IF;
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "last_name" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            n.last_name := v #>> '{}';
        END IF;
        v_key := 'phone'; v := p_input -> 'phone';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "phone" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        n.phone := v #>> '{}';
        v_key := 'job_title'; v := p_input -> 'job_title';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "job_title" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        n.job_title := v #>> '{}';
        v_key := 'status'; v := p_input -> 'status';
        IF v IS NOT NULL AND v <> 'null' THEN
            IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "status" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
            n.status := v #>> '{}';
            IF n.status NOT IN ('lead', 'qualified', 'customer', 'lost') THEN
                RETURN ROW(false, 'invalid_input', 'key "status" must be one of: lead, qualified, customer, lost', NULL, NULL)::app.mutation_result;
            END IF;
        END IF;
        v_key := 'score'; v := p_input -> 'score';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'number' THEN RETURN ROW(false, 'invalid_input', 'key "score" must be a JSON number', NULL, NULL)::app.mutation_result; END IF;
        n.score := (v #>> '{}')::integer;
        v_key := 'birthday'; v := p_input -> 'birthday';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "birthday" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        n.birthday := (v #>> '{}')::date;
        v_key := 'newsletter'; v := p_input -> 'newsletter';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'boolean' THEN RETURN ROW(false, 'invalid_input', 'key "newsletter" must be a JSON boolean', NULL, NULL)::app.mutation_result; END IF;
        n.newsletter := (v #>> '{}')::boolean;
        v_key := 'country'; v := p_input -> 'country';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "country" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        n.country := v #>> '{}';
        v_key := 'organization_id'; v := p_input -> 'organization_id';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "organization_id" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        v_org := (v #>> '{}')::uuid;
        v_key := NULL;
        IF v_org IS NOT NULL THEN
            SELECT o.pk_organization INTO v_fk FROM crm.tb_organization o
             WHERE o.id = v_org AND o.tenant_id = p_tenant_id AND o.deleted_at IS NULL;
            IF NOT FOUND THEN
                RETURN ROW(false, 'reference_not_found', format('key "organization_id": no Organization with id %s', v_org), NULL, NULL)::app.mutation_result;
            END IF;
        END IF;
        SELECT * INTO r FROM crm.tb_contact c
         WHERE c.id = v_id AND c.tenant_id = p_tenant_id AND c.deleted_at IS NULL
         FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RETURN ROW(false, 'not_found', format('no Contact with id %s', v_id), NULL, NULL)::app.mutation_result;
        END IF;
        -- Absent keys keep the row's value; present ones (null included) replace it.
        IF NOT p_input ? 'email' THEN n.email := r.email; END IF;
        IF NOT p_input ? 'first_name' THEN n.first_name := r.first_name; END IF;
        IF NOT p_input ? 'last_name' THEN n.last_name := r.last_name; END IF;
        IF NOT p_input ? 'phone' THEN n.phone := r.phone; END IF;
        IF NOT p_input ? 'job_title' THEN n.job_title := r.job_title; END IF;
        IF NOT p_input ? 'status' THEN n.status := r.status; END IF;
        IF NOT p_input ? 'score' THEN n.score := r.score; END IF;
        IF NOT p_input ? 'birthday' THEN n.birthday := r.birthday; END IF;
        IF NOT p_input ? 'newsletter' THEN n.newsletter := r.newsletter; END IF;
        IF NOT p_input ? 'country' THEN n.country := r.country; END IF;
        IF p_input ? 'organization_id' THEN n.fk_organization := v_fk; ELSE n.fk_organization := r.fk_organization; END IF;
        n.identifier := r.identifier;
        IF (n.first_name, n.last_name) IS DISTINCT FROM (r.first_name, r.last_name) THEN
            v_slug := app.slugify(concat_ws('-', n.first_name, n.last_name));
            n.identifier := v_slug;
            IF v_slug IS NOT NULL THEN
                WHILE EXISTS (SELECT FROM crm.tb_contact c WHERE c.identifier = n.identifier AND c.tenant_id = p_tenant_id AND c.deleted_at IS NULL AND c.pk_contact <> r.pk_contact) LOOP
                    v_n := v_n + 1;
                    n.identifier := v_slug || '-' || v_n;
                END LOOP;
            END IF;
        END IF;
        IF v_slug IS NULL THEN
            -- The identifier did not change: a unique violation cannot be ours to retry.
            UPDATE crm.tb_contact c SET email = n.email, first_name = n.first_name, last_name = n.last_name,
                   phone = n.phone, job_title = n.job_title, status = n.status, score = n.score,
                   birthday = n.birthday, newsletter = n.newsletter, country = n.country,
                   fk_organization = n.fk_organization, identifier = n.identifier,
                   updated_at = now(), updated_by = p_user_id
             WHERE c.pk_contact = r.pk_contact AND c.tenant_id = p_tenant_id
            RETURNING * INTO r;
        ELSE
            -- A new derived identifier: the unique index arbitrates, retry with the next suffix.
            LOOP
                BEGIN
                    UPDATE crm.tb_contact c SET email = n.email, first_name = n.first_name, last_name = n.last_name,
                           phone = n.phone, job_title = n.job_title, status = n.status, score = n.score,
                           birthday = n.birthday, newsletter = n.newsletter, country = n.country,
                           fk_organization = n.fk_organization, identifier = n.identifier,
                           updated_at = now(), updated_by = p_user_id
                     WHERE c.pk_contact = r.pk_contact AND c.tenant_id = p_tenant_id
                    RETURNING * INTO r;
                    EXIT;
                EXCEPTION WHEN unique_violation THEN
                    GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
                    IF v_constraint IS DISTINCT FROM 'uq_tb_contact_identifier' THEN RAISE; END IF;
                    v_n := v_n + 1;
                    n.identifier := v_slug || '-' || v_n;
                    WHILE EXISTS (SELECT FROM crm.tb_contact c WHERE c.identifier = n.identifier AND c.tenant_id = p_tenant_id AND c.deleted_at IS NULL AND c.pk_contact <> r.pk_contact) LOOP
                        v_n := v_n + 1;
                        n.identifier := v_slug || '-' || v_n;
                    END LOOP;
                END;
            END LOOP;
        END IF;
    EXCEPTION
        WHEN numeric_value_out_of_range THEN
            IF v_key IS NULL THEN RETURN ROW(false, 'out_of_range', SQLERRM, NULL, NULL)::app.mutation_result; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR invalid_parameter_value THEN
            IF v_key IS NULL THEN RAISE; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN unique_violation THEN RETURN ROW(false, 'unique_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN check_violation THEN RETURN ROW(false, 'check_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN foreign_key_violation THEN RETURN ROW(false, 'reference_not_found', SQLERRM, NULL, NULL)::app.mutation_result;
    END;
    IF NOT p_input ? 'organization_id' AND r.fk_organization IS NOT NULL THEN
        SELECT o.id INTO v_org FROM crm.tb_organization o WHERE o.pk_organization = r.fk_organization;
    END IF;
    RETURN ROW(true, NULL, NULL, hw.contact_json(r, v_org), NULL)::app.mutation_result;
END;
$$;

CREATE OR REPLACE FUNCTION hw.qualify_lead(p_tenant_id uuid, p_user_id uuid, p_input jsonb)
RETURNS app.mutation_result LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_key text;
    v jsonb;
    v_id uuid;
    v_score integer;
    r crm.tb_contact%ROWTYPE;
    v_org uuid;
BEGIN
    IF p_tenant_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'hw.qualify_lead: p_tenant_id must not be NULL';
    END IF;
    PERFORM pg_catalog.set_config('specql.tenant_id', p_tenant_id::text, true), pg_catalog.set_config('specql.user_id', COALESCE(p_user_id::text, ''), true);
    IF p_input IS NULL OR jsonb_typeof(p_input) <> 'object' THEN
        RETURN ROW(false, 'invalid_input', 'input must be a JSON object', NULL, NULL)::app.mutation_result;
    END IF;
    IF p_input - '{id,score}'::text[] <> '{}' THEN
        SELECT min(k) INTO v_key FROM jsonb_object_keys(p_input - '{id,score}'::text[]) AS k;
        RETURN ROW(false, 'invalid_input', format('unknown input key "%s"', v_key), NULL, NULL)::app.mutation_result;
    END IF;
    BEGIN
        v_key := 'id'; v := p_input -> 'id';
        IF v IS NULL OR v = 'null' THEN RETURN ROW(false, 'invalid_input', 'missing required key "id"', NULL, NULL)::app.mutation_result; END IF;
        IF jsonb_typeof(v) <> 'string' THEN RETURN ROW(false, 'invalid_input', 'key "id" must be a JSON string', NULL, NULL)::app.mutation_result; END IF;
        v_id := (v #>> '{}')::uuid;
        v_key := 'score'; v := p_input -> 'score';
        IF v IS NOT NULL AND v <> 'null' AND jsonb_typeof(v) <> 'number' THEN RETURN ROW(false, 'invalid_input', 'key "score" must be a JSON number', NULL, NULL)::app.mutation_result; END IF;
        v_score := (v #>> '{}')::integer;
        v_key := NULL;
        SELECT * INTO r FROM crm.tb_contact c
         WHERE c.id = v_id AND c.tenant_id = p_tenant_id AND c.deleted_at IS NULL
         FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RETURN ROW(false, 'not_found', format('no Contact with id %s', v_id), NULL, NULL)::app.mutation_result;
        END IF;
        IF r.status NOT IN ('lead', 'qualified') OR r.status IS NULL THEN
            RETURN ROW(false, 'not_a_lead', 'validation failed: status IN (''lead'', ''qualified'')', NULL, NULL)::app.mutation_result;
        END IF;
        IF NOT coalesce(v_score >= 0 AND v_score <= 100, false) THEN
            RETURN ROW(false, 'bad_score', 'validation failed: $score >= 0 AND $score <= 100', NULL, NULL)::app.mutation_result;
        END IF;
        UPDATE crm.tb_contact c SET status = 'qualified', score = v_score, updated_at = now(), updated_by = p_user_id
         WHERE c.pk_contact = r.pk_contact AND c.tenant_id = p_tenant_id
        RETURNING * INTO r;
    EXCEPTION
        WHEN numeric_value_out_of_range THEN
            IF v_key IS NULL THEN RETURN ROW(false, 'out_of_range', SQLERRM, NULL, NULL)::app.mutation_result; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR invalid_parameter_value THEN
            IF v_key IS NULL THEN RAISE; END IF;
            RETURN ROW(false, 'invalid_input', format('key "%s": %s', v_key, SQLERRM), NULL, NULL)::app.mutation_result;
        WHEN unique_violation THEN RETURN ROW(false, 'unique_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN check_violation THEN RETURN ROW(false, 'check_violation', SQLERRM, NULL, NULL)::app.mutation_result;
        WHEN foreign_key_violation THEN RETURN ROW(false, 'reference_not_found', SQLERRM, NULL, NULL)::app.mutation_result;
    END;
    IF r.fk_organization IS NOT NULL THEN
        SELECT o.id INTO v_org FROM crm.tb_organization o WHERE o.pk_organization = r.fk_organization;
    END IF;
    RETURN ROW(true, NULL, NULL, hw.contact_json(r, v_org), NULL)::app.mutation_result;
END;
$$;
