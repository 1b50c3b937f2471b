//! Integration tests: the built `veille` binary run on real files.
//! One test binary (faster to link), one module per area.

mod analyze;
mod bad_input;
mod capitals;
#[path = "../common/mod.rs"]
mod common;
mod configuration;
mod dumps;
mod formats;
mod incremental;
mod pasted;
mod quality;
mod relative_dates;
mod same_text;
mod search;
mod shared_data;
mod shell;
mod short_items;
mod skipped;
mod summary;
mod translate;
mod util;
mod vanishing;
