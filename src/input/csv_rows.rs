//! CSV rows as raw fields, parsed exactly as the `csv` crate's default reader does
//! (flexible, as bytes), so that records and fields stay what they were: comma-separated;
//! a field starting with `"` is quoted, `""` inside it is one quote and anything after
//! its closing quote is kept as unquoted text; a quote inside an unquoted field is an
//! ordinary byte; CR, LF and CRLF each end a record; blank lines are skipped; a leading
//! UTF-8 BOM is dropped; nothing but I/O is an error.
//!
//! A record's line is the line of its first byte, lines ending at LF, CRLF or a lone CR
//! (as an editor numbers them). The crate's differ: it counts LFs only, from where the
//! reader stood before any blank lines, so its CRLF records came one line early, a CR-only
//! file was all line 1, and a record after blank lines got the first blank line's number.
//!
//! **Bounded memory.** A [`Limits`] caps what a row stores: a field's bytes, the number
//! of fields and the whole row's bytes. Past a cap the parse goes on exactly as before
//! (so the record still ends where it ends, and the next one is read whole) but stops
//! storing, and the row says what overflowed ([`Row::overflow`]): one huge field or line
//! costs its cap, not its size, and the caller rejects that record by name. With
//! [`Limits::stop_early`] (the header) the read stops as soon as a cap is passed, since
//! nothing after an oversized header is worth reading (`lurescan score /dev/zero`).
//!
//! A quoted field still open at the end of the input (an unterminated quote swallows
//! every record after it) is flagged with the line where it opened
//! ([`Row::unterminated`]), for the caller to report instead of scoring it silently.
//!
//! Why not the crate: its byte-at-a-time state machine cost ~11 instructions per input
//! byte, a third of the reader thread. Here fields are found with memchr: a quoted field
//! is one search for its closing quote, an unquoted one a search for `,`, CR or LF. A
//! proptest holds it to the crate's parse on random bytes fed in random pieces. (The
//! `simd-csv` crate might serve instead; it has not been tried against that test.)

use std::io::{self, BufRead};

/// Caps on what one row stores (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Limits {
    /// Bytes of one field.
    pub(super) field_bytes: usize,
    /// Fields stored (later ones are counted, not stored).
    pub(super) fields: usize,
    /// Bytes of the whole row.
    pub(super) row_bytes: usize,
    /// Stop reading as soon as a cap is passed, instead of skipping to the record's end.
    pub(super) stop_early: bool,
}

impl Limits {
    /// No caps (tests compare with the csv crate this way).
    #[cfg(test)]
    pub(super) const NONE: Limits = Limits {
        field_bytes: usize::MAX,
        fields: usize::MAX,
        row_bytes: usize::MAX,
        stop_early: false,
    };
}

/// What passed a cap in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Overflow {
    /// Field `index` (0-based) has `bytes` bytes (all of it, counted to its end unless
    /// the read stopped early).
    Field { index: usize, bytes: usize },
    /// The row passed its byte cap (at least `bytes` bytes).
    Row { bytes: usize },
    /// The row has more fields than its cap (only flagged with [`Limits::stop_early`];
    /// otherwise the extra fields are counted, see [`Row::fields`]).
    Fields,
}

/// One record's fields, concatenated, and where each ends.
#[derive(Debug)]
pub(super) struct Row {
    /// The fields' bytes, back to back (quotes removed, `""` unescaped).
    bytes: Vec<u8>,
    /// The end of each stored field in `bytes`.
    ends: Vec<usize>,
    /// The line where the reader stood when the record began.
    pub(super) line: u64,
    /// Caps on what is stored.
    limits: Limits,
    /// Bytes of the field being read, stored or not.
    field_len: usize,
    /// Bytes of the record, stored or not.
    row_len: usize,
    /// Fields ended so far, stored or not.
    fields: usize,
    /// The first cap passed, if any.
    overflow: Option<Overflow>,
    /// The line where the last quoted field opened.
    quote_line: u64,
    /// Set when the input ended inside a quoted field: the line where it opened.
    unterminated: Option<u64>,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            bytes: Vec::new(),
            ends: Vec::new(),
            line: 0,
            limits: Limits {
                field_bytes: usize::MAX,
                fields: usize::MAX,
                row_bytes: usize::MAX,
                stop_early: false,
            },
            field_len: 0,
            row_len: 0,
            fields: 0,
            overflow: None,
            quote_line: 0,
            unterminated: None,
        }
    }
}

