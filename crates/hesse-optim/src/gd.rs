//! Gradient descent with a fixed step: x ← x − η ∇f(x).
//!
//! One evaluation of f and ∇f per iteration. No safeguard: a step that is too large makes
//! the iterates grow until the driver reports [`Status::Diverged`](crate::Status::Diverged)
//! or [`Status::NonFinite`](crate::Status::NonFinite) — the behaviour seed 002 explores with
//! its learning rates.
//!
//! # Defaults
//! η = 1e-3.
//!
//! # Requirements on the objective
//! Gradient only. Converges for L-smooth f when 0 < η < 2/L.
//!
//! # References
//! - J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
//!   doi:10.1007/978-0-387-40065-5, §3.3.

use crate::error::check_pos;
use crate::{Objective, OptimError, Solver, State, Step};

/// Fixed-step gradient descent (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, FnObjective, GradientDescent, Options};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// let report = minimize(&mut obj, &mut GradientDescent::new(0.25), &[1.0], &Options::default())?;
/// // Each step halves x; the f-change test (ftol = 2.2e-9) ends the run first.
/// assert!(report.status.is_converged(), "{report}");
/// assert!(report.x[0].abs() < 1e-4);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GradientDescent {
    /// Step length η (learning rate).
    eta: f64,
}

impl Default for GradientDescent {
    fn default() -> Self {
        GradientDescent { eta: 1e-3 }
    }
}

impl GradientDescent {
    /// Gradient descent with step length (learning rate) η: `x ← x − η ∇f(x)`.
    /// [`GradientDescent::default()`] has η = 1e-3. η must be positive; [`minimize`](fn@crate::minimize)
    /// refuses anything else with [`OptimError`] before running.
    ///
    /// ```
    /// use hesse_optim::{minimize, GradientDescent, Options, VarObjective};
    /// // f = x², x ← x − 0.25·2x = x/2 each step.
    /// let mut f = VarObjective::new(1, |x: &[hesse_core::Var]| x[0].square());
    /// let report = minimize(&mut f, &mut GradientDescent::new(0.25), &[1.0], &Options::default().with_max_iterations(3))?;
    /// assert_eq!(report.x, vec![0.125]);
    /// assert_eq!(GradientDescent::new(1e-3), GradientDescent::default());
    /// # Ok::<(), hesse_optim::OptimError>(())
    /// ```
    pub fn new(eta: f64) -> Self {
        GradientDescent { eta }
    }
    /// Step length η > 0.
    pub fn with_step(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }
}

impl Solver for GradientDescent {
    fn name(&self) -> &'static str {
        "gradient-descent"
    }

    fn init(&mut self, _obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_pos("step", self.eta)
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let (x, f, g) = state.parts_mut();
        for (xi, gi) in x.iter_mut().zip(g.iter()) {
            *xi -= self.eta * gi;
        }
        *f = obj.value_and_grad(x, g);
        Ok(Step::Accepted)
    }
}
