//! Stage 4 check: the PL/pgSQL locals an action derives from its input keys and `foreach`
//! item keys fit in 63 bytes (LANGUAGE §7). PostgreSQL would truncate a longer name,
//! silently, and two truncated names could meet ("duplicate declaration") or one could
//! capture another; the name is refused instead, at the text that gives it. Field names
//! are checked with the other names derived from them in `passes::declared`. The local
//! names are the backend's (`in_<key>`, `it<n>_<key>` for loop number `n`).

use crate::diag::{Diagnostic, Diagnostics};
use crate::ir::visit::{Visitor, walk_expr, walk_step, walk_steps};
use crate::ir::{ActionKind, Expr, ExprKind, Project, Step, StepKind};
use crate::lower::names::MAX_IDENTIFIER_BYTES;
use crate::source::Span;

pub fn generated_locals_fit(project: &Project, diags: &mut Diagnostics) {
    for entity in &project.entities {
        for action in &entity.actions {
            let ActionKind::Custom(steps) = &action.kind else {
                continue;
            };
            let mut check = Check {
                loops: 0,
                items: Vec::new(),
                diags: &mut *diags,
            };
            walk_steps(&mut check, steps);
        }
    }
}

/// Loops are numbered as the backend numbers them: in step order, depth first.
struct Check<'a> {
    loops: u32,
    /// Active `foreach` variables with their loop's number, innermost last.
    items: Vec<(String, u32)>,
    diags: &'a mut Diagnostics,
}

impl<'ir> Visitor<'ir> for Check<'_> {
    fn visit_step(&mut self, step: &'ir Step) {
        let StepKind::Foreach { var, input_key, .. } = &step.kind else {
            return walk_step(self, step);
        };
        self.fit("input key", input_key, format!("in_{input_key}"), step.span);
        self.loops += 1;
        self.items.push((var.clone(), self.loops));
        walk_step(self, step);
        self.items.pop();
    }

    fn visit_expr(&mut self, x: &'ir Expr) {
        match &x.kind {
            ExprKind::Input { key } => {
                self.fit("input key", key, format!("in_{key}"), x.span);
            }
            ExprKind::Item { var, key } => {
                let n = self
                    .items
                    .iter()
                    .rev()
                    .find(|(v, _)| v == var)
                    .map_or(0, |i| i.1);
                self.fit("item key", key, format!("it{n}_{key}"), x.span);
            }
            _ => {}
        }
        walk_expr(self, x);
    }
}

impl Check<'_> {
    fn fit(&mut self, what: &str, key: &str, local: String, span: Span) {
        if local.len() <= MAX_IDENTIFIER_BYTES {
            return;
        }
        self.diags.push(Diagnostic::local_too_long(
            what,
            key,
            &local,
            MAX_IDENTIFIER_BYTES,
            span,
        ));
    }
}
