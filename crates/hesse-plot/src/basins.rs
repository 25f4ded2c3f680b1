//! [`BasinMap`]: which attractor each start converges to.
//!
//! Every cell of a [`Grid`] is one start (its centre, see [`Grid::points`]) and is coloured by the
//! id of the attractor it reached, or grey when it did not converge or escaped. Attractors are
//! marked with stars in their basin's strong colour, and the legend counts the starts per basin,
//! which is what one wants to compare between methods (Newton's fractal basins against gradient
//! descent's smooth ones).

use plotters::prelude::*;

use crate::axes::{AxesSpec, draw_axes, snug_height};
use crate::colormap::{self, category, lighten};
use crate::draw::{self, Marker, draw_border, draw_cells, draw_marker, svg_document};
use crate::error::PlotError;
use crate::grid::Grid;
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::output::{Render, slug};

/// Cell colour of "did not converge": a neutral light grey, clearly not a basin colour.
const NO_BASIN: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);

/// A basins-of-attraction map over a grid of starts.
///
/// ```
/// use hesse_plot::{BasinMap, Grid, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// // Newton on x³ − x = 0 along x: three roots; y is ignored here
/// let grid = Grid::new((-2.0, 2.0), (-1.0, 1.0)).with_resolution(80, 40);
/// let svg = BasinMap::from_fn(grid, |x, _| {
///     Some(if x < -0.5 { 0 } else if x > 0.5 { 2 } else { 1 })
/// })
/// .with_attractor("x = −1", (-1.0, 0.0))
/// .with_attractor("x = 0", (0.0, 0.0))
/// .with_attractor("x = 1", (1.0, 0.0))
/// .with_title("Newton basins")
/// .to_svg()?;
/// assert!(svg.contains("x = −1: 1200 (37.5%)"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BasinMap {
    grid: Grid,
    ids: Vec<Option<usize>>,
    attractors: Vec<(String, (f64, f64))>,
    title: Option<String>,
    x_label: String,
    y_label: String,
    legend: LegendPosition,
    size: (u32, u32),
    unassigned: String,
}

impl BasinMap {
    /// A map from one basin id per start, in the grid's storage order (`j * nx + i`);
    /// `None` means the start did not converge. Lengths and ids are checked when drawing.
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid, PlotError, Render};
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
    /// let map = BasinMap::new(grid, vec![Some(0), Some(1), None, Some(0)]).with_attractor("a", (0.0, 0.0));
    /// // id 1 has no attractor
    /// assert!(matches!(map.to_svg(), Err(PlotError::IdOutOfRange { id: 1, count: 1, .. })));
    /// ```
    pub fn new(grid: Grid, ids: Vec<Option<usize>>) -> Self {
        Self {
            grid,
            ids,
            attractors: Vec::new(),
            title: None,
            x_label: "x".into(),
            y_label: "y".into(),
            legend: LegendPosition::default(),
            size: (980, 760),
            unassigned: "did not converge".into(),
        }
    }

    /// A map whose ids come from running `basin_of(x, y)` at every start now (e.g. a solver).
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid};
    /// let grid = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(10, 10);
    /// let _map = BasinMap::from_fn(grid, |x, _| (x.abs() < 0.9).then_some((x > 0.0) as usize));
    /// ```
    pub fn from_fn(grid: Grid, basin_of: impl Fn(f64, f64) -> Option<usize>) -> Self {
        let ids = if grid.validate().is_ok() {
            grid.sample(basin_of)
        } else {
            Vec::new()
        };
        Self::new(grid, ids)
    }

    /// Adds the attractor with id = number of attractors added before it.
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(4, 4);
    /// let svg = BasinMap::new(grid, vec![Some(0); 16]).with_attractor("origin", (0.1, 0.1)).to_svg()?;
    /// assert!(svg.contains("origin: 16 (100%)"));
    /// # Ok(()) }
    /// ```
    pub fn with_attractor(mut self, label: impl Into<String>, at: (f64, f64)) -> Self {
        self.attractors.push((label.into(), at));
        self
    }

    /// Adds several attractors, ids in order.
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid};
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0));
    /// let _map = BasinMap::new(grid, vec![]).with_attractors(vec![("a".to_string(), (0.2, 0.2))]);
    /// ```
    pub fn with_attractors(mut self, attractors: impl IntoIterator<Item = (String, (f64, f64))>) -> Self {
        self.attractors.extend(attractors);
        self
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid, Render};
    /// let map = BasinMap::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_title("Newton basins");
    /// assert_eq!(map.file_stem(), "newton-basins");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the axis captions (default `x`, `y`).
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid};
    /// let _map = BasinMap::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_axis_labels("x₀", "y₀");
    /// ```
    pub fn with_axis_labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// Sets the legend's words for starts without a basin (id `None`; default "did not
    /// converge"), e.g. the criterion that assigns basins when it is not convergence.
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
    /// let svg = BasinMap::new(grid, vec![Some(0), None, Some(0), Some(0)])
    ///     .with_attractor("a", (0.2, 0.5))
    ///     .with_unassigned_label("farther than 0.05 from a minimum")
    ///     .to_svg()?;
    /// assert!(svg.contains("farther than 0.05 from a minimum: 1 (25.0%)"));
    /// # Ok(()) }
    /// ```
    pub fn with_unassigned_label(mut self, label: impl Into<String>) -> Self {
        self.unassigned = label.into();
        self
    }

    /// Sets where the legend goes (default outside, on the right).
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid, LegendPosition};
    /// let _map = BasinMap::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_legend(LegendPosition::UpperLeft);
    /// ```
    pub fn with_legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// Sets the picture size in pixels (default 980 × 760).
    ///
    /// ```
    /// use hesse_plot::{BasinMap, Grid};
    /// let _map = BasinMap::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_size(800, 600);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn validate(&self) -> Result<(), PlotError> {
        self.grid.validate()?;
        if self.ids.len() != self.grid.len() {
            return Err(PlotError::LengthMismatch {
                what: "basin ids vs grid cells",
                expected: self.grid.len(),
                got: self.ids.len(),
            });
        }
        if let Some(id) = self.ids.iter().flatten().find(|&&id| id >= self.attractors.len()) {
            return Err(PlotError::IdOutOfRange {
                what: "basin",
                id: *id,
                count: self.attractors.len(),
            });
        }
        Ok(())
    }

    fn legend(&self) -> Legend {
        let total = self.ids.len().max(1) as f64;
        let pct = |n: usize| {
            let p = 100.0 * n as f64 / total;
            if p == 100.0 || p == 0.0 {
                format!("{p:.0}%")
            } else if p < 0.1 {
                "<0.1%".to_string()
            } else {
                format!("{p:.1}%")
            }
        };
        let mut counts = vec![0usize; self.attractors.len()];
        let mut none = 0;
        for id in &self.ids {
            match id {
                Some(k) => counts[*k] += 1,
                None => none += 1,
            }
        }
        let mut entries: Vec<Entry> = self
            .attractors
            .iter()
            .zip(&counts)
            .enumerate()
            .map(|(k, ((label, _), &n))| {
                Entry::new(format!("{label}: {n} ({})", pct(n)), Swatch::Fill(basin_color(k)))
            })
            .collect();
        if none > 0 {
            entries.push(Entry::new(
                format!("{}: {none} ({})", self.unassigned, pct(none)),
                Swatch::Fill(NO_BASIN),
            ));
        }
        entries.push(Entry::new(
            "attractor",
            Swatch::Point {
                marker: Marker::Star,
                fill: RGBColor(0xa0, 0xa0, 0xa0),
                edge: BLACK,
            },
        ));
        Legend {
            heading: Some(format!("basin: starts of {}", self.ids.len())),
            entries,
        }
    }
}

