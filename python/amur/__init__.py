"""amur: align Chinese documents with their English translations and write translation memories.

    import amur
    al = amur.align_files("zh.docx", "en.html")   # txt, docx, odt, html, md
    al = amur.align(zh_text, en_text)             # paragraphs by blank lines or one a line
    for b in al.beads:
        b.zh_ids, b.en_ids, b.zh, b.en, b.confidence, b.kind
    al.write("out.tmx")                           # tmx, tsv, json, align by extension
    aligner = amur.Aligner(glossary="terms.tsv")  # glossary and dictionaries loaded once
    amur.segment(text, lang="zh")                 # a list of sentences

The Rust aligner of the `amur` command, called in-process: the same beads as
`amur align`, the GIL released while it works.
"""

from ._amur import (
    Aligner,
    Alignment,
    AmurError,
    AmurWarning,
    Bead,
    GlossaryError,
    InputError,
    LanguageError,
    __version__,
    align,
    align_files,
    segment,
)

__all__ = [
    "Aligner",
    "Alignment",
    "AmurError",
    "AmurWarning",
    "Bead",
    "GlossaryError",
    "InputError",
    "LanguageError",
    "__version__",
    "align",
    "align_files",
    "segment",
]
