//! Bead scoring: how likely a run of Chinese sentences and a run of English sentences are
//! translations of each other. A bead's score is a sum of log-odds:
//! - lexical evidence against chance: for each Chinese word, is one of its renderings in the
//!   English span; for each English content word, is it rendered by the Chinese span. With q
//!   the chance of a match against a random span of that length in this document, a match adds
//!   log((p + q - pq) / q) and a miss log(1 - p), so joining sentences earns no free credit;
//! - a Gale-Church length term, with the zh:en character ratio estimated from the document;
//! - numbers, question and exclamation marks;
//! - a prior for the bead's shape (1-1, 1-2, 2-1 ...).

use crate::lexicon::{DocLexicon, Source};
use crate::tokenize::{EnTokens, ZhTokens};
use rayon::prelude::*;
use std::ops::Range;

/// Bead shapes the aligner considers: (Chinese sentences, English sentences).
pub const SHAPES: &[(usize, usize)] = &[
    (1, 1),
    (1, 2),
    (2, 1),
    (1, 3),
    (2, 2),
    (3, 1),
    (1, 4),
    (2, 3),
    (3, 2),
    (4, 1),
    (1, 5),
    (2, 4),
    (1, 0),
    (0, 1),
];

/// Tunable weights of the scorer.
#[derive(Debug, Clone)]
pub struct Params {
    /// Chance that a Chinese word's rendering shows up in a true translation.
    pub p_match: f64,
    /// Chance that an English content word is rendered by a true original.
    pub p_match_en: f64,
    /// Weight of the lexical evidence.
    pub lexical: f64,
    /// Weight of glossary matches relative to dictionary ones.
    pub glossary: f64,
    /// Reward per number found on both sides, penalty per unmatched one.
    pub number_hit: f64,
    pub number_miss: f64,
    /// Penalty when one side asks a question or exclaims and the other does not.
    pub mark_miss: f64,
    /// Penalty when one side of a bead ends by closing a quotation and the other does not.
    pub quote_miss: f64,
    /// Weight of a bead where one side opens a quotation and the other does not, relative to
    /// `quote_miss`.
    pub open_weight: f64,
    /// Whether a content word that recurs in several sentences of one side of a bead counts
    /// once (1; 2: on the English side only, 3: on the Chinese side only) or once per
    /// sentence (0).
    pub once_per_bead: f64,
    /// Weight, in pseudo-beads, of the default shape prior against the first pass's shares.
    pub prior_weight: f64,
    /// Factor on the prior of the shapes with several sentences on both sides (2-2, 2-3, 3-2),
    /// which a first pass rarely finds and so rarely teaches.
    pub many_many: f64,
    /// Least Dice of a word and a stem that the second pass learns from the first.
    pub learn_dice: f64,
    /// Whether the second pass also learns renderings for runs of words the dictionary lacks
    /// (a name jieba cuts into pieces) and glossary terms (1), or only for words (0).
    pub learn_runs: f64,
    /// Whether the final search takes the path of most expected correct beads (1) or the
    /// likeliest path (0); see [`crate::align::expected_best_path`].
    pub expected: f64,
    /// What a bead costs in that search, against its posterior probability.
    pub expected_gamma: f64,
    /// Temperature of the posteriors that search weighs beads by.
    pub expected_temperature: f64,
    /// Weight of the length evidence.
    pub length: f64,
}

/// A parameter name [`Params::set`] does not know, or a value it refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ParamError(String);

impl Params {
    /// The names [`Params::set`] knows, with their current values.
    pub fn values(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("p_match", self.p_match),
            ("p_match_en", self.p_match_en),
            ("lexical", self.lexical),
            ("glossary", self.glossary),
            ("number_hit", self.number_hit),
            ("number_miss", self.number_miss),
            ("mark_miss", self.mark_miss),
            ("quote_miss", self.quote_miss),
            ("open_weight", self.open_weight),
            ("once_per_bead", self.once_per_bead),
            ("prior_weight", self.prior_weight),
            ("many_many", self.many_many),
            ("learn_dice", self.learn_dice),
            ("learn_runs", self.learn_runs),
            ("expected", self.expected),
            ("expected_gamma", self.expected_gamma),
            ("expected_temperature", self.expected_temperature),
            ("length", self.length),
        ]
    }

    /// Sets a parameter by name (`p_match`, …: see [`Params::values`]), for measuring.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        if !value.is_finite() {
            return Err(ParamError(format!("{name}: {value} is not a number")));
        }
        let slot = match name {
            "p_match" => &mut self.p_match,
            "p_match_en" => &mut self.p_match_en,
            "lexical" => &mut self.lexical,
            "glossary" => &mut self.glossary,
            "number_hit" => &mut self.number_hit,
            "number_miss" => &mut self.number_miss,
            "mark_miss" => &mut self.mark_miss,
            "quote_miss" => &mut self.quote_miss,
            "open_weight" => &mut self.open_weight,
            "once_per_bead" => &mut self.once_per_bead,
            "prior_weight" => &mut self.prior_weight,
            "many_many" => &mut self.many_many,
            "learn_dice" => &mut self.learn_dice,
            "learn_runs" => &mut self.learn_runs,
            "expected" => &mut self.expected,
            "expected_gamma" => &mut self.expected_gamma,
            "expected_temperature" => &mut self.expected_temperature,
            "length" => &mut self.length,
            _ => {
                let known: Vec<&str> = self.values().iter().map(|v| v.0).collect();
                return Err(ParamError(format!(
                    "no parameter {name} (known: {})",
                    known.join(", ")
                )));
            }
        };
        *slot = value;
        Ok(())
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            p_match: 0.1,
            p_match_en: 0.1,
            lexical: 1.0,
            glossary: 2.0,
            number_hit: 2.0,
            number_miss: 0.5,
            mark_miss: 1.0,
            quote_miss: 3.0,
            open_weight: 0.6,
            once_per_bead: 0.0,
            prior_weight: 20.0,
            many_many: 1.0,
            learn_dice: 0.5,
            learn_runs: 0.0,
            expected: 1.0,
            expected_gamma: 0.15,
            expected_temperature: 1.0,
            length: 1.0,
        }
    }
}

/// Per-sentence features, computed once.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Chinese sentence → word ids (with renderings) it contains.
    pub zh_words: Vec<Vec<u32>>,
    /// Relative position (0..1, by characters) of each of `zh_words` in its sentence; NaN
    /// where unknown (glossary terms). Empty for the merged units of a coarse grid.
    pub zh_pos: Vec<Vec<f32>>,
    /// Chinese sentence → every stem its words can render, sorted.
    pub zh_cover: Vec<Vec<u32>>,
    /// English sentence → content stems, sorted.
    pub en_stems: Vec<Vec<u32>>,
    /// Relative position (0..1, by words) of each of `en_stems` in its sentence.
    pub en_pos: Vec<Vec<f32>>,
    pub zh_len: Vec<f64>,
    pub en_len: Vec<f64>,
    pub zh_numbers: Vec<Vec<u64>>,
    pub en_numbers: Vec<Vec<u64>>,
    pub zh_marks: Vec<(bool, bool)>,
    pub en_marks: Vec<(bool, bool)>,
    /// Whether each sentence closes a quotation.
    pub zh_quote: Vec<bool>,
    pub en_quote: Vec<bool>,
    /// Whether each sentence opens a quotation.
    pub zh_opens: Vec<bool>,
    pub en_opens: Vec<bool>,
}

impl Features {
    pub fn new(
        zh: &[ZhTokens],
        zh_simplified: &[String],
        en: &[EnTokens],
        lex: &DocLexicon,
    ) -> Features {
        let (zh_ids, en_ids) = lexical_ids(zh, zh_simplified, en, lex);
        Features::from_ids(zh, en, zh_ids, en_ids, lex)
    }

