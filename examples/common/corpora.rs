//! The shared corpora as articles, for the examples that measure language
//! detection (`detect_speed`, `language_vote`): every OrangeSum article
//! (French) and every BBC article (English), read as veille reads them.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use veille::{ingest, Article};

/// `$VEILLE_SHARED/data`, else `../shared/data` beside the crate, when it
/// exists.
pub fn shared_data() -> Option<PathBuf> {
    let root = std::env::var_os("VEILLE_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    );
    let data = root.join("data");
    data.is_dir().then_some(data)
}

/// A corpus: its name, the language of all its articles, and the articles
/// with a label each (line or file).
pub struct Corpus {
    pub name: &'static str,
    pub expected: &'static str,
    pub articles: Vec<(String, Article)>,
}

/// OrangeSum's articles: title, heading as lead, article as body.
pub fn orangesum() -> Option<Corpus> {
    let path = shared_data()?.join("orangesum/orangesum.jsonl.gz");
    let file = std::fs::File::open(path).ok()?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut articles = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.expect("readable gzip");
        let v: serde_json::Value = serde_json::from_str(&line).expect("valid JSON line");
        let text = |k: &str| v[k].as_str().map(str::to_string);
        let article = Article {
            title: text("title"),
            lead: text("heading"),
            body: text("article").unwrap_or_default(),
            ..Default::default()
        };
        articles.push((format!("line {}", n + 1), article));
    }
    Some(Corpus {
        name: "OrangeSum",
        expected: "fr",
        articles,
    })
}

/// BBC's articles, one text file each, parsed by veille.
pub fn bbc() -> Option<Corpus> {
    let walk = ingest::walk(&shared_data()?.join("bbc/bbc"), &[]).ok()?;
    let mut articles = Vec::new();
    for file in walk.files.iter().filter(|f| f.rel.contains('/')) {
        let bytes = std::fs::read(&file.path).expect("readable file");
        let parsed = ingest::parse(&file.path, &bytes).expect("parsable file");
        for article in parsed.articles {
            articles.push((file.rel.clone(), article));
        }
    }
    Some(Corpus {
        name: "BBC",
        expected: "en",
        articles,
    })
}
