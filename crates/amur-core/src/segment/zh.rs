//! Chinese sentence segmentation, for modern prose and for literary / telegraphic Chinese in
//! simplified or traditional characters.
//!
//! By default it follows OmegaT's Chinese rules (its `defaultRules.srx`): a sentence ends after
//! 。！？ (and ASCII `?` `!` used inside Chinese text); a run of stops (`！！`, `？！`, `。。。`)
//! is one stop; a closing quote or bracket right after the stop keeps the sentence going, as in
//! OmegaT (`他說：「可。」遂行。` is one segment there, so it is one sentence here, and TMX units
//! match OmegaT's segments exactly); `；` and `……` end a sentence only when [`ZhOptions`] ask
//! for it, and so does a quote (`split_after_quote`: `「可。」` | `遂行。`). Commas never end a sentence, so unpunctuated literary text is
//! one sentence. Line breaks inside the paragraph do not end a sentence either.

use super::{cut, is_closer, is_ignorable};

/// Options for Chinese segmentation. Default: split only at 。！？ (and ASCII ?! inside Chinese
/// text).
#[derive(Debug, Clone, Default)]
pub struct ZhOptions {
    /// Also end a sentence at `；` (full-width semicolon).
    pub split_at_semicolon: bool,
    /// Also end a sentence at `…` / `……` / `⋯`.
    pub split_at_ellipsis: bool,
    /// End a sentence after a stop followed by a closing quote or bracket (`。」`); OmegaT
    /// does not.
    pub split_after_quote: bool,
}

/// Splits one paragraph of Chinese into sentences.
pub fn zh(paragraph: &str, opts: &ZhOptions) -> Vec<String> {
    cut(paragraph, split_points(paragraph, opts))
}

/// Byte offsets just after each sentence's stop and the closing quotes that follow it.
fn split_points(text: &str, opts: &ZhOptions) -> Vec<usize> {
    let mut splits = Vec::new();
    let mut quotes = Quotes::default();
    // The last character that was not whitespace, invisible or a quote / bracket.
    let mut prev_word: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        let stop = is_stop(c, opts) || (is_ascii_stop(c) && in_chinese(prev_word, &chars, opts));
        if stop {
            let mut end = text.len();
            let mut quoted = false;
            while let Some(&(i, next)) = chars.peek() {
                if !continues_stop(next, opts, &mut quotes) {
                    end = i;
                    break;
                }
                quoted |= is_closer(next) || is_straight_quote(next);
                chars.next();
            }
            if !quoted || opts.split_after_quote {
                splits.push(end);
            }
            prev_word = Some(c);
        } else if is_ascii_stop(c) {
            // Not a stop here: take the rest of the run too, so no `?` in it looks ahead again.
            while chars.next_if(|&(_, next)| is_ascii_stop(next)).is_some() {}
            prev_word = Some(c);
        } else {
            quotes.see(c);
            if !(c.is_whitespace() || is_ignorable(c) || is_closer(c) || is_opener(c)) {
                prev_word = Some(c);
            }
        }
    }
    splits
}

/// A character that always ends a sentence (given the options), wherever it stands.
fn is_stop(c: char, opts: &ZhOptions) -> bool {
    match c {
        '。' | '！' | '？' | '｡' | '‼' | '⁇' | '⁈' | '⁉' => true,
        '；' => opts.split_at_semicolon,
        '…' | '⋯' => opts.split_at_ellipsis,
        _ => false,
    }
}

fn is_ascii_stop(c: char) -> bool {
    c == '?' || c == '!'
}

