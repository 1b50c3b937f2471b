//! Rendering: how results reach a person or a script.
//!
//! One [`Printer`] is chosen once per command: human-readable text (coloured
//! on a terminal, plain on a pipe), JSON Lines, or TREC run lines. The JSON
//! Lines format is documented on [`JsonHit`]; the README repeats it.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::index::stats::Stats;
use crate::index::writer::{Duplicate, Report};
use crate::ingest::Skip;
use crate::search::snippet::Snippet;
use crate::search::translate;
use crate::search::{Hit, LikeArticles, Results, Similar};

/// ANSI styles used on a terminal.
mod style {
    pub const BOLD: &str = "\x1b[1m";
    pub const DIM: &str = "\x1b[2m";
    pub const MATCH: &str = "\x1b[1;33m";
    pub const PATH: &str = "\x1b[36m";
    pub const WARN: &str = "\x1b[33m";
    pub const RESET: &str = "\x1b[0m";
}

/// The output format of `veille search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printer {
    /// Text for people; `color` adds ANSI styles.
    Human { color: bool },
    /// JSON Lines: one [`JsonHit`] per hit, nothing else on stdout.
    Json,
    /// TREC run lines: `qid Q0 docid rank score veille`.
    Trec,
}

/// One hit in `--json` output (one JSON object per line).
///
/// `highlights` are byte offsets `[start, end)` into the snippet's `text`;
/// `html` is the same text, HTML-escaped, with `<mark>` around matches.
/// `title` is the title shown everywhere: the article's own, or the first
/// words of its text when it has none (`title_from_text` is then true);
/// `title_highlights` and `title_html` mark the query's matches in it as
/// `highlights` and `html` do in a snippet. `query_id` is present only when
/// running a file of queries.
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<&'a str>,
    pub rank: usize,
    pub id: &'a str,
    pub score: Option<f32>,
    pub title: &'a str,
    pub title_from_text: bool,
    pub title_html: String,
    pub title_highlights: &'a [(usize, usize)],
    pub date: Option<String>,
    pub lang: &'a str,
    pub source: Option<&'a str>,
    pub url: Option<&'a str>,
    pub path: &'a str,
    pub snippets: Vec<JsonSnippet<'a>>,
    /// Ids of the other records grouped under this one, exact copies and
    /// near-duplicates (empty with `--all`).
    pub similar: Vec<&'a str>,
    /// The same records, in the same order, with where they are.
    pub also_at: Vec<JsonSimilar<'a>>,
}

/// A record grouped under a hit, in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonSimilar<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<String>,
    pub source: Option<&'a str>,
    pub url: Option<&'a str>,
    pub path: &'a str,
    /// The same text as the hit's (not only a near-duplicate).
    pub same_text: bool,
}

impl<'a> JsonSimilar<'a> {
    /// The JSON view of a grouped record.
    pub fn new(s: &'a Similar) -> JsonSimilar<'a> {
        JsonSimilar {
            id: &s.id,
            title: &s.title,
            date: s.date.map(rfc3339),
            source: s.source.as_deref(),
            url: s.url.as_deref(),
            path: &s.path,
            same_text: s.same_text,
        }
    }
}

/// A date as every output writes it: RFC 3339, UTC, to the second.
fn rfc3339(date: chrono::DateTime<chrono::Utc>) -> String {
    date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A snippet in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonSnippet<'a> {
    pub text: &'a str,
    pub html: String,
    pub highlights: &'a [(usize, usize)],
}

impl<'a> JsonHit<'a> {
    /// The JSON view of a hit.
    pub fn new(hit: &'a Hit, query_id: Option<&'a str>) -> JsonHit<'a> {
        JsonHit {
            query_id,
            rank: hit.rank,
            id: &hit.id,
            score: hit.score,
            title: &hit.title,
            title_from_text: hit.title_from_text,
            title_html: hit.title_html(),
            title_highlights: &hit.title_highlights,
            date: hit.date.map(rfc3339),
            lang: &hit.lang,
            source: hit.source.as_deref(),
            url: hit.url.as_deref(),
            path: &hit.path,
            snippets: hit.snippets.iter().map(JsonSnippet::new).collect(),
            similar: hit.similar.iter().map(|s| s.id.as_str()).collect(),
            also_at: hit.similar.iter().map(JsonSimilar::new).collect(),
        }
    }
}

