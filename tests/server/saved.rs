//! Saved searches and relative dates on the daemon: `veille serve --watch
//! DIR --config FILE` lists the file's saved searches on its home page with
//! the number of articles each gained since it was last opened, in a real
//! Chromium and over plain HTTP; the page's "today / 7 days / 30 days"
//! links and the API's `since=7d` keep the search to recent articles.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{js, text_of, wait_until, Browser};
use crate::common::{enc, get, get_in, get_json, Fixture, Server};

/// The configuration file: two saved searches on "aurora", one limited to
/// the last 7 days.
const CONFIG: &str = r#"
[[saved]]
name = "aurora"
query = "aurora"

[[saved]]
name = "aurora this week"
query = "aurora"
since = "7d"
sort = "date"
"#;

/// How long the watcher may take to index a file that lands.
const WATCH_BOUND: Duration = Duration::from_secs(5);

/// The text of each aurora article: different enough that none is taken
/// for a near-duplicate of another.
fn text_of_article(name: &str) -> &'static str {
    match name {
        "recent" => "Skywatchers in Tromsø photographed a green aurora over the fjord after a solar storm.",
        "archive" => "An old report: the aurora seen from Quebec puzzled farmers, who wrote to the newspaper.",
        _ => "Tonight a red aurora is forecast as far south as Brittany, according to the weather service.",
    }
}

/// An aurora article published `days_ago` days before now (a date in the
/// past when `days_ago` is `None`).
fn aurora(fx: &Fixture, name: &str, days_ago: Option<i64>) {
    let date = match days_ago {
        Some(d) => {
            (Utc::now() - chrono::Duration::days(d)).to_rfc3339_opts(SecondsFormat::Secs, true)
        }
        None => "2024-01-10T08:00:00Z".to_string(),
    };
    fx.write(
        &format!("docs/{name}.md"),
        format!(
            "---\ntitle: Aurora {name}\ndate: {date}\nlang: en\n---\n\n{}\n",
            text_of_article(name)
        ),
    );
}

/// A watched folder with two aurora articles (2 days old and from 2024),
/// and the daemon watching it with the configuration file.
fn started() -> (Fixture, Server) {
    let fx = Fixture::new();
    aurora(&fx, "recent", Some(2));
    aurora(&fx, "archive", None);
    fx.write("veille.toml", CONFIG);
    let server = fx.serve(&[
        "--watch",
        "docs",
        "--index",
        "idx",
        "--config",
        "veille.toml",
    ]);
    (fx, server)
}

