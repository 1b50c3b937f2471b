//! Where the benchmarks find the shared corpora, stated once for both
//! (`veille` and `dumps`).

use std::path::{Path, PathBuf};

/// `$VEILLE_SHARED/data` (a git worktree kept elsewhere names its shared
/// folder so, as for the tests), else `../shared/data` beside the crate;
/// `None`, after saying that the benchmark skips, when it holds no
/// OrangeSum.
pub fn data_or_skip(root: &Path) -> Option<PathBuf> {
    let shared =
        std::env::var_os("VEILLE_SHARED").map_or_else(|| root.join("../shared"), PathBuf::from);
    let data = shared.join("data");
    if data.join("orangesum").exists() {
        Some(data)
    } else {
        println!("skipping: {} not found (set VEILLE_SHARED)", data.display());
        None
    }
}
