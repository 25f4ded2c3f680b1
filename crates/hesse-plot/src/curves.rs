//! [`LossCurves`]: several named series against the iteration number, on a linear, log or
//! symlog y axis.
//!
//! x is the index in each series (iteration 0 is the first value). On a log axis, values that
//! cannot be shown (`≤ 0`, NaN, ±∞) break the line instead of failing the picture; the legend
//! gives each series' last value, which is usually the number one wants to compare.

use plotters::prelude::*;

use crate::axes::{AxesSpec, draw_axes};
use crate::colormap::category;
use crate::draw::{self, Marker, draw_border, draw_lines, draw_marker, svg_document};
use crate::error::PlotError;
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::output::{Render, slug};
use crate::scale::{Axis, Scale, fmt_num, linear_ticks};

/// Series with at most this many points also get a marker per point.
const MARKERS_UP_TO: usize = 40;

/// Loss (or any metric) per iteration for several runs on one chart.
///
/// ```
/// use hesse_plot::{LossCurves, Render, Scale};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let gd: Vec<f64> = (0..100).map(|k| 0.95f64.powi(k)).collect();
/// let lbfgs: Vec<f64> = (0..20).map(|k| 0.3f64.powi(k)).collect();
/// let svg = LossCurves::new(vec![("gd".into(), gd), ("L-BFGS".into(), lbfgs)])
///     .with_scale(Scale::Log10)
///     .with_title("Training loss")
///     .to_svg()?;
/// assert!(svg.contains("L-BFGS") && svg.contains("Training loss"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LossCurves {
    series: Vec<(String, Vec<f64>)>,
    scale: Scale,
    title: Option<String>,
    x_label: String,
    y_label: String,
    legend: LegendPosition,
    size: (u32, u32),
}

impl LossCurves {
    /// Curves from `(name, values)` pairs; x of `values[k]` is `k`.
    ///
    /// ```
    /// use hesse_plot::{LossCurves, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = LossCurves::new(vec![("run".into(), vec![3.0, 2.0, 1.5])]).to_svg()?;
    /// assert!(svg.contains("\nrun (last 1.5)\n</text>"));
    /// # Ok(()) }
    /// ```
    pub fn new(series: Vec<(String, Vec<f64>)>) -> Self {
        Self {
            series,
            scale: Scale::Linear,
            title: None,
            x_label: "iteration".into(),
            y_label: "loss".into(),
            legend: LegendPosition::default(),
            size: (900, 560),
        }
    }

