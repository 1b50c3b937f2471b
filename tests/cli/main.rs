//! Integration tests: the built `veille` binary run on real files.
//! One test binary (faster to link), one module per area.

mod analyze;
mod bad_input;
#[path = "../common/mod.rs"]
mod common;
mod dumps;
mod formats;
mod incremental;
mod quality;
mod search;
mod shared_data;
mod skipped;
mod summary;
mod util;