    /// Features from each sentence's lexical ids, found beforehand, each with its relative
    /// position in the sentence: Chinese word ids ([`DocLexicon::sentence_ids`] and
    /// [`word_positions`]; those with renderings are kept) and English content stems
    /// ([`stem_positions`]). Of the tokens only the other fields are read, so their words may
    /// be gone.
    pub fn from_ids(
        zh: &[ZhTokens],
        en: &[EnTokens],
        (mut zh_words, mut zh_pos): Ids,
        (en_stems, en_pos): Ids,
        lex: &DocLexicon,
    ) -> Features {
        // Only the words with renderings stay, each with its position.
        zh_words
            .par_iter_mut()
            .zip(&mut zh_pos)
            .for_each(|(ids, pos)| {
                let mut kept = 0;
                for k in 0..ids.len() {
                    if !lex.renderings[ids[k] as usize].is_empty() {
                        ids[kept] = ids[k];
                        pos[kept] = pos[k];
                        kept += 1;
                    }
                }
                ids.truncate(kept);
                pos.truncate(kept);
            });
        let zh_cover = zh_words.par_iter().map(|ids| cover(ids, lex)).collect();
        Features {
            zh_words,
            zh_pos,
            en_pos,
            zh_cover,
            en_stems,
            zh_len: zh.iter().map(|s| s.chars as f64).collect(),
            en_len: en.iter().map(|s| s.chars as f64).collect(),
            zh_numbers: zh.iter().map(|s| s.numbers.clone()).collect(),
            en_numbers: en.iter().map(|s| s.numbers.clone()).collect(),
            zh_marks: zh.iter().map(|s| (s.question, s.exclamation)).collect(),
            en_marks: en.iter().map(|s| (s.question, s.exclamation)).collect(),
            zh_quote: zh.iter().map(|s| s.quote_close).collect(),
            en_quote: en.iter().map(|s| s.quote_close).collect(),
            zh_opens: zh.iter().map(|s| s.quote_open).collect(),
            en_opens: en.iter().map(|s| s.quote_open).collect(),
        }
    }
}

impl Features {
    /// Features of a coarser grid: runs of `kz` Chinese and `ke` English sentences of the
    /// block merged into one unit each, for a quick first search of long documents.
    pub fn merged(&self, zr: &Range<usize>, er: &Range<usize>, kz: usize, ke: usize) -> Features {
        fn union(lists: &[Vec<u32>]) -> Vec<u32> {
            let mut v: Vec<u32> = lists.iter().flatten().copied().collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        fn any(marks: &[(bool, bool)]) -> (bool, bool) {
            marks
                .iter()
                .fold((false, false), |a, m| (a.0 || m.0, a.1 || m.1))
        }
        let zc: Vec<Range<usize>> = (zr.start..zr.end)
            .step_by(kz)
            .map(|s| s..(s + kz).min(zr.end))
            .collect();
        let ec: Vec<Range<usize>> = (er.start..er.end)
            .step_by(ke)
            .map(|s| s..(s + ke).min(er.end))
            .collect();
        let zh_words: Vec<Vec<u32>> = zc
            .par_iter()
            .map(|r| union(&self.zh_words[r.clone()]))
            .collect();
        let en_stems: Vec<Vec<u32>> = ec
            .par_iter()
            .map(|r| union(&self.en_stems[r.clone()]))
            .collect();
        Features {
            zh_pos: Vec::new(),
            en_pos: Vec::new(),
            zh_words,
            en_stems,
            zh_cover: zc
                .par_iter()
                .map(|r| union(&self.zh_cover[r.clone()]))
                .collect(),
            zh_len: zc
                .iter()
                .map(|r| self.zh_len[r.clone()].iter().sum())
                .collect(),
            en_len: ec
                .iter()
                .map(|r| self.en_len[r.clone()].iter().sum())
                .collect(),
            zh_numbers: zc
                .iter()
                .map(|r| self.zh_numbers[r.clone()].concat())
                .collect(),
            en_numbers: ec
                .iter()
                .map(|r| self.en_numbers[r.clone()].concat())
                .collect(),
            zh_marks: zc.iter().map(|r| any(&self.zh_marks[r.clone()])).collect(),
            en_marks: ec.iter().map(|r| any(&self.en_marks[r.clone()])).collect(),
            zh_quote: zc.iter().map(|r| self.zh_quote[r.end - 1]).collect(),
            en_quote: ec.iter().map(|r| self.en_quote[r.end - 1]).collect(),
            zh_opens: zc
                .iter()
                .map(|r| self.zh_opens[r.clone()].iter().any(|&o| o))
                .collect(),
            en_opens: ec
                .iter()
                .map(|r| self.en_opens[r.clone()].iter().any(|&o| o))
                .collect(),
        }
    }
}

/// Every stem the words `ids` can render, sorted, each once (a Chinese sentence's cover).
pub fn cover(ids: &[u32], lex: &DocLexicon) -> Vec<u32> {
    let mut v: Vec<u32> = ids
        .iter()
        .flat_map(|&w| lex.renderings[w as usize].iter())
        .flat_map(|r| r.stems.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The relative position (0..1, by characters) of each word id of a Chinese sentence: the mean
/// centre of the tokens that carry it; NaN for ids no single token carries.
pub fn word_positions(t: &ZhTokens, ids: &[u32], lex: &DocLexicon) -> Vec<f32> {
    let total: usize = t.words.iter().map(|w| w.chars().count()).sum();
    let mut sums = vec![(0.0f32, 0u32); ids.len()];
    let mut at = 0usize;
    for w in &t.words {
        let n = w.chars().count();
        if let Some(k) = lex.get(w).and_then(|id| ids.binary_search(&id).ok()) {
            sums[k].0 += (at as f32 + n as f32 / 2.0) / total.max(1) as f32;
            sums[k].1 += 1;
        }
        at += n;
    }
    sums.iter()
        .map(|&(s, c)| if c == 0 { f32::NAN } else { s / c as f32 })
        .collect()
}

/// Per sentence: lexical ids, and where each stands in the sentence (0..1).
pub type Ids = (Vec<Vec<u32>>, Vec<Vec<f32>>);

/// Every sentence's lexical ids with their positions: the Chinese word ids of
/// [`DocLexicon::sentence_ids`] ([`word_positions`]) and the English content stems
/// ([`stem_positions`]).
pub fn lexical_ids(
    zh: &[ZhTokens],
    zh_simplified: &[String],
    en: &[EnTokens],
    lex: &DocLexicon,
) -> (Ids, Ids) {
    let zh_words: Vec<Vec<u32>> = zh
        .par_iter()
        .zip(zh_simplified)
        .map(|(t, s)| lex.sentence_ids(t, s))
        .collect();
    let zh_pos = zh
        .par_iter()
        .zip(&zh_words)
        .map(|(t, ids)| word_positions(t, ids, lex))
        .collect();
    let en_ids = en.par_iter().map(|s| stem_positions(s, lex)).unzip();
    ((zh_words, zh_pos), en_ids)
}

/// A sentence's English content stems (stop words left out), sorted, each once, with the
/// relative position (0..1, by words) of each: the mean of its occurrences'.
pub fn stem_positions(s: &EnTokens, lex: &DocLexicon) -> (Vec<u32>, Vec<f32>) {
    let n = s.words.len().max(1) as f32;
    let mut v: Vec<(u32, f32)> = s
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.stop)
        .filter_map(|(k, w)| lex.stems.get(&w.stem).map(|id| (id, (k as f32 + 0.5) / n)))
        .collect();
    v.sort_by_key(|x| x.0);
    let mut stems: Vec<u32> = Vec::with_capacity(v.len());
    let mut pos: Vec<f32> = Vec::with_capacity(v.len());
    for run in v.chunk_by(|a, b| a.0 == b.0) {
        stems.push(run[0].0);
        pos.push(run.iter().map(|x| x.1).sum::<f32>() / run.len() as f32);
    }
    (stems, pos)
}

/// Scores beads of one document pair.
pub struct Scorer<'a> {
    pub features: &'a Features,
    pub lex: &'a DocLexicon,
    pub params: Params,
    /// Word id → share of English sentences where it finds a rendering.
    word_rate: Vec<f64>,
    /// Stem id → share of Chinese sentences that can render it.
    stem_rate: Vec<f64>,
    /// English characters per Chinese character, and the variance of the length model.
    ratio: f64,
    variance: f64,
    /// Per English span length: mean, 1/variance and log sd of a random span's length.
    background: [(f64, f64, f64); SPAN],
    /// Penalties when one side of a bead closes (opens) a quotation and the other does not.
    quote_pen: (f64, f64),
    /// log prior of each shape, indexed like [`SHAPES`].
    log_prior: Vec<f64>,
    /// Per sentence: [`QUESTION`], [`EXCLAMATION`], [`OPENS`] and [`NUMBERS`] flags, OR-ed
    /// over a bead's sentences in one pass.
    zh_flags: Vec<u8>,
    en_flags: Vec<u8>,
    /// Per sentence: how many numbers it has, and a one-bit-per-value digest of them (a bead
    /// whose two sides' digests do not meet has no number on both sides).
    zh_digest: Vec<(u32, u64)>,
    en_digest: Vec<(u32, u64)>,
    /// Quotation marks are evidence only when both texts use them (the King James Bible,
    /// for one, has none while the Chinese Union Version has many).
    quotes_informative: bool,
    /// Per Chinese sentence: evidence if every word misses, by English span length, and the
    /// gain of each word's match over its miss.
    zh_miss: Vec<[f64; SPAN]>,
    /// Per word id: the gain of its match over its miss (the same in every sentence).
    word_gain: Vec<[f64; SPAN]>,
    /// Per English sentence: the stems that some Chinese sentence can render (at most 64),
    /// their miss evidence and gains, by Chinese span length.
    en_bits: Vec<Vec<u32>>,
    /// Relative position of each of `en_bits` in its sentence.
    en_bit_pos: Vec<Vec<f32>>,
    en_miss: Vec<[f64; SPAN]>,
    /// Per stem id: the gain of its match over its miss.
    stem_gain: Vec<[f64; SPAN]>,
    /// With [`Params::once_per_bead`]: per word id and per stem id, the evidence of its miss.
    word_miss: Vec<[f64; SPAN]>,
    stem_miss: Vec<[f64; SPAN]>,
    /// With [`Params::once_per_bead`]: per Chinese sentence i, at d (1..SPAN), the bits of its
    /// words that sentence i − d has too; per English sentence, the same of its bits.
    zh_dup: Vec<[u64; SPAN]>,
    en_dup: Vec<[u64; SPAN]>,
    /// Per Chinese sentence: every stem its words can render, sorted, each with the bit of a
    /// word that renders it alone (a one-stem rendering; `NO_BIT` for none). A stem that
    /// several words render comes once per word.
    zh_index: Vec<StemBits>,
    /// Per Chinese sentence: the words (bit, id) that also have renderings of several stems.
    zh_phrases: Vec<Vec<(usize, u32)>>,
    /// Per English sentence: its stems that some Chinese sentence can render, sorted, with
    /// their bit in [`Scorer::en_bits`] (`NO_BIT` past the first 64).
    en_index: Vec<Vec<(u32, u8)>>,
}

/// A sentence's entry of [`Scorer::zh_index`]: the stems, and beside them (same position) the
/// bits, in two arrays (5 bytes an entry, not 8 as pairs take).
#[derive(Default)]
struct StemBits {
    stems: Vec<u32>,
    bits: Vec<u8>,
}

/// A stem without a bit of its own in the evidence masks.
const NO_BIT: u8 = u8::MAX;

/// Span lengths covered by the evidence tables (0..SPAN sentences).
const SPAN: usize = 6;
/// Words of a sentence that count as evidence (bits of a u64 mask).
const MAX_BITS: usize = 64;

/// Which words of Chinese sentence i find a rendering in English sentence j (bit k: word k),
/// and which stems of j are rendered by i, for the cells of a band.
pub struct Pairs {
    first_zh: usize,
    rows: Vec<(usize, Vec<(u64, u64)>)>,
}

/// A bead's score by its parts (log-odds, in nats), to see what decides a bead.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScoreParts {
    /// The bead shape's prior.
    pub prior: f64,
    /// Length evidence (0 for a bead with an empty side).
    pub length: f64,
    /// Lexical evidence (for a bead with an empty side, its words' misses).
    pub lexical: f64,
    /// Numbers, question and exclamation marks, quotations.
    pub signs: f64,
}