impl<'a> JsonSnippet<'a> {
    fn new(s: &'a Snippet) -> JsonSnippet<'a> {
        JsonSnippet {
            text: &s.text,
            html: s.html(),
            highlights: &s.highlights,
        }
    }
}

impl Printer {
    /// Prints the results of one query. Notices meant for people (relaxed
    /// matching, lenient parsing) go to `err` in machine formats.
    pub fn results(
        &self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        results: &Results,
        query_id: Option<&str>,
    ) -> io::Result<()> {
        match *self {
            Printer::Json => {
                notices(err, results, false)?;
                for hit in &results.hits {
                    serde_json::to_writer(&mut *out, &JsonHit::new(hit, query_id))?;
                    out.write_all(b"\n")?;
                }
                Ok(())
            }
            Printer::Trec => {
                notices(err, results, false)?;
                let qid = query_id.unwrap_or("1");
                for hit in &results.hits {
                    let id: String = hit.id.split_whitespace().collect::<Vec<_>>().join("_");
                    writeln!(
                        out,
                        "{qid} Q0 {id} {} {:.6} veille",
                        hit.rank,
                        hit.score.unwrap_or(0.0)
                    )?;
                }
                Ok(())
            }
            Printer::Human { color } => human(out, results, color),
        }
    }

    /// Prints the articles like one article: as a search's hits, after the
    /// article's own copies and near-duplicates (on `err` in machine
    /// formats, as a note).
    pub fn like(
        &self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        like: &LikeArticles,
    ) -> io::Result<()> {
        let color = matches!(self, Printer::Human { color: true });
        let s = |code: &'static str| if color { code } else { "" };
        match self {
            Printer::Human { .. } => {
                writeln!(
                    out,
                    "Articles like {}{}{} ({})",
                    s(style::BOLD),
                    like.title,
                    s(style::RESET),
                    like.id
                )?;
                if !like.near_duplicates.is_empty() {
                    writeln!(
                        out,
                        "{}The same story, left out: {}{}",
                        s(style::DIM),
                        like.near_duplicates.len(),
                        s(style::RESET)
                    )?;
                    for other in &like.near_duplicates {
                        other_record(out, "  ", other, color)?;
                    }
                }
                writeln!(out)?;
            }
            Printer::Json | Printer::Trec => {
                if !like.near_duplicates.is_empty() {
                    let ids: Vec<&str> =
                        like.near_duplicates.iter().map(|s| s.id.as_str()).collect();
                    writeln!(
                        err,
                        "note: the same story as {}, left out: {}",
                        like.id,
                        ids.join(", ")
                    )?;
                }
            }
        }
        self.results(out, err, &like.results, None)
    }
}

fn notices(err: &mut dyn Write, results: &Results, color: bool) -> io::Result<()> {
    let (w, r) = if color {
        (style::WARN, style::RESET)
    } else {
        ("", "")
    };
    for warning in &results.warnings {
        writeln!(err, "{w}warning: {warning}{r}")?;
    }
    for suggestion in &results.suggestions {
        writeln!(err, "{w}did you mean: {suggestion}{r}")?;
    }
    if !results.translated.is_empty() {
        writeln!(
            err,
            "{w}also searched: {}{r}",
            translate::describe(&results.translated)
        )?;
    }
    if results.relaxed {
        writeln!(
            err,
            "{w}note: no article contains every word of {:?}; showing articles with any of them{r}",
            results.query
        )?;
    }
    Ok(())
}

/// The number of results as said: the count, or `10,000+` (grouped as
/// the page writes it in English) when only a lower bound is known.
fn shown_total(results: &Results) -> String {
    if results.total_exact {
        results.total.to_string()
    } else {
        format!(
            "{}+",
            crate::server::i18n::Ui::En.number(results.total as u64)
        )
    }
}

fn human(out: &mut dyn Write, results: &Results, color: bool) -> io::Result<()> {
    let s = |code: &'static str| if color { code } else { "" };
    if results.hits.is_empty() {
        if results.total == 0 {
            writeln!(out, "No results for {:?}.", results.query)?;
            notices(out, results, color)?;
        } else {
            writeln!(
                out,
                "{} results for {:?}; none on this page.",
                shown_total(results),
                results.query
            )?;
        }
        return Ok(());
    }
    notices(out, results, color)?;
    let first = results.hits[0].rank;
    let last = results.hits[results.hits.len() - 1].rank;
    writeln!(
        out,
        "{}{} result{} for {:?}, showing {first}–{last} ({} ms){}",
        s(style::DIM),
        shown_total(results),
        if results.total == 1 && results.total_exact {
            ""
        } else {
            "s"
        },
        results.query,
        results.took.as_millis(),
        s(style::RESET)
    )?;
    for hit in &results.hits {
        writeln!(out)?;
        writeln!(
            out,
            "{:>3}. {}{}{}",
            hit.rank,
            s(style::BOLD),
            marked(&hit.title, &hit.title_highlights, color, style::BOLD),
            s(style::RESET)
        )?;
        let mut meta = vec![hit.lang.clone()];
        if let Some(d) = hit.date {
            meta.push(d.format("%Y-%m-%d").to_string());
        }
        if let Some(src) = &hit.source {
            meta.push(src.clone());
        }
        if let Some(score) = hit.score {
            meta.push(format!("score {score:.2}"));
        }
        writeln!(
            out,
            "     {}{}{}",
            s(style::DIM),
            meta.join(" · "),
            s(style::RESET)
        )?;
        let location = hit.url.as_deref().unwrap_or(&hit.path);
        writeln!(
            out,
            "     {}{}{}",
            s(style::PATH),
            location,
            s(style::RESET)
        )?;
        if !hit.similar.is_empty() {
            writeln!(
                out,
                "     {}{} similar:{}",
                s(style::DIM),
                hit.similar.len(),
                s(style::RESET)
            )?;
            // An exact copy is the same story at another place; a
            // near-duplicate, another version of it.
            for other in &hit.similar {
                other_record(out, "       ", other, color)?;
            }
        }
        for snippet in &hit.snippets {
            let line = marked(&snippet.text, &snippet.highlights, color, "");
            writeln!(out, "     {line}")?;
        }
    }
    Ok(())
}

/// `text` with its `highlights` in the style of matches (on a terminal),
/// going back to the style `around` after each.
/// One line for another record of a story: where it is, and its id; an
/// exact copy is the same story at another place ("also at").
fn other_record(
    out: &mut dyn Write,
    indent: &str,
    other: &crate::search::hits::Similar,
    color: bool,
) -> io::Result<()> {
    let s = |code: &'static str| if color { code } else { "" };
    writeln!(
        out,
        "{indent}{}{}{}{} · {}{}",
        if other.same_text { "also at " } else { "" },
        s(style::PATH),
        other.location(),
        s(style::DIM),
        other.id,
        s(style::RESET)
    )
}

fn marked(text: &str, highlights: &[(usize, usize)], color: bool, around: &str) -> String {
    if !color {
        return text.to_string();
    }
    let mut line = String::with_capacity(text.len() + 16 * highlights.len());
    let mut at = 0;
    for &(a, b) in highlights {
        line.push_str(&text[at..a]);
        line.push_str(style::MATCH);
        line.push_str(&text[a..b]);
        line.push_str(style::RESET);
        line.push_str(around);
        at = b;
    }
    line.push_str(&text[at..]);
    line
}

/// Prints statistics as text.
pub fn stats_human(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "articles:   {}", stats.articles)?;
    writeln!(out, "files:      {}", stats.files)?;
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map_or("-".to_string(), |d| d.format("%Y-%m-%d").to_string())
    };
    writeln!(
        out,
        "dates:      {} to {}",
        date(stats.first_date),
        date(stats.last_date)
    )?;
    writeln!(out, "index size: {}", human_bytes(stats.index_bytes))?;
    writeln!(
        out,
        "updated:    {}",
        stats.updated.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "languages:")?;
    let mut langs: Vec<_> = stats.languages.iter().collect();
    langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (code, n) in langs {
        let name = crate::analysis::lang::lookup(code).map_or("undetermined", |l| l.name);
        writeln!(out, "  {code:<4} {n:>8}  {name}")?;
    }
    writeln!(out, "sources:")?;
    let mut sources: Vec<_> = stats.sources.iter().collect();
    sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (name, n) in sources {
        writeln!(out, "  {n:>8}  {name}")?;
    }
    Ok(())
}

