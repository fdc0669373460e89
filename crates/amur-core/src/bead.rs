//! The result of alignment: sentences of both sides and the beads that pair them.

use std::ops::Range;

/// One sentence of a document, with the paragraph it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    /// 0-based paragraph index in the source document.
    pub paragraph: usize,
}

/// A bead: consecutive Chinese sentences aligned with consecutive English sentences.
/// Either side may be empty (an untranslated or added sentence).
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    pub zh: Range<usize>,
    pub en: Range<usize>,
    /// How sure the aligner is of this bead, in [0, 1].
    pub confidence: f64,
}

impl Bead {
    /// The bead type as users know it: "1-1", "1-2", "2-1", "0-1" ...
    pub fn kind(&self) -> String {
        format!("{}-{}", self.zh.len(), self.en.len())
    }
}

/// An aligned document pair: both sides' sentences and the beads, in order, covering every
/// sentence of both sides exactly once.
#[derive(Debug, Clone, Default)]
pub struct Alignment {
    pub zh: Vec<Sentence>,
    pub en: Vec<Sentence>,
    pub beads: Vec<Bead>,
}

impl Alignment {
    /// The Chinese text of a bead: its sentences joined without a separator.
    pub fn zh_text(&self, bead: &Bead) -> String {
        self.zh[bead.zh.clone()]
            .iter()
            .map(|s| s.text.as_str())
            .collect()
    }

    /// The English text of a bead: its sentences joined with one space.
    pub fn en_text(&self, bead: &Bead) -> String {
        let parts: Vec<&str> = self.en[bead.en.clone()]
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        parts.join(" ")
    }

    /// Mean confidence over beads with both sides non-empty (0 when there are none).
    pub fn mean_confidence(&self) -> f64 {
        let full: Vec<f64> = self
            .beads
            .iter()
            .filter(|b| !b.zh.is_empty() && !b.en.is_empty())
            .map(|b| b.confidence)
            .collect();
        if full.is_empty() {
            0.0
        } else {
            full.iter().sum::<f64>() / full.len() as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Sentence {
        Sentence {
            text: t.into(),
            paragraph: 0,
        }
    }

    #[test]
    fn bead_text_joins_sides_per_language() {
        let a = Alignment {
            zh: vec![s("甲。"), s("乙。")],
            en: vec![s("A."), s("B.")],
            beads: vec![Bead {
                zh: 0..2,
                en: 0..2,
                confidence: 0.5,
            }],
        };
        assert_eq!(a.zh_text(&a.beads[0]), "甲。乙。");
        assert_eq!(a.en_text(&a.beads[0]), "A. B.");
        assert_eq!(a.beads[0].kind(), "2-2");
    }
}
