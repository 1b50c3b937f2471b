//! Retrieval evaluation (`veille eval`): how good is the ranking, measured
//! against relevance judgments that nobody on the team wrote.
//!
//! Each question of a queries file goes through the same [`Engine`] as
//! `veille search`; its top [`metrics::DEPTH`] hits are scored against TREC
//! qrels with trec_eval's definitions (MRR@10, nDCG@10, MAP@100,
//! Recall@100). Given the documents that were indexed, the same questions
//! also run against plain tantivy over them ([`baseline`]), in the same
//! run, so that the figures can be compared line for line.

pub mod baseline;
pub mod metrics;
pub mod qrels;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use self::baseline::{Analysis, Baseline};
use self::metrics::Summary;
use self::qrels::{Judgments, Qrels, Query};
use crate::error::{Error, Result};
use crate::search::{Engine, SearchOptions};

/// The figures of one system.
#[derive(Debug, Clone, Serialize)]
pub struct SystemReport {
    pub system: String,
    #[serde(flatten)]
    pub summary: Summary,
    /// Queries answered only once every word was made optional (veille only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<usize>,
    /// Time spent running the queries, in seconds.
    pub seconds: f64,
}

/// What an evaluation found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Lines of the queries file.
    pub queries: usize,
    /// Queries evaluated: those with at least one relevant document.
    pub evaluated: usize,
    /// Queries left out because the qrels judge no document relevant for
    /// them (trec_eval does the same).
    pub without_relevant: usize,
    /// Queries of the qrels that the queries file does not have.
    pub judged_not_asked: usize,
    /// veille first, then the baselines.
    pub systems: Vec<SystemReport>,
}

impl Report {
    /// The table for people.
    pub fn write_human(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "{} queries, {} evaluated ({} without a relevant document skipped)",
            self.queries, self.evaluated, self.without_relevant
        )?;
        if self.judged_not_asked > 0 {
            writeln!(
                out,
                "{} judged queries are not in the queries file",
                self.judged_not_asked
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{:<16} {:>7} {:>8} {:>8} {:>10} {:>7} {:>8}",
            "system", "MRR@10", "nDCG@10", "MAP@100", "Recall@100", "no hit", "seconds"
        )?;
        for s in &self.systems {
            let m = &s.summary.means;
            writeln!(
                out,
                "{:<16} {:>7.4} {:>8.4} {:>8.4} {:>10.4} {:>7} {:>8.2}",
                s.system, m.mrr, m.ndcg, m.map, m.recall, s.summary.no_hit, s.seconds
            )?;
        }
        for s in &self.systems {
            if let Some(relaxed) = s.relaxed.filter(|&r| r > 0) {
                writeln!(
                    out,
                    "\n{}: {relaxed} queries had no hit with every word and were answered with any word",
                    s.system
                )?;
            }
        }
        Ok(())
    }

    /// One JSON object on one line.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        writeln!(out)
    }
}

/// Reads a queries file (`id<TAB>question` per line).
pub fn read_queries(path: &Path) -> Result<Vec<Query>> {
    read(path, qrels::parse_queries)
}

/// Reads relevance judgments in TREC qrels format.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    read(path, qrels::parse_qrels)
}

fn read<T>(path: &Path, parse: fn(&Path, &str) -> Result<T, qrels::FormatError>) -> Result<T> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(parse(path, &text)?)
}

/// One system's answers to the evaluated queries.
#[derive(Debug, Clone)]
pub struct Run {
    pub system: String,
    /// Per evaluated query: its id and the documents found, best first,
    /// with their scores.
    pub rankings: Vec<(String, Vec<(String, f32)>)>,
}

impl Run {
    /// The system's name as one word: the last column of its run file, and
    /// the name of that file.
    pub fn tag(&self) -> String {
        self.system.replace(' ', "-")
    }

    /// The rankings in TREC run format: `query Q0 doc rank score system`.
    pub fn write_trec(&self, out: &mut impl Write) -> io::Result<()> {
        let tag = self.tag();
        for (query, ranking) in &self.rankings {
            for (i, (doc, score)) in ranking.iter().enumerate() {
                writeln!(out, "{query} Q0 {doc} {} {score} {tag}", i + 1)?;
            }
        }
        Ok(())
    }
}

/// The figures, and the rankings they come from.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub report: Report,
    /// veille first, then the baselines, as in the report.
    pub runs: Vec<Run>,
}

