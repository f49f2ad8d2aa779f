//! The sweep: every `tests/cases/ok/*.yaml` spec and every clean corpus project, proved
//! in PostgreSQL, one fresh database per project:
//!
//! 1. the compiled script applies to an empty database;
//! 2. `plpgsql_check` (performance, extra and other warnings on) reports nothing on any
//!    PL/pgSQL function, and the functions checked are exactly the actions the project
//!    defines (declarations excluded), so the check cannot pass on nothing;
//! 3. every action runs at least once with a valid payload and returns `success = true`:
//!    each project has a scenario below, and the actions it exercises must equal the
//!    functions returning `app.mutation_result` in the project's schemas, so a new
//!    action without a scenario fails the sweep;
//! 4. applying the same script a second time, over the rows the scenario left, raises
//!    nothing and changes nothing: the `pg_dump --schema-only` text, the OIDs of every
//!    relation, type and function, and every table's row count are the same afterwards;
//! 5. tenant isolation (LANGUAGE §7): every tenant table has row-level security enabled
//!    and forced, and every action called by tenant B with each of tenant A's ids in every
//!    `id` and `<field>_id` key reads, changes and links nothing of A.
//!
//! The script is applied by an owner role that is not a superuser, so the actions
//! (`SECURITY DEFINER`) run under row-level security as they would in production.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use specqlc::ir::ActionKind;

use crate::support::TestDb;
use crate::support::db::texts;
use crate::support::specs::{TENANT_A, TENANT_B, USER_1, check, compiled, manifest, sources_in};
use crate::support::tools::schema_dump;

