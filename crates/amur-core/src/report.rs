//! What the commands report about an alignment: the Chinese language code, a short summary,
//! beads by type, and whether the two sides look like a translation pair at all (sides in the
//! wrong language, unrelated texts).

use crate::bead::{Alignment, Bead};
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

/// A side of a pair that is not in its language: the files were given in the wrong order, or
/// one is in neither language.
#[derive(Debug, Clone, PartialEq)]
pub enum SideProblem {
    /// The English side is mostly Han characters (their share of its letters).
    EnglishLooksChinese(f64),
    /// The Chinese side has almost no Han characters (their share of its letters); `latin`:
    /// it is mostly Latin letters, i.e. it looks English.
    ChineseHasNoChinese { han: f64, latin: bool },
    /// The English side is neither English nor Chinese (share of Latin letters).
    EnglishIsNeither(f64),
}

impl SideProblem {
    /// Which side it concerns: 0 the Chinese, 1 the English.
    pub fn side(&self) -> usize {
        match self {
            SideProblem::ChineseHasNoChinese { .. } => 0,
            _ => 1,
        }
    }
}

impl std::fmt::Display for SideProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SideProblem::EnglishLooksChinese(share) => write!(
                f,
                "the English side looks Chinese ({:.0}% of its letters are Han characters): \
                 are the files in the order ZH EN?",
                share * 100.0
            ),
            SideProblem::ChineseHasNoChinese { han, latin } => write!(
                f,
                "the Chinese side has almost no Chinese characters ({:.0}% of its letters){}",
                han * 100.0,
                if *latin {
                    ": it looks English; are the files in the order ZH EN?"
                } else {
                    ""
                }
            ),
            SideProblem::EnglishIsNeither(latin) => write!(
                f,
                "the English side looks neither English nor Chinese (only {:.0}% of its letters \
                 are Latin)",
                latin * 100.0
            ),
        }
    }
}

/// Sides that are not in their language (see [`SideProblem`]). A side without letters says
/// nothing.
pub fn side_problems(al: &Alignment) -> Vec<SideProblem> {
    let mut out = Vec::new();
    let zh = letter_shares(al.zh.iter().map(|s| s.text.as_str()));
    let en = letter_shares(al.en.iter().map(|s| s.text.as_str()));
    if let Some((han, latin)) = zh.filter(|&(han, _)| han < 0.1) {
        out.push(SideProblem::ChineseHasNoChinese {
            han,
            latin: latin > 0.5,
        });
    }
    match en {
        Some((han, _)) if han > 0.5 => out.push(SideProblem::EnglishLooksChinese(han)),
        Some((_, latin)) if latin < 0.5 => out.push(SideProblem::EnglishIsNeither(latin)),
        _ => {}
    }
    out
}

/// English characters per Chinese character outside which two texts cannot be a translation
/// pair (letters and digits counted, spaces and punctuation not). Measured: the samples
/// 3.5–5.3, the mac-dev chapters 3.6–5.0, the Bible 2.6.
pub const SIZE_RATIO: (f64, f64) = (1.0, 15.0);
/// Sentences on one side per sentence on the other beyond which two texts cannot be a
/// translation pair (when the larger side has at least 8).
pub const SENTENCE_RATIO: f64 = 4.0;

/// Why the two sides' sizes cannot be those of a translation pair (40 sentences against 3,
/// a Chinese text ten times as long as its "translation"), or `None`.
pub fn size_problem(al: &Alignment) -> Option<String> {
    let chars = |v: &[crate::bead::Sentence]| {
        v.iter()
            .flat_map(|s| s.text.chars())
            .filter(|c| c.is_alphanumeric())
            .count()
    };
    let (zc, ec) = (chars(&al.zh), chars(&al.en));
    let (zs, es) = (al.zh.len(), al.en.len());
    let (small, large) = (zs.min(es), zs.max(es));
    if large >= 8 && large as f64 > SENTENCE_RATIO * small.max(1) as f64 {
        return Some(format!(
            "the sides' sizes do not fit a translation: {zs} Chinese against {es} English \
             sentences"
        ));
    }
    if zc > 0 && ec > 0 && zc + ec >= 200 {
        let ratio = ec as f64 / zc as f64;
        if ratio < SIZE_RATIO.0 || ratio > SIZE_RATIO.1 {
            return Some(format!(
                "the sides' sizes do not fit a translation: {ec} English letters for {zc} \
                 Chinese characters ({ratio:.1} a character; translations have {}–{})",
                SIZE_RATIO.0, SIZE_RATIO.1
            ));
        }
    }
    None
}

/// What the user should know about a doubtful pair: sides that look like the wrong language,
/// sizes that cannot be a translation's, and a pair that does not look like a translation
/// (`lift`: [`lexical_lift`]).
pub fn warnings(al: &Alignment, lift: Option<f64>) -> Vec<String> {
    let mut out: Vec<String> = side_problems(al).iter().map(|p| p.to_string()).collect();
    out.extend(size_problem(al));
    if looks_unrelated(al.mean_confidence(), lift, full_beads(al)) {
        out.push(unrelated_message(al.mean_confidence(), lift));
    }
    out
}

