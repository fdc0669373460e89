//! `amur eval`: score alignments against gold, or align a corpus and score it.

use amur::eval;
use amur_core::bead::{Alignment, Sentence};
use amur_core::corpus::{CorpusLexicon, Learning, Measure, Observations};
use amur_core::pipeline::{self, Config};
use amur_core::segment::{Lang, ZhOptions};
use amur_formats::document;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
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
    /// Do not use amur's period lexicon (1910s official usage, glossaries/period-1910s.tsv),
    /// which otherwise steers the alignment.
    #[arg(long)]
    no_period_lexicon: bool,
    /// With --run: the corpus lexicon (TSV: zh, en, score, beads): read when it exists (its
    /// entries win over learned ones), written with what this run learned.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// With --run: a scorer or learning parameter, NAME=VALUE (repeatable; see --grid).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// With --run: try each value of a parameter, NAME=V1,V2,... (repeatable: every
    /// combination), and choose by leave-one-document-out: for each document, the combination
    /// best on the others is scored on it. Prints each combination's F1 and the
    /// leave-one-out F1.
    #[arg(long, value_name = "NAME=V1,V2,...")]
    grid: Vec<String>,
    /// With --run: also write each document's alignment to DIR/NNN.align (the gold format),
    /// to read the errors beside the gold.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// With --run: where amur's beads and the gold's part, which scores higher and by how
    /// much, split into the score's parts (shape prior, length, lexical evidence, signs): a
    /// negative margin means the model itself prefers amur's beads.
    #[arg(long, requires = "run", conflicts_with_all = ["grid", "verses"])]
    margins: bool,
}

/// What one alignment of the corpus is run with: the scorer's parameters and how the corpus
/// learns (parameters `learn` (0 off, 1 Dice, 2 log-likelihood, 3 IBM Model 1), `learn_min`,
/// `learn_confidence`).
#[derive(Clone, Default)]
struct Setting {
    params: amur_core::score::Params,
    learning: Learning,
}

impl Setting {
    fn set(&mut self, name: &str, value: f64) -> Result<()> {
        match name {
            "learn" => {
                self.learning.measure = match value as i64 {
                    0 => None,
                    1 => Some(Measure::Dice),
                    2 => Some(Measure::Llr),
                    3 => Some(Measure::Model1),
                    _ => anyhow::bail!(
                        "learn: 0 (off), 1 (Dice), 2 (log-likelihood) or 3 (IBM Model 1)"
                    ),
                }
            }
            "learn_min" => self.learning.min_score = value,
            "learn_confidence" => self.learning.min_confidence = value,
            _ => self.params.set(name, value)?,
        }
        Ok(())
    }
}

/// NAME=VALUE, or NAME=V1,V2,... for a grid.
fn parse_assignment(text: &str) -> Result<(String, Vec<f64>)> {
    let (name, values) = text
        .split_once('=')
        .with_context(|| format!("expected NAME=VALUE, got {text:?}"))?;
    let values = values
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .with_context(|| format!("{name}: {v:?} is not a number"))
        })
        .collect::<Result<Vec<f64>>>()?;
    Ok((name.trim().to_string(), values))
}

/// A document of the corpus: its name, sentences and gold beads.
struct Doc {
    name: String,
    zh: Vec<Sentence>,
    en: Vec<Sentence>,
    gold: Vec<eval::AlignBead>,
}

