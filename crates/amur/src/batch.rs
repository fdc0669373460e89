//! Batch mode: many document pairs in one run, spread over the cores of a machine and, with
//! shards, over machines.
//!
//! * Pairs come from a directory, matched by name, or from a manifest ([`pairs_from`]); they
//!   are sorted by name, and a [`Shard`] takes every N-th of them.
//! * [`run`] aligns pairs in parallel. Each pair leaves, in the output directory, its output
//!   `NAME.EXT` in the chosen format and, in [`RECORDS`], its record: `NAME.tsv` (its row of
//!   the summary, also written when the pair failed) and `NAME.tmx` (its translation units).
//!   The output is written last, so a pair whose output exists has its record; `--resume`
//!   skips such pairs. Every file is written atomically.
//! * [`merge`] joins the records of one or more output directories (shards) into
//!   [`MERGED`], every unit with its document name as `x-document` prop, and [`SUMMARY`].
//!
//! Records, not the outputs, feed the merge because they hold what every output format
//! lacks: the units for the merged TMX whatever the chosen format, and the counts of the summary.

use amur_core::bead::Alignment;
use amur_core::corpus::{CorpusLexicon, Learning, Observations};
use amur_core::pipeline::Config;
use amur_core::text::{self, TextError};
use amur_formats::document::ReadOptions;
use amur_formats::pair;
use amur_tm::export::{self, ExportError, ExportOptions, Format, Keep};
use quick_xml::events::Event;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

/// Directory (inside the output directory) of the per-pair records.
pub const RECORDS: &str = ".amur-batch";
/// File name of the merged TMX.
pub const MERGED: &str = "merged.tmx";
/// File name of the summary table.
pub const SUMMARY: &str = "summary.tsv";
/// Pair names that would collide with [`MERGED`] or [`SUMMARY`].
const RESERVED: &[&str] = &["merged", "summary"];

/// Why the pairs could not be listed, or the records not merged.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Format(#[from] amur_formats::FormatError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(
        "{0}: no document pairs found (expected zh/NAME.EXT with en/NAME.EXT, or NAME.zh.EXT with NAME.en.EXT; EXT: txt, docx, odt, html, htm, xhtml, md, markdown)"
    )]
    NoPairs(PathBuf),
    #[error("{path}: line {line}: {why}")]
    Manifest {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error("pair name {name:?}: {why}")]
    BadName { name: String, why: &'static str },
    #[error("pair {name:?} is listed twice: {first} and {second}")]
    Duplicate {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "pair {name:?} has two {language} files, {first} and {second}: keep one, or list the pairs in a manifest"
    )]
    Ambiguous {
        name: String,
        language: &'static str,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{0}: no batch records here (is it an output directory of `amur batch`?)")]
    NoRecords(PathBuf),
    #[error("{path}: not a record of `amur batch`: {why}")]
    BadRecord { path: PathBuf, why: String },
    /// A side of a pair is not in its language (see `amur_core::report::side_problems`).
    #[error("{path}: {why} (--force aligns it anyway)")]
    WrongLanguage { path: PathBuf, why: String },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BatchError + '_ {
    move |source| BatchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One document pair: its name (the stem of its outputs) and its two files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub name: String,
    pub zh: PathBuf,
    pub en: PathBuf,
}

/// The pairs of a batch, sorted by name, and warnings about files that found no partner.
#[derive(Debug, Default)]
pub struct Input {
    pub pairs: Vec<Pair>,
    pub warnings: Vec<String>,
}

/// The pairs of `input`: a directory ([`discover`]) or a manifest file ([`read_manifest`]).
pub fn pairs_from(input: &Path) -> Result<Input, BatchError> {
    if input.is_dir() {
        discover(input)
    } else {
        Ok(Input {
            pairs: read_manifest(input)?,
            warnings: Vec::new(),
        })
    }
}

/// Pairs in a directory, matched by name: `zh/NAME.EXT` with `en/NAME.EXT`, and
/// `NAME.zh.EXT` with `NAME.en.EXT` (both layouts may be mixed), where EXT is any extension
/// amur reads ([`amur_formats::EXTENSIONS`]: txt, docx, odt, html, htm, xhtml, md, markdown) and may
/// differ between the two sides (`zh/001.docx` with `en/001.md`). A file without its partner
/// is a warning; two files for the same name on one side (`zh/001.txt` and `zh/001.docx`) are
/// an error naming both; hidden files and other extensions are ignored.
pub fn discover(dir: &Path) -> Result<Input, BatchError> {
    let mut sides: [BTreeMap<String, PathBuf>; 2] = Default::default();
    for (k, (lang, language)) in [("zh", "Chinese"), ("en", "English")]
        .into_iter()
        .enumerate()
    {
        let sub = dir.join(lang);
        if sub.is_dir() {
            for (name, path) in document_files(&sub)? {
                if let Some(stem) = amur_formats::document_stem(&name) {
                    insert(&mut sides[k], language, stem, path)?;
                }
            }
        }
        for (name, path) in document_files(dir)? {
            if let Some(stem) = side_stem(&name, lang) {
                insert(&mut sides[k], language, stem, path)?;
            }
        }
    }
    let [zh, mut en] = sides;
    let mut input = Input::default();
    for (name, zh_path) in zh {
        match en.remove(&name) {
            Some(en_path) => input.pairs.push(Pair {
                name,
                zh: zh_path,
                en: en_path,
            }),
            None => input.warnings.push(format!(
                "{}: no English file with the same name; skipped",
                zh_path.display()
            )),
        }
    }
    input.warnings.extend(en.values().map(|p| {
        format!(
            "{}: no Chinese file with the same name; skipped",
            p.display()
        )
    }));
    if input.pairs.is_empty() {
        return Err(BatchError::NoPairs(dir.to_path_buf()));
    }
    for p in &input.pairs {
        check_name(&p.name)?;
    }
    Ok(input)
}

/// The pair name of a file named `NAME.LANG.EXT` (EXT one of [`formats::EXTENSIONS`], LANG
/// `zh` or `en`): `001.zh.docx` → `001` for `zh`; none for another language or extension.
pub fn side_stem<'a>(file_name: &'a str, lang: &str) -> Option<&'a str> {
    let stem = amur_formats::document_stem(file_name)?.strip_suffix(lang)?;
    stem.strip_suffix('.').filter(|s| !s.is_empty())
}

/// Files given by name only (uploaded, not in a directory), paired as [`discover`] pairs the
/// files of one directory: `NAME.zh.EXT` with `NAME.en.EXT`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NamePairs {
    /// (name, index of the Chinese file, index of the English file), sorted by name.
    pub pairs: Vec<(String, usize, usize)>,
    /// Files without a partner, named twice on one side, or not named `NAME.zh.EXT` or
    /// `NAME.en.EXT`: one message each, naming the file.
    pub warnings: Vec<String>,
}

