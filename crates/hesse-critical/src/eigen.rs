//! Symmetric eigen-decomposition through nalgebra (a maintained solver, not a hand-written one).

use hesse_core::Matrix;
use nalgebra::DMatrix;

/// Eigenvalues in ascending order and the matching eigenvectors as the columns of a matrix.
///
/// ```
/// let m = hesse_core::Matrix::new(2, 2, vec![2.0, 1.0, 1.0, 2.0]);
/// let (values, vectors) = hesse_critical::symmetric_eigen(&m);
/// assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12);
/// assert!((vectors[(0, 1)].abs() - 0.5f64.sqrt()).abs() < 1e-12);
/// ```
///
/// A matrix with a NaN or infinite entry gives NaN eigenvalues and eigenvectors.
///
/// # Panics
/// If the matrix is not square.
#[track_caller]
pub fn symmetric_eigen(m: &Matrix) -> (Vec<f64>, Matrix) {
    assert_eq!(
        m.rows(),
        m.cols(),
        "symmetric_eigen: matrix is {}×{}",
        m.rows(),
        m.cols()
    );
    let n = m.rows();
    if n == 0 {
        return (Vec::new(), Matrix::zeros(0, 0));
    }
    // nalgebra's QR iteration has no iteration limit: a NaN or infinite entry could make it
    // loop forever, and such a matrix has no meaningful spectrum anyway.
    if m.as_slice().iter().any(|v| !v.is_finite()) {
        return (vec![f64::NAN; n], Matrix::new(n, n, vec![f64::NAN; n * n]));
    }
    let a = DMatrix::from_row_slice(n, n, m.as_slice());
    let eig = a.symmetric_eigen();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let mut vectors = Matrix::zeros(n, n);
    for (col, &i) in order.iter().enumerate() {
        for row in 0..n {
            vectors[(row, col)] = eig.eigenvectors[(row, i)];
        }
    }
    (values, vectors)
}
