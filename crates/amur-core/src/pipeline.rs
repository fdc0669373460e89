//! The whole alignment of one document pair: tokenize both sides, build the document's
//! lexicon, align paragraph by paragraph in two passes (the second with shape priors, length
//! spread and word associations learned from the first), and attach a confidence to each bead.

use crate::align::{self, Band, BeadScores, NS, Step};
use crate::bead::{Alignment, Bead, Sentence};
use crate::glossary::Glossary;
use crate::lexicon::{DocLexicon, Rendering, Source};
use crate::score::{self, DEFAULT_PRIOR, Features, Pairs, Params, SHAPES, ScoreParts, Scorer};
use crate::tokenize::{EnTokens, StemCache, Tokenizer, ZhTokens, to_simplified};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// What the aligner needs besides the two texts.
#[derive(Debug, Clone)]
pub struct Config {
    pub glossary: Glossary,
    pub params: Params,
    /// Skip the second pass (faster, a little less accurate).
    pub single_pass: bool,
    /// Translations learned from a corpus ([`crate::corpus`]), added to the document's lexicon.
    pub corpus: std::sync::Arc<crate::corpus::CorpusLexicon>,
    /// Add amur's period lexicon ([`crate::period`]) to the glossary (on by default).
    pub period_lexicon: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            glossary: Glossary::default(),
            params: Params::default(),
            single_pass: false,
            corpus: Default::default(),
            period_lexicon: true,
        }
    }
}

impl Config {
    /// The glossary the aligner uses: the user's, and the period lexicon when it is on.
    pub fn effective_glossary(&self) -> std::borrow::Cow<'_, Glossary> {
        if !self.period_lexicon {
            return std::borrow::Cow::Borrowed(&self.glossary);
        }
        let mut g = self.glossary.clone();
        g.extend(crate::period::lexicon().clone());
        std::borrow::Cow::Owned(g)
    }
}

/// Grid cells up to which a block is searched in full; larger blocks use a band.
const FULL_SEARCH_CELLS: usize = 250_000;
/// Half-width of a band around a coarser grid's path, in cells of the grid searched. Where the
/// path nears an edge, the stretch is re-searched ([`repair_near_edges`]), or, in the final
/// search (whose confidences need the whole band), the band grows fourfold, then sixteenfold
/// there (the rows that keep their cells keep their scores). Measured on bible 006: 585k
/// cells and 11 near-edge steps in pass 1 instead of 756k and 4 at 8, same beads on 001-006;
/// at 4, 243 near-edge steps cost more than they save.
const BAND_WIDTH: usize = 6;
/// Half-width of the band around the first pass's path in which the second pass searches a
/// long block. The two passes' paths rarely part by more than a bead or two, and where the
/// path touches the band's edge the band is widened there. Measured on bible 006: 329k cells
/// instead of 585k at 6, with the same beads and confidences (to three decimals).
const FINAL_WIDTH: usize = 3;
/// Half-width of the band, around the first pass's path, in which the second pass searches a
/// block small enough for a full first pass. It holds any path the full search finds unless
/// the two passes disagree by over 64 sentences (on mac-dev, with runs of 30 to 100 sentences
/// cut from one side, the full search found the same beads in 11 cases of 12).
const GUIDED_WIDTH: usize = 64;
/// Sentences per unit of the next coarser grid when a long block is searched level by level.
const LEVEL_FACTOR: usize = 4;
/// How many searches of a grid, at most, before its path is accepted (the band re-centred on
/// the path and widened before each new one).
const MAX_WIDENINGS: usize = 3;
/// Steps on each side of a near-edge step whose band is widened.
const WIDEN_REACH: usize = 64;
/// English sentences tokenized in one job at least (they share a stem cache).
const EN_RUN: usize = 1024;
/// Temperature of the bead posteriors that become confidences.
const TEMPERATURE: f64 = 1.0;

/// Aligns two sentence lists. Paragraph numbers on the sentences are hard boundaries when
/// both sides have the same number of paragraphs.
pub fn align_sentences(zh: Vec<Sentence>, en: Vec<Sentence>, config: &Config) -> Alignment {
    align_explained(zh, en, config, &[]).alignment
}

/// An alignment, with the final scorer's parts of the score of other beads and of its own.
#[derive(Debug, Clone, Default)]
pub struct Explained {
    pub alignment: Alignment,
    /// The parts of each probed bead (None: a shape the search does not consider, or
    /// sentences the document does not have).
    pub probe: Vec<Option<ScoreParts>>,
    /// The parts of each of the alignment's beads; empty when nothing was probed.
    pub beads: Vec<Option<ScoreParts>>,
}

