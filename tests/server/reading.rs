//! The page as a reader meets it: "did you mean" on an empty result (and
//! in the API), the readable article page, "N similar" under a grouped hit,
//! what the home page says about the index, errors in words, and the
//! French interface. Over HTTP here; in a real browser in
//! `reading_in_a_browser`.
//!
//! The fixture is its own: a story told twice (a near-duplicate pair, one
//! copy without a URL), two articles about Zuckerberg in English and
//! French, and a French article on another subject.

use crate::common::{client, get, get_in, get_json, Fixture, Server};
use crate::fixtures::{served, HOSTILE_ID, HOSTILE_SCRIPT};

/// The id of the story's first telling (with a URL).
pub const STORY_ID: &str = "tram-wire";
/// The id of its retelling, which has no URL.
pub const RETOLD_ID: &str = "tram-retold";
pub const STORY_TITLE: &str = "Lyon trams halted by a signalling update";
pub const RETOLD_TITLE: &str = "Signalling software update stops Lyon trams for a morning";
pub const STORY_URL: &str = "https://rail-courier.example/lyon-trams";
/// A query that finds the story (both tellings, grouped as one hit).
pub const STORY_QUERY: &str = "tram signalling";
/// A misspelling of a word of the index, and the word.
pub const MISSPELT: &str = "Zukerberg";
pub const SPELT: &str = "Zuckerberg";

/// The story, as first told.
const STORY: &str = "Trams across Lyon stopped for most of Tuesday morning after an update to the signalling software left the control centre unable to see where its vehicles were. The operator halted every line as a precaution, and buses were sent to replace the busiest routes while engineers rolled the update back. Service resumed shortly before noon, although delays lasted into the afternoon on the lines serving the university campus. The operator said no passenger was ever at risk and that the supplier would explain in writing why the update had not been tried on a copy of the network first. Commuter associations asked for refunds for monthly pass holders.";

/// A fixture with these articles in `docs/`, indexed into `idx/`, served.
pub fn reading_served() -> (Fixture, Server) {
    let fx = Fixture::new();
    let retold = STORY
        .replace("shortly before noon", "just before noon")
        .replace("Commuter associations", "Passenger groups")
        + " The city council will discuss the incident at its next meeting.";
    let lines = [
        serde_json::json!({
            "id": STORY_ID, "title": STORY_TITLE, "body": STORY, "url": STORY_URL,
            "source": "Rail Courier", "date": "2025-05-13", "lang": "en",
        }),
        serde_json::json!({
            "id": RETOLD_ID, "title": RETOLD_TITLE, "body": retold,
            "source": "Metro Digest", "date": "2025-05-14", "lang": "en",
            "tags": ["transport", "Lyon"],
        }),
        serde_json::json!({
            "id": "meta-en", "title": "Meta opens its newest models to European universities",
            "body": "Meta will let European universities download its newest language models free of charge, Mark Zuckerberg said on Friday. Researchers must publish what they find, and the licence forbids selling services built on the models.",
            "url": "https://open-ledger.example/2025/02/14/technology/artificial-intelligence/meta-opens-its-newest-language-models-to-european-universities-free-of-charge",
            "source": "Open Ledger", "date": "2025-02-14", "lang": "en",
        }),
        serde_json::json!({
            "id": "meta-fr", "title": "Mark Zuckerberg veut des lunettes connectées dans chaque foyer",
            "body": "Le patron de Meta, Mark Zuckerberg, a présenté jeudi une nouvelle paire de lunettes connectées, moins chère que la précédente. Le groupe espère en vendre plusieurs millions d’exemplaires en Europe dès l’an prochain.",
            "url": "https://lettre-numerique.example/lunettes-meta",
            "source": "La Lettre numérique", "date": "2025-03-06", "lang": "fr",
        }),
        serde_json::json!({
            "id": "train-fr", "title": "Un train à hydrogène entre Auxerre et Laroche",
            "body": "La région teste cet été un train à hydrogène sur une petite ligne de l’Yonne. Les voyageurs pourront l’emprunter deux fois par jour jusqu’en septembre, avant une décision sur une commande plus large.",
            "source": "Le Rail numérique", "date": "2025-06-02", "lang": "fr",
        }),
    ];
    let jsonl: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fx.write("docs/news.jsonl", jsonl);
    fx.index().ok();
    let server = fx.serve(&["--index", "idx"]);
    (fx, server)
}

