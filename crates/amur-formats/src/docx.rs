//! Word documents (WordprocessingML, .docx): the main document part, then its footnotes and
//! endnotes in the order the body refers to them.

use super::package::{Package, Tag, XmlEvent, walk_xml};
use super::{Block, BlockKind, Collector, InputFormat, Problem};
use std::collections::HashMap;
use std::path::Path;

/// WordprocessingML's namespace, transitional and strict.
const W: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC: &[&str] = &["http://schemas.openxmlformats.org/markup-compatibility/2006"];

pub(super) fn read(path: &Path) -> Result<Vec<Block>, Problem> {
    let mut pkg = Package::open(path, InputFormat::Docx)?;
    let main = match main_part(&mut pkg)? {
        Some(main) => main,
        None => {
            return Err(match pkg.identify() {
                Some(InputFormat::Odt) => Problem::Disguised {
                    format: InputFormat::Docx,
                    found: "an OpenDocument text (odt)".into(),
                    hint: "use --input-format odt or rename it to .odt".into(),
                },
                _ => pkg.corrupt(
                    "it is a zip archive without word/document.xml (not a Word document)".into(),
                ),
            });
        }
    };
    let xml = pkg.required_text(&main)?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let rels = pkg
        .text(&rels_path(&main))?
        .map(|x| relationships(&x))
        .transpose()
        .map_err(|e| pkg.corrupt(e))?
        .unwrap_or_default();
    let part = |kind: &str, default: &str| {
        rels.iter()
            .find(|(t, _)| t.ends_with(kind))
            .map(|(_, target)| resolve(dir, target))
            .unwrap_or_else(|| resolve(dir, default))
    };
    let styles = match pkg.text(&part("/styles", "styles.xml"))? {
        Some(x) => heading_styles(&x).map_err(|e| pkg.corrupt(format!("styles: {e}")))?,
        None => Vec::new(),
    };
    let body = parse(&xml, &styles).map_err(|e| pkg.corrupt(format!("{main}: {e}")))?;
    let mut blocks = body.blocks;
    for (kind, file) in [
        (NoteKind::Foot, part("/footnotes", "footnotes.xml")),
        (NoteKind::End, part("/endnotes", "endnotes.xml")),
    ] {
        let Some(xml) = pkg.text(&file)? else {
            continue;
        };
        let notes = parse(&xml, &styles).map_err(|e| pkg.corrupt(format!("{file}: {e}")))?;
        let refs: Vec<&str> = body
            .refs
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id.as_str())
            .collect();
        blocks.extend(notes_in_order(notes.notes, &refs));
    }
    Ok(blocks)
}

