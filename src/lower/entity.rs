//! Entities and their fields: names, schemas, types, defaults, identifier derivation,
//! translations and hierarchies.

use std::collections::HashMap;

use super::default::check_default;
use super::names::{is_reserved_column, snake_case};
use super::types::{TypeSyntax, parse_short_form};
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{Entity, EntityId, Field, FieldId, FieldType, Project, Renamed};
use crate::passes::declared;
use crate::source::Span;
use crate::spec::syntax::{EntityDoc, FieldDecl};

/// Phase 1: one IR entity per document with a usable name; the ones the declaration
/// checks refuse (names, schemas, duplicates) are left out.
pub fn declare_entities(docs: &[EntityDoc], diags: &mut Diagnostics) -> Project {
    let mut project = Project::default();
    let mut seen = declared::EntityNames::default();
    for doc in docs {
        let name = doc.entity.value.trim().to_string();
        let span = doc.entity.span();
        if !declared::entity_name(&name, span, diags) {
            continue;
        }
        let Some(schema) = &doc.schema else {
            diags.push(
                Diagnostic::missing_key("schema", &format!("entity `{name}`"), span)
                    .with_help("add the PostgreSQL schema of the entity, e.g. `schema: crm`"),
            );
            continue;
        };
        let entity = Entity {
            id: EntityId(project.entities.len() as u32),
            snake: snake_case(&name),
            name,
            schema: schema.value.trim().to_string(),
            description: doc
                .description
                .as_ref()
                .map(|d| d.value.trim().to_string())
                .filter(|d| !d.is_empty()),
            tenant_scoped: doc.tenant_scoped.as_ref().is_none_or(|f| f.value),
            identifier_from: Vec::new(),
            fields: Vec::new(),
            actions: Vec::new(),
            parent: None,
            hierarchical: doc
                .hierarchical
                .as_ref()
                .filter(|f| f.value)
                .map(|f| f.span),
            translated: Vec::new(),
            renamed_from: doc.renamed_from.as_ref().map(|r| Renamed {
                from: r.value.trim().to_string(),
                span: r.span(),
            }),
            span,
            schema_span: schema.span(),
        };
        if declared::entity(&entity, &mut seen, diags) {
            project.entities.push(entity);
        }
    }
    project
}

/// Entity names → ids, built once after phase 1, so that resolving a name costs the same
/// whatever the size of the project; and, after phase 2, the fields whose declaration was
/// reported as wrong.
#[derive(Debug, Default)]
pub struct EntityIndex {
    ids: HashMap<String, EntityId>,
    /// Declared fields dropped with an error (a bad type, a bad name): uses of them are
    /// not reported again as unknown, so one mistake gives one error.
    broken: std::collections::HashSet<(EntityId, String)>,
}

impl EntityIndex {
    pub fn new(project: &Project) -> EntityIndex {
        EntityIndex {
            ids: project
                .entities
                .iter()
                .map(|e| (e.name.clone(), e.id))
                .collect(),
            broken: Default::default(),
        }
    }

    pub fn get(&self, name: &str) -> Option<EntityId> {
        self.ids.get(name).copied()
    }

    /// Records the fields `doc` declares that phase 2 dropped with an error.
    pub fn mark_broken_fields(&mut self, id: EntityId, doc: &EntityDoc, kept: &[Field]) {
        for decl in &doc.fields {
            let name = &decl.name.value;
            if !is_reserved_column(name) && !kept.iter().any(|f| &f.name == name) {
                self.broken.insert((id, name.clone()));
            }
        }
    }

    /// Whether `name` was declared on `entity` but dropped with an error already.
    pub fn is_broken(&self, entity: EntityId, name: &str) -> bool {
        self.broken.contains(&(entity, name.to_string()))
    }
}

/// The documents that became entities, with their ids.
pub fn documents_with_ids<'a>(
    docs: &'a [EntityDoc],
    project: &Project,
) -> Vec<(&'a EntityDoc, EntityId)> {
    let by_span: HashMap<Span, EntityId> =
        project.entities.iter().map(|e| (e.span, e.id)).collect();
    docs.iter()
        .filter_map(|doc| by_span.get(&doc.entity.span()).map(|id| (doc, *id)))
        .collect()
}

/// Phase 2: the fields of one entity.
pub fn lower_fields(
    doc: &EntityDoc,
    project: &Project,
    index: &EntityIndex,
    diags: &mut Diagnostics,
) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for decl in &doc.fields {
        let Some(field) = lower_field(decl, project, index, diags) else {
            continue;
        };
        if !declared::field_among(&fields, &field, diags) {
            continue;
        }
        let id = FieldId(fields.len() as u32);
        fields.push(Field { id, ..field });
    }
    fields
}

