//! The page in a real browser (headless Chromium, see [`Browser`]), as a
//! French reader meets it: the French interface chosen by the browser's
//! languages and the switch to English, "did you mean" on an empty result,
//! the "1 similar" note that unfolds, the article page, and the phone
//! layout (at 390 px the facets come before the results, folded, and long
//! URLs stay on one line).
//!
//! With `VEILLE_SCREENSHOTS=DIR`, it saves what it saw there as PNG files
//! (`home-fr.png`, `results.png`, `article.png`, `phone.png`,
//! `phone-filters.png`), for a person to look at.

use std::path::PathBuf;

use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{js, text_of, wait_until, Browser, WAIT};
use crate::common::Server;
use crate::reading::{reading_served, MISSPELT, RETOLD_TITLE, SPELT, STORY_QUERY, STORY_TITLE};

/// The folder screenshots are saved in, when asked for.
const SCREENSHOTS_ENV: &str = "VEILLE_SCREENSHOTS";

/// Saves a screenshot as `name` when `VEILLE_SCREENSHOTS` names a folder.
async fn shot(client: &Client, name: &str) -> Result<(), CmdError> {
    let Some(dir) = std::env::var_os(SCREENSHOTS_ENV).map(PathBuf::from) else {
        return Ok(());
    };
    let png = client.screenshot().await?;
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    std::fs::write(dir.join(name), png).expect("write screenshot");
    Ok(())
}

/// The value of a script that returns a boolean.
async fn check(client: &Client, script: &str) -> bool {
    match js(client, script).await {
        Value::Bool(b) => b,
        other => panic!("{script}: {other}"),
    }
}

#[tokio::test]
async fn a_french_reader_searches_reads_and_uses_a_phone() {
    let Some(browser) = Browser::start(Some("fr-FR,fr,en")).await else {
        return;
    };
    let (_fx, server) = reading_served();
    let outcome = read(&browser.client, &server).await;
    browser.close().await;
    outcome.unwrap();
}

