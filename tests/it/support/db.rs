//! Isolated PostgreSQL databases for the integration tests, and helpers to query them.
//!
//! The server, chosen once per test process:
//! 1. `TEST_DATABASE_URL`, a `postgres://` URL or a `key=value` connection string;
//! 2. else `TEST_DB_HOST` with `TEST_DB_PORT`, `TEST_DB_NAME`, `TEST_DB_USER` and
//!    `TEST_DB_PASSWORD` (what `docker-compose.test.yml` provides);
//! 3. else a private throwaway cluster (see `cluster`), which needs the PostgreSQL
//!    binaries that `scripts/setup.sh` installs.
//!
//! Without any, every database test fails and says how to get a server; none is skipped.
//!
//! Every [`TestDb`] is a fresh database, dropped again when the `TestDb` is dropped (also
//! when its test fails). On the private cluster it is a copy of a template prepared once;
//! on a shared server, where nothing may outlive the process, each database is prepared
//! by itself, with names unique to the process so parallel runs do not clash.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use postgres::config::Host;
use postgres::error::{DbError, ErrorPosition};
use postgres::{Client, Config, NoTls};
use serde_json::Value;

use super::cluster::{self, Cluster};

/// What every test database gets before its test starts.
const PREPARE: &str = "CREATE EXTENSION IF NOT EXISTS plpgsql_check";

/// The template database on the private cluster.
const TEMPLATE: &str = "specql_template";

/// How to get a server when there is none.
pub(super) fn no_server_message() -> String {
    "no PostgreSQL server for the database tests. Either run `scripts/setup.sh` (it installs \
     PostgreSQL 15 and plpgsql_check; the tests then start a private throwaway cluster), or \
     start one with `docker compose -f docker-compose.test.yml up -d` and export \
     TEST_DB_HOST=localhost TEST_DB_PORT=5433 TEST_DB_NAME=specql_test \
     TEST_DB_USER=specql_test TEST_DB_PASSWORD=test_password (or TEST_DATABASE_URL)."
        .to_string()
}

/// A fresh database of its own for one test; dropped when this value is dropped.
pub struct TestDb {
    name: String,
    server: &'static Server,
    /// Why `plpgsql_check` is missing from this database, if it is.
    plpgsql_check: Result<(), String>,
    /// The connection the helpers share, opened on first use.
    shared: Mutex<Option<Client>>,
}

/// One row of `app.mutation_result`, as an action returns it (`meta` is `_meta`).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    pub success: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub object_data: Option<Value>,
    pub meta: Option<Value>,
}

impl ActionResult {
    /// The query that calls `schema.name` with `$1` the tenant, `$2` the user (both text)
    /// and `$3` the input (JSON text), and returns the columns [`ActionResult::from_row`]
    /// reads.
    pub fn query(schema: &str, name: &str) -> String {
        format!(
            "SELECT success, error_code, error_message, object_data::text, _meta::text \
             FROM {}.{}($1::text::uuid, $2::text::uuid, $3::text::jsonb)",
            quote_ident(schema),
            quote_ident(name)
        )
    }

    /// Reads a row of [`ActionResult::query`]; `schema.name` is for the panic message.
    pub fn from_row(row: &postgres::Row, schema: &str, name: &str) -> ActionResult {
        let json = |column: usize| {
            row.get::<_, Option<String>>(column)
                .map(|text| serde_json::from_str(&text).expect("the server returns valid JSON"))
        };
        ActionResult {
            success: row
                .get::<_, Option<bool>>(0)
                .unwrap_or_else(|| panic!("{schema}.{name} returned success = NULL")),
            error_code: row.get(1),
            error_message: row.get(2),
            object_data: json(3),
            meta: json(4),
        }
    }
}

/// An error the server reported, rendered as psql would: message, the failing line with
/// a caret under the position, detail, hint and PL/pgSQL context.
#[derive(Clone)]
pub struct SqlError {
    /// The SQLSTATE, such as `23505`.
    pub code: String,
    /// The primary message.
    pub message: String,
    report: String,
}

