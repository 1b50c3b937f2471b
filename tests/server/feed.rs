//! The Atom feed, read back with a real feed parser (feed-rs).

use crate::common::client;
use crate::fixtures::{served, ARTICLES};

async fn fetch_feed(url: &str) -> (feed_rs::model::Feed, String) {
    let r = client().get(url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{url}");
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    let xml = r.text().await.unwrap();
    let feed = feed_rs::parser::parse(xml.as_bytes())
        .unwrap_or_else(|e| panic!("{url}: not a valid feed: {e}\n{xml}"));
    (feed, xml)
}

#[tokio::test]
async fn a_search_feed_lists_the_newest_matches() {
    let (_fx, server) = served();
    let (feed, xml) = fetch_feed(&server.url("/feed.atom?q=cloud")).await;
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "veille: cloud");
    assert!(xml.contains("<id>urn:veille:search:"));
    assert!(feed.updated.is_some());
    assert!(feed
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("self")
            && l.href.ends_with("/feed.atom?q=cloud&sort=date")));
    assert_eq!(feed.entries.len(), 5);
    let first = &feed.entries[0];
    assert_eq!(
        first.title.as_ref().unwrap().content,
        "Quantum error correction passes a milestone"
    );
    assert_eq!(first.id, "https://techwire.example/2025/05/quantum");
    assert_eq!(
        first.links[0].href,
        "https://techwire.example/2025/05/quantum"
    );
    assert_eq!(first.authors[0].name.as_deref(), Some("TechWire Daily"));
    assert!(first
        .summary
        .as_ref()
        .unwrap()
        .content
        .contains("<mark>cloud</mark>"));
    let published: Vec<_> = feed.entries.iter().filter_map(|e| e.published).collect();
    assert!(published.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Every entry has the elements Atom requires.
    for e in &feed.entries {
        assert!(!e.id.is_empty());
        assert!(e.title.is_some());
        assert!(e.updated.is_some());
    }

    let (limited, _) = fetch_feed(&server.url("/feed.atom?q=cloud&limit=2&lang=en")).await;
    assert_eq!(limited.entries.len(), 2);
}

#[tokio::test]
async fn a_feed_without_query_lists_the_newest_articles() {
    let (_fx, server) = served();
    let (feed, _) = fetch_feed(&server.url("/feed.atom")).await;
    assert_eq!(feed.entries.len() as u64, ARTICLES);
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "Quantum error correction passes a milestone"
    );
    let (french, _) = fetch_feed(&server.url("/feed.atom?lang=fr")).await;
    assert_eq!(french.entries.len(), 2);
    // An article without URL gets a stable URN id and a link to its page.
    let txt = french
        .entries
        .iter()
        .find(|e| e.id.starts_with("urn:veille:article:"))
        .expect("the .txt article");
    assert!(txt.links[0].href.ends_with("/articles/fr-recrutement.txt"));
    assert!(!txt.links[0].href.contains("/api/"));
}
