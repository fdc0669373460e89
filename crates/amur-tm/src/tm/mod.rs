//! Translation memories: read TMX (and TSV, CSV, JSON) as a stream of [`Unit`]s, and the jobs
//! of `amur tm`: [`merge`], [`convert`], [`stats`], [`filter`], [`search`], [`lookup`].
//!
//! [`Reader`] streams a TMX file of any size in bounded memory: one `<tu>` at a time, from
//! TMX 1.1 (`lang`) to 1.4b (`xml:lang`), UTF-8 or UTF-16 (Trados), with inline tags stripped
//! (for matching) or kept as markup. It never expands entities declared in a DOCTYPE and never
//! fetches a DTD. [`open`] reads any of the four formats by the file's extension.
//!
//! Writing goes through the crate's TMX writer ([`crate::export::ExportOptions::write_tmx_units`])
//! and, for whole files, the atomic [`crate::export::write_file`].

pub mod convert;
mod decode;
pub mod filter;
pub mod lookup;
pub mod merge;
mod read;
pub mod search;
pub mod stats;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use read::Reader;

/// One translation unit: a source segment, its translation, their languages and the unit's
/// properties.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unit {
    pub source: String,
    pub target: String,
    /// Language code of the source as the file gives it ("zh-CN"); empty when unknown.
    pub src_lang: String,
    /// Language code of the target ("en-US"); empty when unknown.
    pub tgt_lang: String,
    /// The unit's `<prop type="..">value</prop>`s, in file order.
    pub props: Vec<(String, String)>,
    /// 1-based line of the file where the unit starts; 0 when not known.
    pub line: u64,
}

impl Unit {
    /// A unit of two texts, without languages or properties.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Unit {
        Unit {
            source: source.into(),
            target: target.into(),
            ..Unit::default()
        }
    }

    /// The value of the first property of type `kind`.
    pub fn prop(&self, kind: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }

    /// The aligner's confidence in the unit (property `x-confidence`), when it has a finite one.
    pub fn confidence(&self) -> Option<f64> {
        self.prop(CONFIDENCE)?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|c| c.is_finite())
    }
}

/// The property `amur align` writes its confidence in.
pub const CONFIDENCE: &str = "x-confidence";

/// How to read a translation memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Language of the source side. In TMX: the `<tuv>` whose language is this code or starts
    /// with it and a hyphen ("zh" takes "zh-TW"; any case, `_` as `-`); units without one are
    /// skipped. `None`: the header's `srclang`, else the first `<tuv>`. In TSV, CSV and JSON:
    /// the language the units are labelled with.
    pub src_lang: Option<String>,
    /// Language of the target side, matched the same way. `None`: the first `<tuv>` in another
    /// language than the source.
    pub tgt_lang: Option<String>,
    /// Keep inline tags (`<bpt>`, `<ept>`, `<ph>`, `<it>`, `<ut>`, `<hi>` ...) as XML markup,
    /// i.e. the `<seg>`'s content as written in the file (entities not resolved). By default
    /// they are stripped: only the text outside native-code tags stays (`<hi>`'s content is
    /// text and stays), which is what matching wants.
    pub keep_tags: bool,
}

/// Whether language code `have` is `want` or a variant of it ("zh-TW" for "zh"), ignoring case
/// and taking `_` as `-`.
pub fn lang_matches(have: &str, want: &str) -> bool {
    let (have, want) = (norm_lang(have), norm_lang(want));
    have == want
        || (have.len() > want.len()
            && have.starts_with(&want)
            && have[want.len()..].starts_with('-'))
}

/// A language code lower-cased, trimmed, with hyphens.
fn norm_lang(code: &str) -> String {
    code.trim().to_ascii_lowercase().replace('_', "-")
}

/// Why a translation memory could not be read: the file, and where in it.
#[derive(Debug, thiserror::Error)]
pub enum TmError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The content is wrong at a position (1-based line; column in characters).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    /// The content is wrong, but not at one position (an alignment JSON whose beads do not
    /// fit together).
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl TmError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            TmError::Io { path, .. }
            | TmError::Parse { path, .. }
            | TmError::Invalid { path, .. } => path,
        }
    }

    /// Line and column, when the error has a position.
    pub fn position(&self) -> Option<(u64, u64)> {
        match self {
            TmError::Io { .. } | TmError::Invalid { .. } => None,
            TmError::Parse { line, column, .. } => Some((*line, *column)),
        }
    }

    fn parse(path: &Path, line: u64, column: u64, message: impl Into<String>) -> TmError {
        TmError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// A file format translation memories can be read from and written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TMX 1.1 to 1.4b (written as 1.4b).
    Tmx,
    /// `source<TAB>target` lines.
    Tsv,
    /// CSV with a `source,target` header.
    Csv,
    /// A JSON array of `{"source": .., "target": ..}`.
    Json,
}

impl Format {
    /// The format a file's extension names (`.tmx`, `.tsv`, `.csv`, `.json`, any case).
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension()?.to_str()?.parse().ok()
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Tmx => "tmx",
            Format::Tsv => "tsv",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tmx" => Ok(Format::Tmx),
            "tsv" => Ok(Format::Tsv),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!(
                "unknown translation memory format {s:?}: expected tmx, tsv, csv or json"
            )),
        }
    }
}

/// The units of a translation memory file, in file order, whatever its format.
pub struct Units {
    inner: Inner,
}

enum Inner {
    Tmx(Box<Reader>),
    Table(convert::TableReader),
}

impl Units {
    /// Units that were not read because they lack a side: a `<tu>` without two languages, an
    /// empty segment, an empty TSV/CSV/JSON cell.
    pub fn skipped(&self) -> usize {
        match &self.inner {
            Inner::Tmx(r) => r.skipped(),
            Inner::Table(t) => t.skipped(),
        }
    }
}

impl Iterator for Units {
    type Item = Result<Unit, TmError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Tmx(r) => r.next(),
            Inner::Table(t) => t.next(),
        }
    }
}

/// Opens a translation memory in the format its extension names; TMX for any other extension
/// (`.xml`, none).
pub fn open(path: &Path, opts: &ReadOptions) -> Result<Units, TmError> {
    let format = Format::from_path(path).unwrap_or(Format::Tmx);
    let inner = match format {
        Format::Tmx => Inner::Tmx(Box::new(Reader::open(path, opts)?)),
        _ => Inner::Table(convert::TableReader::open(path, format, opts)?),
    };
    Ok(Units { inner })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_match_by_prefix() {
        assert!(lang_matches("zh-CN", "zh"));
        assert!(lang_matches("ZH_tw", "zh-TW"));
        assert!(lang_matches("en", "EN"));
        assert!(!lang_matches("zh", "zh-CN"));
        assert!(!lang_matches("zhx", "zh"));
        assert!(!lang_matches("en-US", "zh"));
    }

    #[test]
    fn confidence_is_a_finite_number() {
        let mut u = Unit::new("甲", "A");
        assert_eq!(u.confidence(), None);
        u.props.push(("x-confidence".into(), " 0.85 ".into()));
        assert_eq!(u.confidence(), Some(0.85));
        u.props[0].1 = "NaN".into();
        assert_eq!(u.confidence(), None);
        u.props[0].1 = "high".into();
        assert_eq!(u.confidence(), None);
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(Format::from_path(Path::new("a.TSV")), Some(Format::Tsv));
        assert_eq!(Format::from_path(Path::new("a.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.xml")), None);
        assert_eq!("json".parse(), Ok(Format::Json));
        assert!("xliff".parse::<Format>().is_err());
    }
}