impl ScoreParts {
    /// The bead's score, as the search sees it.
    pub fn total(&self) -> f64 {
        self.prior + self.length + self.lexical + self.signs
    }

    /// The parts in order: prior, length, lexical, signs.
    pub fn to_array(self) -> [f64; 4] {
        [self.prior, self.length, self.lexical, self.signs]
    }

    /// Each part of `self` and `other` combined by `op`.
    fn zip_with(self, other: ScoreParts, op: impl Fn(f64, f64) -> f64) -> ScoreParts {
        ScoreParts {
            prior: op(self.prior, other.prior),
            length: op(self.length, other.length),
            lexical: op(self.lexical, other.lexical),
            signs: op(self.signs, other.signs),
        }
    }
}

impl std::ops::Add for ScoreParts {
    type Output = ScoreParts;
    fn add(self, other: ScoreParts) -> ScoreParts {
        self.zip_with(other, |a, b| a + b)
    }
}

impl std::ops::Sub for ScoreParts {
    type Output = ScoreParts;
    fn sub(self, other: ScoreParts) -> ScoreParts {
        self.zip_with(other, |a, b| a - b)
    }
}

impl std::iter::Sum for ScoreParts {
    fn sum<I: Iterator<Item = ScoreParts>>(parts: I) -> ScoreParts {
        parts.fold(ScoreParts::default(), |a, p| a + p)
    }
}

/// Prior shares of bead shapes in literary Chinese-English translation, re-estimated per
/// document after a first pass.
pub const DEFAULT_PRIOR: &[f64] = &[
    0.62, 0.21, 0.05, 0.055, 0.02, 0.01, 0.02, 0.005, 0.003, 0.003, 0.004, 0.002, 0.004, 0.004,
];