/// Whether an ASCII `?` / `!` stands in Chinese text: right after a Chinese word, or followed
/// (past the rest of its run, full-width stops, closing quotes and whitespace) by Chinese or by
/// the end of the paragraph. This keeps `?` in a URL or `Yahoo!Mail` from splitting.
///
/// The look-ahead stops at the next ASCII `?` / `!` after the run (which counts as "not
/// Chinese"), and everything it crosses is then consumed by the main loop without looking
/// ahead again, so the whole scan stays linear.
fn in_chinese(
    prev_word: Option<char>,
    rest: &std::iter::Peekable<std::str::CharIndices<'_>>,
    opts: &ZhOptions,
) -> bool {
    if prev_word.is_some_and(is_cjk) {
        return true;
    }
    let mut ahead = rest
        .clone()
        .map(|(_, c)| c)
        .skip_while(|&c| is_ascii_stop(c))
        .skip_while(|&c| {
            is_stop(c, opts)
                || is_closer(c)
                || is_straight_quote(c)
                || is_ignorable(c)
                || c.is_whitespace()
        });
    ahead.next().is_none_or(|c| is_cjk(c) && !is_ascii_stop(c))
}

/// Whether `c`, just after a stop, still belongs to that stop: more stops, an ellipsis,
/// a closing quote or bracket, an invisible character, or a straight quote that closes an open
/// one.
fn continues_stop(c: char, opts: &ZhOptions, quotes: &mut Quotes) -> bool {
    if is_straight_quote(c) {
        return quotes.closes(c);
    }
    is_stop(c, opts) || is_ascii_stop(c) || c == '…' || c == '⋯' || is_closer(c) || is_ignorable(c)
}

/// Straight quotes, which open or close; [`Quotes`] tells which by counting.
fn is_straight_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '＂' | '＇')
}

/// Opening quotes and brackets (skipped when looking for the last word before a `?`).
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '“' | '‘'
            | '「'
            | '『'
            | '（'
            | '('
            | '［'
            | '['
            | '｛'
            | '{'
            | '【'
            | '《'
            | '〈'
            | '〔'
            | '〖'
            | '〘'
            | '〚'
            | '〝'
            | '«'
            | '‹'
    ) || is_straight_quote(c)
}

/// Parity of the straight quotes seen so far: an odd count means one is open.
#[derive(Default)]
struct Quotes {
    double_open: bool,
    single_open: bool,
}

impl Quotes {
    /// Records a character seen in running text.
    fn see(&mut self, c: char) {
        match c {
            '"' | '＂' => self.double_open = !self.double_open,
            '\'' | '＇' => self.single_open = !self.single_open,
            _ => {}
        }
    }

    /// Whether the straight quote `c` closes an open quote; if so, records it.
    fn closes(&mut self, c: char) -> bool {
        let open = match c {
            '"' | '＂' => self.double_open,
            _ => self.single_open,
        };
        if open {
            self.see(c);
        }
        open
    }
}

