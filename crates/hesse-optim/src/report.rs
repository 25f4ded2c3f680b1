//! [`Report`], what a run returns, and [`Status`], why it stopped.

use std::fmt;
use std::time::Duration;

use crate::{Norm, StopRule};

/// Why a run stopped.
///
/// Only [`Converged`](Status::Converged) means a stopping rule was met; every other status
/// still comes with a usable [`Report`] (its `x` is the best or last finite point).
///
/// ```
/// use hesse_optim::{Status, StopRule};
/// let s = Status::Converged(StopRule::GradientNorm);
/// assert!(s.is_converged());
/// assert_eq!(s.to_string(), "converged: gradient norm <= gtol");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Status {
    /// A convergence rule was met; which one.
    Converged(StopRule),
    /// The iteration budget ran out.
    MaxIterations,
    /// The evaluation budget (evaluations of f) ran out.
    MaxEvaluations,
    /// The line search found no acceptable step, even after resetting the solver's memory
    /// and retrying along steepest descent from the best point — or at once, without a retry,
    /// when its trial steps no longer changed x ([`HINT_NO_STEP`](crate::HINT_NO_STEP)).
    LineSearchFailed {
        /// φ'(0) = ∇f(x)ᵀd along the last search direction d (negative: the gradient says
        /// downhill).
        directional_derivative: f64,
        /// What probably went wrong.
        hint: String,
    },
    /// A non-finite value (NaN or ±∞) in f, the gradient or the point. The report's `x` is the
    /// last point where everything was finite.
    NonFinite,
    /// f grew beyond the divergence limit (see
    /// [`Options::with_divergence_limit`](crate::Options::with_divergence_limit)); the step size
    /// is probably too large.
    Diverged,
    /// The solver cannot make progress (e.g. the trust radius collapsed) for the reason given.
    NoProgress {
        /// Why.
        hint: String,
    },
    /// f looks unbounded below. A trust-region method took a full step of the largest radius
    /// along a direction of non-positive curvature and f fell as the model predicted; a
    /// line-search method's search kept finding lower f at ever longer steps, f falling over
    /// the last one by more than 10⁸·max(|f|, 1) with the slope not flattening; or any method
    /// went below f₀ − limit·max(|f₀|, 1) (the
    /// [divergence limit](crate::Options::with_divergence_limit)). The report's `x` is the
    /// lowest point reached.
    UnboundedBelow,
    /// An [`Observer`](crate::Observer) asked to stop.
    StoppedByObserver,
    /// The run stopped where the gradient is (nearly) zero but the Hessian has a clearly
    /// negative eigenvalue — a saddle point or a maximum, not a minimum — and no step along
    /// the eigenvector decreased f. Found by the second-order check at the end of every run
    /// (see [`Options::with_curvature_check`](crate::Options::with_curvature_check)).
    SaddlePoint {
        /// The most negative eigenvalue found (an upper bound on the smallest one).
        min_eigenvalue: f64,
    },
}

impl Status {
    /// Whether a convergence rule was met.
    pub fn is_converged(&self) -> bool {
        matches!(self, Status::Converged(_))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Converged(rule) => write!(f, "converged: {rule}"),
            Status::MaxIterations => f.write_str("stopped: maximum number of iterations reached"),
            Status::MaxEvaluations => f.write_str("stopped: maximum number of function evaluations reached"),
            Status::LineSearchFailed {
                directional_derivative,
                hint,
            } => write!(
                f,
                "line search failed (directional derivative {directional_derivative:e}): {hint}"
            ),
            Status::NonFinite => {
                f.write_str("stopped: non-finite value (nan or inf) met; x is the last finite point")
            }
            Status::Diverged => {
                f.write_str("diverged: f grew beyond the divergence limit; try a smaller step")
            }
            Status::NoProgress { hint } => write!(f, "no progress: {hint}"),
            Status::UnboundedBelow => f.write_str(
                "stopped: f looks unbounded below (it kept decreasing by orders of magnitude \
                 along ever longer steps); x is the lowest point reached",
            ),
            Status::StoppedByObserver => f.write_str("stopped by an observer"),
            Status::SaddlePoint { min_eigenvalue } => write!(
                f,
                "stopped at a saddle point or maximum, not a minimum: the gradient vanishes but \
                 the Hessian has the negative eigenvalue {min_eigenvalue:e}"
            ),
        }
    }
}

/// The result of [`minimize`](fn@crate::minimize): the final point and how the run went.
///
/// Plain data with public fields; `#[non_exhaustive]` so fields can be added.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// The final point (for [`Status::NonFinite`], the last finite one).
    pub x: Vec<f64>,
    /// f(x).
    pub f: f64,
    /// ‖∇f(x)‖ in the norm chosen by [`Options::with_grad_norm`](crate::Options::with_grad_norm)
    /// (∞-norm by default).
    pub grad_norm: f64,
    /// Which norm `grad_norm` is: [`Norm::Inf`] (the default) or [`Norm::L2`] (the norm
    /// hesse-critical's rules use); the report's text labels it `‖g‖∞` or `‖g‖₂`.
    pub grad_norm_kind: Norm,
    /// Completed iterations.
    pub iterations: usize,
    /// Evaluations of f (each `value` or `value_and_grad` counts one).
    pub f_evals: usize,
    /// Evaluations of ∇f (each `value_and_grad` counts one).
    pub g_evals: usize,
    /// Hessian-vector products.
    pub hvp_evals: usize,
    /// Dense Hessians ([`Objective::hessian`](crate::Objective::hessian)).
    pub hess_evals: usize,
    /// The smallest eigenvalue of ∇²f(x) as the second-order check at the end estimated it
    /// (exactly for small n, by Lanczos otherwise), or `None` when the check did not run (the
    /// run did not converge, the objective has no Hessian-vector products, or the check is
    /// off). Negative on a converged run only if the descent along its eigenvector failed,
    /// and then the status is [`Status::SaddlePoint`].
    pub min_eigenvalue: Option<f64>,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Why the run stopped.
    pub status: Status,
    /// The solver's [`name`](crate::Solver::name).
    pub solver: &'static str,
    /// `(x, f)` at x₀ and after every accepted iteration, when asked for with
    /// [`Options::with_trajectory`](crate::Options::with_trajectory).
    pub trajectory: Option<Vec<(Vec<f64>, f64)>>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} after {} iterations; f = {:e}, {} = {:e}; {} f, {} grad, {} hvp, {} hessian evaluations in {:?}",
            self.solver,
            self.status,
            self.iterations,
            self.f,
            match self.grad_norm_kind {
                Norm::Inf => "‖g‖∞",
                Norm::L2 => "‖g‖₂",
            },
            self.grad_norm,
            self.f_evals,
            self.g_evals,
            self.hvp_evals,
            self.hess_evals,
            self.elapsed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_texts() {
        assert_eq!(
            Status::MaxIterations.to_string(),
            "stopped: maximum number of iterations reached"
        );
        let s = Status::LineSearchFailed {
            directional_derivative: -2.5,
            hint: "check the gradient".into(),
        };
        assert_eq!(
            s.to_string(),
            "line search failed (directional derivative -2.5e0): check the gradient"
        );
        assert!(!Status::NonFinite.is_converged());
    }

    #[test]
    fn report_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<Report>();
        assert_traits::<Status>();
    }
}
