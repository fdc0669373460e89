//! `amur batch`: align many document pairs in parallel, with a progress bar, per-pair outputs,
//! one merged TMX and a summary; `amur batch merge` joins the outputs of shards.

use super::{ReadOpts, refuse_overwriting_input, same_destination};
use amur::batch::{self, Options, Outcome, Pair, Shard, Status, Summary};
use amur_core::corpus::Learning;
use amur_core::glossary::Glossary;
use amur_core::pipeline::Config;
use amur_glossary::extract::{self, ExtractOptions};
use amur_glossary::units;
use amur_tm::export::{ExportOptions, Format};
use amur_tm::glossary_formats::GlossaryFormat;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Outputs: OUTDIR/NAME.EXT per pair, OUTDIR/merged.tmx (every unit of every pair, \
        with its pair name as <prop type=\"x-document\">), OUTDIR/summary.tsv, and the per-pair \
        records in OUTDIR/.amur-batch/ that --resume and merging read. With --terms FILE, also \
        the recurring terms of the whole corpus, extracted from merged.tmx (every recorded \
        pair, resumed ones included).\n\n\
        On a cluster, run `amur batch IN -o OUT --resume --shard auto` in every task of a Slurm \
        array or Kubernetes Indexed Job (or `--shard K/N` for K = 1..N), then \
        `amur batch IN -o OUT --merge-only`, or `amur batch merge OUT1 OUT2 … -o OUT` when the \
        shards wrote to different directories."
)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    /// A directory of pairs (zh/NAME.EXT with en/NAME.EXT, or NAME.zh.EXT with NAME.en.EXT;
    /// EXT is txt, docx, odt, html, htm, xhtml, md or markdown, and may differ per side),
    /// or a manifest: a TSV file of `zh path<TAB>en path<TAB>name` lines (paths relative to it).
    #[arg(required = true)]
    input: Option<PathBuf>,
    /// Output directory (created if needed).
    #[arg(short, long, required = true)]
    output: Option<PathBuf>,
    /// Format of the per-pair outputs: tmx, tsv, json or align (merged.tmx is always TMX).
    #[arg(long, default_value = "tmx")]
    format: Format,
    /// A glossary for every pair (TSV, CSV or TBX by extension, as in `amur align`);
    /// repeatable.
    #[arg(long)]
    glossary: Vec<PathBuf>,
    /// Do not use amur's period lexicon (1910s official usage, glossaries/period-1910s.tsv), which otherwise steers the alignment and the --terms
    /// extraction.
    #[arg(long)]
    no_period_lexicon: bool,
    #[command(flatten)]
    read: ReadOpts,
    /// Skip pairs whose output already exists (their records still count in the merge).
    #[arg(long, conflicts_with = "merge_only")]
    resume: bool,
    /// Process only shard K of N: the pairs, sorted by name, whose index modulo N is K-1. Writes
    /// per-pair outputs and records but no merged.tmx: merge once every shard is done. `auto`
    /// takes K and N from the scheduler: a Slurm array task (SLURM_ARRAY_TASK_ID, counted
    /// from the array's first task) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX + 1 of
    /// AMUR_SHARD_COUNT, which the Job sets to its completions).
    #[arg(long, value_name = "K/N|auto", value_parser = parse_shard, conflicts_with = "merge_only")]
    shard: Option<Shard>,
    /// Align nothing: join the records in OUTDIR of the pairs of INPUT into merged.tmx and
    /// summary.tsv (pairs without a record are reported missing).
    #[arg(long)]
    merge_only: bool,
    /// Also find the recurring terms of the whole corpus and their renderings, and write them
    /// here (TSV, CSV or TBX by extension): extracted from merged.tmx, i.e. from the units of
    /// every pair recorded in OUTDIR (resumed ones too), once they are merged. With --shard,
    /// give it to the --merge-only run instead.
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    terms: Option<PathBuf>,
    /// Learn translations from the confident beads of all pairs first (every pair is aligned
    /// once more for it), align every pair with them, and write them here: TSV lines
    /// `zh<TAB>en<TAB>score<TAB>beads`, which you may edit. When FILE exists its entries are
    /// read first and win over learned ones (an English `-` keeps a word from being learned).
    /// With --shard, FILE is only read: learn it in one unsharded run first.
    #[arg(long, value_name = "FILE", conflicts_with = "merge_only")]
    lexicon: Option<PathBuf>,
    /// Merge suspect pairs too (a side in the wrong language with --force, sizes that do not
    /// fit a translation, a pair that looks unrelated): by default they are written per pair
    /// but held out of merged.tmx and --terms, and the batch exits with 3.
    #[arg(long)]
    keep_suspect: bool,
    /// Align pairs whose sides are not in their languages (by default such a pair fails);
    /// they are still held out of the merge unless --keep-suspect.
    #[arg(long)]
    force: bool,
    /// Keep units whose confidence is below X out of every pair's TMX and merged.tmx, and
    /// write them to NAME.weak.tmx for review.
    #[arg(long, value_name = "X", value_parser = super::align::parse_confidence)]
    min_confidence: Option<f64>,
    /// Pairs aligned at once and threads used [default: all cores].
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Print nothing but errors and warnings (no progress bar, no summary).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Join the records of output directories (e.g. one per shard) into one merged.tmx and
    /// summary.tsv.
    Merge(MergeArgs),
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Output directories of `amur batch` runs.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write merged.tmx and summary.tsv [default: the first directory].
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Also write the recurring terms of all merged pairs here (TSV, CSV or TBX by extension),
    /// extracted from merged.tmx.
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
    /// Do not use amur's period lexicon (1910s official usage, glossaries/period-1910s.tsv) in the --terms extraction.
    #[arg(long)]
    no_period_lexicon: bool,
    /// Merge suspect pairs too (see `amur batch --help`).
    #[arg(long)]
    keep_suspect: bool,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: &Args) -> Result<()> {
    if let Some(Sub::Merge(m)) = &args.command {
        let out = m.output.clone().unwrap_or_else(|| m.dirs[0].clone());
        let terms = match &m.terms {
            Some(path) => Some(Terms {
                period_lexicon: !m.no_period_lexicon,
                ..terms_output(path, &out, &[], &[])?
            }),
            None => None,
        };
        return merge(&m.dirs, None, &out, terms.as_ref(), m.keep_suspect, m.quiet);
    }
    let (Some(input), Some(outdir)) = (&args.input, &args.output) else {
        bail!("give INPUT and -o OUTDIR"); // clap requires both; kept for the types
    };
    let found = batch::pairs_from(input)?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    let names: Vec<String> = found.pairs.iter().map(|p| p.name.clone()).collect();
    let terms = match &args.terms {
        Some(path) => {
            let mut inputs: Vec<&Path> = vec![input.as_path()];
            inputs.extend(args.glossary.iter().map(PathBuf::as_path));
            for p in &found.pairs {
                inputs.extend([p.zh.as_path(), p.en.as_path()]);
            }
            let outputs: Vec<PathBuf> = if args.merge_only {
                Vec::new()
            } else {
                let ext = args.format.name();
                names
                    .iter()
                    .map(|n| outdir.join(format!("{n}.{ext}")))
                    .collect()
            };
            Some(Terms {
                period_lexicon: !args.no_period_lexicon,
                ..terms_output(path, outdir, &inputs, &outputs)?
            })
        }
        None => None,
    };
    if args.merge_only {
        return merge(
            std::slice::from_ref(outdir),
            Some(&names),
            outdir,
            terms.as_ref(),
            args.keep_suspect,
            args.quiet,
        );
    }
    let pairs = match args.shard {
        Some(shard) => shard.select(found.pairs),
        None => found.pairs,
    };
    let mut glossary = Glossary::default();
    for path in &args.glossary {
        glossary.extend(amur_tm::glossary_formats::read(path)?);
    }
    let mut opts = Options {
        outdir: outdir.clone(),
        format: args.format,
        zh_read: args.read.document_options(0),
        en_read: args.read.document_options(1),
        config: Config {
            glossary,
            period_lexicon: !args.no_period_lexicon,
            ..Config::default()
        },
        export: ExportOptions::default(),
        resume: args.resume,
        force: args.force,
        min_confidence: args.min_confidence,
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = args.jobs {
        pool = pool.num_threads(jobs.max(1));
    }
    let pool = pool.build().context("cannot start the worker threads")?;

    let started = Instant::now();
    if let Some(path) = &args.lexicon {
        let mut inputs: Vec<&Path> = vec![input.as_path()];
        inputs.extend(args.glossary.iter().map(PathBuf::as_path));
        for p in &pairs {
            inputs.extend([p.zh.as_path(), p.en.as_path()]);
        }
        super::refuse_overwriting_input(path, &inputs)?;
        let loaded = match path.exists() {
            true => Some(super::read_lexicon(path)?),
            false => None,
        };
        let lexicon = match (args.shard, loaded) {
            (Some(_), Some(loaded)) => loaded,
            (Some(_), None) => bail!(
                "{}: no such lexicon; with --shard, --lexicon only reads one (learn it in one run without --shard first)",
                path.display()
            ),
            (None, loaded) => {
                if !args.quiet {
                    eprintln!("learning the corpus lexicon from {} pairs", pairs.len());
                }
                let learned = pool.install(|| {
                    batch::learn(
                        &pairs,
                        &opts,
                        &Learning::default(),
                        loaded.as_ref(),
                        &|_| {},
                    )
                });
                super::write_lexicon(path, &learned)?;
                if !args.quiet {
                    eprintln!("{}: {} entries", path.display(), learned.entries.len());
                }
                learned
            }
        };
        opts.config.corpus = std::sync::Arc::new(lexicon);
    }
    let progress = Progress::new(pairs.len() as u64, args.quiet);
    let outcomes = pool.install(|| batch::run(&pairs, &opts, &|p, o| progress.done(p, o)))?;
    progress.finish();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Skipped))
        .count();
    if !args.quiet {
        let seconds = started.elapsed().as_secs_f64();
        let sentences = progress.sentences.load(Ordering::Relaxed);
        eprintln!(
            "{} of {} pairs aligned{}, {failed} failed; {sentences} sentences in {seconds:.1} s ({:.0} sentences/s)",
            outcomes.len() - failed - skipped,
            outcomes.len(),
            if skipped > 0 {
                format!(", {skipped} skipped (output exists)")
            } else {
                String::new()
            },
            sentences as f64 / seconds.max(1e-9),
        );
    }
    match args.shard {
        None => merge(
            std::slice::from_ref(outdir),
            Some(&names),
            outdir,
            terms.as_ref(),
            args.keep_suspect,
            args.quiet,
        ),
        Some(shard) => {
            let share: Vec<String> = pairs.iter().map(|p| p.name.clone()).collect();
            let summary = batch::collect(std::slice::from_ref(outdir), Some(&share))?.summary;
            if !args.quiet {
                println!("shard {shard}\n{}", summary.to_text());
                println!(
                    "when all {} shards are done: amur batch {} -o {} --merge-only",
                    shard.n,
                    input.display(),
                    outdir.display()
                );
            }
            check(&summary, None)
        }
    }
}

