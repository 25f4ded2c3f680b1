//! Backtracking line search with Armijo's condition.
//!
//! Starting at α₀, while φ(α) > φ(0) + c1 α φ'(0), replace α by the minimizer of the quadratic
//! through φ(0), φ'(0) and φ(α), safeguarded into [ρ_lo α, ρ_hi α] (Nocedal & Wright, 2nd ed.,
//! §3.5, "interpolation"; Dennis & Schnabel 1983, Alg. A6.3.1). A non-finite φ(α) shrinks α by
//! ρ_hi. The curvature condition is not enforced, so a quasi-Newton caller must guard its
//! (s, y) pairs — [`Lbfgs`](crate::Lbfgs) does.
//!
//! # Defaults
//! c1 = 1e-4, ρ_lo = 0.1, ρ_hi = 0.5, at most 30 evaluations, α ≥ 1e-20.
//!
//! # References
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
//!   doi:10.1007/978-0-387-40065-5, §3.1 and §3.5.

use super::{Accepted, LineSearch, LineSearchError};
use crate::OptimError;
use crate::error::{check_open, check_pos};

/// Armijo backtracking with safeguarded quadratic interpolation (see the [module docs](self)).
///
/// ```
/// use hesse_optim::linesearch::{Backtracking, LineSearch};
///
/// // φ(α) = (α − 0.1)²: α₀ = 1 fails Armijo, the quadratic step lands on 0.1 at once.
/// let mut phi = |a: f64| ((a - 0.1) * (a - 0.1), 2.0 * (a - 0.1));
/// let acc = Backtracking::new().search(&mut phi, 0.01, -0.2, 1.0)?;
/// assert!((acc.alpha - 0.1).abs() < 1e-12);
/// assert_eq!(acc.evals, 2);
/// # Ok::<(), hesse_optim::linesearch::LineSearchError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Backtracking {
    /// Sufficient-decrease constant c1 ∈ (0, 1).
    c1: f64,
    /// Lower safeguard ρ_lo of the shrink factor.
    rho_lo: f64,
    /// Upper safeguard ρ_hi of the shrink factor.
    rho_hi: f64,
    /// Evaluation budget.
    max_evals: usize,
    /// Smallest step tried.
    alpha_min: f64,
}

impl Default for Backtracking {
    fn default() -> Self {
        Backtracking {
            c1: 1e-4,
            rho_lo: 0.1,
            rho_hi: 0.5,
            max_evals: 30,
            alpha_min: 1e-20,
        }
    }
}

impl Backtracking {
    /// The defaults of the [module docs](self).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sufficient-decrease constant c1, in (0, 1).
    pub fn with_c1(mut self, c1: f64) -> Self {
        self.c1 = c1;
        self
    }
    /// Shrink-factor safeguards 0 < ρ_lo ≤ ρ_hi < 1.
    pub fn with_shrink(mut self, rho_lo: f64, rho_hi: f64) -> Self {
        self.rho_lo = rho_lo;
        self.rho_hi = rho_hi;
        self
    }
    /// Evaluation budget (≥ 1).
    pub fn with_max_evals(mut self, n: usize) -> Self {
        self.max_evals = n;
        self
    }
}

impl LineSearch for Backtracking {
    fn name(&self) -> &'static str {
        "backtracking"
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_open("c1", self.c1, 0.0, 1.0, "a number in (0, 1)")?;
        check_open("rho_lo", self.rho_lo, 0.0, 1.0, "a number in (0, 1)")?;
        check_open("rho_hi", self.rho_hi, 0.0, 1.0, "a number in (0, 1)")?;
        if self.rho_lo > self.rho_hi {
            return Err(OptimError::invalid("rho_lo", self.rho_lo, "a number <= rho_hi"));
        }
        if self.max_evals == 0 {
            return Err(OptimError::invalid("max_evals", 0, "an integer >= 1"));
        }
        check_pos("alpha_min", self.alpha_min)
    }

    fn search(
        &mut self,
        phi: &mut dyn FnMut(f64) -> (f64, f64),
        phi0: f64,
        dphi0: f64,
        alpha0: f64,
    ) -> Result<Accepted, LineSearchError> {
        if dphi0.is_nan() || dphi0 >= 0.0 {
            return Err(LineSearchError::NotDescent { dphi0 });
        }
        let mut alpha = alpha0;
        let mut any_finite = false;
        for evals in 1..=self.max_evals {
            let (f, dphi) = phi(alpha);
            if f.is_finite() && dphi.is_finite() {
                any_finite = true;
                if super::conditions::armijo(phi0, dphi0, alpha, f, self.c1) {
                    return Ok(Accepted {
                        alpha,
                        f,
                        dphi,
                        evals,
                    });
                }
                // Minimizer of q(t) = φ0 + φ'0 t + c t² through φ(α); c > 0 since Armijo failed.
                let denom = 2.0 * (f - phi0 - dphi0 * alpha);
                let aq = -dphi0 * alpha * alpha / denom;
                alpha = aq.clamp(self.rho_lo * alpha, self.rho_hi * alpha);
            } else {
                alpha *= self.rho_hi;
            }
            if alpha < self.alpha_min {
                return Err(LineSearchError::StepTooSmall { evals });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinks_past_nan() {
        // NaN beyond α = 0.3; minimum at 0.2.
        let mut phi = |a: f64| {
            if a > 0.3 {
                (f64::NAN, f64::NAN)
            } else {
                ((a - 0.2).powi(2), 2.0 * (a - 0.2))
            }
        };
        let acc = Backtracking::new().search(&mut phi, 0.04, -0.4, 1.0).unwrap();
        assert!(acc.alpha <= 0.3 && acc.f < 0.04);
    }

    #[test]
    fn rejects_ascent_direction() {
        let mut phi = |a: f64| (a, 1.0);
        assert_eq!(
            Backtracking::new().search(&mut phi, 0.0, 1.0, 1.0),
            Err(LineSearchError::NotDescent { dphi0: 1.0 })
        );
    }

    #[test]
    fn gives_up_on_increasing_function() {
        // The slope claims descent but φ rises: a wrong gradient.
        let mut phi = |a: f64| (a, -1.0);
        let e = Backtracking::new().search(&mut phi, 0.0, -1.0, 1.0).unwrap_err();
        assert!(matches!(
            e,
            LineSearchError::StepTooSmall { .. } | LineSearchError::MaxEvaluations { .. }
        ));
    }
}
