//! `_bulk` files: every article as an OpenSearch `index` action, in parts
//! small enough to post in one request.
//!
//! Each article is two lines of NDJSON: the action
//! `{"index":{"_index":NAME,"_id":ID}}`, then the document. The `_id` is
//! the veille id (hashed in the rare case it is longer than OpenSearch
//! accepts, see [`opensearch_id`]). The document
//! carries the display fields (`title`, `lead`, `body`, which the mapping
//! copies into the neutral and exact fields), the per-language fields of
//! the article's languages only (`title_fr`, `body_fr`: the lead and the
//! body, as veille indexes them; an article with paragraphs in another
//! language also fills that language's fields), and `id`, `date`
//! (RFC 3339), `url`, `source`, `tags`, `lang`, `langs`, `lang_confidence`
//! and `path`.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::analysis::lang;
use crate::error::{Error, Result};
use crate::index::document::StoredArticle;

/// Default largest size of a part: OpenSearch's own advice is a bulk
/// request of 5 to 15 MB, well under its 100 MB request limit.
pub const DEFAULT_MAX_PART_BYTES: u64 = 10_000_000;

/// OpenSearch refuses an `_id` longer than this many bytes.
pub const MAX_ID_BYTES: usize = 512;

/// The `_id` of an article: its veille id, or for an id too long for
/// OpenSearch, `blake3:` and the hash of the id (the document's `id` field
/// still holds the whole id).
pub fn opensearch_id(id: &str) -> Cow<'_, str> {
    if id.len() <= MAX_ID_BYTES {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(format!("blake3:{}", blake3::hash(id.as_bytes()).to_hex()))
    }
}

/// One bulk file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// File name, `bulk-NNNN.ndjson`.
    pub file: String,
    pub articles: u64,
    pub bytes: u64,
}

/// File name of the `n`th part (from 1).
pub fn part_name(n: usize) -> String {
    format!("bulk-{n:04}.ndjson")
}

