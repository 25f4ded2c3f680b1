//! SVG pictures for hesse: filled contours with optimizer trajectories, basins of attraction,
//! decision boundaries, loss curves, eigenvalue spectra, 1-D slices and 3-D surfaces.
//!
//! The crate takes plain `f64` data — closures `Fn(f64, f64) -> f64`, slices of points, named
//! series — and depends on no other hesse crate, so any caller can use it. Every picture is a
//! builder; [`Render`] turns it into SVG ([`Render::to_svg`]) or a file ([`Render::render`]
//! writes `target/hesse-out/<title-slug>.svg`, [`Render::render_to`] writes where you say).
//!
//! ```
//! use hesse_plot::{ColorScale, ContourPlot, Grid, Render, Trajectory};
//! # fn main() -> Result<(), hesse_plot::PlotError> {
//! let rosenbrock = |x: f64, y: f64| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
//! let run = Trajectory::new("gradient descent", vec![(-1.2, 1.0), (-0.8, 0.6), (0.5, 0.2), (1.0, 1.0)]);
//! let dir = std::env::temp_dir().join("hesse-plot-tour");
//! let file = ContourPlot::new(Grid::new((-2.0, 2.0), (-1.0, 3.0)), rosenbrock)
//!     .with_title("Rosenbrock")
//!     .with_color_scale(ColorScale::Log) // colour by ln(1 + f − min f); Auto would pick it too
//!     .with_trajectory(run)
//!     .with_marked_point("minimum", (1.0, 1.0))
//!     .render_to(&dir)?;
//! assert_eq!(file, dir.join("rosenbrock.svg"));
//! # Ok(()) }
//! ```
//!
//! # Pictures
//!
//! | type | shows |
//! |---|---|
//! | [`ContourPlot`] | `f(x, y)` on a [`Grid`]: filled contours (banded or smooth), iso-lines, colour bar, [`Trajectory`]s |
//! | [`BasinMap`] | which attractor each start of a grid reaches, with counts per basin |
//! | [`DecisionPlot`] | class regions of one or many 2-D classifiers ([`DecisionPanel`]s) with data points |
//! | [`LossCurves`] | named series per iteration, linear/log/symlog y ([`Scale`]) |
//! | [`Spectrum`] | sorted eigenvalues as stems, signs coloured, optional symlog |
//! | [`SlicePlot`] | `t ↦ f(x + t·d)` with `t = 0` and the lowest point marked |
//! | [`SurfacePlot`] | `f(x, y)` as a shaded 3-D surface, painted back to front |
//!
//! # Design notes
//!
//! - **Plotters draws axes; the crate draws data.** Data goes on the root area in pixels through
//!   one data→pixel frame, so trajectories are clipped exactly at the plot border, z-order is
//!   explicit (cells, iso-lines, frame, paths, markers, legend) and markers have real shapes.
//! - **Legends never cover data by default** ([`LegendPosition::Outside`]); corner positions
//!   use a semi-opaque card.
//! - **Bad data is an error, odd values are drawn.** Empty input, non-finite ranges, mismatched
//!   lengths and ids without an attractor return [`PlotError`]; NaN/∞ function values become
//!   grey cells or gaps in lines. Nothing in this crate panics on data.
//! - **Smooth, seamless, small.** Filled contours and probability maps are polygons traced by
//!   marching squares and painted largest first, so band borders are as smooth as the
//!   iso-lines and no background shows between bands at any zoom; polylines drop the vertices
//!   that change no pixel. A 160 × 160 contour map with paths is tens of kB (always < 300 kB).
//! - **Read at a glance.** Colour is linear unless the values are ≥ 0 and span decades
//!   ([`ColorScale::Auto`]); the colour bar's ends carry the data's minimum and maximum; equal
//!   x and y ranges are drawn square; each path and marked point has its own marker shape; a
//!   path leaving the frame is marked where it leaves, its end drawn on the border.
//!
//! # Limitations
//!
//! - Text widths are estimated (SVG leaves layout to the viewer), so very long labels can
//!   overrun their column; the viewer's sans-serif font is used.
//! - Basin maps are drawn cell by cell (each cell is one start), so their borders show the
//!   grid's staircase at high zoom; raise the [`Grid`] resolution for print.
//! - Class boundaries of [`DecisionPanel::classes`] come from the class indicator and follow
//!   cell centres; a probability model gives a smooth p = 0.5 line.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod axes;
mod bands;
mod basins;
mod colorbar;
mod colormap;
mod colorspace;
mod contour;
mod curves;
mod decision;
mod draw;
mod error;
mod grid;
mod legend;
mod marching;
mod output;
mod scale;
mod simplify;
mod slice;
mod spectrum;
mod surface;
mod trajectory;

pub use basins::BasinMap;
pub use colormap::Colormap;
pub use colorspace::ColorScale;
pub use contour::{ContourLines, ContourPlot, Shading};
pub use curves::LossCurves;
pub use decision::{DecisionPanel, DecisionPlot};
pub use error::PlotError;
pub use grid::Grid;
pub use legend::LegendPosition;
pub use output::{DEFAULT_OUT_DIR, Render, out_dir};
pub use scale::Scale;
pub use slice::SlicePlot;
pub use spectrum::Spectrum;
pub use surface::SurfacePlot;
pub use trajectory::Trajectory;
