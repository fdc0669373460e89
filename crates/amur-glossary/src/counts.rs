//! Counting candidate phrases over aligned units, for term extraction.
//!
//! Chinese candidates are the word n-grams that jieba's cuts give anywhere in the corpus, but
//! they are counted as substrings of every unit: jieba cuts 阿穆爾省長 as 阿穆爾/省長, so the
//! n-grams alone would miss 阿穆爾省 there. English candidates are counted as the n-grams
//! they are, since English marks its word boundaries.

use crate::phrases::{Known, Phrase, en_phrases, han_chunks, zh_phrases};
use crate::units::Unit;
use amur_core::tokenize::Tokenizer;
use rayon::prelude::*;
use std::collections::HashMap;

/// Longest Chinese candidate, in characters.
const MAX_ZH_CHARS: usize = 12;

/// Interned phrases of one language with their counts and written forms.
#[derive(Debug, Default)]
pub struct Vocab {
    pub ids: HashMap<String, u32>,
    pub keys: Vec<String>,
    pub freq: Vec<usize>,
    /// Words (Chinese) or content words (English), the fewest seen.
    pub size: Vec<usize>,
    /// Seen as whole words at least once (not only with a character trimmed off).
    pub natural: Vec<bool>,
    /// Written form → (occurrences not starting a sentence, occurrences starting one).
    surfaces: Vec<HashMap<String, (usize, usize)>>,
}

impl Vocab {
    /// The id of a phrase type, numbering it if new.
    fn intern(&mut self, p: &Phrase) -> u32 {
        if let Some(&id) = self.ids.get(&p.key) {
            let i = id as usize;
            self.size[i] = self.size[i].min(p.size);
            self.natural[i] |= !p.trimmed;
            return id;
        }
        let id = self.keys.len() as u32;
        self.ids.insert(p.key.clone(), id);
        self.keys.push(p.key.clone());
        self.freq.push(0);
        self.size.push(p.size);
        self.natural.push(!p.trimmed);
        self.surfaces.push(HashMap::new());
        id
    }

    /// Counts one occurrence written as `surface`.
    fn record(&mut self, id: u32, surface: &str, initial: bool) {
        let i = id as usize;
        self.freq[i] += 1;
        let s = self.surfaces[i].entry(surface.to_string()).or_default();
        if initial {
            s.1 += 1;
        } else {
            s.0 += 1;
        }
    }

    fn add(&mut self, p: &Phrase) -> u32 {
        let id = self.intern(p);
        self.record(id, &p.surface, p.initial);
        id
    }

    /// The most frequent written form, preferring occurrences that do not start a sentence
    /// (whose capital is not the word's own) and forms that are not possessives ("Jia Lian",
    /// not "Jia Lian's"); ties go to the smallest form.
    pub fn surface(&self, id: u32) -> String {
        let forms = &self.surfaces[id as usize];
        let inner = forms.values().any(|c| c.0 > 0);
        let plain = forms.keys().any(|s| !is_possessive(s));
        forms
            .iter()
            .filter(|(s, _)| !plain || !is_possessive(s))
            .map(|(s, c)| (if inner { c.0 } else { c.1 }, s))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

/// An English form ending in a possessive 's.
fn is_possessive(s: &str) -> bool {
    s.ends_with("'s") || s.ends_with("’s")
}

/// Phrase counts of one unit: (phrase id, occurrences), sorted by id.
pub type Bag = Vec<(u32, usize)>;

fn bag(ids: impl Iterator<Item = u32>) -> Bag {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for id in ids {
        *counts.entry(id).or_default() += 1;
    }
    let mut bag: Bag = counts.into_iter().collect();
    bag.sort_unstable();
    bag
}

/// Whether a bag has the phrase.
pub fn has(bag: &Bag, id: u32) -> bool {
    bag.binary_search_by_key(&id, |&(i, _)| i).is_ok()
}

/// The counted candidates of a corpus: both vocabularies and each unit's bags.
#[derive(Debug, Default)]
pub struct Counts {
    pub zh: Vocab,
    pub en: Vocab,
    pub zh_bags: Vec<Bag>,
    pub en_bags: Vec<Bag>,
    /// Each unit's Chinese, simplified.
    pub zh_texts: Vec<String>,
}

impl Counts {
    /// Counts the candidates of every unit.
    pub fn new(units: &[Unit], tokenizer: &Tokenizer, single_char: bool, known: &Known) -> Counts {
        let phrases: Vec<(Vec<Phrase>, Vec<Phrase>)> = units
            .par_iter()
            .map(|u| {
                (
                    zh_phrases(&u.zh, tokenizer, single_char, known),
                    en_phrases(&u.en, tokenizer),
                )
            })
            .collect();
        let mut c = Counts::default();
        for (zh, en) in &phrases {
            for p in zh.iter().filter(|p| p.key.chars().count() <= MAX_ZH_CHARS) {
                c.zh.intern(p);
            }
            c.en_bags.push(bag(en.iter().map(|p| c.en.add(p))));
        }
        let min_chars = if single_char { 1 } else { 2 };
        for u in units {
            let found = zh_substrings(&u.zh, &c.zh.ids, min_chars);
            for (id, surface) in &found {
                c.zh.record(*id, surface, false);
            }
            c.zh_bags.push(bag(found.into_iter().map(|(id, _)| id)));
            c.zh_texts.push(amur_core::tokenize::to_simplified(&u.zh));
        }
        c
    }
}

/// Every occurrence of a known Chinese phrase inside the Han stretches of a text (nested and
/// overlapping ones included), with its written form.
pub fn zh_substrings(
    text: &str,
    ids: &HashMap<String, u32>,
    min_chars: usize,
) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for chunk in han_chunks(text) {
        let n = chunk.simplified.len();
        for start in 0..n {
            for end in start + min_chars..=(start + MAX_ZH_CHARS).min(n) {
                let key: String = chunk.simplified[start..end].iter().collect();
                if let Some(&id) = ids.get(&key) {
                    out.push((id, chunk.original[start..end].iter().collect()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(zh: &str, en: &str) -> Unit {
        Unit {
            doc: "d".into(),
            id: 0,
            zh: zh.into(),
            en: en.into(),
            at: None,
        }
    }

    #[test]
    fn chinese_is_counted_as_substrings_across_scripts() {
        let units = [
            unit("阿穆爾省各金礦", "gold mines of the Amur oblast"),
            unit("阿穆爾省長", "Governor of the Amur oblast"),
            unit("阿穆尔省", "Amur oblast"),
        ];
        let c = Counts::new(&units, Tokenizer::shared(), false, &Known::default());
        let id = c.zh.ids["阿穆尔省"];
        assert_eq!(c.zh.freq[id as usize], 3);
        assert_eq!(c.zh.surface(id), "阿穆爾省");
        let e = c.en.ids["amur oblast"];
        assert_eq!(c.en.freq[e as usize], 3);
        assert_eq!(c.en.surface(e), "Amur oblast");
        assert!(has(&c.zh_bags[1], id) && has(&c.en_bags[1], e));
    }
}
