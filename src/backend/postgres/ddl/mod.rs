//! Typed DDL statements: one struct per statement kind, whose `Display` is the SQL
//! (terminated by `;` and a newline). Every name and literal goes through
//! [`super::quote`]; nothing else in the backend formats SQL names.

mod comment;
mod function;
mod guard;
mod index;
mod policy;
mod schema;
mod sql_expr;
mod sql_type;
mod table;

pub use comment::{CommentOn, CommentTarget};
pub use function::{CreateFunction, RevokeFromPublic, Signature, Volatility};
pub use guard::{CreateCompositeType, DoIfAbsent, Probe};
pub use index::CreateIndex;
pub use policy::{TENANT_POLICY, TenantPolicy};
pub use schema::CreateSchema;
pub use sql_expr::{Op, SqlExpr};
pub use sql_type::SqlType;
pub use table::{AlterTableAddForeignKey, ColumnDef, CreateTable, TableConstraint};
