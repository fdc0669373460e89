//! Tokenization and normalization: Chinese words (jieba, looked up in simplified form),
//! English words (lower-cased, Snowball-stemmed, stop words flagged), and numbers on both sides
//! normalized to values, so the scorer compares like with like.

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Stems and stop-word flags of English words, by lower-cased form, for
/// [`Tokenizer::en_cached`].
pub type StemCache = rustc_hash::FxHashMap<String, (String, bool)>;

/// The tokenizers, loaded once (jieba's dictionary takes about 0.1 s).
pub struct Tokenizer {
    jieba: Jieba,
    stemmer: Stemmer,
}

/// A tokenized Chinese sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZhTokens {
    /// Words in simplified characters, punctuation and spaces removed.
    pub words: Vec<String>,
    /// Numbers written with Arabic digits or Chinese numerals (values ≥ 2).
    pub numbers: Vec<u64>,
    /// Length in characters, punctuation and spaces not counted.
    pub chars: usize,
    pub question: bool,
    pub exclamation: bool,
    /// The sentence ends inside or at the close of a quotation (”」』 after the last word).
    pub quote_close: bool,
    /// The sentence opens a quotation.
    pub quote_open: bool,
}

/// One English word.
#[derive(Debug, Clone, PartialEq)]
pub struct EnWord {
    /// Lower-cased Snowball stem.
    pub stem: String,
    /// A function word ("the", "of", "he" ...) that carries no lexical evidence.
    pub stop: bool,
    /// Written with a capital letter (a name candidate).
    pub capitalized: bool,
}

