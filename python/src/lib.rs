//! amur-python: the extension module `amur._amur` of the `amur` Python package, re-exported
//! as `amur` by python/amur/__init__.py.
//!
//! It calls the library functions `amur align` and `amur segment` call
//! ([`amur_formats::pair::align_files`], [`amur_core::pipeline::align_sentences`],
//! [`amur_formats::document`], [`amur_tm::export`]) with the options built the same way, so
//! a pair aligned here has the CLI's beads and is written as the CLI writes it. Reading and
//! aligning run with the GIL released (`Python::detach`): other Python threads go on, and
//! several alignments can run at once.
//!
//! Errors become Python exceptions carrying amur's messages: [`AmurError`] (a `ValueError`)
//! and its subclasses for bad input and options; `FileNotFoundError`/`OSError` for files
//! that cannot be found, read or written.

use amur_core::bead::{self, Sentence};
use amur_core::glossary::Glossary;
use amur_core::pipeline::{self, Config};
use amur_core::report;
use amur_core::segment::{Lang, ZhOptions};
use amur_core::text::TextError;
use amur_formats::document::{self, ReadOptions};
use amur_formats::{FormatError, InputFormat, Problem, pair};
use amur_tm::export::{self, ExportError, ExportOptions, Format, TmxUnits};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyFileNotFoundError, PyImportError, PyOSError, PyUserWarning, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use std::io;
use std::path::{Path, PathBuf};

create_exception!(
    amur,
    AmurError,
    PyValueError,
    "An error amur reports: bad input or a bad option. The message is amur's own."
);
create_exception!(
    amur,
    InputError,
    AmurError,
    "A document that cannot be read: empty, binary, corrupt, or in an encoding that does not fit."
);
create_exception!(
    amur,
    LanguageError,
    AmurError,
    "A side in the wrong language: a Chinese side with almost no Chinese characters, or an \
     English side mostly of them. Pass check_language=False to align such a pair anyway."
);
create_exception!(
    amur,
    GlossaryError,
    AmurError,
    "A glossary file that cannot be parsed (the message names the file and line)."
);
create_exception!(
    amur,
    AmurWarning,
    PyUserWarning,
    "What `amur align` prints as a warning, e.g. a pair that looks unrelated."
);

