//! The benchmark: veille against plain tantivy on the shared corpora.
//!
//! ```sh
//! cargo bench --bench veille
//! ```
//!
//! Converts OrangeSum (33k French), BBC (2.2k English) and Reuters (19k
//! English with a body) once into `target/bench/corpus/`, one file per
//! article, then measures and prints:
//!
//! - indexing: `veille index` (the built binary) against plain tantivy
//!   (default tokenizer, title and body stored, 2 threads, reading the same
//!   files), with articles/s, MB/s, index size and peak RSS;
//! - a no-change re-index of the same folder;
//! - search latency in process (p50, p95, p99, with 3 snippets per hit) over
//!   a fixed set of French and English queries, and end to end for the
//!   `veille search` command (p50);
//! - the daemon under `wrk` (16 keep-alive connections, 10 s per run), when
//!   `wrk` is installed: with its cache of recent searches off, then on
//!   (the first 10 s after start, and the next 10 s).
//!
//! Skips, saying so, when `../shared/data` is absent.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tantivy::schema::{Schema, STORED, TEXT};
use tantivy::{doc, Index};

const QUERIES: &str = include_str!("queries.txt");

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("../shared/data");
    if !data.join("orangesum").exists() {
        println!("skipping: ../shared/data not found");
        return;
    }
    let work = root.join("target/bench");
    let corpus = work.join("corpus");
    let started = Instant::now();
    let (files, bytes) = prepare(&data, &corpus);
    println!(
        "corpus: {files} files, {:.1} MB in {} (prepared in {:.1} s)",
        bytes as f64 / 1e6,
        corpus.display(),
        started.elapsed().as_secs_f64()
    );
    let veille = PathBuf::from(env!("CARGO_BIN_EXE_veille"));
    let mut table = Vec::new();

    // Indexing, veille.
    let index = work.join("index");
    let (elapsed, rss) = run_measured(
        Command::new(&veille)
            .args([
                "index",
                "--rebuild",
                "-q",
                "--max-file-size",
                "200",
                "--index",
            ])
            .arg(&index)
            .arg(&corpus),
    );
    let articles = stats_articles(&veille, &index);
    let veille_size = dir_size(&index);
    let veille_rate = articles as f64 / elapsed.as_secs_f64();
    table.push(row(
        "veille index",
        articles,
        elapsed,
        bytes,
        veille_size,
        Some(rss),
    ));

    // Indexing, plain tantivy in process (peak RSS of this process so far).
    let (base_articles, base_elapsed, base_size) = baseline(&corpus, &work.join("baseline"));
    let base_rate = base_articles as f64 / base_elapsed.as_secs_f64();
    table.push(row(
        "plain tantivy",
        base_articles,
        base_elapsed,
        bytes,
        base_size,
        None,
    ));

    // No-change re-index.
    let (reindex, reindex_rss) = run_measured(
        Command::new(&veille)
            .args(["index", "-q", "--max-file-size", "200", "--index"])
            .arg(&index)
            .arg(&corpus),
    );

    println!();
    println!("| run | articles | time | articles/s | MB/s | index size | peak RSS |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &table {
        println!("{r}");
    }
    println!(
        "| no-change re-index | {files} files | {:.2} s | | | | {} MB |",
        reindex.as_secs_f64(),
        reindex_rss / 1024
    );
    println!();
    println!(
        "indexing throughput ratio veille / plain tantivy: {:.2} (target ≥ 1.0)",
        veille_rate / base_rate
    );
    println!(
        "index size ratio veille / plain tantivy: {:.2} (target ≤ 1.5)",
        veille_size as f64 / base_size as f64
    );

    // Search in process.
    let queries: Vec<&str> = QUERIES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let engine = veille::search::Engine::open(&index).expect("open the index");
    let opts = veille::search::SearchOptions::default();
    for q in &queries {
        engine.search(q, &opts).expect("search");
    }
    let mut times = Vec::new();
    for q in &queries {
        let t = Instant::now();
        engine.search(q, &opts).expect("search");
        times.push(t.elapsed());
    }
    let (p50, p95, p99) = percentiles(&mut times);
    println!();
    println!(
        "search in process, {} queries, 10 hits with 3 snippets: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms (target p99 ≤ 10 ms)",
        queries.len(),
        ms(p50),
        ms(p95),
        ms(p99)
    );

    // Search end to end.
    let mut times = Vec::new();
    for q in queries.iter().step_by(4) {
        let t = Instant::now();
        let status = Command::new(&veille)
            .args(["search", q, "--color", "never", "--index"])
            .arg(&index)
            .stdout(Stdio::null())
            .status()
            .expect("run veille search");
        assert!(status.code().is_some_and(|c| c <= 1));
        times.push(t.elapsed());
    }
    let (p50, _, p99) = percentiles(&mut times);
    println!(
        "`veille search` end to end, {} queries: p50 {:.1} ms, p99 {:.1} ms (target p50 ≤ 8 ms)",
        times.len(),
        ms(p50),
        ms(p99)
    );

    daemon(&veille, &index, &work, &queries);
}

