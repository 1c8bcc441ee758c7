//! Real data: training and grouped 5-fold cross-validation on the shared EMSCAD split.

use lurescan::input::{self, FieldMapping};
use lurescan::lure::Lexicon;
use lurescan::model::{LureModel, cv};

use crate::util::{lurescan, run_ok, shared_emscad};

/// `lurescan train DATA -o MODEL` with no other flag is the documented command: it must
/// reach the core issue's bar and give the embedded default model.
#[test]
fn flagless_train_reaches_the_bar_and_gives_the_default_model() {
    let Some(path) = shared_emscad() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let model_path = dir.path().join("m.json");
    run_ok(
        lurescan()
            .arg("train")
            .arg(&path)
            .arg("-o")
            .arg(&model_path),
    );
    let model = LureModel::load(&model_path).expect("reads the trained model");
    let cv = &model.provenance.cross_validation;
    let figure = |metric: &str| cv[metric]["mean"].as_f64().expect("CV figure");
    let (roc, pr) = (figure("roc_auc"), figure("pr_auc"));
    eprintln!("ROC-AUC {roc:.4}, PR-AUC {pr:.4}");
    assert_eq!(cv["rows"], 1033);
    // The flag-less default is the chosen setting: alpha picked by CV (0.0003 here).
    assert_eq!(model.provenance.params["alpha"], "auto");
    assert_eq!(cv["alpha"], 0.0003);
    // The core issue's bar is 0.98 (the default model gets 0.9819). PR-AUC's fold sd is
    // ~0.12, so its floor sits below the model's 0.813 and catches only a real loss. It
    // was 0.851 before pay's weight was fitted on real lures (data/family_fit.tsv): one
    // genuine EMSCAD sales advert whose claim of its top sellers' yearly earnings now
    // outranks most frauds in its fold (docs/design.md).
    assert!(roc >= 0.98, "mean grouped-CV ROC-AUC {roc:.4} < 0.98");
    assert!(pr >= 0.79, "mean grouped-CV PR-AUC at 4.8% {pr:.4} < 0.79");
    // EMSCAD has company profiles: the CV grouped by company is reported beside, with
    // intervals, and is lower (0.903 / 0.747 at this commit): one employer's adverts on
    // both sides of a split flatter the near-identical grouping.
    let others = cv["other_groupings"].as_array().expect("other groupings");
    let company = others
        .iter()
        .find(|o| o["grouping"] == "`company_profile` (and near-identical adverts)")
        .unwrap_or_else(|| panic!("no company grouping in {others:?}"));
    let company_roc = company["roc_auc"]["mean"].as_f64().expect("ROC-AUC");
    let company_pr = company["pr_auc"]["mean"].as_f64().expect("PR-AUC");
    eprintln!("grouped by company: ROC-AUC {company_roc:.4}, PR-AUC {company_pr:.4}");
    assert!(
        (0.85..roc).contains(&company_roc),
        "company-grouped ROC-AUC {company_roc:.4} against {roc:.4}"
    );
    assert!(
        (0.6..pr).contains(&company_pr),
        "company-grouped PR-AUC {company_pr:.4} against {pr:.4}"
    );
    for metric in ["roc_auc", "pr_auc"] {
        let (lo, hi) = (
            company[metric]["ci_low"].as_f64().expect("interval"),
            company[metric]["ci_high"].as_f64().expect("interval"),
        );
        assert!(lo < hi, "{metric} interval {lo}..{hi}");
    }
    let card = std::fs::read_to_string(dir.path().join("m.md")).expect("card");
    assert!(
        card.contains("grouped by company profile, the same training gives"),
        "{card}"
    );

    // The embedded default model is what the flag-less command produces: same weights,
    // calibration and threshold (training is deterministic). Fails when features or
    // lexicons change without retraining `models/default.json.gz`.
    let default = LureModel::embedded().expect("embedded model");
    let retrain = "retrain models/default.json.gz with the command in models/README.md";
    assert_eq!(default.text.buckets, model.text.buckets, "{retrain}");
    assert_eq!(default.text.weights, model.text.weights, "{retrain}");
    let fam = |m: &LureModel| {
        m.families
            .iter()
            .map(|f| (f.prior, f.fitted))
            .collect::<Vec<_>>()
    };
    assert_eq!(fam(&default), fam(&model), "{retrain}");
    assert_eq!(default.threshold, model.threshold, "{retrain}");
    assert_eq!(
        default.calibration.slope, model.calibration.slope,
        "{retrain}"
    );
}

