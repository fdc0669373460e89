//! Input formats through the `amur` binary: docx, odt, html and md files made here (with the
//! `zip` writer, no fixtures) from a bundled sample must align exactly as its plain text does;
//! structure (headings, footnotes) must reach the aligner; bad files must give clear errors.

mod common;

use common::{amur, s, stderr};

use common::{Para, W_NS, docx, docx_of, html_of, md_of, odt_of, zip_file};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn sample(side: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpora/report-modern")
        .join(side)
}

/// The paragraphs of a sample side, as amur reads the text file.
fn sample_paragraphs(side: &str) -> Vec<String> {
    let text = std::fs::read_to_string(sample(side)).unwrap();
    let joiner = if side.starts_with("zh") { "" } else { " " };
    amur_core::text::paragraphs(&text, joiner)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The beads of an alignment without their confidences: those vary a little from run to run
/// of the same input (the aligner's second pass is not deterministic), the beads do not.
fn without_confidence(mut v: Value) -> Value {
    for b in v["beads"].as_array_mut().unwrap() {
        let c = b.as_object_mut().unwrap().remove("confidence").unwrap();
        assert!(c.as_f64().is_some_and(|c| (0.0..=1.0).contains(&c)));
    }
    v
}

fn align_json(zh: &Path, en: &Path, extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let mut args = vec!["align", s(zh), s(en), "-o", s(&out), "-q"];
    args.extend(extra);
    let o = amur(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

#[test]
fn every_format_aligns_exactly_as_the_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (zh, en) = (sample_paragraphs("zh.txt"), sample_paragraphs("en.txt"));
    assert_eq!(zh.len(), 6);
    let expected = without_confidence(align_json(&sample("zh.txt"), &sample("en.txt"), &[]));
    assert_eq!(expected["beads"].as_array().unwrap().len(), 23);

    let files = |side: &str, paras: &[String]| {
        vec![
            write(d, &format!("{side}.docx"), &docx_of(paras)),
            write(d, &format!("{side}.odt"), &odt_of(paras, "")),
            write(d, &format!("{side}.html"), &html_of(paras)),
            write(d, &format!("{side}.md"), &md_of(paras)),
        ]
    };
    let (zh_files, en_files) = (files("zh", &zh), files("en", &en));
    // Each format with itself, and mixed pairs.
    let pairs = [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 3),
        (0, 2),
        (3, 1),
        (1, 3),
        (2, 0),
    ];
    for (z, e) in pairs {
        let got = without_confidence(align_json(&zh_files[z], &en_files[e], &[]));
        assert_eq!(
            got,
            expected,
            "{} + {} align differently from the text files",
            zh_files[z].display(),
            en_files[e].display()
        );
    }
    // The paragraph of every bead is in the JSON (1-based), the same on both sides here.
    for b in expected["beads"].as_array().unwrap() {
        assert_eq!(b["zh_paragraph"], b["en_paragraph"], "{b}");
    }
}

#[test]
fn segment_reads_every_format_as_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let zh = sample_paragraphs("zh.txt");
    let text = amur(&["segment", s(&sample("zh.txt")), "--lang", "zh"]);
    assert!(text.status.success(), "{}", stderr(&text));
    for (name, bytes) in [
        ("zh.docx", docx_of(&zh)),
        ("zh.odt", odt_of(&zh, "")),
        ("zh.htm", html_of(&zh)),
        ("zh.markdown", md_of(&zh)),
    ] {
        let p = write(dir.path(), name, &bytes);
        let o = amur(&["segment", s(&p), "--lang", "zh"]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&text.stdout),
            "{name}"
        );
    }
}

