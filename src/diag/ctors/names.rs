//! Constructors for names: entities, fields, schemas, actions and the keys they read
//! (E03xx).

use crate::diag::{Diagnostic, codes};
use crate::source::Span;

impl Diagnostic {
    pub fn unknown_entity<'a>(
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_ENTITY,
            format!("unknown entity `{name}`"),
            span,
        )
        .with_label("no spec defines this entity")
        .with_suggestion(name, candidates)
    }

    pub fn unknown_field<'a>(
        entity: &str,
        name: &str,
        span: Span,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_FIELD,
            format!("entity `{entity}` has no field `{name}`"),
            span,
        )
        .with_label("unknown field")
        .with_suggestion(name, candidates)
    }

    /// `head.x` where `head` is neither a loop variable nor an entity the step touches.
    pub fn unknown_qualifier(head: &str, span: Span, in_scope: &[&str]) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("`{head}` is not in scope here"),
            span,
        )
        .with_label("unknown qualifier")
        .with_note(format!(
            "names usable before `.` here: {}",
            in_scope.join(", ")
        ))
        .with_suggestion(head, in_scope.iter().copied())
    }

    /// A function outside the allow-list (`allowed` in the order the note lists them).
    pub fn unknown_function(name: &str, span: Span, allowed: &[&str]) -> Diagnostic {
        Diagnostic::error(
            codes::UNKNOWN_FUNCTION,
            format!("function `{name}` is not allowed in expressions"),
            span,
        )
        .with_label("not in the allow-list")
        .with_note(format!("allowed functions: {}", allowed.join(", ")))
        .with_suggestion(name, allowed.iter().copied())
    }

    pub fn duplicate_entity(name: &str, span: Span, first: Span) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_ENTITY,
            format!("entity `{name}` is defined twice"),
            span,
        )
        .with_label("second definition")
        .with_secondary(first, "first definition")
    }

    pub fn duplicate_field(name: &str, span: Span, first: Span) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_FIELD,
            format!("field `{name}` is declared twice"),
            span,
        )
        .with_secondary(first, "first declared here")
    }

    /// Two actions `<schema>.<name>`, in entities `entity` and `first_entity`.
    pub fn duplicate_action(
        qualified: &str,
        entity: &str,
        span: Span,
        first_entity: &str,
        first: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_ACTION,
            format!("action `{qualified}` is defined twice"),
            span,
        )
        .with_label(format!("defined again here, in `{entity}`"))
        .with_secondary(first, format!("first defined here, in `{first_entity}`"))
        .with_help("rename one of the actions")
    }

    pub fn reserved_column(name: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::RESERVED_COLUMN,
            format!("`{name}` is a column the Trinity pattern reserves"),
            span,
        )
        .with_label("reserved name")
        .with_note("every table already has pk_*, id, identifier, tenant_id and the created_/updated_/deleted_ audit columns")
        .with_help("choose another name for this field")
    }

    /// A reference `tenant`, whose key `tenant_id` is the tenant column.
    pub fn reserved_reference_key(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::RESERVED_COLUMN,
            "reference `tenant` would have the public key `tenant_id`, the name of the tenant column",
            span,
        )
        .with_label("reserved public key")
        .with_note("a reference `x` is read and returned under the key `x_id`")
        .with_help("choose another name for this reference, e.g. `owner_tenant`")
    }

    pub fn invalid_entity_name(name: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!("entity name `{name}` is not a valid name"),
            span,
        )
        .with_help("entity names are PascalCase ASCII letters and digits, e.g. `OrderLine`")
    }

    pub fn system_schema(schema: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!("schema `{schema}` is reserved by PostgreSQL"),
            span,
        )
        .with_label("a system schema name")
        .with_note("names starting with `pg_` belong to the system, as does `information_schema`")
        .with_help("choose another schema, e.g. `crm`")
    }

    /// A spec name (`what` = "field", "schema", ...) that would need quoting in SQL.
    pub fn invalid_sql_name(what: &str, name: &str, suggestion: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!("{what} `{name}` is not a valid SQL name"),
            span,
        )
        .with_label("would need quoting in SQL")
        .with_help(format!(
            "use lower-case ASCII letters, digits and `_`, starting with a letter, e.g. `{suggestion}`"
        ))
    }

    /// A name in a `call:` step (the schema, the function or an argument) that is not a
    /// plain SQL name; `what` is "" or "argument name ".
    pub fn invalid_call_name(what: &str, name: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!("{what}`{name}` is not a valid SQL name"),
            span,
        )
    }

    /// A name whose generated object name `long` exceeds PostgreSQL's limit `max`.
    pub fn name_too_long(what: &str, name: &str, long: &str, max: usize, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!(
                "{what} `{name}` is too long: `{long}` has {} bytes, PostgreSQL keeps {max}",
                long.len()
            ),
            span,
        )
        .with_label("name too long")
        .with_help("use a shorter name")
    }

    /// An input key whose PL/pgSQL local `local` exceeds PostgreSQL's limit `max`.
    pub fn local_too_long(
        what: &str,
        key: &str,
        local: &str,
        max: usize,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::INVALID_IDENTIFIER,
            format!(
                "{what} `{key}` is too long: the action's local `{local}` would have {} bytes, PostgreSQL keeps {max}",
                local.len()
            ),
            span,
        )
        .with_label("name too long")
        .with_help("use a shorter key")
    }

    /// `schema:` on a reference that names another schema than the target's.
    pub fn ref_schema_mismatch(
        written: &str,
        target: &str,
        target_schema: &str,
        span: Span,
        target_schema_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::REF_SCHEMA_MISMATCH,
            format!(
                "`schema: {written}` does not match entity `{target}`, which is in schema `{target_schema}`"
            ),
            span,
        )
        .with_secondary(target_schema_span, "the entity's schema")
        .with_help(format!("write `schema: {target_schema}` or remove it"))
    }

    /// `schema:` on a field that is not a reference.
    pub fn schema_without_reference(span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::REF_SCHEMA_MISMATCH,
            "`schema:` is only meaningful on a reference field",
            span,
        )
    }

    /// Two fields of one entity with the same public key (`x_id` of a reference `x`).
    pub fn fields_share_public_key(
        first: &str,
        field: &str,
        key: &str,
        span: Span,
        first_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_INPUT_KEY,
            format!("fields `{first}` and `{field}` would both have the public key `{key}`"),
            span,
        )
        .with_label(format!("public key `{key}`"))
        .with_secondary(first_span, format!("public key `{key}` too"))
        .with_note("a reference `x` is read and returned under the key `x_id`")
        .with_help("rename one of the fields")
    }

    /// A field `translations` beside enabled translations (at `enabled`).
    pub fn translations_key_clash(span: Span, enabled: Span) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_INPUT_KEY,
            "field `translations` would share its public key with the translations input",
            span,
        )
        .with_secondary(enabled, "translations are enabled here")
        .with_note("with translations enabled, the input and output key `translations` holds the per-locale values")
        .with_help("rename the field")
    }

    /// Two inputs of one action (described as "field `E.f`", ...) read one key.
    pub fn action_input_key_clash(
        key: &str,
        action: &str,
        input: &str,
        span: Span,
        first_input: &str,
        first: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::DUPLICATE_INPUT_KEY,
            format!(
                "input key `{key}` of action `{action}` would stand for two inputs: {first_input} and {input}"
            ),
            span,
        )
        .with_label(format!("{input} reads `{key}` here"))
        .with_secondary(first, format!("{first_input} reads `{key}` here"))
        .with_note("one JSON value would be used for both, checked and resolved as the first")
        .with_help("rename one of the fields, or set it with an explicit value from another key")
    }

    /// A `foreach` variable that also names something else; `why` says what.
    pub fn ambiguous_loop_variable(var: &str, why: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            codes::AMBIGUOUS_LOOP_VARIABLE,
            format!("loop variable `{var}` is ambiguous"),
            span,
        )
        .with_label("ambiguous name")
        .with_note(why)
        .with_help("choose another name for the loop variable")
    }

    /// A shared entity `entity` (snake `snake`) whose field at `span` references the
    /// tenant-scoped `target` (declared at `target_span`).
    pub fn shared_to_tenant_reference(
        entity: &str,
        snake: &str,
        target: &str,
        span: Span,
        target_span: Span,
    ) -> Diagnostic {
        Diagnostic::error(
            codes::SHARED_TO_TENANT_REFERENCE,
            format!("shared entity `{entity}` cannot reference tenant-scoped entity `{target}`"),
            span,
        )
        .with_label(format!(
            "`{entity}` is shared by every tenant, `{target}` belongs to one"
        ))
        .with_secondary(target_span, "tenant-scoped (the default)")
        .with_help(format!(
            "make `{entity}` tenant-scoped (remove `tenant_scoped: false`), or reference it \
             from `{target}` instead (`{snake}: ref({entity})`)"
        ))
    }
}
