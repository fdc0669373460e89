"""The same beads and the same files as the `amur` command for the same input: the
repository's samples aligned by `amur align -o` and by the package."""

import re

import pytest

import amur
from conftest import ROOT, SAMPLES, run_cli

GLOSSARY = ROOT / "glossaries" / "diplomatic-1917.tsv"


def without_dates(tmx: str) -> str:
    """A TMX without its creation dates (the time it was written)."""
    return re.sub(r'creationdate="[0-9TZ]+"', 'creationdate=""', tmx)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_beads_and_files_equal_the_cli(sample, tmp_path, amur_cli):
    zh, en = sample / "zh.txt", sample / "en.txt"
    al = amur.align_files(zh, en)
    for ext in ("align", "tsv", "json", "tmx"):
        run_cli(amur_cli, "align", zh, en, "-o", tmp_path / f"cli.{ext}", "--quiet")
        al.write(tmp_path / f"py.{ext}")
        cli = (tmp_path / f"cli.{ext}").read_text(encoding="utf-8")
        py = (tmp_path / f"py.{ext}").read_text(encoding="utf-8")
        if ext == "tmx":
            cli, py = without_dates(cli), without_dates(py)
        assert py == cli, f"{sample.name}: {ext} differs from amur align's"
    # The bead objects say what the .align file says.
    lines = [f"[{','.join(map(str, b.zh_ids))}]:[{','.join(map(str, b.en_ids))}]" for b in al.beads]
    assert lines == (tmp_path / "cli.align").read_text().splitlines()
    # The same texts given as strings align the same.
    by_text = amur.align(zh.read_text(encoding="utf-8"), en.read_text(encoding="utf-8"))
    assert by_text.beads == al.beads


@pytest.mark.parametrize("sample", SAMPLES[:1], ids=lambda p: p.name)
def test_glossary_and_sentence_units_equal_the_cli(sample, tmp_path, amur_cli):
    zh, en = sample / "zh.txt", sample / "en.txt"
    run_cli(amur_cli, "align", zh, en, "-o", tmp_path / "cli.tmx", "--glossary", GLOSSARY,
            "--tmx-units", "sentence", "--quiet")
    al = amur.Aligner(glossary=GLOSSARY).align_files(zh, en)
    al.write(tmp_path / "py.tmx", tmx_units="sentence")
    cli = without_dates((tmp_path / "cli.tmx").read_text(encoding="utf-8"))
    assert without_dates((tmp_path / "py.tmx").read_text(encoding="utf-8")) == cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_segment_equals_the_cli(lang, amur_cli):
    path = SAMPLES[0] / f"{lang}.txt"
    cli = run_cli(amur_cli, "segment", path, "--lang", lang).stdout.splitlines()
    assert amur.segment(path.read_text(encoding="utf-8"), lang=lang) == cli
