//! Stage 0: reading adverts. Streams records from CSV (any header) or JSONL, plain or
//! gzip-compressed, mapping columns to advert fields. A record that cannot be used is
//! not an error for the whole feed: it comes out as a [`Rejection`] naming the record,
//! its line, its id when readable, and the reason, so every input record is accounted
//! for. Only unreadable files are fatal. A reader can be handed back the records it gave
//! out ([`RecordSource::recycle`]) and fills them again instead of allocating new ones.

mod csv_reader;
mod csv_rows;
mod jsonl_reader;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::Serialize;

pub use csv_reader::CsvRecords;
pub use jsonl_reader::JsonlRecords;

use crate::ad::{Ad, AdMetadata, BODY_FIELDS, MetaColumn, TextField};
use crate::error::{Error, Result};

/// Default limit on one field's size (1 MiB). Larger fields are rejected, not truncated:
/// a megabyte "advert" is a broken record or an attack on the pipeline, and scoring a
/// truncated one would report evidence from text the user never sees in full.
pub const DEFAULT_MAX_FIELD_BYTES: usize = 1 << 20;

/// Input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// Guesses the format from a file name (`.jsonl`, `.ndjson`, `.json`, optionally
    /// `.gz`); anything else is CSV.
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
            Format::Jsonl
        } else {
            Format::Csv
        }
    }
}

/// How input columns map to advert fields.
#[derive(Debug, Clone, Default)]
pub struct FieldMapping {
    /// Column holding the id (default: `job_id`, then `id`).
    pub id_col: Option<String>,
    /// Columns holding text (default: every EMSCAD text column present, and `text` unless
    /// one of the body columns company_profile, description, requirements or benefits is).
    /// Known names fill their field; other names are joined into the free text.
    pub text_cols: Option<Vec<String>>,
    /// Column holding a label (training and evaluation only).
    pub label_col: Option<String>,
    /// Values of the label column that mean "lure" (default: `1`, `true`, `yes`, `fraud`,
    /// `fraudulent`, `scam`, `fake`, `lure`).
    pub positive: Option<Vec<String>>,
    /// Columns passed through to the output unchanged (in [`read_labelled`], read into
    /// [`LabelledAds::columns`](crate::model::LabelledAds::columns)).
    pub keep_cols: Vec<String>,
    /// Largest accepted field, in bytes.
    pub max_field_bytes: usize,
}

impl FieldMapping {
    /// The default mapping with the default size limit.
    pub fn new() -> Self {
        FieldMapping {
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
            ..Default::default()
        }
    }

    /// Whether a column called `name` is read at all (as the id, the label, a text or a
    /// metadata column, or passed through): a caller converting values from another
    /// representation (Python objects) converts only these.
    pub fn reads(&self, name: &str) -> bool {
        self.keep_cols.iter().any(|c| c == name)
            || slot_of(name, self, false).is_some()
            || slot_of(name, self, true).is_some()
    }

    fn is_positive(&self, value: &str) -> bool {
        let v = value.trim();
        match &self.positive {
            Some(list) => list.iter().any(|p| p.eq_ignore_ascii_case(v)),
            None => [
                "1",
                "true",
                "yes",
                "fraud",
                "fraudulent",
                "scam",
                "fake",
                "lure",
                "t",
                "y",
            ]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(v)),
        }
    }

    fn is_negative(&self, value: &str) -> bool {
        let v = value.trim();
        match &self.positive {
            // With explicit positive values, every other non-empty value is negative.
            Some(_) => !v.is_empty(),
            None => [
                "0",
                "false",
                "no",
                "genuine",
                "legit",
                "legitimate",
                "real",
                "ok",
                "f",
                "n",
            ]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(v)),
        }
    }
}

/// A record read from the input.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// 1-based record number.
    pub record: u64,
    /// 1-based line where it starts.
    pub line: u64,
    /// The advert.
    pub ad: Ad,
    /// The label, when a label column was asked for.
    pub label: Option<bool>,
    /// Values of the pass-through columns, in `keep_cols` order.
    pub kept: Vec<String>,
}

/// A record that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// 1-based record number.
    pub record: u64,
    /// 1-based line where it starts.
    pub line: u64,
    /// Its id, when it could be read.
    pub id: Option<String>,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {} (line {}", self.record, self.line)?;
        if let Some(id) = &self.id {
            write!(f, ", id {id}")?;
        }
        write!(f, "): {}", self.reason)
    }
}

