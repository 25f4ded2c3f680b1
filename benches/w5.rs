//! W5 of shared/WORKLOADS.md: gradient descent on MATLAB's peaks, lr = 0.01 — one start
//! (0, 1.4) for 1000 steps, and the 25×25 grid of starts for 100 steps each — hesse eager
//! and recorded beside a hand-written gradient.

mod common;

use std::hint::black_box;

use common::w5;
use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::RecordedFn;

fn gd_hand(p: [f64; 2], steps: usize) -> [f64; 2] {
    let [mut x, mut y] = p;
    for _ in 0..steps {
        let (_, gx, gy) = w5::hand_value_grad(x, y);
        x -= w5::LR * gx;
        y -= w5::LR * gy;
    }
    [x, y]
}

fn gd_eager(p: [f64; 2], steps: usize) -> [f64; 2] {
    let mut p = p;
    for _ in 0..steps {
        let g = hesse_core::grad(w5::peaks, &p);
        p = [p[0] - w5::LR * g[0], p[1] - w5::LR * g[1]];
    }
    p
}

fn gd_recorded(rec: &mut RecordedFn, p: [f64; 2], steps: usize) -> [f64; 2] {
    let mut p = p;
    let mut g = [0.0; 2];
    for _ in 0..steps {
        rec.value_and_grad_to(&p, &mut g);
        p = [p[0] - w5::LR * g[0], p[1] - w5::LR * g[1]];
    }
    p
}

fn bench(c: &mut Criterion) {
    let start = [0.0, 1.4];
    let mut rec = RecordedFn::new(w5::peaks, &start);
    let grid = w5::grid();

    let mut grp = c.benchmark_group("W5/gd_single");
    grp.bench_function("hand", |b| b.iter(|| gd_hand(black_box(start), 1000)));
    grp.bench_function("hesse", |b| b.iter(|| gd_eager(black_box(start), 1000)));
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| gd_recorded(&mut rec, black_box(start), 1000))
    });
    grp.finish();

    let mut grp = c.benchmark_group("W5/gd_grid");
    grp.sample_size(10);
    grp.bench_function("hand", |b| {
        b.iter(|| grid.iter().map(|&p| gd_hand(p, 100)).collect::<Vec<_>>())
    });
    grp.bench_function("hesse", |b| {
        b.iter(|| grid.iter().map(|&p| gd_eager(p, 100)).collect::<Vec<_>>())
    });
    grp.bench_function("hesse_recorded", |b| {
        b.iter(|| {
            grid.iter()
                .map(|&p| gd_recorded(&mut rec, p, 100))
                .collect::<Vec<_>>()
        })
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
