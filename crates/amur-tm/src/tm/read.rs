//! The streaming TMX reader: a pull parser (quick-xml) over the decoded file, read one `<tu>`
//! at a time, so that a memory of gigabytes is read in the memory one unit needs.
//!
//! What it accepts: TMX 1.1 to 1.4b (`xml:lang`, or `lang` as in 1.1), UTF-8 or UTF-16 with
//! or without a byte order mark, props and several tuvs per unit, inline tags inside `<seg>`.
//! What it refuses, with the file, line and column: XML that is not well-formed, a root
//! element other than `<tmx>`, a file cut short, an encoding other than UTF-8/UTF-16, and any
//! entity reference other than the five predefined ones and character references. Entities
//! declared in a DOCTYPE are never expanded (no "billion laughs") and DTDs are never fetched.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, Event};

use super::decode::{Input, TextReader, line_col};
use super::{ReadOptions, TmError, Unit, lang_matches};

/// Inline elements whose content is native code (formatting markup of the original document),
/// not text: stripped with their content unless tags are kept.
const CODE_ELEMENTS: [&str; 5] = ["bpt", "ept", "ph", "it", "ut"];

/// A TMX file, read as an iterator of units. After the first error the iterator ends.
pub struct Reader {
    xml: quick_xml::Reader<TextReader>,
    buf: Vec<u8>,
    input: Input,
    /// The file name used in messages.
    path: PathBuf,
    opts: ReadOptions,
    /// The header's `srclang`, unless `*all*`.
    srclang: Option<String>,
    /// Names of the elements open outside units (`tmx`, `body`, ...).
    open: Vec<String>,
    /// Whether the DOCTYPE declares entities (for a clearer message when one is used).
    entities_declared: bool,
    /// Whether the `<tmx>` root element has been seen.
    root_seen: bool,
    skipped: usize,
    done: bool,
    /// Byte offset (of the decoded text) and line where the last event read started.
    event_at: (u64, u64),
}

