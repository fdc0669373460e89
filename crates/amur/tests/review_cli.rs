//! `amur review` and `amur align --review`: the page is written, self-contained, with the
//! alignment embedded as data that no sentence can break out of. The page itself is tested in
//! a browser by `.ci/browser-test`.

mod common;

use common::{amur, s, stderr};

use serde_json::{Value, json};
use std::path::PathBuf;

fn sample(name: &str, side: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpora")
        .join(name)
        .join(side)
        .to_string_lossy()
        .into_owned()
}

const DATA_OPEN: &str = r#"<script type="application/json" id="amur-data">"#;

/// The data embedded in a page.
fn embedded(html: &str) -> Value {
    let start = html.find(DATA_OPEN).expect("embedded data") + DATA_OPEN.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("embedded data is JSON")
}

/// Nothing is fetched: no external scripts, stylesheets, fonts, images or URLs at all.
fn assert_self_contained(html: &str) {
    // createObjectURL / revokeObjectURL (downloads of the saved files) are not CSS url()s.
    let lower = html
        .to_lowercase()
        .replace("createobjecturl(", "")
        .replace("revokeobjecturl(", "");
    for bad in [
        "http://",
        "https://",
        "<script src",
        "<link",
        "@import",
        "@font-face",
        "url(",
        "<img",
        "<iframe",
    ] {
        assert!(!lower.contains(bad), "page contains {bad:?}");
    }
    assert!(lower.contains("content-security-policy"));
    assert!(lower.contains("default-src 'none'"));
    // Exactly two script elements: the data and the page's script.
    assert_eq!(lower.matches("<script").count(), 2);
    assert_eq!(lower.matches("</script>").count(), 2);
}

fn json_ids(v: &Value, side: &str) -> Vec<Vec<u64>> {
    v["beads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            b[format!("{side}_ids")]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        })
        .collect()
}

/// The page's beads as lists of sentence ids, like the JSON's.
fn page_ids(data: &Value, side: &str) -> Vec<Vec<u64>> {
    data["beads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let r = &b[side];
            (r[0].as_u64().unwrap()..r[1].as_u64().unwrap()).collect()
        })
        .collect()
}

