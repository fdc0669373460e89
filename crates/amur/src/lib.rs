//! The `amur` command's own library: what the command line runs beyond one pair. [`batch`]
//! aligns many document pairs (in parallel, resumable, in shards) and [`eval`] scores
//! alignments against gold. The stages live in the crates below: `amur-core` (the aligner),
//! `amur-formats` (documents in), `amur-tm` (memories and glossary files out),
//! `amur-glossary` (glossary tools).

pub mod batch;
pub mod eval;
