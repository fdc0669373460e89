//! `amur tm convert`: translation memories between TMX and the tabular formats scripts and
//! spreadsheets use.
//!
//! * TSV: `source<TAB>target` lines, no header (a first line `source<TAB>target` or
//!   `zh<TAB>en`, as `amur align` writes, is skipped when read). A TSV cell cannot hold a tab
//!   or a line break: they are written as spaces, and counted ([`Written::flattened`]).
//! * CSV: a `source,target` header, quoted as RFC 4180 wants (the `csv` crate), so any text
//!   survives. Read by the header's column names, in any order, any other columns ignored.
//! * JSON: an array of `{"source": .., "target": ..}` objects, one per line. Read also: amur's
//!   alignment JSON (an object with `beads`, as `amur align -o x.json` and the review page's
//!   Save write it), one unit per bead with both sides, as `amur align -o x.tmx` gives them.
//!
//! Tables are read as UTF-8 (a BOM is dropped) or UTF-16 with a BOM, as Excel's "Unicode text"
//! is. TMX is read by [`Reader`](super::Reader) and written by the crate's TMX writer.
//! Everything streams, but for reading JSON, which is parsed whole.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::decode::{Input, TextReader};
use super::{Format, ReadOptions, TmError, Unit};
use crate::export::{self, ExportError, ExportOptions};

/// A TSV, CSV or JSON translation memory, read as an iterator of units ([`super::open`] gives
/// one for these extensions).
pub(crate) struct TableReader {
    rows: Rows,
    path: PathBuf,
    src_lang: String,
    tgt_lang: String,
    skipped: usize,
    done: bool,
}

enum Rows {
    Tsv {
        lines: io::Lines<TextReader>,
        line: u64,
    },
    Csv {
        csv: Box<csv::Reader<TextReader>>,
        source: usize,
        target: usize,
    },
    Json(std::vec::IntoIter<Pair>),
    /// The units of an alignment JSON, labelled and with their properties.
    Alignment(std::vec::IntoIter<Unit>),
}

/// One unit as TSV/CSV/JSON rows hold it.
#[derive(Debug, Serialize, Deserialize)]
struct Pair {
    source: String,
    target: String,
}

impl TableReader {
    /// Opens a TSV, CSV or JSON file, as `format` says (TMX is for [`super::Reader`]; given
    /// here, the file is read as TSV). Units are labelled with the languages of `opts`, or none.
    pub(crate) fn open(
        path: &Path,
        format: Format,
        opts: &ReadOptions,
    ) -> Result<TableReader, TmError> {
        let io_err = |source| TmError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = TextReader::open(&Input::File(path.to_path_buf())).map_err(io_err)?;
        let rows = match format {
            Format::Tsv | Format::Tmx => Rows::Tsv {
                lines: file.lines(),
                line: 0,
            },
            Format::Csv => csv_rows(path, file)?,
            Format::Json => {
                let mut file = file;
                let mut text = String::new();
                file.read_to_string(&mut text).map_err(io_err)?;
                if text.trim_start().starts_with('{') {
                    Rows::Alignment(alignment_units(path, &text, opts)?.into_iter())
                } else {
                    let pairs: Vec<Pair> = serde_json::from_str(&text).map_err(|e| {
                        let column = e.column() as u64;
                        TmError::parse(path, e.line() as u64, column, json_message(&e))
                    })?;
                    Rows::Json(pairs.into_iter())
                }
            }
        };
        Ok(TableReader {
            rows,
            path: path.to_path_buf(),
            src_lang: opts.src_lang.clone().unwrap_or_default(),
            tgt_lang: opts.tgt_lang.clone().unwrap_or_default(),
            skipped: 0,
            done: false,
        })
    }

    /// Rows skipped because a side is blank, and TSV lines without a tab.
    pub(crate) fn skipped(&self) -> usize {
        self.skipped
    }

