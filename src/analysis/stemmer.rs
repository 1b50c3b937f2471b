//! Stemming with Snowball (through frostem), behind a per-thread memo.
//!
//! tantivy's own `Stemmer` filter knows only 18 languages, while veille
//! gives a chain to every language Snowball stems, so this filter takes a
//! frostem [`Algorithm`] directly. News vocabulary is Zipfian: a few
//! thousand words make most of the text, so each thread remembers the stems
//! it computed and most tokens cost one hash lookup instead of a run of the
//! Snowball machine.

use std::cell::RefCell;

use rustc_hash::FxHashMap as HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::Token;

use super::stream::TokenRule;

/// Stems a thread remembers before it forgets them all. Tokens are shorter
/// than 64 bytes, so this bounds the cache at a few tens of MiB per thread.
const MAX_CACHED_STEMS: usize = 200_000;

/// Stems by algorithm, then by word: the same as a map keyed by
/// `(algorithm, word)`, but looked up with a `&str` without allocating.
#[derive(Default)]
struct StemCache {
    stems: HashMap<Algorithm, HashMap<Box<str>, Box<str>>>,
    len: usize,
}

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache::default());
}

/// Replaces `word` by its stem.
fn stem_in_place(stemmer: Stemmer, word: &mut String) {
    STEMS.with_borrow_mut(|cache| {
        if let Some(stem) = cache
            .stems
            .get(&stemmer.algorithm())
            .and_then(|stems| stems.get(word.as_str()))
        {
            if **stem != **word {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        let stem: Box<str> = stemmer.stem(word).into();
        if cache.len >= MAX_CACHED_STEMS {
            cache.stems.clear();
            cache.len = 0;
        }
        let key: Box<str> = word.as_str().into();
        word.clear();
        word.push_str(&stem);
        cache
            .stems
            .entry(stemmer.algorithm())
            .or_default()
            .insert(key, stem);
        cache.len += 1;
    });
}

/// Replaces each token's text by its Snowball stem. Tokens must already be
/// lowercase, and still accented: Snowball's rules expect `é`, not `e`.
#[derive(Clone, Copy)]
pub struct Snowball {
    stemmer: Stemmer,
}

impl Snowball {
    pub fn new(algorithm: Algorithm) -> Snowball {
        Snowball {
            stemmer: Stemmer::new(algorithm),
        }
    }
}

impl TokenRule for Snowball {
    fn apply(&mut self, _: &str, token: &mut Token) -> bool {
        stem_in_place(self.stemmer, &mut token.text);
        true
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::WhitespaceTokenizer;

    use super::*;
    use crate::analysis::stream::through;

    fn stems(algorithm: Algorithm, text: &str) -> Vec<String> {
        through(
            WhitespaceTokenizer::default(),
            Snowball::new(algorithm),
            text,
        )
        .into_iter()
        .map(|t| t.text)
        .collect()
    }

    #[test]
    fn stems_like_snowball() {
        assert_eq!(
            stems(Algorithm::English, "running runs connections"),
            ["run", "run", "connect"]
        );
        assert_eq!(
            stems(Algorithm::French, "recrutement recrute précieuse"),
            ["recrut", "recrut", "précieux"]
        );
    }

    #[test]
    fn cache_answers_like_the_stemmer_and_keeps_algorithms_apart() {
        // The same word twice (a miss then a hit), in two languages.
        for _ in 0..2 {
            assert_eq!(stems(Algorithm::English, "nations"), ["nation"]);
            assert_eq!(stems(Algorithm::French, "nations"), ["nation"]);
            assert_eq!(stems(Algorithm::English, "generations"), ["generat"]);
            assert_eq!(stems(Algorithm::French, "generations"), ["gener"]);
        }
    }

    #[test]
    fn cache_is_bounded() {
        let stemmer = Stemmer::new(Algorithm::English);
        for i in 0..MAX_CACHED_STEMS + 10 {
            let mut word = format!("word{i}s");
            stem_in_place(stemmer, &mut word);
            assert_eq!(word, format!("word{i}"));
        }
        STEMS.with_borrow(|cache| {
            assert!(cache.len <= MAX_CACHED_STEMS);
            let total: usize = cache.stems.values().map(HashMap::len).sum();
            assert_eq!(total, cache.len);
        });
    }

    #[test]
    fn rule_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<Snowball>();
    }
}
