"""Every call of the amur package on texts the tests write: aligning files and strings,
beads, writing by extension, the reusable Aligner, segmenting, pandas, and bad input
raising clear exceptions."""

import json
import warnings
import zipfile

import pytest

import amur
from conftest import EN_TEXT, ZH_TEXT


@pytest.fixture
def pair(tmp_path):
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    zh.write_text(ZH_TEXT, encoding="utf-8")
    en.write_text(EN_TEXT, encoding="utf-8")
    return zh, en


def test_align_files_gives_beads_covering_both_sides(pair):
    al = amur.align_files(*pair)
    assert len(al) == len(al.beads) > 0
    zh_ids = [i for b in al.beads for i in b.zh_ids]
    en_ids = [i for b in al.beads for i in b.en_ids]
    assert zh_ids == list(range(len(al.zh_sentences)))
    assert en_ids == list(range(len(al.en_sentences)))
    first = al.beads[0]
    assert first.zh == "本馆新近收到一批旧茶庄的账簿，共计十二册。"
    assert first.en == "The museum has recently received the account books of an old tea house, twelve volumes in all."
    assert first.kind == "1-1" and 0.5 < first.confidence <= 1.0
    for b in al.beads:
        assert b.kind == f"{len(b.zh_ids)}-{len(b.en_ids)}"
        assert b.zh == "".join(al.zh_sentences[i] for i in b.zh_ids)
        assert b.en == " ".join(al.en_sentences[i] for i in b.en_ids)
    assert 0.5 < al.mean_confidence <= 1.0
    assert "beads" in repr(al) and "Bead(kind=" in repr(first)


def test_align_strings_equals_align_files(pair):
    by_file = amur.align_files(*pair)
    by_text = amur.align(ZH_TEXT, EN_TEXT)
    assert by_text.beads == by_file.beads
    assert by_text.zh_sentences == by_file.zh_sentences


def test_paragraphs_are_boundaries_and_the_last_sentence_pairs_up():
    al = amur.align(ZH_TEXT, EN_TEXT)
    last = al.beads[-1]
    assert last.zh.startswith("修复工作将于明年完成")
    assert last.en.startswith("The restoration will be finished next year")


def test_write_by_extension(pair, tmp_path):
    al = amur.align_files(*pair)
    for ext in ("tmx", "tsv", "json", "align"):
        al.write(tmp_path / f"out.{ext}")
    lines = (tmp_path / "out.align").read_text().splitlines()
    assert len(lines) == len(al.beads)
    assert lines[0] == f"{al.beads[0].zh_ids}:{al.beads[0].en_ids}".replace(" ", "")
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert "tea house" in json.dumps(doc, ensure_ascii=False)
    tmx = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert '<tmx version="1.4">' in tmx and 'srclang="zh-CN"' in tmx
    assert "本馆新近收到一批旧茶庄的账簿" in tmx and ">zh.txt<" in tmx
    tsv = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[1].startswith("本馆新近收到一批旧茶庄的账簿")
    # format= overrides the extension; options reach the TMX writer.
    al.write(tmp_path / "other.txt", format="tmx", tgt_lang="en-GB", en_source=True)
    other = (tmp_path / "other.txt").read_text(encoding="utf-8")
    assert 'srclang="en-GB"' in other


def test_write_refuses_unknown_formats_and_overwriting_inputs(pair, tmp_path):
    al = amur.align_files(*pair)
    with pytest.raises(amur.AmurError, match="cannot tell the format from the extension"):
        al.write(tmp_path / "out.xlsx")
    with pytest.raises(amur.AmurError, match="unknown output format"):
        al.write(tmp_path / "out.tmx", format="xlsx")
    with pytest.raises(amur.AmurError, match="would overwrite an input file"):
        al.write(pair[0], format="tsv")
    assert pair[0].read_text(encoding="utf-8") == ZH_TEXT
    with pytest.raises(FileNotFoundError, match="no-such-dir"):
        al.write(tmp_path / "no-such-dir" / "out.tmx")


def test_aligner_reads_the_glossary_once_and_aligns_many(tmp_path):
    terms = tmp_path / "terms.tsv"
    terms.write_text("账簿\taccount book\n恰克图\tKyakhta\t地名\n", encoding="utf-8")
    aligner = amur.Aligner(glossary=terms)
    assert aligner.glossary_terms == 2
    first = aligner.align(ZH_TEXT, EN_TEXT)
    second = aligner.align(ZH_TEXT, EN_TEXT)
    assert first.beads == second.beads
    assert amur.Aligner(glossary=[terms, str(terms)]).glossary_terms == 4
    assert amur.Aligner().glossary_terms == 0
    zh, en = tmp_path / "a.zh.txt", tmp_path / "a.en.txt"
    zh.write_text(ZH_TEXT, encoding="utf-8")
    en.write_text(EN_TEXT, encoding="utf-8")
    assert aligner.align_files(zh, en).beads == first.beads


def test_presegmented_keeps_lines_as_sentences():
    zh = "第一句。第二句。\n第三句。\n"
    en = "First. Second.\nThird.\n"
    al = amur.align(zh, en, presegmented=True, check_language=False)
    assert al.zh_sentences == ["第一句。第二句。", "第三句。"]
    assert al.en_sentences == ["First. Second.", "Third."]


