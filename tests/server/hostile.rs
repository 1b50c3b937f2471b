//! An article whose text is markup meant to run in a browser: it must come
//! out as text everywhere HTML is produced (the API's `html` snippets, the
//! page, the feed), and its `javascript:` URL must never become a link.

use crate::common::{get, get_json};
use crate::fixtures::{served, HOSTILE_ID, HOSTILE_IMG, HOSTILE_SCRIPT};

#[tokio::test]
async fn api_html_snippets_escape_the_hostile_article() {
    let (_fx, server) = served();
    let (status, v) = get_json(&server.url("/api/search?q=zebra")).await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 1);
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], HOSTILE_ID);
    let snippets = hit["snippets"].as_array().unwrap();
    let texts: String = snippets
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let htmls: String = snippets
        .iter()
        .map(|s| s["html"].as_str().unwrap())
        .collect();
    // The plain text keeps the markup as text...
    assert!(
        texts.contains("<img src=x") || texts.contains("<script>"),
        "{texts}"
    );
    // ...the HTML has it escaped, with only <mark> added.
    assert!(htmls.contains("<mark>zebra</mark>"), "{htmls}");
    assert!(
        htmls.contains("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;")
            || htmls.contains("&lt;script&gt;")
    );
    let without_marks = htmls.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{htmls}");
    assert!(!without_marks.contains('>'), "{htmls}");
}

#[tokio::test]
async fn the_page_shows_the_hostile_article_as_text() {
    let (_fx, server) = served();
    for url in [
        "/?q=zebra",
        "/?q=zebra&partial=1",
        "/?q=zebra+%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let (status, body) = get(&server.url(url)).await;
        assert_eq!(status, 200, "{url}");
        assert!(
            !body.contains(HOSTILE_SCRIPT),
            "{url}: raw script tag in\n{body}"
        );
        assert!(!body.contains(HOSTILE_IMG), "{url}: raw img tag");
        assert!(
            !body.contains("<script>alert"),
            "{url}: the query is echoed raw"
        );
        assert!(!body.contains("<b>Wire</b>"), "{url}: raw source markup");
        assert!(!body.contains("<i>tag"), "{url}");
        assert!(
            !body.to_ascii_lowercase().contains("href=\"javascript:"),
            "{url}"
        );
        assert!(
            body.contains("Zebra exploit &lt;script&gt;window.__pwned=1&lt;/script&gt; spreads"),
            "{url}"
        );
        assert!(body.contains("Evil &lt;b&gt;Wire&lt;/b&gt;"), "{url}");
        assert!(body.contains("<mark>zebra</mark>"), "{url}");
        // The only scripts are the page's own, with the nonce.
        let scripts = body.matches("<script").count();
        let own = body.matches("<script nonce=\"").count();
        assert_eq!(scripts, own, "{url}");
        // Without a web URL, the title links to the article's page.
        assert!(
            body.contains(&format!("href=\"/articles/{HOSTILE_ID}\"")),
            "{url}"
        );
    }
}

#[tokio::test]
async fn the_feed_carries_the_hostile_article_as_text() {
    let (_fx, server) = served();
    let (status, xml) = get(&server.url("/feed.atom?q=zebra")).await;
    assert_eq!(status, 200);
    assert!(!xml.contains(HOSTILE_SCRIPT));
    assert!(!xml.contains("javascript:"));
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid feed");
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().unwrap().content,
        format!("Zebra exploit {HOSTILE_SCRIPT} spreads")
    );
    let summary = &entry.summary.as_ref().unwrap().content;
    assert!(!summary.contains("<script"), "{summary}");
    assert!(summary.contains("<mark>zebra</mark>"), "{summary}");
    let link = &entry.links[0].href;
    assert!(link.ends_with(&format!("/articles/{HOSTILE_ID}")), "{link}");
    assert!(!link.contains("/api/"), "{link}");
}
