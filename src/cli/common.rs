//! Flags shared by several subcommands, and the loading they imply.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use lurescan::input::{FieldMapping, Format, Rejection};
use lurescan::lure::Lexicon;
use lurescan::model::LureModel;
use lurescan::output::AtomicFile;

/// Which model and lexicons to use.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// A model file from `lurescan train` (default: the embedded model).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// A directory of `<lang>.tsv` lexicons added to (or replacing) the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Prevalence the probabilities should assume (default: the model's, 0.048 for the
    /// embedded model). The verdict threshold moves with it.
    #[arg(long, value_name = "P")]
    pub prevalence: Option<f64>,
}

/// A lexicon either borrowed from the binary or loaded from a directory.
pub enum LexiconChoice {
    Embedded(&'static Lexicon),
    Loaded(Box<Lexicon>),
}

impl LexiconChoice {
    pub fn get(&self) -> &Lexicon {
        match self {
            LexiconChoice::Embedded(l) => l,
            LexiconChoice::Loaded(l) => l,
        }
    }
}

impl ModelArgs {
    /// The model and the lexicons, loaded on two threads at once: inflating and parsing
    /// the one and compiling the other are most of a short run's start-up.
    pub fn load(&self) -> anyhow::Result<(LureModel, LexiconChoice)> {
        let (model, lexicon) = std::thread::scope(|s| {
            let model = s.spawn(|| self.load_model());
            let lexicon = self.load_lexicon();
            let model = model
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (model, lexicon)
        });
        Ok((model?, lexicon?))
    }

    fn load_model(&self) -> anyhow::Result<LureModel> {
        let model = match &self.model {
            Some(p) => {
                LureModel::load(p).with_context(|| format!("loading model {}", p.display()))?
            }
            None => LureModel::embedded().context("loading the embedded model")?,
        };
        match self.prevalence {
            Some(p) => Ok(model.with_prevalence(p)?),
            None => Ok(model),
        }
    }

    pub fn load_lexicon(&self) -> anyhow::Result<LexiconChoice> {
        Ok(match &self.lexicons {
            Some(dir) => LexiconChoice::Loaded(Box::new(
                Lexicon::with_overrides(dir)
                    .with_context(|| format!("loading lexicons from {}", dir.display()))?,
            )),
            None => LexiconChoice::Embedded(Lexicon::embedded()),
        })
    }
}

/// How input columns map to fields.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Input format (default: by extension; `.jsonl`/`.ndjson` are JSONL, else CSV).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Column holding the record id (default: `job_id`, else `id`, else the record number).
    #[arg(long, value_name = "COL")]
    pub id_col: Option<String>,
    /// Comma-separated text columns (default: the EMSCAD text fields present, and `text`
    /// unless a body field (company_profile, description, requirements, benefits) is).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub text_cols: Option<Vec<String>>,
    /// Largest accepted field in bytes; larger records are rejected.
    #[arg(long, value_name = "BYTES", default_value_t = lurescan::input::DEFAULT_MAX_FIELD_BYTES)]
    pub max_field_bytes: usize,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
}

impl InputArgs {
    pub fn format(&self) -> Option<Format> {
        self.format.map(|f| match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
        })
    }

    pub fn mapping(&self) -> FieldMapping {
        FieldMapping {
            id_col: self.id_col.clone(),
            text_cols: self.text_cols.clone(),
            max_field_bytes: self.max_field_bytes,
            ..FieldMapping::new()
        }
    }
}

/// Labels for training and evaluation.
#[derive(Debug, Clone, clap::Args)]
pub struct LabelArgs {
    /// Column holding the label.
    #[arg(long, value_name = "COL", default_value = "fraudulent")]
    pub label_col: String,
    /// Comma-separated values meaning "lure" (default: 1, true, yes, fraud, scam, fake, lure).
    #[arg(long, value_name = "VALUES", value_delimiter = ',')]
    pub positive: Option<Vec<String>>,
}

