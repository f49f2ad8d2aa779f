//! Every PostgreSQL name specqlc generates, made here and only here: tables, keys,
//! reference and link columns, helper functions, constraints, indexes, sequences and
//! the tenant policy. Constraint and index names are at most 63 bytes (PostgreSQL's
//! NAMEDATALEN - 1): longer ones are cut and given a short hash of the whole name, so two
//! long names that share a prefix stay distinct. The other names are never cut: `lower`
//! refuses a spec name whose generated names ([`entity_names`], [`field_names`]) are too
//! long, so PostgreSQL never truncates one silently.

use crate::backend::postgres::plan::Helper;
use crate::ir::analysis::TableKind;

/// PostgreSQL's identifier length limit in bytes.
pub const MAX_NAME: usize = 63;

/// `parts` joined with `_`, shortened to [`MAX_NAME`] bytes with a stable hash suffix.
pub fn bounded(parts: &[&str]) -> String {
    let name = parts.join("_");
    if name.len() <= MAX_NAME {
        return name;
    }
    let suffix = format!("_{:08x}", fnv1a(name.as_bytes()));
    let mut cut = MAX_NAME - suffix.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &name[..cut])
}

/// `<table>_<column>_check`
pub fn check(table: &str, column: &str) -> String {
    bounded(&[table, column, "check"])
}

/// `<table>_<column>_fkey`
pub fn foreign_key(table: &str, column: &str) -> String {
    bounded(&[table, column, "fkey"])
}

/// `idx_<table>_<column>`
pub fn index(table: &str, column: &str) -> String {
    bounded(&["idx", table, column])
}

/// `uq_<table>_<column>`: unique among live rows (per tenant when scoped).
pub fn unique_live(table: &str, column: &str) -> String {
    bounded(&["uq", table, column])
}

/// `tb_<snake>`: the main table of an entity.
pub fn table(snake: &str) -> String {
    format!("tb_{snake}")
}

/// `tl_<snake>`: the translation table of an entity.
pub fn translation_table(snake: &str) -> String {
    format!("tl_{snake}")
}

/// The main (`tb_`) or translation (`tl_`) table of an entity.
pub fn table_of(snake: &str, kind: TableKind) -> String {
    match kind {
        TableKind::Main => table(snake),
        TableKind::Translation => translation_table(snake),
    }
}

/// `pk_<snake>`: the identity key of the main table.
pub fn pk_column(snake: &str) -> String {
    format!("pk_{snake}")
}

/// `pk_tl_<snake>`: the identity key of the translation table.
pub fn translation_pk_column(snake: &str) -> String {
    pk_column(&translation_table(snake))
}

/// The identity key of the main or translation table of an entity.
pub fn pk_column_of(snake: &str, kind: TableKind) -> String {
    match kind {
        TableKind::Main => pk_column(snake),
        TableKind::Translation => translation_pk_column(snake),
    }
}

/// `fk_<snake>`: the translation table's link to its entity's row.
pub fn link_column(snake: &str) -> String {
    format!("fk_{snake}")
}

/// `fk_<field>`: the column of a reference field.
pub fn ref_column(field: &str) -> String {
    format!("fk_{field}")
}

/// `<field>_id`: the public input and output key of a reference field.
pub fn ref_key(field: &str) -> String {
    format!("{field}_id")
}

/// `<snake>_pk`, `<snake>_id`, `<snake>_identifier`: a Trinity helper function.
pub fn helper(snake: &str, helper: Helper) -> String {
    format!("{snake}_{}", helper.suffix())
}

/// `<table>_<column>_seq`: the sequence of an identity column.
pub fn identity_sequence(table: &str, column: &str) -> String {
    format!("{table}_{column}_seq")
}

/// `<table>_<suffix>`: a constraint PostgreSQL names after its table (`pkey`, `id_key`).
pub fn implicit_constraint(table: &str, suffix: &str) -> String {
    format!("{table}_{suffix}")
}

/// `_pkey` of a table's primary key, as PostgreSQL names it.
pub const PRIMARY_KEY_SUFFIX: &str = "pkey";

/// `_id_key` of the Trinity `id UNIQUE`, as PostgreSQL names it.
pub const ID_KEY_SUFFIX: &str = "id_key";

/// `<table>_<columns>_key`: a unique constraint.
pub fn unique_key(table: &str, columns: &[&str]) -> String {
    let mut parts = vec![table];
    parts.extend_from_slice(columns);
    parts.push("key");
    bounded(&parts)
}

/// The one policy of every tenant-scoped table.
pub const TENANT_POLICY: &str = "tenant_isolation";

/// The unbounded names made from an entity's snake name, which `passes::declared` checks
/// against [`MAX_NAME`] (the longest table, key and helper names).
pub fn entity_names(snake: &str) -> Vec<String> {
    vec![
        table(snake),
        translation_table(snake),
        translation_pk_column(snake),
        helper(snake, Helper::Identifier),
    ]
}

/// The unbounded names made from a field's name, which `passes::declared` checks against
/// [`MAX_NAME`].
pub fn field_names(field: &str) -> Vec<String> {
    vec![ref_column(field), ref_key(field)]
}

/// 32-bit FNV-1a: tiny, stable across platforms and releases (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept() {
        assert_eq!(check("tb_contact", "email"), "tb_contact_email_check");
    }

    #[test]
    fn names_of_an_entity_and_a_field() {
        assert_eq!(
            table_of("order_line", TableKind::Translation),
            "tl_order_line"
        );
        assert_eq!(
            pk_column_of("order_line", TableKind::Translation),
            "pk_tl_order_line"
        );
        assert_eq!(link_column("order_line"), "fk_order_line");
        assert_eq!(
            helper("order_line", Helper::Identifier),
            "order_line_identifier"
        );
        assert_eq!(
            unique_key("tb_x", &["tenant_id", "pk_x"]),
            "tb_x_tenant_id_pk_x_key"
        );
        assert_eq!(field_names("company"), ["fk_company", "company_id"]);
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash() {
        let long = "a".repeat(70);
        let a = check("tb_contact", &long);
        let b = check("tb_contact", &format!("{long}b"));
        assert_eq!(a.len(), MAX_NAME);
        assert_ne!(a, b);
        assert_eq!(a, check("tb_contact", &long));
        insta::assert_snapshot!(a, @"tb_contact_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_7bba0514");
    }
}
