//! What the integration test binaries share, so that each one does not grow
//! its own copy: a temporary folder in which the built `veille` runs
//! ([`Fixture`], [`Run`]), a started `veille serve` and the HTTP calls made
//! to it ([`Server`]), and the one policy for a test that needs something
//! the repository does not hold, a tool or the team's data
//! ([`require_tools`], [`shared_data`]).
//!
//! A binary at the top of `tests/` includes it with `mod common;`, one in a
//! folder with `#[path = "../common/mod.rs"] mod common;`.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a part of these helpers"
)]

mod fixture;
mod needs;
mod server;

pub use fixture::{kill9, repo, veille, wait_exit, write, Fixture, Run};
pub use needs::{note, require_tool, require_tools, shared_data, tool_or, which};
pub use server::{client, enc, fetch_json, get, get_in, get_json, Server};
