//! Hessians of vector recordings equal the eager tape's bit for bit (issue 15, item 2).
//!
//! `RecordedFn::hessian` runs other programs than the value, gradient and HVP replays (a
//! per-point prefix, then a per-column program or the all-columns lane program), so it is
//! checked on its own here, against `hesse_core::vector::hessian` (the eager tape: row i is
//! the gradient of gradient component i), at points other than the recorded one:
//! - recordings made where many entries of a vector node are equal (`X·w` at w = 0, an
//!   affine map constant over the rows), for every smooth unary op;
//! - recordings whose graph takes an elementwise `max`/`min` of two branches, at a generic
//!   point.
//!
//! Every route is checked: the default native setting and `Native::OFF` (portable code only),
//! with and without the Cranelift replays.

use hesse_core::native::{self, Native};
use hesse_core::vector::function;
use hesse_core::{RecordedFn, Var};

/// Bits of a result, every NaN counted as one value.
fn bits(v: &[f64]) -> Vec<u64> {
    v.iter()
        .map(|x| if x.is_nan() { u64::MAX } else { x.to_bits() })
        .collect()
}

/// The unary ops of the report (and `square`, which was right, as a control).
const OPS: [&str; 7] = [
    "exp",
    "softplus",
    "sigmoid",
    "tanh",
    "log_sigmoid",
    "sin",
    "square",
];

fn unary<'t>(op: &str, z: Var<'t>) -> Var<'t> {
    match op {
        "exp" => z.exp(),
        "softplus" => z.softplus(),
        "sigmoid" => z.sigmoid(),
        "tanh" => z.tanh(),
        "log_sigmoid" => z.log_sigmoid(),
        "sin" => z.sin(),
        "square" => z.square(),
        _ => unreachable!("{op}"),
    }
}

/// The rows of an n×2 design matrix: x_i evenly spaced in [−1.5, 1.5], and a 1 (intercept).
fn design(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|i| [-1.5 + 3.0 * i as f64 / (n - 1) as f64, 1.0])
        .collect()
}

/// The recording's Hessian at `x` equals the eager one bit for bit, under every native setting
/// (each recorded anew, so that no setting reuses another's compiled code).
fn check<F>(what: &str, f: F, x0: &[f64], points: &[Vec<f64>])
where
    F: for<'t> Fn(Var<'t>) -> Var<'t> + Copy,
{
    let settings = [
        ("default", native::current()),
        ("off", Native::OFF),
        (
            "nojit",
            Native {
                jit: false,
                ..native::current()
            },
        ),
    ];
    for (name, setting) in settings {
        native::scoped(setting, || {
            for jit in [false, true] {
                let rec = RecordedFn::new_vector(f, x0);
                let mut rec = if jit { rec.jit() } else { rec.without_jit() };
                for x in points {
                    let eager = hesse_core::vector::hessian(f, x);
                    let got = rec.hessian(x);
                    assert_eq!(
                        bits(got.as_slice()),
                        bits(eager.as_slice()),
                        "{what}: Hessian at {x:?} (recorded at {x0:?}, native {name}, jit {jit}):\n\
                         recorded {:?}\neager    {:?}",
                        got.to_rows(),
                        eager.to_rows()
                    );
                }
            }
        });
    }
}

/// Points other than the recording's, a few of them degenerate too.
fn points2() -> Vec<Vec<f64>> {
    vec![
        vec![0.3, -0.2],
        vec![-0.6, 0.9],
        vec![1.1, 0.05],
        vec![0.0, 0.0],
        vec![0.0, 0.7],
    ]
}

/// Σ op(X·w) with a constant X, recorded at w = 0 where every entry of X·w is 0.
#[test]
fn recorded_where_every_entry_is_equal() {
    for n in [32, 33, 64, 200] {
        for op in OPS {
            let f = function(move |w| {
                let x = w.tape().constant(&design(n), &[n, 2]);
                unary(op, x.matmul(w)).sum()
            });
            check(&format!("Σ {op}(X·w), n = {n}"), f, &[0.0, 0.0], &points2());
        }
    }
}

