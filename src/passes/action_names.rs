//! Each action becomes `<schema>.<name>`, so names are unique per schema, declarations
//! included; a clash names both places.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Project;
use crate::source::Span;

pub fn action_names_are_unique_per_schema(project: &Project, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<(&str, &str), (Span, &str)> = BTreeMap::new();
    for entity in &project.entities {
        for action in &entity.actions {
            let key = (entity.schema.as_str(), action.name.as_str());
            match seen.get(&key) {
                Some((first, first_entity)) => diags.push(Diagnostic::duplicate_action(
                    &format!("{}.{}", entity.schema, action.name),
                    &entity.name,
                    action.span,
                    first_entity,
                    *first,
                )),
                None => {
                    seen.insert(key, (action.span, entity.name.as_str()));
                }
            }
        }
    }
}
