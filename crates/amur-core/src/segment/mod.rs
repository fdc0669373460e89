//! Sentence segmentation: splits one paragraph of Chinese ([`zh`]) or English ([`en`]) into
//! sentences.
//!
//! Both languages share one contract, tested in every submodule: each returned sentence is
//! trimmed and non-empty, and the sentences, in order, are exactly the input with whitespace
//! removed at the split points (and at both ends) — no other character is ever lost, duplicated
//! or reordered. Each language module only finds candidate split points (byte offsets); the
//! cutting, trimming and the shared clean-up live here in [`cut`].

mod en;
mod zh;

use std::fmt;
use std::str::FromStr;

pub use en::en;
pub use zh::{ZhOptions, zh};

/// The language of a text, as named on the command line (`zh` or `en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

/// A language name other than `zh` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected \"zh\" or \"en\"")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Parses `zh` / `en`, ignoring case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        })
    }
}

/// Splits one paragraph in the given language (`opts` is used for Chinese only).
pub fn sentences(paragraph: &str, lang: Lang, opts: &ZhOptions) -> Vec<String> {
    match lang {
        Lang::Zh => zh(paragraph, opts),
        Lang::En => en(paragraph),
    }
}

/// Cuts `text` at the given byte offsets (ascending; offsets that are out of order, out of range
/// or not on a char boundary are ignored), trims each piece and drops the empty ones.
///
/// A piece with no letter or digit in it (stray punctuation, a lone zero-width space) is not
/// worth a sentence of its own: it is joined to the sentence before it (or, at the start, to the
/// one after it), keeping the whitespace between them so that nothing is lost.
pub(crate) fn cut(text: &str, splits: impl IntoIterator<Item = usize>) -> Vec<String> {
    let mut spans: Vec<Span> = Vec::new();
    let mut start = 0;
    for split in splits.into_iter().chain(std::iter::once(text.len())) {
        if split <= start || split > text.len() || !text.is_char_boundary(split) {
            continue;
        }
        if let Some(span) = Span::trimmed(text, start, split) {
            span.push_onto(&mut spans);
        }
        start = split;
    }
    spans
        .into_iter()
        .map(|span| text[span.start..span.end].to_string())
        .collect()
}

/// A sentence being built: a byte range of the text, and whether it has a letter or digit.
struct Span {
    start: usize,
    end: usize,
    content: bool,
}

impl Span {
    /// The range `text[start..end]` without leading and trailing whitespace, if non-empty.
    fn trimmed(text: &str, start: usize, end: usize) -> Option<Span> {
        let piece = &text[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let kept = piece.trim_end().len();
        (kept > lead).then(|| Span {
            start: start + lead,
            end: start + kept,
            content: has_content(&piece[lead..kept]),
        })
    }

    /// Appends this span, joining it to the last one when either of them has no content.
    fn push_onto(self, spans: &mut Vec<Span>) {
        match spans.last_mut() {
            Some(last) if !self.content || !last.content => {
                last.end = self.end;
                last.content |= self.content;
            }
            _ => spans.push(self),
        }
    }
}

/// Whether a piece holds a letter or digit (Han characters count as letters).
pub(crate) fn has_content(piece: &str) -> bool {
    piece.chars().any(char::is_alphanumeric)
}

/// Zero-width and bidirectional formatting characters, and combining marks that may follow a
/// stop: invisible, so they must neither create nor prevent a split. After a stop they stay
/// with the sentence that ends there.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{0300}'..='\u{036F}'
        | '\u{E0100}'..='\u{E01EF}')
}

/// Closing quotes and brackets, which stay with the sentence whose stop they follow. The ASCII
/// and full-width straight quotes (`"` `'` `＂` `＇`) are left out: they open as often as they
/// close, and each language decides about them itself.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’'
            | '」'
            | '』'
            | '）'
            | ')'
            | '］'
            | ']'
            | '｝'
            | '}'
            | '】'
            | '》'
            | '〉'
            | '〕'
            | '〗'
            | '〙'
            | '〛'
            | '〞'
            | '〟'
            | '»'
            | '›'
            | '﹂'
            | '﹄'
            | '﹚'
            | '﹜'
            | '﹞'
    )
}

