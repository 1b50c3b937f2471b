//! Checks on the shared real-world data (`../shared`): the user's sample
//! article and the BBC corpus. Without the data each test is skipped,
//! saying so, or fails under CI (see `common::shared_data`).

use crate::common::{shared_data, Fixture, Run};
use crate::util::one_hit_marking;

/// How many articles an indexing run reported as duplicates.
fn duplicates(run: &Run) -> u64 {
    let lines = run.stdout.lines();
    lines.filter(|l| l.starts_with("duplicate: ")).count() as u64
}

#[test]
fn the_sample_article_is_french_and_found_as_the_user_expects() {
    let Some(seed) = shared_data("seed/000_75f061e6313a8f0d.txt") else {
        return;
    };
    let f = Fixture::new();
    f.copy(&seed, "docs/000_75f061e6313a8f0d.txt");
    f.index().ok();
    let hits = f.search("Zuckerberg", &[]);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["lang"], "fr");

    one_hit_marking(&f, "recrutement", "recrute");
    for q in ["precieuse", "précieuse"] {
        one_hit_marking(&f, q, "précieuse");
    }
    one_hit_marking(
        &f,
        "\"intelligence artificielle\"",
        "intelligence artificielle",
    );
}

#[test]
fn all_of_bbc_indexes_and_its_tech_section_is_english() {
    let Some(bbc) = shared_data("data/bbc/bbc") else {
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
    let total = f.articles("idx");
    let dups = duplicates(&run);
    // 2,225 articles, and the dataset's README.TXT, which is text too.
    assert_eq!(total + dups, 2226, "{}", run.stdout);

    let v = f.stats("idx");
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
    let v = f.stats("tech-idx");
    let languages = v["languages"].as_object().unwrap();
    assert_eq!(languages.len(), 1, "{v}");
    let dups = duplicates(&run);
    assert_eq!(v["languages"]["en"].as_u64().unwrap() + dups, 401, "{v}");
}
