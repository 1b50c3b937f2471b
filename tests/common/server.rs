//! The real `veille serve`, started on `127.0.0.1:0` in a fixture (its
//! address read from the first line it prints), and the HTTP calls the
//! tests make to it.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::{kill9, veille, wait_exit, Fixture};

/// How long a server may take to start (it may build its index first).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The server's log filter, pinned so that a `RUST_LOG` in the caller's
/// environment cannot hide the lines the tests read.
const LOG_FILTER: &str = "info,tantivy=warn";

impl Fixture {
    /// Starts `veille serve --addr 127.0.0.1:0 ARGS` here.
    pub fn serve(&self, args: &[&str]) -> Server {
        Server::start(self.root(), args, &[])
    }

    /// Same, with extra environment variables.
    pub fn serve_env(&self, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start(self.root(), args, env)
    }
}

/// A running `veille serve`. Killed when dropped, if still running.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = veille();
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .env("VEILLE_LOG", LOG_FILTER)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start veille serve");
        let log = Arc::new(Mutex::new(String::new()));
        // Drain stderr (the request log) so that the server never blocks on it.
        let mut stderr = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            for _ in lines {}
        });
        let Ok(first) = rx.recv_timeout(START_TIMEOUT) else {
            kill9(&mut child);
            panic!(
                "veille serve printed no address; its log:\n{}",
                log.lock().unwrap()
            );
        };
        let base = first
            .strip_prefix("veille: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .trim()
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base, log }
    }

    /// `127.0.0.1:PORT`, for raw TCP.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// The absolute URL of `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Everything the server wrote on standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends a signal (`libc::SIGTERM`, `libc::SIGINT`).
    #[allow(unsafe_code, reason = "kill(2) has no safe wrapper in std")]
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) on the pid of a child we own and have not reaped.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// Waits for the process to exit, at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        wait_exit(&mut self.child, timeout)
    }

    /// SIGKILL, then reap.
    pub fn kill9(&mut self) {
        kill9(&mut self.child);
    }

    /// Polls `/api/search?q=QUERY` until it finds `want` articles, at most
    /// `timeout`, and returns how long that took; when it never does, fails
    /// with `what` and the server's log.
    pub async fn wait_total(
        &self,
        query: &str,
        want: u64,
        timeout: Duration,
        what: &str,
    ) -> Duration {
        let started = Instant::now();
        let client = client();
        let url = self.url(&format!("/api/search?q={}", enc(query)));
        while started.elapsed() < timeout {
            if let Ok(r) = client.get(&url).send().await {
                if let Ok(v) = r.json::<Value>().await {
                    if v["total"].as_u64().unwrap_or(0) == want {
                        return started.elapsed();
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "{what}: {query:?} did not find {want} articles within {timeout:?}; log:\n{}",
            self.log()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill9(&mut self.child);
        }
    }
}

/// The characters a query-string value keeps as they are: RFC 3986's
/// unreserved set.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query-string value.
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// An HTTP client for 127.0.0.1 (no proxy), with a time limit.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(128)
        .build()
        .expect("client")
}

/// Sends `request`: the status, the value of the response's `header`
/// (empty when absent) and the body.
async fn send(request: reqwest::RequestBuilder, header: &str) -> (u16, String, String) {
    let r = request.send().await.expect("request");
    let status = r.status().as_u16();
    let value = r
        .headers()
        .get(header)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, value, r.text().await.expect("body"))
}

/// GET with `client`: the status, the content type and the body.
async fn fetch(client: &reqwest::Client, url: &str) -> (u16, String, String) {
    send(client.get(url), "content-type").await
}

fn parse_json(url: &str, body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"))
}

/// GET, returning status and body text.
pub async fn get(url: &str) -> (u16, String) {
    let (status, _, body) = fetch(&client(), url).await;
    (status, body)
}

/// GET with an `Accept-Language` header: status, `Vary`, body.
pub async fn get_in(url: &str, accept_language: &str) -> (u16, String, String) {
    let request = client().get(url).header("accept-language", accept_language);
    send(request, "vary").await
}

/// GET with `client`, returning status and the body parsed as JSON.
pub async fn fetch_json(client: &reqwest::Client, url: &str) -> (u16, Value) {
    let (status, _, body) = fetch(client, url).await;
    (status, parse_json(url, &body))
}

/// GET, expecting a JSON answer (its content type says so); returns
/// status and value.
pub async fn get_json(url: &str) -> (u16, Value) {
    let (status, content_type, body) = fetch(&client(), url).await;
    assert!(
        content_type.starts_with("application/json"),
        "{url}: content-type {content_type}"
    );
    (status, parse_json(url, &body))
}
