//! Scoring alignments against gold: a faithful port of `tools/alignscore.py`.
//!
//! Alignment files hold one bead a line, `[zh ids]:[en ids]`, with 0-based sentence ids, e.g.
//! `[3]:[4,5]` or `[7]:[]`. The metric is the one of Sennrich & Volk (2010) and Thompson & Koehn
//! (2019), as used by Vecalign and Bertalign:
//!
//! * beads are compared as **sets** (duplicates collapse; `[]:[]` beads are ignored) and a bead is
//!   an ordered pair of id lists, so `[0,1]:[2]` equals only `[0,1]:[2]`;
//! * **precision** is over every non-empty test bead: *strict* when the bead is a gold bead,
//!   *lax* when it shares at least one zh–en sentence link with gold;
//! * **recall** swaps the roles of gold and test, after removing insertions and deletions (beads
//!   with an empty side) from both;
//! * counts are summed over files (micro-averaging) before the ratios are taken, and a ratio with
//!   a zero denominator is 0.0.
//!
//! For a verse-level gold (the Bible set), [`merge_verses`] first merges consecutive test beads
//! that fall inside one verse, as `alignscore.py --verses` does.
//!
//! Beside the scores: [`type_table`] (how each gold bead type fares) and [`calibration`] (how
//! well confidences predict strict correctness).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

use amur_core::bead::Bead;
use amur_core::score::ScoreParts;
use std::ops::Range;

/// A bead as written in an `.align` file: zh sentence ids and en sentence ids, in file order.
pub type AlignBead = (Vec<usize>, Vec<usize>);

/// A bead with the aligner's confidence in it.
pub type ScoredBead = (AlignBead, f64);

/// A gold alignment and a test alignment of one document.
pub type AlignPair = (Vec<AlignBead>, Vec<AlignBead>);

/// What went wrong reading or scoring alignment files.
#[derive(thiserror::Error, Debug)]
pub enum EvalError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: line {line}: {msg}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        msg: String,
    },
    #[error(
        "{}: {side} sentence id {id} is beyond the {len} verse ids of {}",
        path.display(),
        verses.display()
    )]
    VerseRange {
        path: PathBuf,
        side: &'static str,
        id: usize,
        len: usize,
        verses: PathBuf,
    },
}

/// A malformed line of alignment text; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.msg)
    }
}

impl std::error::Error for ParseError {}

/// Parses alignment text, one `[ids]:[ids]` bead a line; blank lines are skipped.
pub fn parse_align(text: &str) -> Result<Vec<AlignBead>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut beads = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bead = parse_bead(line).map_err(|msg| ParseError { line: i + 1, msg })?;
        beads.push(bead);
    }
    Ok(beads)
}

/// One non-blank line: `left:right`, split at the first colon.
fn parse_bead(line: &str) -> Result<AlignBead, String> {
    let (left, right) = line
        .split_once(':')
        .ok_or_else(|| format!("expected `[ids]:[ids]`, found `{line}`"))?;
    Ok((parse_ids(left)?, parse_ids(right)?))
}

/// `[1, 2]` (brackets optional, empty items skipped) to ids.
fn parse_ids(side: &str) -> Result<Vec<usize>, String> {
    side.trim()
        .trim_matches(['[', ']'])
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            x.parse::<usize>()
                .map_err(|_| format!("bad sentence id `{x}`: expected `[ids]:[ids]`"))
        })
        .collect()
}

/// Reads and parses an `.align` file.
pub fn read_align(path: &Path) -> Result<Vec<AlignBead>, EvalError> {
    let text = read_text(path)?;
    parse_align(&text).map_err(|e| EvalError::Parse {
        path: path.to_path_buf(),
        line: e.line,
        msg: e.msg,
    })
}

fn read_text(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a verse file: the verse id of every sentence, one a line, trimmed.
pub fn read_verses(path: &Path) -> Result<Vec<String>, EvalError> {
    Ok(read_text(path)?
        .lines()
        .map(|l| l.trim().to_string())
        .collect())
}

/// The beads of an aligner's result, with their confidences, in `.align` form.
pub fn align_beads(beads: &[Bead]) -> Vec<ScoredBead> {
    beads
        .iter()
        .map(|b| {
            (
                (b.zh.clone().collect(), b.en.clone().collect()),
                b.confidence,
            )
        })
        .collect()
}

/// Precision, recall and F1, strict and lax.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision_strict: f64,
    pub recall_strict: f64,
    pub f1_strict: f64,
    pub precision_lax: f64,
    pub recall_lax: f64,
    pub f1_lax: f64,
}

/// Hits and misses of one scoring direction: strict true/false positives, lax true/false
/// positives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    tps: usize,
    fps: usize,
    tpl: usize,
    fpl: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.tps += o.tps;
        self.fps += o.fps;
        self.tpl += o.tpl;
        self.fpl += o.fpl;
    }
}

impl Counts {
    fn strict(&self) -> f64 {
        div(self.tps, self.tps + self.fps)
    }

    fn lax(&self) -> f64 {
        div(self.tpl, self.tpl + self.fpl)
    }
}

fn div(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn non_empty(b: &AlignBead) -> bool {
    !b.0.is_empty() || !b.1.is_empty()
}

fn full(b: &AlignBead) -> bool {
    !b.0.is_empty() && !b.1.is_empty()
}

/// The distinct beads with at least one side non-empty.
fn bead_set<'a>(beads: impl IntoIterator<Item = &'a AlignBead>) -> HashSet<&'a AlignBead> {
    beads.into_iter().filter(|b| non_empty(b)).collect()
}

/// zh id → the en ids it is linked to by some bead.
fn links<'a>(beads: impl IntoIterator<Item = &'a AlignBead>) -> HashMap<usize, HashSet<usize>> {
    let mut links: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (zh, en) in beads {
        for &i in zh {
            links.entry(i).or_default().extend(en.iter().copied());
        }
    }
    links
}

/// Whether a bead shares at least one zh–en link with `links`.
fn shares_link(links: &HashMap<usize, HashSet<usize>>, (zh, en): &AlignBead) -> bool {
    zh.iter()
        .filter_map(|i| links.get(i))
        .any(|linked| en.iter().any(|j| linked.contains(j)))
}