/// One step of a scenario.
pub(crate) enum Step {
    /// Calls `schema.action` as `TENANT_A`/`USER_1` with `input`, in which [`id`] stands
    /// for an id saved by an earlier step. When `save` is set, `object_data.id` is saved
    /// under that name.
    Call {
        schema: &'static str,
        action: &'static str,
        save: Option<&'static str>,
        input: Value,
    },
    /// Runs a query that returns one UUID and saves it: rows of entities for which the
    /// project defines no create action.
    Sql { save: &'static str, sql: String },
}

/// The steps of a scenario that call the actions of one schema.
struct Schema(&'static str);

impl Schema {
    /// A call whose result's id is not needed later.
    fn call(&self, action: &'static str, input: Value) -> Step {
        Step::Call {
            schema: self.0,
            action,
            save: None,
            input,
        }
    }

    /// A call whose `object_data.id` later steps refer to as [`id`]`(save)`.
    fn create(&self, save: &'static str, action: &'static str, input: Value) -> Step {
        Step::Call {
            schema: self.0,
            action,
            save: Some(save),
            input,
        }
    }

    /// A call whose input is only the id saved as `name`.
    fn on(&self, action: &'static str, name: &str) -> Step {
        self.call(action, json!({"id": id(name)}))
    }
}

/// In a step's input: the id an earlier step saved as `name`.
fn id(name: &str) -> Value {
    json!(format!("{ID_PREFIX}{name}{ID_SUFFIX}"))
}

const ID_PREFIX: &str = "<id of ";
const ID_SUFFIX: &str = ">";

/// The ids saved by earlier steps of a scenario.
#[derive(Default)]
pub(crate) struct Ids(BTreeMap<&'static str, String>);

impl Ids {
    /// `input` with every [`id`] replaced by the id saved under its name.
    fn resolve(&self, input: &Value) -> Value {
        match input {
            Value::String(text) => match text
                .strip_prefix(ID_PREFIX)
                .and_then(|rest| rest.strip_suffix(ID_SUFFIX))
            {
                Some(name) => json!(
                    self.0
                        .get(name)
                        .unwrap_or_else(|| panic!("scenario bug: no id saved as `{name}` yet"))
                ),
                None => input.clone(),
            },
            Value::Array(items) => items.iter().map(|item| self.resolve(item)).collect(),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| (key.clone(), self.resolve(value)))
                    .collect(),
            ),
            _ => input.clone(),
        }
    }
}

/// Every swept project: a path relative to the crate root (a file or a directory) and
/// its scenario. Each gets a `#[test]` of the same name.
macro_rules! sweep {
    ($($test:ident: $path:literal => $scenario:ident,)*) => {
        pub(crate) const PROJECTS: &[&str] = &[$($path),*];

        /// The scenario of a swept project (the manifest sweep starts from its rows).
        pub(crate) fn scenario_of(path: &str) -> Vec<Step> {
            match path {
                $($path => $scenario(),)*
                _ => panic!("{path} is not swept"),
            }
        }
        $(
            #[test]
            fn $test() {
                run($path, &$scenario());
            }
        )*
    };
}

sweep! {
    ok_all_types: "tests/cases/ok/all_types.yaml" => all_types,
    ok_crm_contact: "tests/cases/ok/crm_contact.yaml" => crm_contact,
    ok_hierarchy_and_translations: "tests/cases/ok/hierarchy_and_translations.yaml" => hierarchy_and_translations,
    ok_library_lending: "tests/cases/ok/library_lending.yaml" => library_lending,
    ok_order_steps: "tests/cases/ok/order_steps.yaml" => order_steps,
    ok_shared_table_and_warnings: "tests/cases/ok/shared_table_and_warnings.yaml" => shared_table_and_warnings,
    corpus_entities: "tests/corpus/specql-examples/entities" => entities,
    corpus_crm: "tests/corpus/specql-examples/examples/crm" => crm,
    corpus_saas_multi_tenant: "tests/corpus/specql-examples/examples/saas-multi-tenant" => saas,
    corpus_simple_blog: "tests/corpus/specql-examples/examples/simple-blog" => blog,
}

/// Functions checked by `plpgsql_check` over the whole sweep so far.
static CHECKED: AtomicUsize = AtomicUsize::new(0);
/// Actions exercised over the whole sweep so far.
static EXERCISED: AtomicUsize = AtomicUsize::new(0);

fn all_types() -> Vec<Step> {
    let lab = Schema("lab");
    vec![
        // Every type at once (too many keys for `json!`'s recursion limit).
        lab.create(
            "specimen",
            "create_specimen",
            serde_json::from_str(
                r##"{
                "plain_text": "plain", "short_text": "short", "count": 3, "bounded": 7,
                "big": 9007199254740993, "small": 12, "amount_decimal": 12.5,
                "measured": 1.234, "ratio": 12.34, "weight": 1.5, "active": false,
                "born_on": "2020-01-02", "seen_at": "2020-01-02T03:04:05Z",
                "logged_at": "2021-05-06T07:08:09+02:00", "opens_at": "12:30:00",
                "lasts": "1 day", "takes": "PT1H30M",
                "external_ref": "6f1c7b4e-2d3a-4c5b-8e9f-0a1b2c3d4e5f",
                "raw_json": {"a": [1, "two"]}, "doc": {"b": {"c": null}},
                "email": "ann@example.com", "phone": "+33123456789", "mobile": "+14155550100",
                "homepage": "https://example.com/a?b=c", "handle": "a-slug", "price": 19.99,
                "discount": 12.5, "currency": "EUR", "country": "FR", "lat": 48.85,
                "lng": 2.35, "ip": "192.168.0.1", "mac": "08:00:2b:01:02:03",
                "colour": "#a0b1c2", "domain": "example.com",
                "picture": "https://example.com/a.png", "notes": "# Title", "body": "<p>x</p>",
                "location": {"latitude": 48.85, "longitude": 2.35}, "stage": "in progress",
                "tags": ["a", "b"], "scores": [1, 2], "emails": ["a@example.com"],
                "code": "C-1", "optional_note": null, "mandatory_note": "kept"
                }"##,
            )
            .expect("valid JSON"),
        ),
        lab.create(
            "defaults",
            "create_specimen",
            json!({"code": "C-2", "mandatory_note": "defaults only"}),
        ),
        lab.call(
            "update_specimen",
            json!({"id": id("specimen"), "plain_text": "changed", "tags": [], "stage": "done"}),
        ),
        lab.on("delete_specimen", "defaults"),
    ]
}