/// True for a file name of the `bulk-NNNN.ndjson` form.
fn is_part_name(name: &str) -> bool {
    name.strip_prefix("bulk-")
        .and_then(|rest| rest.strip_suffix(".ndjson"))
        .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Part files in `dir` that this export did not write (left over from an
/// earlier, larger export).
pub fn stale_parts(dir: &Path, written: &[Part]) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let name = entry
            .map_err(|e| Error::io(dir, e))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if is_part_name(&name) && !written.iter().any(|p| p.file == name) {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

/// The open part being written.
struct OpenPart {
    out: BufWriter<File>,
    path: PathBuf,
    part: Part,
}

/// Writes articles into `bulk-NNNN.ndjson` files of at most `max_bytes`
/// each (an article larger than that gets a part of its own).
pub struct BulkWriter {
    dir: PathBuf,
    index: String,
    max_bytes: u64,
    current: Option<OpenPart>,
    done: Vec<Part>,
    /// The two lines of the article being added.
    buffer: Vec<u8>,
}

impl BulkWriter {
    pub fn new(dir: &Path, index: &str, max_bytes: u64) -> BulkWriter {
        BulkWriter {
            dir: dir.to_path_buf(),
            index: index.to_string(),
            max_bytes,
            current: None,
            done: Vec::new(),
            buffer: Vec::new(),
        }
    }

    /// Adds one article.
    pub fn add(&mut self, article: &StoredArticle) -> Result<()> {
        self.buffer.clear();
        let id = opensearch_id(&article.id);
        let action = Action {
            index: ActionTarget {
                index: &self.index,
                id: &id,
            },
        };
        // Into memory: a JSON error here would be an encoding error.
        let encoding = |e: serde_json::Error| Error::Write(e.into());
        serde_json::to_writer(&mut self.buffer, &action).map_err(encoding)?;
        self.buffer.push(b'\n');
        serde_json::to_writer(&mut self.buffer, &Document(article)).map_err(encoding)?;
        self.buffer.push(b'\n');
        let len = self.buffer.len() as u64;
        let full = self
            .current
            .as_ref()
            .is_some_and(|c| c.part.articles > 0 && c.part.bytes + len > self.max_bytes);
        if full {
            self.close_current()?;
        }
        if self.current.is_none() {
            self.open_next()?;
        }
        let current = self.current.as_mut().expect("a part is open");
        current
            .out
            .write_all(&self.buffer)
            .map_err(|e| Error::io(&current.path, e))?;
        current.part.bytes += len;
        current.part.articles += 1;
        Ok(())
    }

    fn open_next(&mut self) -> Result<()> {
        let file = part_name(self.done.len() + 1);
        let path = self.dir.join(&file);
        let out = File::create(&path).map_err(|e| Error::io(&path, e))?;
        self.current = Some(OpenPart {
            out: BufWriter::new(out),
            path,
            part: Part {
                file,
                articles: 0,
                bytes: 0,
            },
        });
        Ok(())
    }

    fn close_current(&mut self) -> Result<()> {
        if let Some(mut open) = self.current.take() {
            open.out.flush().map_err(|e| Error::io(&open.path, e))?;
            self.done.push(open.part);
        }
        Ok(())
    }

    /// Flushes the last part and returns every part written, in order.
    /// An index without articles gives no part.
    pub fn finish(mut self) -> Result<Vec<Part>> {
        self.close_current()?;
        Ok(self.done)
    }
}

/// The action line.
#[derive(Serialize)]
struct Action<'a> {
    index: ActionTarget<'a>,
}

#[derive(Serialize)]
struct ActionTarget<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// The document line of an article.
struct Document<'a>(&'a StoredArticle);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let a = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &a.id)?;
        if let Some(title) = &a.title {
            map.serialize_entry("title", title)?;
        }
        // `lead` before `body`: copy_to then fills the neutral and exact
        // body fields in veille's order.
        if let Some(lead) = &a.lead {
            map.serialize_entry("lead", lead)?;
        }
        map.serialize_entry("body", &a.body)?;
        let chained = a
            .langs
            .iter()
            .filter_map(|code| lang::lookup(code))
            .filter(|l| l.has_chain());
        for language in chained {
            if let Some(title) = &a.title {
                map.serialize_entry(&format!("title_{}", language.code), title)?;
            }
            let key = format!("body_{}", language.code);
            match &a.lead {
                Some(lead) => map.serialize_entry(&key, &[lead, &a.body])?,
                None => map.serialize_entry(&key, &a.body)?,
            }
        }
        if let Some(date) = a.date_rfc3339() {
            map.serialize_entry("date", &date)?;
        }
        if let Some(url) = &a.url {
            map.serialize_entry("url", url)?;
        }
        if let Some(source) = &a.source {
            map.serialize_entry("source", source)?;
        }
        if !a.tags.is_empty() {
            map.serialize_entry("tags", &a.tags)?;
        }
        map.serialize_entry("lang", &a.lang)?;
        if !a.langs.is_empty() {
            map.serialize_entry("langs", &a.langs)?;
        }
        if let Some(confidence) = a.lang_confidence {
            map.serialize_entry("lang_confidence", &confidence)?;
        }
        map.serialize_entry("path", &a.path)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, lang: &str) -> StoredArticle {
        StoredArticle {
            id: id.into(),
            title: Some("Titre".into()),
            lead: Some("Chapeau".into()),
            body: "Corps".into(),
            url: None,
            source: None,
            tags: vec![],
            lang: lang.into(),
            langs: if lang == "und" {
                vec![]
            } else {
                vec![lang.into()]
            },
            lang_confidence: Some(0.9),
            date: chrono::DateTime::from_timestamp(1_700_000_000, 0),
            path: "a.txt".into(),
        }
    }

    fn lines(a: &StoredArticle) -> Vec<serde_json::Value> {
        let dir = tempfile::tempdir().unwrap();
        let mut w = BulkWriter::new(dir.path(), "veille", DEFAULT_MAX_PART_BYTES);
        w.add(a).unwrap();
        let parts = w.finish().unwrap();
        let text = fs::read_to_string(dir.path().join(&parts[0].file)).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn french_article_goes_to_french_fields() {
        let l = lines(&article("x\"1", "fr"));
        assert_eq!(l[0]["index"]["_index"], "veille");
        assert_eq!(l[0]["index"]["_id"], "x\"1");
        assert_eq!(l[1]["title_fr"], "Titre");
        assert_eq!(l[1]["body_fr"], serde_json::json!(["Chapeau", "Corps"]));
        assert_eq!(l[1]["date"], "2023-11-14T22:13:20Z");
        assert!(l[1].get("title_en").is_none());
    }

    #[test]
    fn undetermined_and_unchained_languages_have_no_language_field() {
        for lang in ["und", "zh"] {
            let l = lines(&article("x", lang));
            let keys: Vec<&String> = l[1].as_object().unwrap().keys().collect();
            assert!(
                !keys.iter().any(|k| k.starts_with("title_")),
                "{lang}: {keys:?}"
            );
        }
    }

    #[test]
    fn parts_are_split_at_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = BulkWriter::new(dir.path(), "veille", 600);
        for i in 0..10 {
            w.add(&article(&i.to_string(), "fr")).unwrap();
        }
        let parts = w.finish().unwrap();
        assert!(parts.len() > 1);
        assert_eq!(parts.iter().map(|p| p.articles).sum::<u64>(), 10);
        for p in &parts {
            assert!(p.bytes <= 600, "{p:?}");
            let len = fs::metadata(dir.path().join(&p.file)).unwrap().len();
            assert_eq!(len, p.bytes);
        }
        assert_eq!(parts[0].file, "bulk-0001.ndjson");
        assert!(stale_parts(dir.path(), &parts).unwrap().is_empty());
        assert_eq!(
            stale_parts(dir.path(), &parts[..1]).unwrap(),
            parts[1..]
                .iter()
                .map(|p| p.file.clone())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn ids_too_long_for_opensearch_are_hashed() {
        let long = "x".repeat(MAX_ID_BYTES + 1);
        let l = lines(&article(&long, "fr"));
        let id = l[0]["index"]["_id"].as_str().unwrap();
        assert!(id.starts_with("blake3:") && id.len() < MAX_ID_BYTES, "{id}");
        assert_eq!(l[1]["id"], long.as_str());
        let fits = "y".repeat(MAX_ID_BYTES);
        assert_eq!(opensearch_id(&fits), fits.as_str());
    }

    #[test]
    fn part_names() {
        assert!(is_part_name("bulk-0001.ndjson"));
        assert!(is_part_name("bulk-12345.ndjson"));
        assert!(!is_part_name("bulk-1.ndjson"));
        assert!(!is_part_name("bulk-abcd.ndjson"));
        assert!(!is_part_name("settings.json"));
    }
}
