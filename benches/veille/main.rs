//! The benchmark: what users meet, measured against plain tantivy on the
//! shared corpora and set beside the targets of issue 14.
//!
//! ```sh
//! cargo bench --bench veille                 # everything
//! cargo bench --bench veille -- search daemon  # some parts only
//! ```
//!
//! The parts, in order (by default all of them):
//!
//! - `index`: `veille index` (the built binary) against plain tantivy
//!   (default tokenizer, title and body stored, 2 threads) on the same
//!   54k articles as one file each and as one JSON Lines dump, with
//!   articles/s, MB/s, index size and peak RSS; then a no-change re-index
//!   of the files;
//! - `search`: search in process (10 hits, snippets) over the 210 fixed
//!   queries, and with the page's options (snippets and facets) over 5,000
//!   distinct queries drawn from the corpus ([`queries`]);
//! - `command`: `veille search`, the whole process, over 500 of the
//!   distinct queries;
//! - `daemon`: `veille serve` under 16 keep-alive connections ([`load`]):
//!   a stream of distinct queries with the cache of recent searches on, as
//!   by default; then the fixed mix in turn, with the cache off, and on (the
//!   first 10 s after start, and the next 10 s).
//!
//! It closes with a table of each measure, plain tantivy's figure where
//! there is one, the target ([`targets::TARGETS`]) and whether it is met.
//! The parts after `index` reuse the index a previous run left in
//! `target/bench/index` when `index` is not asked for.
//!
//! The shared data is `../shared/data`, or `$VEILLE_SHARED/data`; the
//! benchmark skips, saying so, when it is absent.

mod corpus;
mod load;
mod measure;
mod queries;
mod targets;

#[path = "../common/shared.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::Corpus;
use load::{Daemon, Walk};
use measure::{dir_size, indexed_articles, load_average, ms, p50_p99, run_measured};
use targets::{Goal, Report};
use veille::search::{Engine, SearchOptions};

/// The allocator the `veille` binary runs with (see the `mimalloc` line of
/// Cargo.toml), so that searching in process costs what it costs inside
/// `veille serve`, not what it would cost with glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The parts of the benchmark, in the order they run.
const PARTS: [&str; 4] = ["index", "search", "command", "daemon"];
/// Distinct queries searched in process.
const IN_PROCESS_QUERIES: usize = 5_000;
/// Distinct queries run as whole `veille search` processes.
const COMMAND_QUERIES: usize = 500;
/// Distinct queries prepared for the daemon: more than it can answer in
/// one run at its target rate, so that none is sent twice.
const DAEMON_QUERIES: usize = 40_000;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(data) = shared::data_or_skip(root) else {
        return;
    };
    let asked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Some(unknown) = asked.iter().find(|a| !PARTS.contains(&a.as_str())) {
        eprintln!(
            "unknown part {unknown:?}; the parts are {}",
            PARTS.join(", ")
        );
        std::process::exit(2);
    }
    let wanted = |part: &str| asked.is_empty() || asked.iter().any(|a| a == part);

    let work = root.join("target/bench");
    let started = Instant::now();
    let corpus = Corpus::prepare(&data, &work);
    println!(
        "corpus: {} files, {:.1} MB in {}; the same as one dump of {} lines, {:.1} MB, {} (ready in {:.1} s)",
        corpus.file_count,
        corpus.file_bytes as f64 / 1e6,
        corpus.files.display(),
        corpus.dump_lines,
        corpus.dump_bytes as f64 / 1e6,
        corpus.dump.display(),
        started.elapsed().as_secs_f64()
    );
    println!("load average at start: {}", load_average());
    let veille = PathBuf::from(env!("CARGO_BIN_EXE_veille"));
    let index = work.join("index");
    let mut report = Report::default();

    if wanted("index") || indexed_articles(&veille, &index).is_none() {
        indexing(&veille, &corpus, &work, &mut report);
    }

    let needs_queries = ["search", "command", "daemon"].iter().any(|p| wanted(p));
    let distinct = if needs_queries {
        let t = Instant::now();
        let distinct = queries::distinct(&corpus.dump, DAEMON_QUERIES);
        println!();
        println!(
            "{} distinct queries drawn in {:.1} s, such as: {}",
            distinct.len(),
            t.elapsed().as_secs_f64(),
            distinct[..8].join(" | ")
        );
        distinct
    } else {
        Vec::new()
    };
    let fixed = queries::fixed();
    if wanted("search") {
        in_process(&index, &fixed, &distinct[..IN_PROCESS_QUERIES], &mut report);
    }
    if wanted("command") {
        let step = IN_PROCESS_QUERIES / COMMAND_QUERIES;
        let sample: Vec<&String> = distinct[..IN_PROCESS_QUERIES]
            .iter()
            .step_by(step)
            .collect();
        command(&veille, &index, &sample, &mut report);
    }
    if wanted("daemon") {
        daemon(&veille, &index, &fixed, &distinct, &mut report);
    }

    println!();
    println!("load average at the end: {}", load_average());
    println!();
    print!("{}", report.table());
}