fn crm_contact() -> Vec<Step> {
    let crm = Schema("crm");
    vec![
        crm.create(
            "company",
            "create_company",
            json!({"name": "Acme Corp", "website": "https://acme.example"}),
        ),
        crm.create(
            "contact",
            "create_contact",
            json!({
                "email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee",
                "phone": "+4412345678", "company_id": id("company"), "status": "lead"
            }),
        ),
        crm.call(
            "update_contact",
            json!({"id": id("contact"), "first_name": "Anna"}),
        ),
        crm.on("qualify_lead", "contact"),
        crm.call(
            "update_company",
            json!({"id": id("company"), "name": "Acme Inc"}),
        ),
        crm.on("delete_contact", "contact"),
        crm.on("delete_company", "company"),
    ]
}

fn hierarchy_and_translations() -> Vec<Step> {
    let catalog = Schema("catalog");
    vec![
        catalog.create(
            "root",
            "create_category",
            json!({"name": "Root", "summary": "Top", "translations": {"fr": {"name": "Racine"}}}),
        ),
        catalog.create("other", "create_category", json!({"name": "Other"})),
        catalog.create(
            "child",
            "create_category",
            json!({"name": "Child", "parent_id": id("root")}),
        ),
        catalog.call(
            "update_category",
            json!({
                "id": id("child"), "summary": "Below",
                "translations": {"de": {"name": "Kind", "summary": "Unten"}}
            }),
        ),
        catalog.call(
            "move_category",
            json!({"id": id("child"), "parent_id": id("other")}),
        ),
        catalog.on("delete_category", "child"),
    ]
}

fn library_lending() -> Vec<Step> {
    let library = Schema("library");
    vec![
        library.create("book", "create_book", json!({"title": "Dune"})),
        library.call("lend_book", json!({"id": id("book"), "borrower": "Ann"})),
        library.on("count_visit", "book"),
        library.on("return_book", "book"),
    ]
}

fn order_steps() -> Vec<Step> {
    let shop = Schema("shop");
    vec![
        shop.create(
            "customer",
            "create_customer",
            json!({"name": "Ann", "credit": 100, "vip": true}),
        ),
        shop.create(
            "order",
            "create_order",
            json!({"customer_id": id("customer"), "note": "first"}),
        ),
        shop.call(
            "add_lines",
            json!({
                "id": id("order"),
                "lines": [
                    {"sku": "A-1", "quantity": 2, "price": 10},
                    {"sku": "B-2", "quantity": 1, "price": 5.5}
                ]
            }),
        ),
        shop.call("reprice_order", json!({"id": id("order"), "total": 25.5})),
        shop.call("tag_order", json!({"id": id("order"), "tag": " xmas "})),
        shop.on("get_order", "order"),
        shop.on("place_order", "order"),
        shop.on("cancel_order", "order"),
        shop.create(
            "second",
            "create_order",
            json!({"customer_id": id("customer")}),
        ),
        shop.call(
            "add_lines",
            json!({"id": id("second"), "lines": [{"sku": "C-3", "quantity": 40, "price": 30}]}),
        ),
        shop.on("schedule_order", "second"),
    ]
}

fn shared_table_and_warnings() -> Vec<Step> {
    let geo = Schema("geo");
    vec![geo.call("create_country", json!({"code": "FR", "name": "France"}))]
}

