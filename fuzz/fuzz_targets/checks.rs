//! The checks behind each fuzz target, shared with `tests/properties.rs`, which replays the
//! crashing inputs kept in `tests/data/regress/` (file names start with the target's name).
//! Each function takes the fuzzer's raw bytes and panics when an invariant breaks.
#![allow(dead_code)]

use amur::bead::Sentence;
use amur::document;
use amur::eval;
use amur::export::{self, ExportOptions, Format, TmxUnits};
use amur::glossary::{Glossary, Term};
use amur::pipeline::{self, Config};
use amur::segment::{self, Lang, ZhOptions};
use amur::text;

/// Runs the check of the named target.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "segment_zh" => segment_zh(data),
        "segment_en" => segment_en(data),
        "decode" => decode(data),
        "parse_align" => parse_align(data),
        "glossary_tsv" => glossary_tsv(data),
        "align_tiny" => align_tiny(data),
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

/// `Glossary::parse_tsv` on arbitrary text: never panics; terms have both sides, trimmed; an
/// error names a line of the input.
pub fn glossary_tsv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match Glossary::parse_tsv(&text) {
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
