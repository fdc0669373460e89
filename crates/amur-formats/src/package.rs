//! What docx and odt share: recognising a file by its first bytes, opening it as a zip archive
//! with bounded decompression, and walking the XML of its parts.

use super::{InputFormat, Problem};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use zip::ZipArchive;
use zip::result::ZipError;

/// No entry of an archive may unpack to more than this many bytes.
pub(super) const MAX_ENTRY_BYTES: u64 = 200_000_000;
/// Nor to more than this many times its packed size (once past [`RATIO_FREE_BYTES`]).
pub(super) const MAX_RATIO: u64 = 200;
/// Entries up to this size are not held to [`MAX_RATIO`].
const RATIO_FREE_BYTES: u64 = 10 << 20;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Empty,
    Zip,
    /// An OLE2 compound file: an old .doc, or an encrypted OOXML document.
    Cfb,
    Pdf,
    /// UTF-8 text (at least as far as we looked).
    Text,
    Binary,
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn sniff(head: &[u8]) -> Sniffed {
    if head.is_empty() {
        Sniffed::Empty
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Sniffed::Zip
    } else if head.starts_with(CFB_MAGIC) {
        Sniffed::Cfb
    } else if head.starts_with(b"%PDF-") {
        Sniffed::Pdf
    } else {
        let utf8 = match std::str::from_utf8(head) {
            Ok(_) => true,
            // A character cut off at the end of what we read is fine.
            Err(e) => e.error_len().is_none(),
        };
        if utf8 && !head.contains(&0) {
            Sniffed::Text
        } else {
            Sniffed::Binary
        }
    }
}

/// The first bytes of a file (up to 4 KiB).
fn head(path: &Path) -> Result<Vec<u8>, Problem> {
    let mut head = Vec::with_capacity(4096);
    File::open(path)?.take(4096).read_to_end(&mut head)?;
    Ok(head)
}

/// Checks that a file to be read as text (txt, html, md) is not a zip, PDF or OLE2 document.
/// Other bytes are left to the text decoder, which names the first bad one.
pub(super) fn check_not_binary_document(path: &Path, format: InputFormat) -> Result<(), Problem> {
    let hint = "convert it to text, .docx, .odt, .html or .md first".to_string();
    match sniff(&head(path)?) {
        Sniffed::Zip => {
            let found = identify_zip(path);
            let hint = match found {
                Some(f) => format!("use --input-format {f} or rename it to .{f}"),
                None => hint,
            };
            let found = match found {
                Some(InputFormat::Docx) => "a Word document (docx)".to_string(),
                Some(InputFormat::Odt) => "an OpenDocument text (odt)".to_string(),
                _ => "a zip archive".to_string(),
            };
            Err(Problem::Disguised {
                format,
                found,
                hint,
            })
        }
        Sniffed::Pdf => Err(Problem::Disguised {
            format,
            found: "a PDF".into(),
            hint: "amur does not read PDF: ".to_string() + &hint,
        }),
        Sniffed::Cfb => Err(Problem::Disguised {
            format,
            found: "an OLE2 compound file (an old binary .doc, or a password-protected Office \
                    document)"
                .into(),
            hint: "save it as .docx without a password".into(),
        }),
        Sniffed::Empty | Sniffed::Text | Sniffed::Binary => Ok(()),
    }
}

/// Which document format a zip archive holds, if it is one amur reads.
fn identify_zip(path: &Path) -> Option<InputFormat> {
    let file = File::open(path).ok()?;
    let zip = ZipArchive::new(BufReader::new(file)).ok()?;
    identify(&zip)
}

fn identify<R: Read + std::io::Seek>(zip: &ZipArchive<R>) -> Option<InputFormat> {
    if zip.index_for_name("word/document.xml").is_some() {
        Some(InputFormat::Docx)
    } else if zip.index_for_name("content.xml").is_some() {
        Some(InputFormat::Odt)
    } else {
        None
    }
}

/// An open docx or odt package.
pub(super) struct Package {
    zip: ZipArchive<BufReader<File>>,
    format: InputFormat,
}

