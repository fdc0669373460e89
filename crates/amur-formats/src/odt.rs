//! OpenDocument text (.odt): the paragraphs of `content.xml`, then its footnotes and endnotes.

use super::package::{Package, XmlEvent, walk_xml};
use super::{Block, BlockKind, Collector, InputFormat, Problem};
use std::path::Path;

const TEXT: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:text:1.0"];
const TABLE: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:table:1.0"];
const OFFICE: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:office:1.0"];
const SVG: &[&str] = &["urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"];

pub(super) fn read(path: &Path) -> Result<Vec<Block>, Problem> {
    let mut pkg = Package::open(path, InputFormat::Odt)?;
    if let Some(manifest) = pkg.text("META-INF/manifest.xml")?
        && manifest.contains("encryption-data")
    {
        return Err(Problem::PasswordProtected);
    }
    let Some(xml) = pkg.text("content.xml")? else {
        return Err(match pkg.identify() {
            Some(InputFormat::Docx) => Problem::Disguised {
                format: InputFormat::Odt,
                found: "a Word document (docx)".into(),
                hint: "use --input-format docx or rename it to .docx".into(),
            },
            _ => pkg.corrupt(
                "it is a zip archive without content.xml (not an OpenDocument file)".into(),
            ),
        });
    };
    if let Some(mime) = pkg.text("mimetype")?
        && mime.starts_with("application/vnd.oasis.opendocument.")
        && !mime.starts_with("application/vnd.oasis.opendocument.text")
    {
        return Err(Problem::Disguised {
            format: InputFormat::Odt,
            found: format!("an OpenDocument file of another kind ({})", mime.trim()),
            hint: "save the text as .odt or .docx".into(),
        });
    }
    parse(&xml).map_err(|e| pkg.corrupt(format!("content.xml: {e}")))
}

enum Open {
    Paragraph(Collector, BlockKind),
    Cell(Vec<String>),
    /// A footnote or endnote and its paragraphs.
    Note(bool, Vec<Block>),
}