/// A tokenized English sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnTokens {
    pub words: Vec<EnWord>,
    pub numbers: Vec<u64>,
    /// Length in characters, spaces not counted.
    pub chars: usize,
    pub question: bool,
    pub exclamation: bool,
    /// The sentence ends inside or at the close of a quotation (”」』 after the last word).
    pub quote_close: bool,
    /// The sentence opens a quotation.
    pub quote_open: bool,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Tokenizer {
    pub fn new() -> Self {
        Tokenizer {
            jieba: Jieba::new(),
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// A process-wide tokenizer, loaded on first use.
    pub fn shared() -> &'static Tokenizer {
        static SHARED: OnceLock<Tokenizer> = OnceLock::new();
        SHARED.get_or_init(Tokenizer::new)
    }

    /// Stems one English word as sentences are stemmed: lower-cased, irregular forms to their
    /// base ("said" → "say", "men" → "man"), then Snowball.
    pub fn stem(&self, word: &str) -> String {
        let lower = word.to_lowercase();
        let base = irregular_base(&lower).unwrap_or(&lower);
        self.stemmer.stem(base).into_owned()
    }

    /// Tokenizes a Chinese sentence (simplified or traditional; looked up as simplified).
    pub fn zh(&self, sentence: &str) -> ZhTokens {
        self.zh_simplified(sentence, &to_simplified(sentence))
    }

    /// [`Tokenizer::zh`] of a sentence whose [`to_simplified`] form the caller has already.
    pub fn zh_simplified(&self, sentence: &str, simplified: &str) -> ZhTokens {
        let mut out = ZhTokens {
            chars: sentence.chars().filter(|c| c.is_alphanumeric()).count(),
            question: sentence.contains(['？', '?']),
            exclamation: sentence.contains(['！', '!']),
            quote_close: ends_with_quote(sentence),
            quote_open: opens_quote(sentence),
            ..ZhTokens::default()
        };
        // Numeral characters of adjacent tokens: jieba cuts 三百零七分 into 三百, 零, 七分.
        let mut numeral = String::new();
        let push_numbers = |values: Vec<u64>, out: &mut ZhTokens| {
            out.numbers.extend(values.into_iter().filter(|&n| n >= 2));
        };
        for token in self.jieba.cut(simplified, true) {
            let w = token.word;
            let lead: usize = w
                .chars()
                .take_while(|&c| is_numeral_char(c))
                .map(char::len_utf8)
                .sum();
            if lead == w.len() && lead > 0 {
                numeral.push_str(w);
                continue;
            }
            if !numeral.is_empty() {
                let joined = lead > 0;
                numeral.push_str(&w[..lead]);
                push_numbers(numeral_values(&numeral), &mut out);
                numeral.clear();
                if joined {
                    continue;
                }
            }
            if !w.chars().any(char::is_alphanumeric) {
                continue;
            }
            if let Some(values) = (lead > 0).then(|| counted_numbers(w, lead)).flatten() {
                push_numbers(values, &mut out);
                continue;
            }
            if zh_number(w).is_some() {
                push_numbers(numeral_values(w), &mut out);
                continue;
            }
            out.words.push(w.to_string());
        }
        if !numeral.is_empty() {
            push_numbers(numeral_values(&numeral), &mut out);
        }
        out
    }

    /// Tokenizes an English sentence.
    pub fn en(&self, sentence: &str) -> EnTokens {
        self.en_with(sentence, None)
    }

    /// [`Tokenizer::en`] for one of many sentences: each word form is stemmed once, the first
    /// time `cache` meets it.
    pub fn en_cached(&self, sentence: &str, cache: &mut StemCache) -> EnTokens {
        self.en_with(sentence, Some(cache))
    }

    fn en_with(&self, sentence: &str, mut cache: Option<&mut StemCache>) -> EnTokens {
        use unicode_segmentation::UnicodeSegmentation;
        let sentence = &*nfc(sentence);
        let mut out = EnTokens {
            chars: sentence.chars().filter(|c| !c.is_whitespace()).count(),
            question: sentence.contains('?'),
            exclamation: sentence.contains('!'),
            quote_close: ends_with_quote(sentence),
            quote_open: opens_quote(sentence),
            ..EnTokens::default()
        };
        let words: Vec<&str> = sentence.unicode_words().collect();
        let mut k = 0;
        while k < words.len() {
            let word = words[k];
            if let Some((n, used)) = en_number_phrase(&words[k..]) {
                if n >= 2 {
                    out.numbers.push(n);
                }
                k += used;
                continue;
            }
            k += 1;
            if !word.chars().any(char::is_alphabetic) {
                continue;
            }
            let lower = word.to_lowercase();
            let (stem, stop) = match cache.as_deref_mut() {
                Some(cache) => match cache.get(&lower) {
                    Some((stem, stop)) => (stem.clone(), *stop),
                    None => {
                        let known = (self.stem(&lower), is_stop_word(&lower));
                        cache.insert(lower, known.clone());
                        known
                    }
                },
                None => (self.stem(&lower), is_stop_word(&lower)),
            };
            let capitalized = word.chars().next().is_some_and(char::is_uppercase);
            out.words.push(EnWord {
                stem,
                stop,
                capitalized,
            });
        }
        out
    }
}

/// The base form of an irregular English word form ("went" → "go"), from `irregular.txt`.
pub fn irregular_base(lower: &str) -> Option<&'static str> {
    static TABLE: OnceLock<std::collections::HashMap<&'static str, &'static str>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for line in include_str!("irregular.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            let mut words = line.split_whitespace();
            if let Some(base) = words.next() {
                for form in words {
                    map.insert(form, base);
                }
            }
        }
        map
    });
    table.get(lower).copied()
}

/// Whether a sentence closes a quotation: a closing quote after its last letter or digit.
fn ends_with_quote(sentence: &str) -> bool {
    sentence
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| !c.is_alphanumeric())
        .any(|c| matches!(c, '”' | '」' | '』' | '’' | '\'' | '"' | '»'))
}

