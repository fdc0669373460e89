//! Dynamic programming over beads: the best sequence of beads through a band of the
//! (Chinese sentence × English sentence) grid, and bead posteriors for confidence.
//! Time and memory grow with rows × band width, not rows × columns.

use crate::score::SHAPES;
use rayon::prelude::*;

/// A column interval per row: cell (i, j) is searched when `lo[i] <= j <= hi[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
}

impl Band {
    /// Every cell of an (n+1) × (m+1) grid.
    pub fn full(n: usize, m: usize) -> Band {
        Band {
            lo: vec![0; n + 1],
            hi: vec![m; n + 1],
        }
    }

    /// Cells within `width` columns of a monotone guide path from (0, 0) to (n, m).
    pub fn around(guide: &[(usize, usize)], n: usize, m: usize, width: usize) -> Band {
        let points: Vec<(usize, usize, usize)> =
            guide.iter().map(|&(i, j)| (i, j, width)).collect();
        Band::around_widths(&points, n, m, width)
    }

    /// Cells near a monotone guide whose points (i, j, w) each carry their own half-width;
    /// the ends (0, 0) and (n, m) get `end_width`.
    pub fn around_widths(
        guide: &[(usize, usize, usize)],
        n: usize,
        m: usize,
        end_width: usize,
    ) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0; n + 1];
        let mut mark = |i: usize, j: usize, width: usize| {
            lo[i] = lo[i].min(j.saturating_sub(width));
            hi[i] = hi[i].max((j + width).min(m));
        };
        let mut points = guide.to_vec();
        points.insert(0, (0, 0, end_width));
        points.push((n, m, end_width));
        for w in points.windows(2) {
            let ((i0, j0, w0), (i1, j1, w1)) = (w[0], w[1]);
            let width = w0.max(w1);
            mark(i0, j0, width);
            mark(i0, j1.max(j0), width);
            for i in i0 + 1..=i1 {
                mark(
                    i,
                    j0 + (j1.saturating_sub(j0)) * (i - i0) / (i1 - i0),
                    width,
                );
            }
        }
        // Connect consecutive rows so that every row can be entered from the one before.
        for i in 1..=n {
            lo[i] = lo[i].min(hi[i - 1]);
        }
        for i in (0..n).rev() {
            hi[i] = hi[i].max(lo[i + 1]);
        }
        Band { lo, hi }
    }

    fn contains(&self, i: usize, j: usize) -> bool {
        i < self.lo.len() && self.lo[i] <= j && j <= self.hi[i]
    }

    /// The number of cells searched.
    pub fn cells(&self) -> usize {
        self.lo.iter().zip(&self.hi).map(|(l, h)| h + 1 - l).sum()
    }
}

/// One step of a path: bead (zh i0..i1, en j0..j1) of shape index `shape`, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub i0: usize,
    pub i1: usize,
    pub j0: usize,
    pub j1: usize,
    pub shape: usize,
    pub score: f64,
}

/// Number of bead shapes.
pub const NS: usize = SHAPES.len();
/// Rows whose bead scores are computed together (in parallel) before the DP consumes them.
const WINDOW: usize = 1024;

/// Bead scores for the DP: the scores of the bead shapes that end at one cell.
pub trait BeadScores: Sync {
    /// Sets `out[k]` to the score of the bead of shape `SHAPES[k]` ending at cell (i, j), for
    /// every k with `valid[k]` (the others stay −∞).
    fn cell(&self, i: usize, j: usize, valid: &[bool; NS], out: &mut [f32; NS]);
}

/// Bead scores from a function `score(i0, i1, j0, j1, shape)` of one bead (zh i0..i1,
/// en j0..j1) of shape `SHAPES[shape]`.
pub struct PerBead<F>(pub F);

impl<F> BeadScores for PerBead<F>
where
    F: Fn(usize, usize, usize, usize, usize) -> f64 + Sync,
{
    fn cell(&self, i: usize, j: usize, valid: &[bool; NS], out: &mut [f32; NS]) {
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if valid[k] {
                out[k] = (self.0)(i - a, i, j - b, j, k) as f32;
            }
        }
    }
}

/// Scores of every bead shape ending at each cell of row `i` (−∞ where the bead would leave
/// the band or the grid).
fn row_scores<S: BeadScores>(i: usize, band: &Band, score: &S) -> Vec<[f32; NS]> {
    (band.lo[i]..=band.hi[i])
        .map(|j| {
            let valid: [bool; NS] = std::array::from_fn(|k| {
                let (a, b) = SHAPES[k];
                i >= a && j >= b && band.contains(i - a, j - b) && !(a == 0 && j - b < band.lo[i])
            });
            let mut out = [f32::NEG_INFINITY; NS];
            score.cell(i, j, &valid, &mut out);
            out
        })
        .collect()
}

