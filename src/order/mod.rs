//! Stage 5: the dependency graph of DDL objects and its deterministic topological order.
