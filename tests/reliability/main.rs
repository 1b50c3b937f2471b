//! Reliability: what veille survives. Hostile input ([`hostile`]), SIGKILL
//! in the middle of indexing ([`crash`]) and inside a big dump ([`dump`]),
//! several processes on one index ([`concurrency`]) and abusive HTTP
//! clients and load on the daemon ([`abuse`]), all against the built
//! binary.
//!
//! The default `cargo test` runs short versions; the long ones (more kill
//! points, the shared corpora, a 60 s load run) are `#[ignore]`d and run by
//! `scripts/reliability.sh`. Tests print their figures on standard error
//! (`-- --nocapture` shows them).

mod abuse;
#[path = "../common/mod.rs"]
mod common;
mod concurrency;
mod crash;
mod dump;
mod hostile;
mod util;