/// Whether a sentence opens a quotation: an opening quote mark, or a straight quote at the
/// start or after a space, dash or bracket.
fn opens_quote(sentence: &str) -> bool {
    let mut before = ' ';
    for c in sentence.chars() {
        let straight = matches!(c, '\'' | '"')
            && (before.is_whitespace() || matches!(before, '(' | '—' | '–'));
        if straight || matches!(c, '“' | '‘' | '「' | '『' | '«') {
            return true;
        }
        before = c;
    }
    false
}

/// Traditional characters to simplified ones, for dictionary lookup only.
pub fn to_simplified(text: &str) -> String {
    fast2s::convert(&nfc(text))
}

/// The text in Unicode NFC, borrowed when it already is (nearly always): a CJK compatibility
/// ideograph becomes its unified twin, a letter with a combining accent one character, so both
/// match the dictionary and the glossary like their usual forms.
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfc().collect()),
    }
}

/// True when the text has characters whose simplified form differs (a traditional-script text).
pub fn looks_traditional(text: &str) -> bool {
    pieces_look_traditional([text])
}

/// [`looks_traditional`] of a text in pieces (sentences, say), read only as far as its first
/// 2000 Han characters.
pub fn pieces_look_traditional<'a>(pieces: impl IntoIterator<Item = &'a str>) -> bool {
    let sample: String = pieces
        .into_iter()
        .flat_map(str::chars)
        .filter(|c| is_han(*c))
        .take(2000)
        .collect();
    let changed = sample
        .chars()
        .zip(to_simplified(&sample).chars())
        .filter(|(a, b)| a != b)
        .count();
    changed * 50 > sample.chars().count().max(1)
}

/// A CJK ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The value of a number written in Arabic digits (with thousands separators) or in Chinese
/// numerals (三千五百, 十二, 一九一七, 两万). None for anything else.
pub fn zh_number(word: &str) -> Option<u64> {
    // Most words are no number: they are turned away before anything is allocated.
    if !word
        .chars()
        .all(|c| is_numeral_char(c) || c == ',' || c == '，')
    {
        return None;
    }
    let ascii: String = word.chars().filter(|c| *c != ',' && *c != '，').collect();
    if !ascii.is_empty()
        && ascii
            .chars()
            .all(|c| c.is_ascii_digit() || is_fullwidth_digit(c))
    {
        let digits: String = ascii
            .chars()
            .map(|c| {
                if is_fullwidth_digit(c) {
                    char::from(b'0' + (c as u32 - 0xFF10) as u8)
                } else {
                    c
                }
            })
            .collect();
        return digits.parse().ok();
    }
    chinese_numeral(word)
}

fn is_fullwidth_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' | '兩' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Measure words and units that follow a numeral in one jieba word (三台, 五点, 十分钟).
const MEASURE_WORDS: &[&str] = &[
    "个", "位", "名", "人", "口", "只", "条", "张", "本", "件", "台", "颗", "辆", "匹", "头", "棵",
    "根", "把", "支", "座", "间", "家", "层", "块", "片", "双", "对", "次", "回", "遍", "趟", "声",
    "步", "年", "月", "日", "天", "夜", "晚", "周", "岁", "点", "分", "秒", "刻", "钟", "小时",
    "分钟", "点钟", "世纪", "代", "里", "公里", "米", "尺", "寸", "丈", "斤", "公斤", "元", "毛",
    "角", "文", "钱", "倍", "号", "章", "节", "页", "行", "种", "批", "群", "队", "封", "篇", "首",
    "句", "字", "幅", "枚", "粒", "滴", "杯", "碗", "瓶", "盒", "包", "箱", "袋", "桌", "场", "阵",
    "顿", "级", "班", "组", "部", "份", "股", "副", "套", "所", "艘", "架", "门", "项", "届", "轮",
    "下", "眼", "位数", "英尺", "英里", "亩", "顷", "石", "斗", "升", "两",
];

