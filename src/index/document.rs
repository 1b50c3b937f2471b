//! The stored article, both ways: an article becomes a tantivy document when
//! it is indexed, and a document becomes a [`StoredArticle`] again for a
//! search hit, the daemon's article endpoint and the exports.
//!
//! Both directions sit next to the [`schema`](super::schema), so that a
//! field added to the index is written and read back in one place, and every
//! reader sees the same article (blank texts dropped, `und` for an article
//! without a language, dates to the second).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use tantivy::postings::TermInfo;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, SegmentReader, TantivyDocument};

use crate::analysis::dedup::Fingerprint;
use crate::analysis::lang::{Detection, Language};
use crate::error::Result;
use crate::index::neighbours;
use crate::index::schema::{Fields, KIND_ARTICLE};
use crate::ingest::article::Article;

/// An article ready to be written: the parsed article and what analysis
/// found in it.
pub struct Prepared {
    pub article: Article,
    pub detection: Detection,
    /// Other languages whole paragraphs are written in: the article is
    /// analysed by their chains too, so words of either language find it.
    pub others: Vec<&'static Language>,
    /// Hash of the normalised text, for exact duplicates.
    pub text_hash: u64,
    /// Near-duplicate fingerprint.
    pub fingerprint: Fingerprint,
}

/// Where an article is kept: its id and the file it came from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The article's id, unique among the articles of the index.
    pub id: &'a str,
    /// Canonical path of the source file: the key of incremental updates.
    pub file: &'a str,
    /// Path of the source file as shown to the user.
    pub path: &'a str,
}

/// The document written for an article: its stored fields, and its text in
/// the neutral and exact fields and in the fields of each of its languages.
pub fn to_document(fields: &Fields, origin: Origin<'_>, p: &Prepared) -> TantivyDocument {
    let a = &p.article;
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.kind, KIND_ARTICLE);
    doc.add_text(fields.id, origin.id);
    doc.add_text(fields.file, origin.file);
    doc.add_text(fields.path, origin.path);
    if let Some(t) = &a.title {
        doc.add_text(fields.title, t);
    }
    if let Some(l) = &a.lead {
        doc.add_text(fields.lead, l);
    }
    doc.add_text(fields.body, &a.body);
    if let Some(u) = &a.url {
        doc.add_text(fields.url, u);
    }
    if let Some(s) = &a.source {
        doc.add_text(fields.source, s);
        doc.add_text(fields.source_raw, s);
    }
    for tag in &a.tags {
        doc.add_text(fields.tags, tag);
    }
    doc.add_text(fields.lang, p.detection.code());
    doc.add_text(fields.langs, p.detection.code());
    for other in &p.others {
        doc.add_text(fields.langs, other.code);
    }
    doc.add_f64(fields.lang_confidence, p.detection.confidence);
    doc.add_bool(fields.lang_own, neighbours::is_own(&p.detection));
    if let Some(d) = a.date {
        doc.add_date(fields.date, to_index_date(d));
    }
    doc.add_u64(fields.text_hash, p.text_hash);
    // Near-duplicates are found among the hits, by their fingerprints.
    // (Indexing the 64 band keys of each fingerprint, to find all the
    // near-duplicates of an article across the index, made a fifth of the
    // index for a lookup that no command makes.)
    if p.fingerprint.is_comparable() {
        doc.add_bytes(fields.fingerprint, &p.fingerprint.to_bytes());
    }
    let mut targets = vec![fields.neutral, fields.exact];
    let languages = p
        .detection
        .language
        .into_iter()
        .chain(p.others.iter().copied());
    targets.extend(languages.filter_map(|l| fields.lang_fields(l)));
    for tf in targets {
        if let Some(t) = &a.title {
            doc.add_text(tf.title, t);
        }
        if let Some(l) = &a.lead {
            doc.add_text(tf.body, l);
        }
        doc.add_text(tf.body, &a.body);
    }
    doc
}

/// A date as the index keeps it: to the second.
pub fn to_index_date(date: DateTime<Utc>) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(date.timestamp())
}

/// An article as the index stores it.
///
/// Its JSON form is what `/api/articles/{id}` serves: these fields in this
/// order, missing ones as `null`, the date in RFC 3339; the two language
/// fields only the exports use are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredArticle {
    pub id: String,
    pub title: Option<String>,
    pub lead: Option<String>,
    /// The main text (empty when the article has only a title or a lead).
    pub body: String,
    pub url: Option<String>,
    /// Publication date, to the second (the index's precision).
    #[serde(serialize_with = "serialize_date")]
    pub date: Option<DateTime<Utc>>,
    pub source: Option<String>,
    /// Language code the article was analysed with, or `und`.
    pub lang: String,
    /// Path of the source file as shown to the user.
    pub path: String,
    pub tags: Vec<String>,
    /// Every language whose chain analysed the article: `lang` (unless
    /// `und`) and those of paragraphs in another language. It is indexed,
    /// not stored: only a reader of the `langs` postings fills it
    /// (the exports); it is empty otherwise.
    #[serde(skip)]
    pub langs: Vec<String>,
    /// Confidence of the language detection, in 0..=1.
    #[serde(skip)]
    pub lang_confidence: Option<f64>,
}

