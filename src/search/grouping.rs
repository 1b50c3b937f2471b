//! Grouping: the same story published more than once is shown as one hit,
//! with the other records under it.
//!
//! Two kinds of repeats are grouped, among the candidates of a search and in
//! rank order (the best-ranked article of a group stands for it):
//!
//! - exact copies, the same text under another id (a site that files one
//!   story under two sections, at two URLs): the text hash computed at
//!   indexing says so, however short the text. Every copy in the index is
//!   listed under the hit shown, even one that is not among the candidates;
//! - near-duplicates, by the fingerprints [`crate::analysis::dedup`]
//!   computed at indexing (a wire story retitled or updated).
//!
//! Paging happens after grouping, so a search fetches more candidates than
//! it shows ([`candidates`]).

use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap as HashMap;
use tantivy::index::SegmentId;
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED};

use crate::analysis::dedup;
use crate::error::Result;
use crate::search::hits::ScoredDoc;

/// Grouping near-duplicates looks at this many times the hits it shows...
const GROUP_OVERFETCH: usize = 3;
/// ... plus this many.
const GROUP_SLACK: usize = 20;
/// ... but never more than this many candidates.
const MAX_CANDIDATES: usize = 2000;
/// At most this many exact copies are looked up outside the candidates for
/// one hit (a boilerplate text can be repeated by hundreds of records).
const MAX_COPIES: usize = 100;

/// How many candidates to fetch to show the hits up to `shown` (offset
/// plus limit) once grouped.
pub(crate) fn candidates(shown: usize) -> usize {
    (shown * GROUP_OVERFETCH + GROUP_SLACK).min(MAX_CANDIDATES.max(shown))
}

/// Another record of a hit's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub addr: DocAddress,
    /// Its text is the hit's own (not only a near-duplicate of it).
    pub same_text: bool,
}

/// What grouping needs to know of a candidate.
#[derive(Clone, Copy)]
struct Candidate {
    text_hash: Option<u64>,
    fingerprint: dedup::Fingerprint,
}

/// Every fingerprint of the segments searched, read once per segment and
/// kept by a long-lived engine (the daemon, `veille eval`): the fingerprint
/// dictionary is compressed in blocks, and reading the candidates' entries
/// search after search decompressed a few dozen blocks each time (a
/// twentieth of a search). About 260 bytes per distinct fingerprint (14 MB
/// for the benchmark's 54,496 articles); a one-shot `veille search` reads
/// only its candidates' instead.
#[derive(Default)]
pub(crate) struct Fingerprints {
    /// Per segment, the fingerprints in term order (by ordinal).
    segments: Mutex<HashMap<SegmentId, Arc<[dedup::Fingerprint]>>>,
}

impl Fingerprints {
    /// The fingerprints of `segment` by term ordinal, read now if they
    /// were not yet; those of segments `searcher` no longer has are
    /// dropped.
    fn of(
        &self,
        searcher: &Searcher,
        segment: u32,
        column: &tantivy::columnar::BytesColumn,
    ) -> Result<Arc<[dedup::Fingerprint]>> {
        let id = searcher.segment_reader(segment).segment_id();
        let lock = || self.segments.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = lock().get(&id) {
            return Ok(Arc::clone(found));
        }
        let all: Arc<[dedup::Fingerprint]> =
            crate::index::column_terms(column, dedup::Fingerprint::from_bytes)?.into();
        let mut segments = lock();
        segments.retain(|kept, _| {
            searcher
                .segment_readers()
                .iter()
                .any(|r| r.segment_id() == *kept)
        });
        segments.insert(id, Arc::clone(&all));
        Ok(all)
    }
}