/// Aligns every document with `setting`: once without a corpus lexicon, then, if the corpus
/// learns, again with what its confident beads taught (merged under `loaded`, whose entries
/// win). Returns the alignments and the lexicon used in the last round; with `explain`, the
/// last round also gives the parts of the score of the gold's beads and of its own
/// (`--margins`).
fn align_corpus(
    docs: &[Doc],
    aligner: &Config,
    setting: &Setting,
    loaded: Option<&CorpusLexicon>,
    explain: bool,
) -> (Vec<pipeline::Explained>, CorpusLexicon) {
    let config = Config {
        params: setting.params.clone(),
        ..aligner.clone()
    };
    let round = |config: &Config, explain: bool| -> Vec<pipeline::Explained> {
        docs.par_iter()
            .map(|d| {
                // A gold bead of ids that are not consecutive is probed as a shape amur does
                // not consider: it has no parts.
                let probe: Vec<_> = if explain {
                    d.gold
                        .iter()
                        .map(|b| eval::bead_ranges(b).unwrap_or((0..0, 0..0)))
                        .collect()
                } else {
                    Vec::new()
                };
                pipeline::align_explained(d.zh.clone(), d.en.clone(), config, &probe)
            })
            .collect()
    };
    let learns = setting.learning.measure.is_some() || loaded.is_some();
    let first = round(&config, explain && !learns);
    if !learns {
        return (first, CorpusLexicon::default());
    }
    let mut obs = Observations::default();
    for al in &first {
        obs.add(&al.alignment, setting.learning.min_confidence);
    }
    let learned = setting.learning.lexicon(&obs);
    let lexicon = match loaded {
        Some(l) => l.merged_with(&learned),
        None => learned,
    };
    let config = Config {
        corpus: Arc::new(lexicon.clone()),
        ..config
    };
    (round(&config, explain), lexicon)
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
    let aligner = Config {
        glossary,
        period_lexicon: !args.no_period_lexicon,
        ..Config::default()
    };
    // The corpus learns when asked to (`--lexicon`, or `--set learn=1`): on mac-dev it adds
    // nothing (see the README's Quality).
    let mut setting = Setting::default();
    if args.lexicon.is_none() {
        setting.learning.measure = None;
    }
    for a in &args.sets {
        let (name, values) = parse_assignment(a)?;
        anyhow::ensure!(
            values.len() == 1,
            "--set {a}: one value (a list is for --grid)"
        );
        setting.set(&name, values[0])?;
    }
    let mut docs = Vec::new();
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
        docs.push(Doc {
            name: name.clone(),
            zh: read("zh", Lang::Zh)?,
            en: read("en", Lang::En)?,
            gold: eval::read_align(&gold_dir.join(name))?,
        });
    }
    let loaded = match &args.lexicon {
        Some(path) if path.exists() => Some(super::read_lexicon(path)?),
        _ => None,
    };
    if !args.grid.is_empty() {
        return grid(args, &docs, &aligner, &setting, loaded.as_ref());
    }
    let (explained, lexicon) =
        align_corpus(&docs, &aligner, &setting, loaded.as_ref(), args.margins);
    let (aligned, parts): (Vec<Alignment>, Vec<_>) = explained
        .into_iter()
        .map(|e| (e.alignment, (e.probe, e.beads)))
        .unzip();
    if let Some(dir) = &args.out {
        write_alignments(dir, &docs, &aligned)?;
    }
    if let Some(path) = &args.lexicon {
        super::write_lexicon(path, &lexicon)?;
    }
    let verses = match verses {
        Some((zv, ev)) => Some((eval::read_verses(zv)?, eval::read_verses(ev)?)),
        None => None,
    };
    let mut loaded_dirs = eval::LoadedDirs::default();
    let mut scored = Vec::new();
    for (doc, al) in docs.iter().zip(&aligned) {
        let mut test = eval::align_beads(&al.beads);
        if let Some((zv, ev)) = &verses {
            let merged = eval::merge_verses(
                &test.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>(),
                zv,
                ev,
            );
            test = merged.into_iter().map(|b| (b, 1.0)).collect();
        }
        scored.push((doc.gold.clone(), test.clone()));
        loaded_dirs.names.push(doc.name.clone());
        loaded_dirs
            .pairs
            .push((doc.gold.clone(), test.into_iter().map(|(b, _)| b).collect()));
    }
    let margins = if args.margins {
        // Sentence-level beads: --margins does not go with --verses.
        let all: Vec<eval::Margin> = docs
            .iter()
            .zip(&loaded_dirs.pairs)
            .zip(&parts)
            .flat_map(|((d, (gold, test)), (probe, beads))| {
                eval::margins(
                    d.name.trim_end_matches(".align"),
                    (gold, test),
                    (probe, beads),
                )
            })
            .collect();
        format!("\n{}", eval::margins_text(&all))
    } else {
        String::new()
    };
    let report = eval::report(&loaded_dirs);
    let learned = if lexicon.is_empty() {
        String::new()
    } else {
        format!("corpus lexicon: {} entries\n", lexicon.entries.len())
    };
    emit(&format!(
        "{}\n{}\n{}{learned}aligned {} documents in {:.2} s\n{margins}",
        report.to_text(),
        eval::type_table_text(&eval::type_table(&loaded_dirs.pairs), 3),
        eval::calibration_text(&eval::calibrate(&scored)),
        names.len(),
        started.elapsed().as_secs_f64()
    ))
}

