//! One document pair end to end, as `amur align` and `amur batch` both run it: read both files
//! into sentences and align them. What the commands report about the result is
//! [`amur_core::report`].

use crate::FormatError;
use crate::document::{self, ReadOptions};
use amur_core::bead::{Alignment, Sentence};
use amur_core::pipeline::{self, Config};
use amur_core::segment::Lang;
use std::path::Path;

/// A pair read and aligned.
#[derive(Debug, Clone)]
pub struct Aligned {
    pub alignment: Alignment,
    /// What reading found worth telling the user, e.g. "zh.txt: decoded as GBK (detected)".
    pub notes: Vec<String>,
}

/// Reads the Chinese and the English file, each as its options say, and aligns them.
pub fn align_files(
    zh: &Path,
    en: &Path,
    zh_read: &ReadOptions,
    en_read: &ReadOptions,
    config: &Config,
) -> Result<Aligned, FormatError> {
    let read = read_files(zh, en, zh_read, en_read)?;
    let alignment = pipeline::align_sentences(read.zh, read.en, config);
    Ok(Aligned {
        alignment,
        notes: read.notes,
    })
}

/// The sentences of both files of a pair, before they are aligned.
#[derive(Debug, Clone)]
pub struct ReadPair {
    pub zh: Vec<Sentence>,
    pub en: Vec<Sentence>,
    /// What reading found worth telling the user (see [`Aligned::notes`]).
    pub notes: Vec<String>,
}

/// Reads the Chinese and the English file (decoded, segmented) side by side, each as its
/// options say: the first half of [`align_files`], for callers that report progress between
/// reading and aligning.
pub fn read_files(
    zh: &Path,
    en: &Path,
    zh_read: &ReadOptions,
    en_read: &ReadOptions,
) -> Result<ReadPair, FormatError> {
    let (zh_doc, en_doc) = rayon::join(
        || document::read_document(zh, Lang::Zh, zh_read),
        || document::read_document(en, Lang::En, en_read),
    );
    let (zh_doc, en_doc) = (zh_doc?, en_doc?);
    let notes = [(zh, &zh_doc.note), (en, &en_doc.note)]
        .into_iter()
        .filter_map(|(path, note)| Some(format!("{}: {}", path.display(), note.as_ref()?)))
        .collect();
    Ok(ReadPair {
        zh: zh_doc.sentences,
        en: en_doc.sentences,
        notes,
    })
}
