//! Term extraction: Chinese terms that recur in aligned units, paired with the English this
//! translator used for them.
//!
//! 1. Candidates ([`crate::phrases`], counted by [`crate::counts`]): Chinese words and runs of
//!    up to three words, English runs of up to five content words.
//! 2. Association: a Chinese phrase and an English phrase co-occur `min(a, b)` times in a unit
//!    where they occur `a` and `b` times; Dice = 2·co-occurrences / (Chinese count + English
//!    count).
//! 3. Priors, as small bonuses that break near-ties between English candidates: CC-CEDICT
//!    glosses of the Chinese, and for names the pinyin against the English letters; the period
//!    lexicon's rendering. The English itself always comes from the corpus, never from the
//!    dictionary. An English phrase that is a shorter candidate plus words of a neighbouring
//!    term loses a little ([`demote_borrowed_extensions`], the English side of C-value). A
//!    verb glued to a word (发证明书, [`is_glued_verb`]), a verb phrase (境内扣留, 收驻海参崴,
//!    [`is_verb_phrase`]) and a piece of a longer name jieba cut (米诺夫部下 of 谢米诺夫部下,
//!    [`bound_phrases`]) are no terms.
//! 4. Competitive linking and pruning ([`crate::link`]): one English phrase per Chinese term
//!    and one Chinese term per English phrase; compounds, fragments and extensions of other
//!    terms are dropped.
//! 5. Ranking: by Dice weighted by the log of the co-occurrence count and by termhood: the
//!    word's everyday frequency, the period lexicon's word rendered as the lexicon renders it,
//!    and on little evidence, English that disagrees with the dictionaries ([`disagreement`]).

use crate::counts::{Counts, has};
use crate::link::{self, Pair};
use crate::phrases::{Known, en_phrases, han_chunks, is_lead_function_char, is_tail_function_char};
use crate::units::Unit;
use amur_core::glossary::{Glossary, Term};
use amur_core::lexicon::dictionary_glosses;
use amur_core::period;
use amur_core::tokenize::{Tokenizer, is_han, is_stop_word, to_simplified};
use haoxue_dict::DICTIONARY;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Options of the extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractOptions {
    /// Least number of co-occurrences (and so of occurrences) of a term pair.
    pub min_freq: usize,
    /// Keep only the best N pairs.
    pub top: Option<usize>,
    /// Consider single-character Chinese words.
    pub single_char: bool,
    /// Least Dice score of a pair.
    pub min_score: f64,
    /// Unit references kept per term.
    pub examples: usize,
    /// Use the period lexicon ([`super::period`]) for term edges and renderings.
    pub period_lexicon: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            min_freq: 2,
            top: None,
            single_char: false,
            min_score: 0.3,
            examples: 2,
            period_lexicon: true,
        }
    }
}

/// One extracted term pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The Chinese term in its most frequent written form.
    pub zh: String,
    /// The English rendering in its most frequent written form.
    pub en: String,
    /// Occurrences of the Chinese term.
    pub freq: usize,
    /// Co-occurrences of the pair in aligned units.
    pub joint: usize,
    /// Dice coefficient of the pair.
    pub score: f64,
    /// References (`document#bead`) of units where the pair occurs.
    pub examples: Vec<String>,
    /// What the list is sorted by (see [`rank`]).
    pub rank: f64,
}

impl Extracted {
    /// The glossary comment: `freq 14; score 0.93; e.g. telegrams-1917#3, minutes-1918#5`.
    pub fn comment(&self) -> String {
        let mut c = format!("freq {}; score {:.2}", self.freq, self.score);
        if !self.examples.is_empty() {
            c.push_str("; e.g. ");
            c.push_str(&self.examples.join(", "));
        }
        c
    }

    pub fn to_term(&self) -> Term {
        Term {
            zh: self.zh.clone(),
            en: self.en.clone(),
            comment: self.comment(),
        }
    }
}

/// The extracted terms as a glossary, in rank order.
pub fn to_glossary(terms: &[Extracted]) -> Glossary {
    Glossary {
        terms: terms.iter().map(Extracted::to_term).collect(),
    }
}

/// The prior bonus of rendering Chinese `zh` as English `en_surface` (stems `en_key`): 0.05
/// when a CC-CEDICT gloss of the Chinese (or of a word inside it) is among the English stems
/// (the same for a phrase and the phrases holding it, so that the longer still wins a tie),
/// and up to 0.1 when the English is a capitalised name that sounds like the pinyin.
fn prior(zh: &str, glosses: &HashSet<String>, en_key: &str, en_surface: &str) -> f64 {
    let stems: Vec<&str> = en_key.split(' ').collect();
    let dict = if stems.iter().any(|s| glosses.contains(*s)) {
        0.05
    } else {
        0.0
    };
    dict + 0.1 * name_similarity(zh, en_surface)
}

/// The ranking weight of a pair: squared Dice (a translator who renders a term the same way
/// every time scores 1) times the log of the evidence, times the Chinese phrase's termhood,
/// doubled at most for a name whose English sounds like its pinyin (an agreement that chance
/// co-occurrence does not produce).
pub fn rank(dice: f64, joint: usize, termhood: f64, name: f64) -> f64 {
    dice * dice * (1.0 + joint as f64).ln() * termhood * (1.0 + name)
}

/// Everyday-language frequency (SUBTLEX-CH, log10 of the count in 33M words) above which a
/// Chinese word counts as common: about 600 occurrences.
const COMMON: f64 = 2.8;
/// How fast termhood falls above [`COMMON`], per unit of log10 frequency.
const COMMON_SLOPE: f64 = 0.8;

/// How much a Chinese phrase is a term of its text rather than everyday language: 1 for
/// phrases CC-CEDICT does not list (names, transliterations, compounds) and for rare words,
/// falling with a word's everyday frequency above [`COMMON`]: 政府 "government" (3.55)
/// weighs 0.6, 保護 "protection" (3.85) 0.54, 公使 "minister" (0.3) 1.
pub fn termhood(zh: &str) -> f64 {
    if !is_dictionary_word(zh) {
        return 1.0;
    }
    1.0 / (1.0 + COMMON_SLOPE * (DICTIONARY.frequency(zh) - COMMON).max(0.0))
}

