//! Reading the YAML tree into the syntax tree: shape checks, unknown and duplicate keys.
//! Every problem is pushed as a diagnostic and reading goes on with what is usable.

use super::syntax::*;
use super::yaml::{Node, NodeKind, Scalar};
use crate::diag::{Diagnostic, Diagnostics};

pub(crate) const ENTITY_KEYS: &[&str] = &[
    "entity",
    "schema",
    "description",
    "tenant_scoped",
    "identifier",
    "fields",
    "actions",
    "hierarchical",
    "translations",
    "renamed_from",
];
pub(crate) const FIELD_KEYS: &[&str] = &[
    "type",
    "required",
    "nullable",
    "unique",
    "default",
    "description",
    "schema",
    "renamed_from",
];
pub(crate) const ACTION_KEYS: &[&str] = &["name", "description", "steps"];
pub(crate) const TRANSLATION_KEYS: &[&str] = &["enabled", "fields"];
pub(crate) const STEP_KINDS: &[&str] = &[
    "validate", "if", "update", "insert", "delete", "call", "notify", "foreach", "select", "return",
];

/// What one YAML document turned out to be.
pub enum Document {
    Entity(Box<EntityDoc>),
    /// No `entity` key: not a spec (a warning was pushed).
    Other,
}

/// The entries of a mapping with duplicate keys reported, `_`-keys skipped, and every
/// key checked against `allowed`.
fn entries<'a>(
    node: &'a Node,
    context: &str,
    allowed: &[&str],
    diags: &mut Diagnostics,
) -> Vec<(&'a Scalar, &'a Node)> {
    let NodeKind::Mapping(pairs) = &node.kind else {
        diags.push(Diagnostic::wrong_shape(
            "a mapping",
            node.describe(),
            node.span,
        ));
        return Vec::new();
    };
    let mut seen: Vec<&Scalar> = Vec::new();
    let mut out = Vec::new();
    for (key, value) in pairs {
        let Some(key) = key.as_scalar() else {
            diags.push(Diagnostic::wrong_shape(
                "a plain key",
                key.describe(),
                key.span,
            ));
            continue;
        };
        if let Some(first) = seen.iter().find(|k| k.value == key.value) {
            diags.push(Diagnostic::duplicate_key(
                &key.value,
                context,
                key.origin.scalar,
                first.origin.scalar,
            ));
            continue;
        }
        seen.push(key);
        if key.value.starts_with('_') {
            continue;
        }
        if !allowed.is_empty() && !allowed.contains(&key.value.as_str()) {
            diags.push(Diagnostic::unknown_key(
                context,
                &key.value,
                key.origin.scalar,
                allowed.iter().copied(),
            ));
            continue;
        }
        out.push((key, value));
    }
    out
}

fn text(scalar: &Scalar) -> Text {
    Text {
        value: scalar.value.clone(),
        plain: scalar.plain,
        origin: scalar.origin.clone(),
    }
}

/// A string value; `null` counts as absent.
fn optional_text(node: &Node, diags: &mut Diagnostics) -> Option<Text> {
    match &node.kind {
        NodeKind::Scalar(s) if s.is_null() => None,
        NodeKind::Scalar(s) => Some(text(s)),
        _ => {
            diags.push(Diagnostic::wrong_shape(
                "a string",
                node.describe(),
                node.span,
            ));
            None
        }
    }
}

/// A string value that must be present.
fn required_text(node: &Node, diags: &mut Diagnostics) -> Option<Text> {
    if node.is_null() {
        diags.push(Diagnostic::wrong_shape("a string", "null", node.span));
        return None;
    }
    optional_text(node, diags)
}

/// Reads a string that must be present into `slot`; whether there was one.
fn set_required(slot: &mut Text, node: &Node, diags: &mut Diagnostics) -> bool {
    match required_text(node, diags) {
        Some(t) => {
            *slot = t;
            true
        }
        None => false,
    }
}