/// Row scores for rows `rows`, computed in parallel.
fn window_scores<S: BeadScores>(
    rows: std::ops::Range<usize>,
    band: &Band,
    score: &S,
) -> Vec<Vec<[f32; NS]>> {
    rows.into_par_iter()
        .with_min_len(16)
        .map(|i| row_scores(i, band, score))
        .collect()
}

/// Bead scores of every cell of the band, row by row (computed in parallel). They take
/// rows × band width × shapes × 4 bytes: meant for bands a few dozen cells wide.
pub fn band_scores<S: BeadScores>(band: &Band, score: &S) -> Vec<Vec<[f32; NS]>> {
    window_scores(0..band.lo.len(), band, score)
}

/// [`band_scores`] of a band that replaces an old one whose scores are `old_scores`: the rows
/// marked in `keep` ([`unchanged_rows`]) are taken over from `old_scores`, the others computed.
pub fn band_scores_update<S: BeadScores>(
    band: &Band,
    score: &S,
    keep: &[bool],
    mut old_scores: Vec<Vec<[f32; NS]>>,
) -> Vec<Vec<[f32; NS]>> {
    let fresh: Vec<Option<Vec<[f32; NS]>>> = (0..band.lo.len())
        .into_par_iter()
        .with_min_len(16)
        .map(|i| (!keep[i]).then(|| row_scores(i, band, score)))
        .collect();
    fresh
        .into_iter()
        .enumerate()
        .map(|(i, row)| row.unwrap_or_else(|| std::mem::take(&mut old_scores[i])))
        .collect()
}

/// Per row of `new`: whether its bead scores are those of the same row of `old` (the row and
/// every row a bead ending in it starts from have the same cells in both).
pub fn unchanged_rows(old: &Band, new: &Band) -> Vec<bool> {
    let reach = SHAPES.iter().map(|s| s.0).max().unwrap_or(0);
    let same: Vec<bool> = (0..new.lo.len())
        .map(|i| old.lo.get(i) == Some(&new.lo[i]) && old.hi.get(i) == Some(&new.hi[i]))
        .collect();
    (0..same.len())
        .map(|i| same[i.saturating_sub(reach)..=i].iter().all(|&s| s))
        .collect()
}

/// The best path through the band, by maximum total score. Bead scores are computed a window
/// of rows at a time in parallel; the DP itself is a cheap sequential max.
pub fn best_path<S: BeadScores>(n: usize, m: usize, band: &Band, score: &S) -> Vec<Step> {
    if band.lo[0] != 0 {
        return Vec::new();
    }
    let mut dp = Viterbi::new(n, band);
    for start in (0..=n).step_by(WINDOW) {
        let scores = window_scores(start..(start + WINDOW).min(n + 1), band, score);
        for (r, row) in scores.iter().enumerate() {
            dp.row(start + r, row);
        }
    }
    dp.trace(m)
}

/// The best path through the band from scores computed beforehand ([`band_scores`]).
pub fn best_path_scored(n: usize, m: usize, band: &Band, scores: &[Vec<[f32; NS]>]) -> Vec<Step> {
    if band.lo[0] != 0 {
        return Vec::new();
    }
    let mut dp = Viterbi::new(n, band);
    for (i, row) in scores.iter().enumerate() {
        dp.row(i, row);
    }
    dp.trace(m)
}

/// Best scores and back pointers of the band's cells, filled row by row.
struct Viterbi<'b> {
    n: usize,
    band: &'b Band,
    best: Vec<Vec<f64>>,
    back: Vec<Vec<u8>>,
}

impl<'b> Viterbi<'b> {
    fn new(n: usize, band: &'b Band) -> Viterbi<'b> {
        let mut best = table(n, band, f64::NEG_INFINITY);
        best[0][0] = 0.0;
        let back = (0..=n)
            .map(|i| vec![u8::MAX; band.hi[i] + 1 - band.lo[i]])
            .collect();
        Viterbi {
            n,
            band,
            best,
            back,
        }
    }

    /// Fills row `i` from the bead scores of its cells (rows before it are done).
    fn row(&mut self, i: usize, row: &[[f32; NS]]) {
        let band = self.band;
        let lo = band.lo[i];
        for (c, cell) in row.iter().enumerate() {
            let j = lo + c;
            if i == 0 && j == 0 {
                continue;
            }
            let mut top = (f64::NEG_INFINITY, u8::MAX);
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                let s = cell[k];
                if s == f32::NEG_INFINITY {
                    continue;
                }
                let from = self.best[i - a][j - b - band.lo[i - a]];
                if from + (s as f64) > top.0 {
                    top = (from + s as f64, k as u8);
                }
            }
            self.best[i][c] = top.0;
            self.back[i][c] = top.1;
        }
    }

