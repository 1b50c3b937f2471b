//! The yardstick: plain tantivy over the same documents, in the same run.
//!
//! A figure for veille means little alone; what matters is how much better
//! it does than what anyone gets from tantivy out of the box. Each baseline
//! is an index in memory with one text field (title, a new line, then the
//! text), BM25, and tantivy's `QueryParser` in its default mode, where any
//! word of the question may match. Two analyses are measured: tantivy's
//! default tokenizer, and a French chain made of tantivy's own filters.

use std::fs;
use std::path::Path;

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TokenStream,
};
use tantivy::{doc, Index, IndexReader, TantivyDocument};

use super::qrels::FormatError;
use crate::error::{Error, Result};

/// Memory budget of the writer that fills a baseline index.
const WRITER_BYTES: usize = 64 * 1024 * 1024;

/// A document of the baseline collection.
#[derive(Debug, Clone, Deserialize)]
pub struct Doc {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
}

/// Reads a JSON Lines file of `{"id", "title", "text"}` records. Blank
/// lines are skipped; a malformed one is an error naming its line.
pub fn read_docs(path: &Path) -> Result<Vec<Doc>> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let doc: Doc = serde_json::from_str(line).map_err(|e| FormatError {
            file: path.display().to_string(),
            line: i + 1,
            message: format!("expected a JSON object with a string `id`, `title` and `text` ({e})"),
        })?;
        docs.push(doc);
    }
    if docs.is_empty() {
        return Err(Error::NoDocuments(path.to_path_buf()));
    }
    Ok(docs)
}

/// The analysis of a baseline's text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    /// tantivy's `default` tokenizer: split on anything not alphanumeric,
    /// drop tokens of 40 bytes or more, lowercase.
    Default,
    /// Split on anything not alphanumeric, lowercase, remove French stop
    /// words, Snowball French stemmer, fold to ASCII.
    French,
}

impl Analysis {
    /// Both, in the order they are reported.
    pub const ALL: [Analysis; 2] = [Analysis::Default, Analysis::French];

    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            Analysis::Default => "tantivy default",
            Analysis::French => "tantivy french",
        }
    }

    /// The name of the tokenizer in the index's manager.
    fn tokenizer(self) -> &'static str {
        match self {
            Analysis::Default => "default",
            Analysis::French => "french_plain",
        }
    }
}

/// The analyzer of [`Analysis::French`].
fn french() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::French).expect("tantivy ships French stop words"))
        .filter(Stemmer::new(Language::French))
        .filter(AsciiFoldingFilter)
        .build()
}

/// A baseline index, ready for questions.
pub struct Baseline {
    pub analysis: Analysis,
    reader: IndexReader,
    parser: QueryParser,
    analyzer: TextAnalyzer,
    id: Field,
}

impl Baseline {
    /// Indexes `docs` in memory.
    pub fn build(docs: &[Doc], analysis: Analysis) -> tantivy::Result<Baseline> {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", tantivy::schema::STRING | tantivy::schema::STORED);
        let text = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analysis.tokenizer())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(schema.build());
        if analysis == Analysis::French {
            index.tokenizers().register(analysis.tokenizer(), french());
        }
        // One thread: documents keep the file's order, so that ties are broken
        // the same way on every run.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)?;
        for d in docs {
            writer.add_document(doc!(
                id => d.id.as_str(),
                text => format!("{}\n{}", d.title, d.text),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let parser = QueryParser::for_index(&index, vec![text]);
        let analyzer = index.tokenizer_for_field(text)?;
        Ok(Baseline {
            analysis,
            reader,
            parser,
            analyzer,
            id,
        })
    }

    /// The ids of the best `limit` documents for a question, best first,
    /// with their scores.
    pub fn search(&self, question: &str, limit: usize) -> tantivy::Result<Vec<(String, f32)>> {
        let words = plain_words(question);
        // Nothing left once analysed (only stop words): tantivy would reject
        // the empty query.
        let mut analyzer = self.analyzer.clone();
        if !analyzer.token_stream(&words).advance() {
            return Ok(Vec::new());
        }
        let query = self.parser.parse_query(&words)?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = doc.get_first(self.id).and_then(|v| v.as_str()) {
                ids.push((id.to_string(), score));
            }
        }
        Ok(ids)
    }
}

/// The question as words only, so that `QueryParser` reads no syntax in it.
///
/// Both baselines split on anything that is not alphanumeric, so replacing
/// those characters with spaces changes no term; it only keeps `(`, `:`,
/// `-`, `'` and the like from being read as operators, and makes each word
/// a term of its own rather than a phrase (`l'avion` → `l avion`, not the
/// phrase "l avion"). `AND`, `OR`, `NOT` and `IN` are lowercased so they
/// stay words.
pub fn plain_words(question: &str) -> String {
    let spaced: String = question
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced
        .split_whitespace()
        .map(|w| match w {
            "AND" | "OR" | "NOT" | "IN" => w.to_lowercase(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<Doc> {
        let d = |id: &str, title: &str, text: &str| Doc {
            id: id.into(),
            title: title.into(),
            text: text.into(),
        };
        vec![
            d("d1", "Les chevaux", "Les chevaux de course galopent."),
            d("d2", "Le cheval", "Un cheval blanc."),
            d("d3", "Voitures", "Les voitures électriques."),
        ]
    }

    #[test]
    fn plain_words_strip_query_syntax() {
        assert_eq!(
            plain_words("Qu'est-ce que (C++) : \"NOT\" OR AND* title:x ?"),
            "Qu est ce que C not or and title x"
        );
        assert_eq!(plain_words(" ?! "), "");
    }

    fn ids(b: &Baseline, question: &str) -> Vec<String> {
        let mut ids: Vec<String> = b
            .search(question, 10)
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn default_analysis_matches_words_as_written() {
        let b = Baseline::build(&docs(), Analysis::Default).unwrap();
        assert_eq!(ids(&b, "chevaux ?"), ["d1"]);
        assert!(ids(&b, "electriques").is_empty());
        assert!(ids(&b, "???").is_empty());
        // Ranked by score, best first.
        let ranked = b.search("cheval blanc", 10).unwrap();
        assert_eq!(ranked[0].0, "d2");
        assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1));
    }

    #[test]
    fn french_analysis_stems_folds_and_drops_stop_words() {
        let b = Baseline::build(&docs(), Analysis::French).unwrap();
        assert_eq!(ids(&b, "cheval"), ["d1", "d2"]);
        assert_eq!(ids(&b, "electrique"), ["d3"]);
        // Stop words only: nothing to look for.
        assert!(ids(&b, "les de un").is_empty());
    }

    #[test]
    fn read_docs_names_the_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        fs::write(
            &path,
            "{\"id\":\"a\",\"title\":\"t\",\"text\":\"x\"}\n\n{\"title\":\"t\"}\n",
        )
        .unwrap();
        let err = read_docs(&path).unwrap_err().to_string();
        assert!(err.contains("docs.jsonl: line 3"), "{err}");
        fs::write(&path, "{\"id\":\"a\",\"text\":\"x\"}\n").unwrap();
        assert_eq!(read_docs(&path).unwrap()[0].title, "");
    }
}
