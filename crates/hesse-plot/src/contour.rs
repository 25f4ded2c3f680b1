//! [`ContourPlot`]: a filled contour / heat map of `f(x, y)` with a colour bar, iso-lines and
//! optimizer trajectories on top.
//!
//! Colour is banded by default (each band one iso-level interval, as in matplotlib's `contourf`),
//! which makes the levels readable without a legend; [`Shading::Smooth`] gives a continuous map.
//! Bands are polygons traced by marching squares (`bands.rs`), so their borders are as smooth as
//! the iso-lines drawn on them, and a 160 × 160 map stays well under 300 kB. On a linear scale
//! the levels are round values of `f`; with [`ColorScale::Log`] (which [`ColorScale::Auto`]
//! picks for positive values spanning decades) colour follows `ln(1 + f − min f)`: functions
//! with a deep narrow valley and huge walls (Rosenbrock) then show structure everywhere, and the
//! colour bar is still labelled in units of `f`. Equal x and y ranges are drawn at equal scale.
//! Cells where `f` is NaN or infinite are drawn grey, and the colour bar gains a grey "NaN/∞"
//! swatch; they never stop the picture.

use std::fmt;

use plotters::prelude::*;

use crate::axes::{AxesSpec, draw_axes, snug_height};
use crate::bands::filled_bands;
use crate::colorbar::ColorBar;
use crate::colormap::{self, Colormap};
use crate::colorspace::{ColorScale, ColorSpace};
use crate::draw::{
    self, Frame, INK, Marker, draw_border, draw_cells, draw_lines, draw_regions, svg_document,
};
use crate::error::PlotError;
use crate::grid::Grid;
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::marching::iso_lines;
use crate::output::{Render, slug};
use crate::trajectory::{Trajectory, draw_trajectories, legend_entries};

/// Whether colour comes in bands (one per level interval) or varies smoothly.
///
/// ```
/// use hesse_plot::{ContourPlot, Grid, Render, Shading};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let plot = ContourPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)), |x, y| x * y)
///     .with_shading(Shading::Smooth);
/// assert!(plot.to_svg()?.contains("</svg>"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Shading {
    /// One flat colour per level interval (filled contours).
    #[default]
    Banded,
    /// Continuous colour (heat map).
    Smooth,
}

/// Whether iso-lines are drawn at the level boundaries.
///
/// ```
/// use hesse_plot::{ContourLines, ContourPlot, Grid, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let plot = ContourPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)), |x, y| x * x + y * y)
///     .with_contour_lines(ContourLines::Hidden);
/// assert!(plot.to_svg()?.starts_with("<svg"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ContourLines {
    /// Thin dark lines at every level (marching squares on the grid).
    #[default]
    Shown,
    /// No lines.
    Hidden,
}

/// Bands of [`Shading::Smooth`]: enough that neighbours differ by less than the eye sees.
const SMOOTH_BANDS: usize = 72;

enum Source<'a> {
    Fn(Box<dyn Fn(f64, f64) -> f64 + 'a>),
    Values(Vec<f64>),
}

/// A filled contour plot of a function on a [`Grid`], with trajectories on top.
///
/// Defaults: viridis, automatic colour scale ([`ColorScale::Auto`]), about 14 banded levels with iso-lines, legend outside on the
/// right, 980 × 760 pixels, axis labels `x` and `y`.
///
/// ```
/// use hesse_plot::{ColorScale, ContourPlot, Grid, Render, Trajectory};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let rosenbrock = |x: f64, y: f64| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
/// let path = vec![(-1.2, 1.0), (-0.9, 0.7), (0.2, 0.0), (0.8, 0.6), (1.0, 1.0)];
/// let svg = ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), rosenbrock)
///     .with_title("Rosenbrock")
///     .with_color_scale(ColorScale::Log)
///     .with_trajectory(Trajectory::new("gradient descent", path))
///     .to_svg()?;
/// assert!(svg.contains("Rosenbrock") && svg.contains("gradient descent"));
/// # Ok(()) }
/// ```
pub struct ContourPlot<'a> {
    grid: Grid,
    source: Source<'a>,
    title: Option<String>,
    x_label: String,
    y_label: String,
    value_label: String,
    colormap: Colormap,
    color_scale: ColorScale,
    levels: usize,
    shading: Shading,
    lines: ContourLines,
    trajectories: Vec<Trajectory>,
    points: Vec<(String, (f64, f64))>,
    legend: LegendPosition,
    size: (u32, u32),
}

