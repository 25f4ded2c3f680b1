//! Adam, for (mini-batch) stochastic gradients.
//!
//! Kingma & Ba (2015), Algorithm 1, with t counting from 1:
//! ```text
//! m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
//! m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
//! x ← x − η m̂ / (√v̂ + ε)
//! ```
//! One `value_and_grad` call per iteration, so a stochastic objective — an
//! [`FnObjective`](crate::FnObjective) whose closure draws the next mini-batch on every call —
//! sees one batch per step. The value in the [`State`] is then that batch's loss: turn the
//! f-change rule off (`Options::with_ftol(0.0)`) and stop on the iteration budget.
//!
//! # Defaults
//! η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (the paper's).
//!
//! # Requirements on the objective
//! Gradient only.
//!
//! # References
//! - D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization", ICLR 2015,
//!   arXiv:1412.6980.

use crate::error::{check_open, check_pos};
use crate::{Objective, OptimError, Solver, State, Step};

/// Adam (see the [module docs](self)).
///
/// ```
/// use hesse_optim::{minimize, Adam, FnObjective, Options};
///
/// // A "stochastic" objective: each call sees the next of two batches; the mean loss is
/// // ½(x − 1)² + ½(x + 1)² = x² + 1, minimized at 0.
/// let mut batch = 0usize;
/// let mut obj = FnObjective::new(1, move |x: &[f64], g: &mut [f64]| {
///     batch += 1;
///     let c = if batch % 2 == 0 { 1.0 } else { -1.0 };
///     g[0] = 2.0 * (x[0] - c);
///     (x[0] - c).powi(2)
/// });
/// let opts = Options::default().with_ftol(0.0).with_gtol(0.0).with_max_iterations(2000);
/// let report = minimize(&mut obj, &mut Adam::new(0.01), &[3.0], &opts)?;
/// assert!(report.x[0].abs() < 0.05, "{report}");
/// # Ok::<(), hesse_optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    /// Step size η.
    eta: f64,
    /// Decay rate β₁ of the first moment.
    beta1: f64,
    /// Decay rate β₂ of the second moment.
    beta2: f64,
    /// ε in the denominator.
    epsilon: f64,
    /// First-moment estimate m.
    m: Vec<f64>,
    /// Second-moment estimate v.
    v: Vec<f64>,
    /// Step counter t.
    t: i32,
}

impl Default for Adam {
    fn default() -> Self {
        Adam {
            eta: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }
}

impl Adam {
    /// Adam with step size η and the paper's other defaults (β₁ = 0.9, β₂ = 0.999,
    /// ε = 1e-8). [`Adam::default()`] has the paper's η = 1e-3 too.
    ///
    /// ```
    /// use hesse_optim::{minimize, Adam, Options, VarObjective};
    /// // Adam's first step is η·sign(∇f) (m̂ / √v̂ = g / |g|): 3 − 0.5 = 2.5.
    /// let mut f = VarObjective::new(1, |x: &[hesse_core::Var]| (x[0] - 1.0).square());
    /// let opts = Options::default().with_max_iterations(1);
    /// let report = minimize(&mut f, &mut Adam::new(0.5), &[3.0], &opts)?;
    /// assert!((report.x[0] - 2.5).abs() < 1e-7);
    /// assert_eq!(Adam::new(1e-3), Adam::default());
    /// # Ok::<(), hesse_optim::OptimError>(())
    /// ```
    pub fn new(eta: f64) -> Self {
        Adam {
            eta,
            ..Self::default()
        }
    }
    /// Step size η > 0.
    pub fn with_step(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }
    /// Decay rates β₁, β₂ ∈ [0, 1).
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }
    /// ε > 0.
    pub fn with_epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }
}

impl Solver for Adam {
    fn name(&self) -> &'static str {
        "adam"
    }

    fn init(&mut self, obj: &mut dyn Objective, _state: &mut State) -> Result<(), OptimError> {
        check_pos("step", self.eta)?;
        check_open("beta1", self.beta1, -f64::MIN_POSITIVE, 1.0, "a number in [0, 1)")?;
        check_open("beta2", self.beta2, -f64::MIN_POSITIVE, 1.0, "a number in [0, 1)")?;
        check_pos("epsilon", self.epsilon)?;
        self.m = vec![0.0; obj.dim()];
        self.v = vec![0.0; obj.dim()];
        self.t = 0;
        Ok(())
    }

    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        self.t = self.t.saturating_add(1);
        let c1 = 1.0 - self.beta1.powi(self.t);
        let c2 = 1.0 - self.beta2.powi(self.t);
        let (x, f, g) = state.parts_mut();
        for i in 0..x.len() {
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g[i];
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g[i] * g[i];
            let (mh, vh) = (self.m[i] / c1, self.v[i] / c2);
            x[i] -= self.eta * mh / (vh.sqrt() + self.epsilon);
        }
        *f = obj.value_and_grad(x, g);
        Ok(Step::Accepted)
    }
}