/// The same with an affine map X·w + b whose entries are all equal at the recording point
/// (b = c − X·w₀ makes them c there).
#[test]
fn recorded_where_an_affine_map_is_constant() {
    let n = 40;
    let w0 = [0.4, -0.25];
    let xs = design(n);
    let b: Vec<f64> = (0..n)
        .map(|i| 0.5 - (xs[2 * i] * w0[0] + xs[2 * i + 1] * w0[1]))
        .collect();
    for op in OPS {
        let b = b.clone();
        let xs = xs.clone();
        let f = function(move |w| {
            let t = w.tape();
            let z = t.constant(&xs, &[n, 2]).matmul(w) + t.constant(&b, &[n]);
            unary(op, z).sum()
        });
        // The closure captures Vecs, so it is not Copy: go through a reference.
        check(&format!("Σ {op}(X·w + b), n = {n}"), &f, &w0, &points2());
    }
}

/// f(w) = Σᵢ g(zᵢ)², zᵢ = xᵢ·w₀ + w₁, g = max(exp(0.3 z), relu(z)) (or `min`, or other pairs),
/// over `n` points evenly spaced in [−1.5, 1.5].
fn max_branches<'t>(w: Var<'t>, n: usize, kind: u8) -> Var<'t> {
    let t = w.tape();
    let z = t.constant(&design(n), &[n, 2]).matmul(w);
    let g = match kind {
        0 => (z * 0.3).exp().max(z.relu()),
        1 => (z * 0.3).exp().min(z.relu()),
        2 => z.tanh().max(z.sin()),
        3 => z.sigmoid().min(z.square()),
        _ => z.softplus().max(z.exp() - 1.0),
    };
    g.square().sum()
}

#[test]
fn max_of_two_branches() {
    for n in [33, 8, 100] {
        for kind in 0..5u8 {
            let f = function(move |w| max_branches(w, n, kind));
            let mut points = points2();
            points.push(vec![0.8, -0.3]);
            check(
                &format!("max/min branches {kind}, n = {n}"),
                f,
                &[0.8, -0.3],
                &points,
            );
        }
    }
}

/// The numbers of the report, against central differences of the eager gradient (an
/// independent check that the eager Hessian is the right one, not only the same as the
/// recording's).
#[test]
fn reported_numbers_match_finite_differences() {
    let f = function(|w| max_branches(w, 33, 0));
    let x = [-0.6, 0.9];
    let eager = hesse_core::vector::hessian(f, &x);
    let h = 1e-5;
    for j in 0..2 {
        let (mut xp, mut xm) = (x, x);
        xp[j] += h;
        xm[j] -= h;
        let (_, gp) = hesse_core::vector::value_and_grad(f, &xp);
        let (_, gm) = hesse_core::vector::value_and_grad(f, &xm);
        for i in 0..2 {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            let e = eager.to_rows()[i][j];
            assert!(
                (fd - e).abs() <= 1e-5 * (1.0 + e.abs()),
                "H[{i}][{j}]: fd {fd}, eager {e}"
            );
        }
    }
    // The report's eager Hessian, to two decimals.
    let rows = eager.to_rows();
    assert!(
        (rows[0][0] - 23.56).abs() < 0.01 && (rows[1][1] - 24.38).abs() < 0.01,
        "{rows:?}"
    );
    assert!((rows[0][1] + 10.14).abs() < 0.01, "{rows:?}");
    let mut rec = RecordedFn::new_vector(f, &[0.8, -0.3]);
    let got = rec.hessian(&x);
    assert_eq!(
        bits(got.as_slice()),
        bits(eager.as_slice()),
        "{:?}",
        got.to_rows()
    );
    assert!(!rec.branch_changed());

    // exp(X·w) recorded at 0: H = Σ exp(zᵢ) xᵢ xᵢᵀ, against the same differences.
    let n = 32;
    let g = function(move |w| {
        let x = w.tape().constant(&design(n), &[n, 2]);
        x.matmul(w).exp().sum()
    });
    let w1 = [0.7, 0.4];
    let eager = hesse_core::vector::hessian(g, &w1).to_rows();
    for j in 0..2 {
        let (mut xp, mut xm) = (w1, w1);
        xp[j] += h;
        xm[j] -= h;
        let (_, gp) = hesse_core::vector::value_and_grad(g, &xp);
        let (_, gm) = hesse_core::vector::value_and_grad(g, &xm);
        for i in 0..2 {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            let e = eager[i][j];
            assert!(
                (fd - e).abs() <= 1e-5 * (1.0 + e.abs()),
                "H[{i}][{j}]: fd {fd}, eager {e}"
            );
        }
    }
    let mut rec = RecordedFn::new_vector(g, &[0.0, 0.0]);
    assert_eq!(rec.hessian(&w1).to_rows(), eager);
}

