//! amur: align Chinese documents with their English translations and write translation memories.
//!
//! Data flows one way through the stages, one module each:
//! [`text`] (read, decode, paragraphs) → [`segment`] (sentences) → [`tokenize`] (words, stems,
//! numbers) → [`lexicon`] (dictionary, glossary, names) → [`score`] (bead costs) → [`align`]
//! (dynamic programming) → [`bead`] (the result) → [`export`] (TMX, TSV, JSON, align).
//! Beside them: [`eval`] scores alignments against gold; [`review`] writes the page on which a
//! person checks and corrects an alignment; [`pair`] runs one document pair end to end and
//! [`batch`] many of them.

pub mod align;
pub mod batch;
pub mod bead;
pub mod document;
pub mod eval;
pub mod export;
pub mod formats;
pub mod glossary;
pub mod lexicon;
pub mod pair;
pub mod pipeline;
pub mod review;
pub mod score;
pub mod segment;
pub mod text;
pub mod tm;
pub mod tokenize;