/// Whether a character (simplified) is a verb to CC-CEDICT: the first sense of its first
/// reading reads "to …" (发 "to send out", 免 "to exempt"; not 新 "new", 俄 "Russia").
pub fn is_verb_char(ch: char) -> bool {
    let mut buf = [0u8; 4];
    let key: &str = ch.encode_utf8(&mut buf);
    DICTIONARY
        .lookup_entries(key)
        .find(|e| e.simplified() == key)
        .and_then(|e| e.definitions().next().map(|d| d.starts_with("to ")))
        .unwrap_or(false)
}

/// Whether a Chinese phrase (simplified) is a verb glued to the word after it: one verb
/// character ([`is_verb_char`]) before a dictionary or lexicon word of two or more characters,
/// the whole no word of its own (发证明书 "issue certificates", 免华商 "exempt the Chinese
/// merchants"). Such a phrase is the verb's object with the verb, not a term.
pub fn is_glued_verb(zh: &str, known: &Known) -> bool {
    let mut chars = zh.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    rest.chars().count() >= 2
        && is_verb_char(first)
        && (is_dictionary_word(rest) || known.contains(rest))
        && !is_dictionary_word(zh)
        && !known.contains(zh)
}

/// Whether a word (simplified) is a verb to CC-CEDICT: the first sense of its first entry that
/// is no surname and no variant of another word reads "to …" (制止 "to curb", 扣留 "to detain"; not 损失 "loss", 日军
/// "Japanese army"). A word CC-CEDICT does not list is a verb when its first character is one
/// by the same reading (收驻 "received … stationed at"). This skips surnames and variants,
/// which [`is_verb_char`] (a glued verb's test) does not: with that test 陈次长 would become a
/// glued verb, 陈 read as "to lay out" (measured: period-1919 27 → 26).
pub fn is_verb_word(word: &str) -> bool {
    if !is_dictionary_word(word) {
        return word.chars().count() > 1
            && word
                .chars()
                .next()
                .is_some_and(|ch| is_dictionary_verb(ch.encode_utf8(&mut [0u8; 4])));
    }
    is_dictionary_verb(word)
}

/// Whether a dictionary word (simplified) is a verb to CC-CEDICT (see [`is_verb_word`]).
fn is_dictionary_verb(word: &str) -> bool {
    DICTIONARY
        .lookup_entries(word)
        .filter(|e| e.simplified() == word && !e.definitions().any(|d| d.contains("variant of")))
        .flat_map(|e| e.definitions().take(1))
        .find(|d| !d.starts_with("surname"))
        .is_some_and(|d| d.starts_with("to "))
}

/// Whether a Chinese phrase (simplified) is a verb phrase, no term: no dictionary or lexicon
/// word, of two or more jieba words, and either ending in a verb that is no word of the
/// lexicon (境内扣留 "detain within the borders", 切实制止 "put an effective stop") or
/// starting with one followed by its object, a word of the dictionary or the lexicon (收驻 +
/// 海参崴, 扣留 + 华商 + 货物) or by a preposition (拟 + 由 + 官银号). A noun made with a verb (护路军 "railway guards": 护 + 路军) is
/// none.
pub fn is_verb_phrase(zh: &str, known: &Known, tokenizer: &Tokenizer) -> bool {
    if is_dictionary_word(zh) || known.contains(zh) {
        return false;
    }
    let words = tokenizer.zh(zh).words;
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    if words.len() < 2 {
        return false;
    }
    // A surname that is also a verb (陈 "to display") starts a name, not a verb phrase, and
    // the given name after it is no verb either (赵 + 振声).
    let surname = first.chars().count() == 1 && first.chars().all(|ch| SURNAMES.contains(ch));
    let is_word = |w: &str| w.chars().count() > 1 && (is_dictionary_word(w) || known.contains(w));
    // A word CC-CEDICT does not list ends a phrase of two words as a name does (代表 +
    // 伏尔康斯基), of three as a verb may (拟由官 + 银号 + 收换 "propose that the provincial
    // bank exchange").
    let verb_end = (is_dictionary_word(last) || words.len() > 2)
        && is_verb_word(last)
        && !surname
        && !known.contains(last);
    // Its object: a word among the words after it, or words after a preposition, on its own
    // or glued to the verb by jieba (拟由 + 官银号 "propose that the provincial bank").
    let object = words[1..].iter().any(|w| is_word(w))
        || words[1..words.len() - 1]
            .iter()
            .any(|w| crate::phrases::is_zh_function_word(w))
        || (first.chars().count() > 1
            && first
                .chars()
                .last()
                .is_some_and(|ch| is_lead_function_char(ch) || is_tail_function_char(ch)));
    // One verb character before a word is [`is_glued_verb`]'s to judge (伏 + 代表 is a name
    // before its title).
    // A first word CC-CEDICT does not list that starts with a verb is the verb glued by
    // jieba to what follows it (拟由官 + 银号, 收驻 + 海参崴): its object comes after it.
    let verb_start = first.chars().count() > 1
        && is_verb_word(first)
        && !surname
        && !known.contains(first)
        && (object || !is_dictionary_word(first));
    verb_end || verb_start
}

/// Whether CC-CEDICT has a word written so (simplified).
pub(super) fn is_dictionary_word(zh: &str) -> bool {
    DICTIONARY.lookup_entries(zh).any(|e| e.simplified() == zh)
}

/// CC-CEDICT glosses (stems) of a Chinese phrase and of every dictionary word of two or more
/// characters inside it: 中東鐵路 is not in the dictionary, but 鐵路 "railway" is.
fn glosses(zh: &str, tokenizer: &Tokenizer) -> HashSet<String> {
    let chars: Vec<char> = zh.chars().collect();
    let mut out = HashSet::new();
    for start in 0..chars.len() {
        for end in start + 2..=chars.len() {
            let part: String = chars[start..end].iter().collect();
            out.extend(dictionary_glosses(&part, tokenizer).into_iter().flatten());
        }
    }
    out
}

