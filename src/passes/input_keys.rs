//! Stage 4 check: every public input key of an action names one input. An action reads
//! its JSON input by key (`<field>` or `<field>_id`, LANGUAGE §4.4); when two different
//! fields (of two entities the action inserts or updates from input) or a field and a
//! `foreach` array share a key, one JSON value would feed both, resolved once against the
//! first (a reference to another entity, possibly of another tenant, stored in the
//! second). Such a key is refused, naming both places. Two fields of one entity with one
//! key are reported by `lower` already, once per entity.

use std::collections::BTreeMap;

use crate::analysis::{Claimant as Source, Facts};
use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::{ActionKind, Project};
use crate::source::Span;

struct Seen {
    source: Source,
    span: Span,
}

pub fn input_keys_name_one_input_each(project: &Project, facts: &Facts, diags: &mut Diagnostics) {
    for id in project.action_ids() {
        let action = project.action(id);
        if !matches!(action.kind, ActionKind::Custom(_)) {
            continue;
        }
        let mut walk = Walk {
            project,
            seen: BTreeMap::new(),
            diags: &mut *diags,
            action: &action.name,
        };
        for claim in &facts.action(id).claims {
            walk.add(claim.key.clone(), claim.by, claim.span);
        }
    }
}

struct Walk<'a> {
    project: &'a Project,
    seen: BTreeMap<String, Seen>,
    diags: &'a mut Diagnostics,
    action: &'a str,
}

impl Walk<'_> {
    fn add(&mut self, key: String, source: Source, span: Span) {
        let Some(first) = self.seen.get(&key) else {
            self.seen.insert(key, Seen { source, span });
            return;
        };
        let same = match (first.source, source) {
            (Source::Field(a), Source::Field(b)) => a.entity == b.entity,
            (a, b) => a == b,
        };
        if same {
            return;
        }
        let diagnostic = Diagnostic::action_input_key_clash(
            &key,
            self.action,
            &self.describe(source),
            span,
            &self.describe(first.source),
            first.span,
        );
        self.diags.push(diagnostic);
    }

    fn describe(&self, source: Source) -> String {
        match source {
            Source::Field(f) => format!(
                "field `{}.{}`",
                self.project.entity(f.entity).name,
                self.project.field(f).name
            ),
            Source::Identifier(e) => format!("`{}.identifier`", self.project.entity(e).name),
            Source::Array => "a `foreach` array".to_owned(),
        }
    }
}
