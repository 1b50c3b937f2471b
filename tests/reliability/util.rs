//! Helpers of the reliability tests: a temporary folder, the built binary
//! run in it (with its peak memory measured), generated corpora, a started
//! `veille serve`, and the readings every test compares: the article count
//! and the set of article ids.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::common::{enc, veille, write};

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

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Absolute path of `rel` inside the fixture.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        write(&self.path(rel), content);
    }

    /// A `veille` command whose working folder is the fixture.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = veille();
        cmd.args(args).current_dir(self.root());
        cmd
    }

    /// Runs `veille ARGS` here and waits for it.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .cmd(args)
            .stdin(Stdio::null())
            .output()
            .expect("run veille");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `veille stats --index INDEX --json`, which must succeed.
    pub fn stats(&self, index: &str) -> serde_json::Value {
        let run = self.run(&["stats", "--index", index, "--json"]).ok();
        serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
    }

    /// Number of articles in `index`.
    pub fn articles(&self, index: &str) -> u64 {
        self.stats(index)["articles"].as_u64().expect("articles")
    }

    /// Every article of `index`, as `veille export jsonl` writes them.
    pub fn export(&self, index: &str) -> Vec<serde_json::Value> {
        let run = self.run(&["export", "jsonl", "--index", index]).ok();
        run.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// The ids of every article of `index`; panics on a duplicate id.
    pub fn ids(&self, index: &str) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for article in self.export(index) {
            let id = article["id"].as_str().expect("id").to_string();
            assert!(ids.insert(id.clone()), "article {id:?} is in {index} twice");
        }
        ids
    }
}

/// What a finished run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit code 0 and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that nothing panicked (a panic that a worker caught still
    /// prints "panicked" on standard error).
    #[track_caller]
    pub fn no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "a panic:\n{}\n{}",
            self.stdout,
            self.stderr
        );
    }
}

/// GNU time, which reports its child's peak memory (`%M`, KiB).
const GNU_TIME: &str = "/usr/bin/time";
/// The line GNU time adds to standard error.
const RSS_MARK: &str = "\nveille-peak-rss-kib=";

/// Runs a command to its end and returns what it printed and the peak
/// resident memory of that process alone, in KiB.
///
/// Not `getrusage(RUSAGE_CHILDREN)` on this test process, nor `wait4` on
/// the child: Linux keeps, across `exec`, the memory high-water mark of
/// the process the child was spawned from, so a child of this test binary
/// (large, multi-threaded, with other tests running) reports at least this
/// binary's own peak (a `/bin/true` spawned after a 500 MB allocation
/// reports 500 MB). The command runs under GNU time instead, a small
/// process whose own child starts clean and whose `wait4` figure it
/// prints. Without GNU time, `wait4` is used, and the figure is an upper
/// bound.
pub fn run_measured(cmd: Command) -> (Run, u64) {
    if !Path::new(GNU_TIME).exists() {
        eprintln!("note: {GNU_TIME} not found; peak memory measured with wait4 (an upper bound)");
        return run_wait4(cmd);
    }
    let mut timed = Command::new(GNU_TIME);
    timed
        .arg("-f")
        .arg(format!("{RSS_MARK}%M"))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => timed.env(key, v),
            None => timed.env_remove(key),
        };
    }
    let out = timed
        .stdin(Stdio::null())
        .output()
        .expect("start veille under GNU time");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let at = stderr.rfind(RSS_MARK).expect("GNU time's report");
    let kib = stderr[at + RSS_MARK.len()..]
        .trim()
        .parse()
        .expect("peak RSS in KiB");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: stderr[..at].to_string(),
    };
    (run, kib)
}

/// [`run_measured`] with `wait4`: exact exit status, peak memory an
/// upper bound (see there).
fn run_wait4(mut cmd: Command) -> (Run, u64) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start veille");
    let out = drain(child.stdout.take().expect("stdout"));
    let err = drain(child.stderr.take().expect("stderr"));
    let (code, max_rss_kib) = wait4(&child);
    // `child` was reaped by wait4; forget it so that nothing waits again.
    drop(child);
    let run = Run {
        code,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    (run, max_rss_kib)
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for a child with `wait4(2)`: its exit code (-signal when killed)
/// and its peak resident set size in KiB.
fn wait4(child: &Child) -> (i32, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 on our own,
    // not yet reaped child writes only into the two out-parameters.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    (code, usage.ru_maxrss as u64)
}

/// True when this process runs as root, which reads any file whatever its
/// permissions.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Sends SIGKILL to a child and reaps it.
pub fn kill9(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A small deterministic generator (xorshift64*): the same seed gives the
/// same corpus and the same kill points on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS_FR: &[&str] = &[
    "le",
    "la",
    "les",
    "des",
    "une",
    "nuage",
    "souverain",
    "données",
    "serveur",
    "réseau",
    "startup",
    "recrutement",
    "ingénieur",
    "modèle",
    "calcul",
    "puce",
    "processeur",
    "mémoire",
    "stockage",
    "sécurité",
    "faille",
    "correctif",
    "logiciel",
    "entreprise",
    "marché",
    "europe",
    "annonce",
    "lancement",
    "version",
    "utilisateurs",
    "plateforme",
    "intelligence",
];
const WORDS_EN: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "cloud",
    "sovereign",
    "data",
    "server",
    "network",
    "startup",
    "hiring",
    "engineer",
    "model",
    "compute",
    "chip",
    "processor",
    "memory",
    "storage",
    "security",
    "flaw",
    "patch",
    "software",
    "company",
    "market",
    "europe",
    "announces",
    "launch",
    "release",
    "users",
    "platform",
    "intelligence",
    "open",
];

