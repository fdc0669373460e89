//! `amur tm merge`: the union of several translation memories.
//!
//! Units are kept in input order. A unit with the same source and target text as an earlier
//! one is an exact duplicate and dropped (the first one, with its props, stays). Units with the
//! same source but different targets are all kept: a CAT tool shows each as a match and the
//! translator picks. Each such source is reported as a [`Conflict`], for review.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::Unit;

/// Where a unit came from: the index of its input file and its line there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub line: u64,
}

/// A source text translated differently: each distinct target, where it first appeared.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub source: String,
    pub targets: Vec<(String, Origin)>,
}

impl Conflict {
    /// The conflict for people: the source, then each target after its file and line.
    pub fn describe(&self, files: &[PathBuf]) -> String {
        let mut s = format!("conflicting translations of {:?}:\n", self.source);
        for (target, o) in &self.targets {
            let file = files.get(o.file).map_or_else(
                || format!("input {}", o.file + 1),
                |f| f.display().to_string(),
            );
            let _ = writeln!(s, "  {file}:{}: {target:?}", o.line);
        }
        s
    }
}

/// Merges units fed one by one with [`Merger::add`].
#[derive(Debug, Default)]
pub struct Merger {
    units: Vec<Unit>,
    origins: Vec<Origin>,
    /// For each source text, the indices in `units` of its distinct targets.
    by_source: HashMap<String, Vec<usize>>,
    duplicates: usize,
}

/// The result of a merge.
#[derive(Debug, Default)]
pub struct Merged {
    /// The units kept, in input order.
    pub units: Vec<Unit>,
    /// Exact duplicates dropped.
    pub duplicates: usize,
    /// Sources with several targets, in order of first appearance.
    pub conflicts: Vec<Conflict>,
}

impl Merger {
    pub fn new() -> Merger {
        Merger::default()
    }

    /// Adds a unit read from input file number `file`: kept unless an exact duplicate.
    pub fn add(&mut self, unit: Unit, file: usize) {
        let same_source = self.by_source.entry(unit.source.clone()).or_default();
        if same_source
            .iter()
            .any(|&i| self.units[i].target == unit.target)
        {
            self.duplicates += 1;
            return;
        }
        same_source.push(self.units.len());
        self.origins.push(Origin {
            file,
            line: unit.line,
        });
        self.units.push(unit);
    }

    /// The units kept, the duplicates dropped, the conflicts found.
    pub fn finish(self) -> Merged {
        let mut conflicting: Vec<&Vec<usize>> =
            self.by_source.values().filter(|v| v.len() > 1).collect();
        conflicting.sort_by_key(|v| v[0]);
        let conflicts = conflicting
            .into_iter()
            .map(|indices| Conflict {
                source: self.units[indices[0]].source.clone(),
                targets: indices
                    .iter()
                    .map(|&i| (self.units[i].target.clone(), self.origins[i]))
                    .collect(),
            })
            .collect();
        Merged {
            units: self.units,
            duplicates: self.duplicates,
            conflicts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str, t: &str, line: u64) -> Unit {
        Unit {
            line,
            ..Unit::new(s, t)
        }
    }

    #[test]
    fn drops_exact_duplicates_and_reports_conflicts() {
        let mut m = Merger::new();
        m.add(unit("甲", "A", 1), 0);
        m.add(unit("乙", "B", 2), 0);
        m.add(unit("甲", "A", 7), 1); // duplicate
        m.add(unit("甲", "A.", 8), 1); // conflict
        m.add(unit("乙", "B", 9), 1); // duplicate
        m.add(unit("甲", "A!", 3), 2); // conflict, third target
        m.add(unit("甲", "A.", 4), 2); // duplicate of a conflicting one
        let merged = m.finish();
        let kept: Vec<(&str, &str)> = merged
            .units
            .iter()
            .map(|u| (u.source.as_str(), u.target.as_str()))
            .collect();
        assert_eq!(kept, [("甲", "A"), ("乙", "B"), ("甲", "A."), ("甲", "A!")]);
        assert_eq!(merged.duplicates, 3);
        assert_eq!(merged.conflicts.len(), 1);
        let c = &merged.conflicts[0];
        assert_eq!(c.source, "甲");
        assert_eq!(
            c.targets,
            [
                ("A".to_string(), Origin { file: 0, line: 1 }),
                ("A.".to_string(), Origin { file: 1, line: 8 }),
                ("A!".to_string(), Origin { file: 2, line: 3 }),
            ]
        );
        let files = [PathBuf::from("a.tmx"), PathBuf::from("b.tmx")];
        assert_eq!(
            c.describe(&files),
            "conflicting translations of \"甲\":\n  a.tmx:1: \"A\"\n  b.tmx:8: \"A.\"\n  input 3:3: \"A!\"\n"
        );
    }

    #[test]
    fn conflicts_come_in_order_of_first_appearance() {
        let mut m = Merger::new();
        for (s, t) in [
            ("c", "1"),
            ("b", "1"),
            ("a", "1"),
            ("a", "2"),
            ("c", "2"),
            ("b", "2"),
        ] {
            m.add(unit(s, t, 0), 0);
        }
        let sources: Vec<String> = m.finish().conflicts.into_iter().map(|c| c.source).collect();
        assert_eq!(sources, ["c", "b", "a"]);
    }
}
