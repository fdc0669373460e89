//! `amur serve`: the whole job in a browser window. A small local web server (tiny_http,
//! synchronous, one thread per request) with an app in which a user uploads a Chinese and an
//! English document, watches them align, reviews and fixes the alignment (every edit saved on
//! the server), exports TMX, TSV or JSON, extracts and edits the terms, and comes back later.
//!
//! Everything lives in one SQLite database in the data folder ([`store`]); aligning runs in
//! background threads ([`jobs`]); who may talk to the server is decided by [`guard`] (token,
//! Host, Origin); the routes are in [`api`]; the pages are plain HTML, CSS and JavaScript
//! compiled into the binary (`assets/`, and the review page's `review.js`).

pub mod api;
pub mod guard;
pub mod jobs;
pub mod store;

use anyhow::{Context as _, Result, bail};
use std::path::PathBuf;
use std::sync::Arc;

/// How the server runs.
pub struct Options {
    /// Address to listen on (127.0.0.1 unless the user asks otherwise).
    pub host: String,
    /// Port; 0 lets the system choose a free one.
    pub port: u16,
    pub open_browser: bool,
    /// The data folder: `amur.sqlite` and the temporary folders of running alignments.
    pub data: PathBuf,
    /// Largest upload, in bytes.
    pub max_upload: u64,
}

/// The platform's data folder for amur (`~/.local/share/amur` on Linux, `~/Library/Application
/// Support/amur` on macOS, `%APPDATA%\amur` on Windows).
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("amur"))
}

/// Runs the server until the process is stopped. The first line on standard output is the
/// address to open, with its token.
pub fn run(opts: &Options) -> Result<()> {
    std::fs::create_dir_all(&opts.data)
        .with_context(|| format!("cannot create the data folder {}", opts.data.display()))?;
    let tmp = opts.data.join("tmp");
    // Temporary folders of alignments that were running when the server last stopped.
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let db = opts.data.join("amur.sqlite");
    let store = store::Store::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
    let server = tiny_http::Server::http((opts.host.as_str(), opts.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.host, opts.port))?;
    let Some(addr) = server.server_addr().to_ip() else {
        bail!("the server has no IP address");
    };
    let local = matches!(opts.host.as_str(), "127.0.0.1" | "localhost");
    if !local {
        eprintln!(
            "amur: warning: listening on {} makes the app reachable from other computers; it has \
             no accounts, only the token in its address",
            opts.host
        );
    }
    let token = guard::new_token().context("cannot make a token")?;
    let url_host = if local {
        "127.0.0.1"
    } else {
        opts.host.as_str()
    };
    let url = format!("http://{url_host}:{}/?token={token}", addr.port());
    println!("{url}");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    eprintln!(
        "amur serve: data in {} (one file: amur.sqlite); stop with Ctrl+C",
        opts.data.display()
    );
    let app = Arc::new(api::App {
        guard: guard::Guard::new(token, addr.port(), (!local).then_some(opts.host.as_str())),
        ctx: jobs::Context {
            store: Arc::new(store),
            slots: Arc::new(jobs::Slots::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            tmp,
        },
        max_upload: opts.max_upload,
    });
    if opts.open_browser && webbrowser::open(&url).is_err() {
        eprintln!("amur serve: could not open a browser: open {url}");
    }
    for request in server.incoming_requests() {
        let app = Arc::clone(&app);
        std::thread::spawn(move || api::handle(&app, request));
    }
    Ok(())
}
