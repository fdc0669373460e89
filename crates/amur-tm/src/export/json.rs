//! JSON output (pretty): sentence counts and every bead, including those with an empty side,
//! with its sentence ids, texts, confidence and type, and the paragraph each side starts in
//! (1-based, as in the TMX `x-source-paragraph`), for scripts and inspection.

use std::io::{self, Write};

use serde::Serialize;

use super::round_confidence;
use amur_core::bead::{Alignment, Bead};

/// The whole document.
#[derive(Serialize)]
struct Doc {
    zh_sentences: usize,
    en_sentences: usize,
    beads: Vec<JsonBead>,
}

/// One bead; ids are 0-based sentence indices.
#[derive(Serialize)]
struct JsonBead {
    id: usize,
    zh_ids: Vec<usize>,
    en_ids: Vec<usize>,
    zh: String,
    en: String,
    /// Rounded to 3 decimals; `null` when not finite.
    confidence: f64,
    #[serde(rename = "type")]
    kind: String,
    /// 1-based paragraph of the bead's first Chinese / English sentence in its document;
    /// `null` for an empty side.
    zh_paragraph: Option<usize>,
    en_paragraph: Option<usize>,
}

/// Writes the document, followed by a newline.
pub(super) fn write(al: &Alignment, mut out: impl Write) -> io::Result<()> {
    let doc = Doc {
        zh_sentences: al.zh.len(),
        en_sentences: al.en.len(),
        beads: al
            .beads
            .iter()
            .enumerate()
            .map(|(id, b)| json_bead(al, id, b))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)
}

/// The JSON form of bead number `id`.
fn json_bead(al: &Alignment, id: usize, b: &Bead) -> JsonBead {
    JsonBead {
        id,
        zh_ids: b.zh.clone().collect(),
        en_ids: b.en.clone().collect(),
        zh: al.zh_text(b),
        en: al.en_text(b),
        confidence: round_confidence(b.confidence),
        kind: b.kind(),
        zh_paragraph: al
            .zh
            .get(b.zh.start)
            .filter(|_| !b.zh.is_empty())
            .map(|s| s.paragraph + 1),
        en_paragraph: al
            .en
            .get(b.en.start)
            .filter(|_| !b.en.is_empty())
            .map(|s| s.paragraph + 1),
    }
}

#[cfg(test)]
mod tests {
    use crate::export::tests::sample;
    use crate::export::{ExportOptions, Format, write as export};
    use serde_json::{Value, json};

    fn parsed() -> Value {
        let mut out = Vec::new();
        export(&sample(), Format::Json, &ExportOptions::default(), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn counts_and_all_beads() {
        let v = parsed();
        assert_eq!(v["zh_sentences"], 8);
        assert_eq!(v["en_sentences"], 8);
        let beads = v["beads"].as_array().unwrap();
        assert_eq!(beads.len(), 7);
        for (i, b) in beads.iter().enumerate() {
            assert_eq!(b["id"], i);
        }
    }

    #[test]
    fn beads_have_ids_texts_and_types() {
        let v = parsed();
        assert_eq!(
            v["beads"][1],
            json!({
                "id": 1, "zh_ids": [1], "en_ids": [1, 2],
                "zh": "價格<100>元&稅。", "en": "The price is <100> & more. Tax 'included'.",
                "confidence": 0.877, "type": "1-2",
                "zh_paragraph": 1, "en_paragraph": 1
            })
        );
        assert_eq!(v["beads"][3]["zh_ids"], json!([]));
        assert_eq!(v["beads"][3]["en_ids"], json!([4]));
        assert_eq!(v["beads"][3]["zh"], "");
        assert_eq!(v["beads"][3]["type"], "0-1");
        assert_eq!(v["beads"][3]["zh_paragraph"], Value::Null);
        // JSON can carry any character: texts are exact, control characters included.
        assert_eq!(v["beads"][2]["zh"], "控制\u{1}字元\u{FFFF}。");
        assert_eq!(v["beads"][2]["en"], "Control\u{7} char\r.");
    }
}
