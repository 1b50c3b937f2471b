//! Test helpers: a temporary folder of fixtures and a way to run the built
//! `veille` binary inside it.

use std::path::{Path, PathBuf};
use std::process::Output;

pub use crate::common::{veille, write};

/// A temporary working folder for one test.
pub struct Fixture {
    dir: tempfile::TempDir,
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
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

    /// Removes a file.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Runs `veille ARGS` with the fixture as working folder.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(
            veille()
                .args(args)
                .current_dir(self.root())
                .output()
                .expect("run veille"),
        )
    }

    /// Indexes `docs/` into `idx/`.
    pub fn index(&self) -> Run {
        self.run(&["index", "docs", "--index", "idx"])
    }

    /// Searches `idx/` with `--json`, returning the hits.
    pub fn search(&self, query: &str, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["search", query, "--index", "idx", "--json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        run.json_lines()
    }

    /// Ids of the hits for a query.
    pub fn ids(&self, query: &str) -> Vec<String> {
        self.search(query, &[])
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Number of articles in `idx/`.
    pub fn articles(&self) -> u64 {
        let run = self.run(&["stats", "--index", "idx", "--json"]).ok();
        let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
        v["articles"].as_u64().unwrap()
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data/NAME` when present; `None` (and a note) when not.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/{rel} not found");
        None
    }
}

/// The text of every highlighted span of a hit's snippets.
pub fn highlighted(hit: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for s in hit["snippets"].as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        for h in s["highlights"].as_array().unwrap() {
            let a = h[0].as_u64().unwrap() as usize;
            let b = h[1].as_u64().unwrap() as usize;
            out.push(text[a..b].to_string());
        }
    }
    out
}
