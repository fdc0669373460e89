//! Which English words render which Chinese sentence: the lexical evidence between the Chinese
//! sentences of one bead and pieces of its English (clauses, sentences), with the same
//! dictionary and scorer the aligner uses. The TMX export cuts a bead's English between its
//! Chinese sentences only where this evidence says where the cut is.

use crate::glossary::Glossary;
use crate::lexicon::DocLexicon;
use crate::score::{Features, Params, Scorer};
use crate::tokenize::{EnTokens, Tokenizer, ZhTokens, to_simplified};

/// Dictionary matches between each Chinese sentence `zh[i]` and each English piece `en[c]`:
/// `out[i][c]` counts the words of `zh[i]` with a rendering in `en[c]` plus the content words
/// of `en[c]` that some word of `zh[i]` renders (CC-CEDICT, the glossary, names by pinyin).
pub fn match_counts(zh: &[&str], en: &[&str], glossary: &Glossary) -> Vec<Vec<u32>> {
    if zh.is_empty() || en.is_empty() {
        return vec![vec![0; en.len()]; zh.len()];
    }
    let tokenizer = Tokenizer::shared();
    let zh_tokens: Vec<ZhTokens> = zh.iter().map(|t| tokenizer.zh(t)).collect();
    let simplified: Vec<String> = zh.iter().map(|t| to_simplified(t)).collect();
    let en_tokens: Vec<EnTokens> = en.iter().map(|t| tokenizer.en(t)).collect();
    let lex = DocLexicon::build(&zh_tokens, &en_tokens, glossary, tokenizer);
    let features = Features::new(&zh_tokens, &simplified, &en_tokens, &lex);
    let scorer = Scorer::new(&features, &lex, Params::default());
    (0..zh.len())
        .map(|i| {
            (0..en.len())
                .map(|c| {
                    let (z, e) = scorer.pair_masks(i, c);
                    z.count_ones() + e.count_ones()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sentence_matches_the_clause_that_renders_it() {
        let zh = ["天氣很冷。", "我們的軍隊已經撤退了。"];
        let en = [
            "The weather was very cold,",
            "and our army had already retreated.",
        ];
        let m = match_counts(&zh, &en, &Glossary::default());
        assert!(m[0][0] > m[0][1], "{m:?}");
        assert!(m[1][1] > m[1][0], "{m:?}");
    }
}
