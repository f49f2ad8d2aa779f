//! Required references that form a cycle make every insert impossible: no row of the
//! cycle can be inserted first. The whole cycle is reported, every edge labelled.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::diag::{Diagnostic, Diagnostics};
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
        if path.is_empty() {
            continue;
        }
        let links: Vec<_> = path
            .iter()
            .map(|(entity, field, target)| {
                let entity = project.entity(*entity);
                (
                    entity.field(*field).span,
                    entity.name.as_str(),
                    project.entity(*target).name.as_str(),
                )
            })
            .collect();
        diags.push(Diagnostic::required_reference_cycle(&names, &links));
    }
}
