//! `lurescan._lurescan`: the Python extension module under `python/lurescan/`. It maps
//! Python values to the library's calls and back, nothing more: records are built by
//! `lurescan::input` (the field mapping the CSV and JSONL readers use), scored by
//! `lurescan::bulk` (rayon, input order, every record scored or rejected) with the GIL
//! released, and written by `ScoredRecord::to_json` and `Explanation::to_check_json`, so
//! the package and the CLI cannot differ. The public API, its docstrings and the
//! pandas/Arrow dispatch live in `python/lurescan/__init__.py`.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};

use lurescan::bulk::{BulkOptions, Outcome, Tally, score_stream};
use lurescan::explain::Scorer;
use lurescan::features::Extractor;
use lurescan::input::{ColumnLayout, FieldMapping, Item, Rejection, record_from_entries};
use lurescan::lure::Lexicon;
use lurescan::model::train::{Alpha, COMPANY_COLUMN, ThresholdRule};
use lurescan::model::{LureModel, Provenance, TrainParams};

/// See python/Cargo.toml: the CLI's allocator for the library's allocations.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

create_exception!(
    lurescan,
    InputError,
    PyValueError,
    "A record (or the table's columns) cannot be scored: the message names the record's \
     row index and id, and the reason."
);
create_exception!(
    lurescan,
    ModelError,
    PyValueError,
    "A model or lexicon file is malformed or inconsistent."
);

/// The library's error as the Python exception a caller expects: files → `OSError`,
/// records → `InputError`, models and lexicons → `ModelError`, anything else (training
/// data, parameters) → `ValueError`.
fn to_py_err(e: lurescan::Error) -> PyErr {
    use std::error::Error as _;
    let mut message = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    match e {
        lurescan::Error::Io { .. } => PyOSError::new_err(message),
        lurescan::Error::Record { .. } => InputError::new_err(message),
        lurescan::Error::Model { .. } | lurescan::Error::Lexicon { .. } => {
            ModelError::new_err(message)
        }
        _ => PyValueError::new_err(message),
    }
}

/// A model and the lexicons it scores with: what the CLI's `--model` and `--lexicons`
/// choose. Immutable, so one instance serves every thread.
#[pyclass(module = "lurescan", name = "Model", frozen)]
struct Model {
    model: LureModel,
    /// `None`: the lexicons embedded in the library.
    lexicon: Option<Arc<Lexicon>>,
    /// Where the model came from, for `repr`.
    origin: String,
}

impl Model {
    fn lexicon(&self) -> &Lexicon {
        match &self.lexicon {
            Some(l) => l,
            None => Lexicon::embedded(),
        }
    }

    fn scorer(&self, language: bool) -> Scorer<'_> {
        Scorer::new(&self.model, self.lexicon()).with_language(language)
    }
}

fn load_lexicon(lexicons: Option<PathBuf>) -> PyResult<Option<Arc<Lexicon>>> {
    lexicons
        .map(|dir| Lexicon::with_overrides(&dir).map(Arc::new))
        .transpose()
        .map_err(to_py_err)
}

#[pymethods]
impl Model {
    /// Loads a model file written by `lurescan train` (JSON, or gzip-compressed JSON when
    /// its name ends in `.gz`); `lexicons` is a directory of `<lang>.tsv` files added to
    /// (or replacing) the embedded lexicons, as the CLI's `--lexicons`.
    #[staticmethod]
    #[pyo3(signature = (path, *, lexicons = None))]
    fn load(py: Python<'_>, path: PathBuf, lexicons: Option<PathBuf>) -> PyResult<Model> {
        let origin = path.display().to_string();
        let model = py.detach(|| LureModel::load(&path)).map_err(to_py_err)?;
        Ok(Model {
            model,
            lexicon: load_lexicon(lexicons)?,
            origin,
        })
    }

    /// The default model embedded in the library (what the CLI uses without `--model`).
    #[staticmethod]
    #[pyo3(signature = (*, lexicons = None))]
    fn embedded(lexicons: Option<PathBuf>) -> PyResult<Model> {
        Ok(Model {
            model: default_model()?.clone(),
            lexicon: load_lexicon(lexicons)?,
            origin: "embedded".into(),
        })
    }

