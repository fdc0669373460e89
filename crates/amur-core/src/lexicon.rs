//! Lexical knowledge for one document pair: which English stems may translate each Chinese word.
//! Sources, from weakest to strongest: CC-CEDICT glosses (via the `haoxue-dict` crate; for a
//! word it lacks, the glosses of the word's pieces), names matched by pinyin against
//! capitalised English words, associations learned from the document itself, and the user's
//! glossary.

use crate::glossary::Glossary;
use crate::tokenize::{EnTokens, Tokenizer, ZhTokens, is_han, is_stop_word, to_simplified};
use haoxue_dict::DICTIONARY;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};

/// Interned English stems: a document's vocabulary.
#[derive(Debug, Default, Clone)]
pub struct Stems {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Stems {
    pub fn id(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(stem.to_string(), id);
        self.names.push(stem.to_string());
        id
    }

    pub fn get(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Where a translation candidate came from; glossary evidence weighs more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Dictionary,
    /// Glosses of the pieces of a word the dictionary lacks.
    Pieces,
    Name,
    Learned,
    Glossary,
}

/// One way to render a Chinese word: all of `stems` must appear in the English span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    pub stems: Vec<u32>,
    pub source: Source,
}

/// The lexicon of one document pair: Chinese words (and glossary terms) numbered, each with
/// its candidate renderings as English stem ids.
#[derive(Debug, Default, Clone)]
pub struct DocLexicon {
    pub stems: Stems,
    pub words: Vec<String>,
    pub renderings: Vec<Vec<Rendering>>,
    word_ids: HashMap<String, u32>,
    /// Glossary terms: (simplified Chinese term, word id of its pseudo-word).
    pub terms: Vec<(String, u32)>,
    /// The terms by their first character (indexes into `terms`), to find them in a sentence
    /// in one pass over its characters rather than one search per term.
    term_starts: HashMap<char, Vec<u32>>,
}

impl DocLexicon {
    /// Builds the lexicon for the words of a document pair.
    pub fn build(
        zh: &[ZhTokens],
        en: &[EnTokens],
        glossary: &Glossary,
        tokenizer: &Tokenizer,
    ) -> DocLexicon {
        let mut lex = DocLexicon::default();
        for s in en {
            for w in &s.words {
                lex.stems.id(&w.stem);
            }
        }
        // Distinct words first: sorting every token (hundreds of thousands) costs more.
        let distinct: FxHashSet<&str> = zh
            .iter()
            .flat_map(|s| s.words.iter().map(String::as_str))
            .collect();
        let mut words: Vec<&str> = distinct.into_iter().collect();
        words.par_sort_unstable();
        let glosses: Vec<Vec<Vec<String>>> = words
            .par_iter()
            .map(|w| dictionary_glosses(w, tokenizer))
            .collect();
        // A word the dictionary lacks takes the glosses of its pieces, each piece glossed once.
        let pieces: Vec<Vec<&str>> = words
            .iter()
            .zip(&glosses)
            .map(|(w, g)| if g.is_empty() { pieces(w) } else { Vec::new() })
            .collect();
        let mut unique: Vec<&str> = pieces.iter().flatten().copied().collect();
        unique.sort_unstable();
        unique.dedup();
        let piece_glosses: HashMap<&str, Vec<Vec<String>>> = unique
            .par_iter()
            .map(|&p| (p, dictionary_glosses(p, tokenizer)))
            .collect();
        for ((word, alts), parts) in words.iter().zip(glosses).zip(pieces) {
            let id = lex.word_id(word);
            let (alts, source) = if parts.is_empty() {
                (alts, Source::Dictionary)
            } else {
                let lists = parts.iter().map(|p| &piece_glosses[p]);
                (joined_glosses(lists), Source::Pieces)
            };
            for alt in alts {
                let stems = alt.iter().map(|s| lex.stems.id(s)).collect();
                lex.add(id, Rendering { stems, source });
            }
        }
        let runs: Vec<String> = zh
            .par_iter()
            .flat_map_iter(|s| lex.unknown_runs(&s.words))
            .collect();
        for run in runs {
            lex.word_id(&run);
        }
        lex.add_names(en, tokenizer);
        for term in &glossary.terms {
            let stems: Vec<u32> = content_stems(&term.en, tokenizer)
                .iter()
                .map(|s| lex.stems.id(s))
                .collect();
            if stems.is_empty() {
                continue;
            }
            let zh_term = to_simplified(&term.zh);
            let id = lex.word_id(&format!("\u{1}{zh_term}"));
            if let Some(first) = zh_term.chars().next() {
                let k = lex.terms.len() as u32;
                lex.term_starts.entry(first).or_default().push(k);
            }
            lex.terms.push((zh_term, id));
            lex.add(
                id,
                Rendering {
                    stems,
                    source: Source::Glossary,
                },
            );
        }
        lex
    }

