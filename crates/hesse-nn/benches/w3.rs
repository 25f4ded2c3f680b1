//! WORKLOADS W3: value + gradient and one HVP of the 2-50-50-1 tanh MLP on 1,000 points
//! (P = 2751), through hesse-nn — a recorded loss replayed, and a fresh tape per call —
//! beside a hand-written backprop of the same network on the same GEMM (`matrixmultiply`,
//! which hesse-core's matmul kernel uses too).
//!
//! The hand-written HVP baseline is a central difference of the hand-written gradient
//! (two gradient passes, O(h²) error): what one gets without an exact second-order engine.
//!
//! Run: `cargo bench -p hesse-nn --bench w3`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use hesse_core::Matrix;
use hesse_nn::data::csv::{LabelColumn, read_csv};
use hesse_nn::{Activation, L2, Mlp, MlpLoss, Output};

const SIZES: [usize; 4] = [2, 50, 50, 1];

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The W3 init (per layer W row-major, then b) from the JSON file.
fn w3_init() -> Vec<f64> {
    let text = std::fs::read_to_string(data_path("w3_init_2_50_50_1.json")).expect("init");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut flat = Vec::new();
    for layer in v["layers"].as_array().expect("layers") {
        for row in layer["W"].as_array().expect("W") {
            flat.extend(
                row.as_array()
                    .expect("row")
                    .iter()
                    .map(|x| x.as_f64().expect("f64")),
            );
        }
        flat.extend(
            layer["b"]
                .as_array()
                .expect("b")
                .iter()
                .map(|x| x.as_f64().expect("f64")),
        );
    }
    flat
}

