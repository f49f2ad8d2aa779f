//! Layout of the typed body: nesting, handlers and the leaf statements.

use super::*;

#[test]
fn nested_blocks_handlers_and_branches_are_indented_by_level() {
    let inner = Block {
        decls: Vec::new(),
        body: vec![
            Stmt::Sql("UPDATE t SET a = 1".into()),
            Stmt::Loop {
                head: "WHILE v_n < 3".into(),
                body: vec![Stmt::Assign {
                    target: "v_n".into(),
                    value: "v_n + 1".into(),
                }],
            },
        ],
        handlers: vec![Handler {
            conditions: vec!["unique_violation".into(), "SQLSTATE 'SQ001'".into()],
            body: vec![Stmt::Raise(Raise::Again)],
        }],
    };
    let body = Body {
        block: Block {
            decls: vec![Decl {
                name: "v_n".into(),
                ty: "integer".into(),
            }],
            body: vec![
                Stmt::If {
                    branches: vec![
                        ("a".into(), vec![Stmt::Perform("f()".into())]),
                        (
                            "b".into(),
                            vec![Stmt::Laid {
                                text: "x;\n    y;\n".into(),
                                level: 0,
                            }],
                        ),
                    ],
                    otherwise: vec![Stmt::Raise(Raise::Exception {
                        errcode: "22004",
                        message: "'no'".into(),
                        detail: Some("'d'".into()),
                    })],
                },
                Stmt::Block(inner),
                Stmt::Return("1".into()),
            ],
            handlers: Vec::new(),
        },
    };
    assert_eq!(
        body.to_string(),
        "#variable_conflict use_variable
DECLARE
    v_n integer;
BEGIN
    IF a THEN
        PERFORM f();
    ELSIF b THEN
        x;
            y;
    ELSE
        RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'no', DETAIL = 'd';
    END IF;
    BEGIN
        UPDATE t SET a = 1;
        WHILE v_n < 3 LOOP
            v_n := v_n + 1;
        END LOOP;
    EXCEPTION
        WHEN unique_violation OR SQLSTATE 'SQ001' THEN
            RAISE;
    END;
    RETURN 1;
END;
"
    );
}

#[test]
fn a_declared_name_is_quoted_when_it_must_be() {
    let block = Block {
        decls: vec![Decl {
            name: "Weird".into(),
            ty: "text".into(),
        }],
        ..Block::default()
    };
    assert_eq!(
        block.to_string(),
        "DECLARE\n    \"Weird\" text;\nBEGIN\nEND;\n"
    );
}

#[test]
fn laid_lines_are_written_as_they_are_at_their_level_and_moved_elsewhere() {
    let laid = || Stmt::Laid {
        text: "        a;\n        IF b THEN\n            c;\n        END IF;\n".into(),
        level: 2,
    };
    let mut at_two = String::new();
    laid().write_at(&mut at_two, 2);
    assert_eq!(
        at_two,
        "        a;\n        IF b THEN\n            c;\n        END IF;\n"
    );
    let mut at_one = String::new();
    laid().write_at(&mut at_one, 1);
    assert_eq!(at_one, "    a;\n    IF b THEN\n        c;\n    END IF;\n");
}

#[test]
fn a_statement_over_several_lines_keeps_each_line_at_its_level() {
    let mut out = String::new();
    Stmt::Sql("SELECT x\nFROM t\n".into()).write_at(&mut out, 1);
    Stmt::Return("ROW(1,\n2)".into()).write_at(&mut out, 2);
    assert_eq!(
        out,
        "    SELECT x\n    FROM t\n    ;\n        RETURN ROW(1,\n        2);\n"
    );
}

/// A line formatted in place is laid out as [`lines`] lays out the same text: one line
/// directly; text over several lines (also `\r\n`), or none, by `lines` itself.
#[test]
fn a_line_formatted_in_place_is_laid_out_as_its_text_would_be() {
    let name = "v_x";
    for text in ["x := 1;", "SELECT a\nFROM t;", "a\r\nb", "", "trailing\n"] {
        let mut expected = String::from("before\n");
        write::lines(&mut expected, text, 2);
        let mut written = String::from("before\n");
        line_of_display(&mut written, format_args!("{text}"), 2);
        assert_eq!(written, expected, "{text:?}");
    }
    let mut out = String::new();
    line_of_display(&mut out, format_args!("{name} := {};", 42), 1);
    assert_eq!(out, "    v_x := 42;\n");
}