/// One item of an input stream.
pub type Item = std::result::Result<InputRecord, Rejection>;

/// Opens a file (or stdin for `-`), decompressing gzip transparently (see [`decode`]).
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    if path.as_os_str() == "-" {
        return Ok(decode(path, Box::new(std::io::stdin())));
    }
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(decode(path, Box::new(file)))
}

/// Buffers a raw byte stream, gunzipping it when `path` ends in `.gz` or the stream starts
/// with gzip's magic bytes (stdin, or a gzip file under another name, would otherwise be
/// read as text). Callers can wrap the raw file, e.g. to count bytes for a progress bar.
pub fn decode(path: &Path, raw: Box<dyn Read + Send>) -> Box<dyn BufRead + Send> {
    let mut raw = BufReader::with_capacity(1 << 16, raw);
    let by_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    // A read error here comes back on the first real read: only the guess is skipped.
    let by_magic = raw.fill_buf().is_ok_and(|b| b.starts_with(&[0x1f, 0x8b]));
    if by_name || by_magic {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    }
}

/// A stream of records in either format.
// One per input file, moved once: the CSV reader's size (its row and caps) costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Records {
    /// CSV.
    Csv(CsvRecords),
    /// JSONL.
    Jsonl(JsonlRecords),
}

impl Records {
    /// Reads `reader` as `format` with `mapping`. `source` names the input in errors.
    pub fn new(
        reader: Box<dyn BufRead + Send>,
        format: Format,
        mapping: FieldMapping,
        source: &str,
    ) -> Result<Records> {
        Ok(match format {
            Format::Csv => Records::Csv(CsvRecords::new(reader, mapping, source)?),
            Format::Jsonl => Records::Jsonl(JsonlRecords::new(reader, mapping, source)),
        })
    }

    /// Opens a path (`-` for stdin) in the given format, or the one its name suggests.
    pub fn open(path: &Path, format: Option<Format>, mapping: FieldMapping) -> Result<Records> {
        let format = format.unwrap_or_else(|| Format::from_path(path));
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        Records::new(open(path)?, format, mapping, &name)
    }
}

impl Iterator for Records {
    type Item = Result<Item>;
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Records::Csv(r) => r.next(),
            Records::Jsonl(r) => r.next(),
        }
    }
}

/// A stream of input items that takes back spent records to fill again, so that a long
/// feed is read without allocating per record.
pub trait RecordSource: Iterator<Item = Result<Item>> {
    /// Hands back a record this source gave out and its reader is done with.
    fn recycle(&mut self, _spent: InputRecord) {}
}

impl<S: RecordSource + ?Sized> RecordSource for &mut S {
    fn recycle(&mut self, spent: InputRecord) {
        (**self).recycle(spent);
    }
}

/// Spent records a reader keeps for reuse, at most (a few chunks' worth in flight).
const MAX_SPARES: usize = 16 * 1024;
/// A field's allocation over this is freed, not kept for reuse: a kept one only grows, to
/// the longest text its slot ever held, so keeping long ones raised peak memory by a
/// third on a 100k feed (16 KiB: 58 -> 84 MB; 1 KiB: 64 MB) for no clear gain. Short
/// fields (title, location, id ...) reuse theirs; long ones are allocated to size and
/// freed by the reader itself, never by a worker.
const MAX_KEPT_CAPACITY: usize = 1024;

/// Spent records' adverts, cleared, waiting to be filled again (their ids and kept
/// values went out with the outcomes).
#[derive(Default)]
struct Spares(Vec<Ad>);

impl Spares {
    /// Clears the advert at once, so a long one's text is freed now, not when reused.
    fn put(&mut self, spent: InputRecord) {
        if self.0.len() < MAX_SPARES {
            let mut ad = spent.ad;
            ad.clear(MAX_KEPT_CAPACITY);
            self.0.push(ad);
        }
    }

    fn take(&mut self) -> Option<Ad> {
        self.0.pop()
    }
}

impl RecordSource for Records {
    fn recycle(&mut self, spent: InputRecord) {
        match self {
            Records::Csv(r) => r.spares.put(spent),
            Records::Jsonl(r) => r.spares.put(spent),
        }
    }
}

/// Where each named value of a record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Id,
    Field(TextField),
    ExtraText,
    Label,
    Meta(MetaColumn),
}