#[tokio::test]
async fn an_empty_result_suggests_the_spelling_the_cli_suggests() {
    let (fx, server) = reading_served();
    let cli = fx.run(&["search", MISSPELT, "--index", "idx", "--color", "never"]);
    assert_eq!(cli.code, 1, "{}", cli.stdout);
    assert!(
        cli.stdout.contains(&format!("did you mean: {SPELT}")),
        "{}",
        cli.stdout
    );

    let (status, v) = get_json(&server.url(&format!("/api/search?q={MISSPELT}"))).await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 0);
    assert_eq!(v["suggestions"], serde_json::json!([SPELT]), "{v}");
    // Only an empty result has the field; the others keep their shape.
    let (_, found) = get_json(&server.url(&format!("/api/search?q={SPELT}"))).await;
    assert_eq!(found["total"], 2);
    assert!(found.get("suggestions").is_none(), "{found}");
    let keys: Vec<&str> = found
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "query", "total", "took_ms", "cached", "offset", "limit", "relaxed", "warnings", "hits",
        "facets",
    ] {
        assert!(keys.contains(&key), "{key} missing: {keys:?}");
    }

    let (status, page) = get(&server.url(&format!("/?q={MISSPELT}&lang=en"))).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("No results for <q>{MISSPELT}</q>")),
        "{page}"
    );
    // The suggestion is a link to the same search (filters kept) spelt right.
    let link = format!(r#"Did you mean <a href="/?q={SPELT}&amp;lang=en">{SPELT}</a>?"#);
    assert!(page.contains(&link), "{page}");
    let (_, followed) = get(&server.url(&format!("/?q={SPELT}&lang=en"))).await;
    assert!(followed.contains("1 result for"), "{followed}");
    // Nothing to suggest: no "did you mean".
    let (_, nothing) = get(&server.url("/?q=qwxzvk")).await;
    assert!(nothing.contains("No results for"));
    assert!(!nothing.contains("Did you mean"), "{nothing}");
}

#[tokio::test]
async fn a_grouped_hit_says_how_many_similar_and_lists_them() {
    let (_fx, server) = reading_served();
    let (_, v) = get_json(&server.url(&format!("/api/search?q={STORY_QUERY}"))).await;
    assert_eq!(v["hits"].as_array().unwrap().len(), 1, "grouped: {v}");
    let shown = v["hits"][0]["id"].as_str().unwrap();
    let (member_id, member_title, member_loc) = if shown == STORY_ID {
        (RETOLD_ID, RETOLD_TITLE, "Metro Digest")
    } else {
        (STORY_ID, STORY_TITLE, STORY_URL)
    };
    assert_eq!(v["hits"][0]["similar"], serde_json::json!([member_id]));

    let (_, page) = get(&server.url(&format!("/?q={}", STORY_QUERY.replace(' ', "+")))).await;
    let details = page
        .split("<details class=\"similar\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no similar note in\n{page}"));
    let details = &details[..details.find("</details>").unwrap()];
    assert!(
        details.contains("<summary>1 similar</summary>"),
        "{details}"
    );
    assert!(details.contains(member_title), "{details}");
    assert!(details.contains(member_loc), "{details}");
    // In French, a grouped hit is "1 article similaire".
    let url = server.url(&format!("/?q={}&ui=fr", STORY_QUERY.replace(' ', "+")));
    let (_, french) = get(&url).await;
    assert!(
        french.contains("<summary>1 article similaire</summary>"),
        "{french}"
    );
}