    /// Sets the y scale (default linear).
    ///
    /// ```
    /// use hesse_plot::{LossCurves, Render, Scale};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = LossCurves::new(vec![("a".into(), vec![1.0, 0.01])]).with_scale(Scale::Log10).to_svg()?;
    /// assert!(svg.contains("loss (log scale)"));
    /// # Ok(()) }
    /// ```
    pub fn with_scale(mut self, scale: Scale) -> Self {
        self.scale = scale;
        self
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{LossCurves, Render};
    /// assert_eq!(LossCurves::new(vec![]).with_title("Loss").file_stem(), "loss");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the axis captions (default `iteration`, `loss`).
    ///
    /// ```
    /// use hesse_plot::{LossCurves, Render};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = LossCurves::new(vec![("a".into(), vec![1.0, 0.5])]).with_axis_labels("epoch", "‖∇f‖").to_svg()?;
    /// assert!(svg.contains("epoch") && svg.contains("‖∇f‖"));
    /// # Ok(()) }
    /// ```
    pub fn with_axis_labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// Sets where the legend goes (default outside, on the right).
    ///
    /// ```
    /// use hesse_plot::{LegendPosition, LossCurves};
    /// let _c = LossCurves::new(vec![]).with_legend(LegendPosition::UpperRight);
    /// ```
    pub fn with_legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// Sets the picture size in pixels (default 900 × 560).
    ///
    /// ```
    /// use hesse_plot::LossCurves;
    /// let _c = LossCurves::new(vec![]).with_size(1200, 500);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }
}

/// x ticks on whole iterations.
pub(crate) fn iteration_ticks(last: f64) -> Vec<(f64, String)> {
    let ticks: Vec<(f64, String)> = linear_ticks(0.0, last, 8)
        .into_iter()
        .filter(|t| t.0.fract() == 0.0)
        .collect();
    if ticks.is_empty() {
        vec![(0.0, "0".into())]
    } else {
        ticks
    }
}

impl Render for LossCurves {
    fn to_svg(&self) -> Result<String, PlotError> {
        if self.series.is_empty() {
            return Err(PlotError::Empty {
                what: "no series to draw".into(),
            });
        }
        if let Some((name, _)) = self.series.iter().find(|s| s.1.is_empty()) {
            return Err(PlotError::Empty {
                what: format!("series '{name}' has no values"),
            });
        }
        let axis = Axis::fit(
            self.scale,
            self.series.iter().flat_map(|s| s.1.iter().copied()),
            false,
        )?;
        let longest = self.series.iter().map(|s| s.1.len()).max().unwrap_or(1);
        let last = (longest as f64 - 1.0).max(1.0);
        let x = (-0.02 * last, last * 1.02);
        let legend = Legend {
            heading: None,
            entries: self
                .series
                .iter()
                .enumerate()
                .map(|(k, (name, v))| {
                    let label = match v.last() {
                        Some(l) => format!("{name} (last {})", fmt_num(*l)),
                        None => name.clone(),
                    };
                    Entry::new(
                        label,
                        Swatch::Line {
                            color: category(k),
                            width: 3,
                            marker: (v.len() <= MARKERS_UP_TO).then_some(Marker::Circle),
                        },
                    )
                })
                .collect(),
        };
        let outside = self.legend == LegendPosition::Outside;
        let legend_w = if outside { legend.size().0 + 16 } else { 0 };
        let note = self.scale.note("y");
        let y_label = if note.is_empty() {
            self.y_label.clone()
        } else {
            format!("{} ({note})", self.y_label)
        };
        svg_document(self.size, |root| {
            let body = draw::title(root, self.title.as_deref())?;
            let (w, _) = body.dim_in_pixel();
            let (main, _) = body.split_horizontally(w as i32 - legend_w);
            let frame = draw_axes(
                &main,
                AxesSpec {
                    x,
                    y: (axis.lo, axis.hi),
                    x_ticks: Some(iteration_ticks(last)),
                    y_ticks: Some(axis.ticks.clone()),
                    x_label: &self.x_label,
                    y_label: &y_label,
                    grid_lines: true,
                    compact: false,
                    equal_aspect: false,
                },
            )?;
            for (k, (_, v)) in self.series.iter().enumerate() {
                let pts: Vec<(f64, f64)> = v
                    .iter()
                    .enumerate()
                    .map(|(i, &y)| (i as f64, axis.map(y).unwrap_or(f64::NAN)))
                    .collect();
                let lines = frame.clip(&pts);
                draw_lines(root, &frame, &lines, category(k).stroke_width(2))?;
                if v.len() <= MARKERS_UP_TO {
                    for p in pts.iter().filter(|p| p.1.is_finite()) {
                        draw_marker(root, Marker::Circle, frame.map(*p), 3.5, category(k), WHITE)?;
                    }
                }
            }
            draw_border(root, &frame)?;
            let ((_, top), (right, _)) = frame.rect();
            if outside {
                legend.draw(root, (right + 20, top), false)?;
            } else if let Some(at) = legend.corner(self.legend, &frame) {
                legend.draw(root, at, true)?;
            }
            Ok(())
        })
    }

    fn file_stem(&self) -> String {
        slug(self.title.as_deref(), "loss-curves")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_scale_with_zeros_still_draws() {
        let c = LossCurves::new(vec![("a".into(), vec![1.0, 0.1, 0.0, 0.01])]).with_scale(Scale::Log10);
        assert!(c.to_svg().is_ok());
        let c = LossCurves::new(vec![("a".into(), vec![0.0, -1.0])]).with_scale(Scale::Log10);
        assert!(matches!(c.to_svg(), Err(PlotError::Empty { .. })));
    }

    #[test]
    fn empty_series_is_an_error() {
        let c = LossCurves::new(vec![("a".into(), vec![])]);
        assert_eq!(
            c.to_svg().unwrap_err().to_string(),
            "empty input: series 'a' has no values"
        );
    }

    #[test]
    fn iteration_ticks_are_integers() {
        assert!(iteration_ticks(3.0).iter().all(|t| t.0.fract() == 0.0));
        assert_eq!(iteration_ticks(1.0).first().map(|t| t.0), Some(0.0));
    }
}
