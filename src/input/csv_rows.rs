//! CSV rows as raw fields, parsed exactly as the `csv` crate's default reader does
//! (flexible, as bytes), so that records, fields and line numbers stay what they were:
//! comma-separated; a field starting with `"` is quoted, `""` inside it is one quote and
//! anything after its closing quote is kept as unquoted text; a quote inside an unquoted
//! field is an ordinary byte; CR, LF and CRLF each end a record; blank lines are skipped;
//! a leading UTF-8 BOM is dropped; nothing but I/O is an error. A record's line is the
//! line where the reader stood when it began, before blank lines (as the crate reports
//! it, so a CRLF file's records are one line early).
//!
//! Why not the crate: its byte-at-a-time state machine cost ~11 instructions per input
//! byte, a third of the reader thread. Here fields are found with memchr: a quoted field
//! is one search for its closing quote, an unquoted one a search for `,`, CR or LF. A
//! proptest holds it to the crate's parse on random bytes fed in random pieces. (The
//! `simd-csv` crate might serve instead; it has not been tried against that test.)

use std::io::{self, BufRead};

/// One record's fields, concatenated, and where each ends.
#[derive(Debug, Default)]
pub(super) struct Row {
    /// The fields' bytes, back to back (quotes removed, `""` unescaped).
    bytes: Vec<u8>,
    /// The end of each field in `bytes`.
    ends: Vec<usize>,
    /// The line where the reader stood when the record began.
    pub(super) line: u64,
}

impl Row {
    /// The number of fields.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// All the fields' bytes, back to back.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where each field starts and ends in [`Row::bytes`].
    pub(super) fn ranges(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(s, e)| s..e)
    }

    /// Field `i`, if the record has it.
    pub(super) fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.bytes.get(start..end)
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    fn end_field(&mut self) {
        self.ends.push(self.bytes.len());
    }
}

/// Where the parser stands inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the record: CR and LF here are blank lines.
    StartRecord,
    /// At the start of a field.
    StartField,
    /// Inside an unquoted field.
    InField,
    /// Inside a quoted field.
    InQuoted,
    /// Just after a quote inside a quoted field: a second quote is a literal one.
    AfterQuote,
}

/// Reads [`Row`]s from a buffered reader.
pub(super) struct RowReader<R> {
    inner: R,
    /// 1 + the LFs consumed so far.
    line: u64,
    /// Whether the first buffer was looked at for a BOM.
    started: bool,
    /// The input ended (or failed): no more rows.
    done: bool,
}

impl<R: BufRead> RowReader<R> {
    /// Reads from `inner`, at line 1.
    pub(super) fn new(inner: R) -> Self {
        RowReader {
            inner,
            line: 1,
            started: false,
            done: false,
        }
    }

    /// Reads the next record into `row`; `false` at the end of the input.
    pub(super) fn read(&mut self, row: &mut Row) -> io::Result<bool> {
        row.clear();
        row.line = self.line;
        if self.done {
            return Ok(false);
        }
        let mut state = State::StartRecord;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            };
            let mut skip = 0;
            if !self.started {
                self.started = true;
                // As the crate: only a BOM whole in the first buffer.
                if buf.starts_with(b"\xef\xbb\xbf") {
                    skip = 3;
                }
            }
            if buf.is_empty() {
                self.done = true;
                if state == State::StartRecord {
                    return Ok(false);
                }
                row.end_field();
                return Ok(true);
            }
            let (used, ended) = scan(&buf[skip..], &mut state, row, &mut self.line);
            self.inner.consume(skip + used);
            if ended {
                return Ok(true);
            }
        }
    }
}

