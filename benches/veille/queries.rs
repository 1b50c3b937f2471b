//! The queries the benchmark sends: the fixed mix of `benches/queries.txt`
//! (210 French and English queries, repeated, as readers of the news repeat
//! the story of the day), and a stream of distinct queries, each seen once,
//! which no cache of recent searches helps.
//!
//! A distinct query is one to three words of one article of the corpus
//! (French or English, in the corpus's own proportions), so that most
//! queries find that article at least. Words are what tantivy's simple
//! tokenizer cuts, lowercased, without its French and English stop words,
//! of three letters or more, without digits, found in at least
//! [`MIN_ARTICLES`] articles (rarer words are mostly typos and names of one
//! story) and in at most [`MAX_SHARE`] of them (such words, `said`, `also`,
//! `selon`, are stop words the short lists miss). The draw uses a fixed seed with a portable generator, so every
//! run sends the same stream.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer, TokenStream,
};

use crate::corpus::title_and_text;

const FIXED: &str = include_str!("../queries.txt");

/// A word is drawn only when this many articles hold it.
const MIN_ARTICLES: u32 = 5;
/// A word is drawn only when at most this share of the articles hold it.
const MAX_SHARE: f64 = 0.05;
/// Shortest word drawn, in characters.
const MIN_CHARS: usize = 3;
/// Most words in a distinct query.
const MAX_WORDS: usize = 3;
/// The seed of the draw.
const SEED: u64 = 14;

/// The fixed queries of `benches/queries.txt`.
pub fn fixed() -> Vec<String> {
    FIXED
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// `count` distinct queries drawn from the articles of `dump`; none of
/// them is one of the fixed queries.
pub fn distinct(dump: &Path, count: usize) -> Vec<String> {
    let (words, articles) = vocabulary(dump);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let fixed: HashSet<String> = fixed().into_iter().collect();
    let mut seen = HashSet::new();
    let mut queries = Vec::with_capacity(count);
    // Enough tries for any real corpus; a tiny one ends the loop early.
    for _ in 0..count * 20 {
        if queries.len() == count {
            break;
        }
        let Some(article) = articles.choose(&mut rng) else {
            break;
        };
        let n = rng.random_range(1..=MAX_WORDS).min(article.len());
        let query = article
            .sample(&mut rng, n)
            .map(|&w| words[w as usize].as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if !fixed.contains(&query) && seen.insert(query.clone()) {
            queries.push(query);
        }
    }
    assert_eq!(
        queries.len(),
        count,
        "{} holds too few words for {count} distinct queries",
        dump.display()
    );
    queries
}

/// The words worth drawing (by number) and, for each article, the
/// numbers of its words worth drawing (articles left without any are left
/// out).
fn vocabulary(dump: &Path) -> (Vec<String>, Vec<Vec<u32>>) {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("French stop words"))
        .filter(StopWordFilter::new(Language::English).expect("English stop words"))
        .build();
    let mut numbers: FxHashMap<String, u32> = FxHashMap::default();
    let mut words: Vec<String> = Vec::new();
    let mut held: Vec<u32> = Vec::new();
    // For each word, 1 + the last article it was counted in.
    let mut last: Vec<u32> = Vec::new();
    let mut articles: Vec<Vec<u32>> = Vec::new();
    let file = fs::File::open(dump).expect("open the dump");
    for line in BufReader::new(file).lines() {
        let line = line.expect("read the dump");
        let (title, text) = title_and_text(&serde_json::from_str(&line).unwrap_or_default());
        let mut own: Vec<u32> = Vec::new();
        for part in [title, text] {
            let mut stream = analyzer.token_stream(&part);
            while let Some(token) = stream.next() {
                let word = &token.text;
                if word.chars().count() < MIN_CHARS || !word.chars().all(char::is_alphabetic) {
                    continue;
                }
                let n = *numbers.entry(word.clone()).or_insert_with(|| {
                    words.push(word.clone());
                    held.push(0);
                    last.push(0);
                    (words.len() - 1) as u32
                });
                let mark = articles.len() as u32 + 1;
                if last[n as usize] != mark {
                    last[n as usize] = mark;
                    held[n as usize] += 1;
                    own.push(n);
                }
            }
        }
        articles.push(own);
    }
    let most = (articles.len() as f64 * MAX_SHARE) as u32;
    for own in &mut articles {
        own.retain(|&n| (MIN_ARTICLES..=most).contains(&held[n as usize]));
    }
    articles.retain(|own| !own.is_empty());
    (words, articles)
}
