//! Choosing term pairs: competitive linking over scored candidate pairs, then pruning what
//! small corpora make look like terms.
//!
//! Linking takes pairs best first; a Chinese phrase gets one English phrase and an English
//! phrase one Chinese phrase. Two pairs that overlap on both sides may coexist only when one
//! Chinese phrase is nested in the other and the smaller has evidence of its own (公使 /
//! Minister occurs far more often than 劉公使 / Minister Liu; 外部 / Foreign Ministry than
//! 外部大臣 / Foreign Minister). An English phrase that only ever occurs inside the English
//! of a linked pair is no rendering of another Chinese phrase ("merchants" of "Chinese
//! merchants").
//!
//! Pruning, repeated until nothing changes:
//! - compounds: a Chinese phrase that holds another linked term whose English is not in its
//!   own English (阿穆爾省長索科洛夫 / Sokolov holds 阿穆爾省長 / Governor of the Amur
//!   oblast) or shares words with it while two more characters stand beside (華僑生命財產 /
//!   "lives and property of the Chinese"), or an English phrase that holds another term's
//!   English while that term's Chinese stands beside it (稅關 / "Blagoveshchensk customs
//!   house", with 海蘭泡 in the same units): the pair is banned and linking runs again;
//! - promotions: a linked Chinese phrase that mostly occurs inside a longer one which pairs
//!   with the same English nearly as well gives the English up to it (證明 / certificates,
//!   when 證明書 / certificates is there);
//! - fragments and extensions: a phrase that hardly occurs outside a longer one pairing with
//!   English that holds its own gives way to it (C-value's idea), and a pair that extends
//!   another by one character while that one also stands apart gives way to it (俄外部 /
//!   Russian Foreign Ministry to 外部, which then takes Foreign Ministry).
//!
//! Finally, extensions are dropped, pairs made of a linked pair and one more character (劉公使
//! / Minister Liu beside 公使 / Minister) or another linked term; and so are fragments,
//! Chinese phrases that only ever occur inside another chosen term (庫達 in 庫達攝夫).

use crate::counts::{Counts, has};
use crate::extract::{Lexicon, is_dictionary_word};
use amur_core::tokenize::is_stop_word;
use std::collections::{HashMap, HashSet};

/// Most rounds of pruning and linking.
const MAX_ROUNDS: usize = 30;
/// Occurrences outside a compound that a term inside it needs to show it a compound.
const MIN_APART: usize = 2;
/// Least Dice of a pair that shows another to be a compound.
const WITNESS_DICE: f64 = 0.8;
/// A term inside another pair's English shows it a compound only with a Dice at most this
/// much lower than that pair's.
const EN_WITNESS_SLACK: f64 = 0.1;
/// A longer phrase holding a shorter one takes its English when it occurs at least this
/// share as often ...
const DOMINANT_SHARE: f64 = 0.8;
/// ... and its Dice with that English is at most this much lower.
const PROMOTION_SLACK: f64 = 0.1;

/// A scored candidate pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub zh: u32,
    pub en: u32,
    /// Co-occurrences in aligned units.
    pub joint: usize,
    pub dice: f64,
    /// Dice plus prior bonuses: what linking sorts by.
    pub score: f64,
}

/// Sorts pairs best first: score, then more co-occurrences, then longer English, then Chinese
/// that jieba cut so, then
/// longer Chinese (a phrase that always comes with its neighbour is the longer term), then by
/// key for a stable order.
pub fn sort(pairs: &mut [Pair], c: &Counts) {
    let zk = |p: &Pair| &c.zh.keys[p.zh as usize];
    let ek = |p: &Pair| &c.en.keys[p.en as usize];
    pairs.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.joint.cmp(&a.joint))
            .then(c.en.size[b.en as usize].cmp(&c.en.size[a.en as usize]))
            .then(ek(b).len().cmp(&ek(a).len()))
            .then(c.zh.natural[b.zh as usize].cmp(&c.zh.natural[a.zh as usize]))
            .then(zk(b).chars().count().cmp(&zk(a).chars().count()))
            .then(zk(a).cmp(zk(b)))
            .then(ek(a).cmp(ek(b)))
    });
}

