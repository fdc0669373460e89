//! English sentence segmentation, tuned for diplomatic and historical prose (titles, initials,
//! dotted abbreviations, note and page numbers, dates).
//!
//! It starts from the Unicode sentence boundaries (UAX #29, via `unicode-segmentation`) and
//! repairs what they get wrong for real prose: a boundary after an abbreviation, an initial,
//! a `?` / `!` followed by a lower-case word, or a line break is dropped again; a boundary
//! after an ellipsis `…` followed by a capital is added. Each boundary is judged only from the
//! piece before it and the first word after it, so the whole pass stays linear.

use unicode_segmentation::UnicodeSegmentation;

use super::{cut, has_content, is_closer, is_ignorable};

/// Splits one paragraph of English into sentences.
pub fn en(paragraph: &str) -> Vec<String> {
    let candidates = merge_sorted(uax_bounds(paragraph), ellipsis_bounds(paragraph));
    let mut splits = Vec::with_capacity(candidates.len());
    let mut prev = 0;
    for (i, &at) in candidates.iter().enumerate() {
        let next = candidates.get(i + 1).copied().unwrap_or(paragraph.len());
        let after = &paragraph[at..next];
        if !has_content(after) {
            // Only whitespace or punctuation up to the next candidate, which stands in for this
            // one and sees the word after it.
            continue;
        }
        if ends_sentence(&paragraph[prev..at], after) {
            splits.push(split_point(paragraph, prev, at));
        }
        prev = at;
    }
    cut(paragraph, splits)
}

/// Where to cut for a sentence end found at boundary `at` (the previous candidate at `from`):
/// right after the stop, its closers and the invisible marks that touch it. Whitespace and
/// invisible marks before the next word go to the next sentence (UAX #29 attaches a mark to the
/// space before it, which left `He left. \u{200B}` as a sentence).
fn split_point(text: &str, from: usize, at: usize) -> usize {
    let kept = text[from..at].trim_end_matches(|c: char| c.is_whitespace() || is_ignorable(c));
    let mut end = from + kept.len();
    for c in text[end..at].chars().take_while(|&c| is_ignorable(c)) {
        end += c.len_utf8();
    }
    end
}

/// Inner sentence boundaries of UAX #29 (byte offsets, neither 0 nor the end), plus the starts
/// of the chunks the text is fed in (see [`chunks`]); [`ends_sentence`] judges them all alike.
fn uax_bounds(text: &str) -> Vec<usize> {
    let mut bounds = Vec::new();
    for (start, end) in chunks(text) {
        bounds.push(start);
        let inner = text[start..end].split_sentence_bound_indices();
        bounds.extend(inner.map(|(i, _)| start + i).filter(|&i| i > start));
    }
    bounds.retain(|&i| i > 0);
    bounds
}

/// Most characters in a row without a stopper (see [`chunks`]).
const MAX_RUN: usize = 64;

/// Byte ranges covering `text`, cut inside every run of [`MAX_RUN`] characters that holds no
/// ASCII letter, `.`, `?`, `!` or line break.
///
/// `unicode-segmentation` (1.13) is quadratic on a period followed by a long run of spaces or
/// closing brackets (its rule SB8 looks ahead from every character of the run, up to the next
/// letter, terminator or line break). ASCII letters, `.`, `?`, `!` and line breaks all end that
/// look-ahead, so cutting the runs without them bounds each look-ahead by `MAX_RUN` and keeps
/// the whole pass linear. A cut only adds a
/// candidate boundary: at worst it lands in whitespace after a stop, where UAX #29 would have
/// offered one anyway, and elsewhere [`ends_sentence`] rejects it (no terminator before it).
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut chunks = Vec::new();
    let (mut start, mut run) = (0, 0);
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphabetic() || matches!(c, '.' | '?' | '!' | '\n' | '\r') {
            run = 0;
        } else if run == MAX_RUN {
            chunks.push((start, i));
            (start, run) = (i, 1);
        } else {
            run += 1;
        }
    }
    chunks.push((start, text.len()));
    chunks
}

