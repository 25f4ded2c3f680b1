//! W5 of docs/WORKLOADS.md: gradient descent on MATLAB's peaks, lr = 0.01 — one start
//! (0, 1.4) for 1000 steps, and the 25×25 grid of starts for 100 steps each — hesse eager
//! and recorded beside a hand-written gradient.

mod common;

use std::hint::black_box;

use common::w5;
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::RecordedFn;

fn bench(c: &mut Criterion) {
    let start = [0.0, 1.4];
    let mut rec = RecordedFn::new(w5::peaks, &start).jit();
    let grid = w5::grid();

    let mut grp = c.benchmark_group("W5/gd_single");
    grp.bench_function("hand", |b| b.iter(|| w5::gd_hand(black_box(start), 1000)));
    grp.bench_function("hesse", |b| b.iter(|| w5::gd_eager(black_box(start), 1000)));
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| w5::gd_recorded(&mut rec, black_box(start), 1000))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W5/gd_grid");
    grp.sample_size(10);
    grp.bench_function("hand", |b| {
        b.iter(|| grid.iter().map(|&p| w5::gd_hand(p, 100)).collect::<Vec<_>>())
    });
    grp.bench_function("hesse", |b| {
        b.iter(|| grid.iter().map(|&p| w5::gd_eager(p, 100)).collect::<Vec<_>>())
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| {
            grid.iter()
                .map(|&p| w5::gd_recorded(&mut rec, p, 100))
                .collect::<Vec<_>>()
        })
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
