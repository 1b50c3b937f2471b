//! A real browser: Debian's headless Chromium, driven through
//! chromium-driver (WebDriver) with fantoccini. It loads the page, types a
//! query, submits it, finds highlighted results, uses search-as-you-type,
//! and checks that the hostile article's script never ran.
//!
//! Without chromedriver and chromium the test is skipped, saying so, except
//! under CI, where it fails: `.ci/run` installs chromium and chromium-driver.
//! [`Browser`] starts the browser for the other pages' tests too
//! (`reading_in_a_browser`).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::common::{kill9, require_tools};
use crate::fixtures::{served, HOSTILE_SCRIPT};

pub const WAIT: Duration = Duration::from_secs(15);

/// chromedriver, killed when dropped.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        kill9(&mut self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `script` in the page and returns its value.
pub async fn js(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .expect("execute script")
}

/// Waits until `script` returns true.
pub async fn wait_until(client: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        if js(client, script).await == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            let html = js(client, "return document.body.innerHTML;").await;
            panic!("timed out waiting for {what}; page:\n{html}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the first element that `css` selects.
pub async fn text_of(client: &Client, css: &str) -> Result<String, CmdError> {
    client.find(Locator::Css(css)).await?.text().await
}

/// Asserts that the hostile article's script has not run.
async fn not_pwned(client: &Client, when: &str) {
    assert_eq!(
        js(client, "return typeof window.__pwned;").await,
        "undefined",
        "the hostile article's script ran {when}"
    );
}

/// A headless Chromium driven through chromedriver; both end when it is
/// dropped (after [`Browser::close`], which ends the WebDriver session).
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and Chromium, whose requests carry this
    /// `Accept-Language` (Chromium's own default when `None`). `None` back
    /// when the tools are missing outside CI (the test is then skipped,
    /// saying so).
    pub async fn start(accept_language: Option<&str>) -> Option<Browser> {
        let [chromedriver, chromium] = require_tools(["chromedriver", "chromium"])?;
        let port = free_port();
        let driver = Driver(
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }

        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--hide-scrollbars",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if let Some(languages) = accept_language {
            options["prefs"] = json!({ "intl": { "accept_languages": languages } });
        }
        let caps = json!({ "goog:chromeOptions": options });
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("Chromium did not start through chromedriver");
        Some(Browser {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the WebDriver session (Chromium exits).
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = client.close().await;
    }
}

#[tokio::test]
async fn chromium_searches_highlights_and_never_runs_hostile_scripts() {
    let Some(browser) = Browser::start(None).await else {
        return;
    };
    let (_fx, server) = served();
    let outcome = exercise(&browser.client, &server.url("/")).await;
    browser.close().await;
    outcome.unwrap();
}

/// The browser session proper; errors come back so that the browser is
/// closed either way.
async fn exercise(client: &Client, home: &str) -> Result<(), CmdError> {
    // Type a query and submit the form: a server-rendered results page.
    client.goto(home).await?;
    let input = client.find(Locator::Css("input[name=q]")).await?;
    input.send_keys("zebra").await?;
    client
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#results .hit mark"))
        .await?;
    let url = client.current_url().await?;
    assert!(url.as_str().contains("q=zebra"), "{url}");
    let mark = text_of(client, "#results .hit mark").await?;
    assert_eq!(mark.to_lowercase(), "zebra");
    let title = text_of(client, "#results .hit h2 a").await?;
    assert!(title.contains(HOSTILE_SCRIPT), "shown as text: {title}");
    not_pwned(client, "").await;
    // Give an <img onerror> a moment to fire, had it been parsed.
    tokio::time::sleep(Duration::from_millis(300)).await;
    not_pwned(client, "after a moment").await;
    assert_eq!(
        js(
            client,
            "return document.querySelectorAll('#results img').length;"
        )
        .await,
        0
    );

    // Search-as-you-type: no submit, the results area follows the box.
    client.goto(home).await?;
    let input = client.find(Locator::Css("input[name=q]")).await?;
    input.send_keys("kernel").await?;
    wait_until(
        client,
        "var m = document.querySelector('#results .hit mark'); return !!m && /kernel/i.test(m.textContent);",
        "results as you type",
    )
    .await;
    wait_until(
        client,
        "return location.search.indexOf('q=kernel') >= 0;",
        "the address to follow the query",
    )
    .await;
    input.clear().await?;
    input.send_keys("zebra exploit").await?;
    wait_until(
        client,
        "return document.getElementById('results').textContent.indexOf('window.__pwned') >= 0;",
        "the hostile article as you type",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    not_pwned(client, "after search-as-you-type").await;
    Ok(())
}
