//! The language of short items (issue 13): what the source declares, then
//! detection, then the language most articles of the same feed or folder
//! have, before `und`; and what it changes for a search (stemming).

use std::collections::BTreeMap;

use crate::common::Fixture;

/// `id → lang` of every article of `idx/`.
fn languages(f: &Fixture) -> BTreeMap<String, String> {
    f.export("idx")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["lang"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rss(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, description)| {
            let description = if description.is_empty() {
                String::new()
            } else {
                format!("<description>{description}</description>")
            };
            format!("<item><guid>{guid}</guid><title>{title}</title>{description}</item>\n")
        })
        .collect();
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Le Fil</title>\n{items}</channel></rss>\n")
}

/// Two items too short to detect, among items long enough to.
const FRENCH_FEED: &[(&str, &str, &str)] = &[
    ("zorglub", "Un article de test zorglub sur la fibre.", ""),
    ("ia", "L'intelligence artificielle", ""),
    (
        "centres",
        "Le gouvernement présente son plan pour les centres de données",
        "Les ministres veulent accélérer les raccordements au réseau électrique avant la fin de l'année.",
    ),
    (
        "operateurs",
        "Les opérateurs promettent la fibre partout",
        "Le régulateur a publié mercredi son bilan trimestriel des déploiements dans les communes rurales.",
    ),
];

#[test]
fn short_items_of_a_french_feed_without_language_are_french() {
    let f = Fixture::new();
    f.write("docs/fil.xml", rss(FRENCH_FEED));
    let run = f.index().ok();
    assert!(
        run.stdout.contains("(added by language: fr 4)"),
        "{}",
        run.stdout
    );
    let langs = languages(&f);
    assert_eq!(langs["zorglub"], "fr", "{langs:?}");
    assert_eq!(langs["ia"], "fr", "{langs:?}");
    // French stemming: a plural finds the singular of a short item.
    let mut ids: Vec<String> = f
        .search("fibres", &[])
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["operateurs", "zorglub"]);
    assert_eq!(f.hit_ids("artificielles"), ["ia"]);
}

#[test]
fn what_the_source_declares_wins_over_the_majority() {
    let f = Fixture::new();
    // The channel says English: its short items are English, whatever
    // their neighbours look like.
    let feed = rss(FRENCH_FEED).replace(
        "<title>Le Fil</title>",
        "<title>Le Fil</title><dc:language>en</dc:language>",
    );
    let feed = feed.replace(
        "<rss version=\"2.0\">",
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
    );
    f.write("docs/fil.xml", feed);
    f.index().ok();
    let langs = languages(&f);
    assert!(langs.values().all(|l| l == "en"), "{langs:?}");
}

#[test]
fn short_files_take_their_folders_language() {
    let f = Fixture::new();
    f.write(
        "docs/fr/a.txt",
        "Le gouvernement présente son plan\n\nLes ministres veulent accélérer les raccordements au réseau électrique avant la fin de l'année.\n",
    );
    f.write(
        "docs/fr/b.txt",
        "Les opérateurs promettent la fibre\n\nLe régulateur a publié mercredi son bilan trimestriel des déploiements dans les communes rurales.\n",
    );
    f.write("docs/fr/c.txt", "L'intelligence artificielle\n");
    // A page declaring its language counts for its folder too.
    f.write(
        "docs/en/a.html",
        "<html lang=\"en\"><head><title>Chips</title></head><body><p>New chips.</p></body></html>",
    );
    f.write(
        "docs/en/b.html",
        "<html><head><meta http-equiv=\"content-language\" content=\"en\"><title>Cloud</title></head><body><p>Outage.</p></body></html>",
    );
    f.write("docs/en/c.txt", "Data centres\n");
    // Alone in its folder: no neighbour to ask.
    f.write("docs/alone/c.txt", "L'intelligence artificielle\n");
    f.index().ok();
    let langs = languages(&f);
    assert_eq!(langs["fr/c.txt"], "fr", "{langs:?}");
    assert_eq!(langs["en/a.html"], "en", "{langs:?}");
    assert_eq!(langs["en/c.txt"], "en", "{langs:?}");
    assert_eq!(langs["alone/c.txt"], "und", "{langs:?}");
    // `--default-lang` comes after the neighbours.
    let run = f
        .run(&[
            "index",
            "docs",
            "--index",
            "idx",
            "--rebuild",
            "--default-lang",
            "de",
        ])
        .ok();
    assert!(run.stdout.contains("de 1"), "{}", run.stdout);
    let langs = languages(&f);
    assert_eq!(
        (langs["fr/c.txt"].as_str(), langs["alone/c.txt"].as_str()),
        ("fr", "de")
    );

    // A later run: a new short file counts on the articles already indexed.
    f.write("docs/fr/d.txt", "Les centres de données\n");
    let run = f.index().ok();
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert_eq!(languages(&f)["fr/d.txt"], "fr");
}

#[test]
fn a_folder_without_a_clear_majority_decides_nothing() {
    let f = Fixture::new();
    f.write(
        "docs/a.txt",
        "Le gouvernement présente son plan\n\nLes ministres veulent accélérer les raccordements au réseau électrique avant la fin de l'année.\n",
    );
    f.write(
        "docs/b.txt",
        "The government presents its plan\n\nMinisters want to speed up connections to the power grid before the end of the year.\n",
    );
    f.write("docs/c.txt", "Data\n");
    f.index().ok();
    let langs = languages(&f);
    assert_eq!(
        (
            langs["a.txt"].as_str(),
            langs["b.txt"].as_str(),
            langs["c.txt"].as_str()
        ),
        ("fr", "en", "und")
    );
}
