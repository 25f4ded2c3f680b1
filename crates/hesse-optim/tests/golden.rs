//! Golden behaviour: Rosenbrock from (−1.2, 1) (WORKLOADS.md W2), seed 002's gradient descent
//! and momentum runs, numerical trouble reported as statuses, option validation texts.

use hesse_core::Var;
use hesse_optim::{
    Adam, FnObjective, GradientDescent, HINT_INCONSISTENT, Lbfgs, Momentum, Nesterov, NewtonCg, Objective,
    OptimError, Options, Solver, Status, StopRule, Trajectory, VarObjective, minimize,
};

fn rosen<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

const X0: [f64; 2] = [-1.2, 1.0];

#[test]
fn lbfgs_rosenbrock_to_one_one_with_tiny_gradient() {
    let mut obj = VarObjective::new(2, rosen);
    let opts = Options::default().with_gtol(1e-9).with_ftol(0.0);
    let r = minimize(&mut obj, &mut Lbfgs::new(), &X0, &opts).unwrap();
    println!("{r}");
    assert_eq!(r.status, Status::Converged(StopRule::GradientNorm));
    let mut g = [0.0; 2];
    obj.value_and_grad(&r.x, &mut g);
    assert!(g[0].hypot(g[1]) < 1e-8, "‖g‖₂ = {}", g[0].hypot(g[1]));
    approx::assert_relative_eq!(r.x[0], 1.0, epsilon = 1e-9);
    approx::assert_relative_eq!(r.x[1], 1.0, epsilon = 1e-9);
    assert_eq!(r.f_evals, r.g_evals);
}

#[test]
fn every_solver_descends_on_rosenbrock() {
    // Gradient methods with seed-sized steps creep; the second-order ones finish.
    let opts = Options::default()
        .with_gtol(1e-8)
        .with_ftol(0.0)
        .with_max_iterations(2000);
    let solvers: Vec<Box<dyn Solver>> = vec![
        Box::new(GradientDescent::new(1e-3)),
        Box::new(Momentum::new(1e-4).with_alpha(0.9)),
        Box::new(Nesterov::new(1e-4).with_alpha(0.9)),
        Box::new(Adam::new(1e-2)),
        Box::new(Lbfgs::new()),
        Box::new(NewtonCg::new()),
    ];
    for mut s in solvers {
        let mut obj = VarObjective::new(2, rosen);
        let r = minimize(&mut obj, &mut s, &X0, &opts).unwrap();
        println!("{r}");
        assert!(r.f < 24.2 * 1e-2, "{r}");
        assert!(
            matches!(r.status, Status::Converged(_) | Status::MaxIterations),
            "{r}"
        );
    }
}

/// Seed 002: `grad_descent(iterations = 300, learning_rate = 5**(-6))` and `5**(-7)`: small
/// steps creep along the valley (f falls, monotonically, but x stays far from (1, 1)).
#[test]
fn seed_002_small_steps_creep() {
    for lr in [5f64.powi(-6), 5f64.powi(-7)] {
        let mut obj = VarObjective::new(2, rosen);
        let opts = Options::default()
            .with_ftol(0.0)
            .with_max_iterations(300)
            .with_trajectory(Trajectory::Record);
        let r = minimize(&mut obj, &mut GradientDescent::new(lr), &X0, &opts).unwrap();
        assert_eq!(r.status, Status::MaxIterations);
        assert_eq!(r.iterations, 300);
        let path = r.trajectory.as_ref().unwrap();
        assert_eq!(path.len(), 301);
        assert!(
            path.windows(2).all(|w| w[1].1 <= w[0].1),
            "lr {lr}: f not monotone"
        );
        assert!(r.f < 24.2 && r.f > 1.0, "lr {lr}: f = {}", r.f);
        assert!((r.x[0] - 1.0).abs() > 0.5, "lr {lr}: x = {:?}", r.x);
    }
}

