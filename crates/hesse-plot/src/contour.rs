//! [`ContourPlot`]: a filled contour / heat map of `f(x, y)` with a colour bar, iso-lines and
//! optimizer trajectories on top.
//!
//! Colour is banded by default (each band one iso-level interval, as in matplotlib's `contourf`),
//! which makes the levels readable without a legend; [`Shading::Smooth`] gives a continuous map.
//! With [`ColorScale::Log`], colour follows `ln(1 + f − min f)`: functions with a deep narrow
//! valley and huge walls (Rosenbrock) then show structure everywhere, and the colour bar is still
//! labelled in units of `f`. Cells where `f` is NaN or infinite are drawn grey, and the colour bar
//! gains a grey "NaN/∞" swatch; they never stop the picture.

use std::fmt;

use plotters::prelude::*;

use crate::colorbar::ColorBar;
use crate::colormap::{self, Colormap};
use crate::draw::{self, Frame, INK, Marker, draw_border, draw_cells, draw_lines, svg_document};
use crate::error::PlotError;
use crate::grid::Grid;
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::marching::iso_lines;
use crate::output::{Render, slug};
use crate::scale::{fmt_num, linear_ticks};
use crate::trajectory::{Trajectory, draw_trajectories, legend_entries};

/// How function values map to colour.
///
/// ```
/// use hesse_plot::{ColorScale, ContourPlot, Grid, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let svg = ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), |x, y| {
///     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
/// })
/// .with_color_scale(ColorScale::Log)
/// .to_svg()?;
/// assert!(svg.contains("ln(1 + f − min f)"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColorScale {
    /// Colour proportional to `f`.
    #[default]
    Linear,
    /// Colour proportional to `ln(1 + f − min f)`, labelled in units of `f`.
    Log,
}

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

enum Source<'a> {
    Fn(Box<dyn Fn(f64, f64) -> f64 + 'a>),
    Values(Vec<f64>),
}

