//! WORKLOADS.md W2: L-BFGS on the paired extended Rosenbrock from x₀ = (−1.2, 1, ...), with
//! scipy's L-BFGS-B stopping tests (gtol 1e-6 on ‖g‖∞, ftol 2.22e-9 or 0, m = 10 or 5), next
//! to the published scipy 1.17.1 counts (printed with `--nocapture`). Both run MINPACK-2's
//! dcsrch on the same two-loop directions, and the iteration and evaluation counts come out
//! identical on all six rows; the test asserts that, and the final f to 1e-3 relative.

use hesse_core::Var;
use hesse_optim::{FnObjective, Lbfgs, Options, VarObjective, minimize};

/// (n, m, ftol, nit, nfev, final f) from the W2 table.
const SCIPY: [(usize, usize, f64, usize, usize, f64); 6] = [
    (100, 10, 2.220446049250313e-9, 36, 48, 1.358e-13),
    (100, 5, 2.220446049250313e-9, 36, 47, 8.551e-20),
    (100, 10, 0.0, 37, 49, 2.795e-20),
    (100, 5, 0.0, 36, 47, 8.551e-20),
    (10000, 10, 2.220446049250313e-9, 36, 49, 6.166e-12),
    (10000, 5, 2.220446049250313e-9, 37, 50, 6.954e-13),
];

fn ext_rosen_by_hand(x: &[f64], g: &mut [f64]) -> f64 {
    let mut f = 0.0;
    for j in 0..x.len() / 2 {
        let (a, b) = (x[2 * j], x[2 * j + 1]);
        let (t, u) = (b - a * a, 1.0 - a);
        f += 100.0 * t * t + u * u;
        g[2 * j] = -400.0 * a * t - 2.0 * u;
        g[2 * j + 1] = 200.0 * t;
    }
    f
}

fn ext_rosen<'t>(x: &[Var<'t>]) -> Var<'t> {
    x.chunks(2)
        .map(|p| 100.0 * (p[1] - p[0].square()).square() + (1.0 - p[0]).square())
        .reduce(|a, b| a + b)
        .expect("n >= 2")
}

#[test]
fn w2_lbfgs_counts_next_to_scipy() {
    println!(
        "{:>6} {:>3} {:>9} | {:>4} {:>5} {:>11} | scipy {:>4} {:>5}",
        "n", "m", "ftol", "nit", "nfev", "f", "nit", "nfev"
    );
    for (n, m, ftol, nit, nfev, fs) in SCIPY {
        let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let mut obj = FnObjective::new(n, ext_rosen_by_hand);
        let opts = Options::default()
            .with_gtol(1e-6)
            .with_ftol(ftol)
            .with_max_iterations(15000);
        let r = minimize(&mut obj, &mut Lbfgs::new().with_memory(m), &x0, &opts).unwrap();
        println!(
            "{n:>6} {m:>3} {ftol:>9.2e} | {:>4} {:>5} {:>11.3e} | scipy {nit:>4} {nfev:>5}   {}",
            r.iterations, r.f_evals, r.f, r.status
        );
        assert!(r.status.is_converged(), "{r}");
        assert_eq!((r.iterations, r.f_evals), (nit, nfev), "{r}");
        approx::assert_relative_eq!(r.f, fs, max_relative = 1e-3);
    }
}

#[test]
fn w2_engine_objective_matches_hand_gradient_run() {
    let n = 100;
    let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
    let opts = Options::default().with_gtol(1e-6);
    let a = minimize(
        &mut FnObjective::new(n, ext_rosen_by_hand),
        &mut Lbfgs::new(),
        &x0,
        &opts,
    )
    .unwrap();
    let b = minimize(
        &mut VarObjective::new(n, ext_rosen),
        &mut Lbfgs::new(),
        &x0,
        &opts,
    )
    .unwrap();
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.f_evals, b.f_evals);
    approx::assert_relative_eq!(a.f, b.f, max_relative = 1e-6, epsilon = 1e-14);
}
