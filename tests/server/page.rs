//! The web page: rendered on the server (it works without JavaScript),
//! facets, sorting, pagination, the results fragment used by
//! search-as-you-type, and its content security policy.

use crate::common::{client, get};
use crate::fixtures::served;

/// The `'nonce-…'` value of a content security policy directive.
fn nonce_of(csp: &str, directive: &str) -> String {
    let d = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with(directive))
        .unwrap_or_else(|| panic!("no {directive} in {csp}"));
    let start = d.find("'nonce-").expect("a nonce") + "'nonce-".len();
    d[start..].trim_end_matches('\'').to_string()
}

#[tokio::test]
async fn home_page_is_self_contained_with_a_strict_policy() {
    let (_fx, server) = served();
    let r = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    let body = r.text().await.unwrap();
    let script_nonce = nonce_of(&csp, "script-src");
    assert_eq!(script_nonce.len(), 32);
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(body.contains(&format!("<script nonce=\"{script_nonce}\">")));
    assert!(body.contains(&format!(
        "<style nonce=\"{}\">",
        nonce_of(&csp, "style-src")
    )));
    assert!(
        body.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)
    );
    assert!(body.contains(r#"<input type="search" name="q""#));
    // No external assets: nothing is loaded from anywhere.
    assert!(!body.contains("src=\"http"));
    assert!(!body.contains("rel=\"stylesheet\""));
    assert!(!body.contains("@import"));

    // A new nonce for every response.
    let again = client().get(server.url("/")).send().await.unwrap();
    let csp2 = again.headers()["content-security-policy"].to_str().unwrap();
    assert_ne!(nonce_of(csp2, "script-src"), script_nonce);
}

#[tokio::test]
async fn results_are_rendered_on_the_server_with_facets_and_sorting() {
    let (_fx, server) = served();
    let (status, body) = get(&server.url("/?q=cloud")).await;
    assert_eq!(status, 200);
    assert!(body.contains("5 results for <q>cloud</q>"), "{body}");
    assert!(body.matches("<article class=\"hit\">").count() == 5);
    assert!(body.contains("<mark>cloud</mark>") || body.contains("<mark>Cloud</mark>"));
    assert!(body.contains(r#"value="cloud""#), "the box keeps the query");
    assert!(body.contains(r#"href="https://cloudpulse.example/incidents/frankfurt""#));

    // Facets are links that narrow the search.
    assert!(body.contains(r#"href="/?q=cloud&amp;lang=de""#), "{body}");
    assert!(body.contains(r#"href="/?q=cloud&amp;since=2025-04-01&amp;until=2025-04-30""#));
    let (_, german) = get(&server.url("/?q=cloud&lang=de")).await;
    assert!(german.contains("1 result for"), "{german}");
    assert!(german.contains("Cloud-Anbieter"));
    assert!(german.contains(r#"<input type="hidden" name="lang" value="de">"#));
    let (_, april) = get(&server.url("/?q=cloud&since=2025-04-01&until=2025-04-30")).await;
    assert!(april.contains("2 results for"), "{april}");
    let source_link = "href=\"/?q=cloud+source%3A%22Netzwelt+Heute%22\"";
    assert!(body.contains(source_link), "{body}");
    let (_, by_source) = get(&server.url("/?q=cloud+source%3A%22Netzwelt+Heute%22")).await;
    assert!(by_source.contains("1 result for"), "{by_source}");

    // Sorting by date.
    assert!(body.contains(r#"href="/?q=cloud&amp;sort=date""#));
    let (_, by_date) = get(&server.url("/?q=cloud&sort=date")).await;
    let first = by_date.find("Quantum error correction").unwrap();
    let later = by_date.find("Cloud-Anbieter").unwrap();
    assert!(first < later, "newest first");
}

#[tokio::test]
async fn articles_without_a_web_url_link_to_the_stored_article() {
    let (_fx, server) = served();
    let (_, body) = get(&server.url("/?q=oboe+reeds+synthetic+rival")).await;
    let link = r#"href="/articles/notes.jsonl%231""#;
    assert!(body.contains(link), "{body}");
    let (status, article) = get(&server.url("/articles/notes.jsonl%231")).await;
    assert_eq!(status, 200);
    assert!(article.contains("<h1>Oboe reeds get a synthetic rival</h1>"));
    let (status, json) = get(&server.url("/api/articles/notes.jsonl%231")).await;
    assert_eq!(status, 200);
    assert!(json.contains("Oboe reeds get a synthetic rival"));
}

#[tokio::test]
async fn pagination_links_walk_the_results() {
    let (_fx, server) = served();
    let (_, p1) = get(&server.url("/?q=cloud&limit=2")).await;
    assert!(p1.contains("page 1 of 3"));
    assert!(
        p1.contains(r#"href="/?q=cloud&amp;limit=2&amp;offset=2" rel="next""#),
        "{p1}"
    );
    assert!(!p1.contains("rel=\"prev\""));
    let (_, p3) = get(&server.url("/?q=cloud&limit=2&offset=4")).await;
    assert!(p3.contains("page 3 of 3"));
    assert!(p3.contains(r#"href="/?q=cloud&amp;limit=2&amp;offset=2" rel="prev""#));
    assert!(!p3.contains("rel=\"next\""));
    assert_eq!(p3.matches("<article class=\"hit\">").count(), 1);
}

#[tokio::test]
async fn the_fragment_for_search_as_you_type_is_only_the_results() {
    let (_fx, server) = served();
    let (status, frag) = get(&server.url("/?q=kernel&partial=1")).await;
    assert_eq!(status, 200);
    assert!(!frag.contains("<html"));
    assert!(!frag.contains("<script"));
    assert!(frag.contains("<mark>"), "{frag}");
    assert!(frag.contains("Rust drivers land in the Linux kernel"));
    let (status, frag) = get(&server.url("/?q=cloud&limit=-1&partial=1")).await;
    assert_eq!(status, 400);
    assert!(!frag.contains("<html"));
    assert!(frag.contains("`limit`"));
}