/// Seed 002: `learning_rate = 5**(-3)` = 0.008 is far beyond 2/L at (−1.2, 1) (L ≈ 1.5e3): the
/// iterates blow up. The run must end with a status, not a panic or an endless loop.
#[test]
fn seed_002_large_step_diverges() {
    let mut obj = VarObjective::new(2, rosen);
    let opts = Options::default().with_max_iterations(10_000);
    let r = minimize(&mut obj, &mut GradientDescent::new(5f64.powi(-3)), &X0, &opts).unwrap();
    println!("{r}");
    assert!(matches!(r.status, Status::Diverged | Status::NonFinite), "{r}");
    assert!(r.iterations < 100);
    assert!(r.f.is_finite() && r.x.iter().all(|v| v.is_finite()));
}

/// Seed 002's momentum runs, `v = α·v + ε·∇f; x = x − v`, 180 iterations: ε = 8e-5 with
/// α ∈ {5⁻⁶, 0.7, 0.9} descends; ε = 8e-4 overshoots; α = 1 never damps the velocity and is
/// refused up front (issue 19: momentum must lie in [0, 1)).
#[test]
fn seed_002_momentum() {
    let opts = Options::default().with_ftol(0.0).with_max_iterations(180);
    for alpha in [5f64.powi(-6), 0.5, 0.7, 0.9] {
        let mut obj = VarObjective::new(2, rosen);
        let mut m = Momentum::new(8e-5).with_alpha(alpha);
        let r = minimize(&mut obj, &mut m, &X0, &opts).unwrap();
        assert_eq!(r.status, Status::MaxIterations, "α = {alpha}: {r}");
        assert!(r.f < 24.2, "α = {alpha}: {r}");
    }
    let (alpha, eps) = (5f64.powi(-6), 8e-4);
    let mut obj = VarObjective::new(2, rosen);
    let mut m = Momentum::new(eps).with_alpha(alpha);
    let r = minimize(&mut obj, &mut m, &X0, &opts).unwrap();
    println!("α = {alpha}, ε = {eps}: {r}");
    assert!(r.f.is_finite(), "{r}");
    // issue 19
    for alpha in [1.0, 1.5, -0.1, f64::NAN] {
        let mut obj = VarObjective::new(2, rosen);
        let e = minimize(&mut obj, &mut Momentum::default().with_alpha(alpha), &X0, &opts).unwrap_err();
        assert!(
            matches!(e, OptimError::InvalidOption { name: "alpha", .. }),
            "{e}"
        );
        let e = minimize(&mut obj, &mut Nesterov::default().with_alpha(alpha), &X0, &opts).unwrap_err();
        assert!(
            matches!(e, OptimError::InvalidOption { name: "alpha", .. }),
            "{e}"
        );
    }
}

#[test]
fn nan_after_some_calls_ends_non_finite_with_last_finite_point() {
    for solver in [0, 1, 2] {
        let mut calls = 0;
        let mut obj = FnObjective::new(2, move |x: &[f64], g: &mut [f64]| {
            calls += 1;
            let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
            g[0] = -2.0 * a - 400.0 * x[0] * b;
            g[1] = 200.0 * b;
            if calls > 12 {
                f64::NAN
            } else {
                a * a + 100.0 * b * b
            }
        });
        let opts = Options::default().with_trajectory(Trajectory::Record);
        let r = match solver {
            0 => minimize(&mut obj, &mut Lbfgs::new(), &X0, &opts),
            1 => minimize(&mut obj, &mut GradientDescent::new(1e-4), &X0, &opts),
            _ => minimize(&mut obj, &mut Momentum::new(1e-4), &X0, &opts),
        }
        .unwrap();
        println!("{r}");
        assert_eq!(r.status, Status::NonFinite, "{r}");
        assert!(r.f.is_finite() && r.x.iter().all(|v| v.is_finite()));
        // The report's point is the last accepted (finite) one.
        let last = r.trajectory.as_ref().unwrap().last().unwrap();
        assert_eq!((last.0.as_slice(), last.1), (r.x.as_slice(), r.f));
        assert!(r.f < 24.2);
    }
}

