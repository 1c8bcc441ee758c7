//! The lure families' weights fitted on real texts.
//!
//! EMSCAD, the model's training set, rarely holds the trafficking lure families, so their
//! weights start as expert priors. The real texts say how much each family weighs: pay
//! far above the local wage turns up in a fifth of the quoted lures and almost no genuine
//! board advert, an overseas contact handle in both. This module fits one weight per
//! family on those texts: a logistic regression whose offset is the model's own log-odds
//! without the families (text, metadata, intercept, calibration and prevalence all as the
//! model has them), penalised towards the model's current family weights (the prior plus
//! EMSCAD's adjustment), each weight keeping the prior's sign.
//!
//! Sixteen weights from a few thousand rows: a Newton fit on the dense 16 × 16 system
//! does it in microseconds, so it is written here rather than bent out of linfa, whose
//! logistic regression has neither an offset nor a penalty centred away from zero. The
//! penalty's strength is chosen by grouped cross-validation inside the rows given, so a
//! caller that fits per outer fold gets a nested, source-grouped estimate.

use crate::error::{Error, Result};
use crate::lure::Family;
use crate::lure::lexicon::MAX_STRENGTH;
use crate::model::cv::grouped_stratified_folds;

/// Number of families (weights).
const N: usize = Family::ALL.len();

/// Candidate penalty strengths (per unit of squared log-odds away from the centre).
pub const LAMBDA_GRID: [f64; 5] = [0.1, 0.3, 1.0, 3.0, 10.0];

/// Folds for choosing the penalty, and for the outer evaluation in `eval-real`.
pub const FOLDS: usize = 5;

/// Newton steps (the fit converges in well under ten).
const NEWTON_STEPS: usize = 30;

/// One text as the fit sees it.
#[derive(Debug, Clone, Copy)]
pub struct FitRow {
    /// The family values (see [`crate::features::family_values`]).
    pub values: [f32; N],
    /// The model's log-odds at its prevalence without the family part.
    pub offset: f64,
    /// The multiplier of the raw family part in those log-odds (the calibration slope).
    pub slope: f64,
    /// `true` for a lure.
    pub label: bool,
}

impl FitRow {
    /// The log-odds with `weights` as the family weights.
    pub fn logit(&self, weights: &[f32; N]) -> f64 {
        let fam: f64 = self
            .values
            .iter()
            .zip(weights)
            .map(|(v, w)| f64::from(v * w))
            .sum();
        self.offset + self.slope * fam
    }
}

/// A fit: the weights and the penalty chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FamilyFit {
    /// The fitted weight per family (raw log-odds per unit value, as
    /// [`crate::model::FamilyWeight::total`]).
    pub weights: [f32; N],
    /// The penalty strength chosen.
    pub lambda: f64,
}

/// The bounds a family's weight must keep, the rule EMSCAD's adjustment keeps too
/// ([`crate::model::priors::clamp_adjustment`]): between half and twice the centre, so
/// its sign never flips. One domain's data may say a prior was too timid or too bold,
/// not overturn it: unbounded, the real texts made a graded pay claim worth 8 log-odds,
/// which put a genuine EMSCAD sales advert's claim of its top sellers' yearly pay above its frauds.
fn bounds(center: f32) -> (f64, f64) {
    let c = f64::from(center);
    if center == 0.0 {
        let m = f64::from(MAX_STRENGTH);
        (-m, m)
    } else {
        (c.min(2.0 * c).min(0.5 * c), c.max(2.0 * c).max(0.5 * c))
    }
}

/// A family is fitted only when at least this many lure texts and this many genuine
/// texts show it. With fewer, the data says little and what it says does not travel:
/// fitted on 6 lures and 5 genuine texts, "no experience needed" doubled and flagged
/// ordinary Chinese factory adverts, a market the genuine board data hardly covers.
pub const MIN_SUPPORT: usize = 10;

/// Whether a family's weight is fitted on `rows`: a lure family (counter-evidence, a
/// negative prior such as qualifications or a licensed agency, keeps its prior: its marks
/// come with length, a whole advert states its requirements and a quoted lure is a few
/// lines, so on these texts it would learn length; fitted, it tripled, and EMSCAD's frauds
/// that name a degree fell below the verdict) shown by [`MIN_SUPPORT`] texts of each class.
pub fn is_fitted(rows: &[FitRow], family: usize, center: f32) -> bool {
    let shown = |label: bool| {
        rows.iter()
            .filter(|r| r.label == label && r.values[family] > 0.0)
            .count()
    };
    center >= 0.0 && shown(true) >= MIN_SUPPORT && shown(false) >= MIN_SUPPORT
}