/// How much a capitalised English phrase sounds like the pinyin of a Chinese word, in [0, 1]:
/// normalised Levenshtein similarity of the letters (which, unlike Jaro-Winkler, punishes a
/// name cut short), 0 below 0.6 or when the English is not capitalised.
pub fn name_similarity(zh: &str, en: &str) -> f64 {
    let capitalised = en
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    let Some(py) = pinyin(zh) else {
        return 0.0;
    };
    if !capitalised {
        return 0.0;
    }
    let letters: String = en
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_lowercase();
    let sim = strsim::normalized_levenshtein(&py, &letters)
        .max(strsim::normalized_levenshtein(&russian(&py), &letters));
    if sim >= 0.6 { sim } else { 0.0 }
}

/// Pinyin read the way Russian names are transcribed into Chinese: 夫 "fu" for -v, 索 "suo"
/// and 洛 "luo" for o, 希 "xi" for shi (庫達攝夫 kudashefu → kudashev, 索科洛夫 → sokelov,
/// 希什洛夫 → shishilov).
fn russian(pinyin: &str) -> String {
    pinyin
        .replace("fu", "v")
        .replace("uo", "o")
        .replace('x', "sh")
}

/// Toneless pinyin of a Han word, syllables joined: 陈清扬 → "chenqingyang".
fn pinyin(word: &str) -> Option<String> {
    let mut out = String::new();
    for c in word.chars() {
        if !is_han(c) {
            return None;
        }
        let mut buf = [0u8; 4];
        let entry = DICTIONARY.get_entry(c.encode_utf8(&mut buf))?;
        let syllable = entry.pinyin().split_whitespace().next()?.to_lowercase();
        out.extend(
            syllable
                .replace("u:", "u")
                .chars()
                .filter(char::is_ascii_alphabetic),
        );
    }
    (!out.is_empty()).then_some(out)
}

/// Bonus of a pair whose English is the period lexicon's rendering of its Chinese: enough to
/// win over a pair of equal Dice, not over one that the corpus supports better.
const LEXICON_BONUS: f64 = 0.15;
/// Ranking weight of a pair the period lexicon lists (see [`Lexicon::termhood`]).
const LEXICON_TERMHOOD: f64 = 1.15;
/// Bonus of a name with its title (高次長) whose English holds the title's rendering and a
/// capitalised word (Deputy Minister Gao): the same, so that on a tie the whole titled name
/// wins over its title.
const TITLED_NAME_BONUS: f64 = LEXICON_BONUS;

/// What the period lexicon tells the extractor: its words (whole terms, see [`Known`]), the
/// stem keys of its renderings by simplified Chinese, and its titles.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub known: Known,
    renderings: HashMap<String, Vec<String>>,
    titles: Vec<String>,
}

impl Lexicon {
    /// The period lexicon, or nothing when `on` is false.
    pub fn period(on: bool, tokenizer: &Tokenizer) -> Lexicon {
        if !on {
            return Lexicon::default();
        }
        let g = period::lexicon();
        let mut renderings: HashMap<String, Vec<String>> = HashMap::new();
        for t in &g.terms {
            if let Some(key) = en_key(&t.en, tokenizer) {
                renderings
                    .entry(to_simplified(&t.zh))
                    .or_default()
                    .push(key);
            }
        }
        Lexicon {
            known: Known::new(g.terms.iter().map(|t| t.zh.as_str())),
            renderings,
            titles: period::titles().to_vec(),
        }
    }

    /// Ranking weight of rendering `zh` as English `en_key`: [`LEXICON_TERMHOOD`] when the
    /// English is the lexicon's rendering or holds it (a term of the genre, rendered as the
    /// genre renders it: 徵用 / requisitioned), 1 otherwise.
    fn termhood(&self, zh: &str, en_key: &str) -> f64 {
        let listed = self.renderings.get(zh).into_iter().flatten();
        if listed
            .into_iter()
            .any(|r| r == en_key || en_holds(en_key, r))
        {
            LEXICON_TERMHOOD
        } else {
            1.0
        }
    }

    /// The title a Chinese key ends with after a one-character name (高次长 → 次长).
    pub fn titled_name<'a>(&'a self, zh: &str) -> Option<&'a str> {
        let n = zh.chars().count();
        self.titles
            .iter()
            .find(|t| t.chars().count() + 1 == n && zh.ends_with(t.as_str()))
            .map(String::as_str)
    }

    /// The bonus of rendering `zh` as English `en_key` (stems): the lexicon's rendering or a
    /// fuller phrase holding it (the translator's whole noun phrase wins the tie), or a titled
    /// name (a surname and a title) whose English holds its title's rendering and more.
    fn bonus(&self, zh: &str, en_key: &str, en_surface: &str) -> f64 {
        let listed = |z: &str| self.renderings.get(z).into_iter().flatten();
        if listed(zh).any(|r| r == en_key || en_holds(en_key, r)) {
            return LEXICON_BONUS;
        }
        let capitalised = en_surface
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count();
        let surname = zh.chars().next().is_some_and(|ch| SURNAMES.contains(ch));
        match self.titled_name(zh) {
            Some(title)
                if capitalised >= 2
                    && surname
                    && listed(title).any(|r| en_key != r && en_key.contains(r.as_str())) =>
            {
                TITLED_NAME_BONUS
            }
            _ => 0.0,
        }
    }
}

/// Whether English key `big` holds key `small` as a run of whole stems.
fn en_holds(big: &str, small: &str) -> bool {
    let (b, s): (Vec<&str>, Vec<&str>) = (big.split(' ').collect(), small.split(' ').collect());
    s.len() < b.len() && b.windows(s.len()).any(|w| w == s.as_slice())
}

