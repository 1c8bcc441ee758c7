//! The model card: a markdown page written beside every trained model, saying what it
//! was trained on (with the data's hash), the exact command, the grouped
//! cross-validation metrics with intervals (under the chosen grouping, and under the
//! others the data allows), the prevalence assumed, and known limits.

use std::fmt::Write;

use super::train::COMPANY_COLUMN;
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
        "- {} adverts, {} labelled lure ({:.1}%), in {} groups by {}",
        p.rows,
        p.positives,
        100.0 * p.positives as f64 / p.rows.max(1) as f64,
        report.groups,
        report.grouping
    );
    let _ = writeln!(s, "\n## Command\n\n```sh\n{}\n```\n", p.command);
    let _ = writeln!(s, "## Grouped {}-fold cross-validation\n", report.folds);
    let _ = writeln!(
        s,
        "Folds are grouped by {} ({}). \
         Groups never straddle folds; feature selection, the alpha search, fitting and everything else learned is redone inside each training fold. \
         PR-AUC, precision and F1 are re-weighted to a prevalence of **{:.1}%** (the share of lures assumed among adverts), \
         not the training file's {:.1}%. Intervals are 95% stratified bootstrap intervals over the pooled out-of-fold scores ({} replicates).\n",
        report.grouping,
        GROUPING_MEANING,
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
    if !report.other_groupings.is_empty() || !report.unavailable_groupings.is_empty() {
        let _ = writeln!(
            s,
            "\n### The same cross-validation, grouped otherwise\n\n\
             Reported only: the threshold and calibration come from the folds above. \
             Grouping by company keeps every advert of one employer on one side of each split, \
             so it says how the model does on employers absent from the training data.\n"
        );
        if !report.other_groupings.is_empty() {
            let _ = writeln!(
                s,
                "| grouped by | groups | alpha | ROC-AUC mean ± sd | ROC-AUC pooled (95% CI) | PR-AUC mean ± sd | PR-AUC pooled (95% CI) |\n|---|---|---|---|---|---|---|"
            );
        }
        for o in &report.other_groupings {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.4} ± {:.4} | {:.4} ({:.4} – {:.4}) | {:.4} ± {:.4} | {:.4} ({:.4} – {:.4}) |",
                o.grouping,
                o.groups,
                o.alpha,
                o.roc_auc.mean,
                o.roc_auc.sd,
                o.roc_auc.pooled,
                o.roc_auc.ci_low,
                o.roc_auc.ci_high,
                o.pr_auc.mean,
                o.pr_auc.sd,
                o.pr_auc.pooled,
                o.pr_auc.ci_low,
                o.pr_auc.ci_high
            );
        }
        for (grouping, why) in &report.unavailable_groupings {
            let _ = writeln!(s, "\nNot measured grouped by {grouping}: {why}.");
        }
    }
    nested_section(&mut s, report);
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
        "\n## Lure families: expert prior + EMSCAD adjustment + real-lure fit (log-odds)\n"
    );
    let _ = writeln!(
        s,
        "| family | prior | EMSCAD | real lures | total | why the prior |\n|---|---|---|---|---|---|"
    );
    for f in &model.families {
        let _ = writeln!(
            s,
            "| {} | {:+.2} | {:+.2} | {:+.2} | {:+.2} | {} |",
            f.family.id(),
            f.prior,
            f.fitted,
            f.real,
            f.total(),
            f.reason
        );
    }
    let _ = writeln!(
        s,
        "\nThe data may strengthen a prior up to twice its size or shrink it to half; it cannot flip its sign. \
         The real-lure column comes from `data/family_fit.tsv`: a logistic fit of the family weights on the real \
         quoted lures and genuine board adverts in `../shared/data` (`lurescan eval-real ../shared/data --fit-families data/family_fit.tsv`), \
         shrunk towards the prior and kept between half and twice it, for the families that at least 10 lure and 10 genuine texts show; \
         `eval-real` refits it without each text's source before scoring that text."
    );
    let _ = writeln!(s, "\n## Known limits\n");
    for line in LIMITS {
        let _ = writeln!(s, "- {line}");
    }
    let _ = writeln!(s, "- {}", company_limit(report));
    let _ = writeln!(s, "- {LEXICON_LIMIT}");
    s
}

