//! The registry of diagnostic codes: one entry per code, with an explanation that
//! `specqlc explain CODE` prints. Codes are grouped by stage: E00xx the command line,
//! E01xx loading, E02xx expression and step syntax, E03xx names, E04xx types, E05xx
//! ordering, E06xx the database and migration files, E09xx compiler bugs; warnings use W
//! with the same grouping.

/// A stable diagnostic code such as `E0301`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
}

/// One registry entry: the code and a paragraph with a wrong and a right example.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub code: Code,
    pub explanation: &'static str,
}

macro_rules! registry {
    ($($konst:ident = $id:literal $name:literal: $explanation:literal;)*) => {
        $(pub const $konst: Code = Code { id: $id, name: $name };)*
        /// Every code, in numeric order.
        pub static REGISTRY: &[Entry] = &[$(Entry { code: $konst, explanation: $explanation }),*];
    };
}

registry! {
    USAGE = "E0001" "usage":
        "The command line is wrong. It has an unknown command or option, lacks an argument, \
         gives a value that is not allowed, asks `explain` for an unknown code, or `apply` \
         has neither `--database-url` nor `DATABASE_URL`. Exit code 2. Wrong: `specqlc check` (no path). Right: \
         `specqlc check specs/`; `specqlc help COMMAND` lists the arguments.";
    IO_ERROR = "E0101" "io-error":
        "A file or directory cannot be read or written (missing file, permission, not \
         UTF-8, not a regular file such as a FIFO or a device, larger than 16 MiB, a symbolic \
         link loop, a link in a directory that points outside the given paths, a full disk). \
         Exit code 3: the specs may be fine, the environment is not. Check the path: \
         `specqlc check specs/` reads every `*.yaml` below `specs/`; `compile -o DIR` needs a \
         writable `DIR`.";
    YAML_SYNTAX = "E0102" "yaml-syntax":
        "The file is not valid YAML. Wrong: `fields: {name: text` (unclosed flow mapping). \
         Right: `fields: {name: text}`.";
    WRONG_SHAPE = "E0103" "wrong-shape":
        "A YAML node has the wrong shape: a mapping where a string is expected, a list \
         where a mapping is expected, an anchor or alias. Wrong: `schema: [crm]`. Right: \
         `schema: crm`.";
    UNKNOWN_KEY = "E0104" "unknown-key":
        "A mapping has a key that SpecQL does not define; keys are never silently ignored \
         (keys starting with `_` are reserved for tools). Wrong: `feilds:`. Right: `fields:`.";
    MISSING_KEY = "E0105" "missing-key":
        "A required key is absent. Every entity needs `entity` and `schema`; every action \
         needs `name`. Wrong: an entity without `schema:`. Right: `schema: crm`.";
    DUPLICATE_KEY = "E0106" "duplicate-key":
        "A key appears twice in one mapping; YAML would keep only one of them. Wrong: \
         `schema: crm` twice. Right: once.";
    NO_ENTITIES = "E0107" "no-entities":
        "The inputs hold no entity at all. That is a directory without `*.yaml` files, or files whose \
         documents all lack an `entity` key (W0101 names each). There is nothing to compile, \
         which is almost always a wrong path. Wrong: `specqlc compile db/environments`. \
         Right: `specqlc compile specs/`.";
    NUL_CHARACTER = "E0108" "nul-character":
        "Spec text contains a NUL character, written raw or as a YAML escape (`\"\\0\"`, \
         `\"\\x00\"`, `\"\\u0000\"`). PostgreSQL text cannot hold NUL, and a client such as \
         psql stops reading a line at it, so it is refused where it is written. Wrong: \
         `description: \"Notes\\0\"`. Right: `description: Notes`.";
    SYNTAX = "E0201" "syntax":
        "A step or an expression does not parse. The report points at the first character \
         that could not be read. Wrong: `validate: status = `. Right: `validate: status = 'lead'`.";
    UNKNOWN_STEP = "E0202" "unknown-step":
        "A step's kind is not one of validate, if, update, insert, delete, call, notify, \
         foreach, select, return. Wrong: `- valdate: x > 0`. Right: `- validate: x > 0`.";
    INVALID_LITERAL = "E0203" "invalid-literal":
        "A literal cannot be read: a number out of range, a malformed default. Wrong: \
         `count: integer = 99999999999`. Right: `count: bigint = 99999999999`.";
    UNKNOWN_ENTITY = "E0301" "unknown-entity":
        "A reference or a step names an entity that no loaded spec defines. Wrong: \
         `company: ref(Compny)`. Right: `company: ref(Company)`, with `Company` defined in a \
         file given to specqlc.";
    UNKNOWN_FIELD = "E0302" "unknown-field":
        "A name in an expression, `identifier`, `translations` or `SET` is not a field of \
         the entity. Wrong: `validate: emial IS NOT NULL`. Right: `validate: email IS NOT NULL`.";
    UNKNOWN_NAME = "E0303" "unknown-name":
        "A qualified name is not in scope: `item.key` outside a `foreach` over `item`, or \
         `Entity.field` for an entity the step does not touch. Wrong: `item.qty` outside \
         `foreach`. Right: `foreach: item in $lines` with `do:` steps that read `item.qty`.";
    DUPLICATE_ENTITY = "E0304" "duplicate-entity":
        "Two documents define the same entity, or two entities map to the same table. \
         Rename one of them.";
    DUPLICATE_FIELD = "E0305" "duplicate-field":
        "A field is declared twice in one entity, or one step sets the same field twice \
         (only one value could be stored). Remove or rename one of them. Wrong: `update: \
         Contact SET status = 'lead', status = 'qualified'`. Right: `update: Contact SET \
         status = 'qualified'`.";
    DUPLICATE_ACTION = "E0306" "duplicate-action":
        "Two actions of one schema have the same name (each becomes `<schema>.<name>`), \
         declarations included. Wrong: `create_contact` in two entities of schema `crm`. \
         Right: distinct names.";
    RESERVED_COLUMN = "E0307" "reserved-column":
        "A field uses a name that the Trinity pattern reserves (`pk_*`, `fk_*`, `id`, \
         `identifier`, `tenant_id`, `created_*`, `updated_*`, `deleted_*`). Wrong: \
         `created_at: timestamp`. Right: `signed_up_at: timestamp`.";
    INVALID_IDENTIFIER = "E0308" "invalid-identifier":
        "A name cannot be used as a PostgreSQL identifier without quoting: it must be \
         lower-case ASCII letters, digits and `_`, start with a letter or `_`, and the \
         generated name (tables, constraints, the locals of action functions) must fit in 63 \
         bytes; PostgreSQL would cut a longer one silently. Schemas starting with `pg_` and \
         `information_schema` belong to the system. Wrong: `schema: Sales-EU`, \
         `schema: pg_temp`. Right: `schema: sales_eu`.";
    UNKNOWN_TYPE = "E0309" "unknown-type":
        "A field type is not one SpecQL defines. Wrong: `age: int`. Right: `age: integer`.";
    UNKNOWN_FUNCTION = "E0310" "unknown-function":
        "An expression calls a function outside the allow-list, so no spec can smuggle SQL. \
         Wrong: `pg_sleep(10)`. Right: `now()`, `lower(email)`, `coalesce(a, b)`.";
    REF_SCHEMA_MISMATCH = "E0311" "ref-schema-mismatch":
        "A reference's `schema:` is not the schema of the target entity. Wrong: \
         `schema: sales` on `ref(Company)` when `Company` is in `crm`. Right: `schema: crm`.";
    DUPLICATE_INPUT_KEY = "E0312" "duplicate-input-key":
        "Two inputs would share one public input key (`<field>`, or `<field>_id` for a \
         reference), so one JSON value would feed both. Within an entity: a field `author_id` \
         beside a reference `author`, or a field `translations` when translations are \
         enabled. Within an action: two entities inserted or updated from input whose \
         fields give the same key (`Book.author: ref(Writer)` and `Review.author: ref(Member)` \
         both read `author_id`), or a field and a `foreach` array. Wrong: both in one action. \
         Right: rename one field (`Review.reviewer`), or insert it with explicit values.";
    AMBIGUOUS_LOOP_VARIABLE = "E0313" "ambiguous-loop-variable":
        "A `foreach` variable cannot be read unambiguously: `input` (since `input.key` reads \
         the action's input) or the name of an enclosing loop's variable (whose items it \
         would hide). Wrong: `foreach: input in $lines`, or `foreach: line in $a` around \
         `foreach: line in $b`. Right: `foreach: line in $lines`, and distinct names when \
         loops nest.";
    SHARED_TO_TENANT_REFERENCE = "E0314" "shared-to-tenant-reference":
        "A shared entity (`tenant_scoped: false`) references a tenant-scoped one. Its rows \
         are every tenant's, so the reference would show one tenant's row to all the others \
         and let them unlink it; nothing in the schema could confine it to a tenant \
         (LANGUAGE §7). Wrong: `Country` with `tenant_scoped: false` and `owner: \
         ref(Account)`. Right: reference the shared entity from the tenant-scoped one \
         (`Account.country: ref(Country)`), or make both tenant-scoped.";
    UNSCOPED_WRITE = "E0315" "unscoped-write":
        "An `update:` or `delete:` of another entity than the action's own has no `WHERE`. \
         The action's row belongs to its own entity, so without a condition there is no row \
         of the other entity to act on (and every row would be the wrong answer). Wrong: \
         `update: Company SET size = $size` in an action of `Contact`. Right: `update: \
         Company SET size = $size WHERE Company.id = Contact.company`.";
    INVALID_ERROR_CODE = "E0316" "invalid-error-code":
        "The `error:` of a `validate` step is not a snake_case name. Clients match on these \
         codes, so they are stable lower-case ASCII words joined by `_`, starting with a \
         letter. Wrong: `error: Not-A-Lead`. Right: `error: not_a_lead`.";
    TYPE_MISMATCH = "E0401" "type-mismatch":
        "Two operands have incompatible types, or a value does not fit the field it is \
         assigned to. Wrong: `validate: amount = 'ten'` for a `money` field. Right: \
         `validate: amount = 10`.";
    NOT_IN_ENUM = "E0402" "not-in-enum":
        "A literal compared with or assigned to an `enum` field is not one of its values. \
         Wrong: `SET status = 'refunded'` with `status: enum(pending, succeeded)`. Right: add \
         `refunded` to the enum, or use one of its values.";
    INVALID_DEFAULT = "E0403" "invalid-default":
        "A field's default does not fit its type. Wrong: `active: boolean = yes please`. \
         Right: `active: boolean = true`.";
    NON_BOOLEAN_CONDITION = "E0404" "non-boolean-condition":
        "A `validate`, `if` or `WHERE` condition is not boolean. Wrong: `validate: amount`. \
         Right: `validate: amount > 0`.";
    WRONG_ARGUMENTS = "E0405" "wrong-arguments":
        "A function is called with the wrong number or types of arguments. Wrong: \
         `lower()`. Right: `lower(email)`.";
    MISPLACED_PLACEHOLDER = "E0406" "misplaced-placeholder":
        "`?` stands for the input value of the field being set and may appear only as the \
         whole right-hand side of `SET f = ?`. Wrong: `validate: amount > ?`. Right: \
         `validate: $amount > 0`.";
    INVALID_TYPE_ARGUMENTS = "E0407" "invalid-type-arguments":
        "A type's arguments are wrong: out of range, of the wrong number, not numbers, or \
         an `enum` value listed twice. Wrong: `text(0)`, `integer(10, 1)`, `decimal(2, 5)`, \
         `enum(a, b, a)`. Right: `text(80)`, `integer(1, 10)`, `decimal(10, 2)`, `enum(a, b)`.";
    CONFLICTING_NULLABILITY = "E0408" "conflicting-nullability":
        "A field says both `required:` and `nullable:` and they disagree, or marks `!` and \
         `required: false`. Wrong: `required: true` with `nullable: true`. Right: one of them.";
    OPTIONAL_MARKER = "E0409" "optional-marker":
        "Fields are nullable by default; a trailing `?` is not SpecQL. Wrong: `phone: text?`. \
         Right: `phone: text`.";
    INVALID_TRANSLATIONS = "E0410" "invalid-translations":
        "A field listed under `translations.fields` must be a text-typed field of the entity. \
         Wrong: `fields: [price]` for a `money` field. Right: `fields: [name]`.";
    INVALID_HIERARCHY = "E0411" "invalid-hierarchy":
        "A `hierarchical: true` entity needs exactly one nullable reference to itself (the \
         parent). Wrong: no `parent: ref(Category)`. Right: add `parent: ref(Category)`.";
    ASSIGNMENT_TARGET = "E0412" "assignment-target":
        "A step writes a column that actions may not set directly (Trinity, tenant and audit \
         columns are set by the compiler). Wrong: `SET id = $x`. Right: set business fields.";
    NON_SCALAR_IDENTIFIER = "E0414" "non-scalar-identifier":
        "The `identifier` is derived from a reference or list field. The identifier is a \
         slug of text, so its sources are scalar fields such as names or codes. Wrong: \
         `identifier: [company, name]` with `company: ref(Company)`. Right: `identifier: \
         [name]`, or a scalar field such as `company_code: text`.";
    REQUIRED_REFERENCE_CYCLE = "E0501" "required-reference-cycle":
        "Required references form a cycle, so no row of any entity in the cycle can ever be \
         inserted first. Make one reference in the cycle optional.";
    CONNECTION = "E0601" "connection":
        "specqlc cannot connect to the database. The URL is malformed, the server is down or \
         unreachable, it refused the credentials, or TLS failed (a server without TLS under \
         `sslmode=require`, a certificate that `sslrootcert` does not verify under \
         `sslmode=verify-full`). Exit code 3. Check the URL given with `--database-url` or \
         `DATABASE_URL`, e.g. `postgres://app@db.example.com/app?sslmode=verify-full`.";
    DATABASE = "E0602" "database":
        "The database refused a statement while applying the specs: a missing extension, a \
         permission, an object that exists with another definition. Nothing was applied: \
         `apply` runs in one transaction. Exit code 3. The message carries the server's \
         SQLSTATE, detail and hint; fix the database or the privileges and run `apply` again.";
    MIGRATION = "E0603" "migration":
        "The migration files on disk do not allow writing the next migration. A migration of \
         that name exists with other content, one of its `.up.sql`/`.down.sql` files is \
         missing, or a recorded state cannot be read. Exit code 3. Choose another name, or \
         restore the missing file from version control.";
    DRIFT = "E0604" "drift":
        "The database was changed by hand since the last `apply`. Nothing was applied: \
         `apply` never overwrites objects it did not make, and never reports success while \
         the catalog differs from the specs. Exit code 3. The notes list each difference; \
         undo them, or make them part of the specs (`specqlc diff` shows them too).";
    DESTRUCTIVE_CHANGE = "E0701" "destructive-change":
        "A change of the specs would lose data. A field or entity removed, an enum value \
         removed, a type narrowed or changed, `tenant_scoped` changed (LANGUAGE §6.3): nothing \
         is written unless `--allow-destructive` is given; then the migration carries \
         Confiture's `-- confiture:destructive` gate. A rename is not a loss: write \
         `renamed_from: old_name` on the field (long form) or the entity.";
    INVALID_RENAME = "E0702" "invalid-rename":
        "A `renamed_from:` does not apply to the recorded state. Both \
         the old and the new name exist there, or neither does. Wrong: `renamed_from: emial` \
         when no earlier version had `emial`. Right: the field's name in the last migration.";
    INTERNAL = "E0901" "internal-error":
        "specqlc has a bug: it panicked. This is never the spec's fault, even when a spec \
         triggered it. Exit code 101. Please report it with the input that triggered it and \
         the note (the panic's message and place); `RUST_BACKTRACE=1` adds a backtrace.";
    NOT_AN_ENTITY = "W0101" "not-an-entity":
        "A YAML document has no `entity` key (for example a deployment or security config \
         kept beside the specs). It is skipped, and this warning says so.";
    DECLARATION_ONLY = "W0401" "declaration-only":
        "An action without `steps` whose name is not `create_<e>`, `update_<e>` or \
         `delete_<e>` is only a declaration: no function is generated. Add steps, e.g. \
         `steps: [{update: Contact SET status = 'qualified'}]`.";
    TABLE_REWRITE = "W0701" "table-rewrite":
        "A migration rewrites a table. It changes a column's type (`ALTER COLUMN ... TYPE`): PostgreSQL rewrites \
         the whole table under an ACCESS EXCLUSIVE lock, so reads and writes wait for as long \
         as the rewrite takes. Run it when the table is small or traffic is low.";
    NOT_NULL_SCAN = "W0702" "not-null-scan":
        "A migration scans a table to make a column required. `SET NOT NULL` on an existing column: PostgreSQL scans \
         every row under an ACCESS EXCLUSIVE lock, and fails the migration on the first NULL \
         (give the field a `default:` to fill them first).";
    CHECK_SCAN = "W0703" "check-scan":
        "A migration validates a CHECK over a table's rows. A CHECK added to a table that exists is added `NOT VALID` \
         (brief lock), then validated by a full scan that blocks schema changes; rows that \
         break it make the migration fail whole.";
    INDEX_BUILD = "W0704" "index-build":
        "A migration builds a unique index on a table that exists. Writes to the table wait \
         until the build has read every row, and duplicates make the migration fail whole.";
}

/// Codes raised before any spec is read, or about the environment rather than a spec: no
/// case file can show them, so the CLI tests cover them.
pub const WITHOUT_SOURCE: &[Code] = &[
    USAGE, IO_ERROR, CONNECTION, DATABASE, MIGRATION, DRIFT, INTERNAL,
];

/// The first sentence of an entry's explanation: its one-line title (`explain --list`).
pub fn title(entry: &Entry) -> &'static str {
    let text = entry.explanation;
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// The entry for a code such as `E0301` (case-insensitive).
pub fn lookup(id: &str) -> Option<&'static Entry> {
    REGISTRY.iter().find(|e| e.code.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let ids: Vec<_> = REGISTRY.iter().map(|e| e.code.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        let errors: Vec<_> = ids.iter().filter(|i| i.starts_with('E')).collect();
        assert!(errors.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert_eq!(sorted.len(), ids.len());
    }
}
