//! The JSON API: every endpoint, against the real server.

use reqwest::Response;
use serde_json::Value;

use crate::common::{client, enc, get_json, Server};
use crate::fixtures::{indexed, served, ARTICLES, CLOUD_TOTAL, HASH_ID, HOSTILE_ID};

#[tokio::test]
async fn search_answers_the_documented_shape() {
    let (_fx, server) = served();
    let (status, v) = get_json(&server.url("/api/search?q=cloud")).await;
    assert_eq!(status, 200, "{v}");
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    assert_eq!(v["query"], "cloud");
    assert_eq!(v["total"], CLOUD_TOTAL);
    assert!(v["took_ms"].as_f64().unwrap() >= 0.0);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len() as u64, CLOUD_TOTAL);
    let facets = &v["facets"];
    for key in ["lang", "source", "month"] {
        let counts = facets[key].as_object().unwrap();
        assert!(counts.values().all(Value::is_u64), "{key}: {counts:?}");
    }
    let langs: u64 = facets["lang"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(langs, CLOUD_TOTAL);
    assert_eq!(facets["lang"]["de"], 1);
    assert_eq!(facets["source"]["Netzwelt Heute"], 1);
    assert_eq!(facets["month"]["2025-04"], 2);
}

#[tokio::test]
async fn hits_are_exactly_the_cli_json_lines() {
    let (fx, server) = served();
    for (query, extra) in [
        ("cloud", vec![]),
        ("recrutement", vec![]),
        ("cloud", vec!["--sort", "date", "--limit", "3"]),
        ("cloud", vec!["--lang", "fr", "--offset", "1"]),
    ] {
        let mut args = vec!["search", query, "--index", "idx", "--json"];
        args.extend(extra.iter().copied());
        let cli = fx.run(&args).ok().json_lines();
        let mut url = format!("/api/search?q={}", enc(query));
        for pair in extra.chunks(2) {
            url.push_str(&format!("&{}={}", pair[0].trim_start_matches('-'), pair[1]));
        }
        let (status, v) = get_json(&server.url(&url)).await;
        assert_eq!(status, 200);
        assert_eq!(v["hits"].as_array().unwrap(), &cli, "{url}");
    }
}

