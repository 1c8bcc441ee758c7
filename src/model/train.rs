//! Training: [`TrainParams`] (unchecked, with documented defaults) → [`ValidTrainParams`]
//! → [`fit`], which cross-validates with grouped folds, calibrates on the held-out
//! scores, picks the verdict threshold there, and fits the final model on all rows.
//!
//! The fit itself is linfa-logistic's L2-regularised logistic regression over a dense
//! matrix of the selected text terms, metadata and family indicators. Two linfa traits
//! are handled here: it labels the MORE FREQUENT class positive (we orient by
//! `labels()`), and it has no sample weights (row duplication is exact weighting, since
//! its loss is a plain sum). Before the fit, all-zero columns are dropped, identical
//! columns merged and columns centred (`Design`: the same optimum, reached in fewer
//! and cheaper iterations), and the fit stops at a per-row gradient tolerance rather than
//! when f32 rounding stalls it.

use std::collections::HashMap;

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::{
    BucketLookup, Calibration, FORMAT, FamilyWeight, LureModel, MetaWeight, Provenance, TextSpace,
    cv, priors,
};
use crate::ad::{Ad, TextField};
use crate::error::{Error, Result};
use crate::features::{
    AdFeatures, ExtractBuffers, Extractor, HASH_BITS, HASH_SEED, META_LEN, META_NAMES, walk_terms,
};
use crate::lure::Family;
use crate::metrics;
use crate::normalise::NormalisedText;

/// Labelled adverts.
#[derive(Debug, Clone, Default)]
pub struct LabelledAds {
    /// The adverts.
    pub ads: Vec<Ad>,
    /// `true` = lure / fraudulent.
    pub labels: Vec<bool>,
}

impl LabelledAds {
    /// Number of positives.
    pub fn positives(&self) -> usize {
        self.labels.iter().filter(|&&y| y).count()
    }
}

/// Half-width of the window over which [`ThresholdRule::BestF1`] averages F1 (in
/// probability). EMSCAD's out-of-fold F1 curve lies within 0.03 of its peak from 0.2 to
/// 0.55, and its raw maximum moved from 0.41 to 0.55 between two models that differed in a
/// few lexicon rules; averaged over ±0.05 the peak stayed at 0.44 for both.
pub const F1_SMOOTHING_HALF_WINDOW: f64 = 0.05;

/// How the verdict threshold is chosen on the held-out folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "target")]
pub enum ThresholdRule {
    /// Best F1 for the lure class at the stated prevalence, F1 averaged over thresholds
    /// within [`F1_SMOOTHING_HALF_WINDOW`] (see [`crate::metrics::smoothed_best_f1_threshold`]).
    BestF1,
    /// The highest-recall threshold reaching this precision (at the stated prevalence).
    TargetPrecision(f64),
    /// Highest threshold reaching this recall.
    TargetRecall(f64),
}

/// L2 strength: a value, or chosen by cross-validation from a grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Alpha {
    /// A fixed value.
    Fixed(f64),
    /// Picked by grouped cross-validation (mean ROC-AUC) from [`ALPHA_GRID`].
    Auto,
}

/// Candidates for `Alpha::Auto`.
pub const ALPHA_GRID: [f64; 7] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

/// Training parameters, unchecked. Build with `TrainParams::default()` and setters.
#[derive(Debug, Clone, Serialize)]
pub struct TrainParams {
    /// L2 strength (linfa's `alpha`, on a summed loss, so 1/C in scikit-learn terms);
    /// defaults to `Fixed(1.0)`.
    pub alpha: Alpha,
    /// Text terms kept (top by chi-squared within each training fold); defaults to 3000.
    /// Chosen among 2,500, 3,000, 3,500 and 4,000 by grouped 5-fold CV on the shared
    /// EMSCAD split (ROC-AUC 0.9733, 0.9752, 0.9755, 0.9752; PR-AUC at 4.8% 0.741, 0.747,
    /// 0.736, 0.736): the narrowest with the best figures, and a quarter less to fit.
    /// Not nested cross-validation, so the reported CV carries a small selection bias.
    pub max_text_features: usize,
    /// Minimum document frequency of a kept term; defaults to 2.
    pub min_df: usize,
    /// Cross-validation folds (grouped, stratified); defaults to 5.
    pub folds: usize,
    /// Seed for fold assignment and bootstrap; defaults to 42.
    pub seed: u64,
    /// Prevalence the model's probabilities assume; defaults to 0.048 (EMSCAD's natural rate).
    pub prevalence: f64,
    /// How the verdict threshold is chosen; defaults to best F1.
    pub threshold_rule: ThresholdRule,
    /// Each positive row counted this many times (exact weighting); defaults to 1.
    pub positive_weight: usize,
    /// linfa's iteration cap; defaults to 200.
    pub max_iterations: u64,
    /// Bootstrap replicates for confidence intervals; defaults to 1000.
    pub bootstrap: usize,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            alpha: Alpha::Fixed(1.0),
            max_text_features: 3000,
            min_df: 2,
            folds: 5,
            seed: 42,
            prevalence: 0.048,
            threshold_rule: ThresholdRule::BestF1,
            positive_weight: 1,
            max_iterations: 200,
            bootstrap: 1000,
        }
    }
}

