//! [`Spectrum`]: sorted eigenvalues (of a Hessian, say) as a stem plot.
//!
//! Eigenvalues are sorted ascending and drawn as stems from the zero line, which is drawn bold:
//! the sign pattern is the point of the picture (a saddle has stems on both sides). Negative
//! eigenvalues are red, positive ones blue, and those within the zero tolerance grey. Spectra
//! often span many decades, so [`Scale::SymLog`] is the usual choice; its formula and `τ` are
//! written into the axis caption, so the picture is never misread as linear.

use plotters::prelude::*;

use crate::axes::{AxesSpec, draw_axes};
use crate::colormap::category;
use crate::draw::{self, INK, Marker, draw_border, draw_marker, svg_document};
use crate::error::{PlotError, drawing};
use crate::legend::{Entry, Legend, LegendPosition, Swatch};
use crate::output::{Render, slug};
use crate::scale::{Axis, Scale, fmt_num, linear_ticks};

/// Eigenvalues as a stem plot, sorted ascending.
///
/// ```
/// use hesse_plot::{Render, Scale, Spectrum};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let eig = vec![0.579, -0.032, 1.94e-4, 0.12, 3.1e-3];
/// let svg = Spectrum::new(eig)
///     .with_scale(Scale::SymLog { tau: 1e-4 })
///     .with_title("Hessian spectrum at the end point")
///     .to_svg()?;
/// assert!(svg.contains("negative: 1"));
/// assert!(svg.contains("symlog"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    eigenvalues: Vec<f64>,
    scale: Scale,
    zero_tol: f64,
    title: Option<String>,
    legend: LegendPosition,
    size: (u32, u32),
}

impl Spectrum {
    /// A spectrum of `eigenvalues` (any order; sorted when drawn; all must be finite).
    ///
    /// ```
    /// use hesse_plot::{PlotError, Render, Spectrum};
    /// let err = Spectrum::new(vec![1.0, f64::NAN]).to_svg().unwrap_err();
    /// assert!(matches!(err, PlotError::NonFinite { index: 1, .. }));
    /// ```
    pub fn new(eigenvalues: Vec<f64>) -> Self {
        Self {
            eigenvalues,
            scale: Scale::Linear,
            zero_tol: 0.0,
            title: None,
            legend: LegendPosition::default(),
            size: (900, 540),
        }
    }

    /// Sets the y scale (default linear; [`Scale::SymLog`] for spectra over many decades;
    /// [`Scale::Log10`] hides non-positive eigenvalues, which are still counted in the legend).
    ///
    /// ```
    /// use hesse_plot::{Scale, Spectrum};
    /// let _s = Spectrum::new(vec![-1.0, 1e-6, 10.0]).with_scale(Scale::SymLog { tau: 1e-6 });
    /// ```
    pub fn with_scale(mut self, scale: Scale) -> Self {
        self.scale = scale;
        self
    }

    /// Eigenvalues with `|λ| ≤ tol` count as zero and are drawn grey (default 0).
    ///
    /// ```
    /// use hesse_plot::{Render, Spectrum};
    /// # fn main() -> Result<(), hesse_plot::PlotError> {
    /// let svg = Spectrum::new(vec![-1e-12, 2.0]).with_zero_tolerance(1e-9).to_svg()?;
    /// assert!(svg.contains("zero (|λ| ≤ 1e-9): 1"));
    /// # Ok(()) }
    /// ```
    pub fn with_zero_tolerance(mut self, tol: f64) -> Self {
        self.zero_tol = tol;
        self
    }

    /// Sets the title (also the default file name).
    ///
    /// ```
    /// use hesse_plot::{Render, Spectrum};
    /// assert_eq!(Spectrum::new(vec![]).with_title("H at x*").file_stem(), "h-at-x");
    /// ```
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets where the legend goes (default outside, on the right).
    ///
    /// ```
    /// use hesse_plot::{LegendPosition, Spectrum};
    /// let _s = Spectrum::new(vec![1.0]).with_legend(LegendPosition::UpperLeft);
    /// ```
    pub fn with_legend(mut self, position: LegendPosition) -> Self {
        self.legend = position;
        self
    }

