//! Stage 4: whole-project checks over the IR, in this order:
//! 1. `action_names_are_unique_per_schema`
//! 2. `required_references_allow_an_insert`
//! 3. `input_keys_name_one_input_each`
//! 4. `generated_locals_fit`
//! 5. `shared_entities_reference_only_shared_entities`

mod action_names;
mod input_keys;
mod local_names;
mod reference_cycles;
mod shared_references;

use crate::analysis::Facts;
use crate::diag::Diagnostics;
use crate::ir::Project;

/// Runs every check over the project and its action facts; none of them changes either.
pub fn run(project: &Project, facts: &Facts, diags: &mut Diagnostics) {
    action_names::action_names_are_unique_per_schema(project, diags);
    reference_cycles::required_references_allow_an_insert(project, diags);
    input_keys::input_keys_name_one_input_each(project, facts, diags);
    local_names::generated_locals_fit(project, diags);
    shared_references::shared_entities_reference_only_shared_entities(project, diags);
}
