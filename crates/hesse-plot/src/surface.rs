//! [`SurfacePlot`]: `f(x, y)` as a shaded 3-D surface, the "plot it in 3-D" picture of a
//! landscape.
//!
//! The function is sampled at the cell centres of a [`Grid`] (the vertices of the surface).
//! Each quad between four neighbouring samples is filled with the colormap at its mean height
//! and outlined thinly, and the quads are painted back to front (painter's algorithm on the
//! projected depth of their centres), which is exact for the graph of a function seen from
//! above at the default view. Plotters draws the box, the grid and the ticks; the crate draws
//! the quads through plotters' projection. Heights outside the z range (the `vmin`/`vmax` of
//! matplotlib) are clamped to it, so a few spikes do not flatten the rest; quads with a
//! non-finite corner are left out.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::colormap::Colormap;
use crate::draw::{self, INK, LABEL_SIZE, TICK_SIZE, svg_document, text_style};
use crate::error::{PlotError, check_range, drawing};
use crate::grid::Grid;
use crate::output::{Render, slug};
use crate::scale::fmt_num;

/// Four corners `(x, height, y)` of one surface patch, and its mean height.
type Quad = ([(f64, f64, f64); 4], f64);

/// The graph of `f(x, y)` over a grid, as a 3-D surface.
///
/// ```
/// use hesse_plot::{Grid, Render, SurfacePlot};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let grid = Grid::new((-2.0, 2.0), (-2.0, 2.0)).with_resolution(30, 30);
/// let svg = SurfacePlot::from_fn(grid, |x, y| x * x - y * y)
///     .with_title("a saddle")
///     .to_svg()?;
/// assert!(svg.contains("a saddle"));
/// assert!(svg.matches("<polygon").count() >= 29 * 29);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SurfacePlot {
    grid: Grid,
    values: Vec<f64>,
    z_range: Option<(f64, f64)>,
    colormap: Colormap,
    title: Option<String>,
    labels: [String; 3],
    view: (f64, f64),
    size: (u32, u32),
}

impl SurfacePlot {
    /// A surface through one value per grid cell centre, in the grid's storage order
    /// (`j * nx + i`). Lengths are checked when drawing.
    ///
    /// ```
    /// use hesse_plot::{Grid, PlotError, Render, SurfacePlot};
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
    /// let err = SurfacePlot::new(grid, vec![0.0; 3]).to_svg().unwrap_err();
    /// assert!(matches!(err, PlotError::LengthMismatch { expected: 4, got: 3, .. }));
    /// ```
    pub fn new(grid: Grid, values: Vec<f64>) -> Self {
        Self {
            grid,
            values,
            z_range: None,
            colormap: Colormap::default(),
            title: None,
            labels: ["x".into(), "y".into(), "f(x, y)".into()],
            view: (0.6, 0.5),
            size: (900, 760),
        }
    }

