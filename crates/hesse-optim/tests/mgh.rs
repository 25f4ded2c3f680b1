//! Moré, Garbow & Hillstrom (1981), "Testing Unconstrained Optimization Software",
//! ACM Trans. Math. Softw. 7(1), 17–41, doi:10.1145/355934.355936.
//!
//! All 35 problems of the paper, the variable-size ones at two sizes (51 runs; issue 19).
//! Each problem is written once with hesse-core `Var` ops (residuals rᵢ as `Var`s,
//! f = Σ rᵢ²), so gradients, Hessian-vector products and Hessians come from the engine.
//! L-BFGS, Newton-CG and trust-exact start from the paper's standard x₀; a run reaches f* when
//! it ends at a published minimum value: within
//! relative 1e-8 of a reference with ≥ 10 significant digits, within the printed precision
//! (relative 5e-6) where only the paper's six digits are known, or below 1e-10 where f* = 0.
//! Where the paper lists several minima (Freudenstein–Roth, Brown almost-linear), any of them
//! counts. Biggs EXP6's second value is left out: the point where runs reach it is a saddle.
//!
//! Precise references beyond the paper's digits: NIST StRD (Meyer = MGH10, Osborne 1 =
//! MGH17 certified values) and the GSL multifit test suite / More–Wild benchmark collection,
//! which agree with the paper's printed digits.
//!
//! The table of evaluation counts, beside scipy's L-BFGS-B and trust-exact on the same
//! problems (`scripts/mgh_scipy.py`), prints with
//! `cargo test -p hesse-optim --test mgh -- --nocapture` and is published in
//! `crates/hesse-optim/MGH.md`. The test holds the counts of problems solved.

use hesse_core::Var;
use hesse_optim::{
    Lbfgs, NewtonCg, Norm, Objective, Options, Report, Solver, TrustExact, VarObjective, minimize,
};