/// Prints statistics as one JSON object.
pub fn stats_json(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    let fmt = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(rfc3339);
    let value = serde_json::json!({
        "articles": stats.articles,
        "files": stats.files,
        "languages": stats.languages,
        "sources": stats.sources,
        "first_date": fmt(stats.first_date),
        "last_date": fmt(stats.last_date),
        "index_bytes": stats.index_bytes,
        "updated": stats.updated,
    });
    serde_json::to_writer(&mut *out, &value)?;
    writeln!(out)
}

/// Prints the summary of an indexing run.
pub fn index_report(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    if let Some(why) = &report.created {
        writeln!(out, "{why}")?;
    }
    for (path, problem) in &report.walk_problems {
        writeln!(out, "warning: {}: {problem}", path.display())?;
    }
    for (path, warning) in &report.warnings {
        writeln!(out, "warning: {path}: {warning}")?;
    }
    for (path, skip) in &report.skipped {
        writeln!(out, "skipped: {path}: {skip}{}", skip_hint(skip))?;
    }
    for d in &report.duplicates {
        writeln!(
            out,
            "duplicate: {}: {:?} is {} again (same id, same text): indexed once",
            d.path,
            d.article,
            original(d)
        )?;
    }
    for d in &report.same_text {
        writeln!(
            out,
            "same text: {}: {:?} has the same text as {}: both kept, shown as one hit",
            d.path,
            d.article,
            original(d)
        )?;
    }
    writeln!(
        out,
        "files: {} added, {} updated, {} removed, {} unchanged{}, {} duplicate article{}, {} skipped",
        report.files_added,
        report.files_updated,
        report.files_removed,
        report.files_unchanged,
        if report.files_touched > 0 {
            format!(" ({} only touched)", report.files_touched)
        } else {
            String::new()
        },
        report.duplicates.len(),
        if report.duplicates.len() == 1 { "" } else { "s" },
        report.skipped.len(),
    )?;
    if !report.not_indexed.is_empty() {
        writeln!(out, "not indexed: {}", not_indexed(report))?;
    }
    let mut langs: Vec<_> = report.languages.iter().collect();
    langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let langs: Vec<String> = langs.iter().map(|(l, n)| format!("{l} {n}")).collect();
    writeln!(
        out,
        "articles: {} added{}, {} removed, {} in the index{}",
        report.articles_added,
        if report.same_text.is_empty() {
            String::new()
        } else {
            format!(" ({} with the text of another)", report.same_text.len())
        },
        report.articles_removed,
        report.articles_total,
        if langs.is_empty() {
            String::new()
        } else {
            format!(" (added by language: {})", langs.join(", "))
        }
    )?;
    writeln!(out, "took {:.2} s", report.elapsed.as_secs_f64())
}

