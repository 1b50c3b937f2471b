//! `veille export`: the built binary run on fixtures in a temporary folder.
//!
//! No OpenSearch server runs here. What is checked: the settings are valid
//! JSON and use only filters, tokenizers and options that OpenSearch
//! documents, in veille's order, for every field veille indexes; their Java
//! regular expressions compile and the exact chain's pattern cuts text where
//! veille does (when a JDK is installed); the bulk files are well-formed
//! and complete; `load.sh` is valid bash and behaves against a stub of the
//! four OpenSearch endpoints it calls; and a JSON Lines dump re-indexed by
//! `veille index` answers queries with the same articles.
//!
//! Unix only: `load.sh` is a bash script, run here with Unix tools.
#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use veille::analysis;
use veille::analysis::lang;
use veille::index::schema::Fields;

use crate::common::{require_tool, require_tools, tool_or, which, Fixture, Run};

// ---------------------------------------------------------------- helpers

/// A fixture with the corpus in `docs/`, indexed into `idx/`.
fn fixture() -> Fixture {
    let f = Fixture::new();
    for (rel, text) in CORPUS {
        f.write(rel, text);
    }
    f.run(&["index", "docs", "--index", "idx", "-q"]).ok();
    f
}

/// `veille export opensearch --out os` with extra arguments.
fn export_opensearch(f: &Fixture, extra: &[&str]) -> Run {
    let mut args = vec!["export", "opensearch", "--out", "os", "--index", "idx"];
    args.extend_from_slice(extra);
    f.run(&args).ok()
}

fn settings(f: &Fixture) -> Value {
    serde_json::from_str(&f.read("os/settings.json")).expect("settings.json is JSON")
}

/// The bulk files of `os/`, in name order.
fn bulk_files(f: &Fixture) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(f.path("os"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("bulk-") && name.ends_with(".ndjson")
        })
        .collect();
    files.sort();
    files
}