/// Checked training parameters.
#[derive(Debug, Clone, Serialize)]
pub struct ValidTrainParams(TrainParams);

impl ValidTrainParams {
    /// The parameters.
    pub fn params(&self) -> &TrainParams {
        &self.0
    }
}

impl TrainParams {
    /// Checks the parameters once.
    pub fn check(self) -> Result<ValidTrainParams> {
        let bad = |name, reason: String| Err(Error::InvalidParameter { name, reason });
        if let Alpha::Fixed(a) = self.alpha
            && !(a.is_finite() && a > 0.0)
        {
            return bad("alpha", format!("{a} is not a positive number"));
        }
        if self.folds < 2 {
            return bad("cv", format!("need at least 2 folds, got {}", self.folds));
        }
        if !(self.prevalence > 0.0 && self.prevalence < 1.0) {
            return bad(
                "prevalence",
                format!("{} is not in (0, 1)", self.prevalence),
            );
        }
        if self.max_text_features == 0 {
            return bad("max_text_features", "must be at least 1".into());
        }
        if self.positive_weight == 0 {
            return bad("positive_weight", "must be at least 1".into());
        }
        match self.threshold_rule {
            ThresholdRule::TargetPrecision(t) | ThresholdRule::TargetRecall(t)
                if !(t > 0.0 && t <= 1.0) =>
            {
                return bad("threshold target", format!("{t} is not in (0, 1]"));
            }
            _ => {}
        }
        Ok(ValidTrainParams(self))
    }
}

/// Metrics of one held-out fold.
#[derive(Debug, Clone, Serialize)]
pub struct FoldMetrics {
    /// Fold number (0-based).
    pub fold: usize,
    /// Held-out rows.
    pub rows: usize,
    /// Held-out positives.
    pub positives: usize,
    /// ROC-AUC on the fold.
    pub roc_auc: f64,
    /// Average precision on the fold, re-weighted to the stated prevalence.
    pub pr_auc: f64,
}

/// A metric's mean and sample standard deviation across folds, and a bootstrap 95%
/// interval on the pooled out-of-fold scores.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Mean across folds.
    pub mean: f64,
    /// Sample standard deviation across folds.
    pub sd: f64,
    /// Pooled out-of-fold estimate.
    pub pooled: f64,
    /// Bootstrap 95% interval of the pooled estimate (low).
    pub ci_low: f64,
    /// Bootstrap 95% interval of the pooled estimate (high).
    pub ci_high: f64,
}

/// What cross-validation found.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Rows used.
    pub rows: usize,
    /// Positives.
    pub positives: usize,
    /// Groups of near-identical adverts.
    pub groups: usize,
    /// Folds.
    pub folds: usize,
    /// The prevalence PR-AUC, precision and F1 are re-weighted to.
    pub prevalence: f64,
    /// The alpha used (chosen, when auto).
    pub alpha: f64,
    /// Mean ROC-AUC per alpha tried (auto only).
    pub alpha_search: Vec<(f64, f64)>,
    /// Per-fold metrics.
    pub per_fold: Vec<FoldMetrics>,
    /// ROC-AUC summary.
    pub roc_auc: Summary,
    /// PR-AUC summary at the stated prevalence.
    pub pr_auc: Summary,
    /// The operating point at the chosen threshold, on out-of-fold probabilities.
    pub at_threshold: metrics::OperatingPoint,
    /// Brier score of the out-of-fold probabilities at the training prevalence.
    pub brier: f64,
    /// Expected calibration error (10 bins) of those probabilities.
    pub ece: f64,
    /// Seconds spent extracting features from every advert.
    pub extract_seconds: f64,
    /// Seconds spent fitting the final model on all rows (feature selection included).
    pub final_fit_seconds: f64,
    /// Seconds spent on cross-validation (alpha search included).
    pub cv_seconds: f64,
    /// Out-of-fold probabilities at the stated prevalence (for plots and eval).
    #[serde(skip)]
    pub oof_probabilities: Vec<f64>,
    /// Out-of-fold probabilities at the training data's own prevalence (calibration).
    #[serde(skip)]
    pub oof_probabilities_at_training_prevalence: Vec<f64>,
    /// Labels in the same order.
    #[serde(skip)]
    pub labels: Vec<bool>,
    /// Fold of each row.
    #[serde(skip)]
    pub fold_of_row: Vec<usize>,
}

