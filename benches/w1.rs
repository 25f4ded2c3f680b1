//! W1 of docs/WORKLOADS.md: the 2-2-1 sigmoid network (9 parameters) — loss, loss+grad,
//! 9×9 Hessian and one HVP, hesse eager and recorded beside a hand-written baseline.

mod common;

use std::hint::black_box;

use common::{direction, w1};
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::{Matrix, RecordedFn, Tape};

fn bench(c: &mut Criterion) {
    let th = w1::THETA0;
    let v = direction(9);
    let mut g = [0.0; 9];
    let mut h = [0.0; 81];
    let mut hv = [0.0; 9];
    let mut rec = RecordedFn::new(w1::loss, &th).jit();
    let mut rh = Matrix::zeros(9, 9);

    let mut grp = c.benchmark_group("W1/loss");
    grp.bench_function("hand", |b| b.iter(|| w1::hand_loss(black_box(&th))));
    grp.bench_function("hesse", |b| {
        b.iter(|| {
            let tape = Tape::new();
            let xs = tape.vars(black_box(&th));
            w1::loss(&xs).value()
        })
    });
    grp.bench_function("hesse_recorded", |b| b.iter(|| rec.value(black_box(&th))));
    grp.finish();

    let mut grp = c.benchmark_group("W1/loss_grad");
    grp.bench_function("hand", |b| b.iter(|| w1::hand_grad(black_box(&th), &mut g)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::value_and_grad(w1::loss, black_box(&th)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.value_and_grad_to(black_box(&th), &mut g))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W1/hessian");
    grp.bench_function("hand", |b| b.iter(|| w1::hand_hessian(black_box(&th), &mut h)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::hessian(w1::loss, black_box(&th)))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.hessian_to(black_box(&th), &mut rh))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W1/hvp");
    grp.bench_function("hand", |b| b.iter(|| w1::hand_hvp(black_box(&th), &v, &mut hv)));
    grp.bench_function("hesse", |b| {
        b.iter(|| hesse_core::hvp(w1::loss, black_box(&th), &v))
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| rec.hvp_to(black_box(&th), &v, &mut hv))
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
