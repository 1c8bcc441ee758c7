//! `lurescan score [FILE...]`: a feed of adverts → one output row per record, in input
//! order, and one rejection per unusable record; `read N, scored M, rejected K` at the end.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use lurescan::bulk::{BulkOptions, Outcome, ScoredRecord, Tally, score_source};
use lurescan::explain::Scorer;
use lurescan::input::{self, Records};

use lurescan::output::{NamedPath, refuse_overlaps, spreadsheet_safe};

use super::common::{InputArgs, ModelArgs, Output, report_rejection, scoring_inputs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input files (CSV with a header, or JSONL; `.gz` is read transparently). Stdin
    /// when none, or for `-`.
    files: Vec<PathBuf>,
    /// Write results here instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    output_format: OutputFormat,
    /// Add the evidence (family, quoted text, field, span) per record.
    #[arg(long)]
    explain: bool,
    /// Comma-separated input columns to pass through to the output.
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    keep: Vec<String>,
    /// Write rejected records as CSV `record,line,id,reason` (default: report on stderr).
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Stop at the first rejected record.
    #[arg(long)]
    strict: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Records per parallel chunk.
    #[arg(long, default_value_t = lurescan::bulk::DEFAULT_CHUNK, hide = true)]
    chunk: usize,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Csv,
    Jsonl,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    // An output that is an input (`score x.csv -o x.csv`) would be destroyed before it is
    // read; two outputs on one file would lose one of them. Refused before anything else.
    let inputs = scoring_inputs(&files, &args.model);
    let outputs: Vec<NamedPath> = [("-o", &args.output), ("--errors", &args.errors)]
        .into_iter()
        .filter_map(|(role, p)| p.as_deref().map(|path| NamedPath { role, path }))
        .collect();
    refuse_overlaps(&inputs, &outputs)?;
    let (model, lexicon) = args.model.load()?;
    // The language guess is costly: only JSONL output and --explain show it.
    let scorer = Scorer::new(&model, lexicon.get())
        .with_language(args.explain || args.output_format == OutputFormat::Jsonl);
    // Every input is opened before anything is written, so a typo in the third file name
    // fails at once, not after two files' results.
    for path in files.iter().filter(|p| p.as_os_str() != "-") {
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    }
    let mut out = Output::open(args.output.as_deref())?;
    let mut errors = match &args.errors {
        Some(p) => {
            let mut w = csv::Writer::from_writer(Output::open(Some(p))?);
            w.write_record(["record", "line", "id", "reason"])?;
            Some(w)
        }
        None => None,
    };
    let mut tally = Tally::default();
    let outcome = score_files(&files, &args, &scorer, &mut out, &mut errors, &mut tally);
    let summary = format!(
        "read {}, scored {}, rejected {}",
        tally.read, tally.scored, tally.rejected
    );
    match outcome {
        Ok(()) => {}
        // --strict: the rejection was counted by the sink before the stop. The rows
        // before it are not the run asked for: an output file is not put in place (stdout
        // has them already); the errors file is, as it names the record that stopped it.
        Err(e) if args.strict && is_record_error(&e) => {
            commit_errors(errors)?;
            eprintln!("lurescan: stopped at the first rejected record (--strict)");
            if let Output::File(f) = &out {
                eprintln!("lurescan: nothing written to {}", f.path().display());
            }
            eprintln!("{summary}");
            return Ok(ExitCode::from(1));
        }
        // A fatal error: the counts so far are still worth knowing; the temporary output
        // files are removed when they are dropped.
        Err(e) => {
            eprintln!("{summary}");
            return Err(e);
        }
    }
    out.commit()?;
    commit_errors(errors)?;
    eprintln!("{summary}");
    Ok(if tally.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn is_record_error(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<lurescan::Error>(),
        Some(lurescan::Error::Record { .. })
    )
}

/// Puts the errors file in place, when there is one.
pub fn commit_errors(errors: Option<csv::Writer<Output>>) -> anyhow::Result<()> {
    if let Some(w) = errors {
        let out = w
            .into_inner()
            .map_err(|e| e.into_error())
            .context("writing --errors")?;
        out.commit()?;
    }
    Ok(())
}

/// Scores every input in turn into `out`, counting into `tally`; stops at the first fatal
/// error (or, with --strict, the first rejection).
fn score_files(
    files: &[PathBuf],
    args: &Args,
    scorer: &Scorer<'_>,
    out: &mut Output,
    errors: &mut Option<csv::Writer<Output>>,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let out_name = out.name();
    let write_failed = |source: std::io::Error| lurescan::Error::Io {
        path: PathBuf::from(&out_name),
        source,
    };
    let mut results = ResultWriter::new(args.output_format, &args.keep, args.explain);
    results.header(out).map_err(write_failed)?;
    let opts = BulkOptions {
        chunk: args.chunk,
        explain: args.explain,
        strict: args.strict,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    for path in files {
        let progress = show_progress.then(|| progress_bar(path));
        let records = open_records(path, args, progress.as_ref())?;
        let label = (files.len() > 1).then(|| path.display().to_string());
        let run = score_source(records, scorer, opts, tally, |o| {
            if let Some(pb) = &progress {
                pb.inc(0);
            }
            match o {
                Outcome::Scored(rec) => results.row(out, &rec).map_err(write_failed),
                Outcome::Rejected(r) => report_rejection(errors, &r, label.as_deref()),
            }
        });
        if let Some(pb) = &progress {
            pb.finish_and_clear();
        }
        run?;
    }
    out.flush().map_err(write_failed)?;
    Ok(())
}

fn open_records(
    path: &Path,
    args: &Args,
    progress: Option<&ProgressBar>,
) -> anyhow::Result<Records> {
    let mut mapping = args.input.mapping();
    mapping.keep_cols = args.keep.clone();
    let format = args
        .input
        .format()
        .unwrap_or_else(|| input::Format::from_path(path));
    if path.as_os_str() == "-" {
        let records = Records::new(input::open(path)?, format, mapping, "<stdin>")?;
        check_kept_columns(&records, &args.keep, "<stdin>")?;
        return Ok(records);
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let raw: Box<dyn Read + Send> = match progress {
        Some(pb) => {
            if let Ok(meta) = file.metadata() {
                pb.set_length(meta.len());
            }
            Box::new(pb.wrap_read(file))
        }
        None => Box::new(file),
    };
    let records = Records::new(
        input::decode(path, raw),
        format,
        mapping,
        &path.display().to_string(),
    )
    .with_context(|| format!("reading {}", path.display()))?;
    check_kept_columns(&records, &args.keep, &path.display().to_string())?;
    Ok(records)
}

/// A `--keep` column the CSV header lacks is a typo, not an empty column: refused, as a
/// missing text column is. (JSONL has no header; a key absent from a record is empty.)
fn check_kept_columns(records: &Records, keep: &[String], source: &str) -> anyhow::Result<()> {
    if let Records::Csv(csv) = records
        && let Some(col) = keep.iter().find(|c| !csv.headers().contains(c))
    {
        anyhow::bail!(
            "{source}: the header has no --keep column {col:?} (columns: {})",
            csv.headers().join(", ")
        );
    }
    Ok(())
}

fn progress_bar(path: &Path) -> ProgressBar {
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(path.display().to_string());
    pb
}

/// Writes result rows in the chosen format.
struct ResultWriter<'a> {
    format: OutputFormat,
    keep: &'a [String],
    explain: bool,
    line: String,
}

impl<'a> ResultWriter<'a> {
    fn new(format: OutputFormat, keep: &'a [String], explain: bool) -> Self {
        ResultWriter {
            format,
            keep,
            explain,
            line: String::with_capacity(256),
        }
    }

    fn header(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if self.format == OutputFormat::Csv {
            let mut cols = vec!["id", "probability", "verdict", "lures"];
            if self.explain {
                cols.push("evidence");
            }
            cols.extend(self.keep.iter().map(String::as_str));
            self.line.clear();
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    self.line.push(',');
                }
                push_csv_field(&mut self.line, c);
            }
            self.line.push('\n');
            out.write_all(self.line.as_bytes())?;
        }
        Ok(())
    }

    fn row(&mut self, out: &mut dyn Write, rec: &ScoredRecord) -> std::io::Result<()> {
        use std::fmt::Write as _;
        let s = &rec.scored;
        self.line.clear();
        match self.format {
            OutputFormat::Csv => {
                push_csv_field(&mut self.line, &rec.id);
                let _ = write!(self.line, ",{:.4},{},", s.probability, s.verdict.as_str());
                // Family ids are `[a-z_]+`: joined with ';' they never need quoting.
                for (i, f) in s.families.iter().enumerate() {
                    if i > 0 {
                        self.line.push(';');
                    }
                    self.line.push_str(f.id());
                }
                if self.explain {
                    self.line.push(',');
                    let ev = serde_json::to_string(&s.lures).unwrap_or_default();
                    push_csv_field(&mut self.line, &ev);
                }
                for v in &rec.kept {
                    self.line.push(',');
                    push_csv_field(&mut self.line, v);
                }
            }
            OutputFormat::Jsonl => self
                .line
                .push_str(&rec.to_json(self.keep, self.explain).to_string()),
        }
        self.line.push('\n');
        out.write_all(self.line.as_bytes())
    }
}

/// Appends one CSV field, made spreadsheet-safe ([`spreadsheet_safe`]) and quoted when it
/// needs to be.
fn push_csv_field(line: &mut String, value: &str) {
    let value = spreadsheet_safe(value);
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(&value);
    }
}