impl Row {
    /// The number of fields the record has, stored or not.
    pub(super) fn fields(&self) -> usize {
        self.fields
    }

    /// The first cap the record passed, if any: its stored fields are then incomplete.
    pub(super) fn overflow(&self) -> Option<Overflow> {
        self.overflow
    }

    /// The line where a quoted field opened that the input never closed.
    pub(super) fn unterminated(&self) -> Option<u64> {
        self.unterminated
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

    /// Field `i`, if the record has it (and it was stored).
    pub(super) fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.bytes.get(start..end)
    }

    fn clear(&mut self, limits: Limits) {
        self.bytes.clear();
        self.ends.clear();
        self.limits = limits;
        self.field_len = 0;
        self.row_len = 0;
        self.fields = 0;
        self.overflow = None;
        self.unterminated = None;
    }

    /// Appends bytes to the current field, storing them while every cap holds.
    #[inline]
    fn push(&mut self, data: &[u8]) {
        self.field_len = self.field_len.saturating_add(data.len());
        self.row_len = self.row_len.saturating_add(data.len());
        if self.field_len <= self.limits.field_bytes
            && self.row_len <= self.limits.row_bytes
            && self.fields < self.limits.fields
            && self.overflow.is_none()
        {
            self.bytes.extend_from_slice(data);
        } else {
            self.passed_a_cap();
        }
    }

    /// Notes the first cap passed (the bytes that passed it are dropped). Once a row has
    /// overflowed nothing more of it is stored: it will be rejected whole.
    #[cold]
    fn passed_a_cap(&mut self) {
        if self.overflow.is_some() || self.fields >= self.limits.fields {
            return;
        }
        self.overflow = Some(if self.field_len > self.limits.field_bytes {
            Overflow::Field {
                index: self.fields,
                bytes: self.field_len,
            }
        } else {
            Overflow::Row {
                bytes: self.row_len,
            }
        });
    }

    fn end_field(&mut self) {
        if let Some(Overflow::Field { index, bytes }) = &mut self.overflow
            && *index == self.fields
        {
            *bytes = self.field_len;
        }
        if self.fields < self.limits.fields && self.overflow.is_none() {
            self.ends.push(self.bytes.len());
        }
        self.fields += 1;
        self.field_len = 0;
        if self.fields > self.limits.fields && self.limits.stop_early && self.overflow.is_none() {
            self.overflow = Some(Overflow::Fields);
        }
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
    /// Caps on each row (see [`Limits`]).
    limits: Limits,
    /// The line the reader stands on: 1 + the line endings consumed so far.
    line: u64,
    /// Whether the last byte consumed was a CR (a LF right after it ends no new line).
    after_cr: bool,
    /// Whether the first buffer was looked at for a BOM.
    started: bool,
    /// The input ended (or failed): no more rows.
    done: bool,
}

impl<R: BufRead> RowReader<R> {
    /// Reads from `inner`, at line 1, with each row capped by `limits`.
    pub(super) fn new(inner: R, limits: Limits) -> Self {
        RowReader {
            inner,
            limits,
            line: 1,
            after_cr: false,
            started: false,
            done: false,
        }
    }

    /// Caps the rows read from now on.
    pub(super) fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Reads the next record into `row`; `false` at the end of the input.
    pub(super) fn read(&mut self, row: &mut Row) -> io::Result<bool> {
        row.clear(self.limits);
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
                if state == State::InQuoted {
                    row.unterminated = Some(row.quote_line);
                }
                row.end_field();
                return Ok(true);
            }
            let buf = &buf[skip..];
            let mut lines = Lines {
                line: self.line,
                after_cr: self.after_cr,
            };
            let (used, ended) = scan(buf, &mut state, row, &mut lines);
            self.line = lines.line;
            if used > 0 {
                self.after_cr = buf[used - 1] == b'\r';
            }
            self.inner.consume(skip + used);
            if ended || (row.overflow.is_some() && self.limits.stop_early) {
                // Stopped early, the reader stands inside the record: nothing more is
                // read from it.
                self.done |= !ended;
                return Ok(true);
            }
        }
    }
}

