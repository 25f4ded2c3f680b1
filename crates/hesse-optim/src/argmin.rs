//! A hesse loss as an [argmin](https://argmin-rs.org) problem (feature `argmin`).
//!
//! [`ArgminProblem`] records a loss once ([`RecordedFn`]) and answers argmin's
//! [`CostFunction`], [`Gradient`] and [`Hessian`] by replaying it: exact gradients and exact,
//! exactly symmetric Hessians for any argmin solver — L-BFGS, BFGS, conjugate gradients,
//! Newton, Newton-CG, the trust-region methods.
//!
//! **Types.** Parameters and gradients are nalgebra's `DVector<f64>`, the Hessian a
//! `DMatrix<f64>`, through argmin-math's `nalgebra_v0_33` backend: it is the backend that
//! implements everything argmin's L-BFGS needs *and* the `ArgminInv` that its [`Newton`]
//! needs for a dense n×n matrix (the `Vec<f64>` backend has no inverse; the `ndarray` one
//! needs a LAPACK build), and nalgebra 0.33 is the version the workspace already builds.
//! Use argmin 0.11 with it: `argmin = "0.11"` in your `Cargo.toml` beside
//! `hesse-optim = { …, features = ["argmin"] }`.
//!
//! **Errors.** A parameter of the wrong length is [`OptimError::DimensionMismatch`], and a
//! Hessian above hesse-core's [dense-memory limit](hesse_core::dense) is
//! [`CoreError::DenseTooLarge`](hesse_core::CoreError::DenseTooLarge), both handed to argmin
//! as its `Error` (so `Executor::run` returns them, and `downcast_ref` recovers them).
//!
//! [`Newton`]: https://docs.rs/argmin/0.11/argmin/solver/newton/struct.Newton.html
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::linesearch::MoreThuenteLineSearch;
//! use argmin::solver::newton::Newton;
//! use argmin::solver::quasinewton::LBFGS;
//! use hesse_core::Var;
//! use hesse_optim::argmin::ArgminProblem;
//! use nalgebra::DVector;
//!
//! fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
//!     (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
//! }
//! let x0 = DVector::from_vec(vec![-1.2, 1.0]);
//!
//! // argmin's L-BFGS on hesse's exact gradients.
//! let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 7);
//! let res = Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), lbfgs)
//!     .configure(|state| state.param(x0.clone()).max_iters(100))
//!     .run()?;
//! let x = res.state().get_best_param().unwrap();
//! assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6);
//!
//! // argmin's Newton on hesse's exact Hessians.
//! let res = Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), Newton::<f64>::new())
//!     .configure(|state| state.param(x0).max_iters(10))
//!     .run()?;
//! let x = res.state().get_param().unwrap();
//! assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
//! # Ok::<(), argmin::core::Error>(())
//! ```

use std::sync::{Mutex, MutexGuard};

use ::argmin::core::{CostFunction, Error, Gradient, Hessian};
use hesse_core::{LossFn, RecordedFn, VectorLossFn};
use nalgebra::{DMatrix, DVector};

use crate::OptimError;

/// A hesse loss, recorded once, as an argmin problem: [`CostFunction`], [`Gradient`] and
/// [`Hessian`] over `DVector<f64>` (see the [module docs](self)).
///
/// argmin asks through `&self`; the recording replays through `&mut`, so it sits behind a
/// mutex (uncontended in argmin's sequential solvers: a lock costs a few nanoseconds), which
/// also makes the problem `Sync` for argmin's parallel `bulk_*` calls.
///
/// ```
/// use argmin::core::{CostFunction, Gradient, Hessian};
/// use hesse_optim::argmin::ArgminProblem;
/// use nalgebra::{dmatrix, dvector};
///
/// // f(x, y) = x²y: ∇f = (2xy, x²), ∇²f = [[2y, 2x], [2x, 0]].
/// let p = ArgminProblem::new(|x| x[0].powi(2) * x[1], &[1.0, 1.0]);
/// let at = dvector![3.0, 2.0];
/// assert_eq!(p.cost(&at)?, 18.0);
/// assert_eq!(p.gradient(&at)?, dvector![12.0, 9.0]);
/// assert_eq!(p.hessian(&at)?, dmatrix![4.0, 6.0; 6.0, 0.0]);
/// // A point of the wrong length is an error, not a panic.
/// assert!(p.cost(&dvector![1.0]).is_err());
/// # Ok::<(), argmin::core::Error>(())
/// ```
pub struct ArgminProblem {
    recorded: Mutex<RecordedFn>,
    dim: usize,
}

impl ArgminProblem {
    /// Records `f` (a closure over one scalar `Var` per coordinate) at `x0`; the problem's
    /// dimension is `x0.len()`.
    ///
    /// ```
    /// use argmin::core::CostFunction;
    /// let p = hesse_optim::argmin::ArgminProblem::new(|x| x[0].exp() + x[1], &[0.0, 0.0]);
    /// assert_eq!(p.dim(), 2);
    /// assert_eq!(p.cost(&nalgebra::dvector![0.0, 2.0])?, 3.0);
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    pub fn new<F>(f: F, x0: &[f64]) -> Self
    where
        F: LossFn, // a closure stored in a `let` needs `hesse::function(|x| ...)` around it
    {
        Self::from_recorded(RecordedFn::new(f, x0))
    }

