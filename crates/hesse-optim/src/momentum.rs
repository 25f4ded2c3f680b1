//! Gradient descent with momentum, in seed 002's form, and Nesterov's accelerated variant.
//!
//! [`Momentum`] (heavy ball, Polyak 1964), exactly as seed 002 writes it:
//! ```text
//! v ← α·v + ε·∇f(x)
//! x ← x − v
//! ```
//! with v₀ = 0. (PyTorch's `SGD(momentum=μ)` is the same iteration with α = μ and its `v`
//! scaled by 1/ε.)
//!
//! [`Nesterov`] evaluates the gradient at the look-ahead point. In the variable that carries
//! the look-ahead (Sutskever et al. 2013, eq. 3–4; PyTorch's `nesterov=True`), with the
//! gradient at the current point:
//! ```text
//! v ← α·v + ε·∇f(x)
//! x ← x − (α·v + ε·∇f(x))
//! ```
//! so f and ∇f in the [`State`] stay those at x.
//!
//! # Defaults
//! α = 0.9, ε = 1e-3.
//!
//! # Requirements on the objective
//! Gradient only. Not monotone: f may rise; the driver's f-change rule uses |Δf| for that
//! reason.
//!
//! # References
//! - B. T. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
//!   Comput. Math. Math. Phys. 4(5), 1–17, 1964, doi:10.1016/0041-5553(64)90137-5.
//! - I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
//!   momentum in deep learning", ICML 2013, PMLR 28(3):1139–1147.
//! - Y. Nesterov, "A method for solving the convex programming problem with convergence rate
//!   O(1/k²)", Soviet Math. Dokl. 27, 372–376, 1983.

use crate::error::{check_open, check_pos};
use crate::{Objective, OptimError, Solver, State, Step};

/// Heavy-ball momentum, seed 002's `v = α·v + ε·∇f; x = x − v` (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, FnObjective, Momentum, Options};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// let mut m = Momentum::new(0.1).with_alpha(0.5);
/// let report = minimize(&mut obj, &mut m, &[1.0], &Options::default().with_gtol(1e-8).with_ftol(0.0))?;
/// assert!(report.x[0].abs() < 1e-8);
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Momentum {
    /// Momentum coefficient α.
    alpha: f64,
    /// Learning rate ε.
    epsilon: f64,
    /// Velocity v.
    v: Vec<f64>,
}

impl Default for Momentum {
    fn default() -> Self {
        Momentum {
            alpha: 0.9,
            epsilon: 1e-3,
            v: Vec::new(),
        }
    }
}

impl Momentum {
    /// Heavy-ball momentum with learning rate ε and α = 0.9: `v ← 0.9·v + ε·∇f(x)`,
    /// `x ← x − v`; [`Momentum::with_alpha`] sets α. [`Momentum::default()`] has ε = 1e-3.
    ///
    /// ```
    /// use hesse_optim::{minimize, Momentum, Options, VarObjective};
    /// // f = x²: v₁ = 0.1·2 = 0.2, x₁ = 0.8; v₂ = 0.5·0.2 + 0.1·1.6 = 0.26, x₂ = 0.54.
    /// let mut f = VarObjective::new(1, |x: &[hesse_core::Var]| x[0].square());
    /// let opts = Options::default().with_max_iterations(2);
    /// let report = minimize(&mut f, &mut Momentum::new(0.1).with_alpha(0.5), &[1.0], &opts)?;
    /// assert!((report.x[0] - 0.54).abs() < 1e-15);
    /// # Ok::<(), hesse_optim::OptimError>(())
    /// ```
    pub fn new(epsilon: f64) -> Self {
        Momentum {
            epsilon,
            ..Self::default()
        }
    }
    /// Momentum coefficient α ∈ [0, 1) (seed 002 tries 5⁻⁶, 0.5, 0.7 and 0.9; α ≥ 1 makes the
    /// velocity grow without bound and is refused).
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    /// Learning rate ε > 0.
    pub fn with_epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }
    /// The velocity v of the last iteration.
    pub fn velocity(&self) -> &[f64] {
        &self.v
    }
}

