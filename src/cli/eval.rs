//! `lurescan eval DATA --model M`: honest numbers on labelled data. ROC-AUC, PR-AUC at a
//! stated prevalence, precision/recall/F1 at the model's threshold and named operating
//! points, confusion matrix, Brier and ECE with a reliability table, bootstrap intervals.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;
use serde::Serialize;

use lurescan::explain::Scorer;
use lurescan::features::{AdFeatures, ExtractBuffers};
use lurescan::metrics::{self, Confusion, Interval, OperatingPoint, ReliabilityBin};

use super::common::{InputArgs, LabelArgs, ModelArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled adverts (CSV or JSONL, `.gz` too).
    data: PathBuf,
    /// Prevalence to re-weight PR-AUC, precision and F1 to (default: the data's own).
    #[arg(long, value_name = "P")]
    prevalence: Option<f64>,
    /// Extra operating points (probability thresholds), comma-separated.
    #[arg(long, value_name = "T", value_delimiter = ',')]
    at: Vec<f64>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Write PR, ROC and reliability plots (SVG) here.
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    /// Bootstrap replicates for the intervals (1 to 100,000).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = super::common::bootstrap_replicates)]
    bootstrap: usize,
    /// Seed for the bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    input: InputArgs,
    /// A model file (default: the embedded model).
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
    /// A directory of `<lang>.tsv` lexicons added to (or replacing) the embedded ones.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct EvalReport {
    n: usize,
    positives: usize,
    /// The data's own share of lures.
    data_prevalence: f64,
    /// The prevalence PR-AUC, precision and F1 are computed at.
    prevalence: f64,
    prevalence_source: &'static str,
    roc_auc: f64,
    roc_auc_ci: Interval,
    pr_auc: f64,
    pr_auc_ci: Interval,
    threshold: f64,
    precision: f64,
    recall: f64,
    f1: f64,
    confusion: Confusion,
    operating_points: Vec<OperatingPoint>,
    /// Calibration is measured with probabilities shifted to the data's own prevalence.
    brier: f64,
    ece: f64,
    reliability: Vec<ReliabilityBin>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let model_args = ModelArgs {
        model: args.model.clone(),
        lexicons: args.lexicons.clone(),
        prevalence: None,
    };
    let (model, lexicon) = model_args.load()?;
    let data = super::common::read_labelled(&args.data, &args.input, &args.labels, Vec::new())?;
    let n = data.ads.len();
    let positives = data.positives();
    if positives == 0 || positives == n {
        anyhow::bail!(
            "{}: evaluation needs both classes; found {positives} lures among {n} adverts",
            args.data.display()
        );
    }
    let data_prevalence = positives as f64 / n as f64;
    let (prevalence, prevalence_source) = match args.prevalence {
        Some(p) if p > 0.0 && p < 1.0 => (p, "given with --prevalence"),
        Some(p) => anyhow::bail!("--prevalence {p} is not in (0, 1)"),
        None => (data_prevalence, "the data's own"),
    };
    // Probabilities at the evaluation prevalence (verdicts keep the model's threshold).
    let model = model.with_prevalence(prevalence)?;
    let at_data = model.with_prevalence(data_prevalence)?;
    let scorer = Scorer::new(&model, lexicon.get());
    let raw: Vec<f64> = data
        .ads
        .par_iter()
        .map_init(
            || (ExtractBuffers::default(), AdFeatures::default()),
            |(buf, f), ad| {
                scorer.score_with(ad, buf, f, false);
                model.raw_logit(f)
            },
        )
        .collect();
    let probs: Vec<f64> = raw.iter().map(|&r| model.probability_from_raw(r)).collect();
    let probs_at_data: Vec<f64> = raw
        .iter()
        .map(|&r| at_data.probability_from_raw(r))
        .collect();
    let y = &data.labels;
    let prev = Some(prevalence);
    let roc_auc_ci = metrics::bootstrap_ci(&probs, y, args.bootstrap, args.seed, |s, l| {
        metrics::roc_auc(s, l)
    })?;
    let pr_auc_ci = metrics::bootstrap_ci(&probs, y, args.bootstrap, args.seed, |s, l| {
        metrics::average_precision(s, l, prev)
    })?;
    let at_threshold = metrics::operating_point(&probs, y, model.threshold, prev)?;
    let operating_points = args
        .at
        .iter()
        .map(|&t| metrics::operating_point(&probs, y, t, prev))
        .collect::<Result<Vec<_>, _>>()?;
    let report = EvalReport {
        n,
        positives,
        data_prevalence,
        prevalence,
        prevalence_source,
        roc_auc: roc_auc_ci.estimate,
        roc_auc_ci,
        pr_auc: pr_auc_ci.estimate,
        pr_auc_ci,
        threshold: model.threshold,
        precision: at_threshold.precision,
        recall: at_threshold.recall,
        f1: at_threshold.f1,
        confusion: metrics::confusion_at(&probs, y, model.threshold)?,
        operating_points,
        brier: metrics::brier(&probs_at_data, y)?,
        ece: metrics::ece(&probs_at_data, y, 10)?,
        reliability: metrics::reliability(&probs_at_data, y, 10)?,
    };
    if let Some(dir) = &args.plots {
        write_plots(dir, &probs, &probs_at_data, y, prev, "evaluation")?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write_text(&mut out, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_text(out: &mut impl Write, r: &EvalReport) -> std::io::Result<()> {
    writeln!(
        out,
        "adverts {}, lures {} ({:.1}% in this data)",
        r.n,
        r.positives,
        r.data_prevalence * 100.0
    )?;
    writeln!(
        out,
        "prevalence assumed for PR-AUC, precision, F1: {:.2}% ({})",
        r.prevalence * 100.0,
        r.prevalence_source
    )?;
    writeln!(
        out,
        "ROC-AUC  {:.4}  (95% CI {:.4} – {:.4})",
        r.roc_auc, r.roc_auc_ci.lo, r.roc_auc_ci.hi
    )?;
    writeln!(
        out,
        "PR-AUC   {:.4}  (95% CI {:.4} – {:.4})",
        r.pr_auc, r.pr_auc_ci.lo, r.pr_auc_ci.hi
    )?;
    writeln!(
        out,
        "at the model's threshold {:.4}: precision {:.3}, recall {:.3}, F1 {:.3}",
        r.threshold, r.precision, r.recall, r.f1
    )?;
    let c = &r.confusion;
    writeln!(
        out,
        "confusion (rows = truth):  lure: {} caught, {} missed;  genuine: {} flagged, {} passed",
        c.tp, c.fn_, c.fp, c.tn
    )?;
    for p in &r.operating_points {
        writeln!(
            out,
            "at {:.4}: precision {:.3}, recall {:.3}, F1 {:.3}, FPR {:.4}",
            p.threshold, p.precision, p.recall, p.f1, p.fpr
        )?;
    }
    writeln!(
        out,
        "calibration (probabilities at the data's own prevalence): Brier {:.4}, ECE {:.4}",
        r.brier, r.ece
    )?;
    writeln!(out, "  bin          n   predicted  observed")?;
    for b in &r.reliability {
        if b.count > 0 {
            writeln!(
                out,
                "  {:.1}–{:.1} {:>6}   {:.3}      {:.3}",
                b.lo, b.hi, b.count, b.mean_predicted, b.observed_rate
            )?;
        }
    }
    Ok(())
}

/// Writes `pr_curve.svg`, `roc_curve.svg` (from `probs`, PR re-weighted to `prevalence`)
/// and `reliability.svg` (from `calibration_probs`: probabilities at the data's own
/// prevalence, as the calibration figures are) into `dir`.
pub fn write_plots(
    dir: &Path,
    probs: &[f64],
    calibration_probs: &[f64],
    labels: &[bool],
    prevalence: Option<f64>,
    what: &str,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let pr = metrics::pr_curve(probs, labels, prevalence)?;
    let roc = metrics::roc_curve(probs, labels)?;
    let auc = metrics::roc_auc(probs, labels)?;
    let ap = metrics::average_precision(probs, labels, prevalence)?;
    let base = prevalence.unwrap_or_else(|| {
        labels.iter().filter(|&&y| y).count() as f64 / labels.len().max(1) as f64
    });
    let bins = metrics::reliability(calibration_probs, labels, 10)?;
    let pr_title = format!(
        "Precision-recall, {what} (AP {ap:.3} at {:.1}% prevalence)",
        base * 100.0
    );
    for (name, svg) in [
        (
            "pr_curve.svg",
            lurescan::plots::pr_curve_svg(&pr, &pr_title, Some(base)),
        ),
        (
            "roc_curve.svg",
            lurescan::plots::roc_curve_svg(&roc, &format!("ROC, {what}"), Some(auc)),
        ),
        (
            "reliability.svg",
            lurescan::plots::reliability_svg(
                &bins,
                &format!("Reliability, {what} (at the data's prevalence)"),
            ),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
