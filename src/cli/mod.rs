//! Command-line arguments (clap) and dispatch. Each subcommand lives in its own file and
//! turns flags into library calls and library results into output.

mod campaigns;
mod check;
mod common;
mod eval;
mod eval_real;
mod export_labels;
mod inspect;
mod score;
mod serve;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Scores job adverts for scam-recruitment lures, and says why.
#[derive(Debug, Parser)]
#[command(name = "lurescan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one advert: verdict, probability, and the evidence quoted from the text.
    Check(check::Args),
    /// Score a feed of adverts (CSV or JSONL, gzip too) as CSV or JSONL, in input order.
    Score(score::Args),
    /// Link adverts into campaigns by shared contacts (phones, messaging handles,
    /// e-mails, domains) and near-duplicate text; one row per advert in a campaign.
    Campaigns(campaigns::Args),
    /// Train a model on labelled adverts, with grouped cross-validation.
    Train(train::Args),
    /// Evaluate a model on labelled adverts: ROC-AUC, PR-AUC, calibration, intervals.
    Eval(eval::Args),
    /// Measure on the shared real development data (quoted lures, genuine board adverts
    /// and same-length excerpts), lexicon entries held out by the source they cite.
    EvalReal(eval_real::Args),
    /// Show a model's strongest features, family priors and provenance.
    Inspect(inspect::Args),
    /// Serve the review page and the HTTP API (check, score, reviews) on a local address.
    Serve(serve::Args),
    /// Write reviewers' decisions (from `serve`) as a CSV that `train` reads as it is.
    ExportLabels(export_labels::Args),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Commands that write files stop cleanly on SIGINT/SIGTERM (`lurescan::interrupt`).
    if matches!(
        cli.command,
        Command::Score(_)
            | Command::Campaigns(_)
            | Command::Train(_)
            | Command::Eval(_)
            | Command::ExportLabels(_)
    ) {
        lurescan::interrupt::install()?;
    }
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Score(a) => score::run(a),
        Command::Campaigns(a) => campaigns::run(a),
        Command::Train(a) => train::run(a),
        Command::Eval(a) => eval::run(a),
        Command::EvalReal(a) => eval_real::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Serve(a) => serve::run(a),
        Command::ExportLabels(a) => export_labels::run(a),
    }
}

/// The exit code for a run stopped by a signal (130 SIGINT, 143 SIGTERM), if it was.
pub fn interrupted_code(err: &anyhow::Error) -> Option<u8> {
    err.chain()
        .find_map(|e| match e.downcast_ref::<lurescan::Error>() {
            Some(lurescan::Error::Interrupted { code, .. }) => Some(*code),
            _ => None,
        })
}

/// Whether the error is a closed pipe on output (not worth reporting).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            // `check --json | head`: serde_json wraps the write error in its own type.
            || e.downcast_ref::<serde_json::Error>().is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