/// The main document part, from the package relationships (`word/document.xml` as a rule).
fn main_part(pkg: &mut Package) -> Result<Option<String>, Problem> {
    let from_rels = match pkg.text("_rels/.rels")? {
        Some(xml) => relationships(&xml)
            .map_err(|e| pkg.corrupt(format!("_rels/.rels: {e}")))?
            .into_iter()
            .find(|(t, _)| t.ends_with("/officeDocument"))
            .map(|(_, target)| resolve("", &target)),
        None => None,
    };
    for name in from_rels.into_iter().chain(["word/document.xml".into()]) {
        if pkg.contains(&name) {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// `word/_rels/document.xml.rels` for `word/document.xml`.
fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target, relative to the part's directory or absolute (`/word/x.xml`).
fn resolve(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None if dir.is_empty() => target.to_string(),
        None => format!("{dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// (type, target) of each relationship in a `.rels` part.
fn relationships(xml: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    walk_xml(xml, |e| {
        if let XmlEvent::Start(t) = e
            && t.name == "Relationship"
            && t.attr("TargetMode") != Some("External")
            && let (Some(kind), Some(target)) = (t.attr("Type"), t.attr("Target"))
        {
            out.push((kind.to_string(), target.to_string()));
        }
    })?;
    Ok(out)
}

/// Ids of the paragraph styles that are headings: named "heading N", "Title" or "Subtitle"
/// (Word's built-in names, whatever the language of the user interface), or with an outline
/// level, directly or through the style they are based on.
fn heading_styles(xml: &str) -> Result<Vec<String>, String> {
    struct Style {
        heading: bool,
        based_on: Option<String>,
    }
    let mut styles: HashMap<String, Style> = HashMap::new();
    let mut current: Option<String> = None;
    walk_xml(xml, |e| match e {
        XmlEvent::Start(t) if t.is(W, "style") => {
            current = t.attr("styleId").map(String::from);
            if let Some(id) = &current {
                styles.insert(
                    id.clone(),
                    Style {
                        heading: false,
                        based_on: None,
                    },
                );
            }
        }
        XmlEvent::Start(t) => {
            let Some(style) = current.as_ref().and_then(|id| styles.get_mut(id)) else {
                return;
            };
            if t.is(W, "name") {
                let name = t.attr("val").unwrap_or("").to_ascii_lowercase();
                if name.starts_with("heading") || name == "title" || name == "subtitle" {
                    style.heading = true;
                }
            } else if t.is(W, "outlineLvl") && outline_heading(&t) {
                style.heading = true;
            } else if t.is(W, "basedOn") {
                style.based_on = t.attr("val").map(String::from);
            }
        }
        XmlEvent::End { name, .. } if name == "style" => current = None,
        _ => {}
    })?;
    let is_heading = |id: &str| {
        let mut id = id;
        for _ in 0..16 {
            let Some(s) = styles.get(id) else {
                return false;
            };
            if s.heading {
                return true;
            }
            match &s.based_on {
                Some(b) => id = b,
                None => return false,
            }
        }
        false
    };
    Ok(styles.keys().filter(|id| is_heading(id)).cloned().collect())
}

/// `w:outlineLvl` 0–8 marks a heading (9 is body text).
fn outline_heading(t: &Tag) -> bool {
    t.attr("val")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|l| l < 9)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteKind {
    Foot,
    End,
}

/// What a WordprocessingML part holds.
#[derive(Debug, Default)]
struct Parsed {
    /// Paragraphs outside notes, in order.
    blocks: Vec<Block>,
    /// Note references in the order they occur.
    refs: Vec<(NoteKind, String)>,
    /// Notes (in a footnotes or endnotes part): id and paragraphs.
    notes: Vec<(String, Vec<Block>)>,
}

/// The notes referred to, in the order of reference, then any others in the order of the part.
fn notes_in_order(notes: Vec<(String, Vec<Block>)>, refs: &[&str]) -> Vec<Block> {
    let mut notes: Vec<Option<(String, Vec<Block>)>> = notes.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for r in refs {
        if let Some(slot) = notes
            .iter_mut()
            .find(|n| n.as_ref().is_some_and(|(id, _)| id == r))
        {
            out.extend(slot.take().map(|(_, b)| b).unwrap_or_default());
        }
    }
    out.extend(notes.into_iter().flatten().flat_map(|(_, b)| b));
    out
}

/// An open container of text.
enum Open {
    Paragraph(Collector, BlockKind),
    /// A table cell: its paragraphs become lines of one block.
    Cell(Vec<String>),
}

/// Reads the paragraphs of a WordprocessingML part (document, footnotes or endnotes).
fn parse(xml: &str, heading_styles: &[String]) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    // Names of the open elements (W namespace only; others as "").
    let mut stack: Vec<String> = Vec::new();
    // Depth of the element whose content is being skipped, if any.
    let mut skip: Option<usize> = None;
    let mut open: Vec<Open> = Vec::new();
    let mut hidden_runs: Vec<bool> = Vec::new();
    let mut in_text = false;
    let mut in_note = false;

    walk_xml(xml, |e| match e {
        XmlEvent::Start(t) => {
            if skip.is_some() {
                stack.push(String::new());
                return;
            }
            let w = W.contains(&t.ns.as_str());
            let parent = stack.last().map(String::as_str).unwrap_or("");
            let skipped =
                (w && matches!(
                    t.name.as_str(),
                    "del" | "moveFrom" | "delText" | "instrText" | "pPrChange" | "rPrChange"
                )) || (MC.contains(&t.ns.as_str()) && t.name == "Fallback")
                    || (w
                        && matches!(t.name.as_str(), "footnote" | "endnote")
                        && matches!(
                            t.attr("type"),
                            Some("separator" | "continuationSeparator" | "continuationNotice")
                        ));
            if skipped {
                skip = Some(stack.len());
                stack.push(String::new());
                return;
            }
            if !w {
                stack.push(String::new());
                return;
            }
            let hidden = hidden_runs.last() == Some(&true);
            match t.name.as_str() {
                "p" => {
                    let kind = if in_note {
                        BlockKind::Note
                    } else {
                        BlockKind::Paragraph
                    };
                    open.push(Open::Paragraph(Collector::default(), kind));
                }
                "tc" => open.push(Open::Cell(Vec::new())),
                "r" => hidden_runs.push(false),
                "vanish"
                    if parent == "rPr" && stack.iter().rev().nth(1).is_some_and(|g| g == "r") =>
                {
                    if !matches!(t.attr("val"), Some("0" | "false" | "off"))
                        && let Some(h) = hidden_runs.last_mut()
                    {
                        *h = true;
                    }
                }
                "pStyle" if parent == "pPr" => {
                    let id = t.attr("val").unwrap_or("");
                    if heading_styles.iter().any(|h| h == id) || looks_like_heading_style(id) {
                        mark_heading(&mut open);
                    }
                }
                "outlineLvl" if parent == "pPr" && outline_heading(&t) => mark_heading(&mut open),
                "t" if parent == "r" => in_text = true,
                "tab" if parent == "r" && !hidden => push_text(&mut open, " "),
                "br" | "cr" if parent == "r" && !hidden => {
                    if let Some(c) = paragraph(&mut open) {
                        c.line_break();
                    }
                }
                "noBreakHyphen" if parent == "r" && !hidden => push_text(&mut open, "-"),
                "footnoteReference" | "endnoteReference" => {
                    let kind = if t.name == "footnoteReference" {
                        NoteKind::Foot
                    } else {
                        NoteKind::End
                    };
                    if let Some(id) = t.attr("id") {
                        out.refs.push((kind, id.to_string()));
                    }
                }
                "footnote" | "endnote" => {
                    in_note = true;
                    out.notes
                        .push((t.attr("id").unwrap_or("").to_string(), Vec::new()));
                }
                _ => {}
            }
            stack.push(t.name);
        }
        XmlEvent::End { .. } => {
            let name = stack.pop().unwrap_or_default();
            if let Some(depth) = skip {
                if stack.len() == depth {
                    skip = None;
                }
                return;
            }
            match name.as_str() {
                "p" => {
                    let Some(Open::Paragraph(mut c, kind)) = open.pop() else {
                        return;
                    };
                    match open.last_mut() {
                        Some(Open::Cell(lines)) => {
                            c.flush(kind);
                            lines.extend(c.blocks.into_iter().flat_map(|b| b.lines));
                        }
                        _ => {
                            c.flush(kind);
                            emit(&mut out, in_note, c.blocks);
                        }
                    }
                }
                "tc" => {
                    if let Some(Open::Cell(lines)) = open.pop()
                        && !lines.is_empty()
                    {
                        let kind = if in_note {
                            BlockKind::Note
                        } else {
                            BlockKind::TableCell
                        };
                        emit(&mut out, in_note, vec![Block { lines, kind }]);
                    }
                }
                "r" => {
                    hidden_runs.pop();
                }
                "t" => in_text = false,
                "footnote" | "endnote" => in_note = false,
                _ => {}
            }
        }
        XmlEvent::Text(s) => {
            if skip.is_none() && in_text && hidden_runs.last() != Some(&true) {
                push_text(&mut open, &s);
            }
        }
    })?;
    Ok(out)
}

/// Style ids of Word's built-in headings in English (a document without styles.xml).
fn looks_like_heading_style(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    id.starts_with("heading") || id == "title" || id == "subtitle"
}

/// The innermost open container, if it is a paragraph (text outside one is not read).
fn paragraph(open: &mut [Open]) -> Option<&mut Collector> {
    match open.last_mut() {
        Some(Open::Paragraph(c, _)) => Some(c),
        _ => None,
    }
}

fn push_text(open: &mut [Open], s: &str) {
    if let Some(c) = paragraph(open) {
        c.push_str(s);
    }
}

fn mark_heading(open: &mut [Open]) {
    if let Some(Open::Paragraph(_, kind)) = open.last_mut()
        && *kind == BlockKind::Paragraph
    {
        *kind = BlockKind::Heading;
    }
}

fn emit(out: &mut Parsed, in_note: bool, blocks: Vec<Block>) {
    if in_note {
        if let Some((_, note)) = out.notes.last_mut() {
            note.extend(blocks);
        }
    } else {
        out.blocks.extend(blocks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
        )
    }

    fn lines(p: &Parsed) -> Vec<(Vec<&str>, BlockKind)> {
        p.blocks
            .iter()
            .map(|b| (b.lines.iter().map(String::as_str).collect(), b.kind))
            .collect()
    }

    #[test]
    fn tracked_changes_hidden_text_and_field_codes() {
        let xml = doc(r#"<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r>
            <w:del w:id="1"><w:r><w:delText>deleted </w:delText></w:r></w:del>
            <w:ins w:id="2"><w:r><w:t>inserted</w:t></w:r></w:ins>
            <w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>
            <w:r><w:instrText> PAGE </w:instrText></w:r>
            <w:moveFrom><w:r><w:t>moved away</w:t></w:r></w:moveFrom>
            <w:r><w:tab/><w:t>end</w:t><w:br/><w:t>next line</w:t></w:r></w:p>"#);
        let p = parse(&xml, &[]).unwrap();
        assert_eq!(
            lines(&p),
            vec![(vec!["Kept inserted end", "next line"], BlockKind::Paragraph)]
        );
    }

    #[test]
    fn headings_tables_and_alternate_content() {
        let xml = doc(
            r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>
            <w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Sub</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc>
            <w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>
              <w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
              <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>
            </mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#,
        );
        let p = parse(&xml, &["1".to_string()]).unwrap();
        assert_eq!(
            lines(&p),
            vec![
                (vec!["标题"], BlockKind::Heading),
                (vec!["Sub"], BlockKind::Heading),
                (vec!["a", "b"], BlockKind::TableCell),
                (vec!["c"], BlockKind::TableCell),
                (vec!["box"], BlockKind::Paragraph),
                (vec!["after"], BlockKind::Paragraph),
            ]
        );
        assert_eq!(p.refs, vec![(NoteKind::Foot, "2".to_string())]);
    }

    #[test]
    fn footnotes_skip_separators_and_follow_reference_order() {
        let xml = r#"<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
            <w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> One.</w:t></w:r></w:p></w:footnote>
            <w:footnote w:id="2"><w:p><w:r><w:t>Two.</w:t></w:r></w:p><w:p><w:r><w:t>Two b.</w:t></w:r></w:p></w:footnote>
            </w:footnotes>"#;
        let p = parse(xml, &[]).unwrap();
        assert!(p.blocks.is_empty());
        let blocks = notes_in_order(p.notes, &["2", "1"]);
        let texts: Vec<&str> = blocks.iter().map(|b| b.lines[0].as_str()).collect();
        assert_eq!(texts, vec!["Two.", "Two b.", "One."]);
        assert!(blocks.iter().all(|b| b.kind == BlockKind::Note));
    }

    #[test]
    fn heading_styles_by_name_outline_and_base() {
        let xml = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="Mine"/><w:basedOn w:val="1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Out"><w:name w:val="Out"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
            </w:styles>"#;
        let mut h = heading_styles(xml).unwrap();
        h.sort();
        assert_eq!(h, vec!["1", "Mine", "Out"]);
    }

    #[test]
    fn relationship_targets_resolve() {
        assert_eq!(resolve("word", "footnotes.xml"), "word/footnotes.xml");
        assert_eq!(resolve("word", "/word/x.xml"), "word/x.xml");
        assert_eq!(resolve("word", "../customXml/a.xml"), "customXml/a.xml");
        assert_eq!(
            rels_path("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
    }
}