/// Pairs `names` (file names, no directories) by [`side_stem`].
pub fn pair_names(names: &[&str]) -> NamePairs {
    let mut sides: [BTreeMap<&str, usize>; 2] = Default::default();
    let mut out = NamePairs::default();
    for (i, name) in names.iter().enumerate() {
        let found = ["zh", "en"]
            .iter()
            .enumerate()
            .find_map(|(k, lang)| Some((k, side_stem(name, lang)?)));
        match found {
            Some((k, stem)) if sides[k].contains_key(stem) => out.warnings.push(format!(
                "{name}: a second file for {stem:?} on the same side; skipped"
            )),
            Some((k, stem)) => {
                sides[k].insert(stem, i);
            }
            None => out.warnings.push(format!(
                "{name}: not named NAME.zh.EXT or NAME.en.EXT (EXT: {}); skipped",
                amur_formats::EXTENSIONS.join(", ")
            )),
        }
    }
    let [zh, mut en] = sides;
    for (stem, z) in zh {
        match en.remove(stem) {
            Some(e) => out.pairs.push((stem.to_string(), z, e)),
            None => out.warnings.push(format!(
                "{}: no English file with the same name; skipped",
                names[z]
            )),
        }
    }
    out.warnings.extend(
        en.values()
            .map(|&e| format!("{}: no Chinese file with the same name; skipped", names[e])),
    );
    out
}

/// The files directly in `dir` with an extension amur reads (file name, path), sorted by
/// name, hidden ones left out.
fn document_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, BatchError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || amur_formats::document_stem(&name).is_none()
            || !entry.path().is_file()
        {
            continue;
        }
        out.push((name, entry.path()));
    }
    out.sort();
    Ok(out)
}

fn insert(
    side: &mut BTreeMap<String, PathBuf>,
    language: &'static str,
    name: &str,
    path: PathBuf,
) -> Result<(), BatchError> {
    if let Some(first) = side.get(name) {
        return Err(BatchError::Ambiguous {
            name: name.to_string(),
            language,
            first: first.clone(),
            second: path,
        });
    }
    side.insert(name.to_string(), path);
    Ok(())
}

/// Reads a manifest: one pair per line, `zh path<TAB>en path<TAB>name`. The name may be left
/// out (then it is the Chinese file's name without its extension and `.zh`: `a.zh.docx`
/// gives `a`); relative paths are relative to the manifest's directory; blank lines and lines
/// starting with `#` are skipped.
pub fn read_manifest(path: &Path) -> Result<Vec<Pair>, BatchError> {
    let text = text::read_file(path)?;
    let base = path.parent().unwrap_or(Path::new(""));
    let bad = |line: usize, why: String| BatchError::Manifest {
        path: path.to_path_buf(),
        line,
        why,
    };
    let mut pairs: Vec<Pair> = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let (zh, en, name) = match fields[..] {
            [zh, en] => (zh, en, None),
            [zh, en, name] => (zh, en, Some(name)),
            _ => {
                return Err(bad(
                    k + 1,
                    format!(
                        "expected zh path<TAB>en path<TAB>name, found {} fields",
                        fields.len()
                    ),
                ));
            }
        };
        if zh.is_empty() || en.is_empty() {
            return Err(bad(k + 1, "a file path is empty".into()));
        }
        let zh = base.join(zh);
        let name = match name {
            Some(n) => n.to_string(),
            None => {
                let file = zh.file_name().map(|f| f.to_string_lossy().into_owned());
                let file = file.unwrap_or_default();
                let stem = amur_formats::document_stem(&file).unwrap_or(&file);
                stem.strip_suffix(".zh").unwrap_or(stem).to_string()
            }
        };
        check_name(&name).map_err(|e| bad(k + 1, e.to_string()))?;
        if let Some(first) = seen.insert(name.clone(), zh.clone()) {
            return Err(BatchError::Duplicate {
                name,
                first,
                second: zh,
            });
        }
        pairs.push(Pair {
            name,
            zh,
            en: base.join(en),
        });
    }
    if pairs.is_empty() {
        return Err(BatchError::NoPairs(path.to_path_buf()));
    }
    pairs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(pairs)
}

/// A pair name must work as a file name on its own and not collide with the batch's files.
fn check_name(name: &str) -> Result<(), BatchError> {
    let why = if name.is_empty() {
        Some("empty")
    } else if name.starts_with('.') {
        Some("may not start with a dot")
    } else if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        Some("may not contain a slash or a control character")
    } else if RESERVED.contains(&name) {
        Some("reserved for the merged outputs (merged.tmx, summary.tsv)")
    } else {
        None
    };
    match why {
        Some(why) => Err(BatchError::BadName {
            name: name.to_string(),
            why,
        }),
        None => Ok(()),
    }
}

/// A deterministic share of the pairs for one machine: shard `k` of `n` (1-based) takes the
/// pairs whose index in name order, modulo `n`, is `k - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// The items of this shard, in their order.
    pub fn select<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.n == self.k - 1)
            .map(|(_, x)| x)
            .collect()
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?}: expected K/N with 1 ≤ K ≤ N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// The environment variable that gives the number of shards of a Kubernetes Indexed Job
/// (Kubernetes passes each pod its index, `JOB_COMPLETION_INDEX`, but not the count).
pub const SHARD_COUNT_VAR: &str = "AMUR_SHARD_COUNT";

/// Why `--shard auto` found no shard in the environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardEnvError {
    #[error(
        "no scheduler environment: neither a Slurm array task (SLURM_ARRAY_TASK_ID) nor a \
         Kubernetes Indexed Job (JOB_COMPLETION_INDEX) is set; give --shard K/N"
    )]
    None,
    #[error(
        "both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set: cannot tell which \
         scheduler runs this task; give --shard K/N"
    )]
    Both,
    #[error("{var}={value:?}: not a whole number")]
    NotANumber { var: &'static str, value: String },
    #[error("{0} is set but not {1}: {2}")]
    Missing(&'static str, &'static str, &'static str),
    #[error(
        "Slurm array task {id} does not fit the array {min}-{max}:{step} of {count} tasks (a \
         list such as --array=1,5,6 has no shard numbering): use a range, or --shard K/N"
    )]
    Irregular {
        id: u64,
        min: u64,
        max: u64,
        step: u64,
        count: u64,
    },
    #[error("JOB_COMPLETION_INDEX={index} is not below {SHARD_COUNT_VAR}={count}")]
    IndexTooLarge { index: u64, count: u64 },
    #[error("{SHARD_COUNT_VAR}=0: the number of shards must be at least 1")]
    ZeroCount,
}

