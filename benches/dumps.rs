//! The dump benchmark: `veille index` with default options on one big JSON
//! Lines file, the way articles are moved around.
//!
//! ```sh
//! cargo bench --bench dumps            # the 108 MB dump, then the 1 GB one
//! cargo bench --bench dumps -- 108     # only the 108 MB dump
//! cargo bench --bench dumps -- write   # only write the two dumps
//! ```
//!
//! Writes, once, into `target/bench/dumps/`:
//!
//! - `108/dump.jsonl`: OrangeSum (33k French articles, as shipped), Reuters
//!   (the records with a body) and BBC (2.2k English text files), one
//!   article per line, about 108 MB and 54k articles;
//! - `1g/dump.jsonl`: that dump ten times over, each copy with its own ids
//!   and a word of its own in every text (identical texts would be one
//!   story filed ten times, shown as one hit), about 1.1 GB and 545k
//!   articles.
//!
//! Then indexes each folder into a new index under GNU time, and prints the
//! articles indexed out of the lines of the dump, the time and the peak
//! RSS. Skips, saying so, when the shared data is absent (`../shared/data`,
//! or `$VEILLE_SHARED/data`).

#[path = "common/shared.rs"]
mod shared;

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

/// Copies of the 108 MB dump in the 1 GB one.
const COPIES: usize = 10;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(data) = shared::data_or_skip(root) else {
        return;
    };
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let work = root.join("target/bench/dumps");
    let small = work.join("108/dump.jsonl");
    let big = work.join("1g/dump.jsonl");
    let started = Instant::now();
    let lines = write_once(&small, |out| write_shared(&data, out));
    println!(
        "{}: {lines} articles, {:.1} MB (ready in {:.1} s)",
        small.display(),
        size_mb(&small),
        started.elapsed().as_secs_f64()
    );
    let write_only = only.iter().any(|o| o == "write");
    let wanted = |name: &str| only.is_empty() || write_only || only.iter().any(|o| o == name);
    let mut rows = Vec::new();
    if wanted("108") && !write_only {
        rows.push(index(&small, lines, &work.join("108-index")));
    }
    if wanted("1g") {
        let started = Instant::now();
        let big_lines = write_once(&big, |out| repeat(&small, COPIES, out));
        println!(
            "{}: {big_lines} articles, {:.1} MB (ready in {:.1} s)",
            big.display(),
            size_mb(&big),
            started.elapsed().as_secs_f64()
        );
        if !write_only {
            rows.push(index(&big, big_lines, &work.join("1g-index")));
        }
    }
    if write_only {
        return;
    }
    println!();
    println!("| dump | size | articles indexed / lines | time | peak RSS |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in rows {
        println!("{row}");
    }
}

/// Writes `path` with `fill` unless a previous run finished it; returns the
/// number of lines.
fn write_once(path: &Path, fill: impl FnOnce(&mut dyn Write) -> usize) -> usize {
    // Beside the dump's folder (`108.lines`), so that it is not indexed:
    // it says the dump is whole.
    let done = path.parent().expect("a folder").with_extension("lines");
    if let Some(n) = fs::read_to_string(&done)
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        return n;
    }
    fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    let mut out = BufWriter::new(fs::File::create(path).expect("create the dump"));
    let n = fill(&mut out);
    out.flush().expect("write the dump");
    fs::write(&done, n.to_string()).expect("mark the dump done");
    n
}

