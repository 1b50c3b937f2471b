//! The same story filed twice (issue 13): every record is kept, a search
//! shows one hit with the others under `similar`, and only the same record
//! seen twice (same id, same text) is indexed once.

use serde_json::Value;

use crate::common::{Fixture, Run};

/// One story at two URLs, as OrangeSum files it under two sections: the
/// same text (short: too short for near-duplicate fingerprints), two ids.
const TWO_URLS: &str = r#"{"id": "societe-qVsu5", "title": "La fibre arrive dans les campagnes", "article": "Le déploiement de la fibre optique s'accélère dans les zones rurales.", "url": "https://actu.example/societe/fibre-CNT000001qVsu5.html", "date": "2020-07-02"}
{"id": "monde-qVsu5", "title": "La fibre arrive dans les campagnes", "article": "Le déploiement de la fibre optique   s'accélère dans les zones rurales.", "url": "https://actu.example/monde/fibre-CNT000001qVsu5.html", "date": "2020-07-02"}
{"id": "other", "title": "Les opérateurs et la 5G", "article": "Les opérateurs investissent dans la 5G plus que dans la fibre.", "url": "https://actu.example/eco/5g.html", "date": "2020-07-03"}
"#;

fn similar_ids(hit: &Value) -> Vec<&str> {
    hit["similar"]
        .as_array()
        .expect("similar")
        .iter()
        .map(|v| v.as_str().expect("an id"))
        .collect()
}

fn lines<'a>(run: &'a Run, prefix: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

#[test]
fn a_story_at_two_urls_is_two_records_shown_as_one_hit() {
    let f = Fixture::new();
    f.write("docs/orange.jsonl", TWO_URLS);
    let run = f.index().ok();
    assert_eq!(
        lines(&run, "same text: "),
        ["same text: docs/orange.jsonl: \"La fibre arrive dans les campagnes\" has the same text as societe-qVsu5 in docs/orange.jsonl: both kept, shown as one hit"],
        "{}",
        run.stdout
    );
    assert!(lines(&run, "duplicate: ").is_empty(), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("articles: 3 added (1 with the text of another), 0 removed, 3 in the index"),
        "{}",
        run.stdout
    );
    // `veille stats` counts records.
    assert_eq!(f.articles("idx"), 3);
    assert_eq!(
        f.article_ids("idx").into_iter().collect::<Vec<_>>(),
        ["monde-qVsu5", "other", "societe-qVsu5"]
    );

    // --json: one hit for the story, the other record under it.
    let hits = f.search("campagnes", &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let (shown, other) = match hits[0]["id"].as_str().unwrap() {
        "societe-qVsu5" => ("societe", "monde"),
        _ => ("monde", "societe"),
    };
    assert_eq!(similar_ids(&hits[0]), [format!("{other}-qVsu5")]);
    let also = &hits[0]["also_at"][0];
    assert_eq!(also["id"], format!("{other}-qVsu5"));
    assert_eq!(
        also["url"],
        format!("https://actu.example/{other}/fibre-CNT000001qVsu5.html")
    );
    assert_eq!(also["path"], "docs/orange.jsonl");
    assert_eq!(also["date"], "2020-07-02T00:00:00Z");
    assert_eq!(also["same_text"], true);
    assert_eq!(
        hits[0]["url"],
        format!("https://actu.example/{shown}/fibre-CNT000001qVsu5.html")
    );

    // A query that also finds another article: the story is still one hit.
    let hits = f.search("fibre", &[]);
    assert_eq!(hits.len(), 2, "{hits:?}");
    let story = hits.iter().find(|h| h["id"] != "other").unwrap();
    assert_eq!(similar_ids(story).len(), 1, "{hits:?}");

    // The human output says where else the story is.
    let run = f
        .run(&["search", "campagnes", "--index", "idx", "--color", "never"])
        .ok();
    assert!(run.stdout.contains("1 similar:"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "also at https://actu.example/{other}/fibre-CNT000001qVsu5.html · {other}-qVsu5"
        )),
        "{}",
        run.stdout
    );

    // --all shows every record, grouped under nothing.
    let all = f.search("campagnes", &["--all"]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().all(|h| similar_ids(h).is_empty()), "{all:?}");
}

