//! The [`Solver`] trait — the mathematics of one iteration — and its outcome, [`Step`].
//!
//! A solver holds algorithm memory only (L-BFGS's pairs, a momentum velocity, a trust
//! radius). Everything else — the loop, evaluation counts, stopping rules, trajectory,
//! observers — belongs to the driver, [`minimize`](fn@crate::minimize), as in argmin's
//! `Solver`/`Executor` split.

use crate::{Objective, OptimError, State, Status};

/// What one call of [`Solver::step`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Step {
    /// The solver moved to a new point; `state.x`, `state.f` and `state.grad` describe it.
    Accepted,
    /// The solver stayed at the same point (e.g. a trust-region step was rejected and the
    /// radius shrunk). The driver counts the iteration but skips the f-change and step-size
    /// rules.
    Rejected,
    /// The solver cannot go on; the run ends with this status. `state` holds the best point
    /// found, with its value and gradient.
    Stop(Status),
}

/// One iteration of an optimization algorithm.
///
/// Called by [`minimize`](fn@crate::minimize): first [`init`](Solver::init) once, after f and ∇f
/// were evaluated at x₀ (so `state.f()` and `state.grad()` are valid), then
/// [`step`](Solver::step) until a stopping rule fires. `obj` counts its own evaluations.
///
/// ```
/// use hesse_optim::{minimize, FnObjective, Objective, OptimError, Options, Solver, State, Step};
///
/// /// Steepest descent with step 1/L for an L-smooth f.
/// struct OneOverL(f64);
/// impl Solver for OneOverL {
///     fn name(&self) -> &'static str { "one-over-l" }
///     fn step(&mut self, obj: &mut dyn Objective, s: &mut State) -> Result<Step, OptimError> {
///         let (x, f, g) = s.parts_mut();
///         for (xi, gi) in x.iter_mut().zip(g.iter()) { *xi -= gi / self.0; }
///         *f = obj.value_and_grad(x, g);
///         Ok(Step::Accepted)
///     }
/// }
/// let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| { g[0] = 4.0 * x[0]; 2.0 * x[0] * x[0] });
/// let report = minimize(&mut obj, &mut OneOverL(4.0), &[3.0], &Options::default())?;
/// assert_eq!(report.x, [0.0]);
/// assert_eq!(report.iterations, 1);
/// # Ok::<(), OptimError>(())
/// ```
pub trait Solver {
    /// A short name for reports and logs, e.g. `"l-bfgs"`.
    fn name(&self) -> &'static str;

    /// Validates the solver's options, checks the objective provides what the solver needs,
    /// and resets algorithm memory. Called once per run, after f and ∇f were evaluated at x₀.
    ///
    /// # Errors
    /// [`OptimError::InvalidOption`] for an option out of range, [`OptimError::Unsupported`]
    /// when the objective lacks something required. The default accepts everything.
    fn init(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<(), OptimError> {
        let _ = (obj, state);
        Ok(())
    }

    /// Performs one iteration from `state`, updating it in place.
    ///
    /// # Errors
    /// Only for misuse an objective reports through `Result` (e.g. [`OptimError::Unsupported`]);
    /// numerical trouble is [`Step::Stop`] with a [`Status`].
    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError>;
}

impl<S: Solver + ?Sized> Solver for &mut S {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn init(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<(), OptimError> {
        (**self).init(obj, state)
    }
    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        (**self).step(obj, state)
    }
}

impl<S: Solver + ?Sized> Solver for Box<S> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn init(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<(), OptimError> {
        (**self).init(obj, state)
    }
    fn step(&mut self, obj: &mut dyn Objective, state: &mut State) -> Result<Step, OptimError> {
        (**self).step(obj, state)
    }
}
