//! Fits an L2-penalised logistic regression with linfa on a dense matrix of the design's
//! columns: the route for training sets too many rows for [`super::rowspace`], whose
//! columns the caller has capped (top terms by chi-squared).
//!
//! Columns are centred before the fit (only the unpenalised intercept moves, and columns
//! such as a length feature are no longer nearly collinear with it), and all-zero
//! columns are left out (their weight stays 0).

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};

use super::rowspace::{LinearFit, Solver, check_design, column_means};
use crate::error::{Error, Result};

/// Fits `rows` (each a list of `(column, value)` with columns below `n_cols`) against
/// `labels` on the dense centred matrix of the columns that occur.
pub fn fit(
    rows: &[Vec<(u32, f32)>],
    labels: &[bool],
    n_cols: usize,
    solver: Solver,
) -> Result<LinearFit> {
    let n = rows.len();
    check_design(rows, Some(labels), n_cols)?;
    let means = column_means(rows, n_cols);
    let mut used = vec![false; n_cols];
    for &(c, v) in rows.iter().flatten() {
        used[c as usize] |= v != 0.0;
    }
    let fitted_cols: Vec<usize> = (0..n_cols).filter(|&c| used[c]).collect();
    if fitted_cols.is_empty() {
        return Ok(LinearFit::base_rate(labels, n_cols));
    }
    let mut index = vec![usize::MAX; n_cols];
    for (j, &c) in fitted_cols.iter().enumerate() {
        index[c] = j;
    }
    // Column-major: linfa's gradient `xᵀ r` is then row-contiguous.
    let mut x = Array2::<f32>::zeros((n, fitted_cols.len()).f());
    for (j, &c) in fitted_cols.iter().enumerate() {
        x.column_mut(j).fill(-(means[c] as f32));
    }
    for (i, row) in rows.iter().enumerate() {
        for &(c, v) in row {
            x[[i, index[c as usize]]] += v;
        }
    }
    let fitted = LogisticRegression::default()
        .alpha(solver.alpha as f32)
        .max_iterations(solver.max_iterations)
        .gradient_tolerance(solver.tolerance_per_row * n as f32)
        .fit(&linfa::Dataset::new(
            x,
            Array1::from_iter(labels.iter().copied()),
        ))
        .map_err(|e| Error::Fit(e.to_string()))?;
    // linfa 0.8 labels the more frequent class positive: orient towards `true`.
    let sign = if fitted.labels().pos.class {
        1.0f32
    } else {
        -1.0
    };
    let mut weights = vec![0.0f32; n_cols];
    for (j, &c) in fitted_cols.iter().enumerate() {
        weights[c] = sign * fitted.params()[j];
    }
    let shift: f64 = weights
        .iter()
        .zip(&means)
        .map(|(&w, &m)| f64::from(w) * m)
        .sum();
    Ok(LinearFit {
        weights,
        intercept: f64::from(sign * fitted.intercept()) - shift,
        rank: fitted_cols.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rowspace;

    /// The dense route and the row-space route reach the same optimum.
    #[test]
    fn agrees_with_the_row_space_fit() {
        let labels: Vec<bool> = (0..60).map(|i| i % 3 == 0).collect();
        let rows: Vec<Vec<(u32, f32)>> = (0..60usize)
            .map(|i| {
                let mut row: Vec<(u32, f32)> = (0..12u32)
                    .filter(|&c| (i * 13 + c as usize * 7) % 5 < 2)
                    .map(|c| (c, 0.2 + 0.05 * (c % 3) as f32))
                    .collect();
                if labels[i] && i % 2 == 0 {
                    row.push((12, 1.0));
                }
                row
            })
            .collect();
        let solver = Solver {
            alpha: 0.3,
            max_iterations: 1000,
            tolerance_per_row: 1e-7,
        };
        let dense = fit(&rows, &labels, 14, solver).expect("dense fit");
        let wide = rowspace::fit(&rows, &labels, 14, solver).expect("row-space fit");
        assert_eq!(dense.weights[13], 0.0, "an unused column");
        for (a, b) in dense.weights.iter().zip(&wide.weights) {
            assert!(
                (a - b).abs() < 2e-3,
                "{:?} vs {:?}",
                dense.weights,
                wide.weights
            );
        }
        assert!((dense.intercept - wide.intercept).abs() < 2e-3);
        assert!(dense.weights[12] > 0.0, "oriented towards true");
    }
}
