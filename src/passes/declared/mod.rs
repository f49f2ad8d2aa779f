//! Declaration checks: the checks `lower` runs on each declaration as it reads it,
//! before the declaration enters the IR, one rule per file. Each returns whether the
//! declaration is accepted; lowering leaves a refused one out of the IR (a refused field
//! is remembered as broken, so that its uses are not reported again as unknown), so one
//! mistake gives one error and nothing that follows cascades from it. Checks that never
//! refuse anything but need the spec's syntax run here too, at the declaration they are
//! about. Checks of the whole lowered project are stage 4 ([`super::run`]).
//!
//! The functions below are the places lowering asks, in the order it reaches them; each
//! runs its checks in order and stops at the first that refuses:
//! 1. [`entity_name`] asks `entity_names_are_alphanumeric` (then lowering needs `schema:`)
//! 2. [`entity`] asks `schema_names_are_plain_sql_names`, `schemas_are_not_system_schemas`,
//!    `entity_names_fit`, `entity_names_are_unique`
//! 3. [`field_name`] asks `fields_do_not_take_reserved_column_names`,
//!    `field_names_are_plain_and_fit` (then lowering reads and resolves the type)
//! 4. [`field_type`] asks `reference_locals_fit`, `references_are_not_named_tenant`
//! 5. [`field_keys`] (never refuses) asks `required_and_nullable_agree`,
//!    `schema_keys_name_the_referenced_schema`
//! 6. [`field_among`] asks `field_names_are_unique_per_entity`,
//!    `fields_take_distinct_input_keys`
//! 7. [`identifier_source`] asks `identifier_sources_are_scalar`
//! 8. [`translated_field`] asks `translated_fields_are_text`, `locale_is_not_translated`
//! 9. [`translations`] (never refuses) asks `translations_key_is_free`,
//!    `enabled_translations_name_fields`
//! 10. [`action`] asks `action_names_are_plain_sql_names`
//! 11. steps, as each is read: `error_codes_are_snake_case` (`validate`),
//!     `steps_without_where_act_on_the_own_entity` (`update`, `delete`, `select`),
//!     `fields_are_assigned_once` (each assignment), `call_names_are_plain_sql_names`
//!     (`call`), `loop_variables_are_unambiguous` (`foreach`)

mod call_names;
mod duplicate_assignments;
mod duplicate_entities;
mod duplicate_fields;
mod entity_names;
mod error_codes;
mod field_keys;
mod identifier_sources;
mod loop_variables;
mod nullability;
mod reference_schemas;
mod reserved_columns;
mod sql_names;
mod system_schemas;
mod tenant_reference;
mod translated_locale;
mod translated_types;
mod translations_fields;
mod translations_key;
mod unscoped_writes;

pub use call_names::call_names_are_plain_sql_names;
pub use duplicate_assignments::fields_are_assigned_once;
pub use duplicate_entities::EntityNames;
pub use error_codes::error_codes_are_snake_case;
pub use loop_variables::loop_variables_are_unambiguous;
pub use unscoped_writes::steps_without_where_act_on_the_own_entity;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Entity, Field, FieldType, Project};
use crate::source::Span;
use crate::spec::syntax::{FieldDecl, Text, TranslationsDecl};

/// Whether `ok`; reports `refusal` when not. The shape of most checks here.
fn accept(ok: bool, diags: &mut Diagnostics, refusal: impl FnOnce() -> Diagnostic) -> bool {
    if !ok {
        diags.push(refusal());
    }
    ok
}

/// An entity's name as written (trimmed), before anything is made from it.
pub fn entity_name(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    entity_names::entity_names_are_alphanumeric(name, span, diags)
}

/// An entity with its schema, before it gets its place in the project; `seen` holds
/// the entities accepted before it.
pub fn entity(entity: &Entity, seen: &mut EntityNames, diags: &mut Diagnostics) -> bool {
    sql_names::schema_names_are_plain_sql_names(entity, diags)
        && system_schemas::schemas_are_not_system_schemas(entity, diags)
        && sql_names::entity_names_fit(entity, diags)
        && duplicate_entities::entity_names_are_unique(entity, seen, diags)
}

/// A field's name, before its type is read.
pub fn field_name(decl: &FieldDecl, diags: &mut Diagnostics) -> bool {
    let (name, span) = (&decl.name.value, decl.name.span());
    reserved_columns::fields_do_not_take_reserved_column_names(name, span, diags)
        && sql_names::field_names_are_plain_and_fit(name, span, diags)
}

/// A field's name with its resolved type.
pub fn field_type(decl: &FieldDecl, ty: &FieldType, diags: &mut Diagnostics) -> bool {
    let (name, span) = (&decl.name.value, decl.name.span());
    sql_names::reference_locals_fit(name, ty, span, diags)
        && tenant_reference::references_are_not_named_tenant(name, ty, span, diags)
}

/// A field's other keys, once its type is accepted. Refuses nothing; returns whether
/// `required:` and `nullable:` agree (when they do not, lowering takes neither).
pub fn field_keys(
    decl: &FieldDecl,
    ty: &FieldType,
    project: &Project,
    diags: &mut Diagnostics,
) -> bool {
    let agree = nullability::required_and_nullable_agree(decl, diags);
    reference_schemas::schema_keys_name_the_referenced_schema(decl, ty, project, diags);
    agree
}

/// A lowered field among the fields of its entity accepted before it.
pub fn field_among(accepted: &[Field], field: &Field, diags: &mut Diagnostics) -> bool {
    duplicate_fields::field_names_are_unique_per_entity(accepted, field, diags)
        && field_keys::fields_take_distinct_input_keys(accepted, field, diags)
}

/// A field named in `identifier:`.
pub fn identifier_source(source: &Text, field: &Field, diags: &mut Diagnostics) -> bool {
    identifier_sources::identifier_sources_are_scalar(source, field, diags)
}

/// A field named in enabled `translations:`.
pub fn translated_field(
    item: &Text,
    entity: &Entity,
    field: &Field,
    diags: &mut Diagnostics,
) -> bool {
    translated_types::translated_fields_are_text(item, field, diags)
        && translated_locale::locale_is_not_translated(item, entity, field, diags)
}

/// Enabled `translations:` as a whole, after its fields. Refuses nothing.
pub fn translations(translations: &TranslationsDecl, entity: &Entity, diags: &mut Diagnostics) {
    translations_key::translations_key_is_free(translations, entity, diags);
    translations_fields::enabled_translations_name_fields(translations, diags);
}

/// An action's name, before its steps are read.
pub fn action(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    sql_names::action_names_are_plain_sql_names(name, span, diags)
}
