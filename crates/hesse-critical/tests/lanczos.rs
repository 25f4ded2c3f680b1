//! Matrix-free tools against the dense route on a 2-20-20-1 tanh network (501 parameters) at a
//! point trained by gradient descent.

use hesse_core::{RecordedFn, Var};
use hesse_critical::{LanczosOptions, extreme_eigenvalues, hutchinson_trace, symmetric_eigen};

const SIZES: [usize; 4] = [2, 20, 20, 1];

fn data() -> (Vec<f64>, Vec<f64>) {
    // 64 deterministic points on a spiral-ish pattern, label = sign of x·y
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..64 {
        let t = i as f64 * 0.37;
        let (a, b) = ((1.3 * t).sin(), (0.7 * t + 0.5).cos());
        x.extend([a, b]);
        y.push(if a * b > 0.0 { 1.0 } else { 0.0 });
    }
    (x, y)
}

fn n_params() -> usize {
    SIZES.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
}

fn loss<'t>(w: Var<'t>, x: &[f64], y: &[f64]) -> Var<'t> {
    let tape = w.tape();
    let n = y.len();
    let mut h = tape.constant(x, &[n, 2]);
    let mut at = 0;
    for (l, pair) in SIZES.windows(2).enumerate() {
        let (fan_in, fan_out) = (pair[0], pair[1]);
        let wm = w.slice(0, at, fan_in * fan_out).reshape(&[fan_in, fan_out]);
        at += fan_in * fan_out;
        let b = w.slice(0, at, fan_out);
        at += fan_out;
        let z = h.matmul(wm) + b;
        h = if l + 2 < SIZES.len() { z.tanh() } else { z };
    }
    let t = tape.constant(y, &[n, 1]);
    hesse_core::loss::bce_with_logits(h, t)
}

#[test]
fn lanczos_matches_the_dense_spectrum_on_a_trained_network() {
    let (x, y) = data();
    let p = n_params();
    assert_eq!(p, 501);
    // deterministic small init, then gradient descent to a trained point
    let mut w: Vec<f64> = (0..p).map(|i| 0.5 * ((i as f64 * 1.618).sin())).collect();
    let mut rec = RecordedFn::new_vector(|v| loss(v, &x, &y), &w);
    let (l0, _) = rec.value_and_grad(&w);
    for _ in 0..300 {
        let (_, g) = rec.value_and_grad(&w);
        w.iter_mut().zip(&g).for_each(|(a, b)| *a -= 0.5 * b);
    }
    let (l1, _) = rec.value_and_grad(&w);
    assert!(l1 < 0.7 * l0, "training did not progress: {l0} -> {l1}");

    let h = rec.hessian(&w);
    let (dense, _) = symmetric_eigen(&h);
    let r = extreme_eigenvalues(&mut rec, &w, LanczosOptions::default());
    let (lo, hi) = (dense[0], dense[p - 1]);
    println!(
        "dense [{lo:.6e}, {hi:.6e}], lanczos [{:.6e}, {:.6e}] with {} HVPs",
        r.smallest, r.largest, r.matvecs
    );
    assert!(r.converged);
    assert!(
        lo < 0.0,
        "a trained-but-not-converged net should show negative curvature"
    );
    let scale = lo.abs().max(hi.abs());
    assert!(
        (r.smallest - lo).abs() <= 1e-6 * scale,
        "smallest {} vs {lo}",
        r.smallest
    );
    assert!(
        (r.largest - hi).abs() <= 1e-6 * hi.abs(),
        "largest {} vs {hi}",
        r.largest
    );
    assert!(
        r.matvecs < p,
        "Lanczos used {} HVPs, as many as the dense route",
        r.matvecs
    );

    let t = hutchinson_trace(&mut rec, &w, 200, 1);
    let trace = h.trace();
    println!(
        "trace {trace:.6e}, Hutchinson {:.6e} ± {:.2e}",
        t.mean, t.std_error
    );
    assert!(
        (t.mean - trace).abs() <= 4.0 * t.std_error + 1e-12,
        "{t:?} vs {trace}"
    );
}
