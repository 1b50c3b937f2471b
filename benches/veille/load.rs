//! The daemon under load: a `veille serve` started for the benchmark, and
//! the load generator that sends it searches.
//!
//! The generator is written here rather than run as `wrk`, which is not
//! always installed: [`CONNECTIONS`] keep-alive connections, each one a
//! loop that sends its next request as soon as the previous answer is
//! read, driven by [`THREADS`] threads, as `wrk -t2 -c16` did (the figures
//! stay comparable with the earlier ones, and the generator takes no more
//! of the two cores than wrk took). Latency is measured from sending a
//! request to reading the whole answer.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::measure::{ms, p50_p99, peak_rss_kib};

/// Keep-alive connections open at once.
pub const CONNECTIONS: usize = 16;
/// Threads of the load generator.
const THREADS: usize = 2;
/// How long one run lasts at most.
pub const RUN: Duration = Duration::from_secs(10);
/// A request not answered by then counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A `veille serve` started for the benchmark; killed when dropped.
pub struct Daemon {
    child: Child,
    url: String,
}

impl Daemon {
    /// Starts the daemon on `index` with `extra` arguments, on a free port
    /// of 127.0.0.1.
    pub fn start(veille: &Path, index: &Path, extra: &[&str]) -> Daemon {
        let mut child = Command::new(veille)
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(index)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start veille serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines
            .next()
            .expect("veille serve printed nothing")
            .expect("read veille serve's first line");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in veille serve's first line: {first}"))
            .trim_end_matches('/')
            .to_string();
        // Whatever else it prints is read, so that it never blocks on a
        // full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Daemon { child, url }
    }

    /// Its peak RSS so far, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        peak_rss_kib(self.child.id())
    }

    /// Sends `queries` as `/api/search?q=` requests, as the page's default
    /// request (10 hits, snippets, facets, translation), for [`RUN`] at
    /// most: each query once in the order given (the run ends early when
    /// they are all sent), or all of them in turn again and again.
    pub fn load(&self, queries: &[String], walk: Walk) -> Load {
        let paths: Arc<Vec<String>> = Arc::new(
            queries
                .iter()
                .map(|q| {
                    format!(
                        "{}/api/search?q={}",
                        self.url,
                        utf8_percent_encode(q, NON_ALPHANUMERIC)
                    )
                })
                .collect(),
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(THREADS)
            .enable_all()
            .build()
            .expect("start the load generator");
        runtime.block_on(async move {
            let next = Arc::new(AtomicUsize::new(0));
            let started = Instant::now();
            let deadline = started + RUN;
            let mut tasks = Vec::new();
            for _ in 0..CONNECTIONS {
                let paths = Arc::clone(&paths);
                let next = Arc::clone(&next);
                // One client per connection: its pool then holds exactly
                // one keep-alive connection.
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(REQUEST_TIMEOUT)
                    .build()
                    .expect("an HTTP client");
                tasks.push(tokio::spawn(async move {
                    let mut part = Load::default();
                    while Instant::now() < deadline {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let url = match walk {
                            Walk::Once if i >= paths.len() => break,
                            Walk::Once => &paths[i],
                            Walk::Cycle => &paths[i % paths.len()],
                        };
                        let t = Instant::now();
                        let answer = match client.get(url).send().await {
                            Ok(resp) => {
                                let status = resp.status();
                                resp.bytes()
                                    .await
                                    .map_err(|e| e.to_string())
                                    .and_then(|body| {
                                        if status.is_success() {
                                            Ok(body)
                                        } else {
                                            Err(format!("HTTP {status}"))
                                        }
                                    })
                            }
                            Err(e) => Err(e.to_string()),
                        };
                        part.times.push(t.elapsed());
                        match answer {
                            Ok(body) => part.cached += usize::from(answer_was_cached(&body)),
                            Err(e) => {
                                part.errors += 1;
                                part.first_error.get_or_insert(e);
                            }
                        }
                    }
                    part
                }));
            }
            let mut load = Load::default();
            for task in tasks {
                let part = task.await.expect("a connection's loop");
                load.times.extend(part.times);
                load.errors += part.errors;
                load.cached += part.cached;
                if load.first_error.is_none() {
                    load.first_error = part.first_error;
                }
            }
            load.elapsed = started.elapsed();
            load
        })
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the `cached` field of an `/api/search` answer is true. The
/// field comes before the hits, so only the answer's start is read.
fn answer_was_cached(body: &[u8]) -> bool {
    const FIELD: &[u8] = b"\"cached\":true";
    body[..body.len().min(512)]
        .windows(FIELD.len())
        .any(|w| w == FIELD)
}

/// How the load generator goes through its queries.
#[derive(Debug, Clone, Copy)]
pub enum Walk {
    /// Each query once.
    Once,
    /// All the queries in turn, again and again.
    Cycle,
}

/// What one run measured.
#[derive(Debug, Default)]
pub struct Load {
    /// The latency of every request.
    pub times: Vec<Duration>,
    pub elapsed: Duration,
    /// Requests that failed or got an answer other than 2xx.
    pub errors: usize,
    pub first_error: Option<String>,
    /// Answers taken from the daemon's cache of recent searches.
    pub cached: usize,
}

impl Load {
    pub fn requests_per_second(&self) -> f64 {
        self.times.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The median and 99th percentile latencies, in milliseconds.
    pub fn p50_p99_ms(&self) -> (f64, f64) {
        let mut times = self.times.clone();
        let (p50, p99) = p50_p99(&mut times);
        (ms(p50), ms(p99))
    }

    /// One line: requests, rate, latencies, errors, cached answers.
    pub fn summary(&self) -> String {
        let (p50, p99) = self.p50_p99_ms();
        format!(
            "{} requests in {:.1} s: {:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms, {} errors{}, {} answered from the cache",
            self.times.len(),
            self.elapsed.as_secs_f64(),
            self.requests_per_second(),
            self.errors,
            self.first_error
                .as_ref()
                .map_or(String::new(), |e| format!(" (first: {e})")),
            self.cached
        )
    }
}
