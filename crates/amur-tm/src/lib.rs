//! amur-tm: the files that hold aligned text and terms. Writing an alignment as TMX, TSV, JSON
//! or the align format ([`export`]); reading and working on translation memories of any tool
//! ([`tm`]: streaming TMX reader, convert, merge, filter, search, lookup, stats); glossary
//! files in TSV, CSV and TBX ([`glossary_formats`]); and the review page, an alignment as one
//! HTML file a person corrects, with the JSON it saves ([`review`]).
//!
//! Built on `amur-core`'s types (alignments, glossaries); it must not depend on the document
//! readers, the glossary tools or anything of a terminal.

pub mod export;
pub mod glossary_formats;
pub mod review;
pub mod tm;
