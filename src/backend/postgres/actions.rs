//! The bridge to the action bodies (`action/`, owned by the actions work): one
//! `CREATE OR REPLACE FUNCTION` (and its `COMMENT ON FUNCTION`) per action.

use crate::ir::{Action, EntityId, Project};

/// The SQL of an action's function; `None` for a declaration.
pub fn function_sql(project: &Project, entity: EntityId, action: &Action) -> Option<String> {
    super::action::function(project, entity, action).map(|f| f.sql)
}
