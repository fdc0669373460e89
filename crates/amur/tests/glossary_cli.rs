//! Glossary tools end to end: term extraction measured on the sample corpora (and on mac-dev
//! when `../shared/eval/mac-dev` is there), format round trips, `check`, `merge`, `lint`,
//! and `amur align --terms`.

mod common;

use common::amur;

use amur_core::bead::Alignment;
use amur_core::glossary::{Glossary, Term};
use amur_core::pipeline::{self, Config};
use amur_core::segment::{Lang, ZhOptions};
use amur_core::tokenize::stem_sequence;
use amur_core::tokenize::{Tokenizer, to_simplified};
use amur_formats::document;
use amur_glossary::extract::{self, ExtractOptions, Extracted};
use amur_glossary::units::{self, Unit};
use amur_tm::glossary_formats::{self, GlossaryFormat};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SAMPLES: [&str; 3] = ["telegrams-1917", "minutes-1918", "report-modern"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/glossary")
        .join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Aligns one document pair with the library, as `amur align` does.
fn align(zh: &Path, en: &Path, presegmented: bool) -> Alignment {
    let opts = ZhOptions::default();
    let zs = document::read(zh, Lang::Zh, presegmented, &opts).unwrap();
    let es = document::read(en, Lang::En, presegmented, &opts).unwrap();
    pipeline::align_sentences(zs, es, &Config::default())
}

/// The units of the three samples, aligned once for all tests.
fn sample_units() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(|| {
        SAMPLES
            .iter()
            .flat_map(|s| {
                let dir = root().join("corpora").join(s);
                units::from_alignment(s, &align(&dir.join("zh.txt"), &dir.join("en.txt"), false))
            })
            .collect()
    })
}

/// The sample terms, extracted once.
fn sample_terms() -> &'static [Extracted] {
    static TERMS: OnceLock<Vec<Extracted>> = OnceLock::new();
    TERMS.get_or_init(|| extract::extract(sample_units(), &ExtractOptions::default()))
}

/// A term pair as compared: simplified Chinese, English stems (case and plural ignored).
fn key(zh: &str, en: &str) -> (String, Vec<String>) {
    (to_simplified(zh), stem_sequence(en, Tokenizer::shared()))
}

/// (zh, en) pairs of a TSV file whose first two columns are the pair.
fn pairs(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            (cols.next().unwrap().into(), cols.next().unwrap().into())
        })
        .collect()
}

