//! Calibration of near-duplicate detection (`veille::analysis::dedup`) on OrangeSum.
//!
//! ```text
//! cargo run --release --example near_duplicates [-- PATH]
//! ```
//!
//! Reads `../shared/data/orangesum/orangesum.jsonl.gz` (or PATH), fingerprints
//! title + heading + article of every article, finds candidate pairs through
//! the band keys and reports: throughput, groups and their sizes, sample
//! pairs on both sides of the threshold, pairs of template stories ("le point
//! sur", "en direct", "chiffres", "bilan"), and how often the fingerprint's
//! decision differs from the exact similarity it estimates.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use serde::Deserialize;
use veille::analysis::dedup::{self, Fingerprint, MIN_MATCHES, SLOTS};

#[derive(Deserialize)]
struct Doc {
    id: u64,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    article: Option<String>,
}

impl Doc {
    fn parts(&self) -> [&str; 3] {
        [
            self.title.as_deref().unwrap_or(""),
            self.heading.as_deref().unwrap_or(""),
            self.article.as_deref().unwrap_or(""),
        ]
    }

    fn text(&self) -> String {
        self.parts().join("\n")
    }

    fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("").trim()
    }

    fn date(&self) -> &str {
        self.date.as_deref().unwrap_or("?")
    }
}

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/orangesum/orangesum.jsonl.gz")
        });
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let docs = match load(&path) {
        Ok(docs) => docs,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    println!("{} articles from {}", docs.len(), path.display());
    println!(
        "threshold: {MIN_MATCHES} of {SLOTS} slots equal (estimated similarity >= {:.3})\n",
        MIN_MATCHES as f64 / SLOTS as f64
    );

    let fps = throughput(&docs);
    let comparable = fps.iter().filter(|fp| fp.is_comparable()).count();
    println!(
        "comparable: {comparable} articles; {} shorter than {} words\n",
        docs.len() - comparable,
        dedup::MIN_WORDS
    );

    let pairs = candidates(&fps);
    groups(&docs, &fps);
    near_threshold(&docs, &fps, &pairs);
    far_apart(&docs, &fps, &pairs);
    templates(&docs, &fps);
    estimator(&docs, &pairs);
}

fn load(path: &PathBuf) -> std::io::Result<Vec<Doc>> {
    let file = std::fs::File::open(path)?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let mut docs = Vec::new();
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: Doc = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        docs.push(doc);
    }
    Ok(docs)
}

/// Fingerprints every article (best of three passes, one thread).
fn throughput(docs: &[Doc]) -> Vec<Fingerprint> {
    let bytes: usize = docs
        .iter()
        .map(|d| d.parts().iter().map(|p| p.len()).sum::<usize>())
        .sum();
    let mut best = f64::INFINITY;
    let mut fps = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        fps = docs
            .iter()
            .map(|d| dedup::fingerprint_parts(d.parts()))
            .collect();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "fingerprinting: {:.1} MB in {:.3} s on one thread: {:.1} MB/s, {:.0} articles/s",
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best,
        docs.len() as f64 / best
    );
    fps
}

/// Candidate pairs sharing a band key, with their number of equal slots.
fn candidates(fps: &[Fingerprint]) -> Vec<(u32, u32, usize)> {
    let start = Instant::now();
    let mut by_key: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, fp) in fps.iter().enumerate() {
        for key in dedup::bands(fp).into_iter().flatten() {
            by_key.entry(key).or_default().push(i as u32);
        }
    }
    let mut seen = HashSet::new();
    let mut longest = 0;
    for list in by_key.values() {
        longest = longest.max(list.len());
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                seen.insert((a, b));
            }
        }
    }
    let mut pairs: Vec<(u32, u32, usize)> = seen
        .into_iter()
        .map(|(a, b)| (a, b, fps[a as usize].matches(&fps[b as usize])))
        .collect();
    pairs.sort_unstable();
    let similar = pairs.iter().filter(|p| p.2 >= MIN_MATCHES).count();
    println!(
        "candidates: {} keys, longest key list {}, {} pairs sharing a key, {} of them similar ({:.2} s)",
        by_key.len(),
        longest,
        pairs.len(),
        similar,
        start.elapsed().as_secs_f64()
    );
    let mut hist = [0usize; 11];
    for p in &pairs {
        hist[p.2 * 10 / SLOTS] += 1;
    }
    print!("  candidate pairs by estimated similarity:");
    for (i, n) in hist.iter().enumerate() {
        if *n > 0 {
            print!(" {:.1}+: {n}", i as f64 / 10.0);
        }
    }
    println!("\n");
    pairs
}

