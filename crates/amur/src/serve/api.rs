//! The app's HTTP routes: the pages, the static files, and a small JSON API the pages call.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the app (list, upload, glossary); `?token=` sets the cookie and redirects |
//! | `GET /a/ID` | the review page of alignment ID, every edit saved here |
//! | `POST /api/files?name=N` | an uploaded file (the raw body); answers its id |
//! | `POST /api/alignments` | `{zh, en, glossary?}` file ids: starts an alignment |
//! | `POST /api/batch` | `{files, glossary?}`: pairs the files by name, starts each pair |
//! | `GET /api/alignments[/ID]` | the list, or one alignment's status and progress |
//! | `POST /api/alignments/ID/beads` | `{version, beads}`: the review page's edits |
//! | `GET /api/alignments/ID/export?format=&units=&weak=` | TMX, TSV, JSON or align |
//! | `GET /api/export?ids=&units=` | one merged TMX of several alignments |
//! | `GET/POST /api/alignments/ID/terms`, `…/terms/extract`, `…/terms/load?name=`, `…/terms/export?format=` | the term list |
//! | `POST /api/alignments/ID/realign` | aligns the same files again, steered by the term list |
//! | `POST /api/alignments/ID/delete` | deletes an alignment |

use super::guard::{Guard, Refusal};
use super::jobs::{self, Context};
use super::store::{BeadRow, Loaded, StoreError, TermRow};
use amur::batch;
use amur_core::bead::{Alignment, Bead, Sentence};
use amur_core::glossary::{Glossary, Term};
use amur_core::report;
use amur_glossary::extract::{self, ExtractOptions};
use amur_glossary::units;
use amur_tm::export::{self, ExportOptions, Format, TmxUnits};
use amur_tm::glossary_formats::{self as gformats, GlossaryFormat};
use amur_tm::review::{self, PageOptions, Review, Served};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;
use tiny_http::{Header, Request, Response};

const APP_HTML: &str = include_str!("assets/app.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// The server's state, shared by the request threads.
pub struct App {
    pub guard: Guard,
    pub ctx: Context,
    /// Largest request body accepted, in bytes.
    pub max_upload: u64,
}

/// An answer before the common headers are added.
pub struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    fn json(value: &serde_json::Value) -> Reply {
        Reply::new(200, "application/json; charset=utf-8", value.to_string())
    }

    fn error(status: u16, message: impl Into<String>) -> Reply {
        let body = serde_json::json!({ "error": message.into() }).to_string();
        Reply::new(status, "application/json; charset=utf-8", body)
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

impl From<StoreError> for Reply {
    fn from(e: StoreError) -> Reply {
        match e {
            StoreError::NotFound => Reply::error(404, e.to_string()),
            StoreError::Conflict => Reply::error(409, e.to_string()),
            e => Reply::error(500, e.to_string()),
        }
    }
}

type Answer = Result<Reply, Reply>;

/// Answers one request. Never panics through: a panic becomes a 500 for that request alone.
pub fn handle(app: &App, mut req: Request) {
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(app, &mut req)))
        .unwrap_or_else(|_| Reply::error(500, "internal error"));
    send(req, reply);
}

fn send(req: Request, reply: Reply) {
    let close = reply.status == 413 || reply.status == 400;
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        ("Content-Type".to_string(), reply.content_type.to_string()),
        (
            "Content-Security-Policy".into(),
            format!("{}; frame-ancestors 'none'", review::SERVED_CSP),
        ),
        ("X-Content-Type-Options".into(), "nosniff".into()),
        ("Referrer-Policy".into(), "no-referrer".into()),
        ("X-Frame-Options".into(), "DENY".into()),
        ("Cross-Origin-Opener-Policy".into(), "same-origin".into()),
        ("Cross-Origin-Resource-Policy".into(), "same-origin".into()),
        ("Cache-Control".into(), "no-store".into()),
    ];
    if close {
        headers.push(("Connection".into(), "close".into()));
    }
    headers.extend(reply.headers);
    for (k, v) in headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = req.respond(response);
}

/// A request's header value.
fn header<'a>(req: &'a Request, name: &'static str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

