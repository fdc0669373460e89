//! `amur tm`: work with translation memories: merge, convert, stats, filter, search, lookup.
//! Each subcommand reads memories with `amur_tm::tm` and prints or writes what it found.

use super::refuse_overwriting_input;
use amur_tm::export::ExportOptions;
use amur_tm::tm::convert::{self, Written};
use amur_tm::tm::filter::Filter;
use amur_tm::tm::lookup::{self, Lookup};
use amur_tm::tm::merge::Merger;
use amur_tm::tm::search::{self, Term};
use amur_tm::tm::stats::Stats;
use amur_tm::tm::{self, Format, ReadOptions, Unit};
use anyhow::{Result, bail};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    after_help = "Memories are TMX files from amur, OmegaT, Trados, memoQ (TMX 1.1 to 1.4b, \
        UTF-8 or UTF-16), or TSV, CSV and JSON tables. Inline tags (<bpt>, <ph> ...) are \
        stripped when reading: only the text is compared and written. Files are read as \
        streams, so memories of any size can be counted, searched and filtered.\n\n\
        Examples:\n  \
        amur tm stats big.tmx\n  \
        amur tm merge a.tmx b.tmx -o all.tmx\n  \
        amur tm filter all.tmx --min-confidence 0.8 -o good.tmx\n  \
        amur tm convert good.tmx -o good.csv\n  \
        amur tm search 交涉 all.tmx\n  \
        amur tm lookup \"交涉已有結果。\" all.tmx\n\n\
        amur tm COMMAND --help tells more about each."
)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Merge memories into one: exact duplicates dropped, conflicting translations reported.
    #[command(
        long_about = "Merge translation memories into one TMX.\n\n\
            Units are kept in input order. A unit with the same source and target as an earlier \
            one is dropped. A source translated differently in different units is a conflict: \
            every translation is kept (the CAT tool offers each) and the conflict is listed on \
            standard error with the file and line of each translation, for review.",
        after_help = "Example:\n  amur tm merge client.tmx amur-aligned.tmx -o merged.tmx"
    )]
    Merge(MergeArgs),
    /// Convert a memory between TMX, TSV, CSV and JSON.
    #[command(
        long_about = "Convert a translation memory between TMX, TSV, CSV and JSON; the formats \
            follow the file extensions.\n\n\
            TSV: source<TAB>target lines (tabs and line breaks inside a text become spaces).\n\
            CSV: a source,target header, then quoted records (any text survives).\n\
            JSON: an array of {\"source\": ..., \"target\": ...} objects.\n\
            TMX: TMX 1.4b, as CAT tools import it; from TSV, CSV or JSON the languages are \
            --src-lang and --tgt-lang (default zh-CN and en-US).",
        after_help = "Examples:\n  \
            amur tm convert memory.tmx -o memory.csv\n  \
            amur tm convert glossary.tsv -o glossary.tmx --src-lang zh-TW\n  \
            amur tm convert memory.tmx -o - --to tsv | head"
    )]
    Convert(ConvertArgs),
    /// Count units, language pairs, duplicates, conflicts and mean confidence.
    #[command(
        long_about = "Count what translation memories hold: units, language pairs, exact \
            duplicates (same source and target), conflicts (sources translated in more than \
            one way), and the mean x-confidence when the units have one (amur writes it).\n\n\
            Each file is counted on its own; with several files a total follows, where \
            duplicates and conflicts across files count too.",
        after_help = "Example:\n  amur tm stats a.tmx b.tmx"
    )]
    Stats(StatsArgs),
    /// Hold units below a confidence out of a memory.
    #[command(
        long_about = "Write a memory without its weak units: those whose x-confidence (written \
            by amur align) is below --min-confidence. Units without an x-confidence are kept \
            unless --drop-unscored is given.",
        after_help = "Example:\n  amur tm filter aligned.tmx --min-confidence 0.8 -o reviewed.tmx"
    )]
    Filter(FilterArgs),
    /// Concordance: every unit whose source or target contains a term.
    #[command(
        long_about = "Concordance search: print every unit whose source or target contains the \
            term, with the file and line it is on. Traditional and simplified characters match \
            alike (臺灣 finds 台湾), letters in any case. The term is shown in bold on a \
            terminal.",
        after_help = "Examples:\n  amur tm search 交涉 *.tmx\n  amur tm search negotiation a.tmx --color never"
    )]
    Search(SearchArgs),
    /// Fuzzy matches of a sentence, with the match percentage CAT tools show.
    #[command(
        long_about = "Find the units whose source is most like a sentence, as a CAT tool's \
            fuzzy match does: the similarity is 1 - edits/length over characters (normalized \
            Levenshtein), shown as a percentage rounded down, so 100% means identical.",
        after_help = "Example:\n  amur tm lookup \"交涉已有結果。\" a.tmx b.tmx --min 70 -n 3"
    )]
    Lookup(LookupArgs),
}

