//! Stage 4 check: the PL/pgSQL locals an action derives from its input keys and `foreach`
//! item keys fit in 63 bytes (LANGUAGE §7). PostgreSQL would truncate a longer name,
//! silently, and two truncated names could meet ("duplicate declaration") or one could
//! capture another; the name is refused instead, at the text that gives it. Field names
//! are checked with the other names derived from them in `lower`. The local names are
//! the backend's (`in_<key>`, `it<n>_<key>` for loop number `n`).

use crate::diag::{Diagnostic, Diagnostics, codes};
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
            check.steps(steps);
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

impl Check<'_> {
    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            self.step(step);
        }
    }

    fn step(&mut self, step: &Step) {
        match &step.kind {
            StepKind::Validate { condition, .. } => self.expr(condition),
            StepKind::If {
                condition,
                then,
                otherwise,
            } => {
                self.expr(condition);
                self.steps(then);
                self.steps(otherwise);
            }
            StepKind::Update { set, filter, .. } => {
                set.iter().for_each(|a| self.expr(&a.value));
                filter.iter().for_each(|f| self.expr(f));
            }
            StepKind::Insert { values, .. } => {
                values.iter().flatten().for_each(|a| self.expr(&a.value));
            }
            StepKind::Delete { filter, .. } => filter.iter().for_each(|f| self.expr(f)),
            StepKind::Call { args, .. } => args.iter().for_each(|(_, a)| self.expr(a)),
            StepKind::Notify { data, .. } => data.iter().for_each(|(_, a)| self.expr(a)),
            StepKind::Foreach {
                var,
                input_key,
                body,
            } => {
                self.fit("input key", input_key, format!("in_{input_key}"), step.span);
                self.loops += 1;
                self.items.push((var.clone(), self.loops));
                self.steps(body);
                self.items.pop();
            }
            StepKind::Select { .. } | StepKind::Return { .. } => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        let mut long = Vec::new();
        e.walk(&mut |x| match &x.kind {
            ExprKind::Input { key } => long.push(("input key", key, format!("in_{key}"), x.span)),
            ExprKind::Item { var, key } => {
                let n = self
                    .items
                    .iter()
                    .rev()
                    .find(|(v, _)| v == var)
                    .map_or(0, |i| i.1);
                long.push(("item key", key, format!("it{n}_{key}"), x.span));
            }
            _ => {}
        });
        for (what, key, local, span) in long {
            self.fit(what, key, local, span);
        }
    }

    fn fit(&mut self, what: &str, key: &str, local: String, span: Span) {
        if local.len() <= MAX_IDENTIFIER_BYTES {
            return;
        }
        self.diags.push(
            Diagnostic::error(
                codes::INVALID_IDENTIFIER,
                format!(
                    "{what} `{key}` is too long: the action's local `{local}` would have {} bytes, PostgreSQL keeps {MAX_IDENTIFIER_BYTES}",
                    local.len()
                ),
                span,
            )
            .with_label("name too long")
            .with_help("use a shorter key"),
        );
    }
}
