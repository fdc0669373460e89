//! The app's one SQLite database (`amur.sqlite` in the data folder): uploaded files, the
//! alignments made from them with their review state (beads, checked, edited) and their term
//! lists. One file, so that a user can back it up or move it by copying it while the server is
//! stopped.
//!
//! The connection sits behind a mutex: every call is one short statement or transaction, and
//! the long work (aligning) happens outside it.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database: stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The beads were saved by someone else since this version was read.
    #[error("the alignment was changed elsewhere (another tab?) since this page loaded: reload it")]
    Conflict,
    #[error("no such alignment")]
    NotFound,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    created INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS alignments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    zh_file INTEGER NOT NULL REFERENCES files(id),
    en_file INTEGER NOT NULL REFERENCES files(id),
    glossary TEXT,
    batch TEXT,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '[]',
    zh_count INTEGER NOT NULL DEFAULT 0,
    en_count INTEGER NOT NULL DEFAULT 0,
    bead_count INTEGER NOT NULL DEFAULT 0,
    checked_count INTEGER NOT NULL DEFAULT 0,
    weak_count INTEGER NOT NULL DEFAULT 0,
    sentences TEXT,
    beads TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    terms TEXT
);
";

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The sentences of both sides of an alignment, with their 0-based paragraphs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sentences {
    pub zh: Vec<String>,
    pub en: Vec<String>,
    pub zh_par: Vec<usize>,
    pub en_par: Vec<usize>,
}

/// A bead as stored and as the review page sends it: half-open sentence ranges of each side
/// `(zh start, zh end, en start, en end)`, confidence, checked, edited.
pub type BeadRow = (usize, usize, usize, usize, f64, bool, bool);

/// A glossary entry as the app shows and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermRow {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub comment: String,
}

/// An alignment as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: i64,
    pub name: String,
    pub created: i64,
    pub updated: i64,
    pub zh_name: String,
    pub en_name: String,
    pub zh_size: i64,
    pub en_size: i64,
    pub batch: Option<String>,
    /// queued, reading, aligning, done or failed.
    pub status: String,
    /// Progress while it runs, the error when it failed.
    pub message: String,
    pub notes: Vec<String>,
    pub zh_count: i64,
    pub en_count: i64,
    pub bead_count: i64,
    pub checked_count: i64,
    pub weak_count: i64,
    pub term_count: i64,
    pub glossary_terms: i64,
}