impl fmt::Debug for ContourPlot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContourPlot")
            .field("grid", &self.grid)
            .field("title", &self.title)
            .field("colormap", &self.colormap)
            .field("color_scale", &self.color_scale)
            .field("levels", &self.levels)
            .field("shading", &self.shading)
            .field("trajectories", &self.trajectories.len())
            .finish_non_exhaustive()
    }
}

impl<'a> ContourPlot<'a> {
    /// A contour plot of `f`, sampled at the centres of the grid's cells.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)), |x, y| x * x - y * y).to_svg()?;
    /// assert!(svg.contains("</svg>"));
    /// # Ok(()) }
    /// ```
    pub fn new(grid: Grid, f: impl Fn(f64, f64) -> f64 + 'a) -> Self {
        Self::with_source(grid, Source::Fn(Box::new(f)))
    }

    /// A contour plot of precomputed values, one per cell in the grid's storage order
    /// (`j * nx + i`, see [`Grid::points`]); the length is checked when drawing.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(20, 20);
    /// let values = grid.points().iter().map(|&(x, y)| x + y).collect();
    /// assert!(ContourPlot::from_values(grid, values).to_svg()?.contains("</svg>"));
    /// # Ok(()) }
    /// ```
    pub fn from_values(grid: Grid, values: Vec<f64>) -> Self {
        Self::with_source(grid, Source::Values(values))
    }

