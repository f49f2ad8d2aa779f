//! `specqlc diff` (LANGUAGE §6.5): every difference between a live database and the
//! catalog the specs compile to, named in the spec's words where it can be.
//!
//! The expected catalog is read from a scratch database: created next to the live one,
//! given the compiled script, described by [`Catalog::read`], and dropped again, so the
//! comparison is in PostgreSQL's own words on both sides.

use std::collections::HashMap;

use postgres::Client;

use crate::connect::{connect, connect_to};

use crate::backend::postgres::Output;
use crate::catalog::{Catalog, Difference};
use crate::migrate::state::{Body, State};

/// Why the comparison could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The live catalog at `url` against the catalog of `output` applied to an empty
/// database.
pub fn compare(url: &str, output: &Output) -> Result<Vec<Difference>, Error> {
    let mut live =
        connect(url).map_err(|e| Error(format!("cannot connect to the database: {e}")))?;
    let actual =
        Catalog::read(&mut live).map_err(|e| Error(format!("cannot read the catalog: {e}")))?;
    let expected = scratch_catalog(url, &mut live, output)?;
    Ok(expected.differences(&actual))
}

fn scratch_catalog(url: &str, live: &mut Client, output: &Output) -> Result<Catalog, Error> {
    let name = format!(
        "specqlc_diff_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    live.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .map_err(|e| {
            Error(format!(
                "cannot create a scratch database to compile the specs into ({e}); `specqlc diff` needs a role with CREATEDB"
            ))
        })?;
    let result = (|| {
        let mut scratch = connect_to(url, Some(&name))
            .map_err(|e| Error(format!("cannot connect to the scratch database: {e}")))?;
        scratch.batch_execute(&output.script()).map_err(|e| {
            Error(format!(
                "the compiled specs do not apply to an empty database: {e}"
            ))
        })?;
        Catalog::read(&mut scratch).map_err(|e| Error(format!("cannot read the catalog: {e}")))
    })();
    let dropped = live.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"));
    let catalog = result?;
    dropped.map_err(|e| Error(format!("cannot drop the scratch database {name}: {e}")))?;
    Ok(catalog)
}

/// Names catalog keys in the spec's words (`field Contact.email`), from the state the
/// specs compile to.
pub struct SpecWords {
    tables: HashMap<String, String>,
    columns: HashMap<String, String>,
}

impl SpecWords {
    pub fn new(state: &State) -> SpecWords {
        let mut tables = HashMap::new();
        let mut columns = HashMap::new();
        for object in &state.objects {
            let Body::Table(t) = &object.body else {
                continue;
            };
            let table = format!("{}.{}", t.create.schema, t.create.name);
            let entity = if t.translation {
                format!("translations of entity {}", t.entity)
            } else {
                format!("entity {}", t.entity)
            };
            for (column, meta) in t.create.columns.iter().zip(&t.columns) {
                let words = match meta.role.strip_prefix("field:") {
                    Some(field) => format!("field {}.{field}", t.entity),
                    None => format!("{} of {entity}", column.name),
                };
                columns.insert(format!("{table}.{}", column.name), words);
            }
            tables.insert(table, entity);
        }
        SpecWords { tables, columns }
    }

    /// `field Contact.email (column crm.tb_contact.email)`, or the key as it is.
    pub fn name(&self, key: &str) -> String {
        let Some((kind, name)) = key.split_once(' ') else {
            return key.to_string();
        };
        let words = match kind {
            "table" => self.tables.get(name).cloned(),
            "column" => self.columns.get(name).cloned().or_else(|| {
                let (table, column) = name.rsplit_once('.')?;
                let entity = self.tables.get(table)?;
                Some(format!("`{column}`, not a field of {entity},"))
            }),
            _ => None,
        };
        match words {
            Some(words) => format!("{words} ({key})"),
            None => key.to_string(),
        }
    }
}
