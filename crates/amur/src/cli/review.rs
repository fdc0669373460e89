//! `amur review`: write the review page of an alignment JSON.

use super::refuse_overwriting_input;
use amur_core::tokenize;
use amur_tm::export::{self, ExportOptions, TmxUnits};
use amur_tm::review::{self, PageOptions};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The alignment: JSON written by `amur align -o x.json`, or saved from a review page.
    input: PathBuf,
    /// Where to write the page (one self-contained HTML file).
    #[arg(short, long)]
    output: PathBuf,
    /// TMX language code of the Chinese side in the saved TMX [default: zh-CN, or zh-TW for
    /// traditional text].
    #[arg(long)]
    src_lang: Option<String>,
    /// TMX language code of the English side in the saved TMX.
    #[arg(long, default_value = "en-US")]
    tgt_lang: String,
    /// The saved TMX has English as the source and Chinese as the target.
    #[arg(long)]
    en_source: bool,
    /// Units of the saved TMX: one per bead, or m-m beads split into sentence pairs.
    #[arg(long, value_enum, default_value = "bead")]
    tmx_units: Units,
    /// Document name written as `x-document` in the saved TMX [default: the one in the JSON].
    #[arg(long)]
    doc_name: Option<String>,
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
    refuse_overwriting_input(&args.output, &[&args.input])?;
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let mut rev = review::read_json(&text).with_context(|| args.input.display().to_string())?;
    if args.doc_name.is_some() {
        rev.document = args.doc_name.clone();
    }
    let zh: String = rev.alignment.zh.iter().map(|s| s.text.as_str()).collect();
    let traditional = tokenize::looks_traditional(&zh);
    let opts = PageOptions {
        export: ExportOptions {
            src_lang: args
                .src_lang
                .clone()
                .unwrap_or_else(|| if traditional { "zh-TW" } else { "zh-CN" }.into()),
            tgt_lang: args.tgt_lang.clone(),
            en_source: args.en_source,
            units: match args.tmx_units {
                Units::Bead => TmxUnits::Bead,
                Units::Sentence => TmxUnits::Sentence,
            },
            ..ExportOptions::default()
        },
        name: download_name(&args.input),
        threshold: amur_core::report::REVIEW_THRESHOLD,
    };
    export::write_file(&args.output, |w| review::write_html(&rev, &opts, w))?;
    if !args.quiet {
        for w in &rev.warnings {
            eprintln!("warning: {w}");
        }
        let weak = rev
            .alignment
            .beads
            .iter()
            .zip(rev.checked.iter())
            .filter(|(b, c)| !**c && b.confidence < 0.9)
            .count();
        eprintln!(
            "{}: {} beads, {} below 0.9 and not checked",
            args.output.display(),
            rev.alignment.beads.len(),
            weak
        );
    }
    Ok(())
}

/// Base name of the files the page saves: the file stem without a `.reviewed` suffix, so that
/// a second review of `x.reviewed.json` saves `x.reviewed.json` again.
pub fn download_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".reviewed").unwrap_or(&stem);
    if stem.is_empty() {
        "amur".to_string()
    } else {
        stem.to_string()
    }
}
