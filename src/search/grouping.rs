//! Near-duplicate grouping: the same story from several sources (or
//! republished) is shown as one hit, with the ids of the others under it.
//!
//! Groups are formed among the candidates of a search, by the
//! fingerprints [`crate::analysis::dedup`] computed at indexing, in rank
//! order: the best-ranked article of a group stands for it. Paging happens
//! after grouping, so a search fetches more candidates than it shows
//! ([`candidates`]).

use tantivy::{DocAddress, Searcher};

use crate::analysis::dedup;
use crate::error::Result;
use crate::search::hits::ScoredDoc;

/// Grouping near-duplicates looks at this many times the hits it shows...
const GROUP_OVERFETCH: usize = 3;
/// ... plus this many.
const GROUP_SLACK: usize = 20;
/// ... but never more than this many candidates.
const MAX_CANDIDATES: usize = 2000;

/// How many candidates to fetch to show the hits up to `shown` (offset
/// plus limit) once grouped.
pub(crate) fn candidates(shown: usize) -> usize {
    (shown * GROUP_OVERFETCH + GROUP_SLACK).min(MAX_CANDIDATES.max(shown))
}

/// Groups near-duplicates among the candidates (in rank order) and returns
/// the page of group representatives, each with the ids of the other
/// members.
pub(crate) fn page(
    searcher: &Searcher,
    docs: &[ScoredDoc],
    offset: usize,
    limit: usize,
) -> Result<Vec<(ScoredDoc, Vec<String>)>> {
    let mut items = Vec::with_capacity(docs.len());
    let mut bytes = Vec::new();
    // Each segment's column is opened once, not once per candidate.
    let mut columns = vec![None; searcher.segment_readers().len()];
    for (i, (_, addr)) in docs.iter().enumerate() {
        let column = match &columns[addr.segment_ord as usize] {
            Some(column) => column,
            None => {
                let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                columns[addr.segment_ord as usize].insert(ff.bytes("fingerprint")?)
            }
        };
        let mut fp = dedup::Fingerprint::NONE;
        if let Some(col) = column {
            if let Some(ord) = col.term_ords(addr.doc_id).next() {
                bytes.clear();
                col.ord_to_bytes(ord, &mut bytes)
                    .map_err(tantivy::TantivyError::from)?;
                fp = dedup::Fingerprint::from_bytes(&bytes);
            }
        }
        items.push((i, fp));
    }
    let groups = dedup::group(&items);
    let mut page = Vec::new();
    for group in groups.into_iter().skip(offset).take(limit) {
        let similar = group[1..]
            .iter()
            .map(|&i| id_of(searcher, docs[i].1))
            .collect::<Result<Vec<_>>>()?;
        page.push((docs[group[0]], similar));
    }
    Ok(page)
}

/// The id of a document, from its fast field.
fn id_of(searcher: &Searcher, addr: DocAddress) -> Result<String> {
    let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
    let mut id = String::new();
    if let Some(col) = ff.str("id")? {
        if let Some(ord) = col.term_ords(addr.doc_id).next() {
            col.ord_to_str(ord, &mut id)
                .map_err(tantivy::TantivyError::from)?;
        }
    }
    Ok(id)
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
