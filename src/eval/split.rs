//! Two fixed halves of a queries file, so that a ranking change tuned on
//! one half can be measured on the other.
//!
//! A ranking tuned and measured on the same questions overstates how well
//! it does on questions it has not seen. Each query falls in one half by a
//! hash of its id alone, so the halves never change with the order of the
//! file, with the queries around it, or between runs and machines; blake3
//! is fixed by its specification, unlike the standard library's hasher.

use serde::Serialize;

/// One half of the queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Half {
    /// The half that ranking settings may be tuned on.
    Tuning,
    /// The half kept apart: only measured, never tuned on.
    HeldOut,
}

impl Half {
    /// The half of the query with this id: the parity of the first byte of
    /// the blake3 hash of the id.
    pub fn of(id: &str) -> Half {
        if blake3::hash(id.as_bytes()).as_bytes()[0].is_multiple_of(2) {
            Half::Tuning
        } else {
            Half::HeldOut
        }
    }

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Half::Tuning => "tuning",
            Half::HeldOut => "held-out",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_s_half_depends_on_its_id_only_and_both_halves_fill() {
        let ids: Vec<String> = (0..1000).map(|i| format!("q{i}")).collect();
        let tuning = ids.iter().filter(|id| Half::of(id) == Half::Tuning).count();
        assert!((400..600).contains(&tuning), "{tuning}");
        // Fixed by the hash's specification: a change of hash would move
        // queries between the halves and void every held-out figure.
        use Half::{HeldOut, Tuning};
        let halves = ["q0", "q1", "q2", "q3", "p140295443291520"].map(Half::of);
        assert_eq!(halves, [HeldOut, HeldOut, Tuning, HeldOut, HeldOut]);
    }
}
