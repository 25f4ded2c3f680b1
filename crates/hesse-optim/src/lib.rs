//! Optimizers on exact derivatives: gradient descent, momentum, Nesterov, Adam, L-BFGS with
//! a Moré–Thuente line search, trust-region Newton-CG on exact Hessian-vector products, and
//! trust-exact on exact Hessians; every run that converges ends with a second-order check.
//!
//! A tour: Rosenbrock from (−1.2, 1), written once with hesse-core `Var`s; the engine supplies
//! the exact gradient for L-BFGS and the exact Hessian-vector products for Newton-CG.
//!
//! ```
//! use hesse_core::Var;
//! use hesse_optim::{minimize, Lbfgs, NewtonCg, Options, Status, StopRule, Trajectory, VarObjective};
//!
//! let mut rosen = VarObjective::new(2, |x: &[Var]| {
//!     (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
//! });
//! // ftol = 0: let the gradient test alone decide (scipy's f-change test would stop earlier).
//! let opts = Options::default().with_gtol(1e-9).with_ftol(0.0).with_trajectory(Trajectory::Record);
//! let report = minimize(&mut rosen, &mut Lbfgs::new(), &[-1.2, 1.0], &opts)?;
//! assert_eq!(report.status, Status::Converged(StopRule::GradientNorm));
//! assert!((report.x[0] - 1.0).abs() < 1e-8 && (report.x[1] - 1.0).abs() < 1e-8);
//! assert!(report.f_evals < 60);
//! let path = report.trajectory.as_ref().expect("recorded");
//! assert_eq!(path[0].0, [-1.2, 1.0]);
//! assert!((path[0].1 - 24.2).abs() < 1e-12);
//! println!("{report}");
//!
//! let report = minimize(&mut rosen, &mut NewtonCg::new(), &[-1.2, 1.0], &opts)?;
//! assert!(report.status.is_converged() && report.hvp_evals > 0, "{report}");
//! # Ok::<(), hesse_optim::OptimError>(())
//! ```
//!
//! # Structure
//! - [`Objective`]: `value`, `value_and_grad` (one pass), `hvp`; for closures
//!   ([`FnObjective`]) and engine losses ([`VarObjective`], [`VectorObjective`]).
//! - [`Solver`]: the mathematics of one iteration — [`GradientDescent`], [`Momentum`],
//!   [`Nesterov`], [`Adam`], [`Lbfgs`], [`NewtonCg`], [`TrustExact`].
//! - [`minimize`](fn@minimize) / [`minimize_with`]: the driver — loop, evaluation counts, stopping rules
//!   ([`stop`]), trajectory, [`Observer`]s — returning a [`Report`] with a [`Status`].
//! - [`linesearch`]: 1-D searches ([`MoreThuente`](linesearch::MoreThuente),
//!   [`Backtracking`](linesearch::Backtracking)) and the Armijo / strong Wolfe predicates.
//! - [`trust_region`]: Steihaug-CG for the trust-region subproblem;
//!   [`exact_subproblem`]: its exact solution, hard case included.
//! - `argmin` (feature `argmin`): a hesse loss as an argmin problem (`ArgminProblem`), so
//!   argmin's own solvers (L-BFGS, Newton, …) run on exact gradients and Hessians.
//! - [`curvature`]: the smallest Hessian eigenvalue behind the second-order check that ends a
//!   converged or stalled run (see [`minimize`](fn@minimize)): a saddle point or a maximum is
//!   left along negative curvature, or reported as [`Status::SaddlePoint`].
//!
//! # Errors and statuses
//! Options out of range, a starting point of the wrong length, or a solver needing HVPs on an
//! objective without them return [`OptimError`] before anything runs. Numerical trouble — NaN,
//! a failed line search, divergence — ends the run with a [`Status`] and the best finite point;
//! nothing here panics on bad numbers.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod adam;
#[cfg(feature = "argmin")]
pub mod argmin;
pub mod curvature;
mod engine;
mod error;
mod escape;
pub mod exact_subproblem;
mod fd_hvp;
pub mod gd;
pub mod lbfgs;
pub mod linesearch;
mod minimize;
pub mod momentum;
pub mod newton_cg;
mod objective;
mod observe;
mod report;
mod solver;
mod state;
pub mod stop;
pub mod trust_exact;
pub mod trust_region;
mod trust_step;

pub use adam::Adam;
#[cfg(feature = "argmin")]
pub use argmin::ArgminProblem;
pub use engine::{VarObjective, VectorObjective};
pub use error::OptimError;
pub use gd::GradientDescent;
pub use lbfgs::{HINT_INCONSISTENT, HINT_NO_STEP, HINT_OTHER, HINT_PRECISION, HINT_STAGNANT, Lbfgs};
pub use minimize::{minimize, minimize_with};
pub use momentum::{Momentum, Nesterov};
pub use newton_cg::NewtonCg;
pub use objective::{FnObjective, NoHvp, Objective};
pub use observe::{Control, Every, Log, NoObserver, Observer, Progress};
pub use report::{Report, Status};
pub use solver::{Solver, Step};
pub use state::State;
pub use stop::{Norm, Options, StopRule, Trajectory};
pub use trust_exact::TrustExact;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solvers_are_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<GradientDescent>();
        assert_traits::<Momentum>();
        assert_traits::<Nesterov>();
        assert_traits::<Adam>();
        assert_traits::<Lbfgs>();
        assert_traits::<NewtonCg>();
        assert_traits::<linesearch::MoreThuente>();
        assert_traits::<linesearch::Backtracking>();
        assert_traits::<Options>();
        assert_traits::<State>();
    }
}