/// How to let a skipped file in, when an option can.
fn skip_hint(skip: &Skip) -> String {
    match skip {
        Skip::TooLarge { size, .. } => {
            // `--max-file-size` counts megabytes of 1024 × 1024 bytes.
            let mb = size.div_ceil(1024 * 1024);
            format!("; run `veille index` with --max-file-size {mb} to index it")
        }
        _ => String::new(),
    }
}

/// The article a duplicate repeats, named like the other paths: its file,
/// with `#N` for the Nth article of a file when that is its id, or its own
/// id and its file.
fn original(d: &Duplicate) -> String {
    // An id made from the path inside the folder ("md/a.md", "feed.jsonl#2").
    let (base, nth) = match d.of.rsplit_once('#') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            (base, Some(n))
        }
        _ => (d.of.as_str(), None),
    };
    let of_path = Path::new(&d.of_path);
    if !base.is_empty() && of_path.ends_with(base) {
        match nth {
            Some(n) => format!("{}#{n}", d.of_path),
            None => d.of_path.clone(),
        }
    } else {
        format!("{} in {}", d.of, d.of_path)
    }
}

/// "3 .pdf, 2 .docx, 1 without extension": most frequent first, files
/// without an extension last among equals.
fn not_indexed(report: &Report) -> String {
    let mut counts: Vec<(&String, &usize)> = report.not_indexed.iter().collect();
    counts.sort_by(|a, b| {
        let no_ext = |e: &str| e.is_empty();
        b.1.cmp(a.1)
            .then(no_ext(a.0).cmp(&no_ext(b.0)))
            .then(a.0.cmp(b.0))
    });
    counts
        .iter()
        .map(|(ext, n)| match ext.as_str() {
            "" => format!("{n} without extension"),
            ext => format!("{n} {ext}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Bytes as a short human figure.
pub fn human_bytes(n: u64) -> String {
    const UNITS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_total_is_said_with_a_plus() {
        let mut results = Results {
            query: "fusée".into(),
            total: crate::search::engine::COUNT_BOUND,
            total_exact: false,
            hits: Vec::new(),
            relaxed: false,
            warnings: Vec::new(),
            suggestions: Vec::new(),
            facets: None,
            translated: Vec::new(),
            took: std::time::Duration::ZERO,
        };
        let said = |r: &Results| {
            let mut out = Vec::new();
            human(&mut out, r, false).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert!(
            said(&results).starts_with("10,000+ results for"),
            "{}",
            said(&results)
        );
        results.total_exact = true;
        assert!(
            said(&results).starts_with("10000 results for"),
            "{}",
            said(&results)
        );
    }
}