/// A W3-like tanh network (`exec/reuse.rs`, tests/fused.rs) over `rows` points with `h`
/// hidden units, and its number of parameters.
fn mlp(rows: usize, h: usize) -> (impl for<'t> Fn(Var<'t>) -> Var<'t> + Copy, usize) {
    let f = function(move |w| {
        let t = w.tape();
        let x: Vec<f64> = (0..2 * rows)
            .map(|i| ((i * 37 % 101) as f64 / 50.0) - 1.0)
            .collect();
        let y: Vec<f64> = (0..rows).map(|i| (i % 3 == 0) as u8 as f64).collect();
        let (xv, yv) = (t.constant(&x, &[rows, 2]), t.constant(&y, &[rows, 1]));
        let mut at = 0;
        let mut take = |n: usize| {
            at += n;
            w.slice(0, at - n, n)
        };
        let w1 = take(2 * h).reshape(&[2, h]);
        let b1 = take(h);
        let w2 = take(h * h).reshape(&[h, h]);
        let b2 = take(h);
        let w3 = take(h).reshape(&[h, 1]);
        let b3 = take(1);
        let h1 = (xv.matmul(w1) + b1).tanh();
        let h2 = (h1.matmul(w2) + b2).tanh();
        let q = (h2.matmul(w3) + b3).sigmoid();
        hesse_core::loss::bce(q, yv) + (h2 * q).square().sum() / rows as f64
    });
    (f, 2 * h + h + h * h + h + h + 1)
}

/// W3-like networks recorded at w = 0 (every hidden activation 0, every prediction ½: all
/// the per-point nodes uniform), at a point where only the biases are set (every row of a
/// layer equal), and at a generic point.
#[test]
fn mlps_recorded_at_degenerate_points() {
    for (rows, h) in [(33, 3), (64, 4), (300, 5)] {
        let (f, p) = mlp(rows, h);
        let generic = |s: usize| -> Vec<f64> {
            (0..p)
                .map(|i| (((i * 7 + s * 13) % 29) as f64 / 29.0 - 0.5) * 0.8)
                .collect()
        };
        // Only b1, b2 and b3 non-zero: every row of h1, h2 and q is the same.
        let mut biases = vec![0.0; p];
        let b1 = 2 * h;
        let b2 = b1 + h + h * h;
        for k in 0..h {
            biases[b1 + k] = 0.1 * (k as f64 + 1.0);
            biases[b2 + k] = -0.2 * (k as f64 + 1.0);
        }
        biases[p - 1] = 0.3;
        let points = [generic(1), generic(2), biases.clone()];
        for x0 in [vec![0.0; p], biases.clone(), generic(0)] {
            check(&format!("MLP {rows}×{h}"), f, &x0, &points);
        }
    }
}

