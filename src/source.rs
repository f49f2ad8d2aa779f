//! Source files and byte spans: every diagnostic and every IR node points back here.
//!
//! Spans are byte ranges into one file of the [`SourceMap`]. A span inside an expression
//! string is the scalar's start plus the offset inside the expression, computed once by
//! [`Origin`].

use std::fmt;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span { file, start, end }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}..{}", self.file.0, self.start, self.end)
    }
}

/// One loaded file: its display name (as given on the command line) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: u32) -> (usize, usize) {
        let text = &self.get(file).text;
        let offset = (offset as usize).min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where the text of a YAML scalar came from, so that an offset inside the scalar's value
/// maps to a span in the file.
///
/// When the value is written verbatim in the file (a plain or quoted scalar on one line
/// without escapes), offsets map by adding `verbatim_start`. Otherwise (block scalars,
/// folded lines, escapes) `map` gives the file offset of every byte offset of the value,
/// aligned once when the scalar is read. Without either, a span falls back to the whole
/// scalar, which is still a real place in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The whole scalar as written, quotes included.
    pub scalar: Span,
    /// Byte offset in the file of the value's first byte, when offsets map exactly.
    pub verbatim_start: Option<u32>,
    /// File offset of each byte offset `0..=len` of the value, when not verbatim.
    pub map: Option<std::sync::Arc<[u32]>>,
}

impl Origin {
    /// A value written verbatim from `start` on.
    pub fn verbatim(scalar: Span, start: u32) -> Origin {
        Origin {
            scalar,
            verbatim_start: Some(start),
            map: None,
        }
    }

    /// A value whose offsets cannot be mapped: every span is the whole scalar.
    pub fn opaque(scalar: Span) -> Origin {
        Origin {
            scalar,
            verbatim_start: None,
            map: None,
        }
    }

    /// The span of bytes `start..end` of the scalar's value.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let end = end.max(start);
        if let Some(base) = self.verbatim_start {
            return Span::new(self.scalar.file, base + start as u32, base + end as u32);
        }
        match &self.map {
            Some(map) if !map.is_empty() => {
                let at = |i: usize| map[i.min(map.len() - 1)];
                Span::new(self.scalar.file, at(start), at(end).max(at(start)))
            }
            _ => self.scalar,
        }
    }
}
