//! How the stop-word vote ([`lang::vote`]) decides on the shared corpora,
//! to choose and check its constants: for every OrangeSum and BBC article,
//! and for its short form (title and first sentence, as feeds carry it),
//! how often the vote decides alone, whether it ever names a language other
//! than the corpus's, and how clearly the corpus's language leads (its
//! votes over the best other language's, and its share of the words).
//!
//! ```sh
//! VEILLE_SHARED=/work/shared cargo run --release --example language_vote
//! ```
//!
//! Exits 1 when the vote names a wrong language, and 0 (saying so) without
//! the shared data.

#[path = "common/corpora.rs"]
mod corpora;

use std::process::ExitCode;

use veille::analysis::lang::{self, vote};

/// The first sentence of a text: up to its first `.`, `!` or `?` followed
/// by a space, or all of it.
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    text.match_indices(['.', '!', '?'])
        .find(|(i, _)| text[i + 1..].chars().next().is_none_or(char::is_whitespace))
        .map_or(text, |(i, _)| &text[..=i])
}

/// The value at `q` (0..=1) of sorted `values`.
fn quantile(values: &[usize], q: f64) -> usize {
    values
        .get(((values.len() as f64 - 1.0) * q).round() as usize)
        .copied()
        .unwrap_or(0)
}

#[derive(Default)]
struct Stats {
    texts: usize,
    decided: usize,
    wrong: Vec<String>,
    /// The expected language's votes over the best other's, in percent.
    lead: Vec<usize>,
    /// The expected language's votes over the words, in percent.
    share: Vec<usize>,
}

impl Stats {
    fn add(&mut self, label: &str, sample: &str, expected: &str) {
        let tally = vote::tally(sample);
        self.texts += 1;
        if let Some(winner) = tally.winner() {
            self.decided += 1;
            if winner.code != expected {
                let votes: Vec<String> = (tally.votes.iter().take(3))
                    .map(|(l, n)| format!("{} {n}", l.code))
                    .collect();
                self.wrong.push(format!(
                    "{label}: {} ({} words; {}) {sample:?}",
                    winner.code,
                    tally.words,
                    votes.join(", ")
                ));
            }
        }
        let mine = tally
            .votes
            .iter()
            .find(|v| v.0.code == expected)
            .map_or(0, |v| v.1);
        let best_other = tally
            .votes
            .iter()
            .find(|v| v.0.code != expected)
            .map_or(0, |v| v.1);
        self.lead.push(100 * mine / best_other.max(1));
        self.share.push(100 * mine / tally.words.max(1));
    }

    fn report(&mut self, what: &str) {
        self.lead.sort_unstable();
        self.share.sort_unstable();
        let q = |v: &[usize]| {
            format!(
                "min {} p1 {} p5 {} median {}",
                quantile(v, 0.0),
                quantile(v, 0.01),
                quantile(v, 0.05),
                quantile(v, 0.5)
            )
        };
        println!(
            "  {what}: {} texts, {} decided by the vote ({:.1} %), {} wrongly",
            self.texts,
            self.decided,
            100.0 * self.decided as f64 / self.texts.max(1) as f64,
            self.wrong.len()
        );
        println!("    lead over the next language (%): {}", q(&self.lead));
        println!("    share of the words (%): {}", q(&self.share));
        for w in self.wrong.iter().take(10) {
            println!("    wrong: {w}");
        }
    }
}

fn main() -> ExitCode {
    let corpora: Vec<corpora::Corpus> = [corpora::orangesum(), corpora::bbc()]
        .into_iter()
        .flatten()
        .collect();
    if corpora.is_empty() {
        println!("skipping: no shared data (set VEILLE_SHARED)");
        return ExitCode::SUCCESS;
    }
    println!(
        "vote: at least {} stop words, {} % of the next language's, {} % of the words",
        vote::MIN_VOTES,
        vote::MARGIN_PERCENT,
        vote::MIN_SHARE_PERCENT
    );
    let mut ok = true;
    for corpus in &corpora {
        println!("{} (all {}):", corpus.name, corpus.expected);
        let mut long = Stats::default();
        let mut short = Stats::default();
        for (label, article) in &corpus.articles {
            let title = article.title.as_deref().unwrap_or("");
            let body = if article.body.trim().is_empty() {
                article.lead.as_deref().unwrap_or("")
            } else {
                &article.body
            };
            long.add(label, &lang::sample(title, body), corpus.expected);
            let lead = article.lead.as_deref().unwrap_or(&article.body);
            let item = format!("{title}\n{}", first_sentence(lead));
            if item.trim().len() >= lang::MIN_DETECT_BYTES {
                short.add(label, &item, corpus.expected);
            }
        }
        long.report("articles");
        short.report("title and first sentence");
        ok &= long.wrong.is_empty() && short.wrong.is_empty();
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
