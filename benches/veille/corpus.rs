//! The benchmark's corpus, in the two shapes articles reach veille: one
//! file per article, and the same articles as one JSON Lines dump; and the
//! gauge, plain tantivy indexing either shape.
//!
//! Both shapes are written once under `target/bench/` and kept: the files
//! from OrangeSum (33k French), Reuters (the 19k records with a body) and
//! BBC (2.2k English text files), then the dump from those files, so that
//! the two hold the same articles.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tantivy::schema::{Schema, STORED, TEXT};
use tantivy::{doc, Index, IndexWriter};

use crate::measure::dir_size;

/// The corpus on disk.
pub struct Corpus {
    /// One file per article.
    pub files: PathBuf,
    pub file_count: u64,
    pub file_bytes: u64,
    /// The folder holding only the dump (what `veille index` is given).
    pub dump_dir: PathBuf,
    /// The dump itself: one article per line.
    pub dump: PathBuf,
    pub dump_lines: u64,
    pub dump_bytes: u64,
}

impl Corpus {
    /// Writes what a previous run did not finish; `data` is the shared
    /// data folder, `work` the benchmark's folder.
    pub fn prepare(data: &Path, work: &Path) -> Corpus {
        let files = work.join("corpus");
        let (file_count, file_bytes) = prepare_files(data, &files);
        let dump_dir = work.join("dump");
        let dump = dump_dir.join("dump.jsonl");
        let dump_lines = write_dump(&files, &dump);
        let dump_bytes = fs::metadata(&dump).map_or(0, |m| m.len());
        Corpus {
            files,
            file_count,
            file_bytes,
            dump_dir,
            dump,
            dump_lines,
            dump_bytes,
        }
    }
}

/// Writes one file per article under `corpus` (once); returns the number
/// of files and their total size.
fn prepare_files(data: &Path, corpus: &Path) -> (u64, u64) {
    let done = corpus.join(".complete");
    if !done.exists() {
        let _ = fs::remove_dir_all(corpus);
        fs::create_dir_all(corpus.join("orangesum")).unwrap();
        fs::create_dir_all(corpus.join("reuters")).unwrap();
        let gz = fs::File::open(data.join("orangesum/orangesum.jsonl.gz")).unwrap();
        let reader = BufReader::new(flate2::read::GzDecoder::new(gz));
        for line in reader.lines() {
            let line = line.unwrap();
            let v: Value = serde_json::from_str(&line).unwrap();
            let id = v["id"].to_string();
            fs::write(corpus.join(format!("orangesum/{id}.json")), line).unwrap();
        }
        let reuters = fs::File::open(data.join("reuters/reuters21578.jsonl")).unwrap();
        for line in BufReader::new(reuters).lines() {
            let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
            let Some(body) = v["body"].as_str().filter(|b| !b.trim().is_empty()) else {
                continue;
            };
            let out = json!({
                "id": format!("reuters-{}", v["newid"]),
                "title": v["title"],
                "body": body,
                "date": reuters_date(v["date"].as_str().unwrap_or("")),
                "source": "Reuters",
                "tags": v["topics"],
            });
            fs::write(
                corpus.join(format!("reuters/{}.json", v["newid"])),
                out.to_string(),
            )
            .unwrap();
        }
        for entry in walkdir::WalkDir::new(data.join("bbc/bbc")) {
            let entry = entry.unwrap();
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "txt") {
                let rel = p.strip_prefix(data.join("bbc/bbc")).unwrap();
                let target = corpus.join("bbc").join(rel);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(p, target).unwrap();
            }
        }
        fs::File::create(&done).unwrap().write_all(b"ok").unwrap();
    }
    let mut files = 0;
    let mut bytes = 0;
    for entry in article_files(corpus) {
        files += 1;
        bytes += fs::metadata(&entry).unwrap().len();
    }
    (files, bytes)
}

/// The article files under `corpus`, in a fixed order (dot files, such as
/// the marker of a finished corpus, left out).
fn article_files(corpus: &Path) -> impl Iterator<Item = PathBuf> {
    walkdir::WalkDir::new(corpus)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(walkdir::DirEntry::into_path)
}

/// `26-FEB-1987 15:01:01.79` → `1987-02-26T15:01:01Z`.
fn reuters_date(s: &str) -> String {
    let months = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let mut parts = s.trim().split([' ', '-']);
    let (Some(d), Some(m), Some(y), Some(t)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return String::new();
    };
    let month = months.iter().position(|x| *x == m).map_or(1, |i| i + 1);
    let time = t.split('.').next().unwrap_or("00:00:00");
    format!(
        "{y}-{month:02}-{:02}T{time}Z",
        d.parse::<u32>().unwrap_or(1)
    )
}