#[test]
fn extraction_finds_the_expected_sample_terms() {
    let expected =
        pairs(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/expected_terms.tsv"));
    let glossary = pairs(&root().join("glossaries/diplomatic-1917.tsv"));
    let top: Vec<&Extracted> = sample_terms().iter().take(30).collect();
    let found: Vec<(String, Vec<String>)> = top.iter().map(|t| key(&t.zh, &t.en)).collect();
    let missing: Vec<&(String, String)> = expected
        .iter()
        .filter(|(zh, en)| !found.contains(&key(zh, en)))
        .collect();
    let recall = (expected.len() - missing.len()) as f64 / expected.len() as f64;

    let known: Vec<Vec<String>> = expected
        .iter()
        .chain(&glossary)
        .map(|(_, en)| key("", en).1)
        .collect();
    let listed = top
        .iter()
        .filter(|t| known.contains(&key("", &t.en).1))
        .count();
    let precision = listed as f64 / top.len() as f64;
    println!(
        "samples: recall {:.2} ({} of {} expected pairs in the top 30), precision proxy {:.2} \
         ({listed} of {} with English from the lists)",
        recall,
        expected.len() - missing.len(),
        expected.len(),
        precision,
        top.len()
    );
    println!("missing: {missing:?}");
    for (i, t) in top.iter().enumerate() {
        println!("{:2} {}\t{}\t{}", i + 1, t.zh, t.en, t.comment());
    }
    assert_eq!(top.len(), 30);
    assert!(recall >= 0.8, "recall {recall:.2}; missing {missing:?}");
    assert!(precision >= 0.7, "precision proxy {precision:.2}");
}

#[test]
fn extracted_terms_carry_frequency_score_and_bead_references() {
    let t = sample_terms()
        .iter()
        .find(|t| to_simplified(&t.zh) == "海兰泡")
        .expect("海蘭泡");
    assert_eq!(t.en, "Blagoveshchensk");
    assert!(t.freq >= 15, "{t:?}");
    assert!(!t.examples.is_empty() && t.examples.len() <= 2);
    assert!(
        t.examples
            .iter()
            .all(|e| SAMPLES.iter().any(|s| e.starts_with(&format!("{s}#"))))
    );
    let comment = t.comment();
    assert!(
        comment.starts_with(&format!("freq {}; score ", t.freq)),
        "{comment}"
    );
    assert!(comment.contains("e.g. "), "{comment}");
    // The document's own script: the telegrams outnumber the modern report.
    assert!(sample_terms().iter().any(|t| t.zh == "華工"));
}

#[test]
fn no_english_phrase_goes_to_two_terms() {
    let mut en: Vec<Vec<String>> = sample_terms().iter().map(|t| key("", &t.en).1).collect();
    let n = en.len();
    en.sort();
    en.dedup();
    assert_eq!(en.len(), n);
}

#[test]
fn mac_dev_names_when_the_data_is_there() {
    let dir = root().join("../shared/eval/mac-dev");
    if !dir.join("zh").is_dir() {
        println!("{}: not there, skipped", dir.display());
        return;
    }
    let mut all = Vec::new();
    for n in ["001", "002", "003", "004", "005", "006"] {
        let (zh, en) = (
            dir.join(format!("zh/{n}.txt")),
            dir.join(format!("en/{n}.txt")),
        );
        all.extend(units::from_alignment(n, &align(&zh, &en, true)));
    }
    let terms = extract::extract(&all, &ExtractOptions::default());
    for (i, t) in terms.iter().take(15).enumerate() {
        println!("{:2} {}\t{}\t{}", i + 1, t.zh, t.en, t.comment());
    }
    let top = |n: usize| -> Vec<(&str, &str)> {
        terms
            .iter()
            .take(n)
            .map(|t| (t.zh.as_str(), t.en.as_str()))
            .collect()
    };
    for want in [
        ("陈清扬", "Chen Qingyang"),
        ("王琦瑶", "Wang Qiyao"),
        ("余占鳌", "Yu Zhan'ao"),
    ] {
        assert!(
            top(15).contains(&want),
            "{want:?} not in the top 15: {:?}",
            top(15)
        );
    }
    // A name the translator replaced has no pinyin to agree with, so it ranks a little lower.
    let want = ("韦小宝", "Trinket");
    assert!(
        top(20).contains(&want),
        "{want:?} not in the top 20: {:?}",
        top(20)
    );
}

#[test]
fn tsv_csv_and_tbx_output_load_back_losslessly() {
    let g = extract::to_glossary(sample_terms());
    let dir = tempfile::tempdir().unwrap();
    for f in GlossaryFormat::ALL {
        let path = dir.path().join(format!("terms.{f}"));
        let mut bytes = Vec::new();
        amur_tm::glossary_formats::write(&g, f, &mut bytes).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(amur_tm::glossary_formats::read(&path).unwrap(), g, "{f}");
        assert_eq!(glossary_formats::check(&path).unwrap(), vec![], "{f}");
    }
}

#[test]
fn tbx_output_has_the_tbx_basic_structure() {
    let g = Glossary {
        terms: vec![Term {
            zh: "伯力".into(),
            en: "Khabarovsk & <environs>".into(),
            comment: "freq 14; score 0.93".into(),
        }],
    };
    let mut bytes = Vec::new();
    amur_tm::glossary_formats::write(&g, GlossaryFormat::Tbx, &mut bytes).unwrap();
    let xml = text(&bytes);
    for needle in [
        "<martif type=\"TBX-Basic\" xml:lang=\"en\">",
        "<termEntry id=\"t1\">",
        "<note>freq 14; score 0.93</note>",
        "<langSet xml:lang=\"zh\">",
        "<tig>",
        "<term>伯力</term>",
        "<langSet xml:lang=\"en\">",
        "<term>Khabarovsk &amp; &lt;environs&gt;</term>",
    ] {
        assert!(xml.contains(needle), "{needle} not in\n{xml}");
    }
    // Well-formed by an independent parser, when xmllint is installed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.tbx");
    std::fs::write(&path, &bytes).unwrap();
    match Command::new("xmllint").arg("--noout").arg(&path).output() {
        Ok(out) => assert!(out.status.success(), "{}", text(&out.stderr)),
        Err(_) => println!("xmllint not installed: skipped"),
    }
}

#[test]
fn cli_extract_writes_the_format_its_extension_names() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpora/telegrams-1917");
    let (zh, en) = (corpus.join("zh.txt"), corpus.join("en.txt"));
    for ext in ["tsv", "csv", "tbx"] {
        let out = dir.path().join(format!("terms.{ext}"));
        let run = amur(&[
            "glossary",
            "extract",
            "--pair",
            zh.to_str().unwrap(),
            en.to_str().unwrap(),
            "--top",
            "10",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let g = amur_tm::glossary_formats::read(&out).unwrap();
        assert_eq!(g.terms.len(), 10, "{ext}");
        assert!(
            g.terms.iter().any(|t| t.en == "Blagoveshchensk"),
            "{ext}: {g:?}"
        );
        assert!(
            g.terms[0].comment.contains("telegrams-1917#"),
            "{ext}: {g:?}"
        );
    }
    let csv = std::fs::read_to_string(dir.path().join("terms.csv")).unwrap();
    assert!(csv.starts_with("zh,en,comment\n"), "{csv}");
}

/// Term pairs of an extraction to TSV, with their frequency and score (the comment without
/// its example references, which name the input file).
fn extracted(tsv: &str) -> Vec<(String, String, String)> {
    tsv.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let stats = f[2].split("; e.g.").next().unwrap().to_string();
            (f[0].to_string(), f[1].to_string(), stats)
        })
        .collect()
}

