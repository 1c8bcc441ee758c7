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
        let ObjectEntries(entries) = serde_json::from_str(text).map_err(|e| {
            let reason = match e.classify() {
                // A valid JSON value of another type than an object.
                serde_json::error::Category::Data if e.to_string().starts_with("invalid type") => {
                    "not a JSON object".to_string()
                }
                // A key given twice.
                serde_json::error::Category::Data => e.to_string(),
                _ => format!("malformed JSON: {e}"),
            };
            reject(reason, None)
        })?;
        let has = |name: &str| entries.iter().any(|(k, _)| k == name);
        let any_body_text = entries
            .iter()
            .any(|(k, _)| TextField::from_name(k).is_some_and(|f| BODY_FIELDS.contains(&f)));
        // Without --id-col the id is `job_id`, else `id` (as for CSV).
        let skip_id = self.mapping.id_col.is_none() && has("job_id");
        let mut b = RecordBuilder::new(&self.mapping, spare);
        for (key, v) in &entries {
            if skip_id && key == "id" {
                b.keep(key, &plain_value(v));
                continue;
            }
            let value = plain_value(v);
            let value: &str = &value;
            b.keep(key, value);
            if let Some(slot) = slot_of(key, &self.mapping, any_body_text) {
                b.set(key, slot, value);
            }
        }
        b.finish(self.record, self.line)
    }
}

/// A JSON object's entries in order, refusing a key given twice: serde_json's map would
/// keep the last value silently, and lure text in the first would never be scored.
struct ObjectEntries(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for ObjectEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = ObjectEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<ObjectEntries, A::Error> {
                let mut entries: Vec<(String, serde_json::Value)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!(
                            "key {key:?} appears twice in the object"
                        )));
                    }
                    entries.push((key, value));
                }
                Ok(ObjectEntries(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// A JSON value as the text a record field holds: strings as they are, null as empty,
/// booleans as 1/0, numbers and nested values as JSON.
fn plain_value(v: &serde_json::Value) -> std::borrow::Cow<'_, str> {
    match v {
        serde_json::Value::String(s) => std::borrow::Cow::Borrowed(s),
        serde_json::Value::Null => std::borrow::Cow::Borrowed(""),
        serde_json::Value::Bool(x) => std::borrow::Cow::Borrowed(if *x { "1" } else { "0" }),
        _ => std::borrow::Cow::Owned(v.to_string()),
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
            // A UTF-8 byte-order mark before the first record is not part of it.
            let bytes = if self.line == 1 {
                bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
            } else {
                bytes
            };
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