/// Decides the slot of each column name (for CSV, once per file; for JSONL per key).
fn slot_of(name: &str, mapping: &FieldMapping, any_body_text: bool) -> Option<Slot> {
    let id_match = match &mapping.id_col {
        Some(col) => name == col,
        None => name == "job_id" || (name == "id"),
    };
    if id_match {
        return Some(Slot::Id);
    }
    if mapping.label_col.as_deref() == Some(name) {
        return Some(Slot::Label);
    }
    match &mapping.text_cols {
        Some(cols) => {
            if cols.iter().any(|c| c == name) {
                return Some(match TextField::from_name(name) {
                    Some(f) => Slot::Field(f),
                    None => Slot::ExtraText,
                });
            }
        }
        None => {
            if let Some(f) = TextField::from_name(name)
                && (f != TextField::Text || !any_body_text)
            {
                return Some(Slot::Field(f));
            }
        }
    }
    MetaColumn::from_name(name).map(Slot::Meta)
}

/// How the columns of a table map to advert fields, decided once from the column names
/// (a CSV header, a DataFrame's or an Arrow table's columns) with the checks a header
/// gets: a column named twice, and an id, label or text column asked for but absent, are
/// refused; with both `job_id` and `id` the id is `job_id`. A column the table has counts
/// as present in every row, so an empty value there means "empty", as in EMSCAD.
#[derive(Debug, Clone)]
pub struct ColumnLayout {
    mapping: FieldMapping,
    headers: Vec<String>,
    slots: Vec<Option<Slot>>,
    /// Per column, the `keep_cols` positions it fills.
    keeps: Vec<Vec<usize>>,
    id_col: Option<usize>,
}

impl ColumnLayout {
    /// The layout of a table with these column names; `source` names the table in errors
    /// (which are [`Error::Record`] with record 0, line 1: the header).
    pub fn new(headers: Vec<String>, mapping: FieldMapping, source: &str) -> Result<ColumnLayout> {
        let any_body_text = headers
            .iter()
            .any(|h| TextField::from_name(h).is_some_and(|f| BODY_FIELDS.contains(&f)));
        let mut slots: Vec<Option<Slot>> = headers
            .iter()
            .map(|h| slot_of(h, &mapping, any_body_text))
            .collect();
        let header_error = |reason: String| Error::Record {
            record: 0,
            line: 1,
            id: None,
            reason,
        };
        // A column named twice would keep one value silently (lure text in the other
        // never scored): the header is refused with both positions.
        for (i, h) in headers.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
            if let Some(j) = headers[..i].iter().position(|other| other == h) {
                return Err(header_error(format!(
                    "{source}: the header names column {h:?} twice (columns {} and {}); rename one",
                    j + 1,
                    i + 1
                )));
            }
        }
        // Without --id-col the id is `job_id`, else `id`: with both, `id` is left alone.
        if mapping.id_col.is_none() && headers.iter().any(|h| h == "job_id") {
            for (slot, h) in slots.iter_mut().zip(&headers) {
                if h == "id" {
                    *slot = None;
                }
            }
        }
        let missing = |what: &str, col: &str| {
            header_error(format!(
                "{source}: the header has no {what} column {col:?} (columns: {})",
                headers.join(", ")
            ))
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
        let keeps = headers
            .iter()
            .map(|h| {
                let cols = mapping.keep_cols.iter().enumerate();
                cols.filter(|(_, k)| *k == h).map(|(i, _)| i).collect()
            })
            .collect();
        Ok(ColumnLayout {
            mapping,
            headers,
            slots,
            keeps,
            id_col,
        })
    }

    /// The column names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The position of the id column, if the table has one.
    pub fn id_column(&self) -> Option<usize> {
        self.id_col
    }

    /// Whether column `i` is read at all (see [`FieldMapping::reads`]).
    pub fn reads(&self, i: usize) -> bool {
        self.slots.get(i).is_some_and(Option::is_some)
            || self.keeps.get(i).is_some_and(|k| !k.is_empty())
    }

    /// The mapping the layout was made with.
    pub fn mapping(&self) -> &FieldMapping {
        &self.mapping
    }

    /// One row as a record: `values` in column order (fewer values than columns leave
    /// the rest empty). `spare` is a cleared advert to fill (see
    /// [`RecordSource::recycle`]). A value over the field limit, a row without text or a
    /// bad label makes a [`Rejection`], as in a CSV file.
    pub fn record<'v>(
        &self,
        record: u64,
        line: u64,
        values: impl IntoIterator<Item = &'v str>,
        spare: Option<Ad>,
    ) -> Item {
        let mut b = RecordBuilder::new(&self.mapping, spare);
        for (i, value) in values.into_iter().enumerate().take(self.headers.len()) {
            for &k in &self.keeps[i] {
                b.keep_at(&self.headers[i], k, value);
            }
            if let Some(slot) = self.slots[i] {
                b.set(&self.headers[i], slot, value);
            }
        }
        b.finish(record, line)
    }
}