/// OrangeSum, Reuters and BBC as one JSON Lines dump, as `benches/veille.rs`
/// assembles them (one file per article there).
fn write_shared(data: &Path, out: &mut dyn Write) -> usize {
    let mut n = 0;
    let gz = fs::File::open(data.join("orangesum/orangesum.jsonl.gz")).expect("OrangeSum");
    for line in BufReader::new(flate2::read::GzDecoder::new(gz)).lines() {
        writeln!(out, "{}", line.expect("an OrangeSum line")).expect("write");
        n += 1;
    }
    let reuters = fs::File::open(data.join("reuters/reuters21578.jsonl")).expect("Reuters");
    for line in BufReader::new(reuters).lines() {
        let v: Value = serde_json::from_str(&line.expect("a Reuters line")).expect("JSON");
        let Some(body) = v["body"].as_str().filter(|b| !b.trim().is_empty()) else {
            continue;
        };
        let article = json!({
            "id": format!("reuters-{}", v["newid"]),
            "title": v["title"],
            "body": body,
            "source": "Reuters",
            "tags": v["topics"],
        });
        writeln!(out, "{article}").expect("write");
        n += 1;
    }
    let mut bbc: Vec<PathBuf> = walkdir::WalkDir::new(data.join("bbc/bbc"))
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    bbc.sort();
    for path in bbc {
        let text = String::from_utf8_lossy(&fs::read(&path).expect("a BBC file")).into_owned();
        let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
        let rel = path.strip_prefix(data.join("bbc/bbc")).expect("inside");
        let article = json!({
            "id": format!("bbc/{}", rel.to_string_lossy()),
            "title": title.trim(),
            "body": body.trim(),
            "source": "BBC",
        });
        writeln!(out, "{article}").expect("write");
        n += 1;
    }
    n
}

/// `copies` copies of a dump, each article with the copy's number in its id
/// and as the last word of its text.
fn repeat(dump: &Path, copies: usize, out: &mut dyn Write) -> usize {
    let mut n = 0;
    for copy in 1..=copies {
        let file = fs::File::open(dump).expect("the 108 MB dump");
        for line in BufReader::new(file).lines() {
            let mut v: Value = serde_json::from_str(&line.expect("a line")).expect("JSON");
            let id = match &v["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            v["id"] = json!(format!("{id}-copy{copy}"));
            for field in ["article", "body"] {
                if let Some(text) = v[field].as_str() {
                    v[field] = json!(format!("{text} copy{copy}"));
                }
            }
            writeln!(out, "{v}").expect("write");
            n += 1;
        }
    }
    n
}

struct Row {
    name: String,
    mb: f64,
    articles: u64,
    lines: usize,
    seconds: f64,
    rss_mib: Option<f64>,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "| {} | {:.0} MB | {} / {} ({:.1} %) | {:.1} s | {} |",
            self.name,
            self.mb,
            self.articles,
            self.lines,
            100.0 * self.articles as f64 / self.lines as f64,
            self.seconds,
            self.rss_mib
                .map_or_else(|| "not measured".to_string(), |m| format!("{m:.0} MiB"))
        )
    }
}

/// `veille index --rebuild` of the dump's folder with default options,
/// under GNU time when it is installed.
fn index(dump: &Path, lines: usize, index: &Path) -> Row {
    let veille = PathBuf::from(env!("CARGO_BIN_EXE_veille"));
    let folder = dump.parent().expect("the dump's folder");
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut cmd = Command::new(time);
        cmd.arg("-v").arg(&veille);
        cmd
    } else {
        println!("GNU time not found: peak RSS not measured");
        Command::new(&veille)
    };
    cmd.args(["index", "--rebuild", "-q", "--index"])
        .arg(index)
        .arg(folder);
    let started = Instant::now();
    let out = cmd.output().expect("run veille index");
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "veille index failed:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{}", stdout.lines().take(12).collect::<Vec<_>>().join("\n"));
    let rss_mib = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    let stats = Command::new(&veille)
        .args(["stats", "--json", "--index"])
        .arg(index)
        .output()
        .expect("run veille stats");
    let stats: Value = serde_json::from_slice(&stats.stdout).expect("stats as JSON");
    Row {
        name: dump.display().to_string(),
        mb: size_mb(dump),
        articles: stats["articles"].as_u64().expect("articles"),
        lines,
        seconds,
        rss_mib,
    }
}

fn size_mb(path: &Path) -> f64 {
    fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}
