//! Glossary file formats: TSV (OmegaT), CSV (with a `zh,en,comment` header) and TBX
//! (TBX-Basic written; TBX-Basic and TBX v3 read).
//!
//! Every reader is lenient: it keeps the good entries and lists the [`Problem`]s it met, each
//! with its line (and column for XML). [`read`] turns the first error into a
//! [`GlossaryError`]; [`check`] reports them all, duplicates included.

mod csv;
mod tbx;
mod tsv;

use amur_core::glossary::{Glossary, Term};
use amur_core::tokenize::to_simplified;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A glossary file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlossaryFormat {
    /// `zh<TAB>en[<TAB>comment]`, UTF-8, no header: OmegaT's glossary format.
    Tsv,
    /// Comma-separated with a header row `zh,en,comment`, quoted where needed.
    Csv,
    /// TermBase eXchange: TBX-Basic `martif`/`termEntry`/`tig` (TBX v3 `conceptEntry`/`termSec`
    /// read too).
    Tbx,
}

impl GlossaryFormat {
    pub const ALL: [GlossaryFormat; 3] = [
        GlossaryFormat::Tsv,
        GlossaryFormat::Csv,
        GlossaryFormat::Tbx,
    ];

    /// The format a file name asks for by its extension (`.tsv`/`.txt`/`.utf8`, `.csv`,
    /// `.tbx`, any case); `None` for anything else.
    pub fn from_path(path: &Path) -> Option<GlossaryFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "txt" | "utf8" | "tab" => Some(GlossaryFormat::Tsv),
            ext => ext.parse().ok(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            GlossaryFormat::Tsv => "tsv",
            GlossaryFormat::Csv => "csv",
            GlossaryFormat::Tbx => "tbx",
        }
    }
}

impl fmt::Display for GlossaryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is none of `tsv`, `csv`, `tbx`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown glossary format {0:?}: expected tsv, csv or tbx")]
pub struct UnknownGlossaryFormat(pub String);

impl FromStr for GlossaryFormat {
    type Err = UnknownGlossaryFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tsv" => Ok(GlossaryFormat::Tsv),
            "csv" => Ok(GlossaryFormat::Csv),
            "tbx" => Ok(GlossaryFormat::Tbx),
            _ => Err(UnknownGlossaryFormat(s.to_string())),
        }
    }
}

/// What is wrong at one place of a glossary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters), where the format has one to give (XML).
    pub column: Option<usize>,
    pub message: String,
    /// A duplicate entry: reported by `check`, harmless when reading.
    pub duplicate: bool,
}

