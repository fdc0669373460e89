//! The `amur` command line: parses arguments and calls the library.

use amur::bead::{Alignment, Sentence};
use amur::eval;
use amur::pipeline::{self, Config};
use amur::text;
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "amur", version, about = "Align Chinese documents with their English translations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score alignments against gold (strict and lax precision, recall, F1).
    Eval(EvalArgs),
}

#[derive(clap::Args)]
struct EvalArgs {
    /// Directory of gold `*.align` files, or with --run a corpus directory holding zh/, en/, gold/.
    gold: PathBuf,
    /// Directory of test `*.align` files matched to gold by name.
    test: Option<PathBuf>,
    /// Align the corpus's presegmented zh/NNN.txt and en/NNN.txt first, then score.
    #[arg(long)]
    run: bool,
    /// Verse files for verse-level gold (the bible set): ZH_VERSE EN_VERSE.
    #[arg(long, num_args = 2, value_names = ["ZH_VERSE", "EN_VERSE"])]
    verses: Option<Vec<PathBuf>>,
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => run_eval(&args),
    };
    if let Err(err) = result {
        eprintln!("amur: error: {err:#}");
        std::process::exit(1);
    }
}

fn presegmented(path: &Path) -> Result<Vec<Sentence>> {
    let content = text::read_file(path)?;
    Ok(text::lines(&content).into_iter().map(|text| Sentence { text, paragraph: 0 }).collect())
}

fn run_eval(args: &EvalArgs) -> Result<()> {
    let verses = args.verses.as_ref().map(|v| (v[0].as_path(), v[1].as_path()));
    if !args.run {
        let test = args.test.as_ref().context("give TEST_DIR, or --run to align the corpus first")?;
        let report = eval::evaluate_dirs(&args.gold, test, verses)?;
        print!("{}", report.to_text());
        return Ok(());
    }
    let corpus = &args.gold;
    let gold_dir = corpus.join("gold");
    let mut names: Vec<String> = std::fs::read_dir(&gold_dir)
        .with_context(|| format!("{}: cannot list", gold_dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".align"))
        .collect();
    names.sort();
    let config = Config::default();
    let started = Instant::now();
    let mut loaded = eval::LoadedDirs::default();
    let mut scored = Vec::new();
    for name in &names {
        let stem = name.trim_end_matches(".align");
        let zh = presegmented(&corpus.join("zh").join(format!("{stem}.txt")))?;
        let en = presegmented(&corpus.join("en").join(format!("{stem}.txt")))?;
        let al: Alignment = pipeline::align_sentences(zh, en, &config);
        let gold = eval::read_align(&gold_dir.join(name))?;
        let test = eval::align_beads(&al.beads);
        scored.push((gold.clone(), test.clone()));
        loaded.names.push(name.clone());
        loaded.pairs.push((gold, test.into_iter().map(|(b, _)| b).collect()));
    }
    let report = eval::report(&loaded);
    print!("{}", report.to_text());
    println!();
    print!("{}", eval::type_table_text(&eval::type_table(&loaded.pairs), 3));
    println!();
    print!("{}", eval::calibration_text(&eval::calibrate(&scored)));
    println!("aligned {} documents in {:.2} s", names.len(), started.elapsed().as_secs_f64());
    Ok(())
}
