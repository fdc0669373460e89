//! The align format, gold format of the evaluation data: one `[zh ids]:[en ids]` line per
//! bead, ids 0-based and comma-separated without spaces (`[3]:[4,5]`, `[7]:[]`). Every bead is
//! written, including those with an empty side.

use std::io::{self, Write};
use std::ops::Range;

use amur_core::bead::Alignment;

/// Writes one line per bead.
pub(super) fn write(al: &Alignment, mut out: impl Write) -> io::Result<()> {
    for b in &al.beads {
        writeln!(out, "{}:{}", ids(&b.zh), ids(&b.en))?;
    }
    Ok(())
}

/// `[4,5]` for sentences 4..6, `[]` for none.
fn ids(r: &Range<usize>) -> String {
    let list: Vec<String> = r.clone().map(|i| i.to_string()).collect();
    format!("[{}]", list.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample;
    use crate::export::{ExportOptions, Format, write as export};

    #[test]
    fn one_line_per_bead() {
        let mut out = Vec::new();
        export(
            &sample(),
            Format::Align,
            &ExportOptions::default(),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[0]:[0]\n[1]:[1,2]\n[2]:[3]\n[]:[4]\n[3,4]:[5,6]\n[5,6]:[7]\n[7]:[]\n"
        );
    }

    #[test]
    fn empty_alignment_writes_nothing() {
        let mut out = Vec::new();
        let al = Alignment::default();
        export(&al, Format::Align, &ExportOptions::default(), &mut out).unwrap();
        assert!(out.is_empty());
    }
}
