//! `amur align`: the whole pipeline for one document pair.

use super::{ReadOpts, refuse_overwriting_input, same_destination};
use amur_core::glossary::Glossary;
use amur_core::pipeline::Config;
use amur_formats::pair;
use amur_glossary::extract::{self, ExtractOptions};
use amur_glossary::units;
use amur_tm::export::{self, ExportOptions, Format, Keep, TmxUnits};
use amur_tm::glossary_formats::GlossaryFormat;
use amur_tm::review;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// The Chinese document (UTF-8 text, .docx, .odt, .html or .md).
    zh: PathBuf,
    /// Its English translation (UTF-8 text, .docx, .odt, .html or .md).
    en: PathBuf,
    /// Where to write the result; `-` for standard output. The format follows the extension
    /// (.tmx .tsv .json .align) unless --format says otherwise.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format: tmx, tsv, json or align.
    #[arg(long)]
    format: Option<Format>,
    /// A glossary whose terms steer the alignment, TSV (chinese<TAB>english[<TAB>comment]),
    /// CSV or TBX by extension; repeatable.
    #[arg(long)]
    glossary: Vec<PathBuf>,
    /// A corpus lexicon that `amur batch --lexicon` learned (TSV: zh, en, score, beads):
    /// its translations join the dictionary's. Only read.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Do not use amur's period lexicon (1910s official usage, glossaries/period-1910s.tsv),
    /// which otherwise steers the alignment and the --terms extraction.
    #[arg(long)]
    no_period_lexicon: bool,
    /// TMX language code of the Chinese side [default: zh-CN, or zh-TW for traditional text].
    #[arg(long)]
    src_lang: Option<String>,
    /// TMX language code of the English side.
    #[arg(long, default_value = "en-US")]
    tgt_lang: String,
    /// Write English as the TMX source and Chinese as the target (English → Chinese memories).
    #[arg(long)]
    en_source: bool,
    /// TMX units: one per bead, or split m-m beads into sentence pairs so that more units are
    /// 100% matches in CAT tools that segment by sentence.
    #[arg(long, value_enum, default_value = "bead")]
    tmx_units: Units,
    /// Also write a review page (one self-contained HTML file) in which to check and correct
    /// the beads and save the corrected TMX and JSON.
    #[arg(long, value_name = "FILE")]
    review: Option<PathBuf>,
    /// Also find the recurring terms of this pair and their renderings, and write them here
    /// (TSV, CSV or TBX by extension); `amur glossary extract` does the same on several pairs.
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
    /// Keep units whose confidence is below X out of the TMX and write them to NAME.weak.tmx
    /// beside it, for review [the threshold of the summary and the review page: 0.9].
    #[arg(long, value_name = "X", value_parser = parse_confidence)]
    min_confidence: Option<f64>,
    /// Align and write even when a side is not in its language (English given as the Chinese
    /// file, or a file in neither language).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    read: ReadOpts,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Units {
    Bead,
    Sentence,
}

/// A confidence between 0 and 1.
pub fn parse_confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a confidence between 0 and 1")),
    }
}

/// `OUT.weak.tmx` beside `OUT.tmx`: where `--min-confidence` puts the weak units.
pub fn weak_path(output: &std::path::Path) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!("{stem}.weak.tmx"))
}

/// Refuses an alignment whose sides are not in their languages (unless `force`): the error
/// names the file of the side concerned.
pub fn check_sides(
    al: &amur_core::bead::Alignment,
    files: [&std::path::Path; 2],
    force: bool,
) -> Result<Vec<String>> {
    let problems = amur_core::report::side_problems(al);
    if let Some(p) = problems.first().filter(|_| !force) {
        let more = problems
            .iter()
            .skip(1)
            .map(|q| format!("; {}: {q}", files[q.side()].display()))
            .collect::<String>();
        bail!(
            "{}: {p}{more}; nothing written (--force aligns anyway)",
            files[p.side()].display()
        );
    }
    Ok(problems.iter().map(|p| p.to_string()).collect())
}

