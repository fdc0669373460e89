//! amur-core: the aligner. Chinese and English text in, sentences and scored beads out.
//!
//! Data flows one way through the stages, one module each:
//! [`text`] (decode, paragraphs) → [`segment`] (sentences) → [`tokenize`] (words, stems,
//! numbers) → [`lexicon`] (dictionary, the user's [`glossary`], names) → [`score`] (bead
//! costs) → [`align`] (dynamic programming) → [`bead`] (the result). [`pipeline`] runs them
//! on a pair of sentence lists; [`report`] says what is worth telling about the result;
//! [`corpus`] learns translations from the beads of many pairs, for aligning them again;
//! [`period`] is the built-in lexicon of 1910s official usage; [`evidence`] counts which
//! English words render which Chinese sentence.
//!
//! This crate must not depend on the document formats, the memory formats, the glossary tools
//! or anything of a terminal (clap, anyhow, indicatif): it returns values and typed errors, and
//! writes no files.

pub mod align;
pub mod bead;
pub mod corpus;
pub mod evidence;
pub mod glossary;
pub mod lexicon;
pub mod period;
pub mod pipeline;
pub mod report;
pub mod score;
pub mod segment;
pub mod text;
pub mod tokenize;