    /// The next row with both sides, as (source, target, line); `None` at the end.
    fn next_pair(&mut self) -> Result<Option<(String, String, u64)>, TmError> {
        loop {
            let row = match &mut self.rows {
                Rows::Tsv { lines, line } => match lines.next() {
                    None => return Ok(None),
                    Some(Err(e)) => {
                        return Err(TmError::parse(&self.path, *line + 1, 1, e.to_string()));
                    }
                    Some(Ok(text)) => {
                        *line += 1;
                        tsv_row(&text, *line).map(|(s, t)| (s, t, *line))
                    }
                },
                Rows::Csv {
                    csv,
                    source,
                    target,
                } => {
                    let mut record = csv::StringRecord::new();
                    let more = csv
                        .read_record(&mut record)
                        .map_err(|e| csv_error(&self.path, &e))?;
                    if !more {
                        return Ok(None);
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    let cell = |i: usize| record.get(i).unwrap_or("").to_string();
                    Some((cell(*source), cell(*target), line))
                }
                Rows::Json(pairs) => match pairs.next() {
                    None => return Ok(None),
                    Some(p) => Some((p.source, p.target, 0)),
                },
                // Read whole units in `next`.
                Rows::Alignment(_) => return Ok(None),
            };
            match row {
                Some((s, t, line)) if !s.trim().is_empty() && !t.trim().is_empty() => {
                    return Ok(Some((s, t, line)));
                }
                Some(_) => self.skipped += 1,
                None => {} // a header line
            }
        }
    }
}

impl Iterator for TableReader {
    type Item = Result<Unit, TmError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if let Rows::Alignment(units) = &mut self.rows {
            return units.next().map(Ok);
        }
        let next = self.next_pair();
        self.done = !matches!(next, Ok(Some(_)));
        next.transpose().map(|r| {
            r.map(|(source, target, line)| Unit {
                source,
                target,
                src_lang: self.src_lang.clone(),
                tgt_lang: self.tgt_lang.clone(),
                props: Vec::new(),
                line,
            })
        })
    }
}

/// The units of an amur alignment JSON, one per bead with both sides, as `amur align -o x.tmx`
/// writes them (one unit per bead): the Chinese as source, the English as target, the bead's
/// confidence (`x-confidence`), kind (`x-bead`) and first Chinese paragraph
/// (`x-source-paragraph`), the JSON's document name (`x-document`) when it has one. A bead
/// checked on the review page has confidence 1 and `x-checked` = `yes`, as in the page's TMX. Labelled with the languages of `opts`, else zh-CN (zh-TW for traditional
/// Chinese) and en-US.
fn alignment_units(path: &Path, text: &str, opts: &ReadOptions) -> Result<Vec<Unit>, TmError> {
    let review = crate::review::read_json(text).map_err(|e| match e {
        crate::review::ReadError::Json(e) => TmError::parse(
            path,
            e.line() as u64,
            e.column() as u64,
            format!("not an amur alignment JSON: {}", json_message(&e)),
        ),
        e => TmError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    })?;
    let al = &review.alignment;
    let src_lang = opts
        .src_lang
        .clone()
        .unwrap_or_else(|| amur_core::report::zh_lang_code(al).into());
    let tgt_lang = opts.tgt_lang.clone().unwrap_or_else(|| "en-US".into());
    let units = al
        .beads
        .iter()
        .zip(review.checked.iter().chain(std::iter::repeat(&false)))
        .filter(|(b, _)| !b.zh.is_empty() && !b.en.is_empty())
        .map(|(b, &checked)| {
            // As the review page's TMX has them: a checked bead is certain.
            let confidence = if checked { 1.0 } else { b.confidence };
            let mut props = vec![
                (
                    super::CONFIDENCE.to_string(),
                    export::fmt_confidence(confidence),
                ),
                ("x-bead".to_string(), b.kind()),
            ];
            if let Some(first) = al.zh.get(b.zh.start) {
                let paragraph = (first.paragraph + 1).to_string();
                props.push(("x-source-paragraph".to_string(), paragraph));
            }
            if let Some(doc) = &review.document {
                props.push(("x-document".to_string(), doc.clone()));
            }
            if checked {
                props.push(("x-checked".to_string(), "yes".to_string()));
            }
            Unit {
                source: al.zh_text(b),
                target: al.en_text(b),
                src_lang: src_lang.clone(),
                tgt_lang: tgt_lang.clone(),
                props,
                line: 0,
            }
        })
        .filter(|u| !u.source.trim().is_empty() && !u.target.trim().is_empty())
        .collect();
    Ok(units)
}

/// A TSV line as (source, target); `None` for a header line. A line without a tab, or with a
/// blank side, gives an empty pair (skipped by the caller). Columns after the second are
/// ignored.
fn tsv_row(text: &str, line: u64) -> Option<(String, String)> {
    let text = text.strip_suffix('\r').unwrap_or(text);
    let mut cols = text.split('\t');
    let source = cols.next().unwrap_or("");
    let target = cols.next().unwrap_or("");
    let header = line == 1
        && matches!(
            (
                source.to_ascii_lowercase().as_str(),
                target.to_ascii_lowercase().as_str()
            ),
            ("source", "target") | ("zh", "en")
        );
    (!header).then(|| (source.to_string(), target.to_string()))
}