/// What pruning has ruled out.
#[derive(Debug, Default)]
struct Bans {
    pairs: HashSet<(u32, u32)>,
    zh: HashSet<u32>,
}

/// Links, prunes and links again until stable; returns the chosen pairs.
pub fn select(sorted: &[Pair], c: &Counts, min_freq: usize, lex: &Lexicon) -> Vec<Pair> {
    let mut bans = Bans::default();
    let mut taken = Vec::new();
    let dice: HashMap<(u32, u32), f64> = sorted.iter().map(|p| ((p.zh, p.en), p.dice)).collect();
    for _ in 0..MAX_ROUNDS {
        taken = link(sorted, c, min_freq, &bans);
        let compounds = compounds(&taken, c, &dice);
        if !compounds.is_empty() {
            for compound in compounds {
                match compound {
                    Compound::Zh(z) => bans.zh.insert(z),
                    Compound::En(z, e) => bans.pairs.insert((z, e)),
                };
            }
            continue;
        }
        let promoted = promotions(&taken, sorted, c, &bans);
        let mut fragments = nested_fragments(&taken, sorted, c, &bans);
        // An extension gives its English back to the term it extends (俄外部 / Russian
        // Foreign Ministry holds 外部, which then may take Foreign Ministry) when that term
        // also stands apart (MIN_APART more occurrences); a phrase inside the extension that
        // never occurs outside it goes with it (刘老 of 刘老老, which extends 老老), so that
        // it does not take the English instead.
        for z in extensions(&taken, c, lex, MIN_APART) {
            fragments.extend(same_occurrence_parts(z, c));
            fragments.push(z);
        }
        if promoted.is_empty() && fragments.is_empty() {
            break;
        }
        bans.pairs.extend(promoted);
        bans.zh.extend(fragments);
    }
    let taken = drop_extensions(taken, c, lex);
    drop_fragments(taken, c)
}

/// English stems of a key.
fn stems(key: &str) -> Vec<&str> {
    key.split(' ').collect()
}

/// Whether English key `small` is a contiguous run of the stems of `big`, and shorter.
fn en_nested(small: &str, big: &str) -> bool {
    let (s, b) = (stems(small), stems(big));
    s.len() < b.len() && b.windows(s.len()).any(|w| w == s.as_slice())
}

/// Whether two English keys share a stem that can end a phrase (a content word).
fn en_overlap(a: &str, b: &str, content: &HashSet<&str>) -> bool {
    let b = stems(b);
    stems(a)
        .into_iter()
        .any(|s| content.contains(s) && b.contains(&s))
}

/// Stems that start or end some English candidate: content words.
fn content_stems(c: &Counts) -> HashSet<&str> {
    c.en.keys
        .iter()
        .flat_map(|k| [stems(k)[0], stems(k)[stems(k).len() - 1]])
        .collect()
}

/// Competitive linking (see the module doc).
fn link(sorted: &[Pair], c: &Counts, min_freq: usize, bans: &Bans) -> Vec<Pair> {
    let content = content_stems(c);
    let mut zh_done: HashSet<u32> = HashSet::new();
    let mut en_done: HashSet<u32> = HashSet::new();
    let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
    let mut taken: Vec<Pair> = Vec::new();
    for p in sorted {
        if zh_done.contains(&p.zh)
            || en_done.contains(&p.en)
            || bans.zh.contains(&p.zh)
            || bans.pairs.contains(&(p.zh, p.en))
        {
            continue;
        }
        let zk = &c.zh.keys[p.zh as usize];
        if en_fragment(p, &taken, c) {
            continue;
        }
        let mut near: Vec<usize> = zk
            .chars()
            .flat_map(|ch| by_char.get(&ch).into_iter().flatten().copied())
            .collect();
        near.sort_unstable();
        near.dedup();
        if near
            .iter()
            .any(|&i| clashes(p, &taken[i], c, &content, min_freq))
        {
            continue;
        }
        zh_done.insert(p.zh);
        en_done.insert(p.en);
        for ch in zk.chars() {
            by_char.entry(ch).or_default().push(taken.len());
        }
        taken.push(p.clone());
    }
    taken
}

