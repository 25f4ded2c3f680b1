//! [`SlicePlot`]: a function along one line, `t ↦ f(x + t·d)`.
//!
//! The picture answers "what does the loss look like along this direction?": the curve, the
//! current point `t = 0` marked (a dashed vertical line and a dot at `f(x)`, interpolated if
//! `t = 0` was not sampled), and the lowest sampled point marked with a star. Non-finite values
//! of `f` break the curve.

use plotters::prelude::*;

use crate::axes::{AxesSpec, draw_axes};
use crate::colormap::category;
use crate::draw::{self, INK, Marker, dashed, draw_border, draw_lines, draw_marker, svg_document};
use crate::error::PlotError;
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::output::{Render, slug};
use crate::scale::{Axis, Scale, fmt_num};

/// A 1-D slice `t ↦ f(x + t·d)` given as `(t, f)` points.
///
/// ```
/// use hesse_plot::{Render, SlicePlot};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let svg = SlicePlot::from_fn(|t| (t - 0.3).powi(2) + 0.1, (-1.0, 1.0), 101)
///     .with_title("Loss along −∇f")
///     .to_svg()?;
/// assert!(svg.contains("x (t = 0): f = 0.19"));
/// assert!(svg.contains("lowest: t = 0.3, f = 0.1"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SlicePlot {
    points: Vec<(f64, f64)>,
    /// The sampling request of [`SlicePlot::from_fn`] when it could not be honoured.
    bad_request: Option<((f64, f64), usize)>,
    scale: Scale,
    title: Option<String>,
    x_label: String,
    y_label: String,
    legend: LegendPosition,
    size: (u32, u32),
}

impl SlicePlot {
    /// A slice through the given `(t, f)` points (any order; `t` must be finite).
    ///
    /// ```
    /// use hesse_plot::{Render, SlicePlot};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = SlicePlot::new(vec![(0.5, 1.0), (-0.5, 2.0), (0.0, 1.2)]).to_svg()?;
    /// assert!(svg.contains("f = 1.2"));
    /// # Ok(()) }
    /// ```
    pub fn new(points: Vec<(f64, f64)>) -> Self {
        Self {
            points,
            bad_request: None,
            scale: Scale::Linear,
            title: None,
            x_label: "t".into(),
            y_label: "f(x + t·d)".into(),
            legend: LegendPosition::default(),
            size: (900, 540),
        }
    }

    /// Samples `f` at `n` evenly spaced `t` in `[range.0, range.1]` now.
    ///
    /// ```
    /// use hesse_plot::{PlotError, Render, SlicePlot};
    /// let plot = SlicePlot::from_fn(|t| t * t, (1.0, -1.0), 50);
    /// assert!(matches!(plot.to_svg(), Err(PlotError::InvalidRange { .. })));
    /// ```
    pub fn from_fn(f: impl Fn(f64) -> f64, range: (f64, f64), n: usize) -> Self {
        let ok = range.0.is_finite() && range.1.is_finite() && range.0 < range.1 && n >= 2;
        if !ok {
            // reported by `to_svg`, like every other input check
            return Self {
                bad_request: Some((range, n)),
                ..Self::new(Vec::new())
            };
        }
        let points = (0..n)
            .map(|k| {
                let t = range.0 + (range.1 - range.0) * k as f64 / (n - 1) as f64;
                (t, f(t))
            })
            .collect();
        Self::new(points)
    }

    /// Sets the y scale (default linear).
    ///
    /// ```
    /// use hesse_plot::{Scale, SlicePlot};
    /// let _s = SlicePlot::new(vec![(0.0, 1.0), (1.0, 100.0)]).with_scale(Scale::Log10);
    /// ```
    pub fn with_scale(mut self, scale: Scale) -> Self {
        self.scale = scale;
        self
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{Render, SlicePlot};
    /// assert_eq!(SlicePlot::new(vec![]).with_title("slice").file_stem(), "slice");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the axis captions (default `t`, `f(x + t·d)`).
    ///
    /// ```
    /// use hesse_plot::SlicePlot;
    /// let _s = SlicePlot::new(vec![]).with_axis_labels("α", "φ(α)");
    /// ```
    pub fn with_axis_labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// Sets where the legend goes (default outside, on the right).
    ///
    /// ```
    /// use hesse_plot::{LegendPosition, SlicePlot};
    /// let _s = SlicePlot::new(vec![]).with_legend(LegendPosition::Hidden);
    /// ```
    pub fn with_legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// Sets the picture size in pixels (default 900 × 540).
    ///
    /// ```
    /// use hesse_plot::SlicePlot;
    /// let _s = SlicePlot::new(vec![]).with_size(600, 400);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn sorted(&self) -> Result<Vec<(f64, f64)>, PlotError> {
        if let Some(((lo, hi), n)) = self.bad_request {
            crate::error::check_range("t", lo, hi)?;
            return Err(PlotError::InvalidOption {
                name: "samples",
                value: n.to_string(),
                expected: "at least 2 samples",
            });
        }
        if self.points.is_empty() {
            return Err(PlotError::Empty {
                what: "no slice points".into(),
            });
        }
        if let Some((index, p)) = self.points.iter().enumerate().find(|(_, p)| !p.0.is_finite()) {
            return Err(PlotError::NonFinite {
                what: "slice t values",
                index,
                value: p.0,
            });
        }
        let mut v = self.points.clone();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(v)
    }
}

