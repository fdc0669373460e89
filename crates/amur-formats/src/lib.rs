//! amur-formats: documents in. Plain text through `amur_core::text`; Word (.docx),
//! OpenDocument (.odt), HTML and Markdown here. [`document`] turns a file into paragraphs and
//! sentences with their places; [`pair`] reads two files and aligns them.
//!
//! Built on `amur-core`; it must not depend on the memory formats, the glossary tools or
//! anything of a terminal.
//!
//! The formats other than plain text: Each reader turns a file into [`Block`]s, the paragraphs a reader of the document
//! sees, in reading order: the body first, then the footnotes and endnotes. [`document`]
//! segments the blocks into sentences; plain text stays with [`amur_core::text`].
//!
//! What each reader keeps:
//!
//! * **docx**: paragraphs and headings of the body, each table cell as one paragraph (its own
//!   paragraphs joined by line breaks), text boxes, footnotes and endnotes (in the order the
//!   body refers to them). Tracked insertions are kept and tracked deletions (`w:del`,
//!   `w:moveFrom`) left out, hidden text (`w:vanish`) too; field codes, comments, headers and
//!   footers are not read. `w:br` and `w:cr` are line breaks, `w:tab` a space.
//! * **odt**: `text:p` and `text:h`, list items, table cells, notes (after the body); the
//!   deleted text kept in `text:tracked-changes`, annotations and note citations are left out.
//! * **html**: block elements (p, h1–h6, li, td, div, blockquote, pre ...) are paragraphs;
//!   `head`, `script`, `style`, `nav`, `noscript`, `template`, `svg` and comments are dropped;
//!   `<br>` is a line break inside its paragraph; whitespace collapses as a browser does it
//!   (a line break between two Chinese characters disappears). Footnote reference numbers and
//!   back links are dropped; a footnotes section is read where it is (at the end, as a rule).
//! * **md**: paragraphs, headings, list items, table cells and block quotes, markup stripped;
//!   footnote definitions become notes after the body; code blocks, raw HTML blocks, images
//!   and front matter are dropped.
//!
//! Bad input never panics: a corrupt or disguised file (a `.docx` that is a PDF or plain
//! text), a password-protected document, a zip bomb ([`package`] caps what any entry may
//! unpack to) or a file with no text is an error that names the file.

pub mod document;
mod docx;
mod html;
mod markdown;
mod odt;
mod package;
pub mod pair;

use amur_core::text::TextError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How to read an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Choose by the file's extension (anything unknown is plain text).
    #[default]
    Auto,
    Txt,
    Docx,
    Odt,
    Html,
    Md,
}

/// The file-name extensions amur reads as documents: `txt` and every one for which
/// [`InputFormat::from_path`] chooses a format other than plain text (compared lowercased).
pub const EXTENSIONS: &[&str] = &[
    "txt", "docx", "odt", "html", "htm", "xhtml", "md", "markdown",
];

/// A file name without its extension, if the extension is one of [`EXTENSIONS`] (any case)
/// and something is left: `001.zh.docx` → `001.zh`, `notes.pdf` → none.
pub fn document_stem(file_name: &str) -> Option<&str> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    let known = EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext));
    (known && !stem.is_empty()).then_some(stem)
}

impl InputFormat {
    /// The format a file name asks for: `.docx`, `.odt`, `.html`/`.htm`/`.xhtml`,
    /// `.md`/`.markdown` (any case); plain text for everything else.
    pub fn from_path(path: &Path) -> InputFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "docx" => InputFormat::Docx,
            "odt" => InputFormat::Odt,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "md" | "markdown" => InputFormat::Md,
            _ => InputFormat::Txt,
        }
    }

    /// This format, or for [`InputFormat::Auto`] the one `path`'s extension asks for.
    pub fn resolve(self, path: &Path) -> InputFormat {
        match self {
            InputFormat::Auto => InputFormat::from_path(path),
            f => f,
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Txt => "txt",
            InputFormat::Docx => "docx",
            InputFormat::Odt => "odt",
            InputFormat::Html => "html",
            InputFormat::Md => "md",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An input format name that is none of auto, txt, docx, odt, html, md.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown input format {0:?}: expected auto, txt, docx, odt, html or md")]
pub struct UnknownInputFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownInputFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(InputFormat::Auto),
            "txt" | "text" => Ok(InputFormat::Txt),
            "docx" => Ok(InputFormat::Docx),
            "odt" => Ok(InputFormat::Odt),
            "html" | "htm" => Ok(InputFormat::Html),
            "md" | "markdown" => Ok(InputFormat::Md),
            _ => Err(UnknownInputFormat(s.to_string())),
        }
    }
}

