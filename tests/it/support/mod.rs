//! Helpers shared by the integration tests: isolated PostgreSQL databases.

pub mod cluster;
pub mod db;

pub use db::TestDb;