/// `counts(gold, test)` of alignscore.py: each distinct non-empty test bead is a strict hit when
/// it is a gold bead, a lax hit when it is a strict hit or shares a link with gold.
fn counts(gold: &[AlignBead], test: &[AlignBead]) -> Counts {
    let gold = bead_set(gold);
    let links = links(gold.iter().copied());
    let mut c = Counts::default();
    for bead in bead_set(test) {
        if gold.contains(bead) {
            c.tps += 1;
            c.tpl += 1;
        } else {
            c.fps += 1;
            if shares_link(&links, bead) {
                c.tpl += 1;
            } else {
                c.fpl += 1;
            }
        }
    }
    c
}

/// The beads with both sides non-empty.
fn no_indels(beads: &[AlignBead]) -> Vec<AlignBead> {
    beads.iter().filter(|b| full(b)).cloned().collect()
}

/// Precision and recall counts of one file.
fn file_counts(gold: &[AlignBead], test: &[AlignBead]) -> (Counts, Counts) {
    let p = counts(gold, test);
    let r = counts(&no_indels(test), &no_indels(gold));
    (p, r)
}

/// Micro-averaged scores over files, each pair `(gold, test)`.
pub fn score(pairs: &[AlignPair]) -> Scores {
    let (mut p, mut r) = (Counts::default(), Counts::default());
    for (gold, test) in pairs {
        let (fp, fr) = file_counts(gold, test);
        p += fp;
        r += fr;
    }
    scores_of(p, r)
}

fn scores_of(p: Counts, r: Counts) -> Scores {
    let (ps, pl, rs, rl) = (p.strict(), p.lax(), r.strict(), r.lax());
    Scores {
        precision_strict: ps,
        recall_strict: rs,
        f1_strict: f1(ps, rs),
        precision_lax: pl,
        recall_lax: rl,
        f1_lax: f1(pl, rl),
    }
}

/// Whether a test bead counts as a strict hit: it is non-empty and one of the gold beads.
pub fn is_strict_hit(gold: &[AlignBead], bead: &AlignBead) -> bool {
    non_empty(bead) && gold.contains(bead)
}

/// The verses a bead side falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VerseSpan<'a> {
    /// An empty side.
    Empty,
    /// Every sentence in one verse.
    One(&'a str),
    /// Sentences of several verses, or an id beyond the verse list.
    Many,
}

fn verse_span<'a>(ids: &[usize], verses: &'a [String]) -> VerseSpan<'a> {
    let mut span = VerseSpan::Empty;
    for &i in ids {
        let Some(v) = verses.get(i) else {
            return VerseSpan::Many;
        };
        match span {
            VerseSpan::Empty => span = VerseSpan::One(v),
            VerseSpan::One(w) if w == v => {}
            _ => return VerseSpan::Many,
        }
    }
    span
}

/// The verse a bead lies in, if it lies in one: both sides in that verse, or one side in it and
/// the other empty.
fn bead_verse<'a>(
    (zh, en): &AlignBead,
    zh_verses: &'a [String],
    en_verses: &'a [String],
) -> Option<&'a str> {
    match (verse_span(zh, zh_verses), verse_span(en, en_verses)) {
        (VerseSpan::One(a), VerseSpan::One(b)) if a == b => Some(a),
        (VerseSpan::One(a), VerseSpan::Empty) | (VerseSpan::Empty, VerseSpan::One(a)) => Some(a),
        _ => None,
    }
}

/// Merges consecutive beads that lie in the same verse (see `alignscore.py --verses`); ids are
/// concatenated in order. A bead spanning verses, or with an id beyond the verse lists, is
/// never merged.
pub fn merge_verses(
    beads: &[AlignBead],
    zh_verses: &[String],
    en_verses: &[String],
) -> Vec<AlignBead> {
    let mut merged: Vec<AlignBead> = Vec::with_capacity(beads.len());
    let mut last = None;
    for bead in beads {
        let key = bead_verse(bead, zh_verses, en_verses);
        match merged.last_mut() {
            Some(prev) if key.is_some() && key == last => {
                prev.0.extend_from_slice(&bead.0);
                prev.1.extend_from_slice(&bead.1);
            }
            _ => merged.push(bead.clone()),
        }
        last = key;
    }
    merged
}

/// Scores of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub name: String,
    pub scores: Scores,
    /// Beads read from the gold file.
    pub gold_beads: usize,
    /// Beads of the test file as scored (after verse merging, if any).
    pub test_beads: usize,
}

/// Scores of a test directory against a gold directory.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Micro-averaged over all scored files.
    pub total: Scores,
    pub files: Vec<FileReport>,
    /// Gold files with no test file of the same name.
    pub missing: Vec<String>,
}

/// Gold and test alignments of a directory pair, matched by file name.
#[derive(Debug, Clone, Default)]
pub struct LoadedDirs {
    /// Names of the files present on both sides, sorted.
    pub names: Vec<String>,
    /// `(gold, test)` for each name; test beads verse-merged when verses were given.
    pub pairs: Vec<AlignPair>,
    /// Gold files with no test file of the same name.
    pub missing: Vec<String>,
}

