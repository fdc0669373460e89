//! Runs the `amur` binary as a user would: align the bundled samples, write every format,
//! and check the error paths.

mod common;

use common::{amur, stderr};

use amur::eval;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample(name: &str, side: &str) -> String {
    root()
        .join("corpora")
        .join(name)
        .join(side)
        .to_string_lossy()
        .into_owned()
}

const SAMPLES: &[&str] = &["telegrams-1917", "minutes-1918", "report-modern"];

#[test]
fn samples_align_close_to_their_gold() {
    let dir = tempfile::tempdir().unwrap();
    for name in SAMPLES {
        let out = dir.path().join(format!("{name}.align"));
        let o = amur(&[
            "align",
            &sample(name, "zh.txt"),
            &sample(name, "en.txt"),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("beads"),
            "summary missing: {}",
            stderr(&o)
        );
        let gold = eval::read_align(&root().join("corpora").join(name).join("gold.align")).unwrap();
        let test = eval::read_align(&out).unwrap();
        let s = eval::score(&[(gold, test)]);
        assert!(s.f1_strict >= 0.9, "{name}: strict F1 {:.3}", s.f1_strict);
        assert!(s.f1_lax >= 0.99, "{name}: lax F1 {:.3}", s.f1_lax);
    }
}

#[test]
fn tmx_output_is_well_formed_with_one_unit_per_full_bead() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("out.tmx");
    let align = dir.path().join("out.align");
    let (zh, en) = (
        sample("telegrams-1917", "zh.txt"),
        sample("telegrams-1917", "en.txt"),
    );
    assert!(
        amur(&["align", &zh, &en, "-o", tmx.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        amur(&["align", &zh, &en, "-o", align.to_str().unwrap()])
            .status
            .success()
    );
    let text = std::fs::read_to_string(&tmx).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut tus = 0;
    loop {
        match reader.read_event().expect("the TMX is well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().0 == "tu" => tus += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let beads = eval::read_align(&align).unwrap();
    let full = beads
        .iter()
        .filter(|(z, e)| !z.is_empty() && !e.is_empty())
        .count();
    assert_eq!(tus, full);
    assert!(
        text.contains(r#"srclang="zh-TW""#),
        "traditional text gets zh-TW"
    );
    assert!(text.contains("伯力") && text.contains("Khabarovsk"));
}

#[test]
fn tsv_and_json_outputs_carry_text_and_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("out.tsv");
    let json = dir.path().join("out.json");
    let (zh, en) = (
        sample("report-modern", "zh.txt"),
        sample("report-modern", "en.txt"),
    );
    assert!(
        amur(&["align", &zh, &en, "-o", tsv.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        amur(&["align", &zh, &en, "-o", json.to_str().unwrap()])
            .status
            .success()
    );
    let tsv = std::fs::read_to_string(&tsv).unwrap();
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(rows.len() >= 20);
    for r in &rows {
        assert_eq!(r.len(), 4);
        let c: f64 = r[2].parse().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["zh_sentences"], 26);
    assert!(v["beads"].as_array().unwrap().len() == rows.len());
}

#[test]
fn segment_prints_one_sentence_per_line() {
    let o = amur(&["segment", &sample("minutes-1918", "en.txt"), "--lang", "en"]);
    assert!(o.status.success());
    let lines = String::from_utf8(o.stdout).unwrap();
    assert_eq!(lines.lines().count(), 50);
    assert!(
        lines.lines().any(|l| l.contains("I.N. Shishlov")),
        "initials must not split"
    );
}

#[test]
fn a_missing_file_is_named() {
    let o = amur(&[
        "align",
        "no-such-zh.txt",
        &sample("report-modern", "en.txt"),
        "-o",
        "/tmp/amur-never.tmx",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-zh.txt"), "{}", stderr(&o));
}

#[test]
fn non_utf8_and_empty_inputs_are_named_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let gbk = dir.path().join("gbk.txt");
    std::fs::write(&gbk, b"\xd6\xd0\xce\xc4\xa1\xa3\n").unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n\n").unwrap();
    let out = dir.path().join("out.tmx");
    let en = sample("report-modern", "en.txt");
    // GBK is detected and decoded now (tests/robustness_cli.rs); named as UTF-8 it is an error.
    let o = amur(&[
        "align",
        gbk.to_str().unwrap(),
        &en,
        "-o",
        out.to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("gbk.txt")
            && stderr(&o).contains("UTF-8")
            && stderr(&o).contains("line 1"),
        "{}",
        stderr(&o)
    );
    let o = amur(&[
        "align",
        empty.to_str().unwrap(),
        &en,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("empty.txt") && stderr(&o).contains("empty"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "no output after an error");
}

#[test]
fn an_unwritable_output_fails_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing-dir").join("out.tmx");
    let o = amur(&[
        "align",
        &sample("report-modern", "zh.txt"),
        &sample("report-modern", "en.txt"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("out.tmx"), "{}", stderr(&o));
    assert!(!out.exists());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 0,
        "no temp file left"
    );
}

#[cfg(unix)]
#[test]
fn devices_are_written_in_place_and_symlinks_stay_links() {
    use common::{char_device, is_char_device};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (zh, en) = (
        sample("report-modern", "zh.txt"),
        sample("report-modern", "en.txt"),
    );
    let align_to = |out: &std::path::Path| {
        amur(&[
            "align",
            &zh,
            &en,
            "-o",
            out.to_str().unwrap(),
            "--format",
            "tmx",
            "-q",
        ])
    };
    if let Some(null) = char_device(d, "null", 1, 3) {
        let o = align_to(&null);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(is_char_device(&null), "{} was replaced", null.display());
    }
    if let Some(full) = char_device(d, "full", 1, 7) {
        let o = align_to(&full);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(
            err.contains(full.to_str().unwrap())
                && err.matches("No space left on device").count() == 1,
            "{err}"
        );
        assert!(is_char_device(&full), "{} was replaced", full.display());
    }

    // A symlink stays a symlink; the file it points to gets the output.
    std::fs::create_dir(d.join("real")).unwrap();
    let target = d.join("real").join("out.tmx");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.tmx");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = align_to(&link);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let tmx = std::fs::read_to_string(&target).unwrap();
    assert!(tmx.starts_with("<?xml") && tmx.contains("<tu"), "{tmx}");
    assert_eq!(
        std::fs::read_dir(d.join("real")).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn the_output_may_not_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let zh = dir.path().join("zh.txt");
    std::fs::copy(sample("report-modern", "zh.txt"), &zh).unwrap();
    let before = std::fs::read(&zh).unwrap();
    let o = amur(&[
        "align",
        zh.to_str().unwrap(),
        &sample("report-modern", "en.txt"),
        "-o",
        zh.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&zh).unwrap(), before);
}

#[test]
fn bad_usage_exits_with_2() {
    assert_eq!(amur(&["align"]).status.code(), Some(2));
}

/// Quality gate on the shared evaluation data, when it is beside the project; the alignments
/// `--out` writes score the same when scored from their files.
#[test]
fn mac_dev_strict_f1_is_at_least_0_92() {
    let corpus = root().join("../shared/eval/mac-dev");
    if !corpus.join("gold").is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("aligned");
    let o = amur(&[
        "eval",
        "--run",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let total = text.lines().find(|l| l.starts_with("total")).unwrap();
    let f1: f64 = total.split_whitespace().nth(5).unwrap().parse().unwrap();
    assert!(f1 >= 0.92, "mac-dev strict F1 {f1}\n{text}");
    let gold = corpus.join("gold");
    let o = amur(&["eval", gold.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        again.lines().find(|l| l.starts_with("total")),
        Some(total),
        "{again}"
    );
}

/// Confidence means what it says: on mac-dev (when it is beside the project) the expected
/// calibration error of the beads' confidences, against exact gold beads, is at most 0.03.
#[test]
fn mac_dev_confidence_is_calibrated() {
    let corpus = root().join("../shared/eval/mac-dev");
    if !corpus.join("gold").is_dir() {
        eprintln!("skipped: {} not found", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut items = Vec::new();
    for k in 1..=6 {
        let name = format!("{k:03}");
        let out = dir.path().join(format!("{name}.json"));
        let o = amur(&[
            "align",
            corpus.join(format!("zh/{name}.txt")).to_str().unwrap(),
            corpus.join(format!("en/{name}.txt")).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--presegmented",
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let gold: std::collections::HashSet<eval::AlignBead> =
            eval::read_align(&corpus.join(format!("gold/{name}.align")))
                .unwrap()
                .into_iter()
                .collect();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let ids = |v: &serde_json::Value| -> Vec<usize> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect()
        };
        for b in json["beads"].as_array().unwrap() {
            let bead = (ids(&b["zh_ids"]), ids(&b["en_ids"]));
            items.push((b["confidence"].as_f64().unwrap(), gold.contains(&bead)));
        }
    }
    let ece = eval::expected_calibration_error(&items);
    assert!(
        ece <= 0.03,
        "mac-dev ECE {ece:.4} over {} beads",
        items.len()
    );
}

/// `eval --run --margins` names each stretch where amur's beads and the gold's part, with the
/// score of each side split into its parts; against its own output as gold there is none.
#[test]
fn margins_show_where_the_gold_and_amur_part() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path();
    for side in ["zh", "en", "gold"] {
        std::fs::create_dir(corpus.join(side)).unwrap();
    }
    let zh =
        "今天早上下了一场大雨。\n农民们都很高兴。\n他们说今年的收成会很好。\n孩子们在河边玩水。\n";
    let en = "It rained heavily this morning.\nThe farmers were all very happy.\n\
              They said this year's harvest would be good.\nThe children played in the water by the river.\n";
    std::fs::write(corpus.join("zh/001.txt"), zh).unwrap();
    std::fs::write(corpus.join("en/001.txt"), en).unwrap();
    // A gold that joins the first two pairs, which amur keeps apart.
    std::fs::write(
        corpus.join("gold/001.align"),
        "[0,1]:[0,1]\n[2]:[2]\n[3]:[3]\n",
    )
    .unwrap();
    let out = corpus.join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["eval", "--run", corpus.to_str().unwrap(), "--margins"];
        args.extend(extra);
        let o = amur(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let text = run(&["--out", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(out.join("001.align")).unwrap(),
        "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n"
    );
    assert!(
        text.contains("error stretches: 1; the gold scores below amur's beads in 1"),
        "{text}"
    );
    let row = text.lines().find(|l| l.starts_with("001\t")).expect(&text);
    let cells: Vec<&str> = row.split('\t').collect();
    let number = |k: usize| cells[k].parse::<f64>().unwrap();
    assert!(number(1) < 0.0, "{row}");
    let parts: f64 = (2..6).map(number).sum();
    assert!((parts - number(1)).abs() < 0.02, "{row}");
    assert!(row.ends_with("[0,1]:[0,1] | [0]:[0] [1]:[1]"), "{row}");
    // amur's own beads as the gold: nothing parts.
    std::fs::copy(out.join("001.align"), corpus.join("gold/001.align")).unwrap();
    assert!(run(&[]).contains("error stretches: 0;"));
    let o = amur(&["eval", corpus.join("gold").to_str().unwrap(), "--margins"]);
    assert_eq!(o.status.code(), Some(2), "--margins needs --run");
}