impl Problem {
    pub fn at(line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line,
            column: None,
            message: message.into(),
            duplicate: false,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A leniently parsed glossary: the good terms, the line each starts on, and the problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub glossary: Glossary,
    /// 1-based line of each term, parallel to `glossary.terms`.
    pub lines: Vec<usize>,
    pub problems: Vec<Problem>,
}

impl Parsed {
    fn push(&mut self, line: usize, zh: &str, en: &str, comment: &str) {
        match (zh.is_empty(), en.is_empty()) {
            (true, _) => self.problems.push(Problem::at(line, "empty Chinese term")),
            (_, true) => self.problems.push(Problem::at(line, "empty English term")),
            _ => {
                self.glossary.terms.push(Term {
                    zh: zh.to_string(),
                    en: en.to_string(),
                    comment: comment.to_string(),
                });
                self.lines.push(line);
            }
        }
    }
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

/// Parses TSV text strictly; the error carries the 1-based line number of the first problem.
pub fn parse_tsv(text: &str) -> Result<Glossary, (usize, String)> {
    let parsed = parse(GlossaryFormat::Tsv, text);
    match parsed.problems.into_iter().next() {
        Some(p) => Err((p.line, p.message)),
        None => Ok(parsed.glossary),
    }
}

/// Parses glossary text in `format`, leniently. Duplicates are not looked for here.
pub fn parse(format: GlossaryFormat, text: &str) -> Parsed {
    match format {
        GlossaryFormat::Tsv => tsv::parse(text),
        GlossaryFormat::Csv => csv::parse(text),
        GlossaryFormat::Tbx => tbx::parse(text),
    }
}

/// Writes a glossary in `format`.
pub fn write(glossary: &Glossary, format: GlossaryFormat, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    match format {
        GlossaryFormat::Tsv => tsv::write(glossary, &mut out)?,
        GlossaryFormat::Csv => csv::write(glossary, &mut out)?,
        GlossaryFormat::Tbx => tbx::write(glossary, &mut out)?,
    }
    out.flush()
}

/// The format of a file: by extension, TSV when the extension says nothing.
pub fn format_of(path: &Path) -> GlossaryFormat {
    GlossaryFormat::from_path(path).unwrap_or(GlossaryFormat::Tsv)
}

/// Reads a file as UTF-8 text (BOM and CRLF tolerated).
fn read_text(path: &Path) -> Result<String, GlossaryError> {
    let bytes = std::fs::read(path).map_err(|source| GlossaryError::Io {
        path: path.into(),
        source,
    })?;
    amur_core::text::decode(&bytes).map_err(|offset| GlossaryError::Format {
        path: path.into(),
        line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
        message: "not valid UTF-8".into(),
    })
}

/// Reads a glossary in the format its extension names (TSV otherwise). Fails on the first
/// problem other than a duplicate.
pub fn read(path: &Path) -> Result<Glossary, GlossaryError> {
    let parsed = parse(format_of(path), &read_text(path)?);
    match parsed.problems.into_iter().find(|p| !p.duplicate) {
        Some(p) => Err(GlossaryError::Format {
            path: path.into(),
            line: p.line,
            message: match p.column {
                Some(c) => format!("column {c}: {}", p.message),
                None => p.message,
            },
        }),
        None => Ok(parsed.glossary),
    }
}

/// Every problem of a glossary file, duplicates included, in line order. Only a file that
/// cannot be read at all is an error.
pub fn check(path: &Path) -> Result<Vec<Problem>, GlossaryError> {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(GlossaryError::Format { line, message, .. }) => {
            return Ok(vec![Problem::at(line, message)]);
        }
        Err(e) => return Err(e),
    };
    let parsed = parse(format_of(path), &text);
    let mut problems = parsed.problems.clone();
    problems.extend(duplicates(&parsed));
    problems.extend(conflicts(&parsed));
    problems.sort_by_key(|p| (p.line, p.column));
    Ok(problems)
}

/// The key under which two entries are the same: simplified Chinese, English ignoring case,
/// spacing and inflection.
pub fn entry_key(term: &Term) -> (String, String) {
    (to_simplified(term.zh.trim()), normalize_en(&term.en))
}

/// English compared loosely: its words' lower-cased stems, so that "Certificates" and
/// "certificate" are one rendering.
pub fn normalize_en(en: &str) -> String {
    let stems = amur_core::tokenize::stem_sequence(en, amur_core::tokenize::Tokenizer::shared());
    if stems.is_empty() {
        en.trim().to_lowercase()
    } else {
        stems.join(" ")
    }
}

/// Entries that repeat an earlier one (same simplified Chinese and same English).
fn duplicates(parsed: &Parsed) -> Vec<Problem> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for (term, &line) in parsed.glossary.terms.iter().zip(&parsed.lines) {
        match seen.get(&entry_key(term)) {
            Some(&first) => out.push(Problem {
                duplicate: true,
                ..Problem::at(
                    line,
                    format!(
                        "duplicate entry {} → {} (first on line {first})",
                        term.zh, term.en
                    ),
                )
            }),
            None => {
                seen.insert(entry_key(term), line);
            }
        }
    }
    out
}

