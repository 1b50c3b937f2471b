//! A real browser: Debian's headless Chromium, driven through
//! chromium-driver (WebDriver) with fantoccini. It loads the page, types a
//! query, submits it, finds highlighted results, uses search-as-you-type,
//! and checks that the hostile article's script never ran.
//!
//! Without chromedriver the test is skipped, except in CI (`CI` set), where
//! it fails: `.ci/run` installs chromium and chromium-driver.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::util::Fixture;

const WAIT: Duration = Duration::from_secs(15);

fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    for c in candidates {
        let p = PathBuf::from(c);
        if p.is_absolute() && p.is_file() {
            return Some(p);
        }
        if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                let full = dir.join(c);
                if full.is_file() {
                    return Some(full);
                }
            }
        }
    }
    None
}

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
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
async fn js(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .expect("execute script")
}

/// Waits until `script` returns true.
async fn wait_until(client: &Client, script: &str, what: &str) {
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

#[tokio::test]
async fn chromium_searches_highlights_and_never_runs_hostile_scripts() {
    let Some(chromedriver) = find_program(&["/usr/bin/chromedriver", "chromedriver"]) else {
        if std::env::var_os("CI").is_some() {
            panic!("chromedriver not found: CI must install chromium and chromium-driver");
        }
        eprintln!("skipping: chromedriver not found");
        return;
    };
    let chromium = find_program(&["/usr/bin/chromium", "chromium"])
        .expect("chromium not found (chromium-driver needs the chromium package)");

    let fx = Fixture::indexed();
    let server = fx.serve(&["--index", "idx"]);

    let port = free_port();
    let _driver = Driver(
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
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }
    });
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("Chromium did not start through chromedriver");

    let outcome = exercise(&client, &server.url("/")).await;
    let _ = client.close().await;
    outcome.unwrap();
}

/// The browser session proper; errors come back so that the browser is
/// closed either way.
async fn exercise(client: &Client, home: &str) -> Result<(), String> {
    let err = |e: fantoccini::error::CmdError| e.to_string();

    // Type a query and submit the form: a server-rendered results page.
    client.goto(home).await.map_err(err)?;
    let input = client
        .find(Locator::Css("input[name=q]"))
        .await
        .map_err(err)?;
    input.send_keys("zebra").await.map_err(err)?;
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .map_err(err)?
        .click()
        .await
        .map_err(err)?;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#results .hit mark"))
        .await
        .map_err(err)?;
    let url = client.current_url().await.map_err(err)?;
    assert!(url.as_str().contains("q=zebra"), "{url}");
    let mark = client
        .find(Locator::Css("#results .hit mark"))
        .await
        .map_err(err)?
        .text()
        .await
        .map_err(err)?;
    assert_eq!(mark.to_lowercase(), "zebra");
    let title = client
        .find(Locator::Css("#results .hit h2 a"))
        .await
        .map_err(err)?
        .text()
        .await
        .map_err(err)?;
    assert!(
        title.contains("<script>window.__pwned=1</script>"),
        "shown as text: {title}"
    );
    assert_eq!(
        js(client, "return typeof window.__pwned;").await,
        "undefined",
        "the hostile article's script ran"
    );
    // Give an <img onerror> a moment to fire, had it been parsed.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        js(client, "return typeof window.__pwned;").await,
        "undefined"
    );
    assert_eq!(
        js(
            client,
            "return document.querySelectorAll('#results img').length;"
        )
        .await,
        0
    );

    // Search-as-you-type: no submit, the results area follows the box.
    client.goto(home).await.map_err(err)?;
    let input = client
        .find(Locator::Css("input[name=q]"))
        .await
        .map_err(err)?;
    input.send_keys("kernel").await.map_err(err)?;
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
    input.clear().await.map_err(err)?;
    input.send_keys("zebra exploit").await.map_err(err)?;
    wait_until(
        client,
        "return document.getElementById('results').textContent.indexOf('window.__pwned') >= 0;",
        "the hostile article as you type",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        js(client, "return typeof window.__pwned;").await,
        "undefined",
        "the hostile article's script ran after search-as-you-type"
    );
    Ok(())
}