/// For each query of [`QUERIES`], the total and the set of hit ids.
fn answers(f: &Fixture, index: &str) -> BTreeMap<String, BTreeSet<String>> {
    let file: String = QUERIES
        .iter()
        .enumerate()
        .map(|(i, q)| format!("q{i}\t{q}\n"))
        .collect();
    f.write("queries.tsv", &file);
    let run = f.run(&[
        "search",
        "--queries",
        "queries.tsv",
        "--index",
        index,
        "--json",
        "-n",
        "1000",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let mut answers: BTreeMap<String, BTreeSet<String>> = QUERIES
        .iter()
        .map(|q| (q.to_string(), BTreeSet::new()))
        .collect();
    for hit in run.json_lines() {
        let qid = hit["query_id"].as_str().unwrap();
        let n: usize = qid[1..].parse().unwrap();
        answers
            .get_mut(QUERIES[n])
            .unwrap()
            .insert(hit["id"].as_str().unwrap().to_string());
    }
    answers
}

// --------------------------------------------------------------- fixtures

const FR_IA: &str = "L’intelligence artificielle bouscule le recrutement\n\n\
Les entreprises françaises recrutent des ingénieurs en intelligence artificielle \
à un rythme jamais vu. D’après l’étude publiée aujourd’hui, les startups \
parisiennes ont doublé leurs embauches, tandis que les grands groupes \
s’appuient sur l’apprentissage automatique pour trier les candidatures.\n";

const EN_CHIPS: &str = "# Chipmakers race to ship AI accelerators\n\n\
The company said on Tuesday that its new chips would ship to customers next \
year. Developers writing C++ and .NET code will get new compilers, and the \
GPT-4o benchmarks show running costs falling quickly for data centres.\n";

const DE_DATEN: &str = "<html><head><title>Datenschutz in der Cloud</title>\
<meta name=\"description\" content=\"Neue Regeln für Rechenzentren\"></head>\
<body><p>Die Bundesregierung hat am Mittwoch neue Regeln für den Datenschutz \
in Rechenzentren beschlossen. Die Häuser der großen Anbieter müssen ihre Daten \
künftig in Deutschland speichern, und die Unternehmen begrüßen die Klarheit.</p>\
</body></html>";

const FEED: &str = concat!(
    r#"{"id":"fr-cloud-1","title":"Le cloud souverain gagne du terrain","heading":"Un marché en forte croissance","body":"Les administrations migrent leurs données vers un cloud souverain hébergé en France. Selon les analystes, ce marché devrait doubler d’ici trois ans, porté par la commande publique et par les exigences de sécurité.","url":"https://example.fr/cloud","date":"2025-03-04T10:00:00+01:00","source":"Le Journal","lang":"fr","tags":["cloud","souveraineté"]}"#,
    "\n",
    r#"{"id":"en-ml-2","title":"Machine learning in the newsroom","body":"Newsrooms use machine learning to tag articles, translate stories and suggest headlines. Editors say the tools save time but still need careful human review before anything is published.","date":"2024-11-20","source":"TechWire Daily","tags":"ai, media"}"#,
    "\n",
    r#"{"id":"it-3","title":"L’azienda investe nell’intelligenza artificiale","body":"Dell’azienda si parla molto: l’investimento nell’intelligenza artificiale riguarda tutte le sedi italiane e porterà nuove assunzioni entro la fine dell’anno.","source":"Cronaca Tech"}"#,
    "\n",
    r#"{"id":"zh-4","title":"人工智能发展迅速","body":"人工智能技术在中国发展迅速，许多公司正在加大投资。"}"#,
    "\n",
    r#"{"id":"short-5","body":"OK"}"#,
    "\n",
    r#"{"id":"fr-mixte-6","title":"Entretien avec une chercheuse","body":"La chercheuse a présenté hier ses travaux sur les modèles de langue devant un public nombreux, à Paris, en expliquant pourquoi les données d’entraînement comptent autant que les calculs.\n\nWe are only beginning to understand how these systems learn, and the research community needs open models and shared benchmarks to measure their progress honestly.\n\nElle a conclu en appelant les laboratoires européens à partager davantage leurs jeux de données et leurs résultats avec les universités."}"#,
    "\n",
);

/// The corpus: French, English, German, Italian, Chinese and a text too
/// short for language detection.
const CORPUS: &[(&str, &str)] = &[
    ("docs/fr/ia.txt", FR_IA),
    ("docs/en/chips.md", EN_CHIPS),
    ("docs/de/daten.html", DE_DATEN),
    ("docs/feed.jsonl", FEED),
    ("docs/bref.txt", "Bref.\n"),
];

/// Queries whose answers must survive a JSON Lines round trip.
const QUERIES: &[&str] = &[
    "intelligence artificielle",
    "recrutement",
    "recrute",
    "aujourd'hui",
    "cloud souverain",
    "\"machine learning\"",
    "chips",
    "C++",
    ".NET",
    "GPT-4o",
    "Datenschutz",
    "Haus",
    "azienda",
    "intelligenza",
    "人工智能",
    "OK",
    "bref",
    "lang:de daten",
    "source:\"Le Journal\"",
    "title:cloud",
    "newsroom -editors",
    "données OR data",
    "the",
    "benchmarks",
    "chercheuses",
    "understanding",
];

// ------------------------------------------------- OpenSearch's built-ins

/// Tokenizer types used, all documented OpenSearch tokenizers.
const TOKENIZER_TYPES: &[&str] = &["standard", "pattern"];
/// Char filter types used, all documented.
const CHAR_FILTER_TYPES: &[&str] = &["mapping", "pattern_replace"];
/// Filters used by name, without configuration.
const BUILTIN_FILTERS: &[&str] = &["cjk_bigram", "lowercase", "asciifolding"];
/// Types of the configured filters.
const FILTER_TYPES: &[&str] = &[
    "length",
    "elision",
    "lowercase",
    "stop",
    "snowball",
    "stemmer",
    "pattern_replace",
];
/// `language` values of the `snowball` filter.
const SNOWBALL_LANGUAGES: &[&str] = &[
    "Arabic",
    "Armenian",
    "Basque",
    "Catalan",
    "Danish",
    "Dutch",
    "English",
    "Estonian",
    "Finnish",
    "French",
    "German",
    "German2",
    "Hungarian",
    "Italian",
    "Irish",
    "Kp",
    "Lithuanian",
    "Lovins",
    "Norwegian",
    "Porter",
    "Portuguese",
    "Romanian",
    "Russian",
    "Spanish",
    "Swedish",
    "Turkish",
];
/// `language` values of the `stemmer` filter.
const STEMMER_LANGUAGES: &[&str] = &[
    "arabic",
    "armenian",
    "basque",
    "bengali",
    "brazilian",
    "bulgarian",
    "catalan",
    "czech",
    "danish",
    "dutch",
    "dutch_kp",
    "english",
    "light_english",
    "lovins",
    "minimal_english",
    "porter2",
    "possessive_english",
    "estonian",
    "finnish",
    "light_finnish",
    "french",
    "light_french",
    "minimal_french",
    "galician",
    "minimal_galician",
    "german",
    "german2",
    "light_german",
    "minimal_german",
    "greek",
    "hindi",
    "hungarian",
    "light_hungarian",
    "indonesian",
    "irish",
    "italian",
    "light_italian",
    "latvian",
    "lithuanian",
    "norwegian",
    "light_norwegian",
    "minimal_norwegian",
    "light_nynorsk",
    "minimal_nynorsk",
    "portuguese",
    "light_portuguese",
    "minimal_portuguese",
    "portuguese_rslp",
    "romanian",
    "russian",
    "light_russian",
    "sorani",
    "spanish",
    "light_spanish",
    "swedish",
    "light_swedish",
    "turkish",
];
/// Predefined stop-word lists of the `stop` filter (those veille can use).
const STOP_LISTS: &[&str] = &[
    "_danish_",
    "_dutch_",
    "_english_",
    "_finnish_",
    "_french_",
    "_german_",
    "_hungarian_",
    "_italian_",
    "_norwegian_",
    "_portuguese_",
    "_russian_",
    "_spanish_",
    "_swedish_",
];
/// `language` values of the `lowercase` filter.
const LOWERCASE_LANGUAGES: &[&str] = &["greek", "irish", "turkish"];

/// Schema fields that exist for veille's own bookkeeping (file records,
/// duplicate detection, facets, which articles vote for their folder's
/// language) and have no place in OpenSearch.
const INTERNAL_FIELDS: &[&str] = &[
    "kind",
    "file",
    "file_record",
    "source_raw",
    "lang_own",
    "text_hash",
    "fingerprint",
    "file_size",
    "file_mtime",
    "file_hash",
    "file_status",
    "file_articles",
    "file_duplicates",
];

/// The order of the steps of a veille language chain.
fn stage(filter_type: &str) -> usize {
    match filter_type {
        "cjk_bigram" => 0,
        "length" => 1,
        "elision" => 2,
        "lowercase" => 3,
        "stop" => 4,
        "snowball" | "stemmer" => 5,
        "asciifolding" => 6,
        "pattern_replace" => 7,
        other => panic!("unexpected filter type {other}"),
    }
}

/// The filters of an analyzer, each as (type, configuration); built-in
/// filters have an empty configuration.
fn filters_of(analysis: &Value, analyzer: &Value) -> Vec<(String, Value)> {
    analyzer["filter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| {
            let name = name.as_str().unwrap();
            match analysis["filter"].get(name) {
                Some(config) => {
                    let kind = config["type"].as_str().unwrap().to_string();
                    assert!(FILTER_TYPES.contains(&kind.as_str()), "{name}: {kind}");
                    (kind, config.clone())
                }
                None => {
                    assert!(BUILTIN_FILTERS.contains(&name), "unknown filter {name}");
                    (name.to_string(), json!({}))
                }
            }
        })
        .collect()
}

// ------------------------------------------------------------------ tests

#[test]
fn settings_give_every_field_veille_indexes_a_documented_analyzer() {
    let f = fixture();
    export_opensearch(&f, &[]);
    let settings = settings(&f);
    let analysis = &settings["settings"]["analysis"];
    let properties = settings["mappings"]["properties"].as_object().unwrap();
    assert_eq!(settings["mappings"]["dynamic"], "strict");

    // Every field of the schema, less the internal ones, is mapped; every
    // analysed one with an analyzer of the name of its veille chain.
    let schema = Fields::new().schema;
    let mut analysed = 0;
    for (_, entry) in schema.fields() {
        let name = entry.name();
        if INTERNAL_FIELDS.contains(&name) {
            continue;
        }
        let property = properties
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not mapped"));
        let tokenizer = match entry.field_type() {
            tantivy::schema::FieldType::Str(options) => options
                .get_indexing_options()
                .map(|i| i.tokenizer().to_string())
                .filter(|t| t.starts_with("veille_")),
            _ => None,
        };
        let Some(tokenizer) = tokenizer else {
            continue;
        };
        analysed += 1;
        let analyzer = property
            .get("analyzer")
            .or_else(|| property["fields"]["text"].get("analyzer"))
            .unwrap_or_else(|| panic!("{name} has no analyzer"));
        assert_eq!(analyzer, tokenizer.as_str(), "{name}");
        assert!(
            analysis["analyzer"][&tokenizer].is_object(),
            "{tokenizer} is not defined"
        );
    }
    // title and body per chained language, neutral and exact, source, tags.
    assert_eq!(analysed, 2 * lang::chained().count() + 4 + 2);

    // Every analyzer is made of documented parts.
    for (name, analyzer) in analysis["analyzer"].as_object().unwrap() {
        assert_eq!(analyzer["type"], "custom", "{name}");
        let tokenizer = analyzer["tokenizer"].as_str().unwrap();
        let tokenizer_type = analysis["tokenizer"][tokenizer]["type"].as_str().unwrap();
        assert!(TOKENIZER_TYPES.contains(&tokenizer_type), "{name}");
        for char_filter in analyzer["char_filter"].as_array().into_iter().flatten() {
            let config = &analysis["char_filter"][char_filter.as_str().unwrap()];
            let kind = config["type"].as_str().unwrap();
            assert!(CHAR_FILTER_TYPES.contains(&kind), "{name}: {kind}");
        }
        for (kind, config) in filters_of(analysis, analyzer) {
            match kind.as_str() {
                "snowball" => {
                    let l = config["language"].as_str().unwrap();
                    assert!(SNOWBALL_LANGUAGES.contains(&l), "{name}: {l}");
                }
                "stemmer" => {
                    let l = config["language"].as_str().unwrap();
                    assert!(STEMMER_LANGUAGES.contains(&l), "{name}: {l}");
                }
                "stop" => {
                    let l = config["stopwords"].as_str().unwrap();
                    assert!(STOP_LISTS.contains(&l), "{name}: {l}");
                }
                "lowercase" => {
                    if let Some(l) = config.get("language") {
                        assert!(LOWERCASE_LANGUAGES.contains(&l.as_str().unwrap()));
                    }
                }
                "elision" => {
                    assert_eq!(config["articles_case"], true, "{name}");
                    assert!(!config["articles"].as_array().unwrap().is_empty());
                }
                "length" => assert_eq!(config["max"], 63),
                _ => {}
            }
        }
    }

    // Each language chain is in veille's order, with elision where veille
    // elides and stop words where veille removes them.
    for language in lang::chained() {
        let name = analysis::tokenizer_name(language);
        let analyzer = &analysis["analyzer"][&name];
        let steps = filters_of(analysis, analyzer);
        let stages: Vec<usize> = steps.iter().map(|(kind, _)| stage(kind)).collect();
        assert!(
            stages.windows(2).all(|w| w[0] < w[1]),
            "{name}: {steps:?} is out of order"
        );
        let has = |kind: &str| steps.iter().any(|(k, _)| k == kind);
        assert_eq!(
            has("elision"),
            ["fr", "it", "ca"].contains(&language.code),
            "{name}"
        );
        let veille_stops = language
            .stopwords
            .and_then(tantivy::tokenizer::StopWordFilter::new)
            .is_some();
        assert_eq!(has("stop"), veille_stops, "{name}");
        if veille_stops {
            let (_, stop) = steps.iter().find(|(k, _)| k == "stop").unwrap();
            let expected = format!("_{}_", language.name.to_lowercase());
            assert_eq!(stop["stopwords"], expected.as_str(), "{name}");
        }
    }

    // French, step by step.
    let french = &analysis["analyzer"]["veille_fr"];
    let kinds: Vec<String> = filters_of(analysis, french)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        kinds,
        [
            "cjk_bigram",
            "length",
            "elision",
            "lowercase",
            "stop",
            "snowball",
            "asciifolding",
            "pattern_replace"
        ]
    );
    let french_filters = filters_of(analysis, french);
    assert_eq!(french_filters[5].1["language"], "French");
    assert_eq!(french_filters[4].1["stopwords"], "_french_");
    // The major languages are stemmed with Snowball, as in veille.
    for (code, snowball) in [
        ("en", "English"),
        ("de", "German"),
        ("es", "Spanish"),
        ("it", "Italian"),
        ("pt", "Portuguese"),
        ("nl", "Dutch"),
    ] {
        let steps = filters_of(analysis, &analysis["analyzer"][format!("veille_{code}")]);
        let (_, stem) = steps.iter().find(|(k, _)| k == "snowball").unwrap();
        assert_eq!(stem["language"], snowball);
    }
}

