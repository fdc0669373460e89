//! `amur segment`: print a document's sentences, one per line.

use super::ReadOpts;
use amur_core::segment::Lang;
use amur_formats::document;
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The document (UTF-8 text with paragraphs one per line or separated by blank lines, or
    /// .docx, .odt, .html, .md).
    file: PathBuf,
    /// Its language: zh or en.
    #[arg(long)]
    lang: Lang,
    #[command(flatten)]
    read: ReadOpts,
}

pub fn run(args: &Args) -> Result<()> {
    let doc = document::read_document(&args.file, args.lang, &args.read.document_options(0))?;
    if let Some(note) = &doc.note {
        eprintln!("amur: note: {}: {note}", args.file.display());
    }
    let sentences = doc.sentences;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for s in sentences {
        if writeln!(out, "{}", s.text).is_err() {
            return Ok(()); // stdout closed (e.g. piped into head): nothing left to do
        }
    }
    out.flush().ok();
    Ok(())
}