impl Shard {
    /// The shard of this task, from the scheduler's environment, read through `var` (e.g.
    /// `|name| std::env::var(name).ok()`):
    ///
    /// * a Slurm job array task: task `SLURM_ARRAY_TASK_ID` of the range `SLURM_ARRAY_TASK_MIN`
    ///   to `SLURM_ARRAY_TASK_MAX` by `SLURM_ARRAY_TASK_STEP` (1 if unset) is shard
    ///   `(id − min) / step + 1` of `SLURM_ARRAY_TASK_COUNT` (or, without it, of the range's
    ///   length), so `--array=0-15` and `--array=1-16` both give shards 1/16 … 16/16. An array
    ///   given as a list that is not such a range (`--array=1,5,6`) is refused;
    /// * a Kubernetes Indexed Job pod: `JOB_COMPLETION_INDEX` (from 0) + 1 of
    ///   [`SHARD_COUNT_VAR`], which the Job's spec sets to its `completions`.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardEnvError> {
        let num = |name: &'static str| -> Result<Option<u64>, ShardEnvError> {
            match var(name) {
                None => Ok(None),
                Some(value) => match value.trim().parse() {
                    Ok(n) => Ok(Some(n)),
                    Err(_) => Err(ShardEnvError::NotANumber { var: name, value }),
                },
            }
        };
        match (num("SLURM_ARRAY_TASK_ID")?, num("JOB_COMPLETION_INDEX")?) {
            (None, None) => Err(ShardEnvError::None),
            (Some(_), Some(_)) => Err(ShardEnvError::Both),
            (Some(id), None) => slurm_shard(
                id,
                num("SLURM_ARRAY_TASK_MIN")?,
                num("SLURM_ARRAY_TASK_MAX")?,
                num("SLURM_ARRAY_TASK_STEP")?,
                num("SLURM_ARRAY_TASK_COUNT")?,
            ),
            (None, Some(index)) => {
                let count = num(SHARD_COUNT_VAR)?.ok_or(ShardEnvError::Missing(
                    "JOB_COMPLETION_INDEX",
                    SHARD_COUNT_VAR,
                    "set it in the Job's env to its completions",
                ))?;
                match count {
                    0 => Err(ShardEnvError::ZeroCount),
                    c if index >= c => Err(ShardEnvError::IndexTooLarge { index, count }),
                    c => Ok(Shard {
                        k: to_usize(index + 1),
                        n: to_usize(c),
                    }),
                }
            }
        }
    }
}

/// Shard of Slurm array task `id`, given the array's variables (see [`Shard::from_env`]).
fn slurm_shard(
    id: u64,
    min: Option<u64>,
    max: Option<u64>,
    step: Option<u64>,
    count: Option<u64>,
) -> Result<Shard, ShardEnvError> {
    let (Some(min), Some(max)) = (min, max) else {
        return Err(ShardEnvError::Missing(
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX",
            "give --shard K/N",
        ));
    };
    let step = step.unwrap_or(1).max(1);
    let span = max.checked_sub(min);
    let count = count.or(span.map(|s| s / step + 1)).unwrap_or(0);
    let irregular = ShardEnvError::Irregular {
        id,
        min,
        max,
        step,
        count,
    };
    // The tasks are min, min + step, …, max: exactly `count` of them, `id` one of them.
    let regular = span.is_some_and(|s| s.is_multiple_of(step) && s / step + 1 == count)
        && id >= min
        && id <= max
        && (id - min).is_multiple_of(step);
    if !regular {
        return Err(irregular);
    }
    Ok(Shard {
        k: to_usize((id - min) / step + 1),
        n: to_usize(count),
    })
}

/// Task numbers fit in `usize` on every platform amur runs on (64-bit); saturate otherwise.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// How to run the pairs of a batch.
#[derive(Debug, Clone)]
pub struct Options {
    pub outdir: PathBuf,
    pub format: Format,
    /// How to read the Chinese and the English file of every pair.
    pub zh_read: ReadOptions,
    pub en_read: ReadOptions,
    pub config: Config,
    /// Template of every pair's export options; the Chinese language code and the document
    /// name are set per pair.
    pub export: ExportOptions,
    /// Skip pairs whose output exists.
    pub resume: bool,
    /// Align pairs whose sides are not in their languages (held out of the merge, as suspect).
    pub force: bool,
    /// Units below this confidence go to `NAME.weak.tmx`, not to the pair's TMX or the merge.
    pub min_confidence: Option<f64>,
}

impl Options {
    /// Where the output of pair `name` goes.
    pub fn output(&self, name: &str) -> PathBuf {
        self.outdir.join(format!("{name}.{}", self.format.name()))
    }
}

/// What became of one pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Aligned now; its row of the summary.
    Aligned(Row),
    /// Its output was there already (`--resume`).
    Skipped,
    /// It could not be aligned or written; the reason.
    Failed(String),
}

/// Aligns `pairs` in parallel (rayon, on the current thread pool) and writes their outputs
/// and records; `done` is called as each pair finishes. One pair failing does not stop the
/// others. Fails only when the output directory cannot be created.
pub fn run(
    pairs: &[Pair],
    opts: &Options,
    done: &(dyn Fn(&Pair, &Outcome) + Sync),
) -> Result<Vec<Outcome>, BatchError> {
    let records = opts.outdir.join(RECORDS);
    std::fs::create_dir_all(&records).map_err(io_err(&records))?;
    Ok(pairs
        .par_iter()
        .map(|p| {
            let outcome = run_pair(p, opts);
            done(p, &outcome);
            outcome
        })
        .collect())
}

/// Aligns one pair and writes its record and output (skipped when resuming and the output
/// exists). A failure is recorded too, so that the summary names it.
pub fn run_pair(pair: &Pair, opts: &Options) -> Outcome {
    let output = opts.output(&pair.name);
    if opts.resume && output.exists() {
        return Outcome::Skipped;
    }
    let started = Instant::now();
    match align_and_write(pair, opts, &output, started) {
        Ok(row) => Outcome::Aligned(row),
        Err(err) => {
            let err = err.to_string();
            let records = opts.outdir.join(RECORDS);
            // Best effort: a stale unit record must not reach the merged TMX, and the summary
            // should name the failure. Neither can hide the failure itself, reported here.
            let _ = std::fs::remove_file(records.join(format!("{}.tmx", pair.name)));
            let row = Row::failed(&pair.name, &err, started.elapsed().as_secs_f64());
            let _ = write_record_row(&records, &row);
            Outcome::Failed(err)
        }
    }
}

/// The corpus lexicon of a batch: every pair aligned (in parallel, nothing written), its
/// beads of at least `learning.min_confidence` observed, and what they teach under `loaded`
/// (whose entries win; see [`CorpusLexicon::merged_with`]). Pairs that cannot be read are
/// left out here (the run that follows reports them). `done` is called as each pair is
/// aligned.
pub fn learn(
    pairs: &[Pair],
    opts: &Options,
    learning: &Learning,
    loaded: Option<&CorpusLexicon>,
    done: &(dyn Fn(&Pair) + Sync),
) -> CorpusLexicon {
    let config = Config {
        corpus: Default::default(),
        ..opts.config.clone()
    };
    // Each pair's observations, joined in name order: the lexicon is the same on every run.
    let parts: Vec<Observations> = pairs
        .par_iter()
        .map(|p| {
            let mut one = Observations::default();
            if let Ok(al) = pair::align_files(&p.zh, &p.en, &opts.zh_read, &opts.en_read, &config) {
                one.add(&al.alignment, learning.min_confidence);
            }
            done(p);
            one
        })
        .collect();
    let mut obs = Observations::default();
    for part in parts {
        obs.extend(part);
    }
    let learned = learning.lexicon(&obs);
    match loaded {
        Some(l) => l.merged_with(&learned),
        None => learned,
    }
}

