//! TMX 1.4b output: a translation memory that OmegaT, Trados, memoQ and translate-toolkit
//! import.
//!
//! The document is valid by the TMX 1.4 DTD: header with every required attribute, one `<tu>`
//! per unit with its `<prop>`s before the `<tuv>`s, the source `<tuv>` first with the
//! `xml:lang` the header's `srclang` names. `<seg>` holds exactly the sentence text: escaped by
//! quick-xml, never indented, with the characters XML 1.0 forbids dropped.
//!
//! Beads with an empty side (0-1, 1-0), or a side that is empty once forbidden characters are
//! dropped, are not written: a TM unit needs both languages.
//!
//! What a unit holds, one bead or single sentences where they can be paired, is chosen by
//! [`TmxUnits`]; its doc explains the trade-off. Each unit carries the bead's confidence
//! (`x-confidence`), the kind of the bead it comes from (`x-bead`, e.g. "2-2" for a unit split
//! from a 2-2 bead), the 1-based number of the source side's paragraph in its document
//! (`x-source-paragraph`: where the unit's first source sentence is, so that a reviewer can
//! find it in the original) and optionally the document name (`x-document`).

use std::borrow::{Borrow, Cow};
use std::io::{self, Write};
use std::ops::Range;

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::split::split_english;
use super::{ExportOptions, TmxUnits, fmt_confidence, is_tmx_date};
use crate::tm::Unit as TmUnit;
use amur_core::bead::{Alignment, Bead};

/// One translation unit, ready to be written: texts already free of forbidden characters.
#[derive(Debug, Clone, PartialEq)]
struct Unit {
    /// "zh3-4_en5": the 0-based sentence ids (ranges inclusive) of both sides.
    tuid: String,
    zh: String,
    en: String,
    confidence: f64,
    /// Kind of the bead the unit comes from ("1-2").
    bead: String,
    /// The English side was cut from a longer bead where the lexical evidence put the cut
    /// (`TmxUnits::Sentence`); the confidence is the bead's times the cut's certainty.
    split: bool,
    /// 0-based paragraphs of the first Chinese and the first English sentence.
    zh_paragraph: usize,
    en_paragraph: usize,
    /// A person checked the bead on the review page (`x-checked`).
    checked: bool,
}

/// Writes the TMX document for `al`.
/// `checked[i]` marks bead `i` checked by a person (missing flags: not checked).
pub(super) fn write(
    al: &Alignment,
    checked: &[bool],
    opts: &ExportOptions,
    out: impl Write,
) -> io::Result<()> {
    // Unit by unit as they are made: a long document's units are never all in memory.
    let mut units =
        units(al, checked, opts.units, opts.en_source).filter(|u| opts.keep.keeps(u.confidence));
    write_document(opts, out, |w| units.try_for_each(|u| write_tu(w, &u, opts)))
}

impl ExportOptions {
    /// Writes translation units that do not come from an alignment (read from other memories,
    /// merged, converted) as a TMX document like [`write`](super::write) does: same prolog and
    /// header, one `<tu>` per unit holding the unit's props as they are, then its source and
    /// target `<tuv>`s with the unit's languages (`src_lang`, `tgt_lang` of `self` where the unit
    /// has none). Units with a side that is blank once the characters XML forbids are dropped
    /// are left out. Returns the number of units written.
    ///
    /// The header's `srclang` is `src_lang` (or `*all*` when the units' sources are in several
    /// languages): the caller sets it.
    pub fn write_tmx_units<U: Borrow<TmUnit>>(
        &self,
        units: impl IntoIterator<Item = U>,
        out: impl Write,
    ) -> io::Result<usize> {
        let mut written = 0;
        write_document(self, out, |w| {
            for u in units {
                written += usize::from(write_free_tu(w, u.borrow(), self)?);
            }
            Ok(())
        })?;
        Ok(written)
    }
}

