//! `hierarchical: true` (LANGUAGE §1): every action that sets the parent refuses to make
//! a row its own ancestor with `hierarchy_cycle` and writes nothing: standard update,
//! `SET parent = ?`, and a filtered update over many rows. Two concurrent moves that
//! would close a cycle together cannot both pass, and random concurrent moves never
//! leave a cycle in the table.

use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::specs::{TENANT_A, TENANT_B, assert_error, database_with};

const SPEC: &str = r#"
entity: Node
schema: tree
hierarchical: true
identifier: name
fields:
  name: text!
  parent: ref(Node)
actions:
  - name: create_node
  - name: update_node
  - name: move_node
    steps:
      - update: Node SET parent = ?
  - name: reparent_children
    steps:
      - update: Node SET parent = $to WHERE Node.parent = $from
"#;

fn db() -> TestDb {
    database_with(SPEC)
}

fn node(db: &TestDb, name: &str, parent: Option<&str>) -> String {
    db.caller("tree", TENANT_A)
        .id("create_node", json!({"name": name, "parent_id": parent}))
}

/// Nodes named `names`, each the child of the one before: their ids.
fn chain<const N: usize>(db: &TestDb, names: [&str; N]) -> [String; N] {
    let mut parent: Option<String> = None;
    names.map(|name| {
        let id = node(db, name, parent.as_deref());
        parent = Some(id.clone());
        id
    })
}

/// name → parent's name, for every row.
fn tree(db: &TestDb) -> Value {
    db.query_json(
        "SELECT n.name, p.name AS parent FROM tree.tb_node n \
         LEFT JOIN tree.tb_node p ON p.pk_node = n.fk_parent ORDER BY n.name",
    )
}

/// The number of rows that are their own ancestor.
fn cycles(db: &TestDb) -> i64 {
    db.count(
        "WITH RECURSIVE up(start, pk) AS ( \
             SELECT pk_node, fk_parent FROM tree.tb_node WHERE fk_parent IS NOT NULL \
             UNION SELECT up.start, n.fk_parent FROM up JOIN tree.tb_node n ON n.pk_node = up.pk \
             WHERE n.fk_parent IS NOT NULL) \
         SELECT DISTINCT start FROM up WHERE pk = start",
    )
}

#[test]
fn a_row_cannot_become_its_own_parent_or_ancestor() {
    let db = db();
    let nodes = db.caller("tree", TENANT_A);
    let [a, b, c] = chain(&db, ["a", "b", "c"]);
    let before = tree(&db);
    let cases = [
        ("move_node", json!({"id": a, "parent_id": a})),
        ("move_node", json!({"id": a, "parent_id": c})),
        ("update_node", json!({"id": a, "parent_id": b})),
        (
            "update_node",
            json!({"id": b, "name": "b2", "parent_id": c}),
        ),
    ];
    for (action, input) in cases {
        let result = nodes.call(action, input.clone());
        assert_error(&result, "hierarchy_cycle", "own ancestor");
        assert_eq!(tree(&db), before, "{action} {input} wrote nothing");
    }
    // Moving within the tree without a cycle is fine, and so is becoming a root.
    let moved = nodes.ok("move_node", json!({"id": c, "parent_id": a}));
    assert_eq!(moved["parent_id"], a.as_str());
    nodes.ok("update_node", json!({"id": b, "parent_id": null}));
    nodes.ok("move_node", json!({"id": a, "parent_id": b}));
    assert_eq!(
        tree(&db),
        json!([
            {"name": "a", "parent": "b"},
            {"name": "b", "parent": null},
            {"name": "c", "parent": "a"}
        ])
    );
    // A parent of another tenant does not resolve.
    let foreign = db
        .caller("tree", TENANT_B)
        .id("create_node", json!({"name": "x"}));
    let r = nodes.call("move_node", json!({"id": a, "parent_id": foreign}));
    assert_error(&r, "reference_not_found", "");
    assert_eq!(cycles(&db), 0);
}

