//! Evaluation metrics for lure scores: ranking (ROC-AUC, ROC curve), precision and recall
//! (average precision, PR curve, confusion counts, operating points), threshold choice,
//! calibration (Brier score, reliability bins, expected calibration error), and stratified
//! bootstrap confidence intervals. It only measures: it does not score adverts, fit or
//! calibrate models, or draw anything (see `plots` for pictures of these results).
//!
//! # Conventions
//! - A *score* is any `f64` where higher means "more likely a lure"; NaN scores are rejected.
//!   A *probability* must lie in `[0, 1]`.
//! - Labels are `bool`: `true` is a lure (the positive class).
//! - An advert is predicted positive when `score >= threshold`. Curves and threshold searches
//!   use every distinct score as a candidate threshold, so adverts with tied scores always
//!   fall on the same side (ties are never split).
//! - Counts (`tp`, `fp`, `tn`, `fn_`) are always raw, unweighted counts.
//!
//! # Prevalence re-weighting
//! Evaluation sets are usually enriched with lures, so precision measured on them overstates
//! what a reviewer sees in a real feed. Functions taking `prevalence: Option<f64>` can
//! re-weight the negatives so the positives' weighted share equals the stated prevalence
//! `π` (which must lie strictly between 0 and 1). With `n_pos` positives and `n_neg`
//! negatives, every positive has weight 1 and every negative has weight
//!
//! ```text
//! w_neg = (n_pos / n_neg) · ((1 − π) / π)
//! ```
//!
//! so that `n_pos / (n_pos + w_neg · n_neg) = π`. Precision then becomes
//! `TP / (TP + w_neg · FP)`, and F1 and average precision follow from it. Recall, TPR, FPR
//! and ROC-AUC are ratios within one class and so do not change. `None` means no
//! re-weighting (`w_neg = 1`): the metrics are those of the sample as given.

use serde::Serialize;

/// Why a metric cannot be computed.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
pub enum MetricError {
    /// Scores (or probabilities) and labels have different lengths.
    #[error("scores and labels differ in length ({scores} scores, {labels} labels)")]
    LengthMismatch {
        /// Number of scores or probabilities.
        scores: usize,
        /// Number of labels.
        labels: usize,
    },
    /// There are no examples at all.
    #[error("metric needs at least one example; got none")]
    Empty,
    /// One class is absent; the payload names the missing one ("positive" or "negative").
    #[error("metric needs both classes; there are no {0} examples")]
    MissingClass(&'static str),
    /// A score is NaN, so it cannot be ranked.
    #[error("score at index {index} is NaN")]
    NanScore {
        /// 0-based position of the score.
        index: usize,
    },
    /// A probability is outside `[0, 1]` (or NaN).
    #[error("probability at index {index} is {value}, not in [0, 1]")]
    ProbabilityOutOfRange {
        /// 0-based position of the probability.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A parameter (prevalence, threshold, target, bin or replicate count) is invalid.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },
    /// No threshold reaches the requested precision.
    #[error(
        "no threshold reaches precision {target}; the highest precision at any threshold is {best}"
    )]
    UnreachablePrecision {
        /// The requested precision.
        target: f64,
        /// The best precision any threshold achieves.
        best: f64,
    },
    /// A bootstrap statistic returned NaN.
    #[error("bootstrap statistic is NaN ({which})")]
    NanStatistic {
        /// Where it happened: "full sample" or "replicate N" (0-based).
        which: String,
    },
}

/// Result with [`MetricError`].
pub type Result<T, E = MetricError> = std::result::Result<T, E>;

/// One point of a ROC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RocPoint {
    /// False-positive rate `FP / n_neg` at this threshold.
    pub fpr: f64,
    /// True-positive rate (recall) `TP / n_pos` at this threshold.
    pub tpr: f64,
    /// Adverts with `score >= threshold` are predicted positive. The first point, (0, 0), has
    /// threshold `+∞` (which `serde_json` writes as `null`).
    pub threshold: f64,
}

/// One point of a precision–recall curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PrPoint {
    /// Recall `TP / n_pos` at this threshold.
    pub recall: f64,
    /// Precision at this threshold, re-weighted when a prevalence was given.
    pub precision: f64,
    /// Adverts with `score >= threshold` are predicted positive.
    pub threshold: f64,
}

/// Raw confusion counts at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    /// Lures predicted positive.
    pub tp: u64,
    /// Non-lures predicted positive.
    pub fp: u64,
    /// Non-lures predicted negative.
    pub tn: u64,
    /// Lures predicted negative (`fn` is a keyword).
    pub fn_: u64,
}

