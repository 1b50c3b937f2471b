//! Measures language detection on the shared corpora: the share of
//! OrangeSum articles detected French and of BBC articles detected English,
//! with veille's own detection (bounded sample, confidence floor, fallback).
//!
//! ```sh
//! cargo run --release --example language_shares
//! ```
//!
//! Exits 1 when a share is under 99.9 %, and 0 (saying so) when
//! `../shared/data` is absent.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::ExitCode;

use veille::{analysis::lang, ingest};

const TARGET: f64 = 99.9;

struct Share {
    name: &'static str,
    expected: &'static str,
    counts: BTreeMap<String, usize>,
    misses: Vec<String>,
}

impl Share {
    fn new(name: &'static str, expected: &'static str) -> Share {
        Share {
            name,
            expected,
            counts: BTreeMap::new(),
            misses: Vec::new(),
        }
    }

    fn add(&mut self, label: String, article: &veille::Article) {
        let d = lang::detect_article(article, None);
        *self.counts.entry(d.code().to_string()).or_default() += 1;
        if d.code() != self.expected && self.misses.len() < 10 {
            self.misses
                .push(format!("{label}: {} ({:.2})", d.code(), d.confidence));
        }
    }

    fn report(&self) -> bool {
        let total: usize = self.counts.values().sum();
        let hits = self.counts.get(self.expected).copied().unwrap_or(0);
        let share = 100.0 * hits as f64 / total.max(1) as f64;
        println!(
            "{}: {hits} of {total} articles detected {} = {share:.2} % (target {TARGET} %)",
            self.name, self.expected
        );
        println!("  by language: {:?}", self.counts);
        for m in &self.misses {
            println!("  not {}: {m}", self.expected);
        }
        share >= TARGET
    }
}

fn orangesum(dir: &Path) -> Option<Share> {
    let file = std::fs::File::open(dir.join("orangesum.jsonl.gz")).ok()?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut share = Share::new("OrangeSum", "fr");
    for (n, line) in reader.lines().enumerate() {
        let line = line.expect("readable gzip");
        let v: serde_json::Value = serde_json::from_str(&line).expect("valid JSON line");
        let text = |k: &str| v[k].as_str().map(str::to_string);
        let article = veille::Article {
            title: text("title"),
            lead: text("heading"),
            body: text("article").unwrap_or_default(),
            ..Default::default()
        };
        share.add(format!("line {} {:?}", n + 1, article.title), &article);
    }
    Some(share)
}

fn bbc(dir: &Path) -> Option<Share> {
    let walk = ingest::walk(dir, &[]).ok()?;
    let mut share = Share::new("BBC", "en");
    for file in walk.files.iter().filter(|f| f.rel.contains('/')) {
        let bytes = std::fs::read(&file.path).expect("readable file");
        let parsed = ingest::parse(&file.path, &bytes).expect("parsable file");
        for article in &parsed.articles {
            share.add(file.rel.clone(), article);
        }
    }
    Some(share)
}

fn main() -> ExitCode {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let shares: Vec<Share> = [
        orangesum(&data.join("orangesum")),
        bbc(&data.join("bbc/bbc")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if shares.is_empty() {
        println!("skipping: ../shared/data not found");
        return ExitCode::SUCCESS;
    }
    // Report every corpus before judging.
    let passed: Vec<bool> = shares.iter().map(Share::report).collect();
    let ok = passed.iter().all(|p| *p);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
