-- Benchmark data, the same for both variants: one tenant, 100 organizations and
-- 20,000 contacts (leads, half of them in an organization) with predictable ids
-- (md5('c' || n)::uuid), so the pgbench scripts can address a random row without a lookup.
INSERT INTO crm.tb_organization (id, tenant_id, identifier, name, domain, employee_count)
SELECT md5('o' || i)::uuid, '00000000-0000-0000-0000-00000000000a', 'org-' || i,
       'Org ' || i, 'org' || i || '.example.com', i * 10
  FROM generate_series(0, 99) AS i;
INSERT INTO crm.tb_contact (id, tenant_id, identifier, email, first_name, last_name, phone,
                            job_title, status, score, birthday, newsletter, country, fk_organization)
SELECT md5('c' || i)::uuid, '00000000-0000-0000-0000-00000000000a', 'seed-' || i,
       'seed' || i || '@example.com', 'Seed', 'Contact ' || i, '+4420700' || lpad(i::text, 5, '0'),
       'Engineer', 'lead', i % 100, date '1980-01-01' + i % 9000, i % 2 = 0, 'FR',
       CASE WHEN i % 2 = 0 THEN (SELECT pk_organization FROM crm.tb_organization WHERE id = md5('o' || (i % 100))::uuid) END
  FROM generate_series(1, 20000) AS i;
-- A second tenant's rows, so tenant confinement has something to confine.
INSERT INTO crm.tb_contact (tenant_id, identifier, email, first_name, last_name, status)
SELECT '00000000-0000-0000-0000-00000000000b', 'other-' || i, 'other' || i || '@example.com',
       'Other', 'Contact ' || i, 'lead'
  FROM generate_series(1, 20000) AS i;
VACUUM ANALYZE;