/// Fits the family weights on `rows` with penalty `lambda` towards `center`. Families
/// [`is_fitted`] leaves out keep the centre.
pub fn fit(rows: &[FitRow], center: &[f32; N], lambda: f64) -> [f32; N] {
    let present: Vec<usize> = (0..N).filter(|&j| is_fitted(rows, j, center[j])).collect();
    let mut w: Vec<f64> = center.iter().map(|&c| f64::from(c)).collect();
    let k = present.len();
    for _ in 0..NEWTON_STEPS {
        let mut grad = vec![0.0f64; k];
        let mut hess = vec![0.0f64; k * k];
        for r in rows {
            let fam: f64 = (0..N).map(|j| f64::from(r.values[j]) * w[j]).sum();
            let p = sigmoid(r.offset + r.slope * fam);
            let y = if r.label { 1.0 } else { 0.0 };
            let d = p * (1.0 - p);
            for (a, &ja) in present.iter().enumerate() {
                let xa = r.slope * f64::from(r.values[ja]);
                if xa == 0.0 {
                    continue;
                }
                grad[a] += (p - y) * xa;
                for (b, &jb) in present.iter().enumerate() {
                    hess[a * k + b] += d * xa * r.slope * f64::from(r.values[jb]);
                }
            }
        }
        for (a, &j) in present.iter().enumerate() {
            grad[a] += lambda * (w[j] - f64::from(center[j]));
            hess[a * k + a] += lambda;
        }
        let Some(step) = solve(&mut hess, &mut grad, k) else {
            break;
        };
        let mut moved = 0.0f64;
        for (a, &j) in present.iter().enumerate() {
            let (lo, hi) = bounds(center[j]);
            let next = (w[j] - step[a]).clamp(lo, hi);
            moved = moved.max((next - w[j]).abs());
            w[j] = next;
        }
        if moved < 1e-7 {
            break;
        }
    }
    std::array::from_fn(|j| w[j] as f32)
}

/// Chooses the penalty from [`LAMBDA_GRID`] by grouped cross-validation on `rows` (the
/// summed held-out log-loss), then fits on all of them.
pub fn fit_chosen(
    rows: &[FitRow],
    groups: &[usize],
    center: &[f32; N],
    seed: u64,
) -> Result<FamilyFit> {
    let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
    let folds = grouped_stratified_folds(groups, &labels, FOLDS, seed)?;
    let mut best: Option<(f64, f64)> = None;
    for lambda in LAMBDA_GRID {
        let mut loss = 0.0;
        for k in 0..FOLDS {
            let train: Vec<FitRow> = select(rows, &folds, |f| f != k);
            let w = fit(&train, center, lambda);
            loss += rows
                .iter()
                .zip(&folds)
                .filter(|(_, f)| **f == k)
                .map(|(r, _)| log_loss(r.logit(&w), r.label))
                .sum::<f64>();
        }
        if best.is_none_or(|(l, _)| loss < l) {
            best = Some((loss, lambda));
        }
    }
    let (_, lambda) = best.ok_or_else(|| Error::TrainingData("no penalty to choose".into()))?;
    Ok(FamilyFit {
        weights: fit(rows, center, lambda),
        lambda,
    })
}

/// Out-of-fold log-odds: rows are split into [`FOLDS`] folds by group, and each fold is
/// scored with weights fitted (penalty chosen inside) on the others. Returns the log-odds
/// and each outer fold's fit.
pub fn out_of_fold(
    rows: &[FitRow],
    groups: &[usize],
    center: &[f32; N],
    seed: u64,
) -> Result<(Vec<f64>, Vec<FamilyFit>)> {
    let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
    let folds = grouped_stratified_folds(groups, &labels, FOLDS, seed)?;
    let mut logits = vec![0.0; rows.len()];
    let mut fits = Vec::with_capacity(FOLDS);
    for k in 0..FOLDS {
        let train_rows = select(rows, &folds, |f| f != k);
        let train_groups: Vec<usize> = groups
            .iter()
            .zip(&folds)
            .filter(|(_, f)| **f != k)
            .map(|(g, _)| *g)
            .collect();
        let ff = fit_chosen(&train_rows, &train_groups, center, seed)?;
        for (i, r) in rows.iter().enumerate() {
            if folds[i] == k {
                logits[i] = r.logit(&ff.weights);
            }
        }
        fits.push(ff);
    }
    Ok((logits, fits))
}