/// scipy's row: (problem, f(x₀) as scipy's port computes it, L-BFGS-B nfev, whether it reached a
/// published f*, trust-exact nfev, whether it reached one).
type PeerRow = (&'static str, f64, usize, bool, usize, bool);

// Output of `scripts/mgh_scipy.py` (scipy 1.17.1, NumPy 2.4.6, autograd 1.9.1, Python 3.11):
// L-BFGS-B (m = 10; gtol 1e-8 on the projected gradient's ∞-norm, ftol 0, maxiter 5000,
// maxfun 15000) and trust-exact (gtol 1e-8 on ‖g‖₂, maxiter 5000), exact derivatives by autograd.
const SCIPY: &[PeerRow] = &[
    ("rosenbrock", 24.199999999999996, 46, true, 26, true),
    ("freudenstein-roth", 400.5, 22, true, 9, true),
    ("powell-badly-scaled", 1.1352617173483783, 95, false, 115, true),
    ("brown-badly-scaled", 999998000003.0, 28, true, 1011, true),
    ("beale", 14.203125, 17, true, 9, true),
    ("jennrich-sampson", 4171.306161960493, 24, false, 11, true),
    ("helical-valley", 2500.0, 34, true, 10, true),
    ("bard", 41.68169586167801, 27, true, 15, true),
    ("gaussian", 3.888106991166684e-06, 11, true, 3, true),
    ("meyer", 1693607809.4361455, 554, false, 256, true),
    ("gulf", 12.110705825569488, 58, true, 25, true),
    ("box-3d", 1031.1538106093983, 40, true, 17, true),
    ("powell-singular", 215.00000000000003, 61, true, 22, true),
    ("wood", 19192.0, 115, true, 44, true),
    ("kowalik-osborne", 0.00531317227210854, 38, true, 10, true),
    ("brown-dennis", 7926693.336997432, 24, true, 12, true),
    ("osborne-1", 0.8790262935446405, 136, true, 35, true),
    ("biggs-exp6", 0.7790700756559702, 45, false, 41, true),
    ("osborne-2", 2.0934195142120644, 113, true, 18, true),
    ("watson-6", 30.0, 62, true, 13, true),
    ("watson-9", 30.0, 372, true, 14, true),
    ("ext-rosenbrock-10", 121.0, 46, true, 24, true),
    ("ext-rosenbrock-20", 241.99999999999994, 50, true, 24, true),
    ("ext-powell-8", 430.0, 53, true, 22, true),
    ("ext-powell-12", 645.0, 65, true, 22, true),
    ("penalty-1-4", 885.06264, 72, true, 45, true),
    ("penalty-1-10", 148032.56535, 71, true, 46, true),
    ("penalty-2-4", 2.3400088054630244, 417, true, 137, true),
    ("penalty-2-10", 162.65277656596712, 270, true, 114, true),
    ("var-dim-10", 2198551.1625, 20, true, 15, true),
    ("trigonometric-10", 0.0070757594662228356, 34, false, 13, false),
    ("brown-almost-linear-10", 273.2480478286743, 20, true, 9, true),
    ("discrete-boundary-10", 0.0007885191012648227, 57, true, 4, true),
    ("discrete-integral-10", 0.06341684157945267, 9, true, 4, true),
    ("broyden-tridiagonal-10", 21.0, 27, true, 7, true),
    ("broyden-banded-10", 360.0, 18, true, 9, true),
    ("var-dim-20", 424061359.4875, 26, true, 19, true),
    ("trigonometric-20", 0.0038528233364734355, 70, false, 21, false),
    ("brown-almost-linear-20", 2095.7499980926523, 23, true, 12, true),
    ("discrete-boundary-20", 0.00012537221205216481, 397, true, 4, true),
    ("discrete-integral-20", 0.11966016538355313, 8, true, 4, true),
    ("broyden-tridiagonal-20", 31.0, 36, true, 7, true),
    ("broyden-banded-20", 720.0, 20, true, 9, true),
    ("linear-full-rank-5", 25.0, 3, true, 4, true),
    ("linear-rank-1-5", 84985.0, 3, true, 5, true),
    ("linear-rank-1-zero-5", 15886.0, 3, true, 5, true),
    ("linear-full-rank-10", 50.0, 3, true, 4, true),
    ("linear-rank-1-10", 8658670.0, 3, true, 5, true),
    ("linear-rank-1-zero-10", 4067996.0, 3, true, 5, true),
    ("chebyquad-8", 0.03861769828593027, 29, true, 18, true),
    ("chebyquad-10", 0.03376326546288008, 35, true, 19, false),
];

// What the test holds (issue 19): the counts of f* reached on the 51 problems, as measured at
// this commit and published in MGH.md; a change that solves fewer fails. Newton-CG's floor is
// 47 (46 before issue 19): on Meyer (badly scaled), Newton-CG reaches f* with native code on
// (48) but with `HESSE_NATIVE=off` its trust radius collapses at f = 88.9 (f* = 87.95): the
// native and portable `exp` differ in the last bits (README, "what bit for bit means") and
// Meyer's exponentials amplify it. CI runs both settings.
const LBFGS_FLOOR: usize = 49;
const NEWTON_CG_FLOOR: usize = 47;
const TRUST_EXACT_FLOOR: usize = 48;

type Loss = for<'t> fn(&[Var<'t>]) -> Var<'t>;

struct Problem {
    name: String,
    x0: Vec<f64>,
    f: Loss,
    /// Published minima: (f*, relative tolerance; 0 means f* = 0 with absolute 1e-10).
    minima: Vec<(f64, f64)>,
    /// Whether f branches on values (evaluated on a fresh tape each call).
    traced: bool,
}

const PRECISE: f64 = 1e-8;
const PAPER_DIGITS: f64 = 5e-6;

fn sum_sq<'t>(r: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
    r.into_iter()
        .map(|v| v.square())
        .reduce(|a, b| a + b)
        .expect("at least one residual")
}

fn sum<'t>(r: impl IntoIterator<Item = Var<'t>>) -> Var<'t> {
    r.into_iter().reduce(|a, b| a + b).expect("at least one term")
}

// (1) Rosenbrock, n = 2.
fn rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq([10.0 * (x[1] - x[0].square()), 1.0 - x[0]])
}

// (2) Freudenstein and Roth, n = 2.
fn freudenstein_roth<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq([
        -13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1],
        -29.0 + x[0] + ((x[1] + 1.0) * x[1] - 14.0) * x[1],
    ])
}

// (3) Powell badly scaled, n = 2.
fn powell_badly_scaled<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq([1e4 * x[0] * x[1] - 1.0, (-x[0]).exp() + (-x[1]).exp() - 1.0001])
}

// (4) Brown badly scaled, n = 2, m = 3.
fn brown_badly_scaled<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq([x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2.0])
}

// (5) Beale, n = 2, m = 3.
fn beale<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [1.5, 2.25, 2.625];
    sum_sq((0..3).map(|i| y[i] - x[0] * (1.0 - x[1].powi(i as i32 + 1))))
}