/// The stem key of an English phrase as candidates are keyed ("Ministry of Foreign Affairs"
/// → "ministri of foreign affair"), if it is one candidate phrase.
fn en_key(en: &str, tokenizer: &Tokenizer) -> Option<String> {
    en_phrases(en, tokenizer)
        .into_iter()
        .find(|p| p.surface == en.trim())
        .map(|p| p.key)
}

/// Ranking weight of a name with its title (劉公使 / Minister Liu): three quarters, as the
/// name and the title are terms of their own and rank on their own; a whole one otherwise.
fn titled_weight(zh: &str, lex: &Lexicon) -> f64 {
    if lex.titled_name(zh).is_some() {
        0.75
    } else {
        1.0
    }
}

/// Co-occurrences below which a pair's English must agree with what is known of its Chinese.
const LITTLE_EVIDENCE: usize = 5;
/// Ranking weight of a pair on little evidence whose English disagrees with what is known of
/// its Chinese.
const DISAGREEING_WEIGHT: f64 = 0.5;

/// Ranking weight of a pair by what the dictionaries say of it: [`DISAGREEING_WEIGHT`] when,
/// on fewer than [`LITTLE_EVIDENCE`] co-occurrences, its English holds none of the period
/// lexicon's renderings of the Chinese (中俄 "Sino-Russian" beside "Amur River", the river of
/// the same units), or the Chinese is a CC-CEDICT word and its English, not a name, has none
/// of the dictionary's glosses (华人 "ethnic Chinese" paired with "new"), or it is a phrase of
/// two characters the dictionary does not list and its English has none of their glosses
/// (本省, 本 "this" and 省 "province", paired with "food"): on so few units, chance
/// co-occurrence is likelier than an unlisted sense. 1 otherwise.
fn disagreement(
    zk: &str,
    en_key: &str,
    en_surface: &str,
    joint: usize,
    lex: &Lexicon,
    tokenizer: &Tokenizer,
) -> f64 {
    if joint >= LITTLE_EVIDENCE {
        return 1.0;
    }
    if let Some(listed) = lex.renderings.get(zk) {
        if listed.iter().any(|r| r == en_key || en_holds(en_key, r)) {
            return 1.0;
        }
        return DISAGREEING_WEIGHT;
    }
    let name = en_surface
        .split_whitespace()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    if name {
        return 1.0;
    }
    // A dictionary word by its glosses; a two-character phrase the dictionary does not list
    // (运往, 本省) by its characters' glosses.
    let glosses = if is_dictionary_word(zk) {
        glosses(zk, tokenizer)
    } else if zk.chars().count() == 2 {
        zk.chars()
            .flat_map(|ch| dictionary_glosses(&ch.to_string(), tokenizer))
            .flatten()
            .collect()
    } else {
        return 1.0;
    };
    if glosses.is_empty() || en_key.split(' ').any(|s| glosses.contains(s)) {
        1.0
    } else {
        DISAGREEING_WEIGHT
    }
}

/// Share of a Chinese phrase's occurrences that must be cut for it to be no term.
const CUT_SHARE: f64 = 0.5;

/// Chinese phrases that are mostly cut out of a title, a titled name or another word of the
/// lexicon (see [`is_cut`]).
fn cut_phrases(units: &[Unit], c: &Counts, lex: &Lexicon) -> HashSet<u32> {
    if lex.titles.is_empty() {
        return HashSet::new();
    }
    let mut cut = vec![0usize; c.zh.keys.len()];
    for u in units {
        for chunk in han_chunks(&u.zh) {
            let text = &chunk.simplified;
            let spans = title_spans(text, &lex.titles);
            let words = known_spans(text, &lex.known);
            let n = text.len();
            for start in 0..n {
                for end in start + 2..=(start + 12).min(n) {
                    let key: String = text[start..end].iter().collect();
                    if let Some(&id) = c.zh.ids.get(&key)
                        && is_cut(&key, start, end, (&spans, &words), text, lex)
                    {
                        cut[id as usize] += 1;
                    }
                }
            }
        }
    }
    cut.iter()
        .enumerate()
        .filter(|&(i, &n)| n > 0 && n as f64 >= CUT_SHARE * c.zh.freq[i] as f64)
        .map(|(i, _)| i as u32)
        .collect()
}

/// Share of a phrase's occurrences with the same character beside it, and of that
/// character's occurrences beside the phrase's edge character, for the phrase to be a piece
/// of a longer word.
const BOUND_SHARE: f64 = 0.5;