fn entities() -> Vec<Step> {
    let crm = Schema("crm");
    let projects = Schema("projects");
    vec![
        crm.create(
            "contact",
            "create_contact",
            json!({
                "email": "ann@example.com", "first_name": "Ann", "last_name": "Lee", "phone": "555"
            }),
        ),
        crm.on("qualify_lead", "contact"),
        // public.User has no actions: its row comes from SQL.
        Step::Sql {
            save: "user",
            sql: format!(
                "INSERT INTO public.tb_user (tenant_id, username, email) \
                 VALUES ('{TENANT_A}', 'ann', 'ann@example.com') RETURNING id::text"
            ),
        },
        projects.create(
            "task",
            "create_task",
            json!({
                "title": "Write tests", "status": "in_progress", "priority": 1,
                "due_date": "2030-01-31"
            }),
        ),
        projects.call(
            "assign_task",
            json!({"id": id("task"), "assignee": id("user")}),
        ),
    ]
}

fn crm() -> Vec<Step> {
    let crm = Schema("crm");
    vec![
        crm.create(
            "org",
            "create_organization",
            json!({
                "name": "Acme", "domain": "acme.example", "website": "https://acme.example",
                "industry": "Tools", "employee_count": 12
            }),
        ),
        crm.create(
            "contact",
            "create_contact",
            json!({
                "email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee",
                "phone": "+4412345678", "job_title": "CTO", "organization_id": id("org")
            }),
        ),
        crm.create(
            "opportunity",
            "create_opportunity",
            json!({
                "title": "Big deal", "amount": 1000.5, "stage": "prospect", "probability": 40,
                "expected_close_date": "2030-06-30", "contact_id": id("contact"),
                "organization_id": id("org")
            }),
        ),
        crm.call(
            "update_stage",
            json!({"id": id("opportunity"), "stage": "proposal"}),
        ),
        crm.call(
            "close_opportunity",
            json!({"id": id("opportunity"), "stage": "closed_won"}),
        ),
        crm.call(
            "update_contact",
            json!({"id": id("contact"), "job_title": "CEO"}),
        ),
        crm.call(
            "update_organization",
            json!({"id": id("org"), "employee_count": 13}),
        ),
    ]
}

fn saas() -> Vec<Step> {
    let app = Schema("app");
    let tenant = Schema("tenant");
    vec![
        app.create(
            "tenant",
            "create_tenant",
            json!({"name": "Acme", "subdomain": "acme"}),
        ),
        app.call(
            "update_tenant",
            json!({"id": id("tenant"), "status": "suspended"}),
        ),
        tenant.create(
            "user",
            "create_user",
            json!({
                "email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee",
                "role": "admin"
            }),
        ),
        tenant.call(
            "update_user",
            json!({"id": id("user"), "avatar_url": "https://acme.example/ann.png"}),
        ),
        tenant.create(
            "project",
            "create_project",
            json!({"name": "Launch", "description": "v1", "owner_id": id("user")}),
        ),
        tenant.call(
            "update_project",
            json!({"id": id("project"), "status": "completed"}),
        ),
        tenant.create(
            "task",
            "create_task",
            json!({
                "title": "Ship", "description": "*now*", "project_id": id("project"),
                "due_date": "2030-01-01"
            }),
        ),
        tenant.call(
            "update_task",
            json!({"id": id("task"), "status": "in_progress"}),
        ),
        tenant.call(
            "assign_task",
            json!({"id": id("task"), "assignee_id": id("user")}),
        ),
        tenant.on("complete_task", "task"),
        tenant.on("archive_project", "project"),
    ]
}

fn blog() -> Vec<Step> {
    let blog = Schema("blog");
    vec![
        blog.create(
            "author",
            "create_author",
            json!({
                "email": "ann@blog.example", "first_name": "Ann", "last_name": "Lee",
                "bio": "**hi**", "website": "https://blog.example", "twitter_handle": "@ann"
            }),
        ),
        blog.call(
            "update_author",
            json!({"id": id("author"), "linkedin_profile": "https://linkedin.example/ann"}),
        ),
        blog.on("get_author", "author"),
        blog.create(
            "post",
            "create_post",
            json!({
                "title": "Hello", "slug": "hello-world", "content": "# Hello",
                "author_id": id("author"), "reading_time": 3
            }),
        ),
        blog.call(
            "update_post",
            json!({"id": id("post"), "excerpt": "Hi", "word_count": 2}),
        ),
        blog.on("publish_post", "post"),
        blog.on("unpublish_post", "post"),
        blog.create("tag", "create_tag", json!({"name": "Rust", "slug": "rust"})),
        blog.call("update_tag", json!({"id": id("tag"), "color": "#b7410e"})),
        blog.create(
            "comment",
            "create_comment",
            json!({"author_name": "Bob", "content": "Nice", "post_id": id("post")}),
        ),
        blog.on("approve_comment", "comment"),
        blog.create(
            "spam",
            "create_comment",
            json!({"author_name": "Eve", "content": "Buy", "post_id": id("post")}),
        ),
        blog.on("reject_comment", "spam"),
    ]
}