#[test]
fn elided_articles_are_those_veille_elides() {
    let f = fixture();
    export_opensearch(&f, &[]);
    let settings = settings(&f);
    let filters = &settings["settings"]["analysis"]["filter"];
    let candidates = [
        "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu", "un",
        "dell", "all", "dall", "nell", "sull", "coll", "quest", "quell", "v", "gl", "pell", "agl",
        "dagl", "degl", "negl", "sugl", "quelqu", "presqu", "entr", "b", "x",
    ];
    for code in ["fr", "it", "ca"] {
        let listed: Vec<&str> = filters[format!("veille_{code}_elision")]["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let language = lang::lookup(code);
        let terms = |text: &str| -> Vec<String> {
            analysis::analyze(&mut analysis::analyzer(language), text)
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        let bare = terms("zorglub");
        for candidate in candidates {
            let elided = terms(&format!("{candidate}\u{2019}zorglub")) == bare;
            assert_eq!(
                elided,
                listed.contains(&candidate),
                "{code}: veille {} {candidate}’",
                if elided { "elides" } else { "keeps" }
            );
        }
    }
}

#[test]
fn bulk_files_hold_every_article_as_action_and_document() {
    let f = fixture();
    // Small parts, to see the export split.
    let run = export_opensearch(&f, &["--max-part-bytes", "2000", "--name", "news"]);
    assert!(run.stdout.contains("exported"), "{}", run.stdout);
    let settings = settings(&f);
    let properties = settings["mappings"]["properties"].as_object().unwrap();
    let files = bulk_files(&f);
    assert!(files.len() > 1, "{files:?}");

    let mut ids = BTreeSet::new();
    let mut docs: BTreeMap<String, Value> = BTreeMap::new();
    for (n, file) in files.iter().enumerate() {
        assert_eq!(
            file.file_name().unwrap().to_string_lossy(),
            format!("bulk-{:04}.ndjson", n + 1)
        );
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.ends_with('\n'), "{file:?} must end with a newline");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            !lines.is_empty() && lines.len().is_multiple_of(2),
            "{file:?}"
        );
        // A part holds several articles when they fit, and stays under the
        // limit unless one article alone is larger.
        if lines.len() > 2 {
            assert!(text.len() <= 2000, "{file:?}: {} bytes", text.len());
        }
        for pair in lines.chunks(2) {
            let action: Value = serde_json::from_str(pair[0]).unwrap();
            let doc: Value = serde_json::from_str(pair[1]).unwrap();
            let target = action["index"].as_object().expect("an index action");
            assert_eq!(target.len(), 2, "{action}");
            assert_eq!(target["_index"], "news");
            let id = target["_id"].as_str().unwrap();
            assert_eq!(doc["id"], id);
            assert!(ids.insert(id.to_string()), "{id} twice");
            // The mapping is strict: every field must be in it.
            for key in doc.as_object().unwrap().keys() {
                assert!(properties.contains_key(key), "{key} is not mapped");
            }
            if let Some(date) = doc.get("date") {
                chrono::DateTime::parse_from_rfc3339(date.as_str().unwrap())
                    .unwrap_or_else(|e| panic!("{date}: {e}"));
            }
            docs.insert(id.to_string(), doc);
        }
    }
    assert_eq!(ids.len() as u64, f.articles("idx"));
    assert_eq!(ids.len(), 10);

    // Text goes to the fields of the detected language only.
    let language_fields = |doc: &Value| -> Vec<String> {
        let mut keys: Vec<String> = doc
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| k.starts_with("title_") || k.starts_with("body_"))
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    let fr = &docs["fr/ia.txt"];
    assert_eq!(fr["lang"], "fr");
    assert_eq!(language_fields(fr), ["body_fr", "title_fr"]);
    assert_eq!(
        fr["title_fr"],
        "L’intelligence artificielle bouscule le recrutement"
    );
    assert_eq!(docs["en/chips.md"]["lang"], "en");
    assert!(docs["en/chips.md"]["body_en"]
        .as_str()
        .unwrap()
        .contains("C++ and .NET"));
    assert_eq!(docs["de/daten.html"]["lang"], "de");
    assert_eq!(
        language_fields(&docs["de/daten.html"]),
        ["body_de", "title_de"]
    );
    let cloud = &docs["fr-cloud-1"];
    assert_eq!(
        cloud["body_fr"][0], "Un marché en forte croissance",
        "the lead, then the body"
    );
    assert_eq!(cloud["date"], "2025-03-04T09:00:00Z");
    assert_eq!(cloud["url"], "https://example.fr/cloud");
    assert_eq!(cloud["source"], "Le Journal");
    assert_eq!(cloud["tags"], json!(["cloud", "souveraineté"]));
    // Undetermined and unstemmed languages: neutral and exact only (copied
    // from the display fields by the mapping).
    for id in ["short-5", "bref.txt", "zh-4"] {
        assert!(language_fields(&docs[id]).is_empty(), "{id}");
    }
    assert_eq!(docs["short-5"]["lang"], "und");
    // A French article with a paragraph in English fills both languages'
    // fields, as veille analyses it with both chains.
    let mixed = &docs["fr-mixte-6"];
    assert_eq!(mixed["lang"], "fr");
    assert_eq!(mixed["langs"], json!(["fr", "en"]));
    assert_eq!(
        language_fields(mixed),
        ["body_en", "body_fr", "title_en", "title_fr"]
    );
    assert_eq!(docs["zh-4"]["lang"], "zh");
    for display in ["title", "lead", "body"] {
        let copy_to = properties[display]["copy_to"].as_array().unwrap();
        assert!(copy_to
            .iter()
            .any(|c| c.as_str().unwrap().ends_with("_any")));
        assert!(copy_to
            .iter()
            .any(|c| c.as_str().unwrap().ends_with("_exact")));
    }

    // load.sh names exactly these files.
    let script = f.read("os/load.sh");
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(script.contains(&format!("parts=({})", names.join(" "))));
    assert!(script.contains("index='news'"));
    assert!(script.contains("expected=10\n"));
}

