//! [`Effect`]: what a step does to the database, whatever its syntax. [`Step::effect`] is
//! the one place that sorts the step kinds by it, exhaustively; the analyses that ask
//! what an action writes, reads, calls or takes from input match on effects, so a new
//! step kind is decided once here (and only a new kind of effect reaches every analysis).

use super::{ActionId, Assignment, EntityId, Expr, Step, StepKind};

#[derive(Clone, Copy, Debug)]
pub enum Effect<'ir> {
    Update(Update<'ir>),
    /// Inserts a row of `entity`, with `values` or (`None`) the input's.
    Insert {
        entity: EntityId,
        values: Option<&'ir [Assignment]>,
    },
    /// Soft-deletes rows of `entity` (writes its audit columns), as `Update` filters.
    Delete {
        entity: EntityId,
        filter: Option<&'ir Expr>,
    },
    /// Reads the action's row, of `entity`.
    Select {
        entity: EntityId,
    },
    /// Runs a function: a generated action when `target` names one.
    Call {
        schema: &'ir str,
        function: &'ir str,
        target: Option<ActionId>,
    },
    /// Reads the input array `input_key` (the steps of its body have their own effects).
    Loop {
        input_key: &'ir str,
    },
    /// `validate`, `if`, `notify`, `return`: no row is read or written but through the
    /// step's expressions (and the nested steps of an `if`, which have their own).
    None,
}

/// An `update:`: writes rows of `entity`, the action's row when `filter` is `None`;
/// `from_input` also writes every field the input gives.
#[derive(Clone, Copy, Debug)]
pub struct Update<'ir> {
    pub entity: EntityId,
    pub set: &'ir [Assignment],
    pub from_input: bool,
    pub filter: Option<&'ir Expr>,
}

impl Step {
    /// What the step does to the database (see [`Effect`]).
    pub fn effect(&self) -> Effect<'_> {
        match &self.kind {
            StepKind::Update {
                entity,
                set,
                from_input,
                filter,
            } => Effect::Update(Update {
                entity: *entity,
                set,
                from_input: *from_input,
                filter: filter.as_ref(),
            }),
            StepKind::Insert { entity, values } => Effect::Insert {
                entity: *entity,
                values: values.as_deref(),
            },
            StepKind::Delete { entity, filter } => Effect::Delete {
                entity: *entity,
                filter: filter.as_ref(),
            },
            StepKind::Select { entity } => Effect::Select { entity: *entity },
            StepKind::Call {
                schema,
                function,
                target,
                ..
            } => Effect::Call {
                schema,
                function,
                target: *target,
            },
            StepKind::Foreach { input_key, .. } => Effect::Loop { input_key },
            StepKind::Validate { .. }
            | StepKind::If { .. }
            | StepKind::Notify { .. }
            | StepKind::Return { .. } => Effect::None,
        }
    }

    /// The error code the step itself refuses with, if it can (`validate`'s `error:`);
    /// the codes of the effects (`not_found`, `reference_not_found`, ...) are the facts'.
    pub fn error_code(&self) -> Option<&str> {
        match &self.kind {
            StepKind::Validate { error, .. } => Some(error),
            StepKind::If { .. }
            | StepKind::Update { .. }
            | StepKind::Insert { .. }
            | StepKind::Delete { .. }
            | StepKind::Call { .. }
            | StepKind::Notify { .. }
            | StepKind::Foreach { .. }
            | StepKind::Select { .. }
            | StepKind::Return { .. } => None,
        }
    }
}
