//! The review page: one self-contained HTML file in which a person checks an alignment bead by
//! bead, corrects it (merge, split, move a sentence, mark checked) and saves the corrected TMX
//! and JSON, with nothing to install but a browser.
//!
//! The page is a template (`page.html`) with the stylesheet (`review.css`) and the script
//! (`review.js`) inlined; the alignment goes in as JSON inside
//! `<script type="application/json">`. Every `<`, `>` and `&` in that JSON is written as a
//! `\u003c`-style escape, so no text can close the script element, and the script puts text on
//! the page with `textContent` only. The page loads nothing from the network.
//!
//! [`read_json`] reads what the page saves, or what `amur align -o x.json` writes, back into an
//! [`Alignment`], so that a review can be continued.

use std::fmt;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::export::{ExportOptions, TmxUnits};
use amur_core::bead::{Alignment, Bead, Sentence};
use amur_core::segment::{self, ZhOptions};

const TEMPLATE: &str = include_str!("page.html");
/// The page's stylesheet, inlined in the standalone page, served as a file by `amur serve`.
pub const CSS: &str = include_str!("review.css");
/// The page's script, inlined in the standalone page, served as a file by `amur serve`.
pub const JS: &str = include_str!("review.js");
/// The standalone page's policy: nothing from the network, only its own inline style and script.
const STANDALONE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// An alignment under review, with the beads a reviewer has already marked checked.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub alignment: Alignment,
    /// One flag per bead (missing flags count as not checked).
    pub checked: Vec<bool>,
    /// Document name found in the JSON (`"document"`), written as `x-document` in the TMX.
    pub document: Option<String>,
    /// Beads whose sentences could not be recovered exactly from their joined text.
    pub warnings: Vec<String>,
    /// One flag per bead: changed by a reviewer (missing flags count as not edited).
    pub edited: Vec<bool>,
}

impl From<Alignment> for Review {
    fn from(alignment: Alignment) -> Self {
        Review {
            alignment,
            ..Review::default()
        }
    }
}

/// What the page needs besides the alignment.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// Languages, TMX units, tool version and document name of the TMX the page saves (the
    /// creation date is the time of saving).
    pub export: ExportOptions,
    /// Base name of the saved files: `NAME.reviewed.tmx`, `NAME.reviewed.json`.
    pub name: String,
    /// Confidence below which a bead is weak ([`amur_core::report::REVIEW_THRESHOLD`] unless
    /// the run's `--min-confidence` says otherwise): the page's threshold when it opens.
    pub threshold: f64,
}

/// The data embedded in the page.
#[derive(Serialize)]
struct PageData<'a> {
    format: u32,
    tool_version: &'a str,
    name: &'a str,
    document: Option<&'a str>,
    src_lang: &'a str,
    tgt_lang: &'a str,
    en_source: bool,
    units: &'static str,
    threshold: f64,
    zh: Vec<&'a str>,
    en: Vec<&'a str>,
    /// 0-based paragraph of each sentence (for `x-source-paragraph`).
    zh_par: Vec<usize>,
    en_par: Vec<usize>,
    beads: Vec<PageBead>,
    /// Set when a server keeps the review (`amur serve`): where edits go.
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'a Served>,
}

/// How a page served by `amur serve` saves and exports: the page POSTs the beads to `save`
/// after every edit (with `version`, which the server answers with the next one), and its
/// TMX and JSON buttons fetch `tmx` and `json`.
#[derive(Debug, Clone, Serialize)]
pub struct Served {
    pub save: String,
    pub version: i64,
    pub tmx: String,
    pub json: String,
    /// The page's way back to the list of alignments.
    pub home: String,
}