struct Row {
    name: &'static str,
    articles: u64,
    elapsed: Duration,
    bytes: u64,
    size: u64,
    rss_kb: Option<u64>,
}

fn row(
    name: &'static str,
    articles: u64,
    elapsed: Duration,
    bytes: u64,
    size: u64,
    rss_kb: Option<u64>,
) -> Row {
    Row {
        name,
        articles,
        elapsed,
        bytes,
        size,
        rss_kb,
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        write!(
            f,
            "| {} | {} | {:.2} s | {:.0} | {:.1} | {:.1} MB | {} |",
            self.name,
            self.articles,
            secs,
            self.articles as f64 / secs,
            self.bytes as f64 / 1e6 / secs,
            self.size as f64 / 1e6,
            self.rss_kb
                .map_or("-".to_string(), |kb| format!("{} MB", kb / 1024))
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentiles(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.50), at(0.95), at(0.99))
}

/// Runs a command to completion; returns its wall time and the peak RSS
/// (KiB) of that child alone.
// The child is reaped by `wait4`, which also gives its own peak RSS;
// `Child::wait` cannot report that.
#[allow(clippy::zombie_processes, unsafe_code)]
fn run_measured(cmd: &mut Command) -> (Duration, u64) {
    let t = Instant::now();
    let child = cmd.stdout(Stdio::null()).spawn().expect("run command");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values we pass, for our own child.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut usage);
        usage
    };
    let elapsed = t.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed"
    );
    (elapsed, usage.ru_maxrss as u64)
}

fn stats_articles(veille: &Path, index: &Path) -> u64 {
    let out = Command::new(veille)
        .args(["stats", "--json", "--index"])
        .arg(index)
        .output()
        .expect("veille stats");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    v["articles"].as_u64().unwrap_or(0)
}

fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Writes one file per article under `corpus` (once); returns the number
/// of files and their total size.
fn prepare(data: &Path, corpus: &Path) -> (u64, u64) {
    let done = corpus.join(".complete");
    if !done.exists() {
        let _ = fs::remove_dir_all(corpus);
        fs::create_dir_all(corpus.join("orangesum")).unwrap();
        fs::create_dir_all(corpus.join("reuters")).unwrap();
        let gz = fs::File::open(data.join("orangesum/orangesum.jsonl.gz")).unwrap();
        let reader = BufReader::new(flate2::read::GzDecoder::new(gz));
        for line in reader.lines() {
            let line = line.unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            let id = v["id"].to_string();
            fs::write(corpus.join(format!("orangesum/{id}.json")), line).unwrap();
        }
        let reuters = fs::File::open(data.join("reuters/reuters21578.jsonl")).unwrap();
        for line in BufReader::new(reuters).lines() {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            let Some(body) = v["body"].as_str().filter(|b| !b.trim().is_empty()) else {
                continue;
            };
            let out = serde_json::json!({
                "id": format!("reuters-{}", v["newid"]),
                "title": v["title"],
                "body": body,
                "date": reuters_date(v["date"].as_str().unwrap_or("")),
                "source": "Reuters",
                "tags": v["topics"],
            });
            fs::write(
                corpus.join(format!("reuters/{}.json", v["newid"])),
                out.to_string(),
            )
            .unwrap();
        }
        for entry in walkdir::WalkDir::new(data.join("bbc/bbc")) {
            let entry = entry.unwrap();
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "txt") {
                let rel = p.strip_prefix(data.join("bbc/bbc")).unwrap();
                let target = corpus.join("bbc").join(rel);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(p, target).unwrap();
            }
        }
        fs::File::create(&done).unwrap().write_all(b"ok").unwrap();
    }
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(corpus)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
            files += 1;
            bytes += entry.metadata().unwrap().len();
        }
    }
    (files, bytes)
}

