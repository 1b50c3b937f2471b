//! Freshness: `--watch DIR` indexes new, changed and deleted files within
//! 3 s, and a daemon without `--watch` serves what another process's
//! `veille index` committed within a couple of seconds, without a restart.

use std::time::Duration;

use crate::common::{get_json, Fixture, Server};
use crate::fixtures::{indexed, served, write_docs};

/// The bound for a file written into the watched folder.
const WATCH_BOUND: Duration = Duration::from_secs(3);
/// "Within a couple of seconds" after an outside commit.
const RELOAD_BOUND: Duration = Duration::from_secs(3);

/// Waits until the watcher has `query` find `want` articles, at most
/// [`WATCH_BOUND`]; returns how long it took.
async fn watched(server: &Server, query: &str, want: u64, what: &str) -> Duration {
    server.wait_total(query, want, WATCH_BOUND, what).await
}

#[tokio::test]
async fn watched_files_are_searchable_within_three_seconds() {
    let fx = Fixture::new();
    write_docs(&fx, "docs");
    // No index yet: the daemon builds it from the watched folder.
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    server
        .wait_total("cloud", 5, Duration::from_secs(5), "the initial build")
        .await;

    // A new file.
    fx.write(
        "docs/new-xylophone.txt",
        "Xylophonists unite\n\nA xylophonist convention opened in Lyon today.\n",
    );
    let added = watched(&server, "xylophonist", 1, "a new file").await;

    // A changed file.
    fx.write(
        "docs/new-xylophone.txt",
        "Marimbists unite\n\nA marimbist convention opened in Lyon today.\n",
    );
    let changed = watched(&server, "marimbist", 1, "a changed file").await;
    let old_text = "the old text of a changed file";
    server
        .wait_total("xylophonist", 0, Duration::from_secs(1), old_text)
        .await;

    // A deleted file.
    fx.remove("docs/new-xylophone.txt");
    let deleted = watched(&server, "marimbist", 0, "a deleted file").await;

    // A file in a folder created after the watch started.
    fx.write(
        "docs/2026/05/deep.md",
        "# Glockenspiel news\n\nThe glockenspiel is back in fashion among drummers.\n",
    );
    let nested = watched(&server, "glockenspiel", 1, "a file in a new folder").await;

    // Hidden files are not indexed (as with `veille index`).
    fx.write(
        "docs/.draft.txt",
        "Theremin secrets\n\nA theremin draft nobody should see.\n",
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server
        .wait_total("theremin", 0, Duration::from_millis(200), "a hidden file")
        .await;

    eprintln!(
        "watcher latency: added {added:?}, changed {changed:?}, deleted {deleted:?}, \
         new folder {nested:?}"
    );
    assert!(server.log().contains("indexed "), "{}", server.log());
}

#[tokio::test]
async fn an_outside_veille_index_is_served_without_restart() {
    let (fx, server) = served();
    server
        .wait_total("ocarina", 0, Duration::from_secs(1), "before the commit")
        .await;
    fx.write(
        "docs/ocarina.md",
        "# Ocarina makers go digital\n\nOcarina workshops now sell through online marketplaces.\n",
    );
    fx.index().ok();
    let seen = server
        .wait_total("ocarina", 1, RELOAD_BOUND, "an outside commit")
        .await;
    fx.remove("docs/ocarina.md");
    fx.index().ok();
    let gone = server
        .wait_total("ocarina", 0, RELOAD_BOUND, "an outside deletion")
        .await;
    eprintln!("reload latency after an outside commit: added {seen:?}, removed {gone:?}");
}

#[tokio::test]
async fn the_watcher_and_an_outside_indexer_share_the_index() {
    let fx = indexed();
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    // Both write: the daemon's watcher and a `veille index` run, each
    // waiting for the other's writer lock.
    fx.write(
        "docs/bagpipe.txt",
        "Bagpipe revival\n\nBagpipe sales doubled this year in Brittany.\n",
    );
    let run = fx.run(&["index", "docs", "--index", "idx", "--quiet"]);
    assert!(
        run.code == 0 || run.stderr.contains("being written by another process"),
        "{}",
        run.stderr
    );
    watched(&server, "bagpipe", 1, "a file both indexed").await;
}

/// A repeated search is answered from the cache, and a commit made by
/// another process ends that: the next answer is searched afresh.
#[tokio::test]
async fn the_cache_answers_repeats_until_the_index_changes() {
    let (fx, server) = served();
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
    fx.index().ok();
    let before = first["total"].as_u64().unwrap();
    let outlived = "the cached answer outlived the commit";
    server
        .wait_total("cloud", before + 1, RELOAD_BOUND, outlived)
        .await;

    // Off with --cache-mb 0.
    let uncached = fx.serve(&["--index", "idx", "--cache-mb", "0"]);
    let url = uncached.url("/api/search?q=cloud");
    for _ in 0..2 {
        let (_, v) = get_json(&url).await;
        assert_eq!(v["cached"], false, "{v}");
    }
}