/// [`align_sentences`], and what the final scorer says of each bead of `probe` (its Chinese
/// and English sentence ranges) and of each bead of the alignment: to read why the aligner
/// preferred its beads to others, such as the gold's (`amur eval --run --margins`).
pub fn align_explained(
    zh: Vec<Sentence>,
    en: Vec<Sentence>,
    config: &Config,
    probe: &[(Range<usize>, Range<usize>)],
) -> Explained {
    let t0 = std::time::Instant::now();
    let tokenizer = load_dictionaries();
    let zh_simplified: Vec<String> = zh.par_iter().map(|s| to_simplified(&s.text)).collect();
    let mut zh_tokens: Vec<ZhTokens> = zh
        .par_iter()
        .zip(&zh_simplified)
        .map(|(s, simplified)| tokenizer.zh_simplified(&s.text, simplified))
        .collect();
    // Long runs of sentences per job, so that each job's stem cache fills and serves.
    let mut en_tokens: Vec<EnTokens> = en
        .par_iter()
        .with_min_len(EN_RUN)
        .map_init(StemCache::default, |cache, s| {
            tokenizer.en_cached(&s.text, cache)
        })
        .collect();
    trace(&t0, "tokenized");
    let glossary = config.effective_glossary();
    let mut lex = DocLexicon::build(&zh_tokens, &en_tokens, &glossary, tokenizer);
    if !config.corpus.is_empty() {
        lex.add_corpus(&config.corpus, tokenizer);
    }
    trace(&t0, "lexicon");
    let ids = SentenceIds::new(&zh_tokens, &zh_simplified, &en_tokens, &lex);
    drop(zh_simplified);
    forget_words(&mut zh_tokens, &mut en_tokens);
    release_freed_memory();
    trace(&t0, "ids");
    let blocks = blocks(&zh, &en);

    let features = Features::from_ids(
        &zh_tokens,
        &en_tokens,
        (ids.zh.clone(), ids.zh_pos.clone()),
        (ids.en_stems.clone(), ids.en_pos.clone()),
        &lex,
    );
    trace(&t0, "features");
    // Guides first: the coarse grids' tables are gone before the fine grid's are built.
    let guides: Vec<Vec<(usize, usize)>> = blocks
        .par_iter()
        .map(|(zr, er)| coarse_guide(&features, &lex, &config.params, zr, er))
        .collect();
    trace(&t0, "guides");
    let scorer = Scorer::new(&features, &lex, config.params.clone());
    trace(&t0, "scorer");
    let first = search(&scorer, &blocks, &guides, BAND_WIDTH, config.single_pass);
    trace(&t0, "pass 1");
    if !config.single_pass && !first.is_empty() {
        let path: Vec<Step> = first.into_iter().map(|(s, _)| s).collect();
        let shares = shape_shares(&path, &config.params);
        let sd = length_spread(&path, &features, scorer.ratio());
        let (close, open) = quote_penalties(&path, &features, &config.params);
        // The first pass's tables go before the second pass builds its own.
        drop(scorer);
        drop(features);
        learn_associations(&mut lex, &path, &ids, &config.params);
        drop(ids.zh_tokens);
        release_freed_memory();
        trace(&t0, "learned");
        let features = Features::from_ids(
            &zh_tokens,
            &en_tokens,
            (ids.zh, ids.zh_pos),
            (ids.en_stems, ids.en_pos),
            &lex,
        );
        let mut scorer = Scorer::new(&features, &lex, config.params.clone());
        scorer.set_prior(&shares);
        scorer.set_variance(sd);
        scorer.set_quote_penalties(close, open);
        trace(&t0, "scorer");
        let guides: Vec<Vec<(usize, usize)>> = blocks
            .par_iter()
            .map(|(zr, er)| {
                block_steps(&path, zr, er)
                    .map(|s| (s.i1 - zr.start, s.j1 - er.start))
                    .collect()
            })
            .collect();
        let second = search(&scorer, &blocks, &guides, FINAL_WIDTH, true);
        trace(&t0, "pass 2");
        return explained(&scorer, probe, zh, en, second);
    }
    explained(&scorer, probe, zh, en, first)
}

/// The alignment of `path`, with the parts of the probed beads and of the path's own.
fn explained(
    scorer: &Scorer,
    probe: &[(Range<usize>, Range<usize>)],
    zh: Vec<Sentence>,
    en: Vec<Sentence>,
    path: Vec<(Step, f64)>,
) -> Explained {
    if probe.is_empty() {
        return Explained {
            alignment: finish(zh, en, path),
            ..Explained::default()
        };
    }
    let pairs = scorer.no_pairs();
    let parts = |z: &Range<usize>, e: &Range<usize>| scorer.parts(&pairs, z.clone(), e.clone());
    let probe = probe.iter().map(|(z, e)| parts(z, e)).collect();
    let alignment = finish(zh, en, path);
    let beads = alignment
        .beads
        .iter()
        .map(|b| parts(&b.zh, &b.en))
        .collect();
    Explained {
        alignment,
        probe,
        beads,
    }
}

/// Loads the tokenizer's dictionary (jieba) and the lexicon's (CC-CEDICT) side by side, once
/// per process: most of a short pair's time. Aligning loads them when needed; a program that
/// will align many pairs may load them first.
pub fn load_dictionaries() -> &'static Tokenizer {
    rayon::join(Tokenizer::shared, crate::lexicon::load_dictionary).0
}

/// The lexical ids of every sentence, found once (the tokens' words are not needed after).
struct SentenceIds {
    /// Chinese sentence → [`DocLexicon::sentence_ids`]: words, unknown runs, glossary terms.
    zh: Vec<Vec<u32>>,
    /// Chinese sentence → where each of `zh` stands in it ([`score::word_positions`]).
    zh_pos: Vec<Vec<f32>>,
    /// Chinese sentence → [`DocLexicon::token_ids`]: its words as tokenized.
    zh_tokens: Vec<Vec<u32>>,
    /// English sentence → its content stems and where each stands ([`score::stem_positions`]).
    en_stems: Vec<Vec<u32>>,
    en_pos: Vec<Vec<f32>>,
}