    /// A surface of `f` sampled at every cell centre of `grid` now.
    ///
    /// ```
    /// use hesse_plot::{Grid, Render, SurfacePlot};
    /// let grid = Grid::new((-1.0, 1.0), (-1.0, 1.0)).with_resolution(10, 10);
    /// assert!(SurfacePlot::from_fn(grid, |x, y| x * y).to_svg().is_ok());
    /// ```
    pub fn from_fn(grid: Grid, f: impl Fn(f64, f64) -> f64) -> Self {
        let values = if grid.validate().is_ok() {
            grid.sample(f)
        } else {
            Vec::new()
        };
        Self::new(grid, values)
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{Grid, Render, SurfacePlot};
    /// let plot = SurfacePlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_title("peaks in 3-D");
    /// assert_eq!(plot.file_stem(), "peaks-in-3-d");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the captions of the x, y and height axes (default `x`, `y`, `f(x, y)`).
    ///
    /// ```
    /// use hesse_plot::{Grid, SurfacePlot};
    /// let _plot = SurfacePlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_axis_labels("w₀", "w₁", "loss");
    /// ```
    pub fn with_axis_labels(
        mut self,
        x: impl Into<String>,
        y: impl Into<String>,
        z: impl Into<String>,
    ) -> Self {
        self.labels = [x.into(), y.into(), z.into()];
        self
    }

    /// Fixes the height range (default: the range of the finite values); heights outside it
    /// are clamped to it, like matplotlib's `vmin`/`vmax`.
    ///
    /// ```
    /// use hesse_plot::{Grid, PlotError, Render, SurfacePlot};
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(4, 4);
    /// let plot = SurfacePlot::from_fn(grid, |x, _| x).with_z_range(1.0, 0.0);
    /// assert!(matches!(plot.to_svg(), Err(PlotError::InvalidRange { axis: "z", .. })));
    /// ```
    pub fn with_z_range(mut self, lo: f64, hi: f64) -> Self {
        self.z_range = Some((lo, hi));
        self
    }

    /// Sets the colormap of the heights (default viridis).
    ///
    /// ```
    /// use hesse_plot::{Colormap, Grid, SurfacePlot};
    /// let _plot = SurfacePlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_colormap(Colormap::Plasma);
    /// ```
    pub fn with_colormap(mut self, colormap: Colormap) -> Self {
        self.colormap = colormap;
        self
    }

    /// Sets the view: `yaw` turns the surface about the vertical axis and `pitch` tilts it
    /// towards the viewer, both in radians (default 0.6 and 0.5; pitch in `[0, π/2]`).
    ///
    /// ```
    /// use hesse_plot::{Grid, PlotError, Render, SurfacePlot};
    /// let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(4, 4);
    /// let plot = SurfacePlot::from_fn(grid, |x, y| x + y).with_view(0.3, 2.0);
    /// assert!(matches!(plot.to_svg(), Err(PlotError::InvalidOption { name: "pitch", .. })));
    /// ```
    pub fn with_view(mut self, yaw: f64, pitch: f64) -> Self {
        self.view = (yaw, pitch);
        self
    }

    /// Sets the picture size in pixels (default 900 × 760).
    ///
    /// ```
    /// use hesse_plot::{Grid, SurfacePlot};
    /// let _plot = SurfacePlot::new(Grid::new((0.0, 1.0), (0.0, 1.0)), vec![]).with_size(700, 600);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Checks the inputs and returns the height range to draw.
    fn z_range(&self) -> Result<(f64, f64), PlotError> {
        self.grid.validate()?;
        if self.values.len() != self.grid.len() {
            return Err(PlotError::LengthMismatch {
                what: "surface values vs grid cells",
                expected: self.grid.len(),
                got: self.values.len(),
            });
        }
        let (yaw, pitch) = self.view;
        if !yaw.is_finite() {
            return Err(PlotError::InvalidOption {
                name: "yaw",
                value: yaw.to_string(),
                expected: "a finite angle in radians",
            });
        }
        if !(0.0..=std::f64::consts::FRAC_PI_2).contains(&pitch) {
            return Err(PlotError::InvalidOption {
                name: "pitch",
                value: pitch.to_string(),
                expected: "an angle in [0, π/2] radians",
            });
        }
        if let Some((lo, hi)) = self.z_range {
            check_range("z", lo, hi)?;
            return Ok((lo, hi));
        }
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if lo > hi {
            return Err(PlotError::Empty {
                what: "surface: no finite value".into(),
            });
        }
        // A flat surface still needs a height axis.
        Ok(if lo == hi { (lo - 1.0, hi + 1.0) } else { (lo, hi) })
    }

    /// The quads `(corners, mean height)` with finite corners, heights clamped to `z`.
    fn quads(&self, z: (f64, f64)) -> Vec<Quad> {
        let (nx, ny) = self.grid.resolution();
        let vertex = |i: usize, j: usize| {
            let (x, y) = self.grid.cell_center(i, j);
            (x, self.values[j * nx + i], y)
        };
        let mut quads = Vec::with_capacity((nx - 1) * (ny - 1));
        for j in 0..ny - 1 {
            for i in 0..nx - 1 {
                let c = [
                    vertex(i, j),
                    vertex(i + 1, j),
                    vertex(i + 1, j + 1),
                    vertex(i, j + 1),
                ];
                if c.iter().any(|p| !p.1.is_finite()) {
                    continue;
                }
                let c = c.map(|(x, h, y)| (x, h.clamp(z.0, z.1), y));
                let mean = c.iter().map(|p| p.1).sum::<f64>() / 4.0;
                quads.push((c, mean));
            }
        }
        quads
    }
}

impl Render for SurfacePlot {
    fn to_svg(&self) -> Result<String, PlotError> {
        let z = self.z_range()?;
        let quads = self.quads(z);
        let (x, y) = (self.grid.x_range(), self.grid.y_range());
        let (yaw, pitch) = self.view;
        svg_document(self.size, |root| {
            let area = draw::title(root, self.title.as_deref())?;
            // Plotters' 3-D axes are (x, vertical, depth), left-handed as seen: the depth axis
            // carries −y so that x, y, f form the usual right-handed view (x to the right, y
            // going back, f up), and its tick labels are negated back to y.
            let mut chart = ChartBuilder::on(&area)
                .margin(30)
                .build_cartesian_3d(x.0..x.1, z.0..z.1, -y.1..-y.0)
                .map_err(drawing)?;
            chart.with_projection(|mut pb| {
                pb.yaw = yaw;
                pb.pitch = pitch;
                pb.scale = 0.75;
                pb.into_matrix()
            });
            let fmt = |v: &f64| fmt_num(*v);
            let fmt_y = |v: &f64| fmt_num(-*v + 0.0);
            chart
                .configure_axes()
                .label_style(text_style(TICK_SIZE, &INK, HPos::Center, VPos::Center))
                .light_grid_style(RGBColor(0xe4, 0xe4, 0xe4))
                .bold_grid_style(RGBColor(0xc8, 0xc8, 0xc8))
                .axis_panel_style(RGBColor(0xf6, 0xf6, 0xf6))
                .max_light_lines(1)
                .x_formatter(&fmt)
                .y_formatter(&fmt)
                .z_formatter(&fmt_y)
                .draw()
                .map_err(drawing)?;

            let coord = chart.as_coord_spec().clone();
            let p3 = |(px, h, py): (f64, f64, f64)| (px, h, -py);
            // Painter's algorithm: the farthest quads first.
            let depth = |c: &[(f64, f64, f64); 4]| {
                let m = |k: usize| c.iter().map(|p| [p.0, p.1, p.2][k]).sum::<f64>() / 4.0;
                coord.projected_depth(&m(0), &m(1), &-m(2))
            };
            let mut order: Vec<usize> = (0..quads.len()).collect();
            order.sort_by_key(|&k| std::cmp::Reverse(depth(&quads[k].0)));
            let span = z.1 - z.0;
            let edge = RGBColor(0x30, 0x30, 0x30).mix(0.25).stroke_width(1);
            // Fill and outline quad by quad, so nearer quads hide farther outlines too.
            for k in order {
                let (c, mean) = &quads[k];
                let fill = self.colormap.color((mean - z.0) / span);
                let corners: Vec<_> = c.iter().map(|&p| p3(p)).collect();
                let mut outline = corners.clone();
                outline.push(corners[0]);
                chart
                    .draw_series([
                        Polygon::new(corners, fill.filled()).into_dyn(),
                        PathElement::new(outline, edge).into_dyn(),
                    ])
                    .map_err(drawing)?;
            }

            // Axis captions outside the box, beside the lower of the two floor edges that run
            // along each axis (where plotters puts the ticks), and above the leftmost upright.
            let at = |p: (f64, f64, f64)| {
                let (u, v) = coord.translate(&p3(p));
                (u as f64, v as f64)
            };
            let centre = at(((x.0 + x.1) / 2.0, z.0, (y.0 + y.1) / 2.0));
            let outward = |a: (f64, f64), b: (f64, f64)| {
                let m = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                let (du, dv) = (m.0 - centre.0, m.1 - centre.1);
                let len = du.hypot(dv).max(1.0);
                ((m.0 + 60.0 * du / len) as i32, (m.1 + 60.0 * dv / len) as i32)
            };
            let lower = |e1: [(f64, f64); 2], e2: [(f64, f64); 2]| {
                if e1[0].1 + e1[1].1 >= e2[0].1 + e2[1].1 {
                    e1
                } else {
                    e2
                }
            };
            let x_edge = lower(
                [at((x.0, z.0, y.0)), at((x.1, z.0, y.0))],
                [at((x.0, z.0, y.1)), at((x.1, z.0, y.1))],
            );
            let y_edge = lower(
                [at((x.0, z.0, y.0)), at((x.0, z.0, y.1))],
                [at((x.1, z.0, y.0)), at((x.1, z.0, y.1))],
            );
            let top = [(x.0, y.0), (x.1, y.0), (x.0, y.1), (x.1, y.1)]
                .map(|(px, py)| at((px, z.1, py)))
                .into_iter()
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or(centre);
            let style = text_style(LABEL_SIZE, &INK, HPos::Center, VPos::Center);
            let captions = [
                (&self.labels[0], outward(x_edge[0], x_edge[1])),
                (&self.labels[1], outward(y_edge[0], y_edge[1])),
                (&self.labels[2], (top.0 as i32, top.1 as i32 - 30)),
            ];
            for (text, pos) in captions {
                root.draw(&Text::new(text.clone(), pos, style.clone()))
                    .map_err(drawing)?;
            }
            Ok(())
        })
    }