/// One record from named values, read as a JSONL object is (keys map to slots one record
/// at a time: a key absent from this record says nothing about the others). `value`
/// gives each entry's text. With both `job_id` and `id` the id is `job_id` (unless
/// `mapping.id_col` says otherwise). Used by the JSONL reader and by callers holding
/// records as key–value maps (Python dicts).
pub fn record_from_entries<K: AsRef<str>, V>(
    mapping: &FieldMapping,
    record: u64,
    line: u64,
    entries: &[(K, V)],
    value: impl for<'x> Fn(&'x V) -> std::borrow::Cow<'x, str>,
    spare: Option<Ad>,
) -> Item {
    let any_body_text = entries
        .iter()
        .any(|(k, _)| TextField::from_name(k.as_ref()).is_some_and(|f| BODY_FIELDS.contains(&f)));
    let skip_id = mapping.id_col.is_none() && entries.iter().any(|(k, _)| k.as_ref() == "job_id");
    let mut b = RecordBuilder::new(mapping, spare);
    for (key, v) in entries {
        let key = key.as_ref();
        let text = value(v);
        b.keep(key, &text);
        if skip_id && key == "id" {
            continue;
        }
        if let Some(slot) = slot_of(key, mapping, any_body_text) {
            b.set(key, slot, &text);
        }
    }
    b.finish(record, line)
}

/// Builds adverts from (slot, value) pairs, checking sizes and text.
struct RecordBuilder<'m> {
    mapping: &'m FieldMapping,
    ad: Ad,
    extra_text: String,
    label: Option<std::result::Result<bool, String>>,
    kept: Vec<String>,
    error: Option<String>,
}

impl<'m> RecordBuilder<'m> {
    /// A builder filling `spare`'s allocations when given (a spent record's cleared
    /// advert, see [`RecordSource::recycle`]).
    fn new(mapping: &'m FieldMapping, spare: Option<Ad>) -> Self {
        RecordBuilder {
            mapping,
            ad: spare.unwrap_or_default(),
            extra_text: String::new(),
            label: None,
            kept: vec![String::new(); mapping.keep_cols.len()],
            error: None,
        }
    }

    fn keep(&mut self, name: &str, value: &str) {
        for i in 0..self.mapping.keep_cols.len() {
            if self.mapping.keep_cols[i] == name {
                self.keep_at(name, i, value);
            }
        }
    }

    /// Notes an oversized field (the first one is the reason the record is rejected).
    fn too_big(&mut self, name: &str, len: usize) {
        if self.error.is_none() {
            self.error = Some(format!(
                "field {name} is {len} bytes, over the {}-byte limit (--max-field-bytes)",
                self.mapping.max_field_bytes
            ));
        }
    }

    /// Sets pass-through value `i` (a position in `keep_cols`) from column `name`.
    fn keep_at(&mut self, name: &str, i: usize, value: &str) {
        // A passed-through value is held to the field limit as a text is: it is written
        // out again, once per record.
        if value.len() > self.mapping.max_field_bytes {
            self.too_big(name, value.len());
            return;
        }
        if let Some(slot) = self.kept.get_mut(i) {
            *slot = value.to_owned();
        }
    }

