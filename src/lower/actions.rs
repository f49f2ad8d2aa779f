//! Actions: standard create/update/delete, custom actions with steps, and step-less
//! declarations (no function; `passes` warns about them).

use super::expr::Scope;
use super::steps::lower_steps;
use crate::diag::Diagnostics;
use crate::ir::visit::{VisitorMut, walk_step_mut, walk_steps_mut};
use crate::ir::{Action, ActionId, ActionKind, EntityId, Project, Step, StepKind};
use crate::passes::declared;
use crate::spec::syntax::EntityDoc;

pub fn lower_actions(
    index: &super::entity::EntityIndex,
    doc: &EntityDoc,
    id: EntityId,
    project: &Project,
    diags: &mut Diagnostics,
) -> Vec<Action> {
    let entity = project.entity(id);
    let mut actions: Vec<Action> = Vec::new();
    for decl in &doc.actions {
        let name = decl.name.value.trim().to_string();
        let span = decl.name.span();
        if !declared::action(&name, span, diags) {
            continue;
        }
        let kind = match &decl.steps {
            Some(steps) => {
                let scope = Scope {
                    project,
                    index,
                    entity: id,
                    filtered: None,
                    items: Vec::new(),
                    inputs: Default::default(),
                };
                ActionKind::Custom(lower_steps(steps, &scope, diags))
            }
            None if name == format!("create_{}", entity.snake) => ActionKind::Create,
            None if name == format!("update_{}", entity.snake) => ActionKind::Update,
            None if name == format!("delete_{}", entity.snake) => ActionKind::Delete,
            // No function; `passes` warns about it.
            None => ActionKind::Declaration,
        };
        actions.push(Action {
            name,
            description: decl
                .description
                .as_ref()
                .map(|d| d.value.trim().to_string())
                .filter(|d| !d.is_empty()),
            kind,
            span,
        });
    }
    actions
}

/// Resolves every `call:` step to the generated action it names (the first entity in load
/// order with that schema and a non-declaration action of that name), once all actions
/// are lowered; a name that is none stays a function outside the specs.
pub fn resolve_calls(project: &mut Project) {
    let mut generated = std::collections::BTreeMap::new();
    for id in project.action_ids() {
        let action = project.action(id);
        if !matches!(action.kind, ActionKind::Declaration) {
            let schema = project.entity(id.entity).schema.clone();
            generated.entry((schema, action.name.clone())).or_insert(id);
        }
    }
    let mut resolve = ResolveCalls { generated };
    for entity in &mut project.entities {
        for action in &mut entity.actions {
            if let ActionKind::Custom(steps) = &mut action.kind {
                walk_steps_mut(&mut resolve, steps);
            }
        }
    }
}

struct ResolveCalls {
    generated: std::collections::BTreeMap<(String, String), ActionId>,
}

impl VisitorMut for ResolveCalls {
    fn visit_step_mut(&mut self, step: &mut Step) {
        if let StepKind::Call {
            schema,
            function,
            target,
            ..
        } = &mut step.kind
        {
            *target = self
                .generated
                .get(&(schema.clone(), function.clone()))
                .copied();
        }
        walk_step_mut(self, step);
    }
}