/// Boundaries that UAX #29 misses: after `…` (plus closing quotes), before whitespace and a
/// capitalised word.
fn ellipsis_bounds(text: &str) -> Vec<usize> {
    text.match_indices(['…', '⋯'])
        .filter_map(|(i, m)| {
            let after = &text[i + m.len()..];
            let rest = after.trim_start_matches(|c| is_closing_quote(c) || is_ignorable(c));
            let gap = rest.trim_start();
            let at = text.len() - rest.len();
            (gap.len() < rest.len() && starts_upper(first_word(gap))).then_some(at)
        })
        .collect()
}

/// Merges two ascending lists of offsets into one, without duplicates.
fn merge_sorted(a: Vec<usize>, b: Vec<usize>) -> Vec<usize> {
    let mut all = a;
    all.extend(b);
    all.sort_unstable();
    all.dedup();
    all
}

/// Whether a candidate boundary between `before` and `after` really ends a sentence.
fn ends_sentence(before: &str, after: &str) -> bool {
    // Invisible marks that UAX #29 attaches to the space after a stop (`. \u{200E}She`) are
    // trimmed with it.
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || is_ignorable(c));
    let body = before.trim_end_matches(|c| is_closing_quote(c) || is_ignorable(c));
    let closed = body.len() < before.trim_end_matches(is_ignorable).len();
    let next = first_word(after);
    let Some(last) = body.chars().next_back() else {
        return false;
    };
    match last {
        '.' => period_ends(body, next, closed),
        '…' | '⋯' => starts_upper(next),
        c if is_terminator(c) => !starts_lower(next),
        // A line break, or anything else UAX #29 split after: not a sentence end in a paragraph.
        _ => false,
    }
}

/// `?`, `!` and their kin, which end a sentence unless a lower-case word follows
/// (`"Why?" he asked.`).
fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '?' | '!'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '‽'
            | '。'
            | '！'
            | '？'
            | '｡'
            | '؟'
            | '।'
            | '॥'
            | '։'
            | '۔'
    )
}

/// Whether a period (the last character of `body`) ends a sentence before the word `next`.
fn period_ends(body: &str, next: &str, closed: bool) -> bool {
    if starts_lower(next) {
        return false;
    }
    let stem = &body[..body.len() - 1];
    if closed || stem.ends_with('.') {
        // `."` closes a sentence; `..` / `...` is an ellipsis, and `next` is not lower-case.
        return true;
    }
    match abbreviation(last_word(stem)) {
        Abbrev::None => true,
        Abbrev::NeverFinal => false,
        Abbrev::BeforeNumber => !starts_number(next),
        Abbrev::Ambiguous => is_sentence_starter(next),
    }
}

/// How an abbreviation ending in a period behaves before a word that is not lower-case.
#[derive(Debug, PartialEq, Eq)]
enum Abbrev {
    /// Not an abbreviation (or one that often ends a sentence, like `etc.`): split.
    None,
    /// Never ends a sentence: titles (`Mr.`, `Gen.`), `e.g.`, `i.e.`, `cf.`, `viz.`, `ca.`.
    NeverFinal,
    /// Stands before a number: `No. 5`, `p. 189`, `vol. II`, `Jan. 12`; split otherwise.
    BeforeNumber,
    /// Initials and dotted acronyms (`A.`, `N.A.`, `U.S.`, `U.S.S.R.`), name suffixes
    /// (`Jr.`, `Co.`) and times of day (`a.m.`, `p.m.`). `N.A. Kudashev` is common and `the U.S. The …` is too, so these split
    /// only before a common sentence starter (see [`is_sentence_starter`]): a capitalised word
    /// after an initial is far more often a surname than a new sentence.
    Ambiguous,
}

const NEVER_FINAL: &[&str] = &[
    "Mr", "Mrs", "Messrs", "Ms", "Mme", "Mmes", "Mlle", "Dr", "St", "Ste", "Mt", "Ft", "Gen",
    "Col", "Capt", "Lt", "Maj", "Adm", "Cmdr", "Sgt", "Cpl", "Brig", "Prof", "Rev", "Hon", "Gov",
    "Sen", "Rep", "Pres", "Supt", "Insp", "Amb", "Sec", "Mgr", "Msgr", "Fr", "e.g", "E.g", "i.e",
    "I.e", "cf", "Cf", "viz", "Viz", "ca", "approx", "vs", "N.B",
];