    /// Records `f` (a closure over one rank-1 `Var`, e.g. a network's flat parameters) at
    /// `x0`.
    ///
    /// ```
    /// use argmin::core::Gradient;
    /// let p = hesse_optim::argmin::ArgminProblem::new_vector(|w| w.square().sum(), &[0.0; 3]);
    /// assert_eq!(p.gradient(&nalgebra::dvector![1.0, 2.0, 3.0])?, nalgebra::dvector![2.0, 4.0, 6.0]);
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    pub fn new_vector<F>(f: F, x0: &[f64]) -> Self
    where
        F: VectorLossFn, // a closure in a `let` needs `hesse::vector::function(|w| ...)`
    {
        Self::from_recorded(RecordedFn::new_vector(f, x0))
    }

    /// A problem answered by an existing recording (with its settings, e.g.
    /// [`RecordedFn::jit`]).
    ///
    /// ```
    /// use argmin::core::CostFunction;
    /// let rec = hesse_core::RecordedFn::new(|x| x[0] * x[1], &[1.0, 1.0]).jit();
    /// let p = hesse_optim::argmin::ArgminProblem::from_recorded(rec);
    /// assert_eq!(p.cost(&nalgebra::dvector![2.0, 3.0])?, 6.0);
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    pub fn from_recorded(recorded: RecordedFn) -> Self {
        let dim = recorded.dim();
        ArgminProblem {
            recorded: Mutex::new(recorded),
            dim,
        }
    }

    /// The number of coordinates.
    ///
    /// ```
    /// assert_eq!(hesse_optim::argmin::ArgminProblem::new(|x| x[0] * x[1] * x[2], &[1.0; 3]).dim(), 3);
    /// ```
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The recording back (after argmin's `Executor` hands the problem back in its result).
    ///
    /// ```
    /// let p = hesse_optim::argmin::ArgminProblem::new(|x| x[0].sin(), &[0.0]);
    /// let mut rec = p.into_recorded();
    /// assert_eq!(rec.value(&[0.0]), 0.0);
    /// ```
    pub fn into_recorded(self) -> RecordedFn {
        self.recorded.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a replay so far took a recorded comparison the other way than the
    /// recording did ([`RecordedFn::branch_changed`]): then re-record at the new point.
    ///
    /// ```
    /// use argmin::core::CostFunction;
    /// let p = hesse_optim::argmin::ArgminProblem::new(|x| x[0].abs(), &[1.0]);
    /// p.cost(&nalgebra::dvector![2.0])?;
    /// assert!(!p.branch_changed()); // `abs` is a kernel: it re-evaluates, nothing is frozen
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    pub fn branch_changed(&self) -> bool {
        self.lock().branch_changed()
    }

    /// The recording, or a dimension error for a point of the wrong length.
    fn at(&self, x: &DVector<f64>) -> Result<MutexGuard<'_, RecordedFn>, Error> {
        if x.len() != self.dim {
            return Err(Error::new(OptimError::DimensionMismatch {
                expected: self.dim,
                got: x.len(),
            }));
        }
        Ok(self.lock())
    }

    /// A panic inside a replay poisons the mutex; the recording itself is still whole (a
    /// replay writes only its own buffers), so it is used as is.
    fn lock(&self) -> MutexGuard<'_, RecordedFn> {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::fmt::Debug for ArgminProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArgminProblem")
            .field("dim", &self.dim)
            .finish_non_exhaustive()
    }
}

impl From<RecordedFn> for ArgminProblem {
    fn from(recorded: RecordedFn) -> Self {
        ArgminProblem::from_recorded(recorded)
    }
}

impl CostFunction for ArgminProblem {
    type Param = DVector<f64>;
    type Output = f64;

    /// f(x), by a replay of the recording.
    fn cost(&self, x: &DVector<f64>) -> Result<f64, Error> {
        Ok(self.at(x)?.value(x.as_slice()))
    }
}

impl Gradient for ArgminProblem {
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;

    /// The exact ∇f(x), by a replay of the recording.
    fn gradient(&self, x: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let mut g = DVector::zeros(self.dim);
        self.at(x)?.value_and_grad_to(x.as_slice(), g.as_mut_slice());
        Ok(g)
    }
}

impl Hessian for ArgminProblem {
    type Param = DVector<f64>;
    type Hessian = DMatrix<f64>;

    /// The exact ∇²f(x), exactly symmetric; above hesse-core's dense-memory limit,
    /// [`CoreError::DenseTooLarge`](hesse_core::CoreError::DenseTooLarge).
    fn hessian(&self, x: &DVector<f64>) -> Result<DMatrix<f64>, Error> {
        let h = self.at(x)?.try_hessian(x.as_slice()).map_err(Error::new)?;
        // Row-major into column-major; the matrix is symmetric, so this is only a copy.
        Ok(DMatrix::from_row_slice(self.dim, self.dim, h.as_slice()))
    }
}
