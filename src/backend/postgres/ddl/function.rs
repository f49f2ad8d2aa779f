//! `CREATE OR REPLACE FUNCTION` with a dollar-quoted body and a pinned `search_path`
//! (LANGUAGE §7): a caller whose path puts a writable schema ahead of `pg_catalog`
//! cannot hijack the functions or operators the body uses. Bodies also name their
//! functions with `pg_catalog.`; operators resolve through the pinned path.

use std::fmt;

use super::{CommentOn, CommentTarget};
use crate::backend::postgres::quote::{Ident, Qualified, dollar_quote};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateFunction {
    pub schema: String,
    pub name: String,
    /// `(name, SQL type)`.
    pub args: Vec<(String, String)>,
    pub returns: String,
    /// `sql` or `plpgsql`.
    pub language: &'static str,
    pub volatility: Volatility,
    /// `STRICT`: NULL in, NULL out, without running the body.
    pub strict: bool,
    pub parallel_safe: bool,
    /// `SECURITY DEFINER`: runs with its owner's rights (the action functions).
    pub security_definer: bool,
    /// The body without its quotes; it ends with a newline.
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl CreateFunction {
    /// The argument types, as `COMMENT ON FUNCTION` and `DROP FUNCTION` name them.
    pub fn arg_types(&self) -> Vec<String> {
        self.args.iter().map(|(_, ty)| ty.clone()).collect()
    }

    /// `REVOKE ALL ON FUNCTION ... FROM PUBLIC;` for this function.
    pub fn revoke_from_public(&self) -> RevokeFromPublic {
        RevokeFromPublic {
            schema: self.schema.clone(),
            name: self.name.clone(),
            arg_types: self.arg_types(),
        }
    }

    /// `COMMENT ON FUNCTION ... IS <text>;` for this function.
    pub fn comment(&self, text: &str) -> CommentOn {
        CommentOn {
            target: CommentTarget::Function {
                schema: self.schema.clone(),
                name: self.name.clone(),
                args: self.arg_types(),
            },
            text: text.to_string(),
        }
    }
}

/// `REVOKE ALL ON FUNCTION <schema>.<name>(<types>) FROM PUBLIC;`: PostgreSQL grants
/// `EXECUTE` on a new function to everyone, which a `SECURITY DEFINER` function must not
/// keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokeFromPublic {
    pub schema: String,
    pub name: String,
    pub arg_types: Vec<String>,
}

impl fmt::Display for RevokeFromPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let function = Signature(&self.schema, &self.name, &self.arg_types);
        writeln!(f, "REVOKE ALL ON FUNCTION {function} FROM PUBLIC;")
    }
}

/// `schema.name(type, ...)`: a function as `COMMENT ON`, `REVOKE` and `DROP` name it
/// (by its argument types, which tell overloads apart).
#[derive(Clone, Copy, Debug)]
pub struct Signature<'a>(pub &'a str, pub &'a str, pub &'a [String]);

impl fmt::Display for Signature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", Qualified(self.0, self.1))?;
        for (i, ty) in self.2.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(ty)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for CreateFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|(name, ty)| format!("{} {ty}", Ident(name)))
            .collect();
        writeln!(
            f,
            "CREATE OR REPLACE FUNCTION {}({})",
            Qualified(&self.schema, &self.name),
            args.join(", ")
        )?;
        writeln!(f, "RETURNS {}", self.returns)?;
        writeln!(f, "LANGUAGE {}", self.language)?;
        let volatility = match self.volatility {
            Volatility::Immutable => "IMMUTABLE",
            Volatility::Stable => "STABLE",
            Volatility::Volatile => "VOLATILE",
        };
        write!(f, "{volatility}")?;
        if self.strict {
            f.write_str(" STRICT")?;
        }
        if self.parallel_safe {
            f.write_str(" PARALLEL SAFE")?;
        }
        if self.security_definer {
            f.write_str("\nSECURITY DEFINER")?;
        }
        f.write_str("\nSET search_path = pg_catalog, pg_temp")?;
        writeln!(f, "\nAS {};", dollar_quote(&self.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_dollar_quoted_with_a_free_tag() {
        let func = CreateFunction {
            schema: "crm".into(),
            name: "contact_pk".into(),
            args: vec![("p_id".into(), "uuid".into())],
            returns: "integer".into(),
            language: "sql",
            volatility: Volatility::Stable,
            strict: false,
            parallel_safe: false,
            security_definer: false,
            body: "SELECT 1 -- $fn$\n".into(),
        };
        insta::assert_snapshot!(func, @"
        CREATE OR REPLACE FUNCTION crm.contact_pk(p_id uuid)
        RETURNS integer
        LANGUAGE sql
        STABLE
        SET search_path = pg_catalog, pg_temp
        AS $fn1$
        SELECT 1 -- $fn$
        $fn1$;
        ");
    }
}
