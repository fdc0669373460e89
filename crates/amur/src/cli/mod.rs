//! Argument definitions and dispatch.

mod align;
mod batch;
mod eval;
mod glossary;
mod review;
mod segment;
mod serve;
mod tm;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use std::path::Path;

#[derive(Parser)]
#[command(
    name = "amur",
    version,
    about = "Align Chinese documents with their English translations and write translation memories",
    long_about = "Align Chinese documents with their English translations and write translation memories.\n\n\
        Typical use:\n  amur align zh.txt en.txt -o out.tmx\n  amur align zh.txt en.txt -o out.tmx --glossary terms.tsv\n  \
        amur segment zh.txt --lang zh\n  amur eval --run ../shared/eval/mac-dev"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Align a Chinese document with its English translation and write a TM.
    Align(align::Args),
    /// Align many document pairs in parallel (a directory or a manifest): per-pair outputs,
    /// one merged TMX, a summary; resumable and shardable over machines.
    Batch(batch::Args),
    /// Split a document into sentences, one per line.
    Segment(segment::Args),
    /// Score alignments against gold (strict and lax precision, recall, F1).
    Eval(eval::Args),
    /// Work with translation memories: merge, convert, stats, filter, search, lookup.
    Tm(tm::Args),
    /// Write the review page of an alignment JSON: check and correct beads in a browser, save
    /// the corrected TMX and JSON.
    Review(review::Args),
    /// Glossaries: extract terms from aligned text, merge, check and lint.
    Glossary(glossary::Args),
    /// The local web app: align, review, export and extract terms in a browser window.
    Serve(serve::Args),
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Align(args) => align::run(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Segment(args) => segment::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Tm(args) => tm::run(&args),
        Command::Review(args) => review::run(&args),
        Command::Glossary(args) => glossary::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// The run finished and wrote its outputs, but held something out that a script should know
/// about (`amur batch`: suspect pairs not merged). Exit status [`HeldOut::EXIT`].
#[derive(Debug)]
pub struct HeldOut(pub String);

impl HeldOut {
    pub const EXIT: i32 = 3;
}

impl std::fmt::Display for HeldOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HeldOut {}

/// Options shared by commands that read documents.
#[derive(clap::Args, Clone)]
pub struct ReadOpts {
    /// How to read the input files: auto (by extension: .docx .odt .html/.htm .md, anything
    /// else as text), txt, docx, odt, html or md.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub input_format: amur_formats::InputFormat,
    /// Input is already one sentence per line: use the lines as they are.
    #[arg(long)]
    pub presegmented: bool,
    /// Also end Chinese sentences at ； (OmegaT does not).
    #[arg(long)]
    pub split_semicolon: bool,
    /// Also end Chinese sentences at …… (OmegaT does not).
    #[arg(long)]
    pub split_ellipsis: bool,
    /// End a Chinese sentence after a stop and closing quote (`。」`) even when text follows
    /// (OmegaT does not).
    #[arg(long)]
    pub split_after_quote: bool,
    /// Encoding of the input (gb18030, gbk, big5, utf-16le, utf-8, …); by default it is
    /// detected (a BOM, UTF-8, else GBK, Big5 and other legacy encodings). For `align`,
    /// `ZH,EN` names each side's, e.g. `gbk,utf-8`.
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    pub encoding: Option<String>,
}

/// Accepts `NAME` or `ZH,EN` where each is an encoding label encoding_rs knows.
fn parse_encoding(s: &str) -> Result<String, String> {
    if s.split(',').count() > 2 {
        return Err("expected NAME or ZH_NAME,EN_NAME".into());
    }
    for name in s.split(',') {
        if encoding_rs::Encoding::for_label(name.trim().as_bytes()).is_none() {
            return Err(format!(
                "unknown encoding {name:?}: use a name such as utf-8, gb18030, gbk, big5, utf-16le"
            ));
        }
    }
    Ok(s.to_string())
}

impl ReadOpts {
    /// The encoding named for input `side` (0: the first or only input, 1: the second).
    pub fn encoding(&self, side: usize) -> Option<&str> {
        let names: Vec<&str> = self
            .encoding
            .as_deref()?
            .split(',')
            .map(str::trim)
            .collect();
        Some(names.get(side).unwrap_or(&names[0]))
    }

    /// How to read input `side` (0: the first or only input, 1: the second).
    pub fn document_options(&self, side: usize) -> amur_formats::document::ReadOptions {
        amur_formats::document::ReadOptions {
            format: self.input_format,
            presegmented: self.presegmented,
            zh: self.zh_options(),
            encoding: self.encoding(side).map(str::to_string),
        }
    }

    pub fn zh_options(&self) -> amur_core::segment::ZhOptions {
        amur_core::segment::ZhOptions {
            split_at_semicolon: self.split_semicolon,
            split_at_ellipsis: self.split_ellipsis,
            split_after_quote: self.split_after_quote,
        }
    }
}

/// Refuses to write `output` when it is one of `inputs` (the same file by another path or a
/// symbolic link too): the command's inputs must never be overwritten by its output. Every
/// command that writes files calls this before reading anything. `-` (standard output) and
/// an output that does not exist yet pass.
pub fn refuse_overwriting_input<P: AsRef<Path>>(output: &Path, inputs: &[P]) -> Result<()> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    let Ok(out) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    for input in inputs {
        if std::fs::canonicalize(input.as_ref()).is_ok_and(|i| i == out) {
            bail!(
                "{}: the output would overwrite an input file ({})",
                output.display(),
                input.as_ref().display()
            );
        }
    }
    Ok(())
}

/// Whether two output paths name the same file, whether or not it exists yet (`x.tsv` and
/// `./x.tsv` do): the same path, or the same file name in the same directory.
pub fn same_destination(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let dir = |p: &Path| {
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::canonicalize(parent).ok()
    };
    a.file_name().is_some()
        && a.file_name() == b.file_name()
        && dir(a).is_some()
        && dir(a) == dir(b)
}

/// Reads a corpus lexicon file (`--lexicon`): errors name the file and line.
pub fn read_lexicon(path: &Path) -> Result<amur_core::corpus::CorpusLexicon> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    amur_core::corpus::CorpusLexicon::from_tsv(&text)
        .with_context(|| format!("{}: not a lexicon file", path.display()))
}

/// Writes a corpus lexicon file whole (atomically: a reader never sees half of it).
pub fn write_lexicon(path: &Path, lexicon: &amur_core::corpus::CorpusLexicon) -> Result<()> {
    use anyhow::Context;
    let text = lexicon.to_tsv();
    amur_tm::export::write_file(path, |w| w.write_all(text.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))
}
