//! Walks over the IR's steps and expressions: [`Visitor`] (shared borrows) and
//! [`VisitorMut`] (in place), sqlparser/syn style. A visitor overrides the `visit_*`
//! methods it cares about and calls the matching `walk_*` to go on into the children.
//!
//! Invariant: `walk_step`, `walk_step_mut`, `walk_expr` and `walk_expr_mut` are the only
//! matches over every [`StepKind`] and [`ExprKind`] that recurse, and they name every
//! variant (no `_ =>`): a new step or expression kind is a compile error here, not a
//! silent skip in some analysis. Order: a step's expressions in the order they are
//! written (condition, assignments, filter, arguments), then its nested steps
//! (`then`, `otherwise`, loop body); an expression before its operands.

use super::{Assignment, Expr, ExprKind, Step, StepKind};

/// A read-only walk. Every method defaults to walking the children.
pub trait Visitor<'ir> {
    fn visit_step(&mut self, step: &'ir Step) {
        walk_step(self, step);
    }

    fn visit_expr(&mut self, expr: &'ir Expr) {
        walk_expr(self, expr);
    }
}

/// Visits each step of `steps` in order.
pub fn walk_steps<'ir, V: Visitor<'ir> + ?Sized>(v: &mut V, steps: &'ir [Step]) {
    for step in steps {
        v.visit_step(step);
    }
}

/// Visits the expressions of `step`, then its nested steps.
pub fn walk_step<'ir, V: Visitor<'ir> + ?Sized>(v: &mut V, step: &'ir Step) {
    match &step.kind {
        StepKind::Validate { condition, .. } => v.visit_expr(condition),
        StepKind::If {
            condition,
            then,
            otherwise,
        } => {
            v.visit_expr(condition);
            walk_steps(v, then);
            walk_steps(v, otherwise);
        }
        StepKind::Update { set, filter, .. } => {
            set.iter().for_each(|a| v.visit_expr(&a.value));
            filter.iter().for_each(|f| v.visit_expr(f));
        }
        StepKind::Insert { values, .. } => {
            values.iter().flatten().for_each(|a| v.visit_expr(&a.value));
        }
        StepKind::Delete { filter, .. } => filter.iter().for_each(|f| v.visit_expr(f)),
        StepKind::Call { args, .. } => args.iter().for_each(|(_, a)| v.visit_expr(a)),
        StepKind::Notify { data, .. } => data.iter().for_each(|(_, a)| v.visit_expr(a)),
        StepKind::Foreach { body, .. } => walk_steps(v, body),
        StepKind::Select { .. } | StepKind::Return { .. } => {}
    }
}

/// Visits the operands of `expr`.
pub fn walk_expr<'ir, V: Visitor<'ir> + ?Sized>(v: &mut V, expr: &'ir Expr) {
    match &expr.kind {
        ExprKind::Const(_)
        | ExprKind::Column { .. }
        | ExprKind::Input { .. }
        | ExprKind::InputField(_)
        | ExprKind::Item { .. } => {}
        ExprKind::Unary(_, e) | ExprKind::IsNull { expr: e, .. } => v.visit_expr(e),
        ExprKind::Binary(_, a, b)
        | ExprKind::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            v.visit_expr(a);
            v.visit_expr(b);
        }
        ExprKind::InList { expr, list, .. } => {
            v.visit_expr(expr);
            list.iter().for_each(|e| v.visit_expr(e));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            v.visit_expr(expr);
            v.visit_expr(low);
            v.visit_expr(high);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|e| v.visit_expr(e)),
    }
}

/// An in-place walk (rewrites, and facts `lower` fills in after the fact).
pub trait VisitorMut {
    fn visit_step_mut(&mut self, step: &mut Step) {
        walk_step_mut(self, step);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        walk_expr_mut(self, expr);
    }
}

/// Visits each step of `steps` in order, in place.
pub fn walk_steps_mut<V: VisitorMut + ?Sized>(v: &mut V, steps: &mut [Step]) {
    for step in steps {
        v.visit_step_mut(step);
    }
}

/// [`walk_step`], in place.
pub fn walk_step_mut<V: VisitorMut + ?Sized>(v: &mut V, step: &mut Step) {
    let values = |v: &mut V, set: &mut [Assignment]| {
        set.iter_mut().for_each(|a| v.visit_expr_mut(&mut a.value));
    };
    match &mut step.kind {
        StepKind::Validate { condition, .. } => v.visit_expr_mut(condition),
        StepKind::If {
            condition,
            then,
            otherwise,
        } => {
            v.visit_expr_mut(condition);
            walk_steps_mut(v, then);
            walk_steps_mut(v, otherwise);
        }
        StepKind::Update { set, filter, .. } => {
            values(v, set);
            filter.iter_mut().for_each(|f| v.visit_expr_mut(f));
        }
        StepKind::Insert { values: set, .. } => {
            set.iter_mut().for_each(|set| values(v, set));
        }
        StepKind::Delete { filter, .. } => filter.iter_mut().for_each(|f| v.visit_expr_mut(f)),
        StepKind::Call { args, .. } => args.iter_mut().for_each(|(_, a)| v.visit_expr_mut(a)),
        StepKind::Notify { data, .. } => data.iter_mut().for_each(|(_, a)| v.visit_expr_mut(a)),
        StepKind::Foreach { body, .. } => walk_steps_mut(v, body),
        StepKind::Select { .. } | StepKind::Return { .. } => {}
    }
}

/// [`walk_expr`], in place.
pub fn walk_expr_mut<V: VisitorMut + ?Sized>(v: &mut V, expr: &mut Expr) {
    match &mut expr.kind {
        ExprKind::Const(_)
        | ExprKind::Column { .. }
        | ExprKind::Input { .. }
        | ExprKind::InputField(_)
        | ExprKind::Item { .. } => {}
        ExprKind::Unary(_, e) | ExprKind::IsNull { expr: e, .. } => v.visit_expr_mut(e),
        ExprKind::Binary(_, a, b)
        | ExprKind::Like {
            expr: a,
            pattern: b,
            ..
        } => {
            v.visit_expr_mut(a);
            v.visit_expr_mut(b);
        }
        ExprKind::InList { expr, list, .. } => {
            v.visit_expr_mut(expr);
            list.iter_mut().for_each(|e| v.visit_expr_mut(e));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            v.visit_expr_mut(expr);
            v.visit_expr_mut(low);
            v.visit_expr_mut(high);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|e| v.visit_expr_mut(e)),
    }
}

/// Calls `f` on every expression of `steps` (nested steps included), parents first.
pub fn for_each_expr<'ir>(steps: &'ir [Step], f: impl FnMut(&'ir Expr)) {
    struct Exprs<F>(F);
    impl<'ir, F: FnMut(&'ir Expr)> Visitor<'ir> for Exprs<F> {
        fn visit_expr(&mut self, expr: &'ir Expr) {
            (self.0)(expr);
            walk_expr(self, expr);
        }
    }
    walk_steps(&mut Exprs(f), steps);
}

/// Calls `f` on every step of `steps`, nested steps included, parents first.
pub fn for_each_step<'ir>(steps: &'ir [Step], f: impl FnMut(&'ir Step)) {
    struct Steps<F>(F);
    impl<'ir, F: FnMut(&'ir Step)> Visitor<'ir> for Steps<F> {
        fn visit_step(&mut self, step: &'ir Step) {
            (self.0)(step);
            walk_step(self, step);
        }
    }
    walk_steps(&mut Steps(f), steps);
}
