//! Fits an L2-penalised logistic regression on a wide sparse design through its row
//! space, so linfa never sees the wide matrix.
//!
//! With `n` adverts and `d` ≫ `n` columns (every word n-gram seen twice), the penalised
//! optimum lies in the span of the (centred) rows: a weight part orthogonal to every row
//! changes no prediction and only adds penalty. Factor the Gram matrix of the centred
//! design as `K = Xc Xcᵀ = Z Zᵀ` with `Z` of size `n × r` (pivoted Cholesky, `r` the
//! rank). For weights `w = Xcᵀ a` with `Zᵀ a = b`, `Xc w = K a = Z b` and
//! `‖w‖² = aᵀ K a = ‖b‖²`: fitting linfa on `Z` with the same alpha gives exactly the
//! optimum of the wide problem, and `a` follows from `b` by one triangular solve on the
//! pivot rows. Centring moves only the unpenalised intercept. The Gram matrix is built
//! sparse (its cost is the sum of squared document frequencies, ~50 M products on the
//! shared split).
//!
//! linfa-linalg's eigendecomposition gives the same factorisation but took ~2.5 s for
//! 1,033 rows; the pivoted Cholesky (written here: linfa-linalg's Cholesky needs a
//! positive definite matrix, and duplicated adverts and the centring make `K` singular)
//! does a sixth of the work.
//!
//! This module does not choose columns, scale them or orient anything but the sign
//! linfa's labelling needs; the caller hands it rows of `(column, value)`.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// Residual diagonals below this fraction of the Gram matrix's largest diagonal end the
/// factorisation (directions the rows do not span: duplicated adverts, the centring).
const RANK_TOLERANCE: f64 = 1e-10;

/// A fitted linear model over the design's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearFit {
    /// One weight per column, oriented towards `true`.
    pub weights: Vec<f32>,
    /// Intercept on the uncentred columns.
    pub intercept: f64,
    /// Rank of the centred design (columns linfa fitted).
    pub rank: usize,
}

/// Above this many rows the Gram matrix (n² × 8 bytes) and its factorisation (n³/6)
/// cost more than a dense fit of selected columns: 5,000 rows are 200 MB and ~2·10¹⁰
/// operations; EMSCAD's 17,880 would be 2.6 GB and ~10¹² ([`super::dense`] then).
pub const MAX_ROWS: usize = 5_000;

/// Solver settings handed to linfa.
#[derive(Debug, Clone, Copy)]
pub struct Solver {
    /// L2 strength on the summed loss (linfa's `alpha`).
    pub alpha: f64,
    /// linfa's iteration cap.
    pub max_iterations: u64,
    /// Gradient-norm tolerance per row (linfa's tolerance applies to a summed loss).
    pub tolerance_per_row: f32,
}

/// A design's row space: its rows, column means and a factor `Z` of its centred Gram
/// matrix. Built once per set of rows and reused for every alpha.
#[derive(Debug, Clone)]
pub struct RowSpace {
    rows: Vec<Vec<(u32, f32)>>,
    n_cols: usize,
    means: Vec<f64>,
    factor: GramFactor,
}

impl RowSpace {
    /// The row space of `rows` (each a list of `(column, value)` with columns below
    /// `n_cols`, no column twice in a row).
    pub fn new(rows: Vec<Vec<(u32, f32)>>, n_cols: usize) -> Result<RowSpace> {
        check_design(&rows, None, n_cols)?;
        let means = column_means(&rows, n_cols);
        let gram = centred_gram(&rows, &means);
        let factor = GramFactor::pivoted_cholesky(&gram, RANK_TOLERANCE);
        Ok(RowSpace {
            rows,
            n_cols,
            means,
            factor,
        })
    }

    /// The design's rows.
    pub fn rows(&self) -> &[Vec<(u32, f32)>] {
        &self.rows
    }

    /// Rank of the centred design.
    pub fn rank(&self) -> usize {
        self.factor.pivots.len()
    }

