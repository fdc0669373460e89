//! Writing alignments: TMX (for CAT tools), TSV, JSON and the align format (gold format of the
//! evaluation data).
//!
//! [`write()`] renders an [`Alignment`] in one [`Format`] to any writer; [`write_file`] puts the
//! output in place atomically so that a failed export never leaves a truncated file behind.

mod align;
mod json;
mod split;
mod tmx;
mod tsv;

use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use amur_core::bead::Alignment;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TMX 1.4b translation memory (OmegaT, Trados, memoQ).
    Tmx,
    /// Tab-separated `zh, en, confidence, bead` with a header line.
    Tsv,
    /// Pretty JSON with sentence ids, texts and confidences of every bead.
    Json,
    /// One `[zh ids]:[en ids]` line per bead.
    Align,
}

impl Format {
    /// The format a file name asks for, by its extension (`.tmx`, `.tsv`, `.json`, `.align`,
    /// any case); `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        ext.parse().ok()
    }

    /// The name used on the command line and as the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Tmx => "tmx",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Align => "align",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is none of `tmx`, `tsv`, `json`, `align`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format {0:?}: expected tmx, tsv, json or align")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses `tmx`, `tsv`, `json` or `align` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "tmx" => Ok(Format::Tmx),
            "tsv" => Ok(Format::Tsv),
            "json" => Ok(Format::Json),
            "align" => Ok(Format::Align),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// What one TMX translation unit holds.
///
/// CAT tools match TM units against their own segments. OmegaT segments Chinese at 。？！, so
/// a unit whose Chinese side joins two sentences is never an exact match for an OmegaT segment,
/// only a weak fuzzy one. `Sentence` mode therefore gives every Chinese sentence a unit of its
/// own:
///
/// * m-m beads (m > 1) become m 1-1 units, pairing the i-th Chinese sentence with the i-th
///   English one (this assumes the translator kept the sentence order inside the bead).
/// * other beads with several Chinese sentences (2-1, 3-2 ...) have their English cut into one
///   part per Chinese sentence only at a sentence end or clause punctuation, and only where
///   the dictionary matches between the parts and the Chinese sentences say where the cut is
///   (see `split.rs`). Those units carry `<prop type="x-split">lexical</prop>` and the
///   bead's confidence times the cut's certainty. Where no cut is clear the bead stays one
///   unit: no exact match for its sentences is better than a wrong one.
/// * 1-n beads (one Chinese sentence) are one unit in both modes, the English sentences joined
///   by a space: OmegaT's Chinese segment matches it exactly.
///
/// Every unit keeps its bead's kind (`x-bead`) and confidence (a cut unit's is lowered by the
/// cut's certainty). With
/// [`ExportOptions::en_source`] only the m-m splitting applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TmxUnits {
    /// One unit per bead (both sides non-empty), the sentences of each side joined.
    #[default]
    Bead,
    /// One unit per Chinese sentence where it can be told: m-m beads split pairwise, other
    /// multi-sentence beads cut where the lexical evidence says (marked `x-split`).
    Sentence,
}

/// Options of the export. Only TMX uses all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// Language code of the Chinese side, with a hyphen: "zh-CN", or "zh-TW" when the source is
    /// traditional (the caller decides).
    pub src_lang: String,
    /// Language code of the English side: "en-US".
    pub tgt_lang: String,
    /// English → Chinese direction: the English tuv comes first and the TMX `srclang` is
    /// `tgt_lang` (the English code); the language codes themselves do not swap.
    pub en_source: bool,
    /// What a TMX translation unit holds.
    pub units: TmxUnits,
    /// TMX creation date, `YYYYMMDDThhmmssZ` (UTC). Not written when it has another shape.
    pub creation_date: String,
    /// `creationtoolversion` in the TMX header.
    pub tool_version: String,
    /// Document name (e.g. the Chinese file name), written as `<prop type="x-document">` on
    /// each TMX unit.
    pub doc_name: Option<String>,
    /// Which TMX units are written, by their confidence.
    pub keep: Keep,
}

/// Which units a TMX holds, by confidence: all, the sure ones (`--min-confidence`), or the
/// weak ones (written to `NAME.weak.tmx` for review).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Keep {
    #[default]
    All,
    /// Units whose confidence is at least this.
    AtLeast(f64),
    /// Units whose confidence is below this.
    Below(f64),
}