const BEFORE_NUMBER: &[&str] = &[
    "No", "Nos", "no", "nos", "p", "pp", "vol", "Vol", "vols", "Vols", "art", "Art", "arts",
    "Arts", "ch", "Ch", "chap", "Chap", "sec", "sect", "Sect", "para", "Para", "paras", "fig",
    "Fig", "n", "nn", "l", "ll", "fol", "fols", "ff", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// Name suffixes and times of day: often followed by a capitalised word that is not a new
/// sentence (`John Smith Jr. Secretary of Legation`, `10 a.m. Peking time`).
const AMBIGUOUS: &[&str] = &[
    "Jr", "Sr", "Co", "Bros", "Inc", "Ltd", "a.m", "p.m", "A.M", "P.M",
];

/// Classifies the word before a final period (without that period).
fn abbreviation(word: &str) -> Abbrev {
    if NEVER_FINAL.contains(&word) {
        Abbrev::NeverFinal
    } else if BEFORE_NUMBER.contains(&word) {
        Abbrev::BeforeNumber
    } else if AMBIGUOUS.contains(&word) || is_initials(word) {
        Abbrev::Ambiguous
    } else {
        Abbrev::None
    }
}

/// `A`, `N.A`, `U.S`, `U.S.S.R`, `Ph.D`: one or more dot-separated parts of one or two letters,
/// the first capitalised (the final period already removed).
fn is_initials(word: &str) -> bool {
    let starts_capital = word.chars().next().is_some_and(char::is_uppercase);
    starts_capital
        && word.split('.').all(|part| {
            let letters = part.chars().count();
            (1..=2).contains(&letters) && part.chars().all(char::is_alphabetic)
        })
        && (word.contains('.') || word.chars().count() == 1)
}

/// Common words that start an English sentence; after an ambiguous abbreviation they signal a
/// sentence end. `I` counts only alone (`I.` is an initial).
fn is_sentence_starter(word: &str) -> bool {
    const STARTERS: &[&str] = &[
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "We",
        "I",
        "You",
        "They",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Then",
        "Thus",
        "His",
        "Her",
        "Its",
        "Our",
        "Their",
        "My",
        "But",
        "And",
        "Or",
        "Yet",
        "So",
        "However",
        "Moreover",
        "Meanwhile",
        "Nevertheless",
        "Therefore",
        "In",
        "On",
        "At",
        "As",
        "By",
        "For",
        "From",
        "To",
        "With",
        "Of",
        "After",
        "Before",
        "When",
        "While",
        "If",
        "Since",
        "Although",
        "Though",
        "Until",
        "During",
        "Upon",
        "Under",
        "What",
        "Who",
        "Why",
        "How",
        "Where",
        "Which",
        "All",
        "Some",
        "No",
        "Not",
        "Only",
        "Such",
        "Here",
        "Now",
        "Later",
        "Also",
        "Both",
        "Each",
        "One",
    ];
    STARTERS.contains(&word.trim_end_matches([',', ';', ':', '!', '?']))
}

/// The first word of `text`, after whitespace and opening quotes or brackets; up to the next
/// whitespace, at most 40 characters.
fn first_word(text: &str) -> &str {
    let text = text
        .trim_start_matches(|c: char| c.is_whitespace() || is_opening_quote(c) || is_ignorable(c));
    let end = text
        .char_indices()
        .take(40)
        .find(|&(_, c)| c.is_whitespace())
        .map_or_else(|| prefix_len(text, 40), |(i, _)| i);
    &text[..end]
}

/// The last word of `text`: after the last whitespace or opening quote / bracket, at most 40
/// characters (a longer run is not an abbreviation anyway).
fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take(41)
        .find(|&(_, c)| c.is_whitespace() || is_opening_quote(c))
        .map(|(i, c)| i + c.len_utf8());
    match start {
        Some(i) => &text[i..],
        None if text.chars().rev().nth(40).is_none() => text,
        None => "",
    }
}

