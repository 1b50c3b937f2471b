//! A temporary working folder for one test, and the built `veille` run in
//! it: the way every integration test talks to the program, so that a run,
//! its exit code and its output read the same in every test binary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The built binary.
pub fn veille() -> Command {
    Command::new(env!("CARGO_BIN_EXE_veille"))
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a file, creating its folders.
pub fn write(path: &Path, content: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
    std::fs::write(path, content).expect("write file");
}

/// Sends SIGKILL to a child, if it still runs, and reaps it.
pub fn kill9(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits for a child to exit, at most `timeout`.
pub fn wait_exit(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A temporary working folder for one test, removed when dropped.
///
/// The conventional layout: articles under `docs/`, indexed into `idx/`.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The folder's path.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Absolute path of `rel` inside the fixture.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        write(&self.path(rel), content);
        self
    }

    /// Copies a file, or a folder and everything in it, to `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> &Self {
        let to = self.path(rel);
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", from.display()));
            let inside = entry.path().strip_prefix(from).expect("below the root");
            // `join("")` would add a trailing separator to a file's path.
            let target = if inside.as_os_str().is_empty() {
                to.clone()
            } else {
                to.join(inside)
            };
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("create folders");
            } else {
                write(&target, std::fs::read(entry.path()).expect("read file"));
            }
        }
        self
    }

    /// The text of a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Removes a file.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }

    /// A `veille ARGS` command whose working folder is the fixture.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = veille();
        cmd.args(args).current_dir(self.root());
        cmd
    }

    /// Runs `veille ARGS` here (standard input empty) and waits for it.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run veille"))
    }

    /// `veille index docs --index idx`.
    pub fn index(&self) -> Run {
        self.run(&["index", "docs", "--index", "idx"])
    }

    /// Searches `idx/` with `--json` (found or not), returning the hits.
    pub fn search(&self, query: &str, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["search", query, "--index", "idx", "--json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        run.json_lines()
    }

    /// Ids of the hits for a query in `idx/`, in rank order.
    pub fn hit_ids(&self, query: &str) -> Vec<String> {
        self.search(query, &[])
            .iter()
            .map(|h| h["id"].as_str().expect("id").to_string())
            .collect()
    }

    /// `veille stats --index INDEX --json`, which must succeed.
    pub fn stats(&self, index: &str) -> Value {
        self.run(&["stats", "--index", index, "--json"]).ok().json()
    }

    /// Number of articles in `index`.
    pub fn articles(&self, index: &str) -> u64 {
        self.stats(index)["articles"].as_u64().expect("articles")
    }

    /// Every article of `index`, as `veille export jsonl` writes them.
    pub fn export(&self, index: &str) -> Vec<Value> {
        self.run(&["export", "jsonl", "--index", index])
            .ok()
            .json_lines()
    }

    /// The ids of every article of `index`; panics on a duplicate id.
    pub fn article_ids(&self, index: &str) -> BTreeSet<String> {
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

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
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

    /// Asserts a fatal error: exit code 2 and a message on standard error
    /// that mentions `needle`.
    #[track_caller]
    pub fn fatal(self, needle: &str) -> Run {
        assert_eq!(
            self.code, 2,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(self.stderr.contains(needle), "{needle}: {}", self.stderr);
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

    /// Asserts that a line of standard output (the indexing report) is
    /// about `file` and says `what`.
    #[track_caller]
    pub fn reported(&self, file: &str, what: &str) {
        assert!(
            self.stdout
                .lines()
                .any(|l| l.contains(file) && l.contains(what)),
            "no line about {file} saying {what:?} in:\n{}",
            self.stdout
        );
    }

    /// Parses standard output as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// Parses standard output as JSON Lines.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}