/// Elementwise programs over `X·w` (a long vector from a short input) for the proptest below.
#[derive(Clone, Debug)]
enum Step {
    Unary(u8, usize),
    Binary(u8, usize, usize),
    /// `pool[i] * (0.01 · Σ pool[j])`: a sum read back into the chain.
    ScaledBySum(usize, usize),
}

fn any_unary<'t>(k: u8, x: Var<'t>) -> Var<'t> {
    match k % 14 {
        0 => x.tanh(),
        1 => (x * 0.3).exp(),
        2 => x.sin(),
        3 => x.square(),
        4 => -x,
        5 => x.sigmoid(),
        6 => x * 2.5,
        7 => 1.0 - x,
        8 => x.abs(),
        9 => x.relu(),
        10 => (x.square() + 1.0).sqrt(),
        11 => x.softplus(),
        12 => x.log_sigmoid(),
        _ => x / 3.0 + 0.25,
    }
}

fn any_binary<'t>(k: u8, a: Var<'t>, b: Var<'t>) -> Var<'t> {
    match k % 6 {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / (b.square() + 1.0),
        4 => a.max(b),
        _ => a.min(b),
    }
}

/// Σ of a random elementwise program over `X·w` and `Y·w` (X's first column all ones, so that
/// X·w is uniform at w = (c, 0, …)).
fn program<'t>(steps: &[Step], w: Var<'t>, m: usize) -> Var<'t> {
    let k = w.len();
    let t = w.tape();
    let xs: Vec<f64> = (0..m * k)
        .map(|i| {
            if i % k == 0 {
                1.0
            } else {
                ((i * 37 % 61) as f64 / 30.0) - 1.0
            }
        })
        .collect();
    let ys: Vec<f64> = (0..m * k).map(|i| ((i * 53 % 71) as f64 / 35.0) - 1.0).collect();
    let mut pool = vec![
        t.constant(&xs, &[m, k]).matmul(w),
        t.constant(&ys, &[m, k]).matmul(w),
    ];
    for s in steps {
        let at = |i: usize| pool[i % pool.len()];
        let next = match *s {
            Step::Unary(op, i) => any_unary(op, at(i)),
            Step::Binary(op, i, j) => any_binary(op, at(i), at(j)),
            Step::ScaledBySum(i, j) => at(i) * (at(j).sum() * 0.01),
        };
        pool.push(next);
    }
    let n = pool.len();
    pool[n - 1].sum() + pool[n / 2].tanh().sum() * 0.5
}

mod random {
    use super::*;
    use proptest::prelude::*;

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (any::<u8>(), any::<usize>()).prop_map(|(k, i)| Step::Unary(k, i)),
            4 => (any::<u8>(), any::<usize>(), any::<usize>()).prop_map(|(k, i, j)| Step::Binary(k, i, j)),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Step::ScaledBySum(i, j)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Random elementwise programs recorded at w = 0, at a point where X·w is uniform,
        /// and at a generic point: Hessians elsewhere equal the eager ones bit for bit.
        #[test]
        fn random_programs_recorded_at_degenerate_points(
            steps in prop::collection::vec(step(), 1..12),
            m in prop_oneof![Just(32usize), Just(33), Just(100), Just(257)],
            k in 2..5usize,
            at in 0..3usize,
        ) {
            let f = function(|w| program(&steps, w, m));
            let x0: Vec<f64> = match at {
                0 => vec![0.0; k],
                1 => (0..k).map(|i| if i == 0 { 0.7 } else { 0.0 }).collect(),
                _ => (0..k).map(|i| 0.3 - 0.2 * i as f64).collect(),
            };
            let mut rec = RecordedFn::new_vector(f, &x0);
            for s in 0..3 {
                let x: Vec<f64> = (0..k).map(|i| (((i * 5 + s * 11) % 13) as f64 / 13.0 - 0.5) * 1.6).collect();
                let eager = hesse_core::vector::hessian(f, &x);
                prop_assert_eq!(bits(rec.hessian(&x).as_slice()), bits(eager.as_slice()), "at {:?}", x);
            }
        }
    }
}
