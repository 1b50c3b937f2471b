//! Reading the two inputs of an evaluation: the questions, and the
//! relevance judgments (TREC qrels) that say which documents answer them.
//!
//! Both formats are line-based and easy to get subtly wrong (a space instead
//! of a tab, a missing column), so every error names the file and the line.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

/// One question to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: String,
    pub text: String,
}

/// The judged documents of one query: document id → relevance grade.
/// A grade above 0 means relevant; it is also the gain used by nDCG.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judgments {
    grades: HashMap<String, i32>,
}

impl Judgments {
    /// Judgments from `(document, grade)` pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, i32)>) -> Judgments {
        Judgments {
            grades: pairs.into_iter().map(|(d, g)| (d.to_string(), g)).collect(),
        }
    }

    /// The grade of a document: 0 when it was not judged.
    pub fn grade(&self, doc: &str) -> i32 {
        self.grades.get(doc).copied().unwrap_or(0)
    }

    /// Whether a document was judged relevant.
    pub fn is_relevant(&self, doc: &str) -> bool {
        self.grade(doc) > 0
    }

    /// Number of relevant documents.
    pub fn relevant(&self) -> usize {
        self.grades.values().filter(|&&g| g > 0).count()
    }

    /// Grades of the relevant documents, highest first (the ideal ranking).
    pub fn ideal_gains(&self) -> Vec<i32> {
        let mut gains: Vec<i32> = self.grades.values().copied().filter(|&g| g > 0).collect();
        gains.sort_unstable_by(|a, b| b.cmp(a));
        gains
    }
}

/// All judgments, per query id.
#[derive(Debug, Clone, Default)]
pub struct Qrels {
    pub by_query: BTreeMap<String, Judgments>,
}

impl Qrels {
    /// The judgments of a query, if it has any.
    pub fn get(&self, query: &str) -> Option<&Judgments> {
        self.by_query.get(query)
    }
}

/// A malformed line of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for FormatError {}

fn error(file: &Path, line: usize, message: impl Into<String>) -> FormatError {
    FormatError {
        file: file.display().to_string(),
        line,
        message: message.into(),
    }
}

/// Parses a queries file: `id<TAB>question` per line. Blank lines are
/// skipped; `path` only names the file in errors.
pub fn parse_queries(path: &Path, text: &str) -> Result<Vec<Query>, FormatError> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let Some((id, question)) = line.split_once('\t') else {
            return Err(error(path, n, "expected `id<TAB>question`, found no tab"));
        };
        let (id, question) = (id.trim(), question.trim());
        if id.is_empty() {
            return Err(error(path, n, "empty query id"));
        }
        if question.is_empty() {
            return Err(error(path, n, format!("query {id} has no text")));
        }
        if let Some(first) = seen.insert(id.to_string(), n) {
            return Err(error(
                path,
                n,
                format!("query {id} already defined on line {first}"),
            ));
        }
        out.push(Query {
            id: id.to_string(),
            text: question.to_string(),
        });
    }
    Ok(out)
}

/// Parses TREC qrels: `query-id iteration doc-id grade` per line, separated
/// by white space; the iteration column is ignored, as trec_eval does.
/// Blank lines are skipped; `path` only names the file in errors.
pub fn parse_qrels(path: &Path, text: &str) -> Result<Qrels, FormatError> {
    let mut qrels = Qrels::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        let [query, _iteration, doc, grade] = cols[..] else {
            return Err(error(
                path,
                n,
                format!(
                    "expected 4 columns `query-id 0 doc-id grade`, found {}",
                    cols.len()
                ),
            ));
        };
        let grade: i32 = grade.parse().map_err(|_| {
            error(
                path,
                n,
                format!("relevance grade {grade:?} is not an integer"),
            )
        })?;
        if let Some(first) = seen.insert((query.to_string(), doc.to_string()), n) {
            return Err(error(
                path,
                n,
                format!("document {doc} already judged for query {query} on line {first}"),
            ));
        }
        qrels
            .by_query
            .entry(query.to_string())
            .or_default()
            .grades
            .insert(doc.to_string(), grade);
    }
    Ok(qrels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queries(text: &str) -> Result<Vec<Query>, FormatError> {
        parse_queries(Path::new("q.tsv"), text)
    }

    fn qrels(text: &str) -> Result<Qrels, FormatError> {
        parse_qrels(Path::new("qrels.trec"), text)
    }

    #[test]
    fn reads_queries_and_skips_blank_lines() {
        let got = queries("q1\tQuel montant ?\r\n\nq2\t  Qui a gagné\t2003 ?\n").unwrap();
        assert_eq!(
            got,
            [
                Query {
                    id: "q1".into(),
                    text: "Quel montant ?".into()
                },
                Query {
                    id: "q2".into(),
                    text: "Qui a gagné\t2003 ?".into()
                },
            ]
        );
    }

    #[test]
    fn malformed_query_lines_name_file_and_line() {
        let err = queries("q1\tok\nq2 no tab\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.to_string(),
            "q.tsv: line 2: expected `id<TAB>question`, found no tab"
        );
        assert_eq!(queries("\n\t question").unwrap_err().line, 2);
        assert_eq!(queries("q1\t  ").unwrap_err().line, 1);
        let dup = queries("q1\ta\nq1\tb").unwrap_err();
        assert_eq!(dup.line, 2);
        assert!(dup.message.contains("line 1"), "{dup}");
    }

    #[test]
    fn reads_graded_qrels() {
        let q = qrels("q1 0 d1 2\nq1 0 d2 0\n\nq1\t0\td3\t1\nq2 Q0 d1 -1\n").unwrap();
        let j = q.get("q1").unwrap();
        assert_eq!(j.relevant(), 2);
        assert_eq!(j.grade("d1"), 2);
        assert!(!j.is_relevant("d2"));
        assert!(!j.is_relevant("unjudged"));
        assert_eq!(j.ideal_gains(), [2, 1]);
        assert_eq!(q.get("q2").unwrap().relevant(), 0);
        assert!(q.get("q3").is_none());
    }

    #[test]
    fn malformed_qrels_lines_name_file_and_line() {
        let err = qrels("q1 0 d1 1\nq1 0 d2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "qrels.trec: line 2: expected 4 columns `query-id 0 doc-id grade`, found 3"
        );
        let err = qrels("q1 0 d1 yes").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("\"yes\""), "{err}");
        assert_eq!(qrels("q1 0 d1 1 extra").unwrap_err().line, 1);
        let dup = qrels("q1 0 d1 1\nq2 0 d1 1\nq1 0 d1 0").unwrap_err();
        assert_eq!(dup.line, 3);
    }
}