impl SentenceIds {
    fn new(
        zh: &[ZhTokens],
        zh_simplified: &[String],
        en: &[EnTokens],
        lex: &DocLexicon,
    ) -> SentenceIds {
        let ((zh_ids, zh_pos), (en_stems, en_pos)) = score::lexical_ids(zh, zh_simplified, en, lex);
        SentenceIds {
            zh: zh_ids,
            zh_pos,
            zh_tokens: zh.par_iter().map(|t| lex.token_ids(t)).collect(),
            en_stems,
            en_pos,
        }
    }
}

/// Frees the words of the tokens once their ids are known: a long document's tokens are
/// among the largest tables of the alignment (a string per word).
fn forget_words(zh: &mut [ZhTokens], en: &mut [EnTokens]) {
    zh.par_iter_mut().for_each(|t| t.words = Vec::new());
    en.par_iter_mut().for_each(|t| t.words = Vec::new());
}

/// Paragraph blocks (zh range, en range): one per paragraph when the counts agree, else one.
fn blocks(zh: &[Sentence], en: &[Sentence]) -> Vec<(Range<usize>, Range<usize>)> {
    let zp = paragraph_ranges(zh);
    let ep = paragraph_ranges(en);
    if zp.len() == ep.len() && zp.len() > 1 {
        zp.into_iter().zip(ep).collect()
    } else {
        vec![(0..zh.len(), 0..en.len())]
    }
}

fn paragraph_ranges(sentences: &[Sentence]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (k, s) in sentences.iter().enumerate() {
        match out.last_mut() {
            Some(r) if sentences[r.start].paragraph == s.paragraph => r.end = k + 1,
            _ => out.push(k..k + 1),
        }
    }
    out
}

/// The best path of every block, in document coordinates, each step with its confidence when
/// `confidences` is asked for (else 0). Long blocks are searched in a band around their guide
/// (block coordinates): the previous pass's path, or the path of a coarser grid.
fn search(
    scorer: &Scorer,
    blocks: &[(Range<usize>, Range<usize>)],
    guides: &[Vec<(usize, usize)>],
    width: usize,
    confidences: bool,
) -> Vec<(Step, f64)> {
    blocks
        .par_iter()
        .zip(guides)
        .flat_map_iter(|((zr, er), guide)| {
            let (path, post) = block_path(scorer, zr, er, guide, width, confidences);
            let post = post.into_iter().chain(std::iter::repeat(0.0));
            path.into_iter().zip(post).map(move |(s, p)| {
                let s = Step {
                    i0: s.i0 + zr.start,
                    i1: s.i1 + zr.start,
                    j0: s.j0 + er.start,
                    j1: s.j1 + er.start,
                    ..s
                };
                (s, p)
            })
        })
        .collect()
}

/// The steps of `path` (document order, as [`search`] returns them) that lie in the block.
/// They are found by binary search: filtering the whole path for every block was quadratic in
/// the number of paragraphs (1,000,000 one-line paragraphs a side never finished).
fn block_steps<'a>(
    path: &'a [Step],
    zr: &'a Range<usize>,
    er: &'a Range<usize>,
) -> impl Iterator<Item = &'a Step> {
    let before = |s: &Step| s.i1 <= zr.start && s.j1 <= er.start && (s.i0 < s.i1 || s.j0 < s.j1);
    let lo = path.partition_point(before);
    let hi = lo + path[lo..].partition_point(|s| s.i0 < zr.end || s.j0 < er.end);
    path[lo..hi]
        .iter()
        .filter(|s| s.i0 >= zr.start && s.i1 <= zr.end && s.j0 >= er.start && s.j1 <= er.end)
}

/// A guide for a long block: the best path on a coarser grid whose units are runs of about
/// [`LEVEL_FACTOR`] sentences, mapped back to sentence coordinates. That grid is searched in
/// a band around a guide of its own, from a grid coarser again, down to one small enough to
/// search in full; so every level's band stays narrow and the work grows with the length of
/// the block. Empty for blocks small enough to search in full.
fn coarse_guide(
    features: &Features,
    lex: &DocLexicon,
    params: &Params,
    zr: &Range<usize>,
    er: &Range<usize>,
) -> Vec<(usize, usize)> {
    let (n, m) = (zr.len(), er.len());
    if (n + 1) * (m + 1) <= FULL_SEARCH_CELLS {
        return Vec::new();
    }
    // Units of the longer side hold LEVEL_FACTOR sentences; the other side's units cover the
    // same share of their text.
    let (kz, ke) = if n >= m {
        let kz = LEVEL_FACTOR;
        (kz, m.div_ceil(n.div_ceil(kz)).max(1))
    } else {
        let ke = LEVEL_FACTOR;
        (n.div_ceil(m.div_ceil(ke)).max(1), ke)
    };
    let coarse = coarse_features(features, lex, zr, er, kz, ke);
    let (cn, cm) = (coarse.zh_len.len(), coarse.en_len.len());
    let guide = coarse_guide(&coarse, lex, params, &(0..cn), &(0..cm));
    let coarse_scorer = Scorer::new(&coarse, lex, params.clone());
    let (path, _) = block_path(
        &coarse_scorer,
        &(0..cn),
        &(0..cm),
        &guide,
        BAND_WIDTH,
        false,
    );
    path.iter()
        .map(|s| ((s.i1 * kz).min(n), (s.j1 * ke).min(m)))
        .collect()
}