/// Han characters, kana, CJK punctuation and full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Rng, assert_contract, random_text};
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let out = zh(text, &ZhOptions::default());
        assert_contract(text, &out);
        out
    }

    /// With `split_after_quote`: a stop and its closing quote end the sentence.
    fn split_quoted(text: &str) -> Vec<String> {
        let opts = ZhOptions {
            split_after_quote: true,
            ..ZhOptions::default()
        };
        split_with(text, &opts)
    }

    #[test]
    fn like_omegat_a_quote_after_the_stop_keeps_the_sentence_going() {
        assert_eq!(
            split("他說：「此事須與俄使交涉。」隨即離去。"),
            ["他說：「此事須與俄使交涉。」隨即離去。"]
        );
        assert_eq!(
            split("電稱：「可。」遂行。次日抵京。"),
            ["電稱：「可。」遂行。", "次日抵京。"]
        );
        assert_eq!(split("他說：「好。」"), ["他說：「好。」"]);
    }

    fn split_with(text: &str, opts: &ZhOptions) -> Vec<String> {
        let out = zh(text, opts);
        assert_contract(text, &out);
        out
    }

    #[test]
    fn splits_after_full_stops() {
        assert_eq!(
            split("駐京俄使庫達攝夫照會外交部。謂阿穆爾省華僑事宜，應由兩國派員交涉。"),
            [
                "駐京俄使庫達攝夫照會外交部。",
                "謂阿穆爾省華僑事宜，應由兩國派員交涉。"
            ]
        );
    }

    #[test]
    fn simplified_prose() {
        assert_eq!(
            split("我们明天出发吗？当然！天气很好。"),
            ["我们明天出发吗？", "当然！", "天气很好。"]
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        assert_eq!(
            split_quoted("他說：「此事須與俄使交涉。」隨即離去。"),
            ["他說：「此事須與俄使交涉。」", "隨即離去。"]
        );
        assert_eq!(
            split_quoted("他说：“我们走吧！”大家都笑了。"),
            ["他说：“我们走吧！”", "大家都笑了。"]
        );
        assert_eq!(
            split_quoted("見附件（第三號。）另電。"),
            ["見附件（第三號。）", "另電。"]
        );
        assert_eq!(split_quoted("《條約。》》完"), ["《條約。》》", "完"]);
    }

    #[test]
    fn stop_inside_open_quote_splits() {
        assert_eq!(split("「甲。乙。」"), ["「甲。", "乙。」"]);
        assert_eq!(
            split_quoted("電稱：『俄兵已退。華商照常貿易。』等語。"),
            ["電稱：『俄兵已退。", "華商照常貿易。』", "等語。"]
        );
    }

    #[test]
    fn repeated_stops_are_one() {
        assert_eq!(
            split("真的嗎？！不可能！！好。"),
            ["真的嗎？！", "不可能！！", "好。"]
        );
        assert_eq!(split("甲。。。乙"), ["甲。。。", "乙"]);
    }

    #[test]
    fn ascii_stops_inside_chinese() {
        assert_eq!(split("真的?是的!好。"), ["真的?", "是的!", "好。"]);
        assert_eq!(split("他問:為何?!我答。"), ["他問:為何?!", "我答。"]);
        assert_eq!(split("他說 OK? 好的。"), ["他說 OK?", "好的。"]);
    }

    #[test]
    fn ascii_stops_in_latin_words_do_not_split() {
        assert_eq!(
            split("見 http://example.org/a?b=1 一文。"),
            ["見 http://example.org/a?b=1 一文。"]
        );
        assert_eq!(split("用Yahoo!Mail寄出。"), ["用Yahoo!Mail寄出。"]);
    }

    #[test]
    fn straight_quotes_close_by_parity() {
        assert_eq!(
            split_quoted("他說：\"此事須交涉。\"隨即離去。"),
            ["他說：\"此事須交涉。\"", "隨即離去。"]
        );
        assert_eq!(
            split_quoted("甲。\"乙。\"丙。"),
            ["甲。", "\"乙。\"", "丙。"]
        );
    }

    #[test]
    fn semicolon_and_ellipsis_only_with_options() {
        let text = "此事甚急；應即電復……否則恐生枝節。";
        assert_eq!(split(text), [text]);
        let semi = ZhOptions {
            split_at_semicolon: true,
            ..ZhOptions::default()
        };
        assert_eq!(
            split_with(text, &semi),
            ["此事甚急；", "應即電復……否則恐生枝節。"]
        );
        let both = ZhOptions {
            split_at_semicolon: true,
            split_at_ellipsis: true,
            ..ZhOptions::default()
        };
        assert_eq!(
            split_with(text, &both),
            ["此事甚急；", "應即電復……", "否則恐生枝節。"]
        );
    }

    #[test]
    fn ellipsis_after_stop_stays_with_it() {
        assert_eq!(
            split_quoted("他說：「好！……」走了。"),
            ["他說：「好！……」", "走了。"]
        );
    }

    #[test]
    fn literary_telegram_without_stops_is_one_sentence() {
        let telegram = "外交部鈞鑒頃准俄使照會稱阿穆爾省華僑應一律註冊等因查此事關係僑民生計至鉅應請鈞部迅予交涉以維僑業";
        assert_eq!(split(telegram), [telegram]);
        let commas = "奉電敬悉，俄兵尚駐海蘭泡，華商損失甚鉅，容再續陳";
        assert_eq!(split(commas), [commas]);
    }

    #[test]
    fn telegram_with_sparse_stops() {
        assert_eq!(
            split("北京外交部鈞鑒頃晤俄領據稱華工回國須由該國發給護照。等語。謹電陳。黑河道尹叩"),
            [
                "北京外交部鈞鑒頃晤俄領據稱華工回國須由該國發給護照。",
                "等語。",
                "謹電陳。",
                "黑河道尹叩"
            ]
        );
    }

    #[test]
    fn whitespace_between_sentences_is_dropped() {
        assert_eq!(
            split("\u{3000}\u{3000}甲事畢。\u{3000}乙事未了。\u{a0} 丙。\n"),
            ["甲事畢。", "乙事未了。", "丙。"]
        );
        assert_eq!(split("甲 乙。丙\n丁。"), ["甲 乙。", "丙\n丁。"]);
    }

    #[test]
    fn invisible_characters_neither_make_nor_break_splits() {
        assert_eq!(split("甲\u{200b}乙\u{feff}丙"), ["甲\u{200b}乙\u{feff}丙"]);
        assert_eq!(
            split_quoted("他說：「好。\u{200b}」\u{200e}走了。"),
            ["他說：「好。\u{200b}」\u{200e}", "走了。"]
        );
        assert_eq!(split("\u{feff}甲。乙。"), ["\u{feff}甲。", "乙。"]);
        assert_eq!(split("甲。 \u{200b}"), ["甲。 \u{200b}"]);
        assert_eq!(split("為何\u{200f}?好。"), ["為何\u{200f}?", "好。"]);
    }

    #[test]
    fn degenerate_inputs() {
        assert!(split("").is_empty());
        assert!(split(" \u{3000}\n\t").is_empty());
        assert_eq!(split("。"), ["。"]);
        assert_eq!(split("。！？」"), ["。！？」"]);
        assert_eq!(split("？ ！ 。"), ["？ ！ 。"]);
        assert_eq!(split("?"), ["?"]);
        assert_eq!(split("甲"), ["甲"]);
    }

    #[test]
    fn contract_holds_on_random_input() {
        let mut rng = Rng::new(2024);
        let options = [
            ZhOptions::default(),
            ZhOptions {
                split_at_semicolon: true,
                split_at_ellipsis: true,
                split_after_quote: true,
            },
        ];
        for _ in 0..3000 {
            let text = random_text(&mut rng, 40);
            for opts in &options {
                split_with(&text, opts);
            }
        }
    }

    #[test]
    fn long_inputs_run_in_linear_time() {
        let no_stop = "華".repeat(3_500_000); // about 10 MB
        assert_eq!(split(&no_stop).len(), 1);
        let stops = "甲。".repeat(500_000);
        assert_eq!(split(&stops).len(), 500_000);
        let questions = "a? ".repeat(1_000_000);
        assert_eq!(split(&questions).len(), 1);
        let spaces = format!("a?{}b", " ".repeat(5_000_000));
        assert_eq!(split(&spaces).len(), 1);
        let closers = format!("a?{}b", "」".repeat(1_000_000));
        assert_eq!(split(&closers).len(), 1);
        let run = format!("a{}b", "?".repeat(2_000_000));
        assert_eq!(split(&run).len(), 1);
        let spaced = format!("a{}b", "? ".repeat(1_000_000));
        assert_eq!(split(&spaced).len(), 1);
        let lone_stops = "。 ".repeat(1_000_000);
        assert_eq!(split(&lone_stops).len(), 1);
        let mixed = "a?。".repeat(500_000);
        assert_eq!(split(&mixed).len(), 500_000);
    }
}
