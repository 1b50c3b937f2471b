//! Issue 12, points 4 and 5, through the daemon: `/api/articles/{id}/similar`
//! (hits as `/api/search` gives them, the same story apart, 404 for an
//! unknown id), the article page's lists, an untitled article shown with one
//! title everywhere (command line, JSON, API, page, feed, article page),
//! the operators named on the page, and a title match marked in a browser.

use std::collections::BTreeSet;

use fantoccini::Locator;
use serde_json::Value;

use crate::browser::{text_of, Browser};
use crate::common::{client, enc, get, get_json, Fixture, Server};

/// Untitled (one paragraph): its first words stand for its title.
const UNTITLED: &str = "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de \
-80 % en dix-huit mois, une chute que personne dans le secteur n'avait prévue. Les stocks \
accumulés pendant la pandémie pèsent encore sur le marché et les usines coréennes tournent au \
ralenti depuis l'été. Tous les contrats signés avant janvier seront renégociés, a prévenu un \
dirigeant lors d'une conférence à Séoul, en ajoutant que les clients de l'informatique en nuage \
exigent désormais des remises chaque trimestre. Les analystes ne voient pas de reprise avant la \
fin de l'année prochaine.\n";

/// Its title, as every output shows it.
const SHOWN: &str =
    "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de -80 % en…";

/// The same story with another ending: a near-duplicate.
const RETOLD: &str = "Les fabricants de puces mémoire ont vu leurs prix de gros reculer de \
-80 % en dix-huit mois, une chute que personne dans le secteur n'avait prévue. Les stocks \
accumulés pendant la pandémie pèsent encore sur le marché et les usines coréennes tournent au \
ralenti depuis l'été. Tous les contrats signés avant janvier seront renégociés, a prévenu un \
dirigeant lors d'une conférence à Séoul, en ajoutant que les clients de l'informatique en nuage \
exigent désormais des remises chaque trimestre. Un courtier juge que les cours se stabilisent.\n";

const MARKET: &str = "Le marché de la mémoire reste déprimé\n\nLes prix de la mémoire vive \
continuent de baisser, selon un cabinet d'études. Les fabricants réduisent leur production et \
reportent la construction de nouvelles usines; les stocks ne se résorbent que lentement.\n";

const CLOUD: &str = "Cloud customers negotiate their discounts\n\nCompanies buying cloud \
computing get larger discounts by signing three-year contracts, a study published on Tuesday \
says.\n";

/// The articles in folders (their ids keep the slash), indexed and served.
fn served() -> (Fixture, Server) {
    let f = Fixture::new();
    f.write("docs/fr/memoire.txt", UNTITLED);
    f.write("docs/fr/memoire-reprise.txt", RETOLD);
    f.write("docs/fr/marche.txt", MARKET);
    f.write("docs/en/cloud.txt", CLOUD);
    f.index().ok();
    let server = f.serve(&["--index", "idx"]);
    (f, server)
}

