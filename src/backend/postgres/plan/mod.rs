//! Stage 5: the PostgreSQL object plan: the dependency graph of every DDL object the
//! project needs, and its deterministic topological order.
//!
//! Input: the checked [`ir::Project`]. Output: a [`Plan`]: a petgraph whose nodes are
//! [`Object`]s (prelude, schemas, types, tables, foreign keys, indexes, comments, helper
//! and action functions), each with a typed [`ObjectKey`], and whose edges point from an
//! object to what it needs. The order is Kahn's algorithm with ties broken by
//! `(kind rank, key text)`, so it never depends on the order the files were given in
//! (entity ids are never used for ordering).

mod build;
mod dump;
#[cfg(test)]
pub(crate) mod fixtures;
mod sort;
#[cfg(test)]
mod tests;

pub use dump::dump;

use petgraph::stable_graph::{NodeIndex, StableGraph};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use crate::analysis::Facts;
use crate::backend::postgres::naming;
use crate::ir::{self, EntityId, FieldId};
use crate::source::Span;

/// Builds the dependency graph of `project`'s DDL objects and orders it.
pub fn build(project: &ir::Project) -> Plan {
    build_from(project, Facts::new(project))
}

/// [`build`] from facts already computed (by the driver, for the passes).
pub fn build_from(project: &ir::Project, facts: Facts) -> Plan {
    facts.compute_touches(project);
    let (graph, nodes) = build::graph(project, &facts);
    let order = sort::topological(&graph);
    Plan {
        graph,
        order,
        nodes,
        facts,
    }
}

/// The ordered DDL objects of a project.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Edges point from an object to an object it depends on.
    pub graph: StableGraph<Object, Edge>,
    /// Every node of `graph`, dependencies first.
    pub order: Vec<NodeIndex>,
    /// The node of each key.
    nodes: HashMap<ObjectKey, NodeIndex>,
    /// The action facts the plan was built from, which the backend emits from too.
    pub facts: Facts,
}

impl Plan {
    /// The objects in dependency order.
    pub fn objects(&self) -> impl Iterator<Item = &Object> + '_ {
        self.order.iter().map(|&i| &self.graph[i])
    }

    /// The object with this key, if any.
    pub fn find(&self, key: &ObjectKey) -> Option<NodeIndex> {
        self.nodes.get(key).copied()
    }

    /// The object with this key, if any.
    pub fn object(&self, key: &ObjectKey) -> Option<&Object> {
        self.find(key).map(|i| &self.graph[i])
    }

    /// What the object at `node` depends on, sorted by key.
    pub fn dependencies(&self, node: NodeIndex) -> Vec<(&Object, &Edge)> {
        let mut deps: Vec<(&Object, &Edge)> = self
            .graph
            .edges(node)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (&self.graph[e.target()], e.weight())
            })
            .collect();
        deps.sort_by_cached_key(|(o, _)| o.key.to_string());
        deps
    }
}

/// One DDL object: one statement (or one idempotent guard around a statement).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub kind: ObjectKind,
    /// Stable and unique; its text is human-readable (`table crm.tb_contact`).
    pub key: ObjectKey,
    /// The spec text that produced the object; `None` for the framework prelude.
    pub span: Option<Span>,
    pub target: Target,
}

/// The identity of one plan object: unique within a plan, stable across compilations,
/// and the same for the object emitted from it. Its text (`table crm.tb_contact`) is what
/// `debug order`, the recorded state and `apply` show.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKey {
    PreludeSchemas,
    PreludeFunctions,
    PreludeRuntime,
    MutationResult,
    Schema(String),
    Table {
        schema: String,
        table: String,
    },
    Policy {
        schema: String,
        table: String,
    },
    ForeignKey {
        schema: String,
        table: String,
        column: String,
    },
    Index {
        schema: String,
        name: String,
    },
    TableComment {
        schema: String,
        table: String,
    },
    ColumnComment {
        schema: String,
        table: String,
        column: String,
    },
    /// A helper or action function.
    Function {
        schema: String,
        name: String,
    },
    Grant(String),
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectKey::PreludeSchemas => f.write_str("prelude schemas"),
            ObjectKey::PreludeFunctions => f.write_str("prelude functions"),
            ObjectKey::PreludeRuntime => f.write_str("prelude runtime"),
            ObjectKey::MutationResult => f.write_str("type app.mutation_result"),
            ObjectKey::Schema(name) => write!(f, "schema {name}"),
            ObjectKey::Table { schema, table } => write!(f, "table {schema}.{table}"),
            ObjectKey::Policy { schema, table } => write!(f, "policy {schema}.{table}"),
            ObjectKey::ForeignKey {
                schema,
                table,
                column,
            } => write!(f, "fk {schema}.{table}.{column}"),
            ObjectKey::Index { schema, name } => write!(f, "index {schema}.{name}"),
            ObjectKey::TableComment { schema, table } => {
                write!(f, "comment on table {schema}.{table}")
            }
            ObjectKey::ColumnComment {
                schema,
                table,
                column,
            } => write!(f, "comment on column {schema}.{table}.{column}"),
            ObjectKey::Function { schema, name } => write!(f, "function {schema}.{name}"),
            ObjectKey::Grant(role) => write!(f, "grant {role}"),
        }
    }
}