    /// Sets the picture size in pixels (default 900 × 540).
    ///
    /// ```
    /// use hesse_plot::Spectrum;
    /// let _s = Spectrum::new(vec![1.0]).with_size(700, 400);
    /// ```
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    fn sorted(&self) -> Result<Vec<f64>, PlotError> {
        if self.eigenvalues.is_empty() {
            return Err(PlotError::Empty {
                what: "no eigenvalues".into(),
            });
        }
        if let Some((index, &value)) = self.eigenvalues.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(PlotError::NonFinite {
                what: "eigenvalues",
                index,
                value,
            });
        }
        if !(self.zero_tol.is_finite() && self.zero_tol >= 0.0) {
            return Err(PlotError::InvalidOption {
                name: "zero tolerance",
                value: self.zero_tol.to_string(),
                expected: "a finite tolerance >= 0",
            });
        }
        let mut v = self.eigenvalues.clone();
        v.sort_by(f64::total_cmp);
        Ok(v)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sign {
    Negative,
    Zero,
    Positive,
}

fn sign_color(s: Sign) -> RGBColor {
    match s {
        Sign::Negative => category(2),
        Sign::Zero => RGBColor(0x8c, 0x8c, 0x8c),
        Sign::Positive => category(0),
    }
}

impl Render for Spectrum {
    fn to_svg(&self) -> Result<String, PlotError> {
        let eig = self.sorted()?;
        let sign = |l: f64| {
            if l.abs() <= self.zero_tol {
                Sign::Zero
            } else if l < 0.0 {
                Sign::Negative
            } else {
                Sign::Positive
            }
        };
        let axis = Axis::fit(self.scale, eig.iter().copied(), true)?;
        let n = eig.len();
        let x = (0.3, n as f64 + 0.7);
        let x_ticks: Vec<(f64, String)> = linear_ticks(1.0, n as f64, 10)
            .into_iter()
            .filter(|t| t.0.fract() == 0.0 && t.0 >= 1.0)
            .collect();

        let count = |s: Sign| eig.iter().filter(|&&l| sign(l) == s).count();
        let mut entries = Vec::new();
        let (neg, zero, pos) = (count(Sign::Negative), count(Sign::Zero), count(Sign::Positive));
        let point = |s: Sign| Swatch::Point {
            marker: Marker::Circle,
            fill: sign_color(s),
            edge: WHITE,
        };
        entries.push(Entry::new(
            if neg > 0 {
                format!("negative: {neg} (min {})", fmt_num(eig[0]))
            } else {
                "negative: 0".to_string()
            },
            point(Sign::Negative),
        ));
        if zero > 0 {
            let label = if self.zero_tol > 0.0 {
                format!("zero (|λ| ≤ {}): {zero}", fmt_num(self.zero_tol))
            } else {
                format!("zero: {zero}")
            };
            entries.push(Entry::new(label, point(Sign::Zero)));
        }
        entries.push(Entry::new(
            if pos > 0 {
                format!("positive: {pos} (max {})", fmt_num(eig[n - 1]))
            } else {
                "positive: 0".to_string()
            },
            point(Sign::Positive),
        ));
        let legend = Legend {
            heading: Some(format!("{n} eigenvalues")),
            entries,
        };
        let outside = self.legend == LegendPosition::Outside;
        let legend_w = if outside { legend.size().0 + 16 } else { 0 };
        let note = self.scale.note("λ");
        let y_label = if note.is_empty() {
            "eigenvalue λ".to_string()
        } else {
            format!("λ  ({note})")
        };
        let (r, stem_w) = if n <= 60 {
            (4.5, 2)
        } else if n <= 300 {
            (3.0, 1)
        } else {
            (1.5, 1)
        };

        let y_ticks = extreme_ticks(&axis, &eig);
        svg_document(self.size, |root| {
            let body = draw::title(root, self.title.as_deref())?;
            let (w, _) = body.dim_in_pixel();
            let (main, _) = body.split_horizontally(w as i32 - legend_w);
            let frame = draw_axes(
                &main,
                AxesSpec {
                    x,
                    y: (axis.lo, axis.hi),
                    x_ticks: Some(x_ticks),
                    y_ticks: Some(y_ticks.clone()),
                    x_label: "index (ascending)",
                    y_label: &y_label,
                    grid_lines: true,
                    compact: false,
                    equal_aspect: false,
                },
            )?;
            // stems start at zero, or at the bottom edge on a log axis where zero does not exist
            let base = axis.map(0.0).unwrap_or(axis.lo).clamp(axis.lo, axis.hi);
            for (i, &l) in eig.iter().enumerate() {
                let Some(t) = axis.map(l) else { continue };
                let xi = (i + 1) as f64;
                let c = sign_color(sign(l));
                root.draw(&PathElement::new(
                    vec![frame.map((xi, base)), frame.map((xi, t))],
                    c.stroke_width(stem_w),
                ))
                .map_err(drawing)?;
            }
            if axis.map(0.0).is_some() {
                root.draw(&PathElement::new(
                    vec![frame.map((x.0, 0.0)), frame.map((x.1, 0.0))],
                    INK.stroke_width(2),
                ))
                .map_err(drawing)?;
            }
            for (i, &l) in eig.iter().enumerate() {
                if let Some(t) = axis.map(l) {
                    draw_marker(
                        root,
                        Marker::Circle,
                        frame.map(((i + 1) as f64, t)),
                        r,
                        sign_color(sign(l)),
                        WHITE,
                    )?;
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
        slug(self.title.as_deref(), "spectrum")
    }
}

/// The axis's nice ticks plus ticks at the smallest and largest eigenvalue (the numbers the
/// picture is about), dropping nice ticks whose labels would collide with those.
fn extreme_ticks(axis: &Axis, eig: &[f64]) -> Vec<(f64, String)> {
    let room = 0.05 * (axis.hi - axis.lo);
    let extremes: Vec<(f64, String)> = [eig.first(), eig.last()]
        .into_iter()
        .flatten()
        .filter_map(|&l| axis.map(l).map(|t| (t, fmt_num(l))))
        .collect();
    let mut ticks: Vec<(f64, String)> = axis
        .ticks
        .iter()
        .filter(|t| extremes.iter().all(|e| (e.0 - t.0).abs() > room || e.1 == t.1))
        .cloned()
        .collect();
    for e in extremes {
        if !ticks.iter().any(|t| t.1 == e.1) {
            ticks.push(e);
        }
    }
    ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_an_error() {
        assert!(matches!(
            Spectrum::new(vec![]).to_svg(),
            Err(PlotError::Empty { .. })
        ));
    }

    #[test]
    fn all_positive_on_log_scale() {
        let svg = Spectrum::new(vec![1e-4, 1.0, 10.0])
            .with_scale(Scale::Log10)
            .to_svg()
            .unwrap();
        assert!(svg.contains("positive: 3"));
    }

    // issue 20: the smallest eigenvalue is labelled on the axis, even far from a round tick
    #[test]
    fn the_extremes_get_ticks() {
        let eig = [-0.0317, 1.94e-4, 0.12, 0.579];
        let axis = Axis::fit(Scale::SymLog { tau: 1e-4 }, eig, true).unwrap();
        let ticks = extreme_ticks(&axis, &eig);
        assert!(ticks.iter().any(|t| t.1 == "-0.0317"), "{ticks:?}");
        assert!(ticks.iter().any(|t| t.1 == "0.579"), "{ticks:?}");
        assert!(ticks.windows(2).all(|w| w[0].0 < w[1].0));
        let svg = Spectrum::new(eig.to_vec()).to_svg().unwrap();
        assert!(svg.contains("-0.0317"));
    }
}
