//! TSV output: one `zh<TAB>en<TAB>confidence<TAB>bead` line per bead, after a header line, for
//! spreadsheets and scripts. Every bead is written, including those with an empty side.

use std::io::{self, Write};

use super::fmt_confidence;
use amur_core::bead::Alignment;

/// The header line, without its newline.
const HEADER: &str = "zh\ten\tconfidence\tbead";

/// Writes the header and one line per bead.
pub(super) fn write(al: &Alignment, mut out: impl Write) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for b in &al.beads {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            cell(&al.zh_text(b)),
            cell(&al.en_text(b)),
            fmt_confidence(b.confidence),
            b.kind()
        )?;
    }
    Ok(())
}

/// `text` with tabs and line breaks (any a spreadsheet or `str.splitlines` honours) replaced by
/// a space, so that it stays one cell.
fn cell(text: &str) -> String {
    text.chars()
        .map(|c| if breaks_cell(c) { ' ' } else { c })
        .collect()
}

/// Tab, or a character some reader takes as the end of a line.
fn breaks_cell(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | '\u{1C}'
            ..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample;
    use crate::export::{ExportOptions, Format, write as export};

    fn tsv() -> String {
        let mut out = Vec::new();
        export(&sample(), Format::Tsv, &ExportOptions::default(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_then_four_columns_per_bead() {
        let text = tsv();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "zh\ten\tconfidence\tbead");
        assert_eq!(lines.len(), 1 + sample().beads.len());
        for line in &lines {
            assert_eq!(line.split('\t').count(), 4, "{line:?}");
        }
        let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split('\t').collect()).collect();
        assert_eq!(
            rows[0],
            ["這是「測試」。", "This is a \"test\".", "0.93", "1-1"]
        );
        assert_eq!(
            rows[1],
            [
                "價格<100>元&稅。",
                "The price is <100> & more. Tax 'included'.",
                "0.877",
                "1-2"
            ]
        );
        assert_eq!(
            rows[2],
            [
                "控制\u{1}字元\u{FFFF}。",
                "Control\u{7} char .",
                "1.00",
                "1-1"
            ]
        );
        assert_eq!(rows[3], ["", "Added sentence.", "0.00", "0-1"]);
        assert_eq!(rows[6], ["孤 句 。", "", "0.10", "1-0"]);
        assert!(text.ends_with("1-0\n"));
    }

    #[test]
    fn cells_lose_tabs_and_line_breaks() {
        assert_eq!(cell("a\tb\nc\r\nd\u{2028}e"), "a b c  d e");
        assert_eq!(cell("不變 text"), "不變 text");
    }
}