/// `--shard`: `K/N`, or `auto` for the shard the scheduler's environment gives this task (read
/// when the arguments are parsed, so that a task without one stops with a usage error before
/// any work).
fn parse_shard(arg: &str) -> Result<Shard, String> {
    if arg.trim().eq_ignore_ascii_case("auto") {
        Shard::from_env(|name| std::env::var(name).ok()).map_err(|e| e.to_string())
    } else {
        arg.parse().map_err(|e| format!("{e}, or auto"))
    }
}

/// The term list to write: its path and format.
struct Terms {
    path: PathBuf,
    format: GlossaryFormat,
    /// Whether the extraction uses the period lexicon.
    period_lexicon: bool,
}

/// Checks `--terms PATH` before any work: a glossary format by extension, not one of the
/// `inputs` (documents, manifest, glossaries), not merged.tmx or summary.tsv of `outdir`, and
/// not one of the per-pair `outputs`.
fn terms_output(
    path: &Path,
    outdir: &Path,
    inputs: &[&Path],
    outputs: &[PathBuf],
) -> Result<Terms> {
    let format = GlossaryFormat::from_path(path).with_context(|| {
        format!(
            "{}: cannot tell the term list format from the extension (.tsv .csv .tbx)",
            path.display()
        )
    })?;
    refuse_overwriting_input(path, inputs)?;
    let written = [outdir.join(batch::MERGED), outdir.join(batch::SUMMARY)];
    if let Some(other) = written
        .iter()
        .chain(outputs)
        .find(|o| same_destination(path, o))
    {
        bail!(
            "{}: the term list would overwrite {}, an output of the batch",
            path.display(),
            other.display()
        );
    }
    Ok(Terms {
        path: path.to_path_buf(),
        format,
        period_lexicon: true,
    })
}