impl Reader {
    /// Opens a TMX file.
    pub fn open(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Reader, TmError> {
        let path = path.as_ref();
        Reader::new(Input::File(path.to_path_buf()), path, opts)
    }

    /// Reads TMX from bytes in memory; `name` stands for the file in messages.
    pub fn from_bytes(
        name: impl AsRef<Path>,
        bytes: impl Into<Arc<[u8]>>,
        opts: &ReadOptions,
    ) -> Result<Reader, TmError> {
        Reader::new(Input::Bytes(bytes.into()), name.as_ref(), opts)
    }

    fn new(input: Input, path: &Path, opts: &ReadOptions) -> Result<Reader, TmError> {
        let text = TextReader::open(&input).map_err(|source| TmError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Reader {
            xml: quick_xml::Reader::from_reader(text),
            buf: Vec::new(),
            input,
            path: path.to_path_buf(),
            opts: opts.clone(),
            srclang: None,
            open: Vec::new(),
            entities_declared: false,
            root_seen: false,
            skipped: 0,
            done: false,
            event_at: (0, 1),
        })
    }

    /// The file name used in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header's `srclang` (once the header has been read), unless it is `*all*`.
    pub fn srclang(&self) -> Option<&str> {
        self.srclang.as_deref()
    }

    /// Units skipped so far: no two languages to pair, or an empty side.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The next unit, `None` at the end of the document.
    fn next_unit(&mut self) -> Result<Option<Unit>, TmError> {
        loop {
            match self.event()? {
                Event::Decl(d) => self.check_decl(&d)?,
                Event::DocType(t) => self.entities_declared = t.contains("<!ENTITY"),
                Event::Start(e) if self.open.is_empty() || e.name().0 != "tu" => {
                    self.enter(&e)?;
                    self.open.push(e.name().0.to_string());
                }
                Event::Start(_) => {
                    let line = self.event_at.1;
                    match self.read_tu(line)? {
                        Some(unit) => return Ok(Some(unit)),
                        None => self.skipped += 1,
                    }
                }
                Event::Empty(e) => {
                    self.enter(&e)?;
                    if e.name().0 == "tu" {
                        self.skipped += 1;
                    }
                }
                Event::End(_) => {
                    self.open.pop();
                }
                Event::Eof => return self.end().map(|()| None),
                _ => {}
            }
        }
    }

    /// Checks the root element and reads the header of an element opened outside units.
    fn enter(&mut self, e: &BytesStart) -> Result<(), TmError> {
        let name = e.name().0;
        if self.open.is_empty() && name != "tmx" {
            return Err(self.error_here(format!(
                "not a TMX document: the root element is <{name}>, not <tmx>"
            )));
        }
        self.root_seen = true;
        if name == "header" {
            self.srclang = self.attr(e, "srclang")?.filter(|l| l != "*all*");
        }
        Ok(())
    }

    /// At the end of the input: every element closed, and there was a `<tmx>`.
    fn end(&self) -> Result<(), TmError> {
        match self.open.last() {
            Some(name) => {
                Err(self.error_here(format!("the file ends inside <{name}>: is it cut short?")))
            }
            None if !self.root_seen => Err(self.error_here("not a TMX document: no <tmx> element")),
            None => Ok(()),
        }
    }

    /// Refuses encodings other than UTF-8 and UTF-16: their bytes would be misread.
    fn check_decl(&self, d: &BytesDecl) -> Result<(), TmError> {
        if let Some(Ok(enc)) = d.encoding() {
            let known = [
                "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii",
            ];
            if !known.contains(&enc.to_ascii_lowercase().as_str()) {
                return Err(self.error_here(format!(
                    "the file declares encoding {enc}; TMX is read as UTF-8 or UTF-16 only: \
                     convert it first (e.g. iconv -f {enc} -t UTF-8)"
                )));
            }
        }
        Ok(())
    }

    /// Reads a `<tu>` after its start tag, up to its end tag: `None` when it is skipped.
    fn read_tu(&mut self, line: u64) -> Result<Option<Unit>, TmError> {
        let mut props = Vec::new();
        let mut tuvs: Vec<(String, String)> = Vec::new();
        loop {
            match self.event()? {
                Event::Start(e) => match e.name().0 {
                    "prop" => {
                        let kind = self.attr(&e, "type")?.unwrap_or_default();
                        props.push((kind, self.read_content(false)?));
                    }
                    "tuv" => {
                        let lang = self.lang(&e)?;
                        if let Some(seg) = self.read_tuv()? {
                            tuvs.push((lang, seg));
                        }
                    }
                    _ => self.skip()?,
                },
                Event::Empty(e) if e.name().0 == "prop" => {
                    props.push((self.attr(&e, "type")?.unwrap_or_default(), String::new()));
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.error_here(cut_short("tu", line))),
                _ => {}
            }
        }
        Ok(self.unit(tuvs, props, line))
    }

    /// The unit of a `<tu>`'s tuvs (language, text), if a source and a target can be picked and
    /// neither is blank.
    fn unit(
        &self,
        mut tuvs: Vec<(String, String)>,
        props: Vec<(String, String)>,
        line: u64,
    ) -> Option<Unit> {
        let langs: Vec<&str> = tuvs.iter().map(|(l, _)| l.as_str()).collect();
        let (s, t) = pick(
            &langs,
            self.opts.src_lang.as_deref(),
            self.srclang.as_deref(),
            self.opts.tgt_lang.as_deref(),
        )?;
        let (tgt_lang, target) = std::mem::take(&mut tuvs[t]);
        let (src_lang, source) = std::mem::take(&mut tuvs[s]);
        if source.trim().is_empty() || target.trim().is_empty() {
            return None;
        }
        Some(Unit {
            source,
            target,
            src_lang,
            tgt_lang,
            props,
            line,
        })
    }

    /// Reads a `<tuv>` after its start tag: the text of its `<seg>`, if it has one.
    fn read_tuv(&mut self) -> Result<Option<String>, TmError> {
        let mut seg = None;
        loop {
            match self.event()? {
                Event::Start(e) if e.name().0 == "seg" => {
                    seg = Some(self.read_content(self.opts.keep_tags)?);
                }
                Event::Empty(e) if e.name().0 == "seg" => seg = Some(String::new()),
                Event::Start(_) => self.skip()?,
                Event::End(_) => return Ok(seg),
                Event::Eof => return Err(self.error_here(cut_short("tuv", self.event_at.1))),
                _ => {}
            }
        }
    }

    /// The content of an element, after its start tag up to its end tag: the text (native code
    /// left out), or with `keep_tags` the content as XML markup.
    fn read_content(&mut self, keep_tags: bool) -> Result<String, TmError> {
        let mut text = String::new();
        // For each inline element open: whether it holds native code.
        let mut open: Vec<bool> = Vec::new();
        let mut in_code = 0usize;
        let line = self.event_at.1;
        loop {
            let ev = self.event()?;
            if keep_tags {
                match &ev {
                    Event::Text(t) => text.push_str(&t.xml10_content()),
                    Event::GeneralRef(r) => {
                        text.push('&');
                        text.push_str(r);
                        text.push(';');
                    }
                    Event::CData(c) => {
                        text.push_str("<![CDATA[");
                        text.push_str(&c.xml10_content());
                        text.push_str("]]>");
                    }
                    Event::Start(e) => text.push_str(&format!("<{}>", &**e)),
                    Event::Empty(e) => text.push_str(&format!("<{}/>", &**e)),
                    Event::End(e) if !open.is_empty() => {
                        text.push_str(&format!("</{}>", e.name().0));
                    }
                    _ => {}
                }
            } else if in_code == 0 {
                match &ev {
                    Event::Text(t) => text.push_str(&t.xml10_content()),
                    Event::GeneralRef(r) => text.push_str(&resolve(r).unwrap_or_default()),
                    Event::CData(c) => text.push_str(&c.xml10_content()),
                    _ => {}
                }
            }
            match ev {
                Event::Start(e) => {
                    let code = CODE_ELEMENTS.contains(&e.name().0);
                    open.push(code);
                    in_code += usize::from(code);
                }
                Event::End(_) => match open.pop() {
                    Some(code) => in_code -= usize::from(code),
                    None => return Ok(text),
                },
                Event::Eof => return Err(self.error_here(cut_short("seg", line))),
                _ => {}
            }
        }
    }

    /// Skips an element's content after its start tag, up to its end tag.
    fn skip(&mut self) -> Result<(), TmError> {
        let line = self.event_at.1;
        let mut depth = 0usize;
        loop {
            match self.event()? {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(self.error_here(cut_short("element", line))),
                _ => {}
            }
        }
    }

    /// The next XML event, owned. Entity references other than the predefined ones and
    /// character references are errors here, wherever they are.
    fn event(&mut self) -> Result<Event<'static>, TmError> {
        self.event_at = (self.xml.buffer_position(), self.xml.get_ref().line());
        self.buf.clear();
        let read = self
            .xml
            .read_event_into(&mut self.buf)
            .map(Event::into_owned);
        match read {
            Ok(Event::GeneralRef(r)) if resolve(&r).is_none() => Err(self.unknown_entity(&r)),
            Ok(ev) => Ok(ev),
            Err(err) => {
                let at = match self.xml.error_position() {
                    0 => self.xml.buffer_position(),
                    at => at,
                };
                Err(self.error_at(at, err.to_string()))
            }
        }
    }