    fn with_source(grid: Grid, source: Source<'a>) -> Self {
        Self {
            grid,
            source,
            title: None,
            x_label: "x".into(),
            y_label: "y".into(),
            value_label: "f(x, y)".into(),
            colormap: Colormap::default(),
            color_scale: ColorScale::default(),
            levels: 14,
            shading: Shading::default(),
            lines: ContourLines::default(),
            trajectories: Vec::new(),
            points: Vec::new(),
            legend: LegendPosition::default(),
            size: (980, 760),
        }
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// let plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_title("Peaks");
    /// assert_eq!(plot.file_stem(), "peaks");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the x and y axis captions (default `x`, `y`).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x)
    ///     .with_axis_labels("w₁", "w₂")
    ///     .to_svg()?;
    /// assert!(svg.contains("w₁") && svg.contains("w₂"));
    /// # Ok(()) }
    /// ```
    pub fn with_axis_labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// Sets the colour bar caption (default `f(x, y)`).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x)
    ///     .with_value_label("loss")
    ///     .to_svg()?;
    /// assert!(svg.contains("\nloss\n</text>"));
    /// # Ok(()) }
    /// ```
    pub fn with_value_label(mut self, label: impl Into<String>) -> Self {
        self.value_label = label.into();
        self
    }

    /// Sets the colormap.
    ///
    /// ```
    /// use hesse_plot::{Colormap, ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_colormap(Colormap::Magma);
    /// assert!(plot.to_svg()?.contains("</svg>"));
    /// # Ok(()) }
    /// ```
    pub fn with_colormap(mut self, colormap: Colormap) -> Self {
        self.colormap = colormap;
        self
    }

    /// Sets how values map to colour (see [`ColorScale`]).
    ///
    /// ```
    /// use hesse_plot::{ColorScale, ContourPlot, Grid};
    /// let _plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_color_scale(ColorScale::Log);
    /// ```
    pub fn with_color_scale(mut self, scale: ColorScale) -> Self {
        self.color_scale = scale;
        self
    }

    /// Sets the number of colour bands (= iso-level intervals), 2..=64, checked when drawing; on
    /// a linear scale the levels are round numbers, so the count is approximate.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, PlotError, Render};
    /// let plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_levels(1);
    /// assert!(matches!(plot.to_svg(), Err(PlotError::InvalidOption { name: "levels", .. })));
    /// ```
    pub fn with_levels(mut self, levels: usize) -> Self {
        self.levels = levels;
        self
    }

    /// Sets banded or smooth colour (see [`Shading`]).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Shading};
    /// let _plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_shading(Shading::Smooth);
    /// ```
    pub fn with_shading(mut self, shading: Shading) -> Self {
        self.shading = shading;
        self
    }

    /// Shows or hides the iso-lines (see [`ContourLines`]).
    ///
    /// ```
    /// use hesse_plot::{ContourLines, ContourPlot, Grid};
    /// let _plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x)
    ///     .with_contour_lines(ContourLines::Hidden);
    /// ```
    pub fn with_contour_lines(mut self, lines: ContourLines) -> Self {
        self.lines = lines;
        self
    }

    /// Adds a trajectory (drawn in order; each gets its own colour).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render, Trajectory};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)), |x, y| x * x + y * y)
    ///     .with_trajectory(Trajectory::new("momentum", vec![(0.9, 0.9), (0.1, -0.2), (0.0, 0.0)]))
    ///     .to_svg()?;
    /// assert!(svg.contains("\nmomentum\n</text>"));
    /// # Ok(()) }
    /// ```
    pub fn with_trajectory(mut self, trajectory: Trajectory) -> Self {
        self.trajectories.push(trajectory);
        self
    }

    /// Adds several trajectories.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Trajectory};
    /// let runs = vec![Trajectory::new("a", vec![(0.0, 0.0)]), Trajectory::new("b", vec![(0.5, 0.5)])];
    /// let _plot = ContourPlot::new(Grid::new((-1.0, 1.0), (-1.0, 1.0)), |x, y| x + y).with_trajectories(runs);
    /// ```
    pub fn with_trajectories(mut self, trajectories: impl IntoIterator<Item = Trajectory>) -> Self {
        self.trajectories.extend(trajectories);
        self
    }

    /// Marks a labelled point, e.g. the known minimum, in white: a plus sign for the first, then
    /// a cross, a diamond, a square, triangles, so each legend entry has its own shape.
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), |x, y| (1.0 - x).powi(2) + (y - x * x).powi(2))
    ///     .with_marked_point("minimum (1, 1)", (1.0, 1.0))
    ///     .to_svg()?;
    /// assert!(svg.contains("minimum (1, 1)"));
    /// # Ok(()) }
    /// ```
    pub fn with_marked_point(mut self, label: impl Into<String>, at: (f64, f64)) -> Self {
        self.points.push((label.into(), at));
        self
    }

    /// Sets where the legend goes (default outside, right of the colour bar).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, LegendPosition};
    /// let _plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x)
    ///     .with_legend(LegendPosition::LowerRight);
    /// ```
    pub fn with_legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// Sets the picture size in pixels (default 980 × 760).
    ///
    /// ```
    /// use hesse_plot::{ContourPlot, Grid, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |x, _| x).with_size(640, 480).to_svg()?;
    /// assert!(svg.contains("width=\"640\""));
    /// # Ok(()) }
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn values(&self) -> Result<Vec<f64>, PlotError> {
        match &self.source {
            Source::Fn(f) => Ok(self.grid.sample(f)),
            Source::Values(v) if v.len() == self.grid.len() => Ok(v.clone()),
            Source::Values(v) => Err(PlotError::LengthMismatch {
                what: "values vs grid cells",
                expected: self.grid.len(),
                got: v.len(),
            }),
        }
    }

    fn legend(&self) -> Legend {
        let mut entries = legend_entries(&self.trajectories, (self.grid.x_range(), self.grid.y_range()));
        for (k, (label, _)) in self.points.iter().enumerate() {
            entries.push(Entry::new(
                label.clone(),
                Swatch::Point {
                    marker: Marker::for_point(k),
                    fill: WHITE,
                    edge: BLACK,
                },
            ));
        }
        Legend {
            heading: None,
            entries,
        }
    }
}

