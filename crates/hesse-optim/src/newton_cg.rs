//! Newton-CG with a Steihaug trust region on exact Hessian-vector products.
//!
//! Each iteration solves the trust-region subproblem with [`steihaug`] (truncated CG on
//! products ∇²f(x)·v from [`Objective::hvp`]; no Hessian is formed), to the residual
//! tolerance ‖r‖ ≤ min(0.5, √‖g‖)·‖g‖ (Nocedal & Wright eq. 7.3, superlinear convergence),
//! evaluates f and ∇f at x + p, and updates the radius with Alg. 4.1:
//! ρ = (f(x) − f(x + p)) / (m(0) − m(p)) — where f(x) − f(x + p) is at rounding level, the
//! decrease is estimated from the gradients instead (−½(∇f(x) + ∇f(x + p))ᵀp), so the radius
//! does not collapse on badly scaled problems such as Meyer's;
//! ρ < ¼ → Δ ← ¼‖p‖; ρ > ¾ and ‖p‖ = Δ → Δ ← min(2Δ, Δ_max); the step is taken if ρ > η.
//! A non-finite f(x + p) counts as ρ = −∞. A rejected step is [`Step::Rejected`]; the driver
//! counts it as an iteration.
//!
//! When Δ falls below 1e-14·max(1, ‖x‖), or the model predicts no decrease above rounding
//! error while ∇f ≠ 0, the run ends with [`Status::NoProgress`] (or [`Status::NonFinite`] if
//! the last trials were non-finite): f can no longer be decreased in f64 arithmetic.
//!
//! When a step of the largest radius Δ_max along a direction of non-positive curvature is
//! accepted with ρ > ¾, the run ends with [`Status::UnboundedBelow`] after taking it: the
//! model is unbounded along that direction and f followed it, so every further step would do
//! the same (a linear f, −‖x‖², x³ far left).
//!
//! # Defaults
//! Δ₀ = 1, Δ_max = 1e10, η = 0.15 (scipy's `trust-ncg`), at most 2n + 10 CG iterations.
//!
//! # Requirements on the objective
//! f, ∇f and Hessian-vector products ([`Objective::supports_hvp`] must be true); f twice
//! continuously differentiable.
//!
//! # References
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
//!   doi:10.1007/978-0-387-40065-5, Alg. 4.1 and Alg. 7.2.
//! - T. Steihaug, "The conjugate gradient method and trust regions in large scale
//!   optimization", SIAM J. Numer. Anal. 20(3), 626–637, 1983, doi:10.1137/0720042.

use crate::state::norm2;
use crate::trust_region::{CgExit, steihaug};
use crate::trust_step::{RoundingGuard, Trial, check_radii, conclude, reduction_ratio};
use crate::{Objective, OptimError, Solver, State, Status, Step};

/// Trust-region Newton-CG (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, FnObjective, NewtonCg, Options};
///
/// // Rosenbrock with gradient and Hessian-vector product by hand.
/// let mut rosen = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
///     let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
///     g[0] = -2.0 * a - 400.0 * x[0] * b;
///     g[1] = 200.0 * b;
///     a * a + 100.0 * b * b
/// })
/// .with_hvp(|x: &[f64], v: &[f64], out: &mut [f64]| {
///     let h00 = 2.0 - 400.0 * (x[1] - 3.0 * x[0] * x[0]);
///     out[0] = h00 * v[0] - 400.0 * x[0] * v[1];
///     out[1] = -400.0 * x[0] * v[0] + 200.0 * v[1];
/// });
/// let r = minimize(&mut rosen, &mut NewtonCg::new(), &[-1.2, 1.0], &Options::default().with_gtol(1e-10).with_ftol(0.0))?;
/// assert!(r.status.is_converged(), "{r}");
/// assert!((r.x[0] - 1.0).abs() < 1e-10);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonCg {
    /// Initial radius Δ₀.
    radius0: f64,
    /// Largest radius Δ_max.
    radius_max: f64,
    /// Acceptance threshold η ∈ [0, ¼).
    eta: f64,
    /// CG iteration cap; `None` = 2n + 10.
    max_cg: Option<usize>,
    /// Current radius Δ.
    radius: f64,
    /// The step p.
    p: Vec<f64>,
    /// The trial point x + p and its gradient.
    x_trial: Vec<f64>,
    g_trial: Vec<f64>,
    /// Steps accepted at rounding level.
    guard: RoundingGuard,
}

