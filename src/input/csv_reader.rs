//! CSV records: the header decides each column's slot once; each row is read as bytes so
//! that invalid UTF-8 or a wrong field count rejects that row only.

use std::io::BufRead;

use super::{FieldMapping, InputRecord, Item, RecordBuilder, Rejection, Slot, slot_of};
use crate::ad::{BODY_FIELDS, TextField};
use crate::error::{Error, Result};

/// A stream of CSV records.
pub struct CsvRecords {
    reader: csv::Reader<Box<dyn BufRead + Send>>,
    mapping: FieldMapping,
    headers: Vec<String>,
    slots: Vec<Option<Slot>>,
    id_col: Option<usize>,
    row: csv::ByteRecord,
    record: u64,
    source: String,
}

impl CsvRecords {
    /// Reads the header and prepares the column mapping.
    pub fn new(
        reader: Box<dyn BufRead + Send>,
        mapping: FieldMapping,
        source: &str,
    ) -> Result<CsvRecords> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(reader);
        let headers: Vec<String> = reader
            .byte_headers()
            .map_err(|e| Error::Csv {
                context: format!("{source}: reading the header"),
                source: e,
            })?
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        let any_body_text = headers
            .iter()
            .any(|h| TextField::from_name(h).is_some_and(|f| BODY_FIELDS.contains(&f)));
        let slots: Vec<Option<Slot>> = headers
            .iter()
            .map(|h| slot_of(h, &mapping, any_body_text))
            .collect();
        let missing = |what: &str, col: &str| Error::Record {
            record: 0,
            line: 1,
            id: None,
            reason: format!(
                "{source}: the header has no {what} column {col:?} (columns: {})",
                headers.join(", ")
            ),
        };
        if let Some(col) = &mapping.id_col
            && !headers.contains(col)
        {
            return Err(missing("id", col));
        }
        if let Some(col) = &mapping.label_col
            && !headers.contains(col)
        {
            return Err(missing("label", col));
        }
        if let Some(cols) = &mapping.text_cols {
            for col in cols {
                if !headers.contains(col) {
                    return Err(missing("text", col));
                }
            }
        }
        if !slots
            .iter()
            .any(|s| matches!(s, Some(Slot::Field(_) | Slot::ExtraText)))
        {
            return Err(missing("text", "title/description/text or --text-cols"));
        }
        let id_col = slots.iter().position(|s| *s == Some(Slot::Id));
        Ok(CsvRecords {
            reader,
            mapping,
            headers,
            slots,
            id_col,
            row: csv::ByteRecord::new(),
            record: 0,
            source: source.to_string(),
        })
    }

    /// The header's column names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn build(&self, line: u64) -> Item {
        let id = self
            .id_col
            .and_then(|i| self.row.get(i))
            .map(|b| String::from_utf8_lossy(b).trim().to_string());
        let reject = |reason: String| Rejection {
            record: self.record,
            line,
            id: id.clone(),
            reason,
        };
        if self.row.len() != self.headers.len() {
            return Err(reject(format!(
                "has {} fields, the header has {}",
                self.row.len(),
                self.headers.len()
            )));
        }
        let mut b = RecordBuilder::new(&self.mapping);
        for (i, raw) in self.row.iter().enumerate() {
            let value = std::str::from_utf8(raw).map_err(|e| {
                reject(format!(
                    "column {} is not valid UTF-8 (byte {})",
                    self.headers[i],
                    e.valid_up_to()
                ))
            })?;
            b.keep(&self.headers[i], value);
            if let Some(slot) = self.slots[i] {
                b.set(&self.headers[i], slot, value);
            }
        }
        b.finish(self.record, line)
    }
}

impl Iterator for CsvRecords {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_byte_record(&mut self.row) {
            Ok(false) => None,
            Ok(true) => {
                self.record += 1;
                let line = self.row.position().map_or(0, |p| p.line());
                Some(Ok(self.build(line)))
            }
            Err(e) => {
                // Only I/O errors are fatal; csv's own parse errors are per record.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Some(Err(Error::Csv {
                        context: self.source.clone(),
                        source: e,
                    }));
                }
                self.record += 1;
                let line = e.position().map_or(0, |p| p.line());
                Some(Ok(Err(Rejection {
                    record: self.record,
                    line,
                    id: None,
                    reason: e.to_string(),
                })))
            }
        }
    }
}

#[allow(dead_code)]
fn _assert_send(_: &InputRecord) {}
