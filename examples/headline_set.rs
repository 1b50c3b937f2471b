//! Builds an English evaluation set for `veille eval` from the BBC corpus:
//! each article's headline is a question whose one relevant document is
//! the article's text without its headline (finding a story from its
//! headline, a known-item search).
//!
//! PIAF-dev, the project's French set, has no English counterpart among
//! the shared data; BBC has headlines written by the BBC's editors, not by
//! us, and the text never repeats them word for word, so a ranking cannot
//! win by matching the title field.
//!
//! ```sh
//! cargo run --example headline_set -- target/headlines
//! veille index target/headlines/docs --index target/headlines/idx
//! veille eval --queries target/headlines/queries.tsv --qrels target/headlines/qrels.trec \
//!   --index target/headlines/idx --baseline target/headlines/docs/bbc.jsonl
//! ```
//!
//! Articles whose text or headline another article also has are left out:
//! a text kept twice would be two answers (veille shows such copies as one
//! hit), and a headline shared by two stories has no one answer. Reads
//! `../shared/data/bbc`, or the same under the folder that `VEILLE_SHARED`
//! names; exits 0, saying so, when it is absent.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use veille::ingest;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: headline_set OUT_DIR");
        return ExitCode::from(2);
    };
    // The team's shared data: `../shared`, or the folder `VEILLE_SHARED`
    // names, as for the tests.
    let shared = std::env::var_os("VEILLE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let bbc = shared.join("data/bbc/bbc");
    let Ok(walk) = ingest::walk(&bbc, &[]) else {
        println!("{} is absent: nothing to build", bbc.display());
        return ExitCode::SUCCESS;
    };
    // (id, headline, text), in the walk's order.
    let mut stories = Vec::new();
    for file in walk.files.iter().filter(|f| f.rel.contains('/')) {
        let bytes = fs::read(&file.path).expect("readable file");
        let parsed = ingest::parse(&file.path, &bytes).expect("parsable file");
        for article in parsed.articles {
            let headline = article.title.clone().unwrap_or_default();
            let id = file.rel.trim_end_matches(".txt").to_string();
            stories.push((id, headline, article.body));
        }
    }
    let mut headlines: HashMap<&str, usize> = HashMap::new();
    let mut texts: HashMap<&str, usize> = HashMap::new();
    for (_, headline, text) in &stories {
        *headlines.entry(headline.as_str()).or_default() += 1;
        *texts.entry(text.as_str()).or_default() += 1;
    }
    let kept: Vec<&(String, String, String)> = stories
        .iter()
        .filter(|(_, h, t)| {
            !h.trim().is_empty() && headlines[h.as_str()] == 1 && texts[t.as_str()] == 1
        })
        .collect();

    let docs_dir = out.join("docs");
    fs::create_dir_all(&docs_dir).expect("create the output folder");
    let mut docs = fs::File::create(docs_dir.join("bbc.jsonl")).expect("create bbc.jsonl");
    let mut queries = fs::File::create(out.join("queries.tsv")).expect("create queries.tsv");
    let mut qrels = fs::File::create(out.join("qrels.trec")).expect("create qrels.trec");
    for (id, headline, text) in &kept {
        let doc = json!({"id": id, "text": text, "lang": "en"});
        writeln!(docs, "{doc}").expect("write bbc.jsonl");
        writeln!(queries, "{id}\t{}", headline.replace(['\t', '\n'], " ")).expect("write queries");
        writeln!(qrels, "{id} 0 {id} 1").expect("write qrels");
    }
    println!(
        "{} of {} BBC stories (the others share a headline or a text) written to {}",
        kept.len(),
        stories.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
