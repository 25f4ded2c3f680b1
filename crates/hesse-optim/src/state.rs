//! [`State`]: the iterate a solver reads and advances, and what observers see.

/// The current iterate: point, value, gradient, iteration number and evaluation counts.
///
/// The driver ([`minimize`](fn@crate::minimize)) creates it, evaluates f and ∇f at the start,
/// and keeps the counts and iteration number; a [`Solver`](crate::Solver) moves `x` and keeps
/// `f` and `grad` consistent with it (the value and gradient *at* `x`).
///
/// ```
/// let s = hesse_optim::State::new(&[1.0, 2.0]);
/// assert_eq!(s.x(), &[1.0, 2.0]);
/// assert!(s.f().is_nan()); // not evaluated yet
/// assert_eq!(s.iteration(), 0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub(crate) x: Vec<f64>,
    pub(crate) f: f64,
    pub(crate) grad: Vec<f64>,
    pub(crate) grad_norm: f64,
    pub(crate) iteration: usize,
    pub(crate) f_evals: usize,
    pub(crate) g_evals: usize,
    pub(crate) hvp_evals: usize,
    pub(crate) hess_evals: usize,
}

impl State {
    /// A state at `x0`, with f and the gradient not yet evaluated (NaN).
    pub fn new(x0: &[f64]) -> Self {
        State {
            x: x0.to_vec(),
            f: f64::NAN,
            grad: vec![f64::NAN; x0.len()],
            grad_norm: f64::NAN,
            iteration: 0,
            f_evals: 0,
            g_evals: 0,
            hvp_evals: 0,
            hess_evals: 0,
        }
    }

    /// The current point x.
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// The current point, mutably (for solvers).
    pub fn x_mut(&mut self) -> &mut [f64] {
        &mut self.x
    }

    /// f(x).
    pub fn f(&self) -> f64 {
        self.f
    }

    /// Sets f(x) (for solvers).
    pub fn set_f(&mut self, f: f64) {
        self.f = f;
    }

    /// ∇f(x).
    pub fn grad(&self) -> &[f64] {
        &self.grad
    }

    /// ∇f(x), mutably (for solvers).
    pub fn grad_mut(&mut self) -> &mut [f64] {
        &mut self.grad
    }

    /// Point, value and gradient at once, mutably (for solvers that update all three).
    pub fn parts_mut(&mut self) -> (&mut [f64], &mut f64, &mut [f64]) {
        (&mut self.x, &mut self.f, &mut self.grad)
    }

    /// The gradient norm in the norm the options chose ([`Norm`](crate::Norm)), as of the
    /// last completed iteration.
    pub fn grad_norm(&self) -> f64 {
        self.grad_norm
    }

    /// Completed iterations.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Evaluations of f so far (each `value` or `value_and_grad` call counts one).
    pub fn f_evals(&self) -> usize {
        self.f_evals
    }

    /// Evaluations of ∇f so far (each `value_and_grad` call counts one).
    pub fn g_evals(&self) -> usize {
        self.g_evals
    }

    /// Hessian-vector products so far.
    pub fn hvp_evals(&self) -> usize {
        self.hvp_evals
    }

    /// Dense Hessians so far ([`Objective::hessian`](crate::Objective::hessian)).
    pub fn hess_evals(&self) -> usize {
        self.hess_evals
    }
}

/// ‖v‖₂.
pub(crate) fn norm2(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

/// ‖v‖∞.
pub(crate) fn norm_inf(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m: f64, a| m.max(a.abs()))
}

/// aᵀb.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Whether every entry is finite.
pub(crate) fn all_finite(v: &[f64]) -> bool {
    v.iter().all(|a| a.is_finite())
}
