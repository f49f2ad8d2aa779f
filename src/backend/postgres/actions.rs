//! The bridge to the action bodies (`action/`, owned by the actions work): one
//! `CREATE OR REPLACE FUNCTION` (and its `COMMENT ON FUNCTION`) per action.

use crate::analysis::Facts;
use crate::ir::{ActionId, Project};

/// The SQL of an action's function; `None` for a declaration.
pub fn function_sql(project: &Project, facts: &Facts, id: ActionId) -> Option<String> {
    super::action::function(project, facts, id).map(|f| f.sql)
}