impl Solver for Momentum {
    fn name(&self) -> &'static str {
        "momentum"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_open("alpha", self.alpha, -f64::MIN_POSITIVE, 1.0, "a number in [0, 1)")?;
        check_pos("epsilon", self.epsilon)?;
        self.v = vec![0.0; obj.dim()];
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let (x, f, g) = state.parts_mut();
        for ((xi, vi), gi) in x.iter_mut().zip(self.v.iter_mut()).zip(g.iter()) {
            *vi = self.alpha * *vi + self.epsilon * gi;
            *xi -= *vi;
        }
        *f = obj.value_and_grad(x, g);
        Ok(Step::Accepted)
    }
}

/// Nesterov's accelerated gradient in the look-ahead variable (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, FnObjective, Nesterov, Options};
///
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 2.0 * x[0]; x[0] * x[0] });
/// let report = minimize(&mut obj, &mut Nesterov::new(0.1), &[1.0], &Options::default())?;
/// assert!(report.status.is_converged());
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Nesterov {
    /// Momentum coefficient α.
    alpha: f64,
    /// Learning rate ε.
    epsilon: f64,
    /// Velocity v.
    v: Vec<f64>,
}

impl Default for Nesterov {
    fn default() -> Self {
        Nesterov {
            alpha: 0.9,
            epsilon: 1e-3,
            v: Vec::new(),
        }
    }
}

impl Nesterov {
    /// Nesterov's accelerated gradient with learning rate ε and α = 0.9 (see the
    /// [module docs](self)); [`Nesterov::with_alpha`] sets α. [`Nesterov::default()`] has
    /// ε = 1e-3.
    ///
    /// ```
    /// use hesse_optim::{minimize, Nesterov, Options, VarObjective};
    /// // f = x²: v₁ = 0.1·2 = 0.2, x₁ = 1 − (0.5·0.2 + 0.2) = 0.7.
    /// let mut f = VarObjective::new(1, |x: &[hesse_core::Var]| x[0].square());
    /// let opts = Options::default().with_max_iterations(1);
    /// let report = minimize(&mut f, &mut Nesterov::new(0.1).with_alpha(0.5), &[1.0], &opts)?;
    /// assert!((report.x[0] - 0.7).abs() < 1e-15);
    /// # Ok::<(), hesse_optim::OptimError>(())
    /// ```
    pub fn new(epsilon: f64) -> Self {
        Nesterov {
            epsilon,
            ..Self::default()
        }
    }
    /// Momentum coefficient α ∈ [0, 1).
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    /// Learning rate ε > 0.
    pub fn with_epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }
}

impl Solver for Nesterov {
    fn name(&self) -> &'static str {
        "nesterov"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_open("alpha", self.alpha, -f64::MIN_POSITIVE, 1.0, "a number in [0, 1)")?;
        check_pos("epsilon", self.epsilon)?;
        self.v = vec![0.0; obj.dim()];
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        let (x, f, g) = state.parts_mut();
        for ((xi, vi), gi) in x.iter_mut().zip(self.v.iter_mut()).zip(g.iter()) {
            *vi = self.alpha * *vi + self.epsilon * gi;
            *xi -= self.alpha * *vi + self.epsilon * gi;
        }
        *f = obj.value_and_grad(x, g);
        Ok(Step::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FnObjective, Options, Status, minimize};

    #[test]
    fn momentum_matches_seed_update_by_hand() {
        // f = x², ∇f = 2x; α = 0.5, ε = 0.1 from x = 1:
        // v1 = 0.2, x1 = 0.8; v2 = 0.1 + 0.16 = 0.26, x2 = 0.54.
        let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * x[0];
            x[0] * x[0]
        });
        let mut m = Momentum::new(0.1).with_alpha(0.5);
        let r = minimize(
            &mut obj,
            &mut m,
            &[1.0],
            &Options::default().with_max_iterations(2),
        )
        .unwrap();
        assert_eq!(r.status, Status::MaxIterations);
        approx::assert_relative_eq!(r.x[0], 0.54, epsilon = 1e-15);
        approx::assert_relative_eq!(m.velocity()[0], 0.26, epsilon = 1e-15);
    }
}
