//! Reading input files: decoding and splitting into paragraphs.
//!
//! Decoding ([`decode_bytes`]) always yields UTF-8 text with LF line ends and no BOM:
//! * a BOM decides: UTF-8, UTF-16LE or UTF-16BE (in UTF-16, unpaired surrogates become
//!   U+FFFD and are counted in [`Decoded::replaced`]);
//! * else valid UTF-8 is UTF-8;
//! * else the encoding is detected (`chardetng`: GBK/GB18030, Big5 and the other legacy
//!   encodings of the Web) and the text must decode in it without error;
//! * an explicit encoding (`--encoding NAME`, any WHATWG label: `gbk`, `gb18030`, `big5`,
//!   `utf-16le`, `latin1` …) overrides detection; its malformed bytes are an error.
//!
//! A file with NUL bytes (outside UTF-16) or many control characters is refused as binary, and
//! a file with nothing but whitespace as empty. Every error names the file.

use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
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
        "{path}: line {line}: not valid UTF-8 (byte offset {offset}) and no other encoding fits; \
         convert the file to UTF-8 or name its encoding with --encoding"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        offset: usize,
    },
    #[error("{path}: line {line}: not valid {encoding} (byte offset {offset})")]
    Malformed {
        path: PathBuf,
        encoding: &'static str,
        line: usize,
        offset: usize,
    },
    #[error(
        "{path}: looks binary ({reason}), not a text file; a UTF-16 file needs a BOM or \
         --encoding utf-16le / utf-16be"
    )]
    Binary { path: PathBuf, reason: String },
    #[error("unknown encoding {0:?}: use a name such as utf-8, gb18030, gbk, big5, utf-16le")]
    UnknownEncoding(String),
    #[error("{path}: the file is empty (no text to align)")]
    Empty { path: PathBuf },
}

/// A decoded text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text: no BOM, LF line ends.
    pub text: String,
    /// The encoding it was decoded from: "UTF-8", "UTF-16LE", "UTF-16BE", "GBK", "GB18030",
    /// "Big5", … (encoding_rs names).
    pub encoding: &'static str,
    /// Malformed sequences replaced by U+FFFD (only UTF-16 is decoded with replacement:
    /// unpaired surrogates).
    pub replaced: usize,
    /// How the encoding was chosen.
    pub by: DecodedBy,
}

/// How the encoding of a text was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodedBy {
    /// Named by the user (`--encoding`).
    Named,
    /// A byte order mark.
    Bom,
    /// Valid UTF-8 without a BOM.
    Utf8,
    /// Detected (`chardetng`), or the GBK / Big5 fallback.
    Detected,
}