/// The prolog, `<tmx>`, the header and `<body>`, whose content `body` writes.
fn write_document<W: Write>(
    opts: &ExportOptions,
    out: W,
    body: impl FnOnce(&mut Writer<W>) -> io::Result<()>,
) -> io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::DocType(BytesText::from_escaped(
        r#"tmx SYSTEM "tmx14.dtd""#,
    )))?;
    w.create_element("tmx")
        .with_attribute(("version", "1.4"))
        .write_inner_content(|w| {
            write_header(w, opts)?;
            w.create_element("body").write_inner_content(body)?;
            Ok(())
        })?;
    w.get_mut().write_all(b"\n")
}

/// One `<tu>` of a free-standing unit; `false` when a side is blank and nothing was written.
fn write_free_tu<W: Write>(
    w: &mut Writer<W>,
    u: &TmUnit,
    opts: &ExportOptions,
) -> io::Result<bool> {
    let (source, target) = (xml_chars(&u.source), xml_chars(&u.target));
    if source.trim().is_empty() || target.trim().is_empty() {
        return Ok(false);
    }
    let lang =
        |own: &str, fallback: &str| lang_code(if own.trim().is_empty() { fallback } else { own });
    w.create_element("tu").write_inner_content(|w| {
        for (kind, value) in &u.props {
            write_prop(w, &xml_chars(kind), &xml_chars(value))?;
        }
        write_tuv(w, &lang(&u.src_lang, &opts.src_lang), &source)?;
        write_tuv(w, &lang(&u.tgt_lang, &opts.tgt_lang), &target)
    })?;
    Ok(true)
}

/// The `<header>` element.
fn write_header<W: Write>(w: &mut Writer<W>, opts: &ExportOptions) -> io::Result<()> {
    let version = xml_chars(&opts.tool_version);
    let srclang = source_lang(opts);
    let mut header = w.create_element("header").with_attributes([
        ("creationtool", "amur"),
        ("creationtoolversion", version.as_ref()),
        ("segtype", "sentence"),
        ("o-tmf", "amur"),
        ("adminlang", "en-US"),
        ("srclang", srclang.as_str()),
        ("datatype", "plaintext"),
    ]);
    if is_tmx_date(&opts.creation_date) {
        header = header.with_attribute(("creationdate", opts.creation_date.as_str()));
    }
    header.write_empty()?;
    Ok(())
}

/// One `<tu>`: props first (as the DTD wants), then the source tuv, then the target tuv.
fn write_tu<W: Write>(w: &mut Writer<W>, u: &Unit, opts: &ExportOptions) -> io::Result<()> {
    let zh = (lang_code(&opts.src_lang), u.zh.as_str());
    let en = (lang_code(&opts.tgt_lang), u.en.as_str());
    let (first, second) = if opts.en_source { (en, zh) } else { (zh, en) };
    let doc = opts.doc_name.as_deref().map(xml_chars);
    let mut tu = w
        .create_element("tu")
        .with_attribute(("tuid", u.tuid.as_str()));
    if is_tmx_date(&opts.creation_date) {
        tu = tu.with_attribute(("creationdate", opts.creation_date.as_str()));
    }
    tu.write_inner_content(|w| {
        write_prop(w, "x-confidence", &fmt_confidence(u.confidence))?;
        write_prop(w, "x-bead", &u.bead)?;
        if u.split {
            write_prop(w, "x-split", "lexical")?;
        }
        let source_paragraph = if opts.en_source {
            u.en_paragraph
        } else {
            u.zh_paragraph
        };
        write_prop(w, "x-source-paragraph", &(source_paragraph + 1).to_string())?;
        if let Some(doc) = doc.as_deref().filter(|d| !d.trim().is_empty()) {
            write_prop(w, "x-document", doc)?;
        }
        if u.checked {
            write_prop(w, "x-checked", "yes")?;
        }
        write_tuv(w, &first.0, first.1)?;
        write_tuv(w, &second.0, second.1)
    })?;
    Ok(())
}

/// `<prop type="..">text</prop>`.
fn write_prop<W: Write>(w: &mut Writer<W>, kind: &str, text: &str) -> io::Result<()> {
    w.create_element("prop")
        .with_attribute(("type", kind))
        .write_text_content(text_event(text))?;
    Ok(())
}