/// Writes each document's alignment to `dir/NAME` in the align format.
fn write_alignments(dir: &std::path::Path, docs: &[Doc], aligned: &[Alignment]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (doc, al) in docs.iter().zip(aligned) {
        let path = dir.join(&doc.name);
        let mut text = Vec::new();
        amur_tm::export::write(
            al,
            amur_tm::export::Format::Align,
            &amur_tm::export::ExportOptions::default(),
            &mut text,
        )?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Every combination of the grid's values, aligned and scored, then chosen document by
/// document on the other documents (leave-one-out).
fn grid(
    args: &Args,
    docs: &[Doc],
    aligner: &Config,
    base: &Setting,
    loaded: Option<&CorpusLexicon>,
) -> Result<()> {
    let axes: Vec<(String, Vec<f64>)> = args
        .grid
        .iter()
        .map(|g| parse_assignment(g))
        .collect::<Result<_>>()?;
    let mut combos: Vec<Vec<f64>> = vec![Vec::new()];
    for (_, values) in &axes {
        combos = combos
            .iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push(*v);
                    c
                })
            })
            .collect();
    }
    let label = |c: &[f64]| {
        axes.iter()
            .zip(c)
            .map(|((n, _), v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    // results[k][d]: combination k's (gold, test) of document d.
    let mut results: Vec<Vec<eval::AlignPair>> = Vec::new();
    for c in &combos {
        let mut setting = base.clone();
        for ((name, _), v) in axes.iter().zip(c) {
            setting.set(name, *v)?;
        }
        let (aligned, _) = align_corpus(docs, aligner, &setting, loaded, false);
        let pairs: Vec<eval::AlignPair> = docs
            .iter()
            .zip(&aligned)
            .map(|(d, al)| {
                let test = eval::align_beads(&al.alignment.beads)
                    .into_iter()
                    .map(|(b, _)| b);
                (d.gold.clone(), test.collect())
            })
            .collect();
        let all = eval::score(&pairs);
        let per: Vec<String> = pairs
            .iter()
            .map(|p| format!("{:.3}", eval::score(std::slice::from_ref(p)).f1_strict))
            .collect();
        out.push_str(&format!(
            "{}\tstrict {:.4}\tlax {:.4}\t{}\n",
            label(c),
            all.f1_strict,
            all.f1_lax,
            per.join(" ")
        ));
        results.push(pairs);
    }
    // Leave one document out: the combination best on the others (the first listed of equals).
    let mut held = Vec::new();
    let mut mean = 0.0;
    for d in 0..docs.len() {
        let others = |k: usize| -> Vec<eval::AlignPair> {
            (0..docs.len())
                .filter(|&e| e != d)
                .map(|e| results[k][e].clone())
                .collect()
        };
        let mut best = 0;
        let mut best_f1 = f64::NEG_INFINITY;
        for k in 0..combos.len() {
            let f1 = eval::score(&others(k)).f1_strict;
            if f1 > best_f1 + 1e-12 {
                best = k;
                best_f1 = f1;
            }
        }
        let pair = results[best][d].clone();
        let f1 = eval::score(std::slice::from_ref(&pair)).f1_strict;
        mean += f1 / docs.len() as f64;
        out.push_str(&format!(
            "held out {}: chose {} (strict {:.4} on the others), strict {:.3}\n",
            docs[d].name,
            label(&combos[best]),
            best_f1,
            f1
        ));
        held.push(pair);
    }
    let pooled = eval::score(&held);
    out.push_str(&format!(
        "leave-one-out: strict {:.4}, lax {:.4} (pooled); mean of documents {:.4}\n",
        pooled.f1_strict, pooled.f1_lax, mean
    ));
    emit(&out)
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
