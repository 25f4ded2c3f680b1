//! The Moré–Thuente line search for the strong Wolfe conditions.
//!
//! A port of MINPACK-2's `dcsrch` and its safeguarded step `dcstep` (cubic and quadratic
//! interpolation of φ and φ' at the ends of the interval of uncertainty, with the paper's four
//! cases), as used by L-BFGS-B. Stage 1 works on the modified function
//! ψ(α) = φ(α) − φ(0) − c1 α φ'(0) until ψ(α) ≤ 0 and φ'(α) ≥ 0; stage 2 on φ itself.
//!
//! # Defaults
//! c1 (`ftol` in the paper) = 1e-4, c2 (`gtol`) = 0.9, relative interval tolerance
//! `xtol` = 1e-10, α ∈ [1e-20, 1e10], at most 20 evaluations of φ (scipy's `maxls`).
//! Extrapolation factors as in `dcsrch`: the next trial lies in
//! [α + 1.1 (α − α_l), α + 4 (α − α_l)] until a minimizer is bracketed.
//!
//! # Deviations from `dcsrch`
//! - A non-finite φ(α) or φ'(α) is not passed to the interpolation: the trial step is halved
//!   toward the best point so far and every later trial is kept below it (as LineSearches.jl
//!   does).
//! - The warnings "rounding errors prevent progress" and "xtol test satisfied" return the last
//!   evaluated point as accepted when it satisfies sufficient decrease with α > 0 (L-BFGS-B
//!   also continues after a warning); otherwise they are
//!   [`LineSearchError::IntervalTooSmall`].
//!
//! # Requirements on φ
//! φ'(0) < 0; φ continuously differentiable and bounded below along the ray for the
//! convergence guarantee.
//!
//! # References
//! - J. J. Moré, D. J. Thuente, "Line search algorithms with guaranteed sufficient decrease",
//!   ACM Trans. Math. Softw. 20(3), 286–307, 1994, doi:10.1145/192115.192132.
//! - MINPACK-2 `dcsrch.f` / `dcstep.f` (Argonne National Laboratory, 1993).

use super::{Accepted, LineSearch, LineSearchError};
use crate::OptimError;
use crate::error::{check_open, check_pos};

const XTRAPL: f64 = 1.1;
const XTRAPU: f64 = 4.0;

/// Moré–Thuente strong Wolfe line search (see the [module docs](self)).
///
/// ```
/// use hesse_optim::linesearch::{conditions::strong_wolfe, LineSearch, MoreThuente};
///
/// // Moré & Thuente (1994), function 1: φ(α) = −α / (α² + β), β = 2, with c1 = 1e-3,
/// // c2 = 0.1; from α₀ = 0.1 the paper reports α = 1.4 after 3 evaluations.
/// let b = 2.0;
/// let mut phi = |a: f64| (-a / (a * a + b), (a * a - b) / (a * a + b).powi(2));
/// let mut ls = MoreThuente::new().with_c1(1e-3).with_c2(0.1);
/// let acc = ls.search(&mut phi, 0.0, -1.0 / b, 0.1)?;
/// assert!((acc.alpha - 1.4).abs() < 0.05);
/// assert_eq!(acc.evals, 3);
/// assert!(strong_wolfe(0.0, -1.0 / b, acc.alpha, acc.f, acc.dphi, 1e-3, 0.1));
/// # Ok::<(), hesse_optim::linesearch::LineSearchError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MoreThuente {
    /// Sufficient-decrease constant c1 (the paper's μ, `dcsrch`'s `ftol`).
    c1: f64,
    /// Curvature constant c2 (the paper's η, `dcsrch`'s `gtol`).
    c2: f64,
    /// Relative width of the interval of uncertainty below which the search stops.
    xtol: f64,
    /// Lower bound on α.
    alpha_min: f64,
    /// Upper bound on α.
    alpha_max: f64,
    /// Evaluation budget.
    max_evals: usize,
}

impl Default for MoreThuente {
    fn default() -> Self {
        MoreThuente {
            c1: 1e-4,
            c2: 0.9,
            xtol: 1e-10,
            alpha_min: 1e-20,
            alpha_max: 1e10,
            max_evals: 20,
        }
    }
}

impl MoreThuente {
    /// The defaults of the [module docs](self).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sufficient-decrease constant c1, in (0, c2).
    pub fn with_c1(mut self, c1: f64) -> Self {
        self.c1 = c1;
        self
    }
    /// Curvature constant c2, in (c1, 1).
    pub fn with_c2(mut self, c2: f64) -> Self {
        self.c2 = c2;
        self
    }
    /// Relative interval tolerance, ≥ 0.
    pub fn with_xtol(mut self, xtol: f64) -> Self {
        self.xtol = xtol;
        self
    }
    /// Bounds 0 ≤ α_min < α_max on the step.
    pub fn with_bounds(mut self, alpha_min: f64, alpha_max: f64) -> Self {
        self.alpha_min = alpha_min;
        self.alpha_max = alpha_max;
        self
    }
    /// Evaluation budget (≥ 1).
    pub fn with_max_evals(mut self, n: usize) -> Self {
        self.max_evals = n;
        self
    }
}

