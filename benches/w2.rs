//! W2 of docs/WORKLOADS.md: Rosenbrock 2-D gradient and Hessian at (−1.2, 1), and the
//! paired extended Rosenbrock (n = 100, 10000) value+gradient and one HVP at x0 — hesse
//! eager and recorded beside a hand-written baseline. `scalar_vars` is the extended function
//! written with one `Var` per coordinate (the eager per-op cost).

mod common;

use std::hint::black_box;

use common::{direction, w2};
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::{Matrix, RecordedFn};

fn bench(c: &mut Criterion) {
    let x = [-1.2, 1.0];
    let mut g2 = [0.0; 2];
    let mut rec2 = RecordedFn::new(w2::rosen2, &x).jit();
    let mut h2 = Matrix::zeros(2, 2);

    let mut grp = c.benchmark_group("W2/rosen2_grad");
    grp.bench_function("hand", |b| b.iter(|| w2::hand_value_grad(black_box(&x), &mut g2)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::grad(w2::rosen2, black_box(&x)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec2.value_and_grad_to(black_box(&x), &mut g2))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W2/rosen2_hessian");
    grp.bench_function("hand", |b| b.iter(|| w2::hand_hessian2(black_box(&x))));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::hessian(w2::rosen2, black_box(&x)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec2.hessian_to(black_box(&x), &mut h2))
    });
    grp.finish();

    for n in [100usize, 10000] {
        let x0 = w2::x0(n);
        let v = direction(n);
        let mut g = vec![0.0; n];
        let mut hv = vec![0.0; n];
        let mut rec = RecordedFn::new_vector(w2::ext_vector, &x0);
        let mut rec_s = RecordedFn::new(w2::ext_scalar, &x0);

        let mut grp = c.benchmark_group(format!("W2/ext{n}_value_grad"));
        grp.bench_function("hand", |b| b.iter(|| w2::hand_value_grad(black_box(&x0), &mut g)));
        grp.bench_function("hesse", |b| {
            b.iter(|| hesse_core::vector::value_and_grad(w2::ext_vector, black_box(&x0)))
        });
        grp.bench_function("hesse_recorded", |b| {
            b.iter(|| rec.value_and_grad_to(black_box(&x0), &mut g))
        });
        grp.bench_function("hesse_scalar_vars", |b| {
            b.iter(|| hesse_core::value_and_grad(w2::ext_scalar, black_box(&x0)))
        });
        grp.bench_function("hesse_recorded_scalar_vars", |b| {
            b.iter(|| rec_s.value_and_grad_to(black_box(&x0), &mut g))
        });
        grp.finish();

        let mut grp = c.benchmark_group(format!("W2/ext{n}_hvp"));
        grp.bench_function("hand", |b| b.iter(|| w2::hand_hvp(black_box(&x0), &v, &mut hv)));
        grp.bench_function("hesse", |b| {
            b.iter(|| hesse_core::vector::hvp(w2::ext_vector, black_box(&x0), &v))
        });
        grp.bench_function("hesse_recorded", |b| {
            b.iter(|| rec.hvp_to(black_box(&x0), &v, &mut hv))
        });
        grp.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
