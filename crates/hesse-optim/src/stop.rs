//! Stopping rules and the driver's [`Options`].
//!
//! | rule | test, after each accepted iteration k → k+1 | option | default |
//! |---|---|---|---|
//! | [`StopRule::GradientNorm`] | ‖∇f(x)‖ ≤ gtol, ∞-norm unless [`Norm::L2`] is chosen (also tested at x₀) | [`Options::with_gtol`] | 1e-5 (scipy's L-BFGS-B `gtol`) |
//! | [`StopRule::FunctionChange`] | \|f_k − f_{k+1}\| / max(\|f_k\|, \|f_{k+1}\|, 1) ≤ ftol | [`Options::with_ftol`] | 2.220446049250313e-9 (scipy's `factr = 1e7` × ε) |
//! | [`StopRule::StepSize`] | ‖x_{k+1} − x_k‖∞ ≤ xtol | [`Options::with_xtol`] | 0 (off) |
//! | budget | iterations ≥ max_iterations → [`Status::MaxIterations`](crate::Status::MaxIterations) | [`Options::with_max_iterations`] | 15000 (scipy) |
//! | budget | f evaluations ≥ max_evaluations → [`Status::MaxEvaluations`](crate::Status::MaxEvaluations) | [`Options::with_max_evaluations`] | 15000 (scipy's `maxfun`) |
//! | divergence | f_k > f₀ + limit · max(\|f₀\|, 1) → [`Status::Diverged`](crate::Status::Diverged) | [`Options::with_divergence_limit`] | 1e20 |
//! | unbounded below | f_k < f₀ − limit · max(\|f₀\|, 1) → [`Status::UnboundedBelow`](crate::Status::UnboundedBelow) | same | same |
//! | second order | on a converged or stalled run, λ_min(∇²f) clearly < 0 → a step along its eigenvector, or [`Status::SaddlePoint`](crate::Status::SaddlePoint) | [`Options::with_curvature_check`] | on |
//!
//! The f-change rule is scipy's `ftol` test with an absolute value, so a non-monotone method
//! (gradient descent, momentum, Adam) does not "converge" on a step that *raised* f; for
//! monotone methods it is scipy's test exactly. Set `ftol = 0` for stochastic objectives,
//! where consecutive values come from different mini-batches. Budgets are checked between
//! iterations, so a line search may overrun `max_evaluations` by its own budget (20).

use std::fmt;

use crate::OptimError;
use crate::error::check_nonneg;

/// Which convergence rule ended the run (see the [module docs](crate::stop)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopRule {
    /// ‖∇f‖ ≤ gtol.
    GradientNorm,
    /// Relative change of f ≤ ftol.
    FunctionChange,
    /// ‖Δx‖∞ ≤ xtol.
    StepSize,
}

impl fmt::Display for StopRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopRule::GradientNorm => "gradient norm <= gtol",
            StopRule::FunctionChange => "relative change in f <= ftol",
            StopRule::StepSize => "step size <= xtol",
        })
    }
}

/// The norm of the gradient test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Norm {
    /// max |gᵢ| (scipy's L-BFGS-B, Optim.jl). The default.
    #[default]
    Inf,
    /// (Σ gᵢ²)^½ (scipy's BFGS uses ∞ too; Nocedal & Wright state tests in ‖·‖₂).
    L2,
}

impl Norm {
    /// ‖v‖ in this norm.
    ///
    /// ```
    /// use hesse_optim::Norm;
    /// assert_eq!(Norm::Inf.of(&[3.0, -4.0]), 4.0);
    /// assert_eq!(Norm::L2.of(&[3.0, -4.0]), 5.0);
    /// ```
    pub fn of(self, v: &[f64]) -> f64 {
        match self {
            Norm::Inf => crate::state::norm_inf(v),
            Norm::L2 => crate::state::norm2(v),
        }
    }
}

/// Whether to record the trajectory (x and f per iteration, for plotting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Trajectory {
    /// Don't record (the default).
    #[default]
    Off,
    /// Record `(x, f)` at x₀ and after every accepted iteration into
    /// [`Report::trajectory`](crate::Report::trajectory).
    Record,
}

/// Options of the driver [`minimize`](fn@crate::minimize): stopping rules, budgets, trajectory.
///
/// Setters are infallible; ranges are checked when `minimize` starts. Defaults are in the
/// [module docs](crate::stop).
///
/// ```
/// use hesse_optim::{Norm, Options, Trajectory};
/// let opts = Options::default()
///     .with_gtol(1e-8)
///     .with_grad_norm(Norm::L2)
///     .with_ftol(0.0)
///     .with_max_iterations(500)
///     .with_trajectory(Trajectory::Record);
/// assert_eq!(opts.gtol(), 1e-8);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    gtol: f64,
    grad_norm: Norm,
    ftol: f64,
    xtol: f64,
    max_iterations: usize,
    max_evaluations: usize,
    divergence_limit: f64,
    trajectory: Trajectory,
    curvature_check: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            gtol: 1e-5,
            grad_norm: Norm::Inf,
            ftol: 2.220446049250313e-9,
            xtol: 0.0,
            max_iterations: 15000,
            max_evaluations: 15000,
            divergence_limit: 1e20,
            trajectory: Trajectory::Off,
            curvature_check: true,
        }
    }
}

