//! W4 of docs/WORKLOADS.md: the whole fit of sklearn's `MLPClassifier(hidden_layer_sizes=
//! (10, 10), activation="tanh", solver="lbfgs", random_state=0)` on the W3 data, from
//! sklearn's own starting vector, by hesse-optim's L-BFGS (m = 10, gtol 1e-4 on ‖g‖∞,
//! ftol 2.22e-9) — on a hand-written gradient, on hesse eager and on a recorded loss.
//!
//! Run: `cargo bench -p hesse-bench --bench w4`.

mod common;

use common::mlp;
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_optim::{FnObjective, Lbfgs, Report, VectorObjective, minimize};

fn bench(c: &mut Criterion) {
    let data = mlp::load_data();
    let x0 = mlp::load_w4_init();
    let lay = mlp::Layout::sklearn(10);
    let sk = Some(mlp::Sklearn { alpha: 1e-4 });
    let d = data.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, sk));
    let opts = mlp::w4_options();

    let fit_hand = || -> Report {
        let mut hand = mlp::Hand::new(data.clone(), lay, sk);
        let mut obj = FnObjective::new(x0.len(), move |x: &[f64], g: &mut [f64]| hand.value_grad(x, g));
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };
    let fit_eager = || -> Report {
        let mut obj = FnObjective::new(x0.len(), |x: &[f64], g: &mut [f64]| {
            let (v, gg) = hesse_core::vector::value_and_grad(&f, x);
            g.copy_from_slice(&gg);
            v
        });
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };
    let fit_recorded = || -> Report {
        let mut obj = VectorObjective::new(x0.len(), &f);
        minimize(&mut obj, &mut Lbfgs::new().with_memory(10), &x0, &opts).expect("fit")
    };

    // Every route takes sklearn's path: 100 iterations to a loss near 4.59e-4.
    for r in [fit_hand(), fit_eager(), fit_recorded()] {
        assert_eq!(r.iterations, 100, "{}", r.status);
        assert!((r.f - 4.59e-4).abs() < 1e-6, "final loss {}", r.f);
    }

    let mut grp = c.benchmark_group("W4/fit");
    grp.sample_size(10);
    grp.bench_function("hand", |b| b.iter(fit_hand));
    grp.bench_function("hesse", |b| b.iter(fit_eager));
    grp.bench_function("hesse_recorded", |b| b.iter(fit_recorded));
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