/// `<tuv xml:lang=".."><seg>text</seg></tuv>`; the seg holds exactly `text`.
fn write_tuv<W: Write>(w: &mut Writer<W>, lang: &str, text: &str) -> io::Result<()> {
    w.create_element("tuv")
        .with_attribute(("xml:lang", lang))
        .write_inner_content(|w| {
            w.create_element("seg")
                .write_text_content(text_event(text))?;
            Ok(())
        })?;
    Ok(())
}

/// Element text escaped as XML needs it: `&`, `<`, `>` (and CR, as `&#13;`, so that it survives
/// end-of-line normalisation); quotes stay readable.
fn text_event(text: &str) -> BytesText<'_> {
    BytesText::from_escaped(partial_escape(text))
}

/// The header's `srclang`: the language of the first tuv of every unit.
fn source_lang(opts: &ExportOptions) -> String {
    lang_code(if opts.en_source {
        &opts.tgt_lang
    } else {
        &opts.src_lang
    })
}

/// A language code as TMX wants it: RFC 3066 with hyphens ("zh_CN" → "zh-CN"), trimmed.
fn lang_code(code: &str) -> String {
    xml_chars(code.trim()).replace('_', "-")
}

/// The units to write, in bead order.
fn units<'a>(
    al: &'a Alignment,
    checked: &'a [bool],
    mode: TmxUnits,
    en_source: bool,
) -> impl Iterator<Item = Unit> + 'a {
    al.beads.iter().enumerate().flat_map(move |(i, b)| {
        let checked = checked.get(i).copied().unwrap_or(false);
        bead_units(al, b, mode, en_source)
            .into_iter()
            .map(move |u| Unit { checked, ..u })
    })
}

/// The units of one bead (none when a side is empty); [`TmxUnits`] explains the modes.
fn bead_units(al: &Alignment, b: &Bead, mode: TmxUnits, en_source: bool) -> Vec<Unit> {
    if b.zh.is_empty() || b.en.is_empty() {
        return Vec::new();
    }
    let sentence_mode = mode == TmxUnits::Sentence && b.zh.len() > 1;
    if sentence_mode && b.zh.len() == b.en.len() {
        return b
            .zh
            .clone()
            .zip(b.en.clone())
            .filter_map(|(z, e)| unit(al, b, z..z + 1, e..e + 1, &al.zh[z].text, &al.en[e].text))
            .collect();
    }
    if sentence_mode && !en_source {
        let zh: Vec<&str> = al.zh[b.zh.clone()]
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        let en: Vec<&str> = al.en[b.en.clone()]
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        if let Some(split) = split_english(&zh, &en) {
            return b
                .zh
                .clone()
                .zip(split.parts)
                .filter_map(|(z, part)| {
                    let mut u = unit(al, b, z..z + 1, b.en.clone(), &al.zh[z].text, &part)?;
                    u.tuid.push_str(&format!("_part{}", z - b.zh.start + 1));
                    u.split = true;
                    u.confidence *= split.certainty;
                    Some(u)
                })
                .collect();
        }
    }
    let (zh, en) = (al.zh_text(b), al.en_text(b));
    unit(al, b, b.zh.clone(), b.en.clone(), &zh, &en)
        .into_iter()
        .collect()
}

/// A unit for sentences `zh`, `en` of bead `b`, unless a side has no text once the characters
/// XML forbids are dropped.
fn unit(
    al: &Alignment,
    b: &Bead,
    zh: Range<usize>,
    en: Range<usize>,
    zh_text: &str,
    en_text: &str,
) -> Option<Unit> {
    let (zh_text, en_text) = (xml_chars(zh_text), xml_chars(en_text));
    if zh_text.trim().is_empty() || en_text.trim().is_empty() {
        return None;
    }
    Some(Unit {
        tuid: format!("{}_{}", range_id("zh", &zh), range_id("en", &en)),
        zh: zh_text.into_owned(),
        en: en_text.into_owned(),
        confidence: b.confidence,
        bead: b.kind(),
        split: false,
        zh_paragraph: al.zh[zh.start].paragraph,
        en_paragraph: al.en[en.start].paragraph,
        checked: false,
    })
}