/// A required text not read yet (its key may be missing): empty, at `origin`.
fn unset(origin: crate::source::Origin) -> Text {
    Text {
        value: String::new(),
        plain: true,
        origin,
    }
}

fn flag(node: &Node, diags: &mut Diagnostics) -> Option<Flag> {
    match node.as_scalar().and_then(Scalar::as_bool) {
        Some(value) => Some(Flag {
            value,
            span: node.span,
        }),
        None => {
            diags.push(Diagnostic::wrong_shape(
                "`true` or `false`",
                node.describe(),
                node.span,
            ));
            None
        }
    }
}

fn sequence<'a>(node: &'a Node, diags: &mut Diagnostics) -> &'a [Node] {
    match &node.kind {
        NodeKind::Sequence(items) => items,
        NodeKind::Scalar(s) if s.is_null() => &[],
        _ => {
            diags.push(Diagnostic::wrong_shape(
                "a list",
                node.describe(),
                node.span,
            ));
            &[]
        }
    }
}

/// Reads one document.
pub fn document(node: &Node, diags: &mut Diagnostics) -> Document {
    let is_entity = match &node.kind {
        NodeKind::Mapping(pairs) => pairs
            .iter()
            .any(|(k, _)| k.as_scalar().is_some_and(|s| s.value == "entity")),
        _ => false,
    };
    if !is_entity {
        if !node.is_null() {
            diags.push(Diagnostic::not_an_entity(first_key_span(node)));
        }
        return Document::Other;
    }
    let mut doc = EntityDoc {
        entity: unset(crate::source::Origin::opaque(node.span)),
        schema: None,
        description: None,
        tenant_scoped: None,
        identifier: Vec::new(),
        fields: Vec::new(),
        actions: Vec::new(),
        hierarchical: None,
        translations: None,
        renamed_from: None,
        span: node.span,
    };
    let mut has_name = false;
    for (key, value) in entries(node, "an entity", ENTITY_KEYS, diags) {
        match key.value.as_str() {
            "entity" => has_name |= set_required(&mut doc.entity, value, diags),
            "schema" => doc.schema = required_text(value, diags),
            "description" => doc.description = optional_text(value, diags),
            "tenant_scoped" => doc.tenant_scoped = flag(value, diags),
            "hierarchical" => doc.hierarchical = flag(value, diags),
            "identifier" => doc.identifier = identifier(value, diags),
            "fields" => {
                doc.fields = match &value.kind {
                    NodeKind::Scalar(s) if s.is_null() => Vec::new(),
                    _ => entries(value, "`fields`", &[], diags)
                        .into_iter()
                        .filter_map(|(k, v)| field(k, v, diags))
                        .collect(),
                }
            }
            "actions" => {
                doc.actions = sequence(value, diags)
                    .iter()
                    .filter_map(|a| action(a, diags))
                    .collect()
            }
            "translations" => doc.translations = translations(value, diags),
            "renamed_from" => doc.renamed_from = required_text(value, diags),
            _ => unreachable!("entries() only yields allowed keys"),
        }
    }
    if !has_name {
        return Document::Other;
    }
    Document::Entity(Box::new(doc))
}

/// The span of a document's first key (where a warning about the whole document points).
fn first_key_span(node: &Node) -> crate::source::Span {
    match &node.kind {
        NodeKind::Mapping(pairs) if !pairs.is_empty() => pairs[0].0.span,
        _ => node.span,
    }
}

fn identifier(node: &Node, diags: &mut Diagnostics) -> Vec<Text> {
    match &node.kind {
        NodeKind::Sequence(items) => items
            .iter()
            .filter_map(|i| required_text(i, diags))
            .collect(),
        _ => optional_text(node, diags).into_iter().collect(),
    }
}

