//! Glossaries: term lists (Chinese term → English rendering) that users keep and that steer
//! the aligner, and the tools around them:
//! - [`formats`]: reading, writing and checking TSV (OmegaT's `zh<TAB>en[<TAB>comment]`),
//!   CSV (`zh,en,comment` with a header) and TBX (TBX-Basic; TBX v3 read too);
//! - [`extract`]: finding recurring terms and their renderings in aligned text ([`units`],
//!   candidate [`phrases`]);
//! - [`merge`]: the union of glossaries, with conflicting renderings reported;
//! - [`lint`]: aligned units whose English does not use the glossary's rendering.

mod counts;
pub mod extract;
pub mod formats;
mod link;
pub mod lint;
pub mod merge;
pub mod phrases;
pub mod units;

use std::path::{Path, PathBuf};

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub zh: String,
    pub en: String,
    pub comment: String,
}

/// A glossary: terms in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

/// Why a glossary could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GlossaryError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: line {line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl Glossary {
    /// Parses TSV text; errors carry the 1-based line number.
    pub fn parse_tsv(text: &str) -> Result<Glossary, (usize, String)> {
        let parsed = formats::parse(formats::GlossaryFormat::Tsv, text);
        match parsed.problems.into_iter().next() {
            Some(p) => Err((p.line, p.message)),
            None => Ok(parsed.glossary),
        }
    }

    /// Reads a glossary in the format its extension names (`.tsv`, `.csv`, `.tbx`; TSV for
    /// anything else).
    pub fn read(path: &Path) -> Result<Glossary, GlossaryError> {
        formats::read(path)
    }

    /// Writes the glossary in `format`.
    pub fn write(
        &self,
        format: formats::GlossaryFormat,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        formats::write(self, format, out)
    }

    /// Appends another glossary's terms.
    pub fn extend(&mut self, other: Glossary) {
        self.terms.extend(other.terms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_lines_become_terms() {
        let g =
            Glossary::parse_tsv("# names\n伯力\tKhabarovsk\tcity\n交涉\tnegotiations\n\n").unwrap();
        assert_eq!(g.terms.len(), 2);
        assert_eq!(
            g.terms[0],
            Term {
                zh: "伯力".into(),
                en: "Khabarovsk".into(),
                comment: "city".into()
            }
        );
        assert_eq!(g.terms[1].comment, "");
    }

    #[test]
    fn a_line_without_english_is_an_error_with_its_number() {
        assert_eq!(
            Glossary::parse_tsv("伯力\tKhabarovsk\n公使\n")
                .unwrap_err()
                .0,
            2
        );
    }
}