impl<'a> Scorer<'a> {
    pub fn new(features: &'a Features, lex: &'a DocLexicon, params: Params) -> Scorer<'a> {
        let quote_pen = (params.quote_miss, params.quote_miss * params.open_weight);
        let n_en = features.en_stems.len().max(1) as f64;
        let n_zh = features.zh_words.len().max(1) as f64;
        let mut stem_hits = vec![0usize; lex.stems.len()];
        // Inverted index: stem → English sentences containing it.
        let mut stem_sentences: Vec<Vec<u32>> = vec![Vec::new(); lex.stems.len()];
        for (j, stems) in features.en_stems.iter().enumerate() {
            for &s in stems {
                stem_sentences[s as usize].push(j as u32);
            }
        }
        // Per word: the English sentences where one of its renderings occurs (all its stems),
        // counted once each (`seen` marks them with the word's id).
        let word_hits: Vec<usize> = lex
            .renderings
            .par_iter()
            .enumerate()
            .map_init(
                || vec![u32::MAX; features.en_stems.len()],
                |seen, (w, rends)| {
                    let mut hits = 0;
                    for r in rends {
                        for &j in &stem_sentences[r.stems[0] as usize] {
                            if seen[j as usize] != w as u32
                                && r.stems[1..]
                                    .iter()
                                    .all(|s| features.en_stems[j as usize].binary_search(s).is_ok())
                            {
                                seen[j as usize] = w as u32;
                                hits += 1;
                            }
                        }
                    }
                    hits
                },
            )
            .collect();
        for cover in &features.zh_cover {
            for &s in cover {
                stem_hits[s as usize] += 1;
            }
        }
        let zh_total: f64 = features.zh_len.iter().sum();
        let en_total: f64 = features.en_len.iter().sum();
        let ratio = if zh_total > 0.0 && en_total > 0.0 {
            en_total / zh_total
        } else {
            1.0
        };
        let mut scorer = Scorer {
            features,
            lex,
            params,
            word_rate: word_hits.iter().map(|&h| h as f64 / n_en).collect(),
            stem_rate: stem_hits.iter().map(|&h| h as f64 / n_zh).collect(),
            ratio,
            variance: 0.0,
            background: background(&features.en_len),
            quote_pen,
            log_prior: Vec::new(),
            zh_digest: features.zh_numbers.iter().map(|n| digest(n)).collect(),
            en_digest: features.en_numbers.iter().map(|n| digest(n)).collect(),
            zh_flags: flags(&features.zh_marks, &features.zh_opens, &features.zh_numbers),
            en_flags: flags(&features.en_marks, &features.en_opens, &features.en_numbers),
            quotes_informative: uses_quotes(&features.zh_quote, &features.zh_opens)
                && uses_quotes(&features.en_quote, &features.en_opens),
            zh_miss: Vec::new(),
            word_gain: Vec::new(),
            en_bits: Vec::new(),
            en_bit_pos: Vec::new(),
            en_miss: Vec::new(),
            stem_gain: Vec::new(),
            word_miss: Vec::new(),
            stem_miss: Vec::new(),
            zh_dup: Vec::new(),
            en_dup: Vec::new(),
            zh_index: Vec::new(),
            zh_phrases: Vec::new(),
            en_index: Vec::new(),
        };
        scorer.evidence_tables();
        scorer.match_indexes();
        scorer.set_variance(0.3);
        scorer.set_prior(DEFAULT_PRIOR);
        scorer
    }

    /// Sets the length model's spread from a relative standard deviation of the en:zh ratio.
    pub fn set_variance(&mut self, relative_sd: f64) {
        // Gale-Church: var(le - c·lz) = s2 · lz; with a relative sd r at a typical length of
        // 30 characters, s2 = (r·c)²·30.
        self.variance = (relative_sd * self.ratio).powi(2) * 30.0;
    }

    /// Sets the shape priors (shares, indexed like [`SHAPES`]; normalised here).
    pub fn set_prior(&mut self, shares: &[f64]) {
        let total: f64 = shares.iter().sum();
        self.log_prior = shares.iter().map(|s| (s / total).max(1e-6).ln()).collect();
    }

    /// Sets the quotation penalties (closing, opening).
    pub fn set_quote_penalties(&mut self, close: f64, open: f64) {
        self.quote_pen = (close, open);
    }

    pub fn ratio(&self) -> f64 {
        self.ratio
    }

    /// Precomputes every word's and stem's evidence for each span length, and each
    /// sentence's evidence if all its words miss.
    fn evidence_tables(&mut self) {
        let f = self.features;
        // (miss, gain of a match over the miss) by span length.
        let table = |rate: f64, weight: f64, p: f64| {
            let miss: [f64; SPAN] = std::array::from_fn(|l| weight * evidence(p, rate, l, false));
            let gain = std::array::from_fn(|l| weight * evidence(p, rate, l, true) - miss[l]);
            (miss, gain)
        };
        let (pz, pe) = (self.params.p_match, self.params.p_match_en);
        let words: Vec<([f64; SPAN], [f64; SPAN])> = (0..self.lex.words.len())
            .into_par_iter()
            .map(|w| {
                let glossary = self.lex.renderings[w]
                    .iter()
                    .any(|r| r.source == Source::Glossary);
                let weight =
                    self.params.lexical * if glossary { self.params.glossary } else { 1.0 };
                table(self.word_rate[w], weight, pz)
            })
            .collect();
        let stems: Vec<([f64; SPAN], [f64; SPAN])> = self
            .stem_rate
            .par_iter()
            .map(|&rate| table(rate, self.params.lexical, pe))
            .collect();
        let sum_miss = |ids: &[u32], tables: &[([f64; SPAN], [f64; SPAN])]| {
            let mut miss = [0.0; SPAN];
            for &id in ids {
                for (m, t) in miss.iter_mut().zip(&tables[id as usize].0) {
                    *m += t;
                }
            }
            miss
        };
        self.zh_miss = f
            .zh_words
            .par_iter()
            .map(|ids| sum_miss(&ids[..ids.len().min(MAX_BITS)], &words))
            .collect();
        // The stems that some Chinese sentence can render (at most 64), and where each stands
        // (none for a coarse grid's units).
        (self.en_bits, self.en_bit_pos) = f
            .en_stems
            .par_iter()
            .enumerate()
            .map(|(j, stems)| {
                let pos = f.en_pos.get(j).map_or(&[][..], Vec::as_slice);
                let (mut bits, mut bit_pos) = (Vec::new(), Vec::new());
                for (k, &s) in stems.iter().enumerate() {
                    if bits.len() == MAX_BITS {
                        break;
                    }
                    if self.stem_rate[s as usize] > 0.0 {
                        bits.push(s);
                        bit_pos.extend(pos.get(k));
                    }
                }
                (bits, bit_pos)
            })
            .unzip();
        self.en_miss = self
            .en_bits
            .par_iter()
            .map(|ids| sum_miss(ids, &stems))
            .collect();
        if self.params.once_per_bead > 0.0 {
            self.word_miss = words.iter().map(|(m, _)| *m).collect();
            self.stem_miss = stems.iter().map(|(m, _)| *m).collect();
            let zh_bits: Vec<&[u32]> = f
                .zh_words
                .iter()
                .map(|w| &w[..w.len().min(MAX_BITS)])
                .collect();
            // 1: both sides; 2: the English only; 3: the Chinese only.
            let mode = self.params.once_per_bead as u32;
            if mode != 2 {
                self.zh_dup = repeats(&zh_bits);
            }
            if mode != 3 {
                let en_bits: Vec<&[u32]> = self.en_bits.iter().map(Vec::as_slice).collect();
                self.en_dup = repeats(&en_bits);
            }
        }
        self.word_gain = words.into_iter().map(|(_, g)| g).collect();
        self.stem_gain = stems.into_iter().map(|(_, g)| g).collect();
    }

    /// The bits of the sentences `range` of a side (`dup`: [`Scorer::zh_dup`] or
    /// [`Scorer::en_dup`]) whose ids an earlier sentence of the range has: with
    /// [`Params::once_per_bead`], a word counts in its first sentence only.
    fn repeated_in(dup: &[[u64; SPAN]], range: Range<usize>) -> [u64; SPAN] {
        let mut out = [0u64; SPAN];
        if dup.is_empty() {
            return out;
        }
        let start = range.start;
        for (x, o) in out.iter_mut().enumerate().take(range.len()).skip(1) {
            *o = dup[start + x][1..=x].iter().fold(0, |a, m| a | m);
        }
        out
    }

    /// Builds the sorted stem lists that [`Scorer::pair_masks`] joins.
    fn match_indexes(&mut self) {
        let f = self.features;
        let lex = self.lex;
        self.zh_index = f
            .zh_words
            .par_iter()
            .zip(&f.zh_cover)
            .map(|(words, cover)| {
                let mut index: Vec<(u32, u8)> = Vec::with_capacity(cover.len());
                for (k, &w) in words.iter().take(MAX_BITS).enumerate() {
                    for r in &lex.renderings[w as usize] {
                        if let [stem] = r.stems[..] {
                            index.push((stem, k as u8));
                        }
                    }
                }
                index.sort_unstable();
                index.dedup();
                // Stems that only phrases of several stems use still count for the cover.
                let mut rest: Vec<(u32, u8)> = cover
                    .iter()
                    .filter(|&&s| index.binary_search_by_key(&s, |e| e.0).is_err())
                    .map(|&s| (s, NO_BIT))
                    .collect();
                if !rest.is_empty() {
                    index.append(&mut rest);
                    index.sort_unstable();
                }
                StemBits {
                    stems: index.iter().map(|e| e.0).collect(),
                    bits: index.iter().map(|e| e.1).collect(),
                }
            })
            .collect();
        self.zh_phrases = f
            .zh_words
            .par_iter()
            .map(|words| {
                words
                    .iter()
                    .take(MAX_BITS)
                    .enumerate()
                    .filter(|(_, w)| {
                        lex.renderings[**w as usize]
                            .iter()
                            .any(|r| r.stems.len() > 1)
                    })
                    .map(|(k, &w)| (k, w))
                    .collect()
            })
            .collect();
        self.en_index = f
            .en_stems
            .par_iter()
            .zip(&self.en_bits)
            .map(|(stems, bits)| {
                stems
                    .iter()
                    .filter(|&&s| self.stem_rate[s as usize] > 0.0)
                    .map(|&s| {
                        let bit = bits.binary_search(&s).map_or(NO_BIT, |k| k as u8);
                        (s, bit)
                    })
                    .collect()
            })
            .collect();
    }

    /// The match masks of one sentence pair (see [`Pairs`]): one merge of the two sorted
    /// stem lists, then the few renderings of several stems.
    pub fn pair_masks(&self, i: usize, j: usize) -> (u64, u64) {
        let (zi, ej) = (&self.zh_index[i], &self.en_index[j]);
        let (zs, zb) = (&zi.stems, &zi.bits[..zi.stems.len()]);
        let (mut zh_mask, mut en_mask) = (0u64, 0u64);
        let (mut x, mut y) = (0, 0);
        while x < zs.len() && y < ej.len() {
            let (a, b) = (zs[x], ej[y].0);
            if a < b {
                x += 1;
            } else if a > b {
                y += 1;
            } else {
                // The next Chinese entry may be the same stem, rendered by another word.
                if zb[x] != NO_BIT {
                    zh_mask |= 1 << zb[x];
                }
                if ej[y].1 != NO_BIT {
                    en_mask |= 1 << ej[y].1;
                }
                x += 1;
            }
        }
        let en = &self.features.en_stems[j];
        for &(k, w) in &self.zh_phrases[i] {
            if zh_mask & (1 << k) == 0
                && self.lex.renderings[w as usize].iter().any(|r| {
                    r.stems.len() > 1 && r.stems.iter().all(|s| en.binary_search(s).is_ok())
                })
            {
                zh_mask |= 1 << k;
            }
        }
        (zh_mask, en_mask)
    }

    /// The match masks as [`Scorer::pair_masks`] finds them, the slow way (for tests).
    #[cfg(test)]
    fn pair_masks_plain(&self, i: usize, j: usize) -> (u64, u64) {
        let f = self.features;
        let en = &f.en_stems[j];
        let mut zh_mask = 0u64;
        for (k, &w) in f.zh_words[i].iter().take(MAX_BITS).enumerate() {
            let found = self.lex.renderings[w as usize]
                .iter()
                .any(|r| r.stems.iter().all(|s| en.binary_search(s).is_ok()));
            zh_mask |= (found as u64) << k;
        }
        let cover = &f.zh_cover[i];
        let mut en_mask = 0u64;
        for (k, s) in self.en_bits[j].iter().enumerate() {
            en_mask |= (cover.binary_search(s).is_ok() as u64) << k;
        }
        (zh_mask, en_mask)
    }

    /// Match masks for Chinese sentences `zh` against the English sentences `cols(i)` each.
    pub fn pairs(&self, zh: Range<usize>, cols: impl Fn(usize) -> Range<usize> + Sync) -> Pairs {
        let rows = zh
            .clone()
            .into_par_iter()
            .map(|i| {
                let c = cols(i);
                (c.start, c.map(|j| self.pair_masks(i, j)).collect())
            })
            .collect();
        Pairs {
            first_zh: zh.start,
            rows,
        }
    }

    fn masks(&self, pairs: &Pairs, i: usize, j: usize) -> (u64, u64) {
        let cached = i
            .checked_sub(pairs.first_zh)
            .and_then(|r| pairs.rows.get(r))
            .and_then(|(start, row)| j.checked_sub(*start).and_then(|c| row.get(c)));
        cached.copied().unwrap_or_else(|| self.pair_masks(i, j))
    }

    /// The scores of the bead shapes ending at cell (i, j) (bead zh i−a..i, en j−b..j for
    /// shape (a, b)), for every shape with `valid[k]`: the same values as [`Scorer::score`],
    /// with the match masks of the cell's neighbourhood looked up once for all shapes. Without
    /// `positional`, lexical evidence is plain: a match anywhere in the bead counts alike.
    pub fn cell(
        &self,
        pairs: &Pairs,
        i: usize,
        j: usize,
        valid: &[bool; SHAPES.len()],
        out: &mut [f32; SHAPES.len()],
        positional: bool,
    ) {
        let f = self.features;
        // cells[r][c]: the masks of Chinese sentence i−r against English j−c (index 0 unused).
        let mut cells = [[(0u64, 0u64); SPAN]; SPAN];
        let mut reach = [0usize; SPAN]; // per r: the widest b of a valid bead that has row i−r
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if valid[k] && b > 0 {
                for r in reach.iter_mut().take(a + 1).skip(1) {
                    *r = (*r).max(b);
                }
            }
        }
        for (r, row) in cells.iter_mut().enumerate().skip(1) {
            for (c, cell) in row.iter_mut().enumerate().take(reach[r] + 1).skip(1) {
                *cell = self.masks(pairs, i - r, j - c);
            }
        }
        // The spans of up to SPAN − 1 sentences ending at the cell, on each side.
        let zh = Spans::new(i, &f.zh_len, &self.zh_flags, &self.zh_digest);
        let en = Spans::new(j, &f.en_len, &self.en_flags, &self.en_digest);
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if !valid[k] {
                continue;
            }
            let (i0, j0) = (i - a, j - b);
            let mut total = self.log_prior[k];
            if a == 0 || b == 0 {
                let zh: f64 = self.zh_miss[i0..i].iter().map(|m| m[0]).sum();
                let en: f64 = self.en_miss[j0..j].iter().map(|m| m[0]).sum();
                out[k] = (total + (zh + en)) as f32;
                continue;
            }
            total += self.length_score(zh.len[a], en.len[b], b);
            total += self.lexical_with(i0, i, j0, j, positional, |x, y| cells[a - x][b - y]);
            total += self.signs_of(
                (zh.flags[a], en.flags[b]),
                (zh.digest[a], en.digest[b]),
                i0,
                i,
                j0,
                j,
            );
            out[k] = total as f32;
        }
    }

    /// The score of bead (zh sentences i0..i1, en sentences j0..j1) by part; None when the
    /// bead's shape is not one of [`SHAPES`] or its sentences are not the document's.
    pub fn parts(&self, pairs: &Pairs, zh: Range<usize>, en: Range<usize>) -> Option<ScoreParts> {
        let f = self.features;
        let shape = SHAPES.iter().position(|&s| s == (zh.len(), en.len()))?;
        if zh.end > f.zh_len.len() || en.end > f.en_len.len() {
            return None;
        }
        let (i0, i1, j0, j1) = (zh.start, zh.end, en.start, en.end);
        let prior = self.log_prior[shape];
        if zh.is_empty() || en.is_empty() {
            let zh: f64 = self.zh_miss[zh].iter().map(|m| m[0]).sum();
            let en: f64 = self.en_miss[en].iter().map(|m| m[0]).sum();
            return Some(ScoreParts {
                prior,
                lexical: zh + en,
                ..ScoreParts::default()
            });
        }
        let lz: f64 = f.zh_len[zh].iter().sum();
        let le: f64 = f.en_len[en].iter().sum();
        Some(ScoreParts {
            prior,
            length: self.length_score(lz, le, j1 - j0),
            lexical: self.lexical(pairs, i0, i1, j0, j1),
            signs: self.signs(i0, i1, j0, j1),
        })
    }

    /// Pair masks to score any bead with: none made beforehand, each made when asked for.
    pub fn no_pairs(&self) -> Pairs {
        Pairs {
            first_zh: 0,
            rows: Vec::new(),
        }
    }

    /// Length evidence: the log-likelihood of the English length under the translation
    /// model (Gale-Church: normal around ratio · Chinese length, variance growing with the
    /// length) against the length of a random span of `ne` English sentences of this document.
    /// A p-value would charge every bead about a nat and so favour merging sentences.
    fn length_score(&self, lz: f64, le: f64, ne: usize) -> f64 {
        let mean = (lz + le / self.ratio) / 2.0;
        let var = self.variance * mean.max(1.0);
        let delta2 = (le - self.ratio * lz).powi(2) / var;
        let (bmean, binv, bln) = self.background[ne.min(SPAN - 1)];
        let bd = le - bmean;
        // The background's tails are too thin for the rare very long sentence: its evidence
        // is capped at three standard deviations.
        self.params.length
            * (-0.5 * delta2 - 0.5 * fast_ln(var) + 0.5 * (bd * bd * binv).min(9.0) + bln)
    }

    /// Lexical evidence of a bead with both sides non-empty.
    pub fn lexical(&self, pairs: &Pairs, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        self.lexical_with(i0, i1, j0, j1, true, |x, y| {
            self.masks(pairs, i0 + x, j0 + y)
        })
    }

    /// Lexical evidence of bead (zh i0..i1, en j0..j1), both sides non-empty, with `mask(x, y)`
    /// the match masks of its x-th Chinese and y-th English sentence. Each word that misses
    /// counts as a miss over the other side's span. A word matched in one sentence of the other
    /// side counts as if that side were 1/π sentences long, π being the share of the word's
    /// translation expected in that sentence: half by the sentence's share of the side's
    /// length, half by where the word stands in its own side (translation mostly keeps the
    /// order of a passage). In a 1-1 bead, π = 1; with π = 1/n this is the plain evidence of a
    /// match anywhere in a span of n sentences, which is what counts without `positional` (or
    /// without positions: a coarse grid's units).
    fn lexical_with(
        &self,
        i0: usize,
        i1: usize,
        j0: usize,
        j1: usize,
        positional: bool,
        mask: impl Fn(usize, usize) -> (u64, u64),
    ) -> f64 {
        let f = self.features;
        let (zn, en) = (i1 - i0, j1 - j0);
        let (zl, el) = (zn.min(SPAN - 1), en.min(SPAN - 1));
        let mut sum: f64 = self.zh_miss[i0..i1].iter().map(|m| m[el]).sum::<f64>()
            + self.en_miss[j0..j1].iter().map(|m| m[zl]).sum::<f64>();
        // Words repeated within a side of the bead count once, in their first sentence.
        let zd = Self::repeated_in(&self.zh_dup, i0..i1);
        let ed = Self::repeated_in(&self.en_dup, j0..j1);
        if zn > 1 && !self.zh_dup.is_empty() {
            for (x, d) in zd.iter().enumerate().take(zn).skip(1) {
                sum -= bit_sum(*d, &f.zh_words[i0 + x], &self.word_miss, el);
            }
        }
        if en > 1 && !self.en_dup.is_empty() {
            for (y, d) in ed.iter().enumerate().take(en).skip(1) {
                sum -= bit_sum(*d, &self.en_bits[j0 + y], &self.stem_miss, zl);
            }
        }
        let mask = |x: usize, y: usize| {
            let (a, b) = mask(x, y);
            (a & !zd[x], b & !ed[y])
        };
        if (zn == 1 && en == 1) || !positional || f.zh_pos.is_empty() {
            // A match anywhere in the span.
            let (mut zs, mut es) = ([0u64; SPAN], [0u64; SPAN]);
            for (x, z) in zs.iter_mut().enumerate().take(zn) {
                for (y, e) in es.iter_mut().enumerate().take(en) {
                    let (a, b) = mask(x, y);
                    *z |= a;
                    *e |= b;
                }
            }
            for (z, ids) in zs.iter().zip(&f.zh_words[i0..i1]) {
                sum += bit_sum(*z, ids, &self.word_gain, el);
            }
            for (e, ids) in es.iter().zip(&self.en_bits[j0..j1]) {
                sum += bit_sum(*e, ids, &self.stem_gain, zl);
            }
            return sum;
        }
        // Masks by sentence pair (x, y) at x * en + y.
        let (mut zm, mut em) = ([0u64; CELLS], [0u64; CELLS]);
        let mut all = 0u64;
        for x in 0..zn {
            for y in 0..en {
                let (z, e) = mask(x, y);
                zm[x * en + y] = z;
                em[x * en + y] = e;
                all |= z | e;
            }
        }
        if all == 0 {
            return sum;
        }
        let zb = bounds(&f.zh_len[i0..i1]);
        let eb = bounds(&f.en_len[j0..j1]);
        for x in 0..zn {
            let i = i0 + x;
            let ids = &f.zh_words[i];
            let row = &zm[x * en..(x + 1) * en];
            if en == 1 {
                sum += bit_sum(row[0], ids, &self.word_gain, 1);
                continue;
            }
            let (x0, w) = (zb[x], zb[x + 1] - zb[x]);
            sum += positional_gains(row, 1, &f.zh_pos[i], ids, &self.word_gain, x0, w, &eb);
        }
        for y in 0..en {
            let j = j0 + y;
            let ids = &self.en_bits[j];
            if zn == 1 {
                sum += bit_sum(em[y], ids, &self.stem_gain, 1);
                continue;
            }
            let (y0, w) = (eb[y], eb[y + 1] - eb[y]);
            let col = &em[y..zn * en];
            sum += positional_gains(
                col,
                en,
                &self.en_bit_pos[j],
                ids,
                &self.stem_gain,
                y0,
                w,
                &zb,
            );
        }
        sum
    }

    /// Evidence of numbers, ? and ! marks and quotations of bead (zh i0..i1, en j0..j1).
    fn signs(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        let zh = Spans::new(i1, &[], &self.zh_flags, &self.zh_digest);
        let en = Spans::new(j1, &[], &self.en_flags, &self.en_digest);
        let (a, b) = (i1 - i0, j1 - j0);
        self.signs_of(
            (zh.flags[a], en.flags[b]),
            (zh.digest[a], en.digest[b]),
            i0,
            i1,
            j0,
            j1,
        )
    }

    /// [`Scorer::signs`] from the flags and number digests of the bead's two sides.
    fn signs_of(
        &self,
        (zf, ef): (u8, u8),
        ((zn, zd), (en, ed)): ((u32, u64), (u32, u64)),
        i0: usize,
        i1: usize,
        j0: usize,
        j1: usize,
    ) -> f64 {
        let mut total = 0.0;
        if (zf | ef) & NUMBERS != 0 {
            total += if zd & ed == 0 {
                -((zn + en) as f64) * self.params.number_miss
            } else {
                self.numbers(i0, i1, j0, j1)
            };
        }
        let differ = zf ^ ef;
        total -= self.params.mark_miss
            * ((differ & QUESTION != 0) as u8 + (differ & EXCLAMATION != 0) as u8) as f64;
        if self.quotes_informative {
            let f = self.features;
            if f.zh_quote[i1 - 1] != f.en_quote[j1 - 1] {
                total -= self.quote_pen.0;
            }
            if differ & OPENS != 0 {
                total -= self.quote_pen.1;
            }
        }
        total
    }

    fn numbers(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        let f = self.features;
        let (zh, en) = (&f.zh_numbers[i0..i1], &f.en_numbers[j0..j1]);
        let found = |n: &u64, side: &[Vec<u64>]| side.iter().any(|s| s.contains(n));
        let (mut hits, mut total) = (0usize, 0usize);
        for n in zh.iter().flatten() {
            hits += found(n, en) as usize;
            total += 1;
        }
        for n in en.iter().flatten() {
            hits += found(n, zh) as usize;
            total += 1;
        }
        hits as f64 * self.params.number_hit / 2.0 - (total - hits) as f64 * self.params.number_miss
    }
}