/// An I/O error as the Python exception users expect: `FileNotFoundError` for a missing file,
/// `OSError` otherwise, with amur's message (which names the file).
fn os_error(kind: io::ErrorKind, message: String) -> PyErr {
    match kind {
        io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

/// A document that could not be read, as a Python exception.
fn read_error(err: FormatError) -> PyErr {
    let message = err.to_string();
    match &err {
        FormatError::Text(TextError::Io { source, .. })
        | FormatError::Bad {
            problem: Problem::Io(source),
            ..
        } => os_error(source.kind(), message),
        FormatError::Text(TextError::UnknownEncoding(_)) => AmurError::new_err(message),
        _ => InputError::new_err(message),
    }
}

fn glossary_error(err: amur_tm::glossary_formats::GlossaryError) -> PyErr {
    let message = err.to_string();
    match &err {
        amur_tm::glossary_formats::GlossaryError::Io { source, .. } => {
            os_error(source.kind(), message)
        }
        amur_tm::glossary_formats::GlossaryError::Format { .. } => GlossaryError::new_err(message),
    }
}

fn export_error(err: ExportError) -> PyErr {
    let message = err.to_string();
    match &err {
        ExportError::NoFolder { .. } => os_error(io::ErrorKind::NotFound, message),
        ExportError::TempFile { source, .. }
        | ExportError::Write { source, .. }
        | ExportError::Rename { source, .. } => match source.kind() {
            // A bead outside the sentences (cannot happen for an alignment made here).
            io::ErrorKind::InvalidData => AmurError::new_err(message),
            kind => os_error(kind, message),
        },
    }
}

/// Any amur error that is a bad value (a format name, a language name) as [`AmurError`].
fn value_error(err: impl std::fmt::Display) -> PyErr {
    AmurError::new_err(err.to_string())
}

/// One bead: consecutive Chinese sentences aligned with consecutive English sentences.
#[pyclass(frozen, eq, get_all, module = "amur")]
#[derive(Debug, Clone, PartialEq)]
struct Bead {
    /// 0-based indices of the Chinese sentences (`Alignment.zh_sentences`); may be empty.
    zh_ids: Vec<usize>,
    /// 0-based indices of the English sentences (`Alignment.en_sentences`); may be empty.
    en_ids: Vec<usize>,
    /// The Chinese sentences joined without a separator.
    zh: String,
    /// The English sentences joined with one space.
    en: String,
    /// How sure the aligner is of this bead, in [0, 1].
    confidence: f64,
    /// The bead type: "1-1", "1-2", "0-1" ...
    kind: String,
}

#[pymethods]
impl Bead {
    fn __repr__(&self) -> String {
        format!(
            "Bead(kind={:?}, zh_ids={:?}, en_ids={:?}, confidence={:.3}, zh={:?}, en={:?})",
            self.kind, self.zh_ids, self.en_ids, self.confidence, self.zh, self.en
        )
    }
}

impl Bead {
    fn new(al: &bead::Alignment, b: &bead::Bead) -> Bead {
        Bead {
            zh_ids: b.zh.clone().collect(),
            en_ids: b.en.clone().collect(),
            zh: al.zh_text(b),
            en: al.en_text(b),
            confidence: b.confidence,
            kind: b.kind(),
        }
    }
}

/// An aligned document pair: the sentences of both sides and the beads that pair them.
#[pyclass(frozen, module = "amur")]
struct Alignment {
    inner: bead::Alignment,
    /// What reading found worth telling (an encoding detected), as `amur align` prints it.
    notes: Vec<String>,
    /// What `amur align` prints as warnings (also issued as [`AmurWarning`]).
    warnings: Vec<String>,
    /// The Chinese file's name, written on every TMX unit as the CLI does; none for texts.
    doc_name: Option<String>,
    /// The files aligned, which `write` refuses to overwrite.
    inputs: Vec<PathBuf>,
    beads: PyOnceLock<Py<PyTuple>>,
}

#[pymethods]
impl Alignment {
    /// The beads in document order, covering every sentence of both sides once.
    #[getter]
    fn beads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let beads = self
            .beads
            .get_or_try_init(py, || -> PyResult<Py<PyTuple>> {
                let list: Vec<Bead> = self
                    .inner
                    .beads
                    .iter()
                    .map(|b| Bead::new(&self.inner, b))
                    .collect();
                Ok(PyTuple::new(py, list)?.unbind())
            })?;
        Ok(beads.bind(py).clone())
    }

    /// The Chinese sentences, as the bead ids number them.
    #[getter]
    fn zh_sentences(&self) -> Vec<String> {
        self.inner.zh.iter().map(|s| s.text.clone()).collect()
    }

    /// The English sentences, as the bead ids number them.
    #[getter]
    fn en_sentences(&self) -> Vec<String> {
        self.inner.en.iter().map(|s| s.text.clone()).collect()
    }

    #[getter]
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Mean confidence of the beads with both sides (0 when there are none).
    #[getter]
    fn mean_confidence(&self) -> f64 {
        self.inner.mean_confidence()
    }

    fn __len__(&self) -> usize {
        self.inner.beads.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<amur.Alignment: {} zh / {} en sentences, {} beads, mean confidence {:.2}>",
            self.inner.zh.len(),
            self.inner.en.len(),
            self.inner.beads.len(),
            self.inner.mean_confidence()
        )
    }

    /// Writes the alignment as `amur align -o PATH` does: the format by the extension
    /// (.tmx .tsv .json .align) unless `format` names it.
    #[pyo3(signature = (path, format=None, *, src_lang=None, tgt_lang="en-US", en_source=false, tmx_units="bead"))]
    #[allow(clippy::too_many_arguments)] // amur align's output options, as keywords
    fn write(
        &self,
        py: Python<'_>,
        path: PathBuf,
        format: Option<&str>,
        src_lang: Option<String>,
        tgt_lang: &str,
        en_source: bool,
        tmx_units: &str,
    ) -> PyResult<()> {
        let format = match format {
            Some(name) => name.parse::<Format>().map_err(value_error)?,
            None => Format::from_path(&path).ok_or_else(|| {
                AmurError::new_err(format!(
                    "{}: cannot tell the format from the extension; use format=\"tmx\", \
                     \"tsv\", \"json\" or \"align\"",
                    path.display()
                ))
            })?,
        };
        let units = match tmx_units {
            "bead" => TmxUnits::Bead,
            "sentence" => TmxUnits::Sentence,
            other => {
                return Err(AmurError::new_err(format!(
                    "unknown tmx_units {other:?}: expected \"bead\" or \"sentence\""
                )));
            }
        };
        refuse_overwriting_input(&path, &self.inputs)?;
        let opts = ExportOptions {
            src_lang: src_lang.unwrap_or_else(|| report::zh_lang_code(&self.inner).to_string()),
            tgt_lang: tgt_lang.to_string(),
            en_source,
            units,
            doc_name: self.doc_name.clone(),
            ..ExportOptions::default()
        };
        py.detach(|| export::write_file(&path, |w| export::write(&self.inner, format, &opts, w)))
            .map_err(export_error)
    }

    /// The beads as a pandas DataFrame, one row a bead: zh_ids, en_ids, zh, en, confidence,
    /// kind. Needs pandas (`pip install pandas`).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|_| {
            PyImportError::new_err("Alignment.to_pandas() needs pandas: pip install pandas")
        })?;
        let al = &self.inner;
        let columns = PyDict::new(py);
        let ids = |r: &std::ops::Range<usize>| r.clone().collect::<Vec<usize>>();
        columns.set_item(
            "zh_ids",
            al.beads.iter().map(|b| ids(&b.zh)).collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "en_ids",
            al.beads.iter().map(|b| ids(&b.en)).collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "zh",
            al.beads.iter().map(|b| al.zh_text(b)).collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "en",
            al.beads.iter().map(|b| al.en_text(b)).collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "confidence",
            al.beads.iter().map(|b| b.confidence).collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "kind",
            al.beads.iter().map(|b| b.kind()).collect::<Vec<_>>(),
        )?;
        pandas.getattr("DataFrame")?.call1((columns,))
    }
}

