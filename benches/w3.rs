//! W3 of docs/WORKLOADS.md: value + gradient and one HVP of the 2-50-50-1 tanh MLP on the
//! 1,000 W3 points (P = 2751), and the full Hessian of the 2-10-10-1 net on the first 300
//! points (P = 151) — hesse eager and recorded beside a hand-written backprop on the same
//! GEMM (`matrixmultiply`), whose HVP is Pearlmutter's R-pass written by hand.
//!
//! Run: `cargo bench -p hesse-bench --bench w3`.

mod common;

use std::hint::black_box;

use common::{direction, mlp};
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::{Matrix, RecordedFn};

fn bench(c: &mut Criterion) {
    let data = mlp::load_data();
    let (_, th) = mlp::load_w3_init("w3_init_2_50_50_1.json");
    let lay = mlp::Layout::w3(50);
    let v = direction(th.len());
    let d = data.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, None));
    let mut hand = mlp::Hand::new(data.clone(), lay, None);
    let mut rec = RecordedFn::new_vector(&f, &th);
    let p = th.len();
    let (mut g, mut hv) = (vec![0.0; p], vec![0.0; p]);

    // The routes agree before anything is timed (WORKLOADS.md: L = 0.6992901115380107).
    let l = hand.value_grad(&th, &mut g);
    let (rl, rg) = rec.value_and_grad(&th);
    assert!((l - 0.6992901115380107).abs() < 1e-12 && (rl - l).abs() < 1e-12);
    let gmax = g.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!(rg.iter().zip(&g).all(|(a, b)| (a - b).abs() <= 1e-10 * gmax));

    let mut grp = c.benchmark_group("W3/mlp_value_grad");
    grp.sample_size(20);
    grp.bench_function("hand", |b| b.iter(|| hand.value_grad(black_box(&th), &mut g)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::vector::value_and_grad(&f, black_box(&th)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.value_and_grad_to(black_box(&th), &mut g))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W3/mlp_hvp");
    grp.sample_size(20);
    grp.bench_function("hand", |b| b.iter(|| hand.hvp(black_box(&th), &v, &mut hv)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::vector::hvp(&f, black_box(&th), &v))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.hvp_to(black_box(&th), &v, &mut hv))
    });
    grp.finish();

    // The small net's full Hessian (serial; the rayon route is reported by the runner).
    let small = data.head(300);
    let (_, th) = mlp::load_w3_init("w3_init_2_10_10_1.json");
    let lay = mlp::Layout::w3(10);
    let d = small.clone();
    let f = hesse_core::vector::function(move |w| mlp::loss(w, &d, &lay, None));
    let p = th.len();
    let mut hand = mlp::Hand::new(small, lay, None);
    let mut hh = vec![0.0; p * p];
    let mut rec = RecordedFn::new_vector(&f, &th).with_parallel_min_dim(usize::MAX);
    let mut rh = Matrix::zeros(p, p);
    hand.hessian(&th, &mut hh);
    rec.hessian_to(&th, &mut rh);
    let hmax = hh.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    assert!(
        rh.as_slice()
            .iter()
            .zip(&hh)
            .all(|(a, b)| (a - b).abs() <= 1e-10 * hmax)
    );

    let mut grp = c.benchmark_group("W3/small_hessian");
    grp.sample_size(10);
    grp.bench_function("hand", |b| b.iter(|| hand.hessian(black_box(&th), &mut hh)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::vector::hessian(&f, black_box(&th)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.hessian_to(black_box(&th), &mut rh))
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
