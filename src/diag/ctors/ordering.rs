//! Constructors for ordering: what no order of inserts or DDL can satisfy (E05xx).

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    /// A cycle of required references. `cycle` names the entities in order, the first
    /// again at the end; `links` has one `(span, entity, target)` per reference, the
    /// first being the primary place.
    pub fn required_reference_cycle(cycle: &[String], links: &[(Span, &str, &str)]) -> Diagnostic {
        let requires = |entity: &str, target: &str| format!("`{entity}` requires a `{target}`");
        let (span, entity, target) = links[0];
        let mut d = Diagnostic::error(
            codes::REQUIRED_REFERENCE_CYCLE,
            format!("required references form a cycle: {}", cycle.join(" → ")),
            span,
        )
        .with_label(requires(entity, target));
        for (span, entity, target) in &links[1..] {
            d = d.with_secondary(*span, requires(entity, target));
        }
        d.with_help(
            "no row of the cycle can be inserted first: make one of these references optional",
        )
    }
}
