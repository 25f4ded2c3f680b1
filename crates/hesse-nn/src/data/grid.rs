//! Predictions over a meshgrid, for decision-boundary pictures (seed 003's
//! `meshgrid` + `contourf`).
//!
//! Points are ordered as NumPy's `meshgrid(xs, ys)` flattened: row j of the grid holds
//! `ys[j]` and runs over every `xs[i]`, so value `j * nx + i` belongs to `(xs[i], ys[j])`.

use hesse_core::Matrix;

use crate::NnError;

/// A rectangular grid of 2-D points.
#[derive(Debug, Clone, PartialEq)]
pub struct Meshgrid {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// Values on a [`Meshgrid`], row-major over (y, x).
#[derive(Debug, Clone, PartialEq)]
pub struct GridValues<T> {
    /// The x coordinates (columns).
    pub xs: Vec<f64>,
    /// The y coordinates (rows).
    pub ys: Vec<f64>,
    /// `values[j * xs.len() + i]` is the value at `(xs[i], ys[j])`.
    pub values: Vec<T>,
}

impl<T> GridValues<T> {
    /// The value at `(xs[i], ys[j])`.
    ///
    /// # Panics
    /// If `i` or `j` is out of range.
    pub fn at(&self, i: usize, j: usize) -> &T {
        assert!(i < self.xs.len() && j < self.ys.len(), "grid: index out of range");
        &self.values[j * self.xs.len() + i]
    }
}

/// `n` evenly spaced values from `a` to `b`, both included (NumPy's `linspace`).
///
/// ```
/// assert_eq!(hesse_nn::data::grid::linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// ```
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![a],
        _ => (0..n)
            .map(|i| {
                if i == n - 1 {
                    b
                } else {
                    a + (b - a) * i as f64 / (n - 1) as f64
                }
            })
            .collect(),
    }
}

impl Meshgrid {
    /// `nx` × `ny` points spanning `[x0, x1] × [y0, y1]`.
    ///
    /// # Errors
    /// [`NnError::InvalidOption`] for a non-finite range or fewer than 2 points on an axis.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// use hesse_nn::data::grid::Meshgrid;
    /// let g = Meshgrid::new((0.0, 1.0), (-1.0, 1.0), 3, 2)?;
    /// let p = g.points();
    /// assert_eq!(p.rows(), 6);
    /// assert_eq!(p.row(1), &[0.5, -1.0]); // along x first
    /// assert_eq!(p.row(3), &[0.0, 1.0]);
    /// # Ok(()) }
    /// ```
    pub fn new(x_range: (f64, f64), y_range: (f64, f64), nx: usize, ny: usize) -> Result<Self, NnError> {
        for (name, (a, b)) in [("x_range", x_range), ("y_range", y_range)] {
            if !(a.is_finite() && b.is_finite()) {
                return Err(NnError::invalid(name, format!("({a}, {b})"), "finite bounds"));
            }
        }
        if nx < 2 || ny < 2 {
            return Err(NnError::invalid(
                "grid size",
                format!("{nx}×{ny}"),
                "at least 2 points per axis",
            ));
        }
        Ok(Meshgrid {
            xs: linspace(x_range.0, x_range.1, nx),
            ys: linspace(y_range.0, y_range.1, ny),
        })
    }

    /// A grid over the bounding box of the first two columns of `x`, widened by `margin` on
    /// every side.
    ///
    /// # Errors
    /// [`NnError::EmptyData`] if `x` has no rows or fewer than two columns; as
    /// [`Meshgrid::new`].
    pub fn around(x: &Matrix, margin: f64, nx: usize, ny: usize) -> Result<Self, NnError> {
        if x.rows() == 0 || x.cols() < 2 {
            return Err(NnError::EmptyData {
                what: "a grid needs samples with at least two features",
            });
        }
        crate::data::check_finite(x)?;
        let bounds = |c: usize| {
            (0..x.rows()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                (lo.min(x[(r, c)]), hi.max(x[(r, c)]))
            })
        };
        let (bx, by) = (bounds(0), bounds(1));
        Self::new(
            (bx.0 - margin, bx.1 + margin),
            (by.0 - margin, by.1 + margin),
            nx,
            ny,
        )
    }

    /// The x coordinates.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }

    /// The y coordinates.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }

    /// Every point as a row, [nx · ny, 2], x varying fastest.
    pub fn points(&self) -> Matrix {
        let mut data = Vec::with_capacity(2 * self.xs.len() * self.ys.len());
        for &y in &self.ys {
            for &x in &self.xs {
                data.push(x);
                data.push(y);
            }
        }
        Matrix::new(self.xs.len() * self.ys.len(), 2, data)
    }

    /// Evaluates `f` (e.g. a classifier's `predict`, after any scaling or feature map) on all
    /// points at once.
    ///
    /// # Errors
    /// `f`'s error, or [`NnError::TargetMismatch`] if it returns a wrong number of values.
    ///
    /// ```
    /// # fn main() -> Result<(), hesse_nn::NnError> {
    /// use hesse_nn::data::grid::Meshgrid;
    /// let g = Meshgrid::new((-1.0, 1.0), (-1.0, 1.0), 5, 5)?;
    /// // A hand-made boundary: class 1 above the diagonal.
    /// let v = g.evaluate(|p| Ok((0..p.rows()).map(|r| (p[(r, 1)] > p[(r, 0)]) as usize).collect()))?;
    /// assert_eq!(*v.at(0, 4), 1);
    /// assert_eq!(*v.at(4, 0), 0);
    /// # Ok(()) }
    /// ```
    pub fn evaluate<T>(
        &self,
        f: impl FnOnce(&Matrix) -> Result<Vec<T>, NnError>,
    ) -> Result<GridValues<T>, NnError> {
        let points = self.points();
        let values = f(&points)?;
        if values.len() != points.rows() {
            return Err(NnError::TargetMismatch {
                samples: points.rows(),
                targets: values.len(),
            });
        }
        Ok(GridValues {
            xs: self.xs.clone(),
            ys: self.ys.clone(),
            values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn around_covers_the_data() {
        let x = Matrix::new(2, 2, vec![0.0, 5.0, 2.0, -1.0]);
        let g = Meshgrid::around(&x, 0.5, 10, 20).unwrap();
        assert_eq!(g.xs()[0], -0.5);
        assert_eq!(g.xs()[9], 2.5);
        assert_eq!(g.ys()[19], 5.5);
        assert!(Meshgrid::around(&Matrix::zeros(0, 2), 0.0, 2, 2).is_err());
        assert!(Meshgrid::new((0.0, f64::NAN), (0.0, 1.0), 2, 2).is_err());
        assert!(g.evaluate(|_| Ok(vec![0usize; 3])).is_err());
    }
}
