//! The PostgreSQL backend: typed DDL statements, PL/pgSQL action bodies, output layouts.

pub mod quote;
