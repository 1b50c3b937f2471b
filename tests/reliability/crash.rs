//! Crash safety: `veille index`, and the daemon's watcher, killed with
//! SIGKILL at pseudo-random points (a fixed seed), then run again. After
//! every kill the index must open; after the final run it must hold
//! exactly the articles of a clean run, under the same ids: none lost,
//! none twice.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{kill9, shared_data, Fixture, Run};
use crate::util::{article_text, eventually, write_article_file, write_corpus, Rng};

/// What one kill left behind.
#[derive(Debug, PartialEq, Eq)]
enum AfterKill {
    /// The index opens, with this many articles.
    Opens(u64),
    /// No index yet: the run was killed before it had created one.
    NotYetCreated(String),
}

/// Looks at the index after a kill. An index that opened once must open
/// after every later kill; before that, a run killed while creating it
/// may leave no usable index (the next run creates it again).
fn after_kill(fx: &Fixture, index: &str, opened_before: bool) -> AfterKill {
    let run = fx.run(&["stats", "--index", index, "--json"]);
    run.no_panic();
    if run.code == 0 {
        return AfterKill::Opens(run.json()["articles"].as_u64().unwrap());
    }
    assert!(
        !opened_before,
        "the index no longer opens after a kill:\n{}",
        run.stderr
    );
    AfterKill::NotYetCreated(run.stderr.trim().to_string())
}

/// Starts `veille index DIR --index INDEX --quiet`, its output discarded.
fn spawn_index(fx: &Fixture, dir: &str, index: &str) -> Child {
    fx.cmd(&["index", dir, "--index", index, "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start veille index")
}

/// A clean run's count, ids and duration.
fn clean_run(fx: &Fixture, dir: &str) -> (u64, BTreeSet<String>, Duration) {
    let started = Instant::now();
    let run = fx.run(&["index", dir, "--index", "clean", "--quiet"]);
    let took = started.elapsed();
    run.no_panic();
    run.ok();
    (fx.articles("clean"), fx.article_ids("clean"), took)
}

/// Kills one `veille index` run after a pseudo-random delay in
/// `0..window`; returns the delay and whether the run was still going.
fn kill_one(fx: &Fixture, dir: &str, rng: &mut Rng, window: Duration) -> (Duration, bool) {
    let mut child = spawn_index(fx, dir, "idx");
    let delay = Duration::from_millis(rng.below(window.as_millis().max(50) as u64));
    std::thread::sleep(delay);
    let finished = child.try_wait().expect("try_wait").is_some();
    kill9(&mut child);
    (delay, !finished)
}

/// Changes a corpus the way a news folder changes: about one file in ten
/// rewritten, one in a hundred deleted, a few added.
fn mutate(dir: &Path, rng: &mut Rng, next: &mut usize) {
    // Sorted: the same changes on every machine, whatever the folder order.
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("walk the corpus"))
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    for path in &files {
        match rng.below(100) {
            0 => std::fs::remove_file(path).unwrap(),
            1..=10 => {
                let text = article_text(rng, *next);
                *next += 1;
                let content = if path.extension().is_some_and(|e| e == "jsonl") {
                    let mut lines = std::fs::read_to_string(path).unwrap();
                    let line = serde_json::json!({"title": format!("Ajout {next}"), "body": text, "lang": "fr"});
                    lines.push_str(&format!("{line}\n"));
                    lines
                } else {
                    format!("Réécrit {next}\n\n{text}\n")
                };
                std::fs::write(path, content).unwrap();
            }
            _ => {}
        }
    }
    for _ in 0..5 {
        write_article_file(&dir.join(format!("added/x{next:07}.txt")), rng, *next);
        *next += 1;
    }
}