fn select(rows: &[FitRow], folds: &[usize], keep: impl Fn(usize) -> bool) -> Vec<FitRow> {
    rows.iter()
        .zip(folds)
        .filter(|(_, f)| keep(**f))
        .map(|(r, _)| *r)
        .collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn log_loss(logit: f64, label: bool) -> f64 {
    // log(1 + e^-z) for a lure, log(1 + e^z) otherwise, without overflow.
    let z = if label { -logit } else { logit };
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// Solves `a x = b` (k × k, row-major) by Gaussian elimination with partial pivoting;
/// `None` when singular. `a` and `b` are used as scratch.
fn solve(a: &mut [f64], b: &mut [f64], k: usize) -> Option<Vec<f64>> {
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&x, &y| a[x * k + col].abs().total_cmp(&a[y * k + col].abs()))?;
        if a[pivot * k + col].abs() < 1e-12 {
            return None;
        }
        if pivot != col {
            for c in 0..k {
                a.swap(pivot * k + c, col * k + c);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..k {
            let f = a[row * k + col] / a[col * k + col];
            for c in col..k {
                a[row * k + c] -= f * a[col * k + c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for row in (0..k).rev() {
        let s: f64 = (row + 1..k).map(|c| a[row * k + c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row * k + row];
    }
    Some(x)
}

/// The fit as `data/family_fit.tsv` lines: each family's adjustment (the fitted weight
/// minus `center`) with the counts of lures and genuine texts that showed it.
pub fn to_tsv(fit: &FamilyFit, center: &[f32; N], rows: &[FitRow]) -> String {
    let mut s = String::from(
        "# Real-lure fit of the lure families' weights: log-odds added to each family's expert\n\
         # prior (data/priors.tsv) per unit of family value. Written by\n\
         #   lurescan eval-real ../shared/data --fit-families data/family_fit.tsv\n\
         # from the real quoted lures and genuine board adverts in ../shared/data (never copied\n\
         # here); retrain the default model afterwards. A family left out adds nothing.\n",
    );
    s.push_str(&format!(
        "# penalty chosen by grouped cross-validation: {}\n# family\tadjustment\tnote\n",
        fit.lambda
    ));
    for (j, family) in Family::ALL.iter().enumerate() {
        let lures = rows.iter().filter(|r| r.label && r.values[j] > 0.0).count();
        let genuine = rows
            .iter()
            .filter(|r| !r.label && r.values[j] > 0.0)
            .count();
        let adjustment = fit.weights[j] - center[j];
        s.push_str(&format!(
            "{}\t{:.3}\tweight {:.3} (centre {:.3}); present in {lures} lure and {genuine} genuine texts\n",
            family.id(),
            adjustment + 0.0,
            fit.weights[j],
            center[j],
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pay: f32, contact: f32, label: bool) -> FitRow {
        let mut values = [0.0; N];
        values[Family::Pay.index()] = pay;
        values[Family::Contact.index()] = contact;
        FitRow {
            values,
            offset: -3.0,
            slope: 0.8,
            label,
        }
    }

    /// Rows where pay marks lures (20 of 40, 14 of 400 genuine) and a contact handle is as
    /// common among genuine texts: pay's weight rises above its centre, the contact's
    /// falls (but not below half of it).
    fn rows() -> Vec<FitRow> {
        let mut rows = Vec::new();
        for i in 0..400 {
            let pay = if i % 30 == 0 { 1.0 } else { 0.0 };
            rows.push(row(pay, if i % 4 == 0 { 1.0 } else { 0.0 }, false));
        }
        for i in 0..40 {
            rows.push(row(
                if i % 2 == 0 { 1.0 } else { 0.0 },
                if i % 4 == 0 { 1.0 } else { 0.0 },
                true,
            ));
        }
        rows
    }

    #[test]
    fn weights_follow_the_evidence_and_keep_their_sign() {
        let mut center = [0.0; N];
        center[Family::Pay.index()] = 2.0;
        center[Family::Contact.index()] = 1.0;
        center[Family::Legitimacy.index()] = -1.5;
        let w = fit(&rows(), &center, 0.3);
        assert!(w[Family::Pay.index()] > 3.0, "{w:?}");
        assert!(w[Family::Contact.index()] < 1.0, "{w:?}");
        assert!(w[Family::Contact.index()] >= 0.5, "{w:?}");
        assert!(
            w[Family::Pay.index()] <= 4.0,
            "at most twice the centre: {w:?}"
        );
        assert_eq!(w[Family::Legitimacy.index()], -1.5, "absent: the centre");
        // A family shown by fewer than MIN_SUPPORT genuine texts keeps its centre.
        let few: Vec<FitRow> = rows()
            .into_iter()
            .filter(|r| r.label || r.values[Family::Pay.index()] == 0.0)
            .collect();
        assert_eq!(fit(&few, &center, 0.3)[Family::Pay.index()], 2.0);
        // A strong penalty holds the weights at the centre.
        let held = fit(&rows(), &center, 1e6);
        assert!((held[Family::Pay.index()] - 2.0).abs() < 0.01, "{held:?}");
    }

    #[test]
    fn out_of_fold_scores_every_row_with_weights_fitted_elsewhere() {
        let rows = rows();
        // 88 groups of five rows each.
        let groups: Vec<usize> = (0..rows.len()).map(|i| i / 5).collect();
        let mut center = [0.0; N];
        center[Family::Pay.index()] = 2.0;
        let (logits, fits) = out_of_fold(&rows, &groups, &center, 7).expect("fits");
        assert_eq!(logits.len(), rows.len());
        assert_eq!(fits.len(), FOLDS);
        let pay_lure = logits[400];
        let plain = logits[1];
        assert!(pay_lure > plain + 2.0, "{pay_lure} vs {plain}");
        assert!(fits.iter().all(|f| LAMBDA_GRID.contains(&f.lambda)));
    }

    #[test]
    fn solve_matches_a_known_system() {
        let mut a = vec![2.0, 1.0, 1.0, 3.0];
        let mut b = vec![3.0, 5.0];
        let x = solve(&mut a, &mut b, 2).expect("regular");
        assert!(
            (x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12,
            "{x:?}"
        );
        assert!(solve(&mut [0.0, 0.0, 0.0, 0.0], &mut [1.0, 1.0], 2).is_none());
    }
}
