//! The typed, resolved intermediate representation: the output of lowering and passes,
//! the input of ordering and the backend.
//!
//! Invariants once `passes::run` succeeded: every name is resolved to an id, every
//! expression carries its type, every SQL name is a valid unquoted identifier, and every
//! node keeps the span of the spec text that produced it.

pub mod analysis;
mod dump;
mod effect;
mod expr;
mod types;
pub mod visit;

pub use dump::dump;
pub use effect::{Effect, Update};
pub use expr::*;
pub use types::*;

use crate::backend::postgres::naming;
use crate::source::Span;

/// Index of an entity in [`Project::entities`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u32);

/// Index of a field in its entity's [`Entity::fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldId(pub u32);

/// An action of a given entity: index `action` in its [`Entity::actions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionId {
    pub entity: EntityId,
    pub action: u32,
}

/// A field of a given entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldRef {
    pub entity: EntityId,
    pub field: FieldId,
}

/// An earlier name of an entity or field (LANGUAGE §6.1), with the span of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    pub from: String,
    pub span: Span,
}

/// A whole compilation: every entity of every file, in load order (file path order,
/// then document order).
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub entities: Vec<Entity>,
    /// Roles that may call the actions (`--grant-to`, LANGUAGE §7): they get `USAGE` on
    /// the schemas and `EXECUTE` on the actions, nothing else.
    pub grant_to: Vec<String>,
}

impl Project {
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.0 as usize]
    }

    pub fn field(&self, r: FieldRef) -> &Field {
        self.entity(r.entity).field(r.field)
    }

    pub fn action(&self, id: ActionId) -> &Action {
        &self.entity(id.entity).actions[id.action as usize]
    }

    /// Every action of every entity, in load order then spec order.
    pub fn action_ids(&self) -> impl Iterator<Item = ActionId> + '_ {
        self.entities.iter().flat_map(|e| {
            (0..e.actions.len() as u32).map(move |action| ActionId {
                entity: e.id,
                action,
            })
        })
    }

    pub fn entity_ids(&self) -> impl Iterator<Item = EntityId> + '_ {
        (0..self.entities.len() as u32).map(EntityId)
    }

    /// Schemas used by entities, sorted and deduplicated.
    pub fn schemas(&self) -> Vec<&str> {
        let mut schemas: Vec<&str> = self.entities.iter().map(|e| e.schema.as_str()).collect();
        schemas.sort_unstable();
        schemas.dedup();
        schemas
    }
}

#[derive(Clone, Debug)]
pub struct Entity {
    pub id: EntityId,
    /// The name as written (`Contact`, `OrderLine`, `manufacturer`).
    pub name: String,
    /// snake_case of the name (`order_line`): table `tb_<snake>`, key `pk_<snake>`.
    pub snake: String,
    pub schema: String,
    pub description: Option<String>,
    pub tenant_scoped: bool,
    /// Fields the Trinity `identifier` is derived from (joined with `-`, slugified), or
    /// empty when it comes from input key `identifier`.
    pub identifier_from: Vec<FieldId>,
    pub fields: Vec<Field>,
    pub actions: Vec<Action>,
    /// The self-reference that makes this entity a tree, when `hierarchical: true`.
    pub parent: Option<FieldId>,
    /// Span of `hierarchical: true`, when written (`passes` reports a tree without its
    /// one optional self-reference there).
    pub hierarchical: Option<Span>,
    /// Fields with per-locale values in `tl_<snake>`, when translations are enabled.
    pub translated: Vec<FieldId>,
    /// `renamed_from:`: the entity's name in an earlier version of the spec.
    pub renamed_from: Option<Renamed>,
    /// Span of the `entity:` value.
    pub span: Span,
    pub schema_span: Span,
}

impl Entity {
    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id.0 as usize]
    }

    pub fn field_by_name(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| FieldId(i as u32))
    }

    pub fn field_ids(&self) -> impl Iterator<Item = FieldId> + '_ {
        (0..self.fields.len() as u32).map(FieldId)
    }

    pub fn table(&self) -> String {
        naming::table(&self.snake)
    }

    pub fn translation_table(&self) -> String {
        naming::translation_table(&self.snake)
    }

    pub fn pk_column(&self) -> String {
        naming::pk_column(&self.snake)
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub id: FieldId,
    pub name: String,
    pub ty: FieldType,
    /// `NOT NULL` (`!`, `required: true` or `nullable: false`).
    pub required: bool,
    /// Unique per tenant among rows that are not soft-deleted.
    pub unique: bool,
    pub default: Option<Value>,
    pub description: Option<String>,
    /// `renamed_from:`: the field's name in an earlier version of the spec.
    pub renamed_from: Option<Renamed>,
    /// Span of the field's key.
    pub span: Span,
    /// Span of the type text.
    pub type_span: Span,
}

impl Field {
    /// The table column: `fk_<name>` for references, the name otherwise.
    pub fn column(&self) -> String {
        match self.ty {
            FieldType::Ref(_) => naming::ref_column(&self.name),
            _ => self.name.clone(),
        }
    }

    /// The public input/output key: `<name>_id` for references, the name otherwise.
    pub fn public_key(&self) -> String {
        match self.ty {
            FieldType::Ref(_) => naming::ref_key(&self.name),
            _ => self.name.clone(),
        }
    }
}

/// A compile-time constant (field defaults, literals in steps).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// A number as written, already checked to fit the target type.
    Number(String),
    Bool(bool),
    Null,
    /// `interval '...'`
    Interval(String),
}

#[derive(Clone, Debug)]
pub struct Action {
    pub name: String,
    pub description: Option<String>,
    pub kind: ActionKind,
    /// Span of the `name:` value.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ActionKind {
    /// `create_<e>` without steps.
    Create,
    /// `update_<e>` without steps.
    Update,
    /// `delete_<e>` without steps.
    Delete,
    /// An action with steps.
    Custom(Vec<Step>),
    /// No steps and not a standard name: a warning, and no function.
    Declaration,
}

#[derive(Clone, Debug)]
pub struct Step {
    pub kind: StepKind,
    /// Span of the step's key and value (the `- validate: ...` item).
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StepKind {
    Validate {
        condition: Expr,
        /// `error:` code (default `validation_failed`).
        error: String,
        /// `message:`, else `validation failed: <condition text>`.
        message: String,
    },
    If {
        condition: Expr,
        then: Vec<Step>,
        otherwise: Vec<Step>,
    },
    Update {
        entity: EntityId,
        /// Empty with `from_input` = true for `update: Entity` alone.
        set: Vec<Assignment>,
        from_input: bool,
        /// `None`: the action's row.
        filter: Option<Expr>,
    },
    Insert {
        entity: EntityId,
        /// `None`: values from input (as a standard create).
        values: Option<Vec<Assignment>>,
    },
    Delete {
        entity: EntityId,
        filter: Option<Expr>,
    },
    Call {
        schema: String,
        function: String,
        args: Vec<(String, Expr)>,
        /// The generated action `schema.function` names, resolved by `lower` once every
        /// entity's actions are known; `None`: a function outside the specs.
        target: Option<ActionId>,
    },
    Notify {
        channel: String,
        data: Vec<(String, Expr)>,
    },
    Foreach {
        var: String,
        input_key: String,
        body: Vec<Step>,
    },
    Select {
        entity: EntityId,
    },
    Return {
        message: String,
    },
}

/// `field = value` in `SET` or in an `insert` value list.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub field: FieldId,
    pub value: Expr,
    pub span: Span,
}