/// Merges records into `out`, writes the term list of the merged units when asked, prints the
/// summary, and fails when a pair failed or is missing.
fn merge(
    dirs: &[PathBuf],
    names: Option<&[String]>,
    out: &Path,
    terms: Option<&Terms>,
    keep_suspect: bool,
    quiet: bool,
) -> Result<()> {
    let merged = batch::merge(dirs, names, out, &ExportOptions::default(), keep_suspect)?;
    let summary = &merged.summary;
    for w in &merged.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(terms) = terms {
        write_terms(&out.join(batch::MERGED), terms, quiet)?;
    }
    if !quiet {
        println!("{}", summary.to_text());
        println!(
            "wrote {} and {}",
            out.join(batch::MERGED).display(),
            out.join(batch::SUMMARY).display()
        );
    }
    check(summary, Some(&out.join(batch::SUMMARY)))
}

/// Extracts the terms of every unit of `merged` (as `amur glossary extract merged.tmx` would,
/// with its default options) and writes them.
fn write_terms(merged: &Path, terms: &Terms, quiet: bool) -> Result<()> {
    let units = units::read_tmx(merged)?;
    let opts = ExtractOptions {
        period_lexicon: terms.period_lexicon,
        ..ExtractOptions::default()
    };
    let found = extract::to_glossary(&extract::extract(&units, &opts));
    amur_tm::export::write_file(&terms.path, |w| {
        amur_tm::glossary_formats::write(&found, terms.format, w)
    })?;
    if !quiet {
        eprintln!(
            "{} terms from {} units written to {}",
            found.terms.len(),
            units.len(),
            terms.path.display()
        );
    }
    Ok(())
}