/// Groups in corpus order, as `dedup::group` forms them.
fn groups(docs: &[Doc], fps: &[Fingerprint]) {
    let items: Vec<(usize, Fingerprint)> = fps.iter().copied().enumerate().collect();
    let start = Instant::now();
    let groups = dedup::group(&items);
    let elapsed = start.elapsed().as_secs_f64();
    let multi: Vec<&Vec<usize>> = groups.iter().filter(|g| g.len() > 1).collect();
    let members: usize = multi.iter().map(|g| g.len()).sum();
    println!(
        "groups: {} articles form {} groups ({:.2} s); {} groups of 2 or more hold {} articles ({} hidden behind a representative)",
        docs.len(),
        groups.len(),
        elapsed,
        multi.len(),
        members,
        members - multi.len()
    );
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for g in &multi {
        *sizes.entry(g.len()).or_default() += 1;
    }
    print!("  group sizes:");
    for (size, n) in &sizes {
        print!(" {size}: {n},");
    }
    println!();
    let mut largest = multi.clone();
    largest.sort_by_key(|g| std::cmp::Reverse(g.len()));
    println!("  largest groups:");
    for g in largest.iter().take(5) {
        let rep = &docs[g[0]];
        let titles: HashSet<&str> = g.iter().map(|&i| docs[i].title()).collect();
        println!(
            "    {} articles, {} distinct titles, e.g. [{} {}] {}",
            g.len(),
            titles.len(),
            rep.id,
            rep.date(),
            rep.title()
        );
    }
    println!();
}

/// Sample candidate pairs at several distances around the threshold.
fn near_threshold(docs: &[Doc], fps: &[Fingerprint], pairs: &[(u32, u32, usize)]) {
    println!("pairs around the threshold (est = estimated, exact = exact weighted Jaccard):");
    let bins: [(usize, usize); 6] = [
        (45, 55),
        (55, 60),
        (60, MIN_MATCHES),
        (MIN_MATCHES, 70),
        (70, 80),
        (80, 100),
    ];
    for (lo, hi) in bins {
        let verdict = if lo >= MIN_MATCHES {
            "merged"
        } else {
            "kept apart"
        };
        println!("  {lo}..{hi} equal slots ({verdict}):");
        // Spread the samples over the bin: every n-th pair, distinct titles.
        let in_bin: Vec<&(u32, u32, usize)> = pairs
            .iter()
            .filter(|p| {
                p.2 >= lo && p.2 < hi && docs[p.0 as usize].title() != docs[p.1 as usize].title()
            })
            .collect();
        let step = (in_bin.len() / 3).max(1);
        for p in in_bin.iter().step_by(step).take(3) {
            print_pair(docs, fps, p.0 as usize, p.1 as usize);
        }
    }
    println!();
}

fn print_pair(docs: &[Doc], fps: &[Fingerprint], a: usize, b: usize) {
    let (da, db) = (&docs[a], &docs[b]);
    println!(
        "    est {:.2} exact {:.2} | [{} {}] {} | [{} {}] {}",
        fps[a].similarity(&fps[b]),
        dedup::exact_similarity(&da.text(), &db.text()),
        da.id,
        da.date(),
        clip(da.title(), 70),
        db.id,
        db.date(),
        clip(db.title(), 70)
    );
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

/// Merged pairs dated more than a day apart: where false merges of
/// recurring stories would show.
fn far_apart(docs: &[Doc], fps: &[Fingerprint], pairs: &[(u32, u32, usize)]) {
    let mut far: Vec<&(u32, u32, usize)> = pairs
        .iter()
        .filter(|p| p.2 >= MIN_MATCHES && !dates_close(&docs[p.0 as usize], &docs[p.1 as usize]))
        .collect();
    let merged = pairs.iter().filter(|p| p.2 >= MIN_MATCHES).count();
    println!(
        "merged pairs dated more than a day apart: {} of {merged} (lowest similarity first):",
        far.len()
    );
    far.sort_by_key(|p| p.2);
    for p in far.iter().take(
        std::env::var("FAR")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8),
    ) {
        print_pair(docs, fps, p.0 as usize, p.1 as usize);
    }
    println!();
}

