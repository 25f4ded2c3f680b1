//! TrustExact refuses a dense Hessian above the dense-memory limit with a typed error,
//! before allocating (issue 21: dense n×n work refuses clearly instead of aborting).

use hesse_optim::trust_exact::DENSE_MATRICES;
use hesse_optim::{FnObjective, NewtonCg, OptimError, Options, TrustExact, minimize};

#[test]
fn trust_exact_refuses_above_the_dense_limit_and_runs_below() {
    let n = 40;
    let need = 8 * (n * n * DENSE_MATRICES) as u64;
    let x0 = vec![0.5; n];
    // f(x) = Σ (xᵢ − i)², with its gradient and Hessian-vector products.
    let mut obj = FnObjective::new(n, |x: &[f64], g: &mut [f64]| {
        let mut f = 0.0;
        for (i, (g, &x)) in g.iter_mut().zip(x).enumerate() {
            let d = x - i as f64;
            *g = 2.0 * d;
            f += d * d;
        }
        f
    })
    .with_hvp(|_x: &[f64], v: &[f64], out: &mut [f64]| {
        out.iter_mut().zip(v).for_each(|(o, v)| *o = 2.0 * v);
    });
    let e = hesse_core::dense::scoped(need - 1, || {
        minimize(&mut obj, &mut TrustExact::new(), &x0, &Options::default())
    })
    .unwrap_err();
    match &e {
        OptimError::DenseTooLarge {
            solver,
            n: got,
            matrices,
            bytes,
            limit,
        } => {
            assert_eq!((*solver, *got, *matrices), ("trust-exact", n, DENSE_MATRICES));
            assert_eq!((*bytes, *limit), (need, need - 1));
        }
        other => panic!("expected DenseTooLarge, got {other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.starts_with("trust-exact on 40 coordinates needs 51.2 kB"),
        "{text}"
    );
    assert!(
        text.contains("newton-cg") && text.contains("HESSE_DENSE_LIMIT"),
        "{text}"
    );
    // At the limit it runs, and finds the minimizer x_i = i.
    let report = hesse_core::dense::scoped(need, || {
        minimize(&mut obj, &mut TrustExact::new(), &x0, &Options::default())
    })
    .expect("within the limit");
    assert!(
        report
            .x
            .iter()
            .enumerate()
            .all(|(i, &x)| (x - i as f64).abs() < 1e-8)
    );
    // The matrix-free solver is not limited.
    let report = hesse_core::dense::scoped(0, || {
        minimize(&mut obj, &mut NewtonCg::new(), &x0, &Options::default())
    })
    .expect("newton-cg holds no dense matrix");
    assert!(
        report
            .x
            .iter()
            .enumerate()
            .all(|(i, &x)| (x - i as f64).abs() < 1e-6)
    );
}