// (6) Jennrich and Sampson, n = 2, m = 10.
fn jennrich_sampson<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq((1..=10).map(|i| {
        let i = i as f64;
        2.0 + 2.0 * i - ((i * x[0]).exp() + (i * x[1]).exp())
    }))
}

// (8) Bard, n = 3, m = 15.
fn bard<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39,
    ];
    sum_sq((1..=15).map(|i| {
        let (u, v) = (i as f64, 16.0 - i as f64);
        let w = u.min(v);
        y[i - 1] - (x[0] + u / (v * x[1] + w * x[2]))
    }))
}

// (9) Gaussian, n = 3, m = 15.
fn gaussian<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540,
        0.0175, 0.0044, 0.0009,
    ];
    sum_sq((1..=15).map(|i| {
        let t = (8.0 - i as f64) / 2.0;
        x[0] * (-0.5 * x[1] * (t - x[2]).square()).exp() - y[i - 1]
    }))
}

// (10) Meyer, n = 3, m = 16.
fn meyer<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0, 9744.0, 8261.0, 7030.0, 6005.0,
        5147.0, 4427.0, 3820.0, 3307.0, 2872.0,
    ];
    sum_sq((1..=16).map(|i| {
        let t = 45.0 + 5.0 * i as f64;
        x[0] * (x[1] / (t + x[2])).exp() - y[i - 1]
    }))
}

// (12) Box three-dimensional, n = 3, m = 10.
fn box_3d<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq((1..=10).map(|i| {
        let t = 0.1 * i as f64;
        (-t * x[0]).exp() - (-t * x[1]).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp())
    }))
}

// (13) Powell singular, n = 4 (and (22) its extension, blockwise).
fn powell_singular<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq(x.chunks(4).flat_map(|b| {
        [
            b[0] + 10.0 * b[1],
            5f64.sqrt() * (b[2] - b[3]),
            (b[1] - 2.0 * b[2]).square(),
            10f64.sqrt() * (b[0] - b[3]).square(),
        ]
    }))
}

// (14) Wood, n = 4, m = 6.
fn wood<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq([
        10.0 * (x[1] - x[0].square()),
        1.0 - x[0],
        90f64.sqrt() * (x[3] - x[2].square()),
        1.0 - x[2],
        10f64.sqrt() * (x[1] + x[3] - 2.0),
        (x[1] - x[3]) / 10f64.sqrt(),
    ])
}

// (15) Kowalik and Osborne, n = 4, m = 11.
fn kowalik_osborne<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246,
    ];
    let u = [
        4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625,
    ];
    sum_sq((0..11).map(|i| y[i] - x[0] * (u[i] * u[i] + u[i] * x[1]) / (u[i] * u[i] + u[i] * x[2] + x[3])))
}

// (16) Brown and Dennis, n = 4, m = 20.
fn brown_dennis<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq((1..=20).map(|i| {
        let t = i as f64 / 5.0;
        (x[0] + t * x[1] - t.exp()).square() + (x[2] + t.sin() * x[3] - t.cos()).square()
    }))
}

// (17) Osborne 1, n = 5, m = 33.
fn osborne1<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658,
        0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431,
        0.424, 0.420, 0.414, 0.411, 0.406,
    ];
    sum_sq((0..33).map(|i| {
        let t = 10.0 * i as f64;
        y[i] - (x[0] + x[1] * (-t * x[3]).exp() + x[2] * (-t * x[4]).exp())
    }))
}

// (18) Biggs EXP6, n = 6, m = 13.
fn biggs_exp6<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq((1..=13).map(|i| {
        let t = 0.1 * i as f64;
        let y = (-t).exp() - 5.0 * (-10.0 * t).exp() + 3.0 * (-4.0 * t).exp();
        x[2] * (-t * x[0]).exp() - x[3] * (-t * x[1]).exp() + x[5] * (-t * x[4]).exp() - y
    }))
}

// (19) Osborne 2, n = 11, m = 65.
fn osborne2<'t>(x: &[Var<'t>]) -> Var<'t> {
    let y = [
        1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608, 0.655,
        0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558,
        0.533, 0.495, 0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562,
        0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739, 0.710,
        0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054,
    ];
    sum_sq((0..65).map(|i| {
        let t = i as f64 / 10.0;
        y[i] - (x[0] * (-t * x[4]).exp()
            + x[1] * (-(t - x[8]).square() * x[5]).exp()
            + x[2] * (-(t - x[9]).square() * x[6]).exp()
            + x[3] * (-(t - x[10]).square() * x[7]).exp())
    }))
}