impl Default for NewtonCg {
    fn default() -> Self {
        NewtonCg {
            radius0: 1.0,
            radius_max: 1e10,
            eta: 0.15,
            max_cg: None,
            radius: 1.0,
            p: Vec::new(),
            x_trial: Vec::new(),
            g_trial: Vec::new(),
            guard: RoundingGuard::default(),
        }
    }
}

impl NewtonCg {
    /// The defaults of the [module docs](self).
    pub fn new() -> Self {
        Self::default()
    }
    /// Initial trust radius Δ₀ > 0.
    pub fn with_initial_radius(mut self, radius: f64) -> Self {
        self.radius0 = radius;
        self
    }
    /// Largest trust radius Δ_max ≥ Δ₀.
    pub fn with_max_radius(mut self, radius: f64) -> Self {
        self.radius_max = radius;
        self
    }
    /// Acceptance threshold η ∈ [0, ¼).
    pub fn with_eta(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }
    /// Cap on CG iterations per subproblem (≥ 1).
    pub fn with_max_cg_iterations(mut self, n: usize) -> Self {
        self.max_cg = Some(n);
        self
    }
    /// The current trust radius Δ.
    pub fn radius(&self) -> f64 {
        self.radius
    }
}

impl Solver for NewtonCg {
    fn name(&self) -> &'static str {
        "newton-cg"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_radii(self.radius0, self.radius_max, self.eta)?;
        if self.max_cg == Some(0) {
            return Err(OptimError::invalid("max_cg_iterations", 0, "an integer >= 1"));
        }
        if !obj.supports_hvp() {
            return Err(OptimError::Unsupported {
                what: "hessian-vector products",
            });
        }
        let n = obj.dim();
        self.radius = self.radius0;
        self.p = vec![0.0; n];
        self.x_trial = vec![0.0; n];
        self.g_trial = vec![0.0; n];
        self.guard = RoundingGuard::default();
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let n = state.x().len();
        let gnorm = norm2(state.grad());
        let tol = gnorm.sqrt().min(0.5) * gnorm;
        let max_cg = self.max_cg.unwrap_or(2 * n + 10);
        let mut hvp_err = None;
        let cg = {
            let x = state.x();
            let mut hvp = |v: &[f64], out: &mut [f64]| match obj.hvp(x, v, out) {
                Ok(()) => true,
                Err(e) => {
                    hvp_err = Some(e);
                    false
                }
            };
            steihaug(state.grad(), &mut hvp, self.radius, tol, max_cg, &mut self.p)
        };
        if let Some(e) = hvp_err {
            return Err(e);
        }
        if cg.exit == CgExit::NonFinite {
            return Ok(Step::Stop(Status::NonFinite));
        }
        let f = state.f();
        if cg.predicted.is_nan() || cg.predicted <= 0.0 {
            return Ok(Step::Stop(Status::NoProgress {
                hint: "the quadratic model predicts no decrease: f cannot be decreased further in f64 arithmetic"
                    .into(),
            }));
        }
        let pnorm = norm2(&self.p);
        self.x_trial
            .iter_mut()
            .zip(state.x().iter().zip(&self.p))
            .for_each(|(t, (x, p))| *t = x + p);
        let f_trial = obj.value_and_grad(&self.x_trial, &mut self.g_trial);
        let rho = reduction_ratio(f, f_trial, state.grad(), &self.g_trial, &self.p, cg.predicted);
        // A full step of the largest radius along non-positive curvature that f followed as
        // predicted: the next steps will do the same, f decreasing by about as much forever.
        let unbounded = cg.exit == CgExit::NegativeCurvature && self.radius >= self.radius_max && rho > 0.75;
        if rho < 0.25 {
            self.radius = 0.25 * pnorm;
        } else if rho > 0.75 && cg.exit != CgExit::Converged && cg.exit != CgExit::MaxIterations {
            self.radius = (2.0 * self.radius).min(self.radius_max);
        }
        let trial = Trial {
            x: &self.x_trial,
            f: f_trial,
            g: &self.g_trial,
        };
        Ok(conclude(
            state,
            &mut self.guard,
            trial,
            rho,
            self.eta,
            self.radius,
            unbounded,
        ))
    }
}