/// `C = op(A)·op(B) + beta·C` with `op` an optional transpose; row-major slices.
/// A is m×k after op, B is k×n after op.
#[allow(clippy::too_many_arguments)]
fn gemm(m: usize, k: usize, n: usize, a: &[f64], ta: bool, b: &[f64], tb: bool, beta: f64, c: &mut [f64]) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    // Strides of op(A) (m×k): stored row-major as m×k (rs = k, cs = 1) or k×m transposed.
    let (rsa, csa) = if ta { (1, m as isize) } else { (k as isize, 1) };
    let (rsb, csb) = if tb { (1, k as isize) } else { (n as isize, 1) };
    // SAFETY: the asserts above bound every index the strides reach; the buffers do not
    // alias (c is borrowed mutably, a and b immutably).
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Hand-written forward and backward pass of W3: mean BCE of sigmoid(z), z = tanh(tanh(X W1 +
/// b1) W2 + b2) W3 + b3. Buffers are allocated once and reused.
struct HandBackprop {
    x: Vec<f64>,
    y: Vec<f64>,
    n: usize,
    a1: Vec<f64>,
    a2: Vec<f64>,
    z: Vec<f64>,
    d2: Vec<f64>,
    d1: Vec<f64>,
}

impl HandBackprop {
    fn new(x: &Matrix, y: &[f64]) -> Self {
        let n = x.rows();
        HandBackprop {
            x: x.as_slice().to_vec(),
            y: y.to_vec(),
            n,
            a1: vec![0.0; n * 50],
            a2: vec![0.0; n * 50],
            z: vec![0.0; n],
            d2: vec![0.0; n * 50],
            d1: vec![0.0; n * 50],
        }
    }

    fn value_and_grad(&mut self, w: &[f64], g: &mut [f64]) -> f64 {
        let n = self.n;
        let (w1, rest) = w.split_at(100);
        let (b1, rest) = rest.split_at(50);
        let (w2, rest) = rest.split_at(2500);
        let (b2, rest) = rest.split_at(50);
        let (w3, b3) = rest.split_at(50);
        // Forward: h1 = tanh(X W1 + b1), h2 = tanh(h1 W2 + b2), z = h2 W3 + b3.
        for r in 0..n {
            self.a1[r * 50..(r + 1) * 50].copy_from_slice(b1);
        }
        gemm(n, 2, 50, &self.x, false, w1, false, 1.0, &mut self.a1);
        self.a1.iter_mut().for_each(|v| *v = v.tanh());
        for r in 0..n {
            self.a2[r * 50..(r + 1) * 50].copy_from_slice(b2);
        }
        gemm(n, 50, 50, &self.a1, false, w2, false, 1.0, &mut self.a2);
        self.a2.iter_mut().for_each(|v| *v = v.tanh());
        self.z.fill(b3[0]);
        gemm(n, 50, 1, &self.a2, false, w3, false, 1.0, &mut self.z);
        // Loss mean(softplus(z) − y z) and dL/dz = (σ(z) − y) / n.
        let mut loss = 0.0;
        for (z, y) in self.z.iter_mut().zip(&self.y) {
            let sp = if *z > 0.0 {
                *z + (-*z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            };
            loss += sp - y * *z;
            *z = (1.0 / (1.0 + (-*z).exp()) - y) / n as f64;
        }
        let dz = &self.z;
        let (gw1, grest) = g.split_at_mut(100);
        let (gb1, grest) = grest.split_at_mut(50);
        let (gw2, grest) = grest.split_at_mut(2500);
        let (gb2, grest) = grest.split_at_mut(50);
        let (gw3, gb3) = grest.split_at_mut(50);
        // Layer 3.
        gemm(50, n, 1, &self.a2, true, dz, false, 0.0, gw3);
        gb3[0] = dz.iter().sum();
        // δ2 = (dz W3ᵀ) ⊙ (1 − h2²).
        gemm(n, 1, 50, dz, false, w3, true, 0.0, &mut self.d2);
        self.d2
            .iter_mut()
            .zip(&self.a2)
            .for_each(|(d, h)| *d *= 1.0 - h * h);
        gemm(50, n, 50, &self.a1, true, &self.d2, false, 0.0, gw2);
        col_sums(&self.d2, 50, gb2);
        // δ1 = (δ2 W2ᵀ) ⊙ (1 − h1²).
        gemm(n, 50, 50, &self.d2, false, w2, true, 0.0, &mut self.d1);
        self.d1
            .iter_mut()
            .zip(&self.a1)
            .for_each(|(d, h)| *d *= 1.0 - h * h);
        gemm(2, n, 50, &self.x, true, &self.d1, false, 0.0, gw1);
        col_sums(&self.d1, 50, gb1);
        loss / n as f64
    }
}

fn col_sums(m: &[f64], cols: usize, out: &mut [f64]) {
    out.fill(0.0);
    for row in m.chunks(cols) {
        out.iter_mut().zip(row).for_each(|(o, v)| *o += v);
    }
}

fn bench(c: &mut Criterion) {
    let d = read_csv(data_path("w3_data.csv"), LabelColumn::Last).expect("w3 data");
    let y = Matrix::new(d.y.len(), 1, d.y.clone());
    let net = Mlp::from_sizes(&SIZES, Activation::Tanh, Output::Binary).expect("net");
    let loss = MlpLoss::new(&net, &d.x, &y, L2::None).expect("loss");
    let w = w3_init();
    let p = w.len();
    let v: Vec<f64> = (0..p).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect();
    let mut rec = loss.record(&w);
    let mut hand = HandBackprop::new(&d.x, &d.y);

    // The two implementations agree (W3 reference L = 0.6992901115380107).
    let mut g_hand = vec![0.0; p];
    let f_hand = hand.value_and_grad(&w, &mut g_hand);
    let (f, g) = rec.value_and_grad(&w);
    assert!((f - 0.6992901115380107).abs() < 1e-13 && (f - f_hand).abs() < 1e-13);
    let max_diff = g
        .iter()
        .zip(&g_hand)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(max_diff < 1e-13, "gradients differ by {max_diff}");

    let mut group = c.benchmark_group("w3_mlp_2_50_50_1");
    let mut g_buf = vec![0.0; p];
    group.bench_function("value_grad/hesse_recorded", |b| {
        b.iter(|| black_box(rec.value_and_grad_to(black_box(&w), &mut g_buf)))
    });
    group.bench_function("value_grad/hesse_fresh_tape", |b| {
        b.iter(|| black_box(loss.value_and_grad(black_box(&w))))
    });
    group.bench_function("value_grad/hand_backprop", |b| {
        b.iter(|| black_box(hand.value_and_grad(black_box(&w), &mut g_buf)))
    });
    let mut hv = vec![0.0; p];
    group.bench_function("hvp/hesse_recorded", |b| {
        b.iter(|| {
            rec.hvp_to(black_box(&w), black_box(&v), &mut hv);
            black_box(hv[0])
        })
    });
    group.bench_function("hvp/hesse_fresh_tape", |b| {
        b.iter(|| black_box(loss.hvp(black_box(&w), black_box(&v))))
    });
    let (mut wp, mut wm) = (w.clone(), w.clone());
    let (mut gp, mut gm) = (vec![0.0; p], vec![0.0; p]);
    group.bench_function("hvp/hand_central_difference", |b| {
        b.iter(|| {
            let h = 1e-5;
            for k in 0..p {
                wp[k] = w[k] + h * v[k];
                wm[k] = w[k] - h * v[k];
            }
            hand.value_and_grad(&wp, &mut gp);
            hand.value_and_grad(&wm, &mut gm);
            for k in 0..p {
                hv[k] = (gp[k] - gm[k]) / (2.0 * h);
            }
            black_box(hv[0])
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