/// A bead in the page: half-open sentence ranges `[start, end]` of each side.
#[derive(Serialize)]
struct PageBead {
    zh: [usize; 2],
    en: [usize; 2],
    /// `null` when not finite.
    confidence: f64,
    checked: bool,
    #[serde(skip_serializing_if = "is_false")]
    edited: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Writes the review page for `review`.
///
/// Fails with [`io::ErrorKind::InvalidData`] before writing anything when the beads do not
/// cover the sentences of both sides in order, each exactly once (the page's edits rely on it).
pub fn write_html(review: &Review, opts: &PageOptions, out: &mut dyn Write) -> io::Result<()> {
    let html = render(review, opts)?;
    out.write_all(html.as_bytes())?;
    out.flush()
}

/// The page as a string.
pub fn render(review: &Review, opts: &PageOptions) -> io::Result<String> {
    render_page(review, opts, None)
}

/// The page as `amur serve` serves it: stylesheet and script linked from `/static/` (so that
/// its Content-Security-Policy needs no inline script or style), every edit saved on the
/// server (see [`Served`]), a link back to the list of alignments.
pub fn render_served(review: &Review, opts: &PageOptions, served: &Served) -> io::Result<String> {
    render_page(review, opts, Some(served))
}

/// The policy of a page `amur serve` serves: its own files only. (The server's header adds
/// `frame-ancestors 'none'`, which a `<meta>` policy cannot carry.)
pub const SERVED_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

fn render_page(review: &Review, opts: &PageOptions, served: Option<&Served>) -> io::Result<String> {
    let al = &review.alignment;
    let beads = page_beads(al, &review.checked, &review.edited)?;
    let document = review
        .document
        .as_deref()
        .or(opts.export.doc_name.as_deref())
        .filter(|d| !d.trim().is_empty());
    let data = PageData {
        format: 1,
        tool_version: &opts.export.tool_version,
        name: &opts.name,
        document,
        src_lang: &opts.export.src_lang,
        tgt_lang: &opts.export.tgt_lang,
        en_source: opts.export.en_source,
        units: match opts.export.units {
            TmxUnits::Bead => "bead",
            TmxUnits::Sentence => "sentence",
        },
        threshold: opts.threshold,
        zh: al.zh.iter().map(|s| s.text.as_str()).collect(),
        en: al.en.iter().map(|s| s.text.as_str()).collect(),
        zh_par: al.zh.iter().map(|s| s.paragraph).collect(),
        en_par: al.en.iter().map(|s| s.paragraph).collect(),
        beads,
        server: served,
    };
    let json = serde_json::to_string(&data).map_err(io::Error::other)?;
    let title = format!("amur review: {}", document.unwrap_or(&opts.name));
    Ok(fill(TEMPLATE, |key| match (key, served) {
        ("title", _) => Some(escape_html(&title)),
        ("data", _) => Some(script_json(&json)),
        ("csp", None) => Some(STANDALONE_CSP.to_string()),
        ("csp", Some(_)) => Some(SERVED_CSP.to_string()),
        ("style", None) => Some(format!("<style>\n{CSS}\n</style>")),
        ("style", Some(_)) => Some(r#"<link rel="stylesheet" href="/static/review.css">"#.into()),
        ("scripts", None) => Some(format!("<script>\n{JS}\n</script>")),
        ("scripts", Some(_)) => Some(r#"<script src="/static/review.js"></script>"#.into()),
        ("nav", None) => Some(String::new()),
        ("nav", Some(s)) => Some(format!(
            "    <a id=\"home\" class=\"button minor\" href=\"{}\">All alignments</a>\n",
            escape_html(&s.home)
        )),
        _ => None,
    }))
}

/// The beads with ranges placed at the running position (an empty range anywhere counts as
/// empty), checking that they cover both sides in order.
fn page_beads(al: &Alignment, checked: &[bool], edited: &[bool]) -> io::Result<Vec<PageBead>> {
    let (mut z, mut e) = (0, 0);
    let mut out = Vec::with_capacity(al.beads.len());
    for (i, b) in al.beads.iter().enumerate() {
        let zh_ok = b.zh.is_empty() || b.zh.start == z;
        let en_ok = b.en.is_empty() || b.en.start == e;
        if !zh_ok || !en_ok || b.zh.start > b.zh.end || b.en.start > b.en.end {
            return Err(invalid(format!(
                "bead {i} (zh {:?}, en {:?}) does not follow the bead before it",
                b.zh, b.en
            )));
        }
        let (zl, el) = (b.zh.len(), b.en.len());
        out.push(PageBead {
            zh: [z, z + zl],
            en: [e, e + el],
            confidence: b.confidence,
            checked: checked.get(i).copied().unwrap_or(false),
            edited: edited.get(i).copied().unwrap_or(false),
        });
        z += zl;
        e += el;
    }
    if z != al.zh.len() || e != al.en.len() {
        return Err(invalid(format!(
            "the beads cover {z} of {} Chinese and {e} of {} English sentences",
            al.zh.len(),
            al.en.len()
        )));
    }
    Ok(out)
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Replaces each `{{key}}` of `template` by `value(key)` in one pass: inserted text is never
/// scanned again. Unknown keys stay as they are.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after
            .find("}}")
            .and_then(|end| Some((end, value(&after[..end])?)))
        {
            Some((end, v)) => {
                out.push_str(&v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON made safe inside `<script type="application/json">`: `<`, `>` and `&` (which JSON
/// only has inside strings) become `\u003c`, `\u003e`, `\u0026`, so the text can contain no
/// `</script`, `<!--` or character reference.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // JSON allows them raw; old JavaScript parsers did not.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Text for HTML element content and attribute values.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Why an alignment JSON could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not an amur alignment JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("bead {bead}: {what}")]
    Bead { bead: usize, what: String },
    #[error(
        "the {side} sentence ids of the beads, in order, are not 0..{count} each exactly once (first wrong: bead {bead})"
    )]
    Ids {
        side: Side,
        count: usize,
        bead: usize,
    },
}

/// A side of the alignment, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Zh,
    En,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Zh => "Chinese",
            Side::En => "English",
        })
    }
}

/// The JSON `amur align -o x.json` writes; the review page's JSON adds per bead `checked`,
/// the sentences of each side (`zh_texts`, `en_texts`) and their paragraphs (`zh_paragraphs`,
/// `en_paragraphs`), and `document` at the top.
#[derive(Deserialize)]
struct InDoc {
    zh_sentences: usize,
    en_sentences: usize,
    beads: Vec<InBead>,
    #[serde(default)]
    document: Option<String>,
}

#[derive(Deserialize)]
struct InBead {
    zh_ids: Vec<usize>,
    en_ids: Vec<usize>,
    #[serde(default)]
    zh: String,
    #[serde(default)]
    en: String,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    checked: bool,
    #[serde(default)]
    zh_texts: Option<Vec<String>>,
    #[serde(default)]
    en_texts: Option<Vec<String>>,
    /// 1-based paragraph of the bead's first sentence of each side (`amur align`'s JSON).
    #[serde(default)]
    zh_paragraph: Option<usize>,
    #[serde(default)]
    en_paragraph: Option<usize>,
    /// 1-based paragraph of every sentence of each side (the review page's JSON).
    #[serde(default)]
    zh_paragraphs: Option<Vec<usize>>,
    #[serde(default)]
    en_paragraphs: Option<Vec<usize>>,
}

/// Reads an alignment JSON: `amur align`'s, or one saved by the review page.
///
/// The bead ids must cover both sides in order, each sentence exactly once. A bead's sentences
/// come from `zh_texts` / `en_texts` when present; otherwise they are recovered from the joined
/// text by segmenting it again (Chinese joined without a separator, English with one space),
/// which gives back exactly what `amur align` segmented unless it ran with `--presegmented`
/// or `--split-*`. When the count does not come out right, the text is cut at the likeliest
/// places (the text itself is never changed) and a warning names the bead.
pub fn read_json(text: &str) -> Result<Review, ReadError> {
    let doc: InDoc = serde_json::from_str(text)?;
    check_ids(&doc, Side::Zh)?;
    check_ids(&doc, Side::En)?;
    let mut review = Review {
        document: doc.document.filter(|d| !d.trim().is_empty()),
        ..Review::default()
    };
    let al = &mut review.alignment;
    for (i, b) in doc.beads.into_iter().enumerate() {
        let zh_start = al.zh.len();
        let en_start = al.en.len();
        for (side, ids, joined, texts, first, each) in [
            (
                Side::Zh,
                &b.zh_ids,
                &b.zh,
                b.zh_texts,
                b.zh_paragraph,
                b.zh_paragraphs,
            ),
            (
                Side::En,
                &b.en_ids,
                &b.en,
                b.en_texts,
                b.en_paragraph,
                b.en_paragraphs,
            ),
        ] {
            let (sentences, exact) = bead_sentences(side, ids.len(), joined, texts);
            if ids.is_empty() && !joined.trim().is_empty() {
                return Err(ReadError::Bead {
                    bead: i,
                    what: format!("{side} text but no {side} sentence ids"),
                });
            }
            if !exact {
                review.warnings.push(format!(
                    "bead {i}: the {} {side} sentences were cut from the joined text by guess",
                    ids.len()
                ));
            }
            let target = match side {
                Side::Zh => &mut al.zh,
                Side::En => &mut al.en,
            };
            // Paragraphs: per sentence when given, else the bead's first for all of them,
            // else the paragraph of the sentence before.
            let before = target.last().map_or(0, |s| s.paragraph);
            let first = first.map_or(before, |p| p.saturating_sub(1));
            let paragraph = |k: usize| {
                each.as_ref()
                    .and_then(|ps| ps.get(k))
                    .map_or(first, |p| p.saturating_sub(1))
            };
            target.extend(sentences.into_iter().enumerate().map(|(k, text)| Sentence {
                text,
                paragraph: paragraph(k),
            }));
        }
        al.beads.push(Bead {
            zh: zh_start..al.zh.len(),
            en: en_start..al.en.len(),
            confidence: b.confidence.filter(|c| c.is_finite()).unwrap_or(0.0),
        });
        review.checked.push(b.checked);
    }
    Ok(review)
}

/// Checks that the ids of `side`, bead after bead, are 0, 1, 2 … up to the sentence count.
fn check_ids(doc: &InDoc, side: Side) -> Result<(), ReadError> {
    let count = match side {
        Side::Zh => doc.zh_sentences,
        Side::En => doc.en_sentences,
    };
    let mut next = 0;
    for (i, b) in doc.beads.iter().enumerate() {
        let ids = match side {
            Side::Zh => &b.zh_ids,
            Side::En => &b.en_ids,
        };
        for &id in ids {
            if id != next {
                return Err(ReadError::Ids {
                    side,
                    count,
                    bead: i,
                });
            }
            next += 1;
        }
    }
    if next != count {
        return Err(ReadError::Ids {
            side,
            count,
            bead: doc.beads.len(),
        });
    }
    Ok(())
}

/// The `n` sentences of one side of a bead, and whether they are known exactly (given, or
/// recovered by the segmenter with the right count).
fn bead_sentences(
    side: Side,
    n: usize,
    joined: &str,
    given: Option<Vec<String>>,
) -> (Vec<String>, bool) {
    let joiner = joiner(side);
    if let Some(texts) = given
        && texts.len() == n
        && (texts.join(joiner) == joined || joined.is_empty())
    {
        return (texts, true);
    }
    match n {
        0 => return (Vec::new(), true),
        1 => return (vec![joined.to_string()], true),
        _ => {}
    }
    let tries: Vec<Vec<String>> = match side {
        Side::Zh => vec![
            segment::zh(joined, &ZhOptions::default()),
            segment::zh(
                joined,
                &ZhOptions {
                    split_at_semicolon: true,
                    split_at_ellipsis: true,
                    split_after_quote: true,
                },
            ),
        ],
        Side::En => vec![segment::en(joined)],
    };
    if let Some(exact) = tries.iter().find(|t| t.len() == n) {
        return (exact.clone(), true);
    }
    (force_count(side, tries[0].clone(), n), false)
}

/// How a side's sentences are joined in a bead's text.
fn joiner(side: Side) -> &'static str {
    match side {
        Side::Zh => "",
        Side::En => " ",
    }
}