    /// The same model with its probabilities shifted to another prevalence (the CLI's
    /// `--prevalence`); the verdict threshold moves with it.
    fn with_prevalence(&self, prevalence: f64) -> PyResult<Model> {
        Ok(Model {
            model: self.model.with_prevalence(prevalence).map_err(to_py_err)?,
            lexicon: self.lexicon.clone(),
            origin: format!("{} at prevalence {prevalence}", self.origin),
        })
    }

    /// Writes the model to `path` (gzip-compressed JSON when it ends in `.gz`), atomically.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        let mut file = lurescan::output::AtomicFile::create(&path).map_err(to_py_err)?;
        self.model
            .write_to(&mut file, LureModel::gzip_path(&path))
            .map_err(to_py_err)?;
        file.commit().map_err(to_py_err)
    }

    /// Probability of a lure at or above which the verdict is "lure".
    #[getter]
    fn threshold(&self) -> f64 {
        self.model.threshold
    }

    /// The share of lures among adverts that the probabilities assume.
    #[getter]
    fn prevalence(&self) -> f64 {
        self.model.prevalence
    }

    fn __repr__(&self) -> String {
        format!(
            "lurescan.Model({}, threshold={:.4}, prevalence={})",
            self.origin, self.model.threshold, self.model.prevalence
        )
    }
}

/// The embedded model, inflated and parsed once per process.
fn default_model() -> PyResult<&'static LureModel> {
    static DEFAULT: OnceLock<Result<LureModel, String>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| LureModel::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ModelError::new_err(e.clone()))
}

/// The model to use: the one given, else the embedded one.
fn model_or_default<'a>(
    model: Option<&'a Model>,
    fallback: &'a OnceLock<Model>,
) -> PyResult<&'a Model> {
    if let Some(m) = model {
        return Ok(m);
    }
    if let Some(m) = fallback.get() {
        return Ok(m);
    }
    let m = Model {
        model: default_model()?.clone(),
        lexicon: None,
        origin: "embedded".into(),
    };
    Ok(fallback.get_or_init(|| m))
}

static EMBEDDED: OnceLock<Model> = OnceLock::new();

/// A Python value as the text of a record's field, by the rules the JSONL reader applies
/// to JSON values: `str` as it is, `None` (and a float NaN, pandas' missing value) as
/// empty, `bool` as `1`/`0`, `int` and `float` as Python writes them (a whole float
/// without its `.0`, as pandas' floats with missing values were ints). Anything else is
/// refused with the reason: `bytes` are not decoded on the caller's behalf (the encoding
/// is theirs to know, and invalid UTF-8 is said as such), and lists, dicts or other
/// objects are not guessed at.
fn field_text<'a>(value: &'a Bound<'_, PyAny>) -> Result<Cow<'a, str>, String> {
    if value.is_none() {
        return Ok(Cow::Borrowed(""));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_str()
            .map(Cow::Borrowed)
            .map_err(|_| "is a str that is not valid Unicode (it holds a lone surrogate)".into());
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Cow::Borrowed(if b.is_true() { "1" } else { "0" }));
    }
    if value.cast::<PyInt>().is_ok() {
        return value
            .str()
            .and_then(|s| s.to_cow().map(|c| Cow::Owned(c.into_owned())))
            .map_err(|e| e.to_string());
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let x = f.value();
        if x.is_nan() {
            return Ok(Cow::Borrowed(""));
        }
        // pandas turns an int column with a missing value into floats: its 1.0 was a 1
        // (a `has_company_logo` flag reads "1", not "1.0").
        if x.fract() == 0.0 && x.abs() < 1e15 {
            return Ok(Cow::Owned(format!("{}", x as i64)));
        }
        return value
            .repr()
            .and_then(|s| s.to_cow().map(|c| Cow::Owned(c.into_owned())))
            .map_err(|e| e.to_string());
    }
    let bytes = if let Ok(b) = value.cast::<PyBytes>() {
        Some(b.as_bytes().to_vec())
    } else if let Ok(b) = value.cast::<PyByteArray>() {
        Some(b.to_vec())
    } else {
        None
    };
    if let Some(bytes) = bytes {
        return Err(match std::str::from_utf8(&bytes) {
            Ok(_) => "is bytes, not str: decode it first (e.g. value.decode('utf-8'))".into(),
            Err(e) => format!(
                "is bytes, not str, and not valid UTF-8 (byte {}): decode it with its own encoding first",
                e.valid_up_to()
            ),
        });
    }
    let type_name = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    Err(format!(
        "is a {type_name}, not text (str, int, float, bool or None)"
    ))
}

