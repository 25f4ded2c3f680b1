//! Data utilities: matrices from rows, one-hot targets, a standard scaler, a seeded
//! train/test split, feature maps, generators, CSV reading and a grid evaluator.
//!
//! Feature matrices are hesse-core's row-major [`Matrix`] ([n samples, d features]); class
//! labels are `usize` in `0..k`.
//!
//! - [`matrix_from_rows`], [`one_hot`], [`classes_from_f64`]
//! - [`StandardScaler`], [`train_test_split`]
//! - [`features`]: [`FeatureMap`](features::FeatureMap) (identity, sin, cos, monomials up to a
//!   degree), [`expand`](features::expand)
//! - [`generate`]: Gaussian blobs (seed 002's three), XOR (4 points and noisy), two spirals,
//!   circles
//! - [`csv`]: [`read_csv`](csv::read_csv) / [`parse_csv`](csv::parse_csv) with typed errors
//! - [`grid`]: [`Meshgrid`](grid::Meshgrid), predictions over a grid for decision boundaries

pub mod csv;
pub mod features;
pub mod generate;
pub mod grid;

use hesse_core::Matrix;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::NnError;

/// Checks a feature matrix: at least one row and column, `expected` columns, finite values.
pub(crate) fn check_features(x: &Matrix, expected: usize) -> Result<(), NnError> {
    if x.rows() == 0 {
        return Err(NnError::EmptyData { what: "no samples" });
    }
    if x.cols() != expected {
        return Err(NnError::FeatureMismatch {
            expected,
            got: x.cols(),
        });
    }
    check_finite(x)
}

/// Checks that every entry is finite.
pub(crate) fn check_finite(x: &Matrix) -> Result<(), NnError> {
    match x.as_slice().iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(NnError::NonFinite {
            row: i / x.cols().max(1),
            column: i % x.cols().max(1),
        }),
    }
}

/// Checks labels against a sample count and a class count.
pub(crate) fn check_labels(labels: &[usize], samples: usize, classes: usize) -> Result<(), NnError> {
    if labels.len() != samples {
        return Err(NnError::TargetMismatch {
            samples,
            targets: labels.len(),
        });
    }
    match labels.iter().position(|&c| c >= classes) {
        None => Ok(()),
        Some(index) => Err(NnError::LabelOutOfRange {
            index,
            label: labels[index],
            classes,
        }),
    }
}

/// A matrix from equally long rows.
///
/// # Errors
/// [`NnError::EmptyData`] for no rows or empty rows, [`NnError::RaggedRows`] for rows of
/// different lengths.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_nn::data::matrix_from_rows;
/// let x = matrix_from_rows(&[vec![1.0, -1.0], vec![0.0, -1.0], vec![0.0, 1.0]])?;
/// assert_eq!((x.rows(), x.cols()), (3, 2));
/// assert!(matrix_from_rows(&[vec![1.0], vec![1.0, 2.0]]).is_err());
/// # Ok(()) }
/// ```
pub fn matrix_from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Matrix, NnError> {
    let first = rows.first().ok_or(NnError::EmptyData { what: "no rows" })?;
    let d = first.as_ref().len();
    if d == 0 {
        return Err(NnError::EmptyData {
            what: "rows have no values",
        });
    }
    let mut data = Vec::with_capacity(rows.len() * d);
    for (row, r) in rows.iter().enumerate() {
        let r = r.as_ref();
        if r.len() != d {
            return Err(NnError::RaggedRows {
                row,
                expected: d,
                got: r.len(),
            });
        }
        data.extend_from_slice(r);
    }
    Ok(Matrix::new(rows.len(), d, data))
}

/// One-hot rows ([n, k]) for labels in `0..k`.
///
/// # Errors
/// [`NnError::EmptyData`] for no labels, [`NnError::LabelOutOfRange`] for a label ≥ k.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// let y = hesse_nn::data::one_hot(&[2, 0], 3)?;
/// assert_eq!(y.as_slice(), &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
/// # Ok(()) }
/// ```
pub fn one_hot(labels: &[usize], k: usize) -> Result<Matrix, NnError> {
    if labels.is_empty() {
        return Err(NnError::EmptyData { what: "no labels" });
    }
    check_labels(labels, labels.len(), k)?;
    let mut m = Matrix::zeros(labels.len(), k);
    for (i, &c) in labels.iter().enumerate() {
        m[(i, c)] = 1.0;
    }
    Ok(m)
}

