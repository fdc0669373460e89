//! Aligned units: the bead pairs that term extraction and glossary linting read, whatever they
//! came from — an [`Alignment`] made in this process, or the JSON that `amur align -o x.json`
//! writes. Each unit keeps a reference (`document#bead`) so that users can find it again.
//!
//! TMX input is not read here yet (see the TODO in `cli/glossary.rs`).

use crate::bead::Alignment;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One aligned pair of texts with both sides non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The document's name, e.g. `telegrams-1917`.
    pub doc: String,
    /// The bead number in its document (the `id` of the JSON output).
    pub id: usize,
    pub zh: String,
    pub en: String,
}

impl Unit {
    /// `document#bead`, the reference users see.
    pub fn reference(&self) -> String {
        format!("{}#{}", self.doc, self.id)
    }
}

/// Why aligned input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: line {line}, column {column}: not an amur alignment JSON: {message}")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// The units of an alignment: beads with both sides non-empty, numbered as in the exports.
pub fn from_alignment(doc: &str, al: &Alignment) -> Vec<Unit> {
    al.beads
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.zh.is_empty() && !b.en.is_empty())
        .filter(|(_, b)| b.zh.end <= al.zh.len() && b.en.end <= al.en.len())
        .map(|(id, b)| Unit {
            doc: doc.to_string(),
            id,
            zh: al.zh_text(b),
            en: al.en_text(b),
        })
        .collect()
}

/// The part of `amur align`'s JSON output that units need.
#[derive(Deserialize)]
struct JsonDoc {
    beads: Vec<JsonBead>,
}

#[derive(Deserialize)]
struct JsonBead {
    id: usize,
    zh: String,
    en: String,
}

/// Parses the JSON that `amur align -o x.json` writes; beads with an empty side are skipped.
pub fn parse_json(doc: &str, text: &str) -> Result<Vec<Unit>, serde_json::Error> {
    let parsed: JsonDoc = serde_json::from_str(text)?;
    Ok(parsed
        .beads
        .into_iter()
        .filter(|b| !b.zh.trim().is_empty() && !b.en.trim().is_empty())
        .map(|b| Unit {
            doc: doc.to_string(),
            id: b.id,
            zh: b.zh,
            en: b.en,
        })
        .collect())
}

/// Reads a JSON alignment file; its units are named after the file (`x.json` → `x`).
pub fn read_json(path: &Path) -> Result<Vec<Unit>, UnitsError> {
    let bytes = std::fs::read(path).map_err(|source| UnitsError::Io {
        path: path.into(),
        source,
    })?;
    let json_err = |line, column, message| UnitsError::Json {
        path: path.into(),
        line,
        column,
        message,
    };
    let text =
        crate::text::decode(&bytes).map_err(|_| json_err(0, 0, "not valid UTF-8".to_string()))?;
    parse_json(&doc_name(path, None), &text)
        .map_err(|e| json_err(e.line(), e.column(), e.to_string()))
}

/// A short document name for references: the file stem (`001.txt` → `001`), or, when the two
/// sides of a pair have different stems (`zh.txt`, `en.txt`), the directory holding them.
pub fn doc_name(path: &Path, other: Option<&Path>) -> String {
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let own = stem(path);
    let differs = other.is_some_and(|o| stem(o) != own);
    if differs
        && let Some(dir) = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
    {
        return dir;
    }
    own
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

    #[test]
    fn alignment_units_skip_empty_sides_and_keep_bead_numbers() {
        let al = Alignment {
            zh: vec![s("甲。"), s("乙。")],
            en: vec![s("A."), s("B."), s("C.")],
            beads: vec![
                Bead {
                    zh: 0..1,
                    en: 0..1,
                    confidence: 1.0,
                },
                Bead {
                    zh: 1..1,
                    en: 1..2,
                    confidence: 1.0,
                },
                Bead {
                    zh: 1..2,
                    en: 2..3,
                    confidence: 1.0,
                },
            ],
        };
        let units = from_alignment("doc", &al);
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].reference(), "doc#2");
        assert_eq!(units[1].zh, "乙。");
    }

    #[test]
    fn json_units() {
        let text = r#"{"zh_sentences":1,"en_sentences":2,"beads":[
            {"id":0,"zh_ids":[0],"en_ids":[0],"zh":"伯力。","en":"Khabarovsk.","confidence":0.9,"type":"1-1"},
            {"id":1,"zh_ids":[],"en_ids":[1],"zh":"","en":"Added.","confidence":0.0,"type":"0-1"}]}"#;
        let units = parse_json("x", text).unwrap();
        assert_eq!(
            units,
            vec![Unit {
                doc: "x".into(),
                id: 0,
                zh: "伯力。".into(),
                en: "Khabarovsk.".into()
            }]
        );
        assert!(parse_json("x", "{\"beads\": 3}").is_err());
    }

    #[test]
    fn pair_names_fall_back_to_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("telegrams-1917");
        std::fs::create_dir(&sub).unwrap();
        let (zh, en) = (sub.join("zh.txt"), sub.join("en.txt"));
        std::fs::write(&zh, "x").unwrap();
        std::fs::write(&en, "x").unwrap();
        assert_eq!(doc_name(&zh, Some(&en)), "telegrams-1917");
        assert_eq!(
            doc_name(Path::new("zh/001.txt"), Some(Path::new("en/001.txt"))),
            "001"
        );
        assert_eq!(doc_name(Path::new("out/x.json"), None), "x");
    }
}
