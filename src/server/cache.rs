//! Recently answered searches, kept until the index changes.
//!
//! People who follow the news ask the same questions many times between two
//! commits: the story of the day, a company's name, the page a colleague
//! shared. A search with snippets costs milliseconds of CPU; a repeated one
//! served from here costs a hash lookup. Entries are tagged with what the
//! searcher they were computed on saw (its segments and their deletions,
//! [`Engine::generation`](crate::search::Engine::generation)), so a commit
//! (by the watcher or by `veille index` in another process) makes every
//! older entry a miss, and answers are never staler than an uncached
//! search's.
//! The cache is bounded by the approximate bytes of the results it holds,
//! evicting the least useful first (`quick_cache`'s CLOCK-Pro).

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::search::{Results, SearchOptions};

/// Default size of the cache, in MiB (`veille serve --cache-mb`).
pub const DEFAULT_CACHE_MB: u64 = 32;

/// Fixed cost counted for every entry besides its strings, in bytes.
const ENTRY_OVERHEAD: u64 = 512;

/// Searches answered since the index last changed.
pub struct SearchCache {
    /// `None` when the cache is off (`--cache-mb 0`).
    entries: Option<Cache<String, Entry, ByBytes>>,
}

#[derive(Clone)]
struct Entry {
    generation: u64,
    results: Arc<Results>,
    bytes: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Entry> for ByBytes {
    fn weight(&self, key: &String, entry: &Entry) -> u64 {
        key.len() as u64 + entry.bytes
    }
}

impl SearchCache {
    /// A cache holding up to `megabytes` MiB of results; 0 turns it off.
    pub fn new(megabytes: u64) -> SearchCache {
        let bytes = megabytes.saturating_mul(1 << 20);
        let entries = (bytes > 0).then(|| {
            // About 16 KiB per answer of ten hits with snippets.
            let estimated = (bytes / (16 << 10)).clamp(16, 1 << 20) as usize;
            Cache::with_weighter(estimated, bytes, ByBytes)
        });
        SearchCache { entries }
    }

    /// The key of a search: the query and every option that shapes the
    /// answer.
    pub fn key(query: &str, options: &SearchOptions) -> String {
        format!("{query}\u{1f}{options:?}")
    }

    /// The answer stored for `key`, if it was computed on this generation
    /// of the index.
    pub fn get(&self, generation: u64, key: &str) -> Option<Arc<Results>> {
        let entry = self.entries.as_ref()?.get(key)?;
        (entry.generation == generation).then_some(entry.results)
    }

    /// Stores an answer computed on a searcher of `generation` or newer.
    /// (Newer is safe: the current generation then differs from the tag,
    /// so the entry misses until it is replaced.)
    pub fn put(&self, generation: u64, key: String, results: Arc<Results>) {
        let Some(entries) = &self.entries else {
            return;
        };
        let bytes = approximate_bytes(&results);
        entries.insert(
            key,
            Entry {
                generation,
                results,
                bytes,
            },
        );
    }
}

/// Roughly what an answer occupies in memory: its strings and a fixed cost
/// per hit and per snippet.
fn approximate_bytes(results: &Results) -> u64 {
    let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    let hits: usize = results
        .hits
        .iter()
        .map(|h| {
            256 + h.id.len()
                + h.title.len()
                + 16 * h.title_highlights.len()
                + opt(&h.source)
                + opt(&h.url)
                + h.path.len()
                + h.lang.len()
                + h.similar
                    .iter()
                    .map(|s| 96 + s.id.len() + s.path.len() + opt(&s.url) + s.title.len())
                    .sum::<usize>()
                + h.snippets
                    .iter()
                    .map(|s| 64 + s.text.len() + 16 * s.highlights.len())
                    .sum::<usize>()
        })
        .sum();
    let words: usize = results
        .warnings
        .iter()
        .chain(&results.suggestions)
        .map(|s| 24 + s.len())
        .sum();
    let facets = if results.facets.is_some() { 4096 } else { 0 };
    ENTRY_OVERHEAD + (results.query.len() + hits + words + facets) as u64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn results(query: &str) -> Arc<Results> {
        Arc::new(Results {
            query: query.into(),
            total: 1,
            total_exact: true,
            hits: Vec::new(),
            relaxed: false,
            warnings: Vec::new(),
            suggestions: Vec::new(),
            facets: None,
            translated: Vec::new(),
            took: Duration::from_millis(3),
        })
    }

    #[test]
    fn answers_only_for_the_generation_it_was_computed_on() {
        let cache = SearchCache::new(1);
        let key = SearchCache::key("climat", &SearchOptions::default());
        cache.put(7, key.clone(), results("climat"));
        assert_eq!(cache.get(7, &key).unwrap().query, "climat");
        assert!(cache.get(8, &key).is_none(), "a commit makes it a miss");
    }

    #[test]
    fn options_are_part_of_the_key() {
        let cache = SearchCache::new(1);
        let options = SearchOptions::default();
        cache.put(1, SearchCache::key("climat", &options), results("climat"));
        let page_two = SearchOptions {
            offset: 10,
            ..SearchOptions::default()
        };
        assert!(cache
            .get(1, &SearchCache::key("climat", &page_two))
            .is_none());
        assert!(cache
            .get(1, &SearchCache::key("Climat", &options))
            .is_none());
    }

    #[test]
    fn zero_megabytes_turns_it_off() {
        let cache = SearchCache::new(0);
        let key = SearchCache::key("climat", &SearchOptions::default());
        cache.put(1, key.clone(), results("climat"));
        assert!(cache.get(1, &key).is_none());
    }

    #[test]
    fn stays_within_its_size() {
        let cache = SearchCache::new(1);
        for i in 0..10_000 {
            let key = SearchCache::key(&format!("mot{i}"), &SearchOptions::default());
            cache.put(1, key, results(&"x".repeat(1000)));
        }
        let held = cache.entries.as_ref().unwrap().weight();
        assert!(held <= 1 << 20, "{held} bytes held");
        assert!(cache.entries.as_ref().unwrap().len() > 100);
    }
}