/// What a reader hands the scoring pipeline: Python rows converted into records on the
/// pipeline's reader thread, a batch at a time under the GIL (the scoring threads never
/// hold it).
enum Rows {
    /// An iterator of dicts (or mappings), each read as a JSONL object is.
    Dicts(Py<PyAny>),
    /// A table read as CSV rows are. Its columns are converted to Python values a batch
    /// of rows at a time by `fetch(start, stop, wanted)`, a Python callable returning one
    /// list per column (`None` for the columns not in `wanted`, which are never read): so
    /// the conversion runs on the reader thread while earlier batches are scored, and a
    /// column that is not read is never converted.
    Columns {
        layout: Box<ColumnLayout>,
        fetch: Py<PyAny>,
        len: usize,
        /// The batch fetched last, by column, and the row its first values are.
        fetched: Vec<Option<Py<PyList>>>,
        fetched_from: usize,
        fetched_len: usize,
    },
}

/// Rows to records, for [`score_stream`]. A Python exception raised while reading (by the
/// caller's iterator) ends the stream and is kept in `error`, raised once scoring stops.
struct PyRecords {
    rows: Rows,
    mapping: FieldMapping,
    next_row: usize,
    batch: VecDeque<Item>,
    done: bool,
    error: Option<PyErr>,
}

/// Rows converted per visit to the GIL: a visit costs a few microseconds, a row about one.
const ROWS_PER_BATCH: usize = 512;

/// Rows of a table converted to Python values per call of its `fetch`: a pandas slice
/// costs about a millisecond per column whatever its length, so small slices made the
/// reader the bottleneck (100k EMSCAD adverts: 11.5 s at 512 rows a slice).
const ROWS_PER_FETCH: usize = 8192;

impl PyRecords {
    fn fill(&mut self) {
        Python::attach(|py| {
            for _ in 0..ROWS_PER_BATCH {
                match self.read_row(py) {
                    Ok(Some(item)) => self.batch.push_back(item),
                    Ok(None) => {
                        self.done = true;
                        return;
                    }
                    Err(e) => {
                        self.error = Some(e);
                        self.done = true;
                        return;
                    }
                }
            }
        });
    }