/// Makes exactly `n` pieces (n ≥ 1): joins the shortest neighbouring pair while there are too
/// many, cuts the longest piece near its middle (after a clause mark, else at a space, else
/// between characters) while there are too few; pads with empty pieces when the text has fewer
/// characters than `n`.
fn force_count(side: Side, mut pieces: Vec<String>, n: usize) -> Vec<String> {
    let joiner = joiner(side);
    if pieces.is_empty() {
        pieces.push(String::new());
    }
    while pieces.len() > n {
        let i = (0..pieces.len() - 1)
            .min_by_key(|&i| pieces[i].chars().count() + pieces[i + 1].chars().count())
            .unwrap_or(0);
        let next = pieces.remove(i + 1);
        pieces[i] = format!("{}{joiner}{next}", pieces[i]);
    }
    while pieces.len() < n {
        let i = (0..pieces.len())
            .max_by_key(|&i| pieces[i].chars().count())
            .unwrap_or(0);
        match cut_near_middle(&pieces[i]) {
            Some((a, b)) => {
                pieces[i] = a;
                pieces.insert(i + 1, b);
            }
            None => pieces.push(String::new()),
        }
    }
    pieces
}

/// Cuts `s` in two non-empty pieces near its middle, preferring a cut after a clause mark, then
/// at whitespace (dropped), then between any two characters.
fn cut_near_middle(s: &str) -> Option<(String, String)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    if chars.len() < 2 {
        return None;
    }
    let mid = s.len() / 2;
    let best = |ok: &dyn Fn(usize, char) -> bool| {
        chars
            .iter()
            .enumerate()
            .filter(|&(k, &(_, c))| k + 1 < chars.len() && k > 0 && ok(k, c))
            .min_by_key(|&(_, &(at, _))| at.abs_diff(mid))
            .map(|(k, _)| k)
    };
    let clause = |_, c: char| matches!(c, '，' | '；' | '：' | '、' | ',' | ';' | ':');
    if let Some(k) = best(&clause) {
        let at = chars[k + 1].0;
        return Some((s[..at].to_string(), s[at..].to_string()));
    }
    if let Some(k) = best(&|_, c: char| c.is_whitespace()) {
        let (at, c) = chars[k];
        return Some((s[..at].to_string(), s[at + c.len_utf8()..].to_string()));
    }
    let at = chars[chars.len() / 2].0;
    Some((s[..at].to_string(), s[at..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Sentence {
        Sentence {
            text: t.into(),
            paragraph: 0,
        }
    }

    fn sample() -> Alignment {
        Alignment {
            zh: vec![s("甲。"), s("乙</script><b>x</b>。"), s("丙。")],
            en: vec![s("A."), s("B </script> & <!-- c."), s("C.")],
            beads: vec![
                Bead {
                    zh: 0..1,
                    en: 0..1,
                    confidence: 0.95,
                },
                Bead {
                    zh: 1..3,
                    en: 1..2,
                    confidence: 0.4,
                },
                Bead {
                    zh: 3..3,
                    en: 2..3,
                    confidence: f64::NAN,
                },
            ],
        }
    }

    fn opts() -> PageOptions {
        PageOptions {
            export: ExportOptions {
                doc_name: Some("a<b>.txt".into()),
                ..ExportOptions::default()
            },
            name: "sample".into(),
            threshold: 0.9,
        }
    }

    /// The embedded JSON, as the page's script reads it.
    fn embedded(html: &str) -> serde_json::Value {
        let start = html
            .find(r#"<script type="application/json" id="amur-data">"#)
            .unwrap();
        let rest = &html[start..];
        let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn page_embeds_data_that_cannot_break_out() {
        let html = render(&sample().into(), &opts()).unwrap();
        // The only `</script>` are the two closing the page's own script elements.
        assert_eq!(html.matches("</script>").count(), 2);
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<!-- c"));
        let v = embedded(&html);
        assert_eq!(v["zh"][1], "乙</script><b>x</b>。");
        assert_eq!(v["en"][1], "B </script> & <!-- c.");
        assert_eq!(v["beads"][1]["zh"], serde_json::json!([1, 3]));
        assert_eq!(v["beads"][2]["zh"], serde_json::json!([3, 3]));
        assert!(v["beads"][2]["confidence"].is_null());
        assert_eq!(v["document"], "a<b>.txt");
        assert!(html.contains("<title>amur review: a&lt;b&gt;.txt</title>"));
    }

    #[test]
    fn page_is_self_contained() {
        let html = render(&sample().into(), &opts()).unwrap();
        for bad in [
            "http://",
            "https://",
            "<script src",
            "<link",
            "@import",
            "url(",
        ] {
            assert!(!html.contains(bad), "{bad}");
        }
        // The assets themselves cannot end their elements early.
        assert!(!JS.contains("</script") && !JS.contains("<!--"));
        assert!(!CSS.contains("</style"));
        assert!(!html.contains("{{"), "all placeholders filled");
    }

    #[test]
    fn served_page_links_its_assets_and_names_the_server() {
        let served = Served {
            save: "/api/alignments/3/beads".into(),
            version: 7,
            tmx: "/api/alignments/3/export?format=tmx".into(),
            json: "/api/alignments/3/export?format=json".into(),
            home: "/".into(),
        };
        let mut review: Review = sample().into();
        review.edited = vec![false, true];
        let html = render_served(&review, &opts(), &served).unwrap();
        assert!(!html.contains("unsafe-inline"));
        assert!(html.contains(SERVED_CSP));
        assert!(html.contains(r#"<script src="/static/review.js"></script>"#));
        assert!(!html.contains("use strict"), "the script is not inlined");
        assert!(!html.contains("{{"), "all placeholders filled");
        let v = embedded(&html);
        assert_eq!(v["server"]["version"], 7);
        assert_eq!(v["beads"][1]["edited"], true);
        assert!(v["beads"][0].get("edited").is_none());
        let standalone = render(&review, &opts()).unwrap();
        assert!(embedded(&standalone).get("server").is_none());
        assert!(standalone.contains(STANDALONE_CSP));
    }

    #[test]
    fn beads_must_cover_both_sides() {
        let mut al = sample();
        al.beads.pop();
        let err = render(&al.into(), &opts()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let mut al = sample();
        al.beads[1].zh = 2..3;
        assert!(render(&al.into(), &opts()).is_err());
    }

    #[test]
    fn fill_is_one_pass() {
        let t = "a {{x}} b {{y}} {{unknown}} {{";
        let out = fill(t, |k| match k {
            "x" => Some("{{y}}".into()),
            "y" => Some("Y".into()),
            _ => None,
        });
        assert_eq!(out, "a {{y}} b Y {{unknown}} {{");
    }

    #[test]
    fn reads_align_json_back_into_sentences() {
        let json = r#"{"zh_sentences": 3, "en_sentences": 4, "beads": [
            {"id": 0, "zh_ids": [0, 1], "en_ids": [0, 1, 2], "zh": "甲。乙！", "en": "Mr. Li came. He left. Bye.",
             "confidence": 0.5, "type": "2-3"},
            {"id": 1, "zh_ids": [], "en_ids": [3], "zh": "", "en": "Extra.", "confidence": 0.9, "type": "0-1"},
            {"id": 2, "zh_ids": [2], "en_ids": [], "zh": "丙。", "en": "", "confidence": null, "type": "1-0",
             "checked": true}
        ]}"#;
        let r = read_json(json).unwrap();
        let texts = |v: &[Sentence]| v.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&r.alignment.zh), ["甲。", "乙！", "丙。"]);
        assert_eq!(
            texts(&r.alignment.en),
            ["Mr. Li came.", "He left.", "Bye.", "Extra."]
        );
        assert_eq!(r.alignment.beads[0].zh, 0..2);
        assert_eq!(r.alignment.beads[1].zh, 2..2);
        assert_eq!(r.alignment.beads[2].en, 4..4);
        assert_eq!(r.alignment.beads[2].confidence, 0.0);
        assert_eq!(r.checked, [false, false, true]);
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn given_sentence_texts_win_and_guesses_keep_the_text() {
        let json = r#"{"zh_sentences": 2, "en_sentences": 3, "document": "d.txt", "beads": [
            {"zh_ids": [0, 1], "en_ids": [0, 1, 2], "zh": "一二三四", "en": "one two three four",
             "zh_texts": ["一二", "三四"], "confidence": 1}
        ]}"#;
        let r = read_json(json).unwrap();
        assert_eq!(r.alignment.zh[0].text, "一二");
        assert_eq!(r.alignment.zh[1].text, "三四");
        let en: Vec<&str> = r.alignment.en.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(en.len(), 3);
        assert_eq!(en.join(" "), "one two three four");
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert_eq!(r.document.as_deref(), Some("d.txt"));
    }

    #[test]
    fn paragraphs_come_back_per_sentence_or_per_bead() {
        // amur align's JSON gives the first paragraph of each side; the page's JSON gives one per
        // sentence; an empty side keeps the paragraph of the sentence before.
        let json = r#"{"zh_sentences": 3, "en_sentences": 3, "beads": [
            {"zh_ids": [0], "en_ids": [0, 1], "zh": "甲。", "en": "A. B.",
             "zh_paragraph": 2, "en_paragraph": 3},
            {"zh_ids": [1, 2], "en_ids": [], "zh": "乙。丙。", "en": "",
             "zh_texts": ["乙。", "丙。"], "zh_paragraphs": [4, 5]},
            {"zh_ids": [], "en_ids": [2], "zh": "", "en": "C."}
        ]}"#;
        let r = read_json(json).unwrap();
        let pars = |v: &[Sentence]| v.iter().map(|s| s.paragraph).collect::<Vec<_>>();
        assert_eq!(pars(&r.alignment.zh), [1, 3, 4]);
        assert_eq!(pars(&r.alignment.en), [2, 2, 2]);
        let page = render(&r, &opts()).unwrap();
        let data = embedded(&page);
        assert_eq!(data["zh_par"], serde_json::json!([1, 3, 4]));
        assert_eq!(data["en_par"], serde_json::json!([2, 2, 2]));
    }

    #[test]
    fn wrong_ids_are_refused() {
        let gap = r#"{"zh_sentences": 2, "en_sentences": 1, "beads": [
            {"zh_ids": [0], "en_ids": [0], "zh": "a", "en": "b"},
            {"zh_ids": [], "en_ids": [], "zh": "", "en": ""}]}"#;
        let err = read_json(gap).unwrap_err().to_string();
        assert!(err.contains("Chinese") && err.contains("0..2"), "{err}");
        let twice = r#"{"zh_sentences": 1, "en_sentences": 1, "beads": [
            {"zh_ids": [0], "en_ids": [0], "zh": "a", "en": "b"},
            {"zh_ids": [0], "en_ids": [], "zh": "a", "en": ""}]}"#;
        assert!(read_json(twice).is_err());
        assert!(matches!(read_json("[1]"), Err(ReadError::Json(_))));
    }

    #[test]
    fn force_count_never_changes_the_text() {
        for (side, text, n) in [
            (Side::En, "a b c d e", 4),
            (Side::Zh, "一，二三四五", 3),
            (Side::Zh, "一", 3),
            (Side::En, "One. Two. Three. Four.", 2),
        ] {
            let pieces = bead_sentences(side, n, text, None).0;
            assert_eq!(pieces.len(), n);
            assert_eq!(pieces.join(joiner(side)).trim(), text, "{pieces:?}");
        }
    }
}
