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
        }
    }
}

/// Per-sentence features, computed once.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Chinese sentence → word ids (with renderings) it contains.
    pub zh_words: Vec<Vec<u32>>,
    /// Chinese sentence → every stem its words can render, sorted.
    pub zh_cover: Vec<Vec<u32>>,
    /// English sentence → content stems, sorted.
    pub en_stems: Vec<Vec<u32>>,
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
        let zh_words: Vec<Vec<u32>> = zh
            .iter()
            .zip(zh_simplified)
            .map(|(t, s)| lex.sentence_ids(t, s))
            .collect();
        let en_stems = en.iter().map(|s| lex.content_stem_ids(s)).collect();
        Features::from_ids(zh, en, zh_words, en_stems, lex)
    }

    /// Features from each sentence's lexical ids, found beforehand: Chinese word ids
    /// ([`DocLexicon::sentence_ids`]; those with renderings are kept) and English content
    /// stems ([`DocLexicon::content_stem_ids`]). Of the tokens only the other fields are read,
    /// so their words may be gone.
    pub fn from_ids(
        zh: &[ZhTokens],
        en: &[EnTokens],
        mut zh_words: Vec<Vec<u32>>,
        en_stems: Vec<Vec<u32>>,
        lex: &DocLexicon,
    ) -> Features {
        zh_words
            .par_iter_mut()
            .for_each(|ids| ids.retain(|&id| !lex.renderings[id as usize].is_empty()));
        let zh_cover = zh_words
            .par_iter()
            .map(|ids| {
                let mut v: Vec<u32> = ids
                    .iter()
                    .flat_map(|&w| {
                        lex.renderings[w as usize]
                            .iter()
                            .flat_map(|r| r.stems.iter().copied())
                    })
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        Features {
            zh_words,
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
        Features {
            zh_words: zc
                .par_iter()
                .map(|r| union(&self.zh_words[r.clone()]))
                .collect(),
            zh_cover: zc
                .par_iter()
                .map(|r| union(&self.zh_cover[r.clone()]))
                .collect(),
            en_stems: ec
                .par_iter()
                .map(|r| union(&self.en_stems[r.clone()]))
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
    /// log prior of each shape, indexed like [`SHAPES`].
    log_prior: Vec<f64>,
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
    en_miss: Vec<[f64; SPAN]>,
    /// Per stem id: the gain of its match over its miss.
    stem_gain: Vec<[f64; SPAN]>,
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

/// Prior shares of bead shapes in literary Chinese-English translation, re-estimated per
/// document after a first pass.
pub const DEFAULT_PRIOR: &[f64] = &[
    0.62, 0.21, 0.05, 0.055, 0.02, 0.01, 0.02, 0.005, 0.003, 0.003, 0.004, 0.002, 0.004, 0.004,
];

impl<'a> Scorer<'a> {
    pub fn new(features: &'a Features, lex: &'a DocLexicon, params: Params) -> Scorer<'a> {
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
            log_prior: Vec::new(),
            quotes_informative: uses_quotes(&features.zh_quote, &features.zh_opens)
                && uses_quotes(&features.en_quote, &features.en_opens),
            zh_miss: Vec::new(),
            word_gain: Vec::new(),
            en_bits: Vec::new(),
            en_miss: Vec::new(),
            stem_gain: Vec::new(),
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
            .iter()
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
            .iter()
            .map(|ids| sum_miss(&ids[..ids.len().min(MAX_BITS)], &words))
            .collect();
        self.en_bits = f
            .en_stems
            .iter()
            .map(|stems| {
                stems
                    .iter()
                    .copied()
                    .filter(|&s| self.stem_rate[s as usize] > 0.0)
                    .take(MAX_BITS)
                    .collect()
            })
            .collect();
        self.en_miss = self
            .en_bits
            .iter()
            .map(|ids| sum_miss(ids, &stems))
            .collect();
        self.word_gain = words.into_iter().map(|(_, g)| g).collect();
        self.stem_gain = stems.into_iter().map(|(_, g)| g).collect();
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
    /// with the match masks of the cell's neighbourhood looked up once for all shapes.
    pub fn cell(
        &self,
        pairs: &Pairs,
        i: usize,
        j: usize,
        valid: &[bool; SHAPES.len()],
        out: &mut [f32; SHAPES.len()],
    ) {
        let f = self.features;
        // zor[r][b]: Chinese sentence i−r against English j−b..j; eor[c][a]: English sentence
        // j−c against Chinese i−a..i (masks OR-ed; index 0 unused).
        let mut zor = [[0u64; SPAN]; SPAN];
        let mut eor = [[0u64; SPAN]; SPAN];
        let mut reach = [0usize; SPAN]; // per r: the widest b of a valid bead that has row i−r
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if valid[k] && b > 0 {
                for r in reach.iter_mut().take(a + 1).skip(1) {
                    *r = (*r).max(b);
                }
            }
        }
        for r in 1..SPAN {
            for c in 1..=reach[r] {
                let (z, e) = self.masks(pairs, i - r, j - c);
                zor[r][c] = zor[r][c - 1] | z;
                eor[c][r] = eor[c][r - 1] | e;
            }
        }
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if !valid[k] {
                continue;
            }
            let (i0, j0) = (i - a, j - b);
            let mut total = self.log_prior[k];
            if a == 0 || b == 0 {
                let zh: f64 = self.zh_miss[i0..i].iter().map(|m| m[0]).sum();
                let en: f64 = self.en_miss[j0..j].iter().map(|m| m[0]).sum();
                out[k] = (total + zh + en) as f32;
                continue;
            }
            let lz: f64 = f.zh_len[i0..i].iter().sum();
            let le: f64 = f.en_len[j0..j].iter().sum();
            total += self.length_score(lz, le);
            let (zl, el) = (a.min(SPAN - 1), b.min(SPAN - 1));
            let mut lexical = 0.0;
            for r in (1..=a).rev() {
                lexical += self.zh_miss[i - r][el]
                    + bit_sum(zor[r][b], &f.zh_words[i - r], &self.word_gain, el);
            }
            for c in (1..=b).rev() {
                lexical += self.en_miss[j - c][zl]
                    + bit_sum(eor[c][a], &self.en_bits[j - c], &self.stem_gain, zl);
            }
            total += lexical;
            total += self.numbers(i0, i, j0, j);
            total += self.marks(i0, i, j0, j);
            out[k] = total as f32;
        }
    }

    /// The score of bead (zh sentences i0..i1, en sentences j0..j1), shape index `shape`.
    pub fn score(
        &self,
        pairs: &Pairs,
        i0: usize,
        i1: usize,
        j0: usize,
        j1: usize,
        shape: usize,
    ) -> f64 {
        let f = self.features;
        let mut total = self.log_prior[shape];
        if i0 == i1 || j0 == j1 {
            let zh: f64 = self.zh_miss[i0..i1].iter().map(|m| m[0]).sum();
            let en: f64 = self.en_miss[j0..j1].iter().map(|m| m[0]).sum();
            return total + zh + en;
        }
        let lz: f64 = f.zh_len[i0..i1].iter().sum();
        let le: f64 = f.en_len[j0..j1].iter().sum();
        total += self.length_score(lz, le);
        total += self.lexical(pairs, i0, i1, j0, j1);
        total += self.numbers(i0, i1, j0, j1);
        total += self.marks(i0, i1, j0, j1);
        total
    }

    fn length_score(&self, lz: f64, le: f64) -> f64 {
        let mean = (lz + le / self.ratio) / 2.0;
        let delta = (le - self.ratio * lz) / (self.variance * mean.max(1.0)).sqrt();
        log_two_tail(delta.abs())
    }

    /// Log-odds of a match for a word whose rate per single sentence is `rate`, over a span
    /// of `len` sentences.
    /// Lexical evidence of a bead with both sides non-empty.
    pub fn lexical(&self, pairs: &Pairs, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        let f = self.features;
        let (zl, el) = ((i1 - i0).min(SPAN - 1), (j1 - j0).min(SPAN - 1));
        let mut zh_masks = [0u64; SPAN];
        let mut en_masks = [0u64; SPAN];
        for i in i0..i1 {
            for j in j0..j1 {
                let (z, e) = self.masks(pairs, i, j);
                zh_masks[(i - i0).min(SPAN - 1)] |= z;
                en_masks[(j - j0).min(SPAN - 1)] |= e;
            }
        }
        let mut sum = 0.0;
        for i in i0..i1 {
            sum += self.zh_miss[i][el]
                + bit_sum(
                    zh_masks[(i - i0).min(SPAN - 1)],
                    &f.zh_words[i],
                    &self.word_gain,
                    el,
                );
        }
        for j in j0..j1 {
            sum += self.en_miss[j][zl]
                + bit_sum(
                    en_masks[(j - j0).min(SPAN - 1)],
                    &self.en_bits[j],
                    &self.stem_gain,
                    zl,
                );
        }
        sum
    }

    fn numbers(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        let f = self.features;
        let (zh, en) = (&f.zh_numbers[i0..i1], &f.en_numbers[j0..j1]);
        if zh.iter().all(Vec::is_empty) && en.iter().all(Vec::is_empty) {
            return 0.0;
        }
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

    fn marks(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f64 {
        let f = self.features;
        let any = |marks: &[(bool, bool)]| {
            marks
                .iter()
                .fold((false, false), |a, m| (a.0 || m.0, a.1 || m.1))
        };
        let (zq, ze) = any(&f.zh_marks[i0..i1]);
        let (eq, ee) = any(&f.en_marks[j0..j1]);
        if !self.quotes_informative {
            return -self.params.mark_miss * ((zq != eq) as u8 + (ze != ee) as u8) as f64;
        }
        let opens = |o: &[bool]| o.iter().any(|&x| x);
        let quote = ((f.zh_quote[i1 - 1] != f.en_quote[j1 - 1]) as u8 as f64
            + self.params.open_weight
                * (opens(&f.zh_opens[i0..i1]) != opens(&f.en_opens[j0..j1])) as u8 as f64)
            * self.params.quote_miss;
        -self.params.mark_miss * ((zq != eq) as u8 + (ze != ee) as u8) as f64 - quote
    }
}

/// Whether at least 2% of a text's sentences close or open a quotation.
fn uses_quotes(close: &[bool], open: &[bool]) -> bool {
    let marked = close.iter().zip(open).filter(|(c, o)| **c || **o).count();
    marked * 50 >= close.len().max(1)
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

/// log(2·(1 − Φ(x))) for x ≥ 0: the Gale-Church length log-probability, floored at
/// log(1e-12). Read from a table (the scorer calls it millions of times).
fn log_two_tail(x: f64) -> f64 {
    const STEP: f64 = 0.01;
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=1000)
            .map(|k| log_two_tail_exact(k as f64 * STEP))
            .collect()
    });
    let pos = x / STEP;
    let k = pos as usize;
    if k + 1 >= table.len() {
        return table[table.len() - 1];
    }
    let frac = pos - k as f64;
    table[k] + (table[k + 1] - table[k]) * frac
}

fn log_two_tail_exact(x: f64) -> f64 {
    // Abramowitz-Stegun 7.1.26 for erfc.
    let z = x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-z * z).exp();
    erfc.max(1e-12).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_tail_is_zero_at_the_mean_and_falls() {
        assert!(log_two_tail(0.0).abs() < 1e-6);
        assert!(log_two_tail(1.0) < log_two_tail(0.5));
        assert!((log_two_tail(1.96) - 0.05f64.ln()).abs() < 0.01);
    }

    /// Tokens, lexicon and features of a sample of ours, with a glossary phrase of two words.
    fn sample() -> (DocLexicon, Features, usize, usize) {
        use crate::glossary::{Glossary, Term};
        use crate::tokenize::{Tokenizer, to_simplified};
        let zh_text = include_str!("../corpora/telegrams-1917/zh.txt");
        let en_text = include_str!("../corpora/telegrams-1917/en.txt");
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
                scorer.cell(&pairs, i, j, &valid, &mut out);
                for (k, &(a, b)) in SHAPES.iter().enumerate() {
                    if valid[k] {
                        let want = scorer.score(&pairs, i - a, i, j - b, j, k) as f32;
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

    #[test]
    fn shapes_and_priors_line_up() {
        assert_eq!(SHAPES.len(), DEFAULT_PRIOR.len());
    }
}