/// Metrics at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OperatingPoint {
    /// Adverts with `score >= threshold` are predicted positive.
    pub threshold: f64,
    /// `TP / (TP + w_neg · FP)` (re-weighted when a prevalence was given); defined as 0 when
    /// nothing is predicted positive.
    pub precision: f64,
    /// `TP / n_pos`.
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`, i.e. `2·TP / (2·TP + w_neg · FP + FN)`;
    /// 0 when `TP` is 0.
    pub f1: f64,
    /// `FP / n_neg`.
    pub fpr: f64,
    /// Raw true positives.
    pub tp: u64,
    /// Raw false positives.
    pub fp: u64,
    /// Raw true negatives.
    pub tn: u64,
    /// Raw false negatives.
    pub fn_: u64,
}

/// One equal-width probability bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower edge (inclusive).
    pub lo: f64,
    /// Upper edge (exclusive, except that the last bin includes 1.0).
    pub hi: f64,
    /// Number of predictions in the bin (never 0: empty bins are omitted).
    pub count: u64,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Share of lures among the bin's adverts.
    pub observed_rate: f64,
}

/// A point estimate with a bootstrap percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The statistic on the full sample.
    pub estimate: f64,
    /// 2.5th percentile of the bootstrap replicates.
    pub lo: f64,
    /// 97.5th percentile of the bootstrap replicates.
    pub hi: f64,
}

/// Allowance for floating-point rounding when comparing a precision or recall with a
/// target, so a value that equals the target in exact arithmetic is accepted.
const TARGET_TOLERANCE: f64 = 1e-12;

// ---------------------------------------------------------------------------------------
// Shared validation and the ranked form every threshold metric is computed from.

fn check_lengths(n_scores: usize, n_labels: usize) -> Result<()> {
    if n_scores == n_labels {
        Ok(())
    } else {
        Err(MetricError::LengthMismatch {
            scores: n_scores,
            labels: n_labels,
        })
    }
}

fn check_scores(scores: &[f64], labels: &[bool]) -> Result<()> {
    check_lengths(scores.len(), labels.len())?;
    match scores.iter().position(|s| s.is_nan()) {
        Some(index) => Err(MetricError::NanScore { index }),
        None => Ok(()),
    }
}

/// Class counts `(n_pos, n_neg)`, erroring unless both classes are present.
fn class_counts(labels: &[bool]) -> Result<(u64, u64)> {
    if labels.is_empty() {
        return Err(MetricError::Empty);
    }
    let n_pos = labels.iter().filter(|&&y| y).count() as u64;
    let n_neg = labels.len() as u64 - n_pos;
    if n_pos == 0 {
        return Err(MetricError::MissingClass("positive"));
    }
    if n_neg == 0 {
        return Err(MetricError::MissingClass("negative"));
    }
    Ok((n_pos, n_neg))
}

/// The weight of each negative; see the module docs.
fn negative_weight(prevalence: Option<f64>, n_pos: u64, n_neg: u64) -> Result<f64> {
    match prevalence {
        None => Ok(1.0),
        Some(pi) if pi > 0.0 && pi < 1.0 => Ok((n_pos as f64 * (1.0 - pi)) / (n_neg as f64 * pi)),
        Some(pi) => Err(MetricError::InvalidParameter {
            name: "prevalence",
            reason: format!("{pi} is not strictly between 0 and 1"),
        }),
    }
}

fn check_target(name: &'static str, target: f64) -> Result<()> {
    if target > 0.0 && target <= 1.0 {
        Ok(())
    } else {
        Err(MetricError::InvalidParameter {
            name,
            reason: format!("{target} is not in (0, 1]"),
        })
    }
}

fn check_threshold(threshold: f64) -> Result<()> {
    if threshold.is_nan() {
        Err(MetricError::InvalidParameter {
            name: "threshold",
            reason: "NaN".into(),
        })
    } else {
        Ok(())
    }
}

/// Precision `tp / (tp + w·fp)`, 0 when nothing is predicted positive.
fn precision_of(tp: u64, fp: u64, w_neg: f64) -> f64 {
    if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp as f64 + w_neg * fp as f64)
    }
}

/// F1 `2·tp / (2·tp + w·fp + fn)`, 0 when `tp` is 0.
fn f1_of(tp: u64, fp: u64, fn_: u64, w_neg: f64) -> f64 {
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2.0 * tp as f64 + w_neg * fp as f64 + fn_ as f64)
    }
}

/// All adverts sharing one distinct score.
#[derive(Debug, Clone, Copy)]
struct TieGroup {
    score: f64,
    pos: u64,
    neg: u64,
}

/// Scores grouped by distinct value, highest first, with the class totals.
struct Ranked {
    groups: Vec<TieGroup>,
    n_pos: u64,
    n_neg: u64,
}

impl Ranked {
    /// Validates and groups; needs both classes and no NaN.
    fn new(scores: &[f64], labels: &[bool]) -> Result<Ranked> {
        check_scores(scores, labels)?;
        let (n_pos, n_neg) = class_counts(labels)?;
        let mut rows: Vec<(f64, bool)> =
            scores.iter().copied().zip(labels.iter().copied()).collect();
        // Descending; total_cmp is a total order once NaN is excluded, and -0.0 sits next
        // to 0.0, so the `==` grouping below still merges them.
        rows.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let mut groups: Vec<TieGroup> = Vec::new();
        for (s, y) in rows {
            match groups.last_mut() {
                Some(g) if g.score == s => {
                    if y {
                        g.pos += 1
                    } else {
                        g.neg += 1
                    }
                }
                _ => groups.push(TieGroup {
                    score: s,
                    pos: u64::from(y),
                    neg: u64::from(!y),
                }),
            }
        }
        Ok(Ranked {
            groups,
            n_pos,
            n_neg,
        })
    }

    /// `(threshold, tp, fp)` after admitting each group in turn, highest threshold first.
    fn cumulative(&self) -> impl Iterator<Item = (f64, u64, u64)> + '_ {
        self.groups.iter().scan((0u64, 0u64), |acc, g| {
            acc.0 += g.pos;
            acc.1 += g.neg;
            Some((g.score, acc.0, acc.1))
        })
    }

    fn operating_point(&self, threshold: f64, tp: u64, fp: u64, w_neg: f64) -> OperatingPoint {
        let fn_ = self.n_pos - tp;
        OperatingPoint {
            threshold,
            precision: precision_of(tp, fp, w_neg),
            recall: tp as f64 / self.n_pos as f64,
            f1: f1_of(tp, fp, fn_, w_neg),
            fpr: fp as f64 / self.n_neg as f64,
            tp,
            fp,
            tn: self.n_neg - fp,
            fn_,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ranking.

/// ROC-AUC: the probability that a random lure scores above a random non-lure, counting
/// ties as one half (the Mann–Whitney U statistic with average ranks, over `n_pos · n_neg`).
///
/// Computed in exact integer arithmetic and divided once. Errors on length mismatch, NaN
/// scores, or a missing class.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Result<f64> {
    let ranked = Ranked::new(scores, labels)?;
    // Walking from the lowest score up: each positive beats every negative already seen and
    // ties with the negatives in its own group. Twice the U statistic stays an integer.
    let mut negatives_below: u128 = 0;
    let mut twice_u: u128 = 0;
    for g in ranked.groups.iter().rev() {
        twice_u += u128::from(g.pos) * (2 * negatives_below + u128::from(g.neg));
        negatives_below += u128::from(g.neg);
    }
    let pairs = u128::from(ranked.n_pos) * u128::from(ranked.n_neg);
    Ok(twice_u as f64 / (2 * pairs) as f64)
}

/// ROC curve: the point (0, 0) at threshold `+∞`, then one point per distinct score, from the
/// highest threshold to the lowest (which reaches (1, 1)). Collinear points are kept.
pub fn roc_curve(scores: &[f64], labels: &[bool]) -> Result<Vec<RocPoint>> {
    let ranked = Ranked::new(scores, labels)?;
    let (n_pos, n_neg) = (ranked.n_pos as f64, ranked.n_neg as f64);
    let mut points = Vec::with_capacity(ranked.groups.len() + 1);
    points.push(RocPoint {
        fpr: 0.0,
        tpr: 0.0,
        threshold: f64::INFINITY,
    });
    points.extend(ranked.cumulative().map(|(threshold, tp, fp)| RocPoint {
        fpr: fp as f64 / n_neg,
        tpr: tp as f64 / n_pos,
        threshold,
    }));
    Ok(points)
}

// ---------------------------------------------------------------------------------------
// Precision and recall.

/// Average precision (PR-AUC), defined as scikit-learn's `average_precision_score`:
/// `AP = Σ_k (R_k − R_{k−1}) · P_k` over distinct thresholds from highest to lowest, with
/// `R_0 = 0`. Tied scores enter together. Precision is re-weighted to `prevalence` when given
/// (see the module docs), which matches scikit-learn with `sample_weight = w_neg` on
/// negatives.
pub fn average_precision(scores: &[f64], labels: &[bool], prevalence: Option<f64>) -> Result<f64> {
    let ranked = Ranked::new(scores, labels)?;
    let w_neg = negative_weight(prevalence, ranked.n_pos, ranked.n_neg)?;
    // R_k − R_{k−1} = (positives in group k) / n_pos, so AP = Σ_k pos_k · P_k / n_pos: one
    // division at the end instead of a rounded recall difference per step.
    let sum: f64 = ranked
        .groups
        .iter()
        .zip(ranked.cumulative())
        .filter(|(g, _)| g.pos > 0)
        .map(|(g, (_, tp, fp))| g.pos as f64 * precision_of(tp, fp, w_neg))
        .sum();
    Ok(sum / ranked.n_pos as f64)
}

/// Precision–recall curve: one point per distinct score, from the highest threshold to the
/// lowest, so recall never decreases along the vector. Precision is re-weighted when
/// `prevalence` is given. The area under its step function (precision `P_k` held over the
/// recall interval `(R_{k−1}, R_k]`) is [`average_precision`].
pub fn pr_curve(scores: &[f64], labels: &[bool], prevalence: Option<f64>) -> Result<Vec<PrPoint>> {
    let ranked = Ranked::new(scores, labels)?;
    let w_neg = negative_weight(prevalence, ranked.n_pos, ranked.n_neg)?;
    let n_pos = ranked.n_pos as f64;
    Ok(ranked
        .cumulative()
        .map(|(threshold, tp, fp)| PrPoint {
            recall: tp as f64 / n_pos,
            precision: precision_of(tp, fp, w_neg),
            threshold,
        })
        .collect())
}

/// Raw confusion counts with `score >= threshold` predicted positive. Works with one class
/// or none (the counts are then simply zero where there is nothing to count). Errors on
/// length mismatch, NaN scores or a NaN threshold.
pub fn confusion_at(scores: &[f64], labels: &[bool], threshold: f64) -> Result<Confusion> {
    check_scores(scores, labels)?;
    check_threshold(threshold)?;
    let mut c = Confusion::default();
    for (&s, &y) in scores.iter().zip(labels) {
        match (s >= threshold, y) {
            (true, true) => c.tp += 1,
            (true, false) => c.fp += 1,
            (false, false) => c.tn += 1,
            (false, true) => c.fn_ += 1,
        }
    }
    Ok(c)
}

/// Precision, recall, F1 and FPR at a given threshold (`score >= threshold` is positive).
/// Precision and F1 are re-weighted when `prevalence` is given; precision is 0 when nothing
/// is predicted positive. Needs both classes.
pub fn operating_point(
    scores: &[f64],
    labels: &[bool],
    threshold: f64,
    prevalence: Option<f64>,
) -> Result<OperatingPoint> {
    let c = confusion_at(scores, labels, threshold)?;
    let (n_pos, n_neg) = class_counts(labels)?;
    let w_neg = negative_weight(prevalence, n_pos, n_neg)?;
    Ok(OperatingPoint {
        threshold,
        precision: precision_of(c.tp, c.fp, w_neg),
        recall: c.tp as f64 / n_pos as f64,
        f1: f1_of(c.tp, c.fp, c.fn_, w_neg),
        fpr: c.fp as f64 / n_neg as f64,
        tp: c.tp,
        fp: c.fp,
        tn: c.tn,
        fn_: c.fn_,
    })
}

// ---------------------------------------------------------------------------------------
// Threshold choice. Candidates are the distinct scores, so the returned threshold is an
// observed score and `operating_point` at it reproduces the returned metrics.

/// The threshold with the highest F1 (re-weighted when `prevalence` is given). Exact ties
/// go to the higher threshold, which flags fewer adverts.
pub fn best_f1_threshold(
    scores: &[f64],
    labels: &[bool],
    prevalence: Option<f64>,
) -> Result<OperatingPoint> {
    // A window of zero holds each candidate alone: the plain maximum.
    smoothed_best_f1_threshold(scores, labels, prevalence, 0.0)
}

/// The threshold at the peak of the F1 curve smoothed over neighbouring thresholds: each
/// candidate (observed score) is rated by the mean F1 of the candidates within
/// `half_window` of it, and the best-rated one is returned with its own metrics. Where the
/// curve is flat and jagged (EMSCAD's is within 0.03 of its peak from 0.2 to 0.55), its
/// raw maximum is noise and jumps between near-identical models; the smoothed peak stays
/// put. Ties go to the higher threshold.
pub fn smoothed_best_f1_threshold(
    scores: &[f64],
    labels: &[bool],
    prevalence: Option<f64>,
    half_window: f64,
) -> Result<OperatingPoint> {
    if !(half_window.is_finite() && half_window >= 0.0) {
        return Err(MetricError::InvalidParameter {
            name: "half_window",
            reason: format!("{half_window} is not a non-negative number"),
        });
    }
    let ranked = Ranked::new(scores, labels)?;
    let w_neg = negative_weight(prevalence, ranked.n_pos, ranked.n_neg)?;
    // Candidates in descending threshold order.
    let points: Vec<OperatingPoint> = ranked
        .cumulative()
        .map(|(threshold, tp, fp)| ranked.operating_point(threshold, tp, fp, w_neg))
        .collect();
    // A sliding window [lo, hi) over the candidates within `half_window` of each one. Its
    // mean is summed afresh each time (not kept as a running sum, whose rounding would
    // drift and could break exact ties differently from the unsmoothed choice).
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut best: Option<(f64, usize)> = None;
    for (i, p) in points.iter().enumerate() {
        while hi < points.len() && points[hi].threshold >= p.threshold - half_window {
            hi += 1;
        }
        while points[lo].threshold > p.threshold + half_window {
            lo += 1;
        }
        let window = &points[lo..hi];
        let mean = window.iter().map(|q| q.f1).sum::<f64>() / window.len() as f64;
        if best.is_none_or(|(b, _)| mean > b) {
            best = Some((mean, i));
        }
    }
    // Ranked::new guarantees at least one group, so `best` is always set here.
    best.map(|(_, i)| points[i]).ok_or(MetricError::Empty)
}

/// The threshold with the highest recall among those whose precision (re-weighted when
/// `prevalence` is given) is at least `target`, in `(0, 1]`. That is the lowest such
/// threshold, except that among thresholds with equal recall the highest is returned: going
/// lower would only add false positives. Errors when no threshold reaches the target.
pub fn threshold_for_precision(
    scores: &[f64],
    labels: &[bool],
    target: f64,
    prevalence: Option<f64>,
) -> Result<OperatingPoint> {
    check_target("target precision", target)?;
    let ranked = Ranked::new(scores, labels)?;
    let w_neg = negative_weight(prevalence, ranked.n_pos, ranked.n_neg)?;
    let mut best: Option<OperatingPoint> = None;
    let mut best_precision = 0.0_f64;
    for (threshold, tp, fp) in ranked.cumulative() {
        let op = ranked.operating_point(threshold, tp, fp, w_neg);
        best_precision = best_precision.max(op.precision);
        // tp never falls as the threshold drops, so strict `>` keeps the highest threshold
        // among those with the same recall.
        if op.precision >= target - TARGET_TOLERANCE && best.as_ref().is_none_or(|b| op.tp > b.tp) {
            best = Some(op);
        }
    }
    best.ok_or(MetricError::UnreachablePrecision {
        target,
        best: best_precision,
    })
}

/// The highest threshold whose recall is at least `target`, in `(0, 1]`. Always exists,
/// since the lowest score gives recall 1. Precision and F1 in the result are re-weighted when
/// `prevalence` is given; the choice itself does not depend on it.
pub fn threshold_for_recall(
    scores: &[f64],
    labels: &[bool],
    target: f64,
    prevalence: Option<f64>,
) -> Result<OperatingPoint> {
    check_target("target recall", target)?;
    let ranked = Ranked::new(scores, labels)?;
    let w_neg = negative_weight(prevalence, ranked.n_pos, ranked.n_neg)?;
    let n_pos = ranked.n_pos as f64;
    ranked
        .cumulative()
        .find(|&(_, tp, _)| tp as f64 / n_pos >= target - TARGET_TOLERANCE)
        .map(|(threshold, tp, fp)| ranked.operating_point(threshold, tp, fp, w_neg))
        // Unreachable: the last group has recall exactly 1 >= target.
        .ok_or(MetricError::Empty)
}

// ---------------------------------------------------------------------------------------
// Calibration.

fn check_probabilities(probs: &[f64], labels: &[bool]) -> Result<()> {
    check_lengths(probs.len(), labels.len())?;
    if probs.is_empty() {
        return Err(MetricError::Empty);
    }
    match probs.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(index) => Err(MetricError::ProbabilityOutOfRange {
            index,
            value: probs[index],
        }),
        None => Ok(()),
    }
}

/// Brier score: mean of `(p − y)²` with `y` = 1 for a lure. Lower is better. Needs at least
/// one example; one class is enough.
pub fn brier(probs: &[f64], labels: &[bool]) -> Result<f64> {
    check_probabilities(probs, labels)?;
    let sum: f64 = probs
        .iter()
        .zip(labels)
        .map(|(&p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum();
    Ok(sum / probs.len() as f64)
}

/// Reliability bins: `n_bins` equal-width bins over `[0, 1]`, bin `i` covering
/// `[i/n_bins, (i+1)/n_bins)` and the last also including 1.0. Only non-empty bins are
/// returned, lowest first. One class is enough.
pub fn reliability(probs: &[f64], labels: &[bool], n_bins: usize) -> Result<Vec<ReliabilityBin>> {
    check_probabilities(probs, labels)?;
    if n_bins == 0 {
        return Err(MetricError::InvalidParameter {
            name: "n_bins",
            reason: "must be at least 1".into(),
        });
    }
    let edge = |i: usize| i as f64 / n_bins as f64;
    // (count, sum of p, positives) per bin.
    let mut acc = vec![(0u64, 0.0f64, 0u64); n_bins];
    for (&p, &y) in probs.iter().zip(labels) {
        // floor(p·n) can be off by one at an edge through rounding; settle it against the
        // same edges reported in the output, so membership and `lo`/`hi` agree.
        let mut i = ((p * n_bins as f64).floor() as usize).min(n_bins - 1);
        if i > 0 && p < edge(i) {
            i -= 1;
        } else if i + 1 < n_bins && p >= edge(i + 1) {
            i += 1;
        }
        let a = &mut acc[i];
        a.0 += 1;
        a.1 += p;
        a.2 += u64::from(y);
    }
    Ok(acc
        .iter()
        .enumerate()
        .filter(|(_, a)| a.0 > 0)
        .map(|(i, &(count, sum_p, pos))| ReliabilityBin {
            lo: edge(i),
            hi: edge(i + 1),
            count,
            mean_predicted: sum_p / count as f64,
            observed_rate: pos as f64 / count as f64,
        })
        .collect())
}

/// Expected calibration error over [`reliability`] bins:
/// `Σ_bins (count / N) · |observed_rate − mean_predicted|`.
pub fn ece(probs: &[f64], labels: &[bool], n_bins: usize) -> Result<f64> {
    let bins = reliability(probs, labels, n_bins)?;
    let n = probs.len() as f64;
    Ok(bins
        .iter()
        .map(|b| b.count as f64 * (b.observed_rate - b.mean_predicted).abs())
        .sum::<f64>()
        / n)
}

// ---------------------------------------------------------------------------------------
// Uncertainty.

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014),
/// with the constants of Vigna's public-domain reference `splitmix64.c`: the state advances
/// by 0x9E3779B97F4A7C15 and each output is the state passed through the finaliser below.
/// Written out here so that a bootstrap interval is reproducible from its seed on any
/// platform and any future build. From seed 0 the first output is 0xE220A8397B1DCDAF.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `[0, n)` for `n > 0`, without modulo bias (Lemire 2019,
    /// multiply-shift with rejection).
    fn below(&mut self, n: u64) -> u64 {
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }
}

/// Linear-interpolation percentile of sorted values (NumPy's default, Hyndman & Fan type 7).
/// NaN for no values (callers always have at least one).
fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = sorted.len().saturating_sub(1) as f64 * q.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    match (sorted.get(i), sorted.get(i + 1)) {
        (Some(&base), Some(&next)) => base + (h - i as f64) * (next - base),
        (Some(&base), None) => base,
        _ => f64::NAN,
    }
}

/// A statistic on the full sample with a 95% stratified-bootstrap percentile interval.
///
/// Each of the `n_boot` replicates keeps the labels as they are and replaces every positive's
/// score with one drawn uniformly, with replacement, from the positives' scores, and likewise
/// for negatives; so each replicate has exactly the sample's class counts. `lo` and `hi` are
/// the 2.5th and 97.5th percentiles of the replicate statistics (linear interpolation between
/// order statistics). Draws come from SplitMix64 (written out below) seeded with `seed`, one stream for the
/// whole run, so the same inputs and seed give the same interval. The estimate need not lie
/// inside the interval for every statistic, though it does for well-behaved ones.
///
/// Needs both classes and `n_boot >= 1`; an error from `stat`, or a NaN it returns, stops
/// the run.
pub fn bootstrap_ci(
    scores: &[f64],
    labels: &[bool],
    n_boot: usize,
    seed: u64,
    stat: impl Fn(&[f64], &[bool]) -> Result<f64>,
) -> Result<Interval> {
    check_lengths(scores.len(), labels.len())?;
    class_counts(labels)?;
    if n_boot == 0 {
        return Err(MetricError::InvalidParameter {
            name: "n_boot",
            reason: "must be at least 1".into(),
        });
    }
    let estimate = stat(scores, labels)?;
    if estimate.is_nan() {
        return Err(MetricError::NanStatistic {
            which: "full sample".into(),
        });
    }
    let (pos, neg): (Vec<f64>, Vec<f64>) = {
        let (p, n): (Vec<_>, Vec<_>) = scores.iter().zip(labels).partition(|&(_, &y)| y);
        (
            p.into_iter().map(|(&s, _)| s).collect(),
            n.into_iter().map(|(&s, _)| s).collect(),
        )
    };
    let mut rng = SplitMix64::new(seed);
    let mut resampled = vec![0.0; scores.len()];
    let mut replicates = Vec::with_capacity(n_boot);
    for b in 0..n_boot {
        for (slot, &y) in resampled.iter_mut().zip(labels) {
            let pool = if y { &pos } else { &neg };
            *slot = pool[rng.below(pool.len() as u64) as usize];
        }
        let value = stat(&resampled, labels)?;
        if value.is_nan() {
            return Err(MetricError::NanStatistic {
                which: format!("replicate {b}"),
            });
        }
        replicates.push(value);
    }
    replicates.sort_unstable_by(f64::total_cmp);
    Ok(Interval {
        estimate,
        lo: percentile_sorted(&replicates, 0.025),
        hi: percentile_sorted(&replicates, 0.975),
    })
}

/// Mean and sample standard deviation (divisor `n − 1`) of `values`, e.g. a metric across
/// folds. The mean is NaN for no values and the standard deviation is NaN for fewer than two,
/// where it is undefined.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    // Two passes: summing squared deviations from the mean avoids the cancellation of
    // Σx² − n·mean².
    let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, (ss / (n - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: bool = true;
    const F: bool = false;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {{
            let (a, b) = ($a, $b);
            assert!(close(a, b), "{} = {a}, expected {b}", stringify!($a));
        }};
    }

    // A 30-row case with many ties; expected values are from scikit-learn 1.9.1
    // (roc_auc_score, average_precision_score with and without sample_weight,
    // brier_score_loss, roc_curve(drop_intermediate=False)). 10 positives, 20 negatives.
    const SK_SCORES: [f64; 30] = [
        0.3, 0.1, 0.0, 0.5, 0.8, 0.1, 0.6, 0.0, 0.5, 0.1, 0.5, 0.9, 0.7, 0.5, 0.4, 0.4, 0.1, 0.3,
        0.3, 0.5, 0.6, 0.7, 0.0, 0.6, 0.5, 0.1, 0.5, 0.2, 0.6, 0.4,
    ];
    const SK_LABELS: [bool; 30] = [
        F, F, F, T, T, F, T, F, F, F, T, T, T, F, F, F, F, F, F, F, T, T, F, T, T, F, F, F, F, F,
    ];

    /// Small deterministic generator for the brute-force comparisons below.
    fn random_case(seed: u64, n: usize, levels: u64) -> (Vec<f64>, Vec<bool>) {
        let mut rng = SplitMix64::new(seed);
        let mut labels: Vec<bool> = (0..n).map(|_| rng.below(3) == 0).collect();
        labels[0] = true;
        labels[1] = false;
        // Few levels → many ties; positives nudged upwards so the AUC is not trivially 0.5.
        let scores = labels
            .iter()
            .map(|&y| (rng.below(levels) + if y { rng.below(3) } else { 0 }) as f64 / 10.0)
            .collect();
        (scores, labels)
    }

    // ---------------------------------------------------------------- ROC-AUC

    #[test]
    fn auc_hand_example() {
        // Positives 0.35, 0.8; negatives 0.1, 0.4. Pairs: (0.35>0.1)=1, (0.35<0.4)=0,
        // (0.8>0.1)=1, (0.8>0.4)=1 → 3/4.
        assert_eq!(
            roc_auc(&[0.1, 0.4, 0.35, 0.8], &[F, F, T, T]).unwrap(),
            0.75
        );
    }

    #[test]
    fn auc_ties_count_half() {
        // Positives 0.5, 0.9; negatives 0.5, 0.2. Pairs: (0.5=0.5)=½, (0.5>0.2)=1,
        // (0.9>0.5)=1, (0.9>0.2)=1 → 3.5/4 = 0.875.
        assert_eq!(
            roc_auc(&[0.5, 0.5, 0.2, 0.9], &[T, F, F, T]).unwrap(),
            0.875
        );
        // Average ranks: sorted 0.2(1) 0.5,0.5(2.5 each) 0.9(4); positive rank sum 2.5+4 = 6.5;
        // U = 6.5 − 2·3/2 = 3.5; same 3.5/4.
        // All scores tied: every pair is ½ → 0.5.
        assert_eq!(roc_auc(&[0.3; 4], &[T, F, T, F]).unwrap(), 0.5);
        // -0.0 and 0.0 are the same score, so they tie.
        assert_eq!(roc_auc(&[-0.0, 0.0], &[T, F]).unwrap(), 0.5);
    }

    #[test]
    fn auc_perfect_and_inverted() {
        let s = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
        assert_eq!(roc_auc(&s, &[F, F, F, T, T, T]).unwrap(), 1.0);
        assert_eq!(roc_auc(&s, &[T, T, T, F, F, F]).unwrap(), 0.0);
        // Infinite scores rank like any other.
        assert_eq!(
            roc_auc(&[f64::NEG_INFINITY, f64::INFINITY], &[F, T]).unwrap(),
            1.0
        );
    }

    #[test]
    fn auc_matches_sklearn() {
        assert_close!(roc_auc(&SK_SCORES, &SK_LABELS).unwrap(), 0.9475);
    }

    #[test]
    fn auc_matches_pairwise_definition() {
        for seed in 0..50 {
            let (s, y) = random_case(seed, 40, 6);
            let mut wins = 0.0;
            let mut pairs = 0.0;
            for i in (0..s.len()).filter(|&i| y[i]) {
                for j in (0..s.len()).filter(|&j| !y[j]) {
                    pairs += 1.0;
                    wins += if s[i] > s[j] {
                        1.0
                    } else if s[i] == s[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
            assert_close!(roc_auc(&s, &y).unwrap(), wins / pairs);
        }
    }

    #[test]
    fn errors_one_class_length_nan_empty() {
        assert_eq!(
            roc_auc(&[0.1, 0.2], &[T, T]),
            Err(MetricError::MissingClass("negative"))
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2], &[F, F]),
            Err(MetricError::MissingClass("positive"))
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2], &[T]),
            Err(MetricError::LengthMismatch {
                scores: 2,
                labels: 1
            })
        );
        assert_eq!(
            roc_auc(&[0.1, f64::NAN], &[T, F]),
            Err(MetricError::NanScore { index: 1 })
        );
        assert_eq!(roc_auc(&[], &[]), Err(MetricError::Empty));
        assert!(average_precision(&[0.1, 0.2], &[T, T], None).is_err());
        assert!(pr_curve(&[0.1], &[T, F], None).is_err());
        assert!(roc_curve(&[f64::NAN, 0.2], &[T, F]).is_err());
        assert!(best_f1_threshold(&[0.1, 0.2], &[F, F], None).is_err());
        assert!(operating_point(&[0.1, 0.2], &[T, T], 0.1, None).is_err());
        assert!(confusion_at(&[0.1], &[T], f64::NAN).is_err());
        // The message names the missing class.
        assert_eq!(
            MetricError::MissingClass("negative").to_string(),
            "metric needs both classes; there are no negative examples"
        );
    }

    // ---------------------------------------------------------------- ROC curve

    #[test]
    fn roc_curve_points() {
        // Descending: 0.8(T) 0.4(F) 0.35(T) 0.1(F); n_pos = n_neg = 2.
        let c = roc_curve(&[0.1, 0.4, 0.35, 0.8], &[F, F, T, T]).unwrap();
        let got: Vec<(f64, f64, f64)> = c.iter().map(|p| (p.fpr, p.tpr, p.threshold)).collect();
        assert_eq!(
            got,
            vec![
                (0.0, 0.0, f64::INFINITY),
                (0.0, 0.5, 0.8),
                (0.5, 0.5, 0.4),
                (0.5, 1.0, 0.35),
                (1.0, 1.0, 0.1)
            ]
        );
        // A tie between classes moves diagonally in one step.
        let c = roc_curve(&[0.5, 0.5], &[T, F]).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!((c[1].fpr, c[1].tpr), (1.0, 1.0));
    }

    #[test]
    fn roc_curve_matches_sklearn_and_trapezoid_is_auc() {
        let c = roc_curve(&SK_SCORES, &SK_LABELS).unwrap();
        let expected = [
            (0.0, 0.0),
            (0.0, 0.1),
            (0.0, 0.2),
            (0.0, 0.4),
            (0.05, 0.7),
            (0.25, 1.0),
            (0.4, 1.0),
            (0.55, 1.0),
            (0.6, 1.0),
            (0.85, 1.0),
            (1.0, 1.0),
        ];
        assert_eq!(c.len(), expected.len());
        for (p, (fpr, tpr)) in c.iter().zip(expected) {
            assert_close!(p.fpr, fpr);
            assert_close!(p.tpr, tpr);
        }
        // The trapezoidal area under the curve equals the Mann–Whitney AUC (ties → ½).
        let area: f64 = c
            .windows(2)
            .map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0)
            .sum();
        assert_close!(area, roc_auc(&SK_SCORES, &SK_LABELS).unwrap());
    }

    // ---------------------------------------------------------------- AP and PR curve

    #[test]
    fn ap_hand_example_matches_sklearn() {
        // scikit-learn's docstring example. Descending thresholds:
        //   0.8 (T): TP1 FP0 → P 1,   R 0.5
        //   0.4 (F): TP1 FP1 → P 1/2, R 0.5
        //   0.35(T): TP2 FP1 → P 2/3, R 1
        //   0.1 (F): TP2 FP2 → P 1/2, R 1
        // AP = 0.5·1 + 0·½ + 0.5·⅔ + 0·½ = 5/6 (sklearn: 0.8333333333333333).
        assert_close!(
            average_precision(&[0.1, 0.4, 0.35, 0.8], &[F, F, T, T], None).unwrap(),
            5.0 / 6.0
        );
    }

    #[test]
    fn ap_groups_ties() {
        // 0.9 (T): TP1 FP0 → P 1, R ½; 0.5 (T and F tied, enter together): TP2 FP1 → P ⅔, R 1.
        // AP = ½·1 + ½·⅔ = 5/6 (sklearn agrees). Splitting the tie with the positive first
        // would wrongly give ½·1 + ½·1 = 1.
        assert_close!(
            average_precision(&[0.9, 0.5, 0.5, 0.2], &[T, T, F, F], None).unwrap(),
            5.0 / 6.0
        );
        // Order of tied rows does not matter.
        assert_close!(
            average_precision(&[0.9, 0.5, 0.5, 0.2], &[T, F, T, F], None).unwrap(),
            5.0 / 6.0
        );
    }

    #[test]
    fn ap_matches_sklearn_with_and_without_weights() {
        assert_close!(
            average_precision(&SK_SCORES, &SK_LABELS, None).unwrap(),
            0.8624999999999999
        );
        // π = 0.05 → w_neg = (10/20)·(0.95/0.05) = 9.5; sklearn with sample_weight 9.5 on
        // negatives gives 0.5794466403162055.
        assert_close!(
            average_precision(&SK_SCORES, &SK_LABELS, Some(0.05)).unwrap(),
            0.5794466403162055
        );
    }

    #[test]
    fn ap_matches_per_positive_definition() {
        // AP is also the mean, over positives, of the precision at the threshold equal to that
        // positive's score (all rows with score >= it admitted) — computed here by brute force,
        // re-weighted with w_neg.
        for seed in 0..50 {
            let (s, y) = random_case(seed, 40, 6);
            for prevalence in [None, Some(0.1), Some(0.7)] {
                let n_pos = y.iter().filter(|&&v| v).count() as f64;
                let n_neg = y.len() as f64 - n_pos;
                let w = prevalence.map_or(1.0, |pi| n_pos / n_neg * (1.0 - pi) / pi);
                let mut sum = 0.0;
                for i in (0..s.len()).filter(|&i| y[i]) {
                    let tp = (0..s.len()).filter(|&j| y[j] && s[j] >= s[i]).count() as f64;
                    let fp = (0..s.len()).filter(|&j| !y[j] && s[j] >= s[i]).count() as f64;
                    sum += tp / (tp + w * fp);
                }
                assert_close!(average_precision(&s, &y, prevalence).unwrap(), sum / n_pos);
            }
        }
    }

    #[test]
    fn perfect_and_inverted_ap() {
        let s = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9];
        assert_eq!(
            average_precision(&s, &[F, F, F, T, T, T], None).unwrap(),
            1.0
        );
        // Inverted: positives enter at ranks 4, 5, 6 → precisions ¼, ⅖, ½; AP = (¼+⅖+½)/3.
        assert_close!(
            average_precision(&s, &[T, T, T, F, F, F], None).unwrap(),
            (0.25 + 0.4 + 0.5) / 3.0
        );
    }

    #[test]
    fn pr_curve_points_and_step_area() {
        let c = pr_curve(&[0.1, 0.4, 0.35, 0.8], &[F, F, T, T], None).unwrap();
        let got: Vec<(f64, f64, f64)> = c
            .iter()
            .map(|p| (p.recall, p.precision, p.threshold))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.5, 1.0, 0.8),
                (0.5, 0.5, 0.4),
                (1.0, 2.0 / 3.0, 0.35),
                (1.0, 0.5, 0.1)
            ]
        );
        for prevalence in [None, Some(0.05)] {
            let c = pr_curve(&SK_SCORES, &SK_LABELS, prevalence).unwrap();
            let mut prev_recall = 0.0;
            let mut area = 0.0;
            for p in &c {
                area += (p.recall - prev_recall) * p.precision;
                prev_recall = p.recall;
            }
            assert_close!(
                area,
                average_precision(&SK_SCORES, &SK_LABELS, prevalence).unwrap()
            );
        }
    }

    #[test]
    fn prevalence_reweighting_example() {
        // 2 positives, 2 negatives, π = 0.2 → w_neg = (2/2)·(0.8/0.2) = 4.
        let s = [0.9, 0.8, 0.3, 0.1];
        let y = [T, F, T, F];
        assert_close!(negative_weight(Some(0.2), 2, 2).unwrap(), 4.0);
        // Threshold 0.8 admits one positive (0.9) and one negative (0.8):
        // precision = 1 / (1 + 4·1) = 0.2; recall ½ (unchanged); F1 = 2/(2 + 4 + 1) = 2/7;
        // FPR ½ (unchanged).
        let op = operating_point(&s, &y, 0.8, Some(0.2)).unwrap();
        assert_close!(op.precision, 0.2);
        assert_close!(op.recall, 0.5);
        assert_close!(op.f1, 2.0 / 7.0);
        assert_close!(op.fpr, 0.5);
        assert_eq!((op.tp, op.fp, op.tn, op.fn_), (1, 1, 1, 1));
        // Unweighted: precision ½, F1 = 2/(2+1+1) = ½.
        let op = operating_point(&s, &y, 0.8, None).unwrap();
        assert_close!(op.precision, 0.5);
        assert_close!(op.f1, 0.5);
        // AP: 0.9 → P 1, R ½; 0.3 → TP2 FP1 → P 2/(2+4) = ⅓, R 1. AP = ½ + ½·⅓ = ⅔
        // (sklearn with sample_weight [1,4,1,4]: 0.6666666666666666). Unweighted: ½ + ½·⅔ = 5/6.
        assert_close!(average_precision(&s, &y, Some(0.2)).unwrap(), 2.0 / 3.0);
        assert_close!(average_precision(&s, &y, None).unwrap(), 5.0 / 6.0);
        // At π equal to the sample's own prevalence nothing changes.
        assert_close!(average_precision(&s, &y, Some(0.5)).unwrap(), 5.0 / 6.0);
        // ROC-AUC has no prevalence argument: it is a within-class ratio.
        assert_eq!(roc_auc(&s, &y).unwrap(), 0.75);
    }

    #[test]
    fn invalid_prevalence() {
        let (s, y) = ([0.9, 0.1], [T, F]);
        for pi in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(
                    average_precision(&s, &y, Some(pi)),
                    Err(MetricError::InvalidParameter {
                        name: "prevalence",
                        ..
                    })
                ),
                "{pi}"
            );
        }
    }

    // ---------------------------------------------------------------- confusion and operating points

    #[test]
    fn confusion_counts_use_greater_or_equal() {
        let s = [0.1, 0.4, 0.35, 0.8];
        let y = [F, F, T, T];
        assert_eq!(
            confusion_at(&s, &y, 0.35).unwrap(),
            Confusion {
                tp: 2,
                fp: 1,
                tn: 1,
                fn_: 0
            }
        );
        assert_eq!(
            confusion_at(&s, &y, 0.36).unwrap(),
            Confusion {
                tp: 1,
                fp: 1,
                tn: 1,
                fn_: 1
            }
        );
        assert_eq!(
            confusion_at(&s, &y, f64::INFINITY).unwrap(),
            Confusion {
                tp: 0,
                fp: 0,
                tn: 2,
                fn_: 2
            }
        );
        assert_eq!(
            confusion_at(&s, &y, f64::NEG_INFINITY).unwrap(),
            Confusion {
                tp: 2,
                fp: 2,
                tn: 0,
                fn_: 0
            }
        );
        // One class (or none) is fine for raw counts.
        assert_eq!(
            confusion_at(&[0.5], &[T], 0.5).unwrap(),
            Confusion {
                tp: 1,
                fp: 0,
                tn: 0,
                fn_: 0
            }
        );
        assert_eq!(confusion_at(&[], &[], 0.5).unwrap(), Confusion::default());
    }

    #[test]
    fn nothing_predicted_has_zero_precision_and_f1() {
        let op = operating_point(&[0.1, 0.9], &[F, T], 0.95, Some(0.1)).unwrap();
        assert_eq!(
            (op.precision, op.recall, op.f1, op.fpr),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!((op.tp, op.fp, op.tn, op.fn_), (0, 0, 1, 1));
    }

    // ---------------------------------------------------------------- threshold choice

    #[test]
    fn best_f1_hand_example() {
        // n_pos 3, n_neg 2. F1 = 2TP/(2TP + w·FP + FN) at each threshold:
        //   0.9: TP1 FP0 FN2 → 2/4 = 0.5     0.8: TP1 FP1 FN2 → 2/5
        //   0.7: TP2 FP1 FN1 → 4/6           0.6: TP3 FP1 FN0 → 6/7 (best)
        //   0.2: TP3 FP2 FN0 → 6/8
        let s = [0.9, 0.8, 0.7, 0.6, 0.2];
        let y = [T, F, T, T, F];
        let op = best_f1_threshold(&s, &y, None).unwrap();
        assert_eq!(op.threshold, 0.6);
        assert_close!(op.f1, 6.0 / 7.0);
        assert_close!(op.precision, 0.75);
        assert_eq!(op.recall, 1.0);
        // π = 0.5 → w = (3/2)·1 = 1.5: 0.9 → 2/4; 0.7 → 4/6.5; 0.6 → 6/7.5 = 0.8; 0.2 → 6/9.
        let op = best_f1_threshold(&s, &y, Some(0.5)).unwrap();
        assert_eq!(op.threshold, 0.6);
        assert_close!(op.f1, 0.8);
        assert_close!(op.precision, 3.0 / 4.5);
        // The returned point is reproducible with operating_point.
        assert_eq!(
            operating_point(&s, &y, op.threshold, Some(0.5)).unwrap(),
            op
        );
    }

    #[test]
    fn smoothed_f1_prefers_a_plateau_to_a_spike() {
        // n_pos 5, n_neg 4; F1 = 2TP/(2TP + FP + FN) at each threshold:
        //   0.95 → 2/6 = 0.333   0.62 → 2/7 = 0.286   0.58 → 4/8 = 0.5   0.55 → 4/9 = 0.444
        //   0.52 → 6/10 = 0.6    0.30 → 8/11 = 0.727  0.27 → 8/12 = 0.667
        //   0.24 → 10/13 = 0.769 (raw peak)           0.21 → 10/14 = 0.714
        let s = [0.95, 0.62, 0.58, 0.55, 0.52, 0.30, 0.27, 0.24, 0.21];
        let y = [T, F, T, F, T, T, F, T, F];
        assert_eq!(best_f1_threshold(&s, &y, None).unwrap().threshold, 0.24);
        assert_eq!(
            smoothed_best_f1_threshold(&s, &y, None, 0.0)
                .unwrap()
                .threshold,
            0.24
        );
        // Within ±0.08: 0.30 rates (0.727 + 0.667 + 0.769)/3 = 0.721; 0.27 and 0.24 take in
        // 0.21 too, (0.727 + 0.667 + 0.769 + 0.714)/4 = 0.719; 0.21 rates 0.717.
        let op = smoothed_best_f1_threshold(&s, &y, None, 0.08).unwrap();
        assert_eq!(op.threshold, 0.30);
        assert_close!(op.f1, 8.0 / 11.0);
        assert_eq!(operating_point(&s, &y, 0.30, None).unwrap(), op);
        assert!(smoothed_best_f1_threshold(&s, &y, None, -1.0).is_err());
        assert!(smoothed_best_f1_threshold(&s, &y, None, f64::NAN).is_err());
    }

    #[test]
    fn best_f1_exact_tie_takes_higher_threshold() {
        // 0.9: TP1 FP0 FN1 → 2/3; 0.8 → 2/4; 0.7 → 2/5; 0.6: TP2 FP2 FN0 → 4/6 = 2/3 (tie).
        let op = best_f1_threshold(&[0.9, 0.8, 0.7, 0.6], &[T, F, F, T], None).unwrap();
        assert_eq!(op.threshold, 0.9);
    }

    #[test]
    fn threshold_for_precision_maximises_recall() {
        // n_pos 2, n_neg 3. Precision / recall at each threshold:
        //   0.9: 1/1 = 1,  R ½      0.8: 1/2,  R ½      0.7: 1/3, R ½
        //   0.6: 2/4 = ½, R 1       0.5: 2/5,  R 1
        let s = [0.9, 0.8, 0.7, 0.6, 0.5];
        let y = [T, F, F, T, F];
        // Target ½: qualifying 0.9, 0.8, 0.6 → max recall at 0.6.
        let op = threshold_for_precision(&s, &y, 0.5, None).unwrap();
        assert_eq!((op.threshold, op.recall, op.precision), (0.6, 1.0, 0.5));
        // Target 1: only 0.9.
        assert_eq!(
            threshold_for_precision(&s, &y, 1.0, None)
                .unwrap()
                .threshold,
            0.9
        );
        // Target ⅓ (exactly the precision at 0.7): 0.6 and 0.5 both reach recall 1; the
        // higher one (0.6, precision ½) is returned rather than 0.5 (precision ⅖), which
        // only adds a false positive.
        let op = threshold_for_precision(&s, &y, 1.0 / 3.0, None).unwrap();
        assert_eq!((op.threshold, op.fp), (0.6, 2));
        // Target 0.4 = 2/5 exactly: the lowest threshold qualifies but only ties recall.
        assert_eq!(
            threshold_for_precision(&s, &y, 0.4, None)
                .unwrap()
                .threshold,
            0.6
        );
        // Re-weighted to π = 0.2: w = (2/3)·4 = 8/3. Precision at 0.6 = 2/(2 + 2·8/3) = 3/11,
        // at 0.9 still 1; target ½ now only reached at 0.9.
        let op = threshold_for_precision(&s, &y, 0.5, Some(0.2)).unwrap();
        assert_eq!(op.threshold, 0.9);
        assert_close!(
            threshold_for_precision(&s, &y, 0.25, Some(0.2))
                .unwrap()
                .precision,
            3.0 / 11.0
        );
    }

    #[test]
    fn threshold_for_precision_unreachable_and_invalid() {
        // The top score is a negative, so the best precision is ½ (at 0.8 or 0.7).
        let s = [0.9, 0.8, 0.1];
        let y = [F, T, F];
        assert_eq!(
            threshold_for_precision(&s, &y, 0.6, None),
            Err(MetricError::UnreachablePrecision {
                target: 0.6,
                best: 0.5
            })
        );
        for t in [0.0, -0.5, 1.01, f64::NAN] {
            assert!(matches!(
                threshold_for_precision(&s, &y, t, None),
                Err(MetricError::InvalidParameter {
                    name: "target precision",
                    ..
                })
            ));
        }
        // Tied top scores across classes can never be separated: precision 1 is unreachable.
        assert!(threshold_for_precision(&[0.7, 0.7], &[T, F], 1.0, None).is_err());
    }

    #[test]
    fn threshold_for_recall_takes_highest() {
        let s = [0.9, 0.8, 0.7, 0.6, 0.5];
        let y = [T, F, F, T, F];
        assert_eq!(
            threshold_for_recall(&s, &y, 1.0, None).unwrap().threshold,
            0.6
        );
        assert_eq!(
            threshold_for_recall(&s, &y, 0.5, None).unwrap().threshold,
            0.9
        );
        assert_eq!(
            threshold_for_recall(&s, &y, 0.3, None).unwrap().threshold,
            0.9
        );
        assert_eq!(
            threshold_for_recall(&s, &y, 0.51, None).unwrap().threshold,
            0.6
        );
        // Ties come in together: the first threshold reaching recall ½ also admits the
        // negative tied with the positive.
        let op = threshold_for_recall(&[0.9, 0.9, 0.5], &[T, F, T], 0.5, None).unwrap();
        assert_eq!((op.threshold, op.tp, op.fp), (0.9, 1, 1));
        // Recall 0.7 with 10 positives is exactly 7/10.
        let s: Vec<f64> = (0..12).map(|i| i as f64).collect();
        let y: Vec<bool> = (0..12).map(|i| i >= 2).collect();
        let op = threshold_for_recall(&s, &y, 0.7, None).unwrap();
        assert_eq!((op.threshold, op.tp), (5.0, 7));
        assert!(threshold_for_recall(&s, &y, 0.0, None).is_err());
        assert!(threshold_for_recall(&s, &y, 1.5, None).is_err());
    }

    // ---------------------------------------------------------------- calibration

    #[test]
    fn brier_by_hand() {
        // (0.9−1)² + (0.2−0)² + (0.6−0)² + (0.0−1)² = 0.01 + 0.04 + 0.36 + 1 = 1.41; /4 = 0.3525.
        assert_close!(brier(&[0.9, 0.2, 0.6, 0.0], &[T, F, F, T]).unwrap(), 0.3525);
        // sklearn brier_score_loss on the 30-row case (scores used as probabilities): 0.122.
        assert_close!(brier(&SK_SCORES, &SK_LABELS).unwrap(), 0.122);
        // One class is fine.
        assert_close!(brier(&[1.0, 0.5], &[T, T]).unwrap(), 0.125);
    }

    #[test]
    fn probabilities_must_be_in_unit_interval() {
        assert_eq!(
            brier(&[0.5, 1.2], &[T, F]),
            Err(MetricError::ProbabilityOutOfRange {
                index: 1,
                value: 1.2
            })
        );
        assert!(matches!(
            ece(&[f64::NAN], &[T], 10),
            Err(MetricError::ProbabilityOutOfRange { index: 0, .. })
        ));
        assert!(reliability(&[-0.01], &[T], 10).is_err());
        assert_eq!(brier(&[], &[]), Err(MetricError::Empty));
        assert!(matches!(
            reliability(&[0.5], &[T], 0),
            Err(MetricError::InvalidParameter { name: "n_bins", .. })
        ));
        assert!(matches!(
            brier(&[0.5], &[T, F]),
            Err(MetricError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn reliability_and_ece_by_hand() {
        // Two bins. [0, 0.5): 0.1 (F), 0.3 (T) → count 2, mean 0.2, observed ½, gap 0.3.
        // [0.5, 1]: 0.6 (T), 0.8 (T), 0.9 (F) → count 3, mean 2.3/3, observed ⅔, gap 0.1.
        // ECE = (2·0.3 + 3·0.1) / 5 = 0.18.
        let p = [0.1, 0.3, 0.6, 0.8, 0.9];
        let y = [F, T, T, T, F];
        let bins = reliability(&p, &y, 2).unwrap();
        assert_eq!(bins.len(), 2);
        assert_eq!((bins[0].lo, bins[0].hi, bins[0].count), (0.0, 0.5, 2));
        assert_close!(bins[0].mean_predicted, 0.2);
        assert_close!(bins[0].observed_rate, 0.5);
        assert_eq!((bins[1].lo, bins[1].hi, bins[1].count), (0.5, 1.0, 3));
        assert_close!(bins[1].mean_predicted, 2.3 / 3.0);
        assert_close!(bins[1].observed_rate, 2.0 / 3.0);
        assert_close!(ece(&p, &y, 2).unwrap(), 0.18);
        // Empty bins are omitted: with 10 bins these fall in bins 1, 3, 6, 8, 9.
        let bins = reliability(&p, &y, 10).unwrap();
        let los: Vec<f64> = bins.iter().map(|b| b.lo).collect();
        assert_eq!(los, vec![0.1, 0.3, 0.6, 0.8, 0.9]);
        // Every bin's observed rate equals its mean prediction (0 → 0, ½ → ½, 1 → 1): ECE 0.
        assert_close!(ece(&[0.5, 0.5, 0.0, 1.0], &[T, F, F, T], 4).unwrap(), 0.0);
    }

    #[test]
    fn reliability_bin_edges() {
        // A probability exactly on an edge i/n belongs to bin i (lower edge inclusive); 1.0
        // belongs to the last bin. Checked for every edge of every bin count up to 50.
        for n in 1..=50usize {
            for i in 0..=n {
                let p = i as f64 / n as f64;
                let bins = reliability(&[p], &[T], n).unwrap();
                let expected = i.min(n - 1);
                assert_eq!(bins[0].lo, expected as f64 / n as f64, "n {n}, p {p}");
                assert!(bins[0].lo <= p && (p < bins[0].hi || expected == n - 1));
            }
        }
    }

    // ---------------------------------------------------------------- bootstrap and summaries

    #[test]
    fn splitmix64_reference_values() {
        // Vigna's splitmix64.c from state 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = SplitMix64::new(99);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7) as usize] += 1;
        }
        // Each expected 10 000; a 5-sigma band is about ±475.
        assert!(
            counts.iter().all(|&c| (9_500..=10_500).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(SplitMix64::new(1).below(1), 0);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_estimate() {
        let (s, y) = (SK_SCORES, SK_LABELS);
        let a = bootstrap_ci(&s, &y, 500, 42, roc_auc).unwrap();
        let b = bootstrap_ci(&s, &y, 500, 42, roc_auc).unwrap();
        assert_eq!(a, b);
        assert_close!(a.estimate, 0.9475);
        // An independent Python re-implementation (same SplitMix64 stream and draws, scoring
        // each replicate with sklearn and taking numpy.percentile) gives 0.8711875 and 0.9925.
        assert_close!(a.lo, 0.8711875);
        assert_close!(a.hi, 0.9925);
        assert!(a.lo <= a.estimate && a.estimate <= a.hi, "{a:?}");
        assert!(a.lo < a.hi && a.hi <= 1.0 && a.lo > 0.5, "{a:?}");
        let c = bootstrap_ci(&s, &y, 500, 43, roc_auc).unwrap();
        assert_ne!((a.lo, a.hi), (c.lo, c.hi));
        // Works with a capturing closure, e.g. re-weighted AP.
        let ap = bootstrap_ci(&s, &y, 200, 7, |s, y| average_precision(s, y, Some(0.05))).unwrap();
        assert!(ap.lo <= ap.estimate && ap.estimate <= ap.hi, "{ap:?}");
    }

    #[test]
    fn bootstrap_keeps_class_counts() {
        // Every replicate has the original labels, so a statistic that needs both classes
        // never fails even with a single positive.
        let s = [0.9, 0.1, 0.2, 0.3];
        let y = [T, F, F, F];
        let iv = bootstrap_ci(&s, &y, 100, 1, roc_auc).unwrap();
        // The single positive always outranks every negative.
        assert_eq!((iv.estimate, iv.lo, iv.hi), (1.0, 1.0, 1.0));
    }

    #[test]
    fn bootstrap_errors() {
        let s = [0.9, 0.1];
        assert!(matches!(
            bootstrap_ci(&s, &[T, F], 0, 1, roc_auc),
            Err(MetricError::InvalidParameter { name: "n_boot", .. })
        ));
        assert_eq!(
            bootstrap_ci(&s, &[T, T], 10, 1, roc_auc),
            Err(MetricError::MissingClass("negative"))
        );
        assert!(matches!(
            bootstrap_ci(&s, &[T], 10, 1, roc_auc),
            Err(MetricError::LengthMismatch { .. })
        ));
        assert!(matches!(
            bootstrap_ci(&s, &[T, F], 10, 1, |_, _| Ok(f64::NAN)),
            Err(MetricError::NanStatistic { .. })
        ));
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], 2.5) = 1 + 0.075·1 = 1.075; 97.5 → 3 + 0.925 = 3.925.
        assert_close!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.025), 1.075);
        assert_close!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.975), 3.925);
        assert_eq!(percentile_sorted(&[5.0], 0.975), 5.0);
    }

    #[test]
    fn mean_sd_sample() {
        // Mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; sd = √(5/3).
        let (m, sd) = mean_sd(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert_close!(sd, (5.0f64 / 3.0).sqrt());
        let (m, sd) = mean_sd(&[0.7]);
        assert_eq!(m, 0.7);
        assert!(sd.is_nan());
        assert!(mean_sd(&[]).0.is_nan());
    }
}
