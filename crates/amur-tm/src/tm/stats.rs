//! `amur tm stats`: what a translation memory holds: units, language pairs, exact duplicates,
//! conflicting translations, mean confidence.
//!
//! [`Stats`] is fed one unit at a time and keeps no texts: duplicates and conflicts are found
//! by 64-bit hashes of the texts (one small entry per distinct source), so that memory grows
//! with the number of distinct sources, not with their text: 58 MB for a 1 GB memory of 1.4
//! million units, about 110 MB at 2 million. Two different texts with the same hash would be
//! miscounted; at 2^-64 per pair that does not happen in practice.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::Unit;

/// Counts over a stream of units.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Units read.
    pub units: usize,
    /// Units skipped by the reader (no two languages, a blank side); set by the caller.
    pub skipped: usize,
    /// Units per (source language, target language).
    pub languages: BTreeMap<(String, String), usize>,
    /// Units with the same source and target as an earlier unit.
    pub duplicates: usize,
    /// Sources with more than one distinct target.
    pub conflicts: usize,
    /// Units with an `x-confidence` prop, and the sum of their confidences.
    pub scored: usize,
    confidence_sum: f64,
    /// Hash of each source seen, with the hash of its first target.
    first_target: HashMap<u64, u64>,
    /// (source, target) hashes of sources that have several targets.
    several: HashSet<(u64, u64)>,
}

impl Stats {
    pub fn new() -> Stats {
        Stats::default()
    }

    /// Counts one unit.
    pub fn add(&mut self, u: &Unit) {
        self.units += 1;
        *self
            .languages
            .entry((u.src_lang.clone(), u.tgt_lang.clone()))
            .or_default() += 1;
        if let Some(c) = u.confidence() {
            self.scored += 1;
            self.confidence_sum += c;
        }
        let (source, target) = (hash(&u.source), hash(&u.target));
        match self.first_target.entry(source) {
            Entry::Vacant(e) => {
                e.insert(target);
            }
            Entry::Occupied(e) if *e.get() == target => self.duplicates += 1,
            Entry::Occupied(e) => {
                // The first time a source gets a second target, it becomes a conflict and its
                // targets are tracked pair by pair from then on.
                if self.several.insert((source, *e.get())) {
                    self.conflicts += 1;
                }
                if !self.several.insert((source, target)) {
                    self.duplicates += 1;
                }
            }
        }
    }

    /// Mean `x-confidence` over the units that have one.
    pub fn mean_confidence(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.confidence_sum / self.scored as f64)
    }
}

/// A 64-bit hash of a text, the same in every run.
fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl fmt::Display for Stats {
    /// A few aligned `name  value` lines, each ending in a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "  units        {}", self.units)?;
        if self.skipped > 0 {
            write!(
                f,
                " ({} more skipped: not two languages, or a blank side)",
                self.skipped
            )?;
        }
        writeln!(f)?;
        let langs: Vec<String> = self
            .languages
            .iter()
            .map(|((s, t), n)| format!("{} → {}: {n}", or_unknown(s), or_unknown(t)))
            .collect();
        if !langs.is_empty() {
            writeln!(f, "  languages    {}", langs.join(", "))?;
        }
        writeln!(
            f,
            "  duplicates   {} (same source and target as an earlier unit)",
            self.duplicates
        )?;
        writeln!(
            f,
            "  conflicts    {} (sources translated in more than one way)",
            self.conflicts
        )?;
        match self.mean_confidence() {
            Some(mean) => writeln!(
                f,
                "  confidence   mean {mean:.3} over {} units with x-confidence",
                self.scored
            ),
            None => writeln!(f, "  confidence   no x-confidence props"),
        }
    }
}

fn or_unknown(lang: &str) -> &str {
    if lang.is_empty() { "?" } else { lang }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str, t: &str, confidence: Option<&str>) -> Unit {
        let mut u = Unit::new(s, t);
        u.src_lang = "zh-CN".into();
        u.tgt_lang = "en-US".into();
        if let Some(c) = confidence {
            u.props.push(("x-confidence".into(), c.into()));
        }
        u
    }

    #[test]
    fn counts_duplicates_conflicts_and_confidence() {
        let mut s = Stats::new();
        for u in [
            unit("甲", "A", Some("0.9")),
            unit("甲", "A", Some("0.5")),  // duplicate
            unit("甲", "A2", None),        // conflict 1
            unit("甲", "A3", None),        // same conflict
            unit("甲", "A2", None),        // duplicate
            unit("乙", "B", Some("bad")),  // unscored
            unit("乙", "B2", Some("0.1")), // conflict 2
            unit("丙", "A", None),
        ] {
            s.add(&u);
        }
        assert_eq!(s.units, 8);
        assert_eq!(s.duplicates, 2);
        assert_eq!(s.conflicts, 2);
        assert_eq!(s.scored, 3);
        assert!((s.mean_confidence().unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(s.languages[&("zh-CN".to_string(), "en-US".to_string())], 8);
        let text = s.to_string();
        assert!(text.contains("units        8\n"), "{text}");
        assert!(text.contains("languages    zh-CN → en-US: 8\n"), "{text}");
        assert!(text.contains("duplicates   2 "), "{text}");
        assert!(text.contains("conflicts    2 "), "{text}");
        assert!(text.contains("mean 0.500 over 3 units"), "{text}");
    }

    #[test]
    fn empty_stats() {
        let s = Stats::new();
        assert_eq!(s.mean_confidence(), None);
        assert!(s.to_string().contains("no x-confidence props"));
    }
}
