//! Stage 3: syntax tree -> IR, names resolved to ids, expressions typed.
