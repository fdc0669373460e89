//! TBX glossaries. Written as TBX-Basic (ISO 30042:2008 style):
//!
//! ```xml
//! <martif type="TBX-Basic" xml:lang="en">
//!   <martifHeader>…</martifHeader>
//!   <text><body>
//!     <termEntry id="t1">
//!       <note>comment</note>
//!       <langSet xml:lang="zh"><tig><term>伯力</term></tig></langSet>
//!       <langSet xml:lang="en"><tig><term>Khabarovsk</term></tig></langSet>
//!     </termEntry>
//!   </body></text>
//! </martif>
//! ```
//!
//! Read: TBX-Basic (`termEntry`/`langSet`/`tig` or `ntig`) and TBX v3 (`tbx`/`conceptEntry`/
//! `langSec`/`termSec`), any namespace prefix. Every `<term>` of a Chinese language section
//! (`zh`, `zh-TW` …) is paired with every `<term>` of an English one; the entry's `<note>`s,
//! at any level, joined by "; ", become the comment.

use super::{Parsed, Problem};
use amur_core::glossary::Glossary;
use quick_xml::escape::{partial_escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use std::borrow::Cow;
use std::io::{self, Write};

/// Writes a TBX-Basic document, one `termEntry` per term.
pub fn write(g: &Glossary, out: &mut dyn Write) -> io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        None,
    )))?;
    w.create_element("martif")
        .with_attributes([("type", "TBX-Basic"), ("xml:lang", "en")])
        .write_inner_content(|w| {
            write_header(w)?;
            w.create_element("text").write_inner_content(|w| {
                w.create_element("body").write_inner_content(|w| {
                    for (i, t) in g.terms.iter().enumerate() {
                        write_entry(w, i + 1, &t.zh, &t.en, &t.comment)?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })?;
    w.get_mut().write_all(b"\n")
}

fn write_header<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.create_element("martifHeader").write_inner_content(|w| {
        w.create_element("fileDesc").write_inner_content(|w| {
            w.create_element("sourceDesc").write_inner_content(|w| {
                w.create_element("p")
                    .write_text_content(BytesText::new("Glossary written by amur"))?;
                Ok(())
            })?;
            Ok(())
        })?;
        w.create_element("encodingDesc").write_inner_content(|w| {
            w.create_element("p")
                .with_attribute(("type", "XCSURI"))
                .write_text_content(BytesText::new("TBXBasicXCSV02.xcs"))?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// One `termEntry`: the note (when there is a comment), then the Chinese and English sets.
fn write_entry<W: Write>(
    w: &mut Writer<W>,
    n: usize,
    zh: &str,
    en: &str,
    comment: &str,
) -> io::Result<()> {
    w.create_element("termEntry")
        .with_attribute(("id", format!("t{n}").as_str()))
        .write_inner_content(|w| {
            if !comment.trim().is_empty() {
                w.create_element("note")
                    .write_text_content(text(comment.trim()))?;
            }
            write_lang_set(w, "zh", zh)?;
            write_lang_set(w, "en", en)
        })?;
    Ok(())
}

fn write_lang_set<W: Write>(w: &mut Writer<W>, lang: &str, term: &str) -> io::Result<()> {
    w.create_element("langSet")
        .with_attribute(("xml:lang", lang))
        .write_inner_content(|w| {
            w.create_element("tig").write_inner_content(|w| {
                w.create_element("term")
                    .write_text_content(text(term.trim()))?;
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

/// Element text: escaped, without the characters XML 1.0 forbids.
fn text(s: &str) -> BytesText<'static> {
    let clean: String = s.chars().filter(|&c| is_xml_char(c)).collect();
    BytesText::from_escaped(Cow::Owned(partial_escape(&clean).into_owned()))
}

/// Whether XML 1.0 allows `c`.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A language of a term section, as far as glossaries care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
    Other,
}

fn lang_of(code: &str) -> Lang {
    let code = code.trim().to_ascii_lowercase();
    let base = code.split(['-', '_']).next().unwrap_or("");
    match base {
        "zh" | "zho" | "chi" | "cmn" => Lang::Zh,
        "en" | "eng" => Lang::En,
        _ => Lang::Other,
    }
}

/// The entry being read.
#[derive(Debug, Default)]
struct Entry {
    line: usize,
    zh: Vec<String>,
    en: Vec<String>,
    notes: Vec<String>,
    empty_terms: Vec<usize>,
}

/// Byte offsets of line starts, to turn positions into lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }
}

/// The reader's state between events.
#[derive(Default)]
struct State {
    stack: Vec<String>,
    entry: Option<Entry>,
    lang: Option<Lang>,
    text: Option<String>,
    root_seen: bool,
}

/// Local name without a namespace prefix.
fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

fn lang_attr(e: &BytesStart) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        (key == "xml:lang" || key == "lang")
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(Cow::into_owned)
                    .ok()
            })
            .flatten()
    })
}

/// Parses TBX text, collecting problems (XML errors with line and column, entries without a
/// Chinese or English term, empty terms).
pub fn parse(text: &str) -> Parsed {
    let lines = Lines::new(text);
    let mut out = Parsed::default();
    let mut reader = Reader::from_str(text);
    let mut st = State::default();
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let (line, col) = lines.at(reader.error_position() as usize);
                out.problems.push(Problem {
                    column: Some(col),
                    ..Problem::at(line, format!("XML error: {e}"))
                });
                return out;
            }
        };
        let pos = reader.buffer_position() as usize;
        match event {
            Event::Start(e) => start(&mut st, &mut out, &e, lines.at(pos).0),
            Event::Empty(e) => {
                start(&mut st, &mut out, &e, lines.at(pos).0);
                end(&mut st, &mut out);
            }
            Event::End(_) => end(&mut st, &mut out),
            Event::Text(e) => push_text(&mut st, &e.xml10_content()),
            Event::CData(e) => push_text(&mut st, &e.xml10_content()),
            Event::GeneralRef(e) => {
                let resolved = match e.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => resolve_predefined_entity(&e).map(str::to_string),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => push_text(&mut st, &s),
                    None => {
                        let (line, col) = lines.at(pos);
                        out.problems.push(Problem {
                            column: Some(col),
                            ..Problem::at(line, format!("unknown entity &{};", &*e))
                        });
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = st.stack.last() {
        let (line, col) = lines.at(text.len());
        out.problems.push(Problem {
            column: Some(col),
            ..Problem::at(line, format!("XML error: <{open}> is never closed"))
        });
    } else if !st.root_seen {
        out.problems.push(Problem::at(
            1,
            "not a TBX document: no <martif> or <tbx> root",
        ));
    }
    out
}

fn push_text(st: &mut State, s: &str) {
    if let Some(t) = st.text.as_mut() {
        t.push_str(s);
    }
}

fn start(st: &mut State, out: &mut Parsed, e: &BytesStart, line: usize) {
    let name = local(e);
    if st.stack.is_empty() {
        if name == "martif" || name == "tbx" {
            st.root_seen = true;
        } else {
            out.problems.push(Problem::at(
                line,
                format!("not a TBX document: root is <{name}>, not <martif> or <tbx>"),
            ));
        }
    }
    match name.as_str() {
        "termEntry" | "conceptEntry" => {
            st.entry = Some(Entry {
                line,
                ..Entry::default()
            })
        }
        "langSet" | "langSec" => st.lang = Some(lang_attr(e).map_or(Lang::Other, |l| lang_of(&l))),
        "term" | "note" if st.entry.is_some() => st.text = Some(String::new()),
        _ => {}
    }
    st.stack.push(name);
}

fn end(st: &mut State, out: &mut Parsed) {
    let Some(name) = st.stack.pop() else {
        return;
    };
    match name.as_str() {
        "term" => finish_term(st, out),
        "note" => {
            let note = st.text.take().unwrap_or_default();
            if let Some(entry) = st.entry.as_mut()
                && !note.trim().is_empty()
            {
                entry.notes.push(note.trim().to_string());
            }
        }
        "langSet" | "langSec" => st.lang = None,
        "termEntry" | "conceptEntry" => {
            if let Some(entry) = st.entry.take() {
                finish_entry(entry, out);
            }
        }
        _ => {}
    }
}

fn finish_term(st: &mut State, _out: &mut Parsed) {
    let term = st.text.take().unwrap_or_default().trim().to_string();
    let Some(entry) = st.entry.as_mut() else {
        return;
    };
    if term.is_empty() {
        entry.empty_terms.push(entry.line);
        return;
    }
    match st.lang {
        Some(Lang::Zh) => entry.zh.push(term),
        Some(Lang::En) => entry.en.push(term),
        _ => {}
    }
}

fn finish_entry(entry: Entry, out: &mut Parsed) {
    let line = entry.line;
    if !entry.empty_terms.is_empty() {
        out.problems
            .push(Problem::at(line, "entry with an empty <term>"));
    }
    if entry.zh.is_empty() || entry.en.is_empty() {
        let message = if entry.zh.is_empty() {
            "entry without a Chinese term"
        } else {
            "entry without an English term"
        };
        out.problems.push(Problem::at(line, message));
        return;
    }
    let comment = entry.notes.join("; ");
    for zh in &entry.zh {
        for en in &entry.en {
            out.push(line, zh, en, &comment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tbx_v3_concept_entries_are_read() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="zh-TW">
        <termSec><term>伯力</term><note>city</note></termSec>
      </langSec>
      <langSec xml:lang="en-US">
        <termSec><term>Khabarovsk</term></termSec>
        <termSec><term>Habarovsk</term></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>"#;
        let p = parse(xml);
        assert_eq!(p.problems, vec![]);
        let pairs: Vec<(&str, &str, &str)> = p
            .glossary
            .terms
            .iter()
            .map(|t| (t.zh.as_str(), t.en.as_str(), t.comment.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("伯力", "Khabarovsk", "city"),
                ("伯力", "Habarovsk", "city")
            ]
        );
        assert_eq!(p.lines, [5, 5]);
    }

    #[test]
    fn xml_errors_have_line_and_column() {
        let xml = "<martif type=\"TBX-Basic\">\n<text><body>\n  <termEntry>\n  </langSet>\n";
        let p = parse(xml);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(p.problems[0].line, 4);
        assert_eq!(p.problems[0].column, Some(3));
        assert!(p.problems[0].message.starts_with("XML error"));
    }

    #[test]
    fn entities_declared_in_a_doctype_are_not_expanded() {
        // A billion-laughs file: each entity ten of the one before. Refused at the first use.
        let mut decl = String::from("<!ENTITY l0 \"lol\">");
        for k in 1..10 {
            decl += &format!("<!ENTITY l{k} \"{}\">", format!("&l{};", k - 1).repeat(10));
        }
        let xml = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE martif [{decl}]>\n<martif><text><body><termEntry>\
             <langSet xml:lang=\"zh\"><tig><term>&l9;</term></tig></langSet>\
             <langSet xml:lang=\"en\"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>"
        );
        let started = std::time::Instant::now();
        let p = parse(&xml);
        assert!(started.elapsed().as_secs() < 1);
        assert!(
            p.problems
                .iter()
                .any(|p| p.line == 3 && p.message.contains("&l9;")),
            "{:?}",
            p.problems
        );
        assert!(p.glossary.terms.iter().all(|t| !t.zh.contains("lol")));
    }

    #[test]
    fn unclosed_documents_and_half_entries_are_problems() {
        let xml = "<martif><text><body><termEntry><langSet xml:lang=\"zh\"><tig><term>伯力</term></tig></langSet></termEntry>";
        let p = parse(xml);
        let messages: Vec<&str> = p.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.contains(&"entry without an English term"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("never closed")),
            "{messages:?}"
        );
    }

    #[test]
    fn line_and_column_of_offsets() {
        let l = Lines::new("ab\n伯力x\n");
        assert_eq!(l.at(0), (1, 1));
        assert_eq!(l.at(3), (2, 1));
        assert_eq!(l.at(9), (2, 3));
    }
}
