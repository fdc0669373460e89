//! Merging glossaries: the union of their entries in input order, duplicates removed, and the
//! Chinese terms that the inputs render differently reported as conflicts.
//!
//! Two entries are duplicates when their Chinese is the same in simplified form and their
//! English is the same ignoring case, spacing and inflection ("treaty", "Treaties"); the first one is kept (an empty comment is
//! filled from a later duplicate). Entries with the same Chinese and different English are all
//! kept: a conflict is for a person to settle, not for the merge to guess.

use amur_core::glossary::{Glossary, Term};
use amur_core::tokenize::to_simplified;
use amur_tm::glossary_formats::{entry_key, normalize_en};
use std::collections::HashMap;
use std::fmt;

/// One Chinese term with more than one English rendering among the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The term as first written.
    pub zh: String,
    /// Each rendering (as first written) with the inputs that give it.
    pub renderings: Vec<(String, Vec<String>)>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .renderings
            .iter()
            .map(|(en, from)| format!("\"{en}\" ({})", from.join(", ")))
            .collect();
        write!(f, "{} → {}", self.zh, parts.join(" | "))
    }
}

/// The result of a merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    pub glossary: Glossary,
    /// Entries dropped as duplicates.
    pub duplicates: usize,
    pub conflicts: Vec<Conflict>,
}

/// Merges named glossaries (the names appear in conflicts), in order.
pub fn merge(inputs: &[(String, Glossary)]) -> Merged {
    let mut out = Merged::default();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (_, g) in inputs {
        for term in &g.terms {
            let key = entry_key(term);
            match index.get(&key) {
                Some(&i) => {
                    out.duplicates += 1;
                    let kept = &mut out.glossary.terms[i];
                    if kept.comment.trim().is_empty() {
                        kept.comment = term.comment.clone();
                    }
                }
                None => {
                    index.insert(key, out.glossary.terms.len());
                    out.glossary.terms.push(term.clone());
                }
            }
        }
    }
    out.conflicts = conflicts(inputs);
    out
}

/// Chinese terms (compared in simplified form) with more than one English rendering, in the
/// order they first appear.
pub fn conflicts(inputs: &[(String, Glossary)]) -> Vec<Conflict> {
    let mut order: Vec<String> = Vec::new();
    let mut found: HashMap<String, Conflict> = HashMap::new();
    for (name, g) in inputs {
        for Term { zh, en, .. } in &g.terms {
            let key = to_simplified(zh.trim());
            let c = found.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                Conflict {
                    zh: zh.clone(),
                    renderings: Vec::new(),
                }
            });
            let norm = normalize_en(en);
            match c
                .renderings
                .iter_mut()
                .find(|(e, _)| normalize_en(e) == norm)
            {
                Some((_, from)) if !from.contains(name) => from.push(name.clone()),
                Some(_) => {}
                None => c.renderings.push((en.clone(), vec![name.clone()])),
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| found.remove(&k))
        .filter(|c| c.renderings.len() > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(tsv: &str) -> Glossary {
        amur_tm::glossary_formats::parse_tsv(tsv).unwrap()
    }

    #[test]
    fn union_without_duplicates() {
        let a = g("伯力\tKhabarovsk\n華工\tChinese workers\n");
        let b = g("华工\tchinese workers\tfrom b\n黑河\tHeihe\n");
        let m = merge(&[("a".into(), a), ("b".into(), b)]);
        let zh: Vec<&str> = m.glossary.terms.iter().map(|t| t.zh.as_str()).collect();
        assert_eq!(zh, ["伯力", "華工", "黑河"]);
        assert_eq!(m.duplicates, 1);
        assert_eq!(m.glossary.terms[1].comment, "from b");
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn conflicting_renderings_are_kept_and_reported() {
        let a = g("交涉\tnegotiations\n伯力\tKhabarovsk\n");
        let b = g("交涉\trepresentations\n伯力\tKhabarovsk\n");
        let c = g("交涉\tNegotiation\n");
        let m = merge(&[
            ("a.tsv".into(), a),
            ("b.tsv".into(), b),
            ("c.tsv".into(), c),
        ]);
        assert_eq!(m.glossary.terms.len(), 3);
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(
            m.conflicts[0].to_string(),
            "交涉 → \"negotiations\" (a.tsv, c.tsv) | \"representations\" (b.tsv)"
        );
    }
}