/// Exit status of a batch: an error (1) when any pair failed or has no record; else
/// [`super::HeldOut`] (3) when suspect pairs were held out of the merge; `table` is the
/// summary file to look at.
fn check(summary: &Summary, table: Option<&Path>) -> Result<()> {
    let failed = summary.with_status(Status::Failed).len();
    let missing = summary.with_status(Status::Missing).len();
    if failed + missing > 0 {
        let missing = if missing > 0 {
            format!(", {missing} missing")
        } else {
            String::new()
        };
        let see = table.map(|t| format!(" (see {})", t.display()));
        bail!(
            "{failed} pair(s) failed{missing}{}",
            see.unwrap_or_default()
        );
    }
    let held = summary.held_out();
    if !held.is_empty() {
        let names: Vec<&str> = held.iter().map(|r| r.name.as_str()).collect();
        return Err(super::HeldOut(format!(
            "{} suspect pair(s) held out of {}: {} (--keep-suspect merges them)",
            held.len(),
            batch::MERGED,
            names.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// The progress bar (on stderr, hidden when stderr is not a terminal or with -q), and the
/// running count of sentences aligned.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    sentences: AtomicUsize,
}

impl Progress {
    fn new(pairs: u64, quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(pairs);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} pairs  {msg}  elapsed {elapsed}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            // Redraw while a long pair runs, so that the elapsed time moves.
            bar.enable_steady_tick(std::time::Duration::from_millis(500));
            bar
        };
        Progress {
            bar,
            started: Instant::now(),
            sentences: AtomicUsize::new(0),
        }
    }

    fn done(&self, pair: &Pair, outcome: &Outcome) {
        match outcome {
            Outcome::Aligned(row) => {
                let total =
                    self.sentences.fetch_add(row.sentences(), Ordering::Relaxed) + row.sentences();
                let rate = total as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
                self.bar.set_message(format!("{rate:.0} sentences/s"));
            }
            Outcome::Skipped => {}
            Outcome::Failed(err) => {
                // Printed above the bar (or plainly when there is none).
                self.bar
                    .suspend(|| eprintln!("amur: pair {} failed: {err}", pair.name));
            }
        }
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
