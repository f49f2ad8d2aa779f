//! A YAML document as a tree of spanned nodes, built from saphyr-parser's event stream.
//!
//! saphyr-parser is the maintained successor of yaml-rust (serde_yaml is deprecated
//! upstream) and reports a start and end marker for every event, which is what spans
//! need. Markers count characters; they are converted to byte offsets here, once.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan};

use crate::diag::Diagnostic;
use crate::source::{FileId, Origin, Span};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Mapping(Vec<(Node, Node)>),
    Sequence(Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub value: String,
    /// Plain (unquoted) scalars may be `null`, booleans and numbers; quoted ones never.
    pub plain: bool,
    pub origin: Origin,
}

impl Node {
    /// What the node is, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) if s.is_null() => "null",
            NodeKind::Scalar(_) => "a string",
            NodeKind::Mapping(_) => "a mapping",
            NodeKind::Sequence(_) => "a list",
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(Scalar::is_null)
    }
}

impl Scalar {
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// YAML 1.2 core-schema booleans.
    pub fn as_bool(&self) -> Option<bool> {
        if !self.plain {
            return None;
        }
        match self.value.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
}

/// Character index → byte offset for one file (identity for ASCII text).
struct Offsets {
    file: FileId,
    char_starts: Option<Vec<u32>>,
}

impl Offsets {
    fn new(file: FileId, text: &str) -> Offsets {
        let char_starts = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i as u32)
                .chain([text.len() as u32])
                .collect()
        });
        Offsets { file, char_starts }
    }

    fn byte(&self, char_index: usize) -> u32 {
        match &self.char_starts {
            None => char_index as u32,
            Some(starts) => starts[char_index.min(starts.len() - 1)],
        }
    }

    fn span(&self, span: YamlSpan) -> Span {
        Span::new(
            self.file,
            self.byte(span.start.index()),
            self.byte(span.end.index()),
        )
    }
}