/// A compiled project: its script, schemas and the action functions it defines.
struct Swept {
    script: String,
    schemas: Vec<String>,
    /// `schema.name` of every PL/pgSQL function: the actions and the prelude's own.
    functions: BTreeSet<String>,
}

fn compile(path: &str) -> Swept {
    let compiled = compiled(&sources_in(path));
    let project = &compiled.project;
    let actions = project.entities.iter().flat_map(|e| {
        e.actions
            .iter()
            .filter(|a| !matches!(a.kind, ActionKind::Declaration))
            .map(move |a| format!("{}.{}", e.schema, a.name))
    });
    let prelude = specqlc::backend::postgres::prelude::functions()
        .into_iter()
        .filter(|f| f.language == "plpgsql")
        .map(|f| format!("{}.{}", f.schema, f.name));
    let functions = actions.chain(prelude).collect();
    Swept {
        script: compiled.script(),
        schemas: project.schemas().into_iter().map(String::from).collect(),
        functions,
    }
}

fn run(path: &str, scenario: &[Step]) {
    let compiled = compile(path);
    let db = TestDb::new();
    let owner = Owner::new(&db);

    // 1. Applies to an empty database, as a role that is not a superuser.
    let mut client = db.client();
    let applied = client
        .batch_execute(&format!("SET ROLE {}", owner.name))
        .and_then(|()| client.batch_execute(&compiled.script));
    if let Err(error) = applied {
        let detail = error
            .as_db_error()
            .map(|e| format!("{e:?}"))
            .unwrap_or_default();
        panic!(
            "{path}: the compiled script does not apply to an empty database:\n{error}\n{detail}"
        );
    }
    drop(client);

    // 2. plpgsql_check over every schema the script created, prelude included.
    let schemas = user_schemas(&db);
    let checked = plpgsql_functions(&db);
    assert_eq!(
        checked, compiled.functions,
        "{path}: the PL/pgSQL functions in the database are not the actions the project defines"
    );
    let findings: Vec<String> = schemas.iter().flat_map(|s| db.plpgsql_check(s)).collect();
    assert!(
        findings.is_empty(),
        "{path}: plpgsql_check reports:\n{}",
        findings.join("\n\n")
    );
    let total = CHECKED.fetch_add(checked.len(), Ordering::Relaxed) + checked.len();
    eprintln!(
        "sweep {path}: plpgsql_check clean over {} functions ({total} in the sweep so far)",
        checked.len()
    );

    // 3. Every action runs with a valid payload and succeeds.
    let (exercised, ids) = run_scenario(&db, path, scenario);
    let defined = mutation_functions(&db, &compiled.schemas);
    assert_eq!(
        exercised, defined,
        "{path}: the scenario must exercise exactly the action functions the database has \
         (left: exercised, right: defined); add the missing ones to its scenario in sweep.rs"
    );
    let total = EXERCISED.fetch_add(exercised.len(), Ordering::Relaxed) + exercised.len();
    eprintln!(
        "sweep {path}: {} actions exercised, all successful ({total} in the sweep so far)",
        exercised.len()
    );

    // 4. A second apply over live rows raises nothing and changes nothing.
    let before = Catalog::read(&db, &schemas);
    assert!(
        before.rows.values().any(|&n| n > 0),
        "{path}: the scenario left no rows, so the re-apply check would prove little"
    );
    if let Err(error) = db.try_batch(&compiled.script) {
        panic!("{path}: applying the script a second time fails:\n{error}");
    }
    let after = Catalog::read(&db, &schemas);
    before.assert_same(&after, path);

    // 5. Tenant isolation.
    isolation(&db, path, scenario, &ids);
}