    fn set(&mut self, name: &str, slot: Slot, value: &str) {
        if value.len() > self.mapping.max_field_bytes {
            self.too_big(name, value.len());
            return;
        }
        match slot {
            Slot::Id => {
                self.ad.id.clear();
                self.ad.id.push_str(value.trim());
            }
            Slot::Field(f) => self.ad.set_field_str(f, value),
            Slot::ExtraText => {
                if !value.trim().is_empty() {
                    if !self.extra_text.is_empty() {
                        self.extra_text.push('\n');
                    }
                    self.extra_text.push_str(value);
                }
            }
            Slot::Label => {
                self.label = Some(if self.mapping.is_positive(value) {
                    Ok(true)
                } else if self.mapping.is_negative(value) {
                    Ok(false)
                } else {
                    Err(format!(
                        "label {name} has value {value:?}, which is neither positive nor negative"
                    ))
                })
            }
            Slot::Meta(m) => {
                self.ad.columns.add_meta(m);
                let flag = || match value.trim() {
                    "1" | "true" | "t" | "yes" => Some(true),
                    "0" | "false" | "f" | "no" => Some(false),
                    _ => None,
                };
                let text = || Some(value.trim().to_string()).filter(|s| !s.is_empty());
                let meta: &mut AdMetadata = &mut self.ad.meta;
                match m {
                    MetaColumn::Telecommuting => meta.telecommuting = flag(),
                    MetaColumn::HasCompanyLogo => meta.has_company_logo = flag(),
                    MetaColumn::HasQuestions => meta.has_questions = flag(),
                    MetaColumn::EmploymentType => meta.employment_type = text(),
                    MetaColumn::RequiredExperience => meta.required_experience = text(),
                    MetaColumn::RequiredEducation => meta.required_education = text(),
                    MetaColumn::Industry => meta.industry = text(),
                    MetaColumn::Function => meta.function = text(),
                    MetaColumn::Department => meta.department = text(),
                }
            }
        }
    }

    fn finish(mut self, record: u64, line: u64) -> Item {
        let id = if self.ad.id.is_empty() {
            record.to_string()
        } else {
            std::mem::take(&mut self.ad.id)
        };
        let reject = |reason: String, id: String| Rejection {
            record,
            line,
            id: Some(id),
            reason,
        };
        if let Some(reason) = self.error {
            return Err(reject(reason, id));
        }
        if !self.extra_text.is_empty() {
            let text = match self.ad.field(TextField::Text) {
                Some(t) => format!("{t}\n{}", self.extra_text),
                None => std::mem::take(&mut self.extra_text),
            };
            self.ad.set_field(TextField::Text, text);
        }
        if self.ad.is_empty() {
            return Err(reject("no text in any of the text columns".into(), id));
        }
        let label = match (self.mapping.label_col.as_deref(), self.label) {
            (None, _) => None,
            (Some(col), None) => {
                return Err(reject(format!("no value in the label column {col}"), id));
            }
            (Some(_), Some(Err(reason))) => return Err(reject(reason, id)),
            (Some(_), Some(Ok(y))) => Some(y),
        };
        self.ad.id = id;
        Ok(InputRecord {
            record,
            line,
            ad: self.ad,
            label,
            kept: self.kept,
        })
    }
}