impl StoredArticle {
    /// Decodes a stored document. Blank texts count as missing.
    pub fn from_document(fields: &Fields, doc: &TantivyDocument) -> StoredArticle {
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        };
        StoredArticle {
            id: text(fields.id).unwrap_or_default(),
            title: text(fields.title),
            lead: text(fields.lead),
            body: text(fields.body).unwrap_or_default(),
            url: text(fields.url),
            date: doc
                .get_first(fields.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0)),
            source: text(fields.source),
            // As `Detection::code` writes an article without a language.
            lang: text(fields.lang).unwrap_or_else(|| "und".to_string()),
            path: text(fields.path).unwrap_or_default(),
            tags: doc
                .get_all(fields.tags)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            langs: Vec::new(),
            lang_confidence: doc
                .get_first(fields.lang_confidence)
                .and_then(|v| v.as_f64()),
        }
    }

    /// Reads and decodes the document at `address`.
    pub fn load(
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> Result<StoredArticle> {
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(StoredArticle::from_document(fields, &doc))
    }

    /// The date in RFC 3339, UTC, to the second (`2025-04-20T00:00:00Z`):
    /// the form every output writes.
    pub fn date_rfc3339(&self) -> Option<String> {
        self.date
            .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    /// The lead and the body, as one text (a blank line between them): what
    /// snippets are cut from.
    pub fn text(&self) -> String {
        match &self.lead {
            Some(lead) => format!("{lead}\n\n{}", self.body),
            None => self.body.clone(),
        }
    }
}

/// Calls `f` with each language of a segment's articles and where its
/// postings are: the terms of the `langs` field, which is indexed but not
/// stored (see [`StoredArticle::langs`]).
pub fn for_each_language(
    segment: &SegmentReader,
    fields: &Fields,
    mut f: impl FnMut(String, &TermInfo) -> Result<()>,
) -> Result<()> {
    let inverted = segment.inverted_index(fields.langs)?;
    let mut terms = inverted
        .terms()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while terms.advance() {
        f(
            String::from_utf8_lossy(terms.key()).into_owned(),
            terms.value(),
        )?;
    }
    Ok(())
}

fn serialize_date<S: Serializer>(
    date: &Option<DateTime<Utc>>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.serialize_str(&d.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::dedup;
    use crate::analysis::lang::{self, DetectionMethod};

    /// The document written for `article`, detected as `language` with
    /// paragraphs in `others`, and the article read back from it.
    fn round_trip(
        article: &Article,
        language: &str,
        others: &[&str],
    ) -> (Fields, TantivyDocument, StoredArticle) {
        let fields = Fields::new();
        let prepared = Prepared {
            article: article.clone(),
            detection: Detection {
                language: lang::lookup(language),
                confidence: 0.75,
                method: DetectionMethod::Detected,
            },
            others: others.iter().filter_map(|c| lang::lookup(c)).collect(),
            text_hash: 42,
            fingerprint: dedup::fingerprint_parts([article.body.as_str()]),
        };
        let origin = Origin {
            id: "a-1",
            file: "/data/news/a.json",
            path: "news/a.json",
        };
        let doc = to_document(&fields, origin, &prepared);
        let stored = StoredArticle::from_document(&fields, &doc);
        (fields, doc, stored)
    }

    #[test]
    fn an_article_comes_back_as_it_was_written() {
        let article = Article {
            id: Some("ignored: the origin's id wins".into()),
            title: Some("Le gouvernement et le numérique".into()),
            lead: Some("Un plan en deux ans.".into()),
            body: "Les ministres veulent former les agents publics.".into(),
            url: Some("https://example.org/a".into()),
            date: DateTime::from_timestamp(1_700_000_000, 0),
            source: Some("Le Journal".into()),
            lang: Some("fr".into()),
            tags: vec!["État".into(), "IA".into()],
        };
        let (fields, doc, stored) = round_trip(&article, "fr", &["en"]);
        let expected = StoredArticle {
            id: "a-1".into(),
            title: article.title.clone(),
            lead: article.lead.clone(),
            body: article.body.clone(),
            url: article.url.clone(),
            date: article.date,
            source: article.source.clone(),
            lang: "fr".into(),
            path: "news/a.json".into(),
            tags: article.tags.clone(),
            langs: Vec::new(),
            lang_confidence: Some(0.75),
        };
        assert_eq!(stored, expected);
        assert_eq!(stored.date_rfc3339().unwrap(), "2023-11-14T22:13:20Z");
        assert_eq!(
            stored.text(),
            format!("Un plan en deux ans.\n\n{}", article.body)
        );

        // The text goes to the neutral and exact fields and to the fields
        // of both languages, and to no other language's.
        let has = |field: Field| doc.get_first(field).is_some();
        let chain = |code| fields.lang_fields(lang::lookup(code).unwrap()).unwrap();
        for tf in [fields.neutral, fields.exact, chain("fr"), chain("en")] {
            assert!(has(tf.title) && has(tf.body));
        }
        assert!(!has(chain("de").title) && !has(chain("de").body));
        let langs: Vec<&str> = doc
            .get_all(fields.langs)
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(langs, ["fr", "en"]);
    }

    #[test]
    fn blank_texts_are_missing_and_the_json_keeps_its_shape() {
        let article = Article {
            title: Some("  ".into()),
            lead: Some("\n".into()),
            body: "Corps".into(),
            ..Article::default()
        };
        let (_, _, stored) = round_trip(&article, "xx", &[]);
        assert_eq!(
            (stored.title.as_deref(), stored.lead.as_deref()),
            (None, None)
        );
        assert_eq!(stored.lang, "und");
        assert_eq!(stored.text(), "Corps");
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            r#"{"id":"a-1","title":null,"lead":null,"body":"Corps","url":null,"date":null,"source":null,"lang":"und","path":"news/a.json","tags":[]}"#
        );
    }
}