/// Lexical ids a unit of a coarse grid keeps (the rarest). Measured on bible 006: the guides
/// take 0.46 s instead of 0.63 s with 64 (as many as the evidence masks hold), with more
/// near-edge steps to re-search on the coarser grids and the same beads in the end.
const COARSE_IDS: usize = 32;

/// Features of a coarser grid: runs of `kz` Chinese and `ke` English sentences of the block
/// merged into one unit each ([`Features::merged`]). A unit keeps only its [`COARSE_IDS`]
/// rarest words and stems (those that say most about where it lies; the scorer reads no more
/// than that many of a sentence's words anyway), so that its pair masks stay cheap however
/// long the unit is; its numbers are kept once each.
fn coarse_features(
    f: &Features,
    lex: &DocLexicon,
    zr: &Range<usize>,
    er: &Range<usize>,
    kz: usize,
    ke: usize,
) -> Features {
    let zh_df = frequencies(&f.zh_words, lex.words.len());
    let en_df = frequencies(&f.en_stems, lex.stems.len());
    let cover_df = frequencies(&f.zh_cover, lex.stems.len());
    // A word none of whose renderings the English side has is the last to keep.
    let visible = |w: u32| {
        lex.renderings[w as usize]
            .iter()
            .any(|r| r.stems.iter().all(|&s| en_df[s as usize] > 0))
    };
    let mut coarse = f.merged(zr, er, kz, ke);
    coarse
        .zh_words
        .par_iter_mut()
        .zip(&mut coarse.zh_cover)
        .for_each(|(words, cover)| {
            // The cover of the words kept (the merged one is right when all are).
            if keep_rarest(words, |w| (!visible(w), zh_df[w as usize])) {
                *cover = score::cover(words, lex);
            }
        });
    coarse.en_stems.par_iter_mut().for_each(|stems| {
        keep_rarest(stems, |s| (cover_df[s as usize] == 0, en_df[s as usize]));
    });
    for numbers in coarse.zh_numbers.iter_mut().chain(&mut coarse.en_numbers) {
        numbers.sort_unstable();
        numbers.dedup();
    }
    coarse
}

/// How many of the lists hold each id (below `len`).
fn frequencies(lists: &[Vec<u32>], len: usize) -> Vec<u32> {
    let mut counts = vec![0u32; len];
    for &id in lists.iter().flatten() {
        counts[id as usize] += 1;
    }
    counts
}

/// Cuts a sorted id list to the [`COARSE_IDS`] ids of least `key` (ties: the lower id),
/// still sorted; whether it was cut.
fn keep_rarest<K: Ord>(ids: &mut Vec<u32>, key: impl Fn(u32) -> K) -> bool {
    if ids.len() <= COARSE_IDS {
        return false;
    }
    ids.sort_by_cached_key(|&id| (key(id), id));
    ids.truncate(COARSE_IDS);
    ids.sort_unstable();
    true
}

/// The English sentences that Chinese sentence `i` (block coordinates) can meet in the band.
fn band_columns(band: &Band, i: usize) -> Range<usize> {
    let n = band.lo.len() - 1;
    let rows = i..=(i + 4).min(n);
    let lo = rows
        .clone()
        .map(|r| band.lo[r])
        .min()
        .unwrap_or(0)
        .saturating_sub(5);
    let hi = rows.map(|r| band.hi[r]).max().unwrap_or(0);
    lo..hi
}

