//! The checks behind each fuzz target, shared with `tests/properties.rs`, which replays the
//! crashing inputs kept in `tests/data/regress/` (file names start with the target's name).
//! Each function takes the fuzzer's raw bytes and panics when an invariant breaks.
#![allow(dead_code)]

use amur::eval;
use amur_core::bead::Sentence;
use amur_core::glossary::{Glossary, Term};
use amur_core::pipeline::{self, Config};
use amur_core::segment::{self, Lang, ZhOptions};
use amur_core::text;
use amur_formats::document;
use amur_tm::export::{self, ExportOptions, Format, TmxUnits};
use amur_tm::glossary_formats::{self, GlossaryFormat};
use amur_tm::tm;

/// Runs the check of the named target.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "segment_zh" => segment_zh(data),
        "segment_en" => segment_en(data),
        "decode" => decode(data),
        "parse_align" => parse_align(data),
        "glossary_tsv" => glossary_tsv(data),
        "align_tiny" => align_tiny(data),
        "tmx_read" => tmx_read(data),
        "tbx_read" => tbx_read(data),
        _ => panic!("no fuzz target {target:?}"),
    }
}

/// Every sentence is non-empty and trimmed, and the sentences are the input in order with
/// only whitespace left out between them.
fn check_contract<'a>(input: &str, sentences: impl Iterator<Item = &'a str>) {
    let mut rest = input;
    for s in sentences {
        assert!(!s.is_empty() && s.trim() == s, "bad sentence {s:?}");
        rest = rest.trim_start();
        rest = rest
            .strip_prefix(s)
            .unwrap_or_else(|| panic!("{s:?} does not continue the input at {rest:?}"));
    }
    assert!(rest.trim().is_empty(), "input not covered: {rest:?} left");
}

fn non_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Segmentation of arbitrary text (first byte: options), alone and through
/// `document::sentences` (paragraphs, presegmented lines): never panics, loses, adds or
/// reorders a character.
fn segment(data: &[u8], lang: Lang) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let opts = ZhOptions {
        split_at_semicolon: flags & 1 != 0,
        split_at_ellipsis: flags & 2 != 0,
        split_after_quote: flags & 8 != 0,
    };
    let sentences = segment::sentences(&text, lang, &opts);
    check_contract(&text, sentences.iter().map(String::as_str));
    let doc = document::sentences(&text, lang, flags & 4 != 0, &opts);
    assert!(doc.iter().all(|s| !s.text.trim().is_empty()));
    let joined: String = doc.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(non_whitespace(&joined), non_whitespace(&text));
}

pub fn segment_zh(data: &[u8]) {
    segment(data, Lang::Zh);
}

pub fn segment_en(data: &[u8]) {
    segment(data, Lang::En);
}

const LABELS: &[&str] = &[
    "utf-8", "gbk", "gb18030", "big5", "utf-16le", "utf-16be", "latin1",
];

/// Decoding arbitrary bytes, detected or with a named encoding (first byte): never panics;
/// decoded text has no CR and no leading BOM; valid UTF-8 (no BOM, NUL or CR) decodes to
/// itself.
pub fn decode(data: &[u8]) {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let label = LABELS.get(which as usize % 16).copied();
    if let Ok(d) = text::decode_bytes(bytes, label) {
        assert!(!d.text.contains('\r'));
        assert!(!d.text.starts_with('\u{FEFF}'), "a leading BOM is dropped");
        assert!(!d.encoding.is_empty());
        let _ = d.note();
    }
    if label.is_none()
        && let Ok(s) = std::str::from_utf8(bytes)
        && !s.starts_with('\u{FEFF}')
        && !s.contains(['\0', '\r'])
        && let Ok(d) = text::decode_bytes(bytes, None)
    {
        assert_eq!(d.text, s);
        assert_eq!(d.encoding, "UTF-8");
    }
    if let Ok(s) = text::decode(bytes) {
        assert!(!s.contains('\r'));
    }
}

/// `eval::parse_align` on arbitrary text: never panics; what it parses scores against
/// itself; an error names a line of the input.
pub fn parse_align(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match eval::parse_align(&text) {
        Ok(beads) => {
            let s = eval::score(&[(beads.clone(), beads.clone())]);
            assert!(s.f1_strict.is_finite());
            for b in &beads {
                let _ = eval::bead_type(b);
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= text.lines().count().max(1)),
    }
}

/// `glossary_formats::parse_tsv` on arbitrary text: never panics; terms have both sides, trimmed; an
/// error names a line of the input.
pub fn glossary_tsv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match glossary_formats::parse_tsv(&text) {
        Ok(g) => {
            for t in &g.terms {
                assert!(!t.zh.is_empty() && !t.en.is_empty());
                assert_eq!(t.zh.trim(), t.zh);
            }
        }
        Err((line, _)) => assert!(line >= 1 && line <= text.lines().count()),
    }
}