/// Chinese phrases cut from a longer word that jieba does not know (C-value's nested
/// candidate that never occurs alone): in most of their occurrences the same character stands
/// right before (or after) them, a character that does not stand alone (it stands beside the
/// phrase's edge character in most of its own occurrences) and is no function character, and
/// the phrase's word at that edge is no word (two or more characters, no word of the
/// dictionary or the lexicon inside: a transliteration or a formula jieba cut short).
/// 米诺夫部下 is 谢|米诺夫部下 where 谢 is only ever the first character of 谢米诺夫; 乞示 is
/// 乞示|遵 "beg for instructions". After a phrase, the character must also start no word of
/// the dictionary there: a name is often followed by the same word (谢米诺夫|部下 "Semenov's
/// men"). A dictionary or lexicon word is never such a piece.
fn bound_phrases(units: &[Unit], c: &Counts, known: &Known, tokenizer: &Tokenizer) -> HashSet<u32> {
    let mut chars: HashMap<char, usize> = HashMap::new();
    // (first, second) -> occurrences of the two characters side by side
    let mut bigrams: HashMap<(char, char), usize> = HashMap::new();
    // (phrase, before?, character beside it) -> occurrences
    let mut beside: HashMap<(u32, bool, char), usize> = HashMap::new();
    for u in units {
        for chunk in han_chunks(&u.zh) {
            let text = &chunk.simplified;
            let n = text.len();
            for &ch in text {
                *chars.entry(ch).or_default() += 1;
            }
            for pair in text.windows(2) {
                *bigrams.entry((pair[0], pair[1])).or_default() += 1;
            }
            // whether a dictionary word starts at a position
            let word_at = |i: usize| {
                (i + 2..=(i + 4).min(n))
                    .any(|j| is_dictionary_word(&text[i..j].iter().collect::<String>()))
            };
            for start in 0..n {
                for end in start + 2..=(start + 12).min(n) {
                    let key: String = text[start..end].iter().collect();
                    let Some(&id) = c.zh.ids.get(&key) else {
                        continue;
                    };
                    if start > 0 {
                        *beside.entry((id, true, text[start - 1])).or_default() += 1;
                    }
                    if end < n && !word_at(end) {
                        *beside.entry((id, false, text[end])).or_default() += 1;
                    }
                }
            }
        }
    }
    beside
        .into_iter()
        .filter(|&((id, before, ch), k)| {
            let key = &c.zh.keys[id as usize];
            if k as f64 <= BOUND_SHARE * c.zh.freq[id as usize] as f64
                || is_dictionary_word(key)
                || known.contains(key)
            {
                return false;
            }
            let (Some(first), Some(last)) = (key.chars().next(), key.chars().last()) else {
                return false;
            };
            let (function, bigram) = if before {
                (is_lead_function_char(ch), (ch, first))
            } else {
                (is_tail_function_char(ch), (last, ch))
            };
            let joined = bigrams.get(&bigram).copied().unwrap_or(0);
            if function || joined as f64 <= BOUND_SHARE * chars[&ch] as f64 {
                return false;
            }
            // The edge word must be no word (米诺夫; not 孙 of 黑龙江|孙督军, 中国 of
            // 系|中国领土, 生命财产 of 华侨|生命财产).
            let words = tokenizer.zh(key).words;
            let edge = if before { words.first() } else { words.last() };
            edge.is_some_and(|w| w.chars().count() > 1 && !holds_a_word(w) && !known.contains(w))
        })
        .map(|((id, _, _), _)| id)
        .collect()
}

/// Whether a word (simplified) is or holds a CC-CEDICT word of two or more characters.
fn holds_a_word(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).any(|i| {
        (i + 2..=chars.len()).any(|j| is_dictionary_word(&chars[i..j].iter().collect::<String>()))
    })
}

/// Where titles occur in a text (character ranges), longest title first at each place.
fn title_spans(text: &[char], titles: &[String]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for t in titles {
        let t: Vec<char> = t.chars().collect();
        for i in 0..text.len().saturating_sub(t.len() - 1) {
            if text[i..].starts_with(&t) {
                spans.push((i, i + t.len()));
            }
        }
    }
    spans
}

/// Where the lexicon's words occur in a text (character ranges).
fn known_spans(text: &[char], known: &Known) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for start in 0..text.len() {
        for end in start + 2..=(start + 10).min(text.len()) {
            if known.contains(&text[start..end].iter().collect::<String>()) {
                spans.push((start, end));
            }
        }
    }
    spans
}

/// Whether the occurrence `start..end` of `key` cuts a title or another word of the lexicon
/// (黑河道|尹, 高次|長, 黑|河道尹: it starts or ends strictly inside one) or cuts a name from
/// the title that follows it (駐海蘭泡鍾|領事: a surname at its end, a title right after, and
/// the phrase no word of its own). `spans`: the titles' and the lexicon words' occurrences.
fn is_cut(
    key: &str,
    start: usize,
    end: usize,
    (spans, words): (&[(usize, usize)], &[(usize, usize)]),
    text: &[char],
    lex: &Lexicon,
) -> bool {
    let inside = |p: usize| {
        spans
            .iter()
            .chain(words)
            .any(|&(s, e)| s < p && p < e && !(start <= s && e <= end))
    };
    if (inside(start) || inside(end)) && !lex.known.contains(key) {
        return true;
    }
    let surname = text[end - 1];
    let title_follows = spans.iter().any(|&(s, _)| s == end);
    title_follows
        && SURNAMES.contains(surname)
        && key.chars().count() > 1
        && !lex.known.contains(key)
        && !is_dictionary_word(key)
}

/// Common single-character surnames (simplified), for names abbreviated to surname + title.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱尹薛段雷侯龙史陶黎贺顾毛郝龚邵钱严武戴莫孔汤鲍颜施章伍常康庄易梅齐祝";

/// Co-occurrence counts of Chinese and English phrases that each occur at least `min_freq`
/// times, keeping pairs that co-occur at least `min_freq` times.
fn joint_counts(c: &Counts, min_freq: usize) -> HashMap<(u32, u32), usize> {
    let partial: Vec<HashMap<(u32, u32), usize>> = c
        .zh_bags
        .par_iter()
        .zip(&c.en_bags)
        .fold(HashMap::new, |mut acc, (zb, eb)| {
            let en: Vec<&(u32, usize)> = eb
                .iter()
                .filter(|(e, _)| c.en.freq[*e as usize] >= min_freq)
                .collect();
            for &(z, a) in zb
                .iter()
                .filter(|(z, _)| c.zh.freq[*z as usize] >= min_freq)
            {
                for &&(e, b) in &en {
                    *acc.entry((z, e)).or_default() += a.min(b);
                }
            }
            acc
        })
        .collect();
    let mut joint: HashMap<(u32, u32), usize> = HashMap::new();
    for part in partial {
        for (k, v) in part {
            *joint.entry(k).or_default() += v;
        }
    }
    joint.retain(|_, v| *v >= min_freq);
    joint
}

