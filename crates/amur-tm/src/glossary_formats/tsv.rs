//! TSV glossaries as OmegaT reads them: `zh<TAB>en[<TAB>comment]` per line, UTF-8, no
//! header. Blank lines and lines starting with `#` are skipped; columns past the third are
//! ignored (as OmegaT does).

use super::{Parsed, Problem, one_line};
use amur_core::glossary::Glossary;
use std::io::{self, Write};

/// Parses TSV text, collecting problems (missing column, empty term) with their lines.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let zh = cols.next().unwrap_or("").trim();
        let Some(en) = cols.next().map(str::trim) else {
            out.problems.push(Problem::at(
                n + 1,
                "missing column: expected `chinese<TAB>english[<TAB>comment]`",
            ));
            continue;
        };
        let comment = cols.next().unwrap_or("").trim();
        out.push(n + 1, zh, en, comment);
    }
    out
}

/// Writes one line per term; a term's tabs and line breaks become spaces, and the comment
/// column is left out when empty.
pub fn write(g: &Glossary, out: &mut dyn Write) -> io::Result<()> {
    for t in &g.terms {
        let (zh, en, comment) = (one_line(&t.zh), one_line(&t.en), one_line(&t.comment));
        if comment.is_empty() {
            writeln!(out, "{zh}\t{en}")?;
        } else {
            writeln!(out, "{zh}\t{en}\t{comment}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_their_lines() {
        let p = parse("# c\n伯力\tKhabarovsk\n公使\n\t minister\n領事\t \n黑河\tHeihe\tx\ty\n");
        let lines: Vec<(usize, &str)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].0, 3);
        assert!(lines[0].1.starts_with("missing column"));
        assert_eq!(lines[1], (4, "empty Chinese term"));
        assert_eq!(lines[2], (5, "empty English term"));
        assert_eq!(p.glossary.terms.len(), 2);
        assert_eq!(p.lines, [2, 6]);
        assert_eq!(p.glossary.terms[1].comment, "x");
    }
}
