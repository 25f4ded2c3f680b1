//! Line searches: 1-D components that see φ(α) = f(x + α d), never the problem.
//!
//! - [`LineSearch`]: the trait; `search` gets φ as a closure returning `(φ(α), φ'(α))`.
//! - [`MoreThuente`]: strong Wolfe conditions, Moré & Thuente (1994), the default of
//!   [`Lbfgs`](crate::Lbfgs).
//! - [`Backtracking`]: Armijo backtracking with safeguarded quadratic/cubic interpolation; the
//!   L-BFGS fallback.
//! - [`conditions`]: the Armijo and strong Wolfe predicates, pure functions.
//!
//! **Contract.** A search returns the α it accepted together with φ(α) and φ'(α), and the
//! accepted α is always the *last* one it evaluated, so the caller's closure still holds the
//! gradient at x + α d and never re-evaluates it. A non-finite φ(α) or φ'(α) is not accepted:
//! the searches shrink the step toward the last finite point.

pub mod backtracking;
pub mod conditions;
pub mod more_thuente;

pub use backtracking::Backtracking;
pub use more_thuente::MoreThuente;

use std::fmt;

use crate::OptimError;

/// A step a line search accepted.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Accepted {
    /// The step length α.
    pub alpha: f64,
    /// φ(α) = f(x + α d).
    pub f: f64,
    /// φ'(α) = ∇f(x + α d)ᵀ d.
    pub dphi: f64,
    /// Evaluations of φ this search used.
    pub evals: usize,
}

/// Why a line search gave up.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum LineSearchError {
    /// φ'(0) ≥ 0 (or NaN): d is not a descent direction.
    NotDescent {
        /// φ'(0).
        dphi0: f64,
    },
    /// The evaluation budget ran out before the conditions held.
    MaxEvaluations {
        /// Evaluations used.
        evals: usize,
    },
    /// The interval of uncertainty became too small (relative width below `xtol`), or
    /// rounding errors prevent progress: f cannot decrease at machine precision along d.
    IntervalTooSmall {
        /// Evaluations used.
        evals: usize,
    },
    /// The step hit the lower bound `alpha_min` without meeting the conditions.
    StepTooSmall {
        /// Evaluations used.
        evals: usize,
    },
    /// Only non-finite values were met, even after shrinking the step.
    NonFinite {
        /// Evaluations used.
        evals: usize,
    },
}

impl LineSearchError {
    /// Evaluations of φ used before giving up.
    pub fn evals(&self) -> usize {
        match *self {
            LineSearchError::NotDescent { .. } => 0,
            LineSearchError::MaxEvaluations { evals }
            | LineSearchError::IntervalTooSmall { evals }
            | LineSearchError::StepTooSmall { evals }
            | LineSearchError::NonFinite { evals } => evals,
        }
    }
}

impl fmt::Display for LineSearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineSearchError::NotDescent { dphi0 } => {
                write!(
                    f,
                    "not a descent direction: directional derivative {dphi0:e} >= 0"
                )
            }
            LineSearchError::MaxEvaluations { evals } => {
                write!(f, "no acceptable step within {evals} evaluations")
            }
            LineSearchError::IntervalTooSmall { evals } => write!(
                f,
                "interval of uncertainty too small after {evals} evaluations (rounding errors prevent progress)"
            ),
            LineSearchError::StepTooSmall { evals } => {
                write!(f, "step reached its lower bound after {evals} evaluations")
            }
            LineSearchError::NonFinite { evals } => {
                write!(f, "only non-finite values met in {evals} evaluations")
            }
        }
    }
}

impl std::error::Error for LineSearchError {}

/// A 1-D search for a step length along a descent direction.
///
/// `phi(α)` returns `(φ(α), φ'(α))`; `phi0 = φ(0)`, `dphi0 = φ'(0) < 0`, and `alpha0 > 0` is
/// the first trial step. See the [module docs](self) for the contract on the accepted step.
///
/// ```
/// use hesse_optim::linesearch::{LineSearch, MoreThuente};
///
/// // φ(α) = (α − 2)², a 1-D quadratic with its minimum at α = 2.
/// let mut phi = |a: f64| ((a - 2.0) * (a - 2.0), 2.0 * (a - 2.0));
/// let acc = MoreThuente::new().search(&mut phi, 4.0, -4.0, 1.0)?;
/// // α₀ = 1 already meets strong Wolfe with c2 = 0.9: φ(1) = 1 ≤ 4 − 4e-4, |φ'(1)| = 2 ≤ 3.6.
/// assert_eq!((acc.alpha, acc.f, acc.dphi, acc.evals), (1.0, 1.0, -2.0, 1));
/// # Ok::<(), hesse_optim::linesearch::LineSearchError>(())
/// ```
pub trait LineSearch {
    /// A short name, e.g. `"more-thuente"`.
    fn name(&self) -> &'static str;

    /// Checks the parameters' ranges.
    ///
    /// # Errors
    /// [`OptimError::InvalidOption`] naming the parameter.
    fn validate(&self) -> Result<(), OptimError>;

    /// Searches for an acceptable α.
    ///
    /// # Errors
    /// A [`LineSearchError`] saying why no step was accepted.
    fn search(
        &mut self,
        phi: &mut dyn FnMut(f64) -> (f64, f64),
        phi0: f64,
        dphi0: f64,
        alpha0: f64,
    ) -> Result<Accepted, LineSearchError>;
}