/// Entries that give a term (traditional and simplified alike) another rendering than an
/// earlier entry: a glossary that steers a translator must say one thing. Each other rendering
/// is reported once, on its first line.
fn conflicts(parsed: &Parsed) -> Vec<Problem> {
    // Simplified term → (first English, its line, renderings seen).
    let mut seen: HashMap<String, (String, usize, Vec<String>)> = HashMap::new();
    let mut out = Vec::new();
    for (term, &line) in parsed.glossary.terms.iter().zip(&parsed.lines) {
        let (zh, en) = entry_key(term);
        match seen.get_mut(&zh) {
            Some((first_en, first_line, renderings)) => {
                if !renderings.contains(&en) {
                    out.push(Problem::at(
                        line,
                        format!(
                            "conflicting renderings of {}: {} here, {} on line {}",
                            term.zh.trim(),
                            term.en.trim(),
                            first_en,
                            first_line
                        ),
                    ));
                    renderings.push(en);
                }
            }
            None => {
                seen.insert(zh, (term.en.trim().to_string(), line, vec![en]));
            }
        }
    }
    out
}

/// One field of a one-line format: tabs and line breaks become spaces, ends are trimmed.
fn one_line(field: &str) -> String {
    field
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_a_term_with_two_renderings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.tsv");
        std::fs::write(
            &path,
            "督軍\tTuchun\n交涉\tnegotiations\n督军\tmilitary governor\n督軍\ttuchuns\n",
        )
        .unwrap();
        let problems = check(&path).unwrap();
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        // "tuchuns" is the same rendering again: a duplicate, not a conflict.
        assert_eq!(
            shown,
            [
                "line 3: conflicting renderings of 督军: military governor here, Tuchun on line 1",
                "line 4: duplicate entry 督軍 → tuchuns (first on line 1)"
            ]
        );
    }

    #[test]
    fn tsv_lines_become_terms() {
        let g = parse_tsv("# names\n伯力\tKhabarovsk\tcity\n交涉\tnegotiations\n\n").unwrap();
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
        assert_eq!(parse_tsv("伯力\tKhabarovsk\n公使\n").unwrap_err().0, 2);
    }

    pub(super) fn sample() -> Glossary {
        let t = |zh: &str, en: &str, comment: &str| Term {
            zh: zh.into(),
            en: en.into(),
            comment: comment.into(),
        };
        Glossary {
            terms: vec![
                t(
                    "伯力",
                    "Khabarovsk",
                    "freq 14; score 0.93; e.g. telegrams-1917#3, minutes-1918#5",
                ),
                t("外交部", "Ministry of Foreign Affairs", ""),
                t(
                    "華工",
                    "Chinese workers",
                    "comma, \"quotes\" & <angle> 'marks'",
                ),
                t(
                    "遠東人民委員會",
                    "Far Eastern Council of People's Commissars",
                    "Khabarovsk, 1918",
                ),
            ],
        }
    }

    fn written(g: &Glossary, f: GlossaryFormat) -> String {
        let mut out = Vec::new();
        write(g, f, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_format_round_trips() {
        for f in GlossaryFormat::ALL {
            let text = written(&sample(), f);
            let back = parse(f, &text);
            assert_eq!(back.problems, vec![], "{f}: {text}");
            assert_eq!(back.glossary, sample(), "{f}: {text}");
        }
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/terms.TBX")), GlossaryFormat::Tbx);
        assert_eq!(format_of(Path::new("terms.csv")), GlossaryFormat::Csv);
        assert_eq!(format_of(Path::new("terms.txt")), GlossaryFormat::Tsv);
        assert_eq!(format_of(Path::new("terms")), GlossaryFormat::Tsv);
        assert!("xlsx".parse::<GlossaryFormat>().is_err());
    }

    #[test]
    fn duplicates_compare_simplified_and_ignore_case_and_plural() {
        let parsed = parse(
            GlossaryFormat::Tsv,
            "伯力\tKhabarovsk\n華工\tChinese workers\n华工\tchinese  Worker\n",
        );
        let d = duplicates(&parsed);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("line 2"), "{}", d[0].message);
    }

    #[test]
    fn fields_become_one_line() {
        assert_eq!(one_line(" a\tb\nc "), "a b c");
    }
}