    fn unknown_entity(&self, r: &BytesRef) -> TmError {
        let name: &str = r;
        let message = if self.entities_declared {
            format!(
                "entity &{name}; is not expanded: entities declared in a DOCTYPE are refused \
                 (they can expand to gigabytes, the \"billion laughs\" attack); only &amp; &lt; \
                 &gt; &quot; &apos; and character references are read"
            )
        } else {
            format!(
                "unknown entity &{name};: XML knows only &amp; &lt; &gt; &quot; &apos; and \
                 character references such as &#160;"
            )
        };
        self.error_here(message)
    }

    /// The value of attribute `name` of `e`, references resolved.
    fn attr(&self, e: &BytesStart, name: &str) -> Result<Option<String>, TmError> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.error_here(format!("<{}>: {err}", e.name().0)))?;
            if a.key.0 == name {
                let value = a.normalized_value(XmlVersion::Implicit1_0).map_err(|err| {
                    let message = if self.entities_declared {
                        format!("attribute {name}: {err} (DOCTYPE entities are never expanded)")
                    } else {
                        format!("attribute {name}: {err}")
                    };
                    self.error_here(message)
                })?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    /// A `<tuv>`'s language: `xml:lang` (TMX 1.4) or `lang` (TMX 1.1); empty when neither.
    fn lang(&self, e: &BytesStart) -> Result<String, TmError> {
        Ok(match self.attr(e, "xml:lang")? {
            Some(lang) => lang,
            None => self.attr(e, "lang")?.unwrap_or_default(),
        })
    }

    /// An error at the start of the last event.
    fn error_here(&self, message: impl Into<String>) -> TmError {
        self.error_at(self.event_at.0, message)
    }

    /// An error at byte `offset` of the decoded text.
    fn error_at(&self, offset: u64, message: impl Into<String>) -> TmError {
        let (line, column) = line_col(&self.input, offset).unwrap_or((0, 0));
        TmError::parse(&self.path, line, column, message)
    }
}