/// Searches one block (in block coordinates): in full when small, else in a band around the
/// guide (the diagonal when empty). Where the best path comes near the band's edge, the band
/// is re-centred on the path and widened there, and the search repeats (a few times at most).
/// With `confidences`, the scores of the last band are kept and give each step its posterior
/// probability (else the list of confidences is empty).
fn block_path(
    scorer: &Scorer,
    zr: &Range<usize>,
    er: &Range<usize>,
    guide: &[(usize, usize)],
    width: usize,
    confidences: bool,
) -> (Vec<Step>, Vec<f64>) {
    let (n, m) = (zr.len(), er.len());
    let small = (n + 1) * (m + 1) <= FULL_SEARCH_CELLS;
    // A small block is searched in full unless guided: the final search (with confidences)
    // by a full first pass, in a wide band; a stretch re-searched near a band's edge, in a
    // band four times as wide as the one it left.
    let full = n == 0 || m == 0 || (small && guide.is_empty());
    let width = if small && confidences && !full {
        GUIDED_WIDTH
    } else {
        width
    };
    let mut band = if full {
        Band::full(n, m)
    } else {
        Band::around(guide, n, m, width)
    };
    let mut attempt = 0;
    // The previous band and its scores, when the final search widens its band.
    let mut previous: Option<(Band, Vec<Vec<[f32; NS]>>)> = None;
    loop {
        attempt += 1;
        let started = std::time::Instant::now();
        // With confidences the band's scores are kept (and the pair masks freed once they
        // are made); without, they are made a window of rows at a time as the search needs.
        let (path, scores) = if confidences {
            let scores = match previous.take() {
                None => {
                    let f = BlockScores::new(scorer, &band, zr, er, true, &[]);
                    align::band_scores(&band, &f)
                }
                Some((old, old_scores)) => {
                    let keep = align::unchanged_rows(&old, &band);
                    let f = BlockScores::new(scorer, &band, zr, er, true, &keep);
                    align::band_scores_update(&band, &f, &keep, old_scores)
                }
            };
            (align::best_path_scored(n, m, &band, &scores), Some(scores))
        } else {
            // A long block's first pass counts plain lexical evidence (a match anywhere in the
            // bead), not by position: its path only guides the final search and what is
            // learned. Measured: verse F1 on bible 001 0.981 (0.980 with positions), a third
            // less time for the search.
            let f = BlockScores::new(scorer, &band, zr, er, small, &[]);
            (align::best_path(n, m, &band, &f), None)
        };
        let margins = align::edge_margins(&path, &band, m);
        let near: Vec<usize> = (0..path.len())
            .filter(|&k| margins[k] <= width / 4)
            .collect();
        trace_block(n, m, &started, || {
            format!(
                "{} cells, {} steps near the band's edge",
                band.cells(),
                near.len()
            )
        });
        if full || attempt == MAX_WIDENINGS || near.is_empty() {
            let gamma = scorer.params.expected_gamma;
            let (path, post) = match &scores {
                Some(scores) if scorer.params.expected > 0.0 => {
                    let t = scorer.params.expected_temperature;
                    let (best, mut post) = align::expected_best_path(n, &band, scores, gamma, t);
                    if t != TEMPERATURE {
                        post = align::posteriors_scored(n, &band, scores, &best, TEMPERATURE);
                    }
                    if best.is_empty() {
                        let post = align::posteriors_scored(n, &band, scores, &path, TEMPERATURE);
                        (path, post)
                    } else {
                        (best, post)
                    }
                }
                Some(scores) => {
                    let post = align::posteriors_scored(n, &band, scores, &path, TEMPERATURE);
                    (path, post)
                }
                None => (path, Vec::new()),
            };
            if confidences {
                trace_block(n, m, &started, || "posteriors".into());
            }
            return (path, post);
        }
        if !confidences {
            return (
                repair_near_edges(scorer, zr, er, path, &near, width),
                Vec::new(),
            );
        }
        let mut wide = vec![false; path.len()];
        for &k in &near {
            wide[k.saturating_sub(WIDEN_REACH)..(k + WIDEN_REACH).min(path.len())].fill(true);
        }
        let widen = 4usize.pow(attempt as u32);
        let points: Vec<(usize, usize, usize)> = path
            .iter()
            .zip(&wide)
            .map(|(s, &w)| (s.i1, s.j1, if w { width * widen } else { width }))
            .collect();
        let wider = Band::around_widths(&points, n, m, width);
        if let Some(scores) = scores {
            previous = Some((std::mem::replace(&mut band, wider), scores));
        } else {
            band = wider;
        }
    }
}

/// Re-searches the stretches of a path (block coordinates) around its steps `near` a band's
/// edge: each stretch, [`WIDEN_REACH`] steps either side of such steps, between the two path
/// points that bound it, as a block of its own, in a band four times as wide around the path
/// (measured on bible 006: 36k cells instead of the 105k of searching the stretches in full).
/// The rest of the path stays: far from the edge, the band did not bind it, so a search of the
/// whole band again (most of the time of a long block) would find it again. Posteriors need
/// the whole band's scores, so searches that give confidences re-search the whole band
/// instead.
fn repair_near_edges(
    scorer: &Scorer,
    zr: &Range<usize>,
    er: &Range<usize>,
    path: Vec<Step>,
    near: &[usize],
    width: usize,
) -> Vec<Step> {
    let Some(last) = path.len().checked_sub(1) else {
        return path;
    };
    // Inclusive step ranges, merged where they touch.
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    for &k in near {
        let (lo, hi) = (k.saturating_sub(WIDEN_REACH), (k + WIDEN_REACH).min(last));
        match stretches.last_mut() {
            Some(s) if lo <= s.1 + 1 => s.1 = s.1.max(hi),
            _ => stretches.push((lo, hi)),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    let mut next = 0;
    for (lo, hi) in stretches {
        out.extend_from_slice(&path[next..lo]);
        let (i0, j0, i1, j1) = (path[lo].i0, path[lo].j0, path[hi].i1, path[hi].j1);
        let guide: Vec<(usize, usize)> = path[lo..=hi]
            .iter()
            .map(|s| (s.i1 - i0, s.j1 - j0))
            .collect();
        let sub_zr = zr.start + i0..zr.start + i1;
        let sub_er = er.start + j0..er.start + j1;
        let (sub, _) = block_path(scorer, &sub_zr, &sub_er, &guide, width * 4, false);
        if sub.is_empty() {
            out.extend_from_slice(&path[lo..=hi]);
        } else {
            out.extend(sub.into_iter().map(|s| Step {
                i0: s.i0 + i0,
                i1: s.i1 + i0,
                j0: s.j0 + j0,
                j1: s.j1 + j0,
                ..s
            }));
        }
        next = hi + 1;
    }
    out.extend_from_slice(&path[next..]);
    out
}

/// The bead scores of a block (in block coordinates), with the pair masks of its band.
struct BlockScores<'s> {
    scorer: &'s Scorer<'s>,
    pairs: Pairs,
    z0: usize,
    e0: usize,
    positional: bool,
}

impl<'s> BlockScores<'s> {
    /// Scores with lexical evidence by position or plain; the pair masks are made beforehand
    /// for the rows not in `skip` (those of the others when asked for).
    fn new(
        scorer: &'s Scorer<'s>,
        band: &Band,
        zr: &Range<usize>,
        er: &Range<usize>,
        positional: bool,
        skip: &[bool],
    ) -> Self {
        let (z0, e0) = (zr.start, er.start);
        let pairs = scorer.pairs(zr.clone(), |i| {
            if skip.get(i - z0) == Some(&true) {
                return e0..e0;
            }
            let c = band_columns(band, i - z0);
            c.start + e0..c.end + e0
        });
        BlockScores {
            scorer,
            pairs,
            z0,
            e0,
            positional,
        }
    }
}

impl BeadScores for BlockScores<'_> {
    fn cell(&self, i: usize, j: usize, valid: &[bool; NS], out: &mut [f32; NS]) {
        self.scorer.cell(
            &self.pairs,
            self.z0 + i,
            self.e0 + j,
            valid,
            out,
            self.positional,
        );
    }
}

