//! `amur tm` end to end: runs the built binary on the fixtures in tests/data/tm and checks exit
//! codes, output files (read back with the library's reader) and messages.

mod common;

use common::{amur, stderr};

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use amur_tm::tm::{self, ReadOptions, Unit};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tm")
        .join(name)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs amur and asserts it exited with `code`.
fn run(code: i32, args: &[&str]) -> Output {
    let o = amur(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "amur {args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

fn units(path: &Path) -> Vec<Unit> {
    tm::open(path, &ReadOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn pairs(units: &[Unit]) -> Vec<(String, String)> {
    units
        .iter()
        .map(|u| (u.source.clone(), u.target.clone()))
        .collect()
}

#[test]
fn merge_drops_duplicates_and_reports_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.tmx");
    let (a, b) = (data("a.tmx"), data("b.tmx"));
    let o = run(
        0,
        &[
            "tm",
            "merge",
            path_str(&a),
            path_str(&b),
            "-o",
            path_str(&out),
        ],
    );
    let merged = units(&out);
    // 4 + 3 units, one of b's is an exact duplicate of a's.
    assert_eq!(merged.len(), 6);
    let mut expected = pairs(&units(&a));
    expected.extend(pairs(&units(&b)).into_iter().skip(1));
    assert_eq!(pairs(&merged), expected);
    // Props come along: a's confidences are still there.
    assert_eq!(merged[0].confidence(), Some(0.95));
    let err = stderr(&o);
    assert!(
        err.contains("conflicting translations of \"两国政府就边界问题进行了交涉。\""),
        "{err}"
    );
    assert!(
        err.contains("a.tmx:6: \"The two governments negotiated over the border question.\""),
        "{err}"
    );
    assert!(
        err.contains("b.tmx:9: \"The two governments held talks on the border.\""),
        "{err}"
    );
    assert!(err.contains("1 exact duplicates dropped"), "{err}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">"));
    assert!(xml.contains("srclang=\"zh-CN\""));
}

#[test]
fn merge_reads_utf16_and_refuses_to_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.tmx");
    std::fs::copy(data("a.tmx"), &a).unwrap();
    let trados = data("trados-utf16.tmx");
    let o = run(
        1,
        &[
            "tm",
            "merge",
            path_str(&a),
            path_str(&trados),
            "-o",
            path_str(&a),
        ],
    );
    assert!(
        stderr(&o).contains("would overwrite an input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(data("a.tmx")).unwrap()
    );
    let out = dir.path().join("m.tmx");
    run(
        0,
        &[
            "tm",
            "merge",
            path_str(&a),
            path_str(&trados),
            "-o",
            path_str(&out),
        ],
    );
    let merged = units(&out);
    assert_eq!(merged.len(), 6);
    assert_eq!(merged[4].source, "请按确定键继续。");
    assert_eq!(merged[5].target, "See the Treaty Series, volume 😀.");
}

#[test]
fn convert_round_trips_through_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let a = data("a.tmx");
    let original = pairs(&units(&a));
    for ext in ["tsv", "csv", "json"] {
        let table = dir.path().join(format!("a.{ext}"));
        let back = dir.path().join(format!("back-{ext}.tmx"));
        run(0, &["tm", "convert", path_str(&a), "-o", path_str(&table)]);
        assert_eq!(pairs(&units(&table)), original, "{ext}");
        run(
            0,
            &["tm", "convert", path_str(&table), "-o", path_str(&back)],
        );
        let back = units(&back);
        assert_eq!(pairs(&back), original, "{ext}");
        assert_eq!(back[0].src_lang, "zh-CN");
        assert_eq!(back[0].tgt_lang, "en-US");
    }
    let tsv = std::fs::read_to_string(dir.path().join("a.tsv")).unwrap();
    assert!(tsv.starts_with("两国政府就边界问题进行了交涉。\tThe two governments"));
    let csv = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
    assert!(csv.starts_with("source,target\n"));
    assert!(csv.contains("\"The price is <100> yuan, tax & freight \"\"included\"\".\""));
}

#[test]
fn convert_reads_an_alignment_json_as_align_writes_its_tmx() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora/report-modern");
    let (zh, en) = (sample.join("zh.txt"), sample.join("en.txt"));
    let json = dir.path().join("sample.json");
    let tmx = dir.path().join("sample.tmx");
    for out in [&json, &tmx] {
        let args = [
            "align",
            path_str(&zh),
            path_str(&en),
            "-o",
            path_str(out),
            "-q",
        ];
        run(0, &args);
    }
    let converted = dir.path().join("converted.tmx");
    let o = run(
        0,
        &["tm", "convert", path_str(&json), "-o", path_str(&converted)],
    );
    let from_align = units(&tmx);
    let from_json = units(&converted);
    assert!(!from_json.is_empty());
    assert_eq!(pairs(&from_json), pairs(&from_align));
    assert!(
        stderr(&o).contains(&format!("{} units written", from_json.len())),
        "{}",
        stderr(&o)
    );
    for (a, b) in from_json.iter().zip(&from_align) {
        assert_eq!((&a.src_lang, &a.tgt_lang), (&b.src_lang, &b.tgt_lang));
        assert_eq!(a.prop("x-bead"), b.prop("x-bead"));
        assert_eq!(a.prop("x-source-paragraph"), b.prop("x-source-paragraph"));
        assert!(a.confidence().is_some());
    }
    // To TSV as well; a JSON that is neither shape is an error naming the file.
    let tsv = dir.path().join("sample.tsv");
    run(0, &["tm", "convert", path_str(&json), "-o", path_str(&tsv)]);
    assert_eq!(pairs(&units(&tsv)), pairs(&from_align));
    let odd = dir.path().join("odd.json");
    std::fs::write(&odd, r#"{"beads": 3}"#).unwrap();
    let o = run(1, &["tm", "convert", path_str(&odd), "-o", path_str(&tsv)]);
    assert!(stderr(&o).contains("odd.json"), "{}", stderr(&o));
}

#[test]
fn convert_to_stdout_with_tags_kept_or_stripped() {
    let trados = data("trados-utf16.tmx");
    let o = run(
        0,
        &[
            "tm",
            "convert",
            path_str(&trados),
            "-o",
            "-",
            "--to",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json[0]["source"], "请按确定键继续。");
    assert_eq!(json[1]["target"], "See the Treaty Series, volume 😀.");
    let o = run(
        0,
        &[
            "tm",
            "convert",
            path_str(&trados),
            "-o",
            "-",
            "--to",
            "tsv",
            "--keep-tags",
        ],
    );
    assert!(
        stdout(&o)
            .contains("Press <bpt i=\"1\" type=\"1\" x=\"1\">&lt;cf bold=\"True\"&gt;</bpt>OK"),
        "{}",
        stdout(&o)
    );
    let o = run(
        1,
        &[
            "tm",
            "convert",
            path_str(&trados),
            "-o",
            "-",
            "--to",
            "tmx",
            "--keep-tags",
        ],
    );
    assert!(stderr(&o).contains("--keep-tags"));
    let o = run(1, &["tm", "convert", path_str(&trados), "-o", "out.txt"]);
    assert!(stderr(&o).contains("cannot tell the format"));
}

#[test]
fn convert_tmx_1_1_with_chosen_languages() {
    let tmx11 = data("tmx11.tmx");
    let o = run(
        0,
        &["tm", "convert", path_str(&tmx11), "-o", "-", "--to", "tsv"],
    );
    assert_eq!(stdout(&o), "条约已经签订。\tThe treaty was signed.\n");
    let o = run(
        0,
        &[
            "tm",
            "convert",
            path_str(&tmx11),
            "-o",
            "-",
            "--to",
            "tsv",
            "--src-lang",
            "en",
        ],
    );
    assert_eq!(stdout(&o), "The treaty was signed.\t条约已经签订。\n");
}

#[test]
fn filter_holds_weak_units_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("good.tmx");
    let o = run(
        0,
        &[
            "tm",
            "filter",
            path_str(&data("a.tmx")),
            "--min-confidence",
            "0.8",
            "-o",
            path_str(&out),
        ],
    );
    let kept = units(&out);
    let confidences: Vec<Option<f64>> = kept.iter().map(Unit::confidence).collect();
    assert_eq!(confidences, [Some(0.95), Some(0.88)]);
    assert!(
        stderr(&o).contains("2 units kept, 2 below 0.8 held out"),
        "{}",
        stderr(&o)
    );
    // Units without a confidence stay unless asked.
    let b = data("b.tmx");
    run(
        0,
        &[
            "tm",
            "filter",
            path_str(&b),
            "--min-confidence",
            "0.8",
            "-o",
            path_str(&out),
        ],
    );
    assert_eq!(units(&out).len(), 3);
    let o = run(
        0,
        &[
            "tm",
            "filter",
            path_str(&b),
            "--min-confidence",
            "0.8",
            "--drop-unscored",
            "-o",
            path_str(&out),
        ],
    );
    assert_eq!(units(&out).len(), 0);
    assert!(stderr(&o).contains("3 without x-confidence held out"));
    run(
        2,
        &[
            "tm",
            "filter",
            path_str(&b),
            "--min-confidence",
            "2",
            "-o",
            path_str(&out),
        ],
    );
}

#[test]
fn search_finds_terms_in_both_scripts() {
    let (a, b) = (data("a.tmx"), data("b.tmx"));
    let o = run(0, &["tm", "search", "交涉", path_str(&a), path_str(&b)]);
    let text = stdout(&o);
    assert_eq!(text.matches("交涉").count(), 4, "{text}");
    assert!(text.contains("a.tmx:18\n  交涉已经有了结果。\n  The negotiations have concluded.\n"));
    assert!(!text.contains('\x1b'), "no escapes when not a terminal");
    assert!(stderr(&o).contains("4 units contain \"交涉\""));
    // Simplified term, traditional text.
    let o = run(0, &["tm", "search", "台湾", path_str(&b)]);
    assert!(
        stdout(&o).contains("臺灣代表團抵達北京。"),
        "{}",
        stdout(&o)
    );
    // The target side, any case, highlighted on request.
    let o = run(
        0,
        &[
            "tm",
            "search",
            "NEGOTIATIONS",
            path_str(&a),
            "--color",
            "always",
        ],
    );
    assert!(
        stdout(&o).contains("The \x1b[1mnegotiations\x1b[0m have concluded."),
        "{}",
        stdout(&o)
    );
    let o = run(0, &["tm", "search", "没有这个词", path_str(&a)]);
    assert!(stdout(&o).is_empty());
}

#[test]
fn lookup_shows_cat_match_percentages() {
    let (a, b) = (data("a.tmx"), data("b.tmx"));
    let o = run(
        0,
        &[
            "tm",
            "lookup",
            "交涉已经有结果。",
            path_str(&a),
            path_str(&b),
        ],
    );
    let text = stdout(&o);
    // One character missing out of nine: 88.9% shown as 88%; the identical unit in b is the
    // same unit, shown once.
    assert!(
        text.starts_with(" 88%  ") && text.contains("a.tmx:18\n      交涉已经有了结果。\n"),
        "{text}"
    );
    assert_eq!(text.matches('%').count(), 1, "{text}");
    let o = run(
        0,
        &[
            "tm",
            "lookup",
            "两国政府就边界问题进行了交涉。",
            path_str(&a),
            path_str(&b),
            "--min",
            "30",
        ],
    );
    let text = stdout(&o);
    let percents: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('%'))
        .map(|l| l.split('%').next().unwrap_or("").trim())
        .collect();
    assert_eq!(percents[..2], ["100", "100"], "{text}");
    assert!(text.contains("negotiated over the border") && text.contains("held talks"));
    let o = run(
        0,
        &[
            "tm",
            "lookup",
            "两国政府就边界问题进行了交涉。",
            path_str(&a),
            "-n",
            "1",
        ],
    );
    assert_eq!(stdout(&o).matches('%').count(), 1);
    let o = run(0, &["tm", "lookup", "完全无关的一句话", path_str(&a)]);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("no match of 50% or more"));
    run(2, &["tm", "lookup", "x", path_str(&a), "--min", "101"]);
}

#[test]
fn stats_per_file_and_in_total() {
    let (a, b, t) = (data("a.tmx"), data("b.tmx"), data("trados-utf16.tmx"));
    let o = run(0, &["tm", "stats", path_str(&a)]);
    let text = stdout(&o);
    assert!(text.contains("units        4\n"), "{text}");
    assert!(text.contains("languages    zh-CN → en-US: 4\n"), "{text}");
    assert!(text.contains("mean 0.690 over 4 units"), "{text}");
    let o = run(
        0,
        &["tm", "stats", path_str(&a), path_str(&b), path_str(&t)],
    );
    let text = stdout(&o);
    let total = &text[text.find("all 3 files").expect("a total")..];
    assert!(total.contains("units        9\n"), "{total}");
    assert!(total.contains("duplicates   1 "), "{total}");
    assert!(total.contains("conflicts    1 "), "{total}");
    assert!(total.contains("mean 0.732 over 5 units"), "{total}");
}

#[test]
fn bad_input_is_an_error_naming_file_line_and_column() {
    let bad = data("malformed.tmx");
    let o = run(1, &["tm", "stats", path_str(&bad)]);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:7:36: ill-formed document", bad.display())),
        "{err}"
    );
    let started = Instant::now();
    let o = run(1, &["tm", "stats", path_str(&data("billion-laughs.tmx"))]);
    assert!(started.elapsed().as_secs() < 5);
    assert!(stderr(&o).contains("billion-laughs.tmx:18:34: entity &lol9; is not expanded"));
    let o = run(1, &["tm", "stats", "no-such-file.tmx"]);
    assert!(stderr(&o).contains("no-such-file.tmx"));
    // A failed read leaves no output behind.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.tmx");
    run(1, &["tm", "convert", path_str(&bad), "-o", path_str(&out)]);
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    run(2, &["tm"]);
    run(2, &["tm", "merge", "a.tmx"]);
    run(2, &["tm", "bogus"]);
    for cmd in ["merge", "convert", "stats", "filter", "search", "lookup"] {
        let o = run(0, &["tm", cmd, "--help"]);
        assert!(stdout(&o).contains("amur tm "), "{cmd}: an example");
    }
}