#[test]
fn input_format_overrides_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let zh = sample_paragraphs("zh.txt");
    let en_text = std::fs::read(sample("en.txt")).unwrap();
    let zh_doc = write(dir.path(), "zh.bin", &docx_of(&zh));
    let en_doc = write(dir.path(), "en.docx", &en_text);
    // By extension, neither reads.
    assert!(
        !amur(&["segment", s(&zh_doc), "--lang", "zh"])
            .status
            .success()
    );
    assert!(
        !amur(&["segment", s(&en_doc), "--lang", "en"])
            .status
            .success()
    );
    let o = amur(&[
        "segment",
        s(&zh_doc),
        "--lang",
        "zh",
        "--input-format",
        "docx",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = amur(&[
        "segment",
        s(&en_doc),
        "--lang",
        "en",
        "--input-format",
        "txt",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = amur(&[
        "segment",
        s(&en_doc),
        "--lang",
        "en",
        "--input-format",
        "pdf",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown input format"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn headings_and_footnotes_of_a_docx_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (zh, en) = (sample_paragraphs("zh.txt"), sample_paragraphs("en.txt"));
    let zh_doc = docx(
        &[
            Para::Heading("中俄边境交涉电报档案简介"),
            Para::Body(&zh[0], &[1]),
            Para::Body(&zh[1], &[]),
            Para::Body(&zh[2], &[2]),
        ],
        &[
            (1, "档案编号为外交部档案第三十二卷。原件现藏本馆第二库房。"),
            (2, "刘镜人（1866—1936），江苏宝山人，1912年起任驻俄公使。"),
        ],
    );
    let en_doc = docx(
        &[
            Para::Heading("The Sino-Russian Frontier Telegram Archive: An Introduction"),
            Para::Body(&en[0], &[1]),
            Para::Body(&en[1], &[]),
            Para::Body(&en[2], &[2]),
        ],
        &[
            (
                1,
                "The archive is volume 32 of the Ministry of Foreign Affairs files. The originals are kept in the museum's second storeroom.",
            ),
            (
                2,
                "Liu Jingren (1866–1936), a native of Baoshan in Jiangsu, was minister to Russia from 1912.",
            ),
        ],
    );
    let zh_path = write(dir.path(), "zh.docx", &zh_doc);
    let en_path = write(dir.path(), "en.docx", &en_doc);
    let v = align_json(&zh_path, &en_path, &[]);
    let beads = v["beads"].as_array().unwrap();
    // No bead crosses a paragraph: heading, three body paragraphs, two footnotes.
    for b in beads {
        if !b["zh_ids"].as_array().unwrap().is_empty()
            && !b["en_ids"].as_array().unwrap().is_empty()
        {
            assert_eq!(b["zh_paragraph"], b["en_paragraph"], "{b}");
        }
    }
    assert_eq!(beads[0]["zh"], "中俄边境交涉电报档案简介");
    assert_eq!(
        beads[0]["en"],
        "The Sino-Russian Frontier Telegram Archive: An Introduction"
    );
    assert_eq!(beads[0]["type"], "1-1");
    let paragraph = |k: u64| -> Vec<&Value> {
        beads
            .iter()
            .filter(|b| b["zh_paragraph"] == k || b["en_paragraph"] == k)
            .collect()
    };
    // The footnotes come after the body in their order of reference, each aligned with its
    // translation (the first is two sentences on each side).
    let note_text = |k: u64| -> (String, String) {
        let beads = paragraph(k);
        assert!(!beads.is_empty(), "no bead in paragraph {k}");
        let zh: String = beads.iter().map(|b| b["zh"].as_str().unwrap()).collect();
        let en: Vec<&str> = beads.iter().map(|b| b["en"].as_str().unwrap()).collect();
        (zh, en.join(" "))
    };
    assert_eq!(
        note_text(5),
        (
            "档案编号为外交部档案第三十二卷。原件现藏本馆第二库房。".to_string(),
            "The archive is volume 32 of the Ministry of Foreign Affairs files. The originals are kept in the museum's second storeroom.".to_string()
        )
    );
    let (zh6, en6) = note_text(6);
    assert!(zh6.starts_with("刘镜人（1866"), "{zh6}");
    assert!(en6.starts_with("Liu Jingren (1866"), "{en6}");
    // The body reads as the first three paragraphs of the text sample.
    let body_zh: String = beads
        .iter()
        .filter(|b| (2..=4).contains(&b["zh_paragraph"].as_u64().unwrap_or(0)))
        .map(|b| b["zh"].as_str().unwrap())
        .collect();
    assert_eq!(body_zh, zh[..3].concat());

    // The TMX says where each unit's source sentence is.
    let tmx = dir.path().join("out.tmx");
    let o = amur(&["align", s(&zh_path), s(&en_path), "-o", s(&tmx), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&tmx).unwrap();
    let props: Vec<&str> = text
        .match_indices("<prop type=\"x-source-paragraph\">")
        .map(|(k, m)| {
            let rest = &text[k + m.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect();
    assert_eq!(props.first(), Some(&"1"));
    assert_eq!(props.last(), Some(&"6"));
    assert!(
        props
            .windows(2)
            .all(|w| w[0].parse::<u32>().unwrap() <= w[1].parse().unwrap())
    );
}

/// Runs `amur segment` on a file and returns its error message, checking that it failed
/// cleanly (no panic) and that the message names the file.
fn error_for(path: &Path, lang: &str) -> String {
    let o = amur(&["segment", s(path), "--lang", lang]);
    let err = stderr(&o);
    assert!(!o.status.success(), "{} was read: {err}", path.display());
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(s(path)),
        "the error does not name the file: {err}"
    );
    err
}

#[test]
fn bad_files_are_clear_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = docx_of(&sample_paragraphs("en.txt"));

    let truncated = write(d, "cut.docx", &good[..good.len() / 2]);
    let err = error_for(&truncated, "en");
    assert!(err.contains("not a valid docx file"), "{err}");

    let mut cfb = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    cfb.resize(1024, 0);
    cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    cfb.resize(4096, 0);
    let err = error_for(&write(d, "locked.docx", &cfb), "en");
    assert!(err.contains("password-protected"), "{err}");

    let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    doc.resize(4096, 0);
    let err = error_for(&write(d, "old.docx", &doc), "en");
    assert!(err.contains(".doc"), "{err}");

    let locked_odt = odt_of(
        &sample_paragraphs("en.txt"),
        r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>"#,
    );
    let err = error_for(&write(d, "locked.odt", &locked_odt), "en");
    assert!(err.contains("password-protected"), "{err}");

    let text = write(d, "text.docx", b"This is plain text, not a Word file.\n");
    let err = error_for(&text, "en");
    assert!(
        err.contains("plain text") && err.contains("--input-format txt"),
        "{err}"
    );

    let pdf = write(d, "scan.docx", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
    let err = error_for(&pdf, "en");
    assert!(err.contains("PDF"), "{err}");

    let zip_html = write(d, "page.html", &good);
    let err = error_for(&zip_html, "en");
    assert!(
        err.contains("Word document") && err.contains("--input-format docx"),
        "{err}"
    );

    let odt_as_docx = write(d, "odt.docx", &odt_of(&sample_paragraphs("en.txt"), ""));
    let err = error_for(&odt_as_docx, "en");
    assert!(err.contains("OpenDocument"), "{err}");

    let other_zip = write(d, "other.docx", &zip_file(&[("a.txt", b"hello".to_vec())]));
    let err = error_for(&other_zip, "en");
    assert!(err.contains("word/document.xml"), "{err}");

    let empty_page = write(
        d,
        "empty.html",
        b"<html><head><title>T</title><script>x()</script><style>p{}</style></head><body><nav>Home</nav><!-- nothing --></body></html>",
    );
    let err = error_for(&empty_page, "en");
    assert!(err.contains("no text"), "{err}");

    let empty_doc = write(d, "empty.docx", &docx(&[], &[]));
    let err = error_for(&empty_doc, "en");
    assert!(err.contains("no text"), "{err}");

    let broken_xml = zip_file(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p></w:body>".to_vec(),
    )]);
    let err = error_for(&write(d, "broken.docx", &broken_xml), "en");
    assert!(err.contains("not a valid docx file"), "{err}");

    // Either side of `align` may be the bad one; the error names that file.
    let o = amur(&[
        "align",
        s(&sample("zh.txt")),
        s(&pdf),
        "-o",
        s(&d.join("out.tmx")),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(s(&pdf)), "{}", stderr(&o));
    assert!(!d.join("out.tmx").exists());
}

#[test]
fn a_zip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MB of text packs to well under 1 MB: more than 200 times, and over 10 MB.
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
    )
    .unwrap();
    zip.write_all(format!(r#"<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>"#).as_bytes())
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&chunk).unwrap();
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20);
    let bomb = write(dir.path(), "bomb.docx", &bytes);
    let err = error_for(&bomb, "en");
    assert!(
        err.contains("zip bomb") && err.contains("word/document.xml"),
        "{err}"
    );
}
