//! Several processes on one index: a second `veille index` (or a
//! `--rebuild`) while one runs stops at once with a message naming the
//! index and never damages it; `veille serve --watch` and an outside
//! `veille index` take turns; searches made while commits land always see
//! one whole commit.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{client, fetch_json, veille, Fixture, Run};
use crate::util::{eventually, write_article_file, write_corpus, Rng};

/// The message of a run that found the index held by another process.
const LOCKED: &str = "the index is being written by another process";

/// A run that lost the race for the index: exit 2, one line naming the
/// index and saying why.
#[track_caller]
fn stopped_clearly(run: &Run, index: &str) {
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(LOCKED), "{}", run.stderr);
    assert!(run.stderr.contains(index), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_second_index_run_stops_with_a_clear_message() {
    let fx = Fixture::new();
    write_corpus(&fx.path("docs"), 1_500, 10, 500, 31);
    fx.run(&["index", "docs", "--index", "clean", "--quiet"])
        .ok();
    let (count, ids) = (fx.articles("clean"), fx.article_ids("clean"));

    let first = fx
        .cmd(&["index", "docs", "--index", "idx", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Soon after it starts (a release build indexes these articles in a
    // fifth of a second), while it runs, others try: plain runs and a --rebuild, which used to
    // delete the running writer's files.
    let mut locked = 0;
    let mut attempts = 0usize;
    let started = Instant::now();
    let mut first = Some(first);
    while started.elapsed() < Duration::from_secs(60) {
        let args: &[&str] = if attempts.is_multiple_of(2) {
            &["index", "docs", "--index", "idx", "--quiet"]
        } else {
            &["index", "docs", "--index", "idx", "--quiet", "--rebuild"]
        };
        std::thread::sleep(Duration::from_millis(if attempts == 0 { 20 } else { 10 }));
        let run = fx.run(args);
        run.no_panic();
        attempts += 1;
        if run.code != 0 {
            stopped_clearly(&run, "idx");
            locked += 1;
        }
        if first
            .as_mut()
            .is_some_and(|c| c.try_wait().unwrap().is_some())
        {
            let run = Run::from(first.take().unwrap().wait_with_output().expect("wait"));
            run.no_panic();
            // The first run may itself have lost the race at start-up:
            // then it is the one that saw the index held.
            if run.code != 0 {
                stopped_clearly(&run, "idx");
                locked += 1;
            }
            break;
        }
    }
    assert!(first.is_none(), "the first run did not end");
    assert!(locked >= 1, "no run saw the index held ({attempts} tried)");
    eprintln!("second runs: {attempts} tried while one ran, {locked} stopped with {LOCKED:?}");

    // The index is whole: one more run completes it, as a clean run.
    fx.run(&["index", "docs", "--index", "idx", "--quiet"]).ok();
    assert_eq!(fx.articles("idx"), count);
    assert_eq!(fx.article_ids("idx"), ids);
}

/// Runs an outside `veille index` again and again while files land in a
/// watched folder; each run either completes or stops clearly, and in the
/// end the index holds every file's articles once.
#[test]
fn the_watcher_and_an_outside_index_run_take_turns() {
    let fx = Fixture::new();
    let mut n = write_corpus(&fx.path("docs"), 400, 10, 0, 41);
    let server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    let mut rng = Rng::new(42);
    let (mut completed, mut locked) = (0, 0);
    for round in 0..8 {
        for _ in 0..25 {
            let path = fx.path(&format!("docs/landed/r{round}/f{n:05}.txt"));
            write_article_file(&path, &mut rng, n);
            n += 1;
        }
        std::thread::sleep(Duration::from_millis(rng.below(600)));
        let run = fx.run(&["index", "docs", "--index", "idx", "--quiet"]);
        run.no_panic();
        if run.code == 0 {
            completed += 1;
        } else {
            stopped_clearly(&run, "idx");
            locked += 1;
        }
    }
    eprintln!("outside runs beside the watcher: {completed} completed, {locked} stopped clearly");
    fx.run(&["index", "docs", "--index", "clean", "--quiet"])
        .ok();
    let ids = fx.article_ids("clean");
    let converged = eventually(Duration::from_secs(60), || fx.article_ids("idx") == ids);
    assert!(converged, "the index did not end with every article once");
    assert_eq!(fx.articles("idx"), fx.articles("clean"));
    // Once the watcher is idle, an outside run goes through, with nothing
    // left to do. (The watcher may make one more run of its own first: it
    // retries after finding the index held by an outside run.)
    let mut last = None;
    let through = eventually(Duration::from_secs(20), || {
        let run = fx.run(&["index", "docs", "--index", "idx", "--quiet"]);
        run.no_panic();
        if run.code != 0 {
            stopped_clearly(&run, "idx");
        }
        let done = run.code == 0;
        last = Some(run);
        done
    });
    let run = last.expect("a run");
    assert!(through, "no outside run went through: {}", run.stderr);
    assert!(
        run.stdout.contains("articles: 0 added, 0 removed"),
        "{}",
        run.stdout
    );
    let log = server.log();
    assert!(!log.contains("panicked"), "{log}");
    assert!(!log.contains("ERROR"), "{log}");
}

/// Searches made while commits land: the total never goes down and every
/// hit is a whole article (title, snippet, stored text).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_during_indexing_see_whole_commits() {
    let fx = Fixture::new();
    let mut rng = Rng::new(51);
    for n in 0..50 {
        write_article_file(&fx.path(&format!("docs/r0/f{n:05}.txt")), &mut rng, n);
    }
    fx.run(&["index", "docs", "--index", "idx", "--quiet"]).ok();
    let server = fx.serve(&["--index", "idx"]);

    // Rounds of new files, each indexed by an outside run (one commit each).
    let done = Arc::new(AtomicBool::new(false));
    let rounds = 8;
    let writer = {
        let done = Arc::clone(&done);
        let root = fx.root().to_path_buf();
        std::thread::spawn(move || {
            let mut rng = Rng::new(52);
            let mut n = 50;
            for round in 1..=rounds {
                for _ in 0..60 {
                    let path = root.join(format!("docs/r{round}/f{n:05}.txt"));
                    write_article_file(&path, &mut rng, n);
                    n += 1;
                }
                let out = veille()
                    .args(["index", "docs", "--index", "idx", "--quiet"])
                    .current_dir(&root)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{out:?}");
                std::thread::sleep(Duration::from_millis(150));
            }
            done.store(true, Ordering::SeqCst);
            n
        })
    };

    let http = client();
    let url = server.url("/api/search?q=livraison&limit=20");
    let mut last = 0u64;
    let mut totals = BTreeSet::new();
    let mut searches = 0u64;
    let mut fetched = 0;
    loop {
        let finished = done.load(Ordering::SeqCst);
        let (_, v) = fetch_json(&http, &url).await;
        searches += 1;
        let total = v["total"].as_u64().expect("total");
        assert!(total >= last, "the total went down from {last} to {total}");
        last = total;
        totals.insert(total);
        for hit in v["hits"].as_array().unwrap() {
            let title = hit["title"].as_str().unwrap_or("");
            assert!(title.starts_with("Livraison"), "{hit}");
            let snippets = hit["snippets"].as_array().unwrap();
            assert!(!snippets.is_empty(), "{hit}");
        }
        // Every few searches, the stored article of a hit is whole.
        if searches.is_multiple_of(5) {
            if let Some(hit) = v["hits"].as_array().unwrap().first() {
                let id = hit["id"].as_str().unwrap();
                let (_, a) = fetch_json(&http, &server.url(&format!("/api/articles/{id}"))).await;
                assert_eq!(a["title"], hit["title"], "{a}");
                assert!(a["body"].as_str().is_some_and(|b| b.contains("art")), "{a}");
                fetched += 1;
            }
        }
        if finished {
            break;
        }
    }
    let n = writer.join().unwrap() as u64;
    // The daemon sees the last commit within a second or so.
    let deadline = Instant::now() + Duration::from_secs(10);
    while last < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (_, v) = fetch_json(&http, &url).await;
        let total = v["total"].as_u64().unwrap();
        assert!(total >= last);
        last = total;
        totals.insert(total);
    }
    assert_eq!(last, n);
    eprintln!(
        "{searches} searches during {rounds} commits ({fetched} articles fetched): totals seen {totals:?}"
    );
    assert!(totals.len() >= 3, "too few commits seen: {totals:?}");
}
