//! `lurescan train DATA -o MODEL.json`: grouped cross-validation, calibration, threshold,
//! final fit; writes the model and its card (markdown) beside it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use lurescan::features::Extractor;
use lurescan::model::train::{Alpha, COMPANY_COLUMN, ThresholdRule};
use lurescan::model::{Provenance, TrainParams};
use lurescan::output::{AtomicFile, NamedPath, refuse_overlaps};

use super::common::{InputArgs, LabelArgs, ModelArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled adverts (CSV or JSONL, `.gz` too).
    data: PathBuf,
    /// Where to write the model.
    #[arg(short = 'o', long, value_name = "MODEL.json")]
    output: PathBuf,
    /// Where to write the model card (default: beside the model, `<name>.md`).
    #[arg(long, value_name = "PATH")]
    card: Option<PathBuf>,
    /// Cross-validation folds (grouped by near-identical advert, stratified).
    #[arg(long, value_name = "K", default_value_t = 5)]
    cv: usize,
    /// Also group the folds by this column (e.g. `company_profile`): adverts sharing a
    /// value never straddle folds; an empty value groups by near-identical advert only.
    /// The model card reports the CV under the other groupings too.
    #[arg(long, value_name = "COL")]
    group_by: Option<String>,
    /// Seed for folds and bootstrap.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// L2 strength, or `auto` to pick it from 0.0003 … 0.3 by the grouped
    /// cross-validation (mean ROC-AUC).
    #[arg(long, default_value = "auto")]
    alpha: String,
    /// Choose the threshold with the most recall that reaches this precision (at the prevalence).
    #[arg(long, value_name = "P", conflicts_with = "target_recall")]
    target_precision: Option<f64>,
    /// Choose the threshold as the highest reaching this recall.
    #[arg(long, value_name = "R")]
    target_recall: Option<f64>,
    /// Prevalence of lures the model's probabilities assume (EMSCAD's natural rate by default).
    #[arg(long, value_name = "P", default_value_t = 0.048)]
    prevalence: f64,
    /// Count each lure row this many times (exact weighting for imbalanced data).
    #[arg(long, value_name = "K", default_value_t = 1)]
    positive_weight: usize,
    /// At most this many text terms (top by chi-squared within each training fold;
    /// default: every term seen in at least two training adverts).
    #[arg(long, value_name = "N")]
    max_features: Option<usize>,
    /// Scale of the metadata columns (0 leaves metadata out; a column times s has an
    /// effective L2 strength alpha / s²).
    #[arg(long, value_name = "S", default_value_t = 0.0)]
    meta_scale: f64,
    /// Scale of the lure-family columns that adjust the expert priors (0: priors as
    /// written).
    #[arg(long, value_name = "S", default_value_t = 0.0)]
    family_scale: f64,
    /// Quantile of the training adverts' text norms below which a text counts as short:
    /// its text part is then partly the neutral (base-rate) fill.
    #[arg(long, value_name = "Q", default_value_t = 0.25)]
    norm_floor_quantile: f64,
    /// Iteration cap of linfa's L-BFGS solver.
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_iterations: u64,
    /// Also run a nested cross-validation: for each outer fold, alpha, calibration and
    /// threshold are chosen by an inner grouped CV on its training rows only, so its
    /// figures carry no selection bias. Reported only (the model is unchanged); takes about
    /// twice the flag-less training time, hence opt-in.
    #[arg(long)]
    nested: bool,
    /// Bootstrap replicates for the confidence intervals (1 to 100,000).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = super::common::bootstrap_replicates)]
    bootstrap: usize,
    /// Write PR, ROC and reliability plots (SVG) of the out-of-fold scores here.
    #[arg(long, value_name = "DIR")]
    plots: Option<PathBuf>,
    /// Write each advert's out-of-fold probability as CSV `id,label,fold,probability`.
    #[arg(long, value_name = "FILE")]
    oof: Option<PathBuf>,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    input: InputArgs,
    /// A directory of `<lang>.tsv` lexicons added to (or replacing) the embedded ones.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let alpha = match args.alpha.as_str() {
        "auto" => Alpha::Auto,
        v => Alpha::Fixed(
            v.parse()
                .with_context(|| format!("--alpha {v:?} is neither a number nor `auto`"))?,
        ),
    };
    let threshold_rule = match (args.target_precision, args.target_recall) {
        (Some(p), _) => ThresholdRule::TargetPrecision(p),
        (_, Some(r)) => ThresholdRule::TargetRecall(r),
        _ => ThresholdRule::BestF1,
    };
    let params = TrainParams {
        alpha,
        folds: args.cv,
        seed: args.seed,
        prevalence: args.prevalence,
        threshold_rule,
        positive_weight: args.positive_weight,
        max_text_features: args.max_features,
        meta_scale: args.meta_scale,
        family_scale: args.family_scale,
        norm_floor_quantile: args.norm_floor_quantile,
        bootstrap: args.bootstrap,
        max_iterations: args.max_iterations,
        group_by: args.group_by.clone(),
        nested: args.nested,
        ..TrainParams::default()
    }
    .check()?;
    let card_path = args
        .card
        .clone()
        .unwrap_or_else(|| lurescan::model::train::default_card_path(&args.output));
    // `train d.csv -o d.csv`, a card named like the data or the model (`-o m.md`), an
    // --oof file on the model: each would overwrite data or another output. Refused
    // before the data is read.
    let outputs: Vec<NamedPath> = [
        ("-o", Some(&args.output)),
        (
            if args.card.is_some() {
                "--card"
            } else {
                "the model card (<model>.md)"
            },
            Some(&card_path),
        ),
        ("--oof", args.oof.as_ref()),
    ]
    .into_iter()
    .filter_map(|(role, p)| p.map(|path| NamedPath { role, path }))
    .collect();
    let data_path = [NamedPath {
        role: "training data",
        path: &args.data,
    }];
    refuse_overlaps(&data_path, &outputs)?;
    // Hashed as a stream: the file is read again below, record by record.
    let sha256 = lurescan::model::train::file_sha256(&args.data)
        .with_context(|| format!("reading {}", args.data.display()))?;
    // The company column is read whether or not the folds group by it: the card reports
    // the company-grouped CV beside the chosen one when the data has it.
    let mut extra_cols = vec![COMPANY_COLUMN.to_string()];
    extra_cols.extend(
        args.group_by
            .iter()
            .filter(|c| *c != COMPANY_COLUMN)
            .cloned(),
    );
    let data = super::common::read_labelled(&args.data, &args.input, &args.labels, extra_cols)?;
    eprintln!(
        "read {} adverts ({} labelled lure)",
        data.ads.len(),
        data.positives()
    );
    let lexicon = ModelArgs {
        model: None,
        lexicons: args.lexicons.clone(),
        prevalence: None,
    }
    .load_lexicon()?;
    let extractor = Extractor::new(lexicon.get());
    let provenance = Provenance {
        data_file: args.data.display().to_string(),
        data_sha256: sha256,
        command: reproducible_command(),
        ..Provenance::default()
    };
    let (model, report) = lurescan::model::train::fit(&params, &data, &extractor, provenance)?;
    // All three are written beside their destinations and put in place together at the
    // end: a failure on the way leaves none of them half-written.
    let [model_file, card_file] =
        lurescan::model::train::write_model_and_card(&model, &report, &args.output, &card_path)
            .with_context(|| format!("writing {}", args.output.display()))?;
    let oof_file = match &args.oof {
        Some(path) => {
            let file =
                AtomicFile::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut w = csv::Writer::from_writer(file);
            let mut rows = || -> csv::Result<()> {
                w.write_record(["id", "label", "fold", "probability"])?;
                for (i, ad) in data.ads.iter().enumerate() {
                    let label = if report.labels[i] { "1" } else { "0" };
                    w.write_record([
                        ad.id.as_str(),
                        label,
                        &(report.fold_of_row[i] + 1).to_string(),
                        &format!("{:.6}", report.oof_probabilities[i]),
                    ])?;
                }
                w.flush()?;
                Ok(())
            };
            rows().with_context(|| format!("writing {}", path.display()))?;
            Some(
                w.into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("writing {}", path.display()))?,
            )
        }
        None => None,
    };
    for file in [Some(model_file), Some(card_file), oof_file]
        .into_iter()
        .flatten()
    {
        let name = file.path().display().to_string();
        file.commit().with_context(|| format!("writing {name}"))?;
    }
    if let Some(dir) = &args.plots {
        super::eval::write_plots(
            dir,
            &report.oof_probabilities,
            &report.oof_probabilities_at_training_prevalence,
            &report.labels,
            Some(report.prevalence),
            "out-of-fold",
        )?;
    }
    eprintln!(
        "{}-fold CV grouped by {} ({} groups, alpha {}): ROC-AUC {:.4} ± {:.4}, PR-AUC {:.4} ± {:.4} at prevalence {}",
        report.folds,
        report.grouping,
        report.groups,
        report.alpha,
        report.roc_auc.mean,
        report.roc_auc.sd,
        report.pr_auc.mean,
        report.pr_auc.sd,
        report.prevalence
    );
    for f in &report.per_fold {
        eprintln!(
            "  fold {}: {} adverts, {} lures, ROC-AUC {:.4}, PR-AUC {:.4}",
            f.fold + 1,
            f.rows,
            f.positives,
            f.roc_auc,
            f.pr_auc
        );
    }
    for other in &report.other_groupings {
        eprintln!(
            "  grouped by {} instead ({} groups, alpha {}): ROC-AUC {:.4} ± {:.4}, PR-AUC {:.4} ± {:.4}",
            other.grouping,
            other.groups,
            other.alpha,
            other.roc_auc.mean,
            other.roc_auc.sd,
            other.pr_auc.mean,
            other.pr_auc.sd
        );
    }
    for (grouping, why) in &report.unavailable_groupings {
        eprintln!("  not grouped by {grouping}: {why}");
    }
    if let Some(nested) = &report.nested {
        let alphas: Vec<String> = nested.alphas.iter().map(f64::to_string).collect();
        eprintln!(
            "  nested CV (alpha, calibration, threshold chosen inside each outer fold; alphas {}): \
             ROC-AUC {:.4} ± {:.4} (pooled {:.4}, 95% CI {:.4} – {:.4}), \
             PR-AUC {:.4} ± {:.4} (pooled {:.4}, 95% CI {:.4} – {:.4}); \
             at the inner thresholds precision {:.3}, recall {:.3} ({:.1} s)",
            alphas.join(", "),
            nested.roc_auc.mean,
            nested.roc_auc.sd,
            nested.roc_auc.pooled,
            nested.roc_auc.ci_low,
            nested.roc_auc.ci_high,
            nested.pr_auc.mean,
            nested.pr_auc.sd,
            nested.pr_auc.pooled,
            nested.pr_auc.ci_low,
            nested.pr_auc.ci_high,
            nested.at_thresholds.precision,
            nested.at_thresholds.recall,
            nested.seconds
        );
        eprintln!(
            "  (the CV above chose alpha on the folds it scores; the nested figure did not, \
             so the gap between them is that selection's optimism)"
        );
    }
    if let Some(why) = &report.nested_unavailable {
        eprintln!("  nested CV not measured: {why}");
    }
    eprintln!(
        "threshold {:.4}: precision {:.3}, recall {:.3}, F1 {:.3} (out of fold, at prevalence {})",
        model.threshold,
        report.at_threshold.precision,
        report.at_threshold.recall,
        report.at_threshold.f1,
        report.prevalence
    );
    eprintln!(
        "time: features {:.3} s, one fit on all rows {:.3} s (features + fit {:.3} s), cross-validation {:.1} s",
        report.extract_seconds,
        report.final_fit_seconds,
        report.extract_seconds + report.final_fit_seconds,
        report.cv_seconds
    );
    eprintln!(
        "wrote {} and {}",
        args.output.display(),
        card_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The command line as typed, for provenance (paths as given, so it reruns from the
/// same directory).
fn reproducible_command() -> String {
    std::env::args()
        .enumerate()
        .map(|(i, a)| {
            if i == 0 {
                "lurescan".to_string()
            } else if a.contains(' ') {
                format!("'{a}'")
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
