//! `amur glossary`: extract term lists from aligned text, merge and check glossary files, and
//! lint aligned text against a glossary. The work is done in `amur::glossary`; this module
//! reads the inputs, writes the outputs and reports.

use super::{ReadOpts, refuse_overwriting_input};
use amur_core::glossary::Glossary;
use amur_core::pipeline::Config;
use amur_formats::pair;
use amur_glossary::extract::{self, ExtractOptions};
use amur_glossary::units::{self, Unit};
use amur_glossary::{lint, merge};
use amur_tm::export;
use amur_tm::glossary_formats::{self, GlossaryFormat};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Find recurring terms and this translator's renderings of them in aligned text (TMX,
    /// alignment JSON, or document pairs aligned first).
    Extract(ExtractArgs),
    /// Merge glossaries: union, duplicates removed, conflicting renderings reported.
    Merge(MergeArgs),
    /// Check glossary files for format errors and duplicates (exit 1 if any).
    Check(CheckArgs),
    /// List aligned units (of TMX, alignment JSON, or document pairs) whose English lacks the
    /// glossary's rendering of a term their Chinese contains.
    Lint(LintArgs),
}

/// Aligned input: TMX files, JSON files written by `amur align -o x.json`, or document pairs
/// to align.
#[derive(clap::Args)]
struct Input {
    /// Aligned files: TMX (any tool's, TMX 1.1 to 1.4b, UTF-8 or UTF-16; in each unit the
    /// Chinese side and the other language, whichever is the source) or the JSON that
    /// `amur align -o x.json` writes.
    aligned: Vec<PathBuf>,
    /// A Chinese document and its English translation, aligned first; repeatable.
    #[arg(long, num_args = 2, value_names = ["ZH", "EN"])]
    pair: Vec<PathBuf>,
    #[command(flatten)]
    read: ReadOpts,
    /// Do not use amur's period lexicon (1910s official usage, glossaries/period-1910s.tsv),
    /// which otherwise steers the alignment of --pair documents (and, in `extract`, the
    /// choice of terms and renderings).
    #[arg(long)]
    no_period_lexicon: bool,
}

#[derive(clap::Args)]
struct ExtractArgs {
    #[command(flatten)]
    input: Input,
    /// A glossary (TSV, CSV or TBX) that steers the alignment of --pair documents; repeatable.
    #[arg(long)]
    glossary: Vec<PathBuf>,
    /// Where to write the term list; `-` for standard output. The format follows the
    /// extension (.tsv .csv .tbx) unless --format says otherwise. It may not be an input.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format: tsv, csv or tbx.
    #[arg(long)]
    format: Option<GlossaryFormat>,
    /// Least number of times a term pair must occur together.
    #[arg(long, default_value_t = 2)]
    min_freq: usize,
    /// Keep only the N best pairs.
    #[arg(long)]
    top: Option<usize>,
    /// Include single-character Chinese words.
    #[arg(long)]
    single_char: bool,
    /// Least association score (Dice, 0–1) of a pair.
    #[arg(long, default_value_t = 0.3)]
    min_score: f64,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Glossaries to merge (TSV, CSV or TBX by extension), in order of precedence.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The merged glossary; `-` for standard output. It may not be one of the inputs.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format: tsv, csv or tbx.
    #[arg(long)]
    format: Option<GlossaryFormat>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Glossary files (TSV, CSV or TBX by extension).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct LintArgs {
    #[command(flatten)]
    input: Input,
    /// The glossary to check against (TSV, CSV or TBX; it also steers the alignment of --pair
    /// documents); repeatable.
    #[arg(long, short, required = true)]
    glossary: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    match &args.command {
        Command::Extract(a) => run_extract(a),
        Command::Merge(a) => run_merge(a),
        Command::Check(a) => run_check(a),
        Command::Lint(a) => run_lint(a),
    }
}

/// The output format: --format, else the extension.
fn output_format(output: &Path, format: Option<GlossaryFormat>) -> Result<GlossaryFormat> {
    if let Some(f) = format {
        return Ok(f);
    }
    if output.as_os_str() == "-" {
        return Ok(GlossaryFormat::Tsv);
    }
    GlossaryFormat::from_path(output).with_context(|| {
        format!(
            "{}: cannot tell the format from the extension; use --format tsv|csv|tbx",
            output.display()
        )
    })
}

/// Writes a glossary to a file (atomically) or to standard output.
fn write_glossary(g: &Glossary, output: &Path, format: GlossaryFormat) -> Result<()> {
    if output.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        amur_tm::glossary_formats::write(g, format, &mut out).or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })?;
        return Ok(());
    }
    export::write_file(output, |w| amur_tm::glossary_formats::write(g, format, w))?;
    Ok(())
}

/// Every file a command reads: the aligned files, the --pair documents and the glossaries.
fn input_files<'a>(input: &'a Input, glossaries: &'a [PathBuf]) -> Vec<&'a Path> {
    input
        .aligned
        .iter()
        .chain(&input.pair)
        .chain(glossaries)
        .map(PathBuf::as_path)
        .collect()
}

/// Reads several glossaries into one.
fn read_glossaries(paths: &[PathBuf]) -> Result<Glossary> {
    let mut g = Glossary::default();
    for p in paths {
        g.extend(amur_tm::glossary_formats::read(p)?);
    }
    Ok(g)
}