/// Indexing by veille and by plain tantivy, of the files then of the dump;
/// then a no-change re-index of the files.
fn indexing(veille: &Path, corpus: &Corpus, work: &Path, report: &mut Report) {
    struct Line {
        name: String,
        articles: u64,
        elapsed: Duration,
        bytes: u64,
        size: u64,
        rss_kib: Option<u64>,
    }
    let mut lines = Vec::new();
    let files = format!("{} files", corpus.file_count);
    let shapes = [
        (files.as_str(), "index", &corpus.files, corpus.file_bytes),
        (
            "one dump",
            "dump-index",
            &corpus.dump_dir,
            corpus.dump_bytes,
        ),
    ];
    for (shape, folder, source, bytes) in shapes {
        let index = work.join(folder);
        let (elapsed, rss) = run_measured(
            Command::new(veille)
                .args(["index", "--rebuild", "-q"])
                .arg("--index")
                .arg(&index)
                .arg(source),
        );
        let articles = indexed_articles(veille, &index).expect("the index just built");
        let size = dir_size(&index);
        let gauge = if source == &corpus.files {
            corpus::plain_files(source, &work.join("plain"))
        } else {
            corpus::plain_dump(&corpus.dump, &work.join("plain-dump"))
        };
        lines.push(Line {
            name: format!("veille index, {shape}"),
            articles,
            elapsed,
            bytes,
            size,
            rss_kib: Some(rss),
        });
        lines.push(Line {
            name: format!("plain tantivy, {shape}"),
            articles: gauge.articles,
            elapsed: gauge.elapsed,
            bytes,
            size: gauge.size,
            rss_kib: None,
        });
        let rate = articles as f64 / elapsed.as_secs_f64();
        let plain_rate = gauge.articles as f64 / gauge.elapsed.as_secs_f64();
        report.add_gauged(
            Goal::IndexingSpeed,
            format!("indexing, {shape}"),
            rate,
            plain_rate,
        );
        report.add_gauged(
            Goal::IndexSize,
            format!("index size, {shape}"),
            size as f64 / 1e6,
            gauge.size as f64 / 1e6,
        );
        report.add(
            Goal::IndexingRss,
            format!("peak RSS indexing, {shape}"),
            rss as f64 / 1024.0,
        );
    }

    let (reindex, reindex_rss) = run_measured(
        Command::new(veille)
            .args(["index", "-q", "--index"])
            .arg(work.join("index"))
            .arg(&corpus.files),
    );
    report.add(
        Goal::Reindex,
        format!("no-change re-index, {} files", corpus.file_count),
        reindex.as_secs_f64(),
    );

    println!();
    println!("| run | articles | time | articles/s | MB/s | index size | peak RSS |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for l in &lines {
        let secs = l.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {secs:.2} s | {:.0} | {:.1} | {:.1} MB | {} |",
            l.name,
            l.articles,
            l.articles as f64 / secs,
            l.bytes as f64 / 1e6 / secs,
            l.size as f64 / 1e6,
            l.rss_kib
                .map_or("–".to_string(), |kb| format!("{} MB", kb / 1024))
        );
    }
    println!(
        "| no-change re-index | {} files | {:.2} s | | | | {} MB |",
        corpus.file_count,
        reindex.as_secs_f64(),
        reindex_rss / 1024
    );
}

