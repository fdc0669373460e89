//! A translation memory you can trust: nothing wrong goes in silently. Runs the `amur` binary
//! on texts written for these tests (a free translation whose English runs sentences together,
//! a swapped pair, an unrelated pair, sizes that cannot be a translation) and checks what a
//! translator would check: the units' English, the exit codes, the files left behind.

mod common;

use common::{amur, s, stderr};

use std::path::{Path, PathBuf};

/// A river village; the English joins some sentences the Chinese keeps apart.
pub const VILLAGE_ZH: &str = "春天来得很晚。河上的冰直到四月才化开。渔民们整个冬天都在修补渔网。\n\n\
村里的学校只有一位老师。她每天早上步行十里路来上课。孩子们都很喜欢她。\n\n\
去年夏天发了一场大水。许多房屋被冲毁了。政府派来了救灾的船只。\n";
pub const VILLAGE_EN: &str = "Spring came late, and the ice on the river did not break until April. \
All winter the fishermen had mended their nets.\n\n\
The village school had only one teacher. Every morning she walked ten li to teach, and the \
children loved her.\n\n\
Last summer there was a great flood: many houses were washed away. The government sent boats \
to help.\n";

/// A tea market in a small town, translated sentence by sentence.
pub const TEA_ZH: &str = "镇上的茶市每逢初一和十五开张。山里的茶农天不亮就挑着担子下山。\n\n\
商人们用秤称茶叶，用铜钱付账。最好的茶叶要卖到省城去。\n\n\
茶市散后，茶农们在小饭馆里喝酒聊天。天黑以前他们又走回山里。\n";
pub const TEA_EN: &str = "The tea market in the town opened on the first and fifteenth day of each \
month. The tea farmers of the hills came down with their loads before dawn.\n\n\
The merchants weighed the tea on steelyards and paid in copper coins. The best tea was sold on \
to the provincial capital.\n\n\
When the market closed, the tea farmers drank wine and talked in the small restaurants. Before \
dark they walked back into the hills.\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// The (Chinese, English) segments of every unit of a TMX, with its props.
fn units(tmx: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for tu in tmx.split("<tu ").skip(1) {
        let segs: Vec<&str> = tu
            .split("<seg>")
            .skip(1)
            .map(|s| s.split("</seg>").next().unwrap())
            .collect();
        out.push((segs[0].to_string(), segs[1].to_string(), tu.to_string()));
    }
    out
}

