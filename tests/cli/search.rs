//! Searching: the query syntax, the output formats, and the bundled corpus.

use crate::common::{repo, Fixture};
use crate::util::{highlighted, one_hit_marking};

/// A fixture whose `docs/` is a copy of the bundled corpus, indexed.
fn corpus() -> Fixture {
    let f = Fixture::new();
    f.copy(&repo().join("corpus"), "docs");
    f.index().ok();
    f
}

fn small() -> Fixture {
    let f = Fixture::new();
    f.write(
        "docs/fr1.md",
        "---\ntitle: Les startups recrutent\ndate: 2025-01-10\nsource: Le Quotidien Tech\nlang: fr\n---\n\nLes jeunes pousses de l’intelligence artificielle recrute des ingénieurs à tour de bras, et le recrutement devient une course.\n",
    );
    f.write(
        "docs/fr2.md",
        "---\ntitle: Une donnée précieuse\ndate: 2025-03-15\nsource: Hebdo Numérique\nlang: fr\n---\n\nLes hôpitaux protègent une ressource précieuse : les données des patients, cible favorite des rançongiciels.\n",
    );
    f.write(
        "docs/en1.md",
        "---\ntitle: Chip makers hire engineers\ndate: 2025-02-20\nsource: Wire Today\nlang: en\n---\n\nSemiconductor companies are hiring engineers as new fabs open, and recruiters say salaries keep rising.\n",
    );
    f.write(
        "docs/en2.md",
        "---\ntitle: Cloud outage hits banks\ndate: 2025-04-01\nsource: Wire Today\nlang: en\n---\n\nA cloud outage disrupted payments at several banks; engineers restored service after three hours.\n",
    );
    f.index().ok();
    f
}

#[test]
fn stemmed_and_folded_words_are_found_and_highlighted() {
    let f = small();
    // The words as typed only: translations are tested in translate.rs.
    let hits = f.search("recrutement", &["--no-translate"]);
    assert_eq!(hits.len(), 1);
    let marks = highlighted(&hits[0]);
    assert!(marks.iter().any(|m| m == "recrute"), "{marks:?}");
    assert!(marks.iter().any(|m| m == "recrutement"), "{marks:?}");

    for q in ["precieuse", "précieuse", "PRÉCIEUSE"] {
        one_hit_marking(&f, q, "précieuse");
    }
    // An English query word is stemmed the English way.
    let hits = f.search("hire", &[]);
    assert!(!hits.is_empty());
    assert_eq!(hits[0]["title"], "Chip makers hire engineers");
}

#[test]
fn query_syntax() {
    let f = small();
    // all words required
    assert_eq!(f.search("engineers banks", &[]).len(), 1);
    // phrase
    assert_eq!(f.search("\"cloud outage\"", &[]).len(), 1);
    assert!(f.search("\"outage cloud\"", &[]).is_empty());
    // exclusion
    // (without `ingénieurs`, its translation, in the French article)
    let hits = f.search("engineers -banks", &["--no-translate"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], "en1.md");
    // OR
    assert_eq!(f.hit_ids("rançongiciels OR semiconductor").len(), 2);
    // title:
    assert_eq!(f.hit_ids("title:outage"), vec!["en2.md"]);
    assert!(f.hit_ids("title:payments").is_empty());
    // lang: and --lang
    assert_eq!(f.hit_ids("engineers lang:en").len(), 2);
    assert_eq!(f.search("ingénieurs", &["--lang", "fr"]).len(), 1);
    // (translated, `engineers` finds the French `ingénieurs`)
    assert!(f
        .search("engineers", &["--lang", "fr", "--no-translate"])
        .is_empty());
    // source:
    assert_eq!(f.hit_ids("source:\"wire today\" engineers").len(), 2);
    assert_eq!(f.hit_ids("source:hebdo données").len(), 1);
}

