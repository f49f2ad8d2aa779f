//! Builds the object graph: one node per DDL object, one edge per real dependency.
//! Entities are visited sorted by `(schema, table)`, so node indices, like the order,
//! never depend on the order files were given in.

use std::collections::HashMap;

use petgraph::stable_graph::{NodeIndex, StableGraph};

use super::{CommentOn, Edge, Helper, Index, Object, ObjectKey, ObjectKind, Target};
use crate::analysis::Facts;
use crate::backend::postgres::naming;
use crate::ir::ActionId;
use crate::ir::analysis::TableKind;
use crate::ir::{ActionKind, Entity, FieldType, Project};
use crate::source::Span;

struct Builder<'p> {
    project: &'p Project,
    facts: &'p Facts,
    graph: StableGraph<Object, Edge>,
    keys: HashMap<ObjectKey, NodeIndex>,
    /// `call:` edges, added once every function exists.
    calls: Vec<(NodeIndex, ObjectKey)>,
}

/// The graph, and the node of each key.
pub fn graph(
    project: &Project,
    facts: &Facts,
) -> (StableGraph<Object, Edge>, HashMap<ObjectKey, NodeIndex>) {
    let mut b = Builder {
        project,
        facts,
        graph: StableGraph::new(),
        keys: HashMap::new(),
        calls: Vec::new(),
    };
    b.prelude();
    let mut entities: Vec<&Entity> = project.entities.iter().collect();
    entities.sort_by(|a, b| (&a.schema, &a.snake).cmp(&(&b.schema, &b.snake)));
    for schema in project.schemas() {
        let span = entities
            .iter()
            .find(|e| e.schema == schema)
            .map(|e| e.schema_span);
        let node = b.add(
            ObjectKind::Schema,
            ObjectKey::Schema(schema.to_owned()),
            span,
            Target::Schema(schema.to_owned()),
        );
        b.require(node, &ObjectKey::PreludeSchemas);
    }
    // Every table first, so that references in any direction find their target.
    for e in &entities {
        b.tables(e);
    }
    for e in &entities {
        b.entity(e);
    }
    for e in &entities {
        b.actions(e);
    }
    for (node, key) in std::mem::take(&mut b.calls) {
        b.edge(node, &key, Edge::Calls);
    }
    b.grants();
    (b.graph, b.keys)
}

fn table_key(e: &Entity, table: TableKind) -> ObjectKey {
    ObjectKey::table(e, table)
}