/// Class labels from floating-point values that must be non-negative integers (a CSV's label
/// column, for instance).
///
/// # Errors
/// [`NnError::InvalidTarget`] for a negative, fractional or non-finite value.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// assert_eq!(hesse_nn::data::classes_from_f64(&[0.0, 2.0, 1.0])?, vec![0, 2, 1]);
/// assert!(hesse_nn::data::classes_from_f64(&[0.5]).is_err());
/// # Ok(()) }
/// ```
pub fn classes_from_f64(values: &[f64]) -> Result<Vec<usize>, NnError> {
    values
        .iter()
        .enumerate()
        .map(|(index, &v)| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < u32::MAX as f64 {
                Ok(v as usize)
            } else {
                Err(NnError::InvalidTarget {
                    index,
                    value: v.to_string(),
                    expected: "a class label must be a non-negative integer",
                })
            }
        })
        .collect()
}

/// Standardises features to zero mean and unit variance per column (sklearn's
/// `StandardScaler`: population variance; a constant column keeps scale 1).
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_core::Matrix;
/// use hesse_nn::data::StandardScaler;
/// let x = Matrix::new(3, 2, vec![1.0, 5.0, 2.0, 5.0, 3.0, 5.0]);
/// let scaler = StandardScaler::fit(&x)?;
/// let z = scaler.transform(&x)?;
/// assert_eq!(scaler.mean(), &[2.0, 5.0]);
/// assert!((z[(0, 0)] + 1.224744871391589).abs() < 1e-15);
/// assert_eq!(z[(1, 1)], 0.0);
/// assert_eq!(scaler.inverse_transform(&z)?, x);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StandardScaler {
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl StandardScaler {
    /// Learns each column's mean and standard deviation.
    ///
    /// # Errors
    /// [`NnError::EmptyData`] or [`NnError::NonFinite`].
    pub fn fit(x: &Matrix) -> Result<Self, NnError> {
        if x.cols() == 0 {
            return Err(NnError::EmptyData { what: "no features" });
        }
        check_features(x, x.cols())?;
        let (n, d) = (x.rows() as f64, x.cols());
        let mut mean = vec![0.0; d];
        for r in 0..x.rows() {
            for (m, v) in mean.iter_mut().zip(x.row(r)) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; d];
        for r in 0..x.rows() {
            for ((s, v), m) in var.iter_mut().zip(x.row(r)).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let scale = var
            .into_iter()
            .map(|s| {
                let sd = (s / n).sqrt();
                if sd > 0.0 { sd } else { 1.0 }
            })
            .collect();
        Ok(StandardScaler { mean, scale })
    }

    /// The column means.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The column scales (standard deviations; 1 for constant columns).
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// `(x − mean) / scale`, column by column.
    ///
    /// # Errors
    /// [`NnError::EmptyData`], [`NnError::FeatureMismatch`] or [`NnError::NonFinite`].
    pub fn transform(&self, x: &Matrix) -> Result<Matrix, NnError> {
        check_features(x, self.mean.len())?;
        Ok(self.map(x, |v, m, s| (v - m) / s))
    }

    /// `x · scale + mean`, the inverse of [`StandardScaler::transform`].
    ///
    /// # Errors
    /// As [`StandardScaler::transform`].
    pub fn inverse_transform(&self, x: &Matrix) -> Result<Matrix, NnError> {
        check_features(x, self.mean.len())?;
        Ok(self.map(x, |v, m, s| v * s + m))
    }

    /// Fits on `x` and transforms it.
    ///
    /// # Errors
    /// As [`StandardScaler::fit`].
    pub fn fit_transform(x: &Matrix) -> Result<(Self, Matrix), NnError> {
        let s = Self::fit(x)?;
        let z = s.transform(x)?;
        Ok((s, z))
    }

    fn map(&self, x: &Matrix, f: impl Fn(f64, f64, f64) -> f64) -> Matrix {
        let d = self.mean.len();
        let data = x
            .as_slice()
            .iter()
            .enumerate()
            .map(|(i, &v)| f(v, self.mean[i % d], self.scale[i % d]))
            .collect();
        Matrix::new(x.rows(), d, data)
    }
}

/// A train/test split: features and targets of each part.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<T> {
    /// Training features.
    pub x_train: Matrix,
    /// Test features.
    pub x_test: Matrix,
    /// Training targets.
    pub y_train: Vec<T>,
    /// Test targets.
    pub y_test: Vec<T>,
}