// (20) Watson, 2 ≤ n ≤ 31, m = 31.
fn watson<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let mut r: Vec<Var<'t>> = (1..=29)
        .map(|i| {
            let t = i as f64 / 29.0;
            let s1 = sum((1..n).map(|j| (j as f64 * t.powi(j as i32 - 1)) * x[j]));
            let s2 = sum((0..n).map(|j| t.powi(j as i32) * x[j]));
            s1 - s2.square() - 1.0
        })
        .collect();
    r.push(x[0] * 1.0);
    r.push(x[1] - x[0].square() - 1.0);
    sum_sq(r)
}

// (21) Extended Rosenbrock, n even.
fn extended_rosenbrock<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq(
        x.chunks(2)
            .flat_map(|p| [10.0 * (p[1] - p[0].square()), 1.0 - p[0]]),
    )
}

// (23) Penalty I, m = n + 1.
fn penalty1<'t>(x: &[Var<'t>]) -> Var<'t> {
    let a = 1e-5f64.sqrt();
    let mut r: Vec<Var<'t>> = x.iter().map(|&xi| a * (xi - 1.0)).collect();
    r.push(sum(x.iter().map(|xi| xi.square())) - 0.25);
    sum_sq(r)
}

// (24) Penalty II, m = 2n.
fn penalty2<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let a = 1e-5f64.sqrt();
    let e = |v: Var<'t>| (v / 10.0).exp();
    let mut r = vec![x[0] - 0.2];
    for i in 2..=n {
        let y = (i as f64 / 10.0).exp() + ((i - 1) as f64 / 10.0).exp();
        r.push(a * (e(x[i - 1]) + e(x[i - 2]) - y));
    }
    for i in n + 1..2 * n {
        r.push(a * (e(x[i - n]) - (-0.1f64).exp()));
    }
    r.push(sum((0..n).map(|j| (n - j) as f64 * x[j].square())) - 1.0);
    sum_sq(r)
}

// (25) Variably dimensioned, m = n + 2.
fn variably_dimensioned<'t>(x: &[Var<'t>]) -> Var<'t> {
    let s = sum(x.iter().enumerate().map(|(j, &xj)| (j + 1) as f64 * (xj - 1.0)));
    let mut r: Vec<Var<'t>> = x.iter().map(|&xi| xi - 1.0).collect();
    r.push(s);
    r.push(s.square());
    sum_sq(r)
}

// (27) Brown almost-linear, m = n.
fn brown_almost_linear<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let s = sum(x.iter().copied());
    let mut r: Vec<Var<'t>> = (0..n - 1).map(|i| x[i] + s - (n + 1) as f64).collect();
    r.push(x.iter().copied().reduce(|a, b| a * b).expect("n >= 1") - 1.0);
    sum_sq(r)
}

// (28) Discrete boundary value, m = n.
fn discrete_boundary<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let h = 1.0 / (n + 1) as f64;
    sum_sq((0..n).map(|i| {
        let t = (i + 1) as f64 * h;
        let mut r = 2.0 * x[i] + 0.5 * h * h * (x[i] + t + 1.0).powi(3);
        if i > 0 {
            r -= x[i - 1];
        }
        if i + 1 < n {
            r -= x[i + 1];
        }
        r
    }))
}

// (30) Broyden tridiagonal, m = n.
fn broyden_tridiagonal<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    sum_sq((0..n).map(|i| {
        let mut r = (3.0 - 2.0 * x[i]) * x[i] + 1.0;
        if i > 0 {
            r -= x[i - 1];
        }
        if i + 1 < n {
            r -= 2.0 * x[i + 1];
        }
        r
    }))
}

// (32) Linear function — full rank, m = 2n.
fn linear_full_rank<'t>(x: &[Var<'t>]) -> Var<'t> {
    let m = 2 * x.len();
    let s = sum(x.iter().copied()) * (2.0 / m as f64);
    sum_sq((0..m).map(|i| if i < x.len() { x[i] - s - 1.0 } else { -s - 1.0 }))
}

