//! Action facts: the input contract of an action (LANGUAGE §4.4): the keys it accepts,
//! in check order, each with how its value is read (mode) and its SQL type, from which
//! the JSON kind, required-ness and default follow. The backend emits the reads from it
//! and the manifest its JSON Schema, so the two cannot drift.

use super::RowRole;
use crate::ir::visit::{Visitor, walk_expr, walk_step, walk_steps};
use crate::ir::{Action, ActionKind, EntityId, Expr, ExprKind, FieldRef, Project, Row, Step, Ty};
use crate::ir::{Effect, Update};
use crate::source::Span;

/// How a key's value is interpreted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `id` of an existing-row action: required UUID.
    Id,
    /// A field on create: JSON null = absent, the default applies, required → error.
    Create(FieldRef),
    /// A field on update: absent = unchanged, null = NULL (required → error).
    Update(FieldRef),
    /// `SET f = ?`: the field's input value, NULL when absent (required → error).
    Value(FieldRef),
    /// `$key`: the input value cast to a type, NULL when absent.
    Plain,
    /// `foreach` over a JSON array.
    Array,
    /// `identifier` of an entity that does not derive it.
    Identifier,
    /// `translations` of an entity with translated fields.
    Translations(EntityId),
}

#[derive(Clone, Debug)]
pub struct Input {
    pub key: String,
    pub mode: Mode,
    pub ty: Ty,
}

/// The accepted keys, in check order.
#[derive(Clone, Debug, Default)]
pub struct Inputs(pub Vec<Input>);

impl Inputs {
    pub fn get(&self, key: &str) -> Option<&Input> {
        self.0.iter().find(|i| i.key == key)
    }

    /// Adds `key`, or merges it into the input already there. A key is one input with
    /// one contract: a plain `$key` read is only a value, while a field's input (create,
    /// update, `SET f = ?`), an `identifier` or a `foreach` array also declares how the
    /// key is typed, defaulted, required and resolved. So such an input replaces a plain
    /// read of the same key met earlier, and takes the place the later step gives it (the
    /// check order is the same as when the step came first); otherwise whichever step
    /// came first would decide, and a `$author_id` before `insert: Book` left the insert
    /// reading an unresolved `v_fk_author_id` and skipping `pages`' default. `$key` then
    /// reads the key's value as the field reads it (default applied), whatever the order
    /// of the steps.
    pub(super) fn add(&mut self, key: String, mode: Mode, ty: Ty) {
        match self.0.iter().position(|i| i.key == key) {
            None => self.0.push(Input { key, mode, ty }),
            Some(at) if self.0[at].mode == Mode::Plain && mode != Mode::Plain => {
                self.0.remove(at);
                self.0.push(Input { key, mode, ty });
            }
            Some(_) => {}
        }
    }

    fn add_field(&mut self, project: &Project, f: FieldRef, mode: fn(FieldRef) -> Mode) {
        let field = project.field(f);
        self.add(field.public_key(), mode(f), field.ty.ty());
    }

    fn add_entity(&mut self, project: &Project, e: EntityId, mode: fn(FieldRef) -> Mode) {
        let entity = project.entity(e);
        for field in entity.field_ids() {
            self.add_field(project, FieldRef { entity: e, field }, mode);
        }
        if entity.identifier_from.is_empty() {
            self.add("identifier".into(), Mode::Identifier, Ty::Text);
        }
    }
}

/// The inputs of `action` of `eid`, whose row role is `row`.
pub fn collect(project: &Project, eid: EntityId, action: &Action, row: RowRole) -> Inputs {
    let mut inputs = Inputs::default();
    if row.existing() {
        inputs.add("id".into(), Mode::Id, Ty::Uuid);
    }
    let entity = project.entity(eid);
    match &action.kind {
        ActionKind::Create | ActionKind::Update => {
            let create = matches!(action.kind, ActionKind::Create);
            inputs.add_entity(
                project,
                eid,
                if create { Mode::Create } else { Mode::Update },
            );
            if !entity.translated.is_empty() {
                inputs.add("translations".into(), Mode::Translations(eid), Ty::Jsonb);
            }
        }
        ActionKind::Custom(steps) => {
            let mut collect = Collect {
                project,
                eid,
                creating: row.creates(),
                inputs,
                claims: Vec::new(),
            };
            walk_steps(&mut collect, steps);
            inputs = collect.inputs;
        }
        ActionKind::Delete | ActionKind::Declaration => {}
    }
    inputs
}