fn answer(app: &App, req: &mut Request) -> Reply {
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let method = req.method().as_str().to_ascii_uppercase();
    let checked = app.guard.check(
        &method,
        header(req, "Host"),
        query.get("token").map(String::as_str),
        header(req, "Cookie"),
        header(req, "Origin"),
        header(req, "Sec-Fetch-Site"),
    );
    if let Err(refusal) = checked {
        return refuse(&refusal);
    }
    let path = path.to_string();
    match route(app, req, &method, &path, &query) {
        Ok(r) | Err(r) => r,
    }
}

fn refuse(refusal: &Refusal) -> Reply {
    let reply = Reply::error(refusal.status(), refusal.message());
    if *refusal == Refusal::Token {
        reply.header("WWW-Authenticate", "Token realm=\"amur\"")
    } else {
        reply
    }
}

fn route(
    app: &App,
    req: &mut Request,
    method: &str,
    path: &str,
    query: &HashMap<String, String>,
) -> Answer {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = |s: &str| -> Result<i64, Reply> {
        s.parse::<i64>()
            .map_err(|_| Reply::error(404, "no such alignment"))
    };
    let store = &app.ctx.store;
    match (method, parts.as_slice()) {
        ("GET", [""]) if query.contains_key("token") => Ok(Reply::new(303, "text/plain", "")
            .header("Location", "/")
            .header("Set-Cookie", app.guard.set_cookie())),
        ("GET", [""]) => Ok(Reply::new(200, "text/html; charset=utf-8", APP_HTML)),
        ("GET", ["static", "app.js"]) => {
            Ok(Reply::new(200, "text/javascript; charset=utf-8", APP_JS))
        }
        ("GET", ["static", "app.css"]) => Ok(Reply::new(200, "text/css; charset=utf-8", APP_CSS)),
        ("GET", ["static", "review.js"]) => Ok(Reply::new(
            200,
            "text/javascript; charset=utf-8",
            review::JS,
        )),
        ("GET", ["static", "review.css"]) => {
            Ok(Reply::new(200, "text/css; charset=utf-8", review::CSS))
        }
        ("GET", ["a", n]) => review_page(app, id(n)?),
        // Browsers ask for it; the app has none.
        ("GET", ["favicon.ico"]) => Ok(Reply::new(204, "image/x-icon", "")),
        ("POST", ["api", "files"]) => upload(app, req, query),
        ("GET", ["api", "alignments"]) => Ok(Reply::json(&serde_json::json!({
            "alignments": store.list()?
        }))),
        ("POST", ["api", "alignments"]) => start(app, req),
        ("POST", ["api", "batch"]) => start_batch(app, req),
        ("GET", ["api", "export"]) => export_merged(app, query),
        ("GET", ["api", "alignments", n]) => Ok(Reply::json(
            &serde_json::to_value(store.summary(id(n)?)?).map_err(internal)?,
        )),
        ("POST", ["api", "alignments", n, "beads"]) => save_beads(app, req, id(n)?),
        ("POST", ["api", "alignments", n, "delete"]) => {
            store.delete(id(n)?)?;
            Ok(Reply::json(&serde_json::json!({ "deleted": true })))
        }
        ("GET", ["api", "alignments", n, "export"]) => export_one(app, id(n)?, query),
        ("GET", ["api", "alignments", n, "terms"]) => Ok(terms_reply(&store.terms(id(n)?)?, &[])),
        ("POST", ["api", "alignments", n, "terms"]) => set_terms(app, req, id(n)?),
        ("POST", ["api", "alignments", n, "terms", "extract"]) => extract_terms(app, id(n)?),
        ("POST", ["api", "alignments", n, "terms", "load"]) => load_terms(app, req, id(n)?, query),
        ("GET", ["api", "alignments", n, "terms", "export"]) => export_terms(app, id(n)?, query),
        ("POST", ["api", "alignments", n, "realign"]) => realign(app, id(n)?),
        _ => Err(Reply::error(404, format!("not found: {method} {path}"))),
    }
}

fn internal(e: impl std::fmt::Display) -> Reply {
    Reply::error(500, e.to_string())
}