fn translations(node: &Node, diags: &mut Diagnostics) -> Option<TranslationsDecl> {
    let mut enabled = None;
    let mut fields = Vec::new();
    for (key, value) in entries(node, "`translations`", TRANSLATION_KEYS, diags) {
        match key.value.as_str() {
            "enabled" => enabled = flag(value, diags),
            "fields" => {
                fields = sequence(value, diags)
                    .iter()
                    .filter_map(|i| required_text(i, diags))
                    .collect()
            }
            _ => unreachable!(),
        }
    }
    let Some(enabled) = enabled else {
        diags.push(Diagnostic::missing_key(
            "enabled",
            "`translations`",
            node.span,
        ));
        return None;
    };
    Some(TranslationsDecl {
        enabled,
        fields,
        span: node.span,
    })
}

/// A field with its name and type text, nothing else set yet.
fn field_decl(name: Text, ty: Text, short: bool) -> FieldDecl {
    FieldDecl {
        name,
        ty,
        short,
        required: None,
        nullable: None,
        unique: None,
        default: None,
        description: None,
        schema: None,
        renamed_from: None,
    }
}

fn field(key: &Scalar, value: &Node, diags: &mut Diagnostics) -> Option<FieldDecl> {
    let name = text(key);
    if let NodeKind::Scalar(s) = &value.kind {
        if s.is_null() {
            diags.push(
                Diagnostic::wrong_shape("a type", "nothing", key.origin.scalar)
                    .with_help(format!("write a type, e.g. `{}: text`", key.value)),
            );
            return None;
        }
        return Some(field_decl(name, text(s), true));
    }
    let mut decl = field_decl(name, unset(key.origin.clone()), false);
    let mut has_type = false;
    for (k, v) in entries(value, &format!("field `{}`", key.value), FIELD_KEYS, diags) {
        match k.value.as_str() {
            "type" => has_type |= set_required(&mut decl.ty, v, diags),
            "required" => decl.required = flag(v, diags),
            "nullable" => decl.nullable = flag(v, diags),
            "unique" => decl.unique = flag(v, diags),
            "default" => {
                decl.default = v.as_scalar().map(text).or_else(|| {
                    diags.push(Diagnostic::wrong_shape("a literal", v.describe(), v.span));
                    None
                })
            }
            "description" => decl.description = optional_text(v, diags),
            "schema" => decl.schema = required_text(v, diags),
            "renamed_from" => decl.renamed_from = required_text(v, diags),
            _ => unreachable!(),
        }
    }
    if !has_type {
        diags.push(Diagnostic::missing_key(
            "type",
            &format!("field `{}`", key.value),
            key.origin.scalar,
        ));
        return None;
    }
    Some(decl)
}

fn action(node: &Node, diags: &mut Diagnostics) -> Option<ActionDecl> {
    let mut name = None;
    let mut description = None;
    let mut steps = None;
    for (key, value) in entries(node, "an action", ACTION_KEYS, diags) {
        match key.value.as_str() {
            "name" => name = required_text(value, diags),
            "description" => description = optional_text(value, diags),
            "steps" => {
                let list = step_list(value, diags);
                steps = (!list.is_empty()).then_some(list);
            }
            _ => unreachable!(),
        }
    }
    let Some(name) = name else {
        if matches!(node.kind, NodeKind::Mapping(_)) {
            diags.push(Diagnostic::missing_key("name", "action", node.span));
        }
        return None;
    };
    Some(ActionDecl {
        name,
        description,
        steps,
        span: node.span,
    })
}

fn step_list(node: &Node, diags: &mut Diagnostics) -> Vec<StepDecl> {
    sequence(node, diags)
        .iter()
        .filter_map(|s| step(s, diags))
        .collect()
}

/// Attribute keys each step kind accepts besides its own key.
pub(crate) fn step_attributes(kind: &str) -> &'static [&'static str] {
    match kind {
        "validate" => &["error", "message"],
        "if" => &["then", "else"],
        "call" => &["args"],
        "notify" => &["data"],
        "foreach" => &["do"],
        _ => &[],
    }
}

