//! Shared by the record-reader targets: read every item of a stream, checking what a
//! reader promises (record numbers rise, lines never go back, ids and fields are bounded).

use lurescan::input::{FieldMapping, Format, Records, decode};
use std::path::Path;

/// The first byte picks the field limit (small limits exercise the skip paths), the rest
/// is the stream as a file would hold it (gzip is detected by its magic bytes).
pub fn read_all(data: &[u8], format: Format) {
    let Some((&limit, body)) = data.split_first() else {
        return;
    };
    let mut mapping = FieldMapping::new();
    mapping.max_field_bytes = 1 + (limit as usize) * 16;
    let raw: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(body.to_vec()));
    let reader = decode(Path::new("fuzz-input"), raw);
    let Ok(records) = Records::new(reader, format, mapping.clone(), "fuzz-input") else {
        return;
    };
    let mut last_record = 0u64;
    let mut last_line = 0u64;
    for item in records {
        let Ok(item) = item else {
            // A fatal read error (bad gzip, I/O) ends the stream.
            break;
        };
        let (record, line) = match &item {
            Ok(r) => {
                for (_, text) in r.ad.fields() {
                    assert!(
                        text.len() <= mapping.max_field_bytes,
                        "a field over the limit"
                    );
                }
                (r.record, r.line)
            }
            Err(rej) => (rej.record, rej.line),
        };
        assert!(
            record > last_record,
            "record numbers must rise: {record} after {last_record}"
        );
        assert!(
            line >= last_line,
            "line numbers must not go back: {line} after {last_line}"
        );
        last_record = record;
        last_line = line;
    }
}