// (35) Chebyquad, m = n.
fn chebyquad<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    // Shifted Chebyshev polynomials T_i(2x − 1) by the three-term recurrence.
    let mut t_prev: Vec<Var<'t>> = x.iter().map(|&xj| xj * 0.0 + 1.0).collect();
    let mut t_cur: Vec<Var<'t>> = x.iter().map(|&xj| 2.0 * xj - 1.0).collect();
    let mut r = Vec::with_capacity(n);
    for i in 1..=n {
        let mean = sum(t_cur.iter().copied()) / n as f64;
        r.push(if i % 2 == 0 {
            mean + 1.0 / ((i * i) as f64 - 1.0)
        } else {
            mean
        });
        let next: Vec<Var<'t>> = (0..n)
            .map(|j| 2.0 * (2.0 * x[j] - 1.0) * t_cur[j] - t_prev[j])
            .collect();
        t_prev = std::mem::replace(&mut t_cur, next);
    }
    sum_sq(r)
}

// (7) Helical valley, n = 3 (θ branches on the sign of x₁: evaluated traced).
fn helical_valley<'t>(x: &[Var<'t>]) -> Var<'t> {
    let tau = 2.0 * std::f64::consts::PI;
    let theta = (x[1] / x[0]).atan() / tau;
    let theta = if x[0].value() < 0.0 { theta + 0.5 } else { theta };
    sum_sq([
        10.0 * (x[2] - 10.0 * theta),
        10.0 * ((x[0].square() + x[1].square()).sqrt() - 1.0),
        x[2] * 1.0,
    ])
}

// (11) Gulf research and development, n = 3, m = 99: |yᵢ − x₂|^x₃ = exp(½x₃·ln((yᵢ − x₂)²)).
fn gulf<'t>(x: &[Var<'t>]) -> Var<'t> {
    sum_sq((1..=99).map(|i| {
        let t = i as f64 / 100.0;
        let y = 25.0 + (-50.0 * t.ln()).powf(2.0 / 3.0);
        let pw = (0.5 * x[2] * (y - x[1]).square().ln()).exp();
        (-pw / x[0]).exp() - t
    }))
}

// (26) Trigonometric, m = n.
fn trigonometric<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let c = sum(x.iter().map(|xj| xj.cos()));
    sum_sq((0..n).map(|i| n as f64 - c + (i + 1) as f64 * (1.0 - x[i].cos()) - x[i].sin()))
}

// (29) Discrete integral equation, m = n.
fn discrete_integral<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    let h = 1.0 / (n + 1) as f64;
    let t = |j: usize| (j + 1) as f64 * h;
    let cube = |j: usize| (x[j] + t(j) + 1.0).powi(3);
    sum_sq((0..n).map(|i| {
        let left = sum((0..=i).map(|j| t(j) * cube(j)));
        let mut r = x[i] + 0.5 * h * (1.0 - t(i)) * left;
        if i + 1 < n {
            r += 0.5 * h * t(i) * sum((i + 1..n).map(|j| (1.0 - t(j)) * cube(j)));
        }
        r
    }))
}

// (31) Broyden banded, m = n (mₗ = 5, mᵤ = 1).
fn broyden_banded<'t>(x: &[Var<'t>]) -> Var<'t> {
    let n = x.len();
    sum_sq((0..n).map(|i| {
        let band = (i.saturating_sub(5)..(i + 2).min(n)).filter(|&j| j != i);
        let mut r = x[i] * (2.0 + 5.0 * x[i].square()) + 1.0;
        for j in band {
            r -= x[j] * (1.0 + x[j]);
        }
        r
    }))
}

// (33) Linear function — rank 1, m = 2n.
fn linear_rank1<'t>(x: &[Var<'t>]) -> Var<'t> {
    let m = 2 * x.len();
    let s = sum(x.iter().enumerate().map(|(j, &xj)| (j + 1) as f64 * xj));
    sum_sq((1..=m).map(|i| i as f64 * s - 1.0))
}

// (34) Linear function — rank 1 with zero columns and rows, m = 2n.
fn linear_rank1_zero<'t>(x: &[Var<'t>]) -> Var<'t> {
    let (n, m) = (x.len(), 2 * x.len());
    let s = sum((1..n - 1).map(|j| (j + 1) as f64 * x[j]));
    let mut r = vec![s * 0.0 - 1.0];
    r.extend((2..m).map(|i| (i - 1) as f64 * s - 1.0));
    r.push(s * 0.0 - 1.0);
    sum_sq(r)
}