#[test]
fn copies_in_other_files_and_formats_are_kept_and_grouped() {
    let f = Fixture::new();
    let story =
        "Cloud outage\n\nA storage outage took down dozens of services for four hours on Monday.\n";
    f.write("docs/a/outage.txt", story);
    f.write("docs/b/outage.txt", story);
    f.write(
        "docs/wire.jsonl",
        "{\"id\": \"wire-1\", \"title\": \"Cloud outage\", \"url\": \"https://wire.example/1\", \"body\": \"A storage outage took down dozens of services\\nfor four hours on Monday.\"}\n",
    );
    f.index().ok();
    assert_eq!(f.articles("idx"), 3);
    let hits = f.search("outage", &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let mut group: Vec<&str> = similar_ids(&hits[0]);
    group.push(hits[0]["id"].as_str().unwrap());
    group.sort_unstable();
    assert_eq!(group, ["a/outage.txt", "b/outage.txt", "wire-1"]);
    // A file's copy is named by its path, the wire's by its URL.
    let run = f
        .run(&["search", "outage", "--index", "idx", "--color", "never"])
        .ok();
    assert!(run.stdout.contains("2 similar:"), "{}", run.stdout);
    for (id, location) in [
        ("a/outage.txt", "docs/a/outage.txt"),
        ("b/outage.txt", "docs/b/outage.txt"),
        ("wire-1", "https://wire.example/1"),
    ] {
        if hits[0]["id"] != id {
            assert!(
                run.stdout.contains(&format!("also at {location} · {id}")),
                "{}",
                run.stdout
            );
        }
    }

    // A copy that goes takes only itself away.
    f.remove("docs/a/outage.txt");
    f.index().ok();
    assert_eq!(f.articles("idx"), 2);
    let hits = f.search("outage", &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(similar_ids(&hits[0]).len(), 1, "{hits:?}");
}

#[test]
fn the_same_record_seen_twice_is_one_record() {
    let f = Fixture::new();
    // Two snapshots of one feed: item 7 is in both.
    let item = |n: u32, title: &str| {
        format!("<item><guid>urn:item:{n}</guid><title>{title}</title><description>Item {n} of the wire, about the storage provider and its outage.</description></item>")
    };
    let snapshot = |items: &[String]| {
        format!(
            "<rss version=\"2.0\"><channel><title>Wire</title>{}</channel></rss>",
            items.concat()
        )
    };
    f.write(
        "docs/monday.xml",
        snapshot(&[item(6, "Earlier news"), item(7, "Outage report")]),
    );
    f.write(
        "docs/tuesday.xml",
        snapshot(&[item(7, "Outage report"), item(8, "Later news")]),
    );
    let run = f.index().ok();
    assert_eq!(
        lines(&run, "duplicate: "),
        ["duplicate: docs/tuesday.xml: \"Outage report\" is urn:item:7 in docs/monday.xml again (same id, same text): indexed once"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 duplicate article,"),
        "{}",
        run.stdout
    );
    assert_eq!(f.articles("idx"), 3);
    assert_eq!(
        f.article_ids("idx").into_iter().collect::<Vec<_>>(),
        ["urn:item:6", "urn:item:7", "urn:item:8"]
    );

    // Monday's snapshot goes: Tuesday's copy of item 7 takes its place.
    f.remove("docs/monday.xml");
    f.index().ok();
    assert_eq!(
        f.article_ids("idx").into_iter().collect::<Vec<_>>(),
        ["urn:item:7", "urn:item:8"]
    );
}

#[test]
fn short_items_with_one_boilerplate_text_are_told_apart_by_their_titles() {
    let f = Fixture::new();
    let item = |n: u32, title: &str| {
        format!("<item><guid>urn:item:{n}</guid><title>{title}</title><description>Read the full story on our site.</description></item>")
    };
    f.write(
        "docs/feed.xml",
        format!(
            "<rss version=\"2.0\"><channel><title>Wire</title>{}{}</channel></rss>",
            item(1, "Rust 1.90 is out"),
            item(2, "Cloud outage in Frankfurt")
        ),
    );
    let run = f.index().ok();
    assert!(lines(&run, "same text: ").is_empty(), "{}", run.stdout);
    let hits = f.search("story", &[]);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|h| similar_ids(h).is_empty()), "{hits:?}");
}

#[test]
fn a_copy_far_down_the_matches_is_still_listed() {
    let f = Fixture::new();
    let line = |id: &str, date: &str, body: &str| {
        format!("{{\"id\": \"{id}\", \"title\": \"Fibre\", \"article\": \"{body}\", \"date\": \"{date}\"}}\n")
    };
    let story = "Le déploiement de la fibre optique s'accélère dans les zones rurales.";
    // The story, then forty other articles about fibre, then its copy,
    // filed again a year later under another id.
    let mut dump = line("first", "2021-01-01", story);
    for n in 0..40 {
        dump += &line(
            &format!("other-{n}"),
            &format!("2020-{:02}-{:02}", 1 + n / 28, 1 + n % 28),
            &format!("La fibre, épisode {n}."),
        );
    }
    dump += &line("again", "2019-01-01", story);
    f.write("docs/dump.jsonl", dump);
    f.index().ok();
    // Newest first, one hit: the copy is far beyond the candidates a page
    // of one hit looks at, and still under the story.
    let hits = f.search("fibre", &["--sort", "date", "-n", "1"]);
    assert_eq!(hits[0]["id"], "first", "{hits:?}");
    assert_eq!(similar_ids(&hits[0]), ["again"], "{hits:?}");
    // It is not shown again on a later page.
    let ids: Vec<String> = f
        .search("fibre", &["--sort", "date", "-n", "100"])
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 41, "{ids:?}");
    assert!(!ids.contains(&"again".to_string()), "{ids:?}");
}