#[test]
fn sentence_units_are_cut_between_clauses_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let zh = write(dir.path(), "zh.txt", VILLAGE_ZH);
    let en = write(dir.path(), "en.txt", VILLAGE_EN);
    let out = dir.path().join("out.tmx");
    let o = amur(&[
        "align",
        s(&zh),
        s(&en),
        "-o",
        s(&out),
        "--tmx-units",
        "sentence",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tmx = std::fs::read_to_string(&out).unwrap();
    let units = units(&tmx);
    // Every unit's English ends where a clause or sentence ends: no fragment cut mid-clause.
    for (zh, en, _) in &units {
        let last = en.trim_end().chars().last().unwrap();
        assert!(
            matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '—'),
            "{zh} → {en:?}"
        );
        let first = en.chars().next().unwrap();
        assert!(first.is_alphanumeric(), "{zh} → {en:?}");
    }
    // The sentences the English runs together are cut where its words say.
    let find = |zh: &str| units.iter().find(|u| u.0 == zh).map(|u| u.1.as_str());
    assert_eq!(find("春天来得很晚。"), Some("Spring came late,"));
    assert_eq!(
        find("河上的冰直到四月才化开。"),
        Some("and the ice on the river did not break until April.")
    );
    let cut = units.iter().find(|u| u.0 == "春天来得很晚。").unwrap();
    assert!(cut.2.contains(r#"<prop type="x-split">lexical</prop>"#));
}

#[test]
fn a_swapped_pair_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let zh = write(dir.path(), "zh.txt", VILLAGE_ZH);
    let en = write(dir.path(), "en.txt", VILLAGE_EN);
    let out = dir.path().join("out.tmx");
    let page = dir.path().join("review.html");
    let o = amur(&["align", s(&en), s(&zh), "-o", s(&out), "--review", s(&page)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}: the Chinese side has almost no Chinese",
            en.display()
        )),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(!out.exists() && !page.exists());
    let o = amur(&["align", s(&en), s(&zh), "-o", s(&out), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: the English side looks Chinese"));
    assert!(out.exists());
}

#[test]
fn a_run_writes_all_its_outputs_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let zh = write(dir.path(), "zh.txt", VILLAGE_ZH);
    let en = write(dir.path(), "en.txt", VILLAGE_EN);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = dir.path().join("out/ok.tmx");
    let page = dir.path().join("nodir/r.html");
    let o = amur(&["align", s(&zh), s(&en), "-o", s(&out), "--review", s(&page)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "the folder {} does not exist",
            dir.path().join("nodir").display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "the TMX was left behind");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // A term list whose format cannot be written fails after the TMX was rendered: still
    // nothing in place.
    let terms = dir.path().join("out/terms.tsv");
    std::fs::create_dir(&terms).unwrap(); // a folder where the file should go
    let o = amur(&["align", s(&zh), s(&en), "-o", s(&out), "--terms", s(&terms)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.exists(), "the TMX was left behind");
}

#[test]
fn min_confidence_holds_weak_units_out_and_writes_them_beside() {
    let dir = tempfile::tempdir().unwrap();
    // One Chinese sentence without English.
    let zh = write(
        dir.path(),
        "zh.txt",
        &TEA_ZH.replace(
            "最好的茶叶要卖到省城去。",
            "最好的茶叶要卖到省城去。那一年的冬天特别冷，河面上结了厚厚的冰，许多老人都说从来没有见过这样的天气。",
        ),
    );
    let en = write(dir.path(), "en.txt", TEA_EN);
    let out = dir.path().join("out.tmx");
    let o = amur(&[
        "align",
        s(&zh),
        s(&en),
        "-o",
        s(&out),
        "--min-confidence",
        "0.98",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let weak = dir.path().join("out.weak.tmx");
    let strong = units(&std::fs::read_to_string(&out).unwrap());
    let weak_units = units(&std::fs::read_to_string(&weak).unwrap());
    let conf = |tu: &str| -> f64 {
        let c = tu.split(r#"x-confidence">"#).nth(1).unwrap();
        c.split('<').next().unwrap().parse().unwrap()
    };
    assert!(!weak_units.is_empty());
    assert!(!strong.is_empty());
    assert!(strong.iter().all(|u| conf(&u.2) >= 0.98));
    assert!(weak_units.iter().all(|u| conf(&u.2) < 0.98));
    // Every Chinese sentence with English is in exactly one of the two.
    assert_eq!(strong.len() + weak_units.len(), 6);
    let err = stderr(&o);
    assert!(err.contains("weak beads (below 0.98"), "{err}");
    assert!(
        err.contains("untranslated: 1 Chinese sentence without English, 0 English sentences"),
        "{err}"
    );
    // Not for formats that are alignments rather than units.
    let o = amur(&[
        "align",
        s(&zh),
        s(&en),
        "-o",
        s(&dir.path().join("x.json")),
        "--min-confidence",
        "0.9",
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn sizes_that_cannot_be_a_translation_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let zh = write(dir.path(), "zh.txt", &VILLAGE_ZH.repeat(5));
    let en = write(
        dir.path(),
        "en.txt",
        "Spring came late. The school had one teacher. There was a flood.\n",
    );
    let out = dir.path().join("out.tmx");
    let o = amur(&["align", s(&zh), s(&en), "-o", s(&out)]);
    let err = stderr(&o);
    assert!(
        err.contains("warning: the sides' sizes do not fit a translation: 45 Chinese against 3"),
        "{err}"
    );
}

/// A corpus folder with the given pairs: (name, Chinese text, English text).
fn corpus(dir: &Path, pairs: &[(&str, &str, &str)]) -> PathBuf {
    let root = dir.join("corpus");
    for (name, zh, en) in pairs {
        write(&root, &format!("zh/{name}.txt"), zh);
        write(&root, &format!("en/{name}.txt"), en);
    }
    root
}

fn documents(merged: &str) -> Vec<String> {
    let mut docs: Vec<String> = merged
        .split(r#"<prop type="x-document">"#)
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    docs.dedup();
    docs
}

#[test]
fn batch_holds_an_unrelated_pair_out_of_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(
        dir.path(),
        &[
            ("mixed", TEA_ZH, VILLAGE_EN),
            ("tea", TEA_ZH, TEA_EN),
            ("village", VILLAGE_ZH, VILLAGE_EN),
        ],
    );
    let out = dir.path().join("out");
    let terms = dir.path().join("terms.tsv");
    let o = amur(&["batch", s(&input), "-o", s(&out), "--terms", s(&terms)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("held out        1 (written per pair")
            && text.contains("mixed (looks unrelated)"),
        "{text}"
    );
    assert!(stderr(&o).contains("1 suspect pair(s) held out of merged.tmx: mixed"));
    let merged = std::fs::read_to_string(out.join("merged.tmx")).unwrap();
    assert_eq!(documents(&merged), ["tea", "village"]);
    // Written per pair, for inspection.
    assert!(out.join("mixed.tmx").is_file());
    let summary = std::fs::read_to_string(out.join("summary.tsv")).unwrap();
    let row = summary.lines().find(|l| l.starts_with("mixed\t")).unwrap();
    assert!(row.contains("\tlooks unrelated\t"), "{row}");
    // None of its words went into the corpus glossary: the same terms as without the pair.
    let alone = dir.path().join("alone");
    let input2 = corpus(
        &alone,
        &[("tea", TEA_ZH, TEA_EN), ("village", VILLAGE_ZH, VILLAGE_EN)],
    );
    let terms2 = dir.path().join("terms2.tsv");
    let o = amur(&[
        "batch",
        s(&input2),
        "-o",
        s(&alone.join("out")),
        "--terms",
        s(&terms2),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let strip = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join("\t"))
            .collect()
    };
    assert_eq!(strip(&terms), strip(&terms2));
    // --keep-suspect lets it in.
    let o = amur(&["batch", s(&input), "-o", s(&out), "--keep-suspect"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let merged = std::fs::read_to_string(out.join("merged.tmx")).unwrap();
    assert_eq!(documents(&merged), ["mixed", "tea", "village"]);
}

#[test]
fn batch_fails_a_swapped_pair_and_holds_it_out_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(
        dir.path(),
        &[("swapped", VILLAGE_EN, VILLAGE_ZH), ("tea", TEA_ZH, TEA_EN)],
    );
    let out = dir.path().join("out");
    let o = amur(&["batch", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let summary = std::fs::read_to_string(out.join("summary.tsv")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.starts_with("swapped\t"))
        .unwrap();
    assert!(row.contains("\tfailed\t"), "{row}");
    assert!(
        row.contains("zh/swapped.txt: the Chinese side has almost no Chinese"),
        "{row}"
    );
    let merged = std::fs::read_to_string(out.join("merged.tmx")).unwrap();
    assert_eq!(documents(&merged), ["tea"]);
    let o = amur(&["batch", s(&input), "-o", s(&out), "--force"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let merged = std::fs::read_to_string(out.join("merged.tmx")).unwrap();
    assert_eq!(documents(&merged), ["tea"]);
    assert!(out.join("swapped.tmx").is_file());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("swapped (a side in the wrong language"),
        "{text}"
    );
}