    /// Adds the renderings of a corpus lexicon ([`crate::corpus`]) for the words this
    /// document has, when all their stems occur in its English (else they could not match).
    pub fn add_corpus(&mut self, corpus: &crate::corpus::CorpusLexicon, tokenizer: &Tokenizer) {
        for e in corpus.entries.iter().filter(|e| !e.blocks()) {
            let Some(id) = self.get(&e.zh) else {
                continue;
            };
            let stems: Option<Vec<u32>> = content_stems(&e.en, tokenizer)
                .iter()
                .map(|s| self.stems.get(s))
                .collect();
            if let Some(stems) = stems.filter(|s| !s.is_empty()) {
                self.add(
                    id,
                    Rendering {
                        stems,
                        source: Source::Learned,
                    },
                );
            }
        }
    }

    /// The id of a Chinese word, numbering it if new.
    pub fn word_id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.word_ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.word_ids.insert(word.to_string(), id);
        self.words.push(word.to_string());
        self.renderings.push(Vec::new());
        id
    }

    pub fn get(&self, word: &str) -> Option<u32> {
        self.word_ids.get(word).copied()
    }

    /// Adds a rendering unless the word already has it.
    pub fn add(&mut self, word: u32, rendering: Rendering) {
        let list = &mut self.renderings[word as usize];
        if !list.iter().any(|r| r.stems == rendering.stems) {
            list.push(rendering);
        }
    }

