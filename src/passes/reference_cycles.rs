//! Required references that form a cycle make every insert impossible: no row of the
//! cycle can be inserted first. The whole cycle is reported, every edge labelled.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::ir::{EntityId, FieldId, FieldType, Project};

pub fn required_references_allow_an_insert(project: &Project, diags: &mut Diagnostics) {
    let mut graph: DiGraph<EntityId, FieldId> = DiGraph::new();
    let nodes: Vec<NodeIndex> = project.entity_ids().map(|id| graph.add_node(id)).collect();
    for entity in &project.entities {
        for field in entity.fields.iter().filter(|f| f.required) {
            if let FieldType::Ref(target) = field.ty {
                graph.add_edge(
                    nodes[entity.id.0 as usize],
                    nodes[target.0 as usize],
                    field.id,
                );
            }
        }
    }
    for component in tarjan_scc(&graph) {
        let is_cycle = component.len() > 1 || graph.find_edge(component[0], component[0]).is_some();
        if !is_cycle {
            continue;
        }
        let members: Vec<EntityId> = {
            let mut m: Vec<EntityId> = component.iter().map(|n| graph[*n]).collect();
            m.sort_by_key(|id| {
                (
                    project.entity(*id).schema.clone(),
                    project.entity(*id).name.clone(),
                )
            });
            m
        };
        // Walk the cycle from its first member along required references in it.
        let mut path = Vec::new();
        let mut current = members[0];
        loop {
            let entity = project.entity(current);
            let Some(field) = entity
                .fields
                .iter()
                .find(|f| f.required && matches!(f.ty, FieldType::Ref(t) if members.contains(&t)))
            else {
                break;
            };
            let FieldType::Ref(next) = field.ty else {
                break;
            };
            path.push((current, field.id, next));
            current = next;
            if current == members[0] || path.len() > members.len() {
                break;
            }
        }
        let names: Vec<String> = path
            .iter()
            .map(|(e, _, _)| project.entity(*e).name.clone())
            .chain(std::iter::once(project.entity(members[0]).name.clone()))
            .collect();
        let Some((first_entity, first_field, _)) = path.first() else {
            continue;
        };
        let first = project.entity(*first_entity).field(*first_field);
        let mut d = Diagnostic::error(
            codes::REQUIRED_REFERENCE_CYCLE,
            format!("required references form a cycle: {}", names.join(" → ")),
            first.span,
        )
        .with_label(format!(
            "`{}` requires a `{}`",
            project.entity(*first_entity).name,
            project.entity(path[0].2).name
        ));
        for (entity, field, target) in path.iter().skip(1) {
            d = d.with_secondary(
                project.entity(*entity).field(*field).span,
                format!(
                    "`{}` requires a `{}`",
                    project.entity(*entity).name,
                    project.entity(*target).name
                ),
            );
        }
        diags.push(d.with_help(
            "no row of the cycle can be inserted first: make one of these references optional",
        ));
    }
}