#[test]
fn load_script_is_valid_executable_bash() {
    let f = fixture();
    export_opensearch(&f, &[]);
    let script = f.path("os/load.sh");
    let text = f.read("os/load.sh");
    assert!(text.starts_with("#!/usr/bin/env bash\n"));
    assert!(text.contains("set -euo pipefail"));
    assert!(text.contains("application/x-ndjson"));
    assert!(text.contains("OPENSEARCH_URL"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "load.sh is not executable");
    }
    let Some(bash) = require_tool("bash") else {
        return;
    };
    let out = Command::new(bash).arg("-n").arg(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn jsonl_round_trip_gives_the_same_answers() {
    let f = fixture();
    // The folder of the file is created.
    let run = f
        .run(&[
            "export",
            "jsonl",
            "--index",
            "idx",
            "--out",
            "dump/all.jsonl",
        ])
        .ok();
    assert_eq!(run.stdout.trim(), "exported 10 articles to dump/all.jsonl");
    // The same dump on standard output.
    let stdout = f.run(&["export", "jsonl", "--index", "idx"]).ok();
    assert_eq!(stdout.stdout, f.read("dump/all.jsonl"));
    assert!(
        stdout.stderr.contains("exported 10 articles"),
        "{}",
        stdout.stderr
    );

    let dump = f.read("dump/all.jsonl");
    let lines: Vec<Value> = dump
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, f.articles("idx"));
    let cloud = lines.iter().find(|l| l["id"] == "fr-cloud-1").unwrap();
    assert_eq!(cloud["heading"], "Un marché en forte croissance");
    assert_eq!(cloud["lang"], "fr");
    assert_eq!(cloud["date"], "2025-03-04T09:00:00Z");
    for line in &lines {
        for key in line.as_object().unwrap().keys() {
            assert!(
                ["id", "title", "heading", "body", "url", "date", "source", "lang", "tags"]
                    .contains(&key.as_str()),
                "{key}"
            );
        }
    }

    f.run(&["index", "dump", "--index", "idx2", "-q"]).ok();
    assert_eq!(f.articles("idx2"), f.articles("idx"));
    let before = answers(&f, "idx");
    let after = answers(&f, "idx2");
    for query in QUERIES {
        assert_eq!(before[*query], after[*query], "{query}");
    }
    // The queries do find things, in every language.
    for (query, at_least) in [
        ("recrutement", 1),
        ("Datenschutz", 1),
        ("azienda", 1),
        ("C++", 1),
        ("人工智能", 1),
        ("OK", 1),
        ("benchmarks", 2),
        ("chercheuses", 1),
    ] {
        assert!(
            before[query].len() >= at_least,
            "{query}: {:?}",
            before[query]
        );
    }

    // Same languages after the round trip.
    let (stats, stats2) = (f.stats("idx"), f.stats("idx2"));
    assert_eq!(stats["languages"], stats2["languages"]);
    assert_eq!(stats["sources"], stats2["sources"]);
}

#[test]
fn bad_arguments_are_errors() {
    let f = fixture();
    f.run(&["export", "opensearch", "--out", "os", "--index", "nowhere"])
        .fatal("nowhere");
    f.run(&[
        "export",
        "opensearch",
        "--out",
        "os",
        "--index",
        "idx",
        "--name",
        "News Index",
    ])
    .fatal("--name");
    f.run(&["export"]).fatal("");
}

// ------------------------------------------------ Java regular expressions

/// A Java program that compiles each pattern given in a file (one per
/// line) and prints, for the first one, the UTF-16 spans of its matches in
/// each text of a second file.
const JAVA_CHECK: &str = r#"
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

public class Check {
    public static void main(String[] args) throws Exception {
        List<String> patterns = Files.readAllLines(Path.of(args[0]));
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) compiled.add(Pattern.compile(p));
        for (String text : Files.readAllLines(Path.of(args[1]))) {
            Matcher m = compiled.get(0).matcher(text);
            StringBuilder line = new StringBuilder();
            while (m.find()) line.append(m.start()).append(',').append(m.end()).append(' ');
            System.out.println(line.toString().trim());
        }
    }
}
"#;

