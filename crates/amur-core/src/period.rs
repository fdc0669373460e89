//! The period lexicon shipped with amur: Chinese official and diplomatic usage of the 1910s
//! (offices and titles, forms of address, bodies, documents, the place names of the day) with
//! English renderings, written for amur (`glossaries/period-1910s.tsv`, built into the
//! binary). The aligner and the term extractor use it unless told not to.
//!
//! Entries whose comment starts with "title" are offices and titles that follow a surname
//! (公使 in 劉公使, 次長 in 高次長): the extractor keeps them whole and with their name.

use crate::glossary::{Glossary, Term};
use std::sync::OnceLock;

/// The lexicon file as shipped.
pub const SOURCE: &str = include_str!("../../../glossaries/period-1910s.tsv");

/// Parses the lexicon's TSV (`zh<TAB>en[<TAB>comment]`, `#` comments, blank lines); the file
/// is checked by a test (and by `amur glossary check`), so a line without English, which it
/// never has, is skipped.
fn parse(text: &str) -> Glossary {
    let terms = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let (zh, en) = (cols.next()?.trim(), cols.next()?.trim());
            (!zh.is_empty() && !en.is_empty()).then(|| Term {
                zh: zh.to_string(),
                en: en.to_string(),
                comment: cols.next().unwrap_or("").trim().to_string(),
            })
        })
        .collect();
    Glossary { terms }
}

/// The period lexicon, parsed once.
pub fn lexicon() -> &'static Glossary {
    static LEXICON: OnceLock<Glossary> = OnceLock::new();
    LEXICON.get_or_init(|| parse(SOURCE))
}

/// Whether an entry is an office or title that follows a surname.
pub fn is_title(term: &Term) -> bool {
    term.comment.starts_with("title")
}

/// The titles of the lexicon (simplified), longest first, each once.
pub fn titles() -> &'static [String] {
    static TITLES: OnceLock<Vec<String>> = OnceLock::new();
    TITLES.get_or_init(|| {
        let mut t: Vec<String> = lexicon()
            .terms
            .iter()
            .filter(|t| is_title(t))
            .map(|t| crate::tokenize::to_simplified(&t.zh))
            .collect();
        t.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        t.dedup();
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_shipped_lexicon_is_a_term() {
        let lines = SOURCE
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(lexicon().terms.len(), lines);
        assert!(lines > 150);
        let find = |zh: &str| lexicon().terms.iter().find(|t| t.zh == zh).cloned();
        assert_eq!(find("海參崴").map(|t| t.en), Some("Vladivostok".into()));
        assert!(find("次長").is_some_and(|t| is_title(&t)));
        assert!(!find("外交部").is_some_and(|t| is_title(&t)));
        assert!(titles().contains(&"次长".to_string()));
    }
}