/// The value of a jieba word that is a numeral and what it counts (三台 3, 二十多年 20, 7cm
/// 7): the numeral's, when the rest is a measure word (after 多, 余, 几 or 来: "twenty-odd
/// years") or letters after digits (a unit). None for a word CC-CEDICT gives a meaning without
/// a number (十分 "very", 两样 "different"); `lead`: the numeral's length in bytes.
fn counted_numbers(word: &str, lead: usize) -> Option<Vec<u64>> {
    let (numeral, rest) = word.split_at(lead);
    zh_number(numeral)?;
    let digits = numeral
        .chars()
        .all(|c| c.is_ascii_digit() || is_fullwidth_digit(c));
    if digits && rest.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(numeral_values(numeral));
    }
    let rest = rest
        .strip_prefix(&['多', '余', '几', '来'][..])
        .unwrap_or(rest);
    (MEASURE_WORDS.contains(&rest) && !means_no_number(word)).then(|| numeral_values(numeral))
}

/// The values a numeral stands for: one ([`zh_number`]), but a trailing 两 after a numeral
/// is the tael (三两 3, 五十两 50), and two neighbouring digits with a unit, or alone, give a
/// range, both ends (五六 5 and 6, 十七八 17 and 18, 二三十 20 and 30; 一九一二 is a year).
fn numeral_values(numeral: &str) -> Vec<u64> {
    let chars: Vec<char> = numeral.chars().collect();
    if chars.len() > 1 && matches!(chars[chars.len() - 1], '两' | '兩') {
        let head: String = chars[..chars.len() - 1].iter().collect();
        if zh_number(&head).is_some() {
            return numeral_values(&head);
        }
    }
    let has_unit = chars.iter().any(|&c| unit_value(c).is_some());
    if has_unit || chars.len() == 2 {
        let range = chars.windows(2).position(|p| {
            matches!((digit_value(p[0]), digit_value(p[1])), (Some(a), Some(b)) if b == a + 1 && a > 0)
                && p[0] != '两'
                && p[1] != '两'
        });
        if let Some(k) = range {
            let without = |drop: usize| -> String {
                chars
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != drop)
                    .map(|(_, c)| c)
                    .collect()
            };
            let ends: Vec<u64> = [k + 1, k]
                .iter()
                .filter_map(|&drop| zh_number(&without(drop)))
                .collect();
            if ends.len() == 2 {
                return ends;
            }
        }
    }
    zh_number(numeral).into_iter().collect()
}

/// Whether CC-CEDICT reads a word (in lower-case pinyin: not a name) with no number in its
/// first sense: 十分 "very", 万分 "very much", 两样 "difference".
fn means_no_number(word: &str) -> bool {
    // Besides the number words [`en_number`] reads.
    const NUMBERS: &[&str] = &[
        "one",
        "half",
        "once",
        "twice",
        "both",
        "first",
        "second",
        "third",
        "times",
        "century",
        "millennium",
        "decade",
    ];
    haoxue_dict::DICTIONARY
        .lookup_entries(word)
        .filter(|e| e.simplified() == word)
        .filter(|e| e.pinyin().starts_with(|c: char| c.is_lowercase()))
        .filter_map(|e| e.definitions().next())
        .any(|first| {
            let number = |w: &str| {
                en_number(w).is_some() || NUMBERS.contains(&w.to_ascii_lowercase().as_str())
            };
            !first.chars().any(|c| c.is_ascii_digit())
                && !first.split(|c: char| !c.is_ascii_alphabetic()).any(number)
        })
}

/// A character of a number: a Chinese numeral or unit, or a digit.
fn is_numeral_char(c: char) -> bool {
    c.is_ascii_digit()
        || is_fullwidth_digit(c)
        || digit_value(c).is_some()
        || unit_value(c).is_some()
}

fn unit_value(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' | '萬' => 10_000,
        '亿' | '億' => 100_000_000,
        _ => return None,
    })
}

