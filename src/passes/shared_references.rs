//! Stage 4 check (LANGUAGE §7): a shared entity (`tenant_scoped: false`) never references
//! a tenant-scoped one. A shared row is every tenant's: a reference stored in it points
//! at one tenant's row, which every other tenant would then read (`<field>_id` in
//! `object_data`) and could unlink, and no tenant-composite foreign key can confine a
//! table that has no `tenant_id`. The error points at the reference's type, with the
//! target entity as the secondary place.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{FieldType, Project};

pub fn shared_entities_reference_only_shared_entities(project: &Project, diags: &mut Diagnostics) {
    for entity in project.entities.iter().filter(|e| !e.tenant_scoped) {
        for field in &entity.fields {
            let target = match field.ty {
                FieldType::Ref(t) => project.entity(t),
                _ => continue,
            };
            if !target.tenant_scoped {
                continue;
            }
            diags.push(Diagnostic::shared_to_tenant_reference(
                &entity.name,
                &entity.snake,
                &target.name,
                field.type_span,
                target.span,
            ));
        }
    }
}
