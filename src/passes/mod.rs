//! The checks, one rule per file (as Squawk keeps one lint rule per file), each a
//! function named as a sentence of its rule. Lowering builds the IR; whether a
//! well-formed input is acceptable is decided here, at one of two moments:
//!
//! - [`declared`]: checks `lower` runs on each declaration as it reads it (names,
//!   duplicates, the keys of a field, step names), because a refused declaration must stay
//!   out of the IR so that later errors do not cascade from it. `declared/mod.rs` lists
//!   them in the order lowering reaches them.
//! - [`run`] (stage 4): whole-project checks over the lowered IR and its action facts,
//!   in this order:
//!   1. `action_names_are_unique_per_schema`
//!   2. `required_references_allow_an_insert`
//!   3. `input_keys_name_one_input_each`
//!   4. `generated_locals_fit`
//!   5. `shared_entities_reference_only_shared_entities`
//!   6. `hierarchical_entities_have_one_optional_parent`
//!   7. `actions_without_steps_are_standard`

mod action_names;
pub mod declared;
mod hierarchies;
mod input_keys;
mod local_names;
mod reference_cycles;
mod shared_references;
mod step_less_actions;

use crate::analysis::Facts;
use crate::diag::Diagnostics;
use crate::ir::Project;

/// Runs every stage-4 check over the project and its action facts; none of them changes
/// either.
pub fn run(project: &Project, facts: &Facts, diags: &mut Diagnostics) {
    action_names::action_names_are_unique_per_schema(project, diags);
    reference_cycles::required_references_allow_an_insert(project, diags);
    input_keys::input_keys_name_one_input_each(project, facts, diags);
    local_names::generated_locals_fit(project, diags);
    shared_references::shared_entities_reference_only_shared_entities(project, diags);
    hierarchies::hierarchical_entities_have_one_optional_parent(project, diags);
    step_less_actions::actions_without_steps_are_standard(project, diags);
}
