//! Runs `amur batch` on small pair directories built from the bundled samples: parallel
//! runs, a failing pair, resume, shards (given, or from a scheduler's environment) and their
//! merge, manifests, pairs of docx, odt, html and md files.

mod common;

use common::{amur, s, stderr};

use common::{docx_of, html_of, md_of, odt_of};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample(name: &str, side: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpora")
        .join(name)
        .join(side)
}

const SAMPLES: &[&str] = &["telegrams-1917", "minutes-1918", "report-modern"];

/// A directory `zh/NNN.txt` + `en/NNN.txt` with the samples as pairs 001…, repeated to make
/// `count` pairs.
fn pair_dir(root: &Path, count: usize) -> PathBuf {
    let dir = root.join("in");
    for side in ["zh", "en"] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        for k in 0..count {
            let from = sample(SAMPLES[k % SAMPLES.len()], &format!("{side}.txt"));
            std::fs::copy(from, dir.join(side).join(format!("{:03}.txt", k + 1))).unwrap();
        }
    }
    dir
}

/// `<tu>` elements of a TMX file.
fn units(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .matches("<tu ")
        .count()
}

/// Rows of summary.tsv (without header and total) as (name, status).
fn summary_rows(dir: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("summary.tsv")).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("name\tstatus\t"));
    let mut rows = first_two_columns(lines);
    rows.retain(|(_, status)| status != "total");
    rows
}

/// The first two tab-separated fields of each line.
fn first_two_columns<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect()
}

#[test]
fn a_directory_of_pairs_runs_in_parallel_into_outputs_merged_tmx_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 5);
    let out = tmp.path().join("out");
    let o = amur(&["batch", s(&input), "-o", s(&out), "--jobs", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut per_pair = 0;
    for k in 1..=5 {
        let tmx = out.join(format!("{k:03}.tmx"));
        assert!(tmx.is_file(), "{} missing", tmx.display());
        per_pair += units(&tmx);
    }
    let merged = out.join("merged.tmx");
    assert_eq!(units(&merged), per_pair);
    let text = std::fs::read_to_string(&merged).unwrap();
    assert_eq!(text.matches("<header").count(), 1);
    assert_eq!(
        text.matches(r#"<prop type="x-document">"#).count(),
        per_pair,
        "every unit names its document"
    );
    assert!(text.contains(r#"<prop type="x-document">004</prop>"#));
    // The samples mix traditional and simplified Chinese: the header says so.
    assert!(text.contains(r#"srclang="*all*""#));
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("merged.tmx is not well-formed: {e}"),
        }
    }
    let rows = summary_rows(&out);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|(_, status)| status == "ok"), "{rows:?}");
    let printed = String::from_utf8(o.stdout).unwrap();
    assert!(
        printed.contains("pairs           5 (5 aligned, 0 failed)"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("merged units    {per_pair}")),
        "{printed}"
    );
}

#[test]
fn a_failing_pair_is_reported_and_the_others_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 3);
    std::fs::write(
        input.join("zh/002.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00\n",
    )
    .unwrap();
    std::fs::write(input.join("zh/004.txt"), "\n").unwrap();
    std::fs::copy(sample("report-modern", "en.txt"), input.join("en/004.txt")).unwrap();
    let out = tmp.path().join("out");
    let o = amur(&["batch", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("002") && err.contains("binary"), "{err}");
    assert!(err.contains("004.txt") && err.contains("empty"), "{err}");
    assert!(out.join("001.tmx").is_file() && out.join("003.tmx").is_file());
    assert!(!out.join("002.tmx").exists() && !out.join("004.tmx").exists());
    assert_eq!(
        units(&out.join("merged.tmx")),
        units(&out.join("001.tmx")) + units(&out.join("003.tmx"))
    );
    let rows = summary_rows(&out);
    let status: Vec<&str> = rows.iter().map(|(_, st)| st.as_str()).collect();
    assert_eq!(status, ["ok", "failed", "ok", "failed"]);
}

#[test]
fn resume_skips_pairs_whose_output_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 3);
    let out = tmp.path().join("out");
    assert!(amur(&["batch", s(&input), "-o", s(&out)]).status.success());
    let units_before = units(&out.join("merged.tmx"));
    // A kept output must not be touched; a removed one is made again.
    std::fs::write(out.join("001.tmx"), "kept\n").unwrap();
    std::fs::remove_file(out.join("002.tmx")).unwrap();
    let o = amur(&["batch", s(&input), "-o", s(&out), "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("001.tmx")).unwrap(),
        "kept\n"
    );
    assert!(units(&out.join("002.tmx")) > 0);
    assert!(
        stderr(&o).contains("1 of 3 pairs aligned, 2 skipped"),
        "{}",
        stderr(&o)
    );
    // The skipped pairs' units still reach the merged TMX, from their records.
    assert_eq!(units(&out.join("merged.tmx")), units_before);
}

/// Records written before the `suspect` column (an earlier amur) are still read by
/// `--resume`, with a warning that those pairs were not checked.
#[test]
fn resume_reads_records_of_an_earlier_amur() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 3);
    let out = tmp.path().join("out");
    assert!(amur(&["batch", s(&input), "-o", s(&out)]).status.success());
    let units_before = units(&out.join("merged.tmx"));
    let records = out.join(".amur-batch");
    let mut rewritten = 0;
    for entry in std::fs::read_dir(&records).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "tsv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let old: Vec<String> = text
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split('\t').collect();
                f.remove(15); // the suspect column, after looks_unrelated
                f.join("\t")
            })
            .collect();
        assert!(
            old[0].ends_with("looks_unrelated\tseconds\terror"),
            "{}",
            old[0]
        );
        std::fs::write(&path, old.join("\n") + "\n").unwrap();
        rewritten += 1;
    }
    assert_eq!(rewritten, 3);
    std::fs::remove_file(out.join("002.tmx")).unwrap();
    let o = amur(&["batch", s(&input), "-o", s(&out), "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("earlier amur") && stderr(&o).contains("001"),
        "{}",
        stderr(&o)
    );
    assert_eq!(units(&out.join("merged.tmx")), units_before);
}

