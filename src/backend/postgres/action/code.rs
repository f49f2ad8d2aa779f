//! A tiny indented line writer for PL/pgSQL bodies, plus the declarations a body needs.
//!
//! Every statement the action emitter writes goes through [`Code::line`], so indentation
//! is uniform and the output is deterministic.

/// Lines of a PL/pgSQL body at an indentation level, and the variables they declare.
#[derive(Default)]
pub(super) struct Code {
    /// The body so far, each line indented and ending in `\n`. One growing buffer, not a
    /// `String` per line plus an indent string: function bodies are most of the output,
    /// and those two allocations per line were a sixth of the compile time.
    text: String,
    indent: usize,
    /// `(name, type)` in first-declared order.
    decls: Vec<(String, String)>,
}

impl Code {
    pub fn line(&mut self, text: impl AsRef<str>) {
        for part in text.as_ref().lines() {
            for _ in 0..self.indent {
                self.text.push_str("    ");
            }
            self.text.push_str(part);
            self.text.push('\n');
        }
    }

    pub fn open(&mut self, text: impl AsRef<str>) {
        self.line(text);
        self.indent += 1;
    }

    pub fn close(&mut self, text: impl AsRef<str>) {
        self.indent -= 1;
        self.line(text);
    }

    /// `IF cond THEN` with the body, `END IF;`.
    pub fn if_then(&mut self, cond: &str, body: impl FnOnce(&mut Self)) {
        self.open(format!("IF {cond} THEN"));
        body(self);
        self.close("END IF;");
    }

    /// Declares `name` of `ty` once (later declarations of the same name are ignored).
    pub fn declare(&mut self, name: &str, ty: &str) {
        if !self.decls.iter().any(|(n, _)| n == name) {
            self.decls.push((name.to_string(), ty.to_string()));
        }
    }

    pub fn declarations(&self) -> &[(String, String)] {
        &self.decls
    }

    pub fn body(&self) -> String {
        self.text.clone()
    }
}

impl Code {
    pub fn indent_out(&mut self) {
        self.indent -= 1;
    }

    pub fn indent_in(&mut self) {
        self.indent += 1;
    }
}