/// Scores every co-occurring pair, best first.
fn pairs(
    c: &Counts,
    opts: &ExtractOptions,
    tokenizer: &Tokenizer,
    lex: &Lexicon,
    cut: &HashSet<u32>,
) -> Vec<Pair> {
    let mut joint = joint_counts(c, opts.min_freq);
    joint.retain(|(z, _), _| !cut.contains(z));
    let zh_ids: HashSet<u32> = joint.keys().map(|&(z, _)| z).collect();
    let zh_glosses: HashMap<u32, HashSet<String>> = zh_ids
        .into_par_iter()
        .map(|z| (z, glosses(&c.zh.keys[z as usize], tokenizer)))
        .collect();
    let en_ids: HashSet<u32> = joint.keys().map(|&(_, e)| e).collect();
    let en_surfaces: HashMap<u32, String> =
        en_ids.into_iter().map(|e| (e, c.en.surface(e))).collect();
    let mut out: Vec<Pair> = joint
        .par_iter()
        .filter_map(|(&(z, e), &j)| {
            let (fz, fe) = (c.zh.freq[z as usize], c.en.freq[e as usize]);
            let dice = 2.0 * j as f64 / (fz + fe) as f64;
            if dice < opts.min_score * 0.5 {
                return None;
            }
            let (zk, ek) = (&c.zh.keys[z as usize], &c.en.keys[e as usize]);
            // A phrase jieba never cut so, or a verb glued to a word, is only a term when it is
            // a name that sounds so.
            if (!c.zh.natural[z as usize]
                || is_glued_verb(zk, &lex.known)
                || is_verb_phrase(zk, &lex.known, tokenizer))
                && name_similarity(zk, &en_surfaces[&e]) == 0.0
            {
                return None;
            }
            Some(Pair {
                zh: z,
                en: e,
                joint: j,
                dice,
                score: dice
                    + prior(zk, &zh_glosses[&z], ek, &en_surfaces[&e])
                    + lex.bonus(zk, ek, &en_surfaces[&e]),
            })
        })
        .collect();
    demote_borrowed_extensions(&mut out, c, &joint, &zh_glosses, lex);
    link::sort(&mut out, c);
    out
}

/// How much a pair's score falls when its English is a shorter rendering plus words that
/// belong to another term.
const BORROWED_PENALTY: f64 = 0.2;
/// Share of an English word's occurrences that must be in a phrase for the word to be the
/// phrase's own (more than this).
const OWN_SHARE: f64 = 0.5;

/// The English side of C-value: an English phrase that holds a shorter candidate of the same
/// Chinese with no more co-occurrences is the shorter one extended, and the extension is only
/// the Chinese phrase's own when each added word is: a CC-CEDICT gloss of it or of a word
/// inside it, the rendering of a phrase inside it (人民 / people in 多數人民 / "majority of
/// the people"), or a word that goes as well with no Chinese phrase right beside it (地方 /
/// local beside 蘇維埃) and, unless it mostly occurs in this English phrase ([`OWN_SHARE`]),
/// better with no other phrase in most of its units (拘留 / detained, beside 正當理由 /
/// "detained without proper grounds"). Otherwise the added words translate a neighbour
/// ("lives and property of the Chinese", with 華僑 before 生命財產) and the pair loses
/// [`BORROWED_PENALTY`]. The period lexicon's own rendering and a name that sounds like the
/// Chinese (Wang Qiyao) are never demoted.
fn demote_borrowed_extensions(
    out: &mut [Pair],
    c: &Counts,
    joint: &HashMap<(u32, u32), usize>,
    zh_glosses: &HashMap<u32, HashSet<String>>,
    lex: &Lexicon,
) {
    let mut by_zh: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in out.iter().enumerate() {
        by_zh.entry(p.zh).or_default().push(i);
    }
    let dice_of = |z: u32, w: &str| -> f64 {
        let Some(&e) = c.en.ids.get(w) else {
            return 0.0;
        };
        joint.get(&(z, e)).map_or(0.0, |&j| {
            2.0 * j as f64 / (c.zh.freq[z as usize] + c.en.freq[e as usize]) as f64
        })
    };
    // Chinese phrases by the single English words they co-occur with.
    let mut by_word: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(z, e) in joint.keys() {
        if c.en.size[e as usize] == 1 && !c.en.keys[e as usize].contains(' ') {
            by_word.entry(e).or_default().push(z);
        }
    }
    // A word goes better with another phrase in most units of `z` (no character in common),
    // or as well with one right beside `z` (地方 / local beside 蘇維埃 in 地方蘇維埃).
    // The units of each Chinese phrase of a pair.
    let paired: HashSet<u32> = out.iter().map(|p| p.zh).collect();
    let mut units_of: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, bag) in c.zh_bags.iter().enumerate() {
        for &(z, _) in bag.iter().filter(|(z, _)| paired.contains(z)) {
            units_of.entry(z).or_default().push(i);
        }
    }
    let elsewhere = |z: u32, w: &str, beside: bool| -> bool {
        let Some(&e) = c.en.ids.get(w) else {
            return false;
        };
        let zk = &c.zh.keys[z as usize];
        let mine = dice_of(z, w);
        by_word.get(&e).into_iter().flatten().any(|&z2| {
            let k2 = &c.zh.keys[z2 as usize];
            let d2 = dice_of(z2, w);
            if !c.zh.natural[z2 as usize]
                || k2.chars().any(|ch| zk.contains(ch))
                || d2 < mine
                || (!beside && d2 == mine)
            {
                return false;
            }
            let (before, after) = (format!("{k2}{zk}"), format!("{zk}{k2}"));
            let units = units_of.get(&z).map_or(&[][..], Vec::as_slice);
            let with = units
                .iter()
                .filter(|&&i| {
                    if beside {
                        let text = &c.zh_texts[i];
                        text.contains(&before) || text.contains(&after)
                    } else {
                        has(&c.zh_bags[i], z2)
                    }
                })
                .count();
            with * 2 > units.len()
        })
    };
    // `w` is the word of Chinese `z` inside English phrase `l`.
    let own = |z: u32, w: &str, l: u32| -> bool {
        let zk = &c.zh.keys[z as usize];
        if zh_glosses.get(&z).is_some_and(|g| g.contains(w)) {
            return true;
        }
        if link::zh_parts(zk)
            .iter()
            .filter(|k| k.chars().count() >= 2)
            .filter_map(|k| c.zh.ids.get(k))
            .any(|&z2| dice_of(z2, w) >= OWN_SHARE)
        {
            return true;
        }
        let Some(&e) = c.en.ids.get(w) else {
            return false;
        };
        let mostly_here = c.en.freq[l as usize] as f64 > OWN_SHARE * c.en.freq[e as usize] as f64;
        !elsewhere(z, w, true) && (mostly_here || !elsewhere(z, w, false))
    };
    let mut demoted = Vec::new();
    for (i, p) in out.iter().enumerate() {
        let (zk, ek) = (&c.zh.keys[p.zh as usize], &c.en.keys[p.en as usize]);
        if lex.renderings.get(zk).is_some_and(|r| r.contains(ek))
            || name_similarity(zk, &c.en.surface(p.en)) > 0.0
        {
            continue;
        }
        let long: Vec<&str> = ek.split(' ').collect();
        let borrowed = by_zh[&p.zh].iter().map(|&k| &out[k]).any(|s| {
            let sk = &c.en.keys[s.en as usize];
            if s.joint < p.joint || !en_holds(ek, sk) {
                return false;
            }
            let short: Vec<&str> = sk.split(' ').collect();
            long.iter()
                .filter(|w| !short.contains(w) && !is_stop_word(w))
                .any(|w| !own(p.zh, w, p.en))
        });
        if borrowed {
            demoted.push(i);
        }
    }
    for i in demoted {
        out[i].score -= BORROWED_PENALTY;
    }
}