/// Parses every document of one file. A YAML syntax error stops this file only.
///
/// Spec text may not hold NUL, written raw or as a YAML escape (`"\0"`, `"\x00"`,
/// `"\u0000"`): PostgreSQL text cannot store it and psql ends a line at it, so a NUL
/// that reached a literal would either fail to load or, worse, let the rest of the line
/// be read as SQL (LANGUAGE §7). It is refused here, at its place in the file.
pub fn parse_documents(file: FileId, text: &str) -> Result<Vec<Node>, Diagnostic> {
    if let Some(at) = text.find('\0') {
        let span = Span::new(file, at as u32, at as u32 + 1);
        return Err(Diagnostic::nul_character(span));
    }
    let offsets = Offsets::new(file, text);
    let mut builder = Builder {
        text,
        offsets: &offsets,
        stack: Vec::new(),
        documents: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(&offsets, text, &e))?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

fn scan_error(offsets: &Offsets, text: &str, error: &ScanError) -> Diagnostic {
    let start = offsets.byte(error.marker().index());
    let end = text[start as usize..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8() as u32);
    Diagnostic::yaml_syntax(error.info(), Span::new(offsets.file, start, end))
}

enum Frame {
    Mapping {
        start: Span,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
    Sequence {
        start: Span,
        items: Vec<Node>,
    },
}

struct Builder<'a> {
    text: &'a str,
    offsets: &'a Offsets,
    stack: Vec<Frame>,
    documents: Vec<Node>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), Diagnostic> {
        let span = self.offsets.span(span);
        match event {
            Event::Scalar(value, style, anchor, _) => {
                self.reject_anchor(anchor, span)?;
                let node = self.scalar(value.into_owned(), style, span);
                if let NodeKind::Scalar(scalar) = &node.kind
                    && let Some(at) = scalar.value.find('\0')
                {
                    return Err(Diagnostic::nul_character(scalar.origin.span(at, at + 1)));
                }
                self.attach(node);
            }
            Event::MappingStart(anchor, _) => {
                self.reject_anchor(anchor, span)?;
                self.stack.push(Frame::Mapping {
                    start: span,
                    entries: Vec::new(),
                    pending_key: None,
                });
            }
            Event::SequenceStart(anchor, _) => {
                self.reject_anchor(anchor, span)?;
                self.stack.push(Frame::Sequence {
                    start: span,
                    items: Vec::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Mapping { start, entries, .. }) => {
                        let end = entries.last().map_or(start, |(_, v)| v.span);
                        Node {
                            kind: NodeKind::Mapping(entries),
                            span: start.to(end),
                        }
                    }
                    Some(Frame::Sequence { start, items }) => {
                        let end = items.last().map_or(start, |v| v.span);
                        Node {
                            kind: NodeKind::Sequence(items),
                            span: start.to(end),
                        }
                    }
                    None => return Ok(()),
                };
                self.attach(node);
            }
            Event::Alias(_) => {
                return Err(Diagnostic::yaml_reference("aliases", span));
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn reject_anchor(&self, anchor: usize, span: Span) -> Result<(), Diagnostic> {
        if anchor == 0 {
            return Ok(());
        }
        Err(Diagnostic::yaml_reference("anchors", span))
    }

    fn scalar(&self, value: String, style: ScalarStyle, span: Span) -> Node {
        // Block scalars' spans run on to the next line's indentation: trim it.
        let raw = &self.text[span.range()];
        let span = Span::new(
            span.file,
            span.start,
            span.start + raw.trim_end().len() as u32,
        );
        let written = &self.text[span.range()];
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        let origin = if style == ScalarStyle::Plain && written == value {
            Origin::verbatim(span, span.start)
        } else if quoted && written.len() >= 2 && written[1..written.len() - 1] == value {
            Origin::verbatim(span, span.start + 1)
        } else {
            let skip = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1,
                ScalarStyle::Literal | ScalarStyle::Folded => {
                    written.find('\n').map_or(written.len(), |i| i + 1)
                }
                ScalarStyle::Plain => 0,
            };
            Origin {
                scalar: span,
                verbatim_start: None,
                map: Some(align(&value, written, skip, span.start).into()),
            }
        };
        Node {
            kind: NodeKind::Scalar(Scalar {
                value,
                plain: matches!(style, ScalarStyle::Plain),
                origin,
            }),
            span,
        }
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

/// The file offset of every byte offset of `value` (and of its end), found by walking
/// `written` (the scalar as it appears in the file, from `skip` on) in step with the
/// value: indentation, line breaks and quote or escape characters that folding and
/// unescaping removed are skipped; an escape that produced a different character maps
/// to the escape.
fn align(value: &str, written: &str, skip: usize, base: u32) -> Vec<u32> {
    let bytes = written.as_bytes();
    let mut map = vec![0u32; value.len() + 1];
    let mut j = skip.min(written.len());
    for (i, c) in value.char_indices() {
        let mut k = j;
        let found = loop {
            if k >= written.len() {
                break None;
            }
            if written[k..].starts_with(c) {
                break Some(k);
            }
            if !matches!(
                bytes[k],
                b' ' | b'\t' | b'\n' | b'\r' | b'\\' | b'\'' | b'"'
            ) {
                break None;
            }
            k += 1;
        };
        let at = match found {
            Some(k) => {
                j = k + c.len_utf8();
                k
            }
            None => {
                let at = j;
                if bytes.get(j) == Some(&b'\\') {
                    j = (j + 2).min(written.len());
                }
                at
            }
        };
        for b in 0..c.len_utf8() {
            map[i + b] = base + (at + b).min(written.len()) as u32;
        }
    }
    map[value.len()] = base + j as u32;
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    fn parse(text: &str) -> Vec<Node> {
        parse_documents(FileId(0), text).unwrap()
    }

    #[test]
    fn scalar_spans_are_byte_offsets_even_after_non_ascii() {
        let text = "a: é\nb: 'x y'\n";
        let docs = parse(text);
        let NodeKind::Mapping(entries) = &docs[0].kind else {
            panic!()
        };
        let b = entries[1].1.as_scalar().unwrap();
        assert_eq!(&text[entries[1].1.span.range()], "'x y'");
        assert_eq!(
            b.origin.verbatim_start,
            Some(text.find("x y").unwrap() as u32)
        );
    }

    #[test]
    fn several_documents() {
        assert_eq!(parse("a: 1\n---\nb: 2\n").len(), 2);
    }

    #[test]
    fn plain_null_and_quoted_null_differ() {
        let docs = parse("a:\nb: 'null'\n");
        let NodeKind::Mapping(entries) = &docs[0].kind else {
            panic!()
        };
        assert!(entries[0].1.is_null());
        assert!(!entries[1].1.is_null());
    }

    #[test]
    fn a_raw_nul_is_refused_where_it_is() {
        let text = "entity: A\ndescription: ok\0; DROP TABLE x\n";
        let err = parse_documents(FileId(0), text).unwrap_err();
        assert_eq!(err.code, codes::NUL_CHARACTER);
        let at = text.find('\0').unwrap() as u32;
        assert_eq!((err.primary.span.start, err.primary.span.end), (at, at + 1));
    }

    #[test]
    fn an_escaped_nul_is_refused_at_its_escape() {
        for escape in [r"\0", r"\x00", r"\u0000"] {
            let text = format!("entity: A\ndescription: \"ok{escape}x\"\n");
            let err = parse_documents(FileId(0), &text).unwrap_err();
            assert_eq!(err.code, codes::NUL_CHARACTER, "{escape}");
            let at = text.find(escape).unwrap() as u32;
            assert_eq!(
                err.primary.span.start, at,
                "{escape}: {:?}",
                err.primary.span
            );
        }
    }

    #[test]
    fn syntax_error_points_into_the_file() {
        let err = parse_documents(FileId(0), "a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(err.code, codes::YAML_SYNTAX);
    }
}
