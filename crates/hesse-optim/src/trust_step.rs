//! What the two trust-region methods ([`NewtonCg`](crate::NewtonCg) and
//! [`TrustExact`](crate::TrustExact)) share around their subproblems: the check of their radius
//! settings, the reduction ratio ρ, the guard against steps at rounding level, and the end of a
//! step — accept the trial point or reject it, stopping where the radius has collapsed.

use crate::error::{check_open, check_pos};
use crate::state::{all_finite, norm2};
use crate::{OptimError, State, Status, Step};

/// Checks the shared settings: Δ₀ > 0, Δ_max ≥ Δ₀, η ∈ [0, ¼).
pub(crate) fn check_radii(radius0: f64, radius_max: f64, eta: f64) -> Result<(), OptimError> {
    check_pos("initial_radius", radius0)?;
    check_pos("max_radius", radius_max)?;
    if radius_max < radius0 {
        return Err(OptimError::invalid(
            "max_radius",
            radius_max,
            "a number >= initial_radius",
        ));
    }
    check_open("eta", eta, -f64::MIN_POSITIVE, 0.25, "a number in [0, 0.25)")
}

/// A trial point x + p: where it is, f and ∇f there.
pub(crate) struct Trial<'a> {
    pub x: &'a [f64],
    pub f: f64,
    pub g: &'a [f64],
}

/// The end of a step whose radius is already updated. With ρ > η the trial point becomes the
/// state's point, and the run stops if `unbounded` (f decreasing without bound) or if the
/// rounding guard sees no progress left; otherwise the step is rejected, and the run stops
/// once the radius has collapsed below 1e-14·max(‖x‖₂, 1) (non-finite if the trial was).
pub(crate) fn conclude(
    state: &mut State,
    guard: &mut RoundingGuard,
    trial: Trial<'_>,
    rho: f64,
    eta: f64,
    radius: f64,
    unbounded: bool,
) -> Step {
    if rho > eta {
        let progress = guard.accept(state.f(), trial.f, norm2(trial.g));
        let (x, fx, g) = state.parts_mut();
        x.copy_from_slice(trial.x);
        g.copy_from_slice(trial.g);
        *fx = trial.f;
        return if unbounded {
            Step::Stop(Status::UnboundedBelow)
        } else if !progress {
            Step::Stop(Status::NoProgress {
                hint: "f no longer changes above rounding error and the gradient no longer decreases: \
                       the tolerances may be tighter than attainable"
                    .into(),
            })
        } else {
            Step::Accepted
        };
    }
    if radius < 1e-14 * norm2(state.x()).max(1.0) {
        let finite = trial.f.is_finite() && all_finite(trial.g);
        return Step::Stop(if finite {
            Status::NoProgress {
                hint: "the trust radius collapsed: f cannot be decreased further in f64 arithmetic \
                       (the tolerances may be tighter than attainable)"
                    .into(),
            }
        } else {
            Status::NonFinite
        });
    }
    Step::Rejected
}

/// The ratio ρ = actual / predicted decrease of a trust-region step p from x to x + p.
///
/// The actual decrease is f(x) − f(x + p), unless that difference is within rounding error of
/// f (below 1000·ε·|f(x)|): then f cannot tell the two points apart, and the decrease is
/// estimated from the gradients by the trapezoidal rule, −½(∇f(x) + ∇f(x + p))ᵀp, which is
/// exact for quadratics, accurate to O(‖p‖³) otherwise, and free of the cancellation in
/// f(x) − f(x + p). Without it, steps near a minimum of a badly scaled function (Meyer,
/// Powell badly scaled) get ρ from rounding noise and the radius collapses. A non-finite f
/// or gradient at x + p gives −∞.
pub(crate) fn reduction_ratio(
    f: f64,
    f_trial: f64,
    g: &[f64],
    g_trial: &[f64],
    p: &[f64],
    predicted: f64,
) -> f64 {
    if !(f_trial.is_finite() && g_trial.iter().all(|v| v.is_finite())) {
        return f64::NEG_INFINITY;
    }
    let actual = f - f_trial;
    let actual = if actual.abs() <= 1e3 * f64::EPSILON * f.abs() {
        -0.5 * g
            .iter()
            .zip(g_trial)
            .zip(p)
            .map(|((a, b), pi)| (a + b) * pi)
            .sum::<f64>()
    } else {
        actual
    };
    actual / predicted
}

/// Counts accepted trust-region steps that f could not tell from x (its change at rounding
/// level, accepted on the gradient-based decrease of [`reduction_ratio`]): such steps are
/// progress only while ‖∇f‖ keeps falling. After [`RoundingGuard::LIMIT`] of them in a row
/// without ‖∇f‖ reaching a new low (by a factor 0.9), the run has no progress left to make.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct RoundingGuard {
    count: usize,
    best_grad: f64,
}

impl RoundingGuard {
    /// Rounding-level steps in a row allowed without a new low of ‖∇f‖.
    pub(crate) const LIMIT: usize = 5;

    /// Records an accepted step from f to `f_trial` with gradient norm `grad_norm` there;
    /// returns `false` when the limit is reached.
    pub(crate) fn accept(&mut self, f: f64, f_trial: f64, grad_norm: f64) -> bool {
        if (f - f_trial).abs() > 1e3 * f64::EPSILON * f.abs() {
            *self = RoundingGuard::default();
            return true;
        }
        if self.count == 0 || grad_norm < 0.9 * self.best_grad {
            self.best_grad = grad_norm;
            self.count = 1;
            return true;
        }
        self.count += 1;
        self.count < Self::LIMIT
    }
}
