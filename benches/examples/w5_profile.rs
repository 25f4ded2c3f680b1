//! Profiling driver for W5's batched grid step (not a benchmark: see `workloads` for the
//! timed figures): replays the value and gradient of Σ peaks over the 625 grid starts.
//!
//! ```text
//! cargo build --release -p hesse-bench --example w5_profile
//! perf record target/release/examples/w5_profile 20000     # µs per step
//! ```

#[path = "../common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use common::w5;
use hesse_core::RecordedFn;

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    let w0 = w5::grid_batch();
    let mut rec = RecordedFn::new_vector(w5::peaks_batch, &w0);
    let mut g = vec![0.0; w0.len()];
    let t0 = Instant::now();
    for _ in 0..reps {
        black_box(rec.value_and_grad_to(black_box(&w0), &mut g));
    }
    let us = t0.elapsed().as_secs_f64() * 1e6 / reps as f64;
    println!("{us:.3} µs per value+grad over {} starts", w0.len() / 2);
}
