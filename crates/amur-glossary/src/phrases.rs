//! Candidate phrases for term extraction: the Chinese words of a text and runs of up to three
//! adjacent words, and English runs of up to five content words, each with the key it is
//! counted under and the surface form it was written in.
//!
//! Chinese keys are simplified (so 海蘭泡 and 海兰泡 count together) and surfaces keep the
//! document's script. English keys are Snowball stems (so "passport" and "passports" count
//! together) and surfaces keep the original casing. Numbers, punctuation and initials end a
//! run: no phrase spans them. Function words may sit inside a phrase but never at its edges.

use amur_core::tokenize::{Tokenizer, en_number, is_han, is_stop_word, to_simplified, zh_number};
use std::collections::HashSet;
use unicode_segmentation::UnicodeSegmentation;

/// Whole words the extractor knows beyond jieba's dictionary: the period lexicon's terms
/// (simplified). Adjacent jieba words that make up one of them are taken as one word, and a
/// known word may start or end with a function character (本部, 議決).
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub words: HashSet<String>,
}

impl Known {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Known {
        Known {
            words: words.into_iter().map(to_simplified).collect(),
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }
}

/// Longest Chinese phrase, in words.
pub const MAX_ZH_WORDS: usize = 3;
/// Longest English phrase, in content words ("Far Eastern Council of People's Commissars" is
/// 5).
pub const MAX_EN_CONTENT: usize = 5;
/// Longest English phrase, in words of any kind ("Ministry of Foreign Affairs" is 4).
const MAX_EN_WORDS: usize = 6;

/// One occurrence of a candidate phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// What occurrences are counted under: simplified characters, or stems joined by spaces.
    pub key: String,
    /// The text as written.
    pub surface: String,
    /// Words (Chinese) or content words (English) in the phrase.
    pub size: usize,
    /// English only: the phrase starts a sentence, so its capital may not be its own.
    pub initial: bool,
    /// Chinese only: a character was taken off an edge word, so jieba did not cut it so.
    pub trimmed: bool,
}

/// One Chinese word: simplified for counting, as written for display.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ZhWord {
    simplified: String,
    surface: String,
}

/// Chinese candidate phrases of a text: n-grams of 1 to [`MAX_ZH_WORDS`] adjacent words
/// with no function word at either edge. Single-character phrases only with `single_char`.
///
/// Jieba's cuts are not always a term's edges (黑河道尹傅家驥 is cut 黑/河道/尹傅/家驥, and
/// 阿穆爾省長 is cut 阿穆爾/省長), so n-grams of two or more words also come with one
/// character taken off the first word, the last word, or both (傅家驥, 阿穆爾省).
pub fn zh_phrases(
    text: &str,
    tokenizer: &Tokenizer,
    single_char: bool,
    known: &Known,
) -> Vec<Phrase> {
    let mut out = Vec::new();
    for run in zh_runs(text, tokenizer, known) {
        let run = join_known(run, known);
        for start in 0..run.len() {
            for end in start + 1..=(start + MAX_ZH_WORDS).min(run.len()) {
                let words = &run[start..end];
                out.extend(zh_phrase(words, single_char, known));
                if words.len() < 2 {
                    continue;
                }
                for (head, tail) in [(true, false), (false, true), (true, true)] {
                    if let Some(cut) = trimmed(words, head, tail) {
                        out.extend(
                            zh_phrase(&cut, single_char, known)
                                .map(|p| Phrase { trimmed: true, ..p }),
                        );
                    }
                }
            }
        }
    }
    out
}

/// `words` with the first character of the first word and/or the last character of the last
/// word taken off; `None` when that would empty a word.
fn trimmed(words: &[ZhWord], head: bool, tail: bool) -> Option<Vec<ZhWord>> {
    let mut out = words.to_vec();
    let cut = |w: &mut ZhWord, front: bool| {
        if w.simplified.chars().count() < 2 {
            return false;
        }
        for s in [&mut w.simplified, &mut w.surface] {
            let mut chars: Vec<char> = s.chars().collect();
            if front {
                chars.remove(0);
            } else {
                chars.pop();
            }
            *s = chars.into_iter().collect();
        }
        true
    };
    if head && !cut(out.first_mut()?, true) {
        return None;
    }
    if tail && !cut(out.last_mut()?, false) {
        return None;
    }
    Some(out)
}