/// Per list k, at d (1..SPAN): the bits (positions in list k) of its ids that list k − d
/// holds too. The lists are sorted.
fn repeats(lists: &[&[u32]]) -> Vec<[u64; SPAN]> {
    (0..lists.len())
        .into_par_iter()
        .map(|k| {
            let mut out = [0u64; SPAN];
            for (d, o) in out.iter_mut().enumerate().skip(1).take(k) {
                let earlier = lists[k - d];
                for (b, id) in lists[k].iter().enumerate() {
                    if earlier.binary_search(id).is_ok() {
                        *o |= 1 << b;
                    }
                }
            }
            out
        })
        .collect()
}

/// Flags of a sentence (see [`flags`]).
const QUESTION: u8 = 1;
const EXCLAMATION: u8 = 2;
const OPENS: u8 = 4;
const NUMBERS: u8 = 8;

/// Lengths, flags and number digests (counts added, bits joined) of the spans of 0 to
/// SPAN − 1 sentences that end before sentence `end` of a side (fewer at its start); lengths
/// are 0 when `lens` is empty.
struct Spans {
    len: [f64; SPAN],
    flags: [u8; SPAN],
    digest: [(u32, u64); SPAN],
}

impl Spans {
    #[inline]
    fn new(end: usize, lens: &[f64], flags: &[u8], digests: &[(u32, u64)]) -> Spans {
        let mut spans = Spans {
            len: [0.0; SPAN],
            flags: [0; SPAN],
            digest: [(0, 0); SPAN],
        };
        for a in 1..SPAN.min(end + 1) {
            let s = end - a;
            spans.len[a] = spans.len[a - 1] + lens.get(s).copied().unwrap_or(0.0);
            spans.flags[a] = spans.flags[a - 1] | flags[s];
            let (n, bits) = spans.digest[a - 1];
            spans.digest[a] = (n + digests[s].0, bits | digests[s].1);
        }
        spans
    }
}

