//! Property tests (proptest): the invariants every input must keep.
//! * An alignment covers every sentence of both sides exactly once, in order.
//! * A TMX written and read back (quick-xml) gives the same units, for any Unicode text.
//! * Segmentation never loses, duplicates or reorders a character (only whitespace goes).
//!
//! Case counts are modest so that `cargo test` stays fast; `PROPTEST_CASES=N` raises them.

use amur_core::bead::{Alignment, Bead, Sentence};
use amur_core::pipeline::{self, Config};
use amur_core::segment::{self, Lang, ZhOptions};
use amur_formats::document;
use amur_tm::export::{self, ExportOptions, Format, TmxUnits};
use proptest::prelude::*;
use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

/// Pieces that make segmentation interesting: stops, closers, quotes, abbreviations, numbers,
/// every kind of space and invisible mark.
const PIECES: &[&str] = &[
    "甲",
    "乙",
    "俄使",
    "照會",
    "外交部",
    "。",
    "！",
    "？",
    "?",
    "!",
    "；",
    ";",
    "…",
    "……",
    "「",
    "」",
    "『",
    "』",
    "“",
    "”",
    "‘",
    "’",
    "\"",
    "'",
    "(",
    ")",
    "（",
    "）",
    "《",
    "》",
    "，",
    "：",
    " ",
    "  ",
    "\u{3000}",
    "\u{a0}",
    "\u{2009}",
    "\t",
    "\n",
    "\r\n",
    "\u{200b}",
    "\u{feff}",
    "\u{200e}",
    "\u{200f}",
    "\u{202b}",
    "\u{202c}",
    "\u{2066}",
    "\u{301}",
    "a",
    "B",
    "the",
    "He",
    "Mr.",
    "U.S.",
    "N.V.",
    "p.",
    "No.",
    "e.g.",
    "etc.",
    ".",
    "..",
    "...",
    "3",
    "3.5",
    "1917",
    "é",
    "🙂",
    "Ω",
    "-",
    ",",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
];

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// `default` cases, or `PROPTEST_CASES` when set.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn non_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Each sentence is non-empty and trimmed, and the sentences are the input in order with only
/// whitespace left out between them.
fn assert_contract(input: &str, out: &[String]) -> Result<(), TestCaseError> {
    let mut rest = input;
    for s in out {
        prop_assert!(
            !s.is_empty() && s.trim() == s,
            "bad sentence {s:?} in {out:?}"
        );
        rest = rest.trim_start();
        match rest.strip_prefix(s.as_str()) {
            Some(r) => rest = r,
            None => {
                return Err(TestCaseError::fail(format!(
                    "{s:?} does not continue the input at {rest:?}: {out:?}"
                )));
            }
        }
    }
    prop_assert!(rest.trim().is_empty(), "{rest:?} left over: {out:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn zh_segmentation_keeps_every_character(
        text in text_strategy(), semi: bool, ell: bool, quote: bool
    ) {
        let opts = ZhOptions {
            split_at_semicolon: semi,
            split_at_ellipsis: ell,
            split_after_quote: quote,
        };
        assert_contract(&text, &segment::zh(&text, &opts))?;
    }

    #[test]
    fn en_segmentation_keeps_every_character(text in text_strategy()) {
        assert_contract(&text, &segment::en(&text))?;
    }

    #[test]
    fn documents_keep_every_character(text in text_strategy(), pre: bool) {
        for lang in [Lang::Zh, Lang::En] {
            let got: String = document::sentences(&text, lang, pre, &ZhOptions::default())
                .iter()
                .map(|s| s.text.as_str())
                .collect();
            prop_assert_eq!(non_whitespace(&got), non_whitespace(&text));
        }
    }
}

