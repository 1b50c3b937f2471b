//! The one policy for a test that needs what the repository does not hold:
//! a program (chromedriver, GNU time, a JDK, …) or the team's reference
//! data (`../shared`).
//!
//! - Present: the test runs.
//! - A program missing under CI (`CI` set, as CI services and `.ci/run`
//!   do): the test fails. `.ci/run` installs the tools, so a missing one
//!   there is a broken CI, never a reason to pass.
//! - A program missing elsewhere, or the shared data missing anywhere: the
//!   test says on standard error that it is skipped (or which part it
//!   leaves out) and returns; the line shows in the output of `cargo test`
//!   even though the test passes. The core suite runs on `corpus/` and on
//!   fixtures the tests write; `../shared` only adds checks on real data.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::repo;

/// The variable that names the shared data folder when it is not
/// `../shared` beside the repository (a git worktree kept elsewhere).
const SHARED_ENV: &str = "VEILLE_SHARED";

/// True under CI: `CI` set, and not to an empty string, `0` or `false`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
}

/// Where `program` is: the program itself when given as an absolute path,
/// else the first file of that name in a folder of `PATH`.
// By hand rather than with the `which` crate: a few lines here, against
// one more dependency tree in every test build.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The paths of `programs`; when one is missing, fails under CI, else
/// says the test is skipped and gives `None` (the test then returns).
#[track_caller]
pub fn require_tools<const N: usize>(programs: [&str; N]) -> Option<[PathBuf; N]> {
    find_or(programs, "skipped")
}

/// [`require_tools`] for one program.
#[track_caller]
pub fn require_tool(program: &str) -> Option<PathBuf> {
    require_tools([program]).map(|[path]| path)
}

/// The path of `program`, for a test that can do without it: when it is
/// missing, fails under CI, else says what the test does `instead` (a
/// part left out, a coarser measure) and gives `None`.
#[track_caller]
pub fn tool_or(program: &str, instead: &str) -> Option<PathBuf> {
    find_or([program], instead).map(|[path]| path)
}

#[track_caller]
fn find_or<const N: usize>(programs: [&str; N], instead: &str) -> Option<[PathBuf; N]> {
    let found = programs.map(which);
    let missing: Vec<&str> = programs
        .iter()
        .zip(&found)
        .filter(|(_, path)| path.is_none())
        .map(|(program, _)| *program)
        .collect();
    if missing.is_empty() {
        return Some(found.map(Option::unwrap));
    }
    unavailable(&format!("{} not found", missing.join(" and ")), instead);
    None
}

/// `REL` inside the team's shared data (`../shared`, or the folder that
/// `VEILLE_SHARED` names); when it is absent, says the test is skipped and
/// gives `None`.
#[track_caller]
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let root = std::env::var_os(SHARED_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let path = root.join(rel);
    if path.exists() {
        return Some(path);
    }
    note(&format!(
        "skipped: {} not found (set {SHARED_ENV} to its folder)",
        path.display()
    ));
    None
}

/// The policy itself: a failure under CI, a visible note elsewhere.
#[track_caller]
fn unavailable(what: &str, instead: &str) {
    if in_ci() {
        panic!(
            "{what}, and CI is set: CI provides what the tests need (.ci/run installs \
             the tools, ../shared holds the data), so this is a failure, not a skip"
        );
    }
    note(&format!("{instead}: {what}"));
}

/// Prints `message` on standard error after the running test's name, in
/// the output of `cargo test` whether the test passes or not.
pub fn note(message: &str) {
    // The test harness holds back what `eprintln!` prints and shows it only
    // for a failing test; writing to the process's standard error itself
    // is what makes a skip visible.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "{test}: {message}");
}