fn trace_block(n: usize, m: usize, started: &std::time::Instant, what: impl FnOnce() -> String) {
    if tracing() {
        eprintln!(
            "  block {n}x{m}: {}, {:.3} s",
            what(),
            started.elapsed().as_secs_f64()
        );
    }
}

/// Shares of bead shapes in a path, smoothed towards the default prior.
/// Shapes with several sentences on both sides get `params.many_many` times their share.
fn shape_shares(path: &[Step], params: &Params) -> Vec<f64> {
    let mut counts = vec![0.0; SHAPES.len()];
    for s in path {
        counts[s.shape] += 1.0;
    }
    let total = path.len() as f64;
    let weight = params.prior_weight;
    counts
        .iter()
        .zip(DEFAULT_PRIOR)
        .zip(SHAPES)
        .map(|((c, d), &(a, b))| {
            let share = (c + weight * d) / (total + weight);
            if a > 1 && b > 1 {
                share * params.many_many
            } else {
                share
            }
        })
        .collect()
}

/// Quotation penalties learned from the first pass: how much rarer a closing (opening)
/// mismatch is in its beads than between random sentences of the document, as a log odds
/// ratio, shrunk towards the default penalties.
fn quote_penalties(path: &[Step], f: &Features, params: &Params) -> (f64, f64) {
    let full: Vec<&Step> = path.iter().filter(|s| s.i0 < s.i1 && s.j0 < s.j1).collect();
    let share = |v: &[bool]| v.iter().filter(|&&b| b).count() as f64 / v.len().max(1) as f64;
    let any = |v: &[bool]| v.iter().any(|&b| b);
    // Pseudo-beads at the rate the default penalty implies.
    let prior = 20.0;
    let learn = |what: &str, mismatch: &dyn Fn(&Step) -> bool, rz: f64, re: f64, default: f64| {
        // Chance of a mismatch between random sentences.
        let chance = (rz * (1.0 - re) + (1.0 - rz) * re).clamp(0.01, 0.99);
        // Mismatch rate in the first pass's beads, shrunk towards the default's.
        let odds_default = chance / (1.0 - chance) * (-default).exp();
        let rate_default = odds_default / (1.0 + odds_default);
        let seen = full.iter().filter(|s| mismatch(s)).count() as f64;
        let rate = ((seen + prior * rate_default) / (full.len() as f64 + prior)).clamp(1e-3, 0.999);
        let pen = (chance / (1.0 - chance) / (rate / (1.0 - rate))).ln();
        if tracing() {
            eprintln!(
                "{what} quotations: mismatch by chance {chance:.3}, in beads {rate:.3}: penalty {pen:.2}"
            );
        }
        pen.clamp(0.0, 2.0 * default)
    };
    let close = learn(
        "closing",
        &|s: &Step| f.zh_quote[s.i1 - 1] != f.en_quote[s.j1 - 1],
        share(&f.zh_quote),
        share(&f.en_quote),
        params.quote_miss,
    );
    let open = learn(
        "opening",
        &|s: &Step| any(&f.zh_opens[s.i0..s.i1]) != any(&f.en_opens[s.j0..s.j1]),
        share(&f.zh_opens),
        share(&f.en_opens),
        params.quote_miss * params.open_weight,
    );
    (close, open)
}

/// Relative spread of the en:zh length ratio over the path's 1-1 beads (robust: from the
/// median absolute deviation of the log ratio).
fn length_spread(path: &[Step], f: &Features, ratio: f64) -> f64 {
    let mut logs: Vec<f64> = path
        .iter()
        .filter(|s| s.shape == 0 && f.zh_len[s.i0] > 0.0 && f.en_len[s.j0] > 0.0)
        .map(|s| (f.en_len[s.j0] / (ratio * f.zh_len[s.i0])).ln().abs())
        .collect();
    if logs.len() < 10 {
        return 0.3;
    }
    logs.sort_by(f64::total_cmp);
    (logs[logs.len() / 2] * 1.4826).clamp(0.15, 0.6)
}

