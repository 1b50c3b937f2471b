//! Measures the language of short items, as feeds carry them: a title and
//! one sentence. From the shared corpora it writes a feed-sized sample,
//! OrangeSum (French) titles with their one-sentence heading and BBC
//! (English) titles with their first sentence, three times: as RSS files
//! of [`PER_FEED`] items without a `<language>` element, all in one folder
//! (`feeds/`), as the same feeds with titles only (`titles/`), and as one
//! `.txt` file per item, in a folder per source (`txt/`). It then indexes
//! each with veille and counts, per source, the items left `und` and those
//! given a language other than their corpus's.
//!
//! ```sh
//! cargo run --example short_items -- /tmp/short-items
//! ```
//!
//! The folder must not exist yet. With `--write-only` after it, the sample
//! is only written (to index it with another build: `veille index
//! /tmp/short-items/feeds --index IDX`, then `veille stats --index IDX`).
//! The shared data is `../shared/data`, or `$VEILLE_SHARED/data`; without
//! it the example says so and exits 0.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use veille::index::writer::{self, IndexOptions};
use veille::search::Engine;

/// Items taken from each corpus.
const ITEMS: usize = 1500;
/// Items per RSS file.
const PER_FEED: usize = 25;

struct Item {
    /// `orangesum` or `bbc`.
    corpus: &'static str,
    title: String,
    sentence: String,
}

/// The first sentence of a text (up to its first `.`, `!` or `?` followed
/// by a space or the end).
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && text[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    text[..end].to_string()
}

fn orangesum(data: &Path) -> Option<Vec<Item>> {
    let file = std::fs::File::open(data.join("orangesum/orangesum.jsonl.gz")).ok()?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut items = Vec::new();
    for line in reader.lines().take(ITEMS) {
        let v: serde_json::Value =
            serde_json::from_str(&line.expect("readable gzip")).expect("a JSON line");
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        items.push(Item {
            corpus: "orangesum",
            title: text("title"),
            sentence: first_sentence(&text("heading")),
        });
    }
    Some(items)
}

fn bbc(data: &Path) -> Option<Vec<Item>> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(data.join("bbc/bbc"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt") && p.parent().is_some())
        .filter(|p| !p.ends_with("README.TXT"))
        .collect();
    if files.is_empty() {
        return None;
    }
    files.sort();
    // Spread over every section, not the first files of the first ones.
    let picked = ITEMS.min(files.len());
    let mut items = Vec::new();
    for path in (0..picked).map(|i| &files[i * files.len() / picked]) {
        let bytes = std::fs::read(path).expect("readable file");
        let text = String::from_utf8_lossy(&bytes);
        let mut paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
        let (Some(title), Some(body)) = (paragraphs.next(), paragraphs.next()) else {
            continue;
        };
        items.push(Item {
            corpus: "bbc",
            title: title.to_string(),
            sentence: first_sentence(body),
        });
    }
    Some(items)
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The sample's folders: feeds, feeds of titles only, text files.
const KINDS: [&str; 3] = ["feeds", "titles", "txt"];

/// Writes the sample: `feeds/CORPUS-NNN.xml`, `titles/CORPUS-NNN.xml` and
/// `txt/CORPUS/NNNN.txt`.
fn write_sample(out: &Path, items: &[Item]) -> std::io::Result<()> {
    let mut by_corpus: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in items {
        by_corpus.entry(item.corpus).or_default().push(item);
    }
    for kind in KINDS {
        std::fs::create_dir_all(out.join(kind))?;
    }
    for (corpus, items) in &by_corpus {
        std::fs::create_dir_all(out.join("txt").join(corpus))?;
        for (n, chunk) in items.chunks(PER_FEED).enumerate() {
            for (kind, with_sentence) in [("feeds", true), ("titles", false)] {
                let mut rss = String::from(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\n",
                );
                let _ = writeln!(rss, "<title>{corpus} {n}</title>");
                for (i, item) in chunk.iter().enumerate() {
                    let _ = write!(
                        rss,
                        "<item><guid>{corpus}-{n}-{i}</guid><title>{}</title>",
                        xml_escape(&item.title)
                    );
                    if with_sentence {
                        let _ = write!(
                            rss,
                            "<description>{}</description>",
                            xml_escape(&item.sentence)
                        );
                    }
                    rss.push_str("</item>\n");
                }
                rss.push_str("</channel></rss>\n");
                std::fs::write(out.join(format!("{kind}/{corpus}-{n:03}.xml")), rss)?;
            }
        }
        for (n, item) in items.iter().enumerate() {
            let text = format!("{}\n\n{}\n", item.title, item.sentence);
            std::fs::write(out.join(format!("txt/{corpus}/{n:04}.txt")), text)?;
        }
    }
    Ok(())
}

/// Indexes `folder` into `index` and counts, per corpus, the items by
/// language.
fn measure(folder: &Path, index: &Path) -> BTreeMap<String, BTreeMap<String, usize>> {
    writer::run(&IndexOptions::new(folder, index)).expect("indexing the sample");
    let engine = Engine::open(index).expect("the index just written");
    let mut dump = Vec::new();
    veille::export::jsonl::write(&engine, &mut dump).expect("reading the index back");
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for line in dump.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).expect("a JSON line");
        let id = v["id"].as_str().unwrap_or_default();
        let corpus = if id.starts_with("bbc") {
            "bbc"
        } else {
            "orangesum"
        };
        let lang = v["lang"].as_str().unwrap_or("und").to_string();
        *counts
            .entry(corpus.to_string())
            .or_default()
            .entry(lang)
            .or_default() += 1;
    }
    counts
}

fn report(name: &str, counts: &BTreeMap<String, BTreeMap<String, usize>>) {
    let (mut all, mut und, mut wrong) = (0, 0, 0);
    for (corpus, langs) in counts {
        let expected = if corpus == "bbc" { "en" } else { "fr" };
        let total: usize = langs.values().sum();
        let undetermined = langs.get("und").copied().unwrap_or(0);
        let other = total - undetermined - langs.get(expected).copied().unwrap_or(0);
        println!("  {name} {corpus}: {total} items, {undetermined} und, {other} not {expected}: {langs:?}");
        all += total;
        und += undetermined;
        wrong += other;
    }
    println!(
        "{name}: {und} of {all} items und ({:.1} %), {wrong} given another language ({:.1} %)",
        100.0 * und as f64 / all.max(1) as f64,
        100.0 * wrong as f64 / all.max(1) as f64
    );
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: short_items OUT [--write-only]");
        return ExitCode::from(2);
    };
    let write_only = args.next().is_some_and(|a| a == "--write-only");
    if out.exists() {
        eprintln!("{}: exists already; give a new folder", out.display());
        return ExitCode::from(2);
    }
    let shared = std::env::var_os("VEILLE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let data = shared.join("data");
    let (Some(mut items), Some(english)) = (orangesum(&data), bbc(&data)) else {
        println!("skipping: {} not found", data.display());
        return ExitCode::SUCCESS;
    };
    items.extend(english);
    write_sample(&out, &items).expect("writing the sample");
    println!(
        "wrote {} items to {} ({}; {PER_FEED} items a feed)",
        items.len(),
        out.display(),
        KINDS.join(", ")
    );
    if write_only {
        return ExitCode::SUCCESS;
    }
    for kind in KINDS {
        let counts = measure(&out.join(kind), &out.join(format!("idx-{kind}")));
        report(kind, &counts);
    }
    ExitCode::SUCCESS
}
