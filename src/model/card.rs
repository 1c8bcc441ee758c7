//! The model card: a markdown page written beside every trained model, saying what it
//! was trained on (with the data's hash), the exact command, the grouped
//! cross-validation metrics with intervals, the prevalence assumed, and known limits.

use std::fmt::Write;

use super::{LureModel, TrainReport};

/// Renders the model card.
pub fn render(model: &LureModel, report: &TrainReport, model_path: &str) -> String {
    let p = &model.provenance;
    let mut s = String::new();
    let _ = writeln!(s, "# Model card: `{model_path}`\n");
    let _ = writeln!(
        s,
        "Written by `lurescan train` (version {}); regenerate it with the command below.\n",
        p.version
    );
    let _ = writeln!(s, "## Training data\n");
    let _ = writeln!(s, "- file: `{}`", p.data_file);
    let _ = writeln!(s, "- SHA-256: `{}`", p.data_sha256);
    let _ = writeln!(
        s,
        "- {} adverts, {} labelled lure ({:.1}%), in {} groups of near-identical adverts (same normalised title and description opening)",
        p.rows,
        p.positives,
        100.0 * p.positives as f64 / p.rows.max(1) as f64,
        report.groups
    );
    let _ = writeln!(s, "\n## Command\n\n```sh\n{}\n```\n", p.command);
    let _ = writeln!(s, "## Grouped {}-fold cross-validation\n", report.folds);
    let _ = writeln!(
        s,
        "Groups never straddle folds; feature selection, fitting and everything else learned is redone inside each training fold. \
         PR-AUC, precision and F1 are re-weighted to a prevalence of **{:.1}%** (the share of lures assumed among adverts), \
         not the training file's {:.1}%. Intervals are 95% stratified bootstrap intervals over the pooled out-of-fold scores ({} replicates).\n",
        report.prevalence * 100.0,
        100.0 * report.positives as f64 / report.rows.max(1) as f64,
        model
            .provenance
            .params
            .get("bootstrap")
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    );
    let _ = writeln!(
        s,
        "| metric | mean ± sd over folds | pooled out-of-fold | 95% CI |"
    );
    let _ = writeln!(s, "|---|---|---|---|");
    for (name, m) in [
        ("ROC-AUC", &report.roc_auc),
        (
            &format!("PR-AUC at {:.1}% prevalence", report.prevalence * 100.0),
            &report.pr_auc,
        ),
    ] {
        let _ = writeln!(
            s,
            "| {name} | {:.4} ± {:.4} | {:.4} | {:.4} – {:.4} |",
            m.mean, m.sd, m.pooled, m.ci_low, m.ci_high
        );
    }
    let _ = writeln!(
        s,
        "\nPer fold:\n\n| fold | adverts | lures | ROC-AUC | PR-AUC |\n|---|---|---|---|---|"
    );
    for f in &report.per_fold {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.4} | {:.4} |",
            f.fold + 1,
            f.rows,
            f.positives,
            f.roc_auc,
            f.pr_auc
        );
    }
    let t = &report.at_threshold;
    let _ = writeln!(s, "\n## Threshold and calibration\n");
    let _ = writeln!(
        s,
        "- verdict threshold: probability ≥ **{:.4}** ({}), chosen on the out-of-fold probabilities, never on training scores",
        model.threshold, model.threshold_rule
    );
    let _ = writeln!(
        s,
        "- at that threshold, out of fold: precision {:.3}, recall {:.3}, F1 {:.3} (at {:.1}% prevalence); false-positive rate {:.4}",
        t.precision,
        t.recall,
        t.f1,
        report.prevalence * 100.0,
        t.fpr
    );
    let _ = writeln!(
        s,
        "- calibration: Platt scaling fitted on the out-of-fold raw scores (slope {:.3}, intercept {:.3}); probabilities are then shifted from the training prevalence {:.3} to {:.3} (prior-shift correction of the log-odds)",
        model.calibration.slope,
        model.calibration.intercept,
        model.training_prevalence,
        model.prevalence
    );
    let _ = writeln!(
        s,
        "- out-of-fold Brier score {:.4} and expected calibration error {:.4} (10 bins), at the training prevalence",
        report.brier, report.ece
    );
    if !report.alpha_search.is_empty() {
        let tried: Vec<String> = report
            .alpha_search
            .iter()
            .map(|(a, auc)| format!("{a}: {auc:.4}"))
            .collect();
        let _ = writeln!(
            s,
            "- alpha chosen by cross-validation: {} (mean ROC-AUC per alpha: {})",
            report.alpha,
            tried.join(", ")
        );
    } else {
        let _ = writeln!(s, "- L2 strength alpha = {}", report.alpha);
    }
    let _ = writeln!(
        s,
        "\n## Lure families: expert prior + data adjustment (log-odds)\n"
    );
    let _ = writeln!(
        s,
        "| family | prior | data | total | why the prior |\n|---|---|---|---|---|"
    );
    for f in &model.families {
        let _ = writeln!(
            s,
            "| {} | {:+.2} | {:+.2} | {:+.2} | {} |",
            f.family.id(),
            f.prior,
            f.fitted,
            f.total(),
            f.reason
        );
    }
    let _ = writeln!(
        s,
        "\nThe data may strengthen a prior up to twice its size or shrink it to half; it cannot flip its sign."
    );
    let _ = writeln!(s, "\n## Known limits\n");
    for line in LIMITS {
        let _ = writeln!(s, "- {line}");
    }
    s
}

const LIMITS: &[&str] = &[
    "EMSCAD's fraud is mostly 2012–2014 US work-from-home and data-entry scams: the text weights know that world. Trafficking lures in other languages are carried by the lexicons and the expert priors, which the data cannot check.",
    "The cross-validation figures say how well the model separates EMSCAD-like adverts; they say nothing about recall on real scam-centre lures, for which no labelled data was available here.",
    "Probabilities assume the stated prevalence. On a job board where lures are rarer, pass `--prevalence` (the threshold moves with it) or precision will be lower than reported.",
    "Metadata features (logo, company profile, ...) exist only for EMSCAD-style inputs, and the default training gives them no weight (`--meta-scale 0`); every advert is judged on its words and lures.",
    "Folds group near-identical adverts, not employers: many adverts of one company can sit on both sides of a split, so the figures overstate accuracy on employers absent from the training data (on the shared EMSCAD split, folds grouped by company profile gave ROC-AUC 0.923 and PR-AUC 0.724).",
    "Lexicons catch the phrasings they contain; recruiters adapt (UNODC). Update them from new cases (`--lexicons DIR`).",
];