fn problems() -> Vec<Problem> {
    let rep = |v: &[f64], n: usize| v.iter().copied().cycle().take(n).collect::<Vec<_>>();
    let p = |name: String, x0: Vec<f64>, f: Loss, minima: &[(f64, f64)]| Problem {
        name,
        x0,
        f,
        minima: minima.to_vec(),
        traced: false,
    };
    const ZERO: &[(f64, f64)] = &[(0.0, 0.0)];
    let mut v = vec![
        p("rosenbrock".into(), vec![-1.2, 1.0], rosenbrock, ZERO),
        // The paper: f = 0 at (5, 4) and the local minimum 48.9842... at (11.41..., −0.8968...).
        p(
            "freudenstein-roth".into(),
            vec![0.5, -2.0],
            freudenstein_roth,
            &[(0.0, 0.0), (48.98425367924001, PRECISE)],
        ),
        p(
            "powell-badly-scaled".into(),
            vec![0.0, 1.0],
            powell_badly_scaled,
            ZERO,
        ),
        p(
            "brown-badly-scaled".into(),
            vec![1.0, 1.0],
            brown_badly_scaled,
            ZERO,
        ),
        p("beale".into(), vec![1.0, 1.0], beale, ZERO),
        p(
            "jennrich-sampson".into(),
            vec![0.3, 0.4],
            jennrich_sampson,
            &[(124.3621823556148, PRECISE)],
        ),
        Problem {
            traced: true,
            ..p(
                "helical-valley".into(),
                vec![-1.0, 0.0, 0.0],
                helical_valley,
                ZERO,
            )
        },
        // The paper also lists 17.4286... at (0.8406..., −∞, −∞), reached only at infinity.
        p(
            "bard".into(),
            vec![1.0; 3],
            bard,
            &[(8.21487730657897e-3, PRECISE)],
        ),
        p(
            "gaussian".into(),
            vec![0.4, 1.0, 0.0],
            gaussian,
            &[(1.12793e-8, PAPER_DIGITS)],
        ),
        p(
            "meyer".into(),
            vec![0.02, 4000.0, 250.0],
            meyer,
            &[(87.94585517039583, PRECISE)],
        ),
        p("gulf".into(), vec![5.0, 2.5, 0.15], gulf, ZERO),
        p("box-3d".into(), vec![0.0, 10.0, 20.0], box_3d, ZERO),
        p(
            "powell-singular".into(),
            vec![3.0, -1.0, 0.0, 1.0],
            powell_singular,
            ZERO,
        ),
        p("wood".into(), vec![-3.0, -1.0, -3.0, -1.0], wood, ZERO),
        p(
            "kowalik-osborne".into(),
            vec![0.25, 0.39, 0.415, 0.39],
            kowalik_osborne,
            &[(3.0750560384924e-4, PRECISE)],
        ),
        p(
            "brown-dennis".into(),
            vec![25.0, 5.0, -5.0, -1.0],
            brown_dennis,
            &[(85822.20162635, PRECISE)],
        ),
        p(
            "osborne-1".into(),
            vec![0.5, 1.5, -1.0, 0.01, 0.02],
            osborne1,
            &[(5.464894697482687e-5, PRECISE)],
        ),
        // The paper: f = 0 at (1, 10, 1, 5, 4, 3), and f = 5.65565e-3 "if m = 13". The point
        // with that value reached from x₀ (x ≈ (1.7114, 17.683, 1.1631, 5.1866, 1.7114, 1.1631),
        // on the manifold x₁ = x₅, x₃ = x₆ that f's symmetry leaves invariant) is a saddle point:
        // ∇²f has the eigenvalue −9.80e-3 there, and central differences of f along its
        // eigenvector (h = 1e-3) give −9.80e-3 too (issue 19). It does not count as a minimum.
        p(
            "biggs-exp6".into(),
            vec![1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
            biggs_exp6,
            ZERO,
        ),
        p(
            "osborne-2".into(),
            vec![1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5],
            osborne2,
            &[(4.01377362935477e-2, PRECISE)],
        ),
        p(
            "watson-6".into(),
            vec![0.0; 6],
            watson,
            &[(2.28767005355236e-3, PRECISE)],
        ),
        p(
            "watson-9".into(),
            vec![0.0; 9],
            watson,
            &[(1.39976e-6, PAPER_DIGITS)],
        ),
    ];
    for n in [10, 20] {
        v.push(p(
            format!("ext-rosenbrock-{n}"),
            rep(&[-1.2, 1.0], n),
            extended_rosenbrock,
            ZERO,
        ));
    }
    for n in [8, 12] {
        v.push(p(
            format!("ext-powell-{n}"),
            rep(&[3.0, -1.0, 0.0, 1.0], n),
            powell_singular,
            ZERO,
        ));
    }
    for (n, fs) in [(4, 2.24997e-5), (10, 7.08765e-5)] {
        v.push(p(
            format!("penalty-1-{n}"),
            (1..=n).map(|j| j as f64).collect(),
            penalty1,
            &[(fs, PAPER_DIGITS)],
        ));
    }
    for (n, fs) in [(4, 9.37629e-6), (10, 2.93660e-4)] {
        v.push(p(
            format!("penalty-2-{n}"),
            vec![0.5; n],
            penalty2,
            &[(fs, PAPER_DIGITS)],
        ));
    }
    for n in [10, 20] {
        let x0 = (1..=n).map(|j| 1.0 - j as f64 / n as f64).collect();
        v.push(p(format!("var-dim-{n}"), x0, variably_dimensioned, ZERO));
        v.push(p(
            format!("trigonometric-{n}"),
            vec![1.0 / n as f64; n],
            trigonometric,
            ZERO,
        ));
        // The paper: f = 0, and f = 1 at (0, ..., 0, n + 1).
        v.push(p(
            format!("brown-almost-linear-{n}"),
            vec![0.5; n],
            brown_almost_linear,
            &[(0.0, 0.0), (1.0, PRECISE)],
        ));
        let h = 1.0 / (n + 1) as f64;
        let x0: Vec<f64> = (1..=n).map(|i| i as f64 * h * (i as f64 * h - 1.0)).collect();
        v.push(p(
            format!("discrete-boundary-{n}"),
            x0.clone(),
            discrete_boundary,
            ZERO,
        ));
        v.push(p(format!("discrete-integral-{n}"), x0, discrete_integral, ZERO));
        v.push(p(
            format!("broyden-tridiagonal-{n}"),
            vec![-1.0; n],
            broyden_tridiagonal,
            ZERO,
        ));
        v.push(p(
            format!("broyden-banded-{n}"),
            vec![-1.0; n],
            broyden_banded,
            ZERO,
        ));
    }
    for n in [5, 10] {
        // m = 2n; the paper's minima: m − n; m(m − 1)/(2(2m + 1)); (m² + 3m − 6)/(2(2m − 3)).
        let m = 2.0 * n as f64;
        v.push(p(
            format!("linear-full-rank-{n}"),
            vec![1.0; n],
            linear_full_rank,
            &[(m - n as f64, PRECISE)],
        ));
        v.push(p(
            format!("linear-rank-1-{n}"),
            vec![1.0; n],
            linear_rank1,
            &[(m * (m - 1.0) / (2.0 * (2.0 * m + 1.0)), PRECISE)],
        ));
        v.push(p(
            format!("linear-rank-1-zero-{n}"),
            vec![1.0; n],
            linear_rank1_zero,
            &[((m * m + 3.0 * m - 6.0) / (2.0 * (2.0 * m - 3.0)), PRECISE)],
        ));
    }
    for (n, fs) in [(8, 3.516873725677e-3), (10, 6.50395e-3)] {
        let tol = if n == 8 { PRECISE } else { PAPER_DIGITS };
        v.push(p(
            format!("chebyquad-{n}"),
            (1..=n).map(|j| j as f64 / (n + 1) as f64).collect(),
            chebyquad,
            &[(fs, tol)],
        ));
    }
    v
}

/// Which published minimum `f` reached, if any.
fn reached(p: &Problem, f: f64) -> Option<f64> {
    p.minima.iter().find_map(|&(fs, tol)| {
        let ok = if tol == 0.0 {
            f.abs() <= 1e-10
        } else {
            (f - fs).abs() <= tol * fs.abs()
        };
        ok.then_some(fs)
    })
}

/// The options of the comparison (issue 19): ‖∇f‖ ≤ 1e-8 in the norm of the scipy method
/// compared with (L-BFGS-B: ∞-norm; trust-exact: 2-norm, the CLI's), the f-change test off,
/// scipy's budgets.
fn options(norm: Norm) -> Options {
    Options::default()
        .with_gtol(1e-8)
        .with_grad_norm(norm)
        .with_ftol(0.0)
        .with_max_iterations(5000)
        .with_max_evaluations(15000)
}

fn run(p: &Problem, solver: &mut dyn Solver, norm: Norm) -> Report {
    let opts = options(norm);
    if p.traced {
        minimize(&mut VarObjective::traced(p.x0.len(), p.f), solver, &p.x0, &opts)
    } else {
        minimize(&mut VarObjective::new(p.x0.len(), p.f), solver, &p.x0, &opts)
    }
    .expect("valid options")
}

/// The median of `v` (the mean of the middle two for an even length).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k % 2 == 1 {
        v[k / 2]
    } else {
        0.5 * (v[k / 2 - 1] + v[k / 2])
    }
}