/// A finished alignment with its review state.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub summary: Summary,
    pub sentences: Sentences,
    pub beads: Vec<BeadRow>,
    pub version: i64,
}

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating when missing) the database at `path`. Alignments that were still
    /// running when the server last stopped are marked failed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute(
            "UPDATE alignments SET status = 'failed', message = 'the server stopped before the \
             alignment finished: align the files again' WHERE status NOT IN ('done', 'failed')",
            [],
        )?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable (each call is atomic).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps an uploaded file; returns its id.
    pub fn add_file(&self, name: &str, data: &[u8]) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO files (name, size, created, data) VALUES (?1, ?2, ?3, ?4)",
            params![name, data.len() as i64, now(), data],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// An uploaded file's name and bytes.
    pub fn file(&self, id: i64) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT name, data FROM files WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// An uploaded file's name.
    pub fn file_name(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT name FROM files WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// A new alignment of two uploaded files, queued; `glossary` is the term list that steers
    /// it. Returns its id.
    pub fn new_alignment(
        &self,
        name: &str,
        zh_file: i64,
        en_file: i64,
        glossary: &[TermRow],
        batch: Option<&str>,
    ) -> Result<i64, StoreError> {
        let glossary = serde_json::to_string(glossary)?;
        let conn = self.conn();
        let t = now();
        conn.execute(
            "INSERT INTO alignments (name, created, updated, zh_file, en_file, glossary, batch, \
             status) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, 'queued')",
            params![name, t, zh_file, en_file, glossary, batch],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// The files and steering glossary of an alignment.
    pub fn inputs(&self, id: i64) -> Result<(i64, i64, Vec<TermRow>), StoreError> {
        let (zh, en, glossary): (i64, i64, Option<String>) = self
            .conn()
            .query_row(
                "SELECT zh_file, en_file, glossary FROM alignments WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let glossary = match glossary {
            Some(g) => serde_json::from_str(&g)?,
            None => Vec::new(),
        };
        Ok((zh, en, glossary))
    }

    /// Sets a running alignment's status and progress message.
    pub fn set_status(&self, id: i64, status: &str, message: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE alignments SET status = ?2, message = ?3, updated = ?4 WHERE id = ?1",
            params![id, status, message, now()],
        )?;
        Ok(())
    }

    /// Stores a finished alignment.
    pub fn finish(
        &self,
        id: i64,
        sentences: &Sentences,
        beads: &[BeadRow],
        notes: &[String],
    ) -> Result<(), StoreError> {
        let (checked, weak) = counts(beads);
        self.conn().execute(
            "UPDATE alignments SET status = 'done', message = '', updated = ?2, notes = ?3, \
             zh_count = ?4, en_count = ?5, bead_count = ?6, checked_count = ?7, weak_count = ?8, \
             sentences = ?9, beads = ?10, version = 1 WHERE id = ?1",
            params![
                id,
                now(),
                serde_json::to_string(notes)?,
                sentences.zh.len() as i64,
                sentences.en.len() as i64,
                beads.len() as i64,
                checked,
                weak,
                serde_json::to_string(sentences)?,
                serde_json::to_string(&clean(beads))?,
            ],
        )?;
        Ok(())
    }

    /// Replaces the beads of alignment `id` when it is still at `version` (else
    /// [`StoreError::Conflict`]); returns the new version.
    pub fn save_beads(&self, id: i64, version: i64, beads: &[BeadRow]) -> Result<i64, StoreError> {
        let (checked, weak) = counts(beads);
        let json = serde_json::to_string(&clean(beads))?;
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE alignments SET beads = ?3, version = version + 1, updated = ?4, \
             checked_count = ?5, weak_count = ?6, bead_count = ?7 \
             WHERE id = ?1 AND version = ?2 AND status = 'done'",
            params![id, version, json, now(), checked, weak, beads.len() as i64],
        )?;
        if changed == 0 {
            let exists: Option<i64> = conn
                .query_row(
                    "SELECT id FROM alignments WHERE id = ?1 AND status = 'done'",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            return Err(match exists {
                Some(_) => StoreError::Conflict,
                None => StoreError::NotFound,
            });
        }
        Ok(version + 1)
    }

    /// Every alignment, newest first.
    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SUMMARY_SELECT} ORDER BY a.id DESC"))?;
        let rows = stmt.query_map([], summary_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.finish()?);
        }
        Ok(out)
    }

    /// One alignment's summary.
    pub fn summary(&self, id: i64) -> Result<Summary, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("{SUMMARY_SELECT} WHERE a.id = ?1"),
                [id],
                summary_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        row.finish()
    }

    /// A finished alignment with its beads; [`StoreError::NotFound`] when it is not finished.
    pub fn load(&self, id: i64) -> Result<Loaded, StoreError> {
        let summary = self.summary(id)?;
        let (sentences, beads, version): (Option<String>, Option<String>, i64) =
            self.conn().query_row(
                "SELECT sentences, beads, version FROM alignments WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let (Some(sentences), Some(beads)) = (sentences, beads) else {
            return Err(StoreError::NotFound);
        };
        Ok(Loaded {
            summary,
            sentences: serde_json::from_str(&sentences)?,
            beads: serde_json::from_str(&beads)?,
            version,
        })
    }

    /// The term list of an alignment (empty when none was made).
    pub fn terms(&self, id: i64) -> Result<Vec<TermRow>, StoreError> {
        let terms: Option<String> = self
            .conn()
            .query_row("SELECT terms FROM alignments WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NotFound)?;
        Ok(match terms {
            Some(t) => serde_json::from_str(&t)?,
            None => Vec::new(),
        })
    }

    /// Replaces the term list of an alignment.
    pub fn set_terms(&self, id: i64, terms: &[TermRow]) -> Result<(), StoreError> {
        let changed = self.conn().execute(
            "UPDATE alignments SET terms = ?2, updated = ?3 WHERE id = ?1",
            params![id, serde_json::to_string(terms)?, now()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes an alignment (its uploaded files stay while another alignment uses them).
    pub fn delete(&self, id: i64) -> Result<(), StoreError> {
        let conn = self.conn();
        let changed = conn.execute("DELETE FROM alignments WHERE id = ?1", [id])?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        conn.execute(
            "DELETE FROM files WHERE id NOT IN (SELECT zh_file FROM alignments) \
             AND id NOT IN (SELECT en_file FROM alignments) AND created < ?1",
            [now() - 3600],
        )?;
        Ok(())
    }
}

/// Checked beads, and weak ones (confidence below 0.9, not checked).
fn counts(beads: &[BeadRow]) -> (i64, i64) {
    let checked = beads.iter().filter(|b| b.5).count() as i64;
    let weak = beads.iter().filter(|b| !b.5 && b.4 < 0.9).count() as i64;
    (checked, weak)
}

/// Beads with a confidence JSON can hold (NaN and infinities as 0).
fn clean(beads: &[BeadRow]) -> Vec<BeadRow> {
    beads
        .iter()
        .map(|&(a, b, c, d, conf, checked, edited)| {
            let conf = if conf.is_finite() { conf } else { 0.0 };
            (a, b, c, d, conf, checked, edited)
        })
        .collect()
}

const SUMMARY_SELECT: &str = "SELECT a.id, a.name, a.created, a.updated, zf.name, ef.name, \
    zf.size, ef.size, a.batch, a.status, a.message, a.notes, a.zh_count, a.en_count, \
    a.bead_count, a.checked_count, a.weak_count, a.terms, a.glossary \
    FROM alignments a JOIN files zf ON zf.id = a.zh_file JOIN files ef ON ef.id = a.en_file";

/// A summary row before its JSON columns are parsed.
struct RawSummary {
    summary: Summary,
    notes: String,
    terms: Option<String>,
    glossary: Option<String>,
}

impl RawSummary {
    fn finish(mut self) -> Result<Summary, StoreError> {
        self.summary.notes = serde_json::from_str(&self.notes)?;
        let count = |json: &Option<String>| -> Result<i64, StoreError> {
            Ok(match json {
                Some(j) => serde_json::from_str::<Vec<TermRow>>(j)?.len() as i64,
                None => 0,
            })
        };
        self.summary.term_count = count(&self.terms)?;
        self.summary.glossary_terms = count(&self.glossary)?;
        Ok(self.summary)
    }
}

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSummary> {
    Ok(RawSummary {
        summary: Summary {
            id: r.get(0)?,
            name: r.get(1)?,
            created: r.get(2)?,
            updated: r.get(3)?,
            zh_name: r.get(4)?,
            en_name: r.get(5)?,
            zh_size: r.get(6)?,
            en_size: r.get(7)?,
            batch: r.get(8)?,
            status: r.get(9)?,
            message: r.get(10)?,
            notes: Vec::new(),
            zh_count: r.get(12)?,
            en_count: r.get(13)?,
            bead_count: r.get(14)?,
            checked_count: r.get(15)?,
            weak_count: r.get(16)?,
            term_count: 0,
            glossary_terms: 0,
        },
        notes: r.get(11)?,
        terms: r.get(17)?,
        glossary: r.get(18)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alignment_keeps_its_review_across_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("amur.sqlite");
        let store = Store::open(&path).unwrap();
        let zh = store.add_file("a.zh.txt", "甲。乙。".as_bytes()).unwrap();
        let en = store.add_file("a.en.txt", b"A. B.").unwrap();
        let id = store.new_alignment("a", zh, en, &[], None).unwrap();
        let running = store.new_alignment("b", zh, en, &[], None).unwrap();
        let sentences = Sentences {
            zh: vec!["甲。".into(), "乙。".into()],
            en: vec!["A.".into(), "B.".into()],
            zh_par: vec![0, 0],
            en_par: vec![0, 0],
        };
        let beads = vec![
            (0, 1, 0, 1, 0.95, false, false),
            (1, 2, 1, 2, f64::NAN, false, false),
        ];
        store.finish(id, &sentences, &beads, &[]).unwrap();
        let v = store.load(id).unwrap().version;
        let merged = vec![(0, 2, 0, 2, 0.0, true, true)];
        let v2 = store.save_beads(id, v, &merged).unwrap();
        assert!(matches!(
            store.save_beads(id, v, &beads),
            Err(StoreError::Conflict)
        ));
        drop(store);
        let store = Store::open(&path).unwrap();
        let loaded = store.load(id).unwrap();
        assert_eq!(loaded.beads, merged);
        assert_eq!(loaded.version, v2);
        assert_eq!(loaded.summary.checked_count, 1);
        assert_eq!(loaded.summary.zh_size, "甲。乙。".len() as i64);
        // What was running when the server stopped is failed, not left running.
        let s = store.summary(running).unwrap();
        assert_eq!(s.status, "failed");
        assert!(matches!(store.load(running), Err(StoreError::NotFound)));
    }
}