/// Refuses to write `output` over one of the aligned files (the same file by another path or
/// a link too), as `amur align` does.
fn refuse_overwriting_input(output: &Path, inputs: &[PathBuf]) -> PyResult<()> {
    let Ok(out) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|i| i == out) {
            return Err(AmurError::new_err(format!(
                "{}: the output would overwrite an input file ({})",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// The paths a `glossary=` argument names: none, one path (str or os.PathLike) or a list.
fn glossary_paths(glossary: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(obj) = glossary else {
        return Ok(Vec::new());
    };
    if let Ok(path) = obj.extract::<PathBuf>() {
        return Ok(vec![path]);
    }
    obj.try_iter()
        .map_err(|_| {
            AmurError::new_err("glossary= takes a path or a list of paths (TSV, CSV or TBX)")
        })?
        .map(|item| item?.extract::<PathBuf>())
        .collect()
}

/// How to read and align, as `amur align`'s options say; built once by an [`Aligner`].
struct Settings {
    config: Config,
    zh_read: ReadOptions,
    en_read: ReadOptions,
    check_language: bool,
    /// A thread pool of this aligner's own (`threads=N`); `None`: the process-wide pool.
    pool: Option<rayon::ThreadPool>,
}

impl Settings {
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        glossary: Option<&Bound<'_, PyAny>>,
        presegmented: bool,
        input_format: &str,
        encoding: Option<&str>,
        split_semicolon: bool,
        split_ellipsis: bool,
        split_after_quote: bool,
        check_language: bool,
        threads: Option<usize>,
    ) -> PyResult<Settings> {
        let paths = glossary_paths(glossary)?;
        let format: InputFormat = input_format.parse().map_err(value_error)?;
        // `NAME` for both sides or `ZH,EN`, as --encoding takes it.
        let encodings: Vec<String> = encoding
            .map(|e| e.split(',').map(|n| n.trim().to_string()).collect())
            .unwrap_or_default();
        if encodings.len() > 2 {
            return Err(AmurError::new_err(
                "encoding= takes NAME or \"ZH_NAME,EN_NAME\"",
            ));
        }
        let zh = ZhOptions {
            split_at_semicolon: split_semicolon,
            split_at_ellipsis: split_ellipsis,
            split_after_quote,
        };
        let read = |side: usize| ReadOptions {
            format,
            presegmented,
            zh: zh.clone(),
            encoding: encodings.get(side).or(encodings.first()).cloned(),
        };
        let (zh_read, en_read) = (read(0), read(1));
        let glossary = py.detach(|| -> PyResult<Glossary> {
            let mut glossary = Glossary::default();
            for path in &paths {
                glossary.extend(amur_tm::glossary_formats::read(path).map_err(glossary_error)?);
            }
            Ok(glossary)
        })?;
        Ok(Settings {
            config: Config {
                glossary,
                ..Config::default()
            },
            zh_read,
            en_read,
            check_language,
            pool: threads.map(thread_pool).transpose()?,
        })
    }

    /// Runs `work` on this aligner's own pool when it has one, else on the process-wide one.
    fn run<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    /// Reads and aligns two files as `amur align` does.
    fn align_files(&self, py: Python<'_>, zh: PathBuf, en: PathBuf) -> PyResult<Alignment> {
        let checked = py.detach(|| {
            self.run(|| {
                let aligned =
                    pair::align_files(&zh, &en, &self.zh_read, &self.en_read, &self.config)
                        .map_err(read_error)?;
                Ok::<_, PyErr>(self.check(aligned.alignment, aligned.notes))
            })
        })?;
        let doc_name = zh.file_name().map(|n| n.to_string_lossy().into_owned());
        self.finish(py, checked, doc_name, vec![zh, en])
    }

    /// Segments and aligns two texts as `amur align` would the same text in two files.
    fn align_texts(&self, py: Python<'_>, zh: &str, en: &str) -> PyResult<Alignment> {
        let checked = py.detach(|| {
            self.run(|| {
                let (zh_sentences, en_sentences) = (
                    text_sentences(zh, Lang::Zh, &self.zh_read)?,
                    text_sentences(en, Lang::En, &self.en_read)?,
                );
                let alignment = pipeline::align_sentences(zh_sentences, en_sentences, &self.config);
                Ok::<_, PyErr>(self.check(alignment, Vec::new()))
            })
        })?;
        self.finish(py, checked, None, Vec::new())
    }

    /// The warnings `amur align` prints, the wrong-language ones apart (without the GIL).
    fn check(&self, alignment: bead::Alignment, notes: Vec<String>) -> Checked {
        let language: Vec<String> = report::side_problems(&alignment)
            .iter()
            .map(ToString::to_string)
            .collect();
        let lift = report::lexical_lift(&alignment, &self.config);
        let warnings = report::warnings(&alignment, lift);
        Checked {
            alignment,
            notes,
            language,
            warnings,
        }
    }

    /// Raises [`LanguageError`] for a side in the wrong language (unless not asked to),
    /// issues the other warnings as [`AmurWarning`], and wraps the alignment.
    fn finish(
        &self,
        py: Python<'_>,
        checked: Checked,
        doc_name: Option<String>,
        inputs: Vec<PathBuf>,
    ) -> PyResult<Alignment> {
        if self.check_language && !checked.language.is_empty() {
            return Err(LanguageError::new_err(format!(
                "{} (check_language=False aligns it anyway)",
                checked.language.join("; ")
            )));
        }
        let category = py.get_type::<AmurWarning>();
        for warning in &checked.warnings {
            PyErr::warn(
                py,
                category.as_any(),
                &std::ffi::CString::new(warning.as_str())?,
                1,
            )?;
        }
        Ok(Alignment {
            inner: checked.alignment,
            notes: checked.notes,
            warnings: checked.warnings,
            doc_name,
            inputs,
            beads: PyOnceLock::new(),
        })
    }
}

/// An alignment and what the user should be told about it.
struct Checked {
    alignment: bead::Alignment,
    notes: Vec<String>,
    language: Vec<String>,
    warnings: Vec<String>,
}

/// The sentences of a text given as a string, as the same text read from a file: paragraphs
/// by blank lines (or one a line), or one sentence a line when presegmented.
fn text_sentences(text: &str, lang: Lang, read: &ReadOptions) -> PyResult<Vec<Sentence>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        let side = match lang {
            Lang::Zh => "Chinese",
            Lang::En => "English",
        };
        return Err(InputError::new_err(format!(
            "the {side} text is empty (no text to align)"
        )));
    }
    if text.contains('\0') {
        return Err(InputError::new_err(
            "the text holds NUL characters: binary data, not text",
        ));
    }
    Ok(document::sentences(text, lang, read.presegmented, &read.zh))
}

/// Aligns Chinese documents with their English translations, with the options given once:
/// glossaries are read and the dictionaries loaded when it is made, then every alignment
/// reuses them.
#[pyclass(frozen, module = "amur")]
struct Aligner {
    settings: Settings,
}

#[pymethods]
impl Aligner {
    #[new]
    #[pyo3(signature = (glossary=None, *, presegmented=false, input_format="auto", encoding=None, split_semicolon=false, split_ellipsis=false, split_after_quote=false, check_language=true, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        glossary: Option<&Bound<'_, PyAny>>,
        presegmented: bool,
        input_format: &str,
        encoding: Option<&str>,
        split_semicolon: bool,
        split_ellipsis: bool,
        split_after_quote: bool,
        check_language: bool,
        threads: Option<usize>,
    ) -> PyResult<Aligner> {
        let settings = Settings::new(
            py,
            glossary,
            presegmented,
            input_format,
            encoding,
            split_semicolon,
            split_ellipsis,
            split_after_quote,
            check_language,
            threads,
        )?;
        // The tokenizer's and the lexicon's dictionaries, loaded once per process.
        py.detach(|| {
            pipeline::load_dictionaries();
        });
        Ok(Aligner { settings })
    }

    /// Reads two documents (txt, docx, odt, html, md) and aligns them.
    fn align_files(&self, py: Python<'_>, zh: PathBuf, en: PathBuf) -> PyResult<Alignment> {
        self.settings.align_files(py, zh, en)
    }

    /// Aligns two texts: paragraphs one a line or separated by blank lines.
    fn align(&self, py: Python<'_>, zh_text: &str, en_text: &str) -> PyResult<Alignment> {
        self.settings.align_texts(py, zh_text, en_text)
    }

    /// The number of glossary terms read.
    #[getter]
    fn glossary_terms(&self) -> usize {
        self.settings.config.glossary.terms.len()
    }
}

