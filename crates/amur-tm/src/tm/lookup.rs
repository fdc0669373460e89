//! `amur tm lookup`: fuzzy matches of a sentence in translation memories, scored as CAT tools
//! show them.
//!
//! The score is the normalized Levenshtein similarity over characters (strsim): 1 − edits /
//! length of the longer text, shown as a whole percentage rounded down, so that 100% means an
//! identical source and nothing else does. Traditional and simplified characters are folded
//! (as `tm search` does): the simplified form of a sentence matches its traditional twin at
//! 99%, not 100% (only an identical source is 100%: the CAT tool would still insert the other
//! script's characters).

use super::Unit;
use amur_core::tokenize::to_simplified;

/// The match percentage of two texts with traditional and simplified folded: [`percent`] of
/// the folded texts, at most 99 when the texts themselves differ.
pub fn folded_percent(a: &str, b: &str) -> u32 {
    if a == b {
        return 100;
    }
    percent(&to_simplified(a), &to_simplified(b)).min(99)
}

/// The match percentage of two texts: 100 × (1 − edits / longer length), rounded down; 100 for
/// two empty texts.
pub fn percent(a: &str, b: &str) -> u32 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 100;
    }
    let same = longest - strsim::levenshtein(a, b);
    (same * 100 / longest) as u32
}

/// The best percentage texts of these lengths can reach (at least the length difference is
/// edits), to skip hopeless candidates without scoring them.
fn best_possible(a_len: usize, b_len: usize) -> u32 {
    let (short, long) = (a_len.min(b_len), a_len.max(b_len));
    (short * 100).checked_div(long).map_or(100, |p| p as u32)
}

/// A unit found, its file (index of the input) and its match percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub unit: Unit,
    pub file: usize,
    pub percent: u32,
}

/// The best matches of one query among the units offered.
#[derive(Debug, Clone)]
pub struct Lookup {
    query: String,
    query_len: usize,
    min_percent: u32,
    max_matches: usize,
    /// Best first; among equal percentages, in the order offered.
    best: Vec<Match>,
}

impl Lookup {
    /// Keeps the `max_matches` best units whose source matches `query` at `min_percent` or more.
    pub fn new(query: &str, min_percent: u32, max_matches: usize) -> Lookup {
        let query = query.trim().to_string();
        Lookup {
            query_len: query.chars().count(),
            query,
            min_percent,
            max_matches,
            best: Vec::new(),
        }
    }

    /// Scores `unit` (from input `file`) and keeps it if it is among the best so far. A unit
    /// with the same source and target as one kept is not kept twice.
    pub fn offer(&mut self, unit: Unit, file: usize) {
        if self.max_matches == 0 {
            return;
        }
        // A unit must beat the worst kept once the list is full (ties keep the earlier unit).
        let floor = match self.best.last() {
            Some(worst) if self.best.len() >= self.max_matches => {
                (worst.percent + 1).max(self.min_percent)
            }
            _ => self.min_percent,
        };
        if best_possible(self.query_len, unit.source.chars().count()) < floor {
            return;
        }
        let percent = folded_percent(&self.query, &unit.source);
        if percent < floor
            || self
                .best
                .iter()
                .any(|m| m.unit.source == unit.source && m.unit.target == unit.target)
        {
            return;
        }
        let at = self.best.partition_point(|m| m.percent >= percent);
        self.best.insert(
            at,
            Match {
                unit,
                file,
                percent,
            },
        );
        self.best.truncate(self.max_matches);
    }

    /// The matches, best first.
    pub fn finish(self) -> Vec<Match> {
        self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_as_cat_tools_show_them() {
        assert_eq!(percent("交涉已有結果。", "交涉已有結果。"), 100);
        assert_eq!(percent("", ""), 100);
        assert_eq!(percent("abc", ""), 0);
        // One edit in 8 characters: 87.5% shown as 87%.
        assert_eq!(percent("交涉已經有結果。", "交涉已經有結論。"), 87);
        // Almost identical is still not 100%.
        let long = "a".repeat(300);
        assert_eq!(percent(&long, &format!("{long}b")), 99);
        assert_eq!(percent("𠀀😀", "𠀀x"), 50);
        assert!(best_possible(8, 4) >= percent("交涉已經有結果。", "交涉已經"));
    }

    #[test]
    fn traditional_and_simplified_twins_match_at_99() {
        assert_eq!(folded_percent("伯力華工甚多。", "伯力华工甚多。"), 99);
        assert_eq!(folded_percent("伯力華工甚多。", "伯力華工甚多。"), 100);
        let mut l = Lookup::new("伯力华工甚多。", 90, 5);
        l.offer(unit("伯力華工甚多。"), 0);
        let found: Vec<u32> = l.finish().iter().map(|m| m.percent).collect();
        assert_eq!(found, [99]);
    }

    fn unit(s: &str) -> Unit {
        Unit::new(s, format!("T {s}"))
    }

    #[test]
    fn keeps_the_best_n_above_the_threshold_in_order() {
        let mut l = Lookup::new(" 交涉已經有結果。 ", 50, 2);
        l.offer(unit("交涉已經有結論。"), 0); // 87
        l.offer(unit("無關的句子"), 0); // below 50
        l.offer(unit("交涉已經有結果。"), 1); // 100
        l.offer(unit("交涉已經有結果。"), 2); // same unit again
        l.offer(unit("交涉已有結果"), 0); // 75, pushed out by the two better
        let found: Vec<(u32, usize)> = l.finish().iter().map(|m| (m.percent, m.file)).collect();
        assert_eq!(found, [(100, 1), (87, 0)]);
    }

    #[test]
    fn equal_scores_keep_the_earlier_unit() {
        let mut l = Lookup::new("abcd", 0, 1);
        l.offer(unit("abcx"), 0);
        l.offer(unit("abcy"), 1);
        assert_eq!(l.finish()[0].file, 0);
        let mut l = Lookup::new("abcd", 0, 0);
        l.offer(unit("abcd"), 0);
        assert!(l.finish().is_empty());
    }
}