/// The line count while scanning one buffer.
struct Lines {
    /// The line the scan stands on.
    line: u64,
    /// Whether the byte before the buffer was a CR.
    after_cr: bool,
}

impl Lines {
    /// Counts the line ending `buf[i]` (a CR or a LF): a LF right after a CR is the same
    /// line ending.
    #[inline]
    fn end_at(&mut self, buf: &[u8], i: usize) {
        let after_cr = if i > 0 {
            buf[i - 1] == b'\r'
        } else {
            self.after_cr
        };
        self.line += u64::from(buf[i] == b'\r' || !after_cr);
    }
}

/// Parses `buf` from `state` on, filling `row` and counting line endings into `lines`:
/// returns the bytes used and whether the record ended (its terminator included).
fn scan(buf: &[u8], state: &mut State, row: &mut Row, lines: &mut Lines) -> (usize, bool) {
    let mut i = 0;
    while i < buf.len() {
        match *state {
            State::StartRecord => match buf[i] {
                b'\r' | b'\n' => {
                    lines.end_at(buf, i);
                    i += 1;
                }
                _ => {
                    // The record's line is where its first byte is, after blank lines.
                    row.line = lines.line;
                    *state = State::StartField;
                }
            },
            // A field's start, and the byte after a quote in a quoted field, differ only
            // in what a quote means: it opens the quoting, or it is a doubled (literal) one.
            State::StartField | State::AfterQuote => match buf[i] {
                b'"' => {
                    if *state == State::AfterQuote {
                        row.push(b"\"");
                    } else {
                        row.quote_line = lines.line;
                    }
                    i += 1;
                    *state = State::InQuoted;
                }
                b',' => {
                    i += 1;
                    row.end_field();
                    *state = State::StartField;
                }
                b'\r' | b'\n' => {
                    row.end_field();
                    lines.end_at(buf, i);
                    return (i + 1, true);
                }
                _ => *state = State::InField,
            },
            State::InField => match memchr::memchr3(b',', b'\r', b'\n', &buf[i..]) {
                Some(k) => {
                    row.push(&buf[i..i + k]);
                    row.end_field();
                    i += k;
                    if buf[i] != b',' {
                        lines.end_at(buf, i);
                        return (i + 1, true);
                    }
                    i += 1;
                    *state = State::StartField;
                }
                None => {
                    row.push(&buf[i..]);
                    i = buf.len();
                }
            },
            // Only here can a CR or LF be data: stopping at each one counts the lines
            // in the same pass (elsewhere it ends the record or a blank line).
            State::InQuoted => match memchr::memchr3(b'"', b'\n', b'\r', &buf[i..]) {
                Some(k) => {
                    row.push(&buf[i..i + k]);
                    i += k;
                    if buf[i] == b'"' {
                        *state = State::AfterQuote;
                    } else {
                        row.push(&buf[i..=i]);
                        lines.end_at(buf, i);
                    }
                    i += 1;
                }
                None => {
                    row.push(&buf[i..]);
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

    /// Every record as the csv crate reads it: its fields.
    fn with_crate(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).expect("only I/O fails") {
            out.push(rec.iter().map(<[u8]>::to_vec).collect());
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
        let mut rows = RowReader::new(reader, Limits::NONE);
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

    /// The fields alone of [`with_rows`].
    fn fields_of(rows: Vec<(u64, Vec<Vec<u8>>)>) -> Vec<Vec<Vec<u8>>> {
        rows.into_iter().map(|(_, fields)| fields).collect()
    }

    #[test]
    fn lines_are_numbered_as_an_editor_numbers_them() {
        let lines = |input: &[u8]| -> Vec<u64> {
            with_rows(input, 2).into_iter().map(|(l, _)| l).collect()
        };
        assert_eq!(lines(b"h\r\na\r\nb\r\n"), [1, 2, 3], "CRLF");
        assert_eq!(lines(b"h\ra\rb\r"), [1, 2, 3], "CR only");
        assert_eq!(lines(b"h\n\n\r\na\n\rb"), [1, 4, 6], "after blank lines");
        assert_eq!(
            lines(b"h\r\n\"x\r\ny\"\r\nb\r\n"),
            [1, 2, 4],
            "CRLF inside quotes"
        );
        assert_eq!(lines(b"\"x\ry\",z\rb"), [1, 3], "CR inside quotes");
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
                    fields_of(with_rows(input, chunk)),
                    with_crate(input),
                    "{input:?} {chunk}"
                );
                assert_eq!(with_rows(input, chunk), with_rows(input, 64), "{input:?}");
            }
        }
    }

    /// Every row read under `limits`: (line, fields stored, field count, overflow,
    /// unterminated quote's line).
    #[allow(clippy::type_complexity)]
    fn capped(
        input: &[u8],
        limits: Limits,
    ) -> Vec<(u64, Vec<Vec<u8>>, usize, Option<Overflow>, Option<u64>)> {
        let mut rows = RowReader::new(io::BufReader::with_capacity(3, input), limits);
        let mut row = Row::default();
        let mut out = Vec::new();
        while rows.read(&mut row).expect("no I/O error") {
            let fields = row.ranges().map(|r| row.bytes()[r].to_vec()).collect();
            out.push((
                row.line,
                fields,
                row.fields(),
                row.overflow(),
                row.unterminated(),
            ));
        }
        out
    }

    #[test]
    fn caps_drop_bytes_but_not_record_boundaries() {
        let limits = Limits {
            field_bytes: 3,
            fields: 2,
            row_bytes: usize::MAX,
            stop_early: false,
        };
        let got = capped(b"ab,c\n\"abcdef\",x\na,b,c\nok,ok\n", limits);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].1, [b"ab".to_vec(), b"c".to_vec()]);
        assert_eq!(
            got[1].3,
            Some(Overflow::Field { index: 0, bytes: 6 }),
            "the whole field counted"
        );
        assert_eq!((got[2].2, got[2].3), (3, None), "extra fields counted");
        assert_eq!((got[3].0, got[3].1.len()), (4, 2));
        let header = Limits {
            stop_early: true,
            ..limits
        };
        let got = capped(b"abcdefgh\nnext\n", header);
        assert_eq!(got.len(), 1, "stops at once, reads no more");
        assert!(got[0].3.is_some());
    }

    #[test]
    fn an_unterminated_quote_is_flagged_with_its_line() {
        let got = capped(b"a,b\n1,\"x\n2,y\n", Limits::NONE);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].4, None);
        assert_eq!((got[1].0, got[1].4), (2, Some(2)));
        // Closed at the very end: not flagged.
        assert_eq!(capped(b"1,\"x\ny\"", Limits::NONE)[0].4, None);
    }

    proptest! {
        /// Caps change what is stored, never where records end or what a record that
        /// stayed under them holds.
        #[test]
        fn caps_keep_records_and_lines(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b","[..]), Just(&b"\""[..]), Just(&b"\r"[..]), Just(&b"\n"[..]),
                    Just(&b"ab"[..]), Just(&b"xyz"[..]),
                ],
                0..40,
            ),
            field_bytes in 0usize..6,
            fields in 1usize..4,
        ) {
            let input = parts.concat();
            let limits = Limits { field_bytes, fields, row_bytes: usize::MAX, stop_early: false };
            let free = capped(&input, Limits::NONE);
            let caps = capped(&input, limits);
            prop_assert_eq!(free.len(), caps.len());
            for (f, c) in free.iter().zip(&caps) {
                prop_assert_eq!(f.0, c.0);
                prop_assert_eq!(f.2, c.2);
                prop_assert_eq!(f.4, c.4);
                // Fields past the field cap are counted, never stored, so never "too long".
                let fits = f.1.iter().take(fields).all(|x| x.len() <= field_bytes);
                prop_assert_eq!(fits, c.3.is_none());
                if fits {
                    let n = f.1.len().min(fields);
                    prop_assert_eq!(&f.1[..n], &c.1[..]);
                }
            }
        }

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
            prop_assert_eq!(fields_of(with_rows(&input, chunk)), with_crate(&input));
            // Lines do not depend on where the buffers split (a CR at the end of one, its
            // LF at the start of the next, is one line ending).
            prop_assert_eq!(with_rows(&input, chunk), with_rows(&input, 4096));
        }
    }
}
