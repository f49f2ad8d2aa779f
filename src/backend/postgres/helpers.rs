//! The Trinity helper functions of an entity (LANGUAGE §3): UUID → pk, pk → UUID,
//! UUID → identifier. Soft-deleted rows are invisible; not tenant-filtered (§4.4).

use super::ddl::{CreateFunction, Volatility};
use super::naming;
use super::quote::Qualified;
use crate::backend::postgres::plan::Helper;
use crate::ir::Entity;

pub fn helper(e: &Entity, helper: Helper) -> CreateFunction {
    let table = e.table();
    let table = Qualified(&e.schema, &table);
    let pk = e.pk_column();
    let (arg, arg_ty, returns, select, by) = match helper {
        Helper::Pk => ("p_id", "uuid", "integer", pk.as_str(), "id"),
        Helper::Id => ("p_pk", "integer", "uuid", "id", pk.as_str()),
        Helper::Identifier => ("p_id", "uuid", "text", "identifier", "id"),
    };
    CreateFunction {
        schema: e.schema.clone(),
        name: naming::helper(&e.snake, helper),
        args: vec![(arg.into(), arg_ty.into())],
        returns: returns.into(),
        language: "sql",
        volatility: Volatility::Stable,
        strict: true,
        parallel_safe: true,
        security_definer: false,
        body: format!(
            "SELECT t.{} FROM {table} AS t WHERE t.{} = {arg} AND t.deleted_at IS NULL\n",
            super::quote::Ident(select),
            super::quote::Ident(by)
        ),
    }
}
