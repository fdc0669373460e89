//! One document pair end to end, as `amur align` and `amur batch` both run it: read both files
//! into sentences, align them, and what the commands report about the result (the Chinese
//! language code, a short summary, whether the two files look like a translation pair at all).

use crate::bead::Alignment;
use crate::document;
use crate::formats::{FormatError, InputFormat};
use crate::pipeline::{self, Config};
use crate::segment::{Lang, ZhOptions};
use crate::tokenize;
use std::collections::BTreeMap;
use std::path::Path;

/// Reads the Chinese and the English file (in `format`, by extension for `Auto`; one sentence
/// per line when `presegmented`) and aligns them.
pub fn align_files(
    zh: &Path,
    en: &Path,
    format: InputFormat,
    presegmented: bool,
    zh_opts: &ZhOptions,
    config: &Config,
) -> Result<Alignment, FormatError> {
    let zh = document::read_document(zh, format, Lang::Zh, presegmented, zh_opts)?.sentences;
    let en = document::read_document(en, format, Lang::En, presegmented, zh_opts)?.sentences;
    Ok(pipeline::align_sentences(zh, en, config))
}

/// The TMX language code of the Chinese side: `zh-TW` when the text is in traditional
/// characters, else `zh-CN`.
pub fn zh_lang_code(al: &Alignment) -> &'static str {
    let text: String = al.zh.iter().map(|s| s.text.as_str()).collect();
    if tokenize::looks_traditional(&text) {
        "zh-TW"
    } else {
        "zh-CN"
    }
}

/// Mean confidence below which a pair looks unrelated (not a translation of each other).
pub const UNRELATED_BELOW: f64 = 0.3;

/// Whether a pair with this mean confidence over this many beads looks like two unrelated
/// texts: mean confidence below [`UNRELATED_BELOW`] over at least 5 beads (fewer beads say
/// too little).
pub fn looks_unrelated(mean_confidence: f64, beads: usize) -> bool {
    mean_confidence < UNRELATED_BELOW && beads >= 5
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
    fn unrelated_needs_low_confidence_and_enough_beads() {
        assert!(looks_unrelated(0.2, 5));
        assert!(!looks_unrelated(0.2, 4));
        assert!(!looks_unrelated(0.3, 50));
    }
}