    fn trace(&self, m: usize) -> Vec<Step> {
        trace(self.n, m, self.band, &self.best, &self.back)
    }
}

fn table(n: usize, band: &Band, fill: f64) -> Vec<Vec<f64>> {
    (0..=n)
        .map(|i| vec![fill; band.hi[i] + 1 - band.lo[i]])
        .collect()
}

fn trace(n: usize, m: usize, band: &Band, best: &[Vec<f64>], back: &[Vec<u8>]) -> Vec<Step> {
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    if !band.contains(n, m) || best[n][m - band.lo[n]] == f64::NEG_INFINITY {
        return steps;
    }
    while i > 0 || j > 0 {
        let k = back[i][j - band.lo[i]] as usize;
        let (a, b) = SHAPES[k];
        let here = best[i][j - band.lo[i]];
        let there = best[i - a][j - b - band.lo[i - a]];
        steps.push(Step {
            i0: i - a,
            i1: i,
            j0: j - b,
            j1: j,
            shape: k,
            score: here - there,
        });
        i -= a;
        j -= b;
    }
    steps.reverse();
    steps
}

/// How close each step's end comes to the band's edges (in columns), ignoring the grid's own
/// borders (usize::MAX where neither edge is a band edge).
pub fn edge_margins(path: &[Step], band: &Band, m: usize) -> Vec<usize> {
    path.iter()
        .map(|s| {
            let (i, j) = (s.i1, s.j1);
            let low = if band.lo[i] > 0 {
                j - band.lo[i]
            } else {
                usize::MAX
            };
            let high = if band.hi[i] < m {
                band.hi[i] - j
            } else {
                usize::MAX
            };
            low.min(high)
        })
        .collect()
}

/// Posterior probability of each step of `path` under all paths through the band, with scores
/// divided by `temperature` (forward-backward in log space).
pub fn posteriors<S: BeadScores>(
    n: usize,
    band: &Band,
    score: &S,
    path: &[Step],
    temperature: f64,
) -> Vec<f64> {
    posteriors_scored(n, band, &band_scores(band, score), path, temperature)
}

/// [`posteriors`] from scores computed beforehand ([`band_scores`]).
pub fn posteriors_scored(
    n: usize,
    band: &Band,
    scores: &[Vec<[f32; NS]>],
    path: &[Step],
    temperature: f64,
) -> Vec<f64> {
    let m = band.hi[n];
    // The two directions are independent: one thread each.
    let (fwd, bwd) = rayon::join(
        || forward(n, band, scores, temperature),
        || backward(n, m, band, scores, temperature),
    );
    let z = fwd[n][m - band.lo[n]];
    path.iter()
        .map(|s| {
            let a = fwd[s.i0][s.j0 - band.lo[s.i0]];
            let b = bwd[s.i1][s.j1 - band.lo[s.i1]];
            (a + s.score / temperature + b - z).exp().clamp(0.0, 1.0)
        })
        .collect()
}