impl LineSearch for MoreThuente {
    fn name(&self) -> &'static str {
        "more-thuente"
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_open("c1", self.c1, 0.0, 1.0, "a number in (0, 1)")?;
        check_open("c2", self.c2, self.c1, 1.0, "a number in (c1, 1)")?;
        crate::error::check_nonneg("xtol", self.xtol)?;
        crate::error::check_nonneg("alpha_min", self.alpha_min)?;
        check_pos("alpha_max", self.alpha_max)?;
        if self.alpha_min >= self.alpha_max {
            return Err(OptimError::invalid(
                "alpha_min",
                self.alpha_min,
                "a number < alpha_max",
            ));
        }
        if self.max_evals == 0 {
            return Err(OptimError::invalid("max_evals", 0, "an integer >= 1"));
        }
        Ok(())
    }

    fn search(
        &mut self,
        phi: &mut dyn FnMut(f64) -> (f64, f64),
        finit: f64,
        ginit: f64,
        alpha0: f64,
    ) -> Result<Accepted, LineSearchError> {
        if ginit.is_nan() || ginit >= 0.0 {
            return Err(LineSearchError::NotDescent { dphi0: ginit });
        }
        let (stpmin, stpmax) = (self.alpha_min, self.alpha_max);
        let xtol = self.xtol;
        let mut stp = if alpha0 > 0.0 {
            alpha0.clamp(stpmin, stpmax)
        } else {
            1.0f64.clamp(stpmin, stpmax)
        };
        let gtest = self.c1 * ginit;
        let mut brackt = false;
        let mut stage1 = true;
        let mut width = stpmax - stpmin;
        let mut width1 = 2.0 * width;
        // (stx, fx, gx): the step with the least ψ (or φ) so far; (sty, fy, gy): the other end.
        let (mut stx, mut fx, mut gx) = (0.0, finit, ginit);
        let (mut sty, mut fy, mut gy) = (0.0, finit, ginit);
        let mut stmin = 0.0;
        let mut stmax = stp + XTRAPU * stp;
        // Smallest step at which a non-finite value was met.
        let mut cap = f64::INFINITY;
        let mut any_finite = false;

        for evals in 1..=self.max_evals {
            let (f, g) = phi(stp);
            if !(f.is_finite() && g.is_finite()) {
                cap = cap.min(stp);
                stp = stx + 0.5 * (stp - stx);
                if (stp - stx).abs() <= stpmin.max(f64::EPSILON * stx.abs()) {
                    return Err(LineSearchError::NonFinite { evals });
                }
                continue;
            }
            any_finite = true;
            let ftest = finit + stp * gtest;
            if stage1 && f <= ftest && g >= 0.0 {
                stage1 = false;
            }
            let accept = Accepted {
                alpha: stp,
                f,
                dphi: g,
                evals,
            };
            // dcsrch's warnings: rounding errors, or the interval is below xtol.
            if brackt && (stp <= stmin || stp >= stmax || stmax - stmin <= xtol * stmax) {
                return if stp > 0.0 && f <= ftest {
                    Ok(accept)
                } else {
                    Err(LineSearchError::IntervalTooSmall { evals })
                };
            }
            if stp == stpmax && f <= ftest && g <= gtest {
                return Ok(accept);
            }
            if stp == stpmin && (f > ftest || g >= gtest) {
                return Err(LineSearchError::StepTooSmall { evals });
            }
            // Convergence: strong Wolfe.
            if f <= ftest && g.abs() <= self.c2 * (-ginit) {
                return Ok(accept);
            }
            if stage1 && f <= fx && f > ftest {
                // Stage 1 with a lower φ but no sufficient decrease: step on ψ.
                let (mut fxm, mut gxm) = (fx - stx * gtest, gx - gtest);
                let (mut fym, mut gym) = (fy - sty * gtest, gy - gtest);
                let (fm, gm) = (f - stp * gtest, g - gtest);
                let mut iv = Interval {
                    stx,
                    fx: fxm,
                    dx: gxm,
                    sty,
                    fy: fym,
                    dy: gym,
                    brackt,
                };
                stp = dcstep(&mut iv, stp, fm, gm, stmin, stmax);
                (stx, fxm, gxm, sty, fym, gym, brackt) =
                    (iv.stx, iv.fx, iv.dx, iv.sty, iv.fy, iv.dy, iv.brackt);
                fx = fxm + stx * gtest;
                fy = fym + sty * gtest;
                gx = gxm + gtest;
                gy = gym + gtest;
            } else {
                let mut iv = Interval {
                    stx,
                    fx,
                    dx: gx,
                    sty,
                    fy,
                    dy: gy,
                    brackt,
                };
                stp = dcstep(&mut iv, stp, f, g, stmin, stmax);
                (stx, fx, gx, sty, fy, gy, brackt) = (iv.stx, iv.fx, iv.dx, iv.sty, iv.fy, iv.dy, iv.brackt);
            }
            // Force a sufficient decrease in the size of the interval.
            if brackt {
                if (sty - stx).abs() >= 0.66 * width1 {
                    stp = stx + 0.5 * (sty - stx);
                }
                width1 = width;
                width = (sty - stx).abs();
            }
            if brackt {
                stmin = stx.min(sty);
                stmax = stx.max(sty);
            } else {
                stmin = stp + XTRAPL * (stp - stx);
                stmax = stp + XTRAPU * (stp - stx);
            }
            stp = stp.clamp(stpmin, stpmax);
            // If further progress is not possible, let stp be the best point so far.
            if brackt && (stp <= stmin || stp >= stmax || stmax - stmin <= xtol * stmax) {
                stp = stx;
            }
            if stp >= cap {
                stp = stx + 0.5 * (cap - stx);
            }
        }
        if any_finite {
            Err(LineSearchError::MaxEvaluations {
                evals: self.max_evals,
            })
        } else {
            Err(LineSearchError::NonFinite {
                evals: self.max_evals,
            })
        }
    }
}