/// Short sentences from a small vocabulary (so that some words match across the sides),
/// with non-decreasing paragraph numbers.
fn sentences(words: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<Sentence>> {
    proptest::collection::vec(
        (
            proptest::collection::vec(proptest::sample::select(words), 0..6),
            0..2usize,
        ),
        0..max,
    )
    .prop_map(|v| {
        let mut paragraph = 0;
        v.into_iter()
            .map(|(w, new_para)| {
                paragraph += new_para;
                Sentence {
                    text: w.concat(),
                    paragraph,
                }
            })
            .collect()
    })
}

const ZH_WORDS: &[&str] = &[
    "俄國",
    "公使",
    "照會",
    "外交部",
    "伯力",
    "三十",
    "日",
    "。",
    "，",
    "？",
    "政府",
    "河",
];
const EN_WORDS: &[&str] = &[
    "The ",
    "Russian ",
    "Minister ",
    "note ",
    "Foreign ",
    "Khabarovsk ",
    "30 ",
    "days",
    ". ",
    "government ",
    "river",
    "? ",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn alignments_cover_both_sides_once_in_order(
        zh in sentences(ZH_WORDS, 9),
        en in sentences(EN_WORDS, 9),
        single_pass: bool,
    ) {
        let (n, m) = (zh.len(), en.len());
        let config = Config { single_pass, ..Config::default() };
        let al = pipeline::align_sentences(zh, en, &config);
        let (mut i, mut j) = (0, 0);
        for b in &al.beads {
            prop_assert_eq!((b.zh.start, b.en.start), (i, j), "gap or overlap: {:?}", al.beads);
            prop_assert!(!b.zh.is_empty() || !b.en.is_empty(), "empty bead");
            prop_assert!((0.0..=1.0).contains(&b.confidence), "confidence {}", b.confidence);
            i = b.zh.end;
            j = b.en.end;
        }
        prop_assert_eq!((i, j), (n, m), "not covered: {:?}", al.beads);
    }
}

/// What XML 1.0 allows in a document (Rust chars are never surrogates).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The `<seg>` texts of a TMX, per `<tu>`, read with quick-xml (references resolved).
fn read_tmx(xml: &str) -> Vec<Vec<String>> {
    let mut r = Reader::from_str(xml);
    let mut units: Vec<Vec<String>> = Vec::new();
    let mut text = String::new();
    loop {
        match r.read_event().expect("well-formed TMX") {
            Event::Start(e) if e.name().0 == "tu" => units.push(Vec::new()),
            Event::Start(_) => text.clear(),
            Event::Text(e) => text.push_str(&e.xml10_content()),
            Event::GeneralRef(e) => match e.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(resolve_predefined_entity(&e).unwrap()),
            },
            Event::End(e) if e.name().0 == "seg" => {
                units.last_mut().unwrap().push(std::mem::take(&mut text));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    units
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(128)))]

    #[test]
    fn tmx_round_trips_any_text(
        pairs in proptest::collection::vec((any::<String>(), text_strategy()), 0..6),
        en_source: bool,
    ) {
        let zh: Vec<Sentence> = pairs
            .iter()
            .map(|(z, _)| Sentence { text: z.clone(), paragraph: 0 })
            .collect();
        let en: Vec<Sentence> = pairs
            .iter()
            .map(|(_, e)| Sentence { text: e.clone(), paragraph: 0 })
            .collect();
        let beads = (0..pairs.len())
            .map(|k| Bead { zh: k..k + 1, en: k..k + 1, confidence: 0.5 })
            .collect();
        let al = Alignment { zh, en, beads };
        let opts = ExportOptions {
            en_source,
            units: TmxUnits::Bead,
            ..ExportOptions::default()
        };
        let mut out = Vec::new();
        export::write(&al, Format::Tmx, &opts, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        prop_assert!(xml.chars().all(is_xml_char), "forbidden character in {xml:?}");
        let clean = |s: &str| s.chars().filter(|&c| is_xml_char(c)).collect::<String>();
        let want: Vec<Vec<String>> = pairs
            .iter()
            .map(|(z, e)| (clean(z), clean(e)))
            .filter(|(z, e)| !z.trim().is_empty() && !e.trim().is_empty())
            .map(|(z, e)| if en_source { vec![e, z] } else { vec![z, e] })
            .collect();
        prop_assert_eq!(read_tmx(&xml), want);
    }
}

#[path = "../../../fuzz/fuzz_targets/checks.rs"]
mod checks;

/// Every input kept in `tests/data/regress/` (crashes found by fuzzing, named after their
/// target: `decode-double-bom.bin` replays through `checks::decode`) passes its check now.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/regress");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap();
        checks::run(target, &std::fs::read(&path).unwrap());
        replayed += 1;
    }
    assert!(replayed > 0, "no regression inputs in {}", dir.display());
}