/// The path of most expected correct beads (maximum expected accuracy decoding) with each
/// step's posterior probability: every bead weighs its posterior under all paths through the
/// band (scores divided by `temperature`), less `gamma` (a higher `gamma` prefers fewer, larger beads). Strict F1 counts exact
/// beads, so this is the path it expects to score best, where the best path (Viterbi) is the
/// single likeliest alignment. Steps keep their bead scores.
pub fn expected_best_path(
    n: usize,
    band: &Band,
    scores: &[Vec<[f32; NS]>],
    gamma: f64,
    temperature: f64,
) -> (Vec<Step>, Vec<f64>) {
    let m = band.hi[n];
    let (fwd, bwd) = rayon::join(
        || forward(n, band, scores, temperature),
        || backward(n, m, band, scores, temperature),
    );
    let z = fwd[n][m - band.lo[n]];
    if z == f64::NEG_INFINITY || band.lo[0] != 0 {
        return (Vec::new(), Vec::new());
    }
    let posterior = |i: usize, j: usize, k: usize| -> f64 {
        let (a, b) = SHAPES[k];
        let s = scores[i][j - band.lo[i]][k];
        if s == f32::NEG_INFINITY {
            return f64::NEG_INFINITY;
        }
        let from = fwd[i - a][j - b - band.lo[i - a]];
        (from + s as f64 / temperature + bwd[i][j - band.lo[i]] - z)
            .exp()
            .min(1.0)
    };
    let mut best = table(n, band, f64::NEG_INFINITY);
    best[0][0] = 0.0;
    let mut back: Vec<Vec<u8>> = (0..=n)
        .map(|i| vec![u8::MAX; band.hi[i] + 1 - band.lo[i]])
        .collect();
    for i in 0..=n {
        for j in band.lo[i]..=band.hi[i] {
            if i == 0 && j == 0 {
                continue;
            }
            let mut top = (f64::NEG_INFINITY, u8::MAX);
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                if i < a || j < b || !band.contains(i - a, j - b) {
                    continue;
                }
                let from = best[i - a][j - b - band.lo[i - a]];
                if from == f64::NEG_INFINITY {
                    continue;
                }
                let p = posterior(i, j, k);
                if p == f64::NEG_INFINITY {
                    continue;
                }
                if from + p - gamma > top.0 {
                    top = (from + p - gamma, k as u8);
                }
            }
            best[i][j - band.lo[i]] = top.0;
            back[i][j - band.lo[i]] = top.1;
        }
    }
    let mut path = trace(n, m, band, &best, &back);
    let post = path
        .iter_mut()
        .map(|s| {
            s.score = scores[s.i1][s.j1 - band.lo[s.i1]][s.shape] as f64;
            posterior(s.i1, s.j1, s.shape).clamp(0.0, 1.0)
        })
        .collect();
    (path, post)
}

/// Log-sums of the scores of all paths from (0, 0) to each cell of the band.
fn forward(n: usize, band: &Band, scores: &[Vec<[f32; NS]>], temperature: f64) -> Vec<Vec<f64>> {
    let mut fwd = table(n, band, f64::NEG_INFINITY);
    fwd[0][0] = 0.0;
    for i in 0..=n {
        let lo = band.lo[i];
        for (c, cell) in scores[i].iter().enumerate() {
            let j = lo + c;
            if i == 0 && j == 0 {
                continue;
            }
            let mut terms = [f64::NEG_INFINITY; NS];
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                if cell[k] > f32::NEG_INFINITY {
                    let from = fwd[i - a][j - b - band.lo[i - a]];
                    terms[k] = from + cell[k] as f64 / temperature;
                }
            }
            fwd[i][c] = log_sum(&terms);
        }
    }
    fwd
}

/// Log-sums of the scores of all paths from each cell of the band to (n, m).
fn backward(
    n: usize,
    m: usize,
    band: &Band,
    scores: &[Vec<[f32; NS]>],
    temperature: f64,
) -> Vec<Vec<f64>> {
    let mut bwd = table(n, band, f64::NEG_INFINITY);
    bwd[n][m - band.lo[n]] = 0.0;
    for i in (0..=n).rev() {
        let lo = band.lo[i];
        for j in (lo..=band.hi[i]).rev() {
            if i == n && j == m {
                continue;
            }
            let mut terms = [f64::NEG_INFINITY; NS];
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                if !band.contains(i + a, j + b) {
                    continue;
                }
                let s = scores[i + a][j + b - band.lo[i + a]][k];
                if s > f32::NEG_INFINITY {
                    terms[k] = bwd[i + a][j + b - band.lo[i + a]] + s as f64 / temperature;
                }
            }
            bwd[i][j - lo] = log_sum(&terms);
        }
    }
    bwd
}