impl Builder<'_> {
    fn add(
        &mut self,
        kind: ObjectKind,
        key: ObjectKey,
        span: Option<Span>,
        target: Target,
    ) -> NodeIndex {
        if let Some(&existing) = self.keys.get(&key) {
            // Duplicate names are reported by the passes; keep the first object.
            return existing;
        }
        let node = self.graph.add_node(Object {
            kind,
            key: key.clone(),
            span,
            target,
        });
        self.keys.insert(key, node);
        node
    }

    fn edge(&mut self, from: NodeIndex, to_key: &ObjectKey, edge: Edge) {
        if let Some(&to) = self.keys.get(to_key) {
            // One edge per pair: a self-reference needs its table once.
            if from != to && self.graph.find_edge(from, to).is_none() {
                self.graph.add_edge(from, to, edge);
            }
        }
    }

    fn require(&mut self, from: NodeIndex, to_key: &ObjectKey) {
        self.edge(from, to_key, Edge::Requires);
    }

    fn prelude(&mut self) {
        use ObjectKey::{MutationResult, PreludeFunctions, PreludeRuntime, PreludeSchemas};
        use ObjectKind::{Prelude, Type};
        self.prelude_object(Prelude, PreludeSchemas, Target::PreludeSchemas, &[]);
        let schemas = &[PreludeSchemas];
        self.prelude_object(Prelude, PreludeFunctions, Target::PreludeFunctions, schemas);
        self.prelude_object(Type, MutationResult, Target::MutationResult, schemas);
        // The runtime may return `app.mutation_result` and use the functions.
        let runtime_needs = &[MutationResult, PreludeFunctions];
        self.prelude_object(
            Prelude,
            PreludeRuntime,
            Target::PreludeRuntime,
            runtime_needs,
        );
    }

    /// A prelude object (not an entity's) and the prelude objects it needs.
    fn prelude_object(
        &mut self,
        kind: ObjectKind,
        key: ObjectKey,
        target: Target,
        requires: &[ObjectKey],
    ) {
        let node = self.add(kind, key, None, target);
        for required in requires {
            self.require(node, required);
        }
    }

    fn tables(&mut self, e: &Entity) {
        let schema_key = ObjectKey::Schema(e.schema.clone());
        for &kind in TableKind::of(e) {
            let table = self.add(
                ObjectKind::Table,
                table_key(e, kind),
                Some(e.span),
                Target::Table(e.id, kind),
            );
            self.require(table, &schema_key);
            self.require(table, &ObjectKey::PreludeFunctions);
            self.policy(e, kind);
        }
    }

    /// Row-level security of a tenant-scoped table (LANGUAGE §7).
    fn policy(&mut self, e: &Entity, table: TableKind) {
        if !e.tenant_scoped {
            return;
        }
        let table_key = table_key(e, table);
        let key = ObjectKey::Policy {
            schema: e.schema.clone(),
            table: naming::table_of(&e.snake, table),
        };
        let node = self.add(
            ObjectKind::Policy,
            key,
            Some(e.span),
            Target::Policy(e.id, table),
        );
        self.require(node, &table_key);
        self.require(node, &ObjectKey::PreludeFunctions);
    }

    fn entity(&mut self, e: &Entity) {
        let schema_key = ObjectKey::Schema(e.schema.clone());
        let main_key = table_key(e, TableKind::Main);
        let table = e.table();

        self.tenant_index(e, TableKind::Main, &table);
        let scope = |column: String| -> Vec<String> {
            if e.tenant_scoped {
                vec!["tenant_id".into(), column]
            } else {
                vec![column]
            }
        };
        self.index(
            e,
            TableKind::Main,
            naming::unique_live(&table, "identifier"),
            scope("identifier".into()),
            true,
            e.span,
        );

        for field in &e.fields {
            let column = field.column();
            if let FieldType::Ref(target) = field.ty {
                let fk = self.add(
                    ObjectKind::ForeignKey,
                    ObjectKey::ForeignKey {
                        schema: e.schema.clone(),
                        table: table.clone(),
                        column: column.clone(),
                    },
                    Some(field.span),
                    Target::ForeignKey {
                        entity: e.id,
                        field: Some(field.id),
                    },
                );
                self.require(fk, &main_key);
                let target_key = table_key(self.project.entity(target), TableKind::Main);
                self.require(fk, &target_key);
                self.index(
                    e,
                    TableKind::Main,
                    naming::index(&table, &column),
                    vec![column.clone()],
                    false,
                    field.span,
                );
            }
            if field.unique {
                self.index(
                    e,
                    TableKind::Main,
                    naming::unique_live(&table, &column),
                    scope(column.clone()),
                    true,
                    field.span,
                );
            }
        }

        if e.description.is_some() {
            let c = self.add(
                ObjectKind::Comment,
                ObjectKey::TableComment {
                    schema: e.schema.clone(),
                    table: table.clone(),
                },
                Some(e.span),
                Target::Comment(CommentOn::Table(e.id, TableKind::Main)),
            );
            self.require(c, &main_key);
        }
        let trinity = [e.pk_column(), "id".to_owned(), "identifier".to_owned()];
        for column in trinity {
            self.column_comment(e, None, column, e.span, &main_key);
        }
        for field in &e.fields {
            if field.description.is_some() {
                self.column_comment(e, Some(field.id), field.column(), field.span, &main_key);
            }
        }

        if !e.translated.is_empty() {
            self.translation(e, &main_key);
        }

        for helper in Helper::ALL {
            let name = naming::helper(&e.snake, helper);
            let h = self.add(
                ObjectKind::Helper,
                ObjectKey::function(&e.schema, &name),
                Some(e.span),
                Target::Helper {
                    entity: e.id,
                    helper,
                },
            );
            self.require(h, &schema_key);
            self.edge(h, &main_key, Edge::Touches(helper_columns(e, helper)));
        }
    }

    fn translation(&mut self, e: &Entity, main_key: &ObjectKey) {
        let tl_key = table_key(e, TableKind::Translation);
        let tl_table = e.translation_table();
        let link = naming::link_column(&e.snake);
        let fk = self.add(
            ObjectKind::ForeignKey,
            ObjectKey::ForeignKey {
                schema: e.schema.clone(),
                table: tl_table.clone(),
                column: link,
            },
            Some(e.span),
            Target::ForeignKey {
                entity: e.id,
                field: None,
            },
        );
        self.require(fk, &tl_key);
        self.require(fk, main_key);
        self.tenant_index(e, TableKind::Translation, &tl_table);
    }

    /// The index on `tenant_id` of table `kind` (named `table`) of a tenant-scoped entity.
    fn tenant_index(&mut self, e: &Entity, kind: TableKind, table: &str) {
        if e.tenant_scoped {
            let name = naming::index(table, "tenant_id");
            self.index(e, kind, name, vec!["tenant_id".into()], false, e.span);
        }
    }

    fn column_comment(
        &mut self,
        e: &Entity,
        field: Option<crate::ir::FieldId>,
        column: String,
        span: Span,
        main_key: &ObjectKey,
    ) {
        let key = ObjectKey::ColumnComment {
            schema: e.schema.clone(),
            table: e.table(),
            column: column.clone(),
        };
        let c = self.add(
            ObjectKind::Comment,
            key,
            Some(span),
            Target::Comment(CommentOn::Column {
                entity: e.id,
                field,
                column,
            }),
        );
        self.require(c, main_key);
    }

    #[allow(clippy::too_many_arguments)]
    fn index(
        &mut self,
        e: &Entity,
        table: TableKind,
        name: String,
        columns: Vec<String>,
        unique_live: bool,
        span: Span,
    ) {
        let key = ObjectKey::Index {
            schema: e.schema.clone(),
            name: name.clone(),
        };
        let node = self.add(
            ObjectKind::Index,
            key,
            Some(span),
            Target::Index(Index {
                entity: e.id,
                table,
                name,
                columns,
                unique_live,
            }),
        );
        self.require(node, &table_key(e, table));
    }

    /// One object per `--grant-to` role, after every schema and action it names.
    fn grants(&mut self) {
        let mut roles = self.project.grant_to.clone();
        roles.sort();
        roles.dedup();
        for role in roles {
            let node = self.add(
                ObjectKind::Grant,
                ObjectKey::Grant(role.clone()),
                None,
                Target::Grant(role),
            );
            let mut needs: Vec<ObjectKey> = self
                .keys
                .iter()
                .filter(|&(k, &n)| {
                    matches!(k, ObjectKey::Schema(_)) || self.graph[n].kind == ObjectKind::Action
                })
                .map(|(k, _)| k.clone())
                .collect();
            needs.sort();
            for key in needs {
                self.require(node, &key);
            }
        }
    }

    fn actions(&mut self, e: &Entity) {
        let schema_key = ObjectKey::Schema(e.schema.clone());
        for (i, action) in e.actions.iter().enumerate() {
            if matches!(action.kind, ActionKind::Declaration) {
                continue;
            }
            let node = self.add(
                ObjectKind::Action,
                ObjectKey::function(&e.schema, &action.name),
                Some(action.span),
                Target::Action {
                    entity: e.id,
                    action: i,
                },
            );
            self.require(node, &schema_key);
            self.require(node, &ObjectKey::MutationResult);
            self.require(node, &ObjectKey::PreludeRuntime);
            self.require(node, &ObjectKey::PreludeFunctions);
            let id = ActionId {
                entity: e.id,
                action: i as u32,
            };
            let facts = self.facts.action(id);
            let touches = facts.touches(self.project, id);
            let mut tables: Vec<(ObjectKey, std::collections::BTreeSet<String>)> = touches
                .tables
                .iter()
                .map(|(&(entity, kind), columns)| {
                    (
                        table_key(self.project.entity(entity), kind),
                        columns.clone(),
                    )
                })
                .collect();
            tables.sort();
            for (key, columns) in tables {
                self.edge(node, &key, Edge::Touches(columns));
            }
            for (schema, function) in &touches.calls {
                self.calls
                    .push((node, ObjectKey::function(schema, function)));
            }
        }
    }
}

fn helper_columns(e: &Entity, helper: Helper) -> std::collections::BTreeSet<String> {
    let mut columns: std::collections::BTreeSet<String> =
        [e.pk_column(), "id".to_owned(), "deleted_at".to_owned()].into();
    if helper == Helper::Identifier {
        columns.insert("identifier".to_owned());
    }
    columns
}
