//! Cross-language search through the daemon: the API says what was also
//! searched and takes `translate=false`; the page shows the note and a
//! link that turns translations off (and on again).

use crate::common::{enc, get, get_json, Fixture, Server};

/// A French and an English article on the same subject, served.
fn served() -> (Fixture, Server) {
    let fx = Fixture::new();
    fx.write(
        "docs/fr-cloud.txt",
        "L’État choisit un cloud souverain pour les ministères\n\n\
         Les administrations devront héberger leurs données sensibles dans un cloud souverain \
         qualifié par l’agence de sécurité, selon une circulaire publiée mardi.",
    )
    .write(
        "docs/en-cloud.txt",
        "EU sovereign cloud certification approved\n\n\
         European governments approved a certification scheme for sovereign cloud providers, \
         which must keep data and staff inside the union to qualify.",
    )
    .write(
        "docs/en-other.txt",
        "Cloud outage hits a region for hours\n\n\
         A storage fault in one data centre took down services for several hours on Monday.",
    );
    fx.index().ok();
    let server = fx.serve(&["--index", "idx"]);
    (fx, server)
}

fn ids(v: &serde_json::Value) -> Vec<&str> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_api_says_what_was_also_searched_and_takes_translate_false() {
    let (_fx, server) = served();
    let q = enc("\"cloud souverain\"");
    let (status, v) = get_json(&server.url(&format!("/api/search?q={q}"))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(ids(&v), ["fr-cloud.txt", "en-cloud.txt"], "{v}");
    assert_eq!(v["hits"][1]["lang"], "en");
    assert_eq!(
        v["translated"],
        serde_json::json!([{"from": "cloud souverain", "to": "sovereign cloud", "lang": "en"}])
    );

    for off in ["false", "0"] {
        let (status, v) =
            get_json(&server.url(&format!("/api/search?q={q}&translate={off}"))).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(ids(&v), ["fr-cloud.txt"], "{v}");
        assert_eq!(v["translated"], serde_json::json!([]));
    }

    let (status, v) = get_json(&server.url(&format!("/api/search?q={q}&translate=maybe"))).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["parameter"], "translate", "{v}");
}

#[tokio::test]
async fn the_page_shows_the_note_and_switches_translations_off_and_on() {
    let (_fx, server) = served();
    let q = enc("\"cloud souverain\"");
    let (status, page) = get(&server.url(&format!("/?q={q}"))).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Also searched: sovereign cloud (en)"),
        "{page}"
    );
    assert!(page.contains("EU sovereign cloud certification approved"));
    // The note's link searches the words as typed only, and that page
    // offers to search the translations again.
    assert!(
        page.contains(r#"cloud+souverain%22&amp;translate=false""#),
        "{page}"
    );
    let (status, page) = get(&server.url(&format!("/?q={q}&translate=false"))).await;
    assert_eq!(status, 200);
    assert!(!page.contains("EU sovereign cloud certification approved"));
    assert!(!page.contains("Also searched"));
    assert!(page.contains("also search their translations"), "{page}");
    // A new search from that page keeps translations off.
    assert!(page.contains(r#"name="translate" value="false""#), "{page}");
}