/// Groups of near-identical adverts never straddle folds on the real data.
#[test]
fn near_duplicate_groups_never_straddle_folds() {
    let Some(path) = shared_emscad() else { return };
    let mapping = FieldMapping {
        label_col: Some("fraudulent".into()),
        ..FieldMapping::new()
    };
    let data = input::read_labelled(&path, None, mapping).expect("reads the shared split");
    assert_eq!(data.ads.len(), 1033);
    let groups = cv::group_ids(&data.ads);
    let folds = cv::grouped_stratified_folds(&groups, &data.labels, 5, 42).expect("folds");
    let mut fold_of = std::collections::HashMap::new();
    for (g, f) in groups.iter().zip(&folds) {
        assert_eq!(
            *fold_of.entry(*g).or_insert(*f),
            *f,
            "group {g} split across folds"
        );
    }
}

/// The lexicon skips regexes written only in other scripts on all-ASCII text; on the
/// real (ASCII) adverts that shortcut must find exactly what the exhaustive pass finds.
#[test]
fn ascii_shortcut_finds_what_the_exhaustive_pass_finds() {
    let Some(path) = shared_emscad() else { return };
    let mapping = FieldMapping {
        label_col: Some("fraudulent".into()),
        ..FieldMapping::new()
    };
    let data = input::read_labelled(&path, None, mapping).expect("reads the shared split");
    let lexicon = Lexicon::embedded();
    let mut norm = lurescan::normalise::NormalisedText::new();
    let (mut fast, mut full) = (Vec::new(), Vec::new());
    let mut checked = 0;
    for ad in &data.ads {
        for (_, text) in ad.fields() {
            norm.normalise(text);
            fast.clear();
            full.clear();
            lexicon.find(norm.as_str(), &mut fast);
            lexicon.find_exhaustive(norm.as_str(), &mut full);
            assert_eq!(fast, full, "advert {}", ad.id);
            checked += usize::from(norm.as_str().is_ascii());
        }
    }
    assert!(checked > 3000, "only {checked} ASCII fields checked");
}

/// `train --nested` on the real data: alpha, calibration and threshold are chosen inside
/// each outer fold, and the figure that gives sits in a sane range, close below the CV
/// that chose alpha on its own folds, with an interval around its pooled value.
#[test]
fn nested_cv_reports_an_unbiased_figure_with_its_interval() {
    let Some(path) = shared_emscad() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let model_path = dir.path().join("m.json");
    run_ok(
        lurescan()
            .arg("train")
            .arg(&path)
            .args(["--nested", "--bootstrap", "200", "-o"])
            .arg(&model_path),
    );
    let model = LureModel::load(&model_path).expect("reads the trained model");
    let cv = &model.provenance.cross_validation;
    let nested = &cv["nested"];
    assert_eq!(
        nested["alphas"]
            .as_array()
            .expect("alphas per outer fold")
            .len(),
        5
    );
    for (metric, floor) in [("roc_auc", 0.95), ("pr_auc", 0.7)] {
        let figure = |key: &str| nested[metric][key].as_f64().expect("nested figure");
        let (mean, pooled, lo, hi) = (
            figure("mean"),
            figure("pooled"),
            figure("ci_low"),
            figure("ci_high"),
        );
        let plain = cv[metric]["mean"].as_f64().expect("CV figure");
        eprintln!(
            "nested {metric}: {mean:.4} (pooled {pooled:.4}, {lo:.4} – {hi:.4}); CV {plain:.4}"
        );
        // Sane: well above chance, at most 1, and not above the selected CV by more than
        // noise (selection can only flatter that one).
        assert!((floor..=1.0).contains(&mean), "nested {metric} mean {mean}");
        assert!(
            mean <= plain + 0.01,
            "nested {metric} {mean} above CV {plain}"
        );
        assert!(
            lo <= pooled && pooled <= hi,
            "{metric}: {pooled} outside {lo}..{hi}"
        );
        assert!(lo < hi, "{metric} interval {lo}..{hi}");
    }
    let card = std::fs::read_to_string(dir.path().join("m.md")).expect("card");
    assert!(card.contains("### Nested cross-validation"), "{card}");
}