/// The interval of uncertainty of `dcstep`: ends x (best) and y, values and derivatives.
struct Interval {
    stx: f64,
    fx: f64,
    dx: f64,
    sty: f64,
    fy: f64,
    dy: f64,
    brackt: bool,
}

/// MINPACK-2 `dcstep`: a safeguarded step from the trial (stp, fp, dp), updating the interval.
/// Returns the new trial step. The four cases are those of Moré & Thuente (1994), §4.
fn dcstep(iv: &mut Interval, stp: f64, fp: f64, dp: f64, stpmin: f64, stpmax: f64) -> f64 {
    let Interval {
        stx,
        fx,
        dx,
        sty,
        fy,
        dy,
        ..
    } = *iv;
    let sgnd = dp * (dx / dx.abs());
    let stpf;
    if fp > fx {
        // Case 1: higher function value; the minimum is bracketed.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
        if stp < stx {
            gamma = -gamma;
        }
        let p = (gamma - dx) + theta;
        let q = ((gamma - dx) + gamma) + dp;
        let r = p / q;
        let stpc = stx + r * (stp - stx);
        let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        stpf = if (stpc - stx).abs() < (stpq - stx).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        };
        iv.brackt = true;
    } else if sgnd < 0.0 {
        // Case 2: lower value, derivatives of opposite sign; the minimum is bracketed.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dx;
        let r = p / q;
        let stpc = stp + r * (stx - stp);
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = if (stpc - stp).abs() > (stpq - stp).abs() {
            stpc
        } else {
            stpq
        };
        iv.brackt = true;
    } else if dp.abs() < dx.abs() {
        // Case 3: lower value, same-sign derivative, decreasing in magnitude.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        // The case gamma = 0 only arises if the cubic does not tend to infinity in the
        // direction of the step.
        let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).max(0.0).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            stp + r * (stx - stp)
        } else if stp > stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if iv.brackt {
            // A step close to stp, but not too close to the end of the interval.
            let t = if (stpc - stp).abs() < (stpq - stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = if stp > stx {
                t.min(stp + 0.66 * (sty - stp))
            } else {
                t.max(stp + 0.66 * (sty - stp))
            };
        } else {
            // A step far from stp.
            let t = if (stpc - stp).abs() > (stpq - stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = t.clamp(stpmin, stpmax);
        }
    } else {
        // Case 4: lower value, same-sign derivative, not decreasing in magnitude.
        stpf = if iv.brackt {
            let theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
            let s = theta.abs().max(dy.abs()).max(dp.abs());
            let mut gamma = s * ((theta / s).powi(2) - (dy / s) * (dp / s)).sqrt();
            if stp > sty {
                gamma = -gamma;
            }
            let p = (gamma - dp) + theta;
            let q = ((gamma - dp) + gamma) + dy;
            let r = p / q;
            stp + r * (sty - stp)
        } else if stp > stx {
            stpmax
        } else {
            stpmin
        };
    }
    // Update the interval which contains a minimizer.
    if fp > fx {
        iv.sty = stp;
        iv.fy = fp;
        iv.dy = dp;
    } else {
        if sgnd < 0.0 {
            iv.sty = stx;
            iv.fy = fx;
            iv.dy = dx;
        }
        iv.stx = stp;
        iv.fx = fp;
        iv.dx = dp;
    }
    stpf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linesearch::conditions::strong_wolfe;

    fn run(mut phi: impl FnMut(f64) -> (f64, f64), c1: f64, c2: f64, alpha0: f64) -> Accepted {
        let (f0, g0) = phi(0.0);
        let mut ls = MoreThuente::new().with_c1(c1).with_c2(c2).with_max_evals(40);
        let acc = ls.search(&mut phi, f0, g0, alpha0).expect("search succeeds");
        assert!(
            strong_wolfe(f0, g0, acc.alpha, acc.f, acc.dphi, c1, c2),
            "{acc:?}"
        );
        acc
    }

    // Moré & Thuente (1994), Table 1: function (5.1), β = 2, μ = 0.001, η = 0.1.
    // Published: α₀ = 1e-3 → α 1.4 (6 evals), 1e-1 → 1.4 (3), 10 → 10 (1), 1e3 → 37 (4).
    #[test]
    fn table_1() {
        let b = 2.0;
        let phi = |a: f64| (-a / (a * a + b), (a * a - b) / (a * a + b).powi(2));
        for (a0, want, evals) in [(1e-3, 1.4, 6), (1e-1, 1.4, 3), (10.0, 10.0, 1), (1e3, 37.0, 4)] {
            let acc = run(phi, 1e-3, 0.1, a0);
            assert!((acc.alpha - want).abs() < 0.05 * want, "α0 = {a0}: {acc:?}");
            assert_eq!(acc.evals, evals, "α0 = {a0}: {acc:?}");
        }
    }

    // Table 2: function (5.2), φ(α) = (α + β)⁵ − 2(α + β)⁴, β = 0.004, μ = η = 0.1.
    // Published: α = 1.6 from every α₀ in {1e-3, 1e-1, 10, 1e3}, after 12, 8, 8, 11 evaluations.
    #[test]
    fn table_2() {
        let b = 0.004;
        let phi = |a: f64| {
            let t = a + b;
            (t.powi(5) - 2.0 * t.powi(4), 5.0 * t.powi(4) - 8.0 * t.powi(3))
        };
        for (a0, evals) in [(1e-3, 12), (1e-1, 8), (10.0, 8), (1e3, 11)] {
            let acc = run(phi, 0.1, 0.1, a0);
            assert!((acc.alpha - 1.6).abs() < 0.05, "α0 = {a0}: {acc:?}");
            assert_eq!(acc.evals, evals, "α0 = {a0}: {acc:?}");
        }
    }

    // Table 3: function (5.3) with β = 0.01, l = 39, μ = η = 0.1.
    // Published: α = 1.0 from every α₀, after 12, 12, 10, 13 evaluations.
    #[test]
    fn table_3() {
        let (b, l) = (0.01, 39.0);
        let pi = std::f64::consts::PI;
        let phi = |a: f64| {
            let (p0, d0) = if a <= 1.0 - b {
                (1.0 - a, -1.0)
            } else if a >= 1.0 + b {
                (a - 1.0, 1.0)
            } else {
                ((a - 1.0).powi(2) / (2.0 * b) + b / 2.0, (a - 1.0) / b)
            };
            let c = 2.0 * (1.0 - b) / (l * pi);
            (
                p0 + c * (l * pi * a / 2.0).sin(),
                d0 + c * (l * pi / 2.0) * (l * pi * a / 2.0).cos(),
            )
        };
        for (a0, evals) in [(1e-3, 12), (1e-1, 12), (10.0, 10), (1e3, 13)] {
            let acc = run(phi, 0.1, 0.1, a0);
            assert!((acc.alpha - 1.0).abs() < 0.05, "α0 = {a0}: {acc:?}");
            assert_eq!(acc.evals, evals, "α0 = {a0}: {acc:?}");
        }
    }

    #[test]
    fn shrinks_past_non_finite() {
        let mut phi = |a: f64| {
            if a > 0.5 {
                (f64::NAN, f64::NAN)
            } else {
                ((a - 0.3).powi(2), 2.0 * (a - 0.3))
            }
        };
        let acc = MoreThuente::new().search(&mut phi, 0.09, -0.6, 1.0).unwrap();
        assert!(acc.alpha <= 0.5 && acc.f < 0.09, "{acc:?}");
    }

    #[test]
    fn wrong_slope_fails_in_budget() {
        // φ rises while φ' claims descent (a sign-flipped gradient).
        let mut calls = 0;
        let mut phi = |a: f64| {
            calls += 1;
            (a, -1.0)
        };
        let e = MoreThuente::new().search(&mut phi, 0.0, -1.0, 1.0).unwrap_err();
        assert!(e.evals() <= 20, "{e:?}");
        assert!(calls <= 20);
    }
}