/// The body's paragraphs, then the footnotes, then the endnotes.
fn parse(xml: &str) -> Result<Vec<Block>, String> {
    let mut body = Vec::new();
    let mut footnotes = Vec::new();
    let mut endnotes = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut depth = 0usize;
    let mut skip: Option<usize> = None;
    let mut in_office_text: Option<usize> = None;
    let mut list_items = 0usize;
    let mut notes_open = 0usize;

    walk_xml(xml, |e| match e {
        XmlEvent::Start(t) => {
            depth += 1;
            if skip.is_some() {
                return;
            }
            if t.is(OFFICE, "text") && in_office_text.is_none() {
                in_office_text = Some(depth);
                return;
            }
            if in_office_text.is_none() {
                return;
            }
            let skipped = t.is(TEXT, "tracked-changes")
                || t.is(TEXT, "note-citation")
                || t.is(OFFICE, "annotation")
                || t.is(SVG, "title")
                || t.is(SVG, "desc");
            if skipped {
                skip = Some(depth);
                return;
            }
            if t.is(TEXT, "p") || t.is(TEXT, "h") {
                let kind = if notes_open > 0 {
                    BlockKind::Note
                } else if t.name == "h" {
                    BlockKind::Heading
                } else if list_items > 0 {
                    BlockKind::ListItem
                } else {
                    BlockKind::Paragraph
                };
                open.push(Open::Paragraph(Collector::default(), kind));
            } else if t.is(TABLE, "table-cell") {
                open.push(Open::Cell(Vec::new()));
            } else if t.is(TEXT, "note") {
                notes_open += 1;
                open.push(Open::Note(
                    t.attr("note-class") == Some("endnote"),
                    Vec::new(),
                ));
            } else if t.is(TEXT, "list-item") || t.is(TEXT, "list-header") {
                list_items += 1;
            } else if let Some(c) = paragraph(&mut open) {
                if t.is(TEXT, "s") {
                    let n = t.attr("c").and_then(|c| c.parse().ok()).unwrap_or(1usize);
                    c.push_str(&" ".repeat(n.min(1000)));
                } else if t.is(TEXT, "tab") {
                    c.push(' ');
                } else if t.is(TEXT, "line-break") {
                    c.line_break();
                }
            }
        }
        XmlEvent::End { ns, name } => {
            depth -= 1;
            if let Some(d) = skip {
                if depth < d {
                    skip = None;
                }
                return;
            }
            if in_office_text.is_some_and(|d| depth < d) {
                in_office_text = None;
                return;
            }
            if in_office_text.is_none() {
                return;
            }
            let ns = ns.as_str();
            let text = TEXT.contains(&ns);
            if text && (name == "p" || name == "h") {
                let Some(Open::Paragraph(mut c, kind)) = open.pop() else {
                    return;
                };
                c.flush(kind);
                match open.last_mut() {
                    Some(Open::Cell(lines)) => {
                        lines.extend(c.blocks.into_iter().flat_map(|b| b.lines));
                    }
                    Some(Open::Note(_, blocks)) => blocks.extend(c.blocks),
                    _ => body.extend(c.blocks),
                }
            } else if TABLE.contains(&ns) && name == "table-cell" {
                if let Some(Open::Cell(lines)) = open.pop()
                    && !lines.is_empty()
                {
                    let kind = if notes_open > 0 {
                        BlockKind::Note
                    } else {
                        BlockKind::TableCell
                    };
                    let block = Block { lines, kind };
                    match open.last_mut() {
                        Some(Open::Note(_, blocks)) => blocks.push(block),
                        _ => body.push(block),
                    }
                }
            } else if text && name == "note" {
                notes_open = notes_open.saturating_sub(1);
                if let Some(Open::Note(endnote, blocks)) = open.pop() {
                    if endnote {
                        endnotes.extend(blocks);
                    } else {
                        footnotes.extend(blocks);
                    }
                }
            } else if text && (name == "list-item" || name == "list-header") {
                list_items = list_items.saturating_sub(1);
            }
        }
        XmlEvent::Text(s) => {
            if skip.is_none()
                && let Some(c) = paragraph(&mut open)
            {
                c.push_collapsing(&s);
            }
        }
    })?;
    body.extend(footnotes);
    body.extend(endnotes);
    Ok(body)
}

/// The innermost open paragraph, if the innermost container is one.
fn paragraph(open: &mut [Open]) -> Option<&mut Collector> {
    match open.last_mut() {
        Some(Open::Paragraph(c, _)) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
<office:body><office:text>
<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>
{body}</office:text></office:body></office:document-content>"#
        )
    }

    #[test]
    fn paragraphs_headings_lists_tables_notes_and_changes() {
        let xml = content(
            r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>
                <text:p>deleted text</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:h text:outline-level="1">Title</text:h>
            <text:p>One <text:span>two</text:span><text:s text:c="2"/>three<text:change text:change-id="c1"/>
              four<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>
              <text:note-body><text:p>A note.</text:p></text:note-body></text:note><text:line-break/>five</text:p>
            <text:list><text:list-item><text:p>item</text:p></text:list-item></text:list>
            <table:table><table:table-row><table:table-cell><text:p>a</text:p><text:p>b</text:p></table:table-cell>
              <table:table-cell/></table:table-row></table:table>
            <text:p><office:annotation><text:p>comment</text:p></office:annotation>正文</text:p>"#,
        );
        let blocks = parse(&xml).unwrap();
        let got: Vec<(Vec<&str>, BlockKind)> = blocks
            .iter()
            .map(|b| (b.lines.iter().map(String::as_str).collect(), b.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (vec!["Title"], BlockKind::Heading),
                (vec!["One two  three four", "five"], BlockKind::Paragraph),
                (vec!["item"], BlockKind::ListItem),
                (vec!["a", "b"], BlockKind::TableCell),
                (vec!["正文"], BlockKind::Paragraph),
                (vec!["A note."], BlockKind::Note),
            ]
        );
    }
}