    /// The next row as a record (or its rejection); `None` at the end.
    fn read_row(&mut self, py: Python<'_>) -> PyResult<Option<Item>> {
        let index = self.next_row;
        // Records are numbered from 1 as in a file; the message says the 0-based row.
        let record = index as u64 + 1;
        let reject = |reason: String, id: Option<String>| Rejection {
            record,
            line: record,
            id,
            reason,
        };
        match &mut self.rows {
            Rows::Columns {
                layout,
                fetch,
                len,
                fetched,
                fetched_from,
                fetched_len,
            } => {
                if index >= *len {
                    return Ok(None);
                }
                if index >= *fetched_from + *fetched_len {
                    let stop = (index + ROWS_PER_FETCH).min(*len);
                    let wanted: Vec<usize> = (0..layout.headers().len())
                        .filter(|&i| layout.reads(i))
                        .collect();
                    let lists = fetch.bind(py).call1((index, stop, wanted))?;
                    *fetched = Vec::with_capacity(layout.headers().len());
                    for (i, list) in lists.try_iter()?.enumerate() {
                        let list = list?;
                        if list.is_none() || !layout.reads(i) {
                            fetched.push(None);
                            continue;
                        }
                        let list = list.cast_into::<PyList>().map_err(PyErr::from)?;
                        if list.len() != stop - index {
                            return Err(PyValueError::new_err(format!(
                                "column {:?} gave {} values for rows {index}..{stop}",
                                layout.headers()[i],
                                list.len()
                            )));
                        }
                        fetched.push(Some(list.unbind()));
                    }
                    *fetched_from = index;
                    *fetched_len = stop - index;
                }
                self.next_row += 1;
                let at = index - *fetched_from;
                let mut cells = Vec::with_capacity(fetched.len());
                for column in fetched.iter() {
                    cells.push(match column {
                        Some(list) => Some(list.bind(py).get_item(at)?),
                        None => None,
                    });
                }
                let mut values: Vec<Cow<'_, str>> = Vec::with_capacity(cells.len());
                let mut bad: Option<String> = None;
                for (i, cell) in cells.iter().enumerate() {
                    let Some(cell) = cell else {
                        values.push(Cow::Borrowed(""));
                        continue;
                    };
                    match field_text(cell) {
                        Ok(text) => values.push(text),
                        Err(why) => {
                            bad.get_or_insert_with(|| {
                                format!("column {:?} {why}", layout.headers()[i])
                            });
                            values.push(Cow::Borrowed(""));
                        }
                    }
                }
                if let Some(reason) = bad {
                    let id = layout
                        .id_column()
                        .and_then(|i| values.get(i))
                        .map(|v| v.trim().to_string())
                        .filter(|id| !id.is_empty());
                    return Ok(Some(Err(reject(reason, id))));
                }
                Ok(Some(layout.record(
                    record,
                    record,
                    values.iter().map(|v| v.as_ref()),
                    None,
                )))
            }
            Rows::Dicts(iter) => {
                let Some(row) = iter
                    .bind(py)
                    .cast::<pyo3::types::PyIterator>()?
                    .clone()
                    .next()
                else {
                    return Ok(None);
                };
                let row = row?;
                self.next_row += 1;
                let Ok(dict) = row.cast::<PyDict>() else {
                    let type_name = row.get_type().name().map(|n| n.to_string());
                    return Ok(Some(Err(reject(
                        format!(
                            "is a {}, not a dict",
                            type_name.unwrap_or_else(|_| "?".into())
                        ),
                        None,
                    ))));
                };
                let mut entries: Vec<(String, Cow<'_, str>)> = Vec::with_capacity(dict.len());
                let mut bad: Option<String> = None;
                for (key, value) in dict.iter() {
                    let Ok(key) = key.extract::<String>() else {
                        bad.get_or_insert_with(|| format!("has a key that is not a str: {key}"));
                        continue;
                    };
                    if !self.mapping.reads(&key) {
                        continue;
                    }
                    match field_text(&value) {
                        Ok(text) => entries.push((key, Cow::Owned(text.into_owned()))),
                        Err(why) => {
                            bad.get_or_insert_with(|| format!("field {key:?} {why}"));
                        }
                    }
                }
                if let Some(reason) = bad {
                    let id = entries
                        .iter()
                        .find(|(k, _)| {
                            self.mapping
                                .id_col
                                .as_deref()
                                .map_or(k == "job_id" || k == "id", |c| k == c)
                        })
                        .map(|(_, v)| v.trim().to_string())
                        .filter(|id| !id.is_empty());
                    return Ok(Some(Err(reject(reason, id))));
                }
                Ok(Some(record_from_entries(
                    &self.mapping,
                    record,
                    record,
                    &entries,
                    |v| Cow::Borrowed(v.as_ref()),
                    None,
                )))
            }
        }
    }
}

impl Iterator for PyRecords {
    type Item = lurescan::Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.batch.is_empty() && !self.done {
            self.fill();
        }
        self.batch.pop_front().map(Ok)
    }
}

/// The input mapping from the options every entry point shares (the CLI's `--id-col`,
/// `--text-cols`, `--max-field-bytes`).
fn mapping(
    id_col: Option<String>,
    text_cols: Option<Vec<String>>,
    max_field_bytes: usize,
) -> FieldMapping {
    FieldMapping {
        id_col,
        text_cols,
        max_field_bytes,
        ..FieldMapping::new()
    }
}

/// A JSON value as the Python value `json.loads` would give.
fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py)?,
            (None, Some(u)) => u.into_bound_py_any(py)?,
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)?,
        },
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A rejection's reason in the package's words: the library names the CLI's flag.
fn python_reason(reason: &str) -> String {
    reason.replace("(--max-field-bytes)", "(max_field_bytes)")
}

