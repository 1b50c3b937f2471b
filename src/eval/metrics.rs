//! Retrieval metrics, with trec_eval's definitions, so that figures can be
//! compared with those published for other systems.
//!
//! Each function scores one query from its ranking (document ids, best
//! first, each at most once) and its [`Judgments`]. [`Summary`] averages
//! them over the queries that have at least one relevant document: trec_eval
//! skips the others, since no ranking can do well or badly on them. A query
//! that found nothing still counts, with every metric at 0 (trec_eval's
//! `-c`).

use serde::Serialize;

use super::qrels::Judgments;

/// Rank cut-off of MRR and nDCG.
pub const TOP: usize = 10;
/// Rank cut-off of MAP and recall, and the depth of the rankings.
pub const DEPTH: usize = 100;

/// Reciprocal of the rank of the first relevant document within the first
/// `cutoff`, 0 when there is none.
pub fn reciprocal_rank<S: AsRef<str>>(ranking: &[S], judged: &Judgments, cutoff: usize) -> f64 {
    ranking
        .iter()
        .take(cutoff)
        .position(|d| judged.is_relevant(d.as_ref()))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Discounted cumulative gain of grades in rank order: a grade `g` at rank
/// `r` (from 1) adds `g / log2(r + 1)`.
fn dcg(gains: impl Iterator<Item = i32>) -> f64 {
    gains
        .enumerate()
        .filter(|&(_, g)| g > 0)
        .map(|(i, g)| f64::from(g) / ((i + 2) as f64).log2())
        .sum()
}

/// Normalised DCG over the first `cutoff` ranks: the ranking's DCG divided
/// by that of the ideal ranking (every relevant document, highest grade
/// first). The grade is the gain; negative grades count as 0.
pub fn ndcg<S: AsRef<str>>(ranking: &[S], judged: &Judgments, cutoff: usize) -> f64 {
    let ideal = dcg(judged.ideal_gains().into_iter().take(cutoff));
    if ideal == 0.0 {
        return 0.0;
    }
    let actual = dcg(ranking
        .iter()
        .take(cutoff)
        .map(|d| judged.grade(d.as_ref())));
    actual / ideal
}

/// Average precision over the first `cutoff` ranks: the precision at the
/// rank of each relevant document retrieved, summed, divided by the number
/// of relevant documents (retrieved or not).
pub fn average_precision<S: AsRef<str>>(ranking: &[S], judged: &Judgments, cutoff: usize) -> f64 {
    let relevant = judged.relevant();
    if relevant == 0 {
        return 0.0;
    }
    let mut found = 0usize;
    let mut sum = 0.0;
    for (i, d) in ranking.iter().take(cutoff).enumerate() {
        if judged.is_relevant(d.as_ref()) {
            found += 1;
            sum += found as f64 / (i + 1) as f64;
        }
    }
    sum / relevant as f64
}

/// Share of the relevant documents found in the first `cutoff` ranks.
pub fn recall<S: AsRef<str>>(ranking: &[S], judged: &Judgments, cutoff: usize) -> f64 {
    let relevant = judged.relevant();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking
        .iter()
        .take(cutoff)
        .filter(|d| judged.is_relevant(d.as_ref()))
        .count();
    found as f64 / relevant as f64
}

/// The four metrics of one query, or their means over many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    #[serde(rename = "mrr@10")]
    pub mrr: f64,
    #[serde(rename = "ndcg@10")]
    pub ndcg: f64,
    #[serde(rename = "map@100")]
    pub map: f64,
    #[serde(rename = "recall@100")]
    pub recall: f64,
}

/// Scores one query. A document listed twice counts once, at its first rank.
pub fn score<S: AsRef<str>>(ranking: &[S], judged: &Judgments) -> Scores {
    let mut seen = std::collections::HashSet::new();
    let ranking: Vec<&str> = ranking
        .iter()
        .map(AsRef::as_ref)
        .filter(|d| seen.insert(*d))
        .collect();
    Scores {
        mrr: reciprocal_rank(&ranking, judged, TOP),
        ndcg: ndcg(&ranking, judged, TOP),
        map: average_precision(&ranking, judged, DEPTH),
        recall: recall(&ranking, judged, DEPTH),
    }
}

/// Means of the metrics over the evaluated queries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Queries evaluated (those with at least one relevant document).
    pub queries: usize,
    /// Evaluated queries for which the system returned nothing.
    pub no_hit: usize,
    #[serde(flatten)]
    pub means: Scores,
    #[serde(skip)]
    sums: Scores,
}

impl Summary {
    /// Adds one query. Queries without any relevant document are not
    /// counted (trec_eval skips them); returns whether it was.
    pub fn add<S: AsRef<str>>(&mut self, ranking: &[S], judged: &Judgments) -> bool {
        if judged.relevant() == 0 {
            return false;
        }
        let s = score(ranking, judged);
        self.queries += 1;
        self.no_hit += usize::from(ranking.is_empty());
        self.sums.mrr += s.mrr;
        self.sums.ndcg += s.ndcg;
        self.sums.map += s.map;
        self.sums.recall += s.recall;
        let n = self.queries as f64;
        self.means = Scores {
            mrr: self.sums.mrr / n,
            ndcg: self.sums.ndcg / n,
            map: self.sums.map / n,
            recall: self.sums.recall / n,
        };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {
            assert!(close($a, $b), "{} != {}", $a, $b)
        };
    }

    fn binary(relevant: &[&str]) -> Judgments {
        Judgments::from_pairs(relevant.iter().map(|&d| (d, 1)))
    }

