//! The article: what every input format is parsed into, before language
//! detection and analysis. Keeping it format-free lets every later stage
//! (detection, indexing, export) ignore where the text came from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One news article as read from a source file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The identifier given by the source (JSON `id`, feed `guid`), if any.
    pub id: Option<String>,
    /// The headline, if the source has one.
    pub title: Option<String>,
    /// A lead or summary (JSON `heading`, `summary`, `description`).
    pub lead: Option<String>,
    /// The main text, plain (markup removed), paragraphs separated by blank lines.
    pub body: String,
    /// Canonical URL of the article.
    pub url: Option<String>,
    /// Publication date.
    pub date: Option<DateTime<Utc>>,
    /// Publisher or site name.
    pub source: Option<String>,
    /// Language declared by the source (as written there, e.g. `fr`, `fr-FR`, `French`).
    pub lang: Option<String>,
    /// Tags or categories.
    pub tags: Vec<String>,
}

impl Article {
    /// True when the article has no text at all worth indexing.
    pub fn is_empty(&self) -> bool {
        self.body.trim().is_empty()
            && self.title.as_deref().is_none_or(|t| t.trim().is_empty())
            && self.lead.as_deref().is_none_or(|t| t.trim().is_empty())
    }
}