/// All units of the input: JSON files as they are, pairs aligned here.
fn read_input(input: &Input, steer: &Glossary, quiet: bool) -> Result<Vec<Unit>> {
    if input.aligned.is_empty() && input.pair.is_empty() {
        bail!("no input: give aligned TMX or JSON files, or --pair ZH EN");
    }
    let mut all = Vec::new();
    for path in &input.aligned {
        all.extend(read_aligned(path)?);
    }
    for pair in input.pair.chunks(2) {
        let [zh, en] = pair else {
            bail!("--pair takes two files, ZH and EN");
        };
        all.extend(align_pair(zh, en, input, steer, quiet)?);
    }
    Ok(all)
}

/// Units of one aligned file, by extension.
fn read_aligned(path: &Path) -> Result<Vec<Unit>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => Ok(units::read_json(path)?),
        Some("tmx") => Ok(units::read_tmx(path)?),
        _ => bail!(
            "{}: expected a TMX file (.tmx) or an alignment JSON file (amur align ... -o x.json), \
             or use --pair",
            path.display()
        ),
    }
}

/// Aligns a document pair with the library, as `amur align` does (same reading options), and
/// returns its units.
fn align_pair(
    zh: &Path,
    en: &Path,
    input: &Input,
    steer: &Glossary,
    quiet: bool,
) -> Result<Vec<Unit>> {
    let read = &input.read;
    let config = Config {
        glossary: steer.clone(),
        period_lexicon: !input.no_period_lexicon,
        ..Config::default()
    };
    let pair::Aligned {
        alignment: al,
        notes,
    } = pair::align_files(
        zh,
        en,
        &read.document_options(0),
        &read.document_options(1),
        &config,
    )?;
    let name = units::doc_name(zh, Some(en));
    if !quiet {
        for note in &notes {
            eprintln!("amur: note: {note}");
        }
        eprintln!(
            "aligned {name}: {} beads, mean confidence {:.2}",
            al.beads.len(),
            al.mean_confidence()
        );
    }
    Ok(units::from_alignment(&name, &al))
}

fn run_extract(a: &ExtractArgs) -> Result<()> {
    refuse_overwriting_input(&a.output, &input_files(&a.input, &a.glossary))?;
    let format = output_format(&a.output, a.format)?;
    let steer = read_glossaries(&a.glossary)?;
    let units = read_input(&a.input, &steer, a.quiet)?;
    let opts = ExtractOptions {
        min_freq: a.min_freq.max(1),
        top: a.top,
        single_char: a.single_char,
        min_score: a.min_score,
        period_lexicon: !a.input.no_period_lexicon,
        ..ExtractOptions::default()
    };
    let terms = extract::extract(&units, &opts);
    write_glossary(&extract::to_glossary(&terms), &a.output, format)?;
    if !a.quiet {
        eprintln!("{} terms from {} aligned units", terms.len(), units.len());
    }
    Ok(())
}

fn run_merge(a: &MergeArgs) -> Result<()> {
    refuse_overwriting_input(&a.output, &a.inputs)?;
    let format = output_format(&a.output, a.format)?;
    let mut inputs = Vec::new();
    for p in &a.inputs {
        inputs.push((p.display().to_string(), amur_tm::glossary_formats::read(p)?));
    }
    let merged = merge::merge(&inputs);
    write_glossary(&merged.glossary, &a.output, format)?;
    let mut err = std::io::stderr().lock();
    for c in &merged.conflicts {
        writeln!(err, "conflict: {c}")?;
    }
    writeln!(
        err,
        "{} terms, {} duplicates removed, {} conflicts",
        merged.glossary.terms.len(),
        merged.duplicates,
        merged.conflicts.len()
    )?;
    Ok(())
}

fn run_check(a: &CheckArgs) -> Result<()> {
    let mut total = 0;
    let mut out = std::io::stdout().lock();
    for path in &a.files {
        let problems = glossary_formats::check(path)?;
        for p in &problems {
            writeln!(out, "{}: {p}", path.display())?;
        }
        total += problems.len();
    }
    if total > 0 {
        bail!("{total} problems in {} files", a.files.len());
    }
    writeln!(out, "{} files OK", a.files.len())?;
    Ok(())
}

fn run_lint(a: &LintArgs) -> Result<()> {
    let glossary = read_glossaries(&a.glossary)?;
    let units = read_input(&a.input, &glossary, true)?;
    let findings = lint::lint(&units, &glossary);
    let mut out = std::io::stdout().lock();
    for f in &findings {
        writeln!(
            out,
            "{}\t{}\texpected: {}\t{}",
            f.unit,
            f.term,
            f.expected.join(" | "),
            f.en
        )?;
    }
    let mut flagged: Vec<&str> = findings.iter().map(|f| f.unit.as_str()).collect();
    flagged.dedup();
    writeln!(
        out,
        "{} missing renderings in {} of {} units",
        findings.len(),
        flagged.len(),
        units.len()
    )?;
    if !findings.is_empty() {
        bail!(
            "{} of {} units miss a rendering the glossary gives",
            flagged.len(),
            units.len()
        );
    }
    Ok(())
}
