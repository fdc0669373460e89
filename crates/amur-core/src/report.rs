//! What the commands report about an alignment: the Chinese language code, a short summary,
//! beads by type, and whether the two sides look like a translation pair at all (sides in the
//! wrong language, unrelated texts).

use crate::bead::{Alignment, Bead, Sentence};
use crate::lexicon::DocLexicon;
use crate::pipeline::Config;
use crate::score::{Features, Params, Scorer};
use crate::tokenize::{self, EnTokens, Tokenizer, ZhTokens, to_simplified};
use std::collections::BTreeMap;

/// The TMX language code of the Chinese side: `zh-TW` when the text is in traditional
/// characters, else `zh-CN`.
pub fn zh_lang_code(al: &Alignment) -> &'static str {
    if tokenize::pieces_look_traditional(al.zh.iter().map(|s| s.text.as_str())) {
        "zh-TW"
    } else {
        "zh-CN"
    }
}

/// Below this lexical lift (see [`lexical_lift`]) a pair looks unrelated. Measured: 12
/// unrelated pairs (each sample's zh with another sample's en; mac-dev documents crossed)
/// 1.3–2.3; the 3 samples 6.4–8.0; the 6 mac-dev documents 4.3–10.1.
pub const UNRELATED_LIFT: f64 = 3.0;
/// Below this mean confidence a pair looks unrelated whatever its lift. (Alone it is a weak
/// sign: the 12 unrelated pairs above have mean confidences 0.33–0.83, as the posterior only
/// says how sure the best path is, not whether it is a translation.)
pub const UNRELATED_CONFIDENCE: f64 = 0.3;

/// Whether a pair looks like two unrelated texts: at least 5 beads with both sides (fewer say
/// too little) and a mean confidence below [`UNRELATED_CONFIDENCE`] or a lexical lift below
/// [`UNRELATED_LIFT`].
pub fn looks_unrelated(mean_confidence: f64, lift: Option<f64>, full_beads: usize) -> bool {
    full_beads >= 5
        && (mean_confidence < UNRELATED_CONFIDENCE || lift.is_some_and(|l| l < UNRELATED_LIFT))
}

/// Beads with sentences on both sides.
pub fn full_beads(al: &Alignment) -> usize {
    al.beads
        .iter()
        .filter(|b| !b.zh.is_empty() && !b.en.is_empty())
        .count()
}

/// What the user should know about a doubtful pair: sides that look like the wrong language,
/// and a pair that does not look like a translation (`lift`: [`lexical_lift`]).
pub fn warnings(al: &Alignment, lift: Option<f64>) -> Vec<String> {
    let mut out = language_warnings(&al.zh, &al.en);
    if looks_unrelated(al.mean_confidence(), lift, full_beads(al)) {
        out.push(format!(
            "the pair looks unrelated (mean confidence {:.2}, aligned sentences share {} the \
             dictionary words that random ones do): are these two files really a translation pair?",
            al.mean_confidence(),
            match lift {
                Some(l) => format!("{l:.1}×"),
                None => "no more of".into(),
            }
        ));
    }
    out
}

/// Sides that look like the wrong language: an English side mostly of Han characters, a
/// Chinese side with almost none (the first part of [`warnings`]; the Python package raises
/// on these).
pub fn language_warnings(zh: &[Sentence], en: &[Sentence]) -> Vec<String> {
    let mut out = Vec::new();
    let zh_han = han_share(zh.iter().map(|s| s.text.as_str()));
    let en_han = han_share(en.iter().map(|s| s.text.as_str()));
    if let Some(share) = en_han.filter(|&s| s > 0.5) {
        out.push(format!(
            "the English side looks Chinese ({:.0}% of its letters are Han characters): are the \
             files in the order ZH EN?",
            share * 100.0
        ));
    }
    if let Some(share) = zh_han.filter(|&s| s < 0.1) {
        out.push(format!(
            "the Chinese side has almost no Chinese characters ({:.0}% of its letters): are the \
             files in the order ZH EN?",
            share * 100.0
        ));
    }
    out
}

