//! `amur serve`: the local web app.

use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Port to listen on [default: a free one the system chooses].
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Do not open the app in the default browser (print its address only).
    #[arg(long)]
    no_browser: bool,
    /// The data folder: one database, amur.sqlite, holds the uploaded files, the alignments
    /// and their review [default: the platform's data folder, e.g. ~/.local/share/amur].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Address to listen on. Anything but 127.0.0.1 makes the app reachable from other
    /// computers, and it has no accounts.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Largest upload, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 100)]
    max_upload: u64,
}

pub fn run(args: &Args) -> Result<()> {
    let data = match &args.data {
        Some(d) => d.clone(),
        None => crate::serve::default_data_dir()
            .context("no data folder on this platform: name one with --data DIR")?,
    };
    crate::serve::run(&crate::serve::Options {
        host: args.host.clone(),
        port: args.port,
        open_browser: !args.no_browser,
        data,
        max_upload: args.max_upload.saturating_mul(1 << 20),
    })
}