fn align_and_write(
    pair: &Pair,
    opts: &Options,
    output: &Path,
    started: Instant,
) -> Result<Row, BatchError> {
    let al = pair::align_files(
        &pair.zh,
        &pair.en,
        &opts.zh_read,
        &opts.en_read,
        &opts.config,
    )?
    .alignment;
    if !opts.force
        && let Some(p) = amur_core::report::side_problems(&al).first()
    {
        let path = if p.side() == 0 { &pair.zh } else { &pair.en };
        return Err(BatchError::WrongLanguage {
            path: path.clone(),
            why: p.to_string(),
        });
    }
    let export_opts = ExportOptions {
        src_lang: amur_core::report::zh_lang_code(&al).to_string(),
        doc_name: Some(pair.name.clone()),
        keep: match opts.min_confidence {
            Some(x) => Keep::AtLeast(x),
            None => Keep::All,
        },
        ..opts.export.clone()
    };
    let records = opts.outdir.join(RECORDS);
    export::write_file(&records.join(format!("{}.tmx", pair.name)), |w| {
        export::write(&al, Format::Tmx, &export_opts, w)
    })?;
    if let Some(x) = opts.min_confidence {
        let weak = ExportOptions {
            keep: Keep::Below(x),
            ..export_opts.clone()
        };
        export::write_file(&opts.outdir.join(format!("{}.weak.tmx", pair.name)), |w| {
            export::write(&al, Format::Tmx, &weak, w)
        })?;
    }
    let row = Row::of(
        &pair.name,
        &al,
        amur_core::report::lexical_lift(&al, &opts.config),
        &export_opts.src_lang,
        started.elapsed().as_secs_f64(),
    );
    write_record_row(&records, &row)?;
    export::write_file(output, |w| export::write(&al, opts.format, &export_opts, w))?;
    Ok(row)
}

fn write_record_row(records: &Path, row: &Row) -> Result<(), BatchError> {
    let path = records.join(format!("{}.tsv", row.name));
    export::write_file(&path, |w| {
        writeln!(w, "{}", Row::HEADER)?;
        writeln!(w, "{}", row.to_tsv())
    })?;
    Ok(())
}

/// State of a pair in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Failed,
    /// In the batch but without a record: not run yet (another shard?), or its output was
    /// written by something else than `amur batch`.
    Missing,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Missing => "missing",
        }
    }
}

/// Bead types with a column of their own in the summary; the rest count as "other".
pub const KINDS: [&str; 5] = ["1-1", "1-2", "2-1", "1-0", "0-1"];

/// One row of the summary: a pair, or the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub status: Status,
    /// TMX code of the Chinese side ("zh-CN", "zh-TW"); empty when the pair failed.
    pub zh_lang: String,
    pub zh_sentences: usize,
    pub en_sentences: usize,
    /// Beads of the types [`KINDS`], then all others.
    pub beads: [usize; 6],
    /// Mean confidence over beads with both sides (see [`Alignment::mean_confidence`]).
    pub mean_confidence: f64,
    /// Dictionary matches of the aligned beads over random pairings ([`amur_core::report::lexical_lift`]).
    pub lift: Option<f64>,
    pub seconds: f64,
    pub error: String,
    /// Why the pair is suspect (sides in the wrong language, sizes that do not fit, looks
    /// unrelated), `; `-separated; empty when it is not. Suspect pairs are held out of the
    /// merge unless asked otherwise.
    pub suspect: String,
}

impl Row {
    const HEADER: &str = "name\tstatus\tzh_lang\tzh_sentences\ten_sentences\tbeads\t1-1\t1-2\t2-1\t1-0\t0-1\tother\tmean_confidence\tlexical_lift\tlooks_unrelated\tsuspect\tseconds\terror";

    fn empty(name: &str, status: Status) -> Row {
        Row {
            name: name.to_string(),
            status,
            zh_lang: String::new(),
            zh_sentences: 0,
            en_sentences: 0,
            beads: [0; 6],
            mean_confidence: 0.0,
            lift: None,
            seconds: 0.0,
            error: String::new(),
            suspect: String::new(),
        }
    }

    fn failed(name: &str, error: &str, seconds: f64) -> Row {
        Row {
            error: error.to_string(),
            seconds,
            ..Row::empty(name, Status::Failed)
        }
    }

    /// The row of an aligned pair.
    pub fn of(name: &str, al: &Alignment, lift: Option<f64>, zh_lang: &str, seconds: f64) -> Row {
        let mut beads = [0; 6];
        for (kind, n) in amur_core::report::bead_counts(al) {
            let k = KINDS.iter().position(|&x| x == kind).unwrap_or(5);
            beads[k] += n;
        }
        let mut row = Row {
            zh_lang: zh_lang.to_string(),
            zh_sentences: al.zh.len(),
            en_sentences: al.en.len(),
            beads,
            mean_confidence: al.mean_confidence(),
            lift,
            seconds,
            ..Row::empty(name, Status::Ok)
        };
        let mut reasons: Vec<&str> = Vec::new();
        if !amur_core::report::side_problems(al).is_empty() {
            reasons.push("a side in the wrong language");
        }
        if amur_core::report::size_problem(al).is_some() {
            reasons.push("sizes that do not fit a translation");
        }
        if row.looks_unrelated() {
            reasons.push("looks unrelated");
        }
        row.suspect = reasons.join("; ");
        row
    }

    /// Whether the pair aligned but is suspect (see [`Row::suspect`]).
    pub fn is_suspect(&self) -> bool {
        self.status == Status::Ok && !self.suspect.is_empty()
    }

    /// All beads.
    pub fn bead_total(&self) -> usize {
        self.beads.iter().sum()
    }

    /// Beads with both sides, over which the mean confidence is taken.
    fn full_beads(&self) -> usize {
        self.bead_total() - self.beads[3] - self.beads[4]
    }

    pub fn sentences(&self) -> usize {
        self.zh_sentences + self.en_sentences
    }

    pub fn looks_unrelated(&self) -> bool {
        self.status == Status::Ok
            && amur_core::report::looks_unrelated(
                self.mean_confidence,
                self.lift,
                self.full_beads(),
            )
    }

    fn to_tsv(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut cells = vec![
            clean(&self.name),
            self.status.name().to_string(),
            self.zh_lang.clone(),
            self.zh_sentences.to_string(),
            self.en_sentences.to_string(),
            self.bead_total().to_string(),
        ];
        cells.extend(self.beads.iter().map(usize::to_string));
        cells.extend([
            format!("{:.4}", self.mean_confidence),
            self.lift.map_or(String::new(), |l| format!("{l:.2}")),
            if self.looks_unrelated() { "yes" } else { "" }.to_string(),
            clean(&self.suspect),
            format!("{:.2}", self.seconds),
            clean(&self.error),
        ]);
        cells.join("\t")
    }

    /// The header of records written before the `suspect` column (amur before issue 15).
    fn old_header() -> String {
        Row::HEADER.replace("\tsuspect", "")
    }

    /// A row of a record written before the `suspect` column: read as today's, with the pair
    /// suspect only if it looks unrelated (the one check older records allow).
    fn from_old_tsv(line: &str) -> Result<Row, String> {
        let suspect = Row::HEADER
            .split('\t')
            .position(|c| c == "suspect")
            .expect("the header has a suspect column");
        let mut f: Vec<&str> = line.split('\t').collect();
        if f.len() > suspect {
            f.insert(suspect, "");
        }
        let mut row = Row::from_tsv(&f.join("\t"))?;
        if row.looks_unrelated() {
            row.suspect = "looks unrelated".to_string();
        }
        Ok(row)
    }