/// Chinese numerals: positional (三千五百 = 3500, 十二 = 12) or digit by digit (一九一七 = 1917).
fn chinese_numeral(word: &str) -> Option<u64> {
    let chars: Vec<char> = word.chars().collect();
    if chars.is_empty() || chars.len() > 16 {
        return None;
    }
    if chars.iter().all(|c| digit_value(*c).is_some()) {
        if chars.len() == 1 {
            return digit_value(chars[0]);
        }
        return chars.iter().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(digit_value(*c)?)
        });
    }
    if !chars
        .iter()
        .all(|c| digit_value(*c).is_some() || unit_value(*c).is_some())
    {
        return None;
    }
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    for c in chars {
        if let Some(d) = digit_value(c) {
            digit = Some(d);
        } else if let Some(u) = unit_value(c) {
            if u >= 10_000 {
                section = (section + digit.take().unwrap_or(0)).max(1);
                total = total.checked_add(section.checked_mul(u)?)?;
                section = 0;
            } else {
                section += digit.take().unwrap_or(1) * u;
            }
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

/// The value of an English number: digits with separators ("3,500", "1917") or a number word.
pub fn en_number(word: &str) -> Option<u64> {
    // Every word of a text comes here: nothing is allocated for the words that are no number.
    if word.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        if !word.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let plain: String = word.chars().filter(|c| *c != ',').collect();
        return plain.parse().ok();
    }
    const WORDS: &[(&str, u64)] = &[
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
        ("hundred", 100),
        ("thousand", 1000),
        ("million", 1_000_000),
    ];
    WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|&(_, value)| value)
}

/// The value of the number written in words at the start of `words` (unicode words, so
/// "forty-two" comes as two), and how many words it takes: "forty two" 42, "three hundred"
/// 300, "an hundred and thirty" 130, "nine hundred sixty and nine" 969, "five and twenty" 25,
/// "threescore and ten" 70; "two, three" stays two numbers (only a larger unit follows a
/// smaller one without "and"). None when the first word starts no number; digits are one
/// word ([`en_number`]).
fn en_number_phrase(words: &[&str]) -> Option<(u64, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Unit,
        Teen,
        Tens,
        /// hundred, thousand, million, score
        Times,
    }
    fn word_value(word: &str) -> Option<(u64, Class)> {
        let lower = word.to_ascii_lowercase();
        if lower == "one" {
            return Some((1, Class::Unit));
        }
        if lower == "score" {
            return Some((20, Class::Times));
        }
        if let Some(head) = lower.strip_suffix("score") {
            let (n, class) = word_value(head)?;
            return (class == Class::Unit).then_some((n * 20, Class::Times));
        }
        if !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let n = en_number(&lower)?;
        let class = match n {
            0..=9 => Class::Unit,
            10..=19 => Class::Teen,
            20..=99 => Class::Tens,
            _ => Class::Times,
        };
        Some((n, class))
    }
    let first = words.first()?;
    if first.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return en_number(first).map(|n| (n, 1));
    }
    // "a hundred", "an hundred": one of the unit that follows.
    let article = matches!(first.to_ascii_lowercase().as_str(), "a" | "an");
    let (mut k, mut last, mut current, mut total) = if article {
        match words.get(1).and_then(|w| word_value(w)) {
            Some((_, Class::Times)) => (1, Class::Unit, 1u64, 0u64),
            _ => return None,
        }
    } else {
        let (n, class) = word_value(first)?;
        (1, class, n, 0u64)
    };
    // Saturating: "a million million million …" is no reason to overflow.
    let scale = |current: &mut u64, total: &mut u64, n: u64| {
        if n >= 1000 {
            *total = total.saturating_add((*current).max(1).saturating_mul(n));
            *current = 0;
        } else {
            *current = (*current).max(1).saturating_mul(n);
        }
    };
    if article {
        let (n, _) = word_value(words[1]).expect("checked above");
        scale(&mut current, &mut total, n);
        (k, last) = (2, Class::Times);
    }
    while k < words.len() {
        let and = words[k].eq_ignore_ascii_case("and");
        let at = k + and as usize;
        let Some((n, class)) = words.get(at).and_then(|w| word_value(w)) else {
            break;
        };
        let joins = matches!(
            (last, class, and),
            (_, Class::Times, false)
                | (Class::Times, Class::Unit | Class::Teen | Class::Tens, _)
                | (Class::Tens, Class::Unit, _)
                | (Class::Unit, Class::Tens, true)
        );
        if !joins {
            break;
        }
        if class == Class::Times {
            scale(&mut current, &mut total, n);
        } else {
            current = current.saturating_add(n);
        }
        (k, last) = (at + 1, class);
    }
    Some((total.saturating_add(current), k))
}

