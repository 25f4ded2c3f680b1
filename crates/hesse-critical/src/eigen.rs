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
/// A matrix with a NaN or infinite entry gives NaN eigenvalues and eigenvectors. Entries up
/// to `f64::MAX` are fine; an eigenvalue beyond it is ±inf:
///
/// ```
/// let m = hesse_core::Matrix::new(2, 2, vec![1e308, 1.5e308, 1.5e308, 1e308]);
/// let (values, _) = hesse_critical::symmetric_eigen(&m);
/// assert!((values[0] + 0.5e308).abs() < 1e293 && values[1] == f64::INFINITY);
/// ```
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
    // The solver squares entries (Householder norms): entries near the ends of the f64 range
    // would overflow or underflow in it. So a matrix with such entries is scaled by a power
    // of two (exact) into the middle of the range, and the eigenvalues scaled back; an
    // eigenvalue beyond f64::MAX then comes out as ±inf, honestly.
    let big = m.as_slice().iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let scale = if big > 1e150 || (big > 0.0 && big < 1e-150) {
        2f64.powi((big.log2().floor() as i32).clamp(-1020, 1023))
    } else {
        1.0
    };
    let a = DMatrix::from_row_slice(n, n, m.as_slice()) / scale;
    let eig = a.symmetric_eigen();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let values = order.iter().map(|&i| eig.eigenvalues[i] * scale).collect();
    let mut vectors = Matrix::zeros(n, n);
    for (col, &i) in order.iter().enumerate() {
        for row in 0..n {
            vectors[(row, col)] = eig.eigenvectors[(row, i)];
        }
    }
    (values, vectors)
}
