//! Golden values from published sources: docs/WORKLOADS.md (NumPy references), the seed
//! notebooks (docs/SEEDS.md), and textbook Rosenbrock. Each test names its source.

use hesse_core::{Tape, Var, grad, hessian, loss, value_and_grad, vector};

fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
}

/// Source: WORKLOADS.md W2 (f = 24.2, grad = (-215.6, -88), Hessian [[1330, 480], [480, 200]]).
#[test]
fn rosenbrock_at_the_classic_start() {
    let (f, g) = value_and_grad(rosenbrock, &[-1.2, 1.0]);
    assert!((f - 24.2).abs() < 1e-12);
    assert!(
        (g[0] + 215.6).abs() < 1e-10 && (g[1] + 88.0).abs() < 1e-10,
        "{g:?}"
    );
    let h = hessian(rosenbrock, &[-1.2, 1.0]);
    let want = [[1330.0, 480.0], [480.0, 200.0]];
    for i in 0..2 {
        for j in 0..2 {
            assert!((h[(i, j)] - want[i][j]).abs() < 1e-9, "{h:?}");
        }
    }
}

/// Source: the textbook Hessian of Rosenbrock at its minimum, [[802, -400], [-400, 200]].
#[test]
fn rosenbrock_hessian_at_the_minimum_is_exact() {
    assert_eq!(grad(rosenbrock, &[1.0, 1.0]), vec![0.0, 0.0]);
    assert_eq!(
        hessian(rosenbrock, &[1.0, 1.0]).to_rows(),
        vec![vec![802.0, -400.0], vec![-400.0, 200.0]]
    );
}

// ---- seed 000: the 2-2-1 sigmoid network on 10 points (docs/SEEDS.md) ----

const X: [[f64; 2]; 10] = [
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
];
const Y: [f64; 10] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
const THETA0: [f64; 9] = [
    1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
];

/// M(x) = σ(v · σ(W x + b) + c), mean BCE as written, θ = [w00, w01, w10, w11, b0, b1, v0, v1, c].
fn seed000_loss(theta: Var<'_>) -> Var<'_> {
    let tape = theta.tape();
    let xs: Vec<f64> = X.iter().flatten().copied().collect();
    let x = tape.constant(&xs, &[10, 2]);
    let y = tape.constant(&Y, &[10]);
    let w = theta.slice(0, 0, 4).reshape(&[2, 2]);
    let b = theta.slice(0, 4, 2);
    let v = theta.slice(0, 6, 2);
    let c = theta.index(8);
    let h = (x.matmul(w.t()) + b).sigmoid();
    let p = (h.matmul(v) + c).sigmoid();
    loss::bce(p, y)
}

/// The seed's `derivatives_by_backprop`, transcribed with plain f64 loops.
fn seed000_hand_backprop(t: &[f64; 9]) -> (f64, [f64; 9]) {
    let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
    let n = 10.0;
    let (mut loss, mut g) = (0.0, [0.0; 9]);
    for (x, &y) in X.iter().zip(&Y) {
        let a = [
            sig(t[0] * x[0] + t[1] * x[1] + t[4]),
            sig(t[2] * x[0] + t[3] * x[1] + t[5]),
        ];
        let p = sig(t[6] * a[0] + t[7] * a[1] + t[8]);
        loss -= (y * p.ln() + (1.0 - y) * (1.0 - p).ln()) / n;
        let dz2 = p - y;
        g[6] += dz2 * a[0] / n;
        g[7] += dz2 * a[1] / n;
        g[8] += dz2 / n;
        for i in 0..2 {
            let dz1 = dz2 * t[6 + i] * a[i] * (1.0 - a[i]);
            g[2 * i] += dz1 * x[0] / n;
            g[2 * i + 1] += dz1 * x[1] / n;
            g[4 + i] += dz1 / n;
        }
    }
    (loss, g)
}

/// Source: WORKLOADS.md W1 (NumPy; JAX and torch agree to 2.2e-16) and seed 000's printed
/// start loss ≈ 0.57773804.
#[test]
fn seed000_loss_and_gradient_at_the_start() {
    let (l, g) = vector::value_and_grad(seed000_loss, &THETA0);
    assert!((l - 0.5777380445031233).abs() < 1e-15, "{l}");
    assert!((l - 0.57773804).abs() < 5e-9);
    let reference = [
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
    let (hand_loss, hand) = seed000_hand_backprop(&THETA0);
    assert!((hand_loss - l).abs() < 1e-15);
    for i in 0..9 {
        assert!(
            (g[i] - reference[i]).abs() < 1e-15,
            "component {i}: {} vs {}",
            g[i],
            reference[i]
        );
        assert!(
            (g[i] - hand[i]).abs() < 1e-16,
            "component {i}: {} vs hand {}",
            g[i],
            hand[i]
        );
    }
}

/// Source: seed 002, "class probabilities associated with the forward pass of each sample"
/// (docs/SEEDS.md): samples are the rows of xᵀ, V is used as its transpose.
#[test]
fn seed002_relu_softmax_probabilities() {
    let tape = Tape::new();
    let x = tape.constant(&[1.0, -1.0, 0.0, -1.0, 0.0, 1.0], &[3, 2]);
    let w1 = tape.constant(&[1.0, 0.0, 0.0, -1.0, -1.0, 0.0], &[2, 3]);
    let w2 = tape.constant(&[1.0, 0.0, -1.0, 0.0, 0.0, 0.5], &[3, 2]);
    let v = tape.constant(&[1.0, 1.0, 0.0, 0.0, -1.0, -1.0], &[3, 2]);
    let b1 = tape.constant(&[0.0, 0.0, 1.0], &[3]);
    let b2 = tape.constant(&[1.0, -1.0], &[2]);
    let c = tape.constant(&[1.0, 0.0, 0.0], &[3]);
    let h1 = (x.matmul(w1) + b1).relu();
    let h2 = (h1.matmul(w2) + b2).relu();
    let p = (h2.matmul(v.t()) + c).softmax(1).to_vec();
    let want = [
        [0.94649912, 0.04712342, 0.00637746],
        [0.84379473, 0.1141952, 0.04201007],
        [0.84379473, 0.1141952, 0.04201007],
    ];
    for i in 0..3 {
        for j in 0..3 {
            assert!(
                (p[i * 3 + j] - want[i][j]).abs() < 1e-8,
                "row {i}: {:?}",
                &p[i * 3..i * 3 + 3]
            );
        }
    }
}

/// Source: WORKLOADS.md W2, extended Rosenbrock at x0 = (-1.2, 1, …): f = 24.2·n/2,
/// Hv begins (1858, 700, 2220, 836) for v_k = 1 + (k mod 10)/10, sum(Hv) = 177700 (n = 100).
#[test]
fn extended_rosenbrock_hvp_reference() {
    let n = 100;
    let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
    let v: Vec<f64> = (0..n).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect();
    let f = vector::function(|x| {
        let odd = x.reshape(&[n / 2, 2]).slice(1, 0, 1);
        let even = x.reshape(&[n / 2, 2]).slice(1, 1, 1);
        (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum()
    });
    let (val, _) = vector::value_and_grad(f, &x0);
    assert!((val - 1210.0).abs() < 1e-9);
    let hv = vector::hvp(f, &x0, &v);
    for (a, b) in hv.iter().zip([1858.0, 700.0, 2220.0, 836.0]) {
        assert!((a - b).abs() < 1e-9, "{hv:?}");
    }
    assert!((hv.iter().sum::<f64>() - 177700.0).abs() < 1e-7);
    let norm = hv.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!((norm - 19887.92095720415).abs() < 1e-8);
}
