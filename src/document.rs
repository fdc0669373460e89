//! From a file to sentences: read and decode ([`crate::text`]), split into paragraphs, and
//! segment each paragraph ([`crate::segment`]) — or take the lines as they are when the input
//! is presegmented.

use crate::bead::Sentence;
use crate::segment::{self, Lang, ZhOptions};
use crate::text::{self, TextError};
use std::path::Path;

/// Reads a document and returns its sentences, each with its paragraph number.
pub fn read(
    path: &Path,
    lang: Lang,
    presegmented: bool,
    zh_opts: &ZhOptions,
) -> Result<Vec<Sentence>, TextError> {
    let content = text::read_file(path)?;
    Ok(sentences(&content, lang, presegmented, zh_opts))
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
    let joiner = match lang {
        Lang::Zh => "",
        Lang::En => " ",
    };
    let mut out = Vec::new();
    for (paragraph, para) in text::paragraphs(content, joiner).iter().enumerate() {
        let split = match lang {
            Lang::Zh => segment::zh(para, zh_opts),
            Lang::En => segment::en(para),
        };
        out.extend(split.into_iter().map(|text| Sentence { text, paragraph }));
    }
    out
}
