//! The syntax tree of entity documents: the shape of the YAML checked (unknown keys,
//! wrong node kinds), values still as written. Names and types are resolved later.

use crate::source::{Origin, Span};

/// A scalar's text and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub value: String,
    pub plain: bool,
    pub origin: Origin,
}

impl Text {
    pub fn span(&self) -> Span {
        self.origin.scalar
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    pub value: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EntityDoc {
    pub entity: Text,
    pub schema: Option<Text>,
    pub description: Option<Text>,
    pub tenant_scoped: Option<Flag>,
    pub identifier: Vec<Text>,
    pub fields: Vec<FieldDecl>,
    pub actions: Vec<ActionDecl>,
    pub hierarchical: Option<Flag>,
    pub translations: Option<TranslationsDecl>,
    /// `renamed_from: <OldEntity>`: the entity's name in an earlier version (LANGUAGE §6.1).
    pub renamed_from: Option<Text>,
    /// The whole document.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TranslationsDecl {
    pub enabled: Flag,
    pub fields: Vec<Text>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The key.
    pub name: Text,
    /// The type text: the whole short form (`text! = 'x'`) or the long form's `type:`.
    pub ty: Text,
    /// True for the short form `name: type`, whose text may carry `!` and `= default`.
    pub short: bool,
    pub required: Option<Flag>,
    pub nullable: Option<Flag>,
    pub unique: Option<Flag>,
    pub default: Option<Text>,
    pub description: Option<Text>,
    pub schema: Option<Text>,
    /// `renamed_from: <old>` (long form): the field's name in an earlier version.
    pub renamed_from: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionDecl {
    pub name: Text,
    pub description: Option<Text>,
    /// `None` when the action has no `steps` key (or `steps:` is empty).
    pub steps: Option<Vec<StepDecl>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepDecl {
    pub kind: StepDeclKind,
    /// The list item.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepDeclKind {
    Validate {
        condition: Text,
        error: Option<Text>,
        message: Option<Text>,
    },
    If {
        condition: Text,
        then: Vec<StepDecl>,
        otherwise: Vec<StepDecl>,
    },
    Update(Text),
    Insert(Text),
    Delete(Text),
    Call {
        target: Text,
        args: Vec<(Text, Text)>,
    },
    Notify {
        channel: Text,
        data: Vec<(Text, Text)>,
    },
    Foreach {
        head: Text,
        body: Vec<StepDecl>,
    },
    Select(Text),
    Return(Text),
}
