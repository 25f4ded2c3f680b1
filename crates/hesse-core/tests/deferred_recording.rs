//! A recording runs no vector kernel it does not need (issue 21): vector nodes are recorded
//! with their shapes and arena ranges, and their kernels run when a value is asked for
//! (`to_vec`, `value`, a comparison) or in the replays. Everything read while recording is
//! the eager tape's value, and every replay is the eager tape's answer bit for bit.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use hesse_core::{CustomFn, RecordedFn, Tape, Var, vector};

/// Calls of the black box below, counted per value (a test binary runs tests on threads, so
/// each test uses its own function).
static CALLS_A: AtomicUsize = AtomicUsize::new(0);
static CALLS_B: AtomicUsize = AtomicUsize::new(0);

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Softplus as a black box that counts its calls in `calls`.
fn counting_softplus(name: &'static str, calls: &'static AtomicUsize) -> CustomFn {
    CustomFn::elementwise(
        name,
        move |x| {
            calls.fetch_add(1, Ordering::Relaxed);
            softplus(x)
        },
        |g, x, _y| g * x.sigmoid(),
    )
}

static SOFTPLUS_A: LazyLock<CustomFn> = LazyLock::new(|| counting_softplus("softplus_a", &CALLS_A));
static SOFTPLUS_B: LazyLock<CustomFn> = LazyLock::new(|| counting_softplus("softplus_b", &CALLS_B));

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn points(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| ((i as f64 + seed) * 0.731).sin() * 1.7).collect()
}

#[test]
fn a_vector_recording_runs_no_kernel_on_the_point() {
    let n = 64;
    let loss = vector::function(|w| w.custom(&SOFTPLUS_A).square().sum() + (w * 0.5).sin().sum());
    let x0 = points(n, 0.0);
    let before = CALLS_A.load(Ordering::Relaxed);
    let mut rec = RecordedFn::new_vector(loss, &x0);
    assert_eq!(
        CALLS_A.load(Ordering::Relaxed),
        before,
        "recording ran the black box on the point"
    );
    for x in [x0.clone(), points(n, 3.0), vec![0.0; n]] {
        let (v, g) = rec.value_and_grad(&x);
        let (ve, ge) = vector::value_and_grad(loss, &x);
        assert_eq!(v.to_bits(), ve.to_bits());
        assert_eq!(bits(&g), bits(&ge));
        let d = points(n, 7.0);
        assert_eq!(bits(&rec.hvp(&x, &d)), bits(&vector::hvp(loss, &x, &d)));
    }
    assert!(CALLS_A.load(Ordering::Relaxed) > before);
}

#[test]
fn values_read_while_recording_are_the_eager_ones() {
    let n = 40;
    let x0 = points(n, 1.0);
    // What the closure reads, recorded and eager: an intermediate vector, a scalar made of
    // vectors, and a value through a custom function.
    let seen = std::cell::RefCell::new(Vec::new());
    let loss = vector::function(|w| {
        let h = (w * 2.0).tanh();
        let s = h.square().sum();
        seen.borrow_mut()
            .push((h.to_vec(), s.value(), w.custom(&SOFTPLUS_B).to_vec()));
        s * s + h.sum()
    });
    let mut rec = RecordedFn::new_vector(loss, &x0);
    let tape = Tape::new();
    let w = tape.vector(&x0);
    let _ = loss(w);
    let seen = seen.borrow().clone();
    let (recorded, eager) = (&seen[0], &seen[1]);
    assert_eq!(bits(&recorded.0), bits(&eager.0));
    assert_eq!(recorded.1.to_bits(), eager.1.to_bits());
    assert_eq!(bits(&recorded.2), bits(&eager.2));
    // Against the formula, not the code: tanh(2x) and Σ tanh²(2x).
    let h: Vec<f64> = x0.iter().map(|x| (2.0 * x).tanh()).collect();
    assert!(h.iter().zip(&recorded.0).all(|(a, b)| (a - b).abs() < 1e-15));
    assert!((h.iter().map(|v| v * v).sum::<f64>() - recorded.1).abs() < 1e-12);
    // Forcing some values while recording changes no replay.
    let x1 = points(n, 5.0);
    let (v, g) = rec.value_and_grad(&x1);
    let (ve, ge) = vector::value_and_grad(loss, &x1);
    assert_eq!((v.to_bits(), bits(&g)), (ve.to_bits(), bits(&ge)));
}

#[test]
fn comparisons_of_deferred_values_are_checked_in_replays() {
    let n = 30;
    // The branch reads a sum of vectors, whose kernels the recording defers.
    let loss = vector::function(|w| {
        let s = w.square().sum();
        if s.gt(Var::from(10.0)) { s.sqrt() } else { s }
    });
    let small: Vec<f64> = vec![0.1; n];
    let large: Vec<f64> = vec![1.0; n];
    let mut rec = RecordedFn::new_vector(loss, &small);
    let (v, _) = rec.value_and_grad(&small);
    assert!(!rec.branch_changed());
    assert!((v - 0.3).abs() < 1e-12, "Σ 0.1² over 30 is 0.3, got {v}");
    rec.value_and_grad(&large);
    assert!(rec.branch_changed(), "Σ 1² = 30 > 10 takes the other branch");
}

#[test]
fn constants_made_while_recording_keep_their_values() {
    // Constants built from data inside the closure (no point, no direction in them) are
    // computed once when the recording finishes; replays read them.
    let n = 50;
    let c: Vec<f64> = points(n, 9.0);
    let loss = vector::function(|w| {
        let k = w.tape().constant(&c, &[n]).exp().sqrt();
        (w * k).sin().sum() + k.sum()
    });
    let x0 = points(n, 2.0);
    let mut rec = RecordedFn::new_vector(loss, &x0);
    for x in [x0.clone(), points(n, 4.0)] {
        let (v, g) = rec.value_and_grad(&x);
        let (ve, ge) = vector::value_and_grad(loss, &x);
        assert_eq!((v.to_bits(), bits(&g)), (ve.to_bits(), bits(&ge)));
        // And the formula: ∂/∂xᵢ = cos(xᵢ kᵢ) kᵢ with kᵢ = e^{cᵢ/2}.
        for i in 0..n {
            let k = (c[i] / 2.0).exp();
            assert!((g[i] - (x[i] * k).cos() * k).abs() < 1e-12 * k.max(1.0));
        }
    }
}