/// Word associations learned from the first pass: a Chinese word and an English content stem
/// that keep landing in the same beads of one Chinese sentence (Dice ≥ 0.5, at least twice)
/// become a rendering. This is how a translator's own choices (韦小宝 → Trinket) enter the lexicon.
fn learn_associations(lex: &mut DocLexicon, path: &[Step], ids: &SentenceIds, params: &Params) {
    let source = if params.learn_runs > 0.0 {
        &ids.zh
    } else {
        &ids.zh_tokens
    };
    // A Chinese sentence and the English sentences it became: 1-2 and 1-3 beads (a third of a
    // literary translation) teach as much as 1-1 beads.
    let beads: Vec<(&[u32], Vec<u32>)> = path
        .iter()
        .filter(|s| s.i1 == s.i0 + 1 && s.j1 > s.j0)
        .map(|s| {
            let mut stems: Vec<u32> = ids.en_stems[s.j0..s.j1].concat();
            stems.sort_unstable();
            stems.dedup();
            (&source[s.i0][..], stems)
        })
        .collect();
    // Bead counts of each word and stem first: a pair whose counts differ more than threefold
    // cannot reach a Dice of 0.5 (2c / (zc + ec) with c ≤ min(zc, ec)), nor one seen once
    // reach 2 beads, so most pairs need no count of their own.
    let mut zc = vec![0u32; lex.words.len()];
    let mut ec = vec![0u32; lex.stems.len()];
    for (words, stems) in &beads {
        for &w in *words {
            zc[w as usize] += 1;
        }
        for &t in stems {
            ec[t as usize] += 1;
        }
    }
    // (With a lower least Dice d, counts may differ up to (2 − d) / d times.)
    let ratio = ((2.0 - params.learn_dice) / params.learn_dice.max(0.05)).max(1.0);
    let possible = |a: u32, b: u32| a >= 2 && b >= 2 && ratio * a.min(b) as f64 >= a.max(b) as f64;
    let mut pair: HashMap<(u32, u32), u32> = HashMap::default();
    for (words, stems) in &beads {
        for &w in *words {
            let z = zc[w as usize];
            if z < 2 {
                continue;
            }
            for &t in stems.iter().filter(|&&t| possible(z, ec[t as usize])) {
                *pair.entry((w, t)).or_default() += 1;
            }
        }
    }
    let mut best: HashMap<u32, (f64, u32)> = HashMap::default();
    let mut pairs: Vec<((u32, u32), u32)> = pair.into_iter().collect();
    pairs.sort_unstable(); // ties go to the same stem on every run
    for ((w, t), c) in pairs {
        if c < 2 {
            continue;
        }
        let dice = 2.0 * c as f64 / (zc[w as usize] + ec[t as usize]) as f64;
        if dice >= params.learn_dice && best.get(&w).is_none_or(|b| dice > b.0) {
            best.insert(w, (dice, t));
        }
    }
    let mut learned: Vec<(u32, u32)> = best.into_iter().map(|(w, (_, t))| (w, t)).collect();
    learned.sort_unstable();
    for (w, t) in learned {
        lex.add(
            w,
            Rendering {
                stems: vec![t],
                source: Source::Learned,
            },
        );
    }
}

/// Turns the path, with each step's confidence, into beads.
fn finish(zh: Vec<Sentence>, en: Vec<Sentence>, path: Vec<(Step, f64)>) -> Alignment {
    let beads = path
        .into_iter()
        .map(|(s, p)| Bead {
            zh: s.i0..s.i1,
            en: s.j0..s.j1,
            confidence: calibrated(p),
        })
        .collect();
    Alignment { zh, en, beads }
}

/// Slope and offset of the map from a bead's posterior to its confidence, on log-odds
/// (Platt scaling): `confidence = σ(a · logit(posterior) + b)`. The posterior alone is
/// overconfident (on mac-dev, beads at ≥ 0.9 were right 97.0% of the time against a mean
/// posterior of 0.986; ECE 0.031). Fitted by log-loss on the six mac-dev chapters; fitted on
/// five and measured on the sixth in turn, the held-out confidences have ECE 0.010.
const CALIBRATION: (f64, f64) = (0.74, 0.10);

/// A bead's confidence from its posterior probability: [`CALIBRATION`]'s monotone map, so
/// that a confidence is the measured chance that the bead is right. The order of beads by
/// confidence (and which beads are chosen) does not change.
pub fn calibrated(posterior: f64) -> f64 {
    let p = posterior.clamp(1e-6, 1.0 - 1e-6);
    let (a, b) = CALIBRATION;
    let z = a * (p / (1.0 - p)).ln() + b;
    1.0 / (1.0 + (-z).exp())
}

/// Hands memory freed by the tables of a finished phase back to the system (glibc keeps it
/// in the arena of the thread that allocated it, where the next phase, allocating from other
/// threads, may not reuse it: the peak then grows by what was freed). Nothing elsewhere.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            /// glibc: releases free memory at the top of each heap and unused pages inside.
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free pages of the allocator's own heaps to the
        // kernel; it touches no live allocation and is thread-safe.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Whether `AMUR_TRACE` asks for phase times, memory and the searches' sizes on stderr.
fn tracing() -> bool {
    std::env::var_os("AMUR_TRACE").is_some()
}