/// The request body, at most `max_upload` bytes, complete (as long as its Content-Length
/// says): 413 when too large, 400 when cut short.
fn read_body(app: &App, req: &mut Request) -> Result<Vec<u8>, Reply> {
    let limit = app.max_upload;
    let too_large = || {
        Reply::error(
            413,
            format!(
                "the upload is larger than the limit of {} (amur serve --max-upload)",
                human_size(limit)
            ),
        )
    };
    let declared = req.body_length();
    if declared.is_some_and(|n| n as u64 > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(1 << 20));
    req.as_reader()
        .take(limit + 1)
        .read_to_end(&mut body)
        .map_err(|e| Reply::error(400, format!("the request body could not be read: {e}")))?;
    if body.len() as u64 > limit {
        return Err(too_large());
    }
    if let Some(n) = declared.filter(|&n| body.len() < n) {
        return Err(Reply::error(
            400,
            format!(
                "the upload was cut short: {} of {n} bytes arrived",
                body.len()
            ),
        ));
    }
    Ok(body)
}

fn read_json<T: for<'de> Deserialize<'de>>(app: &App, req: &mut Request) -> Result<T, Reply> {
    let body = read_body(app, req)?;
    serde_json::from_slice(&body).map_err(|e| Reply::error(400, format!("malformed request: {e}")))
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.0} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{bytes} bytes")
    }
}

/// `POST /api/files?name=N`: keeps the body as an uploaded file named N (a name to show and
/// to tell its format by; never a path).
fn upload(app: &App, req: &mut Request, query: &HashMap<String, String>) -> Answer {
    let name = display_name(query.get("name").map(String::as_str).unwrap_or(""));
    let body = read_body(app, req)?;
    let id = app.ctx.store.add_file(&name, &body)?;
    Ok(Reply::json(
        &serde_json::json!({ "id": id, "name": name, "size": body.len() }),
    ))
}

/// The last component of an uploaded name, without control characters, at most 200
/// characters: `../../x` is shown as `x`.
fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "unnamed".into()
    } else {
        clean
    }
}

#[derive(Deserialize)]
struct StartRequest {
    zh: i64,
    en: i64,
    #[serde(default)]
    glossary: Option<i64>,
}

/// `POST /api/alignments`: starts aligning two uploaded files.
fn start(app: &App, req: &mut Request) -> Answer {
    let r: StartRequest = read_json(app, req)?;
    let store = &app.ctx.store;
    let zh = store
        .file_name(r.zh)?
        .ok_or_else(|| Reply::error(400, "the Chinese file was not uploaded"))?;
    let en = store
        .file_name(r.en)?
        .ok_or_else(|| Reply::error(400, "the English file was not uploaded"))?;
    let glossary = match r.glossary {
        Some(g) => glossary_file(app, g)?,
        None => Vec::new(),
    };
    let id = store.new_alignment(&pair_name(&zh, &en), r.zh, r.en, &glossary, None)?;
    jobs::spawn(&app.ctx, id);
    Ok(Reply::json(&serde_json::json!({ "id": id })))
}

/// The terms of an uploaded glossary file (TSV, CSV or TBX by its name), or the first
/// problem as `amur align --glossary` words it.
fn glossary_file(app: &App, id: i64) -> Result<Vec<TermRow>, Reply> {
    let (name, bytes) = app
        .ctx
        .store
        .file(id)?
        .ok_or_else(|| Reply::error(400, "the glossary was not uploaded"))?;
    let parsed = parse_glossary(&name, &bytes)?;
    if let Some(p) = parsed.problems.iter().find(|p| !p.duplicate) {
        return Err(Reply::error(400, format!("{name}: {p}")));
    }
    Ok(jobs::term_rows(&parsed.glossary))
}

fn parse_glossary(name: &str, bytes: &[u8]) -> Result<gformats::Parsed, Reply> {
    let text = amur_core::text::decode(bytes).map_err(|offset| {
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        Reply::error(400, format!("{name}: line {line}: not valid UTF-8"))
    })?;
    Ok(gformats::parse(gformats::format_of(Path::new(name)), &text))
}

/// A pair's name: the Chinese file's name without extension and `.zh`, and the English one's
/// when it differs.
fn pair_name(zh: &str, en: &str) -> String {
    let stem = |n: &str, lang: &str| {
        let s = amur_formats::document_stem(n).unwrap_or(n);
        s.strip_suffix(&format!(".{lang}")).unwrap_or(s).to_string()
    };
    let (z, e) = (stem(zh, "zh"), stem(en, "en"));
    if z == e { z } else { format!("{z} / {e}") }
}

