//! WORKLOADS.md W2: L-BFGS (m = 10, gtol 1e-6) on the paired extended Rosenbrock from
//! x₀ = (−1.2, 1, ...), n = 100 and n = 10 000; the gradient by hand (solver overhead) and
//! from the engine (`VarObjective`, recorded once and replayed).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use hesse_core::Var;
use hesse_optim::{FnObjective, Lbfgs, Options, VarObjective, minimize};

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

fn bench(c: &mut Criterion) {
    let opts = Options::default().with_gtol(1e-6);
    let mut group = c.benchmark_group("lbfgs_ext_rosenbrock");
    group.sample_size(10);
    for n in [100usize, 10_000] {
        let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        group.bench_with_input(BenchmarkId::new("hand", n), &x0, |b, x0| {
            b.iter(|| {
                let mut obj = FnObjective::new(n, ext_rosen_by_hand);
                minimize(&mut obj, &mut Lbfgs::new(), x0, &opts).expect("valid options")
            })
        });
        group.bench_with_input(BenchmarkId::new("engine", n), &x0, |b, x0| {
            b.iter(|| {
                let mut obj = VarObjective::new(n, ext_rosen);
                minimize(&mut obj, &mut Lbfgs::new(), x0, &opts).expect("valid options")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
