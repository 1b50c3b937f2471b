//! Stemming with Snowball (through frostem), behind a per-thread memo.
//!
//! tantivy's own `Stemmer` filter knows only 18 languages, while veille
//! gives a chain to every language Snowball stems, so this filter takes a
//! frostem [`Algorithm`] directly. News vocabulary is Zipfian: a few
//! thousand words make most of the text, so each thread remembers the stems
//! it computed and most tokens cost one hash lookup instead of a run of the
//! Snowball machine.
//!
//! The memo has two levels. A large map of every stem computed is too big
//! for the processor's caches: a lookup there missed them two or three
//! times (the table, the key, the stem), 7 % of indexing's CPU. In front of
//! it, a small direct-mapped table keeps the most recent words and their
//! stems inline, one slot per cache line, so that a frequent word costs
//! one cache line (hand-written: no crate offers a fixed-size inline cache
//! keyed by borrowed strings).

use std::cell::RefCell;
use std::hash::BuildHasher;

use rustc_hash::FxHashMap as HashMap;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::Token;

use super::stream::TokenRule;

/// Stems a thread remembers before it forgets them all. Tokens are shorter
/// than 64 bytes, so this bounds the cache at a few tens of MiB per thread.
const MAX_CACHED_STEMS: usize = 200_000;

/// Slots of the front table (a power of two): 256 KiB per thread, which
/// the processor's second-level cache holds.
const FRONT_SLOTS: usize = 4096;
/// Longest word (and stem), in bytes, that the front table keeps.
const FRONT_BYTES: usize = 30;

/// A word and its stem, inline: one cache line.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct Slot {
    algorithm: Option<Algorithm>,
    word_len: u8,
    stem_len: u8,
    word: [u8; FRONT_BYTES],
    stem: [u8; FRONT_BYTES],
}

impl Slot {
    const EMPTY: Slot = Slot {
        algorithm: None,
        word_len: 0,
        stem_len: 0,
        word: [0; FRONT_BYTES],
        stem: [0; FRONT_BYTES],
    };

    fn word(&self) -> &[u8] {
        &self.word[..usize::from(self.word_len)]
    }

    fn stem(&self) -> &[u8] {
        &self.stem[..usize::from(self.stem_len)]
    }
}

/// The front table: a slot chosen by the hash of the algorithm and the
/// word, which a later word with the same slot replaces.
struct Front {
    slots: Box<[Slot]>,
}

impl Default for Front {
    fn default() -> Front {
        Front {
            slots: vec![Slot::EMPTY; FRONT_SLOTS].into_boxed_slice(),
        }
    }
}

impl Front {
    fn index(algorithm: Algorithm, word: &str) -> usize {
        let hash = rustc_hash::FxBuildHasher.hash_one((algorithm, word));
        // The high bits: Fx mixes them best.
        (hash >> (64 - FRONT_SLOTS.trailing_zeros())) as usize
    }

    /// The stem of `word`, when its slot holds it.
    fn get(&self, algorithm: Algorithm, word: &str) -> Option<&str> {
        if word.len() > FRONT_BYTES {
            return None;
        }
        let slot = &self.slots[Front::index(algorithm, word)];
        (slot.algorithm == Some(algorithm) && slot.word() == word.as_bytes())
            // Both were copied from `str`s.
            .then(|| std::str::from_utf8(slot.stem()).ok())
            .flatten()
    }

    fn put(&mut self, algorithm: Algorithm, word: &str, stem: &str) {
        if word.len() > FRONT_BYTES || stem.len() > FRONT_BYTES {
            return;
        }
        let slot = &mut self.slots[Front::index(algorithm, word)];
        slot.algorithm = Some(algorithm);
        slot.word_len = word.len() as u8;
        slot.stem_len = stem.len() as u8;
        slot.word[..word.len()].copy_from_slice(word.as_bytes());
        slot.stem[..stem.len()].copy_from_slice(stem.as_bytes());
    }
}

/// Stems by algorithm, then by word: the same as a map keyed by
/// `(algorithm, word)`, but looked up with a `&str` without allocating.
#[derive(Default)]
struct StemCache {
    front: Front,
    stems: HashMap<Algorithm, HashMap<Box<str>, Box<str>>>,
    len: usize,
}

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache::default());
}

/// Puts `stem` in place of `word`, unless they are the same.
fn replace(word: &mut String, stem: &str) {
    if stem != word {
        word.clear();
        word.push_str(stem);
    }
}

/// Replaces `word` by its stem.
fn stem_in_place(stemmer: Stemmer, word: &mut String) {
    STEMS.with_borrow_mut(|cache| {
        let algorithm = stemmer.algorithm();
        if let Some(stem) = cache.front.get(algorithm, word) {
            replace(word, stem);
            return;
        }
        if let Some(stem) = cache
            .stems
            .get(&algorithm)
            .and_then(|stems| stems.get(word.as_str()))
        {
            cache.front.put(algorithm, word, stem);
            replace(word, stem);
            return;
        }
        let stem: Box<str> = stemmer.stem(word).into();
        cache.front.put(algorithm, word, &stem);
        if cache.len >= MAX_CACHED_STEMS {
            cache.stems.clear();
            cache.len = 0;
        }
        let key: Box<str> = word.as_str().into();
        replace(word, &stem);
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
    fn the_front_table_answers_like_the_stemmer_when_words_share_a_slot() {
        // More words than slots, so that slots are taken over, and words
        // too long for a slot; asked twice, both languages in turn.
        let long = "anticonstitutionnellements".repeat(2);
        let words: Vec<String> = (0..2 * FRONT_SLOTS)
            .map(|i| format!("nations{i}s"))
            .chain([long])
            .collect();
        for _ in 0..2 {
            for algorithm in [Algorithm::English, Algorithm::French] {
                let stemmer = Stemmer::new(algorithm);
                for word in &words {
                    let mut got = word.clone();
                    stem_in_place(stemmer, &mut got);
                    assert_eq!(got, stemmer.stem(word), "{word}");
                }
            }
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
