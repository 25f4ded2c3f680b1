//! [`Grid`]: the box `[x0, x1] × [y0, y1]` and its `nx × ny` cells, shared by the heat map, the
//! basin map and the decision-boundary panels.
//!
//! Functions are sampled at cell centres, so a cell is drawn exactly where its value was taken.
//! Values are stored row-major with `y` rows outermost, bottom row first:
//! index `j * nx + i` is the cell at column `i` (from `x0`) and row `j` (from `y0`).

use crate::error::{PlotError, check_range};

/// Default number of cells along each axis.
const DEFAULT_RESOLUTION: usize = 160;
/// More cells than this per axis only makes the SVG heavy.
const MAX_RESOLUTION: usize = 2000;

/// A rectangular box split into `nx × ny` cells.
///
/// ```
/// use hesse_plot::Grid;
/// let grid = Grid::new((-2.0, 2.0), (-1.0, 3.0)).with_resolution(4, 2);
/// assert_eq!(grid.len(), 8);
/// assert_eq!(grid.cell_center(0, 0), (-1.5, 0.0));
/// assert_eq!(grid.points()[7], (1.5, 2.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    x: (f64, f64),
    y: (f64, f64),
    nx: usize,
    ny: usize,
}

impl Grid {
    /// A grid over `[x.0, x.1] × [y.0, y.1]` with 160 × 160 cells. Ranges are checked when drawing.
    ///
    /// ```
    /// let grid = hesse_plot::Grid::new((0.0, 1.0), (0.0, 2.0));
    /// assert_eq!(grid.resolution(), (160, 160));
    /// ```
    pub fn new(x: (f64, f64), y: (f64, f64)) -> Self {
        Self {
            x,
            y,
            nx: DEFAULT_RESOLUTION,
            ny: DEFAULT_RESOLUTION,
        }
    }

    /// Sets the number of cells along x and y (each 2..=2000, checked when drawing).
    ///
    /// ```
    /// let grid = hesse_plot::Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(50, 40);
    /// assert_eq!(grid.resolution(), (50, 40));
    /// ```
    pub fn with_resolution(mut self, nx: usize, ny: usize) -> Self {
        self.nx = nx;
        self.ny = ny;
        self
    }

    /// The x range.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Grid::new((0.0, 1.0), (2.0, 3.0)).x_range(), (0.0, 1.0));
    /// ```
    pub fn x_range(&self) -> (f64, f64) {
        self.x
    }

    /// The y range.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Grid::new((0.0, 1.0), (2.0, 3.0)).y_range(), (2.0, 3.0));
    /// ```
    pub fn y_range(&self) -> (f64, f64) {
        self.y
    }

    /// Cells along x and y.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(3, 5).resolution(), (3, 5));
    /// ```
    pub fn resolution(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// Number of cells, `nx * ny`.
    ///
    /// ```
    /// assert_eq!(hesse_plot::Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(3, 5).len(), 15);
    /// ```
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// True when the grid has no cells.
    ///
    /// ```
    /// assert!(hesse_plot::Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(0, 5).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Centre of the cell in column `i`, row `j`.
    ///
    /// ```
    /// let grid = hesse_plot::Grid::new((0.0, 2.0), (0.0, 2.0)).with_resolution(2, 2);
    /// assert_eq!(grid.cell_center(1, 0), (1.5, 0.5));
    /// ```
    pub fn cell_center(&self, i: usize, j: usize) -> (f64, f64) {
        let (dx, dy) = self.cell_size();
        (self.x.0 + (i as f64 + 0.5) * dx, self.y.0 + (j as f64 + 0.5) * dy)
    }

    /// All cell centres in storage order (`j * nx + i`): use these as the starts of a basin map.
    ///
    /// ```
    /// let grid = hesse_plot::Grid::new((0.0, 2.0), (0.0, 2.0)).with_resolution(2, 2);
    /// assert_eq!(grid.points(), vec![(0.5, 0.5), (1.5, 0.5), (0.5, 1.5), (1.5, 1.5)]);
    /// ```
    pub fn points(&self) -> Vec<(f64, f64)> {
        (0..self.ny)
            .flat_map(|j| (0..self.nx).map(move |i| (i, j)))
            .map(|(i, j)| self.cell_center(i, j))
            .collect()
    }

    pub(crate) fn cell_size(&self) -> (f64, f64) {
        (
            (self.x.1 - self.x.0) / self.nx as f64,
            (self.y.1 - self.y.0) / self.ny as f64,
        )
    }

    /// Checks ranges and resolution.
    pub(crate) fn validate(&self) -> Result<(), PlotError> {
        check_range("x", self.x.0, self.x.1)?;
        check_range("y", self.y.0, self.y.1)?;
        for (name, n) in [("grid nx", self.nx), ("grid ny", self.ny)] {
            if !(2..=MAX_RESOLUTION).contains(&n) {
                return Err(PlotError::InvalidOption {
                    name,
                    value: n.to_string(),
                    expected: "2..=2000 cells",
                });
            }
        }
        Ok(())
    }

    /// Evaluates `f` at every cell centre, in storage order.
    pub(crate) fn sample<T>(&self, f: impl Fn(f64, f64) -> T) -> Vec<T> {
        self.points().into_iter().map(|(x, y)| f(x, y)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(Grid::new((0.0, 1.0), (0.0, 1.0)).validate().is_ok());
        assert!(Grid::new((1.0, 0.0), (0.0, 1.0)).validate().is_err());
        assert!(Grid::new((0.0, 1.0), (0.0, f64::NAN)).validate().is_err());
        let e = Grid::new((0.0, 1.0), (0.0, 1.0))
            .with_resolution(1, 10)
            .validate()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid option grid nx: 1 (expected 2..=2000 cells)"
        );
    }

    #[test]
    fn sample_order_is_row_major_from_bottom() {
        let g = Grid::new((0.0, 3.0), (0.0, 2.0)).with_resolution(3, 2);
        let v = g.sample(|x, y| (x.floor() as usize, y.floor() as usize));
        assert_eq!(v[0], (0, 0));
        assert_eq!(v[2], (2, 0));
        assert_eq!(v[3], (0, 1));
    }
}