impl Evaluation {
    /// Writes each system's rankings into `dir` (created if needed) as a
    /// TREC run file named after it: `veille.run`, `tantivy-default.run`,
    /// `tantivy-french.run`.
    pub fn write_runs(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for run in &self.runs {
            let path = dir.join(format!("{}.run", run.tag()));
            let written = fs::File::create(&path).and_then(|file| {
                let mut out = io::BufWriter::new(file);
                run.write_trec(&mut out)?;
                out.flush()
            });
            written.map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

/// Runs every query that has a relevant document through veille (also
/// searching translations when `translate`) and, when `docs` are given,
/// through both plain-tantivy baselines.
pub fn evaluate(
    engine: &Engine,
    queries: &[Query],
    qrels: &Qrels,
    docs: Option<&[baseline::Doc]>,
    translate: bool,
) -> Result<Evaluation> {
    let judged: Vec<(&Query, &Judgments)> = queries
        .iter()
        .filter_map(|q| Some((q, qrels.get(&q.id)?)))
        .filter(|(_, j)| j.relevant() > 0)
        .collect();
    let asked: HashSet<&str> = queries.iter().map(|q| q.id.as_str()).collect();
    let judged_not_asked = qrels
        .by_query
        .keys()
        .filter(|id| !asked.contains(id.as_str()))
        .count();

    let opts = SearchOptions {
        limit: metrics::DEPTH,
        snippets: 0,
        // Judgments are per document: a relevant near-duplicate must count
        // where it ranks, not be folded under another hit.
        group: false,
        translate,
        ..SearchOptions::default()
    };
    let started = Instant::now();
    let answers: Vec<(Vec<(String, f32)>, bool)> = judged
        .par_iter()
        .map(|(q, _)| {
            let results = engine
                .search(&q.text, &opts)
                .map_err(|e| failed("veille", format!("query {}: {:?}", q.id, q.text), e))?;
            let ranking = results
                .hits
                .into_iter()
                .map(|h| (h.id, h.score.unwrap_or(0.0)))
                .collect();
            Ok((ranking, results.relaxed))
        })
        .collect::<Result<_>>()?;
    let elapsed = started.elapsed();
    let relaxed = answers.iter().filter(|(_, r)| *r).count();
    let rankings = answers.into_iter().map(|(r, _)| r).collect();
    let mut runs = vec![(to_run("veille", &judged, rankings), Some(relaxed), elapsed)];

    if let Some(docs) = docs {
        for analysis in Analysis::ALL {
            let name = analysis.name();
            let b = Baseline::build(docs, analysis)
                .map_err(|e| failed(name, "building its index".into(), e.into()))?;
            let started = Instant::now();
            let rankings = judged
                .par_iter()
                .map(|(q, _)| {
                    b.search(&q.text, metrics::DEPTH)
                        .map_err(|e| failed(name, format!("query {}", q.id), e.into()))
                })
                .collect::<Result<_>>()?;
            runs.push((
                to_run(analysis.name(), &judged, rankings),
                None,
                started.elapsed(),
            ));
        }
    }

    let systems = runs
        .iter()
        .map(|(run, relaxed, elapsed)| SystemReport {
            system: run.system.clone(),
            summary: summarise(&judged, run),
            relaxed: *relaxed,
            seconds: (elapsed.as_secs_f64() * 100.0).round() / 100.0,
        })
        .collect();
    Ok(Evaluation {
        report: Report {
            queries: queries.len(),
            evaluated: judged.len(),
            without_relevant: queries.len() - judged.len(),
            judged_not_asked,
            systems,
        },
        runs: runs.into_iter().map(|(run, _, _)| run).collect(),
    })
}

/// A system's failure at one step of the evaluation.
fn failed(system: &str, step: String, source: Error) -> Error {
    Error::Evaluation {
        system: system.to_string(),
        step,
        source: Box::new(source),
    }
}

fn to_run(system: &str, judged: &[(&Query, &Judgments)], rankings: Vec<Vec<(String, f32)>>) -> Run {
    Run {
        system: system.to_string(),
        rankings: judged
            .iter()
            .map(|(q, _)| q.id.clone())
            .zip(rankings)
            .collect(),
    }
}

fn summarise(judged: &[(&Query, &Judgments)], run: &Run) -> Summary {
    let mut summary = Summary::default();
    for ((_, j), (_, ranking)) in judged.iter().zip(&run.rankings) {
        let ids: Vec<&str> = ranking.iter().map(|(d, _)| d.as_str()).collect();
        summary.add(&ids, j);
    }
    summary
}