/// Byte length of the first `n` characters of `text`.
fn prefix_len(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

fn starts_lower(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// `5`, `189,`, `12.` or a Roman numeral such as `II` or `XII` (but not the pronoun `I`).
fn starts_number(word: &str) -> bool {
    let word = word.trim_end_matches(|c: char| c.is_ascii_punctuation());
    word.starts_with(|c: char| c.is_ascii_digit())
        || (word != "I"
            && !word.is_empty()
            && word
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C')))
}

/// Closing quotes and brackets, plus the straight quotes, which after a stop close.
fn is_closing_quote(c: char) -> bool {
    is_closer(c) || c == '"' || c == '\''
}

/// Opening quotes and brackets, plus the straight quotes, which before a word open.
fn is_opening_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '{' | '«' | '‹')
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Rng, assert_contract, random_text};
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let out = en(text);
        assert_contract(text, &out);
        out
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(
            split("The talks began. They lasted two days! Was it enough? Nobody knew."),
            [
                "The talks began.",
                "They lasted two days!",
                "Was it enough?",
                "Nobody knew."
            ]
        );
    }

    #[test]
    fn diplomatic_note_with_initials_and_dates() {
        assert_eq!(
            split(
                "The Russian Minister, Prince N.A. Kudashev, called at the Wai-chiao Pu on \
                 Jan. 12. He handed over Note No. 5 concerning the Amur oblast."
            ),
            [
                "The Russian Minister, Prince N.A. Kudashev, called at the Wai-chiao Pu on Jan. 12.",
                "He handed over Note No. 5 concerning the Amur oblast."
            ]
        );
    }

    #[test]
    fn page_references_and_latin_abbreviations() {
        assert_eq!(
            split("See p. 189 of the protocol, i.e. the second part."),
            ["See p. 189 of the protocol, i.e. the second part."]
        );
        assert_eq!(
            split("See pp. 12-14 and vol. II, cf. Art. 3. The text follows."),
            [
                "See pp. 12-14 and vol. II, cf. Art. 3.",
                "The text follows."
            ]
        );
        assert_eq!(
            split("Several ports, e.g. Aigun and Blagoveshchensk, were closed."),
            ["Several ports, e.g. Aigun and Blagoveshchensk, were closed."]
        );
        assert_eq!(
            split("Two towns, viz. Aigun and Sakhalian, ca. 1900 inhabitants each."),
            ["Two towns, viz. Aigun and Sakhalian, ca. 1900 inhabitants each."]
        );
    }

    #[test]
    fn times_of_day() {
        assert_eq!(
            split("Mr. Krylenko arrived at Khabarovsk at 3.30 p.m. The talks began."),
            [
                "Mr. Krylenko arrived at Khabarovsk at 3.30 p.m.",
                "The talks began."
            ]
        );
        assert_eq!(
            split("He left at 9 a.m. on Monday."),
            ["He left at 9 a.m. on Monday."]
        );
        assert_eq!(
            split("It was signed at 10 a.m. Peking time. We replied at 4 P.M. It was late."),
            [
                "It was signed at 10 a.m. Peking time.",
                "We replied at 4 P.M.",
                "It was late."
            ]
        );
    }

    #[test]
    fn titles_never_end_a_sentence() {
        assert_eq!(
            split(
                "Gen. Horvat met Col. Semenov and Capt. Lt. Ivanov. Mrs. Smith and Dr. Lee \
                 came from St. Petersburg with Prof. Rev. Hon. Brown."
            ),
            [
                "Gen. Horvat met Col. Semenov and Capt. Lt. Ivanov.",
                "Mrs. Smith and Dr. Lee came from St. Petersburg with Prof. Rev. Hon. Brown."
            ]
        );
    }

    #[test]
    fn single_letter_initials() {
        assert_eq!(
            split("A. Kudashev and V. N. Kokovtsov signed. I. N. Shishlov did not."),
            [
                "A. Kudashev and V. N. Kokovtsov signed.",
                "I. N. Shishlov did not."
            ]
        );
        assert_eq!(
            split("N.V. Krylenko and I.N. Shishlov replied."),
            ["N.V. Krylenko and I.N. Shishlov replied."]
        );
    }

    #[test]
    fn dotted_acronyms_split_only_before_sentence_starters() {
        assert_eq!(
            split("He went to the U.S. The Chinese side waited."),
            ["He went to the U.S.", "The Chinese side waited."]
        );
        assert_eq!(
            split("Relations with the U.S.S.R. It was 1924."),
            ["Relations with the U.S.S.R.", "It was 1924."]
        );
        assert_eq!(
            split("The U.S. Minister Reinsch agreed with the U.S. government."),
            ["The U.S. Minister Reinsch agreed with the U.S. government."]
        );
        assert_eq!(
            split("Signed by John Smith Jr. The meeting closed."),
            ["Signed by John Smith Jr.", "The meeting closed."]
        );
        assert_eq!(
            split("John Smith Jr. Secretary of Legation, signed."),
            ["John Smith Jr. Secretary of Legation, signed."]
        );
    }

    #[test]
    fn numbers_after_abbreviations() {
        assert_eq!(
            split("Nos. 5 and 6 were sent. Dec. The month was cold."),
            ["Nos. 5 and 6 were sent.", "Dec.", "The month was cold."]
        );
        assert_eq!(
            split("It was dated Sept. 3, 1917. Mar. 4 came next."),
            ["It was dated Sept. 3, 1917.", "Mar. 4 came next."]
        );
        assert_eq!(
            split("He quoted No. 12. The reply was brief."),
            ["He quoted No. 12.", "The reply was brief."]
        );
    }

    #[test]
    fn etc_splits_only_before_a_capital() {
        assert_eq!(
            split("Tea, silk, etc. were shipped. Furs, hides, etc. The trade grew."),
            [
                "Tea, silk, etc. were shipped.",
                "Furs, hides, etc.",
                "The trade grew."
            ]
        );
    }

    #[test]
    fn decimals_do_not_split() {
        assert_eq!(
            split("Duties rose by 3.5 per cent. Exports fell by 0.75 per cent."),
            [
                "Duties rose by 3.5 per cent.",
                "Exports fell by 0.75 per cent."
            ]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            split("And so... the matter rested. He waited... Nothing came."),
            [
                "And so... the matter rested.",
                "He waited...",
                "Nothing came."
            ]
        );
        assert_eq!(
            split("And so… the matter rested. He waited… Nothing came."),
            ["And so… the matter rested.", "He waited…", "Nothing came."]
        );
        assert_eq!(
            split("He said \"wait…\" Then he left."),
            ["He said \"wait…\"", "Then he left."]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("He said, \"Go.\" Then he left."),
            ["He said, \"Go.\"", "Then he left."]
        );
        assert_eq!(
            split("He wrote: “The troops withdrew.” No reply came."),
            ["He wrote: “The troops withdrew.”", "No reply came."]
        );
        assert_eq!(
            split("(The note is lost.) The reply survives."),
            ["(The note is lost.)", "The reply survives."]
        );
    }

    #[test]
    fn question_followed_by_lower_case_does_not_split() {
        assert_eq!(
            split("\"Why?\" he asked. \"Because!\" she said. Why? Nobody knew."),
            [
                "\"Why?\" he asked.",
                "\"Because!\" she said.",
                "Why?",
                "Nobody knew."
            ]
        );
    }

    #[test]
    fn line_breaks_inside_a_paragraph_do_not_split() {
        assert_eq!(
            split("The Minister replied\nthat the matter\r\nwas closed. Then he left."),
            [
                "The Minister replied\nthat the matter\r\nwas closed.",
                "Then he left."
            ]
        );
    }

    #[test]
    fn invisible_characters_neither_make_nor_break_splits() {
        assert_eq!(
            split("Mr.\u{200b} Smith came.\u{200e} He left\u{feff}."),
            ["Mr.\u{200b} Smith came.\u{200e}", "He left\u{feff}."]
        );
        assert_eq!(split("One. \u{200b}"), ["One. \u{200b}"]);
        // After the space that follows the stop, too.
        assert_eq!(
            split("He left. \u{200b}She stayed. \u{200e}They went. \u{202b}Gone."),
            [
                "He left.",
                "\u{200b}She stayed.",
                "\u{200e}They went.",
                "\u{202b}Gone."
            ]
        );
    }

    #[test]
    fn whitespace_between_sentences_is_dropped() {
        assert_eq!(
            split("  One.\u{a0}\u{3000}Two.\t\n Three.  "),
            ["One.", "Two.", "Three."]
        );
    }

    #[test]
    fn degenerate_inputs() {
        assert!(split("").is_empty());
        assert!(split(" \n\t\u{a0}").is_empty());
        assert_eq!(split("."), ["."]);
        assert_eq!(split("... !!! ???"), ["... !!! ???"]);
        assert_eq!(split("?! a"), ["?! a"]);
        assert_eq!(split("Mr."), ["Mr."]);
        assert_eq!(split("U.S."), ["U.S."]);
        assert_eq!(split("…"), ["…"]);
        assert_eq!(split("… A"), ["… A"]);
    }

    #[test]
    fn long_runs_after_a_stop_are_judged_by_the_next_word() {
        let gap = " ".repeat(3 * MAX_RUN);
        let text =
            format!("At 4 p.m.{gap}The talks began. It was a.{gap}the end. Mr.{gap}Smith came.");
        assert_eq!(
            split(&text),
            [
                "At 4 p.m.".to_string(),
                "The talks began.".to_string(),
                format!("It was a.{gap}the end."),
                format!("Mr.{gap}Smith came."),
            ]
        );
    }

    #[test]
    fn chunks_cover_the_text() {
        let text = format!("a{}b{}", " ".repeat(200), "é".repeat(100));
        let chunks = chunks(&text);
        assert_eq!(chunks.first().map(|c| c.0), Some(0));
        assert_eq!(chunks.last().map(|c| c.1), Some(text.len()));
        assert!(chunks.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(chunks.len(), 5);
    }

    #[test]
    fn helpers() {
        assert_eq!(first_word("  “(Kudashev, said"), "Kudashev,");
        assert_eq!(last_word("Prince N.A"), "N.A");
        assert_eq!(last_word("(cf"), "cf");
        assert_eq!(last_word(&"x".repeat(50)), "");
        assert!(is_initials("U.S.S.R"));
        assert!(is_initials("Ph.D"));
        assert!(is_initials("A"));
        assert!(!is_initials("Pu"));
        assert!(!is_initials("a.m"));
        assert_eq!(abbreviation("etc"), Abbrev::None);
        assert!(starts_number("XII,"));
        assert!(!starts_number("I"));
    }

    #[test]
    fn contract_holds_on_random_input() {
        let mut rng = Rng::new(1917);
        for _ in 0..3000 {
            split(&random_text(&mut rng, 40));
        }
    }

    #[test]
    fn long_inputs_run_in_linear_time() {
        let no_stop = "word ".repeat(2_000_000); // 10 MB
        assert_eq!(split(&no_stop).len(), 1);
        let no_space = "x".repeat(10_000_000);
        assert_eq!(split(&no_space).len(), 1);
        let glued = "x.Y".repeat(1_000_000);
        assert_eq!(split(&glued).len(), 1);
        let questions = "Why?! ".repeat(500_000);
        assert_eq!(split(&questions).len(), 500_000);
        let many = "It ended. ".repeat(200_000);
        assert_eq!(split(&many).len(), 200_000);
        let ellipses = "…".repeat(1_000_000);
        assert_eq!(split(&ellipses).len(), 1);
        let spaced = "… ".repeat(1_000_000);
        assert_eq!(split(&spaced).len(), 1);
        let stops = ". ".repeat(1_000_000);
        assert_eq!(split(&stops).len(), 1);
        let after_stop = format!("It ended.{}Then", " ".repeat(5_000_000));
        assert_eq!(split(&after_stop), ["It ended.", "Then"]);
        let brackets = format!("It ended.{} then", ")".repeat(2_000_000));
        assert!(!split(&brackets).is_empty());
        let mixed = format!("It ended.{}x", ") \u{200b}\u{301}".repeat(1_000_000));
        assert!(!split(&mixed).is_empty());
    }
}
