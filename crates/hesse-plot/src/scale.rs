//! Value axes: the [`Scale`] of a y axis (linear, log10, symmetric log) and the tick and number
//! formatting shared by every chart.
//!
//! Charts draw in *transformed* coordinates and label ticks with the original values, so a
//! log or symlog axis reads in the data's own units. Ticks are placed at "nice" 1-2-5 values on
//! a linear axis and at powers of ten on log and symlog axes.

use crate::error::PlotError;

/// How values map onto a y axis.
///
/// ```
/// use hesse_plot::Scale;
/// assert_eq!(Scale::Linear.apply(-2.0), Some(-2.0));
/// assert_eq!(Scale::Log10.apply(100.0), Some(2.0));
/// assert_eq!(Scale::Log10.apply(0.0), None);
/// assert_eq!(Scale::SymLog { tau: 1.0 }.apply(-9.0), Some(-1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Scale {
    /// `y` as is.
    #[default]
    Linear,
    /// `log10(y)`; values `≤ 0` cannot be shown and are left out (lines break there).
    Log10,
    /// `sign(y)·log10(1 + |y|/tau)`: linear near zero (within about `tau`), logarithmic beyond,
    /// and defined for negative values — for spectra and signed quantities over many decades.
    SymLog {
        /// Width of the linear region around zero; must be finite and positive.
        tau: f64,
    },
}

impl Scale {
    /// The transformed value, or `None` when `y` cannot be shown on this scale.
    ///
    /// ```
    /// use hesse_plot::Scale;
    /// assert_eq!(Scale::Linear.apply(f64::NAN), None);
    /// assert_eq!(Scale::SymLog { tau: 0.5 }.apply(0.0), Some(0.0));
    /// ```
    pub fn apply(self, y: f64) -> Option<f64> {
        if !y.is_finite() {
            return None;
        }
        match self {
            Scale::Linear => Some(y),
            Scale::Log10 => (y > 0.0).then(|| y.log10()),
            Scale::SymLog { tau } => Some(y.signum() * (1.0 + y.abs() / tau).log10()),
        }
        .filter(|t| t.is_finite())
    }

    /// A note for the axis label describing the scale (empty for linear).
    ///
    /// ```
    /// use hesse_plot::Scale;
    /// assert_eq!(Scale::Linear.note("λ"), "");
    /// assert_eq!(Scale::Log10.note("loss"), "log scale");
    /// assert_eq!(Scale::SymLog { tau: 0.001 }.note("λ"), "symlog: sign(λ)·log10(1+|λ|/τ), τ = 0.001");
    /// ```
    pub fn note(self, var: &str) -> String {
        match self {
            Scale::Linear => String::new(),
            Scale::Log10 => "log scale".to_string(),
            Scale::SymLog { tau } => {
                format!("symlog: sign({var})·log10(1+|{var}|/τ), τ = {}", fmt_num(tau))
            }
        }
    }

    pub(crate) fn validate(self) -> Result<(), PlotError> {
        match self {
            Scale::SymLog { tau } if !(tau.is_finite() && tau > 0.0) => Err(PlotError::InvalidOption {
                name: "scale tau",
                value: tau.to_string(),
                expected: "a finite tau > 0",
            }),
            _ => Ok(()),
        }
    }
}

/// A fitted y axis: range in transformed coordinates plus labelled ticks.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub(crate) scale: Scale,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Fits an axis around `values` (those the scale cannot show are ignored), with 5 % padding.
    /// `include_zero` keeps the origin in view (stems, spectra). Errors when nothing is drawable.
    pub(crate) fn fit(
        scale: Scale,
        values: impl IntoIterator<Item = f64>,
        include_zero: bool,
    ) -> Result<Self, PlotError> {
        scale.validate()?;
        let (mut vmin, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            if scale.apply(v).is_some() {
                vmin = vmin.min(v);
                vmax = vmax.max(v);
            }
        }
        if vmin > vmax {
            return Err(PlotError::Empty {
                what: match scale {
                    Scale::Log10 => "no positive finite value to show on a log scale".into(),
                    _ => "no finite value to show".into(),
                },
            });
        }
        if include_zero && scale != Scale::Log10 {
            vmin = vmin.min(0.0);
            vmax = vmax.max(0.0);
        }
        let (mut lo, mut hi) = (scale.apply(vmin).unwrap_or(0.0), scale.apply(vmax).unwrap_or(0.0));
        if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()).max(1.0) {
            let pad = if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
            lo -= pad;
            hi += pad;
        } else {
            let pad = 0.05 * (hi - lo);
            lo -= pad;
            hi += pad;
        }
        let ticks = match scale {
            Scale::Linear => linear_ticks(lo, hi, 8),
            Scale::Log10 => log_ticks(lo, hi),
            Scale::SymLog { tau } => symlog_ticks(lo, hi, tau),
        };
        Ok(Self { scale, lo, hi, ticks })
    }

    /// Transformed coordinate of `v`, if drawable.
    pub(crate) fn map(&self, v: f64) -> Option<f64> {
        self.scale.apply(v)
    }
}

/// Nice 1-2-5 ticks covering `[lo, hi]`, about `target` of them, each with its label.
pub(crate) fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    let step = nice_step((hi - lo) / target.max(1) as f64);
    if !(step.is_finite() && step > 0.0) {
        return vec![(lo, fmt_num(lo))];
    }
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .take(100)
        .map(|k| {
            let v = k as f64 * step;
            // snap tiny round-off (e.g. 3 * 0.1) so labels stay short
            let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
            (v, fmt_num(v))
        })
        .collect()
}

