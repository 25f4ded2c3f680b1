//! Optimizers on recorded objectives reach the eager tape's answers: the gradients they
//! stop on are the true ones at the point they report (issue 15: a compiled replay of more
//! than one chunk read the point of an earlier call, and the optimizers stopped where the
//! true gradient was far from zero).

use hesse_core::Var;
use hesse_optim::{GradientDescent, Lbfgs, Objective, Options, VarObjective, minimize};

/// (x₀ − 3)² + (x₁ + 1)² + 0.1·s(x₁), s = 400 nested `sin(0.5·…)`: a compiled program of
/// several chunks with a point of two coordinates.
fn nested<'t>(x: &[Var<'t>]) -> Var<'t> {
    let mut s = x[1];
    for _ in 0..400 {
        s = (s * 0.5).sin();
    }
    (x[0] - 3.0).square() + (x[1] + 1.0).square() + 0.1 * s
}

/// The reported value and gradient norm are the eager tape's at the reported point, and
/// that gradient is small.
fn check_stop(what: &str, r: &hesse_optim::Report, gtol: f64) {
    let (f, g) = hesse_core::value_and_grad(nested, &r.x);
    let norm = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert_eq!(r.f, f, "{what}: reported f at {:?}", r.x);
    assert!(
        norm <= gtol * 1.01,
        "{what}: true ‖g‖∞ = {norm:e} at {:?} ({r})",
        r.x
    );
    assert!(
        (r.grad_norm - norm).abs() <= 1e-12 * (1.0 + norm),
        "{what}: {} vs {norm}",
        r.grad_norm
    );
}

#[test]
fn lbfgs_on_a_reused_recorded_objective_stops_where_the_true_gradient_is_small() {
    let opts = Options::default().with_gtol(1e-8);
    let mut obj = VarObjective::new(2, nested);
    // Replayed well past the compile threshold at other points.
    let mut g = [0.0; 2];
    for k in 0..1500 {
        obj.value_and_grad(&[k as f64 * 1e-3, 0.5], &mut g);
    }
    for start in [[0.0, 0.0], [10.0, -4.0], [-5.0, 2.0]] {
        let r = minimize(&mut obj, &mut Lbfgs::new(), &start, &opts).expect("runs");
        assert!(r.iterations > 1, "from {start:?}: {r}");
        check_stop(&format!("L-BFGS from {start:?}"), &r, 1e-8);
    }
}

#[test]
fn gradient_descent_on_a_recorded_objective_reports_the_true_value() {
    let opts = Options::default()
        .with_gtol(1e-6)
        .with_ftol(0.0)
        .with_max_iterations(20_000);
    let mut obj = VarObjective::new(2, nested);
    let r = minimize(&mut obj, &mut GradientDescent::new(0.1), &[0.0, 0.0], &opts).expect("runs");
    check_stop("gradient descent", &r, 1e-6);
    assert!((r.x[0] - 3.0).abs() < 1e-6, "{r}");
}