/// A filled contour plot of a function on a [`Grid`], with trajectories on top.
///
/// Defaults: viridis, linear colour, 14 banded levels with iso-lines, legend outside on the
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

    /// Sets the number of colour bands (= iso-level intervals), 2..=64, checked when drawing.
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

    /// Marks a labelled point, e.g. the known minimum, with a white plus sign.
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
        let mut entries = legend_entries(&self.trajectories);
        for (label, _) in &self.points {
            entries.push(Entry::new(
                label.clone(),
                Swatch::Point {
                    marker: Marker::Plus,
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

/// The colour-space transform and its bookkeeping.
struct ColorSpace {
    scale: ColorScale,
    fmin: f64,
    fmax: f64,
    gmin: f64,
    gmax: f64,
}

impl ColorSpace {
    fn new(scale: ColorScale, values: &[f64]) -> Self {
        let (mut fmin, mut fmax) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values.iter().filter(|v| v.is_finite()) {
            fmin = fmin.min(v);
            fmax = fmax.max(v);
        }
        if fmin > fmax {
            // nothing finite: everything is grey, keep a dummy range for the colour bar
            (fmin, fmax) = (0.0, 1.0);
        }
        if fmax - fmin <= f64::EPSILON * fmin.abs().max(1.0) {
            fmax = fmin + fmin.abs().max(1.0) * 1e-6;
        }
        let mut cs = Self {
            scale,
            fmin,
            fmax,
            gmin: 0.0,
            gmax: 0.0,
        };
        cs.gmin = cs.g(fmin);
        cs.gmax = cs.g(fmax);
        cs
    }

    fn g(&self, f: f64) -> f64 {
        match self.scale {
            ColorScale::Linear => f,
            ColorScale::Log => (f - self.fmin).max(0.0).ln_1p(),
        }
    }

    /// Position in `[0, 1]` of `f` along the colour range.
    fn t(&self, f: f64) -> f64 {
        ((self.g(f) - self.gmin) / (self.gmax - self.gmin)).clamp(0.0, 1.0)
    }

    /// Colour-bar ticks at nice values of `f`, positioned in colour space.
    fn ticks(&self) -> Vec<(f64, String)> {
        match self.scale {
            ColorScale::Linear => linear_ticks(self.fmin, self.fmax, 8),
            ColorScale::Log => {
                let vmax = self.fmax - self.fmin;
                let mut out = vec![(self.gmin, fmt_num(self.fmin))];
                let k1 = vmax.log10().floor() as i32;
                let k0 = (k1 - 6).max(-3);
                let mults: &[f64] = if k1 - k0 > 3 { &[1.0] } else { &[1.0, 2.0, 5.0] };
                for k in k0..=k1 {
                    for &m in mults {
                        let step = 10f64.powi(k);
                        let v = m * step;
                        // a round value of f near fmin + v, at a tenth of the decade's precision
                        let q = step / 10.0;
                        let f = ((self.fmin + v) / q).round() * q;
                        if f > self.fmin && f <= self.fmax {
                            out.push((self.g(f), fmt_num(f)));
                        }
                    }
                }
                out.sort_by(|a, b| a.0.total_cmp(&b.0));
                out.dedup_by(|a, b| a.1 == b.1);
                out
            }
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
        let n = self.levels;
        let band = |f: f64| -> usize { ((cs.t(f) * n as f64) as usize).min(n - 1) };
        let band_color = |k: usize| self.colormap.color(k as f64 / (n - 1) as f64);
        let has_non_finite = values.iter().any(|v| !v.is_finite());
        let colors: Vec<RGBColor> = values
            .iter()
            .map(|&f| {
                if !f.is_finite() {
                    colormap::NON_FINITE
                } else {
                    match self.shading {
                        Shading::Banded => band_color(band(f)),
                        // quantised to 128 steps: invisible, and lets equal runs merge
                        Shading::Smooth => self.colormap.color((cs.t(f) * 127.0).round() / 127.0),
                    }
                }
            })
            .collect();

        let dg = (cs.gmax - cs.gmin) / n as f64;
        let slices: Vec<(f64, f64, RGBColor)> = match self.shading {
            Shading::Banded => (0..n)
                .map(|k| {
                    let g0 = cs.gmin + k as f64 * dg;
                    (g0, g0 + dg, band_color(k))
                })
                .collect(),
            Shading::Smooth => (0..128)
                .map(|k| {
                    let d = (cs.gmax - cs.gmin) / 128.0;
                    let g0 = cs.gmin + k as f64 * d;
                    (g0, g0 + d, self.colormap.color((k as f64 + 0.5) / 128.0))
                })
                .collect(),
        };
        let caption = match self.color_scale {
            ColorScale::Linear => self.value_label.clone(),
            ColorScale::Log => format!("{}   (log colour: ln(1 + f − min f))", self.value_label),
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

        svg_document(self.size, |root| {
            let body = draw::title(root, self.title.as_deref())?;
            let (w, _) = body.dim_in_pixel();
            let right = bar.width() + legend_w;
            let (main, _) = body.split_horizontally(w as i32 - right);
            let frame: Frame = crate::axes::draw_axes(
                &main,
                crate::axes::AxesSpec {
                    x: self.grid.x_range(),
                    y: self.grid.y_range(),
                    x_ticks: None,
                    y_ticks: None,
                    x_label: &self.x_label,
                    y_label: &self.y_label,
                    grid_lines: false,
                    compact: false,
                },
            )?;
            draw_cells(root, &frame, &self.grid, &colors)?;
            if self.lines == ContourLines::Shown {
                let g: Vec<f64> = values
                    .iter()
                    .map(|&f| if f.is_finite() { cs.g(f) } else { f64::NAN })
                    .collect();
                let style = INK.mix(0.45).stroke_width(1);
                for k in 1..n {
                    let lines = iso_lines(&self.grid, &g, cs.gmin + k as f64 * dg);
                    draw_lines(root, &frame, &lines, style)?;
                }
            }
            draw_border(root, &frame)?;
            // marked points under the trajectories: a run ending there shows its star inside the plus
            for (_, p) in &self.points {
                if p.0.is_finite() && p.1.is_finite() && frame.contains(*p) {
                    draw::draw_marker(root, Marker::Plus, frame.map(*p), 12.0, WHITE, BLACK)?;
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
    fn log_ticks_are_round_numbers_of_f() {
        let cs = ColorSpace::new(ColorScale::Log, &[0.0, 2500.0]);
        let labels: Vec<String> = cs.ticks().into_iter().map(|t| t.1).collect();
        for want in ["0", "1", "10", "100", "1000"] {
            assert!(labels.iter().any(|l| l == want), "{labels:?}");
        }
        let cs = ColorSpace::new(ColorScale::Log, &[-6.55, 8.1]);
        let ticks = cs.ticks();
        assert!(ticks.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ticks[0].1, "-6.55");
    }

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