/// Whether the English of candidate `p` only ever occurs inside the English of a linked pair
/// whose Chinese does not hold `p`'s ("merchants", always in "Chinese merchants" of 華商, is
/// not the rendering of 貨物 in the same units): the mirror of a Chinese fragment.
fn en_fragment(p: &Pair, taken: &[Pair], c: &Counts) -> bool {
    let (zk, ek) = (&c.zh.keys[p.zh as usize], &c.en.keys[p.en as usize]);
    let f = c.en.freq[p.en as usize];
    taken.iter().any(|q| {
        c.en.freq[q.en as usize] == f
            && en_nested(ek, &c.en.keys[q.en as usize])
            && !c.zh.keys[q.zh as usize].contains(zk.as_str())
    })
}

/// Whether candidate `p` may not stand beside the linked pair `q`: both sides overlap, and
/// they are not a nested pair whose smaller member has evidence of its own.
fn clashes(p: &Pair, q: &Pair, c: &Counts, content: &HashSet<&str>, min_freq: usize) -> bool {
    let (zp, zq) = (&c.zh.keys[p.zh as usize], &c.zh.keys[q.zh as usize]);
    let (ep, eq) = (&c.en.keys[p.en as usize], &c.en.keys[q.en as usize]);
    let p_in_q = zq.contains(zp.as_str());
    let q_in_p = zp.contains(zq.as_str());
    if !(p_in_q || q_in_p) || !en_overlap(ep, eq, content) {
        return false;
    }
    if zp == zq {
        return true;
    }
    // The smaller Chinese phrase's co-occurrences beyond the larger's: its own evidence, which
    // also lets English that is not nested stand beside (外部 / Foreign Ministry beside 外部大臣
    // / Foreign Minister).
    let own = if p_in_q {
        p.joint.saturating_sub(q.joint)
    } else {
        q.joint.saturating_sub(p.joint)
    };
    own < min_freq
}

/// The linked pairs by Chinese key and by English key.
fn index(taken: &[Pair], c: &Counts) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let zh = taken
        .iter()
        .enumerate()
        .map(|(i, p)| (c.zh.keys[p.zh as usize].clone(), i))
        .collect();
    let en = taken
        .iter()
        .enumerate()
        .map(|(i, p)| (c.en.keys[p.en as usize].clone(), i))
        .collect();
    (zh, en)
}

/// Proper substrings of a Chinese key (at least one character).
pub(crate) fn zh_parts(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    for start in 0..n {
        for end in start + 1..=n {
            if end - start < n {
                out.push(chars[start..end].iter().collect());
            }
        }
    }
    out
}

/// Proper contiguous runs of an English key's stems.
fn en_parts(key: &str) -> Vec<String> {
    let s = stems(key);
    let n = s.len();
    let mut out = Vec::new();
    for start in 0..n {
        for end in start + 1..=n {
            if end - start < n {
                out.push(s[start..end].join(" "));
            }
        }
    }
    out
}

/// Units where the pair co-occurs, and of those the ones that also hold Chinese phrase `z2`.
fn co_presence(c: &Counts, p: &Pair, z2: u32) -> (usize, usize) {
    let mut both = 0;
    let mut with = 0;
    for (zb, eb) in c.zh_bags.iter().zip(&c.en_bags) {
        if has(zb, p.zh) && has(eb, p.en) {
            both += 1;
            if has(zb, z2) {
                with += 1;
            }
        }
    }
    (both, with)
}

