//! The second-order check at the end of every run (issue 19): a run started at a saddle point
//! or a maximum, with every solver, does not report a minimum.

use hesse_core::Var;
use hesse_optim::{
    Adam, FnObjective, GradientDescent, Lbfgs, Momentum, Nesterov, NewtonCg, Objective, Options, Solver,
    Status, TrustExact, VarObjective, minimize,
};

/// Every solver; the fixed-step ones with step `lr` (below 2/λ_max at the minima).
fn solvers(lr: f64) -> Vec<Box<dyn Solver>> {
    vec![
        Box::new(Lbfgs::new()),
        Box::new(NewtonCg::new()),
        Box::new(TrustExact::new()),
        Box::new(GradientDescent::new(lr)),
        Box::new(Momentum::new(lr / 2.0).with_alpha(0.5)),
        Box::new(Nesterov::new(lr / 2.0).with_alpha(0.5)),
        Box::new(Adam::new(0.01)),
    ]
}

fn himmelblau<'t>(v: &[Var<'t>]) -> Var<'t> {
    (v[0].square() + v[1] - 11.0).square() + (v[0] + v[1].square() - 7.0).square()
}

fn double_well<'t>(v: &[Var<'t>]) -> Var<'t> {
    v[0].powi(4) - 2.0 * v[0].square() + v[1].square()
}

fn wells<'t>(v: &[Var<'t>]) -> Var<'t> {
    v.iter()
        .map(|x| 0.25 * (x.square() - 1.0).square())
        .reduce(|a, b| a + b)
        .expect("n >= 1")
}

/// Himmelblau's local maximum, refined by Newton's method on the engine's Hessian from the
/// published (−0.270845, −0.923039) until ∇f = 0 to rounding.
fn himmelblau_maximum() -> [f64; 2] {
    let mut x = [-0.270845, -0.923039];
    for _ in 0..20 {
        let g = hesse_core::grad(himmelblau, &x);
        let h = hesse_core::hessian(himmelblau, &x);
        let (a, b, c) = (h.row(0)[0], h.row(0)[1], h.row(1)[1]);
        let det = a * c - b * b;
        x = [
            x[0] - (c * g[0] - b * g[1]) / det,
            x[1] - (a * g[1] - b * g[0]) / det,
        ];
    }
    x
}

#[test]
fn started_at_himmelblaus_maximum_every_solver_reaches_a_minimum() {
    // issue 19
    // Himmelblau's four minima all have f = 0; the maximum has f = 181.617 (Himmelblau 1972).
    let x0 = himmelblau_maximum();
    let opts = Options::default()
        .with_gtol(1e-9)
        .with_ftol(0.0)
        .with_max_iterations(20_000);
    let mut obj = VarObjective::new(2, himmelblau);
    let mut g = [0.0; 2];
    let f0 = obj.value_and_grad(&x0, &mut g);
    assert!(
        (f0 - 181.617).abs() < 1e-3 && g[0].abs() < 1e-9 && g[1].abs() < 1e-9,
        "{f0} {g:?}"
    );
    // ∇²f has eigenvalues up to about 70 at the minima: steps below 2/70.
    for mut s in solvers(0.01) {
        let r = minimize(&mut obj, &mut s, &x0, &opts).unwrap();
        assert!(r.status.is_converged(), "{r}");
        assert!(r.f < 1e-12, "{r}");
        assert!(
            r.iterations > 0 && r.min_eigenvalue.is_some_and(|l| l > 0.0),
            "{r}"
        );
    }
}

#[test]
fn started_at_a_saddle_every_solver_reaches_a_minimum() {
    // issue 19
    // f = x⁴ − 2x² + y²: saddle (0, 0), minima (±1, 0) with f = −1.
    let opts = Options::default()
        .with_gtol(1e-9)
        .with_ftol(0.0)
        .with_max_iterations(20_000);
    for x0 in [[0.0, 0.0], [0.0, 1.0]] {
        for mut s in solvers(0.05) {
            let r = minimize(&mut VarObjective::new(2, double_well), &mut s, &x0, &opts).unwrap();
            assert!(r.status.is_converged(), "{x0:?}: {r}");
            assert!((r.f + 1.0).abs() < 1e-12, "{x0:?}: {r}");
        }
    }
}

