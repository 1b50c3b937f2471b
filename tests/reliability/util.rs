//! Helpers of the reliability tests beyond the shared fixture: the built
//! binary run with its peak memory measured, deterministic generated
//! corpora, and small waits and figures.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{tool_or, write, Run};

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
/// prints. Without GNU time (outside CI, which installs it), `wait4` is
/// used, and the figure is an upper bound.
pub fn run_measured(cmd: Command) -> (Run, u64) {
    let Some(gnu_time) = tool_or(GNU_TIME, "peak memory measured with wait4 (an upper bound)")
    else {
        return run_wait4(cmd);
    };
    let mut timed = Command::new(gnu_time);
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
#[allow(unsafe_code, reason = "std has no wait4, which gives a child's rusage")]
fn wait4(child: &Child) -> (i32, u64) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: rusage is plain integers, for which all zeroes is a value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own, not yet reaped child writes only into the
    // two out-parameters, both valid for writes.
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
#[allow(unsafe_code, reason = "std has no geteuid")]
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A small deterministic generator (xorshift64*): the same seed gives the
/// same corpus and the same kill points on every machine.
// By hand rather than from a crate: a crate's seeded stream may change
// between its versions, and the measured figures in the README come from
// these exact corpora.
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
/// (identical texts would be shown as one hit).
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
            kind @ (0 | 1) => {
                let (ext, title) = if kind == 0 {
                    ("txt", format!("Article {n}"))
                } else {
                    ("md", format!("# Note {n}"))
                };
                let text = article_text(&mut rng, n);
                write(
                    &dir.join(&sub).join(format!("a{file:05}.{ext}")),
                    format!("{title}\n\n{text}\n"),
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