pub fn run(args: &Args) -> Result<()> {
    let started = Instant::now();
    let to_stdout = args.output.as_os_str() == "-";
    let format = match args.format {
        Some(f) => f,
        None if to_stdout => Format::Align,
        None => Format::from_path(&args.output).with_context(|| {
            format!(
                "{}: cannot tell the format from the extension; use --format tmx|tsv|json|align",
                args.output.display()
            )
        })?,
    };
    // Every file the command reads; none of its outputs may be one of them.
    let mut inputs = vec![args.zh.as_path(), args.en.as_path()];
    inputs.extend(args.glossary.iter().map(PathBuf::as_path));
    inputs.extend(args.lexicon.as_deref());
    if !to_stdout {
        refuse_overwriting_input(&args.output, &inputs)?;
    }
    if let Some(page) = &args.review {
        if same_destination(page, &args.output) {
            bail!(
                "{}: the review page and the output are the same file",
                page.display()
            );
        }
        refuse_overwriting_input(page, &inputs)?;
    }
    let terms_format = match &args.terms {
        Some(path) => {
            if same_destination(path, &args.output)
                || args
                    .review
                    .as_deref()
                    .is_some_and(|r| same_destination(path, r))
            {
                bail!(
                    "{}: the term list and another output are the same file",
                    path.display()
                );
            }
            refuse_overwriting_input(path, &inputs)?;
            Some(GlossaryFormat::from_path(path).with_context(|| {
                format!(
                    "{}: cannot tell the term list format from the extension (.tsv .csv .tbx)",
                    path.display()
                )
            })?)
        }
        None => None,
    };
    if args.min_confidence.is_some() && (to_stdout || format != Format::Tmx) {
        bail!("--min-confidence needs a TMX output (-o NAME.tmx)");
    }
    let weak = args.min_confidence.map(|_| weak_path(&args.output));
    // Every output's folder is there before the work starts.
    let outputs: Vec<&std::path::Path> = [Some(args.output.as_path()), args.review.as_deref()]
        .into_iter()
        .flatten()
        .chain(args.terms.as_deref())
        .chain(weak.as_deref())
        .filter(|p| p.as_os_str() != "-")
        .collect();
    for path in &outputs {
        export::check_folder(path)?;
    }
    if let Some(weak) = &weak {
        refuse_overwriting_input(weak, &inputs)?;
    }
    let mut glossary = Glossary::default();
    for path in &args.glossary {
        glossary.extend(amur_tm::glossary_formats::read(path)?);
    }
    let corpus = match &args.lexicon {
        Some(path) => std::sync::Arc::new(super::read_lexicon(path)?),
        None => Default::default(),
    };
    let config = Config {
        glossary,
        corpus,
        period_lexicon: !args.no_period_lexicon,
        ..Config::default()
    };
    let pair::Aligned { alignment, notes } = pair::align_files(
        &args.zh,
        &args.en,
        &args.read.document_options(0),
        &args.read.document_options(1),
        &config,
    )?;
    if !args.quiet {
        for note in &notes {
            eprintln!("amur: note: {note}");
        }
    }

    let side_warnings = check_sides(&alignment, [&args.zh, &args.en], args.force)?;
    let threshold = args
        .min_confidence
        .unwrap_or(amur_core::report::REVIEW_THRESHOLD);
    let opts = ExportOptions {
        src_lang: args
            .src_lang
            .clone()
            .unwrap_or_else(|| amur_core::report::zh_lang_code(&alignment).into()),
        tgt_lang: args.tgt_lang.clone(),
        en_source: args.en_source,
        units: match args.tmx_units {
            Units::Bead => TmxUnits::Bead,
            Units::Sentence => TmxUnits::Sentence,
        },
        doc_name: args
            .zh
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        keep: match args.min_confidence {
            Some(x) => Keep::AtLeast(x),
            None => Keep::All,
        },
        ..ExportOptions::default()
    };
    // Every output is written in full before any is put in place: all or nothing.
    let mut staged = Vec::new();
    if !to_stdout {
        staged.push(export::stage_file(&args.output, |w| {
            export::write(&alignment, format, &opts, w)
        })?);
    }
    if let (Some(path), Some(x)) = (&weak, args.min_confidence) {
        let weak_opts = ExportOptions {
            keep: Keep::Below(x),
            ..opts.clone()
        };
        staged.push(export::stage_file(path, |w| {
            export::write(&alignment, Format::Tmx, &weak_opts, w)
        })?);
    }
    if let Some(page) = &args.review {
        let name = if to_stdout { &args.zh } else { &args.output };
        let page_opts = review::PageOptions {
            export: ExportOptions {
                keep: Keep::All,
                ..opts.clone()
            },
            name: super::review::download_name(name),
            threshold,
        };
        let rev = review::Review::from(alignment.clone());
        staged.push(export::stage_file(page, |w| {
            review::write_html(&rev, &page_opts, w)
        })?);
    }
    let mut term_count = None;
    if let (Some(path), Some(format)) = (&args.terms, terms_format) {
        let name = units::doc_name(&args.zh, Some(&args.en));
        let units = units::from_alignment(&name, &alignment);
        let opts = ExtractOptions {
            period_lexicon: !args.no_period_lexicon,
            ..ExtractOptions::default()
        };
        let terms = extract::to_glossary(&extract::extract(&units, &opts));
        staged.push(export::stage_file(path, |w| {
            amur_tm::glossary_formats::write(&terms, format, w)
        })?);
        term_count = Some(terms.terms.len());
    }
    if to_stdout {
        let mut out = std::io::stdout().lock();
        export::write(&alignment, format, &opts, &mut out).or_else(ignore_broken_pipe)?;
    }
    export::commit_all(staged)?;
    if !args.quiet {
        if let (Some(path), Some(n)) = (&args.terms, term_count) {
            eprintln!("{n} terms written to {}", path.display());
        }
        if let (Some(path), Some(x)) = (&weak, args.min_confidence) {
            eprintln!(
                "units below {x} left out of {} and written to {}",
                args.output.display(),
                path.display()
            );
        }
        eprintln!(
            "{}",
            amur_core::report::summary(&alignment, started.elapsed().as_secs_f64(), threshold)
        );
        let lift = amur_core::report::lexical_lift(&alignment, &config);
        // With --force the side problems are among the warnings too.
        let _ = side_warnings;
        for warning in amur_core::report::warnings(&alignment, lift) {
            eprintln!("amur: warning: {warning}");
        }
    }
    Ok(())
}

fn ignore_broken_pipe(err: std::io::Error) -> std::io::Result<()> {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(err)
    }
}