/// The text of generated article `n`: about thirty words of French or
/// English, with `artN` in it so that every article's text is distinct
/// (identical texts would be counted as duplicates, not articles).
pub fn article_text(rng: &mut Rng, n: usize) -> String {
    let words = if n.is_multiple_of(2) {
        WORDS_FR
    } else {
        WORDS_EN
    };
    let mut text = String::new();
    for i in 0..30 {
        if i == 15 {
            text.push_str(&format!("art{n} "));
        }
        text.push_str(rng.pick(words));
        text.push(if i % 12 == 11 { '.' } else { ' ' });
        if i % 12 == 11 {
            text.push(' ');
        }
    }
    text.trim_end().to_string()
}

/// Writes a corpus of `articles` generated articles under `dir`: text,
/// Markdown and small JSON Lines files, about `per_file` articles in each
/// multi-article file, plus one large JSON Lines file holding
/// `big_jsonl` more. Every article has a distinct text. The languages of
/// the text files are detected; the JSON Lines ones declare theirs, as
/// dumps often do (detection is most of the cost in a debug build).
/// Returns the number of articles written.
pub fn write_corpus(
    dir: &Path,
    articles: usize,
    per_file: usize,
    big_jsonl: usize,
    seed: u64,
) -> usize {
    let mut rng = Rng::new(seed);
    let mut n = 0;
    let mut file = 0;
    while n < articles {
        let sub = format!("d{:02}", file % 16);
        match file % 4 {
            0 => {
                let text = article_text(&mut rng, n);
                write(
                    &dir.join(&sub).join(format!("a{file:05}.txt")),
                    format!("Article {n}\n\n{text}\n"),
                );
                n += 1;
            }
            1 => {
                let text = article_text(&mut rng, n);
                write(
                    &dir.join(&sub).join(format!("a{file:05}.md")),
                    format!("# Note {n}\n\n{text}\n"),
                );
                n += 1;
            }
            _ => {
                let mut lines = String::new();
                for _ in 0..per_file.min(articles - n) {
                    let line = serde_json::json!({
                        "title": format!("Dépêche {n}"),
                        "body": article_text(&mut rng, n),
                        "date": "2025-03-01",
                        "lang": if n.is_multiple_of(2) { "fr" } else { "en" },
                    });
                    lines.push_str(&line.to_string());
                    lines.push('\n');
                    n += 1;
                }
                write(&dir.join(&sub).join(format!("a{file:05}.jsonl")), lines);
            }
        }
        file += 1;
    }
    if big_jsonl > 0 {
        let mut lines = String::new();
        for _ in 0..big_jsonl {
            let line = serde_json::json!({
                "id": format!("big-{n}"),
                "title": format!("Flux {n}"),
                "body": article_text(&mut rng, n),
                "lang": if n.is_multiple_of(2) { "fr" } else { "en" },
            });
            lines.push_str(&line.to_string());
            lines.push('\n');
            n += 1;
        }
        write(&dir.join("big.jsonl"), lines);
    }
    n
}

/// Writes one generated article as a text file (for the watcher tests).
pub fn write_article_file(path: &Path, rng: &mut Rng, n: usize) {
    let text = article_text(rng, n);
    let tmp = path.with_extension("tmp~");
    write(&tmp, format!("Livraison {n}\n\n{text}\n"));
    // Renamed into place, as a downloader does: the watcher never sees
    // half a file.
    std::fs::rename(&tmp, path).expect("rename into place");
}

/// How long a server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `veille serve` started on `127.0.0.1:0`. Killed when dropped.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `veille serve --addr 127.0.0.1:0 ARGS` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut cmd = veille();
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .env("VEILLE_LOG", "info,tantivy=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start veille serve");
        let log = Arc::new(Mutex::new(String::new()));
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
                "veille serve printed no address; log:\n{}",
                log.lock().unwrap()
            );
        };
        let base = first
            .strip_prefix("veille: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .trim()
            .to_string();
        let addr = base.trim_start_matches("http://").to_string();
        Server {
            child,
            base,
            addr,
            log,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Everything the server wrote on standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGKILL, then reap.
    pub fn kill9(&mut self) {
        kill9(&mut self.child);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill9(&mut self.child);
        }
    }
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

/// Polls `check` every 100 ms until it returns true, at most `timeout`.
pub fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Percentile `p` (0–100) of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

/// A path from raw bytes (file names that are not UTF-8).
pub fn os_path(dir: &Path, name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    dir.join(OsStr::from_bytes(name))
}