    /// The ids of a Chinese sentence's words as tokenized (those the lexicon knows), sorted,
    /// each once.
    pub fn token_ids(&self, tokens: &ZhTokens) -> Vec<u32> {
        let mut ids: Vec<u32> = tokens.words.iter().filter_map(|w| self.get(w)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Word ids of a Chinese sentence: its words, the unknown runs and the glossary terms it
    /// contains, sorted, each once; with or without renderings (they do not change when
    /// renderings are added: learned ones are not dictionary ones, so unknown runs stay).
    pub fn sentence_ids(&self, tokens: &ZhTokens, simplified: &str) -> Vec<u32> {
        let mut ids = self.token_ids(tokens);
        ids.extend(
            self.unknown_runs(&tokens.words)
                .iter()
                .filter_map(|w| self.get(w)),
        );
        if !self.term_starts.is_empty() {
            for (at, c) in simplified.char_indices() {
                let Some(starting) = self.term_starts.get(&c) else {
                    continue;
                };
                let rest = &simplified[at..];
                ids.extend(starting.iter().filter_map(|&k| {
                    let (term, id) = &self.terms[k as usize];
                    rest.starts_with(term.as_str()).then_some(*id)
                }));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Runs of two or more adjacent words that the dictionary does not know, joined: jieba
    /// often cuts a transliterated name (库达摄夫) into pieces that mean nothing alone.
    fn unknown_runs(&self, words: &[String]) -> Vec<String> {
        let unknown = |w: &String| {
            w.chars().all(is_han)
                && self.get(w).is_none_or(|id| {
                    self.renderings[id as usize]
                        .iter()
                        .all(|r| r.source != Source::Dictionary)
                })
        };
        let mut runs = Vec::new();
        let mut start = 0;
        for end in 0..=words.len() {
            if end == words.len() || !unknown(&words[end]) {
                if end - start >= 2 {
                    runs.push(words[start..end].concat());
                }
                start = end + 1;
            }
        }
        runs
    }

    /// Names: a Chinese word whose pinyin (whole, or surname + given name) matches a capitalised
    /// English word of the document, exactly or closely (Jaro-Winkler ≥ 0.9 for long names,
    /// which catches transliterations such as 库达摄夫 kudashefu ~ Kudashev).
    fn add_names(&mut self, en: &[EnTokens], tokenizer: &Tokenizer) {
        let mut caps: Vec<&str> = en
            .iter()
            .flat_map(|s| {
                s.words
                    .iter()
                    .filter(|w| w.capitalized && !w.stop)
                    .map(|w| w.stem.as_str())
            })
            .filter(|s| s.len() >= 2)
            .collect();
        caps.sort_unstable();
        caps.dedup();
        // Capitalised words by first letter: a close transliteration starts with the same one.
        let mut by_initial: HashMap<char, Vec<(&str, Letters)>> = HashMap::default();
        for cap in caps {
            if let Some(c) = cap.chars().next() {
                by_initial
                    .entry(c)
                    .or_default()
                    .push((cap, Letters::of(cap)));
            }
        }
        let candidates: Vec<(u32, Vec<String>)> = (0..self.words.len() as u32)
            .into_par_iter()
            .map(|id| (id, name_forms(&self.words[id as usize], tokenizer)))
            .filter(|(_, forms)| !forms.is_empty())
            .collect();
        let found: Vec<(u32, String)> = candidates
            .par_iter()
            .flat_map_iter(|(id, forms)| {
                let mut hits: Vec<(u32, String)> = Vec::new();
                for form in forms {
                    let Some(bucket) = form.chars().next().and_then(|c| by_initial.get(&c)) else {
                        continue;
                    };
                    let letters = Letters::of(form);
                    for (cap, _) in bucket
                        .iter()
                        .filter(|(cap, l)| name_matches(form, &letters, cap, l))
                    {
                        hits.push((*id, cap.to_string()));
                    }
                }
                hits
            })
            .collect();
        for (id, cap) in found {
            let stem = self.stems.id(&cap);
            self.add(
                id,
                Rendering {
                    stems: vec![stem],
                    source: Source::Name,
                },
            );
        }
    }
}

/// Whether a romanised form names a capitalised English word: the same, or close for long
/// names (Jaro-Winkler ≥ 0.9). Jaro-Winkler is computed only when the letters the two share
/// could reach that (most pairs of names share too few).
fn name_matches(form: &str, form_letters: &Letters, cap: &str, cap_letters: &Letters) -> bool {
    if form == cap {
        return true;
    }
    if form.len() < 6 || cap.len() < 5 {
        return false;
    }
    let prefix = form
        .chars()
        .zip(cap.chars())
        .take_while(|(a, b)| a == b)
        .take(4)
        .count();
    let bound = form_letters.jaro_winkler_bound(cap_letters, prefix);
    bound >= 0.9 && strsim::jaro_winkler(form, cap) >= 0.9
}

/// Letter counts of a word (a–z, and one bucket for any other character), for a cheap upper
/// bound of its Jaro-Winkler similarity to another word.
#[derive(Debug, Clone)]
struct Letters {
    counts: [u8; 27],
    len: usize,
}

impl Letters {
    fn of(word: &str) -> Letters {
        let mut counts = [0u8; 27];
        let mut len = 0;
        for c in word.chars() {
            let k = if c.is_ascii_lowercase() {
                (c as u8 - b'a') as usize
            } else {
                26
            };
            counts[k] = counts[k].saturating_add(1);
            len += 1;
        }
        Letters { counts, len }
    }

    /// An upper bound of Jaro-Winkler similarity: Jaro's matching characters are at most the
    /// letters the two words share, and transpositions only lower it.
    fn jaro_winkler_bound(&self, other: &Letters, prefix: usize) -> f64 {
        if self.len == 0 || other.len == 0 {
            return 0.0;
        }
        let common: usize = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| *a.min(b) as usize)
            .sum();
        if common == 0 {
            return 0.0;
        }
        let jaro = (common as f64 / self.len as f64 + common as f64 / other.len as f64 + 1.0) / 3.0;
        let jaro = jaro.min(1.0);
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    }
}

/// Romanised forms of a Chinese word that may be a name: the whole pinyin (also of a lone
/// surname that jieba split off), and for three- or four-character words the surname and the
/// given name apart. Stemmed like English words.
fn name_forms(word: &str, tokenizer: &Tokenizer) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.is_empty() || chars.len() > 6 || !chars.iter().all(|c| is_han(*c)) {
        return Vec::new();
    }
    let syllables: Option<Vec<String>> = chars.iter().map(|c| char_pinyin(*c)).collect();
    let Some(syl) = syllables else {
        return Vec::new();
    };
    let mut forms = vec![syl.concat()];
    if (3..=4).contains(&chars.len()) {
        forms.push(syl[0].clone());
        forms.push(syl[1..].concat());
    }
    forms.retain(|f| f.len() >= 2);
    forms.iter().map(|f| tokenizer.stem(f)).collect()
}

/// The first pinyin reading of a character, without tone: 陈 → "chen".
fn char_pinyin(c: char) -> Option<String> {
    let mut buf = [0u8; 4];
    let entry = DICTIONARY.get_entry(c.encode_utf8(&mut buf))?;
    let syllable = entry.pinyin().split_whitespace().next()?;
    let plain: String = syllable
        .to_lowercase()
        .replace("u:", "u")
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    (!plain.is_empty()).then_some(plain)
}

/// Loads the dictionary now (it is otherwise loaded on first use).
pub fn load_dictionary() {
    let _ = DICTIONARY.get_entry("的");
}

/// Stemmed content words kept per reading of a word: later senses of polysemous words mostly
/// add noise (measured on mac-dev: 3 per word 0.836, 6 per reading 0.862, all 0.852).
const GLOSSES_PER_READING: usize = 6;

/// The CC-CEDICT renderings of a simplified Chinese word: the first stemmed content words of
/// each reading's definitions, main senses first. Definitions that are cross-references or classifiers are dropped,
/// parenthesised text is removed, and definitions of more than three content words are too
/// vague to use.
pub fn dictionary_glosses(word: &str, tokenizer: &Tokenizer) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for entry in DICTIONARY
        .lookup_entries(word)
        .filter(|e| e.simplified() == word)
    {
        let start = out.len();
        for def in entry.definitions() {
            let Some(stems) = gloss_stems(def, tokenizer) else {
                continue;
            };
            for s in stems {
                let single = vec![s];
                if !out.contains(&single) && out.len() - start < GLOSSES_PER_READING {
                    out.push(single);
                }
            }
        }
    }
    out
}

/// The pieces of a word the dictionary does not know (an idiom, a compound jieba made up,
/// 千层糕): the longest dictionary word at each place, left to right, down to single
/// characters. None for a single character or a word that is not all Han.
pub fn pieces(word: &str) -> Vec<&str> {
    if word.chars().count() < 2 || !word.chars().all(is_han) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(first) = rest.chars().next() {
        let ends: Vec<usize> = rest.char_indices().skip(1).map(|(k, _)| k).collect();
        let piece = [rest.len()]
            .into_iter()
            .chain(ends.into_iter().rev())
            .find(|&end| DICTIONARY.get_entry(&rest[..end]).is_some())
            .unwrap_or(first.len_utf8());
        out.push(&rest[..piece]);
        rest = &rest[piece..];
    }
    out
}

/// The glosses of a word's pieces, in order, at most [`GLOSSES_PER_READING`] from each piece.
fn joined_glosses<'a>(lists: impl Iterator<Item = &'a Vec<Vec<String>>>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for list in lists {
        for g in list.iter().take(GLOSSES_PER_READING) {
            if !out.contains(g) {
                out.push(g.clone());
            }
        }
    }
    out
}

fn gloss_stems(def: &str, tokenizer: &Tokenizer) -> Option<Vec<String>> {
    let lower = def.to_lowercase();
    const SKIP: &[&str] = &[
        "cl:",
        "variant of",
        "old variant",
        "see ",
        "abbr.",
        "surname ",
        "used in",
        "japanese variant",
        "also written",
        "erhua variant",
        "pr.",
    ];
    if SKIP.iter().any(|p| lower.starts_with(p)) {
        return None;
    }
    let stems = content_stems(&strip_brackets(&lower), tokenizer);
    (!stems.is_empty() && stems.len() <= 3).then_some(stems)
}

/// Stemmed content words of an English phrase.
pub fn content_stems(phrase: &str, tokenizer: &Tokenizer) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphabetic) && !is_stop_word(w))
        .map(|w| tokenizer.stem(&w))
        .collect()
}

