//! Golden values from published sources, each named: the seeds (docs/SEEDS.md) and
//! the workloads (docs/WORKLOADS.md, data copied to tests/data/).

mod common;

use approx::assert_relative_eq;
use hesse_core::Matrix;
use hesse_nn::data::matrix_from_rows;
use hesse_nn::{Activation, L2, Mlp, MlpLoss, Output, Packing};

/// Seed 002, HW1 §1.4: a 2-3-2-3 ReLU network with softmax. Samples are the rows of
/// xᵀ = [[1, −1], [0, −1], [0, 1]]; the seed's V (3×2) is used as its transpose (2×3).
#[test]
fn seed_002_relu_softmax_probabilities() {
    let net = Mlp::from_sizes(&[2, 3, 2, 3], Activation::Relu, Output::MultiClass).unwrap();
    let w1 = [[1.0, 0.0, 0.0], [-1.0, -1.0, 0.0]]; // [fan_in][fan_out], as the seed's np.dot(x, w_1)
    let b1 = [0.0, 0.0, 1.0];
    let w2 = [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5]];
    let b2 = [1.0, -1.0];
    let v = [[1.0, 1.0], [0.0, 0.0], [-1.0, -1.0]];
    let c = [1.0, 0.0, 0.0];
    let mut params: Vec<f64> = w1.iter().flatten().copied().collect();
    params.extend(b1);
    params.extend(w2.iter().flatten());
    params.extend(b2);
    for i in 0..2 {
        for row in &v {
            params.push(row[i]); // Vᵀ[i][j] = V[j][i]
        }
    }
    params.extend(c);
    let x = matrix_from_rows(&[[1.0, -1.0], [0.0, -1.0], [0.0, 1.0]]).unwrap();
    let p = net.predict(&params, &x).unwrap();
    let expected = [
        [0.94649912, 0.04712342, 0.00637746],
        [0.84379473, 0.1141952, 0.04201007],
        [0.84379473, 0.1141952, 0.04201007],
    ];
    for (r, row) in expected.iter().enumerate() {
        for (k, e) in row.iter().enumerate() {
            assert!(
                (p[(r, k)] - e).abs() < 1e-8,
                "row {r} class {k}: {} vs {e}",
                p[(r, k)]
            );
        }
    }
}

/// The seed 000 / W1 data: 10 points, labels 1,1,1,1,1,0,0,0,0,0.
fn w1_data() -> (Matrix, Matrix) {
    let x = matrix_from_rows(&[
        [2.8, 0.4],
        [3.1, 4.3],
        [0.1, -3.4],
        [-4.2, -3.3],
        [-0.5, 0.2],
        [-2.7, -0.4],
        [-3.0, -4.3],
        [-0.1, 3.4],
        [4.2, 3.2],
        [0.4, -0.1],
    ])
    .unwrap();
    let y = Matrix::new(10, 1, vec![1., 1., 1., 1., 1., 0., 0., 0., 0., 0.]);
    (x, y)
}

/// Seed 000 / WORKLOADS W1: loss and gradient at θ₀ through `Mlp` with explicit parameters
/// given in W1's order [w00, w01, w10, w11, b0, b1, v0, v1, c] (PyTorch's `nn.Linear` order).
#[test]
fn seed_000_loss_and_gradient_at_theta0() {
    let net = Mlp::from_sizes(&[2, 2, 1], Activation::Sigmoid, Output::Binary).unwrap();
    let theta0 = [
        1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
    ];
    let w = net.layout().import(&theta0, Packing::OutIn).unwrap();
    let (x, y) = w1_data();
    let loss = MlpLoss::new(&net, &x, &y, L2::None).unwrap();
    let (f, g) = loss.value_and_grad(&w);
    // W1: L(θ₀) = 0.5777380445031233 (NumPy, JAX and torch agree to ≤ 2.2e-16).
    assert_relative_eq!(f, 0.5777380445031233, max_relative = 1e-14);
    let g_w1_order = net.layout().export(&g, Packing::OutIn).unwrap();
    let expected = [
        1.3662158106814208e-04,
        3.896810186996166e-04,
        1.7587921509078323e-05,
        -2.216197962583886e-05,
        3.0701569209368174e-05,
        -3.3699594030024704e-05,
        8.22589264005899e-05,
        1.1366347638689517e-04,
        9.716803853593303e-05,
    ];
    for (a, e) in g_w1_order.iter().zip(expected) {
        assert_relative_eq!(*a, e, max_relative = 1e-9, epsilon = 1e-16);
    }
    // The full 9×9 Hessian exists, is exactly symmetric and positive definite-ish near the
    // minimum (its diagonal is positive).
    let h = loss.hessian(&w);
    assert_eq!(h.asymmetry(), 0.0);
    assert!((0..9).all(|i| h[(i, i)] > 0.0));
}

/// WORKLOADS W3: 2-50-50-1 tanh on 1000 points, init from w3_init_2_50_50_1.json.
#[test]
fn w3_value_gradient_and_hvp() {
    let net = Mlp::from_sizes(&[2, 50, 50, 1], Activation::Tanh, Output::Binary).unwrap();
    let w = common::w3_init("w3_init_2_50_50_1.json");
    assert_eq!(w.len(), 2751);
    let (x, y) = common::w3_data();
    let loss = MlpLoss::new(&net, &x, &common::binary_targets(&y), L2::None).unwrap();
    let mut rec = loss.record(&w);
    let (f, g) = rec.value_and_grad(&w);
    assert_relative_eq!(f, 0.6992901115380107, max_relative = 1e-13);
    let norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert_relative_eq!(norm, 0.11791780536712004, max_relative = 1e-12);
    assert_relative_eq!(g.iter().sum::<f64>(), -0.06777795680689427, max_relative = 1e-11);
    let hv = rec.hvp(&w, &common::workload_direction(w.len()));
    assert_relative_eq!(hv.iter().sum::<f64>(), -5.53197256924026, max_relative = 1e-11);
    let hv_norm = hv.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert_relative_eq!(hv_norm, 2.446561471356014, max_relative = 1e-11);
}

/// WORKLOADS W3, small net: the full 151×151 Hessian of 2-10-10-1 on the first 300 rows.
#[test]
fn w3_small_net_full_hessian() {
    let net = Mlp::from_sizes(&[2, 10, 10, 1], Activation::Tanh, Output::Binary).unwrap();
    let w = common::w3_init("w3_init_2_10_10_1.json");
    let (x, y) = common::w3_data();
    let (x, y) = common::head(&x, &y, 300);
    let loss = MlpLoss::new(&net, &x, &common::binary_targets(&y), L2::None).unwrap();
    assert_relative_eq!(loss.value(&w), 0.6988053990983718, max_relative = 1e-13);
    let h = loss.hessian(&w);
    assert_relative_eq!(h.trace(), 1.0165394754579813, max_relative = 1e-11);
    let sum: f64 = h.as_slice().iter().sum();
    assert_relative_eq!(sum, 1.996724710384444, max_relative = 1e-10);
    let fro = h.as_slice().iter().map(|v| v * v).sum::<f64>().sqrt();
    assert_relative_eq!(fro, 0.8878164044831744, max_relative = 1e-11);
}