/// Sorted names of the `*.align` entries of a directory.
pub fn align_names(dir: &Path) -> Result<Vec<String>, EvalError> {
    let io = |source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry.map_err(io)?.file_name();
        if let Some(name) = name.to_str().filter(|n| n.ends_with(".align")) {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Verse lists of both sides, and the paths they came from (for error messages).
struct Verses<'a> {
    zh: Vec<String>,
    en: Vec<String>,
    zh_path: &'a Path,
    en_path: &'a Path,
}

impl Verses<'_> {
    /// Fails on a test id beyond a verse list (alignscore.py would crash there).
    fn check(&self, path: &Path, beads: &[AlignBead]) -> Result<(), EvalError> {
        for (zh, en) in beads {
            let sides = [
                ("zh", zh, &self.zh, self.zh_path),
                ("en", en, &self.en, self.en_path),
            ];
            for (side, ids, verses, verses_path) in sides {
                if let Some(&id) = ids.iter().find(|&&i| i >= verses.len()) {
                    return Err(EvalError::VerseRange {
                        path: path.to_path_buf(),
                        side,
                        id,
                        len: verses.len(),
                        verses: verses_path.to_path_buf(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Reads the `*.align` files of `gold_dir` and their namesakes in `test_dir`; with
/// `verses = Some((zh_verse_path, en_verse_path))`, test beads are merged by verse.
pub fn load_dirs(
    gold_dir: &Path,
    test_dir: &Path,
    verses: Option<(&Path, &Path)>,
) -> Result<LoadedDirs, EvalError> {
    let verses = match verses {
        Some((zh_path, en_path)) => Some(Verses {
            zh: read_verses(zh_path)?,
            en: read_verses(en_path)?,
            zh_path,
            en_path,
        }),
        None => None,
    };
    let mut loaded = LoadedDirs::default();
    for name in align_names(gold_dir)? {
        let test_path = test_dir.join(&name);
        if !test_path.exists() {
            loaded.missing.push(name);
            continue;
        }
        let gold = read_align(&gold_dir.join(&name))?;
        let mut test = read_align(&test_path)?;
        if let Some(v) = &verses {
            v.check(&test_path, &test)?;
            test = merge_verses(&test, &v.zh, &v.en);
        }
        loaded.names.push(name);
        loaded.pairs.push((gold, test));
    }
    Ok(loaded)
}

/// Gold files `*.align` in `gold_dir` matched by name with `test_dir`: per-file scores and the
/// micro-averaged total; `verses = Some((zh_verse_path, en_verse_path))` for `--verses`.
pub fn evaluate_dirs(
    gold_dir: &Path,
    test_dir: &Path,
    verses: Option<(&Path, &Path)>,
) -> Result<Report, EvalError> {
    let loaded = load_dirs(gold_dir, test_dir, verses)?;
    Ok(report(&loaded))
}

/// Per-file and total scores of loaded directories.
pub fn report(loaded: &LoadedDirs) -> Report {
    let files = loaded
        .names
        .iter()
        .zip(&loaded.pairs)
        .map(|(name, pair)| FileReport {
            name: name.clone(),
            scores: score(std::slice::from_ref(pair)),
            gold_beads: pair.0.len(),
            test_beads: pair.1.len(),
        })
        .collect();
    Report {
        total: score(&loaded.pairs),
        files,
        missing: loaded.missing.clone(),
    }
}

impl Report {
    /// A table: per file and total, bead counts and P/R/F1 strict and lax to 3 decimals.
    pub fn to_text(&self) -> String {
        let width = self
            .files
            .iter()
            .map(|f| f.name.chars().count())
            .chain([5])
            .max()
            .unwrap_or(5);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$}  {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}",
            "file", "gold", "test", "P", "R", "F1", "P lax", "R lax", "F1 lax"
        );
        for f in &self.files {
            let _ = writeln!(
                out,
                "{:<width$}  {:>6} {:>6}  {}",
                f.name,
                f.gold_beads,
                f.test_beads,
                score_cells(&f.scores)
            );
        }
        let (gold, test) = self
            .files
            .iter()
            .fold((0, 0), |(g, t), f| (g + f.gold_beads, t + f.test_beads));
        let _ = writeln!(
            out,
            "{:<width$}  {gold:>6} {test:>6}  {}",
            "total",
            score_cells(&self.total)
        );
        if !self.missing.is_empty() {
            let _ = writeln!(out, "missing: {}", self.missing.join(", "));
        }
        out
    }
}

fn score_cells(s: &Scores) -> String {
    format!(
        "{:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}",
        s.precision_strict, s.recall_strict, s.f1_strict, s.precision_lax, s.recall_lax, s.f1_lax
    )
}

/// The type of a bead as users know it: "1-2" is one zh sentence and two en sentences.
pub fn bead_type((zh, en): &AlignBead) -> String {
    format!("{}-{}", zh.len(), en.len())
}

/// How the gold beads of one type fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeRow {
    /// Gold bead type, e.g. "1-2".
    pub gold_type: String,
    /// Distinct gold beads of this type.
    pub count: usize,
    /// Of them, found exactly by the test.
    pub exact: usize,
    /// For the rest, the test beads overlapping each (sharing a zh or en sentence), as their
    /// types joined by `+` in test order (e.g. "1-1+0-1"), or "none"; with how many gold beads
    /// were covered that way, most frequent first.
    pub misses: Vec<(String, usize)>,
}

#[derive(Default)]
struct TypeAcc {
    count: usize,
    exact: usize,
    misses: BTreeMap<String, usize>,
}

/// Sentence id → the positions of the beads holding it, one map per side.
fn positions(beads: &[&AlignBead]) -> [HashMap<usize, Vec<usize>>; 2] {
    let mut maps: [HashMap<usize, Vec<usize>>; 2] = Default::default();
    for (k, (zh, en)) in beads.iter().enumerate() {
        for (map, ids) in maps.iter_mut().zip([zh, en]) {
            for &i in ids {
                map.entry(i).or_default().push(k);
            }
        }
    }
    maps
}

/// Distinct non-empty beads in first-occurrence order.
fn distinct(beads: &[AlignBead]) -> Vec<&AlignBead> {
    let mut seen = HashSet::new();
    beads
        .iter()
        .filter(|b| non_empty(b) && seen.insert(*b))
        .collect()
}

/// The pattern of test beads overlapping a gold bead, e.g. "1-1+0-1".
fn cover_pattern(
    (zh, en): &AlignBead,
    test: &[&AlignBead],
    pos: &[HashMap<usize, Vec<usize>>; 2],
) -> String {
    let mut hits = BTreeSet::new();
    for (map, ids) in pos.iter().zip([zh, en]) {
        for i in ids {
            hits.extend(map.get(i).into_iter().flatten().copied());
        }
    }
    if hits.is_empty() {
        return "none".to_string();
    }
    let types: Vec<String> = hits.into_iter().map(|k| bead_type(test[k])).collect();
    types.join("+")
}

/// Bead-type confusion over files `(gold, test)`: for each gold bead type, how many gold beads
/// of it there are, how many the test found exactly, and which test beads covered the rest.
/// Rows are sorted by count, most frequent first.
pub fn type_table(pairs: &[AlignPair]) -> Vec<TypeRow> {
    let mut acc: BTreeMap<(usize, usize), TypeAcc> = BTreeMap::new();
    for (gold, test) in pairs {
        let test = distinct(test);
        let test_set: HashSet<&AlignBead> = test.iter().copied().collect();
        let pos = positions(&test);
        for bead in distinct(gold) {
            let row = acc.entry((bead.0.len(), bead.1.len())).or_default();
            row.count += 1;
            if test_set.contains(bead) {
                row.exact += 1;
            } else {
                *row.misses
                    .entry(cover_pattern(bead, &test, &pos))
                    .or_default() += 1;
            }
        }
    }
    let mut rows: Vec<TypeRow> = acc
        .into_iter()
        .map(|((zh, en), a)| {
            let mut misses: Vec<(String, usize)> = a.misses.into_iter().collect();
            misses.sort_by_key(|m| Reverse(m.1));
            TypeRow {
                gold_type: format!("{zh}-{en}"),
                count: a.count,
                exact: a.exact,
                misses,
            }
        })
        .collect();
    rows.sort_by_key(|r| Reverse(r.count));
    rows
}

/// A readable type table; at most `max_misses` cover patterns a row.
pub fn type_table_text(rows: &[TypeRow], max_misses: usize) -> String {
    let mut out = format!(
        "{:<6} {:>6} {:>6} {:>6}  misses\n",
        "gold", "count", "exact", "%"
    );
    for r in rows {
        let misses: Vec<String> = r
            .misses
            .iter()
            .take(max_misses)
            .map(|(p, n)| format!("{p} ×{n}"))
            .collect();
        let _ = writeln!(
            out,
            "{:<6} {:>6} {:>6} {:>6.1}  {}",
            r.gold_type,
            r.count,
            r.exact,
            100.0 * div(r.exact, r.count),
            misses.join(", ")
        );
    }
    out
}

/// Test beads within one confidence bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationRow {
    /// The bucket, e.g. "0.7-0.9"; confidences in `[min, max)` (the top bucket includes 1.0 and
    /// above).
    pub bucket: &'static str,
    pub min: f64,
    pub max: f64,
    pub count: usize,
    /// Of them, strictly correct.
    pub correct: usize,
    /// `correct / count`, 0.0 for an empty bucket.
    pub accuracy: f64,
}

/// Confidence buckets: label and lower bound, highest first; the last catches everything
/// below (including NaN).
const BUCKETS: [(&str, f64, f64); 4] = [
    (">=0.9", 0.9, f64::INFINITY),
    ("0.7-0.9", 0.7, 0.9),
    ("0.5-0.7", 0.5, 0.7),
    ("<0.5", f64::NEG_INFINITY, 0.5),
];

fn bucket_of(confidence: f64) -> usize {
    BUCKETS
        .iter()
        .position(|&(_, min, _)| confidence >= min)
        .unwrap_or(BUCKETS.len() - 1)
}

/// Calibration over `(confidence, strictly correct)` items: count and correctness in each of the
/// buckets ≥0.9, 0.7–0.9, 0.5–0.7, <0.5 (always four rows, highest first).
pub fn calibration(items: &[(f64, bool)]) -> Vec<CalibrationRow> {
    let mut tally = [(0usize, 0usize); BUCKETS.len()];
    for &(confidence, correct) in items {
        let t = &mut tally[bucket_of(confidence)];
        t.0 += 1;
        t.1 += usize::from(correct);
    }
    BUCKETS
        .iter()
        .zip(tally)
        .map(|(&(bucket, min, max), (count, correct))| CalibrationRow {
            bucket,
            min,
            max,
            count,
            correct,
            accuracy: div(correct, count),
        })
        .collect()
}

/// Calibration of test beads with confidences against gold, over files `(gold, test)`. Every
/// non-empty test bead counts once per occurrence; correct means [`is_strict_hit`].
pub fn calibrate(files: &[(Vec<AlignBead>, Vec<ScoredBead>)]) -> Vec<CalibrationRow> {
    let mut items = Vec::new();
    for (gold, test) in files {
        let gold_set = bead_set(gold);
        items.extend(
            test.iter()
                .filter(|(b, _)| non_empty(b))
                .map(|(b, c)| (*c, gold_set.contains(b))),
        );
    }
    calibration(&items)
}

/// Expected calibration error over `(confidence, strictly correct)` items: in ten bins of
/// confidence (0–0.1 … 0.9–1), the gap between mean confidence and share correct, weighted by
/// the bin's share of the items (as `../shared/tools/calibration.py` computes it). 0 for no
/// items.
pub fn expected_calibration_error(items: &[(f64, bool)]) -> f64 {
    let mut bins = [(0usize, 0.0f64, 0usize); 10];
    for &(c, ok) in items {
        let k = ((c * 10.0).floor().max(0.0) as usize).min(9);
        bins[k].0 += 1;
        bins[k].1 += c;
        bins[k].2 += usize::from(ok);
    }
    let gap: f64 = bins
        .iter()
        .map(|&(n, sum, ok)| (sum - ok as f64).abs() * f64::from(u32::from(n > 0)))
        .sum();
    if items.is_empty() {
        0.0
    } else {
        gap / items.len() as f64
    }
}

/// A readable calibration table.
pub fn calibration_text(rows: &[CalibrationRow]) -> String {
    let mut out = format!(
        "{:<8} {:>7} {:>7} {:>7}\n",
        "conf", "beads", "correct", "acc"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<8} {:>7} {:>7} {:>7.3}",
            r.bucket, r.count, r.correct, r.accuracy
        );
    }
    out
}

/// Where a test alignment departs from the gold: gold beads it misses and its own beads the
/// gold lacks, joined into one stretch when they share a sentence. Indexes into the two lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stretch {
    pub gold: Vec<usize>,
    pub test: Vec<usize>,
}

/// The stretches where `test` departs from `gold`, in document order.
pub fn error_stretches(gold: &[AlignBead], test: &[AlignBead]) -> Vec<Stretch> {
    use std::collections::{HashMap, HashSet};
    let (in_gold, in_test): (HashSet<_>, HashSet<_>) =
        (gold.iter().collect(), test.iter().collect());
    // The beads that differ, (is a test bead, index), joined through the sentences they share
    // (each sentence lies in one gold and one test bead at most): union-find over them.
    let items: Vec<(bool, usize)> = (0..gold.len())
        .filter(|&k| !in_test.contains(&gold[k]))
        .map(|k| (false, k))
        .chain(
            (0..test.len())
                .filter(|&k| !in_gold.contains(&test[k]))
                .map(|k| (true, k)),
        )
        .collect();
    let bead = |&(is_test, k): &(bool, usize)| if is_test { &test[k] } else { &gold[k] };
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut owner: HashMap<(bool, usize), usize> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        let (zh, en) = bead(item);
        let sentences = zh
            .iter()
            .map(|&i| (false, i))
            .chain(en.iter().map(|&j| (true, j)));
        for sentence in sentences {
            if let Some(&other) = owner.get(&sentence) {
                let (x, y) = (root(&mut parent, n), root(&mut parent, other));
                parent[x] = y;
            } else {
                owner.insert(sentence, n);
            }
        }
    }
    let mut groups: HashMap<usize, Stretch> = HashMap::new();
    for (n, &(is_test, k)) in items.iter().enumerate() {
        let group = groups.entry(root(&mut parent, n)).or_insert(Stretch {
            gold: Vec::new(),
            test: Vec::new(),
        });
        if is_test {
            group.test.push(k)
        } else {
            group.gold.push(k)
        }
    }
    // In document order, which the gold beads are in (a stretch of test beads only, where the
    // gold leaves sentences out, comes first).
    let mut out: Vec<Stretch> = groups.into_values().collect();
    out.sort_by_key(|s| (s.gold.first().copied(), s.test.first().copied()));
    out
}

