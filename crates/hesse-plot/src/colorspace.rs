//! How a heat map's values become colour: the [`ColorScale`] (linear, log, or chosen from the
//! data), the contour levels and the colour bar's ticks.
//!
//! A log scale only helps data that is positive and spans decades (Rosenbrock's valley under
//! walls a thousand times higher); on data of both signs (`sin x · cos y`) it squeezes half the
//! values into a few colours and labels the bar with odd numbers. [`ColorScale::Auto`], the
//! default, therefore picks linear unless every value is ≥ 0 and a linear scale would give
//! half the picture the bottom fifth of the colours (the largest value is ≥ 5 times the median,
//! both counted from the minimum): Rosenbrock, Himmelblau and `exp` get log colour, a bowl
//! `x² + y²` and anything with negative values linear.

use crate::scale::{fmt_num, linear_ticks, nice_step};

/// How function values map to colour.
///
/// ```
/// use hesse_plot::{ColorScale, ContourPlot, Grid, Render};
/// # fn main() -> Result<(), hesse_plot::PlotError> {
/// let rosenbrock = |x: f64, y: f64| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
/// let grid = Grid::new((-2.0, 2.0), (-1.0, 3.0));
/// let svg = ContourPlot::new(grid, rosenbrock).with_color_scale(ColorScale::Log).to_svg()?;
/// assert!(svg.contains("ln(1 + f − min f)"));
/// // Auto (the default) finds the same: positive values over decades
/// assert!(ContourPlot::new(grid, rosenbrock).to_svg()?.contains("ln(1 + f − min f)"));
/// // and keeps values of both signs linear
/// let saddle = ContourPlot::new(grid, |x, y| x.sin() * y.cos()).to_svg()?;
/// assert!(!saddle.contains("ln(1 + f − min f)"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColorScale {
    /// Linear unless the values are ≥ 0 and span decades (see the module notes), then log.
    #[default]
    Auto,
    /// Colour proportional to `f`.
    Linear,
    /// Colour proportional to `ln(1 + f − min f)`, labelled in units of `f`.
    Log,
}

impl ColorScale {
    /// The scale [`ColorScale::Auto`] settles on for these values (non-finite ones ignored);
    /// `Linear` and `Log` stay as they are.
    ///
    /// ```
    /// use hesse_plot::ColorScale;
    /// let bowl: Vec<f64> = (0..100).map(|k| (k as f64 / 10.0).powi(2)).collect();
    /// assert_eq!(ColorScale::Auto.resolve(&bowl), ColorScale::Linear);
    /// let decades: Vec<f64> = (0..100).map(|k| 10f64.powf(k as f64 / 20.0)).collect();
    /// assert_eq!(ColorScale::Auto.resolve(&decades), ColorScale::Log);
    /// assert_eq!(ColorScale::Auto.resolve(&[-1.0, 0.0, 1000.0]), ColorScale::Linear);
    /// ```
    pub fn resolve(self, values: &[f64]) -> ColorScale {
        if self != ColorScale::Auto {
            return self;
        }
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.len() < 3 {
            return ColorScale::Linear;
        }
        finite.sort_by(f64::total_cmp);
        let (min, max) = (finite[0], finite[finite.len() - 1]);
        let median = finite[finite.len() / 2];
        if min >= 0.0 && max - min >= 5.0 * (median - min) && max > min {
            ColorScale::Log
        } else {
            ColorScale::Linear
        }
    }
}

/// The colour-space transform `g(f)` of a set of values and its bookkeeping.
pub(crate) struct ColorSpace {
    pub(crate) scale: ColorScale,
    pub(crate) fmin: f64,
    pub(crate) fmax: f64,
    pub(crate) gmin: f64,
    pub(crate) gmax: f64,
}

