//! The bytes of a TMX file as UTF-8, whatever its encoding: UTF-8 (with or without a byte order
//! mark) or UTF-16 LE/BE (with a BOM, as Trados writes it, or recognised by a leading `<?`).
//!
//! [`TextReader`] is the [`BufRead`] the XML parser reads from. It streams: UTF-16 is decoded
//! one buffer at a time, never the whole file. It also counts the line breaks the parser has
//! consumed, which gives every translation unit its line number for free. [`line_col`] turns a
//! byte offset of the decoded text back into a line and column, for error messages: it decodes
//! the input again up to that offset, so only the error path pays for it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

/// Size of the buffers between the file and the parser.
const CHUNK: usize = 64 * 1024;

/// Where a TMX comes from: a file, or bytes in memory (tests, stdin).
#[derive(Debug, Clone)]
pub(crate) enum Input {
    File(PathBuf),
    Bytes(Arc<[u8]>),
}

impl Input {
    /// A fresh reader of the raw bytes, from the start.
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::File(path) => Box::new(File::open(path)?),
            Input::Bytes(bytes) => Box::new(io::Cursor::new(Arc::clone(bytes))),
        })
    }
}

/// The encodings a TMX can be in (TMX 1.4b allows UTF-8 and UTF-16 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    /// The encoding the first bytes of a file announce, and the length of its byte order mark.
    /// Without a BOM, `<?` in UTF-16 still tells; anything else is taken for UTF-8.
    pub(crate) fn sniff(start: &[u8]) -> (Encoding, usize) {
        match start {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8, 3),
            [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
            [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
            [b'<', 0, b'?', 0, ..] => (Encoding::Utf16Le, 0),
            [0, b'<', 0, b'?', ..] => (Encoding::Utf16Be, 0),
            _ => (Encoding::Utf8, 0),
        }
    }
}

/// Decoded UTF-8 text of an [`Input`], as a [`BufRead`] that counts consumed line breaks.
pub(crate) struct TextReader {
    raw: BufReader<Box<dyn Read + Send>>,
    encoding: Encoding,
    /// UTF-16 only: decoded text not yet consumed is `out[pos..]`.
    out: Vec<u8>,
    pos: usize,
    /// UTF-16 only: a high surrogate waiting for its low half from the next buffer.
    high: Option<u16>,
    /// UTF-16 only: the first byte of a code unit split between two reads.
    odd: Option<u8>,
    /// Line breaks (`\n`) consumed so far.
    newlines: u64,
}

impl TextReader {
    /// Opens `input`, reads its byte order mark and positions after it.
    pub(crate) fn open(input: &Input) -> io::Result<TextReader> {
        TextReader::from_read(input.open()?)
    }

    /// Reads the encoding from the first bytes of `raw` and positions after the BOM.
    fn from_read(mut raw: Box<dyn Read + Send>) -> io::Result<TextReader> {
        let mut head = read_head(&mut raw, 4)?;
        let (encoding, bom) = Encoding::sniff(&head);
        let rest = io::Cursor::new(head.split_off(bom)).chain(raw);
        Ok(TextReader {
            raw: BufReader::with_capacity(CHUNK, Box::new(rest)),
            encoding,
            out: Vec::new(),
            pos: 0,
            high: None,
            odd: None,
            newlines: 0,
        })
    }

    /// 1-based line number of the next byte to be consumed.
    pub(crate) fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// Decodes the next buffer of UTF-16 into `out`; leaves `out` empty at the end of input.
    fn decode_more(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let big_endian = self.encoding == Encoding::Utf16Be;
        while self.out.is_empty() {
            let bytes = self.raw.fill_buf()?;
            if bytes.is_empty() {
                if self.odd.is_some() || self.high.is_some() {
                    return Err(invalid(
                        "the file ends in the middle of a UTF-16 character".into(),
                    ));
                }
                return Ok(());
            }
            let n = bytes.len();
            let mut units: Vec<u16> = Vec::with_capacity(n / 2 + 2);
            units.extend(self.high.take());
            let mut rest = bytes;
            if let Some(first) = self.odd.take() {
                units.push(unit([first, rest[0]], big_endian));
                rest = &rest[1..];
            }
            let pairs = rest.chunks_exact(2);
            self.odd = pairs.remainder().first().copied();
            units.extend(pairs.map(|p| unit([p[0], p[1]], big_endian)));
            self.raw.consume(n);
            if units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
                self.high = units.pop(); // its low half comes with the next buffer
            }
            for c in char::decode_utf16(units) {
                let c = c.map_err(|e| {
                    invalid(format!(
                        "invalid UTF-16: unpaired surrogate {:#06X}",
                        e.unpaired_surrogate()
                    ))
                })?;
                let mut tmp = [0u8; 4];
                self.out
                    .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
        }
        Ok(())
    }
}

impl Read for TextReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for TextReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.encoding == Encoding::Utf8 {
            return self.raw.fill_buf();
        }
        if self.pos == self.out.len() {
            self.decode_more()?;
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        let consumed: &[u8] = if self.encoding == Encoding::Utf8 {
            // The parser consumes only bytes the last fill_buf returned: they are still in the
            // buffer, so this fill_buf does no I/O and cannot fail.
            match self.raw.fill_buf() {
                Ok(bytes) => &bytes[..amt.min(bytes.len())],
                Err(_) => &[],
            }
        } else {
            &self.out[self.pos..(self.pos + amt).min(self.out.len())]
        };
        self.newlines += count_newlines(consumed);
        if self.encoding == Encoding::Utf8 {
            self.raw.consume(amt);
        } else {
            self.pos = (self.pos + amt).min(self.out.len());
        }
    }
}