/// The saved searches on the home page (fetched over HTTP): name → the
/// number of new articles shown.
async fn new_counts(server: &Server) -> Vec<(String, u64)> {
    let (status, html) = get(&server.url("/")).await;
    assert_eq!(status, 200);
    let mut counts = Vec::new();
    for item in html.split("<li data-saved=\"").skip(1) {
        let name = &item[..item.find('"').unwrap()];
        let new = item
            .split("data-new=\"")
            .nth(1)
            .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
            .unwrap_or_else(|| panic!("no count for {name}: {item}"));
        counts.push((name.to_string(), new));
    }
    counts
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

#[tokio::test]
async fn opening_a_saved_search_resets_its_count_which_follows_the_watched_folder() {
    let (fx, mut server) = started();
    server
        .wait_total("aurora", 2, WATCH_BOUND, "the initial build")
        .await;
    // Never opened: every match is new.
    assert_eq!(
        new_counts(&server).await,
        counts(&[("aurora", 2), ("aurora this week", 1)])
    );
    // The panel speaks the page's language: English by default, French
    // when the reader's browser asks for it or the switch chose it.
    let (_, english) = get(&server.url("/")).await;
    for text in ["Saved searches", "2 new", "of 2", "1 new", "Atom feed"] {
        assert!(english.contains(text), "{text:?} not in the English panel");
    }
    let (_, _, accept_french) = get_in(&server.url("/"), "fr-FR,fr;q=0.9,en;q=0.5").await;
    let (_, switched) = get(&server.url("/?ui=fr")).await;
    assert!(
        switched.contains("href=\"/saved/aurora?ui=fr\""),
        "{switched}"
    );
    assert!(!accept_french.contains("?ui=fr"));
    for french in [&accept_french, &switched] {
        for text in [
            "Recherches enregistrées",
            "2 nouveaux",
            "sur 2",
            "1 nouveau",
            "Flux Atom",
        ] {
            assert!(french.contains(text), "{text:?} not in the French panel");
        }
        assert!(!french.contains("Saved searches"));
    }

    // Opening goes through /saved/NAME, which remembers and redirects.
    let no_redirects = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirects
        .get(server.url("/saved/aurora%20this%20week"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/?q=aurora&since=7d&sort=date");
    // A reader who chose the page's language keeps it through the redirect.
    let r = no_redirects
        .get(server.url("/saved/aurora%20this%20week?ui=fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["location"],
        "/?q=aurora&since=7d&sort=date&ui=fr"
    );
    assert_eq!(
        new_counts(&server).await,
        counts(&[("aurora", 2), ("aurora this week", 0)])
    );
    assert!(fx.path("idx/veille-saved.json").is_file());

    // A new article lands: it is new to both.
    aurora(&fx, "tonight", Some(0));
    server
        .wait_total("aurora", 3, WATCH_BOUND, "the new file")
        .await;
    assert_eq!(
        new_counts(&server).await,
        counts(&[("aurora", 3), ("aurora this week", 1)])
    );

    // What was seen is kept in the index folder across restarts.
    server.signal(libc::SIGTERM);
    assert!(server.wait_exit(Duration::from_secs(20)).is_some());
    let server = fx.serve(&[
        "--watch",
        "docs",
        "--index",
        "idx",
        "--config",
        "veille.toml",
    ]);
    assert_eq!(
        new_counts(&server).await,
        counts(&[("aurora", 3), ("aurora this week", 1)])
    );

    // Unknown names are 404s; the feed links work.
    let (status, body) = get_json(&server.url("/saved/nope")).await;
    assert_eq!(status, 404, "{body}");
    let (_, html) = get(&server.url("/")).await;
    let feed = html
        .split("class=\"feed\" href=\"")
        .nth(2)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
        .expect("a feed link per saved search");
    assert_eq!(feed, "/feed.atom?q=aurora&since=7d&limit=20");
    let (status, atom) = get(&server.url(&feed)).await;
    assert_eq!(status, 200);
    assert_eq!(atom.matches("<entry>").count(), 2, "{atom}");
}

#[tokio::test]
async fn the_api_takes_relative_dates_and_names_a_bad_one() {
    let (_fx, server) = started();
    server
        .wait_total("aurora", 2, WATCH_BOUND, "the initial build")
        .await;
    let total = |v: &Value| v["total"].as_u64().unwrap();
    for (since, want) in [
        ("7d", 1),
        ("2w", 1),
        ("24h", 0),
        ("hier", 0),
        ("aujourd'hui", 0),
    ] {
        let url = server.url(&format!("/api/search?q=aurora&since={}", enc(since)));
        let (status, v) = get_json(&url).await;
        assert_eq!((status, total(&v)), (200, want), "since={since}: {v}");
    }
    let (status, v) = get_json(&server.url("/api/search?q=aurora&until=3d")).await;
    assert_eq!((status, total(&v)), (200, 1), "{v}");
    let (status, v) = get_json(&server.url("/api/search?q=aurora&since=7y")).await;
    assert_eq!(status, 400);
    assert_eq!(v["parameter"], "since");
    assert!(v["error"].as_str().unwrap().contains("24h, 7d, 2w"), "{v}");
    // The page and the feed read them too.
    let (status, _) = get(&server.url("/feed.atom?q=aurora&since=yesterday")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn chromium_follows_a_saved_search_and_the_recent_links() {
    let Some(browser) = Browser::start(None).await else {
        return;
    };
    let (fx, server) = started();
    server
        .wait_total("aurora", 2, WATCH_BOUND, "the initial build")
        .await;
    let client = browser.client.clone();
    let outcome = exercise(&client, &fx, &server).await;
    let _ = client.close().await;
    outcome.unwrap();
}

/// The number of new articles the home page shows for `name`.
async fn shown_new(client: &Client, name: &str) -> Result<String, CmdError> {
    text_of(client, &format!("li[data-saved=\"{name}\"] .new")).await
}

/// The titles of the hits on the page, in order.
async fn titles(client: &Client) -> Vec<String> {
    let v = js(
        client,
        "return Array.from(document.querySelectorAll('#results .hit h2')).map(h => h.textContent.trim());",
    )
    .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

async fn exercise(client: &Client, fx: &Fixture, server: &Server) -> Result<(), CmdError> {
    let home = server.url("/");
    client.goto(&home).await?;
    assert_eq!(shown_new(client, "aurora").await?, "2 new");
    assert_eq!(shown_new(client, "aurora this week").await?, "1 new");

    // Open "aurora" from the home page: its results page.
    client
        .find(Locator::Css("li[data-saved=\"aurora\"] a.name"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#results .hit"))
        .await?;
    let url = client.current_url().await?;
    assert!(url.as_str().ends_with("/?q=aurora"), "{url}");
    assert_eq!(titles(client).await.len(), 2);

    // The relative-date links narrow it, and stay relative in the address.
    client
        .find(Locator::LinkText("7 days"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "return location.search.indexOf('since=7d') >= 0 && document.querySelectorAll('#results .hit').length === 1;",
        "the 7 days link",
    )
    .await;
    assert_eq!(titles(client).await, ["Aurora recent"]);
    assert_eq!(
        text_of(client, ".recent [aria-current]").await?,
        "7 days",
        "the current range is marked"
    );
    client
        .find(Locator::LinkText("today"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "return location.search.indexOf('since=today') >= 0;",
        "the today link",
    )
    .await;
    assert!(
        titles(client).await.is_empty(),
        "nothing was published today yet"
    );
    let summary = text_of(client, "#results .summary").await?;
    assert!(summary.starts_with("No results"), "{summary}");

    // Back home: nothing new in "aurora" since it was opened.
    client.goto(&home).await?;
    assert_eq!(shown_new(client, "aurora").await?, "0 new");
    assert_eq!(shown_new(client, "aurora this week").await?, "1 new");

    // An article lands in the watched folder: the home page counts it.
    aurora(fx, "tonight", Some(0));
    server
        .wait_total("aurora", 3, WATCH_BOUND, "the new file")
        .await;
    client.refresh().await?;
    assert_eq!(shown_new(client, "aurora").await?, "1 new");
    assert_eq!(shown_new(client, "aurora this week").await?, "2 new");
    // Today's link now finds it.
    client.goto(&server.url("/?q=aurora")).await?;
    client
        .find(Locator::LinkText("today"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "return document.querySelectorAll('#results .hit').length === 1;",
        "today's article",
    )
    .await;
    assert_eq!(titles(client).await, ["Aurora tonight"]);
    Ok(())
}
