//! CSV records: the header decides each column's slot once; each row is read as bytes so
//! that invalid UTF-8 or a wrong field count rejects that row only. Rows come from
//! [`super::csv_rows`], which parses as the `csv` crate does, only faster.

use std::io::BufRead;

use super::csv_rows::{Limits, Overflow, Row, RowReader};
use super::{ColumnLayout, FieldMapping, InputRecord, Item, Rejection, Spares};
use crate::error::{Error, Result};

/// The largest header read (bytes): a header is column names, and one larger than this
/// is not a CSV header (`lurescan score /dev/zero` stops here, at once).
pub const MAX_HEADER_BYTES: usize = 1 << 20;
/// The most columns a header may name.
pub const MAX_COLUMNS: usize = 10_000;

/// A stream of CSV records.
pub struct CsvRecords {
    reader: RowReader<Box<dyn BufRead + Send>>,
    layout: ColumnLayout,
    row: Row,
    record: u64,
    source: String,
    pub(super) spares: Spares,
}

impl CsvRecords {
    /// Reads the header and prepares the column mapping.
    pub fn new(
        reader: Box<dyn BufRead + Send>,
        mapping: FieldMapping,
        source: &str,
    ) -> Result<CsvRecords> {
        let header_limits = Limits {
            field_bytes: MAX_HEADER_BYTES,
            fields: MAX_COLUMNS,
            row_bytes: MAX_HEADER_BYTES,
            stop_early: true,
        };
        let mut reader = RowReader::new(reader, header_limits);
        let mut row = Row::default();
        reader.read(&mut row).map_err(|e| Error::Csv {
            context: format!("{source}: reading the header"),
            source: e.into(),
        })?;
        if row.overflow().is_some() {
            return Err(Error::Record {
                record: 0,
                line: 1,
                id: None,
                reason: format!(
                    "{source}: the header is over {MAX_HEADER_BYTES} bytes or {MAX_COLUMNS} columns; \
                     this is not a CSV file with a header (JSONL needs --format jsonl)"
                ),
            });
        }
        if let Some(line) = row.unterminated() {
            return Err(Error::Record {
                record: 0,
                line: 1,
                id: None,
                reason: format!(
                    "{source}: the header has a quote opened on line {line} that is never closed"
                ),
            });
        }
        let headers: Vec<String> = row
            .ranges()
            .map(|r| {
                String::from_utf8_lossy(&row.bytes()[r])
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        let layout = ColumnLayout::new(headers, mapping, source)?;
        // Each record stores at most the header's fields, each at most the field limit:
        // one huge field or line costs that, not its size (see `csv_rows`).
        reader.set_limits(Limits {
            field_bytes: layout.mapping().max_field_bytes,
            fields: layout.headers().len(),
            row_bytes: usize::MAX,
            stop_early: false,
        });
        Ok(CsvRecords {
            reader,
            layout,
            row,
            record: 0,
            source: source.to_string(),
            spares: Spares::default(),
        })
    }

    /// The header's column names.
    pub fn headers(&self) -> &[String] {
        self.layout.headers()
    }

    fn build(&mut self) -> Item {
        let line = self.row.line;
        let reject = |reason: String| Rejection {
            record: self.record,
            line,
            id: self
                .layout
                .id_column()
                .and_then(|i| self.row.get(i))
                .map(|b| String::from_utf8_lossy(b).trim().to_string()),
            reason,
        };
        // An unterminated quote swallowed every record after it into this one: said, with
        // the line where it opened, rather than scored as one odd advert.
        if let Some(opened) = self.row.unterminated() {
            return Err(reject(format!(
                "a quote opened on line {opened} is never closed: every line after it was \
                 read into this record (records there, if any, are not scored)"
            )));
        }
        match self.row.overflow() {
            Some(Overflow::Field { index, bytes }) => {
                let name = self.headers().get(index).map_or("?", String::as_str);
                return Err(reject(format!(
                    "field {name} is {bytes} bytes, over the {}-byte limit (--max-field-bytes)",
                    self.layout.mapping().max_field_bytes
                )));
            }
            Some(Overflow::Row { bytes }) => {
                return Err(reject(format!("the record is over {bytes} bytes")));
            }
            Some(Overflow::Fields) | None => {}
        }
        if self.row.fields() != self.headers().len() {
            return Err(reject(format!(
                "has {} fields, the header has {}",
                self.row.fields(),
                self.headers().len()
            )));
        }
        let text = utf8_fields(&self.row).map_err(|(i, at)| {
            reject(format!(
                "column {} is not valid UTF-8 (byte {at})",
                self.layout.headers()[i]
            ))
        })?;
        let values = self.row.ranges().map(|r| &text[r]);
        self.layout
            .record(self.record, line, values, self.spares.take())
    }
}

/// The row's bytes as text when every field is UTF-8; else the first field that is not,
/// and how far it is valid. One check of the whole row, then of the fields' starts: valid
/// text cut at character boundaries gives valid fields.
fn utf8_fields(row: &Row) -> std::result::Result<&str, (usize, usize)> {
    if let Ok(text) = simdutf8::basic::from_utf8(row.bytes())
        && row.ranges().all(|r| text.is_char_boundary(r.start))
    {
        return Ok(text);
    }
    for (i, r) in row.ranges().enumerate() {
        if let Err(e) = std::str::from_utf8(&row.bytes()[r]) {
            return Err((i, e.valid_up_to()));
        }
    }
    // Unreachable: fields that are each valid make a valid whole.
    Err((0, 0))
}

impl Iterator for CsvRecords {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read(&mut self.row) {
            Ok(false) => None,
            Ok(true) => {
                self.record += 1;
                Some(Ok(self.build()))
            }
            // Only I/O fails: the parse itself accepts any bytes.
            Err(e) => Some(Err(Error::Csv {
                context: self.source.clone(),
                source: e.into(),
            })),
        }
    }
}

#[allow(dead_code)]
fn _assert_send(_: &InputRecord) {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row_of(input: &[u8]) -> Row {
        let mut rows = RowReader::new(input, Limits::NONE);
        let mut row = Row::default();
        assert!(rows.read(&mut row).expect("no I/O error"));
        row
    }

    /// The field-by-field check that the whole-row one replaces.
    fn per_field(row: &Row) -> std::result::Result<(), (usize, usize)> {
        for (i, r) in row.ranges().enumerate() {
            std::str::from_utf8(&row.bytes()[r]).map_err(|e| (i, e.valid_up_to()))?;
        }
        Ok(())
    }

    #[test]
    fn a_character_cut_across_two_fields_is_invalid() {
        // Together the two fields hold a valid "é"; each alone is broken.
        let row = row_of(b"ok,\xc3,\xa9\n");
        assert_eq!(utf8_fields(&row), Err((1, 0)));
        assert_eq!(utf8_fields(&row_of(b"a,\xc3\xa9,b\n")), Ok("a\u{e9}b"));
    }

    proptest! {
        #[test]
        fn whole_row_utf8_check_agrees_with_each_field(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b","[..]), Just(&b"a"[..]), Just(&b"\xc3"[..]), Just(&b"\xa9"[..]),
                    Just(&b"\xc3\xa9"[..]), Just(&b"\xe2\x82\xac"[..]), Just(&b"\xe2\x82"[..]),
                    Just(&b"\xff"[..]),
                ],
                1..20,
            ),
        ) {
            let row = row_of(&parts.concat());
            prop_assert_eq!(utf8_fields(&row).map(|_| ()), per_field(&row));
        }
    }
}