/// The whole aligner on tiny inputs: up to 6 Chinese and 6 English sentences (lines; a line
/// starting with `|` starts a new paragraph; the first line holding `#` switches to English;
/// `=zh=en` lines are glossary terms). Never panics; the beads cover every sentence of both
/// sides once, in order; confidences are in [0, 1]; every export format writes.
pub fn align_tiny(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    let mut english = false;
    let mut paragraph = 0;
    let mut glossary = Glossary::default();
    for line in text.lines() {
        if !english && line.contains('#') {
            english = true;
            continue;
        }
        if let Some((z, e)) = line.strip_prefix('=').and_then(|l| l.split_once('=')) {
            glossary.terms.push(Term {
                zh: z.into(),
                en: e.into(),
                comment: String::new(),
            });
            continue;
        }
        let line = match line.strip_prefix('|') {
            Some(rest) => {
                paragraph += 1;
                rest
            }
            None => line,
        };
        let side = if english { &mut en } else { &mut zh };
        if side.len() < 6 {
            side.push(Sentence {
                text: line.to_string(),
                paragraph,
            });
        }
    }
    let (n, m) = (zh.len(), en.len());
    let config = Config {
        glossary,
        single_pass: data.first().is_some_and(|b| b & 1 == 1),
        ..Config::default()
    };
    let al = pipeline::align_sentences(zh, en, &config);
    let (mut i, mut j) = (0, 0);
    for b in &al.beads {
        assert!(
            b.zh.start == i && b.en.start == j,
            "gap or overlap: {:?}",
            al.beads
        );
        assert!(!(b.zh.is_empty() && b.en.is_empty()), "empty bead");
        assert!((0.0..=1.0).contains(&b.confidence), "{}", b.confidence);
        i = b.zh.end;
        j = b.en.end;
    }
    assert_eq!((i, j), (n, m), "not covered: {:?}", al.beads);
    for format in [Format::Tmx, Format::Tsv, Format::Json, Format::Align] {
        let opts = ExportOptions {
            units: TmxUnits::Sentence,
            ..ExportOptions::default()
        };
        export::write(&al, format, &opts, &mut std::io::sink()).unwrap();
    }
}

/// TMX reading of arbitrary bytes (UTF-8 or UTF-16, as the reader sniffs them), with inline
/// tags stripped and kept. Never a panic; units have non-blank text on both sides; a refusal is
/// one typed parse error naming the file, with a line within the input and a column, after
/// which the reader stops. Keeping tags changes texts only: the same error at the same place,
/// and every unit read with tags stripped is read with tags kept too (same line, languages and
/// props; kept markup can only make a blank side non-blank).
pub fn tmx_read(data: &[u8]) {
    // Decoded line breaks are never more than the bytes 0x0A of the input (UTF-8 or UTF-16).
    let max_line = 1 + data.iter().filter(|&&b| b == b'\n').count() as u64;
    let read = |keep_tags: bool| {
        let opts = tm::ReadOptions {
            keep_tags,
            ..tm::ReadOptions::default()
        };
        let reader = tm::Reader::from_bytes("fuzz.tmx", data.to_vec(), &opts)
            .expect("bytes in memory always open");
        let (mut units, mut error) = (Vec::new(), None);
        for item in reader {
            assert!(error.is_none(), "the reader went on after an error");
            match item {
                Ok(u) => {
                    assert!(
                        !u.source.trim().is_empty() && !u.target.trim().is_empty(),
                        "{u:?}"
                    );
                    assert!(
                        (1..=max_line).contains(&u.line),
                        "unit line {} of {max_line}",
                        u.line
                    );
                    units.push(u);
                }
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.starts_with("fuzz.tmx:"), "{message}");
                    let (line, column) = e.position().expect("a parse error has a position");
                    assert!((1..=max_line).contains(&line) && column >= 1, "{message}");
                    error = Some(message);
                }
            }
        }
        assert!(units.len() <= data.len(), "more units than bytes");
        (units, error)
    };
    let (stripped, error) = read(false);
    let (kept, kept_error) = read(true);
    assert_eq!(error, kept_error, "keeping tags changed the error");
    let key = |u: &tm::Unit| {
        (
            u.line,
            u.src_lang.clone(),
            u.tgt_lang.clone(),
            u.props.clone(),
        )
    };
    let mut rest = kept.iter().map(key);
    for u in &stripped {
        let k = key(u);
        assert!(
            rest.any(|r| r == k),
            "unit at line {} lost when tags are kept",
            u.line
        );
    }
}

/// TBX parsing of arbitrary text (lenient: terms and problems). Never a panic; every term has
/// non-blank Chinese and English sides and a line of the text; every problem a line of the
/// text (a line is 1 to the number of line breaks + 1: an unclosed document is reported at
/// its end, which is past the last line break).
pub fn tbx_read(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() + 1;
    let parsed = glossary_formats::parse(GlossaryFormat::Tbx, &text);
    assert_eq!(parsed.lines.len(), parsed.glossary.terms.len());
    for (t, &line) in parsed.glossary.terms.iter().zip(&parsed.lines) {
        assert!(!t.zh.trim().is_empty() && !t.en.trim().is_empty(), "{t:?}");
        assert!((1..=lines).contains(&line), "term line {line} of {lines}");
    }
    for p in &parsed.problems {
        assert!(
            (1..=lines).contains(&p.line),
            "problem line {} of {lines}: {}",
            p.line,
            p.message
        );
        assert!(p.column.is_none_or(|c| c >= 1), "{p}");
    }
}
