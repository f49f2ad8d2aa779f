//! Stage 4 check: every public input key of an action names one input. An action reads
//! its JSON input by key (`<field>` or `<field>_id`, LANGUAGE §4.4); when two different
//! fields (of two entities the action inserts or updates from input) or a field and a
//! `foreach` array share a key, one JSON value would feed both, resolved once against the
//! first (a reference to another entity, possibly of another tenant, stored in the
//! second). Such a key is refused, naming both places. Two fields of one entity with one
//! key are reported by `lower` already, once per entity.

use std::collections::BTreeMap;

use crate::analysis::Facts;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::ir::visit::{Visitor, walk_expr, walk_step, walk_steps};
use crate::ir::{ActionKind, EntityId, Expr, ExprKind, FieldRef, Project, Row, Step, StepKind};
use crate::source::Span;

/// What an input key stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Field(FieldRef),
    /// `identifier` of an entity that does not derive it.
    Identifier(EntityId),
    /// The JSON array a `foreach` walks.
    Array,
}

struct Seen {
    source: Source,
    span: Span,
}

pub fn input_keys_name_one_input_each(project: &Project, facts: &Facts, diags: &mut Diagnostics) {
    for id in project.action_ids() {
        let action = project.action(id);
        let ActionKind::Custom(steps) = &action.kind else {
            continue;
        };
        let mut walk = Walk {
            project,
            own: id.entity,
            creating: facts.action(project, id).row.creates(),
            seen: BTreeMap::new(),
            diags: &mut *diags,
            action: &action.name,
        };
        walk_steps(&mut walk, steps);
    }
}

struct Walk<'a> {
    project: &'a Project,
    own: EntityId,
    creating: bool,
    seen: BTreeMap<String, Seen>,
    diags: &'a mut Diagnostics,
    action: &'a str,
}

impl<'ir> Visitor<'ir> for Walk<'_> {
    fn visit_step(&mut self, step: &'ir Step) {
        let span = step.span;
        match &step.kind {
            StepKind::Update {
                entity,
                from_input: true,
                ..
            } => self.entity(*entity, span),
            StepKind::Insert {
                entity,
                values: None,
            } => self.entity(*entity, span),
            StepKind::Foreach { input_key, .. } => self.add(input_key.clone(), Source::Array, span),
            StepKind::Update { .. }
            | StepKind::Insert { .. }
            | StepKind::Validate { .. }
            | StepKind::If { .. }
            | StepKind::Delete { .. }
            | StepKind::Call { .. }
            | StepKind::Notify { .. }
            | StepKind::Select { .. }
            | StepKind::Return { .. } => {}
        }
        walk_step(self, step);
    }

    fn visit_expr(&mut self, x: &'ir Expr) {
        match &x.kind {
            ExprKind::InputField(f) => self.field(*f, x.span),
            ExprKind::Column {
                field,
                row: Row::Target,
            } if self.creating && field.entity == self.own => self.field(*field, x.span),
            _ => {}
        }
        walk_expr(self, x);
    }
}

impl Walk<'_> {
    fn entity(&mut self, e: EntityId, span: Span) {
        let entity = self.project.entity(e);
        for field in entity.field_ids() {
            self.field(FieldRef { entity: e, field }, span);
        }
        if entity.identifier_from.is_empty() {
            self.add("identifier".into(), Source::Identifier(e), span);
        }
    }

    fn field(&mut self, f: FieldRef, span: Span) {
        let key = self.project.field(f).public_key();
        self.add(key, Source::Field(f), span);
    }

    fn add(&mut self, key: String, source: Source, span: Span) {
        let Some(first) = self.seen.get(&key) else {
            self.seen.insert(key, Seen { source, span });
            return;
        };
        let same = match (first.source, source) {
            (Source::Field(a), Source::Field(b)) => a.entity == b.entity,
            (a, b) => a == b,
        };
        if same {
            return;
        }
        let diagnostic = Diagnostic::error(
            codes::DUPLICATE_INPUT_KEY,
            format!(
                "input key `{key}` of action `{}` would stand for two inputs: {} and {}",
                self.action,
                self.describe(first.source),
                self.describe(source)
            ),
            span,
        )
        .with_label(format!("{} reads `{key}` here", self.describe(source)))
        .with_secondary(
            first.span,
            format!("{} reads `{key}` here", self.describe(first.source)),
        )
        .with_note("one JSON value would be used for both, checked and resolved as the first")
        .with_help("rename one of the fields, or set it with an explicit value from another key");
        self.diags.push(diagnostic);
    }

    fn describe(&self, source: Source) -> String {
        match source {
            Source::Field(f) => format!(
                "field `{}.{}`",
                self.project.entity(f.entity).name,
                self.project.field(f).name
            ),
            Source::Identifier(e) => format!("`{}.identifier`", self.project.entity(e).name),
            Source::Array => "a `foreach` array".to_owned(),
        }
    }
}
