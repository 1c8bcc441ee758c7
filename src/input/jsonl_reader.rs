//! JSONL records: one JSON object per line; blank lines are skipped (not records).
//! Keys map to slots as CSV columns do; numbers and booleans are read as text. A line
//! is read up to [`JSONL_LINE_FIELDS`] × `--max-field-bytes`: past that it is skipped to
//! its end without being stored, and its record rejected, so one huge line costs the cap,
//! not its size.

use std::io::BufRead;

use super::{FieldMapping, Item, Rejection, Spares, record_from_entries};
use crate::ad::Ad;
use crate::error::{Error, Result};
use serde_json::value::RawValue;

/// A JSONL line may hold this many fields' worth of bytes (`--max-field-bytes` each):
/// it carries every field of its record, escaped (`\u00e9` is 6 bytes for 2).
pub const JSONL_LINE_FIELDS: usize = 16;

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
        record_from_entries(
            &self.mapping,
            self.record,
            self.line,
            &entries,
            |v| plain_value(v),
            spare,
        )
    }
}

/// A JSON object's entries in order, refusing a key given twice: serde_json's map would
/// keep the last value silently, and lure text in the first would never be scored. Values
/// stay as written (a number beyond u64 or f64 keeps every digit).
struct ObjectEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for ObjectEntries<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Entries<'a> {
            type Value = ObjectEntries<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<ObjectEntries<'a>, A::Error> {
                let mut entries: Vec<(String, &'a RawValue)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'a RawValue>()? {
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
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// A JSON value as the text a record field holds: strings as they are, null as empty,
/// booleans as 1/0, numbers exactly as written (an id beyond u64 keeps every digit, so
/// distinct ids stay distinct), nested values as compact JSON.
fn plain_value(raw: &RawValue) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let text = raw.get().trim_matches(|c: char| c.is_ascii_whitespace());
    match text.as_bytes().first() {
        Some(b'"') => match serde_json::from_str::<Cow<'_, str>>(text) {
            Ok(s) => s,
            // The parser accepted it as a string: this does not happen.
            Err(_) => Cow::Borrowed(text),
        },
        Some(b'n') => Cow::Borrowed(""),
        Some(b't') => Cow::Borrowed("1"),
        Some(b'f') => Cow::Borrowed("0"),
        Some(b'{' | b'[') => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Cow::Owned(v.to_string()),
            Err(_) => Cow::Borrowed(text),
        },
        _ => Cow::Borrowed(text),
    }
}

impl Iterator for JsonlRecords {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let cap = self
                .mapping
                .max_field_bytes
                .saturating_mul(JSONL_LINE_FIELDS);
            let len = match read_line_capped(&mut self.reader, &mut self.buf, cap) {
                Ok(None) => return None,
                Ok(Some(len)) => len,
                Err(source) => {
                    return Some(Err(Error::Io {
                        path: self.source.clone().into(),
                        source,
                    }));
                }
            };
            self.line += 1;
            let bytes = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
            // A UTF-8 byte-order mark before the first record is not part of it.
            let bytes = if self.line == 1 {
                bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
            } else {
                bytes
            };
            if len <= cap && bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.record += 1;
            if len > cap {
                return Some(Ok(Err(Rejection {
                    record: self.record,
                    line: self.line,
                    id: None,
                    reason: format!(
                        "the line is {len} bytes, over the {cap}-byte limit for a JSONL record \
                         ({JSONL_LINE_FIELDS} × --max-field-bytes)"
                    ),
                })));
            }
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

/// Reads one line into `buf` without its `\n`, storing at most `cap` + 1 bytes of it (a
/// `\r` may follow `cap` bytes of text); the rest of a longer line is read and dropped.
/// Returns the line's full length without its ending (`\n` or `\r\n`), or `None` at the
/// end of the input.
fn read_line_capped(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut ended = false;
    let mut last = None;
    while !ended {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (text, take) = match memchr::memchr(b'\n', available) {
            Some(i) => {
                ended = true;
                (&available[..i], i + 1)
            }
            None => (available, available.len()),
        };
        if let Some(&b) = text.last() {
            last = Some(b);
        }
        let room = cap.saturating_add(1).saturating_sub(buf.len());
        buf.extend_from_slice(&text[..text.len().min(room)]);
        total = total.saturating_add(text.len());
        reader.consume(take);
    }
    if total == 0 && !ended {
        return Ok(None);
    }
    Ok(Some(total - usize::from(last == Some(b'\r'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines_store_the_cap_and_count_the_rest() {
        let input = b"short\r\n0123456789abc\nlast";
        let mut reader = std::io::BufReader::with_capacity(4, &input[..]);
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while let Some(len) = read_line_capped(&mut reader, &mut buf, 8).expect("reads") {
            lines.push((len, String::from_utf8_lossy(&buf).into_owned()));
        }
        assert_eq!(
            lines,
            [
                (5, "short\r".to_string()),
                (13, "012345678".to_string()),
                (4, "last".to_string())
            ]
        );
    }
}
