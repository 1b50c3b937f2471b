//! Freshness: `--watch DIR` indexes new, changed and deleted files within
//! 3 s, and a daemon without `--watch` serves what another process's
//! `veille index` committed within a couple of seconds, without a restart.

use std::time::Duration;

use crate::util::{get_json, poll_total, Fixture};

/// The bound for a file written into the watched folder.
const WATCH_BOUND: Duration = Duration::from_secs(3);
/// "Within a couple of seconds" after an outside commit.
const RELOAD_BOUND: Duration = Duration::from_secs(3);

#[tokio::test]
async fn watched_files_are_searchable_within_three_seconds() {
    let fx = Fixture::new();
    crate::fixtures::write_docs(&fx, "docs");
    // No index yet: the daemon builds it from the watched folder.
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    let found = poll_total(&server, "cloud", Duration::from_secs(5), |n| n == 5).await;
    assert!(found.is_some(), "the initial build; log:\n{}", server.log());

    // A new file.
    fx.write(
        "docs/new-xylophone.txt",
        "Xylophonists unite\n\nA xylophonist convention opened in Lyon today.\n",
    );
    let added = poll_total(&server, "xylophonist", WATCH_BOUND, |n| n == 1).await;
    assert!(
        added.is_some(),
        "new file not searchable within 3 s; log:\n{}",
        server.log()
    );

    // A changed file.
    fx.write(
        "docs/new-xylophone.txt",
        "Marimbists unite\n\nA marimbist convention opened in Lyon today.\n",
    );
    let changed = poll_total(&server, "marimbist", WATCH_BOUND, |n| n == 1).await;
    assert!(
        changed.is_some(),
        "changed file not searchable within 3 s; log:\n{}",
        server.log()
    );
    let old_gone = poll_total(&server, "xylophonist", Duration::from_secs(1), |n| n == 0).await;
    assert!(
        old_gone.is_some(),
        "the old text of a changed file is still found"
    );

    // A deleted file.
    std::fs::remove_file(fx.path("docs/new-xylophone.txt")).unwrap();
    let deleted = poll_total(&server, "marimbist", WATCH_BOUND, |n| n == 0).await;
    assert!(
        deleted.is_some(),
        "deleted file still found after 3 s; log:\n{}",
        server.log()
    );

    // A file in a folder created after the watch started.
    fx.write(
        "docs/2026/05/deep.md",
        "# Glockenspiel news\n\nThe glockenspiel is back in fashion among drummers.\n",
    );
    let nested = poll_total(&server, "glockenspiel", WATCH_BOUND, |n| n == 1).await;
    assert!(
        nested.is_some(),
        "file in a new folder not found; log:\n{}",
        server.log()
    );

    // Hidden files are not indexed (as with `veille index`).
    fx.write(
        "docs/.draft.txt",
        "Theremin secrets\n\nA theremin draft nobody should see.\n",
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        poll_total(&server, "theremin", Duration::from_millis(200), |n| n == 0)
            .await
            .is_some()
    );

    eprintln!(
        "watcher latency: added {:?}, changed {:?}, deleted {:?}, new folder {:?}",
        added.unwrap(),
        changed.unwrap(),
        deleted.unwrap(),
        nested.unwrap()
    );
    assert!(server.log().contains("indexed "), "{}", server.log());
}

#[tokio::test]
async fn an_outside_veille_index_is_served_without_restart() {
    let fx = Fixture::indexed();
    let server = fx.serve(&["--index", "idx"]);
    assert!(
        poll_total(&server, "ocarina", Duration::from_secs(1), |n| n == 0)
            .await
            .is_some()
    );
    fx.write(
        "docs/ocarina.md",
        "# Ocarina makers go digital\n\nOcarina workshops now sell through online marketplaces.\n",
    );
    fx.index();
    let seen = poll_total(&server, "ocarina", RELOAD_BOUND, |n| n == 1).await;
    assert!(
        seen.is_some(),
        "not served within {RELOAD_BOUND:?} of the commit; log:\n{}",
        server.log()
    );
    std::fs::remove_file(fx.path("docs/ocarina.md")).unwrap();
    fx.index();
    let gone = poll_total(&server, "ocarina", RELOAD_BOUND, |n| n == 0).await;
    assert!(gone.is_some(), "deletion not served");
    eprintln!(
        "reload latency after an outside commit: added {:?}, removed {:?}",
        seen.unwrap(),
        gone.unwrap()
    );
}

#[tokio::test]
async fn the_watcher_and_an_outside_indexer_share_the_index() {
    let fx = Fixture::indexed();
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    // Both write: the daemon's watcher and a `veille index` run, each
    // waiting for the other's writer lock.
    fx.write(
        "docs/bagpipe.txt",
        "Bagpipe revival\n\nBagpipe sales doubled this year in Brittany.\n",
    );
    let (code, _, err) = fx.run(&["index", "docs", "--index", "idx", "--quiet"]);
    assert!(
        code == 0 || err.contains("being written by another process"),
        "{err}"
    );
    let seen = poll_total(&server, "bagpipe", WATCH_BOUND, |n| n == 1).await;
    assert!(seen.is_some(), "log:\n{}", server.log());
}

/// A repeated search is answered from the cache, and a commit made by
/// another process ends that: the next answer is searched afresh.
#[tokio::test]
async fn the_cache_answers_repeats_until_the_index_changes() {
    let fx = Fixture::indexed();
    let server = fx.serve(&["--index", "idx"]);
    let url = server.url("/api/search?q=cloud");
    let (_, first) = get_json(&url).await;
    assert_eq!(first["cached"], false, "{first}");
    let (_, again) = get_json(&url).await;
    assert_eq!(again["cached"], true, "{again}");
    assert_eq!(again["hits"], first["hits"]);
    assert_eq!(again["total"], first["total"]);
    // Another page is another search.
    let (_, page) = get_json(&server.url("/api/search?q=cloud&offset=1")).await;
    assert_eq!(page["cached"], false, "{page}");

    fx.write(
        "docs/cloud-kazoo.md",
        "# Kazoo orchestra moves to the cloud\n\nThe cloud now hosts kazoo scores.\n",
    );
    fx.index();
    let before = first["total"].as_u64().unwrap();
    let seen = poll_total(&server, "cloud", RELOAD_BOUND, |n| n == before + 1).await;
    assert!(
        seen.is_some(),
        "the cached answer outlived the commit; log:\n{}",
        server.log()
    );

    // Off with --cache-mb 0.
    let uncached = fx.serve(&["--index", "idx", "--cache-mb", "0"]);
    let url = uncached.url("/api/search?q=cloud");
    for _ in 0..2 {
        let (_, v) = get_json(&url).await;
        assert_eq!(v["cached"], false, "{v}");
    }
}
