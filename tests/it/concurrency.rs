//! Concurrency through generated actions, with one connection per thread (8 threads):
//! actions lock their row before any check (LANGUAGE §4), so increments are never lost
//! and a one-shot transition succeeds exactly once; derived identifiers stay distinct
//! under concurrent creates of one name (the identifier index is the arbiter).
//!
//! Each test asserts exact counts from the rows afterwards and prints its timing.

use std::collections::BTreeSet;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use postgres::Client;
use serde_json::json;

use crate::support::TestDb;
use crate::support::db::ActionResult;
use crate::support::specs::{TENANT_A, TENANT_B, apply};

const LIBRARY: &str = include_str!("../cases/ok/library_lending.yaml");

const THREADS: usize = 8;

/// Runs `calls` calls of `f(client, n)` spread over [`THREADS`] threads, each with its
/// own connection, all starting together; returns every result and the elapsed time.
fn run_parallel(
    db: &TestDb,
    calls: usize,
    f: impl Fn(&mut Client, usize) -> ActionResult + Sync,
) -> (Vec<ActionResult>, Duration) {
    let mut clients: Vec<Client> = (0..THREADS).map(|_| db.client()).collect();
    let barrier = Barrier::new(THREADS);
    let start = Instant::now();
    let results = thread::scope(|scope| {
        let handles: Vec<_> = clients
            .iter_mut()
            .enumerate()
            .map(|(t, client)| {
                let (barrier, f) = (&barrier, &f);
                scope.spawn(move || {
                    barrier.wait();
                    (t..calls)
                        .step_by(THREADS)
                        .map(|n| f(client, n))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    });
    (results, start.elapsed())
}

/// A fresh database with the library spec applied.
fn library_db() -> TestDb {
    let db = TestDb::new();
    apply(&db, LIBRARY);
    db
}

#[test]
fn eight_hundred_concurrent_increments_lose_none() {
    let db = library_db();
    let library = db.caller("library", TENANT_A);
    let id = library.id("create_book", json!({"title": "Counter"}));
    let input = json!({"id": id});
    let (results, elapsed) = run_parallel(&db, 800, |client, _| {
        library.call_on(client, "count_visit", &input)
    });
    eprintln!("800 increments over {THREADS} connections: {elapsed:?}");
    assert_eq!(results.len(), 800);
    assert!(
        results.iter().all(|r| r.success),
        "every increment succeeds"
    );
    assert_eq!(
        db.query_json("SELECT times_lent FROM library.tb_book"),
        json!([{"times_lent": 800}])
    );
}

#[test]
fn two_hundred_concurrent_lends_of_one_book_succeed_exactly_once() {
    let db = library_db();
    let library = db.caller("library", TENANT_A);
    let id = library.id("create_book", json!({"title": "Only copy"}));
    let (results, elapsed) = run_parallel(&db, 200, |client, n| {
        let input = json!({"id": id, "borrower": format!("reader {n}")});
        library.call_on(client, "lend_book", &input)
    });
    eprintln!("200 concurrent lends over {THREADS} connections: {elapsed:?}");
    let winners: Vec<&ActionResult> = results.iter().filter(|r| r.success).collect();
    assert_eq!(winners.len(), 1, "exactly one lend succeeds");
    let refused = results
        .iter()
        .filter(|r| r.error_code.as_deref() == Some("not_available"))
        .count();
    assert_eq!(refused, 199, "every other lend is the spec's not_available");
    let borrower = winners[0].object_data.as_ref().unwrap()["borrower"].clone();
    assert_eq!(
        db.query_json("SELECT available, times_lent, borrower FROM library.tb_book"),
        json!([{"available": false, "times_lent": 1, "borrower": borrower}]),
        "the row holds the one winner's lend"
    );
}

#[test]
fn four_hundred_concurrent_creates_of_one_name_get_distinct_suffixes() {
    let db = library_db();
    let library = db.caller("library", TENANT_A);
    // Another tenant's row of the same name changes nothing in tenant A.
    library
        .tenant(Some(TENANT_B))
        .ok("create_book", json!({"title": "Dune"}));
    let input = json!({"title": "Dune"});
    let (results, elapsed) = run_parallel(&db, 400, |client, _| {
        library.call_on(client, "create_book", &input)
    });
    eprintln!("400 concurrent creates of one name over {THREADS} connections: {elapsed:?}");
    let failed: Vec<&ActionResult> = results.iter().filter(|r| !r.success).collect();
    assert!(failed.is_empty(), "every create succeeds: {failed:?}");
    let returned: BTreeSet<String> = results
        .iter()
        .map(|r| {
            r.object_data.as_ref().unwrap()["identifier"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: BTreeSet<String> = std::iter::once("dune".to_string())
        .chain((2..=400).map(|n| format!("dune-{n}")))
        .collect();
    assert_eq!(returned, expected, "dune, dune-2 … dune-400, each once");
    let stored = db.query_json(&format!(
        "SELECT count(*) AS rows, count(DISTINCT identifier) AS identifiers \
         FROM library.tb_book WHERE tenant_id = '{TENANT_A}'"
    ));
    assert_eq!(stored, json!([{"rows": 400, "identifiers": 400}]));
}