/// A thread pool of `n` threads for an aligner of its own (`Aligner(threads=n)`).
fn thread_pool(n: usize) -> PyResult<rayon::ThreadPool> {
    if n == 0 {
        return Err(AmurError::new_err(
            "threads= takes a number of threads, 1 or more",
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| AmurError::new_err(format!("cannot start {n} threads: {e}")))
}

/// Reads two documents (txt, docx, odt, html, md) and aligns them, as `amur align` does.
#[pyfunction]
#[pyo3(signature = (zh, en, *, glossary=None, presegmented=false, input_format="auto", encoding=None, split_semicolon=false, split_ellipsis=false, split_after_quote=false, check_language=true))]
#[allow(clippy::too_many_arguments)]
fn align_files(
    py: Python<'_>,
    zh: PathBuf,
    en: PathBuf,
    glossary: Option<&Bound<'_, PyAny>>,
    presegmented: bool,
    input_format: &str,
    encoding: Option<&str>,
    split_semicolon: bool,
    split_ellipsis: bool,
    split_after_quote: bool,
    check_language: bool,
) -> PyResult<Alignment> {
    Settings::new(
        py,
        glossary,
        presegmented,
        input_format,
        encoding,
        split_semicolon,
        split_ellipsis,
        split_after_quote,
        check_language,
        None,
    )?
    .align_files(py, zh, en)
}

/// Aligns two texts given as strings: paragraphs one a line or separated by blank lines.
#[pyfunction]
#[pyo3(signature = (zh_text, en_text, *, glossary=None, presegmented=false, split_semicolon=false, split_ellipsis=false, split_after_quote=false, check_language=true))]
#[allow(clippy::too_many_arguments)]
fn align(
    py: Python<'_>,
    zh_text: &str,
    en_text: &str,
    glossary: Option<&Bound<'_, PyAny>>,
    presegmented: bool,
    split_semicolon: bool,
    split_ellipsis: bool,
    split_after_quote: bool,
    check_language: bool,
) -> PyResult<Alignment> {
    Settings::new(
        py,
        glossary,
        presegmented,
        "auto",
        None,
        split_semicolon,
        split_ellipsis,
        split_after_quote,
        check_language,
        None,
    )?
    .align_texts(py, zh_text, en_text)
}

/// Splits a text into sentences as `amur segment` does: paragraphs one a line or separated by
/// blank lines, each split into sentences.
#[pyfunction]
#[pyo3(signature = (text, lang, *, split_semicolon=false, split_ellipsis=false, split_after_quote=false))]
fn segment(
    py: Python<'_>,
    text: &str,
    lang: &str,
    split_semicolon: bool,
    split_ellipsis: bool,
    split_after_quote: bool,
) -> PyResult<Vec<String>> {
    let lang: Lang = lang.parse().map_err(value_error)?;
    let opts = ZhOptions {
        split_at_semicolon: split_semicolon,
        split_at_ellipsis: split_ellipsis,
        split_after_quote,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(py.detach(|| {
        document::sentences(text, lang, false, &opts)
            .into_iter()
            .map(|s| s.text)
            .collect()
    }))
}

#[pymodule]
fn _amur(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Bead>()?;
    m.add_class::<Alignment>()?;
    m.add_class::<Aligner>()?;
    m.add_function(wrap_pyfunction!(align_files, m)?)?;
    m.add_function(wrap_pyfunction!(align, m)?)?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add("AmurError", py.get_type::<AmurError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("LanguageError", py.get_type::<LanguageError>())?;
    m.add("GlossaryError", py.get_type::<GlossaryError>())?;
    m.add("AmurWarning", py.get_type::<AmurWarning>())?;
    Ok(())
}
