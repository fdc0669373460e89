//! Glossary linting: aligned units whose Chinese contains a glossary term but whose English
//! does not use the glossary's rendering.
//!
//! Chinese is matched in simplified form, so a traditional glossary checks simplified text and
//! the other way round. An occurrence inside a longer glossary term is the longer term's (公使
//! in 公使館 is checked as "legation", not as "minister"). English is compared as sequences of
//! lower-cased Snowball stems, so "passports" satisfies "passport" and "Detained" satisfies
//! "detain". When a term has several renderings (a merged glossary), any of them will do.

use crate::units::Unit;
use amur_core::glossary::Glossary;
use amur_core::tokenize::stem_sequence;
use amur_core::tokenize::{Tokenizer, to_simplified};
use std::collections::HashMap;

/// A unit that lacks a glossary rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The unit's reference, `document#bead`.
    pub unit: String,
    /// The Chinese term as the glossary writes it.
    pub term: String,
    /// The glossary's renderings of the term.
    pub expected: Vec<String>,
    /// The unit's English.
    pub en: String,
}

/// A glossary term with all its renderings, ready to match.
#[derive(Debug, Clone)]
struct Entry {
    zh: String,
    simplified: Vec<char>,
    renderings: Vec<(String, Vec<String>)>,
}

/// Whether `needle` occurs as a contiguous run in `hay` (an empty needle never does).
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Glossary terms grouped by simplified Chinese, renderings in glossary order.
fn entries(glossary: &Glossary, tokenizer: &Tokenizer) -> Vec<Entry> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Entry> = Vec::new();
    for t in &glossary.terms {
        let key = to_simplified(t.zh.trim());
        let stems = stem_sequence(&t.en, tokenizer);
        if key.is_empty() || stems.is_empty() {
            continue;
        }
        let i = *index.entry(key.clone()).or_insert_with(|| {
            out.push(Entry {
                zh: t.zh.trim().to_string(),
                simplified: key.chars().collect(),
                renderings: Vec::new(),
            });
            out.len() - 1
        });
        if !out[i].renderings.iter().any(|(_, s)| *s == stems) {
            out[i].renderings.push((t.en.trim().to_string(), stems));
        }
    }
    out
}

/// The entries that occur in `text` (simplified chars) outside longer entries' occurrences,
/// in order of first occurrence.
fn occurring<'a>(text: &[char], entries: &'a [Entry]) -> Vec<&'a Entry> {
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        let n = e.simplified.len();
        if n == 0 || n > text.len() {
            continue;
        }
        for start in 0..=text.len() - n {
            if text[start..start + n] == e.simplified[..] {
                spans.push((start, start + n, k));
            }
        }
    }
    let covered = |&(s, e, _): &(usize, usize, usize)| {
        spans
            .iter()
            .any(|&(s2, e2, _)| s2 <= s && e <= e2 && e2 - s2 > e - s)
    };
    let mut kept: Vec<(usize, usize, usize)> =
        spans.iter().filter(|sp| !covered(sp)).copied().collect();
    kept.sort_unstable();
    let mut seen = Vec::new();
    for (_, _, k) in kept {
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    seen.into_iter().map(|k| &entries[k]).collect()
}

/// Every (unit, term) where the unit's Chinese has the term and its English has none of the
/// term's renderings, in unit order.
pub fn lint(units: &[Unit], glossary: &Glossary) -> Vec<Finding> {
    let tokenizer = Tokenizer::shared();
    let entries = entries(glossary, tokenizer);
    let mut out = Vec::new();
    for u in units {
        let zh: Vec<char> = to_simplified(&u.zh).chars().collect();
        let found = occurring(&zh, &entries);
        if found.is_empty() {
            continue;
        }
        let en = stem_sequence(&u.en, tokenizer);
        for e in found {
            if !e.renderings.iter().any(|(_, s)| contains_run(&en, s)) {
                out.push(Finding {
                    unit: u.reference(),
                    term: e.zh.clone(),
                    expected: e.renderings.iter().map(|(r, _)| r.clone()).collect(),
                    en: u.en.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: usize, zh: &str, en: &str) -> Unit {
        Unit {
            doc: "d".into(),
            id,
            zh: zh.into(),
            en: en.into(),
            at: None,
        }
    }

    fn glossary() -> Glossary {
        amur_tm::glossary_formats::parse_tsv(
            "公使\tminister\n公使館\tlegation\n護照\tpassport\n拘留\tdetain\n外交部\tMinistry of Foreign Affairs\n",
        )
        .unwrap()
    }

    #[test]
    fn inflections_and_case_are_accepted() {
        let units = [
            unit(
                0,
                "華工未領護照者拘留。",
                "Workers without Passports will be DETAINED.",
            ),
            unit(
                1,
                "外交部致公使電。",
                "The Ministry of Foreign Affairs to the Minister.",
            ),
            unit(2, "护照", "passport"),
        ];
        assert_eq!(lint(&units, &glossary()), vec![]);
    }

    #[test]
    fn missing_renderings_are_found() {
        let units = [unit(7, "外交部照會。", "The Foreign Office sent a note.")];
        let f = lint(&units, &glossary());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].unit, "d#7");
        assert_eq!(f[0].term, "外交部");
        assert_eq!(f[0].expected, ["Ministry of Foreign Affairs"]);
    }

    #[test]
    fn a_term_inside_a_longer_term_is_the_longer_ones() {
        let units = [unit(0, "往公使館。", "He went to the legation.")];
        assert_eq!(lint(&units, &glossary()), vec![]);
        let units = [unit(1, "往公使館見公使。", "He saw him at the legation.")];
        let f = lint(&units, &glossary());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].term, "公使");
    }

    #[test]
    fn any_of_several_renderings_will_do() {
        let g = amur_tm::glossary_formats::parse_tsv("交涉\tnegotiations\n交涉\trepresentations\n")
            .unwrap();
        let units = [unit(0, "嚴重交涉。", "Make strong representations.")];
        assert_eq!(lint(&units, &g), vec![]);
    }
}