/// Search in process: the fixed queries (each searched once before it is
/// timed, with the library's default options), then the distinct queries
/// (each searched once, with the page's options).
fn in_process(index: &Path, fixed: &[String], distinct: &[String], report: &mut Report) {
    // In a thread of its own named `search`, so that a profiler can show
    // the searches apart from the drawing of the queries
    // (`perf report --comms search`).
    let (fixed_times, page_times, no_facet_times, with_hits) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("search".into())
            .spawn_scoped(scope, || {
                let engine = Engine::open(index).expect("open the index");
                let plain = SearchOptions::default();
                let page = SearchOptions {
                    facets: true,
                    ..SearchOptions::default()
                };
                let time = |queries: &[String], opts: &SearchOptions| {
                    let mut hits = 0usize;
                    let times: Vec<Duration> = queries
                        .iter()
                        .map(|q| {
                            let t = Instant::now();
                            let results = engine.search(q, opts).expect("search");
                            let took = t.elapsed();
                            hits += usize::from(results.total > 0);
                            took
                        })
                        .collect();
                    (times, hits)
                };
                time(fixed, &plain);
                let (fixed_times, _) = time(fixed, &plain);
                let (page_times, with_hits) = time(distinct, &page);
                let (no_facet_times, _) = time(distinct, &plain);
                (fixed_times, page_times, no_facet_times, with_hits)
            })
            .expect("start the search thread")
            .join()
            .expect("the searches")
    });

    println!();
    let line = |what: String, mut times: Vec<Duration>| {
        let (p50, p99) = p50_p99(&mut times);
        println!("{what}: p50 {:.2} ms, p99 {:.2} ms", ms(p50), ms(p99));
        (p50, p99)
    };
    line(
        format!(
            "search in process, the {} fixed queries (searched before), 10 hits with snippets",
            fixed.len()
        ),
        fixed_times,
    );
    let (p50, p99) = line(
        format!(
            "search in process, {} distinct queries ({:.1} % with hits), 10 hits with snippets and facets",
            distinct.len(),
            100.0 * with_hits as f64 / distinct.len() as f64
        ),
        page_times,
    );
    line(
        "the same distinct queries again, without facets".into(),
        no_facet_times,
    );
    report.add(
        Goal::InProcessP50,
        "search in process, distinct queries, p50",
        ms(p50),
    );
    report.add(
        Goal::InProcessP99,
        "search in process, distinct queries, p99",
        ms(p99),
    );
}

/// `veille search` from start to exit, once per query.
fn command(veille: &Path, index: &Path, queries: &[&String], report: &mut Report) {
    let mut times = Vec::new();
    for q in queries {
        let t = Instant::now();
        let status = Command::new(veille)
            .args(["search", q, "--color", "never", "--index"])
            .arg(index)
            .stdout(Stdio::null())
            .status()
            .expect("run veille search");
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "veille search {q:?} failed"
        );
        times.push(t.elapsed());
    }
    let (p50, p99) = p50_p99(&mut times);
    println!();
    println!(
        "`veille search` whole process, {} distinct queries: p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        ms(p50),
        ms(p99)
    );
    report.add(
        Goal::CommandP50,
        "`veille search` whole process, distinct queries, p50",
        ms(p50),
    );
}

/// The daemon under the distinct stream (cache on, as by default), then
/// under the fixed mix in turn as before: cache off, then cache on (the
/// first 10 s after start and the next 10 s).
fn daemon(veille: &Path, index: &Path, fixed: &[String], distinct: &[String], report: &mut Report) {
    println!();
    println!(
        "daemon, {} keep-alive connections, /api/search as the page asks (10 hits, snippets, facets), {} s per run:",
        load::CONNECTIONS,
        load::RUN.as_secs()
    );
    let fresh = Daemon::start(veille, index, &[]);
    let run = fresh.load(distinct, Walk::Once);
    let rss_kib = fresh.peak_rss_kib();
    println!(
        "  distinct queries, each sent once, cache on: {}, peak RSS {} MB",
        run.summary(),
        rss_kib / 1024
    );
    drop(fresh);
    let (_, p99) = run.p50_p99_ms();
    report.add(
        Goal::DaemonRate,
        "daemon, distinct queries, requests/s",
        run.requests_per_second(),
    );
    report.add(Goal::DaemonP99, "daemon, distinct queries, p99", p99);
    report.add(
        Goal::DaemonErrors,
        "daemon, distinct queries, errors",
        run.errors as f64,
    );
    report.add(
        Goal::DaemonRss,
        "daemon, distinct queries, peak RSS",
        rss_kib as f64 / 1024.0,
    );

    let mix = format!("the {} fixed queries in turn", fixed.len());
    let uncached = Daemon::start(veille, index, &["--cache-mb", "0"]);
    let run = uncached.load(fixed, Walk::Cycle);
    println!(
        "  {mix}, cache off: {}, peak RSS {} MB",
        run.summary(),
        uncached.peak_rss_kib() / 1024
    );
    drop(uncached);
    let cached = Daemon::start(veille, index, &[]);
    let secs = load::RUN.as_secs();
    for label in [
        format!("cache on, the first {secs} s after start"),
        format!("cache on, the next {secs} s"),
    ] {
        let run = cached.load(fixed, Walk::Cycle);
        println!(
            "  {mix}, {label}: {}, peak RSS {} MB",
            run.summary(),
            cached.peak_rss_kib() / 1024
        );
    }
}