/// Texts on which the exact chain's Java pattern must cut where veille does.
const TECH_TEXTS: &[&str] = &[
    "C++, C# et .NET; Node.js ou GPT-4o (pas GPT-4). Wi-Fi 7 et la 5G chez AT&T.",
    "net profit. Next: the C language.",
    "a+b c++d x#y C+++ F# .5 x.NET",
    "version 2.0.1-rc du 3,5 % de x86_64",
    "l’OpenAI aujourd'hui",
    "人工智能 AI 한국어 カタカナ 中文.js",
    "Ελληνικά και Русский, العربية 123",
    "Ça coûte 3,5 € — énorme !",
];

#[test]
fn java_patterns_compile_and_the_exact_pattern_cuts_like_veille() {
    let Some([java, _]) = require_tools(["java", "javac"]) else {
        return;
    };
    let f = fixture();
    export_opensearch(&f, &[]);
    let settings = settings(&f);
    let analysis = &settings["settings"]["analysis"];
    let tech = analysis["tokenizer"]["veille_tech"]["pattern"]
        .as_str()
        .unwrap()
        .to_string();
    let mut patterns = vec![tech];
    for section in ["char_filter", "filter", "tokenizer"] {
        for config in analysis[section].as_object().unwrap().values() {
            if let Some(p) = config.get("pattern") {
                patterns.push(p.as_str().unwrap().to_string());
            }
        }
    }
    f.write("java/Check.java", JAVA_CHECK);
    f.write("java/patterns.txt", &(patterns.join("\n") + "\n"));
    f.write("java/texts.txt", &(TECH_TEXTS.join("\n") + "\n"));
    let out = Command::new(java)
        .arg("Check.java")
        .arg("patterns.txt")
        .arg("texts.txt")
        .current_dir(f.path("java"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a pattern does not compile in Java: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let java_spans: Vec<&str> = stdout.lines().collect();
    assert_eq!(java_spans.len(), TECH_TEXTS.len());
    for (text, java) in TECH_TEXTS.iter().zip(java_spans) {
        // veille's spans, in UTF-16 units like Java's.
        let utf16 = |byte: usize| text[..byte].encode_utf16().count();
        let veille: Vec<String> = analysis::analyze(&mut analysis::exact(), text)
            .iter()
            .map(|t| format!("{},{}", utf16(t.offset_from), utf16(t.offset_to)))
            .collect();
        let java: Vec<&str> = java.split_whitespace().collect();
        let show = |spans: &[&str]| -> Vec<String> {
            spans
                .iter()
                .map(|s| {
                    let (a, b) = s.split_once(',').unwrap();
                    let units: Vec<u16> = text.encode_utf16().collect();
                    String::from_utf16_lossy(&units[a.parse().unwrap()..b.parse().unwrap()])
                })
                .collect()
        };
        let veille: Vec<&str> = veille.iter().map(String::as_str).collect();
        assert_eq!(
            show(&java),
            show(&veille),
            "{text}: Java {java:?}, veille {veille:?}"
        );
    }
}

// --------------------------------------------- load.sh against a stub

/// One request the stub received.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A stand-in for the four OpenSearch endpoints load.sh calls (create an
/// index, `_bulk`, `_refresh` and `_count`): it answers as the OpenSearch
/// documentation shows, and fails the bulk item of one id on demand. It is
/// not OpenSearch: it checks the script, not the settings.
struct Stub {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Stub {
    fn start(fail_id: Option<String>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            let mut indexed = 0u64;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Some(request) = read_request(&stream) {
                    let (status, body) = answer(&request, fail_id.as_deref(), &mut indexed);
                    log.lock().unwrap().push(request);
                    let mut stream = stream;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
            }
        });
        Stub { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut length = 0;
    let mut content_type = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        content_type,
        body,
    })
}

fn answer(request: &Request, fail_id: Option<&str>, indexed: &mut u64) -> (String, String) {
    let ok = |body: Value| ("200 OK".to_string(), body.to_string());
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/_bulk") => {
            let text = String::from_utf8_lossy(&request.body);
            let mut items = Vec::new();
            let mut errors = false;
            for action in text.lines().step_by(2) {
                let action: Value = serde_json::from_str(action).unwrap();
                let target = &action["index"];
                if Some(target["_id"].as_str().unwrap()) == fail_id {
                    errors = true;
                    items.push(json!({"index": {
                        "_index": target["_index"], "_id": target["_id"], "status": 400,
                        "error": {"type": "mapper_parsing_exception",
                                  "reason": "failed to parse field [date]"}}}));
                } else {
                    *indexed += 1;
                    items.push(json!({"index": {
                        "_index": target["_index"], "_id": target["_id"], "_version": 1,
                        "result": "created", "status": 201}}));
                }
            }
            ok(json!({"took": 3, "errors": errors, "items": items}))
        }
        ("PUT", path) if !path[1..].contains('/') => ok(json!({
            "acknowledged": true, "shards_acknowledged": true, "index": &path[1..]
        })),
        ("POST", path) if path.ends_with("/_refresh") => {
            ok(json!({"_shards": {"total": 1, "successful": 1, "failed": 0}}))
        }
        ("GET", path) if path.ends_with("/_count") => ok(json!({
            "count": *indexed, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}
        })),
        _ => ("404 Not Found".to_string(), "{}".to_string()),
    }
}