/// English function words: they carry no lexical evidence for alignment.
pub fn is_stop_word(lower: &str) -> bool {
    STOP_WORDS.binary_search(&lower).is_ok()
}

/// Sorted; checked by a test.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
];

/// Lower-cased stems of the words of an English text, in order (how glossary tools compare
/// renderings: "Certificates" and "certificate" are one).
pub fn stem_sequence(text: &str, tokenizer: &Tokenizer) -> Vec<String> {
    use unicode_segmentation::UnicodeSegmentation;
    text.unicode_words().map(|w| tokenizer.stem(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn chinese_numerals_and_digits_have_values() {
        assert_eq!(zh_number("三千五百"), Some(3500));
        assert_eq!(zh_number("十二"), Some(12));
        assert_eq!(zh_number("二十"), Some(20));
        assert_eq!(zh_number("一九一七"), Some(1917));
        assert_eq!(zh_number("两万"), Some(20_000));
        assert_eq!(zh_number("三萬五千"), Some(35_000));
        assert_eq!(zh_number("1917"), Some(1917));
        assert_eq!(zh_number("１９１７"), Some(1917));
        assert_eq!(zh_number("3,500"), Some(3500));
        assert_eq!(zh_number("交涉"), None);
        assert_eq!(zh_number("三国"), None);
        assert_eq!(zh_number("，"), None);
    }

    #[test]
    fn numerals_that_jieba_cuts_apart_are_joined() {
        let t = Tokenizer::shared();
        let z = t.zh("甲队得了三百零七分，乙队得了五百一十二分。");
        assert_eq!(z.numbers, vec![307, 512]);
        assert!(t.zh("他十分高兴。").numbers.is_empty());
    }

    #[test]
    fn english_numbers_have_values() {
        assert_eq!(en_number("3,500"), Some(3500));
        assert_eq!(en_number("Twelve"), Some(12));
        assert_eq!(en_number("FORTY"), Some(40));
        assert_eq!(en_number("minister"), None);
        assert_eq!(en_number(","), None);
        assert_eq!(en_number("1917s"), None);
    }

    /// Numbers jieba leaves inside a word with what they count, taels, and ranges; words that
    /// only look like numbers are none.
    #[test]
    fn chinese_numbers_with_measure_words_taels_and_ranges() {
        let t = Tokenizer::shared();
        let numbers = |s: &str| t.zh(s).numbers;
        assert_eq!(numbers("有三台终端显示来自三颗卫星的数据"), [3, 3]);
        assert_eq!(numbers("她那二十多年是在基地度过的"), [20]);
        assert_eq!(numbers("我必须在五点以前拿到它"), [5]);
        assert_eq!(numbers("波长是7cm"), [7]);
        assert_eq!(numbers("约有三两银子"), [3]);
        assert_eq!(numbers("五十两本钱"), [50]);
        assert_eq!(numbers("五六岁的孩子"), [5, 6]);
        assert_eq!(numbers("翻了十七八个滚"), [17, 18]);
        assert_eq!(numbers("一九一二年"), [1912]);
        assert_eq!(numbers("他十分高兴"), Vec::<u64>::new());
        assert_eq!(numbers("他十分"), Vec::<u64>::new());
        assert_eq!(numbers("两样"), Vec::<u64>::new());
        assert_eq!(numeral_values("二三十"), [20, 30]);
        assert_eq!(numeral_values("八九两"), [8, 9]);
        assert_eq!(numeral_values("三千五百"), [3500]);
    }

    #[test]
    fn number_phrases_are_read_whole() {
        let read = |text: &str| {
            let words: Vec<&str> = text.split_whitespace().collect();
            let mut out = Vec::new();
            let mut k = 0;
            while k < words.len() {
                match en_number_phrase(&words[k..]) {
                    Some((n, used)) => {
                        out.push(n);
                        k += used;
                    }
                    None => k += 1,
                }
            }
            out
        };
        assert_eq!(read("forty two"), [42]);
        assert_eq!(read("three hundred taels"), [300]);
        assert_eq!(read("an hundred and thirty years"), [130]);
        assert_eq!(read("nine hundred sixty and nine years"), [969]);
        assert_eq!(read("five and twenty"), [25]);
        assert_eq!(read("threescore and ten"), [70]);
        assert_eq!(read("three score and ten"), [70]);
        assert_eq!(read("two thousand five hundred men"), [2500]);
        assert_eq!(read("three hundred thousand"), [300_000]);
        assert_eq!(read("two three four"), [2, 3, 4]);
        assert_eq!(read("one and two"), [1, 2]);
        assert_eq!(read("a man and two sons and a hundred"), [2, 100]);
        assert_eq!(read("1,000 and 2"), [1000, 2]);
        assert_eq!(read("and a score"), [20]);
        assert_eq!(read(&["hundred"; 12].join(" ")), [u64::MAX], "saturates");
        assert_eq!(
            Tokenizer::shared().en("He paid forty-two taels.").numbers,
            [42]
        );
    }

    #[test]
    fn traditional_text_is_looked_up_as_simplified() {
        let t = Tokenizer::shared();
        let z = t.zh("駐京俄使照會外交部，華工三千五百名。");
        assert!(z.words.contains(&"照会".to_string()), "{:?}", z.words);
        assert_eq!(z.numbers, vec![3500]);
        assert!(looks_traditional("駐京俄使照會外交部"));
        assert!(!looks_traditional("驻京俄使照会外交部"));
    }

    #[test]
    fn irregular_forms_meet_their_base() {
        let t = Tokenizer::shared();
        assert_eq!(t.stem("said"), t.stem("say"));
        assert_eq!(t.stem("Went"), t.stem("go"));
        assert_eq!(t.stem("children"), t.stem("child"));
        assert_eq!(t.stem("negotiations"), t.stem("negotiate"));
    }

    #[test]
    fn english_words_are_stemmed_and_flagged() {
        let t = Tokenizer::shared();
        let e = t.en("The Negotiations with Kudashev lasted 12 days.");
        let stems: Vec<&str> = e.words.iter().map(|w| w.stem.as_str()).collect();
        assert_eq!(stems, ["the", "negoti", "with", "kudashev", "last", "day"]);
        assert!(e.words[0].stop && !e.words[1].stop && e.words[3].capitalized);
        assert_eq!(e.numbers, vec![12]);
    }

    #[test]
    fn unnormalized_text_matches_like_its_nfc_form() {
        // U+F9xx compatibility ideographs (as some legacy conversions produce) are looked up as
        // their unified twins: 豈 U+F900 as 豈 U+8C48, 樂 U+F914 as 樂 U+6A02.
        assert_eq!(
            to_simplified("\u{F900}\u{F914}"),
            to_simplified("\u{8C48}\u{6A02}")
        );
        let t = Tokenizer::shared();
        let decomposed = t.en("Cafe\u{301} Pe\u{301}trograd");
        let composed = t.en("Café Pétrograd");
        let stems = |e: &EnTokens| e.words.iter().map(|w| w.stem.clone()).collect::<Vec<_>>();
        assert_eq!(stems(&decomposed), stems(&composed));
        assert!(matches!(nfc("已是 NFC"), std::borrow::Cow::Borrowed(_)));
    }
}
