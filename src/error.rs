//! The library's one error type. Variants say what went wrong and where (file, line,
//! record id, field), so the CLI can report it without guessing.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written. (Display names the file; the cause is the
    /// error's source, which the CLI prints after it: saying it in both printed it twice.)
    #[error("{}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The run was stopped by a signal (SIGINT, SIGTERM) before it finished.
    #[error("interrupted ({signal})")]
    Interrupted {
        /// The signal's name.
        signal: &'static str,
        /// The exit code that reports it (128 + the signal number).
        code: u8,
    },
    /// A lexicon line could not be parsed.
    #[error("lexicon {file}, line {line}: {reason}")]
    Lexicon {
        /// Lexicon file name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A model file is malformed or inconsistent.
    #[error("model {source_name}: {reason}")]
    Model {
        /// Where the model came from (a path or "embedded default").
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A record in an input feed could not be used.
    #[error("record {record} (line {line}{}): {reason}", id.as_deref().map(|i| format!(", id {i}")).unwrap_or_default())]
    Record {
        /// 1-based record number in the input.
        record: u64,
        /// 1-based line number where the record starts.
        line: u64,
        /// The record's id, if it could be read.
        id: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// An output file is also an input, or another output, of the same run: writing it
    /// would destroy data before it is read or overwrite the other output.
    #[error("{output} {} is the same file as {other} {}: refusing to overwrite it (choose another file)", path.display(), other_path.display())]
    OutputOverlap {
        /// The flag naming the output (`-o`, `--errors`, `--card` ...).
        output: String,
        /// What else the file is (`input`, `--model`, `-o` ...).
        other: String,
        /// The output path as given.
        path: PathBuf,
        /// The other path as given.
        other_path: PathBuf,
    },
    /// Training data is unusable (too few rows, one class only, bad labels, ...).
    #[error("training data: {0}")]
    TrainingData(String),
    /// Invalid parameters (training, evaluation or scoring settings).
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },
    /// The model fit failed inside linfa.
    #[error("model fit failed: {0}")]
    Fit(String),
    /// A metric cannot be computed for this data.
    #[error(transparent)]
    Metric(#[from] crate::metrics::MetricError),
    /// A JSON document could not be (de)serialised (the cause is the source).
    #[error("{context}")]
    Json {
        /// What was being read or written.
        context: String,
        /// The underlying serde_json error.
        #[source]
        source: serde_json::Error,
    },
    /// The reviews database could not be opened, read or written (the cause is the
    /// source).
    #[error("reviews database {}", path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// The underlying SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A CSV document could not be read or written (the cause is the source).
    #[error("{context}")]
    Csv {
        /// What was being read or written.
        context: String,
        /// The underlying csv error.
        #[source]
        source: csv::Error,
    },
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