def test_segment():
    assert amur.segment("第一句。第二句！\n\n第三句？", lang="zh") == ["第一句。", "第二句！", "第三句？"]
    assert amur.segment("Mr. Li came. He left at 5 p.m. today.", lang="en") == [
        "Mr. Li came.", "He left at 5 p.m. today."]
    assert amur.segment("甲；乙。", lang="zh") == ["甲；乙。"]
    assert amur.segment("甲；乙。", lang="zh", split_semicolon=True) == ["甲；", "乙。"]
    with pytest.raises(amur.AmurError, match='unknown language "fr"'):
        amur.segment("text", lang="fr")


def test_to_pandas_lists_weak_beads():
    pd = pytest.importorskip("pandas")
    al = amur.align(ZH_TEXT, EN_TEXT)
    df = al.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["zh_ids", "en_ids", "zh", "en", "confidence", "kind"]
    assert len(df) == len(al.beads)
    assert df["confidence"].tolist() == [b.confidence for b in al.beads]
    assert df["kind"].tolist() == [b.kind for b in al.beads]
    assert df["zh_ids"].tolist() == [b.zh_ids for b in al.beads]


# Bad input: a clear exception naming the problem, never a crash or a silent result.


def test_empty_file(tmp_path, pair):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(amur.InputError, match=r"empty\.txt: the file is empty"):
        amur.align_files(empty, pair[1])
    with pytest.raises(amur.InputError, match="the English text is empty"):
        amur.align(ZH_TEXT, "")


def test_binary_file(tmp_path, pair):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(amur.InputError, match=r"blob\.txt: looks binary"):
        amur.align_files(pair[0], blob)
    with pytest.raises(amur.InputError, match="NUL"):
        amur.align(ZH_TEXT, "abc\0def")


def test_document_in_disguise(tmp_path, pair):
    fake = tmp_path / "zh.docx"
    fake.write_text(ZH_TEXT, encoding="utf-8")
    with pytest.raises(amur.InputError, match=r"zh\.docx"):
        amur.align_files(fake, pair[1])
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(amur.InputError, match=r"broken\.docx"):
        amur.align_files(broken, pair[1])


def test_wrong_language(pair):
    zh, en = pair
    with pytest.raises(amur.LanguageError, match="almost no Chinese characters"):
        amur.align_files(en, en)
    with pytest.raises(amur.LanguageError, match="the English side looks Chinese"):
        amur.align(ZH_TEXT, ZH_TEXT)
    with pytest.warns(amur.AmurWarning, match="the English side looks Chinese"):
        al = amur.align(ZH_TEXT, ZH_TEXT, check_language=False)
    assert any("looks Chinese" in w for w in al.warnings)
    # LanguageError is an AmurError is a ValueError.
    assert issubclass(amur.LanguageError, amur.AmurError)
    assert issubclass(amur.AmurError, ValueError)


def test_a_good_pair_gives_no_warning(pair):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        al = amur.align_files(*pair)
    assert al.warnings == []


def test_missing_file_and_bad_options(tmp_path, pair):
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        amur.align_files(tmp_path / "nope.txt", pair[1])
    with pytest.raises(amur.AmurError, match="unknown input format"):
        amur.align_files(*pair, input_format="pdf")
    with pytest.raises(amur.AmurError, match="unknown encoding"):
        amur.align_files(*pair, encoding="klingon")
    with pytest.raises(TypeError):
        amur.align(1, 2)


def test_bad_glossary(tmp_path):
    bad = tmp_path / "terms.tsv"
    bad.write_text("账簿\taccount book\njust one column\n", encoding="utf-8")
    with pytest.raises(amur.GlossaryError, match=r"terms\.tsv: line 2"):
        amur.Aligner(glossary=bad)
    with pytest.raises(FileNotFoundError, match=r"missing\.tsv"):
        amur.Aligner(glossary=tmp_path / "missing.tsv")
    with pytest.raises(amur.AmurError, match="glossary= takes a path"):
        amur.Aligner(glossary=42)


def test_legacy_encoding_is_detected_and_noted(tmp_path, pair):
    gbk = tmp_path / "zh-gbk.txt"
    gbk.write_bytes(ZH_TEXT.encode("gbk"))
    al = amur.align_files(gbk, pair[1])
    assert al.beads == amur.align_files(*pair).beads
    assert any("GBK" in n for n in al.notes)


def paragraphs(text):
    return [p for p in text.split("\n\n") if p.strip()]


def test_align_files_reads_docx_and_html(tmp_path):
    """A Word document and an HTML page with the texts' paragraphs align as the texts do."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{p.strip()}</w:t></w:r></w:p>' for p in paragraphs(ZH_TEXT)
    )
    docx = tmp_path / "zh.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    html = tmp_path / "en.html"
    html.write_text(
        "<html><head><title>Tea</title></head><body>"
        + "".join(f"<p>{p.strip()}</p>" for p in paragraphs(EN_TEXT))
        + "</body></html>",
        encoding="utf-8",
    )
    al = amur.align_files(docx, html)
    assert al.beads == amur.align(ZH_TEXT, EN_TEXT).beads
    al.write(tmp_path / "out.tmx")
    assert ">zh.docx<" in (tmp_path / "out.tmx").read_text(encoding="utf-8")