/// log(Σ exp(x)) of the terms (−∞ for none): one exponential per term and one logarithm,
/// scaled by the largest term.
fn log_sum(terms: &[f64; NS]) -> f64 {
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::NEG_INFINITY {
        return top;
    }
    let sum: f64 = terms.iter().map(|&x| (x - top).exp()).sum();
    top + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy scorer: beads whose zh and en "lengths" agree score well.
    fn toy(zh: Vec<f64>, en: Vec<f64>) -> impl BeadScores {
        PerBead(
            move |i0: usize, i1: usize, j0: usize, j1: usize, shape: usize| {
                if i0 == i1 || j0 == j1 {
                    return -20.0;
                }
                let a: f64 = zh[i0..i1].iter().sum();
                let b: f64 = en[j0..j1].iter().sum();
                -(a - b).abs() - if shape == 0 { 0.0 } else { 1.0 }
            },
        )
    }

    #[test]
    fn finds_one_to_two_and_two_to_one_beads() {
        let f = toy(
            vec![10.0, 20.0, 5.0, 5.0, 7.0],
            vec![10.0, 12.0, 8.0, 10.0, 7.0],
        );
        let path = best_path(5, 5, &Band::full(5, 5), &f);
        let beads: Vec<_> = path.iter().map(|s| (s.i0..s.i1, s.j0..s.j1)).collect();
        assert_eq!(
            beads,
            vec![(0..1, 0..1), (1..2, 1..3), (2..4, 3..4), (4..5, 4..5)]
        );
    }

    #[test]
    fn a_narrow_band_gives_the_full_search_result_when_the_path_lies_inside() {
        let zh: Vec<f64> = (0..60).map(|k| 5.0 + (k * 7 % 11) as f64).collect();
        let en = zh.clone();
        let f = toy(zh, en);
        let full = best_path(60, 60, &Band::full(60, 60), &f);
        let band = Band::around(&[], 60, 60, 4);
        assert!(band.cells() < 61 * 61 / 4);
        assert_eq!(best_path(60, 60, &band, &f), full);
    }

    #[test]
    fn a_widened_band_keeps_the_scores_of_unchanged_rows_and_equals_a_fresh_one() {
        let zh: Vec<f64> = (0..40).map(|k| 5.0 + (k * 7 % 11) as f64).collect();
        let f = toy(zh.clone(), zh);
        let guide: Vec<(usize, usize)> = (1..40).map(|k| (k, k)).collect();
        let narrow = Band::around(&guide, 40, 40, 2);
        let points: Vec<(usize, usize, usize)> = guide
            .iter()
            .map(|&(i, j)| (i, j, if i == 20 { 8 } else { 2 }))
            .collect();
        let wide = Band::around_widths(&points, 40, 40, 2);
        let keep = unchanged_rows(&narrow, &wide);
        assert!(keep[5] && !keep[20] && keep[39], "{keep:?}");
        let old = band_scores(&narrow, &f);
        assert_eq!(
            band_scores_update(&wide, &f, &keep, old),
            band_scores(&wide, &f)
        );
    }

    #[test]
    fn log_sums_are_sums_of_exponentials() {
        let mut terms = [f64::NEG_INFINITY; NS];
        assert_eq!(log_sum(&terms), f64::NEG_INFINITY);
        terms[0] = -1.0;
        terms[3] = -2.5;
        terms[NS - 1] = -700.0;
        let want = ((-1.0f64).exp() + (-2.5f64).exp() + (-700.0f64).exp()).ln();
        assert!((log_sum(&terms) - want).abs() < 1e-12);
    }

    #[test]
    fn posteriors_are_probabilities_and_high_for_clear_beads() {
        let f = toy(vec![10.0, 30.0, 5.0], vec![10.0, 30.0, 5.0]);
        let band = Band::full(3, 3);
        let path = best_path(3, 3, &band, &f);
        let post = posteriors(3, &band, &f, &path, 1.0);
        assert_eq!(post.len(), 3);
        assert!(post.iter().all(|p| *p > 0.5 && *p <= 1.0), "{post:?}");
    }

    /// Where the beads are clear, the path of most expected correct beads is the likeliest
    /// path, with the same posteriors; where they are not, it still runs from corner to corner.
    #[test]
    fn the_expected_best_path_is_the_best_path_where_beads_are_clear() {
        let f = toy(
            vec![10.0, 20.0, 5.0, 5.0, 7.0],
            vec![10.0, 12.0, 8.0, 10.0, 7.0],
        );
        let band = Band::full(5, 5);
        let scores = band_scores(&band, &f);
        let best = best_path(5, 5, &band, &f);
        let (path, post) = expected_best_path(5, &band, &scores, 0.15, 1.0);
        assert_eq!(path, best);
        let want = posteriors(5, &band, &f, &best, 1.0);
        for (a, b) in post.iter().zip(&want) {
            assert!((a - b).abs() < 1e-9, "{post:?} {want:?}");
        }
        // Lengths that fit many ways: some path, from (0, 0) to (4, 4), without gaps.
        let f = toy(vec![5.0; 4], vec![5.0; 4]);
        let band = Band::full(4, 4);
        let (path, post) = expected_best_path(4, &band, &band_scores(&band, &f), 0.15, 3.0);
        assert_eq!((path[0].i0, path[0].j0), (0, 0));
        assert_eq!(path.last().map(|s| (s.i1, s.j1)), Some((4, 4)));
        assert!(
            path.windows(2)
                .all(|w| (w[0].i1, w[0].j1) == (w[1].i0, w[1].j0))
        );
        assert!(post.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}