#[test]
fn flipped_gradient_ends_with_line_search_failure() {
    let mut obj = FnObjective::new(2, |x: &[f64], g: &mut [f64]| {
        let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
        g[0] = 2.0 * a + 400.0 * x[0] * b; // sign flipped
        g[1] = -200.0 * b;
        a * a + 100.0 * b * b
    });
    let r = minimize(&mut obj, &mut Lbfgs::new(), &X0, &Options::default()).unwrap();
    println!("{r}");
    match &r.status {
        Status::LineSearchFailed {
            directional_derivative,
            hint,
        } => {
            assert!(*directional_derivative < 0.0);
            assert_eq!(hint, HINT_INCONSISTENT);
        }
        s => panic!("expected a line-search failure, got {s}"),
    }
    assert!(r.f_evals < 100, "{r}");
    assert_eq!(r.x, X0);
    assert!(
        r.status
            .to_string()
            .contains("gradient may be inconsistent with f")
    );
}

#[test]
fn invalid_options_are_reported_at_start() {
    let mut obj = VarObjective::new(2, rosen);
    let mut err = |s: &mut dyn Solver, o: &Options| minimize(&mut obj, s, &X0, o).unwrap_err().to_string();
    let d = Options::default();
    assert_eq!(
        err(&mut Lbfgs::new().with_memory(0), &d),
        "invalid option `memory`: got 0, expected an integer >= 1"
    );
    assert_eq!(
        err(&mut GradientDescent::new(-1.0), &d),
        "invalid option `step`: got -1, expected a finite number > 0"
    );
    assert_eq!(
        err(&mut NewtonCg::new().with_eta(0.5), &d),
        "invalid option `eta`: got 0.5, expected a number in [0, 0.25)"
    );
    assert_eq!(
        err(
            &mut Lbfgs::new().with_line_search(hesse_optim::linesearch::MoreThuente::new().with_c2(1e-5)),
            &d
        ),
        "invalid option `c2`: got 0.00001, expected a number in (c1, 1)"
    );
    assert_eq!(
        err(&mut Lbfgs::new(), &d.clone().with_gtol(f64::NAN)),
        "invalid option `gtol`: got NaN, expected a finite number >= 0"
    );
    let e = minimize(&mut obj, &mut Lbfgs::new(), &[1.0], &d).unwrap_err();
    assert_eq!(e, OptimError::DimensionMismatch { expected: 2, got: 1 });
    // Newton-CG on an objective without HVPs.
    let mut plain = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
        g[0] = 2.0 * x[0];
        x[0] * x[0]
    });
    let e = minimize(&mut plain, &mut NewtonCg::new(), &[1.0], &d).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported: the objective does not provide hessian-vector products"
    );
}

#[test]
fn an_objective_unbounded_below_is_diagnosed_as_such() {
    // f = −x², whose gradient is exact: the failure is the objective's, not the gradient's.
    let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
        g[0] = -2.0 * x[0];
        -x[0] * x[0]
    });
    // issue 19: L-BFGS detects it in its first line search, with a typed status.
    let r = minimize(&mut obj, &mut Lbfgs::new(), &[1.0], &Options::default()).unwrap();
    assert_eq!(r.status, Status::UnboundedBelow, "{r}");
    assert!(r.status.to_string().contains("unbounded below"), "{r}");
    assert!(r.f_evals < 50 && r.f < -1e8 && r.x[0].is_finite(), "{r}");
    // A linear f from its "critical-looking" start x = 0 (f = x, the CLI case of issue 19).
    let mut line = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
        g[0] = 1.0;
        x[0]
    });
    let r = minimize(&mut line, &mut Lbfgs::new(), &[0.0], &Options::default()).unwrap();
    assert_eq!(r.status, Status::UnboundedBelow, "{r}");
    assert!(r.f_evals < 50, "{r}");
}