    /// Fits the rows against `labels` (one per row).
    pub fn fit(&self, labels: &[bool], solver: Solver) -> Result<LinearFit> {
        let n = self.rows.len();
        check_design(&self.rows, Some(labels), self.n_cols)?;
        let rank = self.rank();
        if rank == 0 {
            return Ok(LinearFit::base_rate(labels, self.n_cols));
        }
        // Column-major: linfa's gradient is `zᵀ r`, row-contiguous only for column-major `z`.
        let mut z = Array2::<f32>::zeros((n, rank).f());
        for i in 0..n {
            for k in 0..rank {
                z[[i, k]] = self.factor.z[[i, k]] as f32;
            }
        }
        let y = Array1::from_iter(labels.iter().copied());
        let fitted = LogisticRegression::default()
            .alpha(solver.alpha as f32)
            .max_iterations(solver.max_iterations)
            .gradient_tolerance(solver.tolerance_per_row * n as f32)
            .fit(&linfa::Dataset::new(z, y))
            .map_err(|e| Error::Fit(e.to_string()))?;
        // linfa 0.8 labels the more frequent class positive: orient towards `true`.
        let sign = if fitted.labels().pos.class {
            1.0f64
        } else {
            -1.0
        };
        let b: Vec<f64> = fitted
            .params()
            .iter()
            .map(|&v| sign * f64::from(v))
            .collect();
        let a = self.factor.row_coefficients(&b);
        // w = Xcᵀ a = Xᵀ a − μ Σa.
        let a_sum: f64 = a.iter().sum();
        let mut w: Vec<f64> = self.means.iter().map(|&m| -m * a_sum).collect();
        for (row, &ai) in self.rows.iter().zip(&a) {
            for &(c, v) in row {
                w[c as usize] += f64::from(v) * ai;
            }
        }
        let shift: f64 = w.iter().zip(&self.means).map(|(wi, m)| wi * m).sum();
        Ok(LinearFit {
            weights: w.iter().map(|&v| v as f32).collect(),
            intercept: sign * f64::from(fitted.intercept()) - shift,
            rank: self.rank(),
        })
    }
}

/// Fits `rows` against `labels` in one go (see [`RowSpace`]).
pub fn fit(
    rows: &[Vec<(u32, f32)>],
    labels: &[bool],
    n_cols: usize,
    solver: Solver,
) -> Result<LinearFit> {
    check_design(rows, Some(labels), n_cols)?;
    RowSpace::new(rows.to_vec(), n_cols)?.fit(labels, solver)
}

/// Checks a design: some rows, one label per row (when given), every column below
/// `n_cols`.
pub(super) fn check_design(
    rows: &[Vec<(u32, f32)>],
    labels: Option<&[bool]>,
    n_cols: usize,
) -> Result<()> {
    if rows.is_empty() {
        return Err(Error::TrainingData("no design rows".into()));
    }
    if let Some(labels) = labels
        && labels.len() != rows.len()
    {
        return Err(Error::TrainingData(format!(
            "{} design rows for {} labels",
            rows.len(),
            labels.len()
        )));
    }
    if let Some(bad) = rows.iter().flatten().find(|(c, _)| *c as usize >= n_cols) {
        return Err(Error::Fit(format!(
            "column {} outside a design of {n_cols} columns",
            bad.0
        )));
    }
    Ok(())
}

impl LinearFit {
    /// The model when nothing varies: no weights, the (smoothed) base rate as intercept.
    pub(super) fn base_rate(labels: &[bool], n_cols: usize) -> LinearFit {
        let pos = labels.iter().filter(|&&l| l).count() as f64;
        let neg = labels.len() as f64 - pos;
        LinearFit {
            weights: vec![0.0; n_cols],
            intercept: ((pos + 0.5) / (neg + 0.5)).ln(),
            rank: 0,
        }
    }
}

/// `K ≈ Z Zᵀ` for a positive semi-definite `K`, by Cholesky with complete pivoting
/// stopped at the numerical rank: column `k` of `Z` is zero on the pivot rows chosen
/// before it, so `Z` restricted to the pivot rows (in pivot order) is lower triangular.
#[derive(Debug, Clone)]
struct GramFactor {
    /// Pivot rows, in the order chosen.
    pivots: Vec<usize>,
    /// `n × r`, row-major (rows are read whole by the factorisation).
    z: Array2<f64>,
}