#[derive(Deserialize)]
struct BatchRequest {
    files: Vec<i64>,
    #[serde(default)]
    glossary: Option<i64>,
}

/// `POST /api/batch`: pairs uploaded files by name as `amur batch` pairs a directory's and
/// starts every pair.
fn start_batch(app: &App, req: &mut Request) -> Answer {
    let r: BatchRequest = read_json(app, req)?;
    let store = &app.ctx.store;
    let mut names = Vec::new();
    for &f in &r.files {
        names.push(
            store
                .file_name(f)?
                .ok_or_else(|| Reply::error(400, "a file was not uploaded"))?,
        );
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let paired = batch::pair_names(&refs);
    if paired.pairs.is_empty() {
        return Err(Reply::error(
            400,
            format!(
                "no pairs: name the files NAME.zh.EXT and NAME.en.EXT. {}",
                paired.warnings.join("; ")
            ),
        ));
    }
    let glossary = match r.glossary {
        Some(g) => glossary_file(app, g)?,
        None => Vec::new(),
    };
    let batch = super::guard::new_token().map_err(internal)?[..8].to_string();
    let mut ids = Vec::new();
    for (name, z, e) in &paired.pairs {
        let id = store.new_alignment(name, r.files[*z], r.files[*e], &glossary, Some(&batch))?;
        ids.push(id);
    }
    for &id in &ids {
        jobs::spawn(&app.ctx, id);
    }
    Ok(Reply::json(&serde_json::json!({
        "batch": batch, "ids": ids, "warnings": paired.warnings
    })))
}

/// The alignment, the checked and the edited flags of a stored alignment.
fn alignment(l: &Loaded) -> (Alignment, Vec<bool>, Vec<bool>) {
    let side = |texts: &[String], pars: &[usize]| -> Vec<Sentence> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Sentence {
                text: t.clone(),
                paragraph: pars.get(i).copied().unwrap_or(0),
            })
            .collect()
    };
    let al = Alignment {
        zh: side(&l.sentences.zh, &l.sentences.zh_par),
        en: side(&l.sentences.en, &l.sentences.en_par),
        beads: l
            .beads
            .iter()
            .map(|&(zs, ze, es, ee, c, _, _)| Bead {
                zh: zs..ze,
                en: es..ee,
                confidence: c,
            })
            .collect(),
    };
    let checked = l.beads.iter().map(|b| b.5).collect();
    let edited = l.beads.iter().map(|b| b.6).collect();
    (al, checked, edited)
}

/// Export options as `amur align` would use them for these files: the Chinese language code
/// of the text, the Chinese file's name as the document.
fn export_options(al: &Alignment, doc: &str, units: TmxUnits) -> ExportOptions {
    ExportOptions {
        src_lang: report::zh_lang_code(al).into(),
        units,
        doc_name: Some(doc.to_string()),
        ..ExportOptions::default()
    }
}

/// `GET /a/ID`: the review page.
fn review_page(app: &App, id: i64) -> Answer {
    let loaded = match app.ctx.store.load(id) {
        Err(StoreError::NotFound) => {
            return Err(Reply::error(404, "no finished alignment with this number"));
        }
        other => other?,
    };
    let (al, checked, edited) = alignment(&loaded);
    let opts = PageOptions {
        export: export_options(&al, &loaded.summary.zh_name, TmxUnits::Bead),
        name: loaded.summary.name.clone(),
        threshold: amur_core::report::REVIEW_THRESHOLD,
    };
    let rev = Review {
        alignment: al,
        checked,
        edited,
        document: Some(loaded.summary.zh_name.clone()),
        warnings: Vec::new(),
    };
    let served = Served {
        save: format!("/api/alignments/{id}/beads"),
        version: loaded.version,
        tmx: format!("/api/alignments/{id}/export?format=tmx"),
        json: format!("/api/alignments/{id}/export?format=json"),
        home: "/".into(),
    };
    let html = review::render_served(&rev, &opts, &served).map_err(internal)?;
    Ok(Reply::new(200, "text/html; charset=utf-8", html))
}

