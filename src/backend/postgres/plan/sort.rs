//! Kahn's algorithm over the object graph with a min-heap on `(kind, key text)`: among
//! the objects whose dependencies are all placed, the lowest kind rank, then the
//! smallest key text, goes next. Keys are unique, so the order is total and
//! deterministic.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use petgraph::visit::EdgeRef;

use super::{Edge, Object, ObjectKind};

type Ready<'g> = BinaryHeap<Reverse<(ObjectKind, &'g str, NodeIndex)>>;

pub fn topological(graph: &StableGraph<Object, Edge>) -> Vec<NodeIndex> {
    let texts: BTreeMap<NodeIndex, String> = graph
        .node_indices()
        .map(|i| (i, graph[i].key.to_string()))
        .collect();
    let mut pending: BTreeMap<NodeIndex, usize> = BTreeMap::new();
    let mut ready: Ready<'_> = BinaryHeap::new();
    for node in graph.node_indices() {
        let n = graph
            .edges_directed(node, Direction::Outgoing)
            .filter(|e| e.weight().orders() && e.target() != node)
            .count();
        if n == 0 {
            push(&mut ready, graph, &texts, node);
        } else {
            pending.insert(node, n);
        }
    }
    let mut order = Vec::with_capacity(graph.node_count());
    while let Some(Reverse((_, _, node))) = ready.pop() {
        order.push(node);
        for e in graph.edges_directed(node, Direction::Incoming) {
            if !e.weight().orders() || e.source() == node {
                continue;
            }
            let left = pending.get_mut(&e.source()).expect("counted above");
            *left -= 1;
            if *left == 0 {
                pending.remove(&e.source());
                push(&mut ready, graph, &texts, e.source());
            }
        }
    }
    // The builder only adds edges towards lower-level objects, so there is no cycle; if
    // one ever appears, keep every object rather than drop some, in the same tie order.
    let mut rest: Vec<NodeIndex> = pending.into_keys().collect();
    rest.sort_by(|a, b| (graph[*a].kind, &texts[a]).cmp(&(graph[*b].kind, &texts[b])));
    debug_assert!(rest.is_empty(), "dependency cycle among DDL objects");
    order.extend(rest);
    order
}

fn push<'g>(
    ready: &mut Ready<'g>,
    graph: &StableGraph<Object, Edge>,
    texts: &'g BTreeMap<NodeIndex, String>,
    node: NodeIndex,
) {
    ready.push(Reverse((graph[node].kind, texts[&node].as_str(), node)));
}
