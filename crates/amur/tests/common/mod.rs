//! What the integration tests share (`mod common;`): running the `amur` binary, and documents
//! made in the tests (no fixtures): docx and odt through the `zip` writer, HTML and Markdown as
//! text, each from a list of paragraphs, shaped as their usual writers shape them.

// Each test crate uses only some of these.
#![allow(dead_code)]

use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

pub fn xml_escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The char index nearest the middle of `t` where it can be cut: between two CJK characters
/// when `cjk`, else at a space.
pub fn cut_point(t: &str, cjk: bool) -> Option<usize> {
    let chars: Vec<char> = t.chars().collect();
    let mid = chars.len() / 2;
    let is_cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    (mid..chars.len())
        .chain((1..mid).rev())
        .find(|&i| {
            if cjk {
                i > 0 && is_cjk(chars[i - 1]) && is_cjk(chars[i])
            } else {
                chars[i] == ' '
            }
        })
        .map(|i| chars[..i].iter().collect::<String>().len())
}

pub fn zip_file(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A paragraph of a generated document.
pub enum Para<'a> {
    Heading(&'a str),
    /// Body text, with the ids of the footnotes referred to at its end.
    Body(&'a str, &'a [u32]),
}

pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A docx as Word writes it, near enough: relationships, content types, styles, and the
/// text of each paragraph split over runs, with a tracked insertion, a tracked deletion,
/// a bookmark and a proofing mark that must not change what is read.
pub fn docx(paras: &[Para], footnotes: &[(u32, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for p in paras {
        match p {
            Para::Heading(t) => body.push_str(&format!(
                r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>"#,
                xml_escape(t)
            )),
            Para::Body(t, notes) => {
                let (a, b) = t.split_at(cut_point(t, !t.is_ascii()).unwrap_or(t.len()));
                body.push_str(&format!(
                    r#"<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:bookmarkStart w:id="0" w:name="_x"/><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r><w:bookmarkEnd w:id="0"/><w:del w:id="1" w:author="r"><w:r><w:delText>DELETED WORDS </w:delText></w:r></w:del><w:proofErr w:type="spellStart"/><w:ins w:id="2" w:author="r"><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:ins>"#,
                    xml_escape(a),
                    xml_escape(b)
                ));
                for id in *notes {
                    body.push_str(&format!(
                        r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{id}"/></w:r>"#
                    ));
                }
                body.push_str("</w:p>");
            }
        }
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let mut notes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#
    );
    for (id, t) in footnotes {
        notes.push_str(&format!(
            r#"<w:footnote w:id="{id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {}</w:t></w:r></w:p></w:footnote>"#,
            xml_escape(t)
        ));
    }
    notes.push_str("</w:footnotes>");
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>"#
    );
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/></Relationships>"#;
    zip_file(&[
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        ("_rels/.rels", rels.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.as_bytes().to_vec()),
        ("word/styles.xml", styles.into_bytes()),
        ("word/footnotes.xml", notes.into_bytes()),
    ])
}

pub fn docx_of(paragraphs: &[String]) -> Vec<u8> {
    let paras: Vec<Para> = paragraphs.iter().map(|p| Para::Body(p, &[])).collect();
    docx(&paras, &[])
}

/// An odt as LibreOffice writes it: the mimetype first and stored, a manifest, and content
/// with spans, a tracked deletion (whose text is kept apart) and pretty-printing whitespace.
pub fn odt_of(paragraphs: &[String], manifest_extra: &str) -> Vec<u8> {
    let mut body = String::from(
        r#"<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>r</dc:creator></office:change-info><text:p>DELETED WORDS</text:p></text:deletion></text:changed-region></text:tracked-changes>"#,
    );
    for p in paragraphs {
        let (a, b) = p.split_at(cut_point(p, !p.is_ascii()).unwrap_or(p.len()));
        body.push_str(&format!(
            "\n    <text:p text:style-name=\"P1\"><text:span text:style-name=\"T1\">{}</text:span><text:change text:change-id=\"ct1\"/>{}</text:p>",
            xml_escape(a),
            xml_escape(b)
        ));
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
  <office:automatic-styles/>
  <office:body>
   <office:text>{body}
   </office:text>
  </office:body>
</office:document-content>"#
    );
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry></manifest:manifest>"#
    );
    zip_file(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text".to_vec(),
        ),
        ("META-INF/manifest.xml", manifest.into_bytes()),
        ("content.xml", content.into_bytes()),
    ])
}

/// Wraps a paragraph over two source lines, as editors do: the line end is a space in
/// English and nothing between two Chinese characters.
pub fn wrapped(p: &str) -> String {
    match cut_point(p, !p.is_ascii()) {
        Some(k) if p.is_ascii() => format!("{}\n      {}", &p[..k], &p[k + 1..]),
        Some(k) => format!("{}\n{}", &p[..k], &p[k..]),
        None => p.to_string(),
    }
}

/// An HTML page with the furniture a reader must drop.
pub fn html_of(paragraphs: &[String]) -> Vec<u8> {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"x\"><head><meta charset=\"utf-8\"><title>Archive page</title>\n\
         <style>p { margin: 0 }</style><script>document.title = \"not text\";</script></head>\n\
         <body><nav><a href=\"/\">Home</a> | <a href=\"/about\">About</a></nav>\n<!-- generated page -->\n<main>\n",
    );
    for p in paragraphs {
        page.push_str(&format!("  <p>{}</p>\n", xml_escape(&wrapped(p))));
    }
    page.push_str("</main>\n<script>track();</script></body></html>\n");
    page.into_bytes()
}

/// Markdown with every ASCII punctuation character escaped (so that none is markup) and
/// paragraphs wrapped over two lines.
pub fn md_of(paragraphs: &[String]) -> Vec<u8> {
    let mut out = String::from("---\ntitle: sample\n---\n\n");
    for p in paragraphs {
        let escaped: String = wrapped(p)
            .chars()
            .flat_map(|c| {
                let esc = c.is_ascii_punctuation();
                esc.then_some('\\').into_iter().chain([c])
            })
            .collect();
        out.push_str(&escaped);
        out.push_str("\n\n");
    }
    out.into_bytes()
}

/// A character device `major:minor` (1:3 null, 1:7 full) that a test may write to without
/// risk: for root, who could replace a node in /dev should amur ever rename over devices, a
/// fresh node in `dir` made with mknod; for anyone else the one in /dev, which they cannot
/// replace. `None` when neither can be had.
#[cfg(unix)]
pub fn char_device(
    dir: &std::path::Path,
    name: &str,
    major: u32,
    minor: u32,
) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").map_or(true, |m| m.uid() == 0);
    let path = if root {
        let p = dir.join(name);
        let made = std::process::Command::new("mknod")
            .arg(&p)
            .args(["c", &major.to_string(), &minor.to_string()])
            .status();
        made.ok()?.success().then_some(p)?
    } else {
        std::path::Path::new("/dev").join(name)
    };
    is_char_device(&path).then_some(path)
}

/// Whether `path` itself (not what a link points to) is a character device.
#[cfg(unix)]
pub fn is_char_device(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

/// Runs the `amur` binary with `args`.
pub fn amur(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_amur"))
        .args(args)
        .output()
        .expect("run amur")
}

/// A run's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path as the `&str` an argument list takes.
pub fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}
