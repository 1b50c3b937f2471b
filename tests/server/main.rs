//! Integration tests of `veille serve`: the real binary, started on
//! `127.0.0.1:0`, driven with a real HTTP client (and a real browser).
//! One test binary, one module per area.

mod api;
mod bad_params;
mod browser;
#[path = "../common/mod.rs"]
mod common;
mod feed;
mod fixtures;
mod freshness;
mod hostile;
mod lifecycle;
mod page;
mod reading;
mod reading_in_a_browser;
mod same_text;
mod saved;
mod translate;
mod watch_quiet;
