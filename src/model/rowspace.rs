//! Fits an L2-penalised logistic regression on a wide sparse design through its row
//! space, so linfa never sees the wide matrix.
//!
//! With `n` adverts and `d` ≫ `n` columns (every word n-gram seen twice), the penalised
//! optimum lies in the span of the (centred) rows: a weight part orthogonal to every row
//! changes no prediction and only adds penalty. Writing the centred design as
//! `Xc = U √Λ Vᵀ` (the eigendecomposition of the Gram matrix `Xc Xcᵀ = U Λ Uᵀ`), the
//! weights are `w = V b` with `‖w‖ = ‖b‖` and `Xc w = U √Λ b`. So fitting linfa on the
//! `n × r` matrix `Z = U √Λ` with the same alpha gives exactly the optimum of the wide
//! problem, and `w = Xcᵀ U Λ^-½ b` maps it back. Centring moves only the unpenalised
//! intercept. The Gram matrix is built sparse (its cost is the sum of squared document
//! frequencies, ~50 M products on the shared split), the eigendecomposition is
//! linfa-linalg's.
//!
//! This module does not choose columns, scale them or orient anything but the sign
//! linfa's labelling needs; the caller hands it rows of `(column, value)`.

use linfa::prelude::*;
use linfa_linalg::eigh::EighInto;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};

use crate::error::{Error, Result};

/// Eigenvalues below this fraction of the largest are treated as zero (directions the
/// rows do not span: duplicated adverts, the centring).
const RANK_TOLERANCE: f64 = 1e-9;

/// A fitted linear model over the design's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct RowSpaceFit {
    /// One weight per column, oriented towards `true`.
    pub weights: Vec<f32>,
    /// Intercept on the uncentred columns.
    pub intercept: f64,
    /// Rank of the centred design (columns linfa fitted).
    pub rank: usize,
}

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

/// A design's row space: its rows, column means and the eigendecomposition of its
/// centred Gram matrix. Built once per set of rows and reused for every alpha.
#[derive(Debug, Clone)]
pub struct RowSpace {
    rows: Vec<Vec<(u32, f32)>>,
    n_cols: usize,
    means: Vec<f64>,
    /// Kept eigenvalues (above [`RANK_TOLERANCE`] of the largest).
    values: Vec<f64>,
    /// Their eigenvectors, one column each (`n × r`).
    vectors: Array2<f64>,
}

impl RowSpace {
    /// The row space of `rows` (each a list of `(column, value)` with columns below
    /// `n_cols`, no column twice in a row).
    pub fn new(rows: Vec<Vec<(u32, f32)>>, n_cols: usize) -> Result<RowSpace> {
        if rows.is_empty() {
            return Err(Error::TrainingData("no design rows".into()));
        }
        if let Some(bad) = rows.iter().flatten().find(|(c, _)| *c as usize >= n_cols) {
            return Err(Error::Fit(format!(
                "column {} outside a design of {n_cols} columns",
                bad.0
            )));
        }
        let means = column_means(&rows, n_cols);
        let gram = centred_gram(&rows, &means);
        let (all_values, all_vectors) = gram
            .eigh_into()
            .map_err(|e| Error::Fit(format!("eigendecomposition of the Gram matrix: {e}")))?;
        let largest = all_values.iter().copied().fold(0.0f64, f64::max);
        let kept: Vec<usize> = (0..all_values.len())
            .filter(|&k| largest > 0.0 && all_values[k] > largest * RANK_TOLERANCE)
            .collect();
        let values: Vec<f64> = kept.iter().map(|&k| all_values[k]).collect();
        let vectors = all_vectors.select(ndarray::Axis(1), &kept);
        Ok(RowSpace {
            rows,
            n_cols,
            means,
            values,
            vectors,
        })
    }

    /// The design's rows.
    pub fn rows(&self) -> &[Vec<(u32, f32)>] {
        &self.rows
    }

    /// Rank of the centred design.
    pub fn rank(&self) -> usize {
        self.values.len()
    }

    /// Fits the rows against `labels` (one per row).
    pub fn fit(&self, labels: &[bool], solver: Solver) -> Result<RowSpaceFit> {
        let n = self.rows.len();
        if n != labels.len() {
            return Err(Error::TrainingData(format!(
                "{n} design rows for {} labels",
                labels.len()
            )));
        }
        if self.values.is_empty() {
            // Nothing varies: the best model is the base rate alone.
            let pos = labels.iter().filter(|&&l| l).count() as f64;
            let intercept = ((pos + 0.5) / (n as f64 - pos + 0.5)).ln();
            return Ok(RowSpaceFit {
                weights: vec![0.0; self.n_cols],
                intercept,
                rank: 0,
            });
        }
        // Column-major: linfa's gradient is `zᵀ r`, row-contiguous only for column-major `z`.
        let mut z = Array2::<f32>::zeros((n, self.values.len()).f());
        for (k, &value) in self.values.iter().enumerate() {
            let s = value.sqrt();
            for i in 0..n {
                z[[i, k]] = (self.vectors[[i, k]] * s) as f32;
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
        // Row coefficients a = U Λ^-½ b, then w = Xcᵀ a = Xᵀ a − μ Σa.
        let mut a = vec![0.0f64; n];
        for (k, &value) in self.values.iter().enumerate() {
            let b = sign * f64::from(fitted.params()[k]) / value.sqrt();
            for (i, ai) in a.iter_mut().enumerate() {
                *ai += self.vectors[[i, k]] * b;
            }
        }
        let a_sum: f64 = a.iter().sum();
        let mut w: Vec<f64> = self.means.iter().map(|&m| -m * a_sum).collect();
        for (row, &ai) in self.rows.iter().zip(&a) {
            for &(c, v) in row {
                w[c as usize] += f64::from(v) * ai;
            }
        }
        let shift: f64 = w.iter().zip(&self.means).map(|(wi, m)| wi * m).sum();
        Ok(RowSpaceFit {
            weights: w.iter().map(|&v| v as f32).collect(),
            intercept: sign * f64::from(fitted.intercept()) - shift,
            rank: self.values.len(),
        })
    }
}

/// Fits `rows` against `labels` in one go (see [`RowSpace`]).
pub fn fit(
    rows: &[Vec<(u32, f32)>],
    labels: &[bool],
    n_cols: usize,
    solver: Solver,
) -> Result<RowSpaceFit> {
    if rows.len() != labels.len() {
        return Err(Error::TrainingData(format!(
            "{} design rows for {} labels",
            rows.len(),
            labels.len()
        )));
    }
    RowSpace::new(rows.to_vec(), n_cols)?.fit(labels, solver)
}

fn column_means(rows: &[Vec<(u32, f32)>], n_cols: usize) -> Vec<f64> {
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
        assert!(fit(&[vec![(5, 1.0)]], &[true], 2, solver).is_err());
        assert!(fit(&[], &[], 2, solver).is_err());
        assert!(fit(&[vec![]], &[true, false], 2, solver).is_err());
    }
}
