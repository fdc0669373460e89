//! The corpus lexicon: translations learned from the confident beads of many document pairs
//! aligned together (`amur batch`, `amur eval --run`), used when they are aligned again, and
//! kept in a readable TSV file that the user may edit (`--lexicon FILE`).
//!
//! A document pair already learns from itself ([`crate::pipeline`]: Dice over its first
//! pass's beads); a corpus sees each word in many more beads, across documents. Here every
//! bead of one Chinese sentence whose confidence reaches a threshold counts as one
//! observation of its Chinese words and English content stems; a word's rendering is the stem
//! most associated with it (by Dice, by the log-likelihood ratio or by IBM Model 1's
//! translation probability, [`Measure`]), seen in at least [`MIN_BEADS`] beads together.

use crate::bead::Alignment;
use crate::tokenize::{Tokenizer, is_han, is_stop_word, to_simplified};
use rustc_hash::FxHashMap as HashMap;

/// Beads a word and a stem must share before the pair is learned.
pub const MIN_BEADS: u32 = 2;

/// One learned (or user-written) translation: a simplified Chinese word and the English
/// words that render it (all of whose content stems must appear in the English span). An
/// entry whose English is `-` keeps the word from being learned.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub zh: String,
    pub en: String,
    /// The association's strength (Dice, or the log-likelihood ratio); 0 for a user's entry.
    pub score: f64,
    /// Beads that showed the pair.
    pub beads: u32,
}

impl Entry {
    /// Whether the entry keeps its word from being learned instead of rendering it.
    pub fn blocks(&self) -> bool {
        self.en.trim() == "-"
    }
}

/// Entries by Chinese word, one rendering a word at most from learning (a user may add more).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusLexicon {
    pub entries: Vec<Entry>,
}

/// A malformed line of a lexicon file; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {msg}")]
pub struct ParseError {
    pub line: usize,
    pub msg: String,
}

/// The first line of a lexicon file.
const HEADER: &str = "# amur lexicon: zh\ten\tscore\tbeads";

impl CorpusLexicon {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The TSV text: a comment line, then `zh<TAB>en<TAB>score<TAB>beads` per entry, by word.
    pub fn to_tsv(&self) -> String {
        let mut out = String::from(HEADER);
        out.push('\n');
        for e in &self.entries {
            out.push_str(&format!(
                "{}\t{}\t{:.3}\t{}\n",
                e.zh, e.en, e.score, e.beads
            ));
        }
        out
    }

    /// Reads the TSV text of [`CorpusLexicon::to_tsv`]: lines `zh<TAB>en`, optionally with
    /// score and bead count; `#` starts a comment, blank lines are skipped. The Chinese is
    /// stored simplified (it is looked up so).
    pub fn from_tsv(text: &str) -> Result<CorpusLexicon, ParseError> {
        let mut entries = Vec::new();
        for (k, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let err = |msg: String| ParseError { line: k + 1, msg };
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 2 {
                return Err(err(format!(
                    "expected zh<TAB>en[<TAB>score<TAB>beads], got {line:?}"
                )));
            }
            let (zh, en) = (cols[0].trim(), cols[1].trim());
            if zh.is_empty() || en.is_empty() {
                return Err(err("empty Chinese or English column".into()));
            }
            let score = match cols.get(2).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(s) => s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| err(format!("score {s:?} is not a number")))?,
                None => 0.0,
            };
            let beads = match cols.get(3).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                Some(s) => s
                    .parse::<u32>()
                    .map_err(|_| err(format!("bead count {s:?} is not a whole number")))?,
                None => 0,
            };
            entries.push(Entry {
                zh: to_simplified(zh),
                en: en.to_string(),
                score,
                beads,
            });
        }
        Ok(CorpusLexicon { entries })
    }

    /// This lexicon with the entries of `learned` for words it has no entry of: the user's
    /// file wins (an edited or blocked word stays as it is).
    pub fn merged_with(&self, learned: &CorpusLexicon) -> CorpusLexicon {
        let known: std::collections::HashSet<&str> =
            self.entries.iter().map(|e| e.zh.as_str()).collect();
        let mut entries = self.entries.clone();
        entries.extend(
            learned
                .entries
                .iter()
                .filter(|e| !known.contains(e.zh.as_str()))
                .cloned(),
        );
        entries.sort_by(|a, b| a.zh.cmp(&b.zh).then_with(|| a.en.cmp(&b.en)));
        CorpusLexicon { entries }
    }
}

/// How a word and a stem's association is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// 2·c(w,t) / (c(w) + c(t)), at least `min_score`.
    Dice,
    /// Dunning's log-likelihood ratio (G²) of the 2×2 table, positive association only.
    Llr,
    /// IBM Model 1's translation probability t(stem | word), by EM over the beads (a bead's
    /// stems explained by its words or by nothing): a word's common neighbours are explained
    /// away by the words they belong to.
    Model1,
}