/// Parses `buf` from `state` on, filling `row` and counting LFs into `lines`: returns the
/// bytes used and whether the record ended (its terminator included).
fn scan(buf: &[u8], state: &mut State, row: &mut Row, lines: &mut u64) -> (usize, bool) {
    let mut i = 0;
    while i < buf.len() {
        match *state {
            State::StartRecord => match buf[i] {
                b'\r' => i += 1,
                b'\n' => {
                    i += 1;
                    *lines += 1;
                }
                _ => *state = State::StartField,
            },
            // A field's start, and the byte after a quote in a quoted field, differ only
            // in what a quote means: it opens the quoting, or it is a doubled (literal) one.
            State::StartField | State::AfterQuote => match buf[i] {
                b'"' => {
                    if *state == State::AfterQuote {
                        row.bytes.push(b'"');
                    }
                    i += 1;
                    *state = State::InQuoted;
                }
                b',' => {
                    i += 1;
                    row.end_field();
                    *state = State::StartField;
                }
                b @ (b'\r' | b'\n') => {
                    row.end_field();
                    *lines += u64::from(b == b'\n');
                    return (i + 1, true);
                }
                _ => *state = State::InField,
            },
            State::InField => match memchr::memchr3(b',', b'\r', b'\n', &buf[i..]) {
                Some(k) => {
                    row.bytes.extend_from_slice(&buf[i..i + k]);
                    row.end_field();
                    i += k;
                    if buf[i] != b',' {
                        *lines += u64::from(buf[i] == b'\n');
                        return (i + 1, true);
                    }
                    i += 1;
                    *state = State::StartField;
                }
                None => {
                    row.bytes.extend_from_slice(&buf[i..]);
                    i = buf.len();
                }
            },
            // Only here can a LF be data: stopping at each one counts the lines in
            // the same pass (elsewhere a LF ends the record or a blank line).
            State::InQuoted => match memchr::memchr2(b'"', b'\n', &buf[i..]) {
                Some(k) => {
                    row.bytes.extend_from_slice(&buf[i..i + k]);
                    i += k + 1;
                    if buf[i - 1] == b'\n' {
                        row.bytes.push(b'\n');
                        *lines += 1;
                    } else {
                        *state = State::AfterQuote;
                    }
                }
                None => {
                    row.bytes.extend_from_slice(&buf[i..]);
                    i = buf.len();
                }
            },
        }
    }
    (i, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every record as the csv crate reads it: (line, fields).
    fn with_crate(input: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).expect("only I/O fails") {
            let line = rec.position().map_or(0, |p| p.line());
            out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// The same with [`RowReader`], its input handed over `chunk` bytes at a time (at
    /// least a BOM's 3 when the input may start with one: the crate's first buffer has
    /// them too).
    fn with_rows(input: &[u8], chunk: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let chunk = if input.first() == Some(&0xef) {
            chunk.max(3)
        } else {
            chunk.max(1)
        };
        let reader = io::BufReader::with_capacity(chunk, input);
        let mut rows = RowReader::new(reader);
        let mut row = Row::default();
        let mut out = Vec::new();
        while rows.read(&mut row).expect("no I/O error") {
            let fields = row.ranges().map(|r| row.bytes()[r].to_vec()).collect();
            for (i, r) in row.ranges().enumerate() {
                assert_eq!(row.get(i), Some(&row.bytes()[r]));
            }
            out.push((row.line, fields));
        }
        assert!(!rows.read(&mut row).expect("still no error"), "stays ended");
        out
    }

    #[test]
    fn reads_as_the_csv_crate() {
        for input in [
            &b""[..],
            b"\n\r\n",
            b"a,b\r\nc,d\r\n",
            b"a,b\nc",
            b"\xef\xbb\xbfid,text\n1,\"x, \"\"y\"\"\nz\"\n\n\n2,w,\n",
            b"\"ab\"cd,\"\"\"\",\"open",
            b"a\"b,c\"\"d\r\r\n,,\n\"\"",
            b",\n,\r",
        ] {
            for chunk in [1, 2, 3, 7, 64] {
                assert_eq!(
                    with_rows(input, chunk),
                    with_crate(input),
                    "{input:?} {chunk}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_bytes_read_as_the_csv_crate(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b","[..]), Just(&b"\""[..]), Just(&b"\r"[..]), Just(&b"\n"[..]),
                    Just(&b"\r\n"[..]), Just(&b"ab"[..]), Just(&b"\xc3\xa9"[..]),
                    Just(&b"\xef\xbb\xbf"[..]), Just(&b" "[..]),
                ],
                0..40,
            ),
            chunk in 1usize..20,
        ) {
            let input = parts.concat();
            prop_assert_eq!(with_rows(&input, chunk), with_crate(&input));
        }
    }
}