// issue 19: the whole MGH set, three solvers, the counts that MGH.md publishes held as floors.
#[test]
fn mgh_whole_set_counts() {
    let problems = problems();
    assert_eq!(problems.len(), SCIPY.len());
    println!("| problem | n | L-BFGS | scipy L-BFGS-B | Newton-CG | trust-exact | scipy trust-exact |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    let (mut reached_l, mut reached_n, mut reached_t) = (0, 0, 0);
    let (mut scipy_l, mut scipy_t) = (0, 0);
    let mut ratios = Vec::new();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for (p, s) in problems.iter().zip(SCIPY) {
        assert_eq!(p.name, s.0);
        let f0 = VarObjective::traced(p.x0.len(), p.f).value(&p.x0);
        assert!(
            (f0 - s.1).abs() <= 1e-12 * f0.abs().max(1e-300),
            "{}: f(x0) = {f0} here, {} in scipy's port",
            p.name,
            s.1
        );
        let l = run(p, &mut Lbfgs::new(), Norm::Inf);
        let n = run(p, &mut NewtonCg::new(), Norm::L2);
        let t = run(p, &mut TrustExact::new(), Norm::L2);
        let (rl, rn, rt) = (
            reached(p, l.f).is_some(),
            reached(p, n.f).is_some(),
            reached(p, t.f).is_some(),
        );
        reached_l += usize::from(rl);
        reached_n += usize::from(rn);
        reached_t += usize::from(rt);
        scipy_l += usize::from(s.3);
        scipy_t += usize::from(s.5);
        if rl && s.3 {
            ratios.push(l.f_evals as f64 / s.2 as f64);
            ours.push(l.f_evals as f64);
            theirs.push(s.2 as f64);
        }
        let mark = |ok: bool| if ok { "" } else { " ✗" };
        println!(
            "| {} | {} | {}{} | {}{} | {}{} | {}{} | {}{} |",
            p.name,
            p.x0.len(),
            l.f_evals,
            mark(rl),
            s.2,
            mark(s.3),
            n.f_evals,
            mark(rn),
            t.f_evals,
            mark(rt),
            s.4,
            mark(s.5)
        );
        for (r, ok) in [(&l, rl), (&n, rn), (&t, rt)] {
            if !ok {
                println!("    {}: {r}", p.name);
            }
        }
    }
    let (med_ours, med_theirs) = (median(ours), median(theirs));
    println!(
        "\nreached f*: l-bfgs {reached_l}, scipy L-BFGS-B {scipy_l}; newton-cg {reached_n}; trust-exact \
         {reached_t}, scipy trust-exact {scipy_t} (of {})",
        problems.len()
    );
    println!(
        "problems both L-BFGS solve: {}; median nfev {med_ours} vs scipy {med_theirs}; median ratio {:.3}",
        ratios.len(),
        median(ratios.clone())
    );
    assert!(
        reached_t >= scipy_t,
        "trust-exact reached {reached_t}, scipy's {scipy_t}"
    );
    assert!(reached_t >= TRUST_EXACT_FLOOR, "trust-exact reached {reached_t}");
    assert!(reached_n >= NEWTON_CG_FLOOR, "newton-cg reached {reached_n}");
    assert!(reached_l >= LBFGS_FLOOR, "l-bfgs reached {reached_l}");
    assert!(
        med_ours <= med_theirs,
        "median nfev {med_ours} > scipy's {med_theirs}"
    );
}

#[test]
fn engine_gradients_match_finite_differences_at_x0() {
    // Guards the problem definitions themselves: the engine's gradient at x₀ against central
    // differences of the engine's value.
    for p in problems() {
        let mut obj = VarObjective::traced(p.x0.len(), p.f);
        let mut g = vec![0.0; p.x0.len()];
        obj.value_and_grad(&p.x0, &mut g);
        for i in 0..p.x0.len() {
            let h = 1e-6 * p.x0[i].abs().max(1.0);
            let (mut xp, mut xm) = (p.x0.clone(), p.x0.clone());
            xp[i] += h;
            xm[i] -= h;
            let fd = (obj.value(&xp) - obj.value(&xm)) / (2.0 * h);
            let scale = g[i].abs().max(1.0);
            assert!(
                (fd - g[i]).abs() <= 1e-5 * scale,
                "{} ∂{i}: engine {} fd {fd}",
                p.name,
                g[i]
            );
        }
    }
}