/// EM iterations of [`Measure::Model1`].
const EM_ROUNDS: usize = 8;

/// How a corpus learns: which measure (none: it does not), the least score, and the least
/// confidence of the beads it learns from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Learning {
    pub measure: Option<Measure>,
    pub min_score: f64,
    pub min_confidence: f64,
}

impl Default for Learning {
    fn default() -> Self {
        Learning {
            measure: Some(Measure::Dice),
            min_score: 0.5,
            min_confidence: 0.9,
        }
    }
}

impl Learning {
    /// What `obs` teaches (nothing without a measure).
    pub fn lexicon(&self, obs: &Observations) -> CorpusLexicon {
        match self.measure {
            Some(m) => obs.lexicon(m, self.min_score),
            None => CorpusLexicon::default(),
        }
    }
}

/// Bead observations of a corpus, gathered pair by pair: each bead's Chinese words and
/// English stems as ids, so that the counts are made once at the end.
#[derive(Debug, Default)]
pub struct Observations {
    words: Interner,
    stems: Interner,
    /// stem id → its surface forms and how often each was seen.
    surfaces: Vec<HashMap<String, u32>>,
    beads: Vec<(Vec<u32>, Vec<u32>)>,
}

#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.names.push(s.to_string());
        id
    }
}

impl Observations {
    /// Adds the beads of one Chinese sentence and at least one English sentence whose
    /// confidence is at least `min_confidence`.
    pub fn add(&mut self, al: &Alignment, min_confidence: f64) {
        use unicode_segmentation::UnicodeSegmentation;
        let tok = Tokenizer::shared();
        for b in &al.beads {
            if b.zh.len() != 1 || b.en.is_empty() || b.confidence < min_confidence {
                continue;
            }
            let text = &al.zh[b.zh.start].text;
            let mut words: Vec<u32> = tok
                .zh_simplified(text, &to_simplified(text))
                .words
                .iter()
                .filter(|w| w.chars().any(is_han))
                .map(|w| self.words.id(w))
                .collect();
            words.sort_unstable();
            words.dedup();
            let mut stems = Vec::new();
            for s in &al.en[b.en.clone()] {
                for w in s.text.unicode_words() {
                    let lower = w.to_lowercase();
                    if !w.chars().any(char::is_alphabetic) || is_stop_word(&lower) {
                        continue;
                    }
                    let id = self.stems.id(&tok.stem(&lower));
                    if self.surfaces.len() <= id as usize {
                        self.surfaces.push(HashMap::default());
                    }
                    *self.surfaces[id as usize].entry(w.to_string()).or_default() += 1;
                    stems.push(id);
                }
            }
            stems.sort_unstable();
            stems.dedup();
            if !words.is_empty() && !stems.is_empty() {
                self.beads.push((words, stems));
            }
        }
    }

    /// Adds the observations of another part of the corpus (after this one's).
    pub fn extend(&mut self, other: Observations) {
        let words: Vec<u32> = other.words.names.iter().map(|w| self.words.id(w)).collect();
        let stems: Vec<u32> = other.stems.names.iter().map(|s| self.stems.id(s)).collect();
        self.surfaces
            .resize_with(self.stems.names.len(), HashMap::default);
        for (old, forms) in other.surfaces.into_iter().enumerate() {
            let into = &mut self.surfaces[stems[old] as usize];
            for (form, n) in forms {
                *into.entry(form).or_default() += n;
            }
        }
        for (w, t) in other.beads {
            let mut w: Vec<u32> = w.iter().map(|&x| words[x as usize]).collect();
            let mut t: Vec<u32> = t.iter().map(|&x| stems[x as usize]).collect();
            w.sort_unstable();
            t.sort_unstable();
            self.beads.push((w, t));
        }
    }

    /// Beads observed.
    pub fn len(&self) -> usize {
        self.beads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.beads.is_empty()
    }