/// "zh3" for one sentence, "zh3-4" for sentences 3 and 4 (0-based, inclusive).
fn range_id(side: &str, r: &Range<usize>) -> String {
    if r.len() <= 1 {
        format!("{side}{}", r.start)
    } else {
        format!("{side}{}-{}", r.start, r.end - 1)
    }
}

/// `s` without the characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE; U+FFFF).
fn xml_chars(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Whether XML 1.0 allows `c` (production `Char`; Rust chars are never surrogates).
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample;
    use crate::export::{Format, write as export};
    use quick_xml::Reader;
    use quick_xml::XmlVersion;
    use quick_xml::escape::resolve_predefined_entity;
    use quick_xml::events::BytesStart;
    use std::collections::HashMap;

    const DATE: &str = "20240102T030405Z";

    fn opts() -> ExportOptions {
        ExportOptions {
            src_lang: "zh-TW".into(),
            creation_date: DATE.into(),
            tool_version: "9.9.9".into(),
            ..ExportOptions::default()
        }
    }

    fn tmx(al: &Alignment, opts: &ExportOptions) -> String {
        let mut out = Vec::new();
        export(al, Format::Tmx, opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A `<tu>` as read back: its attributes, props (type, text), tuvs (lang, seg text) and
    /// the names of its children in order.
    #[derive(Debug, Default)]
    struct Tu {
        attrs: HashMap<String, String>,
        props: Vec<(String, String)>,
        tuvs: Vec<(String, String)>,
        children: Vec<String>,
    }

    #[derive(Debug, Default)]
    struct Tmx {
        header: HashMap<String, String>,
        tus: Vec<Tu>,
    }

    fn attrs(e: &BytesStart) -> HashMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                let v = a.normalized_value(XmlVersion::Implicit1_0).unwrap();
                (a.key.0.to_string(), v.into_owned())
            })
            .collect()
    }

    /// Parses the TMX with quick-xml, resolving entity and character references in texts.
    fn parse(xml: &str) -> Tmx {
        let mut r = Reader::from_str(xml);
        let mut t = Tmx::default();
        let mut stack: Vec<String> = Vec::new();
        let mut text = String::new();
        let mut lang = String::new();
        let mut prop_type = String::new();
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) => {
                    let name = e.name().0.to_string();
                    let a = attrs(&e);
                    match name.as_str() {
                        "tu" => t.tus.push(Tu {
                            attrs: a,
                            ..Tu::default()
                        }),
                        "tuv" => lang = a["xml:lang"].clone(),
                        "prop" => prop_type = a["type"].clone(),
                        _ => {}
                    }
                    if stack.last().is_some_and(|p| p == "tu") {
                        t.tus.last_mut().unwrap().children.push(name.clone());
                    }
                    text.clear();
                    stack.push(name);
                }
                Event::Empty(e) if e.name().0 == "header" => t.header = attrs(&e),
                Event::Text(e) => text.push_str(&e.xml10_content()),
                Event::GeneralRef(e) => match e.resolve_char_ref().unwrap() {
                    Some(c) => text.push(c),
                    None => text.push_str(resolve_predefined_entity(&e).unwrap()),
                },
                Event::End(e) => {
                    let tu = t.tus.last_mut();
                    match e.name().0 {
                        "seg" => tu.unwrap().tuvs.push((lang.clone(), text.clone())),
                        "prop" => tu.unwrap().props.push((prop_type.clone(), text.clone())),
                        _ => {}
                    }
                    stack.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(stack.is_empty());
        t
    }

    fn prop<'a>(tu: &'a Tu, kind: &str) -> Option<&'a str> {
        tu.props
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn prolog_and_header() {
        let xml = tmx(&sample(), &opts());
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">"
        ));
        assert!(xml.ends_with("</tmx>\n"));
        let h = parse(&xml).header;
        assert_eq!(h["creationtool"], "amur");
        assert_eq!(h["creationtoolversion"], "9.9.9");
        assert_eq!(h["segtype"], "sentence");
        assert_eq!(h["o-tmf"], "amur");
        assert_eq!(h["adminlang"], "en-US");
        assert_eq!(h["srclang"], "zh-TW");
        assert_eq!(h["datatype"], "plaintext");
        assert_eq!(h["creationdate"], DATE);
    }

    #[test]
    fn one_unit_per_full_bead_with_exact_segs() {
        let al = sample();
        let xml = tmx(&al, &opts());
        let t = parse(&xml);
        // 7 beads, minus the 0-1 and the 1-0.
        assert_eq!(t.tus.len(), 5);
        let segs: Vec<(&str, &str)> = t
            .tus
            .iter()
            .map(|tu| (tu.tuvs[0].1.as_str(), tu.tuvs[1].1.as_str()))
            .collect();
        assert_eq!(
            segs,
            [
                ("這是「測試」。", "This is a \"test\"."),
                (
                    "價格<100>元&稅。",
                    "The price is <100> & more. Tax 'included'."
                ),
                ("控制字元。", "Control char\r."),
                ("第一句。第二句。", "First. Second."),
                ("甲。乙。", "A and B."),
            ]
        );
        let ids: Vec<&str> = t.tus.iter().map(|tu| tu.attrs["tuid"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "zh0_en0",
                "zh1_en1-2",
                "zh2_en3",
                "zh3-4_en5-6",
                "zh5-6_en7"
            ]
        );
        assert!(ids.iter().all(|id| !id.contains(char::is_whitespace)));
    }

    #[test]
    fn srclang_is_the_first_tuv_lang() {
        for en_source in [false, true] {
            let o = ExportOptions {
                en_source,
                ..opts()
            };
            let t = parse(&tmx(&sample(), &o));
            let src = &t.header["srclang"];
            assert_eq!(src, if en_source { "en-US" } else { "zh-TW" });
            for tu in &t.tus {
                assert_eq!(&tu.tuvs[0].0, src);
                assert_ne!(&tu.tuvs[1].0, src);
            }
            let first = &t.tus[0].tuvs[0].1;
            assert_eq!(
                first,
                if en_source {
                    "This is a \"test\"."
                } else {
                    "這是「測試」。"
                }
            );
        }
    }

    #[test]
    fn props_come_before_tuvs() {
        let o = ExportOptions {
            doc_name: Some("章節 <1> & \"a\".txt".into()),
            ..opts()
        };
        let t = parse(&tmx(&sample(), &o));
        for tu in &t.tus {
            assert_eq!(tu.children, ["prop", "prop", "prop", "prop", "tuv", "tuv"]);
            assert_eq!(tu.attrs["creationdate"], DATE);
            assert_eq!(prop(tu, "x-document"), Some("章節 <1> & \"a\".txt"));
        }
        assert_eq!(prop(&t.tus[0], "x-confidence"), Some("0.93"));
        assert_eq!(prop(&t.tus[1], "x-confidence"), Some("0.877"));
        assert_eq!(prop(&t.tus[1], "x-bead"), Some("1-2"));
        assert_eq!(prop(&t.tus[2], "x-confidence"), Some("1.00"));
        let t = parse(&tmx(&sample(), &opts()));
        assert_eq!(t.tus[0].children, ["prop", "prop", "prop", "tuv", "tuv"]);
    }

    #[test]
    fn source_paragraph_is_one_based_and_follows_the_source_side() {
        let mut al = sample();
        for (k, s) in al.zh.iter_mut().enumerate() {
            s.paragraph = k / 2;
        }
        for (k, s) in al.en.iter_mut().enumerate() {
            s.paragraph = 10 + k;
        }
        let t = parse(&tmx(&al, &opts()));
        let zh: Vec<&str> = t
            .tus
            .iter()
            .map(|tu| prop(tu, "x-source-paragraph").unwrap())
            .collect();
        // Units start at zh sentences 0, 1, 2, 3, 5: paragraphs 0, 0, 1, 1, 2 (0-based).
        assert_eq!(zh, ["1", "1", "2", "2", "3"]);
        let o = ExportOptions {
            en_source: true,
            ..opts()
        };
        let t = parse(&tmx(&al, &o));
        assert_eq!(prop(&t.tus[1], "x-source-paragraph"), Some("12"));
    }

    #[test]
    fn no_forbidden_characters_and_no_whitespace_added_in_segs() {
        let xml = tmx(&sample(), &opts());
        assert!(xml.chars().all(is_xml_char), "{xml:?}");
        assert!(xml.contains("<seg>控制字元。</seg>"));
        assert!(xml.contains("<seg>價格&lt;100&gt;元&amp;稅。</seg>"));
        assert!(xml.contains("<seg>Control char&#13;.</seg>"));
        assert!(xml.contains("<seg>This is a \"test\".</seg>"));
        assert!(xml.contains("<prop type=\"x-confidence\">0.93</prop>"));
    }

    #[test]
    fn sentence_mode_cuts_a_free_translation_only_where_the_words_say() {
        let s = |t: &str| amur_core::bead::Sentence {
            text: t.into(),
            paragraph: 0,
        };
        let al = Alignment {
            zh: vec![
                s("天氣很冷。"),
                s("我們的軍隊已經撤退了。"),
                s("前線停戰之議恐不日即成。"),
                s("謹聞。"),
                s("鏡人。"),
            ],
            en: vec![
                s("The weather was very cold, and our army had already retreated."),
                s("It is reported that an armistice on the front is imminent."),
            ],
            beads: vec![
                Bead {
                    zh: 0..2,
                    en: 0..1,
                    confidence: 0.9,
                },
                Bead {
                    zh: 2..5,
                    en: 1..2,
                    confidence: 0.862,
                },
            ],
        };
        let o = ExportOptions {
            units: TmxUnits::Sentence,
            ..opts()
        };
        let t = parse(&tmx(&al, &o));
        let segs: Vec<(&str, &str)> = t
            .tus
            .iter()
            .map(|tu| (tu.tuvs[0].1.as_str(), tu.tuvs[1].1.as_str()))
            .collect();
        assert_eq!(
            segs,
            [
                ("天氣很冷。", "The weather was very cold,"),
                (
                    "我們的軍隊已經撤退了。",
                    "and our army had already retreated."
                ),
                (
                    "前線停戰之議恐不日即成。謹聞。鏡人。",
                    "It is reported that an armistice on the front is imminent."
                ),
            ]
        );
        assert_eq!(prop(&t.tus[0], "x-split"), Some("lexical"));
        // A cut unit is no surer than its bead, and says how sure the cut is.
        let c: f64 = prop(&t.tus[1], "x-confidence").unwrap().parse().unwrap();
        assert!(
            (0.9 * super::super::split::MIN_CERTAINTY - 1e-3..=0.9).contains(&c),
            "{c}"
        );
        // The bead the words do not cut stays whole, with its confidence.
        assert_eq!(prop(&t.tus[2], "x-split"), None);
        assert_eq!(prop(&t.tus[2], "x-confidence"), Some("0.862"));
    }

    #[test]
    fn sentence_mode_gives_every_chinese_sentence_its_own_unit() {
        let o = ExportOptions {
            units: TmxUnits::Sentence,
            ..opts()
        };
        let t = parse(&tmx(&sample(), &o));
        let ids: Vec<&str> = t.tus.iter().map(|tu| tu.attrs["tuid"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "zh0_en0",
                "zh1_en1-2",
                "zh2_en3",
                "zh3_en5",
                "zh4_en6",
                "zh5-6_en7"
            ]
        );
        assert_eq!(t.tus[3].tuvs[0].1, "第一句。");
        assert_eq!(t.tus[3].tuvs[1].1, "First.");
        assert_eq!(t.tus[4].tuvs[0].1, "第二句。");
        assert_eq!(t.tus[4].tuvs[1].1, "Second.");
        assert_eq!(prop(&t.tus[4], "x-bead"), Some("2-2"));
        // Nothing says where "A and B." would be cut between 甲 and 乙: one unit.
        assert_eq!(
            (t.tus[5].tuvs[0].1.as_str(), t.tus[5].tuvs[1].1.as_str()),
            ("甲。乙。", "A and B.")
        );
        assert_eq!(prop(&t.tus[5], "x-split"), None);
        assert_eq!(prop(&t.tus[4], "x-split"), None);
        assert_eq!(
            t.tus[1].tuvs[1].1,
            "The price is <100> & more. Tax 'included'."
        );
    }

    #[test]
    fn side_empty_after_dropping_forbidden_chars_is_skipped() {
        let mut al = sample();
        al.zh[0].text = "\u{1}\u{2} ".into();
        let t = parse(&tmx(&al, &opts()));
        assert_eq!(t.tus.len(), 4);
        assert_eq!(t.tus[0].attrs["tuid"], "zh1_en1-2");
    }

    #[test]
    fn empty_alignment_is_still_valid_tmx() {
        let t = parse(&tmx(&Alignment::default(), &opts()));
        assert!(t.tus.is_empty());
        assert_eq!(t.header["srclang"], "zh-TW");
    }

    #[test]
    fn language_codes_use_hyphens() {
        let o = ExportOptions {
            src_lang: "zh_CN".into(),
            tgt_lang: " en_US ".into(),
            ..opts()
        };
        let xml = tmx(&sample(), &o);
        assert!(!xml.contains("zh_CN") && !xml.contains("en_US"));
        let t = parse(&xml);
        assert_eq!(t.header["srclang"], "zh-CN");
        assert_eq!(t.tus[0].tuvs[1].0, "en-US");
    }

    #[test]
    fn malformed_date_is_left_out() {
        let o = ExportOptions {
            creation_date: "yesterday".into(),
            ..opts()
        };
        let t = parse(&tmx(&sample(), &o));
        assert!(!t.header.contains_key("creationdate"));
        assert!(!t.tus[0].attrs.contains_key("creationdate"));
    }

    #[test]
    fn xml_chars_drops_only_forbidden() {
        assert_eq!(xml_chars("a\u{0}b\u{8}\t\n\r\u{B}\u{1F}c"), "ab\t\n\rc");
        assert_eq!(
            xml_chars("x\u{FFFE}\u{FFFF}\u{FFFD}\u{10000}\u{85}"),
            "x\u{FFFD}\u{10000}\u{85}"
        );
        assert!(matches!(xml_chars("正常 text"), Cow::Borrowed(_)));
    }

    #[test]
    fn free_units_keep_their_props_and_languages() {
        let mut a = TmUnit::new("價格<1>&稅", "Price \"1\" & tax");
        a.src_lang = "zh_TW".into();
        a.props = vec![
            ("x-confidence".into(), "0.5".into()),
            ("x-note".into(), "a \"q\" <b>\u{1}".into()),
        ];
        let b = TmUnit::new("乙", "B"); // no languages: the options' codes
        let blank = TmUnit::new("\u{1}", "C");
        let mut out = Vec::new();
        let n = opts().write_tmx_units([&a, &b, &blank], &mut out).unwrap();
        assert_eq!(n, 2);
        let xml = String::from_utf8(out).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx"));
        let t = parse(&xml);
        assert_eq!(t.header["srclang"], "zh-TW");
        assert_eq!(t.tus.len(), 2);
        assert_eq!(t.tus[0].children, ["prop", "prop", "tuv", "tuv"]);
        assert_eq!(
            t.tus[0].props,
            [
                ("x-confidence".to_string(), "0.5".to_string()),
                ("x-note".to_string(), "a \"q\" <b>".to_string())
            ]
        );
        assert_eq!(
            t.tus[0].tuvs,
            [
                ("zh-TW".to_string(), "價格<1>&稅".to_string()),
                ("en-US".to_string(), "Price \"1\" & tax".to_string())
            ]
        );
        assert_eq!(t.tus[1].tuvs[0].0, "zh-TW");
        assert_eq!(t.tus[1].tuvs[1], ("en-US".to_string(), "B".to_string()));
        assert!(t.tus[1].props.is_empty());
    }

    #[test]
    fn range_ids() {
        assert_eq!(range_id("zh", &(3..4)), "zh3");
        assert_eq!(range_id("zh", &(3..5)), "zh3-4");
    }
}