/// Kills `veille index` at pseudo-random points until `kills` kills have
/// landed in a running process, then lets it finish, and compares with a
/// clean run of the final folder. Without `mutating`, every kill hits a
/// first build; with it, half of them do, and each of the others hits an
/// incremental run after the folder changed (rewrites, deletions,
/// additions). Kill points are drawn in a window as long as an
/// uninterrupted run; a run that ends before its kill does not count, and
/// shrinks the window (timings vary with the machine's load). Returns the
/// number of kills made, landed or not.
fn kill_and_resume(fx: &Fixture, dir: &str, kills: usize, seed: u64, mutating: bool) -> usize {
    let mut rng = Rng::new(seed);
    let mut next = 10_000_000;
    // How long an uninterrupted first build takes: the window for kills.
    let started = Instant::now();
    fx.run(&["index", dir, "--index", "first", "--quiet"]).ok();
    let build = started.elapsed();
    eprintln!("first build: {:.2} s", build.as_secs_f64());
    let mut opened = false;
    let mut made = 0;
    // Kills one run, looks at the index (`opened` says whether it has
    // opened since it was last created) and says what the kill left;
    // returns whether the run was still going, and that state.
    let mut kill = |rng: &mut Rng, window: Duration, opened: &mut bool| {
        let (delay, running) = kill_one(fx, dir, rng, window);
        let state = after_kill(fx, "idx", *opened);
        *opened |= matches!(state, AfterKill::Opens(_));
        made += 1;
        eprintln!(
            "kill {made} at {} ms{}: {state:?}",
            delay.as_millis(),
            if running {
                ""
            } else {
                " (after the run ended: not counted)"
            }
        );
        (running, state)
    };
    let first_half = if mutating { kills / 2 } else { kills };
    // Nothing is committed before the end of a first build of this size
    // (commits come every 30 s or 50,000 documents), so a killed build
    // starts again from scratch: kills anywhere in a build's time
    // (start-up, walking, parsing, adding, committing). A build that ends
    // before its kill is removed, so that the next kill hits a build again.
    let mut window = build;
    let mut landed = 0;
    while landed < first_half {
        let (running, _) = kill(&mut rng, window, &mut opened);
        if running {
            landed += 1;
        } else {
            std::fs::remove_dir_all(fx.path("idx")).unwrap();
            opened = false;
            window = window.mul_f64(0.8);
        }
    }
    if mutating {
        // Let one run finish, then time an incremental run of the same size.
        fx.run(&["index", dir, "--index", "idx", "--quiet"]).ok();
        mutate(&fx.path(dir), &mut rng, &mut next);
        let started = Instant::now();
        fx.run(&["index", dir, "--index", "idx", "--quiet"]).ok();
        let incremental = started.elapsed();
        eprintln!("incremental run: {:.2} s", incremental.as_secs_f64());
        // Changes pile up while runs are killed, and the runs get longer:
        // the window grows while kills land before any commit, and shrinks
        // when a run ends first, so that kills also fall in commits and
        // merges.
        let mut window = incremental;
        let mut last = None;
        while landed < kills {
            mutate(&fx.path(dir), &mut rng, &mut next);
            let (running, state) = kill(&mut rng, window, &mut opened);
            if running {
                landed += 1;
                if last.as_ref() == Some(&state) {
                    window = window.mul_f64(1.2);
                }
            } else {
                window = window.mul_f64(0.8);
            }
            last = Some(state);
        }
    }
    let (count, ids, _) = clean_run(fx, dir);
    let run: Run = fx.run(&["index", dir, "--index", "idx", "--quiet"]);
    run.no_panic();
    let run = run.ok();
    assert_eq!(fx.articles("idx"), count, "{}", run.stdout);
    let got = fx.article_ids("idx");
    let missing: Vec<_> = ids.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(&ids).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ids differ from a clean run: missing {missing:?}, extra {extra:?}"
    );
    // And the next run has nothing left to do.
    let again = fx.run(&["index", dir, "--index", "idx", "--quiet"]).ok();
    assert!(
        again.stdout.contains("articles: 0 added, 0 removed"),
        "{}",
        again.stdout
    );
    eprintln!(
        "{kills} kills survived ({made} made, {} after the run had ended), then {count} articles with the ids of a clean run",
        made - kills
    );
    made
}

/// [`kill_and_resume`] on a changing corpus written by [`write_corpus`]
/// (whose arguments come first).
fn kill_a_generated_corpus(
    articles: usize,
    per_file: usize,
    big_jsonl: usize,
    corpus_seed: u64,
    kills: usize,
    seed: u64,
) {
    let fx = Fixture::new();
    let n = write_corpus(&fx.path("docs"), articles, per_file, big_jsonl, corpus_seed);
    eprintln!("corpus: {n} articles");
    kill_and_resume(&fx, "docs", kills, seed, true);
}

#[test]
fn index_killed_at_random_points_resumes_without_loss() {
    kill_a_generated_corpus(1_000, 10, 500, 11, 6, 0x5EED);
}

/// The long version: 30 kills, each landing in a running process, over
/// 20,000 generated articles in a few thousand files plus a large JSON
/// Lines file.
#[test]
#[ignore = "long: run by scripts/reliability.sh"]
fn index_killed_30_times_resumes_without_loss() {
    kill_a_generated_corpus(20_000, 15, 5_000, 12, 30, 0xC0FFEE);
}