impl Decoded {
    /// What the user should hear about the decoding: the encoding when it is not UTF-8 and
    /// was not named by the user, and any replaced sequences. `None` for plain UTF-8.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        match self.by {
            DecodedBy::Detected => parts.push(format!(
                "read as {} (detected; --encoding NAME overrides)",
                self.encoding
            )),
            DecodedBy::Bom if self.encoding != "UTF-8" => {
                parts.push(format!("read as {} (byte order mark)", self.encoding))
            }
            _ => {}
        }
        if self.replaced > 0 {
            parts.push(format!(
                "{} malformed sequence(s) replaced by U+FFFD",
                self.replaced
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Why bytes could not be decoded (without a path; [`read_file_with`] adds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not UTF-8 and no detected encoding decodes it: offset of the first invalid UTF-8 byte.
    NotUtf8 { offset: usize },
    /// Malformed in the named encoding, at this byte offset.
    Malformed {
        encoding: &'static str,
        offset: usize,
    },
    /// Binary data, and why it looks so.
    Binary(String),
    /// An encoding name no one knows.
    UnknownEncoding(String),
}

/// Reads a text file as UTF-8 (or UTF-16 with a BOM, or a detected legacy encoding): the text
/// only. See [`read_file_with`].
pub fn read_file(path: &Path) -> Result<String, TextError> {
    read_file_with(path, None).map(|d| d.text)
}

/// Reads and decodes a text file; `encoding` (a WHATWG label such as "gbk") overrides
/// detection. Fails for unreadable, undecodable, binary and empty files, naming the file and,
/// for bad bytes, the line.
pub fn read_file_with(path: &Path, encoding: Option<&str>) -> Result<Decoded, TextError> {
    let bytes = std::fs::read(path).map_err(|source| TextError::Io {
        path: path.into(),
        source,
    })?;
    let line = |offset: usize| 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    let decoded = decode_bytes(&bytes, encoding).map_err(|e| match e {
        DecodeError::NotUtf8 { offset } => TextError::NotUtf8 {
            path: path.into(),
            line: line(offset),
            offset,
        },
        DecodeError::Malformed { encoding, offset } => TextError::Malformed {
            path: path.into(),
            encoding,
            line: line(offset),
            offset,
        },
        DecodeError::Binary(reason) => TextError::Binary {
            path: path.into(),
            reason,
        },
        DecodeError::UnknownEncoding(name) => TextError::UnknownEncoding(name),
    })?;
    if decoded.text.trim().is_empty() {
        return Err(TextError::Empty { path: path.into() });
    }
    Ok(decoded)
}

/// Decodes a file's bytes (see the module doc for the order of decisions). The text has LF
/// line ends and no BOM.
pub fn decode_bytes(bytes: &[u8], encoding: Option<&str>) -> Result<Decoded, DecodeError> {
    let explicit = encoding.is_some();
    let mut by = DecodedBy::Named;
    let (encoding, body, replace) = match encoding {
        Some(label) => {
            let enc = Encoding::for_label(label.trim().as_bytes())
                .ok_or_else(|| DecodeError::UnknownEncoding(label.to_string()))?;
            let body = match Encoding::for_bom(bytes) {
                Some((bom, len)) if bom == enc => &bytes[len..],
                _ => bytes,
            };
            (enc, body, is_utf16(enc))
        }
        None => match Encoding::for_bom(bytes) {
            Some((enc, len)) => {
                by = DecodedBy::Bom;
                (enc, &bytes[len..], is_utf16(enc))
            }
            None => {
                if let Some(at) = memchr_nul(bytes) {
                    return Err(DecodeError::Binary(format!("NUL byte at offset {at}")));
                }
                let enc = detect(bytes)?;
                by = if enc == UTF_8 {
                    DecodedBy::Utf8
                } else {
                    DecodedBy::Detected
                };
                (enc, bytes, false)
            }
        },
    };
    let offset = bytes.len() - body.len();
    let (text, replaced) = if replace {
        let (text, _) = encoding.decode_without_bom_handling(body);
        let replaced = if text.contains('\u{FFFD}') {
            count_malformed(encoding, body)
        } else {
            0
        };
        (text.into_owned(), replaced)
    } else {
        let text = decode_strict(encoding, body).map_err(|at| {
            if encoding == UTF_8 && !explicit {
                DecodeError::NotUtf8 {
                    offset: offset + at,
                }
            } else {
                DecodeError::Malformed {
                    encoding: if encoding == encoding_rs::GB18030 {
                        "GB18030"
                    } else {
                        encoding.name()
                    },
                    offset: offset + at,
                }
            }
        })?;
        (text, 0)
    };
    if let Some(reason) = binary_reason(&text) {
        return Err(DecodeError::Binary(reason));
    }
    let name = if encoding == encoding_rs::GB18030
        || (encoding == encoding_rs::GBK && uses_gb18030_four_byte(body))
    {
        "GB18030"
    } else {
        encoding.name()
    };
    // More BOMs (a file saved with a BOM twice, or a UTF-8 BOM inside UTF-16) would start the
    // first sentence with an invisible character.
    let text = match text.trim_start_matches('\u{FEFF}') {
        rest if rest.len() < text.len() => rest.to_string(),
        _ => text,
    };
    Ok(Decoded {
        text: normalize_line_ends(text),
        encoding: name,
        replaced,
        by,
    })
}

/// Decodes UTF-8 bytes, dropping a BOM and normalising line ends; on failure returns the
/// byte offset of the first invalid sequence. (Strict UTF-8: no detection.)
pub fn decode(bytes: &[u8]) -> Result<String, usize> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom = bytes.len() - body.len();
    let text = std::str::from_utf8(body).map_err(|e| bom + e.valid_up_to())?;
    Ok(normalize_line_ends(text.to_string()))
}

fn normalize_line_ends(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

fn is_utf16(enc: &'static Encoding) -> bool {
    enc == UTF_16LE || enc == UTF_16BE
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Non-ASCII characters in the valid UTF-8 prefix from which a later invalid byte is taken for
/// damage in a UTF-8 file (reported as such) rather than a sign of another encoding.
const UTF8_EVIDENCE: usize = 16;

/// The encoding of bytes that have no BOM: UTF-8 when valid; else the guess of `chardetng`
/// when the bytes decode in it without error; else GB18030 or Big5 when one of them does.
fn detect(bytes: &[u8]) -> Result<&'static Encoding, DecodeError> {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => return Ok(UTF_8),
        Err(e) => e.valid_up_to(),
    };
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
    if prefix.chars().filter(|c| !c.is_ascii()).count() >= UTF8_EVIDENCE {
        return Err(DecodeError::NotUtf8 { offset: valid });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    [guess, encoding_rs::GBK, encoding_rs::BIG5]
        .into_iter()
        .find(|&enc| enc != UTF_8 && decode_strict(enc, bytes).is_ok())
        .ok_or(DecodeError::NotUtf8 { offset: valid })
}

/// Decodes without BOM handling; on a malformed sequence returns its byte offset.
fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    if encoding == UTF_8 {
        return std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|e| e.valid_up_to());
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(bad, extra) => {
            Err(read.saturating_sub(extra as usize + bad as usize))
        }
        // Cannot happen with a buffer of the maximum length; treat as malformed at the end.
        DecoderResult::OutputFull => Err(read),
    }
}

/// How many malformed sequences decoding with replacement meets.
fn count_malformed(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut rest = bytes;
    let mut count = 0;
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16)),
    );
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            DecoderResult::Malformed(..) => count += 1,
            DecoderResult::InputEmpty | DecoderResult::OutputFull => return count,
        }
    }
}