impl Render for ContourPlot<'_> {
    fn to_svg(&self) -> Result<String, PlotError> {
        self.grid.validate()?;
        if !(2..=64).contains(&self.levels) {
            return Err(PlotError::InvalidOption {
                name: "levels",
                value: self.levels.to_string(),
                expected: "2..=64 levels",
            });
        }
        for t in &self.trajectories {
            t.validate()?;
        }
        let values = self.values()?;
        let cs = ColorSpace::new(self.color_scale, &values);
        let has_non_finite = values.iter().any(|v| !v.is_finite());
        let g: Vec<f64> = values
            .iter()
            .map(|&f| if f.is_finite() { cs.g(f) } else { f64::NAN })
            .collect();
        let levels = cs.levels(self.levels);
        // smooth shading: many thin bands, too close together to see as steps
        let fill_levels: Vec<f64> = match self.shading {
            Shading::Banded => levels.clone(),
            Shading::Smooth => (1..SMOOTH_BANDS)
                .map(|k| cs.gmin + (cs.gmax - cs.gmin) * k as f64 / SMOOTH_BANDS as f64)
                .collect(),
        };
        let bands = fill_levels.len() + 1;
        let band_color = |k: usize| self.colormap.color(k as f64 / (bands - 1).max(1) as f64);
        let edges: Vec<f64> = std::iter::once(cs.gmin)
            .chain(fill_levels.iter().copied())
            .chain(std::iter::once(cs.gmax))
            .collect();
        let slices: Vec<(f64, f64, RGBColor)> = edges
            .windows(2)
            .enumerate()
            .map(|(k, w)| (w[0], w[1], band_color(k)))
            .collect();
        let regions = filled_bands(&self.grid, &g, &fill_levels);
        let grey: Vec<Option<RGBColor>> = values
            .iter()
            .map(|v| (!v.is_finite()).then_some(colormap::NON_FINITE))
            .collect();
        let caption = match cs.scale {
            ColorScale::Log => format!("{}   (log colour: ln(1 + f − min f))", self.value_label),
            _ => self.value_label.clone(),
        };
        let bar = ColorBar {
            slices,
            lo: cs.gmin,
            hi: cs.gmax,
            ticks: cs.ticks(),
            caption,
            non_finite: has_non_finite.then_some(colormap::NON_FINITE),
        };
        let legend = self.legend();
        let outside = self.legend == LegendPosition::Outside && !legend.entries.is_empty();
        let legend_w = if outside { legend.size().0 + 12 } else { 0 };

        let spec = AxesSpec::plane(&self.grid, &self.x_label, &self.y_label);
        let right = bar.width() + legend_w;
        let main_w = (self.size.0 as i32 - right).max(1) as u32;
        let body = snug_height(&spec, main_w, self.size.1);
        let legend_h = if outside { legend.size().1 as u32 } else { 0 };
        let height = draw::fitted_height(self.title.as_deref(), body, legend_h, self.size.1);

        svg_document((self.size.0, height), |root| {
            let body = draw::title(root, self.title.as_deref())?;
            let (w, _) = body.dim_in_pixel();
            let (main, _) = body.split_horizontally(w as i32 - right);
            let frame: Frame = draw_axes(&main, spec)?;
            draw_regions(root, &frame, &regions, band_color)?;
            draw_cells(root, &frame, &self.grid, &grey)?;
            if self.lines == ContourLines::Shown {
                let style = INK.mix(0.45).stroke_width(1);
                for &level in &levels {
                    draw_lines(root, &frame, &iso_lines(&self.grid, &g, level), style)?;
                }
            }
            draw_border(root, &frame)?;
            // marked points under the trajectories: a run ending there shows its star inside the plus
            for (k, (_, p)) in self.points.iter().enumerate() {
                if p.0.is_finite() && p.1.is_finite() && frame.contains(*p) {
                    let (marker, r) = match Marker::for_point(k) {
                        m @ (Marker::Plus | Marker::Cross) => (m, 12.0),
                        m => (m, 7.0),
                    };
                    draw::draw_marker(root, marker, frame.map(*p), r, WHITE, BLACK)?;
                }
            }
            draw_trajectories(root, &frame, &self.trajectories)?;
            let ((_, top), (plot_right, bottom)) = frame.rect();
            let main_right = plot_right + 16;
            bar.draw(root, main_right, top, bottom)?;
            if outside {
                legend.draw(root, (main_right + bar.width() + 4, top), false)?;
            } else if let Some(at) = legend.corner(self.legend, &frame) {
                legend.draw(root, at, true)?;
            }
            Ok(())
        })
    }

    fn file_stem(&self) -> String {
        slug(self.title.as_deref(), "contour")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_nan_is_grey_not_an_error() {
        let plot = ContourPlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), |_, _| f64::NAN);
        let svg = plot.to_svg().unwrap();
        assert!(svg.contains("NaN/∞"));
    }

    #[test]
    fn wrong_value_count_is_reported() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(4, 4);
        let err = ContourPlot::from_values(grid, vec![1.0; 15])
            .to_svg()
            .unwrap_err();
        assert!(matches!(
            err,
            PlotError::LengthMismatch {
                expected: 16,
                got: 15,
                ..
            }
        ));
    }
}