/// Options of one scoring call.
struct ScoreCall<'m> {
    model: &'m Model,
    explain: bool,
    /// Raise on the first rejected record (and stop there) instead of an `error` column.
    raise_on_reject: bool,
}

/// Scores `rows` (read with `mapping`) through `lurescan::bulk` with the GIL released, and returns the
/// results as columns (a dict of equal-length lists): `id`, `probability`, `verdict`,
/// `lures`, and with `explain` `lang` and `evidence`; without `raise_on_reject`, an
/// `error` column too (None where the record was scored).
fn score_into_columns<'py>(
    py: Python<'py>,
    rows: Rows,
    mapping: FieldMapping,
    call: ScoreCall<'_>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut records = PyRecords {
        rows,
        mapping,
        next_row: 0,
        batch: VecDeque::new(),
        done: false,
        error: None,
    };
    let scorer = call.model.scorer(call.explain);
    let opts = BulkOptions {
        explain: call.explain,
        strict: call.raise_on_reject,
        ..BulkOptions::default()
    };
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut tally = Tally::default();
    let run = py.detach(|| {
        score_stream(&mut records, &scorer, opts, &mut tally, |o| {
            outcomes.push(o);
            Ok(())
        })
    });
    if let Some(e) = records.error.take() {
        return Err(e);
    }
    match run {
        Ok(()) => {}
        Err(lurescan::Error::Record {
            record, id, reason, ..
        }) => {
            let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
            return Err(InputError::new_err(format!(
                "row {}{id}: {}",
                record.saturating_sub(1),
                python_reason(&reason)
            )));
        }
        Err(e) => return Err(to_py_err(e)),
    }
    let mut names: Vec<&str> = vec!["id", "probability", "verdict", "lures"];
    if call.explain {
        names.extend(["lang", "evidence"]);
    }
    let columns: Vec<Bound<'py, PyList>> = names.iter().map(|_| PyList::empty(py)).collect();
    let errors = PyList::empty(py);
    for outcome in &outcomes {
        match outcome {
            Outcome::Scored(rec) => {
                // The CLI's JSONL line, so the two cannot differ.
                let json = rec.to_json(&[], call.explain);
                for (name, column) in names.iter().zip(&columns) {
                    let value = json.get(*name).unwrap_or(&serde_json::Value::Null);
                    column.append(json_to_py(py, value)?)?;
                }
                errors.append(py.None())?;
            }
            Outcome::Rejected(r) => {
                for (name, column) in names.iter().zip(&columns) {
                    if *name == "id" {
                        column.append(r.id.as_deref())?;
                    } else {
                        column.append(py.None())?;
                    }
                }
                errors.append(python_reason(&r.reason))?;
            }
        }
    }
    let out = PyDict::new(py);
    for (name, column) in names.iter().zip(columns) {
        out.set_item(*name, column)?;
    }
    if !call.raise_on_reject {
        out.set_item("error", errors)?;
    }
    Ok(out)
}

/// Scores an iterable of dicts (see `lurescan.score`); returns columns.
#[pyfunction]
#[pyo3(signature = (records, *, model = None, explain = false, raise_on_reject = true, id_col = None, text_cols = None, max_field_bytes = lurescan::input::DEFAULT_MAX_FIELD_BYTES))]
#[allow(clippy::too_many_arguments)]
fn _score_dicts<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
    model: Option<PyRef<'py, Model>>,
    explain: bool,
    raise_on_reject: bool,
    id_col: Option<String>,
    text_cols: Option<Vec<String>>,
    max_field_bytes: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let rows = Rows::Dicts(records.try_iter()?.into_any().unbind());
    let call = ScoreCall {
        model: model_or_default(model.as_deref(), &EMBEDDED)?,
        explain,
        raise_on_reject,
    };
    score_into_columns(py, rows, mapping(id_col, text_cols, max_field_bytes), call)
}

