//! Reading input files: decoding (UTF-8, BOM and CRLF tolerated) and splitting into paragraphs.

use std::path::{Path, PathBuf};

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: line {line}: not valid UTF-8 (byte offset {offset}); convert the file to UTF-8"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        offset: usize,
    },
    #[error("{path}: the file is empty (no text to align)")]
    Empty { path: PathBuf },
}

/// Reads a text file as UTF-8: a leading BOM is dropped and CRLF / CR line ends become LF.
pub fn read_file(path: &Path) -> Result<String, TextError> {
    let bytes = std::fs::read(path).map_err(|source| TextError::Io {
        path: path.into(),
        source,
    })?;
    let text = decode(&bytes).map_err(|offset| TextError::NotUtf8 {
        path: path.into(),
        line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
        offset,
    })?;
    if text.trim().is_empty() {
        return Err(TextError::Empty { path: path.into() });
    }
    Ok(text)
}

/// Decodes UTF-8 bytes, dropping a BOM and normalising line ends; on failure returns the
/// byte offset of the first invalid sequence.
pub fn decode(bytes: &[u8]) -> Result<String, usize> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom = bytes.len() - body.len();
    let text = std::str::from_utf8(body).map_err(|e| bom + e.valid_up_to())?;
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// Splits a document into paragraphs. Each non-blank line is a paragraph, unless the document
/// separates paragraphs with blank lines and wraps them over several lines (most line breaks
/// inside a block come mid-sentence): then the lines of a block are joined with `joiner`
/// (a space for English, nothing for Chinese).
pub fn paragraphs(text: &str, joiner: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let inner_breaks: Vec<&str> = lines
        .windows(2)
        .filter(|w| !w[0].is_empty() && !w[1].is_empty())
        .map(|w| w[0])
        .collect();
    let mid_sentence = inner_breaks.iter().filter(|l| !ends_sentence(l)).count();
    let wrapped = lines.iter().any(|l| l.is_empty()) && mid_sentence * 2 > inner_breaks.len();
    if !wrapped {
        return lines
            .into_iter()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    }
    lines
        .split(|l| l.is_empty())
        .filter(|block| !block.is_empty())
        .map(|block| block.join(joiner))
        .collect()
}

fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', '」', '』', ')', '）']);
    trimmed.ends_with(['。', '！', '？', '.', '!', '?', ':', '：', '…'])
}

/// Lines of a presegmented file: one sentence per line, blank lines skipped.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_tolerated() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\rc").unwrap(), "a\nb\nc");
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        assert_eq!(decode(b"ok\n\xB9\xFA"), Err(3));
    }

    #[test]
    fn one_paragraph_per_line() {
        assert_eq!(
            paragraphs("甲。\n乙。\n\n丙。\n", ""),
            vec!["甲。", "乙。", "丙。"]
        );
    }

    #[test]
    fn blank_lines_separate_wrapped_paragraphs() {
        let text = "The minister\nreplied.\n\nHe left.\n";
        assert_eq!(
            paragraphs(text, " "),
            vec!["The minister replied.", "He left."]
        );
    }

    #[test]
    fn empty_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zh.txt");
        std::fs::write(&p, "\n \n").unwrap();
        let err = read_file(&p).unwrap_err().to_string();
        assert!(err.contains("zh.txt") && err.contains("empty"), "{err}");
    }
}