#[tokio::test]
async fn search_filters_sorts_and_pages() {
    let (_fx, server) = served();
    let ids = |v: &Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };

    let (_, v) = get_json(&server.url("/api/search?q=cloud&lang=de")).await;
    assert_eq!(ids(&v), ["nw-de-1"]);
    let (_, v) = get_json(&server.url("/api/search?q=cloud&lang=de&lang=fr")).await;
    assert_eq!(v["total"], 3);

    let (_, v) =
        get_json(&server.url("/api/search?q=cloud&since=2025-04-01&until=2025-04-30")).await;
    assert_eq!(v["total"], 2, "{v}");

    let (_, v) = get_json(&server.url("/api/search?q=cloud&sort=date")).await;
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["date"].as_str())
        .collect();
    assert_eq!(dates.first(), Some(&"2025-05-12T00:00:00Z"));
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(v["hits"][0]["score"].is_null());

    let (_, all) = get_json(&server.url("/api/search?q=cloud&limit=100")).await;
    let (_, page1) = get_json(&server.url("/api/search?q=cloud&limit=2")).await;
    let (_, page2) = get_json(&server.url("/api/search?q=cloud&limit=2&offset=2")).await;
    let (_, past) = get_json(&server.url("/api/search?q=cloud&limit=2&offset=50")).await;
    assert_eq!(ids(&page1), ids(&all)[..2]);
    assert_eq!(ids(&page2), ids(&all)[2..4]);
    assert_eq!(page2["hits"][0]["rank"], 3);
    assert_eq!(page2["total"], CLOUD_TOTAL);
    assert!(ids(&past).is_empty());
    assert_eq!(past["total"], CLOUD_TOTAL);

    // limit=0: counts and facets only.
    let (_, counts) = get_json(&server.url("/api/search?q=cloud&limit=0")).await;
    assert!(ids(&counts).is_empty());
    assert_eq!(counts["total"], CLOUD_TOTAL);
    assert_eq!(counts["facets"]["lang"]["de"], 1);

    // An empty query finds nothing, and says why.
    let (status, empty) = get_json(&server.url("/api/search?q=")).await;
    assert_eq!(status, 200);
    assert_eq!(empty["total"], 0);
    assert!(!empty["warnings"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn articles_are_served_whole_by_id() {
    let (_fx, server) = served();
    let (status, a) = get_json(&server.url("/api/articles/nw-de-1")).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["id"], "nw-de-1");
    assert_eq!(a["title"], "Cloud-Anbieter erhöhen die Preise für Speicher");
    assert!(a["body"]
        .as_str()
        .unwrap()
        .starts_with("Mehrere große Cloud-Anbieter"));
    assert_eq!(a["url"], "https://netzwelt.example/cloud-preise");
    assert_eq!(a["date"], "2025-04-20T00:00:00Z");
    assert_eq!(a["source"], "Netzwelt Heute");
    assert_eq!(a["lang"], "de");
    assert_eq!(a["path"], "docs/news.jsonl");
    for key in ["lead", "tags"] {
        assert!(a.get(key).is_some(), "missing {key}");
    }

    // Ids made of paths keep their slashes; other characters are escaped.
    let (status, a) = get_json(&server.url("/api/articles/fr-recrutement.txt")).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["title"], "Les startups françaises peinent à recruter");
    let (_, md) = get_json(&server.url("/api/articles/en-rust-kernel.md")).await;
    assert_eq!(md["tags"], serde_json::json!(["rust", "linux"]));

    let (status, a) = get_json(&server.url(&format!("/api/articles/{}", enc(HASH_ID)))).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["id"], HASH_ID);
    assert_eq!(a["title"], "Oboe reeds get a synthetic rival");

    let (status, a) = get_json(&server.url(&format!("/api/articles/{HOSTILE_ID}"))).await;
    assert_eq!(status, 200);
    assert!(
        a["title"].as_str().unwrap().contains("<script>"),
        "raw text in JSON"
    );

    for missing in [
        "no-such-article",
        "..%2F..%2Fetc%2Fpasswd",
        "docs/../../etc/passwd",
    ] {
        let (status, e) = get_json(&server.url(&format!("/api/articles/{missing}"))).await;
        assert_eq!(status, 404, "{missing}: {e}");
        assert!(e["error"].is_string(), "{e}");
    }
}

#[tokio::test]
async fn stats_match_the_cli() {
    let (fx, server) = served();
    let (status, v) = get_json(&server.url("/api/stats")).await;
    assert_eq!(status, 200);
    assert_eq!(v["articles"], ARTICLES);
    let cli = fx.stats("idx");
    for key in [
        "articles",
        "files",
        "languages",
        "sources",
        "first_date",
        "last_date",
        "updated",
    ] {
        assert_eq!(v[key], cli[key], "{key}");
    }
}

#[tokio::test]
async fn health_check_and_unknown_paths() {
    let (_fx, server) = served();
    let (status, v) = get_json(&server.url("/healthz")).await;
    assert_eq!(status, 200);
    assert_eq!(v["status"], "ok");
    for path in [
        "/nope",
        "/api",
        "/api/articles/",
        "/index/meta.json",
        "/../Cargo.toml",
        "/idx/meta.json",
    ] {
        let (status, v) = get_json(&server.url(path)).await;
        assert_eq!(status, 404, "{path}");
        assert!(v["error"].is_string());
    }
    let r = client()
        .post(server.url("/api/search?q=cloud"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
}

/// A search sent from a page of `origin`.
async fn search_from(client: &reqwest::Client, server: &Server, origin: &str) -> Response {
    client
        .get(server.url("/api/search?q=cloud"))
        .header("Origin", origin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn responses_carry_security_headers_and_no_cors_by_default() {
    let (_fx, server) = served();
    let r = search_from(&client(), &server, "https://elsewhere.example").await;
    assert_eq!(r.status().as_u16(), 200);
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("access-control-allow-origin").is_none());
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
}

#[tokio::test]
async fn cors_is_allowed_only_for_the_given_origin() {
    let fx = indexed();
    let server = fx.serve(&["--index", "idx", "--cors", "https://app.example"]);
    let client = client();
    let r = search_from(&client, &server, "https://app.example").await;
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let r = search_from(&client, &server, "https://evil.example").await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let r = client
        .request(reqwest::Method::OPTIONS, server.url("/api/search?q=cloud"))
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("GET"));
}