#[test]
fn cli_extract_reads_tmx_like_the_json_of_the_same_alignment() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpora/minutes-1918");
    let (zh, en) = (corpus.join("zh.txt"), corpus.join("en.txt"));
    let json = dir.path().join("minutes.json");
    let tmx = dir.path().join("minutes.tmx");
    let en_source = dir.path().join("en-zh.tmx");
    for (out, extra) in [
        (&json, None),
        (&tmx, None),
        (&en_source, Some("--en-source")),
    ] {
        let mut args = vec!["align", zh.to_str().unwrap(), en.to_str().unwrap(), "-q"];
        args.extend(extra);
        args.extend(["-o", out.to_str().unwrap()]);
        let run = amur(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
    }
    let extract = |input: &Path| {
        let run = amur(&[
            "glossary",
            "extract",
            input.to_str().unwrap(),
            "-q",
            "-o",
            "-",
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    let from_json = extract(&json);
    assert!(from_json.contains("庫茲明\tKuzmin\t"), "{from_json}");
    assert!(from_json.contains("minutes#"), "{from_json}");
    let from_tmx = extract(&tmx);
    assert!(extracted(&from_json).len() >= 5, "{from_json}");
    assert_eq!(extracted(&from_tmx), extracted(&from_json), "{from_tmx}");
    // References of TMX units are the file and the line of their <tu>.
    assert!(from_tmx.contains("e.g. minutes.tmx:"), "{from_tmx}");
    // English as the TMX source: the Chinese side is found all the same.
    let from_en_source = extract(&en_source);
    assert_eq!(
        extracted(&from_en_source),
        extracted(&from_json),
        "{from_en_source}"
    );

    // A TMX without Chinese, or a broken one: an error naming the file.
    let french = dir.path().join("fr.tmx");
    std::fs::write(
        &french,
        "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>One.</seg>\
         </tuv><tuv xml:lang=\"fr\"><seg>Un.</seg></tuv></tu></body></tmx>",
    )
    .unwrap();
    let run = amur(&["glossary", "extract", french.to_str().unwrap(), "-o", "-"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("fr.tmx: no translation unit has a Chinese side"));
    let cut = dir.path().join("cut.tmx");
    std::fs::write(
        &cut,
        "<tmx version=\"1.4\"><body>\n<tu><tuv xml:lang=\"zh\">",
    )
    .unwrap();
    let run = amur(&["glossary", "extract", cut.to_str().unwrap(), "-o", "-"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("cut.tmx:"),
        "{}",
        text(&run.stderr)
    );
}

#[test]
fn align_writes_terms_in_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = root().join("corpora/telegrams-1917");
    let (tmx, terms) = (dir.path().join("out.tmx"), dir.path().join("terms.tbx"));
    let run = amur(&[
        "align",
        corpus.join("zh.txt").to_str().unwrap(),
        corpus.join("en.txt").to_str().unwrap(),
        "-q",
        "-o",
        tmx.to_str().unwrap(),
        "--terms",
        terms.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(tmx.exists());
    let g = amur_tm::glossary_formats::read(&terms).unwrap();
    assert!(
        g.terms
            .iter()
            .any(|t| t.zh == "海蘭泡" && t.en == "Blagoveshchensk"),
        "{g:?}"
    );
    assert!(g.terms[0].comment.contains("telegrams-1917#"), "{g:?}");
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let files = ["bad.tsv", "bad.csv", "bad.tbx"].map(data);
    let args: Vec<&str> = ["glossary", "check"]
        .into_iter()
        .chain(files.iter().map(|f| f.to_str().unwrap()))
        .collect();
    let run = amur(&args);
    assert_eq!(run.status.code(), Some(1));
    let out = text(&run.stdout);
    for want in [
        "bad.tsv: line 3: missing column",
        "bad.tsv: line 4: empty Chinese term",
        "bad.tsv: line 6: duplicate entry",
        "bad.csv: line 3: empty English term",
        "bad.csv: line 5: duplicate entry",
        "bad.tbx: line 9, column",
    ] {
        assert!(out.contains(want), "{want:?} not in\n{out}");
    }
    let good = amur(&["glossary", "check", data("good.tbx").to_str().unwrap()]);
    assert!(good.status.success(), "{}", text(&good.stdout));
}

#[test]
fn merge_keeps_all_renderings_and_reports_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.tsv");
    let run = amur(&[
        "glossary",
        "merge",
        data("a.tsv").to_str().unwrap(),
        data("good.tbx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert!(err.contains("conflict: 交涉 → \"negotiations\""), "{err}");
    assert!(err.contains("\"representations\""), "{err}");
    let merged = amur_tm::glossary_formats::read(&out).unwrap();
    let zh: Vec<&str> = merged.terms.iter().map(|t| t.zh.as_str()).collect();
    assert_eq!(zh.iter().filter(|z| **z == "交涉").count(), 2, "{zh:?}");
    // 伯力 / Khabarovsk is in both inputs (once in simplified-equal form): kept once.
    assert_eq!(zh.iter().filter(|z| **z == "伯力").count(), 1, "{zh:?}");
}

#[test]
fn align_reads_its_glossary_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = data("a.tsv");
    let zh = root().join("corpora/telegrams-1917/zh.txt");
    let en = root().join("corpora/telegrams-1917/en.txt");
    let align = |glossary: &Path| {
        amur(&[
            "align",
            zh.to_str().unwrap(),
            en.to_str().unwrap(),
            "--glossary",
            glossary.to_str().unwrap(),
            "--format",
            "tsv",
            "-o",
            "-",
        ])
    };
    let aligned = |glossary: &Path| {
        let o = align(glossary);
        assert!(o.status.success(), "{}", text(&o.stderr));
        o.stdout
    };
    let want = aligned(&tsv);
    for ext in ["csv", "tbx"] {
        let other = dir.path().join(format!("a.{ext}"));
        let run = amur(&[
            "glossary",
            "merge",
            tsv.to_str().unwrap(),
            "-o",
            other.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        assert_eq!(aligned(&other), want, "the glossary as {ext}");
    }
    // A malformed TBX is named with its line, as a malformed TSV is.
    let bad = align(&data("bad.tbx"));
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(err.contains("bad.tbx") && err.contains("line 5"), "{err}");
}

#[test]
fn lint_finds_planted_inconsistencies_and_nothing_in_a_consistent_text() {
    let glossary = data("lint-glossary.tsv");
    let run = amur(&[
        "glossary",
        "lint",
        data("consistent.json").to_str().unwrap(),
        "--glossary",
        glossary.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let out = text(&run.stdout);
    assert!(out.starts_with("0 missing renderings"), "{out}");

    let run = amur(&[
        "glossary",
        "lint",
        data("planted.json").to_str().unwrap(),
        "--glossary",
        glossary.to_str().unwrap(),
    ]);
    // Findings fail the run, so that a script notices.
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("3 of 6 units miss a rendering the glossary gives"),
        "{}",
        text(&run.stderr)
    );
    assert_planted_findings(&text(&run.stdout), ["planted#1", "planted#3", "planted#4"]);
}

/// The three planted misses (護照, 伯力, 外交部), at the given unit references, and the total.
fn assert_planted_findings(out: &str, refs: [&str; 3]) {
    let prefix = refs[0].trim_end_matches(|c: char| c.is_ascii_digit());
    let findings: Vec<&str> = out.lines().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(findings.len(), 3, "{out}");
    let expected = [
        ("護照", "passport"),
        ("伯力", "Khabarovsk"),
        ("外交部", "Ministry of Foreign Affairs"),
    ];
    for ((line, at), (zh, en)) in findings.iter().zip(refs).zip(expected) {
        let want = format!("{at}\t{zh}\texpected: {en}\t");
        assert!(line.starts_with(&want), "{want:?} in {out}");
    }
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("3 missing renderings in 3 of 6 units"),
        "{out}"
    );
}

#[test]
fn lint_reads_tmx_finds_planted_inconsistencies_and_nothing_in_a_consistent_memory() {
    let glossary = data("lint-glossary.tsv");
    let lint = |tmx: &Path| {
        let run = amur(&[
            "glossary",
            "lint",
            tmx.to_str().unwrap(),
            "--glossary",
            glossary.to_str().unwrap(),
        ]);
        let out = text(&run.stdout);
        let clean = out.starts_with("0 missing");
        assert_eq!(run.status.success(), clean, "{}", text(&run.stderr));
        out
    };
    // Mixed directions (English first in some units), inline tags, a unit without Chinese.
    let out = lint(&data("planted.tmx"));
    assert_planted_findings(&out, ["planted.tmx:12", "planted.tmx:20", "planted.tmx:24"]);
    assert!(
        out.contains("planted.tmx:12\t護照\texpected: passport\tThe visa fee"),
        "{out}"
    );

    // TMX 1.1 with English as the source, as UTF-8 and as UTF-16 (Trados): nothing to report.
    let consistent = data("consistent.tmx");
    let out = lint(&consistent);
    assert!(
        out.starts_with("0 missing renderings in 0 of 6 units"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let utf16 = dir.path().join("consistent-utf16.tmx");
    let xml = std::fs::read_to_string(&consistent)
        .unwrap()
        .replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).unwrap();
    let out = lint(&utf16);
    assert!(
        out.starts_with("0 missing renderings in 0 of 6 units"),
        "{out}"
    );
}

/// Runs amur and checks that it fails with exit code 1, names `file` in its message, and left
/// `file` as it was.
fn refused(args: &[&str], file: &Path) {
    let before = std::fs::read(file).unwrap();
    let run = amur(args);
    let err = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{args:?}: {err}");
    assert!(
        err.contains(file.file_name().unwrap().to_str().unwrap()) && err.contains("overwrite"),
        "{args:?}: {err}"
    );
    assert_eq!(
        std::fs::read(file).unwrap(),
        before,
        "{args:?} changed {}",
        file.display()
    );
}

#[test]
fn glossary_commands_never_overwrite_their_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = root().join("corpora/telegrams-1917");
    let (zh, en) = (d.join("z.txt"), d.join("e.txt"));
    std::fs::copy(corpus.join("zh.txt"), &zh).unwrap();
    std::fs::copy(corpus.join("en.txt"), &en).unwrap();
    let (a, b) = (d.join("a.tsv"), d.join("b.tbx"));
    std::fs::copy(data("a.tsv"), &a).unwrap();
    std::fs::copy(data("good.tbx"), &b).unwrap();
    let json = d.join("x.json");
    std::fs::copy(data("planted.json"), &json).unwrap();
    let tmx = d.join("x.tmx");
    std::fs::write(
        &tmx,
        "<tmx version=\"1.4\"><header srclang=\"zh-CN\"/><body><tu><tuv xml:lang=\"zh-CN\">\
         <seg>伯力。</seg></tuv><tuv xml:lang=\"en-US\"><seg>Khabarovsk.</seg></tuv></tu></body></tmx>",
    )
    .unwrap();
    let p = |p: &Path| p.to_str().unwrap().to_string();
    let (zh_s, en_s, a_s, b_s, json_s, tmx_s) = (p(&zh), p(&en), p(&a), p(&b), p(&json), p(&tmx));

    let pair = ["glossary", "extract", "--pair", &zh_s, &en_s, "-q", "-o"];
    refused(&[&pair[..], &[zh_s.as_str()]].concat(), &zh);
    refused(&[&pair[..], &[en_s.as_str()]].concat(), &en);
    // The same file by another path: ./z.txt from inside the directory.
    let run = Command::new(env!("CARGO_BIN_EXE_amur"))
        .current_dir(d)
        .args([
            "glossary", "extract", "--pair", &zh_s, &en_s, "-q", "-o", "./z.txt", "--format", "tsv",
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert_eq!(
        std::fs::read(&zh).unwrap(),
        std::fs::read(corpus.join("zh.txt")).unwrap()
    );
    #[cfg(unix)]
    {
        // Or through a symbolic link to it.
        let link = d.join("link.tsv");
        std::os::unix::fs::symlink(&a, &link).unwrap();
        refused(&["glossary", "merge", &a_s, &b_s, "-o", &p(&link)], &a);
    }
    refused(
        &[
            "glossary", "extract", &json_s, "-o", &json_s, "--format", "tsv",
        ],
        &json,
    );
    refused(
        &[
            "glossary", "extract", &tmx_s, "-o", &tmx_s, "--format", "tsv",
        ],
        &tmx,
    );
    refused(
        &[
            "glossary",
            "extract",
            &json_s,
            "--glossary",
            &a_s,
            "-o",
            &a_s,
        ],
        &a,
    );
    refused(&["glossary", "merge", &a_s, &b_s, "-o", &a_s], &a);
    refused(&["glossary", "merge", &a_s, &b_s, "-o", &b_s], &b);
    refused(
        &[
            "align",
            &zh_s,
            &en_s,
            "-q",
            "-o",
            &p(&d.join("out.tmx")),
            "--terms",
            &zh_s,
        ],
        &zh,
    );
    refused(
        &[
            "align",
            &zh_s,
            &en_s,
            "-q",
            "-o",
            &p(&d.join("out.tmx")),
            "--glossary",
            &a_s,
            "--terms",
            &a_s,
        ],
        &a,
    );
    // The term list and the TMX of the same run may not be one file either.
    let run = amur(&[
        "align",
        &zh_s,
        &en_s,
        "-q",
        "-o",
        &p(&d.join("t.tsv")),
        "--terms",
        &p(&d.join("t.tsv")),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("t.tsv: the term list and another output are the same file")
    );
    assert!(!d.join("t.tsv").exists());

    // A new output is written as before.
    let merged = d.join("merged.tsv");
    let run = amur(&["glossary", "merge", &a_s, &b_s, "-o", &p(&merged)]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        amur_tm::glossary_formats::read(&merged)
            .unwrap()
            .terms
            .len()
            > 2
    );
}

/// The terms a historian would list for a period text, with the text's renderings, from a
/// `terms.tsv` under `tests/data`.
fn historian_terms(dir: &str) -> Vec<(String, Vec<String>)> {
    pairs(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(dir)
            .join("terms.tsv"),
    )
    .iter()
    .map(|(zh, en)| key(zh, en))
    .collect()
}

/// Checks a period top 30 against the terms a historian would list: every term whole (no
/// function character at an edge, not only ever found inside a longer listed term), and how
/// many have a rendering the text uses. Prints the list; returns the number right and the
/// terms that are not whole.
fn check_period_top30(
    name: &str,
    units: &[Unit],
    listed: &[(String, Vec<String>)],
) -> (usize, Vec<String>) {
    let terms = extract::extract(units, &ExtractOptions::default());
    let top: Vec<&Extracted> = terms.iter().take(30).collect();
    assert_eq!(top.len(), 30, "{name}");
    let text: String = units
        .iter()
        .map(|u| to_simplified(&u.zh))
        .collect::<Vec<_>>()
        .join("\n");
    let known = amur_glossary::phrases::Known::new(
        amur_core::period::lexicon()
            .terms
            .iter()
            .map(|t| t.zh.as_str()),
    );
    let mut right = 0;
    let mut broken = Vec::new();
    for (i, t) in top.iter().enumerate() {
        let (zh, en) = key(&t.zh, &t.en);
        let ok = listed.contains(&(zh.clone(), en));
        right += usize::from(ok);
        println!(
            "{name} {:2} {}\t{}\t{}",
            i + 1,
            t.zh,
            t.en,
            if ok { "" } else { "<- not the text's" }
        );
        if amur_glossary::phrases::has_function_edge(&zh, &known) {
            broken.push(format!("{}: a function character at an edge", t.zh));
        }
        // Cut: not listed itself, and a piece of a longer listed term that never occurs
        // outside it.
        if listed.iter().any(|(l, _)| *l == zh) {
            continue;
        }
        let alone = text.matches(zh.as_str()).count();
        let inside_longer = listed
            .iter()
            .filter(|(l, _)| l.len() > zh.len() && l.contains(zh.as_str()))
            .map(|(l, _)| l)
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .any(|l| text.matches(l.as_str()).count() * l.matches(zh.as_str()).count() >= alone);
        if inside_longer {
            broken.push(format!("{}: cut out of a longer term", t.zh));
        }
        if straddles(&text, &zh, listed) {
            broken.push(format!("{}: starts or ends inside a listed term", t.zh));
        }
    }
    println!("{name}: {right} of 30 with the text's rendering; not whole: {broken:?}");
    (right, broken)
}

/// Whether most occurrences of `zh` in `text` start or end strictly inside an occurrence of a
/// listed term without holding it (謝|米諾夫部下, a name cut).
fn straddles(text: &str, zh: &str, listed: &[(String, Vec<String>)]) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let spans = |needle: &[char]| -> Vec<(usize, usize)> {
        (0..chars.len().saturating_sub(needle.len().saturating_sub(1)))
            .filter(|&i| chars[i..].starts_with(needle))
            .map(|i| (i, i + needle.len()))
            .collect()
    };
    let listed_spans: Vec<(usize, usize)> = listed
        .iter()
        .flat_map(|(l, _)| spans(&l.chars().collect::<Vec<char>>()))
        .collect();
    let own = spans(&zh.chars().collect::<Vec<char>>());
    let cut = own
        .iter()
        .filter(|&&(s, e)| {
            listed_spans
                .iter()
                .any(|&(ls, le)| (ls < s && s < le && le < e) || (s < ls && ls < e && e < le))
        })
        .count();
    cut * 2 > own.len()
}

/// The units of a period test text under `tests/data`.
fn period_units(dir: &str) -> Vec<Unit> {
    let dir_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir);
    units::from_alignment(
        dir,
        &align(&dir_path.join("zh.txt"), &dir_path.join("en.txt"), false),
    )
}

#[test]
fn period_terms_are_whole_with_the_texts_renderings() {
    let samples: Vec<Unit> = sample_units()
        .iter()
        .filter(|u| u.doc != "report-modern")
        .cloned()
        .collect();
    let doc =
        |name: &str| -> Vec<Unit> { samples.iter().filter(|u| u.doc == name).cloned().collect() };
    let listed = historian_terms("period");
    let listed_1919 = historian_terms("period-1919");
    // (text, its units, its list of terms, least right renderings in the top 30)
    let texts = [
        ("samples", samples.clone(), &listed, 30),
        ("telegrams-1917", doc("telegrams-1917"), &listed, 28),
        ("minutes-1918", doc("minutes-1918"), &listed, 27),
        ("period-1918", period_units("period"), &listed, 28),
        // held out until the rules for verb phrases, numbers and name pieces were made on it
        ("period-1919", period_units("period-1919"), &listed_1919, 27),
    ];
    let results: Vec<(usize, Vec<String>)> = texts
        .iter()
        .map(|(name, units, listed, _)| check_period_top30(name, units, listed))
        .collect();
    for ((name, _, _, least), (right, broken)) in texts.iter().zip(&results) {
        assert!(broken.is_empty(), "{name}: {broken:?}");
        assert!(
            right >= least,
            "{name}: {right} of 30 with the text's rendering"
        );
    }
}

/// A period text held out: written with its terms before the extractor ran on it, and never
/// used to tune the extractor.
#[test]
fn held_out_period_terms() {
    let (right, broken) = check_period_top30(
        "period-1920",
        &period_units("period-1920"),
        &historian_terms("period-1920"),
    );
    // Measured when it was added: 25 of 30 and one verb phrase cut into a place (收駐海參崴
    // "received … stationed at Vladivostok"); with the verb-phrase, number and name-piece
    // rules made on period-1919: 26 of 30, all whole; with the period lexicon's list of the
    // Peking ministries completed (海軍部, 司法部, 教育部 were missing; 海軍部 → Navy was one of
    // the 26's errors), 27.
    assert!(broken.is_empty(), "period-1920: {broken:?}");
    assert!(
        right >= 27,
        "period-1920: {right} of 30 with the text's rendering"
    );
}

#[test]
fn the_period_lexicon_can_be_turned_off() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/period");
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str], file: &str| {
        let path = out.path().join(file);
        let mut args = vec![
            "glossary",
            "extract",
            "--pair",
            dir.join("zh.txt").to_str().unwrap(),
            dir.join("en.txt").to_str().unwrap(),
            "-q",
            "-o",
            path.to_str().unwrap(),
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = amur(&refs);
        assert!(o.status.success(), "{}", text(&o.stderr));
        std::fs::read_to_string(path).unwrap()
    };
    let on = run(&[], "on.tsv");
    let off = run(&["--no-period-lexicon"], "off.tsv");
    assert!(on.contains("高次長\tDeputy Minister Gao"), "{on}");
    assert_ne!(on, off);
}

/// A term of a corpus in traditional characters is written as the corpus writes it (哈爾濱,
/// not the simplified 哈尔滨 under which the dictionaries look it up).
#[test]
fn extracted_terms_keep_the_script_of_a_traditional_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let (zh, en, out) = (
        dir.path().join("zh.txt"),
        dir.path().join("en.txt"),
        dir.path().join("terms.tsv"),
    );
    std::fs::write(
        &zh,
        "哈爾濱商會來電。\n哈爾濱米價日漲。\n俄員抵哈爾濱。\n哈爾濱華商請示辦法。\n",
    )
    .unwrap();
    std::fs::write(
        &en,
        "A cable came from the Harbin chamber of commerce.\nThe price of rice rises daily in Harbin.\n\
         The Russian official reached Harbin.\nThe Chinese merchants of Harbin ask for instructions.\n",
    )
    .unwrap();
    let o = amur(&[
        "glossary",
        "extract",
        "--pair",
        zh.to_str().unwrap(),
        en.to_str().unwrap(),
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let terms = std::fs::read_to_string(&out).unwrap();
    assert!(terms.contains("哈爾濱\tHarbin"), "{terms}");
    assert!(!terms.contains("哈尔滨"), "{terms}");
}