/// Reads a labelled file with the given flags, and the columns `extra_cols` beside the
/// adverts (those the file has; for grouping folds).
pub fn read_labelled(
    path: &Path,
    input: &InputArgs,
    labels: &LabelArgs,
    extra_cols: Vec<String>,
) -> anyhow::Result<lurescan::model::LabelledAds> {
    let mut mapping = input.mapping();
    mapping.label_col = Some(labels.label_col.clone());
    mapping.positive = labels.positive.clone();
    mapping.keep_cols = extra_cols;
    lurescan::input::read_labelled(path, input.format(), mapping)
        .with_context(|| format!("reading {}", path.display()))
}

/// Where a command's results go: stdout, streamed as they come, or a file that appears
/// under its name only when [`Output::commit`] is called after a successful run.
pub enum Output {
    /// Standard output, buffered.
    Stdout(std::io::BufWriter<std::io::Stdout>),
    /// A file, written beside its destination and renamed into place on commit.
    File(AtomicFile),
}

impl Output {
    /// Stdout for `None` or `-`, else the file `path` (written atomically).
    pub fn open(path: Option<&Path>) -> anyhow::Result<Output> {
        Ok(match path {
            Some(p) if p.as_os_str() != "-" => Output::File(
                AtomicFile::create(p).with_context(|| format!("creating {}", p.display()))?,
            ),
            _ => Output::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
        })
    }

    /// What the output is called in messages.
    pub fn name(&self) -> String {
        match self {
            Output::Stdout(_) => "<stdout>".into(),
            Output::File(f) => f.path().display().to_string(),
        }
    }

    /// Flushes stdout, or puts the finished file in place.
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing <stdout>"),
            Output::File(f) => {
                let name = f.path().display().to_string();
                f.commit().with_context(|| format!("writing {name}"))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(f) => f.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
        }
    }
}

/// Text from an advert made safe to print on a terminal: control characters (escape
/// sequences could rewrite the screen or the title) and bidirectional overrides (they
/// could reorder what a reviewer reads) are shown as `\u{..}` escapes; everything else,
/// every script included, is printed as it is. JSON and CSV outputs keep the text exact.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Reports a rejected record: a row of the `--errors` file when there is one, else a line
/// on stderr (escaped for the terminal); `file` names the input when there are several.
pub fn report_rejection(
    errors: &mut Option<csv::Writer<Output>>,
    r: &Rejection,
    file: Option<&str>,
) -> lurescan::Result<()> {
    let reason = match file {
        Some(f) => format!("{f}: {}", r.reason),
        None => r.reason.clone(),
    };
    match errors {
        Some(w) => w
            .write_record([
                r.record.to_string(),
                r.line.to_string(),
                lurescan::output::spreadsheet_safe(r.id.as_deref().unwrap_or_default())
                    .into_owned(),
                lurescan::output::spreadsheet_safe(&reason).into_owned(),
            ])
            .map_err(|source| lurescan::Error::Csv {
                context: "writing --errors".into(),
                source,
            }),
        None => {
            let line = Rejection {
                reason,
                ..r.clone()
            }
            .to_string();
            eprintln!("lurescan: rejected {}", for_terminal(&line));
            Ok(())
        }
    }
}

/// The most bootstrap replicates `--bootstrap` takes: each replicate re-sorts every score,
/// so a billion would run for days; 100,000 already pins a 95% interval to its third
/// decimal.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// Parses `--bootstrap N`: a whole number from 1 to [`MAX_BOOTSTRAP`].
pub fn bootstrap_replicates(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    if (1..=MAX_BOOTSTRAP).contains(&n) {
        Ok(n)
    } else {
        Err(format!("must be between 1 and {MAX_BOOTSTRAP}, got {n}"))
    }
}

/// What a scoring command reads, named for [`lurescan::output::refuse_overlaps`]: the
/// input files and the `--model` file when one is given.
pub fn scoring_inputs<'a>(
    files: &'a [std::path::PathBuf],
    model: &'a ModelArgs,
) -> Vec<lurescan::output::NamedPath<'a>> {
    use lurescan::output::NamedPath;
    let mut inputs: Vec<NamedPath> = files
        .iter()
        .map(|path| NamedPath {
            role: "input",
            path,
        })
        .collect();
    if let Some(path) = &model.model {
        inputs.push(NamedPath {
            role: "--model",
            path,
        });
    }
    inputs
}