/// The long version on the team's real corpora, when present: OrangeSum
/// (33,228 French articles, one gzipped JSON Lines file, unpacked here),
/// Reuters (21,578 records) and BBC (2,225 text files).
#[test]
#[ignore = "long: run by scripts/reliability.sh"]
fn index_killed_on_the_shared_corpora_resumes_without_loss() {
    let Some(shared) = shared_data("data") else {
        return;
    };
    let fx = Fixture::new();
    let docs = fx.path("shared");
    std::fs::create_dir_all(&docs).unwrap();
    let orangesum = shared.join("orangesum/orangesum.jsonl.gz");
    if orangesum.exists() {
        // 88 MB unpacked, over the 50 MB file limit: cut into parts of
        // 5,000 lines, as a dump would be.
        use std::io::BufRead;
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(&orangesum).unwrap());
        let lines: Vec<String> = std::io::BufReader::new(gz)
            .lines()
            .map(Result::unwrap)
            .collect();
        for (k, part) in lines.chunks(5_000).enumerate() {
            let mut text = part.join("\n");
            text.push('\n');
            std::fs::write(docs.join(format!("orangesum-{k}.jsonl")), text).unwrap();
        }
    }
    let reuters = shared.join("reuters/reuters21578.jsonl");
    if reuters.exists() {
        std::fs::copy(&reuters, docs.join("reuters.jsonl")).unwrap();
    }
    let bbc = shared.join("bbc/bbc");
    if bbc.is_dir() {
        std::os::unix::fs::symlink(&bbc, docs.join("bbc")).unwrap();
    }
    kill_and_resume(&fx, "shared", 25, 0xBBC, false);
}

/// Kills `veille serve --watch` while it indexes files that keep landing,
/// restarts it each time, and checks that it ends with a clean run's
/// articles and ids.
fn watcher_killed(kills: usize, per_round: usize, seed: u64) {
    let fx = Fixture::new();
    let mut n = write_corpus(&fx.path("docs"), 300, 10, 0, seed);
    let mut rng = Rng::new(seed ^ 0xABCD);
    let mut server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    let mut opened = true;
    let mut written: Vec<PathBuf> = Vec::new();
    for k in 0..kills {
        // New files land, an earlier one changes, another goes; the
        // watcher picks them up.
        for _ in 0..per_round {
            let path = fx.path(&format!("docs/new/r{k:02}/n{n:05}.txt"));
            write_article_file(&path, &mut rng, n);
            written.push(path);
            n += 1;
        }
        let changed = written[rng.below(written.len() as u64) as usize].clone();
        write_article_file(&changed, &mut rng, n);
        n += 1;
        let gone = written.swap_remove(rng.below(written.len() as u64) as usize);
        std::fs::remove_file(gone).unwrap();
        // Killed anywhere from the debounce to well into the run.
        let delay = Duration::from_millis(200 + rng.below(1_500));
        std::thread::sleep(delay);
        server.kill9();
        let state = after_kill(&fx, "idx", opened);
        opened = matches!(state, AfterKill::Opens(_));
        eprintln!("watcher kill {k} at {} ms: {state:?}", delay.as_millis());
        server = fx.serve(&["--watch", "docs", "--index", "idx"]);
    }
    // The restarted watcher catches up with everything that landed.
    let (count, ids, _) = clean_run(&fx, "docs");
    let caught_up = eventually(Duration::from_secs(120), || {
        fx.run(&["stats", "--index", "idx", "--json"]).code == 0 && fx.article_ids("idx") == ids
    });
    let got = fx.article_ids("idx");
    let missing: Vec<_> = ids.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(&ids).take(10).collect();
    assert!(
        caught_up,
        "the watcher did not converge: missing {missing:?}, extra {extra:?}\n{}",
        server.log()
    );
    assert_eq!(fx.articles("idx"), count);
    assert!(!server.log().contains("panicked"), "{}", server.log());
    eprintln!("watcher: {kills} kills, then {count} articles with the ids of a clean run");
}

#[test]
fn watcher_killed_while_indexing_catches_up_without_loss() {
    watcher_killed(3, 60, 21);
}

#[test]
#[ignore = "long: run by scripts/reliability.sh"]
fn watcher_killed_20_times_catches_up_without_loss() {
    watcher_killed(20, 200, 22);
}