#[tokio::test]
async fn the_article_page_shows_the_text_the_original_and_the_other_telling() {
    let (_fx, server) = reading_served();
    // The retelling has no URL: its page is where a hit leads.
    let (status, page) = get(&server.url(&format!("/articles/{RETOLD_ID}"))).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<h1>{RETOLD_TITLE}</h1>")), "{page}");
    assert!(page.contains(
        "<title>Signalling software update stops Lyon trams for a morning – veille</title>"
    ));
    assert!(page.contains("Metro Digest"));
    assert!(
        page.contains(r#"<time datetime="2025-05-14T00:00:00Z">14 May 2025</time>"#),
        "{page}"
    );
    assert!(page.contains("English"));
    assert!(page.contains("The city council will discuss the incident"));
    assert!(page.contains("transport, Lyon"), "tags");
    assert!(!page.contains("Read the original"), "no URL, no link");
    assert!(
        page.contains(&format!(r#"href="/api/articles/{RETOLD_ID}""#)),
        "the JSON"
    );
    // ... and it lists the first telling, linking to its page.
    assert!(page.contains("The same story elsewhere"), "{page}");
    assert!(
        page.contains(&format!(
            r#"<a href="/articles/{STORY_ID}">{STORY_TITLE}</a>"#
        )),
        "{page}"
    );

    let (status, first) = get(&server.url(&format!("/articles/{STORY_ID}"))).await;
    assert_eq!(status, 200);
    assert!(
        first.contains(&format!(
            r#"<a href="{STORY_URL}" rel="noopener noreferrer">Read the original</a>"#
        )),
        "{first}"
    );
    assert!(first.contains(&format!(
        r#"<a href="/articles/{RETOLD_ID}">{RETOLD_TITLE}</a>"#
    )));
    // An article told once lists no other telling.
    let (_, single) = get(&server.url("/articles/train-fr")).await;
    assert!(single.contains("Un train à hydrogène"));
    assert!(!single.contains("The same story elsewhere"));
    assert!(single.contains(r#"<article class="reader" lang="fr">"#));

    // An unknown id: a page in words, 404.
    let (status, missing) = get(&server.url("/articles/no-such-story")).await;
    assert_eq!(status, 404);
    assert!(
        missing.contains("There is no article with this id in the index."),
        "{missing}"
    );
    assert!(missing.contains("no-such-story"));
    assert!(missing.contains("<form"), "the page keeps its search box");
}

#[tokio::test]
async fn the_article_page_shows_a_hostile_article_as_text() {
    let (_fx, server) = served();
    let (status, page) = get(&server.url(&format!("/articles/{HOSTILE_ID}"))).await;
    assert_eq!(status, 200);
    assert!(!page.contains(HOSTILE_SCRIPT), "{page}");
    assert!(page.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    assert!(!page.contains("href=\"javascript"), "{page}");
    assert!(!page.contains("<b>Wire</b>"));
}

#[tokio::test]
async fn the_home_page_says_what_the_index_holds() {
    let (fx, server) = reading_served();
    let (_, stats) = get_json(&server.url("/api/stats")).await;
    let (_, home) = get(&server.url("/")).await;
    let facts = home
        .split("<section class=\"facts\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no facts in\n{home}"));
    let articles = stats["articles"].as_u64().unwrap();
    assert!(
        facts.contains(&format!("<dd class=\"articles\">{articles}</dd>")),
        "{facts}"
    );
    let languages = stats["languages"].as_object().unwrap();
    assert_eq!(languages.len(), 2);
    assert!(facts.contains(&format!(
        "English <span class=\"count\">({})</span>",
        languages["en"]
    )));
    assert!(facts.contains(&format!(
        "French <span class=\"count\">({})</span>",
        languages["fr"]
    )));
    let first = stats["first_date"].as_str().unwrap();
    let last = stats["last_date"].as_str().unwrap();
    assert!(
        facts.contains(&format!(
            "<time datetime=\"{first}\">14 February 2025</time>"
        )),
        "{facts}"
    );
    assert!(
        facts.contains(&format!("<time datetime=\"{last}\">2 June 2025</time>")),
        "{facts}"
    );
    let updated = stats["updated"].as_str().unwrap();
    let updated = chrono::DateTime::parse_from_rfc3339(updated).unwrap();
    let shown = updated.format("%H:%M UTC").to_string();
    assert!(facts.contains(&shown), "{shown} in {facts}");
    // The query language's cheat sheet is still there.
    assert!(home.contains("<code>OpenAI OR Anthropic</code>"));

    let (_, _, french) = get_in(&server.url("/"), "fr-FR,fr;q=0.9").await;
    assert!(french.contains("Dans l’index"));
    assert!(french.contains("anglais <span class=\"count\">"));
    assert!(french.contains(">14 février 2025</time>"), "{french}");

    // After a commit, the home page counts the new article.
    fx.write(
        "docs/more.jsonl",
        r#"{"id":"late","title":"Cable car plans for Grenoble","body":"Grenoble will open a cable car line across the river next spring.","date":"2025-07-01","lang":"en"}"#,
    );
    fx.index().ok();
    server
        .wait_total(
            "cable car Grenoble",
            1,
            std::time::Duration::from_secs(10),
            "the new article",
        )
        .await;
    let (_, home) = get(&server.url("/")).await;
    let more = articles + 1;
    assert!(
        home.contains(&format!("<dd class=\"articles\">{more}</dd>")),
        "{home}"
    );
    assert!(home.contains(">1 July 2025</time>"), "{home}");
}

#[tokio::test]
async fn a_failed_search_is_explained_in_words() {
    let (_fx, server) = reading_served();
    let (status, page) = get(&server.url("/?q=tram&limit=abc")).await;
    assert_eq!(status, 400);
    let error = page
        .split("<div class=\"error\" role=\"alert\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no error in\n{page}"));
    assert!(error.contains("This search could not be run."), "{error}");
    assert!(
        error.contains("The number of results per page must be a whole number from 0 to 100."),
        "{error}"
    );
    // The way back: the query alone.
    assert!(
        error.contains(r#"<a href="/?q=tram">Search again with the query alone</a>"#),
        "{error}"
    );
    let (_, french) = get(&server.url("/?q=tram&since=avant-hier&ui=fr")).await;
    assert!(
        french.contains("La date de début n’a pas pu être lue"),
        "{french}"
    );
    assert!(
        french.contains(r#"<a href="/?q=tram&amp;ui=fr">"#),
        "{french}"
    );
}

#[tokio::test]
async fn the_interface_speaks_french_to_who_prefers_it() {
    let (_fx, server) = reading_served();
    let url = server.url(&format!("/?q={SPELT}"));
    let (status, vary, english) = get_in(&url, "en-GB,en;q=0.9,fr;q=0.8").await;
    assert_eq!(status, 200);
    assert_eq!(vary, "accept-language");
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("2 results for"));
    let (_, _, default) = get_in(&url, "de-DE").await;
    assert!(
        default.contains(r#"<html lang="en">"#),
        "English by default"
    );

    let (_, _, french) = get_in(&url, "fr-FR,fr;q=0.9,en;q=0.5").await;
    assert!(french.contains(r#"<html lang="fr">"#), "{french}");
    assert!(french.contains("2 résultats pour"), "{french}");
    assert!(french.contains(r#"<button type="submit">Chercher</button>"#));
    assert!(
        french.contains(">6 mars 2025</time>"),
        "dates in French: {french}"
    );
    assert!(french.contains("<h3>Langue</h3>"));
    assert!(french.contains(">français</a>"), "{french}");
    assert!(french.contains(">Mars 2025</a>"), "months in French");
    // The switch leads to the same search in English, and that choice
    // then holds in every link and in the form.
    let switch = format!(
        r#"<a href="/?q={SPELT}&amp;ui=en" hreflang="en" lang="en" data-ui="en">English</a>"#
    );
    assert!(french.contains(&switch), "{french}");
    let (_, _, chosen) = get_in(&server.url(&format!("/?q={SPELT}&ui=en")), "fr").await;
    assert!(chosen.contains(r#"<html lang="en">"#));
    assert!(chosen.contains(r#"<input type="hidden" name="ui" value="en">"#));
    assert!(
        chosen.contains(&format!(r#"href="/?q={SPELT}&amp;lang=fr&amp;ui=en""#)),
        "{chosen}"
    );
    assert!(chosen.contains(r#"data-ui="fr">Français</a>"#));
    // The fragment for search-as-you-type speaks the same language.
    let (_, _, fragment) = get_in(&server.url(&format!("/?q={SPELT}&partial=1")), "fr").await;
    assert!(fragment.contains("2 résultats pour"), "{fragment}");
}

/// Every feed entry leads to a page a person can read: the article's web
/// page, or its page here when it has none (and then as a related link).
#[tokio::test]
async fn feed_entries_link_to_readable_pages() {
    let (_fx, server) = reading_served();
    let r = client()
        .get(server.url("/feed.atom?q=train"))
        .send()
        .await
        .unwrap();
    let xml = r.text().await.unwrap();
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("valid Atom");
    let entry = feed
        .entries
        .iter()
        .find(|e| e.id == "urn:veille:article:train-fr")
        .expect("the train article");
    let alternate = &entry.links[0];
    assert_eq!(alternate.rel.as_deref(), Some("alternate"));
    assert!(alternate.href.ends_with("/articles/train-fr"), "{xml}");
    let (status, page) = get(&alternate.href).await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Un train à hydrogène entre Auxerre et Laroche</h1>"));

    let r = client()
        .get(server.url(&format!("/feed.atom?q={SPELT}")))
        .send()
        .await
        .unwrap();
    let feed = feed_rs::parser::parse(r.text().await.unwrap().as_bytes()).expect("valid Atom");
    for e in &feed.entries {
        let rels: Vec<(Option<&str>, &str)> = e
            .links
            .iter()
            .map(|l| (l.rel.as_deref(), l.href.as_str()))
            .collect();
        assert!(rels[0].1.starts_with("https://"), "{rels:?}");
        assert!(
            rels.iter()
                .any(|(rel, href)| *rel == Some("related") && href.contains("/articles/meta-")),
            "{rels:?}"
        );
    }
}
