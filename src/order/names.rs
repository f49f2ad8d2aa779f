//! Deterministic names of constraints and indexes, at most 63 bytes (PostgreSQL's
//! NAMEDATALEN - 1): longer names are cut and given a short hash of the whole name, so
//! two long names that share a prefix stay distinct.

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
