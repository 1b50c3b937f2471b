//! Times language detection alone, as `veille index` runs it on each
//! article: the article's language, then the other languages of its
//! paragraphs. Over every OrangeSum and BBC article, loaded beforehand, on
//! one thread, best of [`ROUNDS`] rounds; it also prints the share of each
//! corpus detected in its language. Only public calls that predate the
//! stop-word vote are used, so the same file measures an older build.
//!
//! ```sh
//! VEILLE_SHARED=/work/shared cargo run --release --example detect_speed
//! ```
//!
//! Without the shared data it says so and exits 0.

#[path = "common/corpora.rs"]
mod corpora;

use std::time::{Duration, Instant};

use veille::analysis::lang;

/// Rounds over the corpora; the fastest is reported.
const ROUNDS: usize = 3;

fn main() {
    let corpora: Vec<corpora::Corpus> = [corpora::orangesum(), corpora::bbc()]
        .into_iter()
        .flatten()
        .collect();
    if corpora.is_empty() {
        println!("skipping: no shared data (set VEILLE_SHARED)");
        return;
    }
    for corpus in &corpora {
        let mut best = Duration::MAX;
        let mut hits = 0;
        let mut others = 0;
        for _ in 0..ROUNDS {
            hits = 0;
            others = 0;
            let start = Instant::now();
            for (_, article) in &corpus.articles {
                let d = lang::detect_article(article, None);
                others += lang::other_languages(&article.body, d.language).len();
                hits += usize::from(d.code() == corpus.expected);
            }
            best = best.min(start.elapsed());
        }
        let n = corpus.articles.len();
        println!(
            "{}: {n} articles in {:.3} s = {:.1} µs/article; {hits} detected {} ({:.2} %), \
             {others} other paragraph languages",
            corpus.name,
            best.as_secs_f64(),
            best.as_secs_f64() * 1e6 / n as f64,
            corpus.expected,
            100.0 * hits as f64 / n as f64,
        );
    }
}
