//! argmin's own solvers on hesse losses through `ArgminProblem` (feature `argmin`): L-BFGS
//! (Moré–Thuente line search) and Newton on Rosenbrock, the extended Rosenbrock function in
//! 10 dimensions and a separable convex problem, each compared with its known minimiser.

#![cfg(feature = "argmin")]

use argmin::core::{Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::newton::Newton;
use argmin::solver::quasinewton::LBFGS;
use hesse_core::{CoreError, Var, dense};
use hesse_optim::{ArgminProblem, OptimError};
use nalgebra::DVector;

fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

/// The extended Rosenbrock function (Moré, Garbow & Hillstrom, problem 21), vector form:
/// Σ over pairs 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)²; minimum 0 at (1, …, 1).
fn extended_rosenbrock(w: Var<'_>) -> Var<'_> {
    let pairs = w.reshape(&[w.len() / 2, 2]);
    let (odd, even) = (pairs.slice(1, 0, 1), pairs.slice(1, 1, 1));
    (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum()
}

/// MGH's standard start for the extended Rosenbrock function: (−1.2, 1, −1.2, 1, …).
fn mgh_start(n: usize) -> Vec<f64> {
    (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect()
}

/// argmin's L-BFGS over nalgebra vectors with its Moré–Thuente line search.
type ArgminLbfgs =
    LBFGS<MoreThuenteLineSearch<DVector<f64>, DVector<f64>, f64>, DVector<f64>, DVector<f64>, f64>;

fn lbfgs() -> ArgminLbfgs {
    LBFGS::new(MoreThuenteLineSearch::new(), 7)
}

fn max_error(x: &DVector<f64>, expected: &[f64]) -> f64 {
    x.iter()
        .zip(expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

#[test]
fn argmin_lbfgs_finds_the_rosenbrock_minimum() {
    let res = Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), lbfgs())
        .configure(|s| s.param(DVector::from_vec(vec![-1.2, 1.0])).max_iters(200))
        .run()
        .unwrap();
    let state = res.state();
    assert_eq!(
        state.get_termination_status(),
        &TerminationStatus::Terminated(TerminationReason::SolverConverged),
        "{state:?}"
    );
    let x = state.get_best_param().unwrap();
    assert!(max_error(x, &[1.0, 1.0]) < 1e-6, "{x}");
    assert!(state.get_best_cost() < 1e-12);
    assert!(state.get_iter() < 100, "{} iterations", state.get_iter());
}

#[test]
fn argmin_newton_finds_the_rosenbrock_minimum() {
    // Pure Newton (step 1) from MGH's start: quadratic convergence onto (1, 1) within a few
    // iterations; the exact Hessians make the last steps land on the minimiser.
    let res = Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), Newton::<f64>::new())
        .configure(|s| s.param(DVector::from_vec(vec![-1.2, 1.0])).max_iters(12))
        .run()
        .unwrap();
    let x = res.state().get_param().unwrap();
    assert!(max_error(x, &[1.0, 1.0]) < 1e-12, "{x}");
}

#[test]
fn argmin_lbfgs_and_newton_find_the_extended_rosenbrock_minimum() {
    let n = 10;
    let x0 = mgh_start(n);
    let ones = vec![1.0; n];
    let problem = ArgminProblem::new_vector(extended_rosenbrock, &x0);
    assert_eq!(problem.dim(), n);
    let res = Executor::new(problem, lbfgs())
        .configure(|s| s.param(DVector::from_vec(x0.clone())).max_iters(500))
        .run()
        .unwrap();
    let x = res.state().get_best_param().unwrap();
    assert!(max_error(x, &ones) < 1e-6, "{x}");

    let problem = ArgminProblem::new_vector(extended_rosenbrock, &x0);
    let res = Executor::new(problem, Newton::<f64>::new())
        .configure(|s| s.param(DVector::from_vec(x0.clone())).max_iters(12))
        .run()
        .unwrap();
    let x = res.state().get_param().unwrap();
    assert!(max_error(x, &ones) < 1e-12, "{x}");
}

/// f(x) = Σ exp(xᵢ) − cᵢ·xᵢ, strictly convex, with its minimum where exp(xᵢ) = cᵢ:
/// xᵢ* = ln cᵢ.
#[test]
fn argmin_lbfgs_and_newton_find_a_closed_form_minimiser() {
    let c = [0.5, 1.0, 2.0, 7.0];
    let f = hesse_core::function(move |x| x.iter().zip(c).map(|(&xi, ci)| xi.exp() - ci * xi).sum());
    let expected: Vec<f64> = c.iter().map(|ci| ci.ln()).collect();
    let x0 = [0.0; 4];

    let res = Executor::new(ArgminProblem::new(f, &x0), lbfgs())
        .configure(|s| s.param(DVector::from_vec(x0.to_vec())).max_iters(100))
        .run()
        .unwrap();
    assert!(max_error(res.state().get_best_param().unwrap(), &expected) < 1e-7);

    let res = Executor::new(ArgminProblem::new(f, &x0), Newton::<f64>::new())
        .configure(|s| s.param(DVector::from_vec(x0.to_vec())).max_iters(10))
        .run()
        .unwrap();
    assert!(max_error(res.state().get_param().unwrap(), &expected) < 1e-14);
}

#[test]
fn wrong_lengths_and_dense_limits_are_errors_argmin_hands_back() {
    // A start of the wrong length: OptimError::DimensionMismatch, not a panic.
    let err = Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), lbfgs())
        .configure(|s| s.param(DVector::from_vec(vec![-1.2, 1.0, 0.0])).max_iters(10))
        .run()
        .err()
        .expect("a start of the wrong length is refused");
    assert_eq!(
        err.downcast_ref::<OptimError>(),
        Some(&OptimError::DimensionMismatch { expected: 2, got: 3 }),
        "{err}"
    );
    // A Hessian above hesse-core's dense-memory limit: CoreError::DenseTooLarge.
    let err = dense::scoped(16, || {
        Executor::new(ArgminProblem::new(rosenbrock, &[-1.2, 1.0]), Newton::<f64>::new())
            .configure(|s| s.param(DVector::from_vec(vec![-1.2, 1.0])).max_iters(10))
            .run()
    })
    .err()
    .expect("a Hessian above the limit is refused");
    assert!(
        matches!(
            err.downcast_ref::<CoreError>(),
            Some(CoreError::DenseTooLarge {
                n: 2,
                bytes: 32,
                limit: 16,
                ..
            })
        ),
        "{err}"
    );
}
