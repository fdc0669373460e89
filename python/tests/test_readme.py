"""The README's Python examples, run as written (in a scratch directory that sees the
repository's corpora/ and glossaries/), and what they print checked against what the README
shows."""

import contextlib
import io
import os
import re

import pytest

from conftest import ROOT

SECTION = ROOT / "README.md"


def python_blocks():
    text = SECTION.read_text(encoding="utf-8")
    start = text.index("## From Python")
    end = text.index("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    for name in ("corpora", "glossaries"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(code):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    return out.getvalue()


def test_there_are_two_examples():
    assert len(python_blocks()) == 2


def shown_output(code):
    """The output the README shows: the comment lines right after a print."""
    shown, after_print = [], False
    for line in code.splitlines():
        if line.startswith("# ") and after_print:
            shown.append(line[2:])
            continue
        after_print = line.lstrip().startswith("print(")
    return shown


def test_notebook_example(scratch):
    pytest.importorskip("pandas")
    code = python_blocks()[0]
    assert len(shown_output(code)) == 4
    assert run(code).splitlines() == shown_output(code)
    tmx = (scratch / "report-modern.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu>") + tmx.count("<tu ") >= 20


def test_api_example(scratch):
    printed = run(python_blocks()[1])
    assert "['第一句。', '第二句！']" in printed
    assert "almost no Chinese characters" in printed
    assert "1-1 [0] [0]" in printed
    for name in ("telegrams-1917", "minutes-1918"):
        assert 'srclang="zh-TW"' in (scratch / f"{name}.tmx").read_text(encoding="utf-8")