/// Longest run of jieba words joined into one known word.
const MAX_KNOWN_WORDS: usize = 4;

/// A run with adjacent words that make up a known word joined into one, longest first from
/// the left (地方/自治/會 → 地方自治會 when the lexicon has it).
fn join_known(run: Vec<ZhWord>, known: &Known) -> Vec<ZhWord> {
    if known.words.is_empty() {
        return run;
    }
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        let longest = (i + 2..=(i + MAX_KNOWN_WORDS).min(run.len()))
            .rev()
            .find(|&j| {
                let joined: String = run[i..j].iter().map(|w| w.simplified.as_str()).collect();
                known.contains(&joined)
            });
        match longest {
            Some(j) => {
                out.push(ZhWord {
                    simplified: run[i..j].iter().map(|w| w.simplified.as_str()).collect(),
                    surface: run[i..j].iter().map(|w| w.surface.as_str()).collect(),
                });
                i = j;
            }
            None => {
                out.push(run[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// Characters (simplified) of literary and official Chinese that never start a term: particles,
/// pronouns, prepositions, adverbs, the verbs of the formulae (据 "according to", 查 "it is
/// noted", 请 "please") and 驻 "stationed at" (驻海兰泡 + a consul's name) ...
const LEAD_FUNCTION_CHARS: &str = "之曰其者所以于而及与并亦均即则乃遂已该此据查准请饬经为向在至因但惟又且或凡每兹既仍尚皆俱当若倘被嗣业兼驻";
/// ... and that never end one: the same particles, and the speech verbs of reported text
/// (电称 "telegraphed saying", 略谓 "said in substance").
const TAIL_FUNCTION_CHARS: &str =
    "之曰其者所以于而及与并亦均即则乃遂称谓云已等也矣焉乎哉耳着了的在将为向由被该此";

/// Whether a character (simplified) is one that never starts a term (a particle, 驻 ...).
pub fn is_lead_function_char(ch: char) -> bool {
    LEAD_FUNCTION_CHARS.contains(ch)
}

/// Whether a character (simplified) is one that never ends a term (a particle, 称 ...).
pub fn is_tail_function_char(ch: char) -> bool {
    TAIL_FUNCTION_CHARS.contains(ch)
}

/// Whether a phrase (simplified) starts or ends with a function character while being no
/// word of its own (a dictionary word such as 所以 or 记者, or a known word such as 本部).
pub fn has_function_edge(key: &str, known: &Known) -> bool {
    let (Some(first), Some(last)) = (key.chars().next(), key.chars().last()) else {
        return false;
    };
    let edge = LEAD_FUNCTION_CHARS.contains(first) || TAIL_FUNCTION_CHARS.contains(last);
    edge && key.chars().count() > 1
        && !known.contains(key)
        && !crate::extract::is_dictionary_word(key)
}

/// The phrase made of `words`, if it may be a term.
fn zh_phrase(words: &[ZhWord], single_char: bool, known: &Known) -> Option<Phrase> {
    let (first, last) = (words.first()?, words.last()?);
    if is_zh_function_word(&first.simplified) || is_zh_function_word(&last.simplified) {
        return None;
    }
    let key: String = words.iter().map(|w| w.simplified.as_str()).collect();
    if !single_char && key.chars().count() < 2 {
        return None;
    }
    if has_function_edge(&key, known) {
        return None;
    }
    Some(Phrase {
        key,
        surface: words.iter().map(|w| w.surface.as_str()).collect(),
        size: words.len(),
        initial: false,
        trimmed: false,
    })
}

/// Runs of adjacent usable Chinese words. Jieba cuts each stretch of Han characters, except
/// that known words of [`MIN_FORCED_CHARS`] or more are cut out first (jieba's dictionary is
/// modern Chinese: it cuts 地方自治會議決 as 地方自治/會議/決); words it drops (numbers) and
/// words that are numbers with a unit (三月, 八百名) end a run.
fn zh_runs(text: &str, tokenizer: &Tokenizer, known: &Known) -> Vec<Vec<ZhWord>> {
    let mut runs = Vec::new();
    for chunk in han_chunks(text) {
        let mut run: Vec<ZhWord> = Vec::new();
        for (piece, forced) in forced_pieces(&chunk, known) {
            let (simplified, original) = (&chunk.simplified[piece.clone()], &chunk.original[piece]);
            if forced {
                run.push(ZhWord {
                    simplified: simplified.iter().collect(),
                    surface: original.iter().collect(),
                });
                continue;
            }
            let mut cursor = 0;
            let joined: String = simplified.iter().collect();
            for word in tokenizer.zh(&joined).words {
                let w: Vec<char> = word.chars().collect();
                let Some(at) = find_chars(simplified, &w, cursor) else {
                    continue;
                };
                if at > cursor || is_numeric_word(&word) {
                    runs.push(std::mem::take(&mut run));
                }
                cursor = at + w.len();
                if !is_numeric_word(&word) {
                    run.push(ZhWord {
                        simplified: word,
                        surface: original[at..cursor].iter().collect(),
                    });
                }
            }
            if cursor < simplified.len() {
                runs.push(std::mem::take(&mut run));
            }
        }
        runs.push(run);
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Known words this long or longer are cut out before jieba runs; shorter ones (督軍, 公使)
/// are joined only where jieba's cuts allow ([`join_known`]).
const MIN_FORCED_CHARS: usize = 3;
/// Longest known word looked for.
const MAX_FORCED_CHARS: usize = 10;

/// A chunk cut into pieces: known words of [`MIN_FORCED_CHARS`] or more (longest first, from
/// the left), marked `true`, and the stretches between them.
fn forced_pieces(chunk: &HanChunk, known: &Known) -> Vec<(std::ops::Range<usize>, bool)> {
    let text = &chunk.simplified;
    let mut out = Vec::new();
    let (mut i, mut from) = (0, 0);
    while i < text.len() {
        let hit = (MIN_FORCED_CHARS..=MAX_FORCED_CHARS.min(text.len() - i))
            .rev()
            .find(|&n| known.contains(&text[i..i + n].iter().collect::<String>()));
        match hit {
            Some(n) => {
                if from < i {
                    out.push((from..i, false));
                }
                out.push((i..i + n, true));
                i += n;
                from = i;
            }
            None => i += 1,
        }
    }
    if from < text.len() {
        out.push((from..text.len(), false));
    }
    out
}

/// A maximal stretch of Han characters, simplified and as written, character for character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HanChunk {
    pub simplified: Vec<char>,
    pub original: Vec<char>,
}

/// The stretches of Han characters of a text.
pub fn han_chunks(text: &str) -> Vec<HanChunk> {
    text.split(|c: char| !is_han(c))
        .filter(|s| !s.is_empty())
        .map(|s| {
            let original: Vec<char> = s.chars().collect();
            let simplified: Vec<char> = to_simplified(s).chars().collect();
            // fast2s converts character by character; should it ever not, show simplified.
            let original = if original.len() == simplified.len() {
                original
            } else {
                simplified.clone()
            };
            HanChunk {
                simplified,
                original,
            }
        })
        .collect()
}

/// The first position at or after `from` where `needle` occurs in `hay`.
fn find_chars(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    (from..=hay.len().saturating_sub(needle.len())).find(|&i| hay[i..].starts_with(needle))
}

/// A number, possibly with an ordinal prefix or a unit: 三月, 十二日, 第十四, 八百名, 两艘.
pub fn is_numeric_word(word: &str) -> bool {
    const PREFIX: &[char] = &['第', '约', '初'];
    const UNIT: &[char] = &[
        '年', '月', '日', '号', '时', '点', '分', '名', '艘', '个', '户', '人', '元', '次', '成',
        '余', '多', '岁', '天', '周', '条', '项', '件', '位', '只', '两', '倍', '里', '米', '万',
        '亿', '千', '百', '十',
    ];
    let core = word.trim_start_matches(PREFIX);
    if is_counted(core) {
        return true;
    }
    let core = core.trim_end_matches(UNIT);
    if core.is_empty() {
        // all units and prefixes: only a number if it has a numeral (十, 百, 两 ...)
        return word.chars().any(|c| "十百千万亿两".contains(c)) && word.chars().count() <= 2;
    }
    zh_number(core).is_some()
}

/// Whether a word is a numeral with a classifier after it: a character CC-CEDICT reads as a
/// classifier ("classifier for vehicles": 四辆 "four wagons", 三艘 "three ships").
fn is_counted(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(last) = chars.next_back() else {
        return false;
    };
    let numeral = chars.as_str();
    !numeral.is_empty() && zh_number(numeral).is_some() && is_classifier(last)
}

/// Whether CC-CEDICT reads a character (simplified) as a classifier in one of its senses.
pub fn is_classifier(ch: char) -> bool {
    let mut buf = [0u8; 4];
    let key: &str = ch.encode_utf8(&mut buf);
    haoxue_dict::DICTIONARY
        .lookup_entries(key)
        .filter(|e| e.simplified() == key)
        .any(|e| e.definitions().any(|d| d.starts_with("classifier")))
}

/// Chinese function words (simplified): pronouns, particles, prepositions, conjunctions,
/// auxiliaries, the formulae of official prose and its distributive and time words (各地
/// "everywhere", 每月 "every month"). They never start or end a term.
pub fn is_zh_function_word(word: &str) -> bool {
    ZH_FUNCTION_WORDS.binary_search(&word).is_ok()
}

/// Sorted (by bytes); checked by a test.
const ZH_FUNCTION_WORDS: &[&str] = &[
    "一事", "一些", "一切", "一律", "一直", "一节", "上", "下", "不", "不可", "不得", "不是",
    "不能", "与", "且", "个", "为", "为了", "乃", "么", "之", "之中", "之后", "之间", "也", "了",
    "于", "亦", "仍", "他", "他们", "以", "以上", "以下", "以便", "以前", "以及", "以后", "以来",
    "们", "但", "但是", "何", "你", "你们", "使", "例如", "依", "便", "俟", "倘", "假如", "其",
    "其中", "再", "准", "几", "凡", "则", "到", "前", "即", "却", "又", "及", "另", "另外", "只",
    "只是", "可", "可以", "各", "各国", "各地", "各处", "同", "向", "吗", "否", "呢", "和", "哪",
    "啊", "因", "因为", "因此", "在", "均", "如", "如下", "如何", "如果", "如此", "它", "对",
    "对于", "将", "尚", "就", "就是", "已", "已经", "并", "并且", "并非", "应", "应当", "应该",
    "很", "得", "得以", "必须", "惟", "我", "我们", "或", "或者", "所", "所以", "所有", "把",
    "按照", "据", "故", "无", "既", "时", "是", "有", "本", "本年", "本日", "本月", "来", "根据",
    "此", "此外", "每", "每天", "每年", "每日", "每月", "没有", "然而", "现在", "由", "由于", "的",
    "着", "等因", "等情", "等语", "而", "而且", "能", "自", "自己", "至", "虽", "虽然", "被", "该",
    "该处", "请", "诸", "谁", "起来", "还", "还是", "还有", "这", "这个", "这么", "这些", "这样",
    "通过", "那", "那个", "那么", "那些", "那样", "都", "随", "非", "须", "须至",
];

/// English words that carry no meaning of their own at the edge of a term, beyond the
/// tokenizer's stop words.
fn is_en_edge_word(lower: &str) -> bool {
    const EXTRA: &[&str] = &[
        "across",
        "again",
        "along",
        "already",
        "also",
        "although",
        "among",
        "another",
        "around",
        "away",
        "back",
        "beside",
        "besides",
        "beyond",
        "came",
        "cannot",
        "come",
        "every",
        "get",
        "go",
        "got",
        "however",
        "like",
        "many",
        "may",
        "miss",
        "mr",
        "mrs",
        "ms",
        "near",
        "onto",
        "said",
        "say",
        "says",
        "several",
        "since",
        "still",
        "there",
        "therefore",
        "though",
        "told",
        "toward",
        "towards",
        "unless",
        "via",
        "well",
        "went",
        "within",
        "without",
    ];
    is_stop_word(lower) || EXTRA.contains(&lower) || lower.chars().count() < 2
}

/// One English word of a run.
#[derive(Debug, Clone)]
struct EnWord<'a> {
    surface: &'a str,
    stem: String,
    edge: bool,
    start: usize,
    end: usize,
    initial: bool,
}

/// English candidate phrases of a text: runs of 1 to [`MAX_EN_CONTENT`] content words (at most
/// [`MAX_EN_WORDS`] words in all) with content words at both edges.
pub fn en_phrases(text: &str, tokenizer: &Tokenizer) -> Vec<Phrase> {
    let mut out = Vec::new();
    for run in en_runs(text, tokenizer) {
        for start in 0..run.len() {
            if run[start].edge {
                continue;
            }
            let mut content = 0;
            for end in start..(start + MAX_EN_WORDS).min(run.len()) {
                if !run[end].edge {
                    content += 1;
                }
                if content > MAX_EN_CONTENT {
                    break;
                }
                if !run[end].edge {
                    out.push(en_phrase(text, &run[start..=end], content));
                }
            }
        }
    }
    out
}

fn en_phrase(text: &str, words: &[EnWord], content: usize) -> Phrase {
    let (first, last) = (&words[0], &words[words.len() - 1]);
    Phrase {
        key: words
            .iter()
            .map(|w| w.stem.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        surface: text[first.start..last.end].to_string(),
        size: content,
        initial: first.initial,
        trimmed: false,
    }
}

/// Runs of English words between punctuation, numbers and initials. A hyphen or apostrophe
/// between two words does not end a run ("Governor-General").
fn en_runs<'a>(text: &'a str, tokenizer: &Tokenizer) -> Vec<Vec<EnWord<'a>>> {
    let mut runs: Vec<Vec<EnWord>> = vec![Vec::new()];
    let mut sentence_start = true;
    for (start, token) in text.split_word_bound_indices() {
        if token.chars().all(char::is_whitespace) {
            continue;
        }
        let is_word = token.chars().any(char::is_alphanumeric);
        if !is_word {
            if !matches!(token, "-" | "'" | "’") {
                runs.push(Vec::new());
            }
            sentence_start |= token.contains(['.', '!', '?', ':']);
            continue;
        }
        let initial = std::mem::replace(&mut sentence_start, false);
        let is_initials = token.contains('.') || token.chars().count() == 1 && token != "I";
        if en_number(token).is_some() || token.chars().any(|c| c.is_ascii_digit()) || is_initials {
            runs.push(Vec::new());
            continue;
        }
        let lower = token.to_lowercase();
        let word = EnWord {
            surface: token,
            stem: tokenizer.stem(&lower),
            edge: is_en_edge_word(&lower),
            start,
            end: start + token.len(),
            initial,
        };
        if let Some(run) = runs.last_mut() {
            run.push(word);
        }
    }
    runs.retain(|r| !r.is_empty());
    runs.iter()
        .map(|r| {
            r.iter()
                .filter(|w| !w.surface.is_empty())
                .cloned()
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(phrases: &[Phrase]) -> Vec<&str> {
        phrases.iter().map(|p| p.key.as_str()).collect()
    }

    #[test]
    fn function_words_are_sorted() {
        assert!(
            ZH_FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]),
            "not sorted"
        );
    }

    #[test]
    fn chinese_phrases_are_simplified_keys_with_traditional_surfaces() {
        let t = Tokenizer::shared();
        let p = zh_phrases("駐海蘭泡領事電稱", t, false, &Known::default());
        let hlp = p.iter().find(|p| p.key == "海兰泡").expect("海兰泡");
        assert_eq!(hlp.surface, "海蘭泡");
        assert!(keys(&p).contains(&"海兰泡领事"), "{:?}", keys(&p));
    }

    #[test]
    fn numbers_and_punctuation_end_chinese_runs() {
        let t = Tokenizer::shared();
        let p = zh_phrases("華工三千五百餘名，護照", t, false, &Known::default());
        let k = keys(&p);
        assert!(k.contains(&"华工") && k.contains(&"护照"), "{k:?}");
        assert!(
            keys(&zh_phrases("黑河道尹傅家驥", t, false, &Known::default())).contains(&"傅家骥")
        );
        assert!(keys(&zh_phrases("阿穆爾省長", t, false, &Known::default())).contains(&"阿穆尔省"));
        assert!(!k.iter().any(|k| k.contains("三千")), "{k:?}");
        assert!(
            !k.iter().any(|k| k.contains("华工") && k.contains("护照")),
            "{k:?}"
        );
        assert!(is_numeric_word("三月") && is_numeric_word("十二日") && is_numeric_word("八百"));
        assert!(!is_numeric_word("本月") && !is_numeric_word("一律") && !is_numeric_word("华工"));
        assert!(is_numeric_word("四辆") && is_numeric_word("三艘") && is_numeric_word("十二辆"));
        assert!(!is_numeric_word("一般") && !is_numeric_word("车辆"));
    }

    #[test]
    fn no_phrase_starts_or_ends_with_a_function_character() {
        let t = Tokenizer::shared();
        let none = Known::default();
        let k: Vec<String> = zh_phrases(
            "高次長曰：貴國地方自治會之議決案，據海蘭泡領事電稱",
            t,
            false,
            &none,
        )
        .into_iter()
        .map(|p| p.key)
        .collect();
        for bad in ["之议决案", "自治会之", "长曰", "电称", "据海兰泡"] {
            assert!(!k.iter().any(|x| x == bad), "{bad} in {k:?}");
        }
        assert!(has_function_edge("已电", &none) && !has_function_edge("所以", &none));
        assert!(!has_function_edge("记者", &none));
        let known = Known::new(["本部"]);
        assert!(!has_function_edge("本部", &known));
    }

    #[test]
    fn words_of_the_lexicon_are_joined() {
        let t = Tokenizer::shared();
        let known = Known::new(["地方自治會", "海參崴"]);
        let k: Vec<String> = zh_phrases("阿穆爾省地方自治會電達海參崴", t, false, &known)
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert!(k.contains(&"地方自治会".to_string()), "{k:?}");
        assert!(k.contains(&"海参崴".to_string()), "{k:?}");
    }

    #[test]
    fn single_characters_only_on_request() {
        let t = Tokenizer::shared();
        assert!(!keys(&zh_phrases("電", t, false, &Known::default())).contains(&"电"));
        assert!(keys(&zh_phrases("電", t, true, &Known::default())).contains(&"电"));
    }

    #[test]
    fn english_phrases_have_content_edges_and_keep_casing() {
        let t = Tokenizer::shared();
        let p = en_phrases(
            "The Ministry of Foreign Affairs wrote to V.P. Sokolov, Governor of the Amur oblast, about 3,500 workers.",
            t,
        );
        let surfaces: Vec<&str> = p.iter().map(|p| p.surface.as_str()).collect();
        for want in [
            "Ministry of Foreign Affairs",
            "Sokolov",
            "Amur oblast",
            "workers",
        ] {
            assert!(surfaces.contains(&want), "{want} not in {surfaces:?}");
        }
        for unwanted in ["The Ministry", "Affairs wrote to", "Sokolov, Governor", "P"] {
            assert!(!surfaces.contains(&unwanted), "{unwanted} in {surfaces:?}");
        }
        assert!(keys(&p).contains(&"worker"));
        assert!(!p.iter().find(|p| p.surface == "Ministry").unwrap().initial);
        let q = en_phrases("Passports were issued.", t);
        assert!(q[0].initial);
    }
}
