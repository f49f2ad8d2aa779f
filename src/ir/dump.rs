//! A stable, readable dump of the IR for `specqlc debug ir` and snapshots.

use super::Project;

pub fn dump(_project: &Project) -> String {
    String::new()
}