/// Scores a table given as its column names, its length and `fetch(start, stop, wanted)`
/// returning the values of rows `start..stop` as one list per column (see
/// [`Rows::Columns`]; `lurescan.score` makes it for DataFrames and Arrow tables).
#[pyfunction]
#[pyo3(signature = (names, length, fetch, *, model = None, explain = false, raise_on_reject = true, id_col = None, text_cols = None, max_field_bytes = lurescan::input::DEFAULT_MAX_FIELD_BYTES))]
#[allow(clippy::too_many_arguments)]
fn _score_columns<'py>(
    py: Python<'py>,
    names: Vec<String>,
    length: usize,
    fetch: Bound<'py, PyAny>,
    model: Option<PyRef<'py, Model>>,
    explain: bool,
    raise_on_reject: bool,
    id_col: Option<String>,
    text_cols: Option<Vec<String>>,
    max_field_bytes: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let map = mapping(id_col, text_cols, max_field_bytes);
    let layout = ColumnLayout::new(names, map.clone(), "the table").map_err(|e| match e {
        // The header's errors name record 0: here they are about the table's columns.
        lurescan::Error::Record { reason, .. } => InputError::new_err(reason),
        other => to_py_err(other),
    })?;
    let rows = Rows::Columns {
        layout: Box::new(layout),
        fetch: fetch.unbind(),
        len: length,
        fetched: Vec::new(),
        fetched_from: 0,
        fetched_len: 0,
    };
    let call = ScoreCall {
        model: model_or_default(model.as_deref(), &EMBEDDED)?,
        explain,
        raise_on_reject,
    };
    score_into_columns(py, rows, map, call)
}

/// One advert, fully explained: the JSON text `lurescan check --json` prints.
#[pyfunction]
#[pyo3(signature = (fields, *, model = None, max_field_bytes = lurescan::input::DEFAULT_MAX_FIELD_BYTES))]
fn _check_json(
    py: Python<'_>,
    fields: &Bound<'_, PyDict>,
    model: Option<PyRef<'_, Model>>,
    max_field_bytes: usize,
) -> PyResult<String> {
    let model = model_or_default(model.as_deref(), &EMBEDDED)?;
    let map = mapping(None, None, max_field_bytes);
    let mut entries: Vec<(String, String)> = Vec::with_capacity(fields.len());
    for (key, value) in fields.iter() {
        let key: String = key.extract()?;
        // A field `check` would ignore is a typo here, not a column to pass over.
        if !map.reads(&key) {
            return Err(PyTypeError::new_err(format!(
                "check() got an unknown field {key:?} (fields: text, title, location, \
                 salary_range, company_profile, description, requirements, benefits, id, \
                 job_id and the EMSCAD metadata columns)"
            )));
        }
        let text = field_text(&value).map_err(|why| InputError::new_err(format!("{key} {why}")))?;
        entries.push((key, text.into_owned()));
    }
    let item = record_from_entries(&map, 1, 1, &entries, |v| Cow::Borrowed(v.as_str()), None);
    let mut record = match item {
        Ok(r) => r,
        Err(r) if r.reason.starts_with("no text") => {
            return Err(InputError::new_err(
                "the advert is empty: give its text (or title, description, ...)",
            ));
        }
        Err(r) => return Err(InputError::new_err(python_reason(&r.reason))),
    };
    // Without an id the advert is called "text", as `lurescan check` calls it.
    if !entries.iter().any(|(k, _)| k == "id" || k == "job_id") {
        record.ad.id = "text".into();
    }
    let scorer = model.scorer(true);
    Ok(py.detach(|| scorer.explain(&record.ad).to_check_json()))
}