impl Package {
    /// Opens `path` as a zip package of the given format. Files that are something else (plain
    /// text, PDF, an OLE2 file: an old .doc or an encrypted OOXML document) are told apart.
    pub(super) fn open(path: &Path, format: InputFormat) -> Result<Package, Problem> {
        let corrupt = |reason: String| Problem::Corrupt { format, reason };
        let disguised = |found: &str, hint: &str| Problem::Disguised {
            format,
            found: found.into(),
            hint: hint.into(),
        };
        match sniff(&head(path)?) {
            Sniffed::Zip => {}
            Sniffed::Empty => return Err(corrupt("the file is empty".into())),
            Sniffed::Pdf => {
                return Err(disguised(
                    "a PDF",
                    "amur does not read PDF: convert it to .docx, .odt, .html or text first",
                ));
            }
            Sniffed::Text => {
                return Err(disguised(
                    "plain text",
                    "use --input-format txt (or html, md) to read it as text, or rename it",
                ));
            }
            Sniffed::Cfb if is_encrypted_ooxml(path)? => return Err(Problem::PasswordProtected),
            Sniffed::Cfb => {
                return Err(disguised(
                    "an old binary Word document (.doc)",
                    "save it as .docx first",
                ));
            }
            Sniffed::Binary => {
                return Err(corrupt(
                    "it is not a zip archive (its first bytes are neither zip, PDF nor text)"
                        .into(),
                ));
            }
        }
        let file = File::open(path)?;
        let zip = ZipArchive::new(BufReader::new(file))
            .map_err(|e| corrupt(format!("the zip archive is damaged ({e})")))?;
        Ok(Package { zip, format })
    }

    /// Which document format the archive holds, if it is one amur reads.
    pub(super) fn identify(&self) -> Option<InputFormat> {
        identify(&self.zip)
    }

    /// Whether the archive has an entry of this name.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The bytes of entry `name`, or `None` when there is no such entry. Decompression is
    /// bounded: an entry that unpacks to more than [`MAX_ENTRY_BYTES`], or to more than
    /// [`MAX_RATIO`] times its packed size, is refused (whatever its header claims).
    pub(super) fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, Problem> {
        let format = self.format;
        let corrupt = |reason: String| Problem::Corrupt { format, reason };
        let mut entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(ZipError::UnsupportedArchive(msg)) if msg == ZipError::PASSWORD_REQUIRED => {
                return Err(Problem::PasswordProtected);
            }
            Err(e) => return Err(corrupt(format!("cannot open {name} in the archive ({e})"))),
        };
        if entry.encrypted() {
            return Err(Problem::PasswordProtected);
        }
        let limit = MAX_ENTRY_BYTES.min(
            entry
                .compressed_size()
                .saturating_mul(MAX_RATIO)
                .max(RATIO_FREE_BYTES),
        );
        let mut out = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| corrupt(format!("cannot unpack {name} ({e})")))?;
        if out.len() as u64 > limit {
            return Err(Problem::TooLarge { entry: name.into() });
        }
        Ok(Some(out))
    }

    /// Entry `name` as UTF-8 text (a BOM is dropped), or `None` when there is no such entry.
    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>, Problem> {
        let Some(bytes) = self.bytes(name)? else {
            return Ok(None);
        };
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match String::from_utf8(body.to_vec()) {
            Ok(s) => Ok(Some(s)),
            Err(_) => Err(Problem::Corrupt {
                format: self.format,
                reason: format!("{name} is not UTF-8 XML"),
            }),
        }
    }

    /// Entry `name` as text, or a "corrupt" error naming what is missing.
    pub(super) fn required_text(&mut self, name: &str) -> Result<String, Problem> {
        self.text(name)?.ok_or_else(|| Problem::Corrupt {
            format: self.format,
            reason: format!("{name} is missing from the archive"),
        })
    }

    /// A "corrupt" problem for this package's format.
    pub(super) fn corrupt(&self, reason: String) -> Problem {
        Problem::Corrupt {
            format: self.format,
            reason,
        }
    }
}

