//! Checks on the shared real-world data (`../shared`): the user's sample
//! article and the BBC corpus. Each test skips, saying so, when the data is
//! absent.

use crate::util::{highlighted, shared, Fixture};

#[test]
fn the_sample_article_is_french_and_found_as_the_user_expects() {
    let Some(seed) = shared("seed/000_75f061e6313a8f0d.txt") else {
        return;
    };
    let f = Fixture::new();
    f.write(
        "docs/000_75f061e6313a8f0d.txt",
        std::fs::read(seed).unwrap(),
    );
    f.index().ok();
    let hits = f.search("Zuckerberg", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["lang"], "fr");

    let hits = f.search("recrutement", &[]);
    assert_eq!(hits.len(), 1);
    let marks = highlighted(&hits[0]);
    assert!(marks.iter().any(|m| m == "recrute"), "{marks:?}");

    for q in ["precieuse", "précieuse"] {
        let hits = f.search(q, &[]);
        assert_eq!(hits.len(), 1, "{q}");
        assert!(
            highlighted(&hits[0]).iter().any(|m| m == "précieuse"),
            "{q}"
        );
    }
    let hits = f.search("\"intelligence artificielle\"", &[]);
    assert_eq!(hits.len(), 1);
    assert!(highlighted(&hits[0]).iter().any(|m| m == "intelligence"));
}

#[test]
fn all_of_bbc_indexes_and_its_tech_section_is_english() {
    let Some(bbc) = shared("data/bbc/bbc") else {
        return;
    };
    let f = Fixture::new();
    let run = f
        .run(&["index", bbc.to_str().unwrap(), "--index", "idx"])
        .ok();
    assert!(
        run.stdout.contains("sport/199.txt") && run.stdout.contains("UTF-8"),
        "the invalid UTF-8 file is reported: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("skipped: "), "{}", run.stdout);
    let total = f.articles();
    let dups = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("duplicate: "))
        .count() as u64;
    // 2,225 articles, and the dataset's README.TXT, which is text too.
    assert_eq!(total + dups, 2226, "{}", run.stdout);

    let stats = f.run(&["stats", "--index", "idx", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(stats.stdout.trim()).unwrap();
    let english = v["languages"]["en"].as_u64().unwrap_or(0);
    println!(
        "BBC: {english} of {total} articles detected English ({:.2}%)",
        100.0 * english as f64 / total as f64
    );

    // Every article under tech/ is detected English.
    let run = f
        .run(&[
            "index",
            bbc.join("tech").to_str().unwrap(),
            "--index",
            "tech-idx",
        ])
        .ok();
    let stats = f.run(&["stats", "--index", "tech-idx", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(stats.stdout.trim()).unwrap();
    let languages = v["languages"].as_object().unwrap();
    assert_eq!(languages.len(), 1, "{v}");
    let dups = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("duplicate: "))
        .count() as u64;
    assert_eq!(v["languages"]["en"].as_u64().unwrap() + dups, 401, "{v}");
}