#[derive(Deserialize)]
struct BeadsRequest {
    version: i64,
    beads: Vec<BeadRow>,
}

/// `POST /api/alignments/ID/beads`: stores the review page's beads when they still cover both
/// sides exactly.
fn save_beads(app: &App, req: &mut Request, id: i64) -> Answer {
    let r: BeadsRequest = read_json(app, req)?;
    let loaded = app.ctx.store.load(id)?;
    check_beads(
        &r.beads,
        loaded.sentences.zh.len(),
        loaded.sentences.en.len(),
    )
    .map_err(|e| Reply::error(400, e))?;
    let version = app.ctx.store.save_beads(id, r.version, &r.beads)?;
    Ok(Reply::json(&serde_json::json!({ "version": version })))
}

/// Whether beads cover `nz` Chinese and `ne` English sentences in order, each exactly once,
/// every bead with a sentence and a confidence between 0 and 1.
pub fn check_beads(beads: &[BeadRow], nz: usize, ne: usize) -> Result<(), String> {
    let (mut z, mut e) = (0, 0);
    for (i, &(zs, ze, es, ee, c, _, _)) in beads.iter().enumerate() {
        if zs != z || es != e || ze < zs || ee < es {
            return Err(format!("bead {i} does not follow the bead before it"));
        }
        if ze == zs && ee == es {
            return Err(format!("bead {i} is empty"));
        }
        if !(0.0..=1.0).contains(&c) {
            return Err(format!("bead {i} has a confidence outside 0–1"));
        }
        (z, e) = (ze, ee);
    }
    if z != nz || e != ne {
        return Err(format!(
            "the beads cover {z} of {nz} Chinese and {e} of {ne} English sentences"
        ));
    }
    Ok(())
}

fn units_of(query: &HashMap<String, String>) -> Result<TmxUnits, Reply> {
    match query.get("units").map(String::as_str) {
        None | Some("bead") => Ok(TmxUnits::Bead),
        Some("sentence") => Ok(TmxUnits::Sentence),
        Some(other) => Err(Reply::error(
            400,
            format!("units {other:?}: expected bead or sentence"),
        )),
    }
}

/// A file name for a download: the alignment's name in letters, digits, `-`, `_` and `.`.
fn download_name(name: &str, suffix: &str) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = base.trim_matches(['_', '.']);
    format!("{}{suffix}", if base.is_empty() { "amur" } else { base })
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Tmx => "application/x-tmx+xml; charset=utf-8",
        Format::Tsv => "text/tab-separated-values; charset=utf-8",
        Format::Json => "application/json; charset=utf-8",
        Format::Align => "text/plain; charset=utf-8",
    }
}

fn attachment(reply: Reply, file: &str) -> Reply {
    reply.header(
        "Content-Disposition",
        format!("attachment; filename=\"{file}\""),
    )
}

/// `GET /api/alignments/ID/export`: the alignment as it is now, in `format` (tmx, tsv, json,
/// align); `weak=1` keeps only the weak beads (below `below`, default 0.9, not checked).
fn export_one(app: &App, id: i64, query: &HashMap<String, String>) -> Answer {
    let format: Format = query
        .get("format")
        .map(String::as_str)
        .unwrap_or("tmx")
        .parse()
        .map_err(|e: export::UnknownFormat| Reply::error(400, e.to_string()))?;
    let units = units_of(query)?;
    let loaded = app.ctx.store.load(id)?;
    let (mut al, mut checked, _) = alignment(&loaded);
    let weak = query.get("weak").is_some_and(|w| w == "1");
    if weak {
        let below: f64 = match query.get("below") {
            Some(b) => b
                .parse()
                .map_err(|_| Reply::error(400, format!("below {b:?}: expected a number")))?,
            None => 0.9,
        };
        let keep: Vec<bool> = al
            .beads
            .iter()
            .zip(&checked)
            .map(|(b, &c)| !c && b.confidence < below)
            .collect();
        al.beads = al
            .beads
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(b, _)| b)
            .collect();
        checked = vec![false; al.beads.len()];
    }
    let opts = export_options(&al, &loaded.summary.zh_name, units);
    let mut out = Vec::new();
    export::write_reviewed(&al, &checked, format, &opts, &mut out).map_err(internal)?;
    let suffix = if weak { ".weak" } else { ".reviewed" };
    let file = download_name(&loaded.summary.name, &format!("{suffix}.{}", format.name()));
    Ok(attachment(
        Reply::new(200, content_type(format), out),
        &file,
    ))
}