impl TestDb {
    /// Creates a fresh, isolated database (starting the server on first use).
    pub fn new() -> TestDb {
        let server = server();
        let name = format!(
            "{}{}",
            server.prefix,
            server.next.fetch_add(1, Ordering::Relaxed)
        );
        let template = server.template.as_ref().map_or("template0", |t| &t.name);
        let create = format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(template)
        );
        let mut admin = server.endpoint.connect(&server.maintenance_db);
        if let Err(error) = admin.batch_execute(&create) {
            panic!("{}", SqlError::new(error, &create));
        }
        drop(admin);
        // From here on, dropping `db` drops the database, even if preparing it panics.
        let mut db = TestDb {
            name,
            server,
            plpgsql_check: Ok(()),
            shared: Mutex::new(None),
        };
        db.plpgsql_check = match &server.template {
            Some(template) => template.plpgsql_check.clone(),
            None => db.try_batch(PREPARE).map_err(plpgsql_check_missing),
        };
        db
    }

    /// A new connection to this database.
    pub fn client(&self) -> Client {
        self.server.endpoint.connect(&self.name)
    }

    /// A `postgres://` URL of this database, for tools such as `psql` or `confiture`.
    pub fn url(&self) -> String {
        self.server.endpoint.url(&self.name)
    }

    /// Runs a script of any number of statements; panics with the server's error.
    pub fn batch(&self, sql: &str) {
        if let Err(error) = self.try_batch(sql) {
            panic!("{error}");
        }
    }

    /// Runs a script of any number of statements, for tests that expect it to fail.
    pub fn try_batch(&self, sql: &str) -> Result<(), SqlError> {
        self.with_client(sql, |client| client.batch_execute(sql))
    }

    /// Whether `schema.table` is a table.
    pub fn table_exists(&self, schema: &str, table: &str) -> bool {
        let sql = "SELECT EXISTS (SELECT FROM pg_catalog.pg_class c \
                   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                   WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p'))";
        self.query_one(sql, &[&schema, &table]).get(0)
    }

    /// Whether a function `schema.name` exists, whatever its arguments.
    pub fn function_exists(&self, schema: &str, name: &str) -> bool {
        let sql = "SELECT EXISTS (SELECT FROM pg_catalog.pg_proc p \
                   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
                   WHERE n.nspname = $1 AND p.proname = $2)";
        self.query_one(sql, &[&schema, &name]).get(0)
    }

    /// Calls the action `schema.name(p_tenant_id, p_user_id, p_input)`, for tests that
    /// expect it to raise; [`TestDb::caller`] calls actions that must return a result.
    pub fn try_call_action(
        &self,
        schema: &str,
        name: &str,
        tenant: Option<&str>,
        user: Option<&str>,
        input: Value,
    ) -> Result<ActionResult, SqlError> {
        let sql = ActionResult::query(schema, name);
        let input = input.to_string();
        let row = self.with_client(&sql, |client| {
            client.query_one(&sql, &[&tenant, &user, &input])
        })?;
        Ok(ActionResult::from_row(&row, schema, name))
    }

    /// The number of rows `query` returns.
    pub fn count(&self, query: &str) -> i64 {
        let sql = format!("SELECT count(*) FROM ({}) AS counted", trim_query(query));
        self.query_one(&sql, &[]).get(0)
    }

    /// The rows `query` returns, as a JSON array of objects (column name → value).
    pub fn query_json(&self, query: &str) -> Value {
        let sql = format!(
            "SELECT to_jsonb(q.*)::text FROM ({}) AS q",
            trim_query(query)
        );
        let rows = self
            .with_client(&sql, |client| client.query(&sql, &[]))
            .unwrap_or_else(|error| panic!("{error}"));
        rows.iter()
            .map(|row| {
                serde_json::from_str::<Value>(row.get(0)).expect("the server returns valid JSON")
            })
            .collect()
    }

    /// What `plpgsql_check` reports on the PL/pgSQL functions of `schema` (trigger
    /// functions against each table they are attached to): one entry per function with
    /// findings, the function's signature then its report lines. Empty when all is clean.
    ///
    /// Fails the test when the server lacks the extension.
    pub fn plpgsql_check(&self, schema: &str) -> Vec<String> {
        if let Err(reason) = &self.plpgsql_check {
            panic!("{reason}");
        }
        let sql = "SELECT p.oid::regprocedure::text || coalesce(' ON ' || t.tgrelid::regclass::text, '') \
                   || E':\\n' || string_agg(m.line, E'\\n' ORDER BY m.n) \
                   FROM pg_catalog.pg_proc p \
                   JOIN pg_catalog.pg_namespace s ON s.oid = p.pronamespace \
                   JOIN pg_catalog.pg_language l ON l.oid = p.prolang \
                   LEFT JOIN (SELECT DISTINCT tgfoid, tgrelid FROM pg_catalog.pg_trigger) t \
                       ON t.tgfoid = p.oid \
                   CROSS JOIN LATERAL public.plpgsql_check_function(p.oid, coalesce(t.tgrelid, 0), \
                       fatal_errors => false, performance_warnings => true, extra_warnings => true, other_warnings => true) WITH ORDINALITY AS m(line, n) \
                   WHERE s.nspname = $1 AND l.lanname = 'plpgsql' \
                   AND p.prorettype <> 'pg_catalog.event_trigger'::pg_catalog.regtype \
                   AND (p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype OR t.tgrelid IS NOT NULL) \
                   GROUP BY p.oid, t.tgrelid ORDER BY 1";
        self.with_client(sql, |client| client.query(sql, &[&schema]))
            .unwrap_or_else(|error| panic!("{error}"))
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// Asserts that [`TestDb::plpgsql_check`] reports nothing on `schema`; the failure
    /// lists the findings.
    pub fn assert_plpgsql_clean(&self, schema: &str) {
        let findings = self.plpgsql_check(schema);
        assert!(
            findings.is_empty(),
            "plpgsql_check on {schema}:\n{}",
            findings.join("\n\n")
        );
    }

    fn query_one(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> postgres::Row {
        self.with_client(sql, |client| client.query_one(sql, params))
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Runs `f` on the shared connection. After an error the connection is dropped, so a
    /// script that left a transaction open cannot poison the next call.
    fn with_client<T>(
        &self,
        sql: &str,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, SqlError> {
        let mut slot = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_none_or(Client::is_closed) {
            *slot = Some(self.client());
        }
        let client = slot.as_mut().expect("connected just above");
        f(client).map_err(|error| {
            *slot = None;
            SqlError::new(error, sql)
        })
    }
}

/// The text in `column` of every row of `rows` (as [`TestDb::query_json`] returns them).
pub fn texts<'a>(rows: &'a Value, column: &str) -> Vec<&'a str> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not rows: {rows}"))
        .iter()
        .map(|row| {
            row[column]
                .as_str()
                .unwrap_or_else(|| panic!("no text `{column}` in {row}"))
        })
        .collect()
}

/// The statement that names `tenant` for the rest of the session, as a hand-written
/// session would: row-level security reads `specql.tenant_id`.
pub fn set_tenant(tenant: &str) -> String {
    format!("SELECT set_config('specql.tenant_id', '{tenant}', false)")
}

/// The payload of the next notification `listener` (a client that ran `LISTEN`)
/// receives; panics when none comes within 5 s.
pub fn next_notification(listener: &mut Client) -> String {
    use postgres::fallible_iterator::FallibleIterator;
    listener
        .notifications()
        .timeout_iter(Duration::from_secs(5))
        .next()
        .expect("the listener's connection works")
        .expect("a notification within 5 s")
        .payload()
        .to_owned()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let shared = self
            .shared
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        drop(shared.take());
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        );
        let dropped = self
            .server
            .endpoint
            .try_connect(&self.server.maintenance_db)
            .and_then(|mut admin| admin.batch_execute(&sql));
        if let Err(error) = dropped {
            eprintln!(
                "warning: could not drop test database {}: {}",
                self.name,
                with_causes(&error)
            );
        }
    }
}