/// A folder of links to the programs load.sh needs, without jq.
fn path_without_jq(dir: &Path) -> PathBuf {
    let bin = dir.join("bin-no-jq");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in [
        "bash", "curl", "grep", "wc", "tr", "head", "mktemp", "rm", "dirname",
    ] {
        let target = which(tool).unwrap_or_else(|| panic!("{tool} not found"));
        std::os::unix::fs::symlink(target, bin.join(tool)).unwrap();
    }
    bin
}

/// Runs `os/load.sh` against `url`, with `path` as PATH if given.
fn load(f: &Fixture, url: &str, path: Option<&Path>) -> Run {
    let mut command = Command::new(which("bash").expect("bash"));
    command
        .arg(f.path("os/load.sh"))
        .env("OPENSEARCH_URL", url)
        .env_remove("CURL_OPTS");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    Run::from(command.output().unwrap())
}

#[test]
fn load_script_posts_every_part_and_stops_on_error_items() {
    if require_tools(["bash", "curl"]).is_none() {
        return;
    }
    let f = fixture();
    export_opensearch(&f, &["--max-part-bytes", "2000"]);
    let parts = bulk_files(&f);
    assert!(parts.len() >= 3);
    let no_jq = path_without_jq(f.root());
    let with_jq = tool_or("jq", "load.sh tested without jq only").is_some();

    for path in [None, Some(no_jq.as_path())] {
        if path.is_none() && !with_jq {
            continue;
        }
        let what = if path.is_none() {
            "with jq"
        } else {
            "with grep"
        };
        let stub = Stub::start(None);
        let run = load(&f, &format!("{}/", stub.url), path);
        assert_eq!(run.code, 0, "{what}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout
                .contains("sent 10 of 10 articles; the index veille holds 10 documents"),
            "{what}: {}",
            run.stdout
        );
        let requests = stub.requests();
        assert_eq!(requests[0].method, "PUT");
        assert_eq!(requests[0].path, "/veille");
        assert_eq!(
            requests[0].content_type.as_deref(),
            Some("application/json")
        );
        assert_eq!(requests[0].body, f.read("os/settings.json").as_bytes());
        let bulks: Vec<&Request> = requests.iter().filter(|r| r.path == "/_bulk").collect();
        assert_eq!(bulks.len(), parts.len(), "{what}");
        for (request, part) in bulks.iter().zip(&parts) {
            assert_eq!(request.method, "POST");
            assert_eq!(
                request.content_type.as_deref(),
                Some("application/x-ndjson")
            );
            assert_eq!(request.body, std::fs::read(part).unwrap(), "{what}");
        }
        let last: Vec<&str> = requests[requests.len() - 2..]
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(last, ["/veille/_refresh", "/veille/_count"]);

        // An error item in the second part: the third is never sent.
        let second = std::fs::read_to_string(&parts[1]).unwrap();
        let action: Value = serde_json::from_str(second.lines().next().unwrap()).unwrap();
        let id = action["index"]["_id"].as_str().unwrap().to_string();
        let stub = Stub::start(Some(id.clone()));
        let run = load(&f, &stub.url, path);
        assert_eq!(run.code, 1, "{what}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("mapper_parsing_exception"),
            "{what}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(&id), "{what}: {}", run.stderr);
        let bulks = stub
            .requests()
            .iter()
            .filter(|r| r.path == "/_bulk")
            .count();
        assert_eq!(bulks, 2, "{what}");
    }

    // No server at all: a clear failure, not a hang.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = load(&f, &url, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot reach"), "{}", run.stderr);
}