/// `26-FEB-1987 15:01:01.79` → `1987-02-26T15:01:01Z`.
fn reuters_date(s: &str) -> String {
    let months = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let mut parts = s.trim().split([' ', '-']);
    let (Some(d), Some(m), Some(y), Some(t)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return String::new();
    };
    let month = months.iter().position(|x| *x == m).map_or(1, |i| i + 1);
    let time = t.split('.').next().unwrap_or("00:00:00");
    format!(
        "{y}-{month:02}-{:02}T{time}Z",
        d.parse::<u32>().unwrap_or(1)
    )
}

/// Plain tantivy over the same files: one title and one body field, both
/// stored and analysed by the default tokenizer, 2 indexing threads.
fn baseline(corpus: &Path, dir: &Path) -> (u64, Duration, u64) {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    let mut sb = Schema::builder();
    let title = sb.add_text_field("title", TEXT | STORED);
    let body = sb.add_text_field("body", TEXT | STORED);
    let index = Index::create_in_dir(dir, sb.build()).unwrap();
    let t = Instant::now();
    let mut writer = index.writer_with_num_threads(2, 200_000_000).unwrap();
    let mut n = 0u64;
    for entry in walkdir::WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry.unwrap();
        let p = entry.path();
        let Some(ext) = p.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        let Ok(bytes) = fs::read(p) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        let (t_, b_) = if ext == "json" {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let get = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let body_text = if v.get("article").is_some() {
                format!("{}\n{}", get("heading"), get("article"))
            } else {
                get("body")
            };
            (get("title"), body_text)
        } else {
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            (first.to_string(), rest.to_string())
        };
        writer.add_document(doc!(title => t_, body => b_)).unwrap();
        n += 1;
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    (n, t.elapsed(), dir_size(dir))
}

/// The daemon under wrk: 16 keep-alive connections for 10 s, every request
/// a search with snippets, cycling through the queries. Three runs: with
/// the cache of recent searches off (every request searched); then, on a
/// freshly started daemon with the cache on, the first 10 s (each query
/// searched once, then answered from the cache) and the next 10 s.
fn daemon(veille: &Path, index: &Path, work: &Path, queries: &[&str]) {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("daemon: skipped (wrk not installed: apt-get install wrk)");
        return;
    }
    let paths: Vec<String> = queries
        .iter()
        .map(|q| {
            format!(
                "\"/api/search?q={}\"",
                q.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect();
    let script = work.join("wrk.lua");
    fs::write(
        &script,
        format!(
            "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
            paths.join(",")
        ),
    )
    .unwrap();
    println!();
    println!(
        "daemon, wrk -t2 -c16 -d10s, /api/search with 3 snippets per hit, {} queries in turn (targets: ≥ 7500 req/s, 0 errors, p99 ≤ 20 ms, RSS ≤ 200 MB):",
        queries.len()
    );
    let mut uncached = Daemon::start(veille, index, &["--cache-mb", "0"]);
    uncached.wrk(&script, "cache off, every request searched");
    uncached.stop();
    let mut cached = Daemon::start(veille, index, &[]);
    cached.wrk(&script, "cache on, first 10 s after start");
    cached.wrk(&script, "cache on, next 10 s");
    cached.stop();
}

/// A `veille serve` started for the benchmark.
struct Daemon {
    child: std::process::Child,
    url: String,
}

impl Daemon {
    fn start(veille: &Path, index: &Path, extra: &[&str]) -> Daemon {
        let mut child = Command::new(veille)
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(index)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start veille serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("listening line")
            .to_string();
        Daemon { child, url }
    }

    /// One wrk run; prints its figures and the daemon's peak RSS so far.
    fn wrk(&mut self, script: &Path, label: &str) {
        let out = Command::new("wrk")
            .args(["-t2", "-c16", "-d10s", "--latency", "-s"])
            .arg(script)
            .arg(&self.url)
            .output()
            .expect("run wrk");
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |prefix: &str| {
            text.lines()
                .map(str::trim)
                .find(|l| l.starts_with(prefix))
                .map(|l| l[prefix.len()..].trim().to_string())
                .unwrap_or_else(|| "?".into())
        };
        let errors = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Non-2xx") || l.starts_with("Socket errors"))
            .collect::<Vec<_>>()
            .join("; ");
        let rss = fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0);
        println!(
            "  {label}: {} req/s, p50 {}, p99 {}, {}, peak RSS {} MB",
            field("Requests/sec:"),
            field("50%"),
            field("99%"),
            if errors.is_empty() {
                "0 errors".to_string()
            } else {
                errors
            },
            rss / 1024
        );
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