    #[test]
    fn reciprocal_rank_of_first_relevant_within_cutoff() {
        let j = binary(&["c", "e"]);
        assert_close!(
            reciprocal_rank(&["a", "b", "c", "d", "e"], &j, 10),
            1.0 / 3.0
        );
        assert_close!(reciprocal_rank(&["e", "c"], &j, 10), 1.0);
        assert_close!(reciprocal_rank(&["a", "b", "c"], &j, 2), 0.0);
        assert_close!(reciprocal_rank::<&str>(&[], &j, 10), 0.0);
        // Rank 10 counts, rank 11 does not.
        let mut ranking: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
        ranking[9] = "c".into();
        assert_close!(reciprocal_rank(&ranking, &j, 10), 0.1);
        ranking.insert(0, "y".into());
        assert_close!(reciprocal_rank(&ranking, &j, 10), 0.0);
    }

    #[test]
    fn ndcg_binary() {
        // One relevant document at rank 2: (1/log2 3) / 1.
        let j = binary(&["b"]);
        assert_close!(ndcg(&["a", "b"], &j, 10), 1.0 / 3f64.log2());
        assert_close!(ndcg(&["b", "a"], &j, 10), 1.0);
        // Two relevant, found at ranks 1 and 3:
        // (1 + 1/log2 4) / (1 + 1/log2 3) = 1.5 / 1.6309298 = 0.9197208.
        let j = binary(&["a", "c"]);
        assert_close!(
            ndcg(&["a", "b", "c"], &j, 10),
            1.5 / (1.0 + 1.0 / 3f64.log2())
        );
        assert!((ndcg(&["a", "b", "c"], &j, 10) - 0.919_720_8).abs() < 1e-7);
        // Cut at 2: only rank 1 counts, the ideal still has two.
        assert_close!(
            ndcg(&["a", "b", "c"], &j, 2),
            1.0 / (1.0 + 1.0 / 3f64.log2())
        );
    }

    #[test]
    fn ndcg_graded() {
        // Grades a=3, b=2, c=1; ranking c, x, a (b missing).
        // DCG = 1/log2 2 + 0 + 3/log2 4 = 1 + 1.5 = 2.5
        // IDCG = 3 + 2/log2 3 + 1/log2 4 = 3 + 1.2618595 + 0.5 = 4.7618595
        let j = Judgments::from_pairs([("a", 3), ("b", 2), ("c", 1), ("x", 0), ("y", -1)]);
        let expected = 2.5 / (3.0 + 2.0 / 3f64.log2() + 0.5);
        assert_close!(ndcg(&["c", "x", "a"], &j, 10), expected);
        assert!((expected - 0.525_005).abs() < 1e-6);
        // A negative grade gains nothing.
        assert_close!(ndcg(&["y", "a"], &j, 10), (3.0 / 3f64.log2()) / 4.761_859_5);
        // The ideal ranking scores 1.
        assert_close!(ndcg(&["a", "b", "c"], &j, 10), 1.0);
        assert_close!(ndcg(&["x"], &Judgments::default(), 10), 0.0);
    }

    #[test]
    fn average_precision_divides_by_all_relevant() {
        // Relevant a, c, z; ranking a, b, c, d: (1/1 + 2/3) / 3 = 0.5555…
        let j = binary(&["a", "c", "z"]);
        assert_close!(
            average_precision(&["a", "b", "c", "d"], &j, 100),
            (1.0 + 2.0 / 3.0) / 3.0
        );
        // Cut at 2: only a. 1/3.
        assert_close!(average_precision(&["a", "b", "c"], &j, 2), 1.0 / 3.0);
        assert_close!(average_precision(&["b", "d"], &j, 100), 0.0);
        // Graded relevance is binary here.
        let g = Judgments::from_pairs([("a", 3), ("b", 0)]);
        assert_close!(average_precision(&["b", "a"], &g, 100), 0.5);
    }

    #[test]
    fn recall_within_cutoff() {
        let j = binary(&["a", "c", "z", "w"]);
        assert_close!(recall(&["a", "b", "c"], &j, 100), 0.5);
        assert_close!(recall(&["a", "b", "c"], &j, 2), 0.25);
        assert_close!(recall(&["a", "b", "c"], &Judgments::default(), 100), 0.0);
    }

    #[test]
    fn score_counts_a_repeated_document_once() {
        let j = binary(&["a", "b"]);
        let s = score(&["a", "a", "b"], &j);
        assert_close!(s.recall, 1.0);
        assert_close!(s.map, 1.0);
        assert_close!(s.ndcg, 1.0);
    }

    #[test]
    fn summary_skips_unjudged_queries_and_counts_empty_rankings() {
        let mut sum = Summary::default();
        // q1: relevant at rank 1. q2: relevant at rank 2 of 2 relevant, the
        // other missing. q3: nothing found. q4: no relevant document.
        assert!(sum.add(&["a"], &binary(&["a"])));
        assert!(sum.add(&["x", "b"], &binary(&["b", "c"])));
        assert!(sum.add::<&str>(&[], &binary(&["a"])));
        assert!(!sum.add(&["a"], &Judgments::from_pairs([("a", 0)])));
        assert_eq!(sum.queries, 3);
        assert_eq!(sum.no_hit, 1);
        assert_close!(sum.means.mrr, (1.0 + 0.5) / 3.0);
        let q2_ndcg = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert_close!(sum.means.ndcg, (1.0 + q2_ndcg) / 3.0);
        assert_close!(sum.means.map, (1.0 + 0.25) / 3.0);
        assert_close!(sum.means.recall, (1.0 + 0.5) / 3.0);
    }
}
