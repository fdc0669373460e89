//! Aligned units: the bead pairs that term extraction and glossary linting read, whatever they
//! came from — an [`Alignment`] made in this process, the JSON that `amur align -o x.json`
//! writes, or a TMX file (any tool's, read in a stream by [`amur_tm::tm::Reader`]). Each unit
//! keeps a reference so that users can find it again: `document#bead` for beads,
//! `file.tmx:line` for TMX units.

use amur_core::bead::Alignment;
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
    /// Where the unit was read from when it is not a bead of `doc`: `file.tmx:line`, the line
    /// where its `<tu>` starts.
    pub at: Option<String>,
}

impl Unit {
    /// The reference users see: `document#bead`, or `file.tmx:line` for a TMX unit.
    pub fn reference(&self) -> String {
        match &self.at {
            Some(at) => at.clone(),
            None => format!("{}#{}", self.doc, self.id),
        }
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
    /// A TMX file that cannot be read (the file, line and column are in the message).
    #[error(transparent)]
    Tmx(#[from] amur_tm::tm::TmError),
    /// A TMX file none of whose units has a Chinese side.
    #[error(
        "{path}: no translation unit has a Chinese side (a <tuv> with xml:lang zh, zh-CN, zh-TW …); \
         {skipped} units skipped"
    )]
    NoChinese { path: PathBuf, skipped: usize },
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
            at: None,
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
            at: None,
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
    let text = amur_core::text::decode(&bytes)
        .map_err(|_| json_err(0, 0, "not valid UTF-8".to_string()))?;
    parse_json(&doc_name(path, None), &text)
        .map_err(|e| json_err(e.line(), e.column(), e.to_string()))
}

/// Reads the units of a TMX file (1.1 to 1.4b, UTF-8 or UTF-16) in a stream: in each `<tu>`,
/// the Chinese `<tuv>` (language `zh` or `zh-…`) and the first `<tuv>` in another language,
/// whichever of them is the TMX source, so that English → Chinese memories read as well;
/// inline tags are stripped. Units without a Chinese side or with an empty side are skipped;
/// a file where that leaves nothing is an error.
///
/// Each unit's document is its `x-document` property (as `amur align` and `amur batch`
/// write it), else the file's stem; its number is its position in the file (0-based) and its
/// reference `file.tmx:line`.
pub fn read_tmx(path: &Path) -> Result<Vec<Unit>, UnitsError> {
    let opts = amur_tm::tm::ReadOptions {
        src_lang: Some("zh".to_string()),
        ..amur_tm::tm::ReadOptions::default()
    };
    let mut reader = amur_tm::tm::Reader::open(path, &opts)?;
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let stem = doc_name(path, None);
    let mut units = Vec::new();
    for unit in reader.by_ref() {
        let unit = unit?;
        if unit.source.trim().is_empty() || unit.target.trim().is_empty() {
            continue;
        }
        units.push(Unit {
            doc: unit.prop("x-document").unwrap_or(&stem).to_string(),
            id: units.len(),
            at: Some(format!("{file}:{}", unit.line)),
            zh: unit.source,
            en: unit.target,
        });
    }
    if units.is_empty() && reader.skipped() > 0 {
        return Err(UnitsError::NoChinese {
            path: path.into(),
            skipped: reader.skipped(),
        });
    }
    Ok(units)
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
    use amur_core::bead::{Bead, Sentence};

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
                en: "Khabarovsk.".into(),
                at: None,
            }]
        );
        assert!(parse_json("x", "{\"beads\": 3}").is_err());
    }

    #[test]
    fn tmx_units_take_the_chinese_side_whichever_is_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.tmx");
        std::fs::write(
            &path,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en-US" segtype="sentence" datatype="plaintext"
 adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/>
<body>
<tu><tuv xml:lang="en-US"><seg>A telegram from Khabarovsk.</seg></tuv>
<tuv xml:lang="zh-TW"><seg>伯力<ph>&lt;b/&gt;</ph>來電。</seg></tuv></tu>
<tu><prop type="x-document">minutes</prop>
<tuv xml:lang="zh-CN"><seg>照会。</seg></tuv><tuv xml:lang="en-GB"><seg>A note.</seg></tuv></tu>
<tu><tuv xml:lang="en-US"><seg>English only.</seg></tuv><tuv xml:lang="fr"><seg>Anglais.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg> </seg></tuv><tuv xml:lang="en-US"><seg>Blank Chinese.</seg></tuv></tu>
</body></tmx>
"#,
        )
        .unwrap();
        let units = read_tmx(&path).unwrap();
        assert_eq!(units.len(), 2, "{units:?}");
        assert_eq!(units[0].zh, "伯力來電。");
        assert_eq!(units[0].en, "A telegram from Khabarovsk.");
        assert_eq!(units[0].doc, "memo");
        assert_eq!(units[0].reference(), "memo.tmx:5");
        assert_eq!((units[1].doc.as_str(), units[1].id), ("minutes", 1));
        assert_eq!(units[1].reference(), "memo.tmx:7");

        let english = dir.path().join("english.tmx");
        std::fs::write(
            &english,
            r#"<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>One.</seg></tuv><tuv xml:lang="fr"><seg>Un.</seg></tuv></tu>
</body></tmx>"#,
        )
        .unwrap();
        let err = read_tmx(&english).unwrap_err().to_string();
        assert!(
            err.contains("english.tmx: no translation unit has a Chinese side"),
            "{err}"
        );

        let broken = dir.path().join("broken.tmx");
        std::fs::write(&broken, "<tmx version=\"1.4\"><body>\n<tu><tuv>").unwrap();
        let err = read_tmx(&broken).unwrap_err().to_string();
        assert!(err.contains("broken.tmx:"), "{err}");
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