/// How many numbers a sentence has, and the bits `value mod 64` of each.
fn digest(numbers: &[u64]) -> (u32, u64) {
    let bits = numbers.iter().fold(0, |a, n| a | 1 << (n % 64));
    (numbers.len() as u32, bits)
}

/// Each sentence's flags: asks a question, exclaims, opens a quotation, has numbers.
fn flags(marks: &[(bool, bool)], opens: &[bool], numbers: &[Vec<u64>]) -> Vec<u8> {
    marks
        .iter()
        .zip(opens)
        .zip(numbers)
        .map(|((&(q, e), &o), n)| {
            q as u8 * QUESTION
                + e as u8 * EXCLAMATION
                + o as u8 * OPENS
                + !n.is_empty() as u8 * NUMBERS
        })
        .collect()
}

/// Whether at least 2% of a text's sentences close or open a quotation.
fn uses_quotes(close: &[bool], open: &[bool]) -> bool {
    let marked = close.iter().zip(open).filter(|(c, o)| **c || **o).count();
    marked * 50 >= close.len().max(1)
}

/// Sentence pairs of the largest bead shape (2-4 is 8).
const CELLS: usize = 8;
/// Half-width of the box around a word's relative position (as a share of the bead's side)
/// and the box's weight against the plain length shares (see [`share`]).
const POS_WIDTH: f32 = 0.25;
const POS_WEIGHT: f32 = 0.5;