impl Iterator for Reader {
    type Item = Result<Unit, TmError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_unit() {
            Ok(Some(unit)) => Some(Ok(unit)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}

/// The text of a character reference or predefined entity; `None` for any other entity.
fn resolve(r: &BytesRef) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => resolve_predefined_entity(r).map(str::to_string),
        Err(_) => None,
    }
}

fn cut_short(element: &str, line: u64) -> String {
    format!("the file ends inside <{element}> opened at line {line}: is it cut short?")
}

/// Which tuvs (by index in `langs`) are the source and the target.
///
/// Source: the first tuv matching `src` when given (none: no unit); else the first matching the
/// header's `srclang`, else the first tuv. Target: the first other tuv matching `tgt` when
/// given; else the first other tuv in another language than the source.
pub(crate) fn pick(
    langs: &[&str],
    src: Option<&str>,
    header: Option<&str>,
    tgt: Option<&str>,
) -> Option<(usize, usize)> {
    let find = |want: &str| langs.iter().position(|l| lang_matches(l, want));
    let s = match (src, header) {
        (Some(want), _) => find(want)?,
        (None, Some(h)) => find(h).unwrap_or(0),
        (None, None) => 0,
    };
    let source_lang = langs.get(s)?;
    let t = (0..langs.len()).find(|&i| {
        i != s
            && match tgt {
                Some(want) => lang_matches(langs[i], want),
                None => !lang_matches(langs[i], source_lang),
            }
    })?;
    Some((s, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str, opts: &ReadOptions) -> Result<Vec<Unit>, TmError> {
        Reader::from_bytes("t.tmx", xml.as_bytes(), opts)?.collect()
    }

    fn texts(xml: &str, opts: &ReadOptions) -> Vec<(String, String)> {
        read(xml, opts)
            .unwrap()
            .into_iter()
            .map(|u| (u.source, u.target))
            .collect()
    }

    fn tmx(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header srclang=\"zh-CN\" \
             segtype=\"sentence\"/>\n<body>\n{body}\n</body>\n</tmx>\n"
        )
    }

    fn err(xml: &str) -> (u64, u64, String) {
        match read(xml, &ReadOptions::default()).unwrap_err() {
            TmError::Parse {
                line,
                column,
                message,
                path,
            } => {
                assert_eq!(path, Path::new("t.tmx"));
                (line, column, message)
            }
            e => panic!("{e}"),
        }
    }

    /// A deterministic generator of awkward texts (xorshift64*).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn char(&mut self) -> char {
            let pick = |g: &mut Gen, lo: u32, hi: u32| {
                char::from_u32(lo + g.below(u64::from(hi - lo + 1)) as u32).unwrap_or('?')
            };
            match self.below(12) {
                0 => ['&', '<', '>', '"', '\'', ';', '#'][self.below(7) as usize],
                1 => [' ', '\t', '\n', '\r', '\u{A0}', '\u{3000}'][self.below(6) as usize],
                2 | 3 => pick(self, 0x4E00, 0x9FFF), // CJK
                4 => pick(self, 0x20000, 0x2A6DF),   // CJK extension B (astral)
                5 => pick(self, 0x1F600, 0x1F64F),   // emoji (astral)
                6 => pick(self, 0xA1, 0x2FF),        // Latin, combining-free
                7 => ['\u{FFFD}', '\u{E000}', '\u{10FFFF}', '\u{200B}'][self.below(4) as usize],
                8 => pick(self, 0x3001, 0x303F), // CJK punctuation
                _ => pick(self, 0x21, 0x7E),     // ASCII
            }
        }

        /// 1 to 40 characters, not all blank.
        fn text(&mut self) -> String {
            let n = 1 + self.below(40);
            let mut s: String = (0..n).map(|_| self.char()).collect();
            if s.trim().is_empty() {
                s.push('x');
            }
            s
        }
    }

    fn generated(seed: u64, n: usize) -> Vec<(String, String)> {
        let mut g = Gen(seed);
        (0..n).map(|_| (g.text(), g.text())).collect()
    }

    #[test]
    fn round_trip_through_the_alignment_writer() {
        use crate::export::{self, ExportOptions, Format};
        use amur_core::bead::{Alignment, Bead, Sentence};
        let pairs = generated(0x5EED, 300);
        let sentence = |t: &String| Sentence {
            text: t.clone(),
            paragraph: 0,
        };
        let al = Alignment {
            zh: pairs.iter().map(|p| sentence(&p.0)).collect(),
            en: pairs.iter().map(|p| sentence(&p.1)).collect(),
            beads: (0..pairs.len())
                .map(|i| Bead {
                    zh: i..i + 1,
                    en: i..i + 1,
                    confidence: (i % 100) as f64 / 100.0,
                })
                .collect(),
        };
        for en_source in [false, true] {
            let opts = ExportOptions {
                en_source,
                ..ExportOptions::default()
            };
            let mut xml = Vec::new();
            export::write(&al, Format::Tmx, &opts, &mut xml).unwrap();
            let units = Reader::from_bytes("rt.tmx", xml, &ReadOptions::default())
                .unwrap()
                .collect::<Result<Vec<Unit>, _>>()
                .unwrap();
            assert_eq!(units.len(), pairs.len());
            for (i, (u, (zh, en))) in units.iter().zip(&pairs).enumerate() {
                let expected = if en_source { (en, zh) } else { (zh, en) };
                assert_eq!((&u.source, &u.target), expected, "unit {i}");
                let langs = if en_source {
                    ("en-US", "zh-CN")
                } else {
                    ("zh-CN", "en-US")
                };
                assert_eq!((u.src_lang.as_str(), u.tgt_lang.as_str()), langs);
                assert_eq!(u.confidence(), Some((i % 100) as f64 / 100.0));
                assert_eq!(u.prop("x-bead"), Some("1-1"));
            }
        }
    }

    #[test]
    fn round_trip_through_the_unit_writer_with_props() {
        use crate::export::ExportOptions;
        let mut g = Gen(42);
        let units: Vec<Unit> = generated(7, 200)
            .into_iter()
            .map(|(s, t)| Unit {
                props: vec![(g.text(), g.text()), ("x-confidence".into(), "0.5".into())],
                src_lang: "zh-TW".into(),
                tgt_lang: "en-GB".into(),
                ..Unit::new(s, t)
            })
            .collect();
        let opts = ExportOptions {
            src_lang: "zh-TW".into(),
            ..ExportOptions::default()
        };
        let mut xml = Vec::new();
        assert_eq!(opts.write_tmx_units(&units, &mut xml).unwrap(), units.len());
        let back = Reader::from_bytes("rt.tmx", xml, &ReadOptions::default())
            .unwrap()
            .collect::<Result<Vec<Unit>, _>>()
            .unwrap();
        assert_eq!(back.len(), units.len());
        for (b, u) in back.iter().zip(&units) {
            assert_eq!(
                Unit {
                    line: 0,
                    ..b.clone()
                },
                *u
            );
        }
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../amur/tests/data/tm")
            .join(name)
    }

    #[test]
    fn trados_utf16_fixture_with_inline_tags() {
        let path = fixture("trados-utf16.tmx");
        let raw = std::fs::read(&path).unwrap();
        assert_eq!(&raw[..2], b"\xFF\xFE");
        let units: Vec<Unit> = Reader::open(&path, &ReadOptions::default())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let texts: Vec<(&str, &str)> = units
            .iter()
            .map(|u| (u.source.as_str(), u.target.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("请按确定键继续。", "Press OK to continue."),
                ("见《条约集》第𠀀卷。", "See the Treaty Series, volume 😀."),
            ]
        );
        assert_eq!(units[0].prop("x-Context"), Some("0, 0"));
        assert_eq!(units[0].confidence(), Some(0.9));
        assert_eq!((units[0].line, units[1].line), (5, 15));
        let keep = ReadOptions {
            keep_tags: true,
            ..ReadOptions::default()
        };
        let kept: Vec<Unit> = Reader::open(&path, &keep)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            kept[0].source,
            r#"请按<bpt i="1" type="1" x="1">&lt;cf bold="True"&gt;</bpt>确定<ept i="1">&lt;/cf&gt;</ept>键继续<ph x="2" type="3">&lt;br/&gt;</ph>。"#
        );
        assert_eq!(
            kept[1].target,
            r#"See the <hi type="italic">Treaty Series</hi>, volume 😀<ut>{\b}</ut>."#
        );
    }

    #[test]
    fn tmx_1_1_fixture() {
        let units: Vec<Unit> = Reader::open(fixture("tmx11.tmx"), &ReadOptions::default())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].source, "条约已经签订。");
        assert_eq!(units[0].target, "The treaty was signed.");
        assert_eq!(
            (units[0].src_lang.as_str(), units[0].tgt_lang.as_str()),
            ("ZH", "EN")
        );
    }

    #[test]
    fn malformed_and_billion_laughs_fixtures() {
        let first_error = |name: &str| {
            Reader::open(fixture(name), &ReadOptions::default())
                .unwrap()
                .find_map(Result::err)
                .unwrap()
        };
        let e = first_error("malformed.tmx");
        assert_eq!(e.path(), fixture("malformed.tmx"));
        assert_eq!(e.position(), Some((7, 36)), "{e}");
        let started = std::time::Instant::now();
        let e = first_error("billion-laughs.tmx");
        assert!(started.elapsed().as_secs() < 2);
        assert_eq!(e.position(), Some((18, 34)), "{e}");
        assert!(e.to_string().contains("billion laughs"), "{e}");
    }

    #[test]
    fn reads_units_props_languages_and_lines() {
        let xml = tmx(
            r#"<tu tuid="1"><prop type="x-confidence">0.9</prop><note>n</note>
<tuv xml:lang="zh-CN"><seg>交涉&amp;&#x4E2D;&#20013;</seg></tuv>
<tuv xml:lang="en-US"><prop type="p">x</prop><seg>Talks &lt;1&gt; "q" 'a'</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>乙</seg></tuv><tuv xml:lang="en-US"><seg>B</seg></tuv></tu>"#,
        );
        let units = read(&xml, &ReadOptions::default()).unwrap();
        assert_eq!(units.len(), 2);
        let u = &units[0];
        assert_eq!(u.source, "交涉&中中");
        assert_eq!(u.target, "Talks <1> \"q\" 'a'");
        assert_eq!(
            (u.src_lang.as_str(), u.tgt_lang.as_str()),
            ("zh-CN", "en-US")
        );
        assert_eq!(u.props, [("x-confidence".to_string(), "0.9".to_string())]);
        assert_eq!(u.confidence(), Some(0.9));
        assert_eq!(u.line, 5);
        assert_eq!(units[1].line, 8);
    }

    #[test]
    fn tmx_1_1_lang_attribute_and_header_srclang() {
        let xml = r#"<?xml version="1.0"?>
<tmx version="1.1"><header srclang="EN"/><body>
<tu><tuv lang="ZH"><seg>甲</seg></tuv><tuv lang="EN"><seg>A</seg></tuv></tu>
</body></tmx>"#;
        let units = read(xml, &ReadOptions::default()).unwrap();
        assert_eq!(units[0].source, "A");
        assert_eq!(units[0].src_lang, "EN");
        assert_eq!(units[0].target, "甲");
    }

    #[test]
    fn several_tuvs_picked_by_language() {
        let xml = tmx(
            r#"<tu><tuv xml:lang="en-US"><seg>A</seg></tuv><tuv xml:lang="zh-TW"><seg>甲</seg></tuv>
<tuv xml:lang="fr-FR"><seg>Un</seg></tuv><tuv xml:lang="zh-CN"><seg>甲简</seg></tuv></tu>"#,
        );
        // Header srclang zh-CN picks the zh-CN tuv; the target is the first other language.
        assert_eq!(
            texts(&xml, &ReadOptions::default()),
            [("甲简".into(), "A".into())]
        );
        let opts = ReadOptions {
            src_lang: Some("zh".into()),
            tgt_lang: Some("fr".into()),
            ..ReadOptions::default()
        };
        assert_eq!(texts(&xml, &opts), [("甲".into(), "Un".into())]);
        let opts = ReadOptions {
            src_lang: Some("de".into()),
            ..ReadOptions::default()
        };
        let mut r = Reader::from_bytes("t.tmx", xml.as_bytes(), &opts).unwrap();
        assert!(r.next().is_none());
        assert_eq!(r.skipped(), 1);
    }

    #[test]
    fn pick_rules() {
        assert_eq!(pick(&["zh", "en"], None, None, None), Some((0, 1)));
        assert_eq!(pick(&["en", "zh"], None, Some("zh"), None), Some((1, 0)));
        assert_eq!(pick(&["en", "zh"], None, Some("de"), None), Some((0, 1)));
        assert_eq!(pick(&["en", "zh"], Some("de"), None, None), None);
        // A variant of the source language is not another language; two variants are.
        assert_eq!(pick(&["en", "en-GB"], None, None, None), None);
        assert_eq!(pick(&["en-US", "en-GB"], None, None, None), Some((0, 1)));
        assert_eq!(pick(&["en", "EN"], None, None, None), None);
        assert_eq!(pick(&["zh"], None, None, None), None);
        assert_eq!(pick(&[], None, None, None), None);
        assert_eq!(
            pick(&["zh", "en", "fr"], None, None, Some("fr")),
            Some((0, 2))
        );
    }

    #[test]
    fn inline_tags_stripped_or_kept() {
        let xml = tmx(
            r#"<tu><tuv xml:lang="zh-CN"><seg>按<bpt i="1" x="1">&lt;b&gt;</bpt>此处<ept i="1">&lt;/b&gt;</ept><ph>&lt;br/&gt;</ph>继续<hi type="em">强调</hi><it pos="begin">&lt;i&gt;</it>。<ut>{\b}</ut><x/></seg></tuv>
<tuv xml:lang="en-US"><seg>Click <bpt i="1">&lt;b&gt;<sub>foot</sub></bpt>here<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>"#,
        );
        assert_eq!(
            texts(&xml, &ReadOptions::default()),
            [("按此处继续强调。".into(), "Click here.".into())]
        );
        let keep = ReadOptions {
            keep_tags: true,
            ..ReadOptions::default()
        };
        let units = texts(&xml, &keep);
        assert_eq!(
            units[0].0,
            r#"按<bpt i="1" x="1">&lt;b&gt;</bpt>此处<ept i="1">&lt;/b&gt;</ept><ph>&lt;br/&gt;</ph>继续<hi type="em">强调</hi><it pos="begin">&lt;i&gt;</it>。<ut>{\b}</ut><x/>"#
        );
        assert_eq!(
            units[0].1,
            r#"Click <bpt i="1">&lt;b&gt;<sub>foot</sub></bpt>here<ept i="1">&lt;/b&gt;</ept>."#
        );
    }

    #[test]
    fn segs_keep_whitespace_and_cdata_and_normalise_line_ends() {
        let xml = tmx(
            "<tu><tuv xml:lang=\"zh-CN\"><seg>  甲\r\n乙&#13;<![CDATA[<丙>]]> </seg></tuv>\
             <tuv xml:lang=\"en-US\"><seg>A</seg></tuv></tu>",
        );
        assert_eq!(
            texts(&xml, &ReadOptions::default()),
            [("  甲\n乙\r<丙> ".into(), "A".into())]
        );
    }

    #[test]
    fn units_without_two_sides_are_skipped_and_counted() {
        let xml = tmx(r#"<tu><tuv xml:lang="zh-CN"><seg>甲</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>甲</seg></tuv><tuv xml:lang="en-US"><seg> </seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg><ph>&lt;x/&gt;</ph></seg></tuv><tuv xml:lang="en-US"><seg>B</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg/></tuv><tuv xml:lang="en-US"><seg>B</seg></tuv></tu>
<tu/>
<tu><tuv xml:lang="zh-CN"><seg>丁</seg></tuv><tuv xml:lang="en-US"><seg>D</seg></tuv></tu>"#);
        let mut r = Reader::from_bytes("t.tmx", xml.as_bytes(), &ReadOptions::default()).unwrap();
        let units: Vec<Unit> = r.by_ref().map(Result::unwrap).collect();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].source, "丁");
        assert_eq!(r.skipped(), 5);
    }

    #[test]
    fn malformed_xml_names_file_line_and_column() {
        let xml = tmx(r#"<tu><tuv xml:lang="zh-CN"><seg>甲</seg></tuv>
  <tuv xml:lang="en-US"><seg>A</tuv></tu>"#);
        let (line, column, message) = err(&xml);
        assert_eq!((line, column), (6, 31), "{message}");
        assert!(message.contains("seg"), "{message}");
    }

    #[test]
    fn error_display_is_path_line_column() {
        let e = read("<tmx><body>&bogus;</body></tmx>", &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.tmx:1:12: unknown entity &bogus;: XML knows only &amp; &lt; &gt; &quot; &apos; \
             and character references such as &#160;"
        );
        assert_eq!(e.position(), Some((1, 12)));
    }

    #[test]
    fn cut_short_and_not_tmx_are_errors() {
        let full = tmx(
            r#"<tu><tuv xml:lang="zh-CN"><seg>甲</seg></tuv><tuv xml:lang="en-US"><seg>A</seg></tuv></tu>"#,
        );
        let cut = &full[..full.find("</body>").unwrap()];
        let (_, _, message) = err(cut);
        assert!(message.contains("cut short"), "{message}");
        let cut = &full[..full.find("<tuv xml:lang=\"en-US\">").unwrap()];
        let (line, _, message) = err(cut);
        assert!(message.contains("<tu> opened at line 5"), "{message}");
        assert_eq!(line, 5);
        let (line, column, message) = err("<?xml version=\"1.0\"?>\n<html><body/></html>");
        assert_eq!((line, column), (2, 1));
        assert!(message.contains("not a TMX document"), "{message}");
        for empty in ["", "<?xml version=\"1.0\"?>\n", "text"] {
            let (_, _, message) = err(empty);
            assert!(message.contains("no <tmx> element"), "{message}");
        }
    }

    #[test]
    fn other_encodings_are_refused() {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><tmx/>";
        let (_, _, message) = err(xml);
        assert!(message.contains("iconv -f ISO-8859-1"), "{message}");
        let bytes = b"<?xml version=\"1.0\"?><tmx><body><tu><tuv xml:lang=\"zh\"><seg>\xE9</seg></tuv></tu></body></tmx>";
        let e = Reader::from_bytes("t.tmx", &bytes[..], &ReadOptions::default())
            .unwrap()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.position().map(|p| p.0), Some(1), "{e}");
    }

    #[test]
    fn doctype_entities_are_refused_not_expanded() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE tmx [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv><tuv xml:lang="fr"><seg>x</seg></tuv></tu>
</body></tmx>"#;
        let (line, column, message) = err(xml);
        assert_eq!((line, column), (8, 29));
        assert!(message.contains("billion laughs"), "{message}");
        // In an attribute, too.
        let xml = xml
            .replace("<seg>&lol2;</seg>", "<seg>a</seg>")
            .replace("<tuv xml:lang=\"en\">", "<tuv xml:lang=\"&lol2;\">");
        let (line, _, message) = err(&xml);
        assert_eq!(line, 8);
        assert!(message.contains("never expanded"), "{message}");
    }
}
