//! From a file to sentences: read the file in its format (plain text through [`amur_core::text`],
//! docx, odt, html and md through [`crate`]), split it into paragraphs, and segment
//! each paragraph ([`amur_core::segment`]) — or take the lines as they are when the input is
//! presegmented.
//!
//! Paragraph numbers are evidence for the aligner: when both sides have as many paragraphs,
//! each paragraph pair is aligned on its own ([`amur_core::pipeline`]). Headings, list items and
//! table cells are paragraphs of their own, so a heading aligns with a heading. Footnotes and
//! endnotes come after the body, numbered on from it: when both sides have as many paragraphs,
//! the notes align with the notes.
//!
//! Every sentence keeps its place in the file ([`Location`]): paragraph and character offsets.

use crate::{BlockKind, FormatError, InputFormat};
use amur_core::bead::Sentence;
use amur_core::segment::{self, Lang, ZhOptions};
use amur_core::text;
use std::path::Path;

/// Where a sentence is in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 0-based index into [`Document::paragraphs`]: the paragraphs in reading order (the body,
    /// then the notes), as amur numbers them; a presegmented text file has one per line.
    pub paragraph: usize,
    /// Character (not byte) offsets of the sentence in the paragraph's text.
    pub start: usize,
    pub end: usize,
}

/// One paragraph as read: its text (lines joined as for segmentation) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub kind: BlockKind,
}

/// A document read for alignment: its sentences and, parallel to them, where each one is.
#[derive(Debug, Clone)]
pub struct Document {
    /// The format it was read as.
    pub format: InputFormat,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    /// `locations[i]` is where `sentences[i]` is.
    pub locations: Vec<Location>,
    /// For the user, when a text file was not plain UTF-8: the encoding found and how.
    pub note: Option<String>,
}

/// How to read a document: its format, whether it is presegmented, how Chinese is segmented and
/// the encoding of a text file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// [`InputFormat::Auto`]: by the file's extension.
    pub format: InputFormat,
    /// One sentence per line, used as is.
    pub presegmented: bool,
    pub zh: ZhOptions,
    /// Encoding of a plain-text, HTML or Markdown file (a WHATWG label such as `gbk`); `None`
    /// detects it ([`text::read_file_with`]).
    pub encoding: Option<String>,
}

/// Reads a document (format by extension, encoding detected) and returns its sentences, each
/// with its paragraph number.
pub fn read(
    path: &Path,
    lang: Lang,
    presegmented: bool,
    zh_opts: &ZhOptions,
) -> Result<Vec<Sentence>, FormatError> {
    let opts = ReadOptions {
        presegmented,
        zh: zh_opts.clone(),
        ..ReadOptions::default()
    };
    Ok(read_document(path, lang, &opts)?.sentences)
}

/// Reads a document as `opts` say.
pub fn read_document(path: &Path, lang: Lang, opts: &ReadOptions) -> Result<Document, FormatError> {
    let format = opts.format.resolve(path);
    let joiner = joiner(lang);
    let (paragraphs, note): (Vec<(Vec<String>, BlockKind)>, _) = match format {
        InputFormat::Txt | InputFormat::Auto => {
            crate::check_text_file(path, InputFormat::Txt)?;
            let decoded = text::read_file_with(path, opts.encoding.as_deref())?;
            let paras = if opts.presegmented {
                text::lines(&decoded.text)
            } else {
                text::paragraphs(&decoded.text, joiner)
            };
            let paras = paras
                .into_iter()
                .map(|p| (vec![p], BlockKind::Paragraph))
                .collect();
            (paras, decoded.note())
        }
        _ => {
            let (blocks, note) = crate::read_blocks(path, format, opts.encoding.as_deref())?;
            let paras = blocks.into_iter().map(|b| (b.lines, b.kind)).collect();
            (paras, note)
        }
    };
    let mut doc = build(format, paragraphs, lang, opts.presegmented, &opts.zh);
    doc.note = note;
    Ok(doc)
}

/// The sentences of a document's text.
pub fn sentences(
    content: &str,
    lang: Lang,
    presegmented: bool,
    zh_opts: &ZhOptions,
) -> Vec<Sentence> {
    if presegmented {
        return text::lines(content)
            .into_iter()
            .map(|text| Sentence { text, paragraph: 0 })
            .collect();
    }
    let joiner = joiner(lang);
    let mut out = Vec::new();
    for (paragraph, para) in text::paragraphs(content, joiner).iter().enumerate() {
        let split = segment::sentences(para, lang, zh_opts);
        out.extend(split.into_iter().map(|text| Sentence { text, paragraph }));
    }
    out
}