#[test]
fn newton_cg_says_unbounded_below_instead_of_running_out_of_iterations() {
    // A plane, −x², and x³ from the left: each is unbounded below along non-positive
    // curvature; Newton-CG grows its radius to Δ_max and stops there.
    fn plane<'t>(x: &[Var<'t>]) -> Var<'t> {
        x[0] - 2.0 * x[1]
    }
    fn cap<'t>(x: &[Var<'t>]) -> Var<'t> {
        -x[0].powi(2) - x[1].powi(2)
    }
    fn cubic<'t>(x: &[Var<'t>]) -> Var<'t> {
        x[0].powi(3) + x[1].powi(2)
    }
    let opts = Options::default();
    for (name, x0, f) in [
        ("plane", [0.0, 0.0], plane as for<'t> fn(&[Var<'t>]) -> Var<'t>),
        ("cap", [1.0, -0.5], cap),
        ("cubic", [-1.0, 0.3], cubic),
    ] {
        let r = minimize(&mut VarObjective::new(2, f), &mut NewtonCg::new(), &x0, &opts).unwrap();
        assert_eq!(r.status, Status::UnboundedBelow, "{name}: {r}");
        assert!(r.iterations < 100, "{name}: {r}");
        assert!(r.f < -1e9 && r.f.is_finite(), "{name}: {r}");
    }
    // A bounded problem with negative curvature on the way still converges.
    let r = minimize(&mut VarObjective::new(2, rosen), &mut NewtonCg::new(), &X0, &opts).unwrap();
    assert!(r.status.is_converged(), "{r}");
}

#[test]
fn lbfgs_stops_when_trial_steps_no_longer_change_x() {
    // issue 19: f = 1 + 1e-40·x from x = 1e20. The gradient 1e-40 is exact, but every trial
    // step (|αd| ≤ 1 ≪ ε·1e20) rounds back to x: the run stops at once, saying why, without
    // retrying and without evaluating f at points equal to x.
    let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
        g[0] = 1e-40;
        1.0 + 1e-40 * x[0]
    });
    let opts = Options::default().with_gtol(0.0).with_ftol(0.0);
    let r = minimize(&mut obj, &mut Lbfgs::new(), &[1e20], &opts).unwrap();
    match &r.status {
        Status::LineSearchFailed { hint, .. } => assert_eq!(hint, hesse_optim::HINT_NO_STEP, "{r}"),
        s => panic!("expected a line-search failure, got {s}"),
    }
    assert_eq!(r.f_evals, 1, "{r}");
    assert_eq!(r.x, [1e20]);
}

#[test]
fn lbfgs_stops_when_an_accepted_step_leaves_f_unchanged() {
    // issue 19: f = 1e8 + (x − 1)⁴: f resolves (x − 1)⁴ only down to its rounding error near
    // 1e8 (about 1.5e-8), so L-BFGS reaches a point where a step leaves f unchanged while
    // ∇f = 4(x − 1)³ is still far above gtol = 1e-12. It stops there, saying why, instead of
    // spending its budget.
    let mut obj = FnObjective::new(1, |x: &[f64], g: &mut [f64]| {
        let d = x[0] - 1.0;
        g[0] = 4.0 * d.powi(3);
        1e8 + d.powi(4)
    });
    let opts = Options::default().with_gtol(1e-12).with_ftol(0.0);
    let r = minimize(&mut obj, &mut Lbfgs::new(), &[2.3], &opts).unwrap();
    println!("{r}");
    match &r.status {
        Status::NoProgress { hint } => assert_eq!(hint, hesse_optim::HINT_STAGNANT, "{r}"),
        s => panic!("expected a stop for stagnation, got {s}"),
    }
    assert!(
        (r.x[0] - 1.0).abs() < 0.05 && r.grad_norm > 1e-12 && r.f_evals < 60,
        "{r}"
    );
}