/// `GET /api/export?ids=1,2,3`: one TMX with the units of every alignment named, in order,
/// each unit with its alignment's name as `x-document` (as `amur batch`'s merged TMX).
fn export_merged(app: &App, query: &HashMap<String, String>) -> Answer {
    let units = units_of(query)?;
    let ids: Vec<i64> = query
        .get("ids")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| Reply::error(400, format!("ids: {s:?} is no number")))
        })
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(Reply::error(400, "ids: name the alignments to merge"));
    }
    let mut parts = Vec::new();
    let mut langs = BTreeSet::new();
    for id in ids {
        let loaded = app.ctx.store.load(id)?;
        let (al, checked, _) = alignment(&loaded);
        let opts = export_options(&al, &loaded.summary.name, units);
        langs.insert(opts.src_lang.clone());
        let mut out = Vec::new();
        export::write_reviewed(&al, &checked, Format::Tmx, &opts, &mut out).map_err(internal)?;
        parts.push(String::from_utf8(out).map_err(internal)?);
    }
    let header = ExportOptions {
        src_lang: match langs.len() {
            1 => langs.into_iter().next().unwrap_or_default(),
            _ => "*all*".into(),
        },
        units,
        ..ExportOptions::default()
    };
    let mut out = Vec::new();
    batch::merge_tmx_texts(&parts, &header, &mut out).map_err(internal)?;
    Ok(attachment(
        Reply::new(200, content_type(Format::Tmx), out),
        "merged.tmx",
    ))
}

fn terms_reply(terms: &[TermRow], problems: &[String]) -> Reply {
    Reply::json(&serde_json::json!({ "terms": terms, "problems": problems }))
}

#[derive(Deserialize)]
struct TermsRequest {
    terms: Vec<TermRow>,
}

/// `POST /api/alignments/ID/terms`: the edited term list (every term with both sides).
fn set_terms(app: &App, req: &mut Request, id: i64) -> Answer {
    let r: TermsRequest = read_json(app, req)?;
    let mut terms = Vec::with_capacity(r.terms.len());
    for (i, t) in r.terms.into_iter().enumerate() {
        let t = TermRow {
            zh: t.zh.trim().to_string(),
            en: t.en.trim().to_string(),
            comment: t.comment.trim().to_string(),
        };
        if t.zh.is_empty() || t.en.is_empty() {
            return Err(Reply::error(
                400,
                format!(
                    "term {}: both the Chinese and the English are needed",
                    i + 1
                ),
            ));
        }
        terms.push(t);
    }
    app.ctx.store.set_terms(id, &terms)?;
    Ok(terms_reply(&terms, &[]))
}

/// `POST /api/alignments/ID/terms/extract`: the recurring terms of the alignment as it is
/// now (as `amur align --terms` finds them), replacing the list.
fn extract_terms(app: &App, id: i64) -> Answer {
    let loaded = app.ctx.store.load(id)?;
    let (al, _, _) = alignment(&loaded);
    let units = units::from_alignment(&loaded.summary.name, &al);
    let found = extract::to_glossary(&extract::extract(&units, &ExtractOptions::default()));
    let terms = jobs::term_rows(&found);
    app.ctx.store.set_terms(id, &terms)?;
    Ok(terms_reply(&terms, &[]))
}

/// `POST /api/alignments/ID/terms/load?name=N`: adds the terms of a glossary file (TSV, CSV or
/// TBX by N's extension) that the list lacks; answers the list and the file's problems.
fn load_terms(app: &App, req: &mut Request, id: i64, query: &HashMap<String, String>) -> Answer {
    let name = display_name(query.get("name").map(String::as_str).unwrap_or(""));
    let body = read_body(app, req)?;
    let parsed = parse_glossary(&name, &body)?;
    let problems: Vec<String> = parsed
        .problems
        .iter()
        .filter(|p| !p.duplicate)
        .map(|p| format!("{name}: {p}"))
        .collect();
    let mut terms = app.ctx.store.terms(id)?;
    let mut have: BTreeSet<(String, String)> =
        terms.iter().map(|t| (t.zh.clone(), t.en.clone())).collect();
    for t in jobs::term_rows(&parsed.glossary) {
        if have.insert((t.zh.clone(), t.en.clone())) {
            terms.push(t);
        }
    }
    app.ctx.store.set_terms(id, &terms)?;
    Ok(terms_reply(&terms, &problems))
}