/// References of up to `n` units where both phrases occur, from different documents first.
fn examples(c: &Counts, units: &[Unit], p: &Pair, n: usize) -> Vec<String> {
    let hits: Vec<&Unit> = units
        .iter()
        .zip(c.zh_bags.iter().zip(&c.en_bags))
        .filter(|(_, (zb, eb))| has(zb, p.zh) && has(eb, p.en))
        .map(|(u, _)| u)
        .collect();
    let mut picked: Vec<&Unit> = Vec::new();
    for u in &hits {
        if picked.len() < n && !picked.iter().any(|q| q.doc == u.doc) {
            picked.push(u);
        }
    }
    for u in &hits {
        if picked.len() < n && !picked.iter().any(|q| std::ptr::eq(*q, *u)) {
            picked.push(u);
        }
    }
    picked.sort_by(|a, b| (&a.doc, a.id).cmp(&(&b.doc, b.id)));
    picked.iter().map(|u| u.reference()).collect()
}

/// Extracts term pairs from aligned units, best first.
pub fn extract(units: &[Unit], opts: &ExtractOptions) -> Vec<Extracted> {
    let tokenizer = Tokenizer::shared();
    let lex = Lexicon::period(opts.period_lexicon, tokenizer);
    let counts = Counts::new(units, tokenizer, opts.single_char, &lex.known);
    let mut cut = cut_phrases(units, &counts, &lex);
    cut.extend(bound_phrases(units, &counts, &lex.known, tokenizer));
    let pairs = pairs(&counts, opts, tokenizer, &lex, &cut);
    let linked = link::select(&pairs, &counts, opts.min_freq.max(1), &lex);
    let mut out: Vec<Extracted> = linked
        .iter()
        .filter(|p| p.dice >= opts.min_score)
        .map(|p| {
            let (zk, en) = (&counts.zh.keys[p.zh as usize], counts.en.surface(p.en));
            Extracted {
                zh: counts.zh.surface(p.zh),
                freq: counts.zh.freq[p.zh as usize],
                joint: p.joint,
                score: p.dice,
                examples: examples(&counts, units, p, opts.examples),
                rank: rank(
                    p.dice,
                    p.joint,
                    termhood(zk)
                        * titled_weight(zk, &lex)
                        * lex.termhood(zk, &counts.en.keys[p.en as usize])
                        * disagreement(
                            zk,
                            &counts.en.keys[p.en as usize],
                            &en,
                            p.joint,
                            &lex,
                            tokenizer,
                        ),
                    name_similarity(zk, &en),
                ),
                en,
            }
        })
        .collect();
    // On equal rank and frequency, the word rarer in everyday language is the likelier term
    // (人數 "number of people" after 條約 "treaty").
    let everyday = |zh: &str| {
        let k = to_simplified(zh);
        if is_dictionary_word(&k) {
            DICTIONARY.frequency(&k)
        } else {
            0.0
        }
    };
    out.sort_by(|a, b| {
        b.rank
            .total_cmp(&a.rank)
            .then(b.freq.cmp(&a.freq))
            .then(everyday(&a.zh).total_cmp(&everyday(&b.zh)))
            .then(a.zh.cmp(&b.zh))
    });
    if let Some(n) = opts.top {
        out.truncate(n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: usize, zh: &str, en: &str) -> Unit {
        Unit {
            doc: "d".into(),
            id,
            zh: zh.into(),
            en: en.into(),
            at: None,
        }
    }

    fn sample() -> Vec<Unit> {
        vec![
            unit(
                0,
                "伯力華工甚多。",
                "There are many Chinese workers at Khabarovsk.",
            ),
            unit(
                1,
                "華工已抵伯力。",
                "The Chinese workers have reached Khabarovsk.",
            ),
            unit(2, "伯力領事來電。", "The consul at Khabarovsk telegraphed."),
            unit(3, "領事發給護照。", "The consul issued passports."),
            unit(4, "護照未備。", "The passport was not in order."),
            unit(5, "華工無護照。", "The Chinese workers had no passports."),
        ]
    }

    fn find<'a>(terms: &'a [Extracted], zh: &str) -> Option<&'a Extracted> {
        terms.iter().find(|t| t.zh == zh)
    }

    #[test]
    fn recurring_terms_get_the_translators_english() {
        let terms = extract(&sample(), &ExtractOptions::default());
        assert_eq!(
            find(&terms, "伯力").map(|t| t.en.as_str()),
            Some("Khabarovsk")
        );
        assert_eq!(
            find(&terms, "華工").map(|t| t.en.as_str()),
            Some("Chinese workers")
        );
        assert_eq!(find(&terms, "領事").map(|t| t.en.as_str()), Some("consul"));
        let passport = find(&terms, "護照").expect("護照");
        assert_eq!(passport.en.to_lowercase(), "passports");
        assert_eq!(passport.freq, 3);
        assert_eq!(passport.examples, ["d#3", "d#4"]);
    }

    #[test]
    fn one_english_phrase_goes_to_one_chinese_term() {
        let terms = extract(&sample(), &ExtractOptions::default());
        let mut en: Vec<&str> = terms.iter().map(|t| t.en.as_str()).collect();
        en.sort_unstable();
        let n = en.len();
        en.dedup();
        assert_eq!(en.len(), n, "{terms:?}");
    }

    #[test]
    fn min_freq_and_top_limit_the_list() {
        let opts = ExtractOptions {
            min_freq: 3,
            ..ExtractOptions::default()
        };
        let terms = extract(&sample(), &opts);
        assert!(terms.iter().all(|t| t.joint >= 3), "{terms:?}");
        assert!(find(&terms, "領事").is_none());
        let top = ExtractOptions {
            top: Some(1),
            ..ExtractOptions::default()
        };
        assert_eq!(extract(&sample(), &top).len(), 1);
    }

    #[test]
    fn comments_carry_frequency_score_and_examples() {
        let e = Extracted {
            zh: "伯力".into(),
            en: "Khabarovsk".into(),
            freq: 14,
            joint: 13,
            score: 0.931,
            examples: vec!["a#1".into(), "b#2".into()],
            rank: 1.0,
        };
        assert_eq!(e.comment(), "freq 14; score 0.93; e.g. a#1, b#2");
    }

    #[test]
    fn an_english_extension_into_a_neighbours_words_is_not_the_rendering() {
        let units = vec![
            unit(
                0,
                "該省允保護華僑生命財產。",
                "The oblast promises to protect the lives and property of the Chinese residents.",
            ),
            unit(
                1,
                "華僑生命財產甚危。",
                "The lives and property of the Chinese residents are in danger.",
            ),
            unit(
                2,
                "華僑已抵伯力。",
                "The Chinese residents have reached Khabarovsk.",
            ),
            unit(
                3,
                "伯力華僑甚多。",
                "There are many Chinese residents at Khabarovsk.",
            ),
            unit(
                4,
                "倘華僑生命財產受損，應予賠償。",
                "If the lives and property of the Chinese residents suffer, compensation is due.",
            ),
        ];
        let terms = extract(&units, &ExtractOptions::default());
        assert_eq!(
            find(&terms, "生命財產").map(|t| t.en.as_str()),
            Some("lives and property"),
            "{terms:?}"
        );
        assert_eq!(
            find(&terms, "華僑").map(|t| t.en.as_str()),
            Some("Chinese residents"),
            "{terms:?}"
        );
    }

    #[test]
    fn a_verb_glued_to_a_word_is_no_term() {
        let known = Known::new(["外部", "议决案", "华商"]);
        for ch in ['发', '免', '运', '驻'] {
            assert!(is_verb_char(ch), "{ch}");
        }
        for ch in ['新', '俄', '年', '总', '副', '贵', '华'] {
            assert!(!is_verb_char(ch), "{ch}");
        }
        assert!(is_glued_verb("发证明书", &known));
        assert!(is_glued_verb("免华商", &known));
        assert!(!is_glued_verb("证明书", &known));
        assert!(!is_glued_verb("俄外部", &known));
        assert!(!is_glued_verb("议决案", &known));
    }

    #[test]
    fn verb_phrases_are_no_terms() {
        let tokenizer = Tokenizer::shared();
        let known = Known::new(["海参崴"]);
        // ending in a verb, or a verb and its object
        for zh in [
            "境内扣留",
            "切实制止",
            "乞示遵",
            "收驻海参崴",
            "扣留华商货物",
        ] {
            assert!(is_verb_phrase(zh, &known, tokenizer), "{zh}");
        }
        // words, nouns made with a verb, names after a surname that is also a verb
        for zh in ["扣留", "护路军", "华商损失", "中国领土", "陈次长", "海参崴"]
        {
            assert!(!is_verb_phrase(zh, &known, tokenizer), "{zh}");
        }
    }

    #[test]
    fn a_piece_of_a_longer_name_is_no_term() {
        // 谢 only ever opens 谢米诺夫: 米诺夫部下 is a piece of 谢米诺夫部下; 华侨 stands
        // alone often enough for 生命财产 after it to be whole.
        let units = vec![
            unit(0, "謝米諾夫部下扣留貨物。", "Semenov's men detained goods."),
            unit(
                1,
                "謝米諾夫部下扣留華商。",
                "Semenov's men detained merchants.",
            ),
            unit(2, "謝米諾夫部下變賣貨物。", "Semenov's men sold the goods."),
            unit(
                3,
                "華僑生命財產。",
                "The lives and property of the Chinese residents.",
            ),
            unit(
                4,
                "華僑甚多，生命財產堪虞。",
                "The Chinese residents are many.",
            ),
        ];
        let tokenizer = Tokenizer::shared();
        let lex = Lexicon::period(true, tokenizer);
        let c = Counts::new(&units, tokenizer, false, &lex.known);
        let bound: HashSet<&str> = bound_phrases(&units, &c, &lex.known, tokenizer)
            .into_iter()
            .map(|id| c.zh.keys[id as usize].as_str())
            .collect();
        assert!(bound.contains("米诺夫部下"), "{bound:?}");
        for whole in ["谢米诺夫", "谢米诺夫部下", "部下", "生命财产", "华侨"] {
            assert!(!bound.contains(whole), "{whole} in {bound:?}");
        }
    }

    #[test]
    fn names_sound_like_their_pinyin() {
        assert!(name_similarity("陈清扬", "Chen Qingyang") > 0.95);
        assert_eq!(name_similarity("陈清扬", "chen qingyang"), 0.0);
        assert_eq!(name_similarity("韦小宝", "Trinket"), 0.0);
    }
}