/// The gains of one sentence's matched words in a bead whose other side has several
/// sentences: `masks[k * stride]` is the sentence's mask against the other side's k-th
/// sentence, whose relative bounds are `bounds[k]..bounds[k + 1]`; the sentence itself spans
/// `start..start + width` of its own side, and `pos` gives each word's place in it. A word
/// matched in several sentences counts where it fits best.
#[allow(clippy::too_many_arguments)]
#[inline]
fn positional_gains(
    masks: &[u64],
    stride: usize,
    pos: &[f32],
    ids: &[u32],
    gains: &[[f64; SPAN]],
    start: f32,
    width: f32,
    bounds: &[f32; SPAN + 1],
) -> f64 {
    let n = masks.len().div_ceil(stride);
    // later[b]: the bits matched in some cell after b.
    let mut later = [0u64; SPAN];
    for b in (0..n.saturating_sub(1)).rev() {
        later[b] = later[b + 1] | masks[(b + 1) * stride];
    }
    let mut sum = 0.0;
    let mut seen = 0u64;
    for b in 0..n {
        let cell = masks[b * stride];
        let mut m = cell & !seen;
        seen |= cell;
        while m != 0 {
            let k = m.trailing_zeros() as usize;
            m &= m - 1;
            let x = start + width * pos[k];
            let mut pi = share(x, bounds[b], bounds[b + 1]);
            if later[b] >> k & 1 == 1 {
                for c in b + 1..n {
                    if masks[c * stride] >> k & 1 == 1 {
                        pi = pi.max(share(x, bounds[c], bounds[c + 1]));
                    }
                }
            }
            sum += interpolate(&gains[ids[k] as usize], pi);
        }
    }
    sum
}

/// The share of a word at relative position `x` of one side expected in the part `lo..hi` of
/// the other side: the part's length share, mixed with the part's share of a box of
/// half-width [`POS_WIDTH`] around `x` (the length share alone where `x` is unknown).
#[inline]
fn share(x: f32, lo: f32, hi: f32) -> f32 {
    let uniform = hi - lo;
    if x.is_nan() {
        return uniform;
    }
    let (wl, wh) = ((x - POS_WIDTH).max(0.0), (x + POS_WIDTH).min(1.0));
    let boxed = (wh.min(hi) - wl.max(lo)).max(0.0) / (wh - wl).max(1e-3);
    (1.0 - POS_WEIGHT) * uniform + POS_WEIGHT * boxed
}

/// The relative end of each sentence of a side (by length; equal shares if all are empty),
/// from 0 at the start.
#[inline]
fn bounds(lens: &[f64]) -> [f32; SPAN + 1] {
    let mut b = [0.0f32; SPAN + 1];
    let total: f64 = lens.iter().sum();
    let mut at = 0.0;
    for (k, l) in lens.iter().enumerate().take(SPAN) {
        at += if total > 0.0 {
            l / total
        } else {
            1.0 / lens.len() as f64
        };
        b[k + 1] = at as f32;
    }
    b
}

/// A word's gain when a share `pi` of its translation is expected where it matched: the gain
/// over a span of 1/pi sentences, interpolated between whole lengths.
#[inline]
fn interpolate(gains: &[f64; SPAN], pi: f32) -> f64 {
    let len = (1.0 / pi).clamp(1.0, (SPAN - 1) as f32 - 1e-3);
    let k = len as usize;
    let frac = (len - k as f32) as f64;
    gains[k] + (gains[k + 1] - gains[k]) * frac
}

/// The gains of the ids whose bits are set in `mask` (bit k: `ids[k]`).
fn bit_sum(mut mask: u64, ids: &[u32], gains: &[[f64; SPAN]], len: usize) -> f64 {
    let mut sum = 0.0;
    while mask != 0 {
        let k = mask.trailing_zeros() as usize;
        sum += gains[ids[k] as usize][len];
        mask &= mask - 1;
    }
    sum
}

/// Log-odds of a word's match (or miss) over a span of `len` sentences, for a word found by
/// chance in a share `rate` of single sentences: a true translation shows a rendering with
/// probability p, or by chance (q); a random span only by chance. A match is worth
/// log((p + q - pq) / q); a miss log(1 - p).
fn evidence(p: f64, rate: f64, len: usize, matched: bool) -> f64 {
    let q = (1.0 - (1.0 - rate).powi(len as i32)).clamp(1e-3, 0.999);
    if matched {
        ((p + q - p * q) / q).ln()
    } else {
        (1.0 - p).ln()
    }
}

/// Mean, 1/variance and log standard deviation of the length of a random span of n English
/// sentences of the document, for n in 0..SPAN (the background of the length evidence).
fn background(en_len: &[f64]) -> [(f64, f64, f64); SPAN] {
    let n = en_len.len().max(1) as f64;
    let mean = en_len.iter().sum::<f64>() / n;
    // At least the spread of a coefficient of variation of 1/2: a short text tells little
    // about its sentence lengths.
    let var =
        (en_len.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n).max((mean / 2.0).powi(2));
    std::array::from_fn(|k| {
        let v = (k.max(1) as f64 * var).max(1.0);
        (k as f64 * mean, 1.0 / v, 0.5 * v.ln())
    })
}

