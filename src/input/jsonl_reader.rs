//! JSONL records: one JSON object per line; blank lines are skipped (not records).
//! Keys map to slots as CSV columns do; numbers and booleans are read as text.

use std::io::BufRead;

use super::{FieldMapping, Item, RecordBuilder, Rejection, Spares, slot_of};
use crate::ad::Ad;
use crate::ad::{BODY_FIELDS, TextField};
use crate::error::{Error, Result};

/// A stream of JSONL records.
pub struct JsonlRecords {
    reader: Box<dyn BufRead + Send>,
    mapping: FieldMapping,
    buf: Vec<u8>,
    line: u64,
    record: u64,
    source: String,
    pub(super) spares: Spares,
}

impl JsonlRecords {
    /// Prepares to read `reader`.
    pub fn new(
        reader: Box<dyn BufRead + Send>,
        mapping: FieldMapping,
        source: &str,
    ) -> JsonlRecords {
        JsonlRecords {
            reader,
            mapping,
            buf: Vec::new(),
            line: 0,
            record: 0,
            source: source.to_string(),
            spares: Spares::default(),
        }
    }

    fn build(&self, text: &str, spare: Option<Ad>) -> Item {
        let reject = |reason: String, id: Option<String>| Rejection {
            record: self.record,
            line: self.line,
            id,
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| reject(format!("malformed JSON: {e}"), None))?;
        let serde_json::Value::Object(obj) = value else {
            return Err(reject("not a JSON object".into(), None));
        };
        let any_body_text = obj
            .keys()
            .any(|k| TextField::from_name(k).is_some_and(|f| BODY_FIELDS.contains(&f)));
        let mut b = RecordBuilder::new(&self.mapping, spare);
        for (key, v) in &obj {
            let owned;
            let value: &str = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => "",
                serde_json::Value::Bool(x) => {
                    if *x {
                        "1"
                    } else {
                        "0"
                    }
                }
                serde_json::Value::Number(n) => {
                    owned = n.to_string();
                    &owned
                }
                _ => {
                    owned = v.to_string();
                    &owned
                }
            };
            b.keep(key, value);
            if let Some(slot) = slot_of(key, &self.mapping, any_body_text) {
                b.set(key, slot, value);
            }
        }
        b.finish(self.record, self.line)
    }
}

impl Iterator for JsonlRecords {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(source) => {
                    return Some(Err(Error::Io {
                        path: self.source.clone().into(),
                        source,
                    }));
                }
            }
            self.line += 1;
            let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.record += 1;
            return Some(Ok(match std::str::from_utf8(bytes) {
                Ok(text) => {
                    let spare = self.spares.take();
                    self.build(text, spare)
                }
                Err(e) => Err(Rejection {
                    record: self.record,
                    line: self.line,
                    id: None,
                    reason: format!("not valid UTF-8 (byte {})", e.valid_up_to()),
                }),
            }));
        }
    }
}