/// What joins the lines of a paragraph: a space in English, nothing in Chinese.
fn joiner(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "",
        Lang::En => " ",
    }
}

/// Segments paragraphs (each a list of lines) into located sentences. Presegmented input has
/// one sentence per line and no paragraph boundaries for the aligner (paragraph 0 throughout).
fn build(
    format: InputFormat,
    paragraphs: Vec<(Vec<String>, BlockKind)>,
    lang: Lang,
    presegmented: bool,
    zh_opts: &ZhOptions,
) -> Document {
    let joiner = joiner(lang);
    let mut doc = Document {
        format,
        paragraphs: Vec::with_capacity(paragraphs.len()),
        sentences: Vec::new(),
        locations: Vec::new(),
        note: None,
    };
    for (index, (lines, kind)) in paragraphs.into_iter().enumerate() {
        let text = lines.join(joiner);
        let (split, paragraph) = if presegmented {
            (lines, 0)
        } else {
            (segment::sentences(&text, lang, zh_opts), index)
        };
        let mut cursor = 0;
        for sentence in split {
            let (start, end) = locate(&text, &sentence, &mut cursor);
            doc.locations.push(Location {
                paragraph: index,
                start,
                end,
            });
            doc.sentences.push(Sentence {
                text: sentence,
                paragraph,
            });
        }
        doc.paragraphs.push(Paragraph { text, kind });
    }
    doc
}

/// Character offsets of `sentence` in `paragraph`, searching from byte `cursor` on (sentences
/// come in order); the cursor moves past it.
fn locate(paragraph: &str, sentence: &str, cursor: &mut usize) -> (usize, usize) {
    let from = (*cursor).min(paragraph.len());
    let byte_start = match paragraph[from..].find(sentence) {
        Some(k) => from + k,
        None => from, // cannot happen: segmentation only drops whitespace between sentences
    };
    let byte_end = (byte_start + sentence.len()).min(paragraph.len());
    *cursor = byte_end;
    let start = paragraph[..byte_start].chars().count();
    (start, start + sentence.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(lines: &[&str], kind: BlockKind) -> (Vec<String>, BlockKind) {
        (lines.iter().map(|s| s.to_string()).collect(), kind)
    }

    #[test]
    fn sentences_are_located_in_their_paragraphs() {
        let doc = build(
            InputFormat::Docx,
            vec![
                para(&["标题"], BlockKind::Heading),
                para(&["第一句。第二", "句。"], BlockKind::Paragraph),
                para(&["注释。"], BlockKind::Note),
            ],
            Lang::Zh,
            false,
            &ZhOptions::default(),
        );
        let texts: Vec<(&str, usize)> = doc
            .sentences
            .iter()
            .map(|s| (s.text.as_str(), s.paragraph))
            .collect();
        assert_eq!(
            texts,
            vec![("标题", 0), ("第一句。", 1), ("第二句。", 1), ("注释。", 2)]
        );
        assert_eq!(
            doc.locations[2],
            Location {
                paragraph: 1,
                start: 4,
                end: 8
            }
        );
        assert_eq!(doc.paragraphs[1].text, "第一句。第二句。");
        assert_eq!(doc.paragraphs[2].kind, BlockKind::Note);
    }

    #[test]
    fn english_lines_join_with_a_space_and_presegmented_lines_stay() {
        let paras = vec![para(&["One. Two", "goes on."], BlockKind::Paragraph)];
        let doc = build(
            InputFormat::Html,
            paras.clone(),
            Lang::En,
            false,
            &ZhOptions::default(),
        );
        assert_eq!(doc.sentences[1].text, "Two goes on.");
        assert_eq!((doc.locations[1].start, doc.locations[1].end), (5, 17));
        let pre = build(
            InputFormat::Html,
            paras,
            Lang::En,
            true,
            &ZhOptions::default(),
        );
        let texts: Vec<&str> = pre.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["One. Two", "goes on."]);
        assert!(pre.sentences.iter().all(|s| s.paragraph == 0));
        assert_eq!((pre.locations[1].start, pre.locations[1].end), (9, 17));
    }

    #[test]
    fn text_files_read_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zh.txt");
        std::fs::write(&p, "甲。乙。\n丙。\n").unwrap();
        let s = read(&p, Lang::Zh, false, &ZhOptions::default()).unwrap();
        assert_eq!(
            s,
            sentences("甲。乙。\n丙。\n", Lang::Zh, false, &ZhOptions::default())
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[2].paragraph, 1);
    }
}
