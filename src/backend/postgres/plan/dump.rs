//! A stable text dump of a [`Plan`] for `specqlc debug order` and snapshots: objects in
//! order with their kind and key, then their dependencies. Spans are left out, since
//! file ids depend on the order files were given in.

use std::fmt::Write;

use super::{Edge, Plan};

pub fn dump(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, &node) in plan.order.iter().enumerate() {
        let o = &plan.graph[node];
        let _ = writeln!(out, "{:>3}. {:<11} {}", i + 1, o.kind.name(), o.key);
        for (dep, edge) in plan.dependencies(node) {
            let _ = match edge {
                Edge::Requires => writeln!(out, "       requires {}", dep.key),
                Edge::Calls => writeln!(out, "       calls    {}", dep.key),
                Edge::Touches(columns) => {
                    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                    writeln!(out, "       touches  {} ({})", dep.key, columns.join(", "))
                }
            };
        }
    }
    out
}