fn strip_brackets(text: &str) -> String {
    let mut depth = 0i32;
    text.chars()
        .filter(|&c| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => {
                    depth -= 1;
                    return false;
                }
                _ => {}
            }
            depth <= 0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_are_stemmed_content_words() {
        let t = Tokenizer::shared();
        let g = dictionary_glosses("交涉", t);
        assert!(g.contains(&vec!["negoti".to_string()]), "{g:?}");
        assert!(!g.iter().any(|a| a.contains(&"with".to_string())));
    }

    /// A compound the dictionary lacks is glossed by its pieces, longest first.
    #[test]
    fn unknown_compounds_take_the_glosses_of_their_pieces() {
        let t = Tokenizer::shared();
        assert!(dictionary_glosses("猫警察", t).is_empty());
        assert_eq!(pieces("猫警察"), ["猫", "警察"]);
        assert!(pieces("猫").is_empty(), "single characters are not pieced");
        assert!(pieces("NASA").is_empty());
        // As if jieba had kept the made-up compound as one word.
        let zh = vec![ZhTokens {
            words: vec!["猫警察".into()],
            ..ZhTokens::default()
        }];
        let en = vec![t.en("The cat police came.")];
        let lex = DocLexicon::build(&zh, &en, &Glossary::default(), t);
        let id = lex.get("猫警察").unwrap();
        for want in ["cat", "polic"] {
            let stem = lex.stems.get(want).unwrap();
            assert!(
                lex.renderings[id as usize]
                    .iter()
                    .any(|r| r.stems == [stem] && r.source == Source::Pieces),
                "{want}"
            );
        }
    }

    #[test]
    fn cross_references_and_brackets_are_dropped() {
        let t = Tokenizer::shared();
        assert_eq!(gloss_stems("CL:個|个[ge4]", t), None);
        assert_eq!(
            gloss_stems("Petrograd (former name of Saint Petersburg)", t),
            Some(vec!["petrograd".into()])
        );
    }

    /// The letter bound never turns away a pair that Jaro-Winkler would accept.
    #[test]
    fn the_letter_bound_lies_above_jaro_winkler() {
        let words = [
            "kudashefu",
            "kudashev",
            "kudashov",
            "suokeluofu",
            "sokolov",
            "bolishevike",
            "bolshevik",
            "haishenwei",
            "vladivostok",
            "liejingren",
            "liujingren",
            "xiaobolisi",
            "khabarovsk",
            "abcdefgh",
            "hgfedcba",
            "zzzzzzz",
            "amuersheng",
            "amur",
            "peterograd",
            "bidegele",
            "petrograd",
            "naxiangzhong",
            "nakhodka",
            "ivanov",
            "iwanow",
        ];
        for a in words {
            for b in words {
                let la = Letters::of(a);
                let lb = Letters::of(b);
                let prefix = a
                    .chars()
                    .zip(b.chars())
                    .take_while(|(x, y)| x == y)
                    .take(4)
                    .count();
                let jw = strsim::jaro_winkler(a, b);
                assert!(
                    la.jaro_winkler_bound(&lb, prefix) + 1e-12 >= jw,
                    "{a} {b} {jw}"
                );
            }
        }
        assert!(name_matches(
            "kudashefu",
            &Letters::of("kudashefu"),
            "kudashev",
            &Letters::of("kudashev")
        ));
        assert!(!name_matches(
            "suokeluofu",
            &Letters::of("suokeluofu"),
            "sokolov",
            &Letters::of("sokolov")
        ));
    }

    #[test]
    fn names_match_by_pinyin() {
        let t = Tokenizer::shared();
        let zh = vec![t.zh("陈清扬把我拽住。"), t.zh("库达摄夫到了。")];
        let en = vec![
            t.en("Chen Qingyang held me back."),
            t.en("Kudashev arrived."),
        ];
        let lex = DocLexicon::build(&zh, &en, &Glossary::default(), t);
        let renders = |sentence: &ZhTokens, stem: &str| {
            let s = lex.stems.get(&t.stem(stem)).unwrap();
            let ids = lex.sentence_ids(sentence, "");
            ids.iter()
                .any(|&id| lex.renderings[id as usize].iter().any(|r| r.stems == [s]))
        };
        assert!(
            renders(&zh[0], "qingyang") && renders(&zh[0], "chen"),
            "{:?}",
            zh[0].words
        );
        assert!(renders(&zh[1], "kudashev"), "{:?}", zh[1].words);
    }

    #[test]
    fn glossary_terms_are_found_in_traditional_text() {
        let t = Tokenizer::shared();
        let zh = vec![t.zh("伯力華工甚多。")];
        let en = vec![t.en("There are many Chinese workers at Khabarovsk.")];
        let g = Glossary::from_pairs([("伯力", "Khabarovsk")]);
        let lex = DocLexicon::build(&zh, &en, &g, t);
        let ids = lex.sentence_ids(&zh[0], &to_simplified("伯力華工甚多。"));
        let term = lex.terms[0].1;
        assert!(ids.contains(&term));
    }
}