/// Whether an OLE2 compound file is an encrypted OOXML package: Office writes those as a
/// compound file with `EncryptionInfo` and `EncryptedPackage` streams, whose names (UTF-16)
/// are in the file's directory.
fn is_encrypted_ooxml(path: &Path) -> Result<bool, Problem> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_ENTRY_BYTES)
        .read_to_end(&mut bytes)?;
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    Ok(bytes.windows(name.len()).any(|w| w == name.as_slice()))
}

/// An element's start as the walkers need it: namespace URI, local name, attributes by local
/// name.
#[derive(Debug, Clone)]
pub(super) struct Tag {
    pub ns: String,
    pub name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    /// The value of the attribute with this local name (whatever its prefix).
    pub(super) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == local)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn is(&self, ns: &[&str], name: &str) -> bool {
        self.name == name && ns.contains(&self.ns.as_str())
    }
}

/// One step through an XML document. An empty element is a `Start` and an `End`.
#[derive(Debug)]
pub(super) enum XmlEvent {
    Start(Tag),
    End { ns: String, name: String },
    Text(String),
}

/// Walks an XML document, calling `f` with each start, end and text (entity and character
/// references resolved). Malformed XML is an error message.
pub(super) fn walk_xml(xml: &str, mut f: impl FnMut(XmlEvent)) -> Result<(), String> {
    let mut reader = NsReader::from_str(xml);
    loop {
        let step = reader.read_resolved_event().map(|(res, ev)| {
            let ns = match res {
                ResolveResult::Bound(ns) => ns.0.to_string(),
                _ => String::new(),
            };
            (ns, ev)
        });
        let (ns, event) = match step {
            Ok(step) => step,
            Err(e) => {
                return Err(format!(
                    "malformed XML near byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        };
        match event {
            Event::Start(e) => f(XmlEvent::Start(tag(ns, &e)?)),
            Event::Empty(e) => {
                let t = tag(ns, &e)?;
                let (ns, name) = (t.ns.clone(), t.name.clone());
                f(XmlEvent::Start(t));
                f(XmlEvent::End { ns, name });
            }
            Event::End(e) => f(XmlEvent::End {
                ns,
                name: e.local_name().into_inner().to_string(),
            }),
            Event::Text(t) => f(XmlEvent::Text(t.xml10_content().into_owned())),
            Event::CData(t) => f(XmlEvent::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&r).unwrap_or("").to_string(),
                    Err(e) => return Err(format!("bad character reference: {e}")),
                };
                f(XmlEvent::Text(text));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn tag(ns: String, e: &BytesStart) -> Result<Tag, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("malformed XML attribute: {e}"))?;
        let key = a.key.local_name().into_inner().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed XML attribute: {e}"))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Tag {
        ns,
        name: e.local_name().into_inner().to_string(),
        attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b""), Sniffed::Empty);
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Pdf);
        assert_eq!(sniff(CFB_MAGIC), Sniffed::Cfb);
        assert_eq!(sniff("本馆收藏".as_bytes()), Sniffed::Text);
        assert_eq!(sniff(&"本馆".as_bytes()[..4]), Sniffed::Text);
        assert_eq!(sniff(b"\xFF\xFEa\x00"), Sniffed::Binary);
    }

    #[test]
    fn xml_walk_resolves_namespaces_and_references() {
        let xml = r#"<?xml version="1.0"?><a:root xmlns:a="urn:x"><a:p a:val="1">x &amp; &#x4E2D;</a:p><b/></a:root>"#;
        let mut seen = Vec::new();
        walk_xml(xml, |e| match e {
            XmlEvent::Start(t) => seen.push(format!("<{}:{} {:?}", t.ns, t.name, t.attr("val"))),
            XmlEvent::End { name, .. } => seen.push(format!("</{name}")),
            XmlEvent::Text(t) => seen.push(t),
        })
        .unwrap();
        assert_eq!(
            seen.concat(),
            "<urn:x:root None<urn:x:p Some(\"1\")x & 中</p<:b None</b</root"
        );
        assert!(walk_xml("<a><b></a>", |_| {}).is_err());
    }
}