/// Test helpers shared by the language modules.
#[cfg(test)]
pub(crate) mod testing {
    /// Asserts the segmentation contract: every sentence is trimmed and non-empty, and the
    /// sentences are the input, in order, with only whitespace removed between them.
    pub fn assert_contract(input: &str, out: &[String]) {
        let mut rest = input;
        for s in out {
            assert!(!s.is_empty(), "empty sentence for {input:?}: {out:?}");
            assert_eq!(s.trim(), s, "untrimmed sentence for {input:?}: {out:?}");
            rest = rest.trim_start();
            rest = rest.strip_prefix(s.as_str()).unwrap_or_else(|| {
                panic!("sentence {s:?} does not continue the input {input:?}: {out:?}")
            });
        }
        assert!(
            rest.trim().is_empty(),
            "input {input:?} not covered: left {rest:?}; got {out:?}"
        );
    }

    /// A tiny deterministic pseudo-random generator (xorshift64*), enough for property tests.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed.max(1))
        }

        pub fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
        }
    }

    /// Pieces of mixed scripts, punctuation, whitespace and invisible characters.
    const PIECES: &[&str] = &[
        "甲", "乙", "俄使", "照會", "。", "！", "？", "?", "!", "；", ";", "…", "……", "⋯", "「",
        "」", "『", "』", "“", "”", "‘", "’", "\"", "'", "(", ")", "（", "）", "【", "】", "《",
        "》", "，", "：", " ", "  ", "\u{3000}", "\u{a0}", "\t", "\n", "\u{200b}", "\u{feff}",
        "\u{200e}", "\u{202b}", "\u{301}", "a", "B", "the", "He", "Mr.", "U.S.", "N.A.", "p.",
        "No.", "Jan.", "e.g.", "etc.", ".", "..", "...", "3", "3.5", "é", "🙂", "Ω", "-", ",",
        "\u{0}", "\r",
    ];

    /// A random string of up to `max_pieces` pieces.
    pub fn random_text(rng: &mut Rng, max_pieces: usize) -> String {
        let n = rng.below(max_pieces + 1);
        (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{Rng, assert_contract, random_text};
    use super::*;

    #[test]
    fn lang_parses_names() {
        assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
        assert_eq!(Lang::Zh.to_string(), "zh");
        assert_eq!(Lang::En.to_string().parse::<Lang>(), Ok(Lang::En));
    }

    #[test]
    fn sentences_dispatches_by_language() {
        let opts = ZhOptions::default();
        assert_eq!(sentences("甲。乙。", Lang::Zh, &opts), ["甲。", "乙。"]);
        assert_eq!(sentences("One. Two.", Lang::En, &opts), ["One.", "Two."]);
    }

    #[test]
    fn cut_trims_and_drops_empty_pieces() {
        assert_eq!(cut(" a b  c ", [4, 6]), ["a b", "c"]);
        assert_eq!(cut("", [0, 1, 5]), Vec::<String>::new());
        assert_eq!(cut("   ", [1, 2]), Vec::<String>::new());
    }

    #[test]
    fn cut_ignores_bad_offsets() {
        assert_eq!(cut("甲乙", [1, 3, 2, 99]), ["甲", "乙"]);
    }

    #[test]
    fn cut_joins_pieces_without_content() {
        assert_eq!(cut("甲。 ！乙。", [6, 10]), ["甲。 ！", "乙。"]);
        assert_eq!(cut("」 甲。", [3]), ["」 甲。"]);
        assert_eq!(cut("a \u{200b}", [1]), ["a \u{200b}"]);
        assert_eq!(cut("...", [1, 2]), ["..."]);
    }

    #[test]
    fn cut_keeps_contract_on_random_input() {
        let mut rng = Rng::new(7);
        for _ in 0..2000 {
            let text = random_text(&mut rng, 30);
            let mut splits: Vec<usize> = (0..rng.below(6))
                .map(|_| rng.below(text.len() + 2))
                .collect();
            splits.sort_unstable();
            assert_contract(&text, &cut(&text, splits));
        }
    }
}
