"""Type stubs of amur's extension module (re-exported by the `amur` package)."""

import os
from typing import Iterable, Literal, Optional, Tuple, Union

import pandas

_Path = Union[str, "os.PathLike[str]"]
_Glossary = Union[_Path, Iterable[_Path], None]

__version__: str

class AmurError(ValueError):
    """An error amur reports: bad input or a bad option, with amur's message."""

class InputError(AmurError):
    """A document that cannot be read: empty, binary, corrupt, or in an encoding that does not fit."""

class LanguageError(AmurError):
    """A side in the wrong language; pass check_language=False to align it anyway."""

class GlossaryError(AmurError):
    """A glossary file that cannot be parsed (the message names the file and line)."""

class AmurWarning(UserWarning):
    """What `amur align` prints as a warning, e.g. a pair that looks unrelated."""

class Bead:
    """Consecutive Chinese sentences aligned with consecutive English sentences."""

    @property
    def zh_ids(self) -> list[int]:
        """0-based indices into Alignment.zh_sentences (may be empty)."""
    @property
    def en_ids(self) -> list[int]:
        """0-based indices into Alignment.en_sentences (may be empty)."""
    @property
    def zh(self) -> str:
        """The Chinese sentences joined without a separator."""
    @property
    def en(self) -> str:
        """The English sentences joined with one space."""
    @property
    def confidence(self) -> float:
        """How sure the aligner is of this bead, in [0, 1]."""
    @property
    def kind(self) -> str:
        """The bead type: "1-1", "1-2", "0-1" ..."""

class Alignment:
    """An aligned document pair: both sides' sentences and the beads that pair them."""

    @property
    def beads(self) -> Tuple[Bead, ...]:
        """The beads in document order, covering every sentence of both sides once."""
    @property
    def zh_sentences(self) -> list[str]: ...
    @property
    def en_sentences(self) -> list[str]: ...
    @property
    def notes(self) -> list[str]:
        """What reading found worth telling, e.g. an encoding detected."""
    @property
    def warnings(self) -> list[str]:
        """What `amur align` prints as warnings (also issued as AmurWarning)."""
    @property
    def mean_confidence(self) -> float:
        """Mean confidence of the beads with both sides."""
    def __len__(self) -> int: ...
    def write(
        self,
        path: _Path,
        format: Optional[Literal["tmx", "tsv", "json", "align"]] = None,
        *,
        src_lang: Optional[str] = None,
        tgt_lang: str = "en-US",
        en_source: bool = False,
        tmx_units: Literal["bead", "sentence"] = "bead",
    ) -> None:
        """Writes the alignment as `amur align -o PATH` does (format by extension)."""
    def to_pandas(self) -> pandas.DataFrame:
        """One row a bead: zh_ids, en_ids, zh, en, confidence, kind. Needs pandas."""

class Aligner:
    """Aligns pairs with options given once; glossaries and dictionaries are loaded once."""

    def __init__(
        self,
        glossary: _Glossary = None,
        *,
        presegmented: bool = False,
        input_format: Literal["auto", "txt", "docx", "odt", "html", "md"] = "auto",
        encoding: Optional[str] = None,
        split_semicolon: bool = False,
        split_ellipsis: bool = False,
        split_after_quote: bool = False,
        check_language: bool = True,
        threads: Optional[int] = None,
    ) -> None:
        """`threads=N` gives the aligner a pool of N threads of its own (default: amur's
        pool, one thread a core, shared by the process). With `threads=1`, aligners in
        several Python threads align side by side, one core each."""
    @property
    def glossary_terms(self) -> int:
        """How many glossary terms were read."""
    def align_files(self, zh: _Path, en: _Path) -> Alignment:
        """Reads two documents (txt, docx, odt, html, md) and aligns them."""
    def align(self, zh_text: str, en_text: str) -> Alignment:
        """Aligns two texts: paragraphs one a line or separated by blank lines."""

def align_files(
    zh: _Path,
    en: _Path,
    *,
    glossary: _Glossary = None,
    presegmented: bool = False,
    input_format: Literal["auto", "txt", "docx", "odt", "html", "md"] = "auto",
    encoding: Optional[str] = None,
    split_semicolon: bool = False,
    split_ellipsis: bool = False,
    split_after_quote: bool = False,
    check_language: bool = True,
) -> Alignment:
    """Reads two documents (txt, docx, odt, html, md) and aligns them, as `amur align` does."""

def align(
    zh_text: str,
    en_text: str,
    *,
    glossary: _Glossary = None,
    presegmented: bool = False,
    split_semicolon: bool = False,
    split_ellipsis: bool = False,
    split_after_quote: bool = False,
    check_language: bool = True,
) -> Alignment:
    """Aligns two texts: paragraphs one a line or separated by blank lines."""

def segment(
    text: str,
    lang: Literal["zh", "en"],
    *,
    split_semicolon: bool = False,
    split_ellipsis: bool = False,
    split_after_quote: bool = False,
) -> list[str]:
    """Splits a text into sentences as `amur segment` does."""