fn trace(t0: &std::time::Instant, what: &str) {
    if tracing() {
        eprintln!(
            "{:>8.3} s  {what:<10} {}",
            t0.elapsed().as_secs_f64(),
            memory_status()
        );
    }
}

/// The process's resident and peak resident memory ("rss 120 MB, peak 130 MB"), where
/// `/proc/self/status` tells them (Linux); else nothing.
fn memory_status() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("rss {} MB, peak {} MB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}

#[cfg(test)]
mod calibration_tests {
    use super::calibrated;

    #[test]
    fn calibration_is_monotone_and_shrinks_the_top() {
        let xs: Vec<f64> = (0..=100).map(|k| f64::from(k) / 100.0).collect();
        let ys: Vec<f64> = xs.iter().map(|&x| calibrated(x)).collect();
        assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");
        assert!(ys.iter().all(|y| (0.0..=1.0).contains(y)));
        assert!(calibrated(0.99) < 0.99 && calibrated(0.99) > 0.95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(i0: usize, i1: usize, j0: usize, j1: usize) -> Step {
        Step {
            i0,
            i1,
            j0,
            j1,
            shape: 0,
            score: 0.0,
        }
    }

    #[test]
    fn block_steps_are_the_steps_inside_each_block() {
        // Blocks zh 0..2 / en 0..1, zh 2..3 / en 1..3, zh 3..5 / en 3..4, with 1-0 and 0-1 steps
        // at block edges.
        let blocks = [(0..2, 0..1), (2..3, 1..3), (3..5, 3..4)];
        let path = [
            step(0, 1, 0, 1),
            step(1, 2, 1, 1),
            step(2, 2, 1, 2),
            step(2, 3, 2, 3),
            step(3, 3, 3, 4),
            step(3, 5, 4, 4),
        ];
        for (zr, er) in &blocks {
            let want: Vec<&Step> = path
                .iter()
                .filter(|s| {
                    s.i0 >= zr.start && s.i1 <= zr.end && s.j0 >= er.start && s.j1 <= er.end
                })
                .collect();
            let got: Vec<&Step> = block_steps(&path, zr, er).collect();
            assert_eq!(got.len(), want.len(), "{zr:?} {er:?}");
            assert!(got.iter().zip(&want).all(|(a, b)| std::ptr::eq(*a, *b)));
        }
    }

    #[test]
    fn quote_penalties_follow_how_often_first_pass_beads_break_quotations() {
        // 40 one-to-one beads; every other Chinese sentence closes a quotation.
        let n = 40;
        let mut f = Features {
            zh_quote: (0..n).map(|k| k % 2 == 0).collect(),
            zh_opens: vec![false; n],
            en_opens: vec![false; n],
            ..Features::default()
        };
        let path: Vec<Step> = (0..n).map(|k| step(k, k + 1, k, k + 1)).collect();
        // A translation that keeps every quotation: a mismatch weighs more than the default.
        f.en_quote = f.zh_quote.clone();
        let (kept, _) = quote_penalties(&path, &f, &Params::default());
        // One whose quotations agree only by chance (indirect speech, say): it weighs little.
        f.en_quote = (0..n).map(|k| k % 4 < 2).collect();
        let (loose, _) = quote_penalties(&path, &f, &Params::default());
        assert!(kept > 3.0 && loose < 1.5, "{kept} {loose}");
    }

    /// Aligns one-paragraph texts of ours and returns the beads as (zh, en) index lists.
    fn beads(zh: &[&str], en: &[&str]) -> Vec<(Vec<usize>, Vec<usize>)> {
        let side = |texts: &[&str]| {
            texts
                .iter()
                .map(|t| Sentence {
                    text: t.to_string(),
                    paragraph: 0,
                })
                .collect()
        };
        let alignment = align_sentences(side(zh), side(en), &Config::default());
        alignment
            .beads
            .iter()
            .map(|b| (b.zh.clone().collect(), b.en.clone().collect()))
            .collect()
    }

    #[test]
    fn a_long_sentence_translated_as_three_is_one_bead() {
        let got = beads(
            &[
                "老周早上六点起床。",
                "他先去河边跑步，然后在小店里买了两个包子，回家以后又给女儿写了一封长信。",
                "信里说他很想念她。",
                "下午下雨了。",
            ],
            &[
                "Old Zhou got up at six in the morning.",
                "First he went running by the river.",
                "Then he bought two steamed buns at the little shop.",
                "Back home, he wrote his daughter a long letter.",
                "In the letter he said that he missed her very much.",
                "It rained in the afternoon.",
            ],
        );
        let want = vec![
            (vec![0], vec![0]),
            (vec![1], vec![1, 2, 3]),
            (vec![2], vec![4]),
            (vec![3], vec![5]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn numbers_decide_a_boundary_that_lengths_would_put_elsewhere() {
        // By length the second English sentence belongs to the long first Chinese one; its
        // number says otherwise.
        let got = beads(
            &[
                "甲队那天下午在城外的球场上得了三百零七分。",
                "乙队得了五百一十二分，丙队得了八百四十分。",
            ],
            &[
                "Team A scored 307.",
                "Team B scored 512.",
                "Team C scored 840.",
            ],
        );
        assert_eq!(got, vec![(vec![0], vec![0]), (vec![1], vec![1, 2])]);
    }
}