/// CSV rows, after finding the `source` and `target` columns in the header.
fn csv_rows(path: &Path, file: TextReader) -> Result<Rows, TmError> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = csv.headers().map_err(|e| csv_error(path, &e))?;
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    match (column("source"), column("target")) {
        (Some(source), Some(target)) => Ok(Rows::Csv {
            csv: Box::new(csv),
            source,
            target,
        }),
        _ => Err(TmError::parse(
            path,
            1,
            1,
            "a CSV translation memory needs a header line naming its source and target columns, \
             e.g. source,target",
        )),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> TmError {
    let line = e.position().map_or(0, |p| p.line());
    TmError::parse(path, line, 1, e.to_string())
}

/// serde_json's message without its own " at line L column C" (the error says where).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("JSON: {}", &text[..i]),
        None => format!("JSON: {text}"),
    }
}

/// What writing did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Units written.
    pub units: usize,
    /// TSV only: units with a tab or line break written as a space.
    pub flattened: usize,
}

/// Why writing a translation memory failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Reading the input failed (the output was not written).
    #[error(transparent)]
    Read(#[from] TmError),
    /// Writing the output file failed (it was not created or changed).
    #[error(transparent)]
    Export(#[from] ExportError),
    /// Writing to a stream failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Writes `units` in `format` to `path` atomically: on any error, reading or writing, `path` is
/// left as it was. `opts` gives the TMX header and the languages of units without any.
pub fn write_file(
    path: &Path,
    format: Format,
    units: impl IntoIterator<Item = Result<Unit, TmError>>,
    opts: &ExportOptions,
) -> Result<Written, WriteError> {
    let mut written = Written::default();
    let mut read_error = None;
    export::write_file(path, |w| match write(w, format, units, opts) {
        Ok(done) => {
            written = done;
            Ok(())
        }
        Err(WriteError::Read(e)) => {
            read_error = Some(e);
            Err(io::Error::other("reading the input failed"))
        }
        Err(WriteError::Io(e)) => Err(e),
        Err(e) => Err(io::Error::other(e)),
    })
    .map_err(|e| match read_error.take() {
        Some(read) => WriteError::Read(read),
        None => e.into(),
    })?;
    Ok(written)
}

/// Writes `units` in `format` to `out`, up to the first read error, which is returned.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    units: impl IntoIterator<Item = Result<Unit, TmError>>,
    opts: &ExportOptions,
) -> Result<Written, WriteError> {
    let mut failed = None;
    let units = units
        .into_iter()
        .map_while(|r| r.map_err(|e| failed = Some(e)).ok());
    let written = match format {
        Format::Tmx => Written {
            units: opts.write_tmx_units(units, &mut *out)?,
            flattened: 0,
        },
        Format::Tsv => write_tsv(units, &mut *out)?,
        Format::Csv => write_csv(units, &mut *out)?,
        Format::Json => write_json(units, &mut *out)?,
    };
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(written),
    }
}

/// `source<TAB>target` lines.
fn write_tsv(units: impl Iterator<Item = Unit>, out: &mut dyn Write) -> io::Result<Written> {
    let mut w = Written::default();
    for u in units {
        let (source, target) = (cell(&u.source), cell(&u.target));
        if source != u.source || target != u.target {
            w.flattened += 1;
        }
        writeln!(out, "{source}\t{target}")?;
        w.units += 1;
    }
    Ok(w)
}

/// `text` with tabs and line breaks (any a spreadsheet or `str.lines` honours) as spaces.
fn cell(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t'
            | '\n'
            | '\u{B}'
            | '\u{C}'
            | '\r'
            | '\u{1C}'..='\u{1E}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}' => ' ',
            c => c,
        })
        .collect()
}

/// A `source,target` header, then one quoted-as-needed record per unit.
fn write_csv(units: impl Iterator<Item = Unit>, out: &mut dyn Write) -> io::Result<Written> {
    let mut w = Written::default();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["source", "target"])?;
    for u in units {
        csv.write_record([&u.source, &u.target])?;
        w.units += 1;
    }
    csv.flush()?;
    Ok(w)
}