/// f at t = 0: the sample there, or linear interpolation between its neighbours.
fn value_at_zero(pts: &[(f64, f64)]) -> Option<f64> {
    if let Some(p) = pts.iter().find(|p| p.0 == 0.0) {
        return Some(p.1).filter(|f| f.is_finite());
    }
    let k = pts.iter().position(|p| p.0 > 0.0)?;
    if k == 0 {
        return None;
    }
    let (a, b) = (pts[k - 1], pts[k]);
    let f = a.1 + (b.1 - a.1) * (0.0 - a.0) / (b.0 - a.0);
    f.is_finite().then_some(f)
}

impl Render for SlicePlot {
    fn to_svg(&self) -> Result<String, PlotError> {
        let pts = self.sorted()?;
        let (t0, t1) = (pts[0].0, pts[pts.len() - 1].0);
        if t0 >= t1 {
            return Err(PlotError::InvalidRange {
                axis: "t",
                lo: t0,
                hi: t1,
            });
        }
        let axis = Axis::fit(self.scale, pts.iter().map(|p| p.1), false)?;
        let pad = 0.02 * (t1 - t0);
        let x = (t0 - pad, t1 + pad);
        let f0 = value_at_zero(&pts);
        let lowest = pts
            .iter()
            .filter(|p| axis.map(p.1).is_some())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .copied();
        let mut entries = vec![Entry::new(
            "f along the line",
            Swatch::Line {
                color: category(0),
                width: 3,
                marker: None,
            },
        )];
        if let Some(f) = f0 {
            entries.push(Entry::new(
                format!("x (t = 0): f = {}", fmt_num(f)),
                Swatch::Point {
                    marker: Marker::Circle,
                    fill: category(1),
                    edge: INK,
                },
            ));
        }
        if let Some((t, f)) = lowest {
            entries.push(Entry::new(
                format!("lowest: t = {}, f = {}", fmt_num(t), fmt_num(f)),
                Swatch::Point {
                    marker: Marker::Star,
                    fill: category(2),
                    edge: INK,
                },
            ));
        }
        let legend = Legend {
            heading: None,
            entries,
        };
        let outside = self.legend == LegendPosition::Outside;
        let legend_w = if outside { legend.size().0 + 16 } else { 0 };
        let note = self.scale.note("f");
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
                    x_ticks: None,
                    y_ticks: Some(axis.ticks.clone()),
                    x_label: &self.x_label,
                    y_label: &y_label,
                    grid_lines: true,
                    compact: false,
                    equal_aspect: false,
                },
            )?;
            if t0 <= 0.0 && 0.0 <= t1 {
                dashed(
                    root,
                    frame.map((0.0, axis.lo)),
                    frame.map((0.0, axis.hi)),
                    6.0,
                    INK.mix(0.6).stroke_width(1),
                )?;
            }
            let mapped: Vec<(f64, f64)> = pts
                .iter()
                .map(|&(t, f)| (t, axis.map(f).unwrap_or(f64::NAN)))
                .collect();
            draw_lines(root, &frame, &frame.clip(&mapped), category(0).stroke_width(2))?;
            if mapped.len() <= 40 {
                for p in mapped.iter().filter(|p| p.1.is_finite()) {
                    draw_marker(root, Marker::Circle, frame.map(*p), 3.0, category(0), WHITE)?;
                }
            }
            if let Some((t, f)) = lowest {
                if let Some(y) = axis.map(f) {
                    draw_marker(root, Marker::Star, frame.map((t, y)), 8.0, category(2), INK)?;
                }
            }
            if let Some(y) = f0.and_then(|f| axis.map(f)) {
                draw_marker(root, Marker::Circle, frame.map((0.0, y)), 6.0, category(1), INK)?;
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
        slug(self.title.as_deref(), "slice")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_interpolated() {
        assert_eq!(value_at_zero(&[(-1.0, 1.0), (1.0, 3.0)]), Some(2.0));
        assert_eq!(value_at_zero(&[(0.0, 5.0), (1.0, 3.0)]), Some(5.0));
        assert_eq!(value_at_zero(&[(1.0, 5.0), (2.0, 3.0)]), None);
    }

    #[test]
    fn nan_t_is_an_error_nan_f_is_a_gap() {
        assert!(
            SlicePlot::new(vec![(f64::NAN, 1.0), (1.0, 1.0)])
                .to_svg()
                .is_err()
        );
        let ok = SlicePlot::new(vec![(-1.0, 1.0), (0.0, f64::NAN), (1.0, 1.0)]).to_svg();
        assert!(ok.is_ok());
    }
}
