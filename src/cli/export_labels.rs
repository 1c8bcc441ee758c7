//! `lurescan export-labels`: reviewers' decisions (from `serve`'s database) as a CSV that
//! `lurescan train` reads as it is; unsure decisions are left out and counted.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use lurescan::serve::reviews::{DEFAULT_DB, Reviews, write_training_csv};

use super::common::Output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The reviews database `serve` wrote.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB)]
    db: PathBuf,
    /// Write the CSV here instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Opening a missing file would create an empty database and export nothing: a typo
    // in --db should say so instead.
    anyhow::ensure!(
        args.db.is_file(),
        "no reviews database at {} (give --db, or run `lurescan serve` and review adverts)",
        args.db.display()
    );
    let reviews = Reviews::open(&args.db)
        .with_context(|| format!("opening the reviews database {}", args.db.display()))?;
    let all = reviews.all()?;
    let mut out = Output::open(args.output.as_deref())?;
    let counts = write_training_csv(&all, &mut out)?;
    out.commit()?;
    eprintln!(
        "wrote {} decisions ({} unsure left out)",
        counts.written, counts.unsure
    );
    Ok(ExitCode::SUCCESS)
}
