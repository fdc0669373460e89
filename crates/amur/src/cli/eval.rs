//! `amur eval`: score alignments against gold, or align a corpus and score it.

use amur::eval;
use amur_core::pipeline::{self, Config};
use amur_core::segment::{Lang, ZhOptions};
use amur_formats::document;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Directory of gold `*.align` files; with --run, a corpus directory holding zh/, en/, gold/.
    gold: PathBuf,
    /// Directory of test `*.align` files, matched to gold by name.
    test: Option<PathBuf>,
    /// Align the corpus's presegmented zh/NNN.txt and en/NNN.txt first, then score, and print
    /// the bead-type table and the confidence calibration.
    #[arg(long)]
    run: bool,
    /// Verse files for verse-level gold (the bible set): consecutive test beads inside one
    /// verse are merged before scoring.
    #[arg(long, num_args = 2, value_names = ["ZH_VERSE", "EN_VERSE"])]
    verses: Option<Vec<PathBuf>>,
    /// With --run: a glossary (TSV, CSV or TBX by extension) that steers the alignment;
    /// repeatable.
    #[arg(long)]
    glossary: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    let verses = args
        .verses
        .as_ref()
        .map(|v| (v[0].as_path(), v[1].as_path()));
    if !args.run {
        let test = args
            .test
            .as_ref()
            .context("give TEST_DIR, or --run to align the corpus first")?;
        return emit(&eval::evaluate_dirs(&args.gold, test, verses)?.to_text());
    }
    let corpus = &args.gold;
    let gold_dir = corpus.join("gold");
    let started = Instant::now();
    let names = eval::align_names(&gold_dir)?;
    let mut glossary = amur_core::glossary::Glossary::default();
    for path in &args.glossary {
        glossary.extend(amur_tm::glossary_formats::read(path)?);
    }
    let config = Config {
        glossary,
        ..Config::default()
    };
    let mut loaded = eval::LoadedDirs::default();
    let mut scored = Vec::new();
    for name in &names {
        let stem = name.trim_end_matches(".align");
        let read = |side: &str, lang| {
            document::read(
                &corpus.join(side).join(format!("{stem}.txt")),
                lang,
                true,
                &ZhOptions::default(),
            )
        };
        let al = pipeline::align_sentences(read("zh", Lang::Zh)?, read("en", Lang::En)?, &config);
        let gold = eval::read_align(&gold_dir.join(name))?;
        let mut test = eval::align_beads(&al.beads);
        if let Some((zv, ev)) = verses {
            let (zv, ev) = (eval::read_verses(zv)?, eval::read_verses(ev)?);
            let merged = eval::merge_verses(
                &test.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>(),
                &zv,
                &ev,
            );
            test = merged.into_iter().map(|b| (b, 1.0)).collect();
        }
        scored.push((gold.clone(), test.clone()));
        loaded.names.push(name.clone());
        loaded
            .pairs
            .push((gold, test.into_iter().map(|(b, _)| b).collect()));
    }
    let report = eval::report(&loaded);
    emit(&format!(
        "{}\n{}\n{}aligned {} documents in {:.2} s\n",
        report.to_text(),
        eval::type_table_text(&eval::type_table(&loaded.pairs), 3),
        eval::calibration_text(&eval::calibrate(&scored)),
        names.len(),
        started.elapsed().as_secs_f64()
    ))
}

/// Writes `text` to standard output; a closed stdout (`amur eval … | head -1`) is not an error
/// (`print!` panicked there).
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