#[test]
fn a_filtered_update_checks_every_row_it_reparents() {
    let db = db();
    let nodes = db.caller("tree", TENANT_A);
    let [root, b, c] = chain(&db, ["root", "b", "c"]);
    node(&db, "d", Some(&b));
    let before = tree(&db);
    // Moving b's children (c, d) under c would make c its own parent.
    let r = nodes.call("reparent_children", json!({"from": b, "to": c}));
    assert_error(&r, "hierarchy_cycle", "own ancestor");
    assert_eq!(tree(&db), before, "d was not moved either");
    // Moving root's children under c: b is c's parent.
    let r = nodes.call("reparent_children", json!({"from": root, "to": c}));
    assert_error(&r, "hierarchy_cycle", "");
    assert_eq!(tree(&db), before);
    let r = nodes.call(
        "reparent_children",
        json!({"from": b, "to": "00000000-0000-4000-8000-0000000000ff"}),
    );
    assert_error(&r, "reference_not_found", "");
    assert_eq!(tree(&db), before);
    let r = nodes.call("reparent_children", json!({"from": b, "to": root}));
    assert!(r.success, "{r:?}");
    assert_eq!(
        tree(&db),
        json!([
            {"name": "b", "parent": "root"},
            {"name": "c", "parent": "root"},
            {"name": "d", "parent": "root"},
            {"name": "root", "parent": null}
        ])
    );
}

#[test]
fn two_concurrent_moves_cannot_close_a_cycle_together() {
    let db = db();
    let nodes = db.caller("tree", TENANT_A);
    let a = node(&db, "a", None);
    let b = node(&db, "b", None);
    let mut first = db.client();
    first.batch_execute("BEGIN").unwrap();
    let moved = nodes.call_on(&mut first, "move_node", &json!({"id": a, "parent_id": b}));
    assert!(moved.success, "{moved:?}");
    let second = thread::scope(|scope| {
        let second = scope.spawn(|| {
            nodes.call_on(
                &mut db.client(),
                "move_node",
                &json!({"id": b, "parent_id": a}),
            )
        });
        // The second move waits for the first (it cannot judge the tree before the
        // first one's parent change is committed or rolled back).
        let start = Instant::now();
        while db.count(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event_type = 'Lock'",
        ) == 0
        {
            assert!(start.elapsed() < Duration::from_secs(5), "never blocked");
            thread::sleep(Duration::from_millis(5));
        }
        first.batch_execute("COMMIT").unwrap();
        second.join().unwrap()
    });
    assert_error(&second, "hierarchy_cycle", "own ancestor");
    assert_eq!(
        tree(&db),
        json!([{"name": "a", "parent": "b"}, {"name": "b", "parent": null}])
    );
}

#[test]
fn random_concurrent_moves_never_leave_a_cycle() {
    let db = db();
    let nodes = db.caller("tree", TENANT_A);
    let ids: Vec<String> = (0..12).map(|n| node(&db, &format!("n{n}"), None)).collect();
    let (ids, db) = (&ids, &db);
    let started = Instant::now();
    let outcomes: Vec<(usize, usize)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|t| {
                scope.spawn(move || {
                    let mut client = db.client();
                    let (mut moved, mut refused) = (0, 0);
                    // A small deterministic generator per thread.
                    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1);
                    for _ in 0..40 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let child = &ids[(x % 12) as usize];
                        let parent = &ids[((x >> 8) % 12) as usize];
                        let r = nodes.call_on(
                            &mut client,
                            "move_node",
                            &json!({"id": child, "parent_id": parent}),
                        );
                        match (r.success, r.error_code.as_deref()) {
                            (true, _) => moved += 1,
                            (false, Some("hierarchy_cycle")) => refused += 1,
                            _ => panic!("unexpected {r:?}"),
                        }
                    }
                    (moved, refused)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let moved: usize = outcomes.iter().map(|o| o.0).sum();
    let refused: usize = outcomes.iter().map(|o| o.1).sum();
    eprintln!(
        "320 concurrent random moves: {moved} moved, {refused} refused, {:?}",
        started.elapsed()
    );
    assert_eq!(moved + refused, 320);
    assert!(refused > 0 && moved > 0);
    assert_eq!(cycles(db), 0, "no row is its own ancestor");
}

#[test]
fn the_functions_pass_plpgsql_check_with_all_warnings() {
    let db = db();
    db.assert_plpgsql_clean("tree");
}