impl ColorSpace {
    pub(crate) fn new(scale: ColorScale, values: &[f64]) -> Self {
        let scale = scale.resolve(values);
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

    pub(crate) fn g(&self, f: f64) -> f64 {
        match self.scale {
            ColorScale::Log => (f - self.fmin).max(0.0).ln_1p(),
            _ => f,
        }
    }

    /// About `n` contour levels strictly inside the range, in colour space: round values of `f`
    /// on a linear scale (so the iso-lines are at the colour bar's numbers), even steps of `g`
    /// on a log scale.
    pub(crate) fn levels(&self, n: usize) -> Vec<f64> {
        let inside = |g: &f64| *g > self.gmin && *g < self.gmax;
        match self.scale {
            ColorScale::Log => (1..n)
                .map(|k| self.gmin + (self.gmax - self.gmin) * k as f64 / n as f64)
                .filter(inside)
                .collect(),
            _ => {
                let step = nice_step((self.fmax - self.fmin) / n as f64);
                if !(step.is_finite() && step > 0.0) {
                    return Vec::new();
                }
                let first = (self.fmin / step).floor() as i64;
                let last = (self.fmax / step).ceil() as i64;
                (first..=last)
                    .take(200)
                    .map(|k| k as f64 * step)
                    .filter(inside)
                    .collect()
            }
        }
    }

    /// Colour-bar ticks at nice values of `f`, positioned in colour space; the two ends come
    /// first and last, labelled with the data's own minimum and maximum.
    pub(crate) fn ticks(&self) -> Vec<(f64, String)> {
        let mut out = match self.scale {
            ColorScale::Log => self.log_ticks(),
            _ => linear_ticks(self.fmin, self.fmax, 8),
        };
        // nice ticks too close to an end would collide with its label
        let room = 0.04 * (self.gmax - self.gmin);
        out.retain(|t| t.0 - self.gmin > room && self.gmax - t.0 > room);
        out.insert(0, (self.gmin, fmt_num(self.fmin)));
        out.push((self.gmax, fmt_num(self.fmax)));
        out
    }

    fn log_ticks(&self) -> Vec<(f64, String)> {
        let vmax = self.fmax - self.fmin;
        let mut out = Vec::new();
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
                if f > self.fmin && f < self.fmax {
                    out.push((self.g(f), fmt_num(f)));
                }
            }
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.dedup_by(|a, b| a.1 == b.1);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_are_round_numbers_of_f() {
        let cs = ColorSpace::new(ColorScale::Log, &[0.0, 2500.0]);
        let labels: Vec<String> = cs.ticks().into_iter().map(|t| t.1).collect();
        for want in ["0", "1", "10", "100", "1000", "2500"] {
            assert!(labels.iter().any(|l| l == want), "{labels:?}");
        }
        let cs = ColorSpace::new(ColorScale::Log, &[-6.55, 8.1]);
        let ticks = cs.ticks();
        assert!(ticks.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ticks[0].1, "-6.55");
        assert_eq!(ticks[ticks.len() - 1].1, "8.1");
    }

    // issue 20: sin(x)·cos(y) is linear, with ticks on both sides of zero and both ends labelled
    #[test]
    fn values_of_both_signs_get_a_linear_bar() {
        let values: Vec<f64> = (0..400)
            .map(|k| {
                let (x, y) = ((k % 20) as f64 / 3.0 - 3.0, (k / 20) as f64 / 3.0 - 3.0);
                x.sin() * y.cos()
            })
            .collect();
        let cs = ColorSpace::new(ColorScale::Auto, &values);
        assert_eq!(cs.scale, ColorScale::Linear);
        let labels: Vec<String> = cs.ticks().into_iter().map(|t| t.1).collect();
        for want in ["-0.5", "0", "0.5"] {
            assert!(labels.iter().any(|l| l == want), "{labels:?}");
        }
        assert_eq!(labels.first(), Some(&fmt_num(cs.fmin)));
        assert_eq!(labels.last(), Some(&fmt_num(cs.fmax)));
        let levels = cs.levels(14);
        assert!(levels.contains(&0.0) && levels.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn auto_needs_enough_finite_values() {
        assert_eq!(ColorScale::Auto.resolve(&[f64::NAN, 1.0]), ColorScale::Linear);
        assert_eq!(ColorScale::Log.resolve(&[-1.0, 1.0, 2.0]), ColorScale::Log);
    }
}