/// `GET /api/alignments/ID/terms/export?format=tsv|csv|tbx`.
fn export_terms(app: &App, id: i64, query: &HashMap<String, String>) -> Answer {
    let format: GlossaryFormat = query
        .get("format")
        .map(String::as_str)
        .unwrap_or("tsv")
        .parse()
        .map_err(|e: gformats::UnknownGlossaryFormat| Reply::error(400, e.to_string()))?;
    let summary = app.ctx.store.summary(id)?;
    let g = Glossary {
        terms: app
            .ctx
            .store
            .terms(id)?
            .into_iter()
            .map(|t| Term {
                zh: t.zh,
                en: t.en,
                comment: t.comment,
            })
            .collect(),
    };
    let mut out = Vec::new();
    gformats::write(&g, format, &mut out).map_err(internal)?;
    let kind = match format {
        GlossaryFormat::Tsv => "text/tab-separated-values; charset=utf-8",
        GlossaryFormat::Csv => "text/csv; charset=utf-8",
        GlossaryFormat::Tbx => "application/x-tbx+xml; charset=utf-8",
    };
    let file = download_name(&summary.name, &format!(".terms.{}", format.name()));
    Ok(attachment(Reply::new(200, kind, out), &file))
}

/// `POST /api/alignments/ID/realign`: a new alignment of the same files, steered by the term
/// list.
fn realign(app: &App, id: i64) -> Answer {
    let store = &app.ctx.store;
    let summary = store.summary(id)?;
    let (zh, en, _) = store.inputs(id)?;
    let terms = store.terms(id)?;
    if terms.is_empty() {
        return Err(Reply::error(
            400,
            "the term list is empty: extract or load terms first",
        ));
    }
    let new = store.new_alignment(&summary.name, zh, en, &terms, summary.batch.as_deref())?;
    jobs::spawn(&app.ctx, new);
    Ok(Reply::json(&serde_json::json!({ "id": new })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_are_names_only() {
        assert_eq!(display_name("../../x"), "x");
        assert_eq!(display_name("..\\..\\evil.docx"), "evil.docx");
        assert_eq!(display_name("/etc/passwd"), "passwd");
        assert_eq!(display_name(".."), "unnamed");
        assert_eq!(display_name("a\u{0}b\n.txt"), "ab.txt");
        assert_eq!(display_name(""), "unnamed");
    }

    #[test]
    fn pairs_are_named_by_their_files() {
        assert_eq!(pair_name("report.zh.docx", "report.en.html"), "report");
        assert_eq!(pair_name("中文.txt", "english.txt"), "中文 / english");
    }

    #[test]
    fn beads_must_cover_both_sides_once() {
        let ok = [
            (0, 1, 0, 2, 0.5, false, false),
            (1, 2, 2, 2, 1.0, true, true),
        ];
        assert_eq!(check_beads(&ok, 2, 2), Ok(()));
        assert!(check_beads(&ok, 3, 2).is_err());
        assert!(check_beads(&ok[..1], 2, 2).is_err());
        let gap = [
            (0, 1, 0, 1, 0.5, false, false),
            (2, 2, 1, 2, 0.5, false, false),
        ];
        assert!(check_beads(&gap, 2, 2).is_err());
        let empty = [
            (0, 0, 0, 0, 0.5, false, false),
            (0, 1, 0, 1, 0.5, false, false),
        ];
        assert!(check_beads(&empty, 1, 1).is_err());
        let nan = [(0, 1, 0, 1, f64::NAN, false, false)];
        assert!(check_beads(&nan, 1, 1).is_err());
    }

    #[test]
    fn download_names_are_plain() {
        assert_eq!(download_name("a b/../c", ".tmx"), "a_b_.._c.tmx");
        assert_eq!(download_name("中文", ".tmx"), "amur.tmx");
    }
}
