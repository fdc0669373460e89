//! Glossaries: term lists (Chinese term → English rendering) that users keep and that steer
//! the aligner. Reading TSV (`zh<TAB>en[<TAB>comment]`, OmegaT's glossary format).

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
    /// Reads a TSV glossary: `zh<TAB>en[<TAB>comment]` per line; blank lines and lines starting
    /// with `#` are skipped.
    pub fn read_tsv(path: &Path) -> Result<Glossary, GlossaryError> {
        let bytes = std::fs::read(path).map_err(|source| GlossaryError::Io {
            path: path.into(),
            source,
        })?;
        let text = crate::text::decode(&bytes).map_err(|offset| GlossaryError::Format {
            path: path.into(),
            line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
            message: "not valid UTF-8".into(),
        })?;
        Self::parse_tsv(&text).map_err(|(line, message)| GlossaryError::Format {
            path: path.into(),
            line,
            message,
        })
    }

    /// Parses TSV text; errors carry the 1-based line number.
    pub fn parse_tsv(text: &str) -> Result<Glossary, (usize, String)> {
        let mut terms = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let zh = cols.next().unwrap_or("").trim();
            let en = cols.next().map(str::trim).unwrap_or("");
            if zh.is_empty() || en.is_empty() {
                return Err((n + 1, "expected `chinese<TAB>english[<TAB>comment]`".into()));
            }
            let comment = cols.next().unwrap_or("").trim().to_string();
            terms.push(Term {
                zh: zh.into(),
                en: en.into(),
                comment,
            });
        }
        Ok(Glossary { terms })
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