/// "the pair looks unrelated (…)".
pub fn unrelated_message(mean_confidence: f64, lift: Option<f64>) -> String {
    format!(
        "the pair looks unrelated (mean confidence {:.2}, aligned sentences share {} the \
         dictionary words that random ones do): are these two files really a translation pair?",
        mean_confidence,
        match lift {
            Some(l) => format!("{l:.1}×"),
            None => "no more of".into(),
        }
    )
}

/// Shares of Han characters and of Latin letters among the letters of a text; `None` when it
/// has no letters.
fn letter_shares<'a>(texts: impl Iterator<Item = &'a str>) -> Option<(f64, f64)> {
    let (mut han, mut latin, mut letters) = (0usize, 0usize, 0usize);
    for c in texts.flat_map(str::chars).filter(|c| c.is_alphabetic()) {
        letters += 1;
        han += usize::from(is_han(c));
        latin += usize::from(is_latin(c));
    }
    (letters > 0).then(|| (han as f64 / letters as f64, latin as f64 / letters as f64))
}

/// Latin letters, with the accented ones of Latin-1, Latin Extended and pinyin.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')
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

/// The confidence below which a bead is weak: the summary counts them, the review page marks
/// them, and `--min-confidence` (whose default this is) keeps them out of the TMX. With the
/// calibrated confidence, a bead at 0.9 is right about nine times in ten.
pub const REVIEW_THRESHOLD: f64 = 0.9;

/// Beads with both sides whose confidence is below `threshold`.
pub fn weak_beads(al: &Alignment, threshold: f64) -> usize {
    al.beads
        .iter()
        .filter(|b| !b.zh.is_empty() && !b.en.is_empty() && b.confidence < threshold)
        .count()
}

/// Sentences left untranslated: Chinese ones in 1-0 beads, English ones in 0-1 beads.
pub fn untranslated(al: &Alignment) -> (usize, usize) {
    let mut out = (0, 0);
    for b in &al.beads {
        if b.en.is_empty() {
            out.0 += b.zh.len();
        } else if b.zh.is_empty() {
            out.1 += b.en.len();
        }
    }
    out
}

/// One short report: sentences per side, beads by type, mean confidence, the beads below
/// `threshold` (weak: to review), untranslated sentences by side, time.
pub fn summary(al: &Alignment, seconds: f64, threshold: f64) -> String {
    let kinds: Vec<String> = bead_counts(al)
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    let mut text = format!(
        "{} zh / {} en sentences → {} beads ({})\nmean confidence {:.2}, {} weak beads (below {}: review them); {:.2} s",
        al.zh.len(),
        al.en.len(),
        al.beads.len(),
        kinds.join(", "),
        al.mean_confidence(),
        weak_beads(al, threshold),
        threshold,
        seconds
    );
    let (zh, en) = untranslated(al);
    if zh + en > 0 {
        text.push_str(&format!(
            "\nuntranslated: {zh} Chinese sentence{} without English, {en} English sentence{} \
             without Chinese (not in the TMX)",
            if zh == 1 { "" } else { "s" },
            if en == 1 { "" } else { "s" },
        ));
    }
    text
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
        let text = summary(&al(&["甲。", "乙。"]), 0.5, 0.9);
        assert!(text.starts_with("2 zh / 3 en sentences → 2 beads (1-1: 1, 1-2: 1)"));
        assert!(
            text.contains("mean confidence 0.65, 1 weak beads (below 0.9: review them); 0.50 s"),
            "{text}"
        );
        assert!(!text.contains("untranslated"));
        let mut gap = al(&["甲。", "乙。"]);
        gap.zh.push(s("丙。"));
        gap.beads.push(Bead {
            zh: 2..3,
            en: 3..3,
            confidence: 0.95,
        });
        let text = summary(&gap, 0.5, 0.9);
        assert!(
            text.contains("untranslated: 1 Chinese sentence without English, 0 English sentences"),
            "{text}"
        );
    }

    #[test]
    fn sizes_that_cannot_be_a_translation_are_named() {
        let mut big = al(&["这是一个很长的句子，说了许多事情。"; 40]);
        big.beads.clear();
        let w = size_problem(&big).expect("40 against 3");
        assert!(w.contains("40 Chinese against 3 English sentences"), "{w}");
        assert_eq!(size_problem(&al(&["这是测试。", "国家。"])), None);
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
        assert!(w.iter().any(|w| w.contains("it looks English")), "{w:?}");
        let p = side_problems(&swapped);
        assert_eq!(p.iter().map(SideProblem::side).collect::<Vec<_>>(), [0, 1]);
        assert!(warnings(&al(&["这是测试。", "国家。"]), None).is_empty());
        let mut russian = al(&["这是测试。", "国家。"]);
        russian.en = vec![s("Это проверка."), s("Страна.")];
        assert!(matches!(
            side_problems(&russian)[..],
            [SideProblem::EnglishIsNeither(_)]
        ));
    }
}