#[test]
fn align_writes_the_review_page_beside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("telegrams.tmx");
    let page = dir.path().join("review.html");
    let (zh, en) = (
        sample("telegrams-1917", "zh.txt"),
        sample("telegrams-1917", "en.txt"),
    );
    let o = amur(&["align", &zh, &en, "-o", s(&out), "--review", s(&page)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.exists());
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    let data = embedded(&html);
    assert_eq!(data["zh"].as_array().unwrap().len(), 54);
    assert_eq!(data["en"].as_array().unwrap().len(), 64);
    assert_eq!(data["beads"].as_array().unwrap().len(), 49);
    assert_eq!(data["src_lang"], "zh-TW");
    assert_eq!(data["document"], "zh.txt");
    assert_eq!(data["name"], "telegrams");
    assert!(html.contains("伯力") && html.contains("Khabarovsk"));
    // The same beads as the JSON output of the same alignment.
    let json_out = dir.path().join("telegrams.json");
    let o = amur(&["align", &zh, &en, "-o", s(&json_out), "-q"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    assert_eq!(page_ids(&data, "zh"), json_ids(&v, "zh"));
    assert_eq!(page_ids(&data, "en"), json_ids(&v, "en"));
}

#[test]
fn review_reads_align_json_and_recovers_every_sentence() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["telegrams-1917", "minutes-1918", "report-modern"] {
        let json_path = dir.path().join(format!("{name}.json"));
        let page = dir.path().join(format!("{name}.html"));
        let (zh, en) = (sample(name, "zh.txt"), sample(name, "en.txt"));
        let o = amur(&["align", &zh, &en, "-o", s(&json_path), "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = amur(&["review", s(&json_path), "-o", s(&page)]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !stderr(&o).contains("warning"),
            "{name}: sentences guessed: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("beads"), "{}", stderr(&o));
        let html = std::fs::read_to_string(&page).unwrap();
        assert_self_contained(&html);
        let data = embedded(&html);
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        assert_eq!(page_ids(&data, "zh"), json_ids(&v, "zh"), "{name}");
        assert_eq!(page_ids(&data, "en"), json_ids(&v, "en"), "{name}");
        // The page knows each bead's paragraphs (for x-source-paragraph), as the JSON gave them.
        for (b, pb) in v["beads"]
            .as_array()
            .unwrap()
            .iter()
            .zip(data["beads"].as_array().unwrap())
        {
            for side in ["zh", "en"] {
                let first = pb[side][0].as_u64().unwrap() as usize;
                if let Some(p) = b[format!("{side}_paragraph")].as_u64() {
                    assert_eq!(
                        data[format!("{side}_par")][first].as_u64(),
                        Some(p - 1),
                        "{name}"
                    );
                }
            }
        }
        // Each bead's sentences join back into the bead's text.
        let texts = |side: &str| -> Vec<String> {
            data[side]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        let (zs, es) = (texts("zh"), texts("en"));
        for (b, pb) in v["beads"]
            .as_array()
            .unwrap()
            .iter()
            .zip(data["beads"].as_array().unwrap())
        {
            let r = |side: &str| {
                (
                    pb[side][0].as_u64().unwrap() as usize,
                    pb[side][1].as_u64().unwrap() as usize,
                )
            };
            let (za, ze) = r("zh");
            let (ea, ee) = r("en");
            assert_eq!(zs[za..ze].concat(), b["zh"].as_str().unwrap());
            assert_eq!(es[ea..ee].join(" "), b["en"].as_str().unwrap());
            assert!(!pb["checked"].as_bool().unwrap());
        }
        assert_eq!(data["name"], name);
    }
}

#[test]
fn markup_in_sentences_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("evil.json");
    let page = dir.path().join("evil.html");
    let zh = "甲</script><script>alert(1)</script>。";
    let en = "The <b>bold</b> & the </SCRIPT > <!-- end.";
    let doc = json!({
        "zh_sentences": 2, "en_sentences": 1,
        "beads": [
            {"id": 0, "zh_ids": [0, 1], "en_ids": [0], "zh": format!("{zh}乙<i>。"), "en": en,
             "confidence": 0.4, "type": "2-1", "zh_texts": [zh, "乙<i>。"], "checked": true}
        ],
        "document": "</title><b>doc</b>"
    });
    std::fs::write(&input, doc.to_string()).unwrap();
    let o = amur(&["review", s(&input), "-o", s(&page)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    for bad in [
        "<b>",
        "<i>",
        "alert(1)</script>",
        "</SCRIPT",
        "<!-- end",
        "</title><b>",
    ] {
        assert!(!html.contains(bad), "{bad:?} in the page");
    }
    let data = embedded(&html);
    assert_eq!(data["zh"], json!([zh, "乙<i>。"]));
    assert_eq!(data["en"], json!([en]));
    assert_eq!(data["beads"][0]["checked"], true);
    assert_eq!(data["document"], "</title><b>doc</b>");
    assert!(html.contains("<title>amur review: &lt;/title&gt;&lt;b&gt;doc&lt;/b&gt;</title>"));
}

#[test]
fn review_refuses_bad_input_and_overwriting_it() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"beads\": 3}").unwrap();
    let o = amur(&["review", s(&bad), "-o", s(&page)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.json"), "{}", stderr(&o));
    assert!(!page.exists());

    let gap = dir.path().join("gap.json");
    let doc = json!({"zh_sentences": 2, "en_sentences": 1, "beads": [
        {"zh_ids": [1], "en_ids": [0], "zh": "乙。", "en": "B.", "confidence": 1.0}]});
    std::fs::write(&gap, doc.to_string()).unwrap();
    let o = amur(&["review", s(&gap), "-o", s(&page)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("Chinese sentence ids"),
        "{}",
        stderr(&o)
    );
    assert!(!page.exists());

    let o = amur(&["review", s(&gap), "-o", s(&gap)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("overwrite"), "{}", stderr(&o));

    let (zh, en) = (
        sample("report-modern", "zh.txt"),
        sample("report-modern", "en.txt"),
    );
    let out = dir.path().join("out.tmx");
    let o = amur(&["align", &zh, &en, "-o", s(&out), "--review", s(&out)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("same file"), "{}", stderr(&o));
    let o = amur(&["align", &zh, &en, "-o", s(&out), "--review", &zh]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("overwrite"), "{}", stderr(&o));
}

#[test]
fn review_options_reach_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.reviewed.json");
    let page = dir.path().join("r.html");
    let doc = json!({"zh_sentences": 1, "en_sentences": 1, "beads": [
        {"zh_ids": [0], "en_ids": [0], "zh": "这是测试。", "en": "This is a test.", "confidence": 0.5}]});
    std::fs::write(&input, doc.to_string()).unwrap();
    let o = amur(&[
        "review",
        s(&input),
        "-o",
        s(&page),
        "--tmx-units",
        "sentence",
        "--en-source",
        "--doc-name",
        "a.txt",
        "--tgt-lang",
        "en-GB",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let data = embedded(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(data["src_lang"], "zh-CN", "simplified text");
    assert_eq!(data["tgt_lang"], "en-GB");
    assert_eq!(data["en_source"], true);
    assert_eq!(data["units"], "sentence");
    assert_eq!(data["document"], "a.txt");
    assert_eq!(
        data["name"], "doc",
        "saves doc.reviewed.*, not doc.reviewed.reviewed.*"
    );
}
