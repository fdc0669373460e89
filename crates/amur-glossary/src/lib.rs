//! amur-glossary: the glossary tools on aligned text.
//! - [`extract`]: recurring terms and this translator's renderings, from aligned units
//!   ([`units`]) and candidate [`phrases`];
//! - [`merge`]: the union of glossaries, with conflicting renderings reported;
//! - [`lint`]: aligned units whose English does not use the glossary's rendering.
//!
//! Built on `amur-core` (the aligner's lexicon and tokenizer) and `amur-tm` (reading TMX and
//! alignment JSON). The aligner never depends on these tools.

mod counts;
pub mod extract;
mod link;
pub mod lint;
pub mod merge;
pub mod phrases;
pub mod units;