/// Share of Han characters among the letters of a text; `None` when it has no letters.
fn han_share<'a>(texts: impl Iterator<Item = &'a str>) -> Option<f64> {
    let (mut han, mut letters) = (0usize, 0usize);
    for c in texts.flat_map(str::chars).filter(|c| c.is_alphabetic()) {
        letters += 1;
        han += usize::from(is_han(c));
    }
    (letters > 0).then(|| han as f64 / letters as f64)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Random pairings a lexical lift compares the alignment with.
const RANDOM_PAIRINGS: usize = 9;

/// How many times more dictionary matches (words of one side rendered in the other) the
/// aligned beads hold than the same sentences paired at random (the mean over
/// [`RANDOM_PAIRINGS`] pairings, each shifted a further part of the way round). A translation scores well above 1; two unrelated
/// documents about 1. Computed on at most 400 beads spread over the document. `None` with
/// fewer than 5 beads having both sides.
pub fn lexical_lift(al: &Alignment, config: &Config) -> Option<f64> {
    let beads: Vec<&Bead> = al
        .beads
        .iter()
        .filter(|b| !b.zh.is_empty() && !b.en.is_empty())
        .collect();
    if beads.len() < 5 {
        return None;
    }
    let sample: Vec<&Bead> = beads
        .iter()
        .step_by(beads.len().div_ceil(400))
        .copied()
        .collect();
    let tokenizer = Tokenizer::shared();
    let zh_text: Vec<String> = sample.iter().map(|b| al.zh_text(b)).collect();
    let en_text: Vec<String> = sample.iter().map(|b| al.en_text(b)).collect();
    let zh: Vec<ZhTokens> = zh_text.iter().map(|t| tokenizer.zh(t)).collect();
    let simplified: Vec<String> = zh_text.iter().map(|t| to_simplified(t)).collect();
    let en: Vec<EnTokens> = en_text.iter().map(|t| tokenizer.en(t)).collect();
    let lex = DocLexicon::build(&zh, &en, &config.glossary, tokenizer);
    let features = Features::new(&zh, &simplified, &en, &lex);
    let scorer = Scorer::new(&features, &lex, Params::default());
    let n = sample.len();
    let hits = |shift: usize| -> f64 {
        (0..n)
            .map(|k| {
                let (z, e) = scorer.pair_masks(k, (k + shift) % n);
                f64::from(z.count_ones() + e.count_ones())
            })
            .sum()
    };
    let aligned = hits(0);
    let shifts: Vec<usize> = (1..RANDOM_PAIRINGS + 1)
        .map(|j| n * j / (RANDOM_PAIRINGS + 1))
        .filter(|&k| k > 0)
        .collect();
    let random = shifts.iter().map(|&k| hits(k)).sum::<f64>() / shifts.len() as f64;
    Some((aligned + 1.0) / (random + 1.0))
}

/// Beads by type ("1-1", "1-2" …), most frequent first (ties by name).
pub fn bead_counts(al: &Alignment) -> Vec<(String, usize)> {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for b in &al.beads {
        *kinds.entry(b.kind()).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kinds
}

/// One short report: sentences per side, beads by type, mean confidence, time.
pub fn summary(al: &Alignment, seconds: f64) -> String {
    let kinds: Vec<String> = bead_counts(al)
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    let weak = al.beads.iter().filter(|b| b.confidence < 0.5).count();
    format!(
        "{} zh / {} en sentences → {} beads ({})\nmean confidence {:.2}, {} beads below 0.5; {:.2} s",
        al.zh.len(),
        al.en.len(),
        al.beads.len(),
        kinds.join(", "),
        al.mean_confidence(),
        weak,
        seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bead::{Bead, Sentence};

    fn s(t: &str) -> Sentence {
        Sentence {
            text: t.into(),
            paragraph: 0,
        }
    }

    fn al(zh: &[&str]) -> Alignment {
        Alignment {
            zh: zh.iter().map(|t| s(t)).collect(),
            en: vec![s("A."), s("B."), s("C.")],
            beads: vec![
                Bead {
                    zh: 0..1,
                    en: 0..2,
                    confidence: 0.9,
                },
                Bead {
                    zh: 1..2,
                    en: 2..3,
                    confidence: 0.4,
                },
            ],
        }
    }

    #[test]
    fn language_code_follows_the_script() {
        assert_eq!(zh_lang_code(&al(&["这是测试。", "国家。"])), "zh-CN");
        assert_eq!(zh_lang_code(&al(&["這是測試。", "國家。"])), "zh-TW");
    }

    #[test]
    fn summary_counts_beads_by_type() {
        let text = summary(&al(&["甲。", "乙。"]), 0.5);
        assert!(text.starts_with("2 zh / 3 en sentences → 2 beads (1-1: 1, 1-2: 1)"));
        assert!(text.contains("mean confidence 0.65, 1 beads below 0.5; 0.50 s"));
    }

    #[test]
    fn unrelated_needs_low_confidence_or_lift_and_enough_beads() {
        assert!(looks_unrelated(0.2, None, 5));
        assert!(!looks_unrelated(0.2, None, 4));
        assert!(!looks_unrelated(0.3, None, 50));
        assert!(looks_unrelated(0.9, Some(1.5), 50));
        assert!(!looks_unrelated(0.9, Some(6.0), 50));
    }

    #[test]
    fn swapped_sides_are_named() {
        let mut swapped = al(&["A first.", "A second."]);
        std::mem::swap(&mut swapped.zh, &mut swapped.en);
        swapped.en = vec![s("这是第一句。"), s("这是第二句。"), s("第三。")];
        swapped.zh = vec![s("One."), s("Two.")];
        let w = warnings(&swapped, None);
        assert!(
            w.iter().any(|w| w.contains("English side looks Chinese")),
            "{w:?}"
        );
        assert!(w.iter().any(|w| w.contains("almost no Chinese")), "{w:?}");
        assert!(warnings(&al(&["这是测试。", "国家。"]), None).is_empty());
    }
}
