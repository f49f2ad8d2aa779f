//! Stage 4 check (E0411): a `hierarchical: true` entity has exactly one self-reference,
//! and it is optional (the roots have no parent). Lowering makes that reference the
//! entity's `parent`; an entity left without one is reported here, at the flag.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Field, FieldType, Project};

pub fn hierarchical_entities_have_one_optional_parent(project: &Project, diags: &mut Diagnostics) {
    for entity in &project.entities {
        let (Some(flag), None) = (entity.hierarchical, entity.parent) else {
            continue;
        };
        let self_refs: Vec<&Field> = entity
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::Ref(entity.id))
            .collect();
        // One optional self-reference would have been the parent.
        match self_refs[..] {
            [field] => diags.push(Diagnostic::required_parent(&field.name, field.span, flag)),
            [] => diags.push(Diagnostic::hierarchy_without_parent(&entity.name, flag)),
            _ => {
                let refs: Vec<_> = self_refs.iter().map(|f| f.span).collect();
                diags.push(Diagnostic::hierarchy_with_several_parents(
                    &entity.name,
                    flag,
                    &refs,
                ));
            }
        }
    }
}