    fn from_tsv(line: &str) -> Result<Row, String> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != Row::HEADER.split('\t').count() {
            return Err(format!(
                "expected {} columns, found {}",
                Row::HEADER.split('\t').count(),
                f.len()
            ));
        }
        let num = |i: usize| -> Result<usize, String> {
            f[i].parse()
                .map_err(|_| format!("column {}: {:?} is not a count", i + 1, f[i]))
        };
        let real = |i: usize| -> Result<f64, String> {
            f[i].parse()
                .map_err(|_| format!("column {}: {:?} is not a number", i + 1, f[i]))
        };
        let status = match f[1] {
            "ok" => Status::Ok,
            "failed" => Status::Failed,
            other => return Err(format!("unknown status {other:?}")),
        };
        let mut beads = [0; 6];
        for (k, b) in beads.iter_mut().enumerate() {
            *b = num(6 + k)?;
        }
        Ok(Row {
            name: f[0].to_string(),
            status,
            zh_lang: f[2].to_string(),
            zh_sentences: num(3)?,
            en_sentences: num(4)?,
            beads,
            mean_confidence: real(12)?,
            lift: if f[13].is_empty() {
                None
            } else {
                Some(real(13)?)
            },
            suspect: f[15].to_string(),
            seconds: real(16)?,
            error: f[17].to_string(),
        })
    }
}

/// The summary of a batch: one row per pair, in name order.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub rows: Vec<Row>,
    /// Units in the merged TMX (when one was written).
    pub merged_units: Option<usize>,
    /// Suspect pairs go into the merge too (`--keep-suspect`).
    pub keep_suspect: bool,
}

impl Summary {
    /// The total over all pairs (mean confidence weighted by beads with both sides).
    pub fn total(&self) -> Row {
        let mut t = Row::empty("total", Status::Ok);
        let mut weighted = 0.0;
        for r in &self.rows {
            t.zh_sentences += r.zh_sentences;
            t.en_sentences += r.en_sentences;
            for k in 0..6 {
                t.beads[k] += r.beads[k];
            }
            t.seconds += r.seconds;
            weighted += r.mean_confidence * r.full_beads() as f64;
        }
        if t.full_beads() > 0 {
            t.mean_confidence = weighted / t.full_beads() as f64;
        }
        t
    }

    pub fn with_status(&self, status: Status) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.status == status).collect()
    }

    pub fn unrelated(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.looks_unrelated()).collect()
    }

    /// Pairs held out of the merge: the suspect ones, unless they are kept.
    pub fn held_out(&self) -> Vec<&Row> {
        if self.keep_suspect {
            return Vec::new();
        }
        self.rows.iter().filter(|r| r.is_suspect()).collect()
    }

    /// `summary.tsv`: a header, one row per pair, and the total (status `total`).
    pub fn to_tsv(&self) -> String {
        let mut out = format!("{}\n", Row::HEADER);
        for r in &self.rows {
            out.push_str(&r.to_tsv());
            out.push('\n');
        }
        let total = self.total().to_tsv();
        // The total's status column says what the row is; its "looks unrelated" cell is empty.
        let mut cells: Vec<&str> = total.split('\t').collect();
        cells[1] = "total";
        cells[13] = "";
        out.push_str(&cells.join("\t"));
        out.push('\n');
        out
    }

    /// The table printed at the end of a batch.
    pub fn to_text(&self) -> String {
        let t = self.total();
        let names = |rows: &[&Row]| {
            let mut list: Vec<&str> = rows.iter().take(10).map(|r| r.name.as_str()).collect();
            if rows.len() > 10 {
                list.push("…");
            }
            list.join(", ")
        };
        let (ok, failed, missing) = (
            self.with_status(Status::Ok),
            self.with_status(Status::Failed),
            self.with_status(Status::Missing),
        );
        let mut kinds: Vec<String> = KINDS
            .iter()
            .zip(t.beads)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        kinds.push(format!("other {}", t.beads[5]));
        let mut lines = vec![
            format!(
                "pairs           {} ({} aligned, {} failed{})",
                self.rows.len(),
                ok.len(),
                failed.len(),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(", {} missing", missing.len())
                }
            ),
            format!(
                "sentences       {} zh / {} en",
                t.zh_sentences, t.en_sentences
            ),
            format!("beads           {} ({})", t.bead_total(), kinds.join(", ")),
            format!("mean confidence {:.2}", t.mean_confidence),
        ];
        let unrelated = self.unrelated();
        lines.push(format!(
            "look unrelated  {}{}",
            unrelated.len(),
            if unrelated.is_empty() {
                String::new()
            } else {
                format!(
                    " (lexical lift < {} or mean confidence < {}): {}",
                    amur_core::report::UNRELATED_LIFT,
                    amur_core::report::UNRELATED_CONFIDENCE,
                    names(&unrelated)
                )
            }
        ));
        let suspect: Vec<&Row> = self.rows.iter().filter(|r| r.is_suspect()).collect();
        if !suspect.is_empty() {
            let listed: Vec<String> = suspect
                .iter()
                .take(10)
                .map(|r| format!("{} ({})", r.name, r.suspect))
                .chain((suspect.len() > 10).then(|| "…".to_string()))
                .collect();
            lines.push(format!(
                "{}{} {}: {}",
                if self.keep_suspect {
                    "suspect, merged "
                } else {
                    "held out        "
                },
                suspect.len(),
                if self.keep_suspect {
                    "(--keep-suspect)"
                } else {
                    "(written per pair, not in merged.tmx or --terms; --keep-suspect lets them in)"
                },
                listed.join(", ")
            ));
        }
        if !failed.is_empty() {
            lines.push(format!("failed          {}", names(&failed)));
        }
        if !missing.is_empty() {
            lines.push(format!("missing         {}", names(&missing)));
        }
        if let Some(units) = self.merged_units {
            lines.push(format!("merged units    {units}"));
        }
        lines.join("\n")
    }
}

/// Records gathered from output directories.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub summary: Summary,
    /// Records ignored, and why.
    pub warnings: Vec<String>,
    /// Pair name → the record directory its record was taken from.
    sources: BTreeMap<String, PathBuf>,
}

/// The records of one or more output directories, by pair name. With `names`, exactly those
/// pairs, a pair without a record being [`Status::Missing`]; without, every record found
/// (a name recorded in two directories is taken from the first, with a warning).
pub fn collect(dirs: &[PathBuf], names: Option<&[String]>) -> Result<Collected, BatchError> {
    let mut found: BTreeMap<String, (Row, PathBuf)> = BTreeMap::new();
    let mut warnings = Vec::new();
    for dir in dirs {
        let records = dir.join(RECORDS);
        if !records.is_dir() {
            if names.is_some() {
                continue; // nothing has run there yet: every pair is missing
            }
            return Err(BatchError::NoRecords(dir.clone()));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&records)
            .map_err(io_err(&records))?
            .map(|e| e.map(|e| e.path()).map_err(io_err(&records)))
            .collect::<Result<_, _>>()?;
        files.retain(|p| p.extension().is_some_and(|e| e == "tsv"));
        files.sort();
        for path in files {
            let (row, old) = read_record_row(&path)?;
            if old {
                warnings.push(format!(
                    "{}: written by an earlier amur (no suspect column): pair {} was not checked \
                     for sides in the wrong language or sizes that do not fit; align it again \
                     (without --resume) to check it",
                    path.display(),
                    row.name
                ));
            }
            if let Some((_, first)) = found.get(&row.name) {
                warnings.push(format!(
                    "{}: pair {} was recorded in {} already; this record is ignored",
                    path.display(),
                    row.name,
                    first.display()
                ));
                continue;
            }
            found.insert(row.name.clone(), (row, records.clone()));
        }
    }
    let rows = match names {
        Some(names) => names
            .iter()
            .map(|n| match found.get(n) {
                Some((row, _)) => row.clone(),
                None => Row::empty(n, Status::Missing),
            })
            .collect(),
        None => found.values().map(|(row, _)| row.clone()).collect(),
    };
    Ok(Collected {
        summary: Summary {
            rows,
            merged_units: None,
            keep_suspect: false,
        },
        warnings,
        sources: found.into_iter().map(|(n, (_, dir))| (n, dir)).collect(),
    })
}