impl Options {
    /// Gradient tolerance: stop when ‖∇f‖ ≤ gtol. Must be finite and ≥ 0 (0 turns it off).
    pub fn with_gtol(mut self, gtol: f64) -> Self {
        self.gtol = gtol;
        self
    }
    /// The norm of the gradient test and of [`Report::grad_norm`](crate::Report::grad_norm).
    pub fn with_grad_norm(mut self, norm: Norm) -> Self {
        self.grad_norm = norm;
        self
    }
    /// Relative f-change tolerance (scipy's `ftol`). Must be finite and ≥ 0 (0 turns it off).
    pub fn with_ftol(mut self, ftol: f64) -> Self {
        self.ftol = ftol;
        self
    }
    /// Step-size tolerance on ‖Δx‖∞. Must be finite and ≥ 0 (0 turns it off).
    pub fn with_xtol(mut self, xtol: f64) -> Self {
        self.xtol = xtol;
        self
    }
    /// Iteration budget. Any value; 0 evaluates x₀ only.
    pub fn with_max_iterations(mut self, n: usize) -> Self {
        self.max_iterations = n;
        self
    }
    /// Budget of f evaluations. Must be ≥ 1.
    pub fn with_max_evaluations(mut self, n: usize) -> Self {
        self.max_evaluations = n;
        self
    }
    /// Stop with [`Status::Diverged`](crate::Status::Diverged) when
    /// f > f₀ + limit · max(|f₀|, 1). Must be > 0; `f64::INFINITY` turns it off.
    pub fn with_divergence_limit(mut self, limit: f64) -> Self {
        self.divergence_limit = limit;
        self
    }
    /// Record the trajectory or not.
    pub fn with_trajectory(mut self, trajectory: Trajectory) -> Self {
        self.trajectory = trajectory;
        self
    }

    /// Whether the driver checks second-order optimality where a run ends (the default):
    /// the smallest eigenvalue of ∇²f(x), from the exact Hessian for n ≤ 100 and by Lanczos
    /// on Hessian-vector products above. Needs [`Objective::supports_hvp`](crate::Objective::supports_hvp);
    /// skipped otherwise. See [`minimize`](fn@crate::minimize).
    pub fn with_curvature_check(mut self, on: bool) -> Self {
        self.curvature_check = on;
        self
    }
    /// Whether the second-order check runs.
    pub fn curvature_check(&self) -> bool {
        self.curvature_check
    }

    /// The gradient tolerance.
    pub fn gtol(&self) -> f64 {
        self.gtol
    }
    /// The norm of the gradient test.
    pub fn grad_norm(&self) -> Norm {
        self.grad_norm
    }
    /// The relative f-change tolerance.
    pub fn ftol(&self) -> f64 {
        self.ftol
    }
    /// The step-size tolerance.
    pub fn xtol(&self) -> f64 {
        self.xtol
    }
    /// The iteration budget.
    pub fn max_iterations(&self) -> usize {
        self.max_iterations
    }
    /// The evaluation budget.
    pub fn max_evaluations(&self) -> usize {
        self.max_evaluations
    }
    /// The divergence limit.
    pub fn divergence_limit(&self) -> f64 {
        self.divergence_limit
    }
    /// Whether the trajectory is recorded.
    pub fn trajectory(&self) -> Trajectory {
        self.trajectory
    }

    /// Checks every range; called by [`minimize`](fn@crate::minimize).
    ///
    /// # Errors
    /// [`OptimError::InvalidOption`] naming the first option out of range.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_nonneg("gtol", self.gtol)?;
        check_nonneg("ftol", self.ftol)?;
        check_nonneg("xtol", self.xtol)?;
        if self.max_evaluations == 0 {
            return Err(OptimError::invalid("max_evaluations", 0, "an integer >= 1"));
        }
        if self.divergence_limit.is_nan() || self.divergence_limit <= 0.0 {
            return Err(OptimError::invalid(
                "divergence_limit",
                self.divergence_limit,
                "a number > 0 (infinity turns the test off)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_option() {
        let e = Options::default().with_ftol(f64::NAN).validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid option `ftol`: got NaN, expected a finite number >= 0"
        );
        let e = Options::default().with_max_evaluations(0).validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid option `max_evaluations`: got 0, expected an integer >= 1"
        );
        assert!(
            Options::default()
                .with_divergence_limit(f64::INFINITY)
                .validate()
                .is_ok()
        );
        assert!(Options::default().validate().is_ok());
    }
}
