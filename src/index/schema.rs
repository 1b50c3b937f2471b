//! The index schema: which fields exist, how each is analysed and stored.
//!
//! Articles are written to one pair of text fields (title, body) per
//! language chain, plus a language-neutral pair that every article fills.
//! Search therefore compares like with like: a French query word is stemmed
//! the French way and looked up in the French fields only. The same index
//! also holds one *file record* per source file (size, mtime, content hash),
//! so that incremental indexing state commits atomically with the articles.

use std::collections::HashMap;

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use crate::analysis;
use crate::analysis::lang::{self, Language};

/// Version of the on-disk layout; bump it whenever the schema or analysis
/// changes in a way that old indexes would be misread.
pub const FORMAT_VERSION: u32 = 6;

/// Value of the `kind` field for articles.
pub const KIND_ARTICLE: u64 = 0;
/// Value of the `kind` field for file records.
pub const KIND_FILE: u64 = 1;

/// Suffix of the language-neutral text fields (`title_any`, `body_any`).
pub const NEUTRAL_SUFFIX: &str = "any";

/// The pair of analysed fields of one chain.
#[derive(Debug, Clone, Copy)]
pub struct TextFields {
    pub title: Field,
    pub body: Field,
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    /// [`KIND_ARTICLE`] or [`KIND_FILE`].
    pub kind: Field,
    /// Article id (unique among articles).
    pub id: Field,
    /// Canonical path of the source file: the key for incremental updates.
    pub file: Field,
    /// Set on file records only, to delete a record without its articles.
    pub file_record: Field,
    /// Path as shown to the user (relative to where it was indexed from).
    pub path: Field,
    pub title: Field,
    pub lead: Field,
    pub body: Field,
    pub url: Field,
    /// Source name, analysed (for `source:` queries) and stored.
    pub source: Field,
    /// Source name, verbatim, as a fast field (for facets and statistics).
    pub source_raw: Field,
    pub tags: Field,
    pub lang: Field,
    /// Every language whose chain analysed the article (the main one and
    /// those of whole paragraphs): what search uses to pick its chains.
    pub langs: Field,
    pub lang_confidence: Field,
    /// Whether the article's language is its own (declared or detected)
    /// rather than its neighbours' or the default: only its own counts
    /// towards a folder's majority, when a run reads the index.
    pub lang_own: Field,
    pub date: Field,
    /// Hash of the article's normalised text, for exact-duplicate detection.
    pub text_hash: Field,
    /// Near-duplicate fingerprint ([`crate::analysis::dedup`]), as a bytes fast field.
    pub fingerprint: Field,
    /// File records: size, mtime, content hash, and what the last run found.
    pub file_size: Field,
    pub file_mtime: Field,
    pub file_hash: Field,
    pub file_status: Field,
    pub file_articles: Field,
    pub file_duplicates: Field,
    /// The language-neutral fields.
    pub neutral: TextFields,
    /// The exact fields: tech names kept whole, never stemmed.
    pub exact: TextFields,
    /// Per-language fields, keyed by language code.
    pub by_lang: HashMap<&'static str, TextFields>,
}

/// A keyword: one untokenised term, with no field norms. Every field of
/// this kind holds one value per document, so its norm would be 1 for each
/// document that has it, 1 byte per document of every segment (file
/// records included) to tell scores nothing.
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    )
}

/// A number looked up by value, with no field norms (see [`keyword`]).
fn indexed_number() -> NumericOptions {
    NumericOptions::default().set_indexed()
}

fn text_options(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let kind = b.add_u64_field("kind", indexed_number() | FAST);
        let id = b.add_text_field("id", keyword() | STORED | FAST);
        // The file key is looked up (deletes) and read by column (the run's
        // knowledge of its files), never from the stored document.
        let file = b.add_text_field("file", keyword() | FAST);
        let file_record = b.add_text_field("file_record", keyword());
        let path = b.add_text_field("path", STORED);
        let title = b.add_text_field("title", STORED);
        let lead = b.add_text_field("lead", STORED);
        let body = b.add_text_field("body", STORED);
        // Shown with each hit, never searched: stored, not indexed (its
        // term dictionary was 2.5 % of the index).
        let url = b.add_text_field("url", STORED);
        let source = b.add_text_field("source", text_options(analysis::NEUTRAL) | STORED);
        let source_raw = b.add_text_field("source_raw", keyword() | FAST);
        let tags = b.add_text_field("tags", text_options(analysis::NEUTRAL) | STORED);
        let lang = b.add_text_field("lang", keyword() | STORED | FAST);
        let langs = b.add_text_field("langs", STRING);
        let lang_confidence = b.add_f64_field("lang_confidence", STORED);
        let lang_own = b.add_bool_field("lang_own", FAST);
        let date = b.add_date_field(
            "date",
            DateOptions::default()
                .set_indexed()
                .set_stored()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        let text_hash = b.add_u64_field("text_hash", indexed_number() | FAST);
        let fingerprint = b.add_bytes_field("fingerprint", FAST);
        // File records are read by column only ([`crate::index::writer`]).
        let fast_u64 = || NumericOptions::default().set_fast();
        let file_size = b.add_u64_field("file_size", fast_u64());
        let file_mtime = b.add_i64_field("file_mtime", fast_u64());
        let file_hash = b.add_u64_field("file_hash", fast_u64());
        let file_status = b.add_text_field("file_status", STORED);
        let file_articles = b.add_u64_field("file_articles", fast_u64());
        let file_duplicates = b.add_u64_field("file_duplicates", fast_u64());
        let neutral = TextFields {
            title: b.add_text_field(
                &format!("title_{NEUTRAL_SUFFIX}"),
                text_options(analysis::NEUTRAL),
            ),
            body: b.add_text_field(
                &format!("body_{NEUTRAL_SUFFIX}"),
                text_options(analysis::NEUTRAL),
            ),
        };
        let exact = TextFields {
            title: b.add_text_field("title_exact", text_options(analysis::EXACT)),
            body: b.add_text_field("body_exact", text_options(analysis::EXACT)),
        };
        let mut by_lang = HashMap::new();
        for language in lang::chained() {
            let tokenizer = analysis::tokenizer_name(language);
            let fields = TextFields {
                title: b.add_text_field(
                    &format!("title_{}", language.code),
                    text_options(&tokenizer),
                ),
                body: b
                    .add_text_field(&format!("body_{}", language.code), text_options(&tokenizer)),
            };
            by_lang.insert(language.code, fields);
        }
        Fields {
            schema: b.build(),
            kind,
            id,
            file,
            file_record,
            path,
            title,
            lead,
            body,
            url,
            source,
            source_raw,
            tags,
            lang,
            langs,
            lang_confidence,
            lang_own,
            date,
            text_hash,
            fingerprint,
            file_size,
            file_mtime,
            file_hash,
            file_status,
            file_articles,
            file_duplicates,
            neutral,
            exact,
            by_lang,
        }
    }

    /// Binds field handles to an existing schema, checking that it is the one
    /// this version writes (field for field).
    pub fn matches(&self, other: &Schema) -> bool {
        let ours: Vec<_> = self.schema.fields().map(|(_, e)| e.clone()).collect();
        let theirs: Vec<_> = other.fields().map(|(_, e)| e.clone()).collect();
        ours == theirs
    }

    /// The analysed fields of a language, if it has a chain.
    pub fn lang_fields(&self, language: &Language) -> Option<TextFields> {
        self.by_lang.get(language.code).copied()
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