/// A record's row, and whether an earlier amur wrote it (without the `suspect` column).
fn read_record_row(path: &Path) -> Result<(Row, bool), BatchError> {
    let bad = |why: String| BatchError::BadRecord {
        path: path.to_path_buf(),
        why,
    };
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let mut lines = text.lines();
    let header = lines.next();
    let line = lines.next().unwrap_or_default();
    let (row, old) = if header == Some(Row::HEADER) {
        (Row::from_tsv(line).map_err(bad)?, false)
    } else if header == Some(Row::old_header().as_str()) {
        (Row::from_old_tsv(line).map_err(bad)?, true)
    } else {
        return Err(bad("unexpected header".into()));
    };
    if path.file_stem().is_some_and(|s| s != row.name.as_str()) {
        return Err(bad(format!("it names pair {:?}", row.name)));
    }
    Ok((row, old))
}

/// Merges records into `out`: [`MERGED`] with the units of every pair that aligned, in name
/// order, and [`SUMMARY`]. `dirs` and `names` as in [`collect`]. `template` gives the merged
/// header (the source language is the pairs' Chinese code, or `*all*` when they differ).
pub fn merge(
    dirs: &[PathBuf],
    names: Option<&[String]>,
    out: &Path,
    template: &ExportOptions,
    keep_suspect: bool,
) -> Result<Collected, BatchError> {
    let mut collected = collect(dirs, names)?;
    let summary = &mut collected.summary;
    summary.keep_suspect = keep_suspect;
    let parts: Vec<PathBuf> = summary
        .rows
        .iter()
        .filter(|r| r.status == Status::Ok && (keep_suspect || !r.is_suspect()))
        .filter_map(|r| {
            let dir = collected.sources.get(&r.name)?;
            Some(dir.join(format!("{}.tmx", r.name)))
        })
        .collect();
    let langs: BTreeSet<&str> = summary
        .rows
        .iter()
        .filter(|r| r.status == Status::Ok && (keep_suspect || !r.is_suspect()))
        .map(|r| r.zh_lang.as_str())
        .collect();
    let header_opts = ExportOptions {
        src_lang: match langs.len() {
            1 => langs.into_iter().next().unwrap_or("zh-CN").to_string(),
            0 => template.src_lang.clone(),
            _ => "*all*".to_string(), // TMX: units differ in their source language
        },
        doc_name: None,
        ..template.clone()
    };
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let mut units = 0;
    export::write_file(&out.join(MERGED), |w| {
        units = write_merged(&parts, &header_opts, w)?;
        Ok(())
    })?;
    summary.merged_units = Some(units);
    let tsv = summary.to_tsv();
    export::write_file(&out.join(SUMMARY), |w| w.write_all(tsv.as_bytes()))?;
    Ok(collected)
}

/// Writes one TMX with the header of an empty export under `opts` and the units of every part,
/// copied byte for byte. Returns the number of units.
fn write_merged(parts: &[PathBuf], opts: &ExportOptions, w: &mut dyn Write) -> io::Result<usize> {
    write_merged_head(opts, w)?;
    let mut count = 0;
    for path in parts {
        let text = std::fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        count += write_units_of(&text, w)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    }
    w.write_all(b"\n  </body>\n</tmx>\n")?;
    Ok(count)
}

/// One TMX from several TMX documents that amur wrote (each [`export::write`] output): the
/// header of an empty export under `opts`, then the units of every part in order, copied byte
/// for byte. Returns the number of units.
pub fn merge_tmx_texts(
    parts: &[String],
    opts: &ExportOptions,
    w: &mut dyn Write,
) -> io::Result<usize> {
    write_merged_head(opts, w)?;
    let mut count = 0;
    for text in parts {
        count += write_units_of(text, w)?;
    }
    w.write_all(b"\n  </body>\n</tmx>\n")?;
    Ok(count)
}

/// Writes the prolog, header and `<body>` of an empty export under `opts`.
fn write_merged_head(opts: &ExportOptions, w: &mut dyn Write) -> io::Result<()> {
    let mut empty = Vec::new();
    export::write(&Alignment::default(), Format::Tmx, opts, &mut empty)?;
    let empty = String::from_utf8(empty).map_err(io::Error::other)?;
    let (head, _, _) = split_tmx(&empty).map_err(io::Error::other)?;
    w.write_all(head.as_bytes())?;
    w.write_all(b"<body>")
}