/// A JSON array, one `{"source", "target"}` object per line.
fn write_json(units: impl Iterator<Item = Unit>, out: &mut dyn Write) -> io::Result<Written> {
    let mut w = Written::default();
    out.write_all(b"[")?;
    for u in units {
        let pair = Pair {
            source: u.source,
            target: u.target,
        };
        out.write_all(if w.units == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, &pair)?;
        w.units += 1;
    }
    out.write_all(if w.units == 0 { b"]\n" } else { b"\n]\n" })?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Vec<Unit> {
        vec![
            Unit::new("交涉,\"已\"\n結果", "Talks, \"done\"\r\nyes"),
            Unit::new("甲\t乙", "A & <B>"),
            Unit::new("𠀀😀", "'x'"),
        ]
    }

    fn written(format: Format, units: Vec<Unit>) -> (String, Written) {
        let mut out = Vec::new();
        let w = write(
            &mut out,
            format,
            units.into_iter().map(Ok),
            &ExportOptions::default(),
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), w)
    }

    fn read_back(format: Format, text: &str) -> Vec<Unit> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("t.{format}"));
        std::fs::write(&path, text).unwrap();
        let opts = ReadOptions::default();
        TableReader::open(&path, format, &opts)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn pairs(units: &[Unit]) -> Vec<(&str, &str)> {
        units
            .iter()
            .map(|u| (u.source.as_str(), u.target.as_str()))
            .collect()
    }

    #[test]
    fn csv_and_json_round_trip_any_text() {
        for format in [Format::Csv, Format::Json] {
            let (text, w) = written(format, units());
            assert_eq!(w.units, 3);
            assert_eq!(
                pairs(&read_back(format, &text)),
                pairs(&units()),
                "{format}"
            );
        }
        let (csv, _) = written(Format::Csv, units());
        assert!(
            csv.starts_with("source,target\n\"交涉,\"\"已\"\"\n結果\""),
            "{csv}"
        );
        assert_eq!(written(Format::Json, vec![]).0, "[]\n");
        assert!(
            written(Format::Json, units())
                .0
                .starts_with("[\n  {\"source\":")
        );
    }

    #[test]
    fn alignment_json_is_read_one_unit_per_bead_with_both_sides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.reviewed.json");
        // As the review page saves it: sentences per side, checked flags, a document name.
        std::fs::write(
            &path,
            r#"{"zh_sentences": 4, "en_sentences": 3, "document": "doc.txt", "beads": [
              {"zh_ids": [0, 1], "en_ids": [0], "zh": "甲。乙。", "en": "A and B.",
               "zh_texts": ["甲。", "乙。"], "zh_paragraphs": [1, 1], "confidence": 0.875,
               "checked": true},
              {"zh_ids": [2], "en_ids": [], "zh": "丙。", "en": "", "confidence": 0.5},
              {"zh_ids": [], "en_ids": [1], "zh": "", "en": "D.", "confidence": 0.5},
              {"zh_ids": [3], "en_ids": [2], "zh": "丁。", "en": "E.", "confidence": 0.625,
               "zh_texts": ["丁。"], "zh_paragraphs": [2]}
            ]}"#,
        )
        .unwrap();
        let read = |opts: &ReadOptions| -> Vec<Unit> {
            TableReader::open(&path, Format::Json, opts)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let units = read(&ReadOptions::default());
        assert_eq!(pairs(&units), [("甲。乙。", "A and B."), ("丁。", "E.")]);
        assert_eq!(units[1].prop("x-confidence"), Some("0.625"));
        assert_eq!(units[1].prop("x-checked"), None);
        assert_eq!(units[1].prop("x-source-paragraph"), Some("2"));
        let u = &units[0];
        assert_eq!(
            (u.src_lang.as_str(), u.tgt_lang.as_str()),
            ("zh-CN", "en-US")
        );
        assert_eq!(u.prop("x-confidence"), Some("1.00"), "checked");
        assert_eq!(u.prop("x-checked"), Some("yes"));
        assert_eq!(u.prop("x-bead"), Some("2-1"));
        assert_eq!(u.prop("x-document"), Some("doc.txt"));
        assert_eq!(u.prop("x-source-paragraph"), Some("1"));
        let opts = ReadOptions {
            src_lang: Some("zh-HK".into()),
            ..ReadOptions::default()
        };
        assert_eq!(read(&opts)[0].src_lang, "zh-HK");

        // Beads that do not fit together: an error naming the file.
        std::fs::write(
            &path,
            r#"{"zh_sentences": 2, "en_sentences": 1, "beads": [
              {"zh_ids": [1], "en_ids": [0], "zh": "甲。", "en": "A."}]}"#,
        )
        .unwrap();
        let e = TableReader::open(&path, Format::Json, &ReadOptions::default())
            .err()
            .unwrap();
        assert!(matches!(e, TmError::Invalid { .. }), "{e}");
        assert!(e.to_string().contains("x.reviewed.json"), "{e}");
        // An object that is no alignment at all.
        std::fs::write(&path, r#"{"source": "甲", "target": "A"}"#).unwrap();
        let e = TableReader::open(&path, Format::Json, &ReadOptions::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("not an amur alignment JSON"), "{e}");
    }

    #[test]
    fn tsv_flattens_tabs_and_line_breaks() {
        let (text, w) = written(Format::Tsv, units());
        assert_eq!(
            w,
            Written {
                units: 3,
                flattened: 2
            }
        );
        assert_eq!(text.lines().count(), 3);
        let back = read_back(Format::Tsv, &text);
        assert_eq!(back[0].source, "交涉,\"已\" 結果");
        assert_eq!(back[0].target, "Talks, \"done\"  yes");
        assert_eq!(back[1].source, "甲 乙");
        assert_eq!(back[2].line, 3);
    }

    #[test]
    fn tsv_reading_skips_headers_and_blank_sides() {
        let text = "\u{FEFF}zh\ten\tconfidence\n甲\tA\t0.9\r\nno tab\n\t\n乙\tB\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.tsv");
        std::fs::write(&path, text).unwrap();
        let mut r = TableReader::open(&path, Format::Tsv, &ReadOptions::default()).unwrap();
        let units: Vec<Unit> = r.by_ref().map(Result::unwrap).collect();
        assert_eq!(pairs(&units), [("甲", "A"), ("乙", "B")]);
        assert_eq!((units[0].line, units[1].line), (2, 5));
        assert_eq!(r.skipped(), 2);
    }

    #[test]
    fn utf16_tables_as_excel_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.tsv");
        let mut bytes = vec![0xFF, 0xFE];
        for u in "source\ttarget\r\n甲😀\tA\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        std::fs::write(&path, bytes).unwrap();
        let units: Vec<Unit> = TableReader::open(&path, Format::Tsv, &ReadOptions::default())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(pairs(&units), [("甲😀", "A")]);
    }

    #[test]
    fn csv_columns_by_name_and_errors() {
        let back = read_back(Format::Csv, "\u{FEFF}id,target,source\n1,A,甲\n2,B\n");
        assert_eq!(pairs(&back), [("甲", "A")]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "zh,en\n甲,A\n").unwrap();
        let e = TableReader::open(&path, Format::Csv, &ReadOptions::default())
            .err()
            .unwrap();
        assert!(e.to_string().contains("t.csv:1:1: a CSV"), "{e}");
    }

    #[test]
    fn json_errors_have_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, "[\n {\"source\": \"甲\", \"target\": 1}\n]").unwrap();
        let e = TableReader::open(&path, Format::Json, &ReadOptions::default())
            .err()
            .unwrap();
        assert_eq!(e.position().map(|p| p.0), Some(2), "{e}");
        assert!(e.to_string().contains("JSON: invalid type"), "{e}");
    }

    #[test]
    fn labels_units_with_the_given_languages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.tsv");
        std::fs::write(&path, "甲\tA\n").unwrap();
        let opts = ReadOptions {
            src_lang: Some("zh-TW".into()),
            tgt_lang: Some("en-GB".into()),
            ..ReadOptions::default()
        };
        let u = TableReader::open(&path, Format::Tsv, &opts)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(
            (u.src_lang.as_str(), u.tgt_lang.as_str()),
            ("zh-TW", "en-GB")
        );
    }

    #[test]
    fn a_read_error_leaves_no_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.tsv");
        let bad = TmError::parse(Path::new("in.tmx"), 3, 4, "broken");
        let units = vec![Ok(Unit::new("甲", "A")), Err(bad)];
        let e = write_file(&out, Format::Tsv, units, &ExportOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "in.tmx:3:4: broken");
        assert!(!out.exists());
        let units = vec![Ok(Unit::new("甲", "A"))];
        let w = write_file(&out, Format::Tsv, units, &ExportOptions::default()).unwrap();
        assert_eq!(w.units, 1);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "甲\tA\n");
    }
}
