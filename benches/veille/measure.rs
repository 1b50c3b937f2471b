//! The few measuring tools every part of the benchmark shares: a child's
//! wall time and peak RSS, a running process's peak RSS, percentiles and
//! sizes on disk.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The 50th and 99th percentiles (nearest rank) of `times`, which it sorts.
pub fn p50_p99(times: &mut [Duration]) -> (Duration, Duration) {
    assert!(!times.is_empty(), "no time measured");
    times.sort_unstable();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.50), at(0.99))
}

/// Runs a command to completion; returns its wall time and the peak RSS
/// (KiB) of that child alone.
// The child is reaped by `wait4`, which also gives its own peak RSS;
// `Child::wait` cannot report that.
#[allow(clippy::zombie_processes, unsafe_code)]
pub fn run_measured(cmd: &mut Command) -> (Duration, u64) {
    let t = Instant::now();
    let child = cmd.stdout(Stdio::null()).spawn().expect("run command");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes only into the two values we pass, for our own child.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut usage);
        usage
    };
    let elapsed = t.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed"
    );
    (elapsed, usage.ru_maxrss as u64)
}

/// The peak RSS (KiB) of a running process so far (`VmHWM`).
pub fn peak_rss_kib(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The machine's load averages (1, 5 and 15 minutes), to tell a busy
/// machine from a quiet one beside the figures.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Total size of the files under `path`.
pub fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// The number of articles in a veille index (`veille stats --json`);
/// `None` when there is no index there.
pub fn indexed_articles(veille: &Path, index: &Path) -> Option<u64> {
    let out = Command::new(veille)
        .args(["stats", "--json", "--index"])
        .arg(index)
        .stderr(Stdio::null())
        .output()
        .expect("run veille stats");
    if !out.status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    v["articles"].as_u64()
}