/// A UTF-16 code unit from two bytes.
fn unit(b: [u8; 2], big_endian: bool) -> u16 {
    if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The first `n` bytes of `r` (fewer if the input is shorter), however short its reads are.
fn read_head(r: &mut impl Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; n];
    let mut len = 0;
    while len < n {
        match r.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(k) => len += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(len);
    Ok(head)
}

/// The 1-based line and column (in characters) of byte `offset` of the decoded text of `input`.
/// Decodes from the start again; stops early at a decoding error (the position is then the
/// last one that could be decoded).
pub(crate) fn line_col(input: &Input, offset: u64) -> io::Result<(u64, u64)> {
    let mut r = TextReader::open(input)?;
    let (mut line, mut col) = (1u64, 1u64);
    let mut left = offset;
    while left > 0 {
        let bytes = match r.fill_buf() {
            Ok(b) if !b.is_empty() => b,
            _ => break,
        };
        let n = bytes.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        for &b in &bytes[..n] {
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 {
                col += 1; // the first byte of a character
            }
        }
        r.consume(n);
        left -= n as u64;
    }
    Ok((line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(b: &[u8]) -> Input {
        Input::Bytes(Arc::from(b))
    }

    fn read_all(input: &Input) -> io::Result<String> {
        let mut s = String::new();
        TextReader::open(input)?.read_to_string(&mut s)?;
        Ok(s)
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for u in units {
            let b = if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn sniffs_boms_and_utf16_without_bom() {
        assert_eq!(Encoding::sniff(b"\xEF\xBB\xBF<?xml"), (Encoding::Utf8, 3));
        assert_eq!(Encoding::sniff(b"\xFF\xFE<\0"), (Encoding::Utf16Le, 2));
        assert_eq!(Encoding::sniff(b"\xFE\xFF\0<"), (Encoding::Utf16Be, 2));
        assert_eq!(Encoding::sniff(b"<\0?\0"), (Encoding::Utf16Le, 0));
        assert_eq!(Encoding::sniff(b"\0<\0?"), (Encoding::Utf16Be, 0));
        assert_eq!(Encoding::sniff(b"<?xml"), (Encoding::Utf8, 0));
        assert_eq!(Encoding::sniff(b""), (Encoding::Utf8, 0));
    }

    #[test]
    fn decodes_utf16_both_orders_with_astral_characters() {
        let text = "<seg>交涉 𠀀😀 a&amp;b\r\n</seg>";
        for big_endian in [false, true] {
            let input = bytes(&utf16(text, big_endian, true));
            assert_eq!(read_all(&input).unwrap(), text);
        }
        // Without a BOM, a leading `<?` tells UTF-16 apart.
        let decl = "<?xml version=\"1.0\"?><a>é</a>";
        assert_eq!(read_all(&bytes(&utf16(decl, false, false))).unwrap(), decl);
        assert_eq!(read_all(&bytes(&utf16(decl, true, false))).unwrap(), decl);
    }

    /// A reader that returns at most `step` bytes per read, to split code units and surrogate
    /// pairs between buffers.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn code_units_and_surrogate_pairs_split_between_reads_decode() {
        let text = "<a>😀交涉𠀀x😀</a>";
        for big_endian in [false, true] {
            for step in 1..=5 {
                let data = utf16(text, big_endian, true);
                let r = TextReader::from_read(Box::new(Trickle { data, at: 0, step }));
                let mut s = String::new();
                r.unwrap().read_to_string(&mut s).unwrap();
                assert_eq!(s, text, "step {step}");
            }
        }
        // A pair across the boundary of the 64 KiB buffer.
        for pad in [CHUNK / 2 - 3, CHUNK / 2 - 2, CHUNK / 2 - 1] {
            let text = format!("{}😀{}", "a".repeat(pad), "b".repeat(10));
            assert_eq!(read_all(&bytes(&utf16(&text, false, true))).unwrap(), text);
        }
    }

    #[test]
    fn broken_utf16_is_an_error() {
        let mut lone = utf16("ab", false, true);
        lone.extend_from_slice(&0xDC00u16.to_le_bytes());
        lone.extend_from_slice(&utf16("c", false, false));
        assert!(read_all(&bytes(&lone)).is_err());
        let mut odd = utf16("ab", false, true);
        odd.push(b'c');
        assert!(read_all(&bytes(&odd)).is_err());
    }

    #[test]
    fn utf8_bom_is_dropped_and_lines_counted() {
        let input = bytes(b"\xEF\xBB\xBFa\nb\nc");
        let mut r = TextReader::open(&input).unwrap();
        assert_eq!(r.encoding, Encoding::Utf8);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "a\nb\nc");
        assert_eq!(r.line(), 3);
    }

    #[test]
    fn line_and_column_of_an_offset() {
        let input = bytes("ab\n交涉x\ny".as_bytes());
        assert_eq!(line_col(&input, 0).unwrap(), (1, 1));
        assert_eq!(line_col(&input, 2).unwrap(), (1, 3));
        assert_eq!(line_col(&input, 3).unwrap(), (2, 1));
        // After 交涉 (6 bytes): the third character of line 2.
        assert_eq!(line_col(&input, 9).unwrap(), (2, 3));
        assert_eq!(line_col(&input, 100).unwrap(), (3, 2));
        let wide = bytes(&utf16("a\n交涉x", false, true));
        assert_eq!(line_col(&wide, 8).unwrap(), (2, 3));
    }
}
