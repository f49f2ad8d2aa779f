//! Stage 4: whole-project checks over the IR.