impl SqlError {
    /// Renders a server error against the SQL that caused it. Any other error (a lost
    /// connection, a value of an unexpected type) is no test's to expect, so it panics.
    fn new(error: postgres::Error, sql: &str) -> SqlError {
        let Some(db) = error.as_db_error() else {
            panic!("{} in\n{sql}", with_causes(&error));
        };
        SqlError {
            code: db.code().code().to_string(),
            message: db.message().to_string(),
            report: render(db, sql),
        }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

impl fmt::Debug for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

fn render(db: &DbError, sql: &str) -> String {
    let mut report = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    match db.position() {
        Some(ErrorPosition::Original(position)) => report += &point_at("LINE", sql, *position),
        Some(ErrorPosition::Internal { position, query }) => {
            report += &point_at("QUERY LINE", query, *position);
        }
        None => {}
    }
    let extras = [
        ("DETAIL", db.detail()),
        ("HINT", db.hint()),
        ("CONTEXT", db.where_()),
    ];
    for (label, text) in extras {
        if let Some(text) = text {
            report += &format!("\n{label}: {text}");
        }
    }
    report
}

/// The line of `sql` holding the 1-based character `position`, with a caret under it.
fn point_at(label: &str, sql: &str, position: u32) -> String {
    let before: String = sql
        .chars()
        .take((position as usize).saturating_sub(1))
        .collect();
    let line_number = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count();
    let line = sql.lines().nth(line_number - 1).unwrap_or("");
    let label = format!("{label} {line_number}: ");
    format!("\n{label}{line}\n{}^", " ".repeat(label.len() + column))
}

/// A double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A query without the trailing `;` that would break wrapping it in a subquery.
fn trim_query(query: &str) -> &str {
    query.trim_end().trim_end_matches(';')
}

/// The server of this test process, found or started on first use.
fn server() -> &'static Server {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    match SERVER.get_or_init(Server::find) {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

struct Server {
    endpoint: Endpoint,
    /// The database to connect to for `CREATE DATABASE` and `DROP DATABASE`.
    maintenance_db: String,
    /// Test databases are named `<prefix><n>`.
    prefix: String,
    next: AtomicU64,
    /// A prepared template (private cluster only).
    template: Option<Template>,
    /// Keeps the private cluster alive, and its watchdog waiting.
    _cluster: Option<Cluster>,
}

struct Template {
    name: String,
    plpgsql_check: Result<(), String>,
}

impl Server {
    fn find() -> Result<Server, String> {
        if let Some(url) = var("TEST_DATABASE_URL") {
            let (endpoint, dbname) = Endpoint::parse(&url)?;
            return Server::shared(endpoint, dbname);
        }
        if let Some(host) = var("TEST_DB_HOST") {
            let port = var("TEST_DB_PORT").map_or(Ok(5432), |port| {
                port.parse()
                    .map_err(|_| format!("TEST_DB_PORT is not a port number: {port}"))
            })?;
            let user = var("TEST_DB_USER").unwrap_or_else(|| cluster::SUPERUSER.to_string());
            let dbname = var("TEST_DB_NAME").unwrap_or_else(|| user.clone());
            let password = var("TEST_DB_PASSWORD");
            let endpoint = Endpoint {
                host,
                port,
                user,
                password,
            };
            return Server::shared(endpoint, dbname);
        }
        Server::private()
    }

    /// A server that others may use too: unique names, nothing left behind.
    fn shared(endpoint: Endpoint, maintenance_db: String) -> Result<Server, String> {
        endpoint.try_connect(&maintenance_db).map_err(|error| {
            format!(
                "cannot connect to the test server {}: {}\n{}",
                endpoint.url_with(&maintenance_db, endpoint.password.as_ref().map(|_| "***")),
                with_causes(&error),
                no_server_message()
            )
        })?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        Ok(Server {
            endpoint,
            maintenance_db,
            prefix: format!("specqlc_test_{}_{nanos:x}_", std::process::id()),
            next: AtomicU64::new(1),
            template: None,
            _cluster: None,
        })
    }

    /// A private throwaway cluster with a prepared template database.
    fn private() -> Result<Server, String> {
        let cluster = Cluster::start()?;
        let endpoint = Endpoint {
            host: "127.0.0.1".to_string(),
            port: cluster.port,
            user: cluster::SUPERUSER.to_string(),
            password: None,
        };
        let maintenance_db = "postgres".to_string();
        let create = format!("CREATE DATABASE {}", quote_ident(TEMPLATE));
        endpoint
            .try_connect(&maintenance_db)
            .and_then(|mut admin| admin.batch_execute(&create))
            .map_err(|error| {
                format!(
                    "cannot create the template database: {}",
                    with_causes(&error)
                )
            })?;
        let mut client = endpoint.try_connect(TEMPLATE).map_err(|error| {
            format!(
                "cannot connect to the template database: {}",
                with_causes(&error)
            )
        })?;
        let plpgsql_check = prepare(&mut client);
        drop(client);
        Ok(Server {
            endpoint,
            maintenance_db,
            prefix: "test_".to_string(),
            next: AtomicU64::new(1),
            template: Some(Template {
                name: TEMPLATE.to_string(),
                plpgsql_check,
            }),
            _cluster: Some(cluster),
        })
    }
}

/// Prepares a fresh database; the error says why `plpgsql_check` is missing.
fn prepare(client: &mut Client) -> Result<(), String> {
    client
        .batch_execute(PREPARE)
        .map_err(|error| plpgsql_check_missing(SqlError::new(error, PREPARE)))
}

fn plpgsql_check_missing(error: SqlError) -> String {
    format!(
        "the test databases need the plpgsql_check extension, which did not install \
         ({error}). Run scripts/setup.sh (it installs postgresql-15-plpgsql-check), or use \
         docker-compose.test.yml, whose image has it; a server of your own needs the \
         package and a superuser to connect as"
    )
}

/// An error and its causes, which the `Display` of `postgres::Error` leaves out.
fn with_causes(error: &postgres::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        text += &format!(": {error}");
        cause = error.source();
    }
    text
}

/// An environment variable, unless unset or empty.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Where a server listens and whom to log in as; the database varies.
struct Endpoint {
    host: String,
    port: u16,
    user: String,
    password: Option<String>,
}

impl Endpoint {
    /// Reads a `postgres://` URL or `key=value` string: the endpoint and the database.
    fn parse(text: &str) -> Result<(Endpoint, String), String> {
        let config: Config = text.parse().map_err(|error| {
            format!(
                "TEST_DATABASE_URL is not a connection string: {}",
                with_causes(&error)
            )
        })?;
        let host = match config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            Some(Host::Unix(path)) => path.display().to_string(),
            None => "localhost".to_string(),
        };
        let user = config.get_user().unwrap_or(cluster::SUPERUSER).to_string();
        let dbname = config.get_dbname().unwrap_or(&user).to_string();
        let endpoint = Endpoint {
            host,
            port: config.get_ports().first().copied().unwrap_or(5432),
            password: config
                .get_password()
                .map(|password| String::from_utf8_lossy(password).into_owned()),
            user,
        };
        Ok((endpoint, dbname))
    }

    fn config(&self, dbname: &str) -> Config {
        let mut config = Config::new();
        config
            .host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(dbname)
            .application_name("specqlc-tests")
            .connect_timeout(Duration::from_secs(10));
        if let Some(password) = &self.password {
            config.password(password);
        }
        config
    }

    fn try_connect(&self, dbname: &str) -> Result<Client, postgres::Error> {
        self.config(dbname).connect(NoTls)
    }

    fn connect(&self, dbname: &str) -> Client {
        self.try_connect(dbname).unwrap_or_else(|error| {
            panic!(
                "cannot connect to test database {dbname}: {}",
                with_causes(&error)
            )
        })
    }

    fn url(&self, dbname: &str) -> String {
        self.url_with(dbname, self.password.as_deref())
    }

    fn url_with(&self, dbname: &str, password: Option<&str>) -> String {
        let host = if self.host.contains(':') && !self.host.starts_with('/') {
            format!("[{}]", self.host)
        } else {
            percent_encode(&self.host)
        };
        let password = password.map_or(String::new(), |password| {
            format!(":{}", percent_encode(password))
        });
        format!(
            "postgres://{}{password}@{host}:{}/{}",
            percent_encode(&self.user),
            self.port,
            percent_encode(dbname)
        )
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
