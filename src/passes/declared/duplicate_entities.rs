//! Declaration check (E0304): two entities have neither the same name nor the same
//! table (schema and snake_case name: `OrderLine` and `Order_Line` would share
//! `tb_order_line`). The later one is refused, pointing at the first.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::Entity;
use crate::source::Span;

/// The entities accepted so far: by name and by table, with the span of their name.
#[derive(Debug, Default)]
pub struct EntityNames {
    by_name: HashMap<String, Span>,
    by_table: HashMap<(String, String), Span>,
}

/// Records `entity` when it is the first of its name and table.
pub fn entity_names_are_unique(
    entity: &Entity,
    seen: &mut EntityNames,
    diags: &mut Diagnostics,
) -> bool {
    let table = (entity.schema.clone(), entity.snake.clone());
    let first = seen
        .by_name
        .get(&entity.name)
        .or_else(|| seen.by_table.get(&table));
    if let Some(first) = first {
        diags.push(Diagnostic::duplicate_entity(
            &entity.name,
            entity.span,
            *first,
        ));
        return false;
    }
    seen.by_name.insert(entity.name.clone(), entity.span);
    seen.by_table.insert(table, entity.span);
    true
}