impl GramFactor {
    fn pivoted_cholesky(k: &Array2<f64>, rel_tol: f64) -> GramFactor {
        let n = k.nrows();
        let mut residual: Vec<f64> = (0..n).map(|i| k[[i, i]]).collect();
        let largest = residual.iter().copied().fold(0.0f64, f64::max);
        let tol = largest * rel_tol;
        // Row-major n × n, rows split across threads for each new column.
        let mut z = vec![0.0f64; n * n];
        let mut pivoted = vec![false; n];
        let mut pivots = Vec::new();
        for j in 0..n {
            let Some(p) = (0..n)
                .filter(|&i| !pivoted[i])
                .max_by(|&a, &b| residual[a].total_cmp(&residual[b]))
            else {
                break;
            };
            if residual[p].is_nan() || residual[p] <= tol {
                break;
            }
            pivoted[p] = true;
            pivots.push(p);
            let d = residual[p].sqrt();
            z[p * n + j] = d;
            let zp: Vec<f64> = z[p * n..p * n + j].to_vec();
            let kp = k.row(p);
            z.par_chunks_mut(n)
                .zip(residual.par_iter_mut())
                .enumerate()
                .filter(|(i, _)| !pivoted[*i])
                .for_each(|(i, (zi, res))| {
                    let v = (kp[i] - dot(&zi[..j], &zp)) / d;
                    zi[j] = v;
                    *res -= v * v;
                });
        }
        let r = pivots.len();
        let z = Array2::from_shape_fn((n, r), |(i, c)| z[i * n + c]);
        GramFactor { pivots, z }
    }

    /// The row coefficients `a` with `Zᵀ a = b`, non-zero on the pivot rows only (a
    /// back substitution through the triangular pivot rows).
    fn row_coefficients(&self, b: &[f64]) -> Vec<f64> {
        let r = self.pivots.len();
        let mut on_pivots = vec![0.0f64; r];
        for k in (0..r).rev() {
            let later: f64 = (k + 1..r)
                .map(|m| self.z[[self.pivots[m], k]] * on_pivots[m])
                .sum();
            on_pivots[k] = (b[k] - later) / self.z[[self.pivots[k], k]];
        }
        let mut a = vec![0.0f64; self.z.nrows()];
        for (&p, &v) in self.pivots.iter().zip(&on_pivots) {
            a[p] = v;
        }
        a
    }
}

/// A dot product in four independent sums (so the compiler can vectorise it; one running
/// sum is a dependency chain).
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a, b) in xc.zip(yc) {
        for l in 0..4 {
            acc[l] += a[l] * b[l];
        }
    }
    acc.iter().sum::<f64>() + tail
}

pub(super) fn column_means(rows: &[Vec<(u32, f32)>], n_cols: usize) -> Vec<f64> {
    let mut means = vec![0.0f64; n_cols];
    for &(c, v) in rows.iter().flatten() {
        means[c as usize] += f64::from(v);
    }
    let n = rows.len() as f64;
    means.iter_mut().for_each(|m| *m /= n);
    means
}