/// Trains a model as `lurescan train` does (see `lurescan.train`); returns the model and
/// the cross-validation report as JSON text.
#[pyfunction]
#[pyo3(signature = (data, *, output = None, card = None, cv = 5, group_by = None, seed = 42, alpha = None, target_precision = None, target_recall = None, prevalence = 0.048, positive_weight = 1, max_features = None, meta_scale = 0.0, family_scale = 0.0, norm_floor_quantile = 0.25, max_iterations = 200, nested = false, bootstrap = 1000, label_col = "fraudulent".to_string(), positive = None, id_col = None, text_cols = None, format = None, max_field_bytes = lurescan::input::DEFAULT_MAX_FIELD_BYTES, lexicons = None, command = String::new()))]
#[allow(clippy::too_many_arguments)]
fn _train(
    py: Python<'_>,
    data: PathBuf,
    output: Option<PathBuf>,
    card: Option<PathBuf>,
    cv: usize,
    group_by: Option<String>,
    seed: u64,
    alpha: Option<f64>,
    target_precision: Option<f64>,
    target_recall: Option<f64>,
    prevalence: f64,
    positive_weight: usize,
    max_features: Option<usize>,
    meta_scale: f64,
    family_scale: f64,
    norm_floor_quantile: f64,
    max_iterations: u64,
    nested: bool,
    bootstrap: usize,
    label_col: String,
    positive: Option<Vec<String>>,
    id_col: Option<String>,
    text_cols: Option<Vec<String>>,
    format: Option<String>,
    max_field_bytes: usize,
    lexicons: Option<PathBuf>,
    command: String,
) -> PyResult<(Model, String)> {
    if target_precision.is_some() && target_recall.is_some() {
        return Err(PyValueError::new_err(
            "give target_precision or target_recall, not both",
        ));
    }
    let format = match format.as_deref() {
        None => None,
        Some("csv") => Some(lurescan::input::Format::Csv),
        Some("jsonl") => Some(lurescan::input::Format::Jsonl),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "format {other:?} is neither \"csv\" nor \"jsonl\""
            )));
        }
    };
    let params = TrainParams {
        alpha: alpha.map_or(Alpha::Auto, Alpha::Fixed),
        folds: cv,
        seed,
        prevalence,
        threshold_rule: match (target_precision, target_recall) {
            (Some(p), _) => ThresholdRule::TargetPrecision(p),
            (_, Some(r)) => ThresholdRule::TargetRecall(r),
            _ => ThresholdRule::BestF1,
        },
        positive_weight,
        max_text_features: max_features,
        meta_scale,
        family_scale,
        norm_floor_quantile,
        bootstrap,
        max_iterations,
        group_by: group_by.clone(),
        nested,
        ..TrainParams::default()
    }
    .check()
    .map_err(to_py_err)?;
    let lexicon = load_lexicon(lexicons)?;
    let card_path = match (&output, card) {
        (Some(out), None) => Some(lurescan::model::train::default_card_path(out)),
        (_, card) => card,
    };
    let mut input = mapping(id_col, text_cols, max_field_bytes);
    input.label_col = Some(label_col);
    input.positive = positive;
    // As the CLI: the company column is read for the card's company-grouped CV.
    input.keep_cols = std::iter::once(COMPANY_COLUMN.to_string())
        .chain(group_by.into_iter().filter(|c| c != COMPANY_COLUMN))
        .collect();
    let (model, report) = py
        .detach(|| {
            let sha256 = lurescan::model::train::file_sha256(&data)?;
            let labelled = lurescan::input::read_labelled(&data, format, input)?;
            let lexicon_ref = match &lexicon {
                Some(l) => l,
                None => Lexicon::embedded(),
            };
            let extractor = Extractor::new(lexicon_ref);
            let provenance = Provenance {
                data_file: data.display().to_string(),
                data_sha256: sha256,
                command,
                ..Provenance::default()
            };
            let (model, report) =
                lurescan::model::train::fit(&params, &labelled, &extractor, provenance)?;
            if let (Some(out), Some(card)) = (&output, &card_path) {
                let files =
                    lurescan::model::train::write_model_and_card(&model, &report, out, card)?;
                for f in files {
                    f.commit()?;
                }
            }
            Ok((model, report))
        })
        .map_err(to_py_err)?;
    let mut report_json =
        serde_json::to_value(&report).map_err(|e| PyValueError::new_err(e.to_string()))?;
    if let serde_json::Value::Object(map) = &mut report_json {
        map.insert("threshold".into(), model.threshold.into());
    }
    Ok((
        Model {
            model,
            lexicon,
            origin: output.map_or_else(|| "trained".into(), |p| p.display().to_string()),
        },
        report_json.to_string(),
    ))
}

/// The extension module.
#[pymodule]
fn _lurescan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    m.add_function(wrap_pyfunction!(_check_json, m)?)?;
    m.add_function(wrap_pyfunction!(_score_dicts, m)?)?;
    m.add_function(wrap_pyfunction!(_score_columns, m)?)?;
    m.add_function(wrap_pyfunction!(_train, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
