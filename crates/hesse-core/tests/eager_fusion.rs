//! The eager transforms run large deferred work as fused regions (issue 21,
//! `hesse_core::eager`): the same bits as node by node, on functions past the default
//! threshold, and the right derivatives by the formula.

use hesse_core::{eager, vector};

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn point(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| ((i as f64 + seed) * 0.377).sin() * 1.3).collect()
}

/// Value, gradient and HVP of `f` at `x` with the default threshold, with every read fused,
/// and node by node: all three bit for bit the same.
fn same_bits_every_way(f: impl for<'t> Fn(hesse_core::Var<'t>) -> hesse_core::Var<'t> + Copy, x: &[f64]) {
    let v = point(x.len(), 11.0);
    let run = |min: Option<usize>| {
        eager::scoped(min, || {
            let (y, g) = vector::value_and_grad(f, x);
            (y, g, vector::hvp(f, x, &v))
        })
    };
    let plain = run(None);
    for min in [Some(eager::DEFAULT_MIN_VALUES), Some(0)] {
        let got = run(min);
        assert_eq!(got.0.to_bits(), plain.0.to_bits(), "value, threshold {min:?}");
        assert_eq!(bits(&got.1), bits(&plain.1), "gradient, threshold {min:?}");
        assert_eq!(bits(&got.2), bits(&plain.2), "HVP, threshold {min:?}");
    }
}

fn rosenbrock<'t>(x: hesse_core::Var<'t>) -> hesse_core::Var<'t> {
    let n = x.len();
    let m = x.reshape(&[n / 2, 2]);
    let (a, b) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
    (100.0 * (b - a.square()).square() + (1.0 - a).square()).sum()
}

#[test]
fn extended_rosenbrock_past_the_threshold() {
    let n = 400_000; // about 16 values per coordinate deferred: far past 2¹⁸
    let x = point(n, 0.0);
    same_bits_every_way(rosenbrock, &x);
    // The gradient by the formula: ∂/∂a = −400 a (b − a²) − 2 (1 − a), ∂/∂b = 200 (b − a²).
    let (_, g) = vector::value_and_grad(rosenbrock, &x);
    for i in (0..n).step_by(2).take(2000) {
        let (a, b) = (x[i], x[i + 1]);
        let ga = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        let gb = 200.0 * (b - a * a);
        assert!((g[i] - ga).abs() <= 1e-12 * ga.abs().max(1.0), "∂/∂x{i}");
        assert!(
            (g[i + 1] - gb).abs() <= 1e-12 * gb.abs().max(1.0),
            "∂/∂x{}",
            i + 1
        );
    }
}

#[test]
fn elementwise_chains_with_sums_broadcasts_and_products() {
    // Transcendentals, a broadcast row, a matrix product and column sums between the
    // elementwise runs: nodes that stay outside the regions read what the regions wrote.
    let (rows, cols) = (4096, 32);
    let c = point(cols * cols, 3.0);
    let f = vector::function(|w| {
        let m = w.reshape(&[rows, cols]);
        let k = m.tape().constant(&c, &[cols, cols]);
        let h = (m.matmul(k) * 0.1).tanh();
        let col = h.sum_to(&[1, cols]);
        let z = (h - col * 1e-3).exp() * m.sin();
        z.sum() + (m.square() * 0.5).sum()
    });
    same_bits_every_way(f, &point(rows * cols, 1.0));
}

#[test]
fn reads_below_the_threshold_run_node_by_node() {
    // Small functions take the node-by-node route under the default threshold: the same
    // answer as with fusion forced everywhere.
    for n in [2, 10, 1000] {
        same_bits_every_way(rosenbrock, &point(n, 2.0));
    }
}

#[test]
fn nonfinite_values_flow_the_same_way() {
    let mut x = point(300_000, 5.0);
    x[17] = f64::NAN;
    x[1001] = f64::INFINITY;
    x[2002] = -0.0;
    same_bits_every_way(rosenbrock, &x);
    same_bits_every_way(|w| (w.ln() * w).sum(), &x);
}
