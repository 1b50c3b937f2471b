//! Search: from what a user types to a page of ranked hits with snippets.
//!
//! Where each step lives:
//!
//! - [`query`]: the query language, parsed into words, phrases and filters;
//! - [`ranking`]: what a query word is looked up as, in which fields, with
//!   which weights, and which words are required (with [`presence`], the
//!   BM25 statistics over the segments that hold each language, and
//!   [`disjunction`], the "any of these" of a word's fields and chains);
//! - [`filters`]: which articles may be returned at all (languages,
//!   sources, dates);
//! - [`engine`]: opening and reloading the index, and running a search
//!   from the query text to the [`Results`];
//! - [`grouping`]: near-duplicate articles shown as one hit;
//! - [`hits`] and [`snippet`]: what each hit shows;
//! - [`facets`]: counts per language, source and month;
//! - [`similar`]: the articles most like a given one ("more like this");
//! - [`suggest`]: "did you mean", when nothing was found;
//! - [`translate`]: query words also searched as their translations.
//! - [`when`]: the dates a search is limited by, calendar or relative.

pub mod disjunction;
pub mod engine;
pub mod facets;
pub mod filters;
#[cfg(test)]
mod fixture;
pub mod grouping;
pub mod hits;
pub mod presence;
pub mod query;
pub mod ranking;
pub mod similar;
pub mod snippet;
pub mod suggest;
pub mod translate;
pub mod when;

pub use engine::{Engine, Results, SearchOptions, Sort, MAX_LIMIT};
pub use hits::{Hit, Similar};
pub use similar::LikeArticles;