/// Writes the units inside the `<body>` of TMX `text`; returns how many.
fn write_units_of(text: &str, w: &mut dyn Write) -> io::Result<usize> {
    let (_, units, n) =
        split_tmx(text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    if n > 0 {
        w.write_all(b"\n    ")?;
        w.write_all(units.as_bytes())?;
    }
    Ok(n)
}

/// Splits a TMX document: the text before `<body>`, the text inside it (trimmed) and the
/// number of `<tu>` in it.
fn split_tmx(text: &str) -> Result<(&str, &str, usize), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut head, mut inner) = (None, None);
    let mut depth = 0usize;
    let mut body_depth = None;
    let mut count = 0;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) => {
                depth += 1;
                if e.name().0 == "body" && body_depth.is_none() {
                    body_depth = Some(depth);
                    head = Some(before);
                    inner = Some((after, after));
                } else if e.name().0 == "tu" && body_depth == Some(depth - 1) {
                    count += 1;
                }
            }
            Event::End(e) => {
                if e.name().0 == "body" && body_depth == Some(depth) {
                    if let Some((start, _)) = inner {
                        inner = Some((start, before));
                    }
                    body_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Empty(e) => {
                if e.name().0 == "body" && head.is_none() {
                    head = Some(before);
                    inner = Some((after, after));
                } else if e.name().0 == "tu" && body_depth == Some(depth) {
                    count += 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match (head, inner) {
        (Some(h), Some((s, e))) => Ok((&text[..h], text[s..e].trim(), count)),
        _ => Err("no <body> element".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use amur_core::bead::{Bead, Sentence};

    #[test]
    fn uploaded_names_pair_as_a_directory_does() {
        let names = [
            "b.en.md",
            "a.zh.docx",
            "a.en.html",
            "b.zh.txt",
            "c.zh.txt",
            "notes.pdf",
            "a.zh.TXT",
            "d.en.odt",
        ];
        let got = pair_names(&names);
        assert_eq!(
            got.pairs,
            vec![("a".to_string(), 1, 2), ("b".to_string(), 3, 0)]
        );
        let w = got.warnings.join("\n");
        for name in ["c.zh.txt", "notes.pdf", "a.zh.TXT", "d.en.odt"] {
            assert!(w.contains(name), "{name} in {w}");
        }
        assert_eq!(side_stem("x.zh.docx", "zh"), Some("x"));
        assert_eq!(side_stem(".zh.docx", "zh"), None);
        assert_eq!(side_stem("xzh.docx", "zh"), None);
    }

    #[test]
    fn shards_split_pairs_by_index_modulo_n() {
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!(s, Shard { k: 2, n: 3 });
        assert_eq!(s.select((0..8).collect()), vec![1, 4, 7]);
        let all: Vec<i32> = (1..=3)
            .flat_map(|k| Shard { k, n: 3 }.select((0..8).collect()))
            .collect();
        assert_eq!(all.len(), 8);
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert_eq!(s.to_string(), "2/3");
    }

    /// `Shard::from_env` over the given variables only.
    fn shard_of(vars: &[(&str, &str)]) -> Result<Shard, ShardEnvError> {
        Shard::from_env(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The variables Slurm sets in task `id` of `--array=min-max:step`.
    fn slurm(id: u64, min: u64, max: u64, step: u64) -> Result<Shard, ShardEnvError> {
        let count = (max - min) / step + 1;
        let (id, min, max, step, count) = (
            id.to_string(),
            min.to_string(),
            max.to_string(),
            step.to_string(),
            count.to_string(),
        );
        shard_of(&[
            ("SLURM_JOB_ID", "77"),
            ("SLURM_ARRAY_JOB_ID", "77"),
            ("SLURM_ARRAY_TASK_ID", &id),
            ("SLURM_ARRAY_TASK_MIN", &min),
            ("SLURM_ARRAY_TASK_MAX", &max),
            ("SLURM_ARRAY_TASK_STEP", &step),
            ("SLURM_ARRAY_TASK_COUNT", &count),
        ])
    }

    #[test]
    fn slurm_array_tasks_are_numbered_from_the_start_of_the_array() {
        assert_eq!(slurm(1, 1, 4, 1), Ok(Shard { k: 1, n: 4 }));
        assert_eq!(slurm(4, 1, 4, 1), Ok(Shard { k: 4, n: 4 }));
        // --array=0-15 and --array=101-116: the same shards as --array=1-16.
        assert_eq!(slurm(0, 0, 15, 1), Ok(Shard { k: 1, n: 16 }));
        assert_eq!(slurm(15, 0, 15, 1), Ok(Shard { k: 16, n: 16 }));
        assert_eq!(slurm(103, 101, 116, 1), Ok(Shard { k: 3, n: 16 }));
        // --array=1-7:2 runs tasks 1, 3, 5 and 7.
        assert_eq!(slurm(5, 1, 7, 2), Ok(Shard { k: 3, n: 4 }));
        // Every task of an array gets its own shard, and together they cover 1..=N.
        let ks: Vec<usize> = (10..=40)
            .step_by(3)
            .map(|id| slurm(id, 10, 40, 3).unwrap().k)
            .collect();
        assert_eq!(ks, (1..=11).collect::<Vec<_>>());
    }

    #[test]
    fn slurm_count_comes_from_min_and_max_when_slurm_does_not_give_it() {
        let got = shard_of(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
        ]);
        assert_eq!(got, Ok(Shard { k: 4, n: 8 }));
    }

    #[test]
    fn slurm_arrays_that_are_not_ranges_are_refused() {
        // --array=1,5,6: three tasks between 1 and 6.
        let list = shard_of(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
            ("SLURM_ARRAY_TASK_STEP", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert!(
            matches!(list, Err(ShardEnvError::Irregular { .. })),
            "{list:?}"
        );
        let msg = list.unwrap_err().to_string();
        assert!(msg.contains("--shard K/N"), "{msg}");
        // A task outside its array, or off its step.
        assert!(slurm(9, 1, 4, 1).is_err());
        assert!(slurm(4, 1, 7, 2).is_err());
        // A job that is not an array task, or an array without its bounds.
        let not_array = shard_of(&[("SLURM_JOB_ID", "77")]);
        assert_eq!(not_array, Err(ShardEnvError::None));
        let no_bounds = shard_of(&[("SLURM_ARRAY_TASK_ID", "2")]);
        assert!(matches!(no_bounds, Err(ShardEnvError::Missing(..))));
        let garbage = shard_of(&[
            ("SLURM_ARRAY_TASK_ID", "two"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "4"),
        ]);
        assert_eq!(
            garbage,
            Err(ShardEnvError::NotANumber {
                var: "SLURM_ARRAY_TASK_ID",
                value: "two".into()
            })
        );
    }

    #[test]
    fn kubernetes_indexed_jobs_count_from_zero_with_the_count_given() {
        let pod =
            |index: &str| shard_of(&[("JOB_COMPLETION_INDEX", index), (SHARD_COUNT_VAR, "16")]);
        assert_eq!(pod("0"), Ok(Shard { k: 1, n: 16 }));
        assert_eq!(pod("15"), Ok(Shard { k: 16, n: 16 }));
        assert_eq!(
            pod("16"),
            Err(ShardEnvError::IndexTooLarge {
                index: 16,
                count: 16
            })
        );
        let no_count = shard_of(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(
            no_count
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains(SHARD_COUNT_VAR),
            "{no_count:?}"
        );
        let zero = shard_of(&[("JOB_COMPLETION_INDEX", "0"), (SHARD_COUNT_VAR, "0")]);
        assert_eq!(zero, Err(ShardEnvError::ZeroCount));
    }

    #[test]
    fn no_scheduler_or_two_of_them_is_an_error() {
        assert_eq!(shard_of(&[]), Err(ShardEnvError::None));
        assert_eq!(
            shard_of(&[(SHARD_COUNT_VAR, "4")]),
            Err(ShardEnvError::None)
        );
        let both = shard_of(&[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "4"),
            ("JOB_COMPLETION_INDEX", "0"),
            (SHARD_COUNT_VAR, "4"),
        ]);
        assert_eq!(both, Err(ShardEnvError::Both));
    }

    #[test]
    fn directories_match_pairs_by_name_in_both_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("zh")).unwrap();
        std::fs::create_dir_all(d.join("en")).unwrap();
        for f in [
            "zh/001.txt",
            "en/001.txt",
            "zh/002.txt",
            "en/003.txt",
            "004.zh.txt",
            "004.en.txt",
            "notes.txt",
            "en/.hidden.txt",
        ] {
            std::fs::write(d.join(f), "x\n").unwrap();
        }
        let input = discover(d).unwrap();
        let names: Vec<&str> = input.pairs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["001", "004"]);
        assert_eq!(input.pairs[1].zh, d.join("004.zh.txt"));
        assert_eq!(input.warnings.len(), 2, "{:?}", input.warnings);
        assert!(input.warnings[0].contains("002.txt"));

        std::fs::write(d.join("001.zh.txt"), "x\n").unwrap();
        let err = discover(d).unwrap_err();
        assert!(matches!(err, BatchError::Ambiguous { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("two Chinese files") && msg.contains("001.zh.txt"),
            "{msg}"
        );
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            discover(empty.path()),
            Err(BatchError::NoPairs(_))
        ));
    }

    #[test]
    fn directories_match_pairs_whatever_the_extensions() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("zh")).unwrap();
        std::fs::create_dir_all(d.join("en")).unwrap();
        for f in [
            "zh/001.html",
            "en/001.md",
            "002.zh.docx",
            "002.en.ODT",
            "zh/003.htm",
            "en/003.txt",
            "zh/004.pdf",
            "en/004.txt",
            "005.zh.markdown",
            "005.en.xhtml",
            "zh/.006.docx",
            "en/006.docx",
            "en/.zh",
            ".zh.txt",
        ] {
            std::fs::write(d.join(f), "x\n").unwrap();
        }
        let input = discover(d).unwrap();
        let got: Vec<(&str, PathBuf, PathBuf)> = input
            .pairs
            .iter()
            .map(|p| (p.name.as_str(), p.zh.clone(), p.en.clone()))
            .collect();
        let want = |n, zh: &str, en: &str| (n, d.join(zh), d.join(en));
        assert_eq!(
            got,
            [
                want("001", "zh/001.html", "en/001.md"),
                want("002", "002.zh.docx", "002.en.ODT"),
                want("003", "zh/003.htm", "en/003.txt"),
                want("005", "005.zh.markdown", "005.en.xhtml"),
            ]
        );
        // zh/004.pdf is not a document amur reads; its English file has no partner.
        assert_eq!(input.warnings.len(), 2, "{:?}", input.warnings);
        assert!(
            input.warnings[0].contains("004.txt"),
            "{:?}",
            input.warnings
        );
        assert!(
            input.warnings[1].contains("006.docx"),
            "{:?}",
            input.warnings
        );

        std::fs::write(d.join("en/002.txt"), "x\n").unwrap();
        let msg = discover(d).unwrap_err().to_string();
        assert!(
            msg.contains("two English files")
                && msg.contains("002.en.ODT")
                && msg.contains("en/002.txt"),
            "{msg}"
        );
    }

    #[test]
    fn manifests_resolve_paths_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("list.tsv");
        std::fs::write(
            &m,
            "# zh\ten\tname\n\nb/zh.txt\tb/en.txt\tbeta\n/abs/a.zh.txt\t/abs/a-en.txt\nc.zh.docx\tc.en.md\n",
        )
        .unwrap();
        let pairs = read_manifest(&m).unwrap();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].name, "a");
        assert_eq!(pairs[2].name, "c");
        assert_eq!(pairs[0].zh, PathBuf::from("/abs/a.zh.txt"));
        assert_eq!(pairs[1].name, "beta");
        assert_eq!(pairs[1].en, dir.path().join("b/en.txt"));

        for (text, want) in [
            ("a.txt\n", "line 1"),
            ("a.txt\tb.txt\tmerged\n", "reserved"),
            ("a.txt\tb.txt\tx/y\n", "slash"),
            ("a.txt\tb.txt\tx\nc.txt\td.txt\tx\n", "listed twice"),
        ] {
            std::fs::write(&m, text).unwrap();
            let err = read_manifest(&m).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    fn s(t: &str) -> Sentence {
        Sentence {
            text: t.into(),
            paragraph: 0,
        }
    }

    #[test]
    fn rows_round_trip_and_totals_weigh_confidence_by_beads() {
        let al = Alignment {
            zh: vec![s("甲。"), s("乙。"), s("丙。"), s("丁。")],
            en: vec![s("A."), s("B."), s("C.")],
            beads: vec![
                Bead {
                    zh: 0..1,
                    en: 0..2,
                    confidence: 0.75,
                },
                Bead {
                    zh: 1..3,
                    en: 2..3,
                    confidence: 0.25,
                },
                Bead {
                    zh: 3..4,
                    en: 3..3,
                    confidence: 0.0,
                },
            ],
        };
        let row = Row::of("a", &al, Some(7.25), "zh-CN", 1.5);
        assert_eq!(row.beads, [0, 1, 1, 1, 0, 0]);
        assert_eq!(row.mean_confidence, 0.5);
        assert_eq!(Row::from_tsv(&row.to_tsv()).unwrap(), row);
        let failed = Row::failed("b", "a.txt: not\tUTF-8", 0.1);
        let back = Row::from_tsv(&failed.to_tsv()).unwrap();
        assert_eq!(back.error, "a.txt: not UTF-8");

        let mut one = Row::of("c", &al, None, "zh-TW", 1.0);
        one.beads = [5, 0, 0, 0, 0, 0];
        one.mean_confidence = 0.2;
        let summary = Summary {
            rows: vec![row, failed, one],
            merged_units: Some(6),
            keep_suspect: false,
        };
        let t = summary.total();
        assert_eq!(t.bead_total(), 8);
        // (0.5 × 2 + 0.2 × 5) / 7: the 1-0 bead is left out.
        assert!((t.mean_confidence - 2.0 / 7.0).abs() < 1e-9);
        assert_eq!(summary.unrelated().len(), 1);
        let tsv = summary.to_tsv();
        assert_eq!(tsv.lines().count(), 5);
        assert!(tsv.lines().last().unwrap().starts_with("total\ttotal\t"));
        let text = summary.to_text();
        assert!(text.contains("3 (2 aligned, 1 failed)"), "{text}");
        assert!(
            text.contains("look unrelated  1 (lexical lift < 3 or mean confidence < 0.3): c"),
            "{text}"
        );
    }

    #[test]
    fn merged_tmx_keeps_every_unit_and_one_header() {
        let dir = tempfile::tempdir().unwrap();
        let al = Alignment {
            zh: vec![s("甲。"), s("乙。")],
            en: vec![s("A & B."), s("C.")],
            beads: vec![
                Bead {
                    zh: 0..1,
                    en: 0..1,
                    confidence: 0.9,
                },
                Bead {
                    zh: 1..2,
                    en: 1..2,
                    confidence: 0.7,
                },
            ],
        };
        let mut parts = Vec::new();
        for name in ["a", "b"] {
            let opts = ExportOptions {
                doc_name: Some(name.into()),
                ..ExportOptions::default()
            };
            let p = dir.path().join(format!("{name}.tmx"));
            export::write_file(&p, |w| export::write(&al, Format::Tmx, &opts, w)).unwrap();
            parts.push(p);
        }
        let empty = Alignment::default();
        let p = dir.path().join("empty.tmx");
        export::write_file(&p, |w| {
            export::write(&empty, Format::Tmx, &ExportOptions::default(), w)
        })
        .unwrap();
        parts.push(p);
        let mut out = Vec::new();
        let opts = ExportOptions {
            src_lang: "*all*".into(),
            ..ExportOptions::default()
        };
        assert_eq!(write_merged(&parts, &opts, &mut out).unwrap(), 4);
        let text = String::from_utf8(out).unwrap();
        let (_, units, n) = split_tmx(&text).unwrap();
        assert_eq!(n, 4);
        assert_eq!(text.matches("<header").count(), 1);
        assert!(text.contains(r#"srclang="*all*""#));
        assert_eq!(
            units.matches(r#"<prop type="x-document">b</prop>"#).count(),
            2
        );
        assert!(text.contains("A &amp; B."));
        let mut reader = quick_xml::Reader::from_str(&text);
        while !matches!(reader.read_event().unwrap(), Event::Eof) {}
    }
}
