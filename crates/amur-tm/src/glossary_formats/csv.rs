//! CSV glossaries: a header row `zh,en,comment`, then one term per record, quoted where a
//! field holds a comma, a quote or a line break (RFC 4180, via the `csv` crate).
//!
//! Reading takes the columns from the header (`zh`/`source`/`zh-*`, `en`/`target`/`en-*`,
//! `comment`/`note`, any order and case); without a header the first three columns are taken
//! as zh, en, comment and the missing header is reported.

use super::{Parsed, Problem};
use amur_core::glossary::Glossary;
use std::io::{self, Write};

/// Column positions of the three fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    zh: usize,
    en: usize,
    comment: Option<usize>,
}

const DEFAULT: Columns = Columns {
    zh: 0,
    en: 1,
    comment: Some(2),
};

/// The columns a header row names, if it is one.
fn header(record: &::csv::StringRecord) -> Option<Columns> {
    let find = |names: &[&str]| {
        record.iter().position(|f| {
            let f = f.trim().to_lowercase();
            names.iter().any(|n| {
                f == *n || f.starts_with(&format!("{n}-")) || f.starts_with(&format!("{n}_"))
            })
        })
    };
    Some(Columns {
        zh: find(&["zh", "source", "chinese"])?,
        en: find(&["en", "target", "english"])?,
        comment: find(&["comment", "comments", "note", "notes"]),
    })
}

/// Parses CSV text, collecting problems (missing header, missing column, empty term, broken
/// quoting) with their lines.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut columns: Option<Columns> = None;
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.problems
                    .push(Problem::at(line, format!("not valid CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let cols = match columns {
            Some(c) => c,
            None => {
                if let Some(c) = header(&record) {
                    columns = Some(c);
                    continue;
                }
                out.problems
                    .push(Problem::at(line, "missing header row `zh,en,comment`"));
                columns = Some(DEFAULT);
                DEFAULT
            }
        };
        let field = |i: usize| record.get(i).map(str::trim);
        let (Some(zh), Some(en)) = (field(cols.zh), field(cols.en)) else {
            out.problems.push(Problem::at(
                line,
                "missing column: expected `chinese,english[,comment]`",
            ));
            continue;
        };
        let comment = cols.comment.and_then(field).unwrap_or("");
        out.push(line, zh, en, comment);
    }
    out
}

/// Writes the header and one record per term, quoting where needed.
pub fn write(g: &Glossary, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(["zh", "en", "comment"])?;
    for t in &g.terms {
        w.write_record([t.zh.trim(), t.en.trim(), t.comment.trim()])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_columns_in_any_order() {
        let p = parse("EN,note,ZH\nKhabarovsk,\"city, on the Amur\",伯力\n");
        assert_eq!(p.problems, vec![]);
        let t = &p.glossary.terms[0];
        assert_eq!((t.zh.as_str(), t.en.as_str()), ("伯力", "Khabarovsk"));
        assert_eq!(t.comment, "city, on the Amur");
    }

    #[test]
    fn quoted_line_breaks_and_problems_have_lines() {
        let p =
            parse("zh,en,comment\n伯力,Khabarovsk,\"two\nlines\"\n公使\n,minister\n黑河,Heihe\n");
        assert_eq!(p.glossary.terms.len(), 2);
        assert_eq!(p.lines, [2, 6]);
        assert_eq!(p.glossary.terms[0].comment, "two\nlines");
        let problems: Vec<(usize, &str)> = p
            .problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(problems[0].0, 4);
        assert!(problems[0].1.starts_with("missing column"));
        assert_eq!(problems[1], (5, "empty Chinese term"));
    }

    #[test]
    fn a_missing_header_is_reported_but_the_data_kept() {
        let p = parse("伯力,Khabarovsk\n");
        assert_eq!(p.glossary.terms.len(), 1);
        assert_eq!(p.problems[0].line, 1);
        assert!(p.problems[0].message.contains("header"));
    }
}