/// Writes the articles of `files` as one JSON Lines dump (once; a file
/// beside the dump's folder says it is whole and how many lines it has):
/// the JSON files' objects as they are, and each text file as an object of
/// its first line as title and the rest as body, as veille reads a text
/// file. Returns the number of lines.
fn write_dump(files: &Path, dump: &Path) -> u64 {
    let folder = dump.parent().expect("the dump's folder");
    // Outside the dump's folder, so that it is not indexed with it.
    let done = folder.with_extension("lines");
    if let Some(n) = fs::read_to_string(&done)
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        if dump.exists() {
            return n;
        }
    }
    let _ = fs::remove_dir_all(folder);
    fs::create_dir_all(folder).expect("create the dump's folder");
    let mut out = BufWriter::new(fs::File::create(dump).expect("create the dump"));
    let mut n = 0u64;
    for path in article_files(files) {
        // BBC's text files are not all UTF-8; veille guesses their
        // encoding, this reads them as plain tantivy's gauge does.
        let bytes = fs::read(&path).expect("an article file");
        let text = String::from_utf8_lossy(&bytes);
        if path.extension().is_some_and(|e| e == "json") {
            writeln!(out, "{}", text.trim()).expect("write the dump");
        } else {
            let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
            let rel = path.strip_prefix(files).expect("inside the corpus");
            let article = json!({
                "id": rel.to_string_lossy(),
                "title": title.trim(),
                "body": body.trim(),
            });
            writeln!(out, "{article}").expect("write the dump");
        }
        n += 1;
    }
    out.flush().expect("write the dump");
    fs::write(&done, n.to_string()).expect("mark the dump whole");
    n
}

/// An article's title and text as plain tantivy indexes them: `title`,
/// and `heading` then `article` (OrangeSum) or `body` (the others).
pub fn title_and_text(v: &Value) -> (String, String) {
    let get = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let text = if v.get("article").is_some() {
        format!("{}\n{}", get("heading"), get("article"))
    } else {
        get("body")
    };
    (get("title"), text)
}

/// Plain tantivy: one title and one body field, both stored and analysed
/// by the default tokenizer, 2 indexing threads, as a user of tantivy
/// would start.
struct Plain {
    /// When the run began: its time is the gauge's.
    started: Instant,
    dir: PathBuf,
    writer: IndexWriter,
    title: tantivy::schema::Field,
    body: tantivy::schema::Field,
    added: u64,
}

impl Plain {
    fn create(dir: &Path) -> Plain {
        let started = Instant::now();
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).unwrap();
        let mut sb = Schema::builder();
        let title = sb.add_text_field("title", TEXT | STORED);
        let body = sb.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_dir(dir, sb.build()).unwrap();
        let writer = index.writer_with_num_threads(2, 200_000_000).unwrap();
        Plain {
            started,
            dir: dir.to_path_buf(),
            writer,
            title,
            body,
            added: 0,
        }
    }

    fn add(&mut self, title: String, body: String) {
        self.writer
            .add_document(doc!(self.title => title, self.body => body))
            .unwrap();
        self.added += 1;
    }

    fn finish(mut self) -> Gauge {
        self.writer.commit().unwrap();
        self.writer.wait_merging_threads().unwrap();
        Gauge {
            articles: self.added,
            elapsed: self.started.elapsed(),
            size: dir_size(&self.dir),
        }
    }
}

/// What plain tantivy did: articles, time, index size.
pub struct Gauge {
    pub articles: u64,
    pub elapsed: Duration,
    pub size: u64,
}

/// Plain tantivy over the article files, reading each one.
pub fn plain_files(corpus: &Path, dir: &Path) -> Gauge {
    let mut plain = Plain::create(dir);
    for path in article_files(corpus) {
        let Ok(bytes) = fs::read(&path) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        let (title, body) = if path.extension().is_some_and(|e| e == "json") {
            title_and_text(&serde_json::from_str(&text).unwrap_or_default())
        } else {
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            (first.to_string(), rest.to_string())
        };
        plain.add(title, body);
    }
    plain.finish()
}

/// Plain tantivy over the dump, line by line.
pub fn plain_dump(dump: &Path, dir: &Path) -> Gauge {
    let mut plain = Plain::create(dir);
    let file = fs::File::open(dump).expect("open the dump");
    for line in BufReader::new(file).lines() {
        let line = line.expect("read the dump");
        let (title, body) = title_and_text(&serde_json::from_str(&line).unwrap_or_default());
        plain.add(title, body);
    }
    plain.finish()
}