/// A step attribute that must be there (`then`, `do`), or E0105 at the step.
fn required_attr<'a>(
    value: Option<&'a Node>,
    key: &str,
    context: &str,
    step: &Node,
    diags: &mut Diagnostics,
) -> Option<&'a Node> {
    if value.is_none() {
        diags.push(Diagnostic::missing_key(key, context, step.span));
    }
    value
}

fn step(node: &Node, diags: &mut Diagnostics) -> Option<StepDecl> {
    let NodeKind::Mapping(pairs) = &node.kind else {
        diags.push(Diagnostic::wrong_shape(
            "a step mapping",
            node.describe(),
            node.span,
        ));
        return None;
    };
    // The step's kind is its first key that names a step; the rest are attributes.
    let head = pairs.iter().find_map(|(k, v)| {
        k.as_scalar()
            .filter(|s| STEP_KINDS.contains(&s.value.as_str()))
            .map(|s| (s, v))
    });
    let Some((head_key, head_value)) = head else {
        let first = pairs.first().and_then(|(k, _)| k.as_scalar());
        let diagnostic = match first {
            Some(k) => Diagnostic::unknown_step(&k.value, k.origin.scalar, STEP_KINDS),
            None => Diagnostic::wrong_shape("a step", "an empty mapping", node.span),
        };
        diags.push(diagnostic);
        return None;
    };
    let kind = head_key.value.as_str();
    let mut allowed: Vec<&str> = vec![kind];
    allowed.extend_from_slice(step_attributes(kind));
    let attrs: Vec<(&Scalar, &Node)> = entries(node, &format!("a `{kind}` step"), &allowed, diags)
        .into_iter()
        .filter(|(k, _)| k.value != kind)
        .collect();
    let attr = |name: &str| attrs.iter().find(|(k, _)| k.value == name).map(|(_, v)| *v);
    let head_text = required_text(head_value, diags)?;
    let kind = match kind {
        "validate" => StepDeclKind::Validate {
            condition: head_text,
            error: attr("error").and_then(|v| required_text(v, diags)),
            message: attr("message").and_then(|v| required_text(v, diags)),
        },
        "if" => {
            let then = required_attr(attr("then"), "then", "an `if` step", node, diags)?;
            StepDeclKind::If {
                condition: head_text,
                then: step_list(then, diags),
                otherwise: attr("else")
                    .map(|v| step_list(v, diags))
                    .unwrap_or_default(),
            }
        }
        "update" => StepDeclKind::Update(head_text),
        "insert" => StepDeclKind::Insert(head_text),
        "delete" => StepDeclKind::Delete(head_text),
        "select" => StepDeclKind::Select(head_text),
        "return" => StepDeclKind::Return(head_text),
        "call" => StepDeclKind::Call {
            target: head_text,
            args: attr("args")
                .map(|v| expr_map(v, "`args`", diags))
                .unwrap_or_default(),
        },
        "notify" => StepDeclKind::Notify {
            channel: head_text,
            data: attr("data")
                .map(|v| expr_map(v, "`data`", diags))
                .unwrap_or_default(),
        },
        "foreach" => {
            let body = required_attr(attr("do"), "do", "a `foreach` step", node, diags)?;
            StepDeclKind::Foreach {
                head: head_text,
                body: step_list(body, diags),
            }
        }
        _ => unreachable!("head is one of STEP_KINDS"),
    };
    Some(StepDecl {
        kind,
        span: node.span,
    })
}

/// `{name: <expr>, ...}` for `args:` and `data:`.
fn expr_map(node: &Node, context: &str, diags: &mut Diagnostics) -> Vec<(Text, Text)> {
    entries(node, context, &[], diags)
        .into_iter()
        .filter_map(|(k, v)| Some((text(k), required_text(v, diags)?)))
        .collect()
}