/// Groups exact copies and near-duplicates among the candidates (in rank
/// order) and returns the page of group representatives, each with the
/// other members of its group. `kept` holds every fingerprint of the
/// segments, when the engine keeps them.
pub(crate) fn page(
    searcher: &Searcher,
    docs: &[ScoredDoc],
    offset: usize,
    limit: usize,
    kept: Option<&Fingerprints>,
) -> Result<Vec<(ScoredDoc, Vec<Member>)>> {
    let candidates = read_candidates(searcher, docs, kept)?;
    // Exact copies first: each text stands once, by its best-ranked record.
    let mut first_of_text: HashMap<u64, usize> = HashMap::default();
    let mut copies: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    let mut texts = Vec::with_capacity(docs.len());
    for (i, c) in candidates.iter().enumerate() {
        match c.text_hash.map(|h| *first_of_text.entry(h).or_insert(i)) {
            Some(first) if first != i => copies[first].push(i),
            _ => texts.push((i, c.fingerprint)),
        }
    }
    // Then near-duplicates among the distinct texts.
    let groups = dedup::group(&texts);
    let mut page = Vec::new();
    for group in groups.into_iter().skip(offset).take(limit) {
        let lead = group[0];
        let mut members: Vec<usize> = group
            .iter()
            .flat_map(|&t| std::iter::once(t).chain(copies[t].iter().copied()))
            .filter(|&i| i != lead)
            .collect();
        members.sort_unstable();
        let hash = candidates[lead].text_hash;
        let mut listed: Vec<Member> = members
            .into_iter()
            .map(|i| Member {
                addr: docs[i].1,
                same_text: hash.is_some() && candidates[i].text_hash == hash,
            })
            .collect();
        if let Some(hash) = hash {
            for addr in records_with_text(searcher, hash)? {
                if addr != docs[lead].1 && !listed.iter().any(|m| m.addr == addr) {
                    listed.push(Member {
                        addr,
                        same_text: true,
                    });
                }
            }
        }
        page.push((docs[lead], listed));
    }
    Ok(page)
}

/// The text hash and fingerprint of each candidate, from their fast fields.
fn read_candidates(
    searcher: &Searcher,
    docs: &[ScoredDoc],
    kept: Option<&Fingerprints>,
) -> Result<Vec<Candidate>> {
    let mut out = vec![
        Candidate {
            text_hash: None,
            fingerprint: dedup::Fingerprint::NONE,
        };
        docs.len()
    ];
    // Each segment's columns are opened once, and its fingerprints read in
    // one pass over the dictionary in term order: looked up one by one,
    // each would start again from the head of its dictionary block.
    let mut by_segment: Vec<Vec<usize>> = vec![Vec::new(); searcher.segment_readers().len()];
    for (i, (_, addr)) in docs.iter().enumerate() {
        by_segment[addr.segment_ord as usize].push(i);
    }
    let mut ords: Vec<(u64, usize)> = Vec::new();
    for (segment, found) in by_segment.iter().enumerate() {
        if found.is_empty() {
            continue;
        }
        let ff = searcher.segment_reader(segment as u32).fast_fields();
        if let Ok(hashes) = ff.u64("text_hash") {
            for &i in found {
                out[i].text_hash = hashes.first(docs[i].1.doc_id);
            }
        }
        let Some(fingerprints) = ff.bytes("fingerprint")? else {
            continue;
        };
        if let Some(kept) = kept {
            let all = kept.of(searcher, segment as u32, &fingerprints)?;
            for &i in found {
                let ord = fingerprints.term_ords(docs[i].1.doc_id).next();
                if let Some(fp) = ord.and_then(|o| all.get(usize::try_from(o).ok()?)) {
                    out[i].fingerprint = *fp;
                }
            }
            continue;
        }
        ords.clear();
        ords.extend(
            found
                .iter()
                .filter_map(|&i| Some((fingerprints.term_ords(docs[i].1.doc_id).next()?, i))),
        );
        ords.sort_unstable();
        let sorted: Vec<u64> = ords.iter().map(|&(ord, _)| ord).collect();
        let mut next = ords.iter().map(|&(_, i)| i);
        fingerprints
            .dictionary()
            .sorted_ords_to_term_cb(&sorted, |bytes| {
                if let Some(i) = next.next() {
                    out[i].fingerprint = dedup::Fingerprint::from_bytes(bytes);
                }
            })
            .map_err(tantivy::TantivyError::from)?;
    }
    Ok(out)
}

/// Every live record whose text has this hash (at most [`MAX_COPIES`] and
/// the one asked about), in index order: read from the hash's postings in
/// each segment, with no query to build nor score (this runs for every hit
/// shown, and most texts have no copy).
fn records_with_text(searcher: &Searcher, hash: u64) -> Result<Vec<DocAddress>> {
    let field = searcher.schema().get_field("text_hash")?;
    let term = Term::from_field_u64(field, hash);
    let mut addrs = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let postings = segment
            .inverted_index(field)?
            .read_postings(&term, IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?;
        let Some(mut postings) = postings else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED && addrs.len() <= MAX_COPIES {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                addrs.push(DocAddress::new(ord as u32, doc));
            }
            doc = postings.advance();
        }
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_fetches_more_candidates_than_it_shows_within_a_bound() {
        assert_eq!(candidates(10), 50);
        assert_eq!(candidates(1000), MAX_CANDIDATES);
        // A page beyond the bound still gets its own hits.
        assert_eq!(candidates(5000), 5000);
    }
}