#[test]
fn without_hvps_a_stationary_start_is_checked_by_differences() {
    // issue 19
    // f = x² − y² + y⁴/4 by hand, no Hessian-vector products: (0, 0) is a saddle; the minima
    // (0, ±√2) have f = −1.
    let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
        g[0] = 2.0 * x[0];
        g[1] = -2.0 * x[1] + x[1].powi(3);
        x[0] * x[0] - x[1] * x[1] + 0.25 * x[1].powi(4)
    });
    let opts = Options::default().with_gtol(1e-9).with_ftol(0.0);
    for mut s in [
        Box::new(Lbfgs::new()) as Box<dyn Solver>,
        Box::new(GradientDescent::new(0.1)),
    ] {
        let r = minimize(&mut obj, &mut s, &[0.0, 0.0], &opts).unwrap();
        assert!(r.status.is_converged(), "{r}");
        assert!((r.f + 1.0).abs() < 1e-12, "{r}");
    }
}

#[test]
fn a_large_maximum_is_left_by_lanczos() {
    // issue 19
    // f = Σ (xᵢ² − 1)²/4 with n = 150 > the dense limit: x = 0 is a maximum (∇²f = −I), every
    // xᵢ = ±1 a minimum with f = 0.
    let n = 150;
    let opts = Options::default().with_gtol(1e-9).with_ftol(0.0);
    let r = minimize(
        &mut VarObjective::new(n, wells),
        &mut Lbfgs::new(),
        &vec![0.0; n],
        &opts,
    )
    .unwrap();
    assert!(r.status.is_converged(), "{r}");
    assert!(r.f < 1e-12, "{r}");
    assert_eq!(r.hess_evals, 0, "{r}");
    assert!(r.hvp_evals > 0, "{r}");
}

#[test]
fn a_saddle_with_no_way_down_is_reported() {
    // issue 19
    // f = x² − y² + y⁴/4 with the check's descent step defeated: an objective that reports
    // every point but the start as NaN. The run must say "saddle point", not "converged".
    let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
        if x[0] != 0.0 || x[1] != 0.0 {
            g.iter_mut().for_each(|v| *v = f64::NAN);
            return f64::NAN;
        }
        g[0] = 2.0 * x[0];
        g[1] = -2.0 * x[1] + x[1].powi(3);
        0.0
    })
    .with_hvp(|_x: &[f64], v: &[f64], out: &mut [f64]| {
        out[0] = 2.0 * v[0];
        out[1] = -2.0 * v[1];
    });
    let r = minimize(&mut obj, &mut Lbfgs::new(), &[0.0, 0.0], &Options::default()).unwrap();
    assert_eq!(r.status, Status::SaddlePoint { min_eigenvalue: -2.0 }, "{r}");
    assert!(!r.status.is_converged());
    assert_eq!(r.x, [0.0, 0.0]);
}

#[test]
fn a_nan_start_is_an_error_and_x_stays_finite() {
    // issue 19
    let mut obj = VarObjective::new(2, himmelblau);
    let e = minimize(&mut obj, &mut Lbfgs::new(), &[f64::NAN, 1.0], &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the starting point is not finite: coordinate 0 is NaN"
    );
    // A finite start where f is NaN keeps that start as the reported (last finite) x.
    let mut root = VarObjective::new(1, |v: &[Var<'_>]| v[0].sqrt());
    let r = minimize(&mut root, &mut Lbfgs::new(), &[-1.0], &Options::default()).unwrap();
    assert_eq!(r.status, Status::NonFinite);
    assert_eq!(r.x, [-1.0]);
}