/// Whether Chinese `zk` with English `ek` is the term `qk` / `qe` and another term of two or
/// more characters side by side (海蘭泡稅關 / Blagoveshchensk customs house; 華僑生命財產 /
/// "lives and property of the Chinese", which has a word of 華僑 / Chinese residents),
/// rather than one word the dictionary knows (臨時政府 / Provisional Government, beside 政府
/// / Government).
fn joins_another_term(zk: &str, qk: &str, qe: &str, ek: &str) -> bool {
    let rest: usize = zk.splitn(2, qk).map(|r| r.chars().count()).sum();
    let shared = stems(qe)
        .iter()
        .any(|s| !is_stop_word(s) && stems(ek).contains(s));
    shared && rest >= 2 && !is_dictionary_word(zk)
}

/// What judging compounds needs.
#[derive(Clone, Copy)]
struct Context<'a> {
    taken: &'a [Pair],
    c: &'a Counts,
    by_zh: &'a HashMap<String, usize>,
    by_en: &'a HashMap<String, usize>,
    content: &'a HashSet<&'a str>,
    /// Dice of every scored pair.
    dice: &'a HashMap<(u32, u32), f64>,
}

/// A phrase that joins two terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compound {
    Zh(u32),
    /// The English of a pair (Chinese, English) that joins two terms: the pair is banned,
    /// not the English, which may still be the whole rendering of a longer Chinese term.
    En(u32, u32),
}

/// Linked pairs with a side that joins two terms (see the module doc).
fn compounds(taken: &[Pair], c: &Counts, dice: &HashMap<(u32, u32), f64>) -> Vec<Compound> {
    let (by_zh, by_en) = index(taken, c);
    let content = content_stems(c);
    let ctx = Context {
        taken,
        c,
        by_zh: &by_zh,
        by_en: &by_en,
        content: &content,
        dice,
    };
    taken
        .iter()
        .filter_map(|p| compound_witness(p, &ctx).map(|(_, compound)| compound))
        .collect()
}

/// A linked pair that shows a side of `p` to join two terms, if there is one: at least as
/// well attested, cut so by jieba, not a fragment, and either inside `p`'s Chinese with
/// English that is not in `p`'s English, or that is with another term beside it (the Chinese
/// is a compound), or inside `p`'s English
/// with a Dice nearly as good as `p`'s and Chinese that shares no character with `p`'s, does
/// not go better with all of `p`'s English, and stands beside `p`'s Chinese in the units
/// where `p` occurs (the English is).
fn compound_witness<'a>(p: &Pair, ctx: &Context<'a>) -> Option<(&'a Pair, Compound)> {
    let Context {
        taken,
        c,
        by_zh,
        by_en,
        content,
        dice,
    } = *ctx;
    let zk = &c.zh.keys[p.zh as usize];
    let ek = &c.en.keys[p.en as usize];
    let witness = |q: &&Pair| {
        q.joint >= p.joint
            && q.dice >= WITNESS_DICE
            && c.zh.natural[q.zh as usize]
            && !is_fragment(q.zh, taken, c)
    };
    // A term inside `p`'s Chinese must also occur outside it to be a term of its own.
    let apart = |q: &&Pair| c.zh.freq[q.zh as usize] >= c.zh.freq[p.zh as usize] + MIN_APART;
    let in_zh = zh_parts(zk)
        .iter()
        .filter_map(|k| by_zh.get(k))
        .map(|&i| &taken[i])
        .filter(witness)
        .filter(apart)
        .find(|q| {
            let qe = &c.en.keys[q.en as usize];
            !en_overlap(qe, ek, content)
                || joins_another_term(zk, &c.zh.keys[q.zh as usize], qe, ek)
        });
    if let Some(q) = in_zh {
        return Some((q, Compound::Zh(p.zh)));
    }
    en_parts(ek)
        .iter()
        .filter_map(|k| by_en.get(k))
        .map(|&i| &taken[i])
        .filter(witness)
        .filter(|q| q.score >= p.score - EN_WITNESS_SLACK)
        .find(|q| {
            let qk = &c.zh.keys[q.zh as usize];
            if qk.chars().any(|ch| zk.contains(ch)) {
                return false;
            }
            // When q's Chinese goes better with all of p's English, that is its rendering.
            if dice.get(&(q.zh, p.en)).is_some_and(|&d| d > q.dice) {
                return false;
            }
            let (both, with) = co_presence(c, p, q.zh);
            with * 2 >= both.max(1)
        })
        .map(|q| (q, Compound::En(p.zh, p.en)))
}

