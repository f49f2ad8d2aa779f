//! The generated actions called as a user of a tenant (`p_tenant_id`, `p_user_id`,
//! `p_input`), and what they return read back.

use postgres::Client;
use serde_json::Value;

use super::TestDb;
use super::db::{ActionResult, SqlError};
use super::specs::USER_1;

/// The actions of one schema, called with one tenant and one user. Copy it and change
/// the tenant or the user to call as someone else.
#[derive(Clone, Copy)]
pub struct Caller<'db> {
    db: &'db TestDb,
    schema: &'db str,
    tenant: Option<&'db str>,
    user: Option<&'db str>,
}

impl TestDb {
    /// The actions of `schema`, called as `USER_1` of `tenant`.
    pub fn caller<'db>(&'db self, schema: &'db str, tenant: &'db str) -> Caller<'db> {
        Caller {
            db: self,
            schema,
            tenant: Some(tenant),
            user: Some(USER_1),
        }
    }
}

impl<'db> Caller<'db> {
    /// The same actions called with `tenant` (`None`: a NULL tenant).
    pub fn tenant(self, tenant: Option<&'db str>) -> Caller<'db> {
        Caller { tenant, ..self }
    }

    /// The same actions called by `user` (`None`: a NULL user).
    pub fn user(self, user: Option<&'db str>) -> Caller<'db> {
        Caller { user, ..self }
    }

    /// Calls `schema.action`; panics if it raises instead of returning a result.
    pub fn call(&self, action: &str, input: Value) -> ActionResult {
        self.try_call(action, input)
            .unwrap_or_else(|error| panic!("{}.{action} raised: {error}", self.schema))
    }

    /// Calls `schema.action`, for tests that expect it to raise.
    pub fn try_call(&self, action: &str, input: Value) -> Result<ActionResult, SqlError> {
        self.db
            .try_call_action(self.schema, action, self.tenant, self.user, input)
    }

    /// Calls `schema.action` on `client`, a connection of the test's own (one that
    /// holds a transaction open, one per thread); panics if it raises.
    pub fn call_on(&self, client: &mut Client, action: &str, input: &Value) -> ActionResult {
        let sql = ActionResult::query(self.schema, action);
        let row = client
            .query_one(&sql, &[&self.tenant, &self.user, &input.to_string()])
            .unwrap_or_else(|error| panic!("{}.{action} raised: {error}", self.schema));
        ActionResult::from_row(&row, self.schema, action)
    }

    /// The `object_data` of a successful call; panics with the result otherwise.
    pub fn ok(&self, action: &str, input: Value) -> Value {
        ok(self.call(action, input))
    }

    /// The `id` in the `object_data` of a successful call (a create's new row).
    pub fn id(&self, action: &str, input: Value) -> String {
        id_of(&self.ok(action, input))
    }
}

/// The `object_data` of a successful result; panics with the result otherwise.
pub fn ok(result: ActionResult) -> Value {
    assert!(result.success, "expected success, got {result:?}");
    result
        .object_data
        .expect("a successful action returns its row")
}

/// The `id` of a row as an action returns it.
pub fn id_of(row: &Value) -> String {
    row["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no text `id` in {row}"))
        .to_string()
}
