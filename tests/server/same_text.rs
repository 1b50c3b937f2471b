//! Issue 13 through the daemon: a story filed at two URLs is one hit of
//! `/api/search` with the other record under `similar` (and on the page,
//! "also at …"), and an undated article takes no other entry's date in the
//! Atom feed.

use crate::common::{client, get, get_json, Fixture, Server};

const STORY: &str = "Le déploiement de la fibre optique s'accélère dans les zones rurales.";

/// The story at two URLs, another dated article, and an undated one.
fn served() -> (Fixture, Server) {
    let fx = Fixture::new();
    let line = |id: &str, title: &str, body: &str, url: &str, date: Option<&str>| {
        let mut v = serde_json::json!({"id": id, "title": title, "article": body, "url": url});
        if let Some(date) = date {
            v["date"] = date.into();
        }
        format!("{v}\n")
    };
    let dump = [
        line(
            "societe-qVsu5",
            "La fibre arrive dans les campagnes",
            STORY,
            "https://actu.example/societe/fibre-CNT000001qVsu5.html",
            Some("2020-07-02"),
        ),
        line(
            "monde-qVsu5",
            "La fibre arrive dans les campagnes",
            STORY,
            "https://actu.example/monde/fibre-CNT000001qVsu5.html",
            Some("2020-07-02"),
        ),
        line(
            "newest",
            "La 5G dans les campagnes",
            "Les opérateurs couvrent les campagnes en 5G plus vite que prévu.",
            "https://actu.example/eco/5g.html",
            Some("2020-07-09"),
        ),
        line(
            "undated",
            "Les campagnes sans date",
            "Un article des campagnes publié sans date.",
            "https://actu.example/sans-date.html",
            None,
        ),
    ]
    .concat();
    fx.write("docs/orange.jsonl", dump);
    fx.index().ok();
    let server = fx.serve(&["--index", "idx"]);
    (fx, server)
}

#[tokio::test]
async fn the_api_and_the_page_show_a_story_at_two_urls_once() {
    let (_fx, server) = served();
    let (status, v) = get_json(&server.url("/api/search?q=fibre")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 2, "both records match: {v}");
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{v}");
    let other = if hits[0]["id"] == "societe-qVsu5" {
        "monde"
    } else {
        "societe"
    };
    assert_eq!(
        hits[0]["similar"],
        serde_json::json!([format!("{other}-qVsu5")])
    );
    let also = &hits[0]["also_at"][0];
    assert_eq!(
        also["url"],
        format!("https://actu.example/{other}/fibre-CNT000001qVsu5.html")
    );
    assert_eq!(also["same_text"], true);

    // The page names the other URL.
    let (status, page) = get(&server.url("/?q=fibre")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            "also at https://actu.example/{other}/fibre-CNT000001qVsu5.html"
        )),
        "{page}"
    );
}

#[tokio::test]
async fn an_undated_article_comes_last_in_the_feed_without_a_date_of_its_own() {
    let (_fx, server) = served();
    for url in ["/feed.atom", "/feed.atom?q=campagnes"] {
        let r = client().get(server.url(url)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{url}");
        let xml = r.text().await.unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        let last = feed.entries.last().expect("entries");
        assert_eq!(last.id, "https://actu.example/sans-date.html", "{xml}");
        assert_eq!(last.published, None, "{xml}");
        let newest = feed.entries[0].published.expect("a dated entry first");
        let updated = last.updated.expect("Atom requires <updated>");
        assert_ne!(updated, newest, "the newest entry's date: {xml}");
        // The time the index last changed, which is after every article
        // of this fixture was published.
        assert!(updated > newest, "{xml}");
        assert!(feed.entries[..feed.entries.len() - 1]
            .iter()
            .all(|e| e.published.is_some()));
    }
}
