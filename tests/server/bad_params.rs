//! Invalid parameters: 400 with a JSON error that names the parameter,
//! never a 500, on every endpoint that takes parameters.

use crate::common::{get, get_json};
use crate::fixtures::served;

/// (query string, the parameter the error must name)
const CASES: &[(&str, &str)] = &[
    ("q=cloud&limit=-1", "limit"),
    ("q=cloud&limit=abc", "limit"),
    ("q=cloud&limit=101", "limit"),
    ("q=cloud&limit=1.5", "limit"),
    ("q=cloud&limit=99999999999999999999999999", "limit"),
    ("q=cloud&offset=-3", "offset"),
    ("q=cloud&offset=ten", "offset"),
    ("q=cloud&offset=10001", "offset"),
    ("q=cloud&lang=klingon", "lang"),
    ("q=cloud&lang=fr,xx-nope", "lang"),
    ("q=cloud&since=someday", "since"),
    ("q=cloud&until=2025-13-45", "until"),
    ("q=cloud&since=2025-05-01&until=2025-04-01", "until"),
    ("q=cloud&sort=random", "sort"),
    ("q=cloud&q=rust", "q"),
    ("q=cloud&limit=1&limit=2", "limit"),
];

#[tokio::test]
async fn api_search_rejects_bad_parameters_with_400() {
    let (_fx, server) = served();
    let long = format!("q={}", "a".repeat(1025));
    let mut cases: Vec<(String, &str)> = CASES.iter().map(|(q, p)| (q.to_string(), *p)).collect();
    cases.push((long, "q"));
    cases.push(("limit=5".to_string(), "q"));
    for (qs, param) in &cases {
        let (status, v) = get_json(&server.url(&format!("/api/search?{qs}"))).await;
        assert_eq!(status, 400, "{qs}: {v}");
        let error = v["error"].as_str().unwrap_or_else(|| panic!("{qs}: {v}"));
        assert!(error.contains(&format!("`{param}`")), "{qs}: {error}");
        assert_eq!(v["parameter"], *param, "{qs}");
    }
    // At the limits, all is well.
    let ok = format!("q={}&limit=100&offset=10000", "a".repeat(1024));
    let (status, _) = get_json(&server.url(&format!("/api/search?{ok}"))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn odd_but_valid_input_is_not_an_error() {
    let (_fx, server) = served();
    for qs in [
        "q=%FF%FE%00",
        "q=%zz",
        "q=\"unclosed",
        "q=((((",
        "q=OR+OR+AND",
        "q=-",
        "q=*",
        "q=~2",
        "q=title:",
        "q=cloud&limit=&offset=&sort=&lang=",
        "q=cloud&utm_source=feed&_=1",
        "q=C%2B%2B+%26+.NET",
    ] {
        let (status, v) = get_json(&server.url(&format!("/api/search?{qs}"))).await;
        assert_eq!(status, 200, "{qs}: {v}");
    }
}

#[tokio::test]
async fn page_and_feed_reject_bad_parameters_with_400() {
    let (_fx, server) = served();
    for (qs, param) in CASES {
        let (status, v) = get_json(&server.url(&format!("/feed.atom?{qs}"))).await;
        assert_eq!(status, 400, "feed {qs}: {v}");
        assert_eq!(v["parameter"], *param, "feed {qs}");

        let (status, html) = get(&server.url(&format!("/?{qs}"))).await;
        assert_eq!(status, 400, "page {qs}");
        assert!(html.contains(&format!("`{param}`")), "page {qs}");
        assert!(html.contains("<form"), "the page keeps its search box");
    }
}