/// Extracts every advert's features in parallel.
pub fn extract_all(ads: &[Ad], extractor: &Extractor<'_>) -> Vec<AdFeatures> {
    ads.par_iter()
        .map_init(ExtractBuffers::default, |buf, ad| {
            let mut f = AdFeatures::default();
            extractor.extract_into(ad, buf, &mut f);
            f
        })
        .collect()
}

/// Trains a model: cross-validation, calibration, threshold, final fit.
pub fn fit(
    params: &ValidTrainParams,
    data: &LabelledAds,
    extractor: &Extractor<'_>,
    provenance: Provenance,
) -> Result<(LureModel, TrainReport)> {
    let p = params.params();
    let n = data.ads.len();
    if n != data.labels.len() {
        return Err(Error::TrainingData(
            "adverts and labels differ in length".into(),
        ));
    }
    let positives = data.positives();
    if positives == 0 || positives == n {
        return Err(Error::TrainingData(format!(
            "need both classes; got {positives} positive of {n}"
        )));
    }
    let priors = priors::embedded()?;
    let clock = std::time::Instant::now();
    let features = extract_all(&data.ads, extractor);
    let extract_seconds = clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let groups = cv::group_ids(&data.ads);
    let n_groups = groups.iter().max().map_or(0, |m| m + 1);
    let folds = cv::grouped_stratified_folds(&groups, &data.labels, p.folds, p.seed)?;

    let (alpha, alpha_search) = match p.alpha {
        Alpha::Fixed(a) => (a, Vec::new()),
        Alpha::Auto => {
            let mut search = Vec::new();
            for a in ALPHA_GRID {
                let oof = cross_validate(&features, &data.labels, &folds, p, a, &priors)?;
                let aucs = fold_metric(&oof, &data.labels, &folds, p.folds, |s, y| {
                    metrics::roc_auc(s, y)
                })?;
                search.push((a, metrics::mean_sd(&aucs).0));
            }
            let best = search
                .iter()
                .copied()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(1.0, |b| b.0);
            (best, search)
        }
    };

    let oof_raw = cross_validate(&features, &data.labels, &folds, p, alpha, &priors)?;
    let cv_seconds = clock.elapsed().as_secs_f64();
    let calibration = platt(&oof_raw, &data.labels)?;
    let training_prevalence = positives as f64 / n as f64;
    let to_prob = |raw: f64, prevalence: f64| {
        let z = calibration.slope * raw + calibration.intercept + logit(prevalence)
            - logit(training_prevalence);
        1.0 / (1.0 + (-z).exp())
    };
    let oof_prob: Vec<f64> = oof_raw.iter().map(|&r| to_prob(r, p.prevalence)).collect();
    let oof_prob_train: Vec<f64> = oof_raw
        .iter()
        .map(|&r| to_prob(r, training_prevalence))
        .collect();
    let prev = Some(p.prevalence);
    let at_threshold = match p.threshold_rule {
        ThresholdRule::BestF1 => metrics::smoothed_best_f1_threshold(
            &oof_prob,
            &data.labels,
            prev,
            F1_SMOOTHING_HALF_WINDOW,
        )?,
        ThresholdRule::TargetPrecision(t) => {
            metrics::threshold_for_precision(&oof_prob, &data.labels, t, prev)?
        }
        ThresholdRule::TargetRecall(t) => {
            metrics::threshold_for_recall(&oof_prob, &data.labels, t, prev)?
        }
    };

    let per_fold = (0..p.folds)
        .map(|k| {
            let (s, y) = fold_slice(&oof_raw, &data.labels, &folds, k);
            Ok(FoldMetrics {
                fold: k,
                rows: s.len(),
                positives: y.iter().filter(|&&v| v).count(),
                roc_auc: metrics::roc_auc(&s, &y)?,
                pr_auc: metrics::average_precision(&s, &y, prev)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let summary = |per: Vec<f64>, stat: &Statistic<'_>| -> Result<Summary> {
        let (mean, sd) = metrics::mean_sd(&per);
        let ci = metrics::bootstrap_ci(&oof_raw, &data.labels, p.bootstrap, p.seed, stat)?;
        Ok(Summary {
            mean,
            sd,
            pooled: ci.estimate,
            ci_low: ci.lo,
            ci_high: ci.hi,
        })
    };
    let roc_auc = summary(per_fold.iter().map(|f| f.roc_auc).collect(), &|s, y| {
        metrics::roc_auc(s, y)
    })?;
    let pr_auc = summary(per_fold.iter().map(|f| f.pr_auc).collect(), &|s, y| {
        metrics::average_precision(s, y, prev)
    })?;
    let mut report = TrainReport {
        extract_seconds,
        final_fit_seconds: 0.0,
        cv_seconds,
        rows: n,
        positives,
        groups: n_groups,
        folds: p.folds,
        prevalence: p.prevalence,
        alpha,
        alpha_search,
        per_fold,
        roc_auc,
        pr_auc,
        at_threshold,
        brier: metrics::brier(&oof_prob_train, &data.labels)?,
        ece: metrics::ece(&oof_prob_train, &data.labels, 10)?,
        oof_probabilities_at_training_prevalence: oof_prob_train,
        oof_probabilities: oof_prob,
        labels: data.labels.clone(),
        fold_of_row: folds.clone(),
    };

    let all: Vec<usize> = (0..n).collect();
    let clock = std::time::Instant::now();
    let mut model = fit_rows(&features, &data.labels, &all, p, alpha, &priors)?;
    report.final_fit_seconds = clock.elapsed().as_secs_f64();
    model.text.terms = name_buckets(&data.ads, &model.text.buckets);
    model.calibration = calibration;
    model.training_prevalence = training_prevalence;
    model.prevalence = p.prevalence;
    model.threshold = at_threshold.threshold.clamp(1e-6, 1.0 - 1e-6);
    model.threshold_rule = match p.threshold_rule {
        ThresholdRule::BestF1 => format!(
            "best F1 on out-of-fold probabilities at prevalence {}, F1 averaged over \
             thresholds within ±{F1_SMOOTHING_HALF_WINDOW}",
            p.prevalence
        ),
        ThresholdRule::TargetPrecision(t) => format!(
            "highest-recall threshold with precision >= {t} at prevalence {}",
            p.prevalence
        ),
        ThresholdRule::TargetRecall(t) => format!("highest threshold with recall >= {t}"),
    };
    let mut provenance = provenance;
    provenance.rows = n;
    provenance.positives = positives;
    provenance.version = env!("CARGO_PKG_VERSION").to_string();
    provenance.params = serde_json::to_value(p).unwrap_or_default();
    provenance.cross_validation = serde_json::to_value(&report).unwrap_or_default();
    model.provenance = provenance;
    Ok((model, report))
}

/// A metric over (scores, labels), as the bootstrap takes it.
type Statistic<'a> = dyn Fn(&[f64], &[bool]) -> Result<f64, metrics::MetricError> + Sync + 'a;

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Out-of-fold raw logits: each fold scored by a model fitted on the others.
fn cross_validate(
    features: &[AdFeatures],
    labels: &[bool],
    folds: &[usize],
    p: &TrainParams,
    alpha: f64,
    priors: &[priors::Prior],
) -> Result<Vec<f64>> {
    let fitted: Vec<(usize, LureModel)> = (0..p.folds)
        .into_par_iter()
        .map(|k| {
            let train: Vec<usize> = (0..labels.len()).filter(|&i| folds[i] != k).collect();
            fit_rows(features, labels, &train, p, alpha, priors).map(|m| (k, m))
        })
        .collect::<Result<_>>()?;
    let mut oof = vec![0.0; labels.len()];
    for (k, m) in &fitted {
        for i in (0..labels.len()).filter(|&i| folds[i] == *k) {
            oof[i] = m.raw_logit(&features[i]);
        }
    }
    Ok(oof)
}

fn fold_slice(scores: &[f64], labels: &[bool], folds: &[usize], k: usize) -> (Vec<f64>, Vec<bool>) {
    (0..labels.len())
        .filter(|&i| folds[i] == k)
        .map(|i| (scores[i], labels[i]))
        .unzip()
}

fn fold_metric(
    scores: &[f64],
    labels: &[bool],
    folds: &[usize],
    k: usize,
    stat: impl Fn(&[f64], &[bool]) -> Result<f64, metrics::MetricError>,
) -> Result<Vec<f64>> {
    (0..k)
        .map(|f| {
            let (s, y) = fold_slice(scores, labels, folds, f);
            Ok(stat(&s, &y)?)
        })
        .collect()
}

/// linfa stops when the L2 norm of the gradient of its summed loss falls below its
/// tolerance, so a tolerance on a sum scales with the rows. A fixed 1e-4 is out of reach
/// in f32: every fit ran until the cost stalled (~150 iterations on the shared split),
/// the last ones spent on line searches lost in rounding. 1e-5 per row (ten times
/// stricter than scikit-learn's default on the mean loss) keeps the CV metrics.
const GRADIENT_TOLERANCE_PER_ROW: f32 = 1e-5;

/// Chi-squared score of a term's presence against the label.
fn chi2(df_pos: f64, df_neg: f64, n_pos: f64, n_neg: f64) -> f64 {
    let n = n_pos + n_neg;
    let present = df_pos + df_neg;
    let mut score = 0.0;
    for (observed, row, col) in [
        (df_pos, present, n_pos),
        (df_neg, present, n_neg),
        (n_pos - df_pos, n - present, n_pos),
        (n_neg - df_neg, n - present, n_neg),
    ] {
        let expected = row * col / n;
        if expected > 0.0 {
            score += (observed - expected).powi(2) / expected;
        }
    }
    score
}

/// Fits one model on the given rows (feature selection included, so nothing leaks from
/// held-out rows). Calibration and threshold are left neutral for the caller to set.
fn fit_rows(
    features: &[AdFeatures],
    labels: &[bool],
    rows: &[usize],
    p: &TrainParams,
    alpha: f64,
    priors: &[priors::Prior],
) -> Result<LureModel> {
    // Document frequencies per bucket and class, on the training rows only.
    let mut df: HashMap<u32, (u32, u32)> = HashMap::new();
    let (mut n_pos, mut n_neg) = (0.0, 0.0);
    for &i in rows {
        if labels[i] {
            n_pos += 1.0;
        } else {
            n_neg += 1.0;
        }
        for &(b, _) in &features[i].terms {
            let e = df.entry(b).or_default();
            if labels[i] {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let n_rows = n_pos + n_neg;
    let mut scored: Vec<(u32, f64, u32)> = df
        .iter()
        .filter(|(_, (a, b))| (a + b) as usize >= p.min_df)
        .map(|(&bucket, &(a, b))| {
            (
                bucket,
                chi2(f64::from(a), f64::from(b), n_pos, n_neg),
                a + b,
            )
        })
        .collect();
    scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    scored.truncate(p.max_text_features);
    scored.sort_by_key(|s| s.0);
    let buckets: Vec<u32> = scored.iter().map(|s| s.0).collect();
    let idf: Vec<f32> = scored
        .iter()
        .map(|s| (((1.0 + n_rows) / (1.0 + f64::from(s.2))).ln() + 1.0) as f32)
        .collect();
    let n_text = buckets.len();
    let lookup: BucketLookup = buckets
        .iter()
        .enumerate()
        .map(|(i, &b)| (b, i as u32))
        .collect();
    let mut text = TextSpace {
        hash_bits: HASH_BITS,
        hash_seed: HASH_SEED,
        buckets,
        idf,
        weights: vec![0.0; n_text],
        norm_floor: 0.0,
        terms: Vec::new(),
    };

    // The 10th-percentile l2 norm of the training adverts floors every advert's
    // normaliser: only texts shorter than nearly all training adverts are affected.
    let mut norms: Vec<f32> = rows
        .iter()
        .map(|&i| text.raw_norm(&lookup, &features[i].terms))
        .collect();
    norms.sort_by(f32::total_cmp);
    text.norm_floor = norms.get(norms.len() / 10).copied().unwrap_or(0.0);

    // Design: text | metadata | families, one sparse column each, positives repeated for
    // weighting (no copies when the weight is 1).
    let n_cols = n_text + META_LEN + Family::ALL.len();
    let expanded: Vec<usize> = rows
        .iter()
        .flat_map(|&i| std::iter::repeat_n(i, if labels[i] { p.positive_weight } else { 1 }))
        .collect();
    let mut columns = vec![SparseColumn::default(); n_cols];
    let mut y = Array1::<bool>::from_elem(expanded.len(), false);
    for (r, &i) in expanded.iter().enumerate() {
        let f = &features[i];
        let r = r as u32;
        text.for_each_value(&lookup, &f.terms, |col, v| columns[col].push(r, v));
        for (j, &m) in f.meta.iter().enumerate() {
            columns[n_text + j].push(r, m);
        }
        for (j, &v) in f.families.iter().enumerate() {
            columns[n_text + META_LEN + j].push(r, v);
        }
        y[r as usize] = labels[i];
    }
    let (w, intercept) = fit_columns(&columns, y, alpha, p.max_iterations)?;

    text.weights.copy_from_slice(&w[..n_text]);
    let meta = META_NAMES
        .iter()
        .enumerate()
        .map(|(j, name)| MetaWeight {
            name: name.to_string(),
            weight: w[n_text + j],
        })
        .collect();
    let families = Family::ALL
        .iter()
        .zip(priors)
        .enumerate()
        .map(|(j, (&family, prior))| FamilyWeight {
            family,
            prior: prior.weight,
            fitted: priors::clamp_adjustment(prior.weight, w[n_text + META_LEN + j]),
            reason: prior.reason.clone(),
        })
        .collect();
    let mut model = LureModel {
        format: FORMAT.to_string(),
        text,
        meta,
        families,
        intercept,
        calibration: Calibration {
            slope: 1.0,
            intercept: 0.0,
        },
        training_prevalence: 0.5,
        prevalence: 0.5,
        threshold: 0.5,
        threshold_rule: String::new(),
        provenance: Provenance::default(),
        lookup: BucketLookup::default(),
        filter: Default::default(),
    };
    model.rebuild_lookup();
    Ok(model)
}

/// Fits linfa on the design's columns and returns a weight per column, oriented
/// towards `true`, and the intercept. Redundant columns are merged before the fit (see
/// [`Design`]) and split again here.
fn fit_columns(
    columns: &[SparseColumn],
    y: Array1<bool>,
    alpha: f64,
    max_iterations: u64,
) -> Result<(Vec<f32>, f64)> {
    let n_rows = y.len();
    let n_cols = columns.len();
    let (x, design) = Design::merge(columns, n_rows);
    let fitted = LogisticRegression::default()
        .alpha(alpha as f32)
        .max_iterations(max_iterations)
        .gradient_tolerance(GRADIENT_TOLERANCE_PER_ROW * n_rows as f32)
        .fit(&linfa::Dataset::new(x, y))
        .map_err(|e| Error::Fit(e.to_string()))?;
    // linfa 0.8 labels the more frequent class positive: orient weights towards `true`.
    let sign = if fitted.labels().pos.class {
        1.0f32
    } else {
        -1.0
    };
    let oriented: Vec<f32> = fitted.params().iter().map(|&v| sign * v).collect();
    let w = design.weights(&oriented, n_cols);
    let intercept = design.intercept(f64::from(sign * fitted.intercept()), &oriented);
    Ok((w, intercept))
}

/// One column of the design on the training rows, without its zeros (text columns are
/// ~96% zero, so grouping them sparse is cheap).
#[derive(Debug, Clone, Default, PartialEq)]
struct SparseColumn {
    rows: Vec<u32>,
    values: Vec<f32>,
}

impl SparseColumn {
    fn push(&mut self, row: u32, value: f32) {
        if value != 0.0 {
            self.rows.push(row);
            self.values.push(value);
        }
    }
}

/// The dense matrix linfa fits, rewritten without changing the optimum:
/// - bit-identical columns (templated adverts give many terms that always occur
///   together) become one column scaled by √k, its weight split back evenly: an
///   orthogonal change of coordinates, so the L2-penalised optimum and even L-BFGS's
///   iterates are the same, on a ~25% narrower matrix (4,028 → ~3,020 columns on the
///   shared split with 4,000 text terms);
/// - all-zero columns are left out (their gradient is 0 from the start, so their weight
///   stays 0);
/// - columns are centred, which moves only the unpenalised intercept, so that columns
///   such as `log_words` (~0.8-1.2 on every advert) are no longer nearly collinear with
///   it: ~90 L-BFGS iterations instead of ~127 for the final fit on the shared split.
///   Constant columns are kept as they are: their optimal weight is 0, but linfa never gets there, and
///   centring or dropping them moves free-text adverts' scores.
#[derive(Debug, Clone)]
struct Design {
    /// The original columns each fitted column stands for.
    members: Vec<Vec<usize>>,
    /// What was subtracted from each fitted column (its mean, 0 for constant columns).
    offsets: Vec<f32>,
}

impl Design {
    fn merge(columns: &[SparseColumn], n_rows: usize) -> (Array2<f32>, Design) {
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        for (j, c) in columns.iter().enumerate() {
            if c.rows.is_empty() {
                continue;
            }
            let mut hasher = Xxh3::new();
            for (&r, &v) in c.rows.iter().zip(&c.values) {
                hasher.update(&r.to_le_bytes());
                hasher.update(&v.to_bits().to_le_bytes());
            }
            let groups = by_hash.entry(hasher.digest()).or_default();
            // A hash match is checked value by value: only exact copies merge.
            match groups.iter().find(|&&g| columns[members[g][0]] == *c) {
                Some(&g) => members[g].push(j),
                None => {
                    groups.push(members.len());
                    members.push(vec![j]);
                }
            }
        }
        // Column-major: linfa's gradient computes `x.t().dot(r)` as a matrix-vector
        // product, which is row-contiguous (fast) only when `x` is column-major.
        let mut x = Array2::<f32>::zeros((n_rows, members.len()).f());
        let mut offsets = vec![0.0f32; members.len()];
        for (g, cols) in members.iter().enumerate() {
            let c = &columns[cols[0]];
            let k = (cols.len() as f32).sqrt();
            let constant = c.rows.len() == n_rows && c.values.iter().all(|&v| v == c.values[0]);
            let mean = if constant {
                0.0
            } else {
                (c.values.iter().map(|&v| f64::from(v)).sum::<f64>() / n_rows as f64) as f32
            };
            offsets[g] = k * mean;
            let mut out = x.column_mut(g);
            out.fill(-offsets[g]);
            for (&r, &v) in c.rows.iter().zip(&c.values) {
                out[r as usize] = k * v - offsets[g];
            }
        }
        (x, Design { members, offsets })
    }

    /// Weights for all `n_cols` original columns from those fitted on the merged ones:
    /// a merged column √k·x with weight v is k copies of x with weight v/√k each (the
    /// same predictions and the same penalty); dropped columns get 0.
    fn weights(&self, fitted: &[f32], n_cols: usize) -> Vec<f32> {
        debug_assert_eq!(fitted.len(), self.members.len());
        let mut w = vec![0.0; n_cols];
        for (cols, &v) in self.members.iter().zip(fitted) {
            let share = v / (cols.len() as f32).sqrt();
            for &j in cols {
                w[j] = share;
            }
        }
        w
    }

    /// The intercept on the uncentred columns: the fitted one less what the centring
    /// took out of each column's contribution.
    fn intercept(&self, fitted_intercept: f64, fitted: &[f32]) -> f64 {
        let shift: f64 = self
            .offsets
            .iter()
            .zip(fitted)
            .map(|(&o, &v)| f64::from(o) * f64::from(v))
            .sum();
        fitted_intercept - shift
    }
}

/// The most frequent n-gram behind each bucket, for people reading the model.
fn name_buckets(ads: &[Ad], buckets: &[u32]) -> Vec<String> {
    let wanted: std::collections::HashSet<u32> = buckets.iter().copied().collect();
    let mut seen: HashMap<u32, HashMap<String, u32>> = HashMap::new();
    let mut norm = NormalisedText::new();
    for ad in ads {
        for (field, text) in ad.fields() {
            norm.normalise(text);
            walk_terms(norm.as_str(), field, |b, prev, tok| {
                if wanted.contains(&b) {
                    let name = match (field, prev.is_empty()) {
                        (TextField::Title, true) => format!("title: {tok}"),
                        (TextField::Title, false) => format!("title: {prev} {tok}"),
                        (_, true) => tok.to_string(),
                        (_, false) => format!("{prev} {tok}"),
                    };
                    *seen.entry(b).or_default().entry(name).or_default() += 1;
                }
            });
        }
    }
    buckets
        .iter()
        .map(|b| {
            seen.get(b)
                .and_then(|names| {
                    names
                        .iter()
                        .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                        .map(|(n, _)| n.clone())
                })
                .unwrap_or_else(|| format!("#{b}"))
        })
        .collect()
}

/// Platt scaling of raw logits on held-out rows, fitted with linfa on one feature.
fn platt(raw: &[f64], labels: &[bool]) -> Result<Calibration> {
    let x = Array2::from_shape_fn((raw.len(), 1), |(i, _)| raw[i]);
    let y = Array1::from_iter(labels.iter().copied());
    let fitted = LogisticRegression::default()
        .alpha(1e-3)
        .max_iterations(200)
        .fit(&linfa::Dataset::new(x, y))
        .map_err(|e| Error::Fit(format!("calibration: {e}")))?;
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    Ok(Calibration {
        slope: sign * fitted.params()[0],
        intercept: sign * fitted.intercept(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi2_is_zero_for_independent_terms() {
        assert!(chi2(10.0, 10.0, 50.0, 50.0).abs() < 1e-12);
        assert!(chi2(40.0, 2.0, 50.0, 50.0) > 30.0);
    }

    #[test]
    fn bad_params_are_rejected() {
        assert!(
            TrainParams {
                alpha: Alpha::Fixed(-1.0),
                ..Default::default()
            }
            .check()
            .is_err()
        );
        assert!(
            TrainParams {
                folds: 1,
                ..Default::default()
            }
            .check()
            .is_err()
        );
        assert!(
            TrainParams {
                prevalence: 1.0,
                ..Default::default()
            }
            .check()
            .is_err()
        );
        assert!(TrainParams::default().check().is_ok());
    }

    fn column(entries: &[(u32, f32)]) -> SparseColumn {
        let mut c = SparseColumn::default();
        for &(r, v) in entries {
            c.push(r, v);
        }
        c
    }

    fn dense(columns: &[SparseColumn], n_rows: usize) -> Array2<f32> {
        let mut x = Array2::zeros((n_rows, columns.len()));
        for (j, c) in columns.iter().enumerate() {
            for (&r, &v) in c.rows.iter().zip(&c.values) {
                x[[r as usize, j]] = v;
            }
        }
        x
    }

    #[test]
    fn merged_design_keeps_predictions_and_penalty() {
        let columns = vec![
            column(&[(0, 0.5), (2, 0.25)]),
            column(&[(0, 0.5), (2, 0.25)]),
            column(&[(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)]),
            column(&[]),
            column(&[(1, 2.0), (3, -1.0)]),
            column(&[(0, 0.5), (2, 0.5)]),
        ];
        let (x, design) = Design::merge(&columns, 4);
        assert_eq!(design.members, vec![vec![0, 1], vec![2], vec![4], vec![5]]);
        for g in [0, 2, 3] {
            assert!(x.column(g).sum().abs() < 1e-6, "column {g} is centred");
        }
        assert_eq!(x.column(1).to_vec(), vec![1.0; 4], "constant: left alone");
        let v = [0.7f32, 0.2, -1.3, 0.4];
        let w = design.weights(&v, columns.len());
        assert_eq!(w[3], 0.0, "all-zero column");
        let merged = x.dot(&Array1::from(v.to_vec())) + 0.5;
        let intercept = design.intercept(0.5, &v) as f32;
        let full = dense(&columns, 4).dot(&Array1::from(w.clone())) + intercept;
        for (a, b) in merged.iter().zip(&full) {
            assert!((a - b).abs() < 1e-6, "{merged} vs {full}");
        }
        let penalty = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>();
        assert!((penalty(&v) - penalty(&w)).abs() < 1e-5);
    }

    /// The merged fit must give the predictions a plain linfa fit gives on the full
    /// matrix, with the weights split back onto every original column.
    #[test]
    fn fit_columns_splits_merged_weights_back() {
        let n = 80usize;
        // Positives are the minority (linfa then calls `false` positive).
        let labels: Vec<bool> = (0..n).map(|i| i % 4 == 0).collect();
        let noisy = |i: usize, salt: usize| (i * 7919 + salt * 104_729) % 13 < 4;
        let mut columns = Vec::new();
        for t in 0..5 {
            let entries: Vec<(u32, f32)> = (0..n)
                .filter(|&i| {
                    if t < 2 {
                        labels[i] ^ noisy(i, t)
                    } else {
                        noisy(i, t)
                    }
                })
                .map(|i| (i as u32, 0.05 + 0.01 * ((i + t) % 5) as f32))
                .collect();
            columns.push(column(&entries));
        }
        columns.push(columns[0].clone()); // a duplicate text column
        let all: Vec<(u32, f32)> = (0..n as u32).map(|i| (i, 1.0)).collect();
        columns.push(column(&all)); // constant metadata
        let flag: Vec<(u32, f32)> = (0..n)
            .filter(|&i| noisy(i, 9) || labels[i] && i % 3 == 0)
            .map(|i| (i as u32, 1.0))
            .collect();
        columns.push(column(&flag));
        columns.push(column(&[])); // never set on these rows
        let alpha = 0.1;
        let y = Array1::from(labels.clone());
        let (w, intercept) = fit_columns(&columns, y.clone(), alpha, 500).expect("fit");
        assert_eq!(w[0], w[5], "a merged pair shares its weight");
        assert_eq!(w[8], 0.0);

        let full = dense(&columns, n);
        let plain = LogisticRegression::default()
            .alpha(alpha as f32)
            .max_iterations(500)
            .gradient_tolerance(1e-6)
            .fit(&linfa::Dataset::new(full.clone(), y))
            .expect("plain fit");
        let p_pos = plain.predict_probabilities(&full);
        let ours = full.dot(&Array1::from(w));
        for i in 0..n {
            let p_true = if plain.labels().pos.class {
                p_pos[i]
            } else {
                1.0 - p_pos[i]
            };
            let p_ours = 1.0 / (1.0 + (-(f64::from(ours[i]) + intercept)).exp());
            assert!(
                (f64::from(p_true) - p_ours).abs() < 0.01,
                "row {i}: plain {p_true}, ours {p_ours}"
            );
        }
    }

    /// Adverts with no usable feature at all leave linfa no column: an error or an
    /// intercept-only model, never a panic.
    #[test]
    fn no_usable_column_does_not_panic() {
        let y = Array1::from(vec![true, false, true, false]);
        if let Ok((w, intercept)) = fit_columns(&[column(&[]), column(&[])], y, 1.0, 50) {
            assert_eq!(w, vec![0.0, 0.0]);
            assert!(intercept.is_finite());
        }
    }

    /// linfa labels the majority class positive; with positives in the minority the
    /// weights must still point towards `true`.
    #[test]
    fn orientation_holds_when_positives_are_the_minority() {
        let x = Array2::from_shape_fn((100, 1), |(i, _)| {
            if i < 10 {
                3.0
            } else {
                -1.0 + (i % 3) as f64 * 0.1
            }
        });
        let labels: Vec<bool> = (0..100).map(|i| i < 10).collect();
        let raw: Vec<f64> = x.column(0).to_vec();
        let cal = platt(&raw, &labels).expect("fit");
        assert!(cal.slope > 0.0, "slope {} should be positive", cal.slope);
    }
}
