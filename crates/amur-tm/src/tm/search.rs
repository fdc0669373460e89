//! `amur tm search`: concordance, i.e. every unit whose source or target contains a term.
//!
//! Matching folds both sides the same way: traditional characters to simplified (so 交涉 finds
//! 交涉 in either script, and 臺灣 finds 台湾) and letters to lower case. The places found are
//! byte ranges of the original text, for highlighting.

use std::ops::Range;

use amur_core::tokenize::to_simplified;

/// A search term, folded once.
#[derive(Debug, Clone)]
pub struct Term {
    folded: String,
}

impl Term {
    /// `None` for a term that is empty once folded.
    pub fn new(term: &str) -> Option<Term> {
        let folded = Folded::new(term.trim()).text;
        (!folded.is_empty()).then_some(Term { folded })
    }

    /// Byte ranges of `text` where the term occurs (not overlapping, in order).
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let folded = Folded::new(text);
        folded
            .text
            .match_indices(&self.folded)
            .map(|(at, m)| folded.original(at..at + m.len()))
            .collect()
    }
}

/// A text folded for matching, with where each folded character came from.
struct Folded {
    text: String,
    /// For each original character: (start of its folding in `text`, its byte range in the
    /// original).
    spans: Vec<(usize, Range<usize>)>,
}

impl Folded {
    fn new(original: &str) -> Folded {
        let simplified = to_simplified(original);
        // The conversion maps character to character; should it ever not, fold without it.
        let same_length = simplified.chars().count() == original.chars().count();
        let chars: Box<dyn Iterator<Item = char>> = if same_length {
            Box::new(simplified.chars())
        } else {
            Box::new(original.chars())
        };
        let mut text = String::with_capacity(original.len());
        let mut spans = Vec::with_capacity(original.len());
        for ((at, c), s) in original.char_indices().zip(chars) {
            spans.push((text.len(), at..at + c.len_utf8()));
            text.extend(s.to_lowercase());
        }
        Folded { text, spans }
    }

    /// The original byte range of the folded range `r` (widened to whole characters).
    fn original(&self, r: Range<usize>) -> Range<usize> {
        let span_of = |pos: usize| {
            let i = self.spans.partition_point(|(start, _)| *start <= pos);
            &self.spans[i.saturating_sub(1)].1
        };
        span_of(r.start).start..span_of(r.end.saturating_sub(1).max(r.start)).end
    }
}

/// `text` with each of `ranges` (from [`Term::find`]) between `open` and `close`.
pub fn highlight(text: &str, ranges: &[Range<usize>], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * (open.len() + close.len()));
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.push_str(open);
        out.push_str(&text[r.clone()]);
        out.push_str(close);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(term: &str, text: &str) -> String {
        let t = Term::new(term).unwrap();
        highlight(text, &t.find(text), "[", "]")
    }

    #[test]
    fn matches_traditional_and_simplified_alike() {
        assert_eq!(
            marked("交涉", "兩國交涉已久，交涉無果。"),
            "兩國[交涉]已久，[交涉]無果。"
        );
        assert_eq!(marked("臺灣", "台湾问题"), "[台湾]问题");
        assert_eq!(marked("台湾", "關於臺灣。"), "關於[臺灣]。");
        assert_eq!(marked("國", "中国"), "中[国]");
    }

    #[test]
    fn matches_letters_in_any_case_and_keeps_the_original() {
        assert_eq!(
            marked("negotiation", "Negotiations and NEGOTIATION."),
            "[Negotiation]s and [NEGOTIATION]."
        );
        // A letter whose lower case is two characters (İ → i̇) still maps back.
        assert_eq!(marked("i̇stanbul", "İSTANBUL x"), "[İSTANBUL] x");
        assert_eq!(marked("x", "𠀀x😀"), "𠀀[x]😀");
    }

    #[test]
    fn no_match_and_empty_terms() {
        assert!(Term::new("交涉").unwrap().find("谈判").is_empty());
        assert!(Term::new("  ").is_none());
        assert_eq!(highlight("abc", &[], "[", "]"), "abc");
    }
}