/// What a step or an expression of a custom action takes an input key for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimant {
    Field(FieldRef),
    /// `identifier` of an entity that does not derive it.
    Identifier(EntityId),
    /// The JSON array a `foreach` walks.
    Array,
}

/// One use of a key as an input with a contract (a plain `$key` read is none), at the
/// spec text that makes it: two claimants of one key are E0312 (`passes::input_keys`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub key: String,
    pub by: Claimant,
    pub span: Span,
}

/// The claims of a custom action's steps, in step order.
pub fn claims(project: &Project, eid: EntityId, action: &Action, row: RowRole) -> Vec<Claim> {
    let ActionKind::Custom(steps) = &action.kind else {
        return Vec::new();
    };
    let mut collect = Collect {
        project,
        eid,
        creating: row.creates(),
        inputs: Inputs::default(),
        claims: Vec::new(),
    };
    walk_steps(&mut collect, steps);
    collect.claims
}

struct Collect<'p> {
    project: &'p Project,
    eid: EntityId,
    creating: bool,
    inputs: Inputs,
    claims: Vec<Claim>,
}

impl Collect<'_> {
    fn entity(&mut self, e: EntityId, mode: fn(FieldRef) -> Mode, span: Span) {
        self.inputs.add_entity(self.project, e, mode);
        let entity = self.project.entity(e);
        for field in entity.field_ids() {
            self.field(FieldRef { entity: e, field }, None, span);
        }
        if entity.identifier_from.is_empty() {
            self.claim("identifier".into(), Claimant::Identifier(e), span);
        }
    }

    /// Field `f`'s input, added to the inputs with `mode` unless `add_entity` did.
    fn field(&mut self, f: FieldRef, mode: Option<fn(FieldRef) -> Mode>, span: Span) {
        if let Some(mode) = mode {
            self.inputs.add_field(self.project, f, mode);
        }
        let key = self.project.field(f).public_key();
        self.claim(key, Claimant::Field(f), span);
    }

    fn claim(&mut self, key: String, by: Claimant, span: Span) {
        self.claims.push(Claim { key, by, span });
    }
}

impl<'ir> Visitor<'ir> for Collect<'_> {
    fn visit_step(&mut self, step: &'ir Step) {
        match step.effect() {
            Effect::Update(Update {
                entity,
                from_input: true,
                ..
            }) => self.entity(entity, Mode::Update, step.span),
            Effect::Insert {
                entity,
                values: None,
            } => self.entity(entity, Mode::Create, step.span),
            Effect::Loop { input_key } => {
                self.inputs
                    .add(input_key.to_string(), Mode::Array, Ty::Jsonb);
                self.claim(input_key.to_string(), Claimant::Array, step.span);
            }
            // Input it does not read as a whole (its expressions are visited below).
            Effect::Update(_) | Effect::Insert { .. } => {}
            Effect::Delete { .. } | Effect::Select { .. } | Effect::Call { .. } | Effect::None => {}
        }
        walk_step(self, step);
    }

    fn visit_expr(&mut self, x: &'ir Expr) {
        match &x.kind {
            ExprKind::Input { key } => self.inputs.add(key.clone(), Mode::Plain, x.ty.clone()),
            ExprKind::InputField(f) => self.field(*f, Some(Mode::Value), x.span),
            ExprKind::Column {
                field,
                row: Row::Target,
            } if self.creating && field.entity == self.eid => {
                self.field(*field, Some(Mode::Create), x.span)
            }
            _ => {}
        }
        walk_expr(self, x);
    }
}
