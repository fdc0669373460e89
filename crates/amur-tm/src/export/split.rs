//! Cutting the English of a bead between its Chinese sentences (TMX sentence units), only
//! where the text and the lexical evidence allow it.
//!
//! The English may be cut at a sentence end or after clause punctuation (`,` `;` `:` `—` `–`),
//! never inside a clause. Of the ways to give every Chinese sentence a run of these pieces, in
//! order, the one whose pieces hold the most dictionary matches with their own Chinese
//! sentence wins ([`amur_core::evidence::match_counts`]; a cut at a sentence end counts a
//! little more than one at a comma). It is taken only when it is clearly the best (its share
//! of the probability over all the ways, each weighted by `exp(score)`, is at least
//! [`MIN_CERTAINTY`]) and every part holds more matches with its own Chinese sentence than
//! with the neighbouring ones. Otherwise there is no cut and the bead stays one unit.

use amur_core::evidence::match_counts;
use amur_core::glossary::Glossary;

/// Share of the probability the best cut needs to be taken.
pub(crate) const MIN_CERTAINTY: f64 = 0.75;
/// Score of a cut at a sentence end over one after clause punctuation, in matches.
const SENTENCE_END_BONUS: f64 = 1.0;
/// Ways to cut beyond which a bead is left whole (a long bead with many commas).
const MAX_WAYS: usize = 200_000;

/// English cut into one part per Chinese sentence, and how sure the cut is (0–1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Split {
    pub parts: Vec<String>,
    pub certainty: f64,
}

/// A place where the English may be cut: the char index where the next piece starts, and
/// whether it is a sentence end.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    at: usize,
    sentence_end: bool,
}

/// Cuts the English sentences `en` of a bead into one part per Chinese sentence of `zh`
/// (`zh.len() > 1`), or `None` when the evidence does not say where (see the module doc).
pub(crate) fn split_english(zh: &[&str], en: &[&str]) -> Option<Split> {
    let m = zh.len();
    if m < 2 || en.is_empty() {
        return None;
    }
    let text = en.join(" ");
    let chars: Vec<char> = text.chars().collect();
    let cuts = cut_points(en, &chars);
    if cuts.len() + 1 < m {
        return None;
    }
    let pieces: Vec<String> = bounds(&cuts, chars.len())
        .map(|(a, b)| chars[a..b].iter().collect::<String>().trim().to_string())
        .collect();
    if binomial(pieces.len() - 1, m - 1) > MAX_WAYS {
        return None;
    }
    let piece_refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let matches = match_counts(zh, &piece_refs, &Glossary::default());
    let (best, certainty) = best_partition(&matches, &cuts)?;
    if certainty < MIN_CERTAINTY || !each_part_supported(&matches, &best) {
        return None;
    }
    let mut parts = Vec::with_capacity(m);
    let mut start = 0;
    for &end in best.iter().chain([&pieces.len()]) {
        parts.push(pieces[start..end].join(" "));
        start = end;
    }
    Some(Split { parts, certainty })
}

/// The places where `chars` (the sentences `en` joined by spaces) may be cut: between two
/// sentences, and after clause punctuation followed by a space (or after a dash), never at
/// the very start or end.
fn cut_points(en: &[&str], chars: &[char]) -> Vec<Cut> {
    let mut sentence_starts = Vec::new();
    let mut pos = 0;
    for s in &en[..en.len() - 1] {
        pos += s.chars().count() + 1;
        sentence_starts.push(pos);
    }
    let mut cuts = Vec::new();
    for k in 1..chars.len() {
        let prev = chars[k - 1];
        let at = if sentence_starts.contains(&k) {
            Some(Cut {
                at: k,
                sentence_end: true,
            })
        } else if chars[k] == ' ' && matches!(prev, ',' | ';' | ':' | '—' | '–') {
            Some(Cut {
                at: k + 1,
                sentence_end: false,
            })
        } else if matches!(prev, '—' | '–') && chars[k] != ' ' && k >= 2 && chars[k - 2] != ' '
        {
            Some(Cut {
                at: k,
                sentence_end: false,
            })
        } else {
            None
        };
        if let Some(cut) = at
            && chars[cut.at.min(chars.len())..]
                .iter()
                .any(|c| c.is_alphanumeric())
            && chars[..cut.at].iter().any(|c| c.is_alphanumeric())
            && cuts.last().is_none_or(|c: &Cut| c.at < cut.at)
        {
            cuts.push(cut);
        }
    }
    cuts
}

/// The (start, end) char ranges of the pieces between `cuts`.
fn bounds(cuts: &[Cut], len: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let starts = std::iter::once(0).chain(cuts.iter().map(|c| c.at));
    let ends = cuts.iter().map(|c| c.at).chain(std::iter::once(len));
    starts.zip(ends)
}