/// What a paragraph is in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
    /// A footnote or endnote paragraph (read after the body).
    Note,
}

/// One paragraph of a document: its lines (split at `<br>`, `w:br` ...), trimmed, none empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub lines: Vec<String>,
    pub kind: BlockKind,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Plain text (and the text of HTML and Markdown files) is read by [`amur_core::text`].
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("{path}: {problem}")]
    Bad { path: PathBuf, problem: Problem },
}

/// What is wrong with a file (the path is added by [`FormatError`]).
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "the document is password-protected (encrypted): amur cannot read it; save a copy \
         without a password and align that"
    )]
    PasswordProtected,
    #[error("not a valid {format} file: {reason}")]
    Corrupt { format: InputFormat, reason: String },
    #[error("this is {found}, not a {format} file; {hint}")]
    Disguised {
        format: InputFormat,
        found: String,
        hint: String,
    },
    #[error(
        "{entry} would unpack to more than {} MB, or more than {} times its packed size: \
         refusing to read it (a zip bomb?)",
        package::MAX_ENTRY_BYTES / 1_000_000,
        package::MAX_RATIO
    )]
    TooLarge { entry: String },
    #[error("no text found in this {0} file")]
    NoText(InputFormat),
}

/// Reads the paragraphs of a docx, odt, html or md file: the body, then the notes, and for HTML
/// and Markdown a note when the text was not plain UTF-8 (`encoding` overrides detection there).
/// Plain text is not read here but by [`amur_core::text`] ([`document`] does that).
pub(crate) fn read_blocks(
    path: &Path,
    format: InputFormat,
    encoding: Option<&str>,
) -> Result<(Vec<Block>, Option<String>), FormatError> {
    let bad = |problem| FormatError::Bad {
        path: path.into(),
        problem,
    };
    let (blocks, note) = match format {
        InputFormat::Docx => (docx::read(path).map_err(bad)?, None),
        InputFormat::Odt => (odt::read(path).map_err(bad)?, None),
        InputFormat::Html => {
            let decoded = read_text(path, format, encoding)?;
            (html::read(&decoded.text).map_err(bad)?, decoded.note())
        }
        InputFormat::Md => {
            let decoded = read_text(path, format, encoding)?;
            (markdown::parse(&decoded.text), decoded.note())
        }
        InputFormat::Txt | InputFormat::Auto => (Vec::new(), None),
    };
    if blocks.is_empty() {
        return Err(bad(Problem::NoText(format)));
    }
    Ok((blocks, note))
}

/// Checks that a file meant to be text is not a zip, PDF or OLE2 file in disguise.
pub fn check_text_file(path: &Path, format: InputFormat) -> Result<(), FormatError> {
    package::check_not_binary_document(path, format).map_err(|problem| FormatError::Bad {
        path: path.into(),
        problem,
    })
}

/// The text of an HTML or Markdown file, decoded by [`amur_core::text::read_file_with`] once the
/// file has been checked not to be a binary document.
fn read_text(
    path: &Path,
    format: InputFormat,
    encoding: Option<&str>,
) -> Result<amur_core::text::Decoded, FormatError> {
    check_text_file(path, format)?;
    Ok(amur_core::text::read_file_with(path, encoding)?)
}

