//! `renamed_from:` (LANGUAGE §6.1) checked against the recorded state: the spec names of
//! the state translated into the specs' names, or an error at each key that does not
//! apply.

use super::evolve::Names;
use super::state::{Body, State};
use crate::diag::Diagnostic;
use crate::ir::Project;

/// The renames from `old` to `project`. A rename whose old name `old` lacks while it has
/// the new one is done already (nothing to do); both names, or neither, is an error.
pub fn resolve(project: &Project, old: &State) -> Result<Names, Vec<Diagnostic>> {
    let mut names = Names::default();
    let mut errors = Vec::new();
    let tables: Vec<_> = old.entities().collect();
    let has_entity = |name: &str| tables.iter().any(|t| t.entity == name);
    let has_field = |entity: &str, field: &str| {
        let role = format!("field:{field}");
        old.objects.iter().any(|o| match &o.body {
            Body::Table(t) => {
                !t.translation && t.entity == entity && t.columns.iter().any(|c| c.role == role)
            }
            _ => false,
        })
    };
    let empty = old.objects.is_empty();
    for e in &project.entities {
        let mut old_entity = e.name.as_str();
        if let Some(renamed) = &e.renamed_from {
            match (has_entity(&renamed.from), has_entity(&e.name)) {
                (true, false) => {
                    names.entities.insert(renamed.from.clone(), e.name.clone());
                    old_entity = renamed.from.as_str();
                }
                (false, true) => {}
                _ if empty => {}
                (both, _) => errors.push(Diagnostic::invalid_rename(
                    &format!("entity `{}`", renamed.from),
                    &format!("entity `{}`", e.name),
                    both,
                    renamed.span,
                )),
            }
        }
        for f in &e.fields {
            let Some(renamed) = &f.renamed_from else {
                continue;
            };
            if !has_entity(old_entity) {
                continue; // A new entity: nothing of it exists to rename.
            }
            match (
                has_field(old_entity, &renamed.from),
                has_field(old_entity, &f.name),
            ) {
                (true, false) => {
                    names
                        .fields
                        .insert((e.name.clone(), renamed.from.clone()), f.name.clone());
                }
                (false, true) => {}
                (both, _) => errors.push(Diagnostic::invalid_rename(
                    &format!("field `{}.{}`", e.name, renamed.from),
                    &format!("field `{}.{}`", e.name, f.name),
                    both,
                    renamed.span,
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    }
}