/// The best way to give each Chinese sentence (row of `matches`) a run of pieces: the piece
/// indices where parts 2.. start, and its share of `exp(score)` over all ways. `None` when
/// two ways tie for the best.
fn best_partition(matches: &[Vec<u32>], cuts: &[Cut]) -> Option<(Vec<usize>, f64)> {
    let m = matches.len();
    let pieces = matches[0].len();
    let mut best: Option<(Vec<usize>, f64)> = None;
    let mut tied = false;
    let mut scores = Vec::new();
    let mut starts = Vec::with_capacity(m - 1);
    each_partition(pieces, m - 1, 1, &mut starts, &mut |starts| {
        let score = partition_score(matches, cuts, starts);
        scores.push(score);
        match &best {
            Some((_, s)) if (score - s).abs() < 1e-9 => tied = true,
            Some((_, s)) if score < *s => {}
            _ => {
                best = Some((starts.to_vec(), score));
                tied = false;
            }
        }
    });
    let (starts, top) = best?;
    if tied {
        return None;
    }
    let total: f64 = scores.iter().map(|s| (s - top).exp()).sum();
    Some((starts, 1.0 / total))
}

/// Calls `f` with every increasing list of `k` piece indices in `from..pieces`.
fn each_partition(
    pieces: usize,
    k: usize,
    from: usize,
    starts: &mut Vec<usize>,
    f: &mut dyn FnMut(&[usize]),
) {
    if k == 0 {
        f(starts);
        return;
    }
    for s in from..=pieces - k {
        starts.push(s);
        each_partition(pieces, k - 1, s + 1, starts, f);
        starts.pop();
    }
}

/// Matches of every piece with its own Chinese sentence, plus the bonus of sentence-end cuts.
fn partition_score(matches: &[Vec<u32>], cuts: &[Cut], starts: &[usize]) -> f64 {
    let mut score = 0.0;
    for (i, (a, b)) in part_ranges(starts, matches[0].len()).enumerate() {
        score += matches[i][a..b].iter().map(|&x| f64::from(x)).sum::<f64>();
    }
    for &s in starts {
        if cuts[s - 1].sentence_end {
            score += SENTENCE_END_BONUS;
        }
    }
    score
}

/// The piece ranges of the parts that start at 0 and `starts`.
fn part_ranges(starts: &[usize], pieces: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    std::iter::once(0)
        .chain(starts.iter().copied())
        .zip(starts.iter().copied().chain(std::iter::once(pieces)))
}

/// Whether every part holds at least one match with its own Chinese sentence and more than
/// with either neighbouring sentence.
fn each_part_supported(matches: &[Vec<u32>], starts: &[usize]) -> bool {
    let sum = |i: usize, a: usize, b: usize| matches[i][a..b].iter().sum::<u32>();
    part_ranges(starts, matches[0].len())
        .enumerate()
        .all(|(i, (a, b))| {
            let own = sum(i, a, b);
            let neighbours = [i.checked_sub(1), Some(i + 1).filter(|&j| j < matches.len())];
            own > 0 && neighbours.iter().flatten().all(|&j| own > sum(j, a, b))
        })
}

/// n choose k, saturating.
fn binomial(n: usize, k: usize) -> usize {
    let k = k.min(n - k.min(n));
    (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_points_are_sentence_ends_and_clause_punctuation_only() {
        let en = [
            "Rain fell, and the river rose; we left.",
            "Night came—cold.",
        ];
        let text = en.join(" ");
        let chars: Vec<char> = text.chars().collect();
        let pieces: Vec<String> = bounds(&cut_points(&en, &chars), chars.len())
            .map(|(a, b)| chars[a..b].iter().collect::<String>())
            .collect();
        assert_eq!(
            pieces,
            [
                "Rain fell, ",
                "and the river rose; ",
                "we left. ",
                "Night came—",
                "cold."
            ]
        );
    }

    #[test]
    fn a_free_translation_is_cut_where_the_words_say() {
        let zh = ["天氣很冷。", "我們的軍隊已經撤退了。"];
        let en = ["The weather was very cold, and our army had already retreated."];
        let split = split_english(&zh, &en).expect("a clear cut");
        assert_eq!(
            split.parts,
            [
                "The weather was very cold,",
                "and our army had already retreated."
            ]
        );
        assert!(split.certainty >= MIN_CERTAINTY && split.certainty <= 1.0);
    }

    #[test]
    fn no_evidence_no_cut() {
        // Nothing in the English renders the first sentence: no cut is supported.
        let zh = ["謹聞。", "前線停戰之議恐不日即成。"];
        let en = ["It is reported that an armistice on the front is imminent."];
        assert_eq!(split_english(&zh, &en), None);
        // One clause for two sentences: nothing to cut at.
        assert_eq!(split_english(&zh, &["Yes."]), None);
    }

    #[test]
    fn binomials() {
        assert_eq!(binomial(5, 2), 10);
        assert_eq!(binomial(4, 0), 1);
        assert_eq!(binomial(3, 3), 1);
    }
}
