//! Conversions between [`Matrix`] (row-major) and nalgebra's `DMatrix<f64>` (column-major),
//! feature `nalgebra`. Both directions copy, reordering the storage; entry (i, j) stays
//! entry (i, j).

use nalgebra::DMatrix;

use crate::matrix::Matrix;

impl From<&Matrix> for DMatrix<f64> {
    /// ```
    /// let h = hesse_core::hessian(|x| x[0] * x[1].powi(2), &[1.0, 2.0]);
    /// let m = nalgebra::DMatrix::from(&h);
    /// assert_eq!(m[(0, 1)], h[(0, 1)]);
    /// assert_eq!(m.symmetric_eigenvalues().len(), 2);
    /// ```
    fn from(m: &Matrix) -> DMatrix<f64> {
        DMatrix::from_row_slice(m.rows(), m.cols(), m.as_slice())
    }
}

impl From<Matrix> for DMatrix<f64> {
    fn from(m: Matrix) -> DMatrix<f64> {
        DMatrix::from(&m)
    }
}

impl From<&DMatrix<f64>> for Matrix {
    /// ```
    /// let m = nalgebra::DMatrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let h = hesse_core::Matrix::from(&m);
    /// assert_eq!(h.row(1), &[4.0, 5.0, 6.0]);
    /// ```
    fn from(m: &DMatrix<f64>) -> Matrix {
        let (rows, cols) = m.shape();
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            data.extend(m.row(i).iter());
        }
        Matrix::new(rows, cols, data)
    }
}

impl From<DMatrix<f64>> for Matrix {
    fn from(m: DMatrix<f64>) -> Matrix {
        Matrix::from(&m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_every_entry() {
        // issue 18: row-major ↔ column-major
        let h = Matrix::new(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let m = DMatrix::from(&h);
        assert_eq!(m.shape(), (2, 3));
        assert_eq!(m[(1, 0)], 4.0);
        assert_eq!(Matrix::from(m), h);
    }
}
