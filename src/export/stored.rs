//! Reading the stored articles back out of the index, for the exports.
//!
//! The index holds articles (`kind` 0) and file records (`kind` 1) side by
//! side; only articles are exported. Segments are read one after the other
//! and each document is handed on as soon as it is decoded, so an export
//! holds one article in memory at a time, not the index (plus, per segment,
//! one bit per document for each language chain used).
//!
//! Which chains analysed an article (its language, and the languages of
//! whole paragraphs written in another one) is indexed but not stored: it
//! is read back from the postings of the `langs` field, so the export says
//! what the index holds rather than re-running detection.

use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TantivyDocument, TERMINATED};

use crate::error::Result;
use crate::index::document::{self, StoredArticle};
use crate::index::schema::{Fields, KIND_ARTICLE};

/// Blocks of the document store kept decompressed while reading a segment:
/// documents are read in order, so one block is enough to decompress each
/// block once.
const STORE_CACHE_BLOCKS: usize = 1;

/// For one segment, the documents each value of the `langs` field was
/// indexed for, as bit sets.
struct SegmentLangs {
    langs: Vec<(String, Vec<u64>)>,
}

impl SegmentLangs {
    fn read(segment: &SegmentReader, fields: &Fields) -> Result<SegmentLangs> {
        let inverted = segment.inverted_index(fields.langs)?;
        let words = (segment.max_doc() as usize).div_ceil(64);
        let mut langs = Vec::new();
        document::for_each_language(segment, fields, |code, info| {
            let mut bits = vec![0u64; words];
            let mut postings = inverted
                .read_postings_from_terminfo(info, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                bits[doc as usize / 64] |= 1 << (doc % 64);
                doc = postings.advance();
            }
            langs.push((code, bits));
            Ok(())
        })?;
        Ok(SegmentLangs { langs })
    }

    /// The languages of a document, its main language first.
    fn of(&self, doc: DocId, main: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let has = |bits: &[u64]| bits[doc as usize / 64] & (1 << (doc % 64)) != 0;
        for (code, bits) in &self.langs {
            if has(bits) {
                out.push(code.clone());
            }
        }
        if let Some(i) = out.iter().position(|c| c == main) {
            let main = out.remove(i);
            out.insert(0, main);
        }
        out
    }
}

/// Calls `f` on every live article of the index as `searcher` sees it,
/// segment by segment, in document order; returns how many there were.
/// Stops at the first error `f` returns.
pub fn for_each_article<F>(fields: &Fields, searcher: &Searcher, mut f: F) -> Result<u64>
where
    F: FnMut(StoredArticle) -> Result<()>,
{
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let kind = segment.fast_fields().u64("kind")?;
        let store = segment
            .get_store_reader(STORE_CACHE_BLOCKS)
            .map_err(tantivy::TantivyError::from)?;
        let langs = SegmentLangs::read(segment, fields)?;
        let alive = segment.alive_bitset();
        for doc_id in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc_id)) {
                continue;
            }
            if kind.first(doc_id) != Some(KIND_ARTICLE) {
                continue;
            }
            let doc: TantivyDocument = store.get(doc_id)?;
            let mut article = StoredArticle::from_document(fields, &doc);
            article.langs = langs.of(doc_id, &article.lang);
            f(article)?;
            count += 1;
        }
    }
    Ok(count)
}
