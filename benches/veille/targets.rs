//! The targets of issue 14, stated once here, and the closing table that
//! sets each measure beside its target and plain tantivy's figure.

use std::fmt::Write;

/// What a target bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    IndexingSpeed,
    IndexSize,
    IndexingRss,
    Reindex,
    InProcessP50,
    InProcessP99,
    CommandP50,
    DaemonRate,
    DaemonP99,
    DaemonErrors,
    DaemonRss,
}

/// A bound on a figure, or on its ratio to plain tantivy's.
#[derive(Debug, Clone, Copy)]
enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

#[derive(Debug, Clone, Copy)]
pub struct Target {
    goal: Goal,
    bound: Bound,
    /// The bound is on veille's figure divided by plain tantivy's.
    relative: bool,
    unit: Unit,
}

/// How a figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    ArticlesPerSecond,
    RequestsPerSecond,
    Megabytes,
    Seconds,
    Milliseconds,
    Count,
}

impl Unit {
    fn show(self, x: f64) -> String {
        match self {
            Unit::ArticlesPerSecond => format!("{x:.0} articles/s"),
            Unit::RequestsPerSecond => format!("{x:.0} req/s"),
            Unit::Megabytes => format!("{x:.0} MB"),
            Unit::Seconds => format!("{x:.2} s"),
            Unit::Milliseconds => format!("{x:.2} ms"),
            Unit::Count => format!("{x:.0}"),
        }
    }
}

const fn target(goal: Goal, bound: Bound, relative: bool, unit: Unit) -> Target {
    Target {
        goal,
        bound,
        relative,
        unit,
    }
}

/// The targets of issue 14. Index sizes are in MB of 10^6 bytes; peak
/// RSS in MB of 2^20 bytes, as the kernel counts it (in KiB).
pub const TARGETS: [Target; 11] = [
    target(
        Goal::IndexingSpeed,
        Bound::AtLeast(0.5),
        true,
        Unit::ArticlesPerSecond,
    ),
    target(Goal::IndexSize, Bound::AtMost(1.5), true, Unit::Megabytes),
    target(
        Goal::IndexingRss,
        Bound::AtMost(400.0),
        false,
        Unit::Megabytes,
    ),
    target(Goal::Reindex, Bound::AtMost(0.3), false, Unit::Seconds),
    target(
        Goal::InProcessP50,
        Bound::AtMost(0.5),
        false,
        Unit::Milliseconds,
    ),
    target(
        Goal::InProcessP99,
        Bound::AtMost(3.0),
        false,
        Unit::Milliseconds,
    ),
    target(
        Goal::CommandP50,
        Bound::AtMost(5.0),
        false,
        Unit::Milliseconds,
    ),
    target(
        Goal::DaemonRate,
        Bound::AtLeast(3000.0),
        false,
        Unit::RequestsPerSecond,
    ),
    target(
        Goal::DaemonP99,
        Bound::AtMost(20.0),
        false,
        Unit::Milliseconds,
    ),
    target(Goal::DaemonErrors, Bound::AtMost(0.0), false, Unit::Count),
    target(
        Goal::DaemonRss,
        Bound::AtMost(200.0),
        false,
        Unit::Megabytes,
    ),
];

impl Target {
    fn of(goal: Goal) -> Target {
        TARGETS
            .into_iter()
            .find(|t| t.goal == goal)
            .expect("every goal has its target")
    }

    fn describe(self) -> String {
        let (sign, x) = match self.bound {
            Bound::AtLeast(x) => ("≥", x),
            Bound::AtMost(x) => ("≤", x),
        };
        if self.relative {
            format!("{sign} {x} × plain tantivy")
        } else {
            format!("{sign} {}", self.unit.show(x))
        }
    }

    fn met(self, x: f64) -> bool {
        match self.bound {
            Bound::AtLeast(b) => x >= b,
            Bound::AtMost(b) => x <= b,
        }
    }
}

/// One line of the closing table.
struct Row {
    measure: String,
    target: Target,
    veille: f64,
    plain: Option<f64>,
}

/// The closing table, filled as the measures come.
#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
}

impl Report {
    /// A measure of veille alone against `goal`'s target.
    pub fn add(&mut self, goal: Goal, measure: impl Into<String>, veille: f64) {
        let target = Target::of(goal);
        assert!(!target.relative, "{goal:?} needs plain tantivy's figure");
        self.rows.push(Row {
            measure: measure.into(),
            target,
            veille,
            plain: None,
        });
    }

    /// A measure of veille and of plain tantivy against `goal`'s target.
    pub fn add_gauged(&mut self, goal: Goal, measure: impl Into<String>, veille: f64, plain: f64) {
        self.rows.push(Row {
            measure: measure.into(),
            target: Target::of(goal),
            veille,
            plain: Some(plain),
        });
    }

    /// The table, in Markdown.
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str("| measure | veille | plain tantivy | target | met |\n");
        out.push_str("| --- | ---: | ---: | --- | --- |\n");
        for row in &self.rows {
            let unit = row.target.unit;
            let (figure, met) = match (row.target.relative, row.plain) {
                (true, Some(plain)) => {
                    let ratio = row.veille / plain;
                    (ratio, format!("{ratio:.3} ×"))
                }
                _ => (row.veille, String::new()),
            };
            let verdict = if row.target.met(figure) { "yes" } else { "no" };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {verdict}{} |",
                row.measure,
                unit.show(row.veille),
                row.plain.map_or_else(|| "–".to_string(), |p| unit.show(p)),
                row.target.describe(),
                if met.is_empty() {
                    met
                } else {
                    format!(" ({met})")
                },
            );
        }
        out
    }
}