#[test]
fn any_word_when_no_article_has_all_and_the_output_says_so() {
    let f = small();
    let run = f.run(&[
        "search",
        "outage précieuse",
        "--index",
        "idx",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("any of them"), "{}", run.stdout);
    // in JSON mode the note goes to stderr and stdout holds only hits
    let run = f.run(&["search", "outage précieuse", "--index", "idx", "--json"]);
    assert!(run.stderr.contains("any of them"));
    assert_eq!(run.json_lines().len(), 2);
}

#[test]
fn malformed_queries_warn_and_never_crash() {
    let f = small();
    for q in [
        "\"cloud outage",
        "((engineers",
        "OR",
        "-",
        "title:",
        "a OR",
        "***",
        "engineers~9",
        "C++ C# .NET",
    ] {
        let run = f.run(&["search", q, "--index", "idx", "--json"]);
        assert!(run.code == 0 || run.code == 1, "{q}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{q}: {}", run.stderr);
    }
    let run = f.run(&["search", "\"cloud outage", "--index", "idx", "--json"]);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(run.json_lines().len(), 1);
}

#[test]
fn sorting_filtering_and_paging() {
    let f = small();
    let dates: Vec<String> = f
        .search("engineers OR données OR recrutement", &["--sort", "date"])
        .iter()
        .map(|h| h["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dates.len(), 4);
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    // (without `ingénieurs`, its translation, in the French article)
    let hits = f.search("engineers", &["--since", "2025-03-01", "--no-translate"]);
    assert_eq!(hits.len(), 1);
    let hits = f.search("engineers", &["--until", "2025-02-20", "--no-translate"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["title"], "Chip makers hire engineers");

    let all = f.search("engineers OR données OR recrutement", &["-n", "2"]);
    let next = f.search(
        "engineers OR données OR recrutement",
        &["-n", "2", "--offset", "2"],
    );
    assert_eq!(all.len(), 2);
    assert_eq!(next.len(), 2);
    assert_eq!(next[0]["rank"], 3);
    assert_ne!(all[0]["id"], next[0]["id"]);
}

#[test]
fn json_schema_and_exit_codes() {
    let f = small();
    let hits = f.search("cloud", &[]);
    let h = &hits[0];
    for key in [
        "rank", "id", "score", "title", "date", "lang", "source", "url", "path", "snippets",
    ] {
        assert!(h.get(key).is_some(), "missing {key}");
    }
    let s = &h["snippets"][0];
    let text = s["text"].as_str().unwrap();
    for r in s["highlights"].as_array().unwrap() {
        let (a, b) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a < b);
    }
    assert!(s["html"].as_str().unwrap().contains("<mark>"));

    let run = f.run(&["search", "zzznothingzzz", "--index", "idx"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("No results"));
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let f = small();
    let plain = f.run(&["search", "cloud", "--index", "idx"]).ok();
    assert!(!plain.stdout.contains('\x1b'));
    assert!(plain.stdout.contains("Cloud outage hits banks"));
    let coloured = f
        .run(&["search", "cloud", "--index", "idx", "--color", "always"])
        .ok();
    assert!(coloured.stdout.contains("\x1b[1;33m"));
}

#[test]
fn a_file_of_queries_gives_trec_runs_and_json() {
    let f = small();
    f.write("q.tsv", "q1\tcloud outage\nq2\tprécieuse\n");
    let run = f
        .run(&[
            "search",
            "--queries",
            "q.tsv",
            "--index",
            "idx",
            "--format",
            "trec",
        ])
        .ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    let cols: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(cols.len(), 6);
    assert_eq!(
        (cols[0], cols[1], cols[2], cols[3], cols[5]),
        ("q1", "Q0", "en2.md", "1", "veille")
    );
    let run = f
        .run(&["search", "--queries", "q.tsv", "--index", "idx", "--json"])
        .ok();
    let hits = run.json_lines();
    assert_eq!(hits[1]["query_id"], "q2");

    f.write("bad.tsv", "q1\tok\nno tab on this line\n");
    let run = f
        .run(&["search", "--queries", "bad.tsv", "--index", "idx"])
        .fatal("bad.tsv");
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
}

#[test]
fn the_bundled_corpus_answers_the_readme_queries() {
    let f = corpus();
    let stats = f.stats("idx");
    assert!(stats["articles"].as_u64().unwrap() >= 40, "{stats}");
    assert!(stats["languages"]["fr"].as_u64().unwrap() >= 15, "{stats}");
    assert!(stats["languages"]["en"].as_u64().unwrap() >= 15, "{stats}");
    let hits = f.search("\"intelligence artificielle\"", &[]);
    assert!(hits.len() >= 3);
    for h in &hits {
        let marks: Vec<String> = highlighted(h).iter().map(|m| m.to_lowercase()).collect();
        assert!(marks.iter().any(|m| m == "intelligence"), "{marks:?}");
    }
    let hits = f.search("recrutement", &[]);
    let marks: Vec<String> = hits.iter().flat_map(highlighted).collect();
    assert!(
        marks
            .iter()
            .any(|m| m.starts_with("recrut") && m != "recrutement"),
        "{marks:?}"
    );
}

#[test]
fn the_default_index_is_built_from_corpus_on_first_search() {
    let f = Fixture::new();
    f.copy(&repo().join("corpus"), "corpus");
    let run = f.run(&["search", "intelligence artificielle", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("building"), "{}", run.stderr);
    assert!(run.stdout.contains("intelligence"), "{}", run.stdout);
    assert!(f.path("index/meta.json").exists());
    // the second search uses it without rebuilding
    let run = f.run(&["search", "intelligence artificielle"]).ok();
    assert!(!run.stderr.contains("building"));
}

#[test]
fn stats_report_languages_sources_and_dates() {
    let f = small();
    let v = f.stats("idx");
    assert_eq!(v["articles"], 4);
    assert_eq!(v["languages"]["fr"], 2);
    assert_eq!(v["languages"]["en"], 2);
    assert_eq!(v["sources"]["Wire Today"], 2);
    assert_eq!(v["first_date"], "2025-01-10T00:00:00Z");
    assert_eq!(v["last_date"], "2025-04-01T00:00:00Z");
    assert!(v["index_bytes"].as_u64().unwrap() > 0);
    assert!(v["updated"].is_string());
    let run = f.run(&["stats", "--index", "idx"]).ok();
    assert!(run.stdout.contains("articles:   4"));
}