/// Whether GBK-labelled bytes use GB18030's four-byte sequences (lead, digit, lead, digit).
fn uses_gb18030_four_byte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        if (0x81..=0xFE).contains(&b) {
            if bytes[i + 1].is_ascii_digit() {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Why decoded text looks binary: a NUL, or more than 10% control characters (other than tab,
/// line ends, form feed and escape) in its first 64 KiB.
fn binary_reason(text: &str) -> Option<String> {
    if let Some(at) = text.find('\0') {
        return Some(format!("NUL character at offset {at}"));
    }
    let (mut total, mut control) = (0usize, 0usize);
    for c in text.chars().take(65_536) {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1B') {
            control += 1;
        }
    }
    (control >= 8 && control * 10 > total)
        .then(|| format!("{control} control characters in {total}"))
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

    const ZH: &str = "俄國公使照會外交部，請派員會商界務。中國政府已電令伯力交涉員。\n\
                      本月十五日起，兩國委員在哈爾濱開會，商議松花江航行章程。\n";
    const ZH_SIMPLIFIED: &str = "报告指出，去年全国可再生能源发电量增长百分之十二。\n\
                                 政府计划在未来五年内进一步扩大风能和太阳能的装机容量。\n";

    fn encode(enc: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, errors) = enc.encode(text);
        assert!(!errors, "{} cannot encode the sample", enc.name());
        bytes.into_owned()
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn bom_and_crlf_are_tolerated() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\rc").unwrap(), "a\nb\nc");
        let d = decode_bytes(b"\xEF\xBB\xBFa\r\nb\rc", None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("a\nb\nc", "UTF-8"));
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        assert_eq!(decode(b"ok\n\xB9\xFA"), Err(3));
        assert_eq!(
            decode_bytes(b"ok\n\xB9\xFA", Some("utf-8")),
            Err(DecodeError::Malformed {
                encoding: "UTF-8",
                offset: 3
            })
        );
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let d = decode_bytes(&encode(encoding_rs::GBK, ZH_SIMPLIFIED), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ZH_SIMPLIFIED, "GBK"));
        let d = decode_bytes(&encode(encoding_rs::BIG5, ZH), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ZH, "Big5"));
        // Traditional characters in GBK too.
        let d = decode_bytes(&encode(encoding_rs::GBK, ZH), None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ZH, "GBK"));
    }

    #[test]
    fn a_short_gbk_line_is_detected() {
        let d = decode_bytes(b"\xd6\xd0\xce\xc4\xa1\xa3\n", None).unwrap();
        assert_eq!(d.text, "中文。\n");
    }

    #[test]
    fn gb18030_four_byte_sequences_are_named() {
        // U+20000 (𠀀) needs four bytes in GB18030.
        let text = "甲𠀀乙。";
        let d = decode_bytes(&encode(encoding_rs::GB18030, text), Some("gb18030")).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "GB18030"));
    }

    #[test]
    fn utf16_with_a_bom_in_both_byte_orders() {
        for be in [false, true] {
            let d = decode_bytes(&utf16("甲。\r\nabc", be), None).unwrap();
            assert_eq!(d.text, "甲。\nabc");
            assert_eq!(d.encoding, if be { "UTF-16BE" } else { "UTF-16LE" });
            assert_eq!(d.replaced, 0);
        }
    }

    #[test]
    fn lone_surrogates_in_utf16_become_replacement_characters() {
        // 甲, a lone high surrogate, 乙, a lone low surrogate at the end.
        let mut bytes = vec![0xFF, 0xFE];
        for u in [0x7532u16, 0xD800, 0x4E59, 0xDC00] {
            bytes.extend(u.to_le_bytes());
        }
        let d = decode_bytes(&bytes, None).unwrap();
        assert_eq!(d.text, "甲\u{FFFD}乙\u{FFFD}");
        assert_eq!(d.replaced, 2);
    }

    #[test]
    fn explicit_encoding_overrides_detection() {
        let bytes = encode(encoding_rs::BIG5, ZH);
        let d = decode_bytes(&bytes, Some("big5")).unwrap();
        assert_eq!(d.text, ZH);
        // Read as GBK on request: Big5 bytes are not all valid there.
        let err = decode_bytes(&bytes, Some("GBK"));
        assert!(
            matches!(err, Err(DecodeError::Malformed { .. })) || err.unwrap().text != ZH,
            "forcing an encoding is obeyed"
        );
        assert_eq!(
            decode_bytes(b"abc", Some("klingon")),
            Err(DecodeError::UnknownEncoding("klingon".into()))
        );
        let d = decode_bytes(&utf16("abc", false)[2..], Some("utf-16le")).unwrap();
        assert_eq!(d.text, "abc");
    }

    #[test]
    fn malformed_explicit_encoding_reports_offset() {
        // 0x81 followed by a newline is not GBK.
        assert_eq!(
            decode_bytes(b"ab\n\x81\n", Some("gbk")),
            Err(DecodeError::Malformed {
                encoding: "GBK",
                offset: 3
            })
        );
    }

    #[test]
    fn a_doubled_bom_is_dropped() {
        // Found by fuzzing (tests/data/regress/decode-double-bom.bin).
        let d = decode_bytes(b"\xFF\xFE\xFF\xFEa\0", None).unwrap();
        assert_eq!(d.text, "a");
        let d = decode_bytes(b"\xEF\xBB\xBF\xEF\xBB\xBFa", None).unwrap();
        assert_eq!(d.text, "a");
        // And a tripled one (tests/data/regress/decode-triple-bom.bin).
        let d = decode_bytes(b"\xFF\xFE\xFF\xFE\xFF\xFEa\0", None).unwrap();
        assert_eq!(d.text, "a");
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(
            decode_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None),
            Err(DecodeError::Binary(_))
        ));
        let controls: Vec<u8> = (0..200u8).map(|i| i % 8 + 1).collect();
        assert!(matches!(
            decode_bytes(&controls, None),
            Err(DecodeError::Binary(_))
        ));
        // UTF-16 may hold NUL bytes, but not NUL characters.
        assert!(matches!(
            decode_bytes(&utf16("a\0b", false), None),
            Err(DecodeError::Binary(_))
        ));
    }

    #[test]
    fn damaged_utf8_is_reported_as_utf8() {
        let mut bytes = ZH.repeat(2).into_bytes();
        bytes.extend(b"\n\xFF\n");
        let at = bytes.len() - 2;
        assert_eq!(
            decode_bytes(&bytes, None),
            Err(DecodeError::NotUtf8 { offset: at })
        );
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

    /// A folder of its own for one test, removed when dropped (the core crate keeps its
    /// dependency tree free of tempfile, so it is written here).
    struct TestDir(std::path::PathBuf);

    impl TestDir {
        fn new(name: &str) -> TestDir {
            let dir = std::env::temp_dir().join(format!("amur-core-{}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TestDir(dir)
        }
    }

    impl Drop for TestDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn empty_file_is_an_error_naming_it() {
        let dir = TestDir::new("empty");
        let p = dir.0.join("zh.txt");
        std::fs::write(&p, "\n \n").unwrap();
        let err = read_file(&p).unwrap_err().to_string();
        assert!(err.contains("zh.txt") && err.contains("empty"), "{err}");
        // Also when it is empty once decoded.
        std::fs::write(&p, utf16("\r\n", true)).unwrap();
        let err = read_file(&p).unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = TestDir::new("errors");
        let p = dir.0.join("zh.txt");
        std::fs::write(&p, b"ab\ncd\n\x81\n").unwrap();
        let err = read_file_with(&p, Some("gbk")).unwrap_err().to_string();
        assert!(
            err.contains("zh.txt") && err.contains("line 3") && err.contains("GBK"),
            "{err}"
        );
        std::fs::write(&p, b"ab\0cd").unwrap();
        let err = read_file(&p).unwrap_err().to_string();
        assert!(
            err.contains("zh.txt") && err.contains("looks binary"),
            "{err}"
        );
    }
}
