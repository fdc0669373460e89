//! Translation memories: read TMX as a stream of [`Unit`]s.
//!
//! [`Reader`] streams a TMX file of any size in bounded memory: one `<tu>` at a time, from
//! TMX 1.1 (`lang`) to 1.4b (`xml:lang`), UTF-8 or UTF-16 (Trados), with inline tags stripped
//! (for matching) or kept as markup. It never expands entities declared in a DOCTYPE and never
//! fetches a DTD.

mod decode;
mod read;

use std::io;
use std::path::{Path, PathBuf};

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
}

impl TmError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            TmError::Io { path, .. } | TmError::Parse { path, .. } => path,
        }
    }

    /// Line and column, when the error has a position.
    pub fn position(&self) -> Option<(u64, u64)> {
        match self {
            TmError::Io { .. } => None,
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
}
