//! Declaration check (E0311): a field's `schema:` key is written only on a reference,
//! and names the schema of the entity it references.

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{FieldType, Project};
use crate::spec::syntax::FieldDecl;

pub fn schema_keys_name_the_referenced_schema(
    decl: &FieldDecl,
    ty: &FieldType,
    project: &Project,
    diags: &mut Diagnostics,
) {
    let Some(schema) = &decl.schema else {
        return;
    };
    let FieldType::Ref(target) = ty else {
        diags.push(Diagnostic::schema_without_reference(schema.span()));
        return;
    };
    let target = project.entity(*target);
    if schema.value != target.schema {
        diags.push(Diagnostic::ref_schema_mismatch(
            &schema.value,
            &target.name,
            &target.schema,
            schema.span(),
            target.schema_span,
        ));
    }
}
