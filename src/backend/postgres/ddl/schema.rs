//! `CREATE SCHEMA IF NOT EXISTS`.

use std::fmt;

use crate::backend::postgres::quote::Ident;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateSchema {
    pub name: String,
}

impl fmt::Display for CreateSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "CREATE SCHEMA IF NOT EXISTS {};", Ident(&self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_a_keyword_schema() {
        let s = CreateSchema {
            name: "user".into(),
        };
        insta::assert_snapshot!(s, @r#"CREATE SCHEMA IF NOT EXISTS "user";"#);
    }
}