/// Which languages are source and target.
#[derive(clap::Args)]
struct Langs {
    /// Source language. TMX: the <tuv> to read as source ("zh" takes zh-CN, zh-TW ...)
    /// [default: the header's srclang, else the first <tuv>]. TSV/CSV/JSON: the language to
    /// label units with [default: zh-CN in TMX output].
    #[arg(long, value_name = "CODE")]
    src_lang: Option<String>,
    /// Target language. TMX: the <tuv> to read as target [default: the first <tuv> in another
    /// language]. TSV/CSV/JSON: the label [default: en-US in TMX output].
    #[arg(long, value_name = "CODE")]
    tgt_lang: Option<String>,
}

impl Langs {
    fn read_options(&self, keep_tags: bool) -> ReadOptions {
        ReadOptions {
            src_lang: self.src_lang.clone(),
            tgt_lang: self.tgt_lang.clone(),
            keep_tags,
        }
    }
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The memories to merge (TMX; .tsv, .csv, .json too), in order: earlier ones win.
    #[arg(required = true, value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// The merged memory (TMX; TSV, CSV or JSON by extension).
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    langs: Langs,
    /// Print nothing but errors (conflicts are not listed).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// The memory to convert: .tmx, .tsv, .csv or .json (any other extension is read as TMX).
    input: PathBuf,
    /// Where to write; the format follows the extension. `-`: standard output (give --to).
    #[arg(short, long)]
    output: PathBuf,
    /// Output format, whatever the extension: tmx, tsv, csv or json.
    #[arg(long, value_name = "FORMAT")]
    to: Option<Format>,
    /// Keep inline tags (<bpt>, <ph> ...) as XML markup in TSV, CSV or JSON output instead of
    /// stripping them.
    #[arg(long)]
    keep_tags: bool,
    #[command(flatten)]
    langs: Langs,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct StatsArgs {
    /// The memories to count.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    langs: Langs,
}

#[derive(clap::Args)]
struct FilterArgs {
    /// The memory to filter.
    input: PathBuf,
    /// The memory without its weak units (format by extension, TMX by default).
    #[arg(short, long)]
    output: PathBuf,
    /// Hold out units whose x-confidence is below this (0 to 1).
    #[arg(long, value_name = "C", value_parser = parse_confidence)]
    min_confidence: f64,
    /// Hold out units without an x-confidence too.
    #[arg(long)]
    drop_unscored: bool,
    #[command(flatten)]
    langs: Langs,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct SearchArgs {
    /// The word or phrase to find.
    term: String,
    /// The memories to search.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Highlight the term in bold: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    #[command(flatten)]
    langs: Langs,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct LookupArgs {
    /// The sentence to find matches for (in the source language).
    sentence: String,
    /// The memories to look in.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Show at most this many matches.
    #[arg(short = 'n', long, default_value_t = 5)]
    max: usize,
    /// Show only matches of at least this percentage.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=100))]
    min: u32,
    #[command(flatten)]
    langs: Langs,
}

pub fn run(args: &Args) -> Result<()> {
    let done = match &args.command {
        Command::Merge(a) => merge(a),
        Command::Convert(a) => convert(a),
        Command::Stats(a) => stats(a),
        Command::Filter(a) => filter(a),
        Command::Search(a) => search(a),
        Command::Lookup(a) => lookup(a),
    };
    match done {
        // Standard output closed (piped into `head`): nothing left to do.
        Err(e)
            if e.downcast_ref::<io::Error>().map(io::Error::kind)
                == Some(io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

fn merge(args: &MergeArgs) -> Result<()> {
    refuse_overwriting_input(&args.output, &args.inputs)?;
    let opts = args.langs.read_options(false);
    let mut merger = Merger::new();
    let mut skipped = 0;
    for (i, path) in args.inputs.iter().enumerate() {
        let mut units = tm::open(path, &opts)?;
        for unit in units.by_ref() {
            merger.add(unit?, i);
        }
        skipped += units.skipped();
    }
    let merged = merger.finish();
    if !args.quiet {
        for c in &merged.conflicts {
            eprint!("{}", c.describe(&args.inputs));
        }
    }
    let export = export_options(&args.langs, header_lang(&merged.units, &args.langs));
    let format = Format::from_path(&args.output).unwrap_or(Format::Tmx);
    let written = convert::write_file(
        &args.output,
        format,
        merged.units.into_iter().map(Ok),
        &export,
    )?;
    if !args.quiet {
        eprintln!(
            "{} files → {} units; {} exact duplicates dropped, {} sources with conflicting \
             translations (all kept){}",
            args.inputs.len(),
            written.units,
            merged.duplicates,
            merged.conflicts.len(),
            skipped_note(skipped)
        );
        warn_flattened(&written);
    }
    Ok(())
}

fn convert(args: &ConvertArgs) -> Result<()> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match (args.to, Format::from_path(&args.output)) {
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) if to_stdout => {
            bail!("writing to standard output: give --to tmx|tsv|csv|json")
        }
        (None, None) => bail!(
            "{}: cannot tell the format from the extension; use .tmx .tsv .csv .json or --to",
            args.output.display()
        ),
    };
    if args.keep_tags && format == Format::Tmx {
        bail!("--keep-tags writes tags as plain text: use it for tsv, csv or json output, not tmx");
    }
    if !to_stdout {
        refuse_overwriting_input(&args.output, std::slice::from_ref(&args.input))?;
    }
    let mut units = tm::open(&args.input, &args.langs.read_options(args.keep_tags))?;
    let first = units.next();
    let export = export_options(&args.langs, first_lang(&first));
    let all = first.into_iter().chain(units.by_ref());
    let written = if to_stdout {
        convert::write(&mut io::stdout().lock(), format, all, &export).map_err(|e| match e {
            convert::WriteError::Io(e) => anyhow::Error::from(e), // lets run() see a closed pipe
            e => e.into(),
        })?
    } else {
        convert::write_file(&args.output, format, all, &export)?
    };
    if !args.quiet {
        eprintln!(
            "{} units written{}",
            written.units,
            skipped_note(units.skipped())
        );
        warn_flattened(&written);
    }
    Ok(())
}

fn stats(args: &StatsArgs) -> Result<()> {
    let opts = args.langs.read_options(false);
    // The total needs its own duplicate tables: only kept when there are several files.
    let mut total = (args.files.len() > 1).then(Stats::new);
    let mut out = io::stdout().lock();
    for path in &args.files {
        let mut file = Stats::new();
        let mut units = tm::open(path, &opts)?;
        for unit in units.by_ref() {
            let unit = unit?;
            file.add(&unit);
            if let Some(total) = &mut total {
                total.add(&unit);
            }
        }
        file.skipped = units.skipped();
        if let Some(total) = &mut total {
            total.skipped += file.skipped;
        }
        writeln!(out, "{}\n{file}", path.display())?;
    }
    if let Some(total) = total {
        writeln!(out, "all {} files\n{total}", args.files.len())?;
    }
    Ok(())
}

fn filter(args: &FilterArgs) -> Result<()> {
    refuse_overwriting_input(&args.output, std::slice::from_ref(&args.input))?;
    let mut filter = Filter::new(args.min_confidence, args.drop_unscored);
    let mut units = tm::open(&args.input, &args.langs.read_options(false))?;
    let first = units.next();
    let export = export_options(&args.langs, first_lang(&first));
    let format = Format::from_path(&args.output).unwrap_or(Format::Tmx);
    let kept = first
        .into_iter()
        .chain(units)
        .filter(|r| r.as_ref().map_or(true, |u| filter.keep(u)));
    convert::write_file(&args.output, format, kept, &export)?;
    if !args.quiet {
        let unscored = match (filter.unscored, args.drop_unscored) {
            (0, _) => String::new(),
            (n, true) => format!(", {n} without x-confidence held out"),
            (n, false) => format!(", {n} without x-confidence kept"),
        };
        eprintln!(
            "{} units kept, {} below {} held out{unscored}",
            filter.kept, filter.weak, args.min_confidence
        );
    }
    Ok(())
}

fn search(args: &SearchArgs) -> Result<()> {
    let Some(term) = Term::new(&args.term) else {
        bail!("the search term is empty");
    };
    let bold = match args.color {
        Color::Auto => io::stdout().is_terminal(),
        Color::Always => true,
        Color::Never => false,
    };
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let opts = args.langs.read_options(false);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut found = 0;
    for path in &args.files {
        for unit in tm::open(path, &opts)? {
            let unit = unit?;
            let (s, t) = (term.find(&unit.source), term.find(&unit.target));
            if s.is_empty() && t.is_empty() {
                continue;
            }
            found += 1;
            writeln!(
                out,
                "{}\n  {}\n  {}",
                place(path, &unit),
                search::highlight(&unit.source, &s, open, close),
                search::highlight(&unit.target, &t, open, close)
            )?;
        }
    }
    out.flush()?;
    eprintln!("{found} units contain {:?}", args.term.trim());
    Ok(())
}

fn lookup(args: &LookupArgs) -> Result<()> {
    let opts = args.langs.read_options(false);
    let mut best = Lookup::new(&args.sentence, args.min, args.max);
    for (i, path) in args.files.iter().enumerate() {
        for unit in tm::open(path, &opts)? {
            best.offer(unit?, i);
        }
    }
    let matches: Vec<lookup::Match> = best.finish();
    if matches.is_empty() {
        eprintln!("no match of {}% or more", args.min);
    }
    let mut out = io::stdout().lock();
    for m in &matches {
        writeln!(
            out,
            "{:>4}  {}\n      {}\n      {}",
            format!("{}%", m.percent),
            place(&args.files[m.file], &m.unit),
            m.unit.source,
            m.unit.target
        )?;
    }
    Ok(())
}

/// The source language of the first unit read, if any.
fn first_lang(first: &Option<Result<Unit, tm::TmError>>) -> String {
    match first {
        Some(Ok(u)) => u.src_lang.clone(),
        _ => String::new(),
    }
}

/// `file:line` of a unit (the file alone when the line is not known).
fn place(path: &Path, unit: &Unit) -> String {
    match unit.line {
        0 => path.display().to_string(),
        line => format!("{}:{line}", path.display()),
    }
}

/// The TMX header's languages: `srclang` is the source language of the units (the first
/// unit's, or for merge the one all share, or `*all*`), falling back on --src-lang and zh-CN.
fn export_options(langs: &Langs, srclang: String) -> ExportOptions {
    let defaults = ExportOptions::default();
    let src_default = langs.src_lang.clone().unwrap_or(defaults.src_lang);
    ExportOptions {
        src_lang: if srclang.is_empty() {
            src_default
        } else {
            srclang
        },
        tgt_lang: langs.tgt_lang.clone().unwrap_or(defaults.tgt_lang),
        ..ExportOptions::default()
    }
}

/// The source language all units share, `*all*` when they have several, empty when none.
fn header_lang(units: &[Unit], langs: &Langs) -> String {
    let fallback = langs.src_lang.as_deref().unwrap_or("zh-CN");
    let mut codes = units.iter().map(|u| match u.src_lang.as_str() {
        "" => fallback,
        code => code,
    });
    match codes.next() {
        None => String::new(),
        Some(first) if codes.all(|c| c == first) => first.to_string(),
        Some(_) => "*all*".to_string(),
    }
}

fn skipped_note(skipped: usize) -> String {
    match skipped {
        0 => String::new(),
        n => format!("; {n} units skipped (not two languages, or a blank side)"),
    }
}

fn warn_flattened(written: &Written) {
    if written.flattened > 0 {
        eprintln!(
            "warning: {} units had tabs or line breaks, written as spaces (csv and json keep them)",
            written.flattened
        );
    }
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(c) if (0.0..=1.0).contains(&c) => Ok(c),
        _ => Err(format!("{s:?} is not a confidence between 0 and 1")),
    }
}