/// Shuffles the rows with `StdRng::seed_from_u64(seed)` and puts
/// `ceil(test_fraction · n)` of them in the test part (sklearn's rounding).
///
/// # Errors
/// [`NnError::EmptyData`], [`NnError::TargetMismatch`], or [`NnError::InvalidOption`] unless
/// `0 < test_fraction < 1` leaves at least one row on each side.
///
/// ```
/// # fn main() -> Result<(), hesse_nn::NnError> {
/// use hesse_nn::data::{generate, train_test_split};
/// let (x, y) = generate::blobs(100, 1.0, 0);
/// let s = train_test_split(&x, &y, 0.25, 42)?;
/// assert_eq!((s.x_train.rows(), s.x_test.rows()), (225, 75));
/// assert_eq!(s, train_test_split(&x, &y, 0.25, 42)?); // reproducible
/// # Ok(()) }
/// ```
pub fn train_test_split<T: Clone>(
    x: &Matrix,
    y: &[T],
    test_fraction: f64,
    seed: u64,
) -> Result<Split<T>, NnError> {
    let n = x.rows();
    if n == 0 {
        return Err(NnError::EmptyData { what: "no samples" });
    }
    if y.len() != n {
        return Err(NnError::TargetMismatch {
            samples: n,
            targets: y.len(),
        });
    }
    let n_test = (test_fraction * n as f64).ceil() as usize;
    if !(test_fraction > 0.0 && test_fraction < 1.0) || n_test == 0 || n_test >= n {
        return Err(NnError::invalid(
            "test_fraction",
            test_fraction,
            "a number in (0, 1) leaving at least one sample in each part",
        ));
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut StdRng::seed_from_u64(seed));
    let (test, train) = idx.split_at(n_test);
    Ok(Split {
        x_train: take_rows(x, train),
        x_test: take_rows(x, test),
        y_train: train.iter().map(|&i| y[i].clone()).collect(),
        y_test: test.iter().map(|&i| y[i].clone()).collect(),
    })
}

/// The rows `idx` of `x`, in that order.
pub(crate) fn take_rows(x: &Matrix, idx: &[usize]) -> Matrix {
    let mut data = Vec::with_capacity(idx.len() * x.cols());
    for &i in idx {
        data.extend_from_slice(x.row(i));
    }
    Matrix::new(idx.len(), x.cols(), data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_partitions_rows() {
        let x = Matrix::new(5, 1, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        let y = vec![0usize, 1, 2, 3, 4];
        let s = train_test_split(&x, &y, 0.4, 1).unwrap();
        let mut all: Vec<usize> = s.y_train.iter().chain(&s.y_test).copied().collect();
        all.sort();
        assert_eq!(all, y);
        for (r, &label) in s.y_test.iter().enumerate() {
            assert_eq!(s.x_test[(r, 0)], label as f64);
        }
        assert!(train_test_split(&x, &y, 1.0, 1).is_err());
        assert!(train_test_split(&x, &y[1..], 0.5, 1).is_err());
    }

    #[test]
    fn scaler_handles_constant_and_checks() {
        let x = Matrix::new(2, 1, vec![3.0, 3.0]);
        let s = StandardScaler::fit(&x).unwrap();
        assert_eq!(s.scale(), &[1.0]);
        assert!(s.transform(&Matrix::zeros(1, 2)).is_err());
        assert!(StandardScaler::fit(&Matrix::new(1, 1, vec![f64::NAN])).is_err());
    }
}