/// Whether Chinese phrase `z` only occurs inside the Chinese of a linked pair (as often as
/// it, and no less): 庫達 in 庫達攝夫.
fn is_fragment(z: u32, taken: &[Pair], c: &Counts) -> bool {
    let (key, f) = (&c.zh.keys[z as usize], c.zh.freq[z as usize]);
    taken.iter().any(|q| {
        let qk = &c.zh.keys[q.zh as usize];
        q.zh != z && c.zh.freq[q.zh as usize] == f && qk.contains(key.as_str())
    })
}

/// The Chinese phrases inside `z` that occur exactly as often as it (only ever inside it).
fn same_occurrence_parts(z: u32, c: &Counts) -> Vec<u32> {
    let f = c.zh.freq[z as usize];
    zh_parts(&c.zh.keys[z as usize])
        .iter()
        .filter_map(|k| c.zh.ids.get(k))
        .copied()
        .filter(|&q| c.zh.freq[q as usize] == f)
        .collect()
}

/// Whether two chosen pairs' Chinese phrases are nested and always occur together (equal
/// counts): then only one of them is a term.
fn same_occurrences(a: u32, b: u32, c: &Counts) -> bool {
    let (ka, kb) = (&c.zh.keys[a as usize], &c.zh.keys[b as usize]);
    a != b
        && c.zh.freq[a as usize] == c.zh.freq[b as usize]
        && (ka.contains(kb.as_str()) || kb.contains(ka.as_str()))
}

