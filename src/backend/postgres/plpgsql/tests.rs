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
                        ("b".into(), vec![Stmt::Lines("x;\n    y;\n".into())]),
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
