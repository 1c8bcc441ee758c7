//! `lurescan inspect [MODEL]`: the strongest features either way, the families' priors
//! and fitted adjustments, the feature-space settings, and provenance.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use lurescan::model::{FamilyWeight, LureModel, MetaWeight};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A model file (default: the embedded model).
    model: Option<PathBuf>,
    /// How many text features to show each way.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct Term<'a> {
    term: &'a str,
    bucket: u32,
    weight: f32,
    idf: f32,
}

#[derive(Debug, Serialize)]
struct Inspection<'a> {
    format: &'a str,
    hash_bits: u32,
    hash_seed: u64,
    text_features: usize,
    intercept: f64,
    prevalence: f64,
    training_prevalence: f64,
    threshold: f64,
    threshold_rule: &'a str,
    calibration: lurescan::model::Calibration,
    strongest_lure_terms: Vec<Term<'a>>,
    strongest_genuine_terms: Vec<Term<'a>>,
    families: &'a [FamilyWeight],
    metadata: &'a [MetaWeight],
    provenance: &'a lurescan::model::Provenance,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let model = match &args.model {
        Some(p) => LureModel::load(p)?,
        None => LureModel::embedded()?,
    };
    let t = &model.text;
    let mut terms: Vec<Term<'_>> = (0..t.buckets.len())
        .map(|i| Term {
            term: &t.terms[i],
            bucket: t.buckets[i],
            weight: t.weights[i],
            idf: t.idf[i],
        })
        .collect();
    terms.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let genuine: Vec<Term<'_>> = terms
        .iter()
        .rev()
        .take(args.top)
        .map(|x| Term { ..*x })
        .collect();
    terms.truncate(args.top);
    let view = Inspection {
        format: &model.format,
        hash_bits: t.hash_bits,
        hash_seed: t.hash_seed,
        text_features: t.buckets.len(),
        intercept: model.intercept,
        prevalence: model.prevalence,
        training_prevalence: model.training_prevalence,
        threshold: model.threshold,
        threshold_rule: &model.threshold_rule,
        calibration: model.calibration,
        strongest_lure_terms: terms,
        strongest_genuine_terms: genuine,
        families: &model.families,
        metadata: &model.meta,
        provenance: &model.provenance,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &view)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "model format {}, {} text features (hash {} bits, seed {:#x})",
        view.format, view.text_features, view.hash_bits, view.hash_seed
    )?;
    writeln!(
        out,
        "trained on {} ({} adverts, {} lures), sha256 {}",
        model.provenance.data_file,
        model.provenance.rows,
        model.provenance.positives,
        model.provenance.data_sha256
    )?;
    writeln!(out, "command: {}", model.provenance.command)?;
    writeln!(
        out,
        "probabilities at prevalence {} (trained at {:.3}); threshold {:.4} ({})",
        model.prevalence, model.training_prevalence, model.threshold, model.threshold_rule
    )?;
    writeln!(
        out,
        "calibration: slope {:.3}, intercept {:.3}; raw intercept {:.3}",
        model.calibration.slope, model.calibration.intercept, model.intercept
    )?;
    writeln!(
        out,
        "\nlure families (log-odds):   prior  EMSCAD    real   total"
    )?;
    for f in &model.families {
        writeln!(
            out,
            "  {:<22} {:+7.2} {:+7.2} {:+7.2} {:+7.2}   {}",
            f.family.id(),
            f.prior,
            f.fitted,
            f.real,
            f.total(),
            f.reason
        )?;
    }
    writeln!(out, "\nmetadata weights:")?;
    for m in &model.meta {
        writeln!(out, "  {:<24} {:+.3}", m.name, m.weight)?;
    }
    writeln!(out, "\nstrongest terms towards lure:")?;
    for t in &view.strongest_lure_terms {
        writeln!(out, "  {:+.3}  {}", t.weight, t.term)?;
    }
    writeln!(out, "\nstrongest terms towards genuine:")?;
    for t in &view.strongest_genuine_terms {
        writeln!(out, "  {:+.3}  {}", t.weight, t.term)?;
    }
    Ok(ExitCode::SUCCESS)
}