/// `Xc Xcᵀ` from the sparse rows: `X Xᵀ` through column postings (each column adds the
/// products of the rows it occurs in), then the centring terms
/// `− r_i − r_j + μ·μ` with `r_i = x_i·μ`.
fn centred_gram(rows: &[Vec<(u32, f32)>], means: &[f64]) -> Array2<f64> {
    let n = rows.len();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); means.len()];
    for (i, row) in rows.iter().enumerate() {
        for &(c, v) in row {
            postings[c as usize].push((i as u32, v));
        }
    }
    let mut gram = Array2::<f64>::zeros((n, n));
    for list in &postings {
        for (p, &(i, vi)) in list.iter().enumerate() {
            let vi = f64::from(vi);
            for &(j, vj) in &list[p..] {
                gram[[i as usize, j as usize]] += vi * f64::from(vj);
            }
        }
    }
    let r: Vec<f64> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|&(c, v)| f64::from(v) * means[c as usize])
                .sum()
        })
        .collect();
    let mm: f64 = means.iter().map(|m| m * m).sum();
    for i in 0..n {
        for j in i..n {
            // Postings are in row order, so only the upper triangle was filled.
            let g = gram[[i, j]] - r[i] - r[j] + mm;
            gram[[i, j]] = g;
            gram[[j, i]] = g;
        }
    }
    gram
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense(rows: &[Vec<(u32, f32)>], n_cols: usize) -> Array2<f32> {
        let mut x = Array2::zeros((rows.len(), n_cols));
        for (i, row) in rows.iter().enumerate() {
            for &(c, v) in row {
                x[[i, c as usize]] = v;
            }
        }
        x
    }

    /// A small wide problem: 40 rows, 120 columns, positives the minority (linfa then
    /// calls `false` positive), some rows duplicated, one column constant.
    fn problem() -> (Vec<Vec<(u32, f32)>>, Vec<bool>) {
        let labels: Vec<bool> = (0..40).map(|i| i % 4 == 0).collect();
        let rows = (0..40usize)
            .map(|i| {
                let src = if i % 10 == 9 { i - 1 } else { i };
                let mut row: Vec<(u32, f32)> = (0..120u32)
                    .filter(|&c| (src * 31 + c as usize * 17) % 11 < 2)
                    .map(|c| (c, 0.1 + 0.01 * (c % 7) as f32))
                    .collect();
                if labels[src] {
                    row.push((120, 0.8));
                }
                row.push((121, 1.0));
                row
            })
            .collect();
        (rows, labels)
    }

    /// The row-space fit reaches the optimum of the plain wide fit: the same
    /// predictions as linfa on the full dense matrix.
    #[test]
    fn matches_a_plain_fit_on_the_wide_matrix() {
        let (rows, labels) = problem();
        let solver = Solver {
            alpha: 0.5,
            max_iterations: 2000,
            tolerance_per_row: 1e-7,
        };
        let ours = fit(&rows, &labels, 122, solver).expect("fits");
        assert!(ours.rank < 40, "duplicates and centring lower the rank");
        let x = dense(&rows, 122);
        let plain = LogisticRegression::default()
            .alpha(0.5f32)
            .max_iterations(2000)
            .gradient_tolerance(1e-7)
            .fit(&linfa::Dataset::new(
                x.clone(),
                Array1::from(labels.clone()),
            ))
            .expect("plain fit");
        let p = plain.predict_probabilities(&x);
        let logits = x.dot(&Array1::from(ours.weights.clone()));
        for i in 0..rows.len() {
            let p_true = if plain.labels().pos.class {
                p[i]
            } else {
                1.0 - p[i]
            };
            let p_ours = 1.0 / (1.0 + (-(f64::from(logits[i]) + ours.intercept)).exp());
            assert!(
                (f64::from(p_true) - p_ours).abs() < 2e-3,
                "row {i}: plain {p_true}, ours {p_ours}"
            );
        }
        assert!(
            ours.weights[120] > 0.0,
            "the positive marker points to true"
        );
        assert!(
            ours.weights[121].abs() < 1e-4,
            "a constant column gets no weight"
        );
    }

    #[test]
    fn nothing_varies_gives_the_base_rate() {
        let rows = vec![vec![(0, 1.0)]; 4];
        let labels = [true, false, false, false];
        let f = fit(
            &rows,
            &labels,
            2,
            Solver {
                alpha: 1.0,
                max_iterations: 50,
                tolerance_per_row: 1e-5,
            },
        )
        .expect("fits");
        assert_eq!(f.weights, vec![0.0, 0.0]);
        assert!(f.intercept < 0.0 && f.intercept.is_finite());
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        let solver = Solver {
            alpha: 1.0,
            max_iterations: 10,
            tolerance_per_row: 1e-5,
        };
        for fitter in [fit, crate::model::dense::fit] {
            assert!(fitter(&[vec![(5, 1.0)]], &[true], 2, solver).is_err());
            assert!(fitter(&[], &[], 2, solver).is_err());
            assert!(fitter(&[vec![]], &[true, false], 2, solver).is_err());
        }
    }
}