/// The browser session proper; errors come back so that the browser is
/// closed either way.
async fn read(c: &Client, server: &Server) -> Result<(), CmdError> {
    c.set_window_size(1280, 900).await?;

    // French, from the browser's languages, with what the index holds.
    c.goto(&server.url("/")).await?;
    assert_eq!(js(c, "return document.documentElement.lang;").await, "fr");
    assert_eq!(text_of(c, "button[type=submit]").await?, "Chercher");
    let facts = text_of(c, ".facts").await?;
    assert!(facts.contains("Dernière mise à jour"), "{facts}");
    assert!(facts.contains("anglais"), "{facts}");
    shot(c, "home-fr.png").await?;

    // The switch: English from then on, through links and the form.
    c.find(Locator::Css("#ui-switch a[data-ui=en]"))
        .await?
        .click()
        .await?;
    wait_until(
        c,
        "return document.documentElement.lang === 'en';",
        "the English interface",
    )
    .await;
    assert_eq!(text_of(c, "button[type=submit]").await?, "Search");

    // An empty result suggests the right spelling; following it finds.
    let input = c.find(Locator::Css("input[name=q]")).await?;
    input.send_keys(MISSPELT).await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    let suggestion = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#results .suggest a"))
        .await?;
    assert_eq!(suggestion.text().await?, SPELT);
    assert!(text_of(c, "#results .summary")
        .await?
        .starts_with("No results for"));
    suggestion.click().await?;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#results .hit"))
        .await?;
    let url = c.current_url().await?;
    assert!(url.as_str().contains(&format!("q={SPELT}")), "{url}");
    assert!(url.as_str().contains("ui=en"), "the choice holds: {url}");
    assert_eq!(js(c, "return document.documentElement.lang;").await, "en");
    assert_eq!(
        js(
            c,
            "return document.querySelectorAll('#results .hit').length;"
        )
        .await,
        2
    );

    // A grouped hit: "1 similar", folded, then unfolded.
    c.goto(&server.url(&format!("/?q={}&ui=en", STORY_QUERY.replace(' ', "+"))))
        .await?;
    assert_eq!(
        text_of(c, "#results .hit details.similar summary").await?,
        "1 similar"
    );
    assert!(check(c, "return !document.querySelector('details.similar').open;").await);
    assert!(
        check(
            c,
            "return !document.querySelector('details.similar li').checkVisibility();"
        )
        .await,
        "the members are folded"
    );
    c.find(Locator::Css("details.similar summary"))
        .await?
        .click()
        .await?;
    wait_until(
        c,
        "return document.querySelector('details.similar li').checkVisibility();",
        "the similar article to unfold",
    )
    .await;
    let member = text_of(c, "details.similar li").await?;
    assert!(
        member.contains(STORY_TITLE) || member.contains(RETOLD_TITLE),
        "{member}"
    );
    // Wide screen: the facets beside the results, not folded above them.
    assert!(
        check(
            c,
            "return getComputedStyle(document.querySelector('.facets-fold')).display === 'none' \
             && document.querySelector('aside.facets-side').getBoundingClientRect().height > 0;"
        )
        .await
    );
    shot(c, "results.png").await?;

    // The article page, from the first link that leads to one.
    c.find(Locator::Css("#results a[href^='/articles/']"))
        .await?
        .click()
        .await?;
    let h1 = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("article.reader h1"))
        .await?;
    let title = h1.text().await?;
    assert!(title == STORY_TITLE || title == RETOLD_TITLE, "{title}");
    assert!(c.current_url().await?.path().starts_with("/articles/"));
    assert_eq!(js(c, "return document.documentElement.lang;").await, "en");
    let elsewhere = text_of(c, ".similar-list li a").await?;
    assert!(
        elsewhere != title && (elsewhere == STORY_TITLE || elsewhere == RETOLD_TITLE),
        "{elsewhere}"
    );
    let text = text_of(c, "article.reader .text").await?;
    assert!(text.contains("Trams across Lyon stopped"), "{text}");
    shot(c, "article.png").await?;

    // A phone, with the browser's own language again (French): facets
    // first, folded; no sideways scrolling; long URLs on one line.
    c.set_window_size(390, 844).await?;
    c.goto(&server.url(&format!("/?q={SPELT}"))).await?;
    let width = js(c, "return window.innerWidth;").await;
    assert!(
        width.as_u64().is_some_and(|w| (360..=400).contains(&w)),
        "the window is {width} px wide"
    );
    assert!(
        check(
            c,
            "var fold = document.querySelector('#results details.facets-fold');\n\
             var hit = document.querySelector('#results .hit');\n\
             return !!fold && !!hit && !fold.open\n\
               && fold.getBoundingClientRect().height > 0\n\
               && fold.getBoundingClientRect().bottom <= hit.getBoundingClientRect().top;"
        )
        .await,
        "the facets come before the results, folded"
    );
    assert!(
        check(
            c,
            "return getComputedStyle(document.querySelector('aside.facets-side')).display === 'none';"
        )
        .await,
        "no second copy of the facets beside the results"
    );
    assert!(
        check(
            c,
            "return document.documentElement.scrollWidth <= window.innerWidth;"
        )
        .await,
        "the page scrolls sideways"
    );
    assert!(
        check(
            c,
            "var locs = Array.from(document.querySelectorAll('#results .hit > .loc'));\n\
             var long = locs.filter(function (l) { return l.textContent.length > 80; });\n\
             return long.length > 0 && long.every(function (l) {\n\
               var line = parseFloat(getComputedStyle(l).lineHeight);\n\
               return l.getBoundingClientRect().height < 1.5 * line && l.scrollWidth > l.clientWidth;\n\
             });"
        )
        .await,
        "a long URL wraps"
    );
    shot(c, "phone.png").await?;
    c.find(Locator::Css("details.facets-fold summary"))
        .await?
        .click()
        .await?;
    wait_until(
        c,
        "return document.querySelector('details.facets-fold').open \
         && document.querySelector('details.facets-fold li').checkVisibility();",
        "the facets to unfold",
    )
    .await;
    let facets = text_of(c, "details.facets-fold").await?;
    // Without `ui=`, the browser's French again.
    assert!(facets.starts_with("Filtres"), "{facets}");
    assert!(
        facets.contains("français") && facets.contains("anglais"),
        "{facets}"
    );
    shot(c, "phone-filters.png").await?;
    Ok(())
}