    fn file_stem(&self) -> String {
        slug(self.title.as_deref(), "surface")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_corners_drop_their_quads() {
        let grid = Grid::new((0.0, 3.0), (0.0, 3.0)).with_resolution(3, 3);
        let mut values = vec![0.0; 9];
        values[4] = f64::NAN; // the centre vertex touches all four quads
        let plot = SurfacePlot::new(grid, values.clone());
        assert!(plot.quads((0.0, 1.0)).is_empty());
        values[4] = 0.5;
        values[0] = f64::INFINITY; // a corner vertex touches one quad
        assert_eq!(SurfacePlot::new(grid, values).quads((0.0, 1.0)).len(), 3);
    }

    #[test]
    fn heights_are_clamped_to_the_z_range() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
        let plot = SurfacePlot::new(grid, vec![-10.0, 0.0, 0.5, 10.0]);
        let quads = plot.quads((-1.0, 1.0));
        let heights: Vec<f64> = quads[0].0.iter().map(|p| p.1).collect();
        assert_eq!(heights, vec![-1.0, 0.0, 1.0, 0.5]);
        assert_eq!(quads[0].1, 0.125);
    }

    #[test]
    fn all_nan_is_an_error_not_a_panic() {
        let grid = Grid::new((0.0, 1.0), (0.0, 1.0)).with_resolution(2, 2);
        let err = SurfacePlot::new(grid, vec![f64::NAN; 4]).to_svg().unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }), "{err}");
    }
}
