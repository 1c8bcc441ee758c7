//! Real data: grouped 5-fold cross-validation on the shared EMSCAD split.

use lurescan::features::Extractor;
use lurescan::input::{self, FieldMapping};
use lurescan::lure::Lexicon;
use lurescan::model::train::Alpha;
use lurescan::model::{Provenance, TrainParams, cv};

use crate::util::shared_emscad;

#[test]
fn grouped_cross_validation_reaches_roc_auc_098() {
    let Some(path) = shared_emscad() else { return };
    let mapping = FieldMapping {
        label_col: Some("fraudulent".into()),
        ..FieldMapping::new()
    };
    let data = input::read_labelled(&path, None, mapping).expect("reads the shared split");
    assert_eq!(data.ads.len(), 1033);
    // The same settings as the default model (models/README.md): alpha chosen by CV.
    let params = TrainParams {
        bootstrap: 50,
        alpha: Alpha::Auto,
        ..TrainParams::default()
    }
    .check()
    .expect("valid params");
    let extractor = Extractor::new(Lexicon::embedded());
    let (model, report) =
        lurescan::model::train::fit(&params, &data, &extractor, Provenance::default())
            .expect("trains");
    eprintln!(
        "ROC-AUC {:.4} ± {:.4}, PR-AUC {:.4}",
        report.roc_auc.mean, report.roc_auc.sd, report.pr_auc.mean
    );
    // The core issue's bar is 0.98 (the default model gets 0.9834). PR-AUC's fold sd is
    // ~0.05, so its floor sits below the model's 0.860 and catches only a real loss.
    assert!(
        report.roc_auc.mean >= 0.98,
        "mean grouped-CV ROC-AUC {:.4} < 0.98",
        report.roc_auc.mean
    );
    assert!(
        report.pr_auc.mean >= 0.83,
        "mean grouped-CV PR-AUC at 4.8% {:.4} < 0.83",
        report.pr_auc.mean
    );

    // The embedded default model is what the documented command produces: same weights,
    // calibration and threshold (training is deterministic). Fails when features or
    // lexicons change without retraining `models/default.json.gz`.
    let default = lurescan::model::LureModel::embedded().expect("embedded model");
    let retrain = "retrain models/default.json.gz with the command in models/README.md";
    assert_eq!(default.text.buckets, model.text.buckets, "{retrain}");
    assert_eq!(default.text.weights, model.text.weights, "{retrain}");
    let fam = |m: &lurescan::model::LureModel| {
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

    // Groups never straddle folds on the real data either.
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
