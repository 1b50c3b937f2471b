//! Conformance of the French chain with Snowball's reference vocabulary.
//!
//! `../shared/data/snowball-french` holds Snowball's French test words
//! (`voc.txt`) and their expected stems (`output.txt`), for the Snowball
//! revision that frostem, and so veille, uses. Each word must come out of
//! the French chain as exactly one term, the expected stem folded to ASCII
//! and without apostrophes, or as nothing when it is a stop word once its
//! elided article is gone (or nothing but an article).
//!
//! The data is not part of the repository: without it the test is skipped,
//! saying so, or fails under CI (see `common::shared_data`).

mod common;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RawTokenizer, StopWordFilter, TextAnalyzer,
};
use veille::analysis::lang::lookup;
use veille::analysis::{analyze, analyzer};

/// French elided articles, as the chain is specified to strip them.
const ARTICLES: &[&str] = &[
    "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
];

/// Words where veille deliberately differs from Snowball's reference, with
/// the term veille gives. Snowball elides only `[cdjlmnst]'` and `qu'`;
/// veille also elides `jusqu'`, `lorsqu'`, `puisqu'` and `quoiqu'` (so
/// `lorsqu’Apple` is found by `apple`), and then stems the word alone.
/// Where that word is a stop word (`jusqu'au`, `lorsqu'il`) the rule above
/// already expects no term; these are the others.
const EXCEPTIONS: &[(&str, &str)] = &[
    // Snowball: jusqu'alor; veille stems `alors`.
    ("jusqu'alors", "alor"),
    // Snowball: lorsqu'el; veille stems `elles` (not a stop word; `elle` is).
    ("lorsqu'elles", "elle"),
];

/// The word without its elided article (`d'abord` → `abord`), as written.
fn without_article(word: &str) -> &str {
    match word.split_once('\'') {
        Some((article, rest)) if ARTICLES.contains(&article) => rest,
        _ => word,
    }
}

/// Runs a tantivy filter over `word` as a single token.
fn through(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    analyze(analyzer, word).into_iter().next().map(|t| t.text)
}

#[test]
fn french_chain_matches_snowball_reference() {
    let Some(dir) = common::shared_data("data/snowball-french") else {
        return;
    };
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    let (voc, output) = (read("voc.txt"), read("output.txt"));
    let words: Vec<&str> = voc.lines().collect();
    let stems: Vec<&str> = output.lines().collect();
    assert_eq!(
        words.len(),
        stems.len(),
        "voc.txt and output.txt differ in length"
    );

    let mut french = analyzer(lookup("fr"));
    let mut stop = TextAnalyzer::builder(RawTokenizer::default())
        .filter(StopWordFilter::new(Language::French).unwrap())
        .build();
    let mut fold = TextAnalyzer::builder(RawTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();

    let mut failures = Vec::new();
    let (mut elided, mut stopped, mut excepted) = (0, 0, 0);
    for (&word, &stem) in words.iter().zip(&stems) {
        let rest = without_article(word);
        let expected: Option<String> =
            if let Some(&(_, term)) = EXCEPTIONS.iter().find(|(w, _)| *w == word) {
                excepted += 1;
                Some(term.to_string())
            } else if rest.trim_matches('\'').is_empty() || through(&mut stop, rest).is_none() {
                stopped += 1;
                None
            } else {
                through(&mut fold, &stem.replace('\'', ""))
            };
        if rest != word && expected.is_some() {
            elided += 1;
        }
        let got: Vec<String> = analyze(&mut french, word)
            .into_iter()
            .map(|t| t.text)
            .collect();
        if got != expected.clone().into_iter().collect::<Vec<_>>() {
            failures.push(format!(
                "{word}: expected {expected:?} (stem {stem}), got {got:?}"
            ));
        }
    }
    let total = words.len();
    let passed = total - failures.len();
    println!(
        "French conformance: {passed}/{total} ({:.2}%); {elided} elided forms give their \
         stem, {stopped} stop words or bare articles give nothing, {excepted} documented \
         exceptions",
        100.0 * passed as f64 / total as f64
    );
    for failure in failures.iter().take(50) {
        println!("  {failure}");
    }
    assert!(failures.is_empty(), "{} words differ", failures.len());
    assert_eq!(
        excepted,
        EXCEPTIONS.len(),
        "an exception is no longer in voc.txt"
    );
}

#[test]
fn exceptions_do_differ_from_the_reference() {
    // Keeps EXCEPTIONS honest without the data: each entry is an elision
    // that Snowball does not make.
    for (word, term) in EXCEPTIONS {
        let (article, rest) = word.split_once('\'').unwrap();
        assert!(["jusqu", "lorsqu", "puisqu", "quoiqu"].contains(&article));
        let got: Vec<String> = analyze(&mut analyzer(lookup("fr")), word)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(got, [*term], "{word}");
        let alone: Vec<String> = analyze(&mut analyzer(lookup("fr")), rest)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(alone, [*term], "{rest}");
    }
}