    /// The lexicon the observations teach: for each word, the stem of highest association,
    /// when it reaches `min_score` in at least [`MIN_BEADS`] shared beads; the stem written as
    /// its most frequent surface form. Sorted by word.
    pub fn lexicon(&self, measure: Measure, min_score: f64) -> CorpusLexicon {
        let mut zc = vec![0u32; self.words.names.len()];
        let mut ec = vec![0u32; self.stems.names.len()];
        for (words, stems) in &self.beads {
            for &w in words {
                zc[w as usize] += 1;
            }
            for &t in stems {
                ec[t as usize] += 1;
            }
        }
        // A pair whose counts differ so much that Dice cannot reach the least score needs no
        // count of its own.
        let ratio = match measure {
            Measure::Dice => ((2.0 - min_score) / min_score.max(0.05)).max(1.0),
            Measure::Llr | Measure::Model1 => f64::INFINITY,
        };
        let possible = |a: u32, b: u32| {
            a >= MIN_BEADS && b >= MIN_BEADS && ratio * a.min(b) as f64 >= a.max(b) as f64
        };
        let mut pair: HashMap<(u32, u32), u32> = HashMap::default();
        for (words, stems) in &self.beads {
            for &w in words {
                let z = zc[w as usize];
                if z < MIN_BEADS {
                    continue;
                }
                for &t in stems.iter().filter(|&&t| possible(z, ec[t as usize])) {
                    *pair.entry((w, t)).or_default() += 1;
                }
            }
        }
        let n = self.beads.len() as f64;
        let mut best: HashMap<u32, (f64, u32, u32)> = HashMap::default();
        let mut pairs: Vec<((u32, u32), u32)> = pair.into_iter().collect();
        pairs.sort_unstable();
        let translation = if measure == Measure::Model1 {
            self.model1(&pairs)
        } else {
            Vec::new()
        };
        for (k, ((w, t), c)) in pairs.into_iter().enumerate() {
            if c < MIN_BEADS {
                continue;
            }
            let (a, zw, et) = (c as f64, zc[w as usize] as f64, ec[t as usize] as f64);
            let score = match measure {
                Measure::Dice => 2.0 * a / (zw + et),
                Measure::Llr => {
                    if a * n <= zw * et {
                        continue; // no more often together than by chance
                    }
                    llr(a, zw - a, et - a, n - zw - et + a)
                }
                Measure::Model1 => translation[k],
            };
            if score >= min_score && best.get(&w).is_none_or(|b| score > b.0) {
                best.insert(w, (score, t, c));
            }
        }
        let mut entries: Vec<Entry> = best
            .into_iter()
            .map(|(w, (score, t, beads))| Entry {
                zh: self.words.names[w as usize].clone(),
                en: self.surface(t),
                score,
                beads,
            })
            .collect();
        entries.sort_by(|a, b| a.zh.cmp(&b.zh));
        CorpusLexicon { entries }
    }

