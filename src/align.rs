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
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0; n + 1];
        let mut mark = |i: usize, j: usize| {
            lo[i] = lo[i].min(j.saturating_sub(width));
            hi[i] = hi[i].max((j + width).min(m));
        };
        let mut points = guide.to_vec();
        points.insert(0, (0, 0));
        points.push((n, m));
        for w in points.windows(2) {
            let ((i0, j0), (i1, j1)) = (w[0], w[1]);
            mark(i0, j0);
            mark(i0, j1.max(j0));
            for i in i0 + 1..=i1 {
                mark(i, j0 + (j1.saturating_sub(j0)) * (i - i0) / (i1 - i0));
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

/// The best path through the band, by maximum total score. `score(i0, i1, j0, j1, shape)`
/// scores bead (zh i0..i1, en j0..j1). `shapes` limits the shapes tried (indices into SHAPES).
pub fn best_path<F>(n: usize, m: usize, band: &Band, score: &F) -> Vec<Step>
where
    F: Fn(usize, usize, usize, usize, usize) -> f64 + Sync,
{
    if band.lo[0] != 0 {
        return Vec::new();
    }
    let mut best = table(n, band, f64::NEG_INFINITY);
    let mut back: Vec<Vec<u8>> = (0..=n)
        .map(|i| vec![u8::MAX; band.hi[i] + 1 - band.lo[i]])
        .collect();
    best[0][0] = 0.0;
    for i in 0..=n {
        let (lo, hi) = (band.lo[i], band.hi[i]);
        let prev = &best;
        let cells: Vec<(f64, u8)> = (lo..=hi)
            .into_par_iter()
            .map(|j| {
                let mut top = (f64::NEG_INFINITY, u8::MAX);
                for (k, &(a, b)) in SHAPES.iter().enumerate() {
                    if a == 0 || i < a || j < b || !band.contains(i - a, j - b) {
                        continue;
                    }
                    let from = prev[i - a][j - b - band.lo[i - a]];
                    if from == f64::NEG_INFINITY {
                        continue;
                    }
                    let s = from + score(i - a, i, j - b, j, k);
                    if s > top.0 {
                        top = (s, k as u8);
                    }
                }
                top
            })
            .collect();
        for (off, (s, k)) in cells.into_iter().enumerate() {
            if i == 0 && off + lo == 0 {
                continue;
            }
            best[i][off] = s;
            back[i][off] = k;
        }
        // Shapes with no Chinese sentence move along the row: left to right.
        for (k, &(a, b)) in SHAPES.iter().enumerate() {
            if a != 0 {
                continue;
            }
            for j in lo.max(b)..=hi {
                if j - b < lo {
                    continue;
                }
                let from = best[i][j - b - lo];
                if from == f64::NEG_INFINITY {
                    continue;
                }
                let s = from + score(i, i, j - b, j, k);
                if s > best[i][j - lo] {
                    best[i][j - lo] = s;
                    back[i][j - lo] = k as u8;
                }
            }
        }
    }
    trace(n, m, band, &best, &back)
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

/// How close a path comes to the band's edges (in columns), ignoring the grid's own borders.
pub fn edge_margin(path: &[Step], band: &Band, m: usize) -> usize {
    let mut margin = usize::MAX;
    for s in path {
        let (i, j) = (s.i1, s.j1);
        if band.lo[i] > 0 {
            margin = margin.min(j - band.lo[i]);
        }
        if band.hi[i] < m {
            margin = margin.min(band.hi[i] - j);
        }
    }
    margin
}

/// Posterior probability of each step of `path` under all paths through the band, with scores
/// divided by `temperature` (forward-backward in log space).
pub fn posteriors<F>(n: usize, band: &Band, score: &F, path: &[Step], temperature: f64) -> Vec<f64>
where
    F: Fn(usize, usize, usize, usize, usize) -> f64 + Sync,
{
    let m = band.hi[n];
    let mut fwd = table(n, band, f64::NEG_INFINITY);
    fwd[0][0] = 0.0;
    for i in 0..=n {
        let (lo, hi) = (band.lo[i], band.hi[i]);
        for j in lo..=hi {
            if i == 0 && j == 0 {
                continue;
            }
            let mut acc = f64::NEG_INFINITY;
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                if i < a || j < b || !band.contains(i - a, j - b) {
                    continue;
                }
                let from = fwd[i - a][j - b - band.lo[i - a]];
                if from > f64::NEG_INFINITY {
                    acc = log_add(acc, from + score(i - a, i, j - b, j, k) / temperature);
                }
            }
            fwd[i][j - lo] = acc;
        }
    }
    let mut bwd = table(n, band, f64::NEG_INFINITY);
    bwd[n][m - band.lo[n]] = 0.0;
    for i in (0..=n).rev() {
        let (lo, hi) = (band.lo[i], band.hi[i]);
        for j in (lo..=hi).rev() {
            if i == n && j == m {
                continue;
            }
            let mut acc = f64::NEG_INFINITY;
            for (k, &(a, b)) in SHAPES.iter().enumerate() {
                if !band.contains(i + a, j + b) {
                    continue;
                }
                let to = bwd[i + a][j + b - band.lo[i + a]];
                if to > f64::NEG_INFINITY {
                    acc = log_add(acc, to + score(i, i + a, j, j + b, k) / temperature);
                }
            }
            bwd[i][j - lo] = acc;
        }
    }
    let z = fwd[n][m - band.lo[n]];
    path.iter()
        .map(|s| {
            let a = fwd[s.i0][s.j0 - band.lo[s.i0]];
            let b = bwd[s.i1][s.j1 - band.lo[s.i1]];
            (a + s.score / temperature + b - z).exp().clamp(0.0, 1.0)
        })
        .collect()
}

fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy scorer: beads whose zh and en "lengths" agree score well.
    fn toy(zh: Vec<f64>, en: Vec<f64>) -> impl Fn(usize, usize, usize, usize, usize) -> f64 + Sync {
        move |i0, i1, j0, j1, shape| {
            if i0 == i1 || j0 == j1 {
                return -20.0;
            }
            let a: f64 = zh[i0..i1].iter().sum();
            let b: f64 = en[j0..j1].iter().sum();
            -(a - b).abs() - if shape == 0 { 0.0 } else { 1.0 }
        }
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
    fn posteriors_are_probabilities_and_high_for_clear_beads() {
        let f = toy(vec![10.0, 30.0, 5.0], vec![10.0, 30.0, 5.0]);
        let band = Band::full(3, 3);
        let path = best_path(3, 3, &band, &f);
        let post = posteriors(3, &band, &f, &path, 1.0);
        assert_eq!(post.len(), 3);
        assert!(post.iter().all(|p| *p > 0.5 && *p <= 1.0), "{post:?}");
    }
}