impl ObjectKey {
    /// The key of table `kind` of `e`.
    pub fn table(e: &ir::Entity, kind: ir::analysis::TableKind) -> ObjectKey {
        ObjectKey::Table {
            schema: e.schema.clone(),
            table: naming::table_of(&e.snake, kind),
        }
    }

    /// The key of a helper or action function.
    pub fn function(schema: &str, name: &str) -> ObjectKey {
        ObjectKey::Function {
            schema: schema.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// Object kinds, in the order they are preferred when several are ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    Prelude,
    Schema,
    Type,
    Table,
    ForeignKey,
    Index,
    /// Row-level security of a tenant-scoped table.
    Policy,
    Comment,
    Helper,
    Action,
    /// Privileges of a `--grant-to` role.
    Grant,
}

impl ObjectKind {
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Prelude => "prelude",
            ObjectKind::Schema => "schema",
            ObjectKind::Type => "type",
            ObjectKind::Table => "table",
            ObjectKind::ForeignKey => "foreign-key",
            ObjectKind::Index => "index",
            ObjectKind::Policy => "policy",
            ObjectKind::Comment => "comment",
            ObjectKind::Helper => "helper",
            ObjectKind::Action => "action",
            ObjectKind::Grant => "grant",
        }
    }
}

/// What an object is, precisely enough for the backend to emit it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Schemas `app`, `common`, `core`.
    PreludeSchemas,
    /// `app.slugify` and the array CHECK helpers.
    PreludeFunctions,
    /// Runtime helper functions of the action bodies.
    PreludeRuntime,
    /// `app.mutation_result`.
    MutationResult,
    Schema(String),
    Table(EntityId, ir::analysis::TableKind),
    /// `fk_<field>` of the main table, or (`None`) the translation table's link to it.
    ForeignKey {
        entity: EntityId,
        field: Option<FieldId>,
    },
    Index(Index),
    /// Row-level security and the tenant policy of a tenant-scoped table.
    Policy(EntityId, ir::analysis::TableKind),
    Comment(CommentOn),
    Helper {
        entity: EntityId,
        helper: Helper,
    },
    /// `project.entity(entity).actions[action]`.
    Action {
        entity: EntityId,
        action: usize,
    },
    /// `USAGE` on the schemas and `EXECUTE` on every action, for one role.
    Grant(String),
}

/// An index on one of an entity's tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub entity: EntityId,
    pub table: ir::analysis::TableKind,
    pub name: String,
    pub columns: Vec<String>,
    /// A unique index among live rows (`WHERE deleted_at IS NULL`).
    pub unique_live: bool,
}

/// What a comment is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentOn {
    Table(EntityId, ir::analysis::TableKind),
    /// A column of the main table: a field, or (`None`) a Trinity column by name.
    Column {
        entity: EntityId,
        field: Option<FieldId>,
        column: String,
    },
}

/// The Trinity helper functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    /// `<snake>_pk(p_id UUID) RETURNS INTEGER`
    Pk,
    /// `<snake>_id(p_pk INTEGER) RETURNS UUID`
    Id,
    /// `<snake>_identifier(p_id UUID) RETURNS TEXT`
    Identifier,
}

impl Helper {
    pub const ALL: [Helper; 3] = [Helper::Pk, Helper::Id, Helper::Identifier];

    pub fn suffix(self) -> &'static str {
        match self {
            Helper::Pk => "pk",
            Helper::Id => "id",
            Helper::Identifier => "identifier",
        }
    }
}

/// Why one object needs another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Must exist first.
    Requires,
    /// A function reads or writes these columns of the table (ordering as `Requires`).
    Touches(BTreeSet<String>),
    /// A function calls another function: recorded, but not an ordering constraint
    /// (PL/pgSQL resolves calls at run time, and actions may call each other).
    Calls,
}

impl Edge {
    /// True when the target must be created before the source.
    pub fn orders(&self) -> bool {
        !matches!(self, Edge::Calls)
    }
}