impl Keep {
    /// Whether a unit of confidence `c` is written.
    pub fn keeps(self, c: f64) -> bool {
        match self {
            Keep::All => true,
            Keep::AtLeast(x) => c >= x,
            Keep::Below(x) => c < x,
        }
    }
}

impl Default for ExportOptions {
    /// zh-CN → en-US, one unit per bead, created now, this crate's version, no document name.
    fn default() -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        ExportOptions {
            src_lang: "zh-CN".to_string(),
            tgt_lang: "en-US".to_string(),
            en_source: false,
            units: TmxUnits::Bead,
            creation_date: tmx_date(now),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            doc_name: None,
            keep: Keep::All,
        }
    }
}

/// Formats seconds since the Unix epoch as a TMX date, `YYYYMMDDThhmmssZ` (UTC).
pub fn tmx_date(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`, restricted to dates after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// Whether `s` has the shape of a TMX date, `YYYYMMDDThhmmssZ`.
fn is_tmx_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

/// Writes `al` in `format` to `out` (buffered internally, flushed at the end).
///
/// Fails with [`io::ErrorKind::InvalidData`] before writing anything when a bead refers to
/// sentences the alignment does not have.
pub fn write(
    al: &Alignment,
    format: Format,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_reviewed(al, &[], format, opts, out)
}

/// Writes `al` as [`write()`] does, for an alignment a person has reviewed: `checked[i]` marks
/// bead `i` checked (missing flags: not checked). A checked bead has confidence 1 in every
/// format, and its TMX units carry `<prop type="x-checked">yes</prop>`, as the TMX the review
/// page saves has them.
pub fn write_reviewed(
    al: &Alignment,
    checked: &[bool],
    format: Format,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    check_beads(al)?;
    let certain;
    let al = if checked.iter().any(|&c| c) {
        let mut copy = al.clone();
        for (b, _) in copy.beads.iter_mut().zip(checked).filter(|(_, c)| **c) {
            b.confidence = 1.0;
        }
        certain = copy;
        &certain
    } else {
        al
    };
    let mut out = BufWriter::new(out);
    match format {
        Format::Tmx => tmx::write(al, checked, opts, &mut out)?,
        Format::Tsv => tsv::write(al, &mut out)?,
        Format::Json => json::write(al, &mut out)?,
        Format::Align => align::write(al, &mut out)?,
    }
    out.flush()
}

/// Checks that every bead's ranges lie within the sentences, so that slicing cannot panic.
fn check_beads(al: &Alignment) -> io::Result<()> {
    for (i, b) in al.beads.iter().enumerate() {
        let ok = b.zh.start <= b.zh.end
            && b.zh.end <= al.zh.len()
            && b.en.start <= b.en.end
            && b.en.end <= al.en.len();
        if !ok {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "bead {i} (zh {:?}, en {:?}) is outside the {} Chinese and {} English sentences",
                    b.zh,
                    b.en,
                    al.zh.len(),
                    al.en.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Confidence as text: 3 decimals, or 2 when the third is zero ("0.93", "0.925", "1.00").
pub(crate) fn fmt_confidence(c: f64) -> String {
    let s = format!("{:.3}", round_confidence(c));
    match s.strip_suffix('0') {
        Some(short) if s.contains('.') => short.to_string(),
        _ => s,
    }
}

/// Confidence rounded to 3 decimals, for JSON numbers.
fn round_confidence(c: f64) -> f64 {
    (c * 1000.0).round() / 1000.0
}

/// Why writing an output file failed: the path and the cause.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The folder the output should go in is not there.
    #[error("cannot write {}: the folder {} does not exist", path.display(), dir.display())]
    NoFolder { path: PathBuf, dir: PathBuf },
    /// The temporary file beside the output could not be created.
    #[error("cannot create a temporary file beside {}: {source}", path.display())]
    TempFile { path: PathBuf, source: io::Error },
    /// Writing, flushing or syncing the output failed (also when the writer closure failed).
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// The finished temporary file could not be renamed over the output.
    #[error("cannot replace {}: {source}", path.display())]
    Rename { path: PathBuf, source: io::Error },
}

/// Writes to `path` atomically: `write` fills a temporary file in the same directory, which is
/// flushed, fsynced and then renamed over `path`. On any error (including one returned by
/// `write`) no file at `path` is created or changed, and the temporary file is removed.
/// [`stage_file`] and [`commit_all`] do the same for several files at once.
///
/// On Unix a new file gets the usual permissions (0666 less the umask, not tempfile's 0600) and
/// a replaced file keeps its permissions.
///
/// What is at `path` is kept as it is:
///
/// * a symlink stays a symlink: the file it points to (through any chain of links, created if
///   missing) is written atomically, beside itself;
/// * something that is neither a regular file nor a directory (a device such as `/dev/null`
///   or `/dev/full`, a FIFO, `/dev/stdout`) is written directly, without temporary file or
///   rename, and every write error is reported (`/dev/full`: no space left on device). What
///   was written before an error cannot be taken back there.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ExportError> {
    stage_file(path, write)?.commit()
}

/// An output written in full but not yet in place: a finished temporary file beside its
/// destination (or, for a device or FIFO, the bytes to send there). [`Staged::commit`] puts it
/// in place; dropping it leaves nothing behind.
#[derive(Debug)]
pub struct Staged {
    shown: PathBuf,
    kind: StagedKind,
}

#[derive(Debug)]
enum StagedKind {
    Temp {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
    },
    Device(Vec<u8>),
}

/// Writes what `path` is to hold ([`write_file`] says how) without putting it in place yet, so
/// that a run with several outputs puts them all in place only once every one was written
/// ([`commit_all`]).
pub fn stage_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Staged, ExportError> {
    // `metadata` follows links, also the kernel's own (`/dev/stdout` → `/proc/self/fd/1`).
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut bytes = Vec::new();
            write(&mut bytes).map_err(|source| ExportError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(Staged {
                shown: path.to_path_buf(),
                kind: StagedKind::Device(bytes),
            })
        }
        _ => stage_atomically(&link_target(path)?, path, write),
    }
}

impl Staged {
    /// Puts the output in place: renames the temporary file over the destination (or writes
    /// the bytes to the device).
    pub fn commit(self) -> Result<(), ExportError> {
        match self.kind {
            StagedKind::Device(bytes) => write_in_place(&self.shown, |w| w.write_all(&bytes)),
            StagedKind::Temp { tmp, target } => {
                tmp.persist(&target).map_err(|e| ExportError::Rename {
                    path: self.shown.clone(),
                    source: e.error,
                })?;
                sync_dir(&dir_of(&target));
                Ok(())
            }
        }
    }
}

/// Puts staged outputs in place, in order. Nothing is renamed before every output of a run
/// was written in full; a rename that fails then (rare: the files are in their folders
/// already) stops the others, whose temporary files are removed.
pub fn commit_all(staged: Vec<Staged>) -> Result<(), ExportError> {
    for s in staged {
        s.commit()?;
    }
    Ok(())
}

/// The folder a file goes in (`.` for a bare name).
fn dir_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks that the folder `path` is to be written in exists (before a long run, so that a
/// mistyped folder is named at once).
pub fn check_folder(path: &Path) -> Result<(), ExportError> {
    let dir = dir_of(path);
    if dir.is_dir() {
        Ok(())
    } else {
        Err(ExportError::NoFolder {
            path: path.to_path_buf(),
            dir,
        })
    }
}

/// The file a chain of symlinks at `path` ends in (which may not exist); `path` itself when it
/// is no symlink.
fn link_target(path: &Path) -> Result<PathBuf, ExportError> {
    let mut target = path.to_path_buf();
    // As many links as Linux follows (MAXSYMLINKS) before it gives up with ELOOP.
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&target).map_err(|source| ExportError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
                target = match target.parent() {
                    Some(dir) => dir.join(next),
                    None => next,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(ExportError::Write {
        path: path.to_path_buf(),
        source: io::Error::other("too many levels of symbolic links"),
    })
}

/// Writes `write`'s output straight into the existing non-regular file `path` (a device, a
/// FIFO): no temporary file, no fsync (devices and FIFOs refuse it).
fn write_in_place(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ExportError> {
    let werr = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(werr)?;
    let mut buf = BufWriter::new(file);
    write(&mut buf).map_err(werr)?;
    buf.flush().map_err(werr)
}

/// Fills a temporary file beside `target` (no symlink); errors name `shown`, the path the
/// user gave.
fn stage_atomically(
    target: &Path,
    shown: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Staged, ExportError> {
    let dir = dir_of(target);
    let werr = |source| ExportError::Write {
        path: shown.to_path_buf(),
        source,
    };
    if !dir.is_dir() {
        return Err(ExportError::NoFolder {
            path: shown.to_path_buf(),
            dir,
        });
    }
    if target.is_dir() {
        return Err(werr(io::Error::other("it is a folder")));
    }
    let mut tmp = temp_file_in(&dir).map_err(|source| ExportError::TempFile {
        path: shown.to_path_buf(),
        source,
    })?;
    if let Ok(meta) = fs::symlink_metadata(target)
        && meta.is_file()
    {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(werr)?;
    }
    {
        let mut buf = BufWriter::new(tmp.as_file_mut());
        write(&mut buf).map_err(werr)?;
        buf.flush().map_err(werr)?;
    }
    tmp.as_file().sync_all().map_err(werr)?;
    Ok(Staged {
        shown: shown.to_path_buf(),
        kind: StagedKind::Temp {
            tmp,
            target: target.to_path_buf(),
        },
    })
}

/// A named temporary file in `dir`, created with mode 0666 (less the umask) on Unix.
fn temp_file_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".amur-export-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Best-effort fsync of a directory so that a rename in it is durable. Errors are ignored:
/// the new file is already in place, and some file systems refuse to sync directories.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use amur_core::bead::{Bead, Sentence};

    fn s(t: &str) -> Sentence {
        Sentence {
            text: t.to_string(),
            paragraph: 0,
        }
    }

    fn bead(zh: std::ops::Range<usize>, en: std::ops::Range<usize>, confidence: f64) -> Bead {
        Bead { zh, en, confidence }
    }

    /// A small traditional-Chinese alignment with the awkward cases every format must handle:
    /// XML specials, a control character, a tab and a newline in the text, a 1-2 bead, a 0-1
    /// bead, a 2-2 bead and a 2-1 bead.
    pub(crate) fn sample() -> Alignment {
        Alignment {
            zh: vec![
                s("這是「測試」。"),          // 0: 1-1
                s("價格<100>元&稅。"),        // 1: 1-2
                s("控制\u{1}字元\u{FFFF}。"), // 2: 1-1 with forbidden characters
                s("第一句。"),                // 3: 2-2
                s("第二句。"),                // 4
                s("甲。"),                    // 5: 2-1
                s("乙。"),                    // 6
                s("孤\t句\n。"),              // 7: 1-0
            ],
            en: vec![
                s("This is a \"test\"."),        // 0
                s("The price is <100> & more."), // 1
                s("Tax 'included'."),            // 2
                s("Control\u{7} char\r."),       // 3
                s("Added sentence."),            // 4: 0-1
                s("First."),                     // 5
                s("Second."),                    // 6
                s("A and B."),                   // 7
            ],
            beads: vec![
                bead(0..1, 0..1, 0.93),
                bead(1..2, 1..3, 0.8765),
                bead(2..3, 3..4, 1.0),
                bead(3..3, 4..5, 0.0),
                bead(3..5, 5..7, 0.5),
                bead(5..7, 7..8, 0.61),
                bead(7..8, 8..8, 0.1),
            ],
        }
    }

    #[test]
    fn checked_beads_are_certain_and_marked() {
        let al = sample();
        let opts = ExportOptions {
            creation_date: "20240101T000000Z".into(),
            ..ExportOptions::default()
        };
        let render = |checked: &[bool], format| {
            let mut out = Vec::new();
            write_reviewed(&al, checked, format, &opts, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let plain = render(&[], Format::Tmx);
        assert_eq!(render(&[false; 7], Format::Tmx), plain);
        let mut plain_out = Vec::new();
        write(&al, Format::Tmx, &opts, &mut plain_out).unwrap();
        assert_eq!(String::from_utf8(plain_out).unwrap(), plain);
        assert!(!plain.contains("x-checked"));
        // Bead 1 (0.8765) checked: its one unit is certain and marked, no other unit is.
        let reviewed = render(&[false, true], Format::Tmx);
        assert_eq!(reviewed.matches("x-checked").count(), 1);
        let unit = &reviewed[reviewed.find(r#"tuid="zh1_en1-2""#).unwrap()..];
        let unit = &unit[..unit.find("</tu>").unwrap()];
        assert!(
            unit.contains(r#"<prop type="x-confidence">1.00</prop>"#),
            "{unit}"
        );
        assert!(
            unit.contains(r#"<prop type="x-checked">yes</prop>"#),
            "{unit}"
        );
        assert!(render(&[false, true], Format::Tsv).contains("\t1.00\t1-2"));
    }

    #[test]
    fn format_parses_names_and_extensions() {
        assert_eq!("tmx".parse(), Ok(Format::Tmx));
        assert_eq!("TSV".parse(), Ok(Format::Tsv));
        assert_eq!("json".parse(), Ok(Format::Json));
        assert_eq!("align".parse(), Ok(Format::Align));
        assert!("xliff".parse::<Format>().is_err());
        assert_eq!(Format::from_path(Path::new("out/a.tmx")), Some(Format::Tmx));
        assert_eq!(Format::from_path(Path::new("a.ALIGN")), Some(Format::Align));
        assert_eq!(Format::from_path(Path::new("a.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("a.tsv")), Some(Format::Tsv));
        assert_eq!(Format::from_path(Path::new("a.txt")), None);
        assert_eq!(Format::from_path(Path::new("tmx")), None);
        for f in [Format::Tmx, Format::Tsv, Format::Json, Format::Align] {
            assert_eq!(f.to_string().parse(), Ok(f));
        }
    }

    #[test]
    fn confidence_has_two_or_three_decimals() {
        assert_eq!(fmt_confidence(0.93), "0.93");
        assert_eq!(fmt_confidence(0.8765), "0.877");
        assert_eq!(fmt_confidence(1.0), "1.00");
        assert_eq!(fmt_confidence(0.0), "0.00");
        assert_eq!(fmt_confidence(0.925), "0.925");
        assert_eq!(round_confidence(0.8765), 0.877);
    }

    #[test]
    fn tmx_dates() {
        assert_eq!(tmx_date(0), "19700101T000000Z");
        assert_eq!(tmx_date(951_782_400), "20000229T000000Z");
        assert_eq!(tmx_date(1_700_000_000), "20231114T221320Z");
        assert!(is_tmx_date(&tmx_date(1_700_000_000)));
        assert!(is_tmx_date(&ExportOptions::default().creation_date));
        assert!(!is_tmx_date("2023-11-14"));
        assert!(!is_tmx_date("20231114T2213200"));
    }

    #[test]
    fn default_options() {
        let o = ExportOptions::default();
        assert_eq!(o.src_lang, "zh-CN");
        assert_eq!(o.tgt_lang, "en-US");
        assert!(!o.en_source);
        assert_eq!(o.units, TmxUnits::Bead);
        assert_eq!(o.tool_version, env!("CARGO_PKG_VERSION"));
        assert_eq!(o.doc_name, None);
    }

    #[test]
    fn out_of_range_bead_is_an_error_not_a_panic() {
        let mut al = sample();
        al.beads.push(bead(8..9, 8..8, 0.5));
        for f in [Format::Tmx, Format::Tsv, Format::Json, Format::Align] {
            let mut out = Vec::new();
            let err = write(&al, f, &ExportOptions::default(), &mut out).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(out.is_empty());
        }
    }

    #[test]
    fn write_file_creates_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.align");
        let al = sample();
        let opts = ExportOptions::default();
        write_file(&path, |w| write(&al, Format::Align, &opts, w)).unwrap();
        let first = fs::read_to_string(&path).unwrap();
        assert!(first.starts_with("[0]:[0]\n"));

        write_file(&path, |w| w.write_all(b"replaced\n")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "replaced\n");
        // Only the output is left in the directory: no temporary files.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_file_leaves_nothing_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tmx");
        let fail = |w: &mut dyn Write| {
            w.write_all(b"partial")?;
            Err(io::Error::other("aligner gave up"))
        };
        let err = write_file(&path, fail).unwrap_err();
        assert!(matches!(err, ExportError::Write { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("out.tmx") && msg.contains("aligner gave up"),
            "{msg}"
        );
        assert!(!path.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

        // An existing file is left as it was.
        fs::write(&path, "old").unwrap();
        assert!(write_file(&path, fail).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_file_reports_a_missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.tsv");
        let err = write_file(&path, |w| w.write_all(b"x")).unwrap_err();
        assert!(matches!(err, ExportError::NoFolder { .. }));
        let shown = err.to_string();
        assert!(shown.contains("out.tsv"), "{shown}");
        assert!(
            shown.contains(&format!(
                "the folder {} does not exist",
                dir.path().join("no/such/dir").display()
            )),
            "{shown}"
        );
        assert!(check_folder(&path).is_err());
        assert!(check_folder(&dir.path().join("x.tsv")).is_ok());
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.tmx");
        let b = dir.path().join("b.html");
        let sa = stage_file(&a, |w| w.write_all(b"A")).unwrap();
        let sb = stage_file(&b, |w| w.write_all(b"B")).unwrap();
        assert!(!a.exists() && !b.exists());
        commit_all(vec![sa, sb]).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "A");
        assert_eq!(fs::read_to_string(&b).unwrap(), "B");
        // A staged file that is dropped leaves nothing, not even its temporary file.
        let c = dir.path().join("c.tsv");
        drop(stage_file(&c, |w| w.write_all(b"C")).unwrap());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        // A folder where the file should go is refused before anything is written.
        fs::create_dir(dir.path().join("d")).unwrap();
        assert!(stage_file(&dir.path().join("d"), |w| w.write_all(b"D")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_symlink_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("real")).unwrap();
        fs::write(d.join("real/out.tmx"), "old").unwrap();
        // A relative link to a relative link, both resolved from their own directories.
        std::os::unix::fs::symlink("real/out.tmx", d.join("first")).unwrap();
        std::os::unix::fs::symlink("first", d.join("link.tmx")).unwrap();
        write_file(&d.join("link.tmx"), |w| w.write_all(b"new")).unwrap();
        for link in ["link.tmx", "first"] {
            let meta = fs::symlink_metadata(d.join(link)).unwrap();
            assert!(meta.file_type().is_symlink(), "{link} was replaced");
        }
        assert_eq!(fs::read_to_string(d.join("real/out.tmx")).unwrap(), "new");
        assert_eq!(fs::read_dir(d.join("real")).unwrap().count(), 1);

        // A dangling link: its target is created.
        std::os::unix::fs::symlink("real/new.tsv", d.join("dangling")).unwrap();
        write_file(&d.join("dangling"), |w| w.write_all(b"x")).unwrap();
        assert!(
            fs::symlink_metadata(d.join("dangling"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(d.join("real/new.tsv")).unwrap(), "x");

        // A loop is an error naming the path, and nothing is written.
        std::os::unix::fs::symlink("loop-b", d.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", d.join("loop-b")).unwrap();
        let err = write_file(&d.join("loop-a"), |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("loop-a"), "{err}");
        assert!(
            fs::symlink_metadata(d.join("loop-a"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    /// A character device `major:minor` that a test may write to without risk: for root (who
    /// could replace a node in /dev, should write_file ever rename over devices again) a fresh
    /// node in `dir`, made with mknod; for anyone else the one in /dev. `None` when neither is
    /// there.
    #[cfg(unix)]
    fn test_char_device(dir: &Path, name: &str, major: u32, minor: u32) -> Option<PathBuf> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let is_char =
            |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_char_device());
        let root = fs::metadata("/proc/self").map_or(true, |m| m.uid() == 0);
        let path = if root {
            let p = dir.join(name);
            let made = std::process::Command::new("mknod")
                .arg(&p)
                .args(["c", &major.to_string(), &minor.to_string()])
                .status();
            made.ok()?.success().then_some(p)?
        } else {
            Path::new("/dev").join(name)
        };
        is_char(&path).then_some(path)
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let is_char =
            |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_char_device());
        if let Some(null) = test_char_device(dir.path(), "null", 1, 3) {
            write_file(&null, |w| w.write_all(b"gone")).unwrap();
            assert!(is_char(&null));
        }
        if let Some(full) = test_char_device(dir.path(), "full", 1, 7) {
            let err = write_file(&full, |w| w.write_all(&[b'x'; 100_000])).unwrap_err();
            assert!(
                matches!(&err, ExportError::Write { source, .. } if source.raw_os_error() == Some(28)),
                "{err}"
            );
            assert!(err.to_string().contains("full"), "{err}");
            assert!(is_char(&full));
        }
        // A FIFO: written in place, read by another thread; it stays a FIFO.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || fs::read(fifo).unwrap())
            };
            write_file(&fifo, |w| w.write_all(b"through")).unwrap();
            assert_eq!(reader.join().unwrap(), b"through");
            assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        }
    }

    #[cfg(unix)]
    #[test]
    fn write_file_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tsv");
        let mode_of = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        write_file(&path, |w| w.write_all(b"x")).unwrap();
        // A new file gets what File::create gives (0666 less the umask), not tempfile's 0600.
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        assert_eq!(mode_of(&path), mode_of(&plain));

        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&path, |w| w.write_all(b"y")).unwrap();
        assert_eq!(mode_of(&path), 0o640);
    }
}
