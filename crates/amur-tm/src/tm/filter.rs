//! `amur tm filter`: hold weak beads out of a translation memory.
//!
//! A unit whose `x-confidence` (written by `amur align`) is below the threshold is held out;
//! so can be, on request, units without a confidence (from other tools). Units whose
//! confidence is not a number count as having none.

use super::Unit;

/// A confidence filter and what it did so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// Units below this `x-confidence` are held out.
    pub min_confidence: f64,
    /// Hold out units without an `x-confidence` too (by default they are kept).
    pub drop_unscored: bool,
    /// Units kept.
    pub kept: usize,
    /// Units held out for a low confidence.
    pub weak: usize,
    /// Units without a confidence (kept or held out as `drop_unscored` says).
    pub unscored: usize,
}

impl Filter {
    pub fn new(min_confidence: f64, drop_unscored: bool) -> Filter {
        Filter {
            min_confidence,
            drop_unscored,
            ..Filter::default()
        }
    }

    /// Whether `u` stays in the memory; counts it.
    pub fn keep(&mut self, u: &Unit) -> bool {
        let keep = match u.confidence() {
            Some(c) if c < self.min_confidence => {
                self.weak += 1;
                false
            }
            Some(_) => true,
            None => {
                self.unscored += 1;
                !self.drop_unscored
            }
        };
        self.kept += usize::from(keep);
        keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(confidence: Option<&str>) -> Unit {
        let mut u = Unit::new("甲", "A");
        if let Some(c) = confidence {
            u.props.push(("x-confidence".into(), c.into()));
        }
        u
    }

    #[test]
    fn holds_out_weak_units_and_counts() {
        let mut f = Filter::new(0.8, false);
        let kept: Vec<bool> = [Some("0.79"), Some("0.8"), Some("1.00"), None, Some("x")]
            .into_iter()
            .map(|c| f.keep(&unit(c)))
            .collect();
        assert_eq!(kept, [false, true, true, true, true]);
        assert_eq!((f.kept, f.weak, f.unscored), (4, 1, 2));
        let mut f = Filter::new(0.8, true);
        assert!(!f.keep(&unit(None)));
        assert!(f.keep(&unit(Some("0.9"))));
        assert_eq!((f.kept, f.weak, f.unscored), (1, 0, 1));
    }
}
