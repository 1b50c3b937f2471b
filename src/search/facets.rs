//! Facets: counts of the matching articles per language, source and month,
//! for narrowing a search (the daemon's sidebar, `/api/search`).
//!
//! A tantivy collector that reads the `lang`, `source_raw` and `date` fast
//! fields of every matching document; strings are counted by term ordinal per
//! segment (in a vector as long as the segment's dictionary) and resolved
//! once at the end, so the cost per hit is a few array reads.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts of matching articles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Per language code.
    pub lang: BTreeMap<String, u64>,
    /// Per source name.
    pub source: BTreeMap<String, u64>,
    /// Per publication month (`YYYY-MM`).
    pub month: BTreeMap<String, u64>,
}

impl Facets {
    fn merge(&mut self, other: Facets) {
        for (k, v) in other.lang {
            *self.lang.entry(k).or_default() += v;
        }
        for (k, v) in other.source {
            *self.source.entry(k).or_default() += v;
        }
        for (k, v) in other.month {
            *self.month.entry(k).or_default() += v;
        }
    }
}

/// Collects [`Facets`] for the documents a query matches.
pub struct FacetCollector;

/// Per-segment state of [`FacetCollector`].
pub struct FacetSegmentCollector {
    lang: Option<StrColumn>,
    source: Option<StrColumn>,
    date: Column<tantivy::DateTime>,
    /// Per term ordinal of `lang`, of `source`.
    lang_counts: Vec<u64>,
    source_counts: Vec<u64>,
    /// Per day (days since 1970): a day is one division away from the
    /// timestamp, its month a calendar computation done once per day.
    day_counts: HashMap<i64, u64>,
    /// Matching documents not counted yet: they are counted [`BLOCK`] at a
    /// time, each column read for the whole block at once.
    pending: Vec<DocId>,
}

/// Documents counted at once.
const BLOCK: usize = 256;

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = segment.fast_fields();
        let (lang, source) = (ff.str("lang")?, ff.str("source_raw")?);
        let slots = |c: &Option<StrColumn>| vec![0; c.as_ref().map_or(0, |c| c.num_terms())];
        Ok(FacetSegmentCollector {
            lang_counts: slots(&lang),
            source_counts: slots(&source),
            lang,
            source,
            date: ff.date("date")?,
            day_counts: HashMap::default(),
            pending: Vec::with_capacity(BLOCK),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut out = Facets::default();
        for f in fruits {
            out.merge(f);
        }
        Ok(out)
    }
}

const SECS_PER_DAY: i64 = 86_400;

/// Months since year 0 of a timestamp, as one integer key.
fn month_key(secs: i64) -> Option<i64> {
    use chrono::Datelike;
    let d = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(i64::from(d.year()) * 12 + i64::from(d.month0()))
}

fn resolve(col: &Option<StrColumn>, counts: &[u64]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(col) = col else {
        return out;
    };
    let mut buf = String::new();
    for (ord, &n) in (0u64..).zip(counts) {
        if n == 0 {
            continue;
        }
        buf.clear();
        if col.ord_to_str(ord, &mut buf).unwrap_or(false) {
            *out.entry(buf.clone()).or_default() += n;
        }
    }
    out
}

impl FacetSegmentCollector {
    /// Counts the pending documents: each column's first value for all of
    /// them, then the counts.
    fn count_pending(&mut self) {
        let docs = &self.pending;
        let mut ords = [None; BLOCK];
        let ords = &mut ords[..docs.len()];
        for (column, counts) in [
            (&self.lang, &mut self.lang_counts),
            (&self.source, &mut self.source_counts),
        ] {
            let Some(column) = column else { continue };
            ords.fill(None);
            column.ords().first_vals(docs, ords);
            for ord in ords.iter().flatten() {
                if let Some(n) = usize::try_from(*ord).ok().and_then(|o| counts.get_mut(o)) {
                    *n += 1;
                }
            }
        }
        let mut dates = [None; BLOCK];
        let dates = &mut dates[..docs.len()];
        self.date.first_vals(docs, dates);
        for date in dates.iter().flatten() {
            let day = date.into_timestamp_secs().div_euclid(SECS_PER_DAY);
            *self.day_counts.entry(day).or_default() += 1;
        }
        self.pending.clear();
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.count_pending();
        }
    }

    fn harvest(mut self) -> Facets {
        self.count_pending();
        let mut months: BTreeMap<i64, u64> = BTreeMap::new();
        for (day, n) in self.day_counts {
            if let Some(key) = month_key(day.saturating_mul(SECS_PER_DAY)) {
                *months.entry(key).or_default() += n;
            }
        }
        let month = months
            .into_iter()
            .map(|(k, n)| (format!("{:04}-{:02}", k / 12, k % 12 + 1), n))
            .collect();
        Facets {
            lang: resolve(&self.lang, &self.lang_counts),
            source: resolve(&self.source, &self.source_counts),
            month,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::search::{fixture, SearchOptions};

    /// More matches than one block of a segment: every one is counted,
    /// whatever block it falls in, and those without a source or a date
    /// only where they have one.
    #[test]
    fn every_match_is_counted_across_blocks() {
        let sources = ["Le Journal", "Tech Hebdo", "La Gazette"];
        let files: Vec<(String, String)> = (0..300usize)
            .map(|i| {
                let mut record = serde_json::json!({
                    "id": format!("a{i}"),
                    "title": format!("Satellite numéro {i}"),
                    "body": "Le satellite a été lancé ce matin depuis la base de Kourou, en Guyane.",
                    "lang": if i % 4 == 0 { "en" } else { "fr" },
                });
                if i % 5 != 0 {
                    record["source"] = sources[i % 3].into();
                }
                if i % 7 != 0 {
                    record["date"] = format!("2025-{:02}-10T08:00:00Z", i % 12 + 1).into();
                }
                (format!("{i}.json"), record.to_string())
            })
            .collect();
        let (_dir, engine) = fixture::index(&[&files]);
        let opts = SearchOptions {
            facets: true,
            limit: 0,
            ..SearchOptions::default()
        };
        let found = engine.search("satellite kourou", &opts).unwrap();
        assert_eq!(found.total, 300);
        let facets = found.facets.unwrap();
        let count = |f: &dyn Fn(usize) -> bool| (0..300usize).filter(|&i| f(i)).count() as u64;
        assert_eq!(facets.lang["en"], count(&|i| i % 4 == 0));
        assert_eq!(facets.lang["fr"], count(&|i| i % 4 != 0));
        for (k, name) in sources.iter().enumerate() {
            let n = count(&|i| i % 5 != 0 && i % 3 == k);
            assert_eq!(facets.source[*name], n, "{name}");
        }
        assert_eq!(facets.month.values().sum::<u64>(), count(&|i| i % 7 != 0));
        assert_eq!(
            facets.month["2025-03"],
            count(&|i| i % 7 != 0 && i % 12 == 2)
        );
    }
}