/// A bead's sentence ranges, when its ids are consecutive (an empty side is `0..0`).
pub fn bead_ranges((zh, en): &AlignBead) -> Option<(Range<usize>, Range<usize>)> {
    fn range(ids: &[usize]) -> Option<Range<usize>> {
        let Some(&first) = ids.first() else {
            return Some(0..0);
        };
        let consecutive = ids.iter().enumerate().all(|(k, &i)| i == first + k);
        consecutive.then(|| first..first + ids.len())
    }
    Some((range(zh)?, range(en)?))
}

/// The gold's beads against the aligner's in one stretch: the parts of each path's score
/// (None when a bead has a shape the aligner does not consider).
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    pub doc: String,
    pub gold: Vec<AlignBead>,
    pub test: Vec<AlignBead>,
    /// Gold minus aligner, by part.
    pub diff: Option<ScoreParts>,
}

/// The margins of a document's stretches, from the parts of each gold and test bead.
pub fn margins(
    doc: &str,
    (gold, test): (&[AlignBead], &[AlignBead]),
    (gold_parts, test_parts): (&[Option<ScoreParts>], &[Option<ScoreParts>]),
) -> Vec<Margin> {
    error_stretches(gold, test)
        .into_iter()
        .map(|s| {
            // None as soon as one bead has no parts.
            let sum = |ks: &[usize], parts: &[Option<ScoreParts>]| -> Option<ScoreParts> {
                ks.iter().map(|&k| parts.get(k).copied().flatten()).sum()
            };
            let diff = sum(&s.gold, gold_parts)
                .zip(sum(&s.test, test_parts))
                .map(|(g, t)| g - t);
            Margin {
                doc: doc.to_string(),
                gold: s.gold.iter().map(|&k| gold[k].clone()).collect(),
                test: s.test.iter().map(|&k| test[k].clone()).collect(),
                diff,
            }
        })
        .collect()
}