/// A role that owns the schema: not a superuser, so row-level security binds the actions
/// it owns. Its objects and the role go when the test ends, even after a panic.
struct Owner<'db> {
    db: &'db TestDb,
    name: String,
}

impl Owner<'_> {
    fn new(db: &TestDb) -> Owner<'_> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "sweep_owner_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let database = db.query_json("SELECT current_database() AS v")[0]["v"]
            .as_str()
            .expect("a name")
            .to_string();
        db.batch(&format!(
            "CREATE ROLE {name} NOSUPERUSER NOBYPASSRLS; GRANT CREATE ON DATABASE \"{database}\" TO {name}; \
             GRANT CREATE ON SCHEMA public TO {name};"
        ));
        Owner { db, name }
    }
}

impl Drop for Owner<'_> {
    fn drop(&mut self) {
        // Roles belong to the cluster: give their objects back, then drop them.
        let _ = self.db.try_batch(&format!(
            "REASSIGN OWNED BY {name} TO CURRENT_USER; DROP OWNED BY {name}; DROP ROLE {name};",
            name = self.name
        ));
    }
}

/// Step 5: every tenant table forced under row-level security; tenant B, given each of
/// tenant A's ids in every id key of every action, sees, changes and links nothing of A.
fn isolation(db: &TestDb, path: &str, scenario: &[Step], ids: &Ids) {
    let unprotected = db.query_json(
        "SELECT c.oid::regclass::text AS v FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'specqlc') \
         AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
    );
    assert_eq!(
        unprotected,
        json!([]),
        "{path}: tenant tables without forced row-level security"
    );

    let a_rows = tenant_rows(db, TENANT_A);
    if no_tenant_table(db) {
        return; // Only shared tables: nothing to isolate.
    }
    assert!(
        !a_rows.is_empty(),
        "{path}: tenant A has no rows to protect"
    );
    let a_ids: BTreeSet<String> = ids_of(&a_rows);
    let mut calls = 0;
    for step in scenario {
        let Step::Call {
            schema,
            action,
            input,
            ..
        } = step
        else {
            continue;
        };
        // A's valid input, with A's ids, as the scenario called it.
        let valid = ids.resolve(input);
        let keys: Vec<String> = valid
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| *k == "id" || k.ends_with("_id"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        for key in keys {
            for stolen in &a_ids {
                let mut forged = valid.clone();
                forged[key.as_str()] = json!(stolen);
                calls += 1;
                let outcome = db.try_call_action(
                    schema,
                    action,
                    Some(TENANT_B),
                    Some(USER_1),
                    forged.clone(),
                );
                if let Ok(result) = outcome
                    && result.success
                {
                    let data = result
                        .object_data
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    for id in &a_ids {
                        assert!(
                            !data.contains(id.as_str()),
                            "{path}: {schema}.{action}({forged}) as tenant B returned tenant A's {id}: {data}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(
        tenant_rows(db, TENANT_A),
        a_rows,
        "{path}: tenant B's calls changed tenant A's rows"
    );
    eprintln!("sweep {path}: {calls} cross-tenant calls, tenant A untouched");
}

/// Whether the project has no tenant table at all.
fn no_tenant_table(db: &TestDb) -> bool {
    db.count(
        "SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE a.attname = 'tenant_id' AND c.relkind = 'r' \
         AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'specqlc')",
    ) == 0
}

/// Every row of `tenant` in every tenant table, as JSON text, sorted.
fn tenant_rows(db: &TestDb, tenant: &str) -> Vec<String> {
    let tables = strings(db.query_json(
        "SELECT c.oid::regclass::text AS v FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'specqlc')",
    ));
    let mut rows = Vec::new();
    for table in tables {
        let found = db.query_json(&format!(
            "SELECT to_jsonb(t)::text AS v FROM {table} AS t WHERE t.tenant_id = '{tenant}'"
        ));
        rows.extend(strings(found).into_iter().map(|r| format!("{table} {r}")));
    }
    rows.sort();
    rows
}

/// The `id` of every row (the public UUIDs).
fn ids_of(rows: &[String]) -> BTreeSet<String> {
    rows.iter()
        .filter_map(|r| {
            let json: Value = serde_json::from_str(r.split_once(' ')?.1).ok()?;
            json["id"].as_str().map(str::to_string)
        })
        .collect()
}

/// Runs the scenario, every call of which must succeed; returns the `schema.action`
/// names it called.
pub(crate) fn run_scenario(db: &TestDb, path: &str, scenario: &[Step]) -> (BTreeSet<String>, Ids) {
    let mut ids = Ids::default();
    let mut exercised = BTreeSet::new();
    for (n, step) in scenario.iter().enumerate() {
        match step {
            Step::Call {
                schema,
                action,
                save,
                input,
            } => {
                let input = ids.resolve(input);
                let function = format!("{schema}.{action}");
                exercised.insert(function.clone());
                let outcome =
                    db.try_call_action(schema, action, Some(TENANT_A), Some(USER_1), input.clone());
                let failure = match &outcome {
                    Ok(result) if result.success => None,
                    Ok(result) => Some(format!("{result:?}")),
                    Err(error) => Some(format!("raised {error}")),
                };
                if let Some(failure) = failure {
                    panic!("{path}: scenario step {n}: {function}({input}) failed: {failure}");
                }
                let result = outcome.expect("checked above");
                if let Some(save) = save {
                    let id = result
                        .object_data
                        .as_ref()
                        .and_then(|data| data["id"].as_str())
                        .unwrap_or_else(|| {
                            panic!("{path}: step {n}: {schema}.{action} returned no id: {result:?}")
                        });
                    ids.0.insert(save, id.to_string());
                }
            }
            Step::Sql { save, sql } => {
                let row = db
                    .client()
                    .query_one(sql.as_str(), &[])
                    .unwrap_or_else(|error| panic!("{path}: step {n}: `{sql}`: {error}"));
                let id: String = row.get(0);
                ids.0.insert(save, id);
            }
        }
    }
    (exercised, ids)
}

/// Schemas other than the system's, sorted.
fn user_schemas(db: &TestDb) -> Vec<String> {
    strings(db.query_json(
        "SELECT nspname AS v FROM pg_catalog.pg_namespace \
         WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1",
    ))
    .into_iter()
    .collect()
}

/// `schema.name` of every PL/pgSQL function `plpgsql_check` looks at (not extension
/// members, not event triggers, trigger functions only when attached).
fn plpgsql_functions(db: &TestDb) -> BTreeSet<String> {
    strings(db.query_json(
        "SELECT n.nspname || '.' || p.proname AS v FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         JOIN pg_catalog.pg_language l ON l.oid = p.prolang \
         WHERE l.lanname = 'plpgsql' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' \
         AND p.prorettype <> 'pg_catalog.event_trigger'::pg_catalog.regtype \
         AND (p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype \
              OR EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgfoid = p.oid)) \
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass \
                         AND d.objid = p.oid AND d.deptype = 'e')",
    ))
}

/// `schema.name` of every action function (`SECURITY DEFINER`, returning
/// `app.mutation_result`; the prelude's `app.mutation_failure` is neither) in `schemas`.
fn mutation_functions(db: &TestDb, schemas: &[String]) -> BTreeSet<String> {
    let list = schemas
        .iter()
        .map(|s| format!("'{}'", s.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ");
    strings(db.query_json(&format!(
        "SELECT n.nspname || '.' || p.proname AS v FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prorettype = 'app.mutation_result'::pg_catalog.regtype AND p.prosecdef AND n.nspname IN ({list})"
    )))
}

/// The text column `v` of every row.
fn strings(rows: Value) -> BTreeSet<String> {
    texts(&rows, "v").into_iter().map(String::from).collect()
}

/// What a second apply must leave alone.
#[derive(Debug, PartialEq)]
struct Catalog {
    dump: String,
    /// `kind name` → OID, for every relation, type and function of the user schemas: a
    /// DROP and re-CREATE would look the same to `pg_dump` but not here.
    oids: BTreeMap<String, i64>,
    /// Row count of every table.
    rows: BTreeMap<String, i64>,
}

impl Catalog {
    fn read(db: &TestDb, schemas: &[String]) -> Catalog {
        let list = schemas
            .iter()
            .map(|s| format!("'{}'", s.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ");
        let oids = db.query_json(&format!(
            "SELECT 'class ' || c.oid::regclass::text AS k, c.oid::int8 AS v FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ({list}) \
             UNION ALL SELECT 'type ' || t.oid::regtype::text, t.oid::int8 FROM pg_catalog.pg_type t \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname IN ({list}) \
             UNION ALL SELECT 'function ' || p.oid::regprocedure::text, p.oid::int8 FROM pg_catalog.pg_proc p \
             JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ({list}) \
             UNION ALL SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname, c.oid::int8 \
             FROM pg_catalog.pg_constraint c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE n.nspname IN ({list})"
        ));
        let oids = pairs(&oids);
        let tables = db.query_json(&format!(
            "SELECT c.oid::regclass::text AS t FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname IN ({list}) AND c.relkind IN ('r', 'p') ORDER BY 1"
        ));
        let rows = tables
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| {
                let table = row["t"].as_str().expect("a table name").to_string();
                let n = db.count(&format!("SELECT FROM {table}"));
                (table, n)
            })
            .collect();
        Catalog {
            dump: schema_dump(db, &[]),
            oids,
            rows,
        }
    }

    fn assert_same(&self, after: &Catalog, path: &str) {
        if self.dump != after.dump {
            let diff: Vec<String> = diff_lines(&self.dump, &after.dump);
            panic!(
                "{path}: a second apply changes the schema dump:\n{}",
                diff.join("\n")
            );
        }
        assert_eq!(
            self.oids, after.oids,
            "{path}: a second apply re-creates objects (their OIDs change)"
        );
        assert_eq!(
            self.rows, after.rows,
            "{path}: a second apply changes row counts"
        );
    }
}

fn pairs(rows: &Value) -> BTreeMap<String, i64> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                row["k"].as_str().expect("k").to_string(),
                row["v"].as_i64().expect("v"),
            )
        })
        .collect()
}

/// The lines only one side has, marked `-` (before) and `+` (after).
fn diff_lines(before: &str, after: &str) -> Vec<String> {
    let old: BTreeSet<&str> = before.lines().collect();
    let new: BTreeSet<&str> = after.lines().collect();
    old.difference(&new)
        .map(|l| format!("- {l}"))
        .chain(new.difference(&old).map(|l| format!("+ {l}")))
        .collect()
}

/// A new ok case or a corpus project that starts to check clean must join the sweep.
#[test]
fn every_ok_case_and_clean_corpus_project_is_swept() {
    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(manifest().join("tests/cases/ok")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().unwrap().to_string_lossy();
            expected.insert(format!("tests/cases/ok/{name}"));
        }
    }
    let corpus = manifest().join("tests/corpus/specql-examples");
    let mut candidates = vec!["tests/corpus/specql-examples/entities".to_string()];
    for entry in std::fs::read_dir(corpus.join("examples")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        candidates.push(format!("tests/corpus/specql-examples/examples/{name}"));
    }
    for candidate in candidates {
        let checked = check(sources_in(&candidate));
        if checked.project().is_some_and(|p| !p.entities.is_empty()) {
            expected.insert(candidate);
        }
    }
    let swept: BTreeSet<String> = PROJECTS.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        swept, expected,
        "the sweep must cover every ok case and every corpus project that checks clean"
    );
}