/// ln(x) for x > 0, to about 1e-4: exponent plus a short series for the mantissa.
#[inline]
fn fast_ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000); // 1 ≤ m < 2
    // ln(m) = 2 atanh((m-1)/(m+1)).
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let ln_m = 2.0 * t * (1.0 + t2 * (1.0 / 3.0 + t2 * (0.2 + t2 / 7.0)));
    exp as f64 * std::f64::consts::LN_2 + ln_m
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::glossary::Glossary;
    use crate::tokenize::Tokenizer;

    /// Features and lexicon of a tiny document pair.
    fn doc(zh: &[&str], en: &[&str]) -> (Features, DocLexicon) {
        let t = Tokenizer::shared();
        let zt: Vec<ZhTokens> = zh.iter().map(|s| t.zh(s)).collect();
        let et: Vec<EnTokens> = en.iter().map(|s| t.en(s)).collect();
        let simplified: Vec<String> = zh.iter().map(|s| s.to_string()).collect();
        let lex = DocLexicon::build(&zt, &et, &Glossary::default(), t);
        (Features::new(&zt, &simplified, &et, &lex), lex)
    }

    #[test]
    fn a_split_sentence_scores_better_when_its_halves_keep_their_order() {
        // One Chinese sentence, translated as two English ones: the doctor's half first.
        let zh = ["医生来了，警察走了。", "天黑了。"];
        let (f, lex) = doc(
            &zh,
            &["The doctor came.", "The police left.", "It grew dark."],
        );
        let s = Scorer::new(&f, &lex, Params::default());
        let ordered = s.lexical(&s.pairs(0..2, |_| 0..3), 0, 1, 0, 2);
        let (f, lex) = doc(
            &zh,
            &["The police left.", "The doctor came.", "It grew dark."],
        );
        let s = Scorer::new(&f, &lex, Params::default());
        let swapped = s.lexical(&s.pairs(0..2, |_| 0..3), 0, 1, 0, 2);
        assert!(ordered > swapped + 0.2, "{ordered} vs {swapped}");
    }

    /// With `once_per_bead`, an English word in both sentences of a 1-2 bead counts once: the
    /// bead loses exactly that word's second match (its miss and its gain).
    #[test]
    fn a_word_repeated_in_a_bead_can_count_once() {
        let (f, lex) = doc(
            &["医生来了，医生走了。", "天黑了。"],
            &["The doctor came.", "The doctor left.", "It grew dark."],
        );
        let plain = Scorer::new(&f, &lex, Params::default());
        let mut params = Params::default();
        params.set("once_per_bead", 2.0).unwrap();
        let once = Scorer::new(&f, &lex, params);
        let bead = |s: &Scorer| s.lexical(&s.pairs(0..2, |_| 0..3), 0, 1, 0, 2);
        let doctor = lex.stems.get("doctor").unwrap() as usize;
        let second = plain.stem_gain[doctor][1] + once.stem_miss[doctor][1];
        assert!(second > 0.0);
        assert!((bead(&plain) - bead(&once) - second).abs() < 1e-9);
        assert!(Params::default().set("no_such", 1.0).is_err());
    }

    #[test]
    fn lengths_that_fit_are_evidence_and_misfits_count_against() {
        let (f, lex) = doc(
            &["医生来了。", "警察走了。"],
            &["The doctor came.", "The police left."],
        );
        let s = Scorer::new(&f, &lex, Params::default());
        let c = s.ratio();
        // A pair whose lengths fit the document's ratio beats chance; a threefold misfit does not.
        let (fit, misfit) = (
            s.length_score(20.0, 20.0 * c, 1),
            s.length_score(20.0, 60.0 * c, 1),
        );
        assert!(fit > 0.0, "{fit} {misfit} {c}");
        assert!(misfit < fit - 2.0, "{fit} {misfit}");
    }

    #[test]
    fn fast_ln_is_close() {
        for x in [1e-3, 0.5, 1.0, 2.0, 30.0, 1234.5, 1e7] {
            assert!((fast_ln(x) - f64::ln(x)).abs() < 1e-4, "{x}");
        }
    }

    /// Tokens, lexicon and features of a sample of ours, with a glossary phrase of two words.
    fn sample() -> (DocLexicon, Features, usize, usize) {
        use crate::glossary::{Glossary, Term};
        use crate::tokenize::{Tokenizer, to_simplified};
        let zh_text = include_str!("../../../corpora/telegrams-1917/zh.txt");
        let en_text = include_str!("../../../corpora/telegrams-1917/en.txt");
        let zh: Vec<&str> = zh_text
            .split(['。', '\n'])
            .filter(|s| !s.trim().is_empty())
            .collect();
        let en: Vec<&str> = en_text.split(". ").collect();
        let tok = Tokenizer::shared();
        let zt: Vec<_> = zh.iter().map(|s| tok.zh(s)).collect();
        let et: Vec<_> = en.iter().map(|s| tok.en(s)).collect();
        let simplified: Vec<String> = zh.iter().map(|s| to_simplified(s)).collect();
        let glossary = Glossary {
            terms: vec![Term {
                zh: "阿穆爾省".into(),
                en: "Amur oblast".into(),
                comment: String::new(),
            }],
        };
        let lex = DocLexicon::build(&zt, &et, &glossary, tok);
        let features = Features::new(&zt, &simplified, &et, &lex);
        (lex, features, zh.len(), en.len())
    }

    /// Every sentence pair of a sample gets the same masks from the merged stem lists as
    /// from looking up each word's renderings, glossary phrases of several words included.
    #[test]
    fn merged_stem_lists_give_the_plain_masks() {
        let (lex, features, n, m) = sample();
        let scorer = Scorer::new(&features, &lex, Params::default());
        let mut phrase_hits = 0;
        let mut hits = 0;
        for i in 0..n {
            for j in 0..m {
                let fast = scorer.pair_masks(i, j);
                assert_eq!(fast, scorer.pair_masks_plain(i, j), "zh {i}, en {j}");
                hits += (fast.0 != 0) as usize;
                phrase_hits += scorer.zh_phrases[i]
                    .iter()
                    .filter(|(k, _)| fast.0 & (1 << k) != 0)
                    .count();
            }
        }
        assert!(hits > n, "the sample has matches");
        assert!(phrase_hits > 0, "the glossary phrase matched somewhere");
    }

    /// Scoring all shapes of a cell at once gives each bead's own score, for every cell,
    /// with some shapes left out, and with the pair masks cached for part of the grid only.
    #[test]
    fn cell_scores_are_the_bead_scores() {
        let (lex, features, n, m) = sample();
        let scorer = Scorer::new(&features, &lex, Params::default());
        let pairs = scorer.pairs(0..n, |i| i.saturating_sub(3)..(i + 3).min(m));
        let mut compared = 0;
        for i in 0..=n {
            for j in 0..=m {
                let valid: [bool; SHAPES.len()] = std::array::from_fn(|k| {
                    let (a, b) = SHAPES[k];
                    i >= a && j >= b && (a, b) != (0, 0) && (i + j + k) % 7 != 0
                });
                let mut out = [f32::NEG_INFINITY; SHAPES.len()];
                scorer.cell(&pairs, i, j, &valid, &mut out, true);
                for (k, &(a, b)) in SHAPES.iter().enumerate() {
                    if valid[k] {
                        let parts = scorer.parts(&pairs, i - a..i, j - b..j);
                        let want = parts.expect("a shape of SHAPES").total() as f32;
                        assert_eq!(out[k], want, "cell ({i}, {j}), shape {a}-{b}");
                        compared += 1;
                    } else {
                        assert_eq!(out[k], f32::NEG_INFINITY);
                    }
                }
            }
        }
        assert!(compared > 10 * n * m);
    }

    /// A bead the search never considers has no parts: a shape not in SHAPES, sentences the
    /// document lacks.
    #[test]
    fn parts_only_for_beads_the_search_considers() {
        let (lex, features, n, m) = sample();
        let scorer = Scorer::new(&features, &lex, Params::default());
        let pairs = scorer.no_pairs();
        assert!(scorer.parts(&pairs, 0..1, 0..1).is_some());
        assert!(scorer.parts(&pairs, 0..1, 0..0).is_some());
        assert_eq!(scorer.parts(&pairs, 0..3, 0..3), None);
        assert_eq!(scorer.parts(&pairs, 0..0, 0..0), None);
        assert_eq!(scorer.parts(&pairs, n..n + 1, 0..1), None);
        assert_eq!(scorer.parts(&pairs, 0..1, m..m + 1), None);
        let empty = scorer.parts(&pairs, 0..1, 0..0).unwrap();
        assert_eq!((empty.length, empty.signs), (0.0, 0.0));
    }

    #[test]
    fn shapes_and_priors_line_up() {
        assert_eq!(SHAPES.len(), DEFAULT_PRIOR.len());
    }
}