/// Basin cells: the categorical colour lightened a little, so the strong-coloured stars stand out.
fn basin_color(k: usize) -> RGBColor {
    lighten(category(k), 0.3)
}

impl Render for BasinMap {
    fn to_svg(&self) -> Result<String, PlotError> {
        self.validate()?;
        let colors: Vec<Option<RGBColor>> = self
            .ids
            .iter()
            .map(|id| Some(id.map_or(NO_BASIN, basin_color)))
            .collect();
        let legend = self.legend();
        let outside = self.legend == LegendPosition::Outside;
        let legend_w = if outside { legend.size().0 + 20 } else { 0 };
        let spec = AxesSpec::plane(&self.grid, &self.x_label, &self.y_label);
        let main_w = (self.size.0 as i32 - legend_w).max(1) as u32;
        let body = snug_height(&spec, main_w, self.size.1);
        let legend_h = if outside { legend.size().1 as u32 } else { 0 };
        let height = draw::fitted_height(self.title.as_deref(), body, legend_h, self.size.1);
        svg_document((self.size.0, height), |root| {
            let body = draw::title(root, self.title.as_deref())?;
            let (w, _) = body.dim_in_pixel();
            let (main, _) = body.split_horizontally(w as i32 - legend_w);
            let frame = draw_axes(&main, spec)?;
            draw_cells(root, &frame, &self.grid, &colors)?;
            draw_border(root, &frame)?;
            for (k, (_, p)) in self.attractors.iter().enumerate() {
                if p.0.is_finite() && p.1.is_finite() && frame.contains(*p) {
                    draw_marker(
                        root,
                        Marker::Star,
                        frame.map(*p),
                        10.0,
                        colormap::category(k),
                        BLACK,
                    )?;
                }
            }
            let ((_, top), (right, _)) = frame.rect();
            if outside {
                legend.draw(root, (right + 24, top), false)?;
            } else if let Some(at) = legend.corner(self.legend, &frame) {
                legend.draw(root, at, true)?;
            }
            Ok(())
        })
    }

    fn file_stem(&self) -> String {
        slug(self.title.as_deref(), "basins")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_mismatch_is_an_error() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(3, 3);
        let err = BasinMap::new(grid, vec![None; 8]).to_svg().unwrap_err();
        assert_eq!(
            err.to_string(),
            "length mismatch: basin ids vs grid cells: expected 9, got 8"
        );
    }

    #[test]
    fn counts_in_legend() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
        let map = BasinMap::new(grid, vec![Some(0), None, Some(0), Some(0)]).with_attractor("a", (0.5, 0.5));
        let labels: Vec<String> = map.legend().entries.into_iter().map(|e| e.label).collect();
        assert_eq!(labels[0], "a: 3 (75.0%)");
        assert_eq!(labels[1], "did not converge: 1 (25.0%)");
    }
}