fn lower_field(
    decl: &FieldDecl,
    project: &Project,
    index: &EntityIndex,
    diags: &mut Diagnostics,
) -> Option<Field> {
    if !declared::field_name(decl, diags) {
        return None;
    }
    let form = match parse_short_form(&decl.ty.value, &decl.ty.origin, decl.short) {
        Ok(form) => form,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let ty = match resolve_type(&form.ty, project, index) {
        Ok(ty) => ty,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if !declared::field_type(decl, &ty, diags) {
        return None;
    }
    // `!`, `required:` and `nullable:` combined; the two keys count only when they agree.
    let keys_agree = declared::field_keys(decl, &ty, project, diags);
    let stated = (decl.required.as_ref().map(|f| f.value))
        .or_else(|| decl.nullable.as_ref().map(|f| !f.value));
    let required = form.required || (keys_agree && stated == Some(true));
    let default = form
        .default
        .map(|(raw, span)| (raw, false, span))
        .or_else(|| {
            decl.default
                .as_ref()
                .map(|d| (d.value.clone(), !d.plain, d.span()))
        })
        .and_then(
            |(raw, quoted, span)| match check_default(&ty, &raw, quoted, span) {
                Ok(value) => Some(value),
                Err(d) => {
                    diags.push(d);
                    None
                }
            },
        );
    Some(Field {
        id: FieldId(0),
        name: decl.name.value.clone(),
        ty,
        required,
        unique: decl.unique.as_ref().is_some_and(|u| u.value),
        default,
        description: decl
            .description
            .as_ref()
            .map(|d| d.value.trim().to_string())
            .filter(|d| !d.is_empty()),
        renamed_from: decl.renamed_from.as_ref().map(|r| Renamed {
            from: r.value.trim().to_string(),
            span: r.span(),
        }),
        span: decl.name.span(),
        type_span: decl.ty.span(),
    })
}

fn resolve_type(
    ty: &TypeSyntax,
    project: &Project,
    index: &EntityIndex,
) -> Result<FieldType, Diagnostic> {
    match ty {
        TypeSyntax::Known(ty) => Ok(ty.clone()),
        TypeSyntax::List(inner) => Ok(FieldType::List(Box::new(resolve_type(
            inner, project, index,
        )?))),
        TypeSyntax::Ref { target, span } => {
            index.get(target).map(FieldType::Ref).ok_or_else(|| {
                Diagnostic::unknown_entity(
                    target,
                    *span,
                    project.entities.iter().map(|e| e.name.as_str()),
                )
            })
        }
    }
}

/// Phase 3: `identifier`, `translations`, `hierarchical`.
pub fn lower_options(
    doc: &EntityDoc,
    id: EntityId,
    project: &mut Project,
    index: &EntityIndex,
    diags: &mut Diagnostics,
) {
    let entity = project.entity(id);
    let candidates = |e: &Entity| e.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    let names = candidates(entity);
    let lookup = |name: &str, span: Span, diags: &mut Diagnostics| -> Option<FieldId> {
        let found = entity.field_by_name(name);
        if found.is_none() && !index.is_broken(id, name) {
            diags.push(Diagnostic::unknown_field(
                &entity.name,
                name,
                span,
                names.iter().map(String::as_str),
            ));
        }
        found
    };
    let identifier_from: Vec<FieldId> = doc
        .identifier
        .iter()
        .filter_map(|t| {
            let id = lookup(&t.value, t.span(), diags)?;
            declared::identifier_source(t, entity.field(id), diags).then_some(id)
        })
        .collect();
    let mut translated = Vec::new();
    if let Some(tr) = doc.translations.as_ref().filter(|t| t.enabled.value) {
        for item in &tr.fields {
            let Some(field) = lookup(&item.value, item.span(), diags) else {
                continue;
            };
            if declared::translated_field(item, entity, entity.field(field), diags)
                && !translated.contains(&field)
            {
                translated.push(field);
            }
        }
        declared::translations(tr, entity, diags);
    }
    // A tree's parent is its one optional self-reference; without exactly that, the
    // entity has none (and `passes` reports it).
    let parent = entity.hierarchical.and_then(|_| {
        let mut self_refs = entity.fields.iter().filter(|f| f.ty == FieldType::Ref(id));
        match (self_refs.next(), self_refs.next()) {
            (Some(field), None) if !field.required => Some(field.id),
            _ => None,
        }
    });
    let entity = &mut project.entities[id.0 as usize];
    entity.identifier_from = identifier_from;
    entity.translated = translated;
    entity.parent = parent;
}
