//! Aligning in the background: one thread per alignment, at most as many running at once as
//! the machine has cores (the others wait, queued). Each writes its uploaded files to a private
//! temporary folder under the data folder with names of its own (`zh.docx`, `en.html`: the
//! uploaded name is never a path), reads and aligns them with the library as `amur align`
//! does, reports its phase to the store for the page to show, and stores the result. A failure
//! (an unreadable file, even a panic) fails that alignment alone, with the message `amur align`
//! would print, the temporary paths replaced by the uploaded names.

use super::store::{BeadRow, Sentences, Store, TermRow};
use amur_core::glossary::{Glossary, Term};
use amur_core::pipeline::{self, Config};
use amur_core::report;
use amur_formats::InputFormat;
use amur_formats::document::ReadOptions;
use amur_formats::pair;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

/// Limits how many alignments run at once.
pub struct Slots {
    free: Mutex<usize>,
    wake: Condvar,
}

impl Slots {
    pub fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n.max(1)),
            wake: Condvar::new(),
        }
    }

    fn take(&self) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.wake.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
    }

    fn give(&self) {
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.wake.notify_one();
    }
}

/// What a job needs.
#[derive(Clone)]
pub struct Context {
    pub store: Arc<Store>,
    pub slots: Arc<Slots>,
    /// Where private temporary folders go (inside the data folder).
    pub tmp: PathBuf,
}

/// Starts aligning alignment `id` (queued in the store) in a thread of its own.
pub fn spawn(ctx: &Context, id: i64) {
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        ctx.slots.take();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&ctx, id)));
        ctx.slots.give();
        let message = match result {
            Ok(Ok(())) => return,
            Ok(Err(message)) => message,
            Err(_) => "amur failed on these files (an internal error): please report it".into(),
        };
        let _ = ctx.store.set_status(id, "failed", &message);
    });
}

/// Aligns one alignment; the error is the message for the user.
fn run(ctx: &Context, id: i64) -> Result<(), String> {
    let store = &ctx.store;
    let db = |e: super::store::StoreError| e.to_string();
    store
        .set_status(id, "reading", "reading both files")
        .map_err(db)?;
    let (zh_id, en_id, glossary) = store.inputs(id).map_err(db)?;
    let (zh_name, zh_bytes) = store.file(zh_id).map_err(db)?.ok_or("file gone")?;
    let (en_name, en_bytes) = store.file(en_id).map_err(db)?.ok_or("file gone")?;
    let dir = tempfile::Builder::new()
        .prefix(&format!("align-{id}-"))
        .tempdir_in(&ctx.tmp)
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let zh_path = dir.path().join(format!("zh.{}", safe_extension(&zh_name)));
    let en_path = dir.path().join(format!("en.{}", safe_extension(&en_name)));
    for (path, bytes) in [(&zh_path, &zh_bytes), (&en_path, &en_bytes)] {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    }
    let names = [
        (zh_path.as_path(), zh_name.as_str()),
        (en_path.as_path(), en_name.as_str()),
    ];
    let read = ReadOptions {
        format: InputFormat::Auto,
        ..ReadOptions::default()
    };
    let pair::ReadPair { zh, en, notes } = pair::read_files(&zh_path, &en_path, &read, &read)
        .map_err(|e| user_words(&e.to_string(), &names))?;
    drop(dir);
    store
        .set_status(
            id,
            "aligning",
            &format!(
                "aligning {} Chinese with {} English sentences",
                zh.len(),
                en.len()
            ),
        )
        .map_err(db)?;
    let config = Config {
        glossary: Glossary {
            terms: glossary
                .iter()
                .map(|t| Term {
                    zh: t.zh.clone(),
                    en: t.en.clone(),
                    comment: t.comment.clone(),
                })
                .collect(),
        },
        ..Config::default()
    };
    let al = pipeline::align_sentences(zh, en, &config);
    store.set_status(id, "aligning", "saving").map_err(db)?;
    let mut notes: Vec<String> = notes.iter().map(|n| user_words(n, &names)).collect();
    let lift = report::lexical_lift(&al, &config);
    notes.extend(
        report::warnings(&al, lift)
            .into_iter()
            .map(|w| format!("warning: {w}")),
    );
    let sentences = Sentences {
        zh: al.zh.iter().map(|s| s.text.clone()).collect(),
        en: al.en.iter().map(|s| s.text.clone()).collect(),
        zh_par: al.zh.iter().map(|s| s.paragraph).collect(),
        en_par: al.en.iter().map(|s| s.paragraph).collect(),
    };
    let beads: Vec<BeadRow> = al
        .beads
        .iter()
        .map(|b| {
            (
                b.zh.start,
                b.zh.end,
                b.en.start,
                b.en.end,
                b.confidence,
                false,
                false,
            )
        })
        .collect();
    store.finish(id, &sentences, &beads, &notes).map_err(db)
}

/// A message with each temporary path replaced by the uploaded file's name.
fn user_words(message: &str, names: &[(&Path, &str)]) -> String {
    let mut out = message.to_string();
    for (path, name) in names {
        out = out.replace(&path.display().to_string(), name);
    }
    out
}

/// The extension a temporary file gets: the uploaded name's when amur reads that format
/// (it decides how the file is read), else `txt`. Only ASCII letters ever reach the path.
pub fn safe_extension(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if amur_formats::EXTENSIONS.contains(&ext.as_str()) {
        ext
    } else {
        "txt".into()
    }
}

/// Terms for the store from a glossary.
pub fn term_rows(g: &Glossary) -> Vec<TermRow> {
    g.terms
        .iter()
        .map(|t| TermRow {
            zh: t.zh.clone(),
            en: t.en.clone(),
            comment: t.comment.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_never_carry_a_path() {
        assert_eq!(safe_extension("a.DOCX"), "docx");
        assert_eq!(safe_extension("../../x"), "txt");
        assert_eq!(safe_extension("x.docx/../../etc"), "txt");
        assert_eq!(safe_extension("noext"), "txt");
        assert_eq!(safe_extension("a.html"), "html");
    }

    #[test]
    fn messages_name_the_uploaded_files() {
        let p = Path::new("/data/tmp/align-1-x/zh.docx");
        assert_eq!(
            user_words(
                "/data/tmp/align-1-x/zh.docx: not a zip",
                &[(p, "论文.docx")]
            ),
            "论文.docx: not a zip"
        );
    }
}