/// The nested cross-validation beside the figures above, when it was run or asked for.
fn nested_section(s: &mut String, report: &TrainReport) {
    if let Some(why) = &report.nested_unavailable {
        let _ = writeln!(
            s,
            "\n### Nested cross-validation\n\nAsked for (`--nested`) but not measured: {why}."
        );
    }
    let Some(n) = &report.nested else { return };
    let alphas: Vec<String> = n.alphas.iter().map(f64::to_string).collect();
    let _ = writeln!(
        s,
        "\n### Nested cross-validation\n\n\
         Same outer folds, grouped by {}. Inside each outer fold's training rows a grouped {}-fold \
         cross-validation redoes feature selection, the alpha search, calibration and the threshold; \
         a model fitted on those rows at the alpha found scores the outer fold. \
         Alphas chosen per outer fold: {}. Took {:.1} s.\n",
        n.grouping,
        report.folds,
        alphas.join(", "),
        n.seconds
    );
    let _ = writeln!(
        s,
        "| metric | CV above, mean ± sd | CV above, pooled | nested, mean ± sd | nested pooled | nested 95% CI |\n|---|---|---|---|---|---|"
    );
    for (name, above, nested) in [
        ("ROC-AUC", &report.roc_auc, &n.roc_auc),
        (
            &format!("PR-AUC at {:.1}% prevalence", report.prevalence * 100.0),
            &report.pr_auc,
            &n.pr_auc,
        ),
    ] {
        let _ = writeln!(
            s,
            "| {name} | {:.4} ± {:.4} | {:.4} | {:.4} ± {:.4} | {:.4} | {:.4} – {:.4} |",
            above.mean,
            above.sd,
            above.pooled,
            nested.mean,
            nested.sd,
            nested.pooled,
            nested.ci_low,
            nested.ci_high
        );
    }
    let t = &n.at_thresholds;
    let _ = writeln!(
        s,
        "\nEach outer fold cut at its own inner-chosen threshold (mean {:.4}): precision {:.3}, recall {:.3}, F1 {:.3} at {:.1}% prevalence.\n",
        t.threshold,
        t.precision,
        t.recall,
        t.f1,
        report.prevalence * 100.0
    );
    let _ = writeln!(
        s,
        "The CV above chose alpha (and calibrated) on the very folds it scores; the nested figures chose nothing on the rows they score. \
         The difference between the two is the optimism of that selection: a small one says the figures above are not inflated by it."
    );
}

/// What the groupings mean, said once in the card.
const GROUPING_MEANING: &str = "near-identical adverts share a normalised title and \
     description opening; a column's groups join adverts sharing a non-empty value of it \
     (compared normalised) with their near-identical adverts, transitively, and an advert \
     with an empty value groups by near-identical advert only";

/// The limit on employers the training data does not have, with this model's figures.
fn company_limit(report: &TrainReport) -> String {
    let company = format!("`{COMPANY_COLUMN}`");
    let by_company = report
        .other_groupings
        .iter()
        .find(|o| o.grouping.starts_with(&company));
    if report.grouping.starts_with(&company) {
        "Folds group adverts by company profile, so the figures above are for employers absent from the training data; adverts with no profile are grouped by near-identical advert only.".to_string()
    } else if let Some(o) = by_company {
        format!(
            "Folds grouped by near-identical advert let many adverts of one company sit on both sides of a split, so their figures overstate accuracy on employers absent from the training data: grouped by company profile, the same training gives ROC-AUC {:.4} and PR-AUC {:.4} (above).",
            o.roc_auc.mean, o.pr_auc.mean
        )
    } else {
        format!(
            "Folds group near-identical adverts, not employers, and the data has no {company} column to group by: many adverts of one company may sit on both sides of a split, so the figures may overstate accuracy on employers absent from the training data (`--group-by COL` groups by another column)."
        )
    }
}

const LEXICON_LIMIT: &str = "Lexicons catch the phrasings they contain; recruiters adapt (UNODC). Update them from new cases (`--lexicons DIR`).";

const LIMITS: &[&str] = &[
    "EMSCAD's fraud is mostly 2012–2014 US work-from-home and data-entry scams: the text weights know that world. Trafficking lures in other languages are carried by the lexicons and the expert priors, which the data cannot check.",
    "The cross-validation figures say how well the model separates EMSCAD-like adverts; they say nothing about recall on real scam-centre lures, for which no labelled data was available here.",
    "Probabilities assume the stated prevalence. On a job board where lures are rarer, pass `--prevalence` (the threshold moves with it) or precision will be lower than reported.",
    "Metadata features (logo, company profile, ...) exist only for EMSCAD-style inputs, and the default training gives them no weight (`--meta-scale 0`); every advert is judged on its words and lures.",
];
