//! A quiet watcher: `--watch` on a tree of nested folders runs no indexing
//! pass while nothing changes, however much the tree is read (by the
//! watcher's own indexer or by anyone else), and still indexes a new file
//! within 3 s.
//!
//! The passes are counted from the daemon's log at its default level: each
//! one starts with "indexing the changes in …".

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{Fixture, Server};

/// What the daemon logs at the start of each indexing pass.
const PASS: &str = "indexing the changes in ";
/// How long nothing may happen.
const QUIET: Duration = Duration::from_secs(60);
/// The bound for a new file to be searchable.
const WATCH_BOUND: Duration = Duration::from_secs(3);

fn passes(server: &Server) -> usize {
    server.log().matches(PASS).count()
}

/// Articles in folders four levels deep, with siblings at every level.
fn write_tree(fx: &Fixture) {
    let animals = [
        "pangolin", "axolotl", "narwhal", "okapi", "tapir", "quoll", "dugong", "saola",
    ];
    let folders = [
        "2024",
        "2024/01",
        "2024/01/tech",
        "2024/01/tech/hardware",
        "2024/02/science",
        "2025/03/tech/software",
        "archive/old/older/oldest",
        "feeds",
    ];
    for (animal, folder) in animals.iter().zip(folders) {
        fx.write(
            &format!("docs/{folder}/{animal}.txt"),
            format!("News of the {animal}\n\nResearchers tracked a {animal} for a whole season.\n"),
        );
    }
}

/// Reads every file under `dir`, as a backup or a `grep -r` would.
fn read_all(dir: &Path) -> usize {
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read += read_all(&path);
        } else {
            read += std::fs::read(&path).unwrap().len();
        }
    }
    read
}

#[tokio::test]
async fn a_watched_tree_of_nested_folders_stays_quiet_when_nothing_changes() {
    let fx = Fixture::new();
    write_tree(&fx);
    // An index already there: the daemon starts with a catch-up pass over
    // the whole tree, whose reads used to wake the watcher, for ever.
    fx.index();
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    server
        .wait_total("researchers", 8, Duration::from_secs(10), "the first build")
        .await;

    // Settle: the catch-up pass runs and ends.
    let started = Instant::now();
    while passes(&server) == 0 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        passes(&server) >= 1,
        "no catch-up pass; log:\n{}",
        server.log()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    let before = passes(&server);
    let window = Instant::now();
    // Someone else reads the whole tree too, now and then, and searches.
    let mut bytes = 0;
    while window.elapsed() < QUIET {
        bytes += read_all(&fx.path("docs"));
        server
            .wait_total("pangolin", 1, Duration::from_secs(2), "a search meanwhile")
            .await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let during = passes(&server) - before;
    eprintln!(
        "quiet watcher: {during} indexing pass(es) in {:?} with nothing changing \
         ({bytes} bytes read by the test meanwhile)",
        window.elapsed()
    );
    assert_eq!(
        during,
        0,
        "indexing passes with nothing changing; log:\n{}",
        server.log()
    );

    // A real change, deep in the tree, still lands within 3 s.
    fx.write(
        "docs/2025/03/tech/software/deeper/still/kakapo.txt",
        "Kakapo count\n\nThe kakapo population passed two hundred birds.\n",
    );
    let found = server
        .wait_total("kakapo", 1, WATCH_BOUND, "a new file deep in the tree")
        .await;
    eprintln!("quiet watcher: new nested file searchable after {found:?}");
    assert!(passes(&server) > before, "{}", server.log());
}