/// Reads a whole labelled file (training and evaluation), failing on the first bad record
/// with its number and reason: a model must not be trained on silently dropped rows.
/// The columns of `mapping.keep_cols` that the source has are read into
/// [`LabelledAds::columns`](crate::model::LabelledAds::columns) (for grouping folds).
pub fn read_labelled(
    path: &Path,
    format: Option<Format>,
    mapping: FieldMapping,
) -> Result<crate::model::LabelledAds> {
    if mapping.label_col.is_none() {
        return Err(Error::InvalidParameter {
            name: "label-col",
            reason: "a label column is required".into(),
        });
    }
    let keep_cols = mapping.keep_cols.clone();
    let records = Records::open(path, format, mapping)?;
    // A CSV header says which kept columns the source has; JSONL, which has no header,
    // has a column when some record gives it a value.
    let in_header: Option<Vec<bool>> = match &records {
        Records::Csv(r) => Some(keep_cols.iter().map(|c| r.headers().contains(c)).collect()),
        Records::Jsonl(_) => None,
    };
    let mut data = crate::model::LabelledAds::default();
    let mut kept: Vec<Vec<String>> = vec![Vec::new(); keep_cols.len()];
    for item in records {
        match item? {
            Ok(rec) => {
                data.labels.push(rec.label.unwrap_or(false));
                data.ads.push(rec.ad);
                for (values, value) in kept.iter_mut().zip(rec.kept) {
                    values.push(value);
                }
            }
            Err(r) => {
                return Err(Error::Record {
                    record: r.record,
                    line: r.line,
                    id: r.id,
                    reason: r.reason,
                });
            }
        }
    }
    for (i, (name, values)) in keep_cols.into_iter().zip(kept).enumerate() {
        let present = match &in_header {
            Some(h) => h[i],
            None => values.iter().any(|v| !v.is_empty()),
        };
        if present {
            data.columns.insert(name, values);
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, format: Format, mapping: FieldMapping) -> Vec<Item> {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        Records::new(reader, format, mapping, "test")
            .expect("opens")
            .map(|r| r.expect("not fatal"))
            .collect()
    }

    /// Reads `text` handing each record back before the next, as bulk scoring does.
    fn read_recycling(text: &str, format: Format, mapping: FieldMapping) -> Vec<String> {
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut records = Records::new(reader, format, mapping, "test").expect("opens");
        let mut out = Vec::new();
        while let Some(item) = records.next() {
            let item = item.expect("not fatal");
            out.push(format!("{item:?}"));
            if let Ok(rec) = item {
                records.recycle(rec);
            }
        }
        out
    }

    #[test]
    fn recycled_records_read_as_fresh_ones() {
        let csv = "job_id,title,description,industry,has_company_logo\n\
                   1,Clerk,\"Long text, quoted\",Banking,1\n\
                   2,,Short,,\n\
                   3,  ,,,\n\
                   ,Driver,x,Transport,0\n";
        let jsonl = "{\"id\":\"a\",\"title\":\"T\",\"industry\":\"Banking\",\"text\":\"long text here\"}\n\
                     {\"id\":\"b\",\"text\":\"x\"}\n\
                     {\"title\":\"only a title\",\"has_company_logo\":true}\n";
        for (text, format) in [(csv, Format::Csv), (jsonl, Format::Jsonl)] {
            let mapping = FieldMapping {
                keep_cols: vec!["industry".into()],
                ..FieldMapping::new()
            };
            let fresh: Vec<String> = read(text, format, mapping.clone())
                .iter()
                .map(|item| format!("{item:?}"))
                .collect();
            assert_eq!(read_recycling(text, format, mapping), fresh);
        }
    }

    #[test]
    fn csv_maps_emscad_columns() {
        let csv = "job_id,title,description,has_company_logo,fraudulent\nE1,Clerk,Type data,0,1\n";
        let got = read(csv, Format::Csv, FieldMapping::new());
        let rec = got[0].as_ref().expect("good record");
        assert_eq!(rec.ad.id, "E1");
        assert_eq!(rec.ad.field(TextField::Title), Some("Clerk"));
        assert_eq!(rec.ad.meta.has_company_logo, Some(false));
    }

    #[test]
    fn csv_rejects_bad_records_and_keeps_going() {
        let mut csv = String::from("id,text\n1,fine\n2,a,b\n3,\n");
        csv.push_str("4,also fine\n");
        let got = read(&csv, Format::Csv, FieldMapping::new());
        assert_eq!(got.len(), 4);
        assert!(got[0].is_ok() && got[3].is_ok());
        let r1 = got[1].as_ref().expect_err("wrong field count");
        assert_eq!((r1.record, r1.line, r1.id.as_deref()), (2, 3, Some("2")));
        assert!(r1.reason.contains("3 fields"), "{}", r1.reason);
        assert!(
            got[2]
                .as_ref()
                .expect_err("no text")
                .reason
                .contains("no text")
        );
    }

    #[test]
    fn jsonl_reads_and_rejects() {
        let text = "{\"id\":\"a\",\"text\":\"hello\"}\nnot json\n\n{\"id\":7,\"title\":\"t\",\"has_company_logo\":1}\n";
        let got = read(text, Format::Jsonl, FieldMapping::new());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().expect("ok").ad.id, "a");
        assert_eq!(got[1].as_ref().expect_err("bad").line, 2);
        let third = got[2].as_ref().expect("ok");
        assert_eq!((third.ad.id.as_str(), third.line), ("7", 4));
    }

    #[test]
    fn oversized_fields_are_rejected() {
        let mapping = FieldMapping {
            max_field_bytes: 5,
            ..FieldMapping::new()
        };
        let got = read("id,text\n1,abcdefgh\n", Format::Csv, mapping);
        assert!(
            got[0]
                .as_ref()
                .expect_err("too big")
                .reason
                .contains("limit")
        );
    }

    #[test]
    fn labels_with_custom_positive_value() {
        let mapping = FieldMapping {
            label_col: Some("kind".into()),
            positive: Some(vec!["scam".into()]),
            text_cols: Some(vec!["body".into()]),
            ..FieldMapping::new()
        };
        let got = read("id,body,kind\n1,x,scam\n2,y,real\n", Format::Csv, mapping);
        assert_eq!(got[0].as_ref().expect("ok").label, Some(true));
        assert_eq!(got[1].as_ref().expect("ok").label, Some(false));
        assert_eq!(
            got[1].as_ref().expect("ok").ad.field(TextField::Text),
            Some("y")
        );
    }
}