    /// IBM Model 1's t(stem | word) for each of `pairs` (sorted (word, stem) pairs that share
    /// beads), by [`EM_ROUNDS`] rounds of EM from uniform: in each bead every stem is shared
    /// among its words (and a null word, for stems no word renders) in proportion to their
    /// current t. Words and stems outside `pairs` are left to the null word.
    fn model1(&self, pairs: &[((u32, u32), u32)]) -> Vec<f64> {
        let index: HashMap<(u32, u32), usize> = pairs
            .iter()
            .enumerate()
            .map(|(k, (p, _))| (*p, k))
            .collect();
        // Per bead, per stem: the pairs that may explain it.
        let links: Vec<Vec<Vec<usize>>> = self
            .beads
            .iter()
            .map(|(words, stems)| {
                stems
                    .iter()
                    .map(|&t| {
                        words
                            .iter()
                            .filter_map(|&w| index.get(&(w, t)).copied())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let word_of: Vec<u32> = pairs.iter().map(|((w, _), _)| *w).collect();
        let mut t = vec![1.0; pairs.len()];
        let null = 1.0 / self.stems.names.len().max(1) as f64;
        for _ in 0..EM_ROUNDS {
            let mut count = vec![0.0; pairs.len()];
            for bead in &links {
                for stem in bead {
                    let total: f64 = null + stem.iter().map(|&k| t[k]).sum::<f64>();
                    for &k in stem {
                        count[k] += t[k] / total;
                    }
                }
            }
            let mut per_word: HashMap<u32, f64> = HashMap::default();
            for (k, c) in count.iter().enumerate() {
                *per_word.entry(word_of[k]).or_default() += c;
            }
            for (k, c) in count.iter().enumerate() {
                let total = per_word[&word_of[k]];
                t[k] = if total > 0.0 { c / total } else { 0.0 };
            }
        }
        t
    }

    /// The most frequent surface form of a stem (ties: the first in order).
    fn surface(&self, stem: u32) -> String {
        let forms = &self.surfaces[stem as usize];
        let mut all: Vec<(&String, &u32)> = forms.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        all.first()
            .map_or_else(|| self.stems.names[stem as usize].clone(), |f| f.0.clone())
    }
}

/// Dunning's G² of a 2×2 table (a: both, b: word only, c: stem only, d: neither).
fn llr(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let xlx = |x: f64| if x > 0.0 { x * x.ln() } else { 0.0 };
    let n = a + b + c + d;
    2.0 * (xlx(a) + xlx(b) + xlx(c) + xlx(d) + xlx(n)
        - xlx(a + b)
        - xlx(c + d)
        - xlx(a + c)
        - xlx(b + d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bead::{Bead, Sentence};

    fn alignment(pairs: &[(&str, &str)]) -> Alignment {
        let side = |k: usize| {
            pairs
                .iter()
                .map(|p| Sentence {
                    text: if k == 0 { p.0 } else { p.1 }.to_string(),
                    paragraph: 0,
                })
                .collect()
        };
        Alignment {
            zh: side(0),
            en: side(1),
            beads: (0..pairs.len())
                .map(|k| Bead {
                    zh: k..k + 1,
                    en: k..k + 1,
                    confidence: 0.95,
                })
                .collect(),
        }
    }

    /// A name that recurs with its translator's rendering is learned, written as it is spelt.
    #[test]
    fn a_recurring_name_is_learned_with_its_spelling() {
        let al = alignment(&[
            ("小鹿跑进了树林。", "Fawnlet ran into the woods."),
            ("小鹿喝了河水。", "Fawnlet drank from the river."),
            ("老猎人坐在门口。", "The old hunter sat at the door."),
            ("小鹿回头看了看。", "Fawnlet looked back."),
        ]);
        let mut obs = Observations::default();
        obs.add(&al, 0.9);
        for measure in [Measure::Dice, Measure::Llr, Measure::Model1] {
            let min = match measure {
                Measure::Dice => 0.5,
                Measure::Llr => 1.0,
                Measure::Model1 => 0.3,
            };
            let lex = obs.lexicon(measure, min);
            let e = lex.entries.iter().find(|e| e.zh == "小鹿");
            assert_eq!(
                e.map(|e| e.en.as_str()),
                Some("Fawnlet"),
                "{measure:?} {lex:?}"
            );
            assert_eq!(e.map(|e| e.beads), Some(3));
        }
        // Beads below the confidence threshold teach nothing.
        let mut none = Observations::default();
        none.add(&al, 0.99);
        assert!(none.is_empty());
    }

    /// Model 1 gives each word its own rendering: the name to the name, and to a word always
    /// seen beside the name its own translation, not the name.
    #[test]
    fn model_one_explains_a_neighbour_away() {
        let al = alignment(&[
            ("小鹿看见了猎人。", "Fawnlet saw the hunter."),
            ("猎人追赶小鹿。", "The hunter chased Fawnlet."),
            ("小鹿跑进了树林。", "Fawnlet ran into the woods."),
            ("小鹿喝了河水。", "Fawnlet drank from the river."),
        ]);
        let mut obs = Observations::default();
        obs.add(&al, 0.9);
        let lex = obs.lexicon(Measure::Model1, 0.3);
        let en = |zh: &str| {
            lex.entries
                .iter()
                .find(|e| e.zh == zh)
                .map(|e| e.en.clone())
        };
        assert_eq!(en("小鹿").as_deref(), Some("Fawnlet"), "{lex:?}");
        assert_eq!(en("猎人").as_deref(), Some("hunter"), "{lex:?}");
    }

    #[test]
    fn the_tsv_round_trips_and_bad_lines_name_their_number() {
        let lex = CorpusLexicon {
            entries: vec![
                Entry {
                    zh: "小鹿".into(),
                    en: "Fawnlet".into(),
                    score: 0.857,
                    beads: 3,
                },
                Entry {
                    zh: "门口".into(),
                    en: "-".into(),
                    score: 0.0,
                    beads: 0,
                },
            ],
        };
        assert_eq!(CorpusLexicon::from_tsv(&lex.to_tsv()), Ok(lex.clone()));
        assert!(lex.entries[1].blocks());
        // Traditional input is stored simplified; score and count may be left out.
        let read = CorpusLexicon::from_tsv("# mine\n\n門口\tdoorway\n").unwrap();
        assert_eq!(read.entries[0].zh, "门口");
        let err = CorpusLexicon::from_tsv("小鹿\tFawnlet\n门口 doorway\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = CorpusLexicon::from_tsv("小鹿\tFawnlet\tmany\n").unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn the_users_entries_win_over_learned_ones() {
        let user = CorpusLexicon::from_tsv("小鹿\tFawn\n门口\t-\n").unwrap();
        let learned = CorpusLexicon::from_tsv("小鹿\tFawnlet\n门口\tdoor\n猎人\thunter\n").unwrap();
        let merged = user.merged_with(&learned);
        let got: Vec<(&str, &str)> = merged
            .entries
            .iter()
            .map(|e| (e.zh.as_str(), e.en.as_str()))
            .collect();
        assert_eq!(got, [("小鹿", "Fawn"), ("猎人", "hunter"), ("门口", "-")]);
    }
}