fn ids(hits: &Value) -> Vec<&str> {
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn similar_lists_other_articles_as_search_hits_with_the_same_story_apart() {
    let (_f, server) = served();
    let (status, v) = get_json(&server.url("/api/articles/fr/memoire.txt/similar")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["id"], "fr/memoire.txt");
    assert_eq!(v["title"], SHOWN);
    assert_eq!(ids(&v["hits"]), ["fr/marche.txt"], "{v}");
    assert_eq!(
        ids(&v["near_duplicates"]),
        ["fr/memoire-reprise.txt"],
        "{v}"
    );
    assert_eq!(v["near_duplicates"][0]["same_text"], false);
    // A hit has exactly the fields of a hit of /api/search.
    let (_, search) = get_json(&server.url("/api/search?q=d%C3%A9prim%C3%A9")).await;
    assert_eq!(keys(&v["hits"][0]), keys(&search["hits"][0]));
    assert!(!v["hits"][0]["snippets"].as_array().unwrap().is_empty());

    // Filters apply; an English article has no French neighbour.
    let (_, v) = get_json(&server.url("/api/articles/fr/memoire.txt/similar?lang=en")).await;
    assert_eq!(v["total"], 0, "{v}");
    let (_, v) = get_json(&server.url("/api/articles/en/cloud.txt/similar")).await;
    assert!(ids(&v["hits"]).is_empty(), "{v}");
    // Bad parameters and unknown ids are JSON errors.
    let (status, v) = get_json(&server.url("/api/articles/fr/memoire.txt/similar?limit=x")).await;
    assert_eq!(
        (status, v["parameter"].as_str()),
        (400, Some("limit")),
        "{v}"
    );
    let (status, v) = get_json(&server.url("/api/articles/fr/nope.txt/similar")).await;
    assert_eq!(status, 404, "{v}");
    assert!(v["error"].as_str().unwrap().contains("fr/nope.txt"), "{v}");
    // The article itself is still served at its own path.
    let (status, v) = get_json(&server.url("/api/articles/fr/memoire.txt")).await;
    assert_eq!(
        (status, v["body"].as_str()),
        (200, Some(UNTITLED.trim_end()))
    );
}

#[tokio::test]
async fn the_article_page_lists_the_same_story_and_the_articles_like_it() {
    let (_f, server) = served();
    let (status, page) = get(&server.url("/articles/fr/memoire.txt?ui=en")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<h1>{SHOWN}</h1>")), "{page}");
    let same = page
        .find("The same story elsewhere")
        .expect("the same story");
    let like = page
        .find("Articles like this one")
        .expect("articles like it");
    assert!(same < like);
    assert!(page[same..like].contains("href=\"/articles/fr/memoire-reprise.txt"));
    assert!(page[like..].contains("Le marché de la mémoire reste déprimé"));
    assert!(page[like..].contains("href=\"/api/articles/fr/memoire.txt/similar\""));
}

#[tokio::test]
async fn an_untitled_article_has_one_title_in_every_output() {
    let (f, server) = served();
    // Two queries whose snippets start in different places of its text.
    for query in ["pandémie", "analystes reprise"] {
        let cli = f.search(query, &["--all"]);
        let hit = cli.iter().find(|h| h["id"] == "fr/memoire.txt").unwrap();
        assert_eq!(
            (&hit["title"], &hit["title_from_text"]),
            (&SHOWN.into(), &true.into())
        );
        let human = f.run(&["search", query, "--index", "idx", "--color", "never"]);
        assert!(
            human.stdout.contains(&format!("1. {SHOWN}\n")),
            "{}",
            human.stdout
        );

        let q = enc(query);
        let (_, api) = get_json(&server.url(&format!("/api/search?q={q}"))).await;
        assert_eq!(api["hits"][0]["title"], SHOWN, "{api}");
        let (_, page) = get(&server.url(&format!("/?q={q}"))).await;
        // The page's heading is the title, with the matches (none here) marked.
        assert!(
            page.contains(&format!("rel=\"noopener noreferrer\">{SHOWN}</a></h2>")),
            "{page}"
        );
        let xml = client()
            .get(server.url(&format!("/feed.atom?q={q}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        let titles: Vec<String> = feed
            .entries
            .iter()
            .map(|e| e.title.as_ref().unwrap().content.clone())
            .collect();
        assert!(titles.contains(&SHOWN.to_string()), "{titles:?}");
    }
    // The feed of the newest articles (no query) too.
    let xml = client()
        .get(server.url("/feed.atom"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(xml.contains(&format!("<title>{SHOWN}</title>")), "{xml}");
}

#[tokio::test]
async fn operators_and_free_text_are_named_on_the_page_and_in_the_api() {
    let (_f, server) = served();
    let (_, page) = get(&server.url(&format!("/?q={}", enc("mémoire -usines")))).await;
    assert!(
        page.contains("operators applied: -usines (excluded)"),
        "{page}"
    );
    // A pasted sentence: its -80 is a word, and the source comes first.
    let pasted =
        "de gros reculer de -80 % en dix-huit mois, une chute que personne dans le secteur";
    let (_, v) = get_json(&server.url(&format!("/api/search?q={}", enc(pasted)))).await;
    let first = v["hits"][0]["id"].as_str().unwrap();
    assert!(first.starts_with("fr/memoire"), "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v}");
    assert!(warnings[0].as_str().unwrap().contains("free text"), "{v}");
}

#[tokio::test]
async fn chromium_shows_a_title_match_marked() {
    let Some(browser) = Browser::start(None).await else {
        return;
    };
    let (_f, server) = served();
    let c = &browser.client;
    let outcome = async {
        c.goto(&server.url("/?q=d%C3%A9prim%C3%A9")).await?;
        let mark = text_of(c, "#results .hit h2 a mark").await?;
        let title = text_of(c, "#results .hit h2 a").await?;
        let snippet_marks = c
            .find_all(Locator::Css("#results .hit .snippet mark"))
            .await?;
        Ok::<_, fantoccini::error::CmdError>((mark, title, snippet_marks.len()))
    }
    .await;
    browser.close().await;
    let (mark, title, snippet_marks) = outcome.unwrap();
    assert_eq!(mark, "déprimé");
    assert_eq!(title, "Le marché de la mémoire reste déprimé");
    assert_eq!(snippet_marks, 0, "the word is in the title only");
}