/// All pairs of articles whose titles share a template word: how many are
/// merged, the closest ones kept apart, and the merged ones.
fn templates(docs: &[Doc], fps: &[Fingerprint]) {
    println!("template titles (all pairs of comparable articles whose titles contain the words):");
    for needle in ["point sur", "en direct", "chiffres", "bilan"] {
        let family: Vec<usize> = (0..docs.len())
            .filter(|&i| fps[i].is_comparable() && docs[i].title().to_lowercase().contains(needle))
            .collect();
        let mut pairs = Vec::new();
        for (k, &a) in family.iter().enumerate() {
            for &b in &family[k + 1..] {
                pairs.push((fps[a].matches(&fps[b]), a, b));
            }
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
        let merged: Vec<_> = pairs.iter().filter(|p| p.0 >= MIN_MATCHES).collect();
        let apart: Vec<_> = pairs.iter().filter(|p| p.0 < MIN_MATCHES).collect();
        let same_date = merged
            .iter()
            .filter(|p| dates_close(&docs[p.1], &docs[p.2]))
            .count();
        println!(
            "  \"{needle}\": {} articles, {} pairs, {} merged ({} of them dated within a day of each other)",
            family.len(),
            pairs.len(),
            merged.len(),
            same_date
        );
        println!("    closest pairs kept apart:");
        for p in apart.iter().take(3) {
            print_pair(docs, fps, p.1, p.2);
        }
        // Merged pairs with different dates first: the suspicious ones.
        let mut shown: Vec<_> = merged.clone();
        shown.sort_by_key(|p| (dates_close(&docs[p.1], &docs[p.2]), p.0));
        println!("    merged pairs (most distant dates and lowest similarity first):");
        for p in shown.iter().take(3) {
            print_pair(docs, fps, p.1, p.2);
        }
    }
    println!();
}

/// Whether two articles are dated the same day or consecutive days.
fn dates_close(a: &Doc, b: &Doc) -> bool {
    match (day_number(a.date()), day_number(b.date())) {
        (Some(x), Some(y)) => x.abs_diff(y) <= 1,
        _ => false,
    }
}

/// Days since 0000-03-01 of a `YYYY-MM-DD` date (civil calendar).
fn day_number(date: &str) -> Option<i64> {
    let mut it = date.get(..10)?.split('-').map(|s| s.parse::<i64>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    Some(365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1)
}

/// How the fingerprint's decisions compare with exact similarities, on the
/// candidate pairs with an estimated similarity of 0.3 or more.
fn estimator(docs: &[Doc], pairs: &[(u32, u32, usize)]) {
    let start = Instant::now();
    let mut counts = [[0usize; 2]; 2];
    let mut error = 0.0f64;
    let mut error2 = 0.0f64;
    let mut n = 0usize;
    let mut worst = Vec::new();
    for &(a, b, m) in pairs.iter().filter(|p| p.2 * 10 >= SLOTS * 3) {
        let exact = dedup::exact_similarity(&docs[a as usize].text(), &docs[b as usize].text());
        let est = m as f64 / SLOTS as f64;
        error += est - exact;
        error2 += (est - exact) * (est - exact);
        n += 1;
        let merged = m >= MIN_MATCHES;
        let should = exact >= 0.5;
        counts[usize::from(should)][usize::from(merged)] += 1;
        if merged != should {
            worst.push(((exact - 0.5).abs(), a, b, est, exact));
        }
    }
    if n == 0 {
        return;
    }
    println!(
        "estimator on {n} candidate pairs (estimated >= 0.3): mean error {:+.4}, rms error {:.4} ({:.2} s)",
        error / n as f64,
        (error2 / n as f64).sqrt(),
        start.elapsed().as_secs_f64()
    );
    println!(
        "  exact >= 0.5: {} merged, {} missed; exact < 0.5: {} merged, {} apart",
        counts[1][1], counts[1][0], counts[0][1], counts[0][0]
    );
    worst.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (_, a, b, est, exact) in worst.iter().take(3) {
        let (da, db) = (&docs[*a as usize], &docs[*b as usize]);
        println!(
            "  disagreement: est {est:.2} exact {exact:.2} | [{} {}] {} | [{} {}] {}",
            da.id,
            da.date(),
            clip(da.title(), 60),
            db.id,
            db.date(),
            clip(db.title(), 60)
        );
    }
}