/// Collects paragraphs: text is appended to the open one; [`Collector::line_break`] starts a new
/// line in it and [`Collector::flush`] closes it.
#[derive(Debug, Default)]
struct Collector {
    blocks: Vec<Block>,
    text: String,
}

/// Stands in the collected text for a line end of the source, which is whitespace (collapsed
/// like a space) unless it stands between two CJK characters (then it disappears).
const SOFT_BREAK: char = '\u{E000}';
/// Stands in the collected text for collapsible whitespace of the source.
const SPACE: char = '\u{E001}';

impl Collector {
    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
    }

    /// Appends text whose whitespace collapses (HTML, Markdown, ODF): each run of whitespace is
    /// one space, or a soft break when it holds a line end.
    fn push_collapsing(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\n' | '\r' => self.text.push(SOFT_BREAK),
                ' ' | '\t' | '\u{c}' => self.text.push(SPACE),
                c => self.text.push(c),
            }
        }
    }

    fn line_break(&mut self) {
        self.text.push('\n');
    }

    /// Closes the open paragraph (nothing happens when it holds no text).
    fn flush(&mut self, kind: BlockKind) {
        let text = std::mem::take(&mut self.text);
        if let Some(block) = block(&text, kind) {
            self.blocks.push(block);
        }
    }
}

/// A block from collected text: soft breaks resolved, tabs and control characters as spaces,
/// split into trimmed lines at `\n`; `None` when there is no text.
fn block(text: &str, kind: BlockKind) -> Option<Block> {
    let text = resolve_soft_breaks(text);
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            line.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then_some(Block { lines, kind })
}

/// Collapses each run of collapsible whitespace to one space, or to nothing when the run holds
/// a soft break and stands between two CJK characters (as CSS does with segment breaks).
/// Literal spaces (from docx, `<pre>`, `text:s`) are kept as they are.
fn resolve_soft_breaks(text: &str) -> String {
    let collapsible = |c: char| c == SPACE || c == SOFT_BREAK;
    if !text.contains(collapsible) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !collapsible(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && collapsible(chars[i]) {
            i += 1;
        }
        let soft = chars[start..i].contains(&SOFT_BREAK);
        let before = start.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(i).copied();
        let cjk_join = soft && before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
        if !cjk_join {
            out.push(' ');
        }
    }
    out
}

/// Chinese, Japanese and fullwidth characters and punctuation, between which a line end of
/// the source is no space.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_by_extension() {
        let f = |p: &str| InputFormat::from_path(Path::new(p));
        assert_eq!(f("a/zh.DOCX"), InputFormat::Docx);
        assert_eq!(f("en.htm"), InputFormat::Html);
        assert_eq!(f("en.markdown"), InputFormat::Md);
        assert_eq!(f("x.odt"), InputFormat::Odt);
        assert_eq!(f("x.txt"), InputFormat::Txt);
        assert_eq!(f("noext"), InputFormat::Txt);
        assert_eq!(
            InputFormat::Txt.resolve(Path::new("a.docx")),
            InputFormat::Txt
        );
        assert_eq!("HTML".parse::<InputFormat>().unwrap(), InputFormat::Html);
        assert!("pdf".parse::<InputFormat>().is_err());
    }

    #[test]
    fn soft_breaks_vanish_between_cjk_only() {
        let mut c = Collector::default();
        c.push_collapsing("本馆收藏\n  的档案，\n\tEnglish\nwords  here");
        c.line_break();
        c.push_str(" second line ");
        c.flush(BlockKind::Paragraph);
        assert_eq!(
            c.blocks,
            vec![Block {
                lines: vec![
                    "本馆收藏的档案， English words here".into(),
                    "second line".into()
                ],
                kind: BlockKind::Paragraph
            }]
        );
    }

    #[test]
    fn empty_blocks_are_dropped() {
        let mut c = Collector::default();
        c.push_collapsing(" \n \n");
        c.line_break();
        c.flush(BlockKind::Paragraph);
        assert!(c.blocks.is_empty());
    }
}
