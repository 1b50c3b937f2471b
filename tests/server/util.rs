//! Test helpers: a temporary folder with fixture articles, and the real
//! `veille serve` process started on `127.0.0.1:0`, whose address is read
//! from the first line it prints.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::common::{enc, veille, write};

/// How long a server may take to start (it may build its index first).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A temporary working folder for one test.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fixture with the standard articles in `docs/`, indexed into `idx/`.
    pub fn indexed() -> Fixture {
        let fx = Fixture::new();
        crate::fixtures::write_docs(&fx, "docs");
        fx.index();
        fx
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        write(&self.path(rel), content);
    }

    /// Runs `veille ARGS` in the fixture; returns (code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = veille()
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run veille");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `veille index docs --index idx`, which must succeed.
    pub fn index(&self) {
        let (code, out, err) = self.run(&["index", "docs", "--index", "idx", "--quiet"]);
        assert_eq!(code, 0, "veille index failed:\n{out}\n{err}");
    }

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
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start veille serve");
        let log = Arc::new(Mutex::new(String::new()));
        // Drain stderr (the request log) so that the server never blocks on it.
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = tx.send(first);
            }
            for _ in lines {}
        });
        let first = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "veille serve printed no address; its log:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        let base = first
            .strip_prefix("veille: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .trim()
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base, log }
    }

    /// The absolute URL of `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Everything the server wrote on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends a signal (`libc::SIGTERM`, `libc::SIGINT`).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on the pid of a child we own and have not reaped.
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// Waits for the process to exit, at most `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP client for the tests (no proxy: only 127.0.0.1 is used).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// GET, returning status and body text.
pub async fn get(url: &str) -> (u16, String) {
    let r = client().get(url).send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

/// GET, expecting JSON; returns status and value.
pub async fn get_json(url: &str) -> (u16, serde_json::Value) {
    let r = client().get(url).send().await.expect("request");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "{url}: content-type {ct}"
    );
    let body = r.text().await.unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body}"));
    (status, value)
}

/// Polls `/api/search?q=QUERY` until `done(total)`, at most `timeout`;
/// returns how long it took, or `None`.
pub async fn poll_total(
    server: &Server,
    query: &str,
    timeout: Duration,
    done: impl Fn(u64) -> bool,
) -> Option<Duration> {
    let started = Instant::now();
    let client = client();
    let url = server.url(&format!("/api/search?q={}", enc(query)));
    while started.elapsed() < timeout {
        if let Ok(r) = client.get(&url).send().await {
            if let Ok(v) = r.json::<serde_json::Value>().await {
                if done(v["total"].as_u64().unwrap_or(0)) {
                    return Some(started.elapsed());
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}