#[test]
fn shards_and_their_merge_give_what_one_run_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 5);
    let single = tmp.path().join("single");
    assert!(
        amur(&["batch", s(&input), "-o", s(&single)])
            .status
            .success()
    );
    let want = units(&single.join("merged.tmx"));

    // Two machines writing to one shared directory, then --merge-only.
    let shared = tmp.path().join("shared");
    for k in ["1/2", "2/2"] {
        let o = amur(&["batch", s(&input), "-o", s(&shared), "--shard", k]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !shared.join("merged.tmx").exists(),
            "a shard writes no merge"
        );
    }
    let tmx: Vec<String> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmx"))
        .collect();
    assert_eq!(tmx.len(), 5, "{tmx:?}");
    let o = amur(&["batch", s(&input), "-o", s(&shared), "--merge-only"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(units(&shared.join("merged.tmx")), want);

    // Two machines with their own directories, then `batch merge`.
    let (a, b, joined) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("joined"),
    );
    assert!(
        amur(&["batch", s(&input), "-o", s(&a), "--shard", "1/2"])
            .status
            .success()
    );
    // Shard 1/2 takes pairs 1, 3, 5 (indices 0, 2, 4 in name order).
    assert!(a.join("003.tmx").exists() && !a.join("002.tmx").exists());
    // Until shard 2 has run, --merge-only reports its pairs missing.
    let o = amur(&["batch", s(&input), "-o", s(&a), "--merge-only"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("missing         002, 004"));
    assert!(
        amur(&["batch", s(&input), "-o", s(&b), "--shard", "2/2"])
            .status
            .success()
    );
    let o = amur(&["batch", "merge", s(&a), s(&b), "-o", s(&joined)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(units(&joined.join("merged.tmx")), want);
    assert_eq!(summary_rows(&joined), summary_rows(&single));
}

/// The scheduler variables `--shard auto` reads, removed from the test's own environment (a
/// test run inside a Slurm job must not see its job's array).
const SCHEDULER_VARS: &[&str] = &[
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "SLURM_ARRAY_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "AMUR_SHARD_COUNT",
];

/// Runs amur with only the given scheduler variables set.
fn amur_in(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_amur"));
    for var in SCHEDULER_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run amur")
}

/// The names of the per-pair TMX files in `dir`, sorted.
fn tmx_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmx"))
        .collect();
    names.sort();
    names
}

#[test]
fn shard_auto_takes_the_shard_from_a_slurm_array_or_a_kubernetes_indexed_job() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 5);
    let single = tmp.path().join("single");
    assert!(
        amur_in(&[], &["batch", s(&input), "-o", s(&single), "-q"])
            .status
            .success()
    );

    // `sbatch --array=0-1`: task 1 is the second shard of two, pairs 002 and 004.
    let slurm = tmp.path().join("slurm");
    let run = |id: &str| {
        let env = [
            ("SLURM_ARRAY_TASK_ID", id),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "1"),
            ("SLURM_ARRAY_TASK_STEP", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ];
        let args = [
            "batch",
            s(&input),
            "-o",
            s(&slurm),
            "--resume",
            "--shard",
            "auto",
        ];
        amur_in(&env, &args)
    };
    let o = run("1");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("shard 2/2\n"));
    assert_eq!(tmx_names(&slurm), ["002.tmx", "004.tmx"]);
    assert!(run("0").status.success());
    let o = amur_in(&[], &["batch", s(&input), "-o", s(&slurm), "--merge-only"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary_rows(&slurm), summary_rows(&single));
    assert_eq!(
        units(&slurm.join("merged.tmx")),
        units(&single.join("merged.tmx"))
    );

    // A Kubernetes Indexed Job of 3 completions: index 0 is shard 1/3, pairs 001 and 004.
    let k8s = tmp.path().join("k8s");
    let env = [("JOB_COMPLETION_INDEX", "0"), ("AMUR_SHARD_COUNT", "3")];
    let o = amur_in(
        &env,
        &["batch", s(&input), "-o", s(&k8s), "--shard", "auto"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tmx_names(&k8s), ["001.tmx", "004.tmx"]);
}

#[test]
fn shard_auto_outside_a_scheduler_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 2);
    let out = tmp.path().join("out");
    let args = ["batch", s(&input), "-o", s(&out), "--shard", "auto"];
    let o = amur_in(&[], &args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no scheduler environment"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written");
    // A Kubernetes index without the count, and a Slurm array given as a list (1,5,6).
    let o = amur_in(&[("JOB_COMPLETION_INDEX", "1")], &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("AMUR_SHARD_COUNT"), "{}", stderr(&o));
    let list = [
        ("SLURM_ARRAY_TASK_ID", "5"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "6"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    let o = amur_in(&list, &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--shard K/N"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_manifest_names_the_pairs_and_the_format_is_chosen() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = tmp.path().join("pairs.tsv");
    std::fs::write(
        &manifest,
        format!(
            "# zh\ten\tname\n{}\t{}\ttelegrams\n{}\t{}\treport\n",
            s(&sample("telegrams-1917", "zh.txt")),
            s(&sample("telegrams-1917", "en.txt")),
            s(&sample("report-modern", "zh.txt")),
            s(&sample("report-modern", "en.txt")),
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = amur(&["batch", s(&manifest), "-o", s(&out), "--format", "tsv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tsv = std::fs::read_to_string(out.join("telegrams.tsv")).unwrap();
    assert!(tsv.starts_with("zh\ten\tconfidence\tbead\n"));
    assert!(out.join("report.tsv").is_file());
    let merged = std::fs::read_to_string(out.join("merged.tmx")).unwrap();
    assert!(merged.contains(r#"<prop type="x-document">report</prop>"#));
    let names: Vec<String> = summary_rows(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["report", "telegrams"]);
}

#[test]
fn presegmented_input_is_taken_line_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a.zh.txt"), "第一句。第二句。\n第三句。\n").unwrap();
    std::fs::write(input.join("a.en.txt"), "One. Two.\nThree.\n").unwrap();
    let out = tmp.path().join("out");
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--presegmented",
        "--format",
        "align",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let align = std::fs::read_to_string(out.join("a.align")).unwrap();
    assert_eq!(align, "[0]:[0]\n[1]:[1]\n");
}

#[test]
fn bad_shards_and_missing_inputs_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 1);
    let out = tmp.path().join("out");
    assert_eq!(
        amur(&["batch", s(&input), "-o", s(&out), "--shard", "3/2"])
            .status
            .code(),
        Some(2)
    );
    let o = amur(&["batch", s(&tmp.path().join("none")), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("none"), "{}", stderr(&o));
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = amur(&["batch", s(&empty), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no document pairs"), "{}", stderr(&o));
}

#[test]
fn a_pair_of_unrelated_documents_is_flagged_in_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 3);
    // 002 gets another sample's English.
    std::fs::copy(
        sample(SAMPLES[2], "en.txt"),
        input.join("en").join("002.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = amur(&["batch", s(&input), "-o", s(&out)]);
    // Written, but held out of the merge: exit 3.
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("summary.tsv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let flagged: Vec<(&str, &str)> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[1] == "ok")
        .map(|f| (f[0], f[col("looks_unrelated")]))
        .collect();
    assert_eq!(
        flagged,
        [("001", ""), ("002", "yes"), ("003", "")],
        "{text}"
    );
    let printed = String::from_utf8(o.stdout).unwrap();
    assert!(printed.contains("look unrelated  1 ("), "{printed}");
}

/// The beads of a JSON output without their confidences, which vary a little from run to run.
fn beads_of(path: &Path) -> Value {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    for b in v["beads"].as_array_mut().unwrap() {
        b.as_object_mut().unwrap().remove("confidence");
    }
    v
}

#[test]
fn pairs_of_any_readable_format_are_matched_by_name_and_align_as_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let paragraphs = |side: &str| {
        let text = std::fs::read_to_string(sample("report-modern", side)).unwrap();
        let joiner = if side.starts_with("zh") { "" } else { " " };
        amur_core::text::paragraphs(&text, joiner)
    };
    let (zh, en) = (paragraphs("zh.txt"), paragraphs("en.txt"));

    // The text pair, once.
    let text_dir = tmp.path().join("text");
    for side in ["zh", "en"] {
        std::fs::create_dir_all(text_dir.join(side)).unwrap();
        std::fs::copy(
            sample("report-modern", &format!("{side}.txt")),
            text_dir.join(side).join("001.txt"),
        )
        .unwrap();
    }
    let text_out = tmp.path().join("text-out");
    let o = amur(&[
        "batch",
        s(&text_dir),
        "-o",
        s(&text_out),
        "--format",
        "json",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = beads_of(&text_out.join("001.json"));
    assert!(!expected["beads"].as_array().unwrap().is_empty());

    // The same pair in other formats, in both layouts, the extensions differing per side.
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join("zh")).unwrap();
    std::fs::create_dir_all(docs.join("en")).unwrap();
    for (name, bytes) in [
        ("zh/001.html", html_of(&zh)),
        ("en/001.md", md_of(&en)),
        ("002.zh.docx", docx_of(&zh)),
        ("002.en.odt", odt_of(&en, "")),
        ("zh/003.md", md_of(&zh)),
        ("en/003.htm", html_of(&en)),
        ("004.zh.odt", odt_of(&zh, "")),
        ("004.en.DOCX", docx_of(&en)),
        ("notes.pdf", b"%PDF-1.4".to_vec()),
    ] {
        std::fs::write(docs.join(name), bytes).unwrap();
    }
    let out = tmp.path().join("docs-out");
    let o = amur(&["batch", s(&docs), "-o", s(&out), "--format", "json", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).is_empty(),
        "no warnings expected: {}",
        stderr(&o)
    );
    let rows = summary_rows(&out);
    assert_eq!(rows.len(), 4, "{rows:?}");
    for (name, status) in &rows {
        assert_eq!(status, "ok", "{name}");
        assert_eq!(
            beads_of(&out.join(format!("{name}.json"))),
            expected,
            "pair {name} aligns differently from the text files"
        );
    }

    // Two files with one name on a side: an error naming both, nothing aligned.
    std::fs::write(docs.join("zh/002.txt"), "第一句。\n").unwrap();
    let again = tmp.path().join("again");
    let o = amur(&["batch", s(&docs), "-o", s(&again)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("two Chinese files") && err.contains("002.zh.docx") && err.contains("002.txt"),
        "{err}"
    );
    assert!(!again.join("summary.tsv").exists());
}

/// Term pairs (zh, en) of a TSV term list.
fn term_pairs(path: &Path) -> Vec<(String, String)> {
    first_two_columns(std::fs::read_to_string(path).unwrap().lines())
}

#[test]
fn terms_come_from_every_recorded_pair_of_the_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 3);
    let out = tmp.path().join("out");
    let terms = tmp.path().join("terms.tsv");
    let o = amur(&["batch", s(&input), "-o", s(&out), "--terms", s(&terms)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&terms).unwrap();
    let pairs = term_pairs(&terms);
    // 宋宗淵 occurs once in each sample: no single pair has it twice, the corpus has it 3 times.
    for want in [("宋宗淵", "Song Zongyuan"), ("海蘭泡", "Blagoveshchensk")] {
        assert!(
            pairs.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} not in\n{text}"
        );
    }
    // Examples point into merged.tmx, from different pairs first.
    assert!(text.contains("e.g. merged.tmx:"), "{text}");
    // The same as `amur glossary extract` on merged.tmx.
    let again = tmp.path().join("again.tsv");
    let o = amur(&[
        "glossary",
        "extract",
        s(&out.join("merged.tmx")),
        "-q",
        "-o",
        s(&again),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);

    // Resumed pairs count too: nothing is aligned again, the terms are the same.
    std::fs::remove_file(&terms).unwrap();
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--resume",
        "--terms",
        s(&terms),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 of 3 pairs aligned, 3 skipped"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&terms).unwrap(), text);

    // Shards: the terms come with the merge (--merge-only or `batch merge`).
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--shard",
        "1/2",
        "--terms",
        s(&terms),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let shared = tmp.path().join("shared");
    for k in ["1/2", "2/2"] {
        let o = amur(&["batch", s(&input), "-o", s(&shared), "--shard", k, "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged_terms = tmp.path().join("merged-terms.tsv");
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&shared),
        "--merge-only",
        "--terms",
        s(&merged_terms),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(term_pairs(&merged_terms), pairs);
    let tbx = tmp.path().join("terms.tbx");
    let o = amur(&[
        "batch",
        "merge",
        s(&shared),
        "-o",
        s(&tmp.path().join("m")),
        "--terms",
        s(&tbx),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&tbx)
            .unwrap()
            .contains("Song Zongyuan")
    );
}

#[test]
fn batch_terms_never_overwrite_an_input_or_an_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 2);
    let out = tmp.path().join("out");
    let zh = input.join("zh/001.txt");
    let before = std::fs::read(&zh).unwrap();
    let o = amur(&["batch", s(&input), "-o", s(&out), "--terms", s(&zh)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("001.txt: the output would overwrite an input file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&zh).unwrap(), before);
    assert!(!out.exists(), "nothing is aligned before the check");

    // Nor a file the batch writes itself.
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--terms",
        s(&out.join("summary.tsv")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("an output of the batch"),
        "{}",
        stderr(&o)
    );
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--format",
        "tsv",
        "--terms",
        s(&out.join("002.tsv")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // An unknown term list format is refused before any work.
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--terms",
        s(&tmp.path().join("t.xlsx")),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("t.xlsx: cannot tell the term list format"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

/// Strict F1 of each sample pair's `.align` output in `out` against the sample's gold
/// (pairs 001… as [`pair_dir`] makes them).
fn sample_f1s(out: &Path, count: usize) -> Vec<f64> {
    (0..count)
        .map(|k| {
            let gold = sample(SAMPLES[k % SAMPLES.len()], "gold.align");
            let gold = amur::eval::read_align(&gold).unwrap();
            let test = amur::eval::read_align(&out.join(format!("{:03}.align", k + 1))).unwrap();
            amur::eval::score(&[(gold, test)]).f1_strict
        })
        .collect()
}

/// A batch with `--lexicon` learns a readable TSV lexicon, and a second run that reads it
/// gives the same beads and writes the same file.
#[test]
fn a_batch_with_a_lexicon_gives_the_same_beads_in_two_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 6);
    let lexicon = tmp.path().join("lexicon.tsv");
    let run = |out: &str| {
        let out = tmp.path().join(out);
        let o = amur(&[
            "batch",
            s(&input),
            "-o",
            s(&out),
            "--format",
            "align",
            "--lexicon",
            s(&lexicon),
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let first = run("out1");
    let learned = std::fs::read_to_string(&lexicon).unwrap();
    assert!(learned.starts_with("# amur lexicon"), "{learned}");
    let rows: Vec<&str> = learned.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(!rows.is_empty(), "nothing learned from six pairs");
    assert!(rows.iter().all(|r| r.split('\t').count() == 4), "{learned}");
    let second = run("out2");
    assert_eq!(std::fs::read_to_string(&lexicon).unwrap(), learned);
    for k in 1..=6 {
        let name = format!("{k:03}.align");
        assert_eq!(
            std::fs::read_to_string(first.join(&name)).unwrap(),
            std::fs::read_to_string(second.join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// What the corpus learns never makes the samples' alignments worse than aligning each pair
/// alone.
#[test]
fn learning_never_makes_the_samples_worse() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 6);
    let run = |out: &str, extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec!["batch", s(&input), "-o", s(&out), "--format", "align", "-q"];
        args.extend_from_slice(extra);
        let o = amur(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        sample_f1s(&out, 6)
    };
    let lexicon = tmp.path().join("lexicon.tsv");
    let alone = run("alone", &[]);
    let learned = run("learned", &["--lexicon", s(&lexicon)]);
    for (k, (a, l)) in alone.iter().zip(&learned).enumerate() {
        assert!(
            l >= a,
            "pair {}: {l:.3} with the lexicon, {a:.3} without",
            k + 1
        );
    }
}

/// A lexicon file the user wrote badly is refused with its file and line; with --shard, a
/// missing lexicon is an error, not a silent per-shard one.
#[test]
fn a_bad_or_missing_lexicon_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = pair_dir(tmp.path(), 2);
    let lexicon = tmp.path().join("lexicon.tsv");
    std::fs::write(&lexicon, "# mine\n小鹿\tFawnlet\n门口 doorway\n").unwrap();
    let out = tmp.path().join("out");
    let o = amur(&["batch", s(&input), "-o", s(&out), "--lexicon", s(&lexicon)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("lexicon.tsv") && stderr(&o).contains("line 3"),
        "{}",
        stderr(&o)
    );
    let missing = tmp.path().join("none.tsv");
    let o = amur(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "--shard",
        "1/2",
        "--lexicon",
        s(&missing),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("none.tsv"), "{}", stderr(&o));
}