/// The margins as a table, with a summary: how many stretches the model decides against the
/// gold (the gold's path scores lower) and which part of the score tips each of those.
pub fn margins_text(margins: &[Margin]) -> String {
    let scored: Vec<ScoreParts> = margins.iter().filter_map(|m| m.diff).collect();
    let against: Vec<[f64; 4]> = scored
        .iter()
        .filter(|d| d.total() < 0.0)
        .map(|d| d.to_array())
        .collect();
    let below = against.len();
    let mut tipped = [0usize; 4];
    for parts in &against {
        let worst = (0..4)
            .min_by(|&a, &b| parts[a].total_cmp(&parts[b]))
            .unwrap_or(0);
        tipped[worst] += 1;
    }
    let mut out = format!(
        "error stretches: {}; the gold scores below amur's beads in {below} (the model errs), \
         above in {} (the search errs), {} have a shape amur does not consider\n\
         part most against the gold where it scores below: prior {}, length {}, lexical {}, signs {}\n\n\
         doc\tgold-amur\tprior\tlength\tlexical\tsigns\tgold beads | amur beads\n",
        margins.len(),
        scored.len() - below,
        margins.len() - scored.len(),
        tipped[0],
        tipped[1],
        tipped[2],
        tipped[3],
    );
    let beads = |bs: &[AlignBead]| -> String {
        bs.iter()
            .map(|(z, e)| format!("{z:?}:{e:?}").replace(' ', ""))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for m in margins {
        let numbers = match m.diff {
            Some(d) => std::iter::once(d.total())
                .chain(d.to_array())
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join("\t"),
            None => "-\t-\t-\t-\t-".to_string(),
        };
        out.push_str(&format!(
            "{}\t{numbers}\t{} | {}\n",
            m.doc,
            beads(&m.gold),
            beads(&m.test)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(zh: &[usize], en: &[usize]) -> AlignBead {
        (zh.to_vec(), en.to_vec())
    }

    #[test]
    fn stretches_join_the_beads_that_share_a_sentence() {
        let gold = vec![
            b(&[0], &[0]),
            b(&[1, 2], &[1]),
            b(&[3], &[2, 3]),
            b(&[4], &[4]),
            b(&[5], &[]),
        ];
        let test = vec![
            b(&[0], &[0]),
            b(&[1], &[1]),
            b(&[2, 3], &[2, 3]),
            b(&[4], &[4]),
            b(&[5], &[5]),
        ];
        let stretches = error_stretches(&gold, &test);
        assert_eq!(
            stretches,
            vec![
                Stretch {
                    gold: vec![1, 2],
                    test: vec![1, 2]
                },
                Stretch {
                    gold: vec![4],
                    test: vec![4]
                },
            ]
        );
        assert!(error_stretches(&gold, &gold).is_empty());
    }

    #[test]
    fn bead_ranges_need_consecutive_ids() {
        assert_eq!(bead_ranges(&b(&[3, 4], &[7])), Some((3..5, 7..8)));
        assert_eq!(bead_ranges(&b(&[3], &[])), Some((3..4, 0..0)));
        assert_eq!(bead_ranges(&b(&[3, 5], &[7])), None);
    }

    #[test]
    fn margins_are_the_gold_minus_the_test_by_part() {
        let gold = vec![b(&[0, 1], &[0, 1])];
        let test = vec![b(&[0], &[0]), b(&[1], &[1])];
        let part = |prior, lexical| ScoreParts {
            prior,
            length: 0.5,
            lexical,
            signs: 0.0,
        };
        let m = margins(
            "d",
            (&gold, &test),
            (
                &[Some(part(-4.0, 6.0))],
                &[Some(part(-0.5, 2.0)), Some(part(-0.5, 2.5))],
            ),
        );
        assert_eq!(m.len(), 1);
        let d = m[0].diff.unwrap();
        assert_eq!(
            (d.prior, d.length, d.lexical, d.signs),
            (-3.0, -0.5, 1.5, 0.0)
        );
        assert_eq!(d.total(), -2.0);
        let text = margins_text(&m);
        assert!(
            text.contains("the gold scores below amur's beads in 1"),
            "{text}"
        );
        assert!(
            text.contains("d\t-2.00\t-3.00\t-0.50\t1.50\t0.00\t[0,1]:[0,1] | [0]:[0] [1]:[1]"),
            "{text}"
        );
        let unscored = margins(
            "d",
            (&gold, &test),
            (&[None], &[Some(part(0.0, 0.0)), Some(part(0.0, 0.0))]),
        );
        assert_eq!(unscored[0].diff, None);
        assert!(margins_text(&unscored).contains("1 have a shape amur does not consider"));
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn assert_scores(s: Scores, ps: f64, rs: f64, pl: f64, rl: f64) {
        assert!(close(s.precision_strict, ps), "P strict {s:?}");
        assert!(close(s.recall_strict, rs), "R strict {s:?}");
        assert!(close(s.precision_lax, pl), "P lax {s:?}");
        assert!(close(s.recall_lax, rl), "R lax {s:?}");
        assert!(close(s.f1_strict, f1(ps, rs)));
        assert!(close(s.f1_lax, f1(pl, rl)));
    }

    /// Gold with a 1-2, a 2-1 and a deletion.
    fn gold() -> Vec<AlignBead> {
        vec![
            b(&[0], &[0]),
            b(&[1], &[1, 2]),
            b(&[2, 3], &[3]),
            b(&[4], &[]),
            b(&[5], &[4]),
        ]
    }

    /// Exact hits, a lax-only hit `[1]:[1]`, an insertion `[]:[2]`, an exact deletion.
    fn test_beads() -> Vec<AlignBead> {
        vec![
            b(&[0], &[0]),
            b(&[1], &[1]),
            b(&[], &[2]),
            b(&[2, 3], &[3]),
            b(&[4], &[]),
            b(&[5], &[4]),
        ]
    }

    #[test]
    fn hand_computed_scores() {
        // Precision: 6 test beads, 4 exact ([0]:[0], [2,3]:[3], [4]:[], [5]:[4]); [1]:[1] is a
        // lax hit; []:[2] has no link. Recall: gold without [4]:[] against test without []:[2]:
        // 3 of 4 exact, [1]:[1,2] shares the link 1-1.
        let s = score(&[(gold(), test_beads())]);
        assert_scores(s, 4.0 / 6.0, 3.0 / 4.0, 5.0 / 6.0, 1.0);
        assert!(close(s.f1_strict, 12.0 / 17.0));
        assert!(close(s.f1_lax, 10.0 / 11.0));
    }

    #[test]
    fn identical_alignment_scores_one() {
        let s = score(&[(gold(), gold())]);
        assert_scores(s, 1.0, 1.0, 1.0, 1.0);
    }

    #[test]
    fn duplicates_collapse() {
        let mut g = gold();
        g.push(b(&[0], &[0]));
        let mut t = test_beads();
        t.extend([b(&[1], &[1]), b(&[1], &[1]), b(&[0], &[0]), b(&[], &[])]);
        assert_eq!(score(&[(g, t)]), score(&[(gold(), test_beads())]));
    }

    #[test]
    fn empty_test_scores_zero() {
        assert_eq!(score(&[(gold(), vec![])]), Scores::default());
        assert_eq!(score(&[(vec![], vec![])]), Scores::default());
        assert_eq!(score(&[]), Scores::default());
    }

    #[test]
    fn deletion_with_wrong_partner_is_no_lax_hit() {
        // [4]:[] against gold [4]:[5]: not exact, no en side to share a link.
        let s = score(&[(vec![b(&[4], &[5])], vec![b(&[4], &[]), b(&[], &[5])])]);
        // Recall: the test has no full beads, the gold bead finds nothing.
        assert_scores(s, 0.0, 0.0, 0.0, 0.0);
    }

    #[test]
    fn bead_ids_are_ordered_pairs() {
        let s = score(&[(vec![b(&[0, 1], &[0])], vec![b(&[1, 0], &[0])])]);
        assert_scores(s, 0.0, 0.0, 1.0, 1.0);
    }

    #[test]
    fn micro_average_sums_counts_over_files() {
        let a = (vec![b(&[0], &[0])], vec![b(&[0], &[0])]);
        let diag = vec![b(&[0], &[0]), b(&[1], &[1]), b(&[2], &[2])];
        let rotated = vec![b(&[0], &[1]), b(&[1], &[2]), b(&[2], &[0])];
        let s = score(&[a, (diag, rotated)]);
        // 1 of 4 test beads right, 1 of 4 gold beads found: not the mean of 1.0 and 0.0.
        assert_scores(s, 0.25, 0.25, 0.25, 0.25);
    }

    #[test]
    fn strict_hit() {
        assert!(is_strict_hit(&gold(), &b(&[4], &[])));
        assert!(!is_strict_hit(&gold(), &b(&[1], &[1])));
        assert!(!is_strict_hit(&[b(&[], &[])], &b(&[], &[])));
    }

    #[test]
    fn parses_beads_and_blank_lines() {
        let text = "\u{feff}[0]:[0]\n\n [1, 2] : [] \r\n[]:[3,4]\n[5]:[5,]\n";
        let beads = parse_align(text).expect("valid");
        assert_eq!(
            beads,
            vec![
                b(&[0], &[0]),
                b(&[1, 2], &[]),
                b(&[], &[3, 4]),
                b(&[5], &[5])
            ]
        );
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = parse_align("[0]:[0]\n\n[1][1]\n").expect_err("no colon");
        assert_eq!(e.line, 3);
        assert!(e.msg.contains("expected `[ids]:[ids]`"), "{e}");
        let e = parse_align("[0]:[x]").expect_err("bad id");
        assert_eq!(e.line, 1);
        assert!(e.msg.contains("`x`"), "{e}");
        assert!(parse_align("[0]:[-1]").is_err());
        assert!(parse_align("[0]:[1]:[2]").is_err());
    }

    #[test]
    fn read_align_errors_name_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("003.align");
        std::fs::write(&path, "[0]:[0]\n[1]:[1]\n[2]-[2]\n").expect("write");
        let msg = read_align(&path).expect_err("bad line").to_string();
        assert!(
            msg.contains("003.align: line 3: expected `[ids]:[ids]`"),
            "{msg}"
        );
        let msg = read_align(&dir.path().join("none.align"))
            .expect_err("missing")
            .to_string();
        assert!(msg.contains("none.align"), "{msg}");
    }

    fn verses(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn merges_consecutive_beads_of_one_verse() {
        let zh = verses(&["a", "a", "b", "b", "c", "d"]);
        let en = verses(&["a", "b", "b", "c", "d"]);
        let beads = vec![
            b(&[0], &[0]),
            b(&[1], &[]),  // verse a, other side empty: joins
            b(&[2], &[1]), // verse b
            b(&[3], &[2]), // b again: joins
            b(&[4], &[4]), // c and d: spans verses
            b(&[], &[3]),  // c, but the previous bead had no verse
            b(&[5], &[]),  // d
            b(&[], &[]),   // no verse
            b(&[], &[]),
        ];
        let merged = merge_verses(&beads, &zh, &en);
        assert_eq!(
            merged,
            vec![
                b(&[0, 1], &[0]),
                b(&[2, 3], &[1, 2]),
                b(&[4], &[4]),
                b(&[], &[3]),
                b(&[5], &[]),
                b(&[], &[]),
                b(&[], &[]),
            ]
        );
        // Ids beyond the verse lists never merge.
        let out = vec![b(&[9], &[]), b(&[9], &[])];
        assert_eq!(merge_verses(&out, &zh, &en), out);
    }

    #[test]
    fn type_table_counts_exact_and_covers() {
        let g = vec![
            b(&[0], &[0]),
            b(&[1], &[1, 2]),
            b(&[2], &[3]),
            b(&[3], &[4]),
        ];
        let t = vec![
            b(&[0], &[0]),
            b(&[1], &[1]),
            b(&[], &[2]),
            b(&[2], &[3]),
            b(&[3], &[4]),
        ];
        let rows = type_table(&[(g.clone(), t), (g, vec![])]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].gold_type, "1-1");
        assert_eq!((rows[0].count, rows[0].exact), (6, 3));
        assert_eq!(rows[0].misses, vec![("none".to_string(), 3)]);
        assert_eq!(rows[1].gold_type, "1-2");
        assert_eq!((rows[1].count, rows[1].exact), (2, 0));
        let mut misses = rows[1].misses.clone();
        misses.sort();
        assert_eq!(
            misses,
            vec![("1-1+0-1".to_string(), 1), ("none".to_string(), 1)]
        );
        assert!(type_table_text(&rows, 3).contains("1-1+0-1 ×1"));
    }

    #[test]
    fn ece_weighs_each_bin_by_its_items() {
        assert_eq!(expected_calibration_error(&[]), 0.0);
        // Bin 0.9: mean 0.95, all right → 0.05 × 2; bin 0.5: mean 0.5, half right → 0.
        let items = [(0.95, true), (0.95, true), (0.5, true), (0.5, false)];
        assert!((expected_calibration_error(&items) - 0.025).abs() < 1e-12);
        assert!((expected_calibration_error(&[(1.0, false)]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn calibration_buckets() {
        let items = [
            (0.95, true),
            (0.9, false),
            (0.8, true),
            (0.5, true),
            (0.49, false),
            (f64::NAN, false),
        ];
        let rows = calibration(&items);
        let got: Vec<(&str, usize, usize)> = rows
            .iter()
            .map(|r| (r.bucket, r.count, r.correct))
            .collect();
        assert_eq!(
            got,
            vec![
                (">=0.9", 2, 1),
                ("0.7-0.9", 1, 1),
                ("0.5-0.7", 1, 1),
                ("<0.5", 2, 0)
            ]
        );
        assert!(close(rows[0].accuracy, 0.5));
        assert!(close(rows[3].accuracy, 0.0));
    }

    #[test]
    fn calibrate_checks_strict_hits() {
        let test = vec![
            (b(&[0], &[0]), 0.95),
            (b(&[1], &[1]), 0.92),
            (b(&[], &[]), 0.1),
            (b(&[4], &[]), 0.3),
        ];
        let rows = calibrate(&[(gold(), test)]);
        assert_eq!((rows[0].count, rows[0].correct), (2, 1));
        assert_eq!((rows[3].count, rows[3].correct), (1, 1));
    }

    #[test]
    fn report_text_has_files_and_total() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (g, t) = (dir.path().join("gold"), dir.path().join("test"));
        std::fs::create_dir_all(&g).expect("mkdir");
        std::fs::create_dir_all(&t).expect("mkdir");
        let lines = |beads: &[AlignBead]| -> String { beads.iter().map(bead_line).collect() };
        std::fs::write(g.join("001.align"), lines(&gold())).expect("write");
        std::fs::write(t.join("001.align"), lines(&test_beads())).expect("write");
        std::fs::write(g.join("002.align"), lines(&gold())).expect("write");
        std::fs::write(g.join("notes.txt"), "x").expect("write");
        let r = evaluate_dirs(&g, &t, None).expect("evaluate");
        assert_eq!(r.missing, vec!["002.align"]);
        assert_eq!(r.files.len(), 1);
        assert_eq!((r.files[0].gold_beads, r.files[0].test_beads), (5, 6));
        let text = r.to_text();
        assert!(text.contains("001.align"), "{text}");
        assert!(text.contains("0.667  0.750  0.706"), "{text}");
        assert!(text.contains("missing: 002.align"), "{text}");
    }

    #[test]
    fn verse_ids_out_of_range_are_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (g, t) = (dir.path().join("gold"), dir.path().join("test"));
        write_dir(&g, &[("001.align".to_string(), vec![b(&[0], &[0])])]);
        write_dir(&t, &[("001.align".to_string(), vec![b(&[0], &[0, 3])])]);
        let (zh, en) = (dir.path().join("zh.verse"), dir.path().join("en.verse"));
        std::fs::write(&zh, "a\nb\n").expect("write");
        std::fs::write(&en, "a\nb\n").expect("write");
        let r = evaluate_dirs(&g, &t, Some((&zh, &en)));
        let msg = r.expect_err("id 3 beyond 2 verses").to_string();
        assert!(
            msg.contains("en sentence id 3 is beyond the 2 verse ids"),
            "{msg}"
        );
        assert!(evaluate_dirs(&g, &g, Some((&zh, &en))).is_ok());
    }

    fn bead_line((zh, en): &AlignBead) -> String {
        let ids = |v: &[usize]| {
            v.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        format!("[{}]:[{}]\n", ids(zh), ids(en))
    }

    // ----- agreement with tools/alignscore.py -----

    fn shared(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared")
            .join(rel)
    }

    /// The reference scorer's script, when it and python3 are available.
    fn reference_scorer() -> Option<PathBuf> {
        let script = shared("tools/alignscore.py");
        let python = std::process::Command::new("python3")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        (script.exists() && python).then_some(script)
    }

    fn run_reference(script: &Path, args: &[&Path]) -> serde_json::Value {
        let out = std::process::Command::new("python3")
            .arg(script)
            .args(args)
            .output()
            .expect("run alignscore.py");
        assert!(
            out.status.success(),
            "alignscore.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("alignscore.py JSON")
    }

    /// Asserts every figure of the reference (rounded to 4 decimals) agrees with ours.
    fn assert_agrees(label: &str, reference: &serde_json::Value, ours: &Report) {
        let s = ours.total;
        let figures = [
            ("precision_strict", s.precision_strict),
            ("recall_strict", s.recall_strict),
            ("f1_strict", s.f1_strict),
            ("precision_lax", s.precision_lax),
            ("recall_lax", s.recall_lax),
            ("f1_lax", s.f1_lax),
        ];
        let mut line = format!("{label}:");
        for (key, ours) in figures {
            let theirs = reference[key].as_f64().expect("figure");
            line += &format!(" {key} {theirs:.4}/{ours:.6}");
            assert!(
                (theirs - ours).abs() <= 1e-4,
                "{label}: {key}: alignscore.py {theirs}, ours {ours}"
            );
        }
        println!("{line}");
        assert_eq!(reference["files"].as_u64(), Some(ours.files.len() as u64));
        let missing: Vec<&str> = reference["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(missing, ours.missing, "{label}: missing");
    }

    /// Every `k`-th bead merged with the next.
    fn merge_every(beads: &[AlignBead], k: usize) -> Vec<AlignBead> {
        let mut out: Vec<AlignBead> = Vec::new();
        for (i, bead) in beads.iter().enumerate() {
            match out.last_mut() {
                Some(prev) if i % k == 1 => {
                    prev.0.extend_from_slice(&bead.0);
                    prev.1.extend_from_slice(&bead.1);
                }
                _ => out.push(bead.clone()),
            }
        }
        out
    }

    /// Every bead split into single sentences: 1-1 down the diagonal, then 1-0 or 0-1.
    fn split_singles(beads: &[AlignBead]) -> Vec<AlignBead> {
        let mut out = Vec::new();
        for (zh, en) in beads {
            let n = zh.len().max(en.len());
            for k in 0..n {
                out.push((
                    zh.get(k).into_iter().copied().collect(),
                    en.get(k).into_iter().copied().collect(),
                ));
            }
        }
        out
    }

    /// Every `k`-th bead with two or more en ids gives its last one to the next bead; some
    /// duplicates, empty beads, and dropped beads.
    fn perturb(beads: &[AlignBead], k: usize) -> Vec<AlignBead> {
        let mut out: Vec<AlignBead> = beads.to_vec();
        for i in 0..out.len().saturating_sub(1) {
            if i % k == 0
                && out[i].1.len() >= 2
                && let Some(last) = out[i].1.pop()
            {
                out[i + 1].1.insert(0, last);
            }
        }
        let mut result = Vec::new();
        for (i, bead) in out.into_iter().enumerate() {
            match i % 17 {
                3 => {}
                5 => {
                    result.push(bead.clone());
                    result.push(bead);
                }
                7 => {
                    result.push((vec![], vec![]));
                    result.push(bead);
                }
                _ => result.push(bead),
            }
        }
        result
    }

    fn write_dir(dir: &Path, files: &[(String, Vec<AlignBead>)]) {
        std::fs::create_dir_all(dir).expect("mkdir");
        for (name, beads) in files {
            let text: String = beads.iter().map(bead_line).collect();
            std::fs::write(dir.join(name), text).expect("write test alignment");
        }
    }

    #[test]
    fn agrees_with_alignscore_on_mac_dev() {
        let gold_dir = shared("eval/mac-dev/gold");
        let Some(script) = reference_scorer().filter(|_| gold_dir.is_dir()) else {
            println!("note: ../shared/eval/mac-dev or python3 absent; agreement test skipped");
            return;
        };
        let loaded = load_dirs(&gold_dir, &gold_dir, None).expect("read gold");
        let gold: Vec<(String, Vec<AlignBead>)> = loaded
            .names
            .into_iter()
            .zip(loaded.pairs.into_iter().map(|(g, _)| g))
            .collect();
        type Variant = fn(usize, &[AlignBead]) -> Option<Vec<AlignBead>>;
        let variants: [(&str, Variant); 5] = [
            ("identical", |_, g| Some(g.to_vec())),
            ("merged", |_, g| Some(merge_every(g, 4))),
            ("split", |_, g| Some(split_singles(g))),
            ("perturbed", |i, g| match i {
                4 => Some(vec![]),
                5 => None,
                _ => Some(perturb(g, 3)),
            }),
            ("mixed", |i, g| {
                Some(match i % 3 {
                    0 => perturb(&merge_every(g, 5), 2),
                    1 => split_singles(&merge_every(g, 3)),
                    _ => merge_every(&split_singles(g), 2),
                })
            }),
        ];
        let tmp = tempfile::tempdir().expect("tempdir");
        for (label, variant) in variants {
            let test_dir = tmp.path().join(label);
            let files: Vec<(String, Vec<AlignBead>)> = gold
                .iter()
                .enumerate()
                .filter_map(|(i, (name, g))| variant(i, g).map(|t| (name.clone(), t)))
                .collect();
            write_dir(&test_dir, &files);
            let reference = run_reference(&script, &[&gold_dir, &test_dir]);
            let ours = evaluate_dirs(&gold_dir, &test_dir, None).expect("evaluate");
            assert_agrees(&format!("mac-dev {label}"), &reference, &ours);
        }
    }

    #[test]
    fn agrees_with_alignscore_on_bible_verses() {
        let bible = shared("eval/bible");
        let gold_dir = bible.join("gold");
        let Some(script) = reference_scorer().filter(|_| gold_dir.join("001.align").exists())
        else {
            println!("note: ../shared/eval/bible or python3 absent; --verses test skipped");
            return;
        };
        let (zh, en) = (bible.join("zh.verse"), bible.join("en.verse"));
        let gold = read_align(&gold_dir.join("001.align")).expect("read gold");
        let variants: [(&str, Vec<AlignBead>); 3] = [
            ("split", split_singles(&gold)),
            ("perturbed", split_singles(&perturb(&gold, 7))),
            ("merged", split_singles(&merge_every(&gold, 9))),
        ];
        let tmp = tempfile::tempdir().expect("tempdir");
        for (label, test) in variants {
            let test_dir = tmp.path().join(label);
            write_dir(&test_dir, &[("001.align".to_string(), test)]);
            let args: [&Path; 5] = [Path::new("--verses"), &zh, &en, &gold_dir, &test_dir];
            let reference = run_reference(&script, &args);
            let ours = evaluate_dirs(&gold_dir, &test_dir, Some((&zh, &en))).expect("evaluate");
            assert_agrees(&format!("bible 001 --verses {label}"), &reference, &ours);
        }
    }
}