/// The 1, 2 or 5 times a power of ten nearest above `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    let frac = raw / mag;
    let nice = if frac <= 1.0 {
        1.0
    } else if frac <= 2.0 {
        2.0
    } else if frac <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Ticks for a log10 axis whose transformed range is `[lo, hi]`.
fn log_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    let (k0, k1) = (lo.ceil() as i64, hi.floor() as i64);
    let decades = (k1 - k0 + 1).max(0);
    let mut ticks = Vec::new();
    if decades <= 2 {
        for k in (lo.floor() as i64)..=k1 {
            for m in [1.0, 2.0, 5.0] {
                let v = m * 10f64.powi(k as i32);
                let t = v.log10();
                if t >= lo && t <= hi {
                    ticks.push((t, fmt_num(v)));
                }
            }
        }
    } else {
        let every = ((decades as f64) / 10.0).ceil().max(1.0) as i64;
        for k in k0..=k1 {
            if k.rem_euclid(every) == 0 {
                ticks.push((k as f64, fmt_num(10f64.powi(k as i32))));
            }
        }
    }
    if ticks.len() < 2 {
        // less than a decade: plain ticks in value space
        return linear_ticks(10f64.powf(lo), 10f64.powf(hi), 5)
            .into_iter()
            .filter(|(v, _)| *v > 0.0)
            .map(|(v, s)| (v.log10(), s))
            .collect();
    }
    ticks
}

/// Ticks for a symlog axis: zero and signed powers of ten at least `tau`.
fn symlog_ticks(lo: f64, hi: f64, tau: f64) -> Vec<(f64, String)> {
    let s = Scale::SymLog { tau };
    let inv = |t: f64| t.signum() * tau * (10f64.powf(t.abs()) - 1.0);
    let max_abs = inv(lo).abs().max(inv(hi).abs());
    // start a decade above tau: |y| = tau sits at only log10(2) ≈ 0.3 from zero, too close to label
    let k0 = tau.log10().ceil() as i64 + 1;
    let k1 = max_abs.log10().floor() as i64;
    let decades = (k1 - k0 + 1).max(0);
    let every = ((decades as f64) / 6.0).ceil().max(1.0) as i64;
    let mut ticks = vec![(0.0, "0".to_string())];
    for k in k0..=k1 {
        if (k1 - k).rem_euclid(every) != 0 {
            continue;
        }
        let v = 10f64.powi(k as i32);
        for v in [v, -v] {
            if let Some(t) = s.apply(v).filter(|t| *t >= lo && *t <= hi) {
                ticks.push((t, fmt_num(v)));
            }
        }
    }
    ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
    ticks
}

/// Short human number: at most four significant digits, scientific outside `[1e-3, 1e5)`.
pub(crate) fn fmt_num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v.is_infinite() {
            if v > 0.0 { "∞".into() } else { "-∞".into() }
        } else {
            "0".into()
        };
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        let s = format!("{v:.2e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = trim_zeros(mant);
        return format!("{mant}e{exp}");
    }
    let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.decimals$}");
    let s = trim_zeros(&s);
    if s == "-0" { "0".into() } else { s }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(1234.0), "1234");
        assert_eq!(fmt_num(0.30000000000000004), "0.3");
        assert_eq!(fmt_num(12.5), "12.5");
        assert_eq!(fmt_num(-0.0123), "-0.0123");
        assert_eq!(fmt_num(1e5), "1e5");
        assert_eq!(fmt_num(2.5e-4), "2.5e-4");
        assert_eq!(fmt_num(f64::NAN), "NaN");
    }

    #[test]
    fn linear_ticks_are_nice() {
        let t = linear_ticks(-0.1, 1.05, 8);
        let v: Vec<f64> = t.iter().map(|t| t.0).collect();
        assert_eq!(v, vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(t[3].1, "0.6");
    }

    #[test]
    fn log_axis_ticks_at_decades() {
        let a = Axis::fit(Scale::Log10, [1e-8, 1.0, 100.0, -5.0], false).unwrap();
        assert!(a.ticks.iter().any(|t| t.1 == "1e-8"));
        assert!(a.ticks.iter().any(|t| t.1 == "100"));
        assert!(Axis::fit(Scale::Log10, [-1.0, 0.0], false).is_err());
    }

    #[test]
    fn symlog_ticks_symmetric() {
        let s = Scale::SymLog { tau: 0.01 };
        let a = Axis::fit(s, [-10.0, 100.0], true).unwrap();
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.1.as_str()).collect();
        assert!(labels.contains(&"0"));
        assert!(labels.contains(&"-10"));
        assert!(labels.contains(&"100"));
        assert!(Scale::SymLog { tau: 0.0 }.validate().is_err());
    }

    #[test]
    fn flat_data_gets_a_range() {
        let a = Axis::fit(Scale::Linear, [3.0, 3.0], false).unwrap();
        assert!(a.lo < 3.0 && a.hi > 3.0);
        let z = Axis::fit(Scale::Linear, [0.0], false).unwrap();
        assert!(z.lo < 0.0 && z.hi > 0.0);
    }
}
