//! Defence in depth (LANGUAGE §7), through roles that are not superusers (superusers
//! bypass row-level security): the schema is owned by an owner role, the application
//! calls actions through a `--grant-to` role. Row-level security is on and forced on every
//! tenant table, references are composite tenant keys, actions are the only way in.

use std::sync::atomic::{AtomicU32, Ordering};

use postgres::Client;
use serde_json::json;

use crate::support::TestDb;
use crate::support::actions::id_of;
use crate::support::cli::{specqlc_ok, text};
use crate::support::db::set_tenant;
use crate::support::specs::{TENANT_A, TENANT_B, USER_1};

/// A database whose specs were applied by an owner role, with an application role that
/// was granted the actions.
struct Secured {
    db: TestDb,
    owner: String,
    app: String,
}

impl Secured {
    fn new(spec: &str) -> Secured {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let owner = format!("owner_{}_{n}", std::process::id());
        let app = format!("app_{}_{n}", std::process::id());
        let db = TestDb::new();
        let database: String = db.query_json("SELECT current_database() AS d")[0]["d"]
            .as_str()
            .unwrap()
            .to_string();
        db.batch(&format!(
            "CREATE ROLE {owner} NOSUPERUSER NOBYPASSRLS; CREATE ROLE {app} NOSUPERUSER NOBYPASSRLS;
             GRANT CREATE ON DATABASE {database} TO {owner};"
        ));
        let script = specqlc_ok(&["compile", "--grant-to", &app, spec, "-o", "-"]);
        let mut client = db.client();
        client.batch_execute(&format!("SET ROLE {owner}")).unwrap();
        client
            .batch_execute(&text(&script.stdout))
            .unwrap_or_else(|e| panic!("the owner cannot apply the script: {e}"));
        Secured { db, owner, app }
    }

    /// A connection acting as `role`.
    fn as_role(&self, role: &str) -> Client {
        let mut client = self.db.client();
        client.batch_execute(&format!("SET ROLE {role}")).unwrap();
        client
    }

    /// Calls the action `schema.name` as the application role: the result as JSON.
    fn call(&self, action: &str, tenant: &str, input: serde_json::Value) -> serde_json::Value {
        let mut client = self.as_role(&self.app);
        let row = client
            .query_one(
                &format!(
                    "SELECT to_jsonb(r)::text FROM {action}($1::text::uuid, $2::text::uuid, $3::text::jsonb) AS r"
                ),
                &[&tenant, &USER_1, &input.to_string()],
            )
            .unwrap_or_else(|e| panic!("{action} as {}: {e}", self.app));
        serde_json::from_str(row.get(0)).unwrap()
    }

    /// Calls the action `schema.name` as the application role, which must succeed; the
    /// `id` it returns.
    fn id(&self, action: &str, tenant: &str, input: serde_json::Value) -> String {
        let result = self.call(action, tenant, input);
        assert_eq!(result["success"], json!(true), "{action}: {result}");
        id_of(&result["object_data"])
    }
}

/// Runs `sql` on `client`, which the server must refuse with SQLSTATE `code`.
fn assert_refused(client: &mut Client, sql: &str, code: &str) {
    let error = client.execute(sql, &[]).unwrap_err();
    assert_eq!(error.code().unwrap().code(), code, "{sql}: {error}");
}

impl Drop for Secured {
    fn drop(&mut self) {
        // Roles are cluster-wide: drop what they own in this database, then them.
        let _ = self.db.try_batch(&format!(
            "DROP OWNED BY {owner}, {app} CASCADE; DROP ROLE IF EXISTS {app}; REASSIGN OWNED BY {owner} TO CURRENT_USER; DROP ROLE IF EXISTS {owner};",
            owner = self.owner,
            app = self.app
        ));
    }
}

