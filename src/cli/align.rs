//! `amur align`: the whole pipeline for one document pair.

use super::ReadOpts;
use amur::export::{self, ExportOptions, Format, TmxUnits};
use amur::glossary::Glossary;
use amur::pair;
use amur::pipeline::Config;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// The Chinese document (UTF-8 text).
    zh: PathBuf,
    /// Its English translation (UTF-8 text).
    en: PathBuf,
    /// Where to write the result; `-` for standard output. The format follows the extension
    /// (.tmx .tsv .json .align) unless --format says otherwise.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format: tmx, tsv, json or align.
    #[arg(long)]
    format: Option<Format>,
    /// A glossary (TSV: chinese<TAB>english[<TAB>comment]) whose terms steer the alignment;
    /// repeatable.
    #[arg(long)]
    glossary: Vec<PathBuf>,
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
    if !to_stdout {
        refuse_overwriting_input(&args.output, &[&args.zh, &args.en])?;
    }
    let mut glossary = Glossary::default();
    for path in &args.glossary {
        glossary.extend(Glossary::read_tsv(path)?);
    }
    let config = Config {
        glossary,
        ..Config::default()
    };
    let alignment = pair::align_files(
        &args.zh,
        &args.en,
        args.read.presegmented,
        &args.read.zh_options(),
        &config,
    )?;

    let opts = ExportOptions {
        src_lang: args
            .src_lang
            .clone()
            .unwrap_or_else(|| pair::zh_lang_code(&alignment).into()),
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
        ..ExportOptions::default()
    };
    if to_stdout {
        let mut out = std::io::stdout().lock();
        export::write(&alignment, format, &opts, &mut out).or_else(ignore_broken_pipe)?;
    } else {
        export::write_file(&args.output, |w| {
            export::write(&alignment, format, &opts, w)
        })?;
    }
    if !args.quiet {
        eprintln!(
            "{}",
            pair::summary(&alignment, started.elapsed().as_secs_f64())
        );
        if pair::looks_unrelated(alignment.mean_confidence(), alignment.beads.len()) {
            eprintln!(
                "warning: mean confidence is very low: are these two files really a translation pair?"
            );
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

/// Refuses to write over one of the inputs.
pub fn refuse_overwriting_input(output: &Path, inputs: &[&Path]) -> Result<()> {
    let out = std::fs::canonicalize(output).ok();
    for input in inputs {
        if out.is_some() && out == std::fs::canonicalize(input).ok() {
            bail!(
                "{}: the output would overwrite an input file",
                output.display()
            );
        }
    }
    Ok(())
}