/// Of chosen pairs whose Chinese phrases are nested and always occur together, keeps the best
/// (庫達攝夫 / Kudashev, not 庫達 / Prince; 傅家驥 / Fu Jiaji, not 尹傅家驥 / Jiaji).
fn drop_fragments(taken: Vec<Pair>, c: &Counts) -> Vec<Pair> {
    let keep: Vec<bool> = taken
        .iter()
        .enumerate()
        .map(|(i, p)| {
            !taken.iter().enumerate().any(|(j, q)| {
                same_occurrences(p.zh, q.zh, c)
                    && (q.score > p.score || (q.score == p.score && j < i))
            })
        })
        .collect();
    taken
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Linked pairs whose English should go to a longer Chinese phrase: one that holds theirs and
/// one more character, is one word to jieba, occurs at least [`DOMINANT_SHARE`] as often (so
/// most occurrences are inside it) and pairs with the same English nearly as well (證明 /
/// certificates → 證明書 / certificates). Longer additions, or a character trimmed off a
/// neighbouring word (the 長 of 省長 in 長索科洛夫), would mostly be another term.
fn promotions(taken: &[Pair], sorted: &[Pair], c: &Counts, bans: &Bans) -> Vec<(u32, u32)> {
    let mut by_en: HashMap<u32, Vec<&Pair>> = HashMap::new();
    for p in sorted {
        by_en.entry(p.en).or_default().push(p);
    }
    taken
        .iter()
        .filter(|p| {
            let zk = &c.zh.keys[p.zh as usize];
            let f = c.zh.freq[p.zh as usize] as f64;
            by_en[&p.en].iter().any(|q| {
                let qk = &c.zh.keys[q.zh as usize];
                q.zh != p.zh
                    && c.zh.natural[q.zh as usize]
                    && c.zh.size[q.zh as usize] == 1
                    && qk.contains(zk.as_str())
                    && qk.chars().count() == zk.chars().count() + 1
                    && c.zh.freq[q.zh as usize] as f64 >= DOMINANT_SHARE * f
                    && q.dice >= p.dice - PROMOTION_SLACK
                    && !bans.pairs.contains(&(q.zh, q.en))
                    && !bans.zh.contains(&q.zh)
            })
        })
        .map(|p| (p.zh, p.en))
        .collect()
}

/// Linked Chinese phrases that occur outside a longer candidate fewer than [`MIN_APART`]
/// times while the longer one pairs with English that holds theirs nearly as well (C-value's
/// idea: a phrase's own evidence is what its longer neighbours leave): 阿穆爾 / Amur inside
/// 阿穆爾省地方自治會 / Amur Oblast Zemstvo Assembly. The longer phrase gets the chance to link.
fn nested_fragments(taken: &[Pair], sorted: &[Pair], c: &Counts, bans: &Bans) -> Vec<u32> {
    let mut by_zh_len: Vec<&Pair> = sorted
        .iter()
        .filter(|q| {
            c.zh.natural[q.zh as usize]
                && !bans.zh.contains(&q.zh)
                && !bans.pairs.contains(&(q.zh, q.en))
        })
        .collect();
    by_zh_len.sort_by_key(|q| std::cmp::Reverse(c.zh.keys[q.zh as usize].len()));
    taken
        .iter()
        .filter(|p| {
            let (zk, ek) = (&c.zh.keys[p.zh as usize], &c.en.keys[p.en as usize]);
            let f = c.zh.freq[p.zh as usize];
            by_zh_len.iter().any(|q| {
                let (qk, qe) = (&c.zh.keys[q.zh as usize], &c.en.keys[q.en as usize]);
                qk.len() > zk.len()
                    && qk.contains(zk.as_str())
                    && f < c.zh.freq[q.zh as usize] + MIN_APART
                    && en_nested(ek, qe)
                    && q.joint + MIN_APART > p.joint
                    && q.dice >= p.dice - PROMOTION_SLACK
            })
        })
        .map(|p| p.zh)
        .collect()
}

/// Drops pairs that extend another linked pair on both sides by one character or by another
/// linked term; a name with its title (高次長 / Deputy Minister Gao beside 次長 / Deputy
/// Minister) is no extension but a term of its own.
fn drop_extensions(taken: Vec<Pair>, c: &Counts, lex: &Lexicon) -> Vec<Pair> {
    let ext: HashSet<u32> = extensions(&taken, c, lex, 0).into_iter().collect();
    taken.into_iter().filter(|p| !ext.contains(&p.zh)).collect()
}

/// The Chinese of linked pairs that extend another linked pair (see [`drop_extensions`]) that
/// occurs at least `apart` times more often than they do.
fn extensions(taken: &[Pair], c: &Counts, lex: &Lexicon, apart: usize) -> Vec<u32> {
    let (by_zh, _) = index(taken, c);
    let is_extension = |p: &Pair| {
        let zk = &c.zh.keys[p.zh as usize];
        if lex.titled_name(zk).is_some() {
            return false;
        }
        let ek = &c.en.keys[p.en as usize];
        by_zh.iter().any(|(qk, &i)| {
            let q = &taken[i];
            if qk == zk
                || !zk.contains(qk.as_str())
                || !en_nested(&c.en.keys[q.en as usize], ek)
                || c.zh.freq[q.zh as usize] < c.zh.freq[p.zh as usize] + apart
            {
                return false;
            }
            let rest: Vec<&str> = zk
                .splitn(2, qk.as_str())
                .filter(|r| !r.is_empty())
                .collect();
            let chars: usize = rest.iter().map(|r| r.chars().count()).sum();
            chars <= 1 || rest.iter().all(|r| by_zh.contains_key(*r))
        })
    };
    taken
        .iter()
        .filter(|p| is_extension(p))
        .map(|p| p.zh)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_nesting_is_by_whole_stems() {
        assert!(en_nested("minist", "minist liu"));
        assert!(!en_nested("minist", "minist"));
        assert!(!en_nested("min", "minist liu"));
        assert_eq!(en_parts("a b c").len(), 5);
        assert_eq!(zh_parts("伯力").len(), 2);
    }
}