#[test]
fn actions_through_a_non_superuser_role_keep_tenants_apart_and_tables_closed() {
    let s = Secured::new("tests/cases/ok/crm_contact.yaml");
    let company_id = s.id("crm.create_company", TENANT_A, json!({"name": "Acme"}));
    let contact_id = s.id(
        "crm.create_contact",
        TENANT_A,
        json!({"email": "ada@example.com", "first_name": "Ada", "last_name": "L", "company_id": company_id}),
    );

    // Tenant B can neither change A's row nor link to A's company.
    let update = s.call(
        "crm.update_contact",
        TENANT_B,
        json!({"id": contact_id, "first_name": "Eve"}),
    );
    assert_eq!(update["error_code"], json!("not_found"), "{update}");
    let link = s.call(
        "crm.create_contact",
        TENANT_B,
        json!({"email": "eve@example.com", "first_name": "Eve", "last_name": "B", "company_id": company_id}),
    );
    assert_eq!(link["error_code"], json!("reference_not_found"), "{link}");

    // The application role has no table privilege at all: actions are the only way in.
    let mut app = s.as_role(&s.app);
    assert_refused(&mut app, "SELECT * FROM crm.tb_contact", "42501");
    // Nor can a role that was not granted the actions call them (nothing is PUBLIC).
    let stranger = format!("{}_stranger", s.app);
    s.db.batch(&format!("CREATE ROLE {stranger} NOSUPERUSER"));
    let mut client = s.as_role(&stranger);
    let refused = client
        .query(
            "SELECT crm.create_company($1::text::uuid, $2::text::uuid, '{}'::jsonb)",
            &[&TENANT_A, &USER_1],
        )
        .unwrap_err();
    drop(client);
    s.db.batch(&format!("DROP ROLE {stranger}"));
    assert_eq!(refused.code().unwrap().code(), "42501", "{refused}");

    // The catalog: every tenant table has row-level security enabled and forced.
    let tables = s.db.query_json(
        "SELECT c.relname, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'crm' AND c.relkind = 'r' ORDER BY 1",
    );
    assert_eq!(
        tables,
        json!([
            {"relname": "tb_company", "enabled": true, "forced": true},
            {"relname": "tb_contact", "enabled": true, "forced": true}
        ])
    );
}

#[test]
fn a_hand_written_query_without_a_tenant_sees_and_changes_nothing() {
    let s = Secured::new("tests/cases/ok/crm_contact.yaml");
    for (tenant, name) in [(TENANT_A, "Acme"), (TENANT_B, "Bobco")] {
        s.id("crm.create_company", tenant, json!({"name": name}));
    }
    // Even given table privileges, the application role sees rows only of the tenant it
    // names, and none without one.
    let mut owner = s.as_role(&s.owner);
    owner
        .batch_execute(&format!(
            "GRANT SELECT, UPDATE ON crm.tb_company TO {}",
            s.app
        ))
        .unwrap();
    let mut app = s.as_role(&s.app);
    let seen: i64 = app
        .query_one("SELECT count(*) FROM crm.tb_company", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, 0, "no tenant set: no row visible");
    let changed = app
        .execute("UPDATE crm.tb_company SET name = 'x'", &[])
        .unwrap();
    assert_eq!(changed, 0, "no tenant set: no row changed");
    app.batch_execute(&set_tenant(TENANT_A)).unwrap();
    let names: Vec<String> = app
        .query("SELECT name FROM crm.tb_company", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["Acme"], "tenant A sees only its own row");
    // Moving a row to another tenant is refused by the policy's WITH CHECK.
    let move_to_b = format!("UPDATE crm.tb_company SET tenant_id = '{TENANT_B}'");
    assert_refused(&mut app, &move_to_b, "42501");
}

#[test]
fn a_forged_cross_tenant_reference_is_refused_by_the_composite_key() {
    let s = Secured::new("tests/cases/ok/crm_contact.yaml");
    s.id("crm.create_company", TENANT_A, json!({"name": "Acme"}));
    s.id(
        "crm.create_contact",
        TENANT_B,
        json!({"email": "eve@example.com", "first_name": "Eve", "last_name": "B"}),
    );
    // A bug (or a hand-written statement) that writes A's pk into B's row: the owner
    // itself, with B's tenant set, cannot make the link.
    let acme_pk: i32 = s.db.query_json("SELECT pk_company FROM crm.tb_company")[0]["pk_company"]
        .as_i64()
        .unwrap() as i32;
    let mut owner = s.as_role(&s.owner);
    owner.batch_execute(&set_tenant(TENANT_B)).unwrap();
    let forge = format!("UPDATE crm.tb_contact SET fk_company = {acme_pk}");
    assert_refused(&mut owner, &forge, "23503");
}
