//! Moré, Garbow & Hillstrom (1981), "Testing Unconstrained Optimization Software",
//! ACM Trans. Math. Softw. 7(1), 17–41, doi:10.1145/355934.355936.
//!
//! Each problem is written once with hesse-core `Var` ops (residuals rᵢ as `Var`s,
//! f = Σ rᵢ²), so gradients and Hessian-vector products come from the engine. L-BFGS and
//! Newton-CG start from the paper's standard x₀ and must reach a published minimum value: within
//! relative 1e-8 of a reference with ≥ 10 significant digits, within the printed precision
//! (relative 5e-6) where only the paper's six digits are known, or below 1e-10 where f* = 0.
//! Where the paper lists several minima (Freudenstein–Roth, Biggs EXP6, Brown almost-linear),
//! any of them counts, and the table says which was reached.
//!
//! Precise references beyond the paper's digits: NIST StRD (Meyer = MGH10, Osborne 1 =
//! MGH17 certified values) and the GSL multifit test suite / More–Wild benchmark collection,
//! which agree with the paper's printed digits.
//!
//! The table of evaluation counts prints with `cargo test -p hesse-optim --test mgh -- --nocapture`,
//! followed by hesse's L-BFGS next to scipy's L-BFGS-B and argmin's L-BFGS on the same problems
//! (`benches/peers/mgh`, published in `crates/hesse-optim/MGH.md`).

use hesse_core::Var;
use hesse_optim::{Lbfgs, NewtonCg, Objective, Options, Report, Solver, VarObjective, minimize};

/// A peer's row: (problem, f(x₀) as the peer's own code computes it, then nfev and whether the
/// published f* was reached, first at [`tight_options`] and then at scipy's defaults).
type PeerRow = (&'static str, f64, usize, bool, usize, bool);

// Output of `benches/peers/mgh/mgh_scipy.py` (scipy 1.17.1 L-BFGS-B, maxcor = 10), its
// default preset (gtol 1e-11 on ‖g‖∞, ftol 0, maxiter 5000, maxfun 15000) and
// `--preset scipy-default` (gtol 1e-5, ftol 2.22e-9).
const SCIPY: &[PeerRow] = &[
    ("rosenbrock", 24.199999999999996, 47, true, 44, true),
    ("freudenstein-roth", 400.5, 22, true, 20, true),
    ("powell-badly-scaled", 1.1352617173483783, 107, false, 4, false),
    ("brown-badly-scaled", 999998000003.0, 28, true, 25, true),
    ("beale", 14.203125, 18, true, 16, true),
    ("jennrich-sampson", 4171.306161960493, 24, false, 24, false),
    ("bard", 41.681695861678, 39, true, 24, true),
    ("gaussian", 3.888106991166684e-06, 13, true, 4, false),
    ("meyer", 1693607809.4361453, 649, false, 33, false),
    ("box-3d", 1031.1538106093983, 41, true, 38, true),
    ("powell-singular", 215.00000000000003, 94, true, 30, false),
    ("wood", 19192.0, 121, true, 20, false),
    ("kowalik-osborne", 0.00531317227210854, 39, true, 34, false),
    ("brown-dennis", 7926693.336997433, 22, true, 19, true),
    ("osborne-1", 0.8790262935446401, 165, true, 43, false),
    ("biggs-exp6", 0.7790700756559701, 62, true, 42, true),
    ("osborne-2", 2.0934195142120644, 113, true, 89, false),
    ("watson-6", 30.0, 104, true, 55, true),
    ("ext-rosenbrock-10", 121.0, 62, true, 46, false),
    ("ext-powell-8", 430.0, 67, true, 34, false),
    ("penalty-1-4", 885.06264, 73, true, 15, false),
    ("penalty-2-4", 2.3400088054630244, 415, true, 18, false),
    ("var-dim-10", 2198551.1625, 21, true, 20, true),
    ("brown-almost-linear-10", 273.2480478286743, 22, true, 18, true),
    ("discrete-boundary-10", 0.0007885191012648195, 71, true, 41, true),
    ("broyden-tridiagonal-10", 21.0, 33, true, 18, false),
    ("linear-full-rank-5-10", 25.0, 3, true, 3, true),
    ("chebyquad-8", 0.03861769828593029, 33, true, 27, true),
];

// Output of `benches/peers/mgh/argmin` (argmin 0.11.0 L-BFGS, m = 10, Moré–Thuente c1 = 1e-4,
// c2 = 0.9), its default preset (tol_grad 1e-11 on ‖g‖₂, tol_cost 0, 5000 iterations; 15000
// means the evaluation budget ran out inside a line search) and `--preset scipy-default`
// (tol_grad 1e-5 on ‖g‖₂, tol_cost 2.22e-9 absolute).
const ARGMIN: &[PeerRow] = &[
    ("rosenbrock", 24.199999999999996, 49, true, 46, true),
    ("freudenstein-roth", 400.5, 15000, true, 24, true),
    ("powell-badly-scaled", 1.1352617173483783, 218, true, 115, false),
    ("brown-badly-scaled", 999998000003.0, 18, true, 15, true),
    ("beale", 14.203125, 20, true, 17, true),
    ("jennrich-sampson", 4171.306161960493, 4, false, 4, false),
    ("bard", 41.68169586167801, 15000, true, 25, false),
    ("gaussian", 3.888106991166885e-06, 8, true, 6, false),
    ("meyer", 1693607809.4361455, 15000, true, 564, true),
    ("box-3d", 1031.1538106093983, 41, true, 37, true),
    ("powell-singular", 215.00000000000003, 70, true, 41, false),
    ("wood", 19192.0, 68, true, 65, true),
    ("kowalik-osborne", 0.00531317227210854, 37, true, 31, false),
    ("brown-dennis", 7926693.336997432, 15000, true, 32, true),
    ("osborne-1", 0.8790262935446405, 2, false, 2, false),
    ("biggs-exp6", 0.7790700756559702, 52, true, 48, true),
    ("osborne-2", 2.093419514212065, 15000, true, 96, false),
    ("watson-6", 30.0, 15000, true, 57, false),
    ("ext-rosenbrock-10", 121.0, 49, true, 46, true),
    ("ext-powell-8", 430.0, 70, true, 44, false),
    ("penalty-1-4", 885.06264, 216, true, 14, false),
    ("penalty-2-4", 2.3400088054630244, 249, true, 21, false),
    ("var-dim-10", 2198551.1625, 27, true, 26, true),
    ("brown-almost-linear-10", 273.2480478286743, 27, true, 23, true),
    ("discrete-boundary-10", 0.0007885191012648193, 72, true, 41, false),
    ("broyden-tridiagonal-10", 21.0, 37, true, 20, true),
    ("linear-full-rank-5-10", 25.0, 3, true, 3, true),
    ("chebyquad-8", 0.03861769828593027, 36, true, 29, true),
];

type Loss = for<'t> fn(&[Var<'t>]) -> Var<'t>;

struct Problem {
    name: &'static str,
    x0: Vec<f64>,
    f: Loss,
    /// Published minima: (f*, relative tolerance; 0 means f* = 0 with absolute 1e-10).
    minima: &'static [(f64, f64)],
    /// Why Newton-CG is allowed to miss, if it is (reported, not asserted).
    ncg_known_miss: Option<&'static str>,
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

// (32) Linear function — full rank, n = 5, m = 10.
fn linear_full_rank<'t>(x: &[Var<'t>]) -> Var<'t> {
    let m = 10;
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

fn problems() -> Vec<Problem> {
    let rep = |v: &[f64], n: usize| v.iter().copied().cycle().take(n).collect::<Vec<_>>();
    vec![
        Problem {
            name: "rosenbrock",
            x0: vec![-1.2, 1.0],
            f: rosenbrock,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        // The paper: f = 0 at (5, 4) and the local minimum 48.9842... at (11.41..., −0.8968...).
        Problem {
            name: "freudenstein-roth",
            x0: vec![0.5, -2.0],
            f: freudenstein_roth,
            minima: &[(0.0, 0.0), (48.98425367924001, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "powell-badly-scaled",
            x0: vec![0.0, 1.0],
            f: powell_badly_scaled,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "brown-badly-scaled",
            x0: vec![1.0, 1.0],
            f: brown_badly_scaled,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "beale",
            x0: vec![1.0, 1.0],
            f: beale,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "jennrich-sampson",
            x0: vec![0.3, 0.4],
            f: jennrich_sampson,
            minima: &[(124.3621823556148, PRECISE)],
            ncg_known_miss: None,
        },
        // The paper also lists 17.4286... at (0.8406..., −∞, −∞), reached only at infinity.
        Problem {
            name: "bard",
            x0: vec![1.0; 3],
            f: bard,
            minima: &[(8.21487730657897e-3, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "gaussian",
            x0: vec![0.4, 1.0, 0.0],
            f: gaussian,
            minima: &[(1.12793e-8, PAPER_DIGITS)],
            ncg_known_miss: None,
        },
        Problem {
            name: "meyer",
            x0: vec![0.02, 4000.0, 250.0],
            f: meyer,
            minima: &[(87.94585517039583, PRECISE)],
            // Meyer's Hessian is so badly scaled (x₁ ≈ 5.6e-3, x₂ ≈ 6.2e3; condition number
            // beyond 1e16 along the valley) that the unscaled trust region's model decrease
            // falls below f's rounding noise near f ≈ 90 and the radius collapses. The paper
            // flags Meyer as badly scaled; L-BFGS reaches f*.
            ncg_known_miss: Some("badly scaled: the trust radius collapses at rounding level"),
        },
        Problem {
            name: "box-3d",
            x0: vec![0.0, 10.0, 20.0],
            f: box_3d,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "powell-singular",
            x0: vec![3.0, -1.0, 0.0, 1.0],
            f: powell_singular,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "wood",
            x0: vec![-3.0, -1.0, -3.0, -1.0],
            f: wood,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "kowalik-osborne",
            x0: vec![0.25, 0.39, 0.415, 0.39],
            f: kowalik_osborne,
            minima: &[(3.0750560384924e-4, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "brown-dennis",
            x0: vec![25.0, 5.0, -5.0, -1.0],
            f: brown_dennis,
            minima: &[(85822.20162635, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "osborne-1",
            x0: vec![0.5, 1.5, -1.0, 0.01, 0.02],
            f: osborne1,
            minima: &[(5.464894697482687e-5, PRECISE)],
            ncg_known_miss: None,
        },
        // The paper: f = 5.65565...e-3 (a local minimum, m = 13) and f = 0 at (1, 10, 1, 5, 4, 3).
        Problem {
            name: "biggs-exp6",
            x0: vec![1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
            f: biggs_exp6,
            minima: &[(0.0, 0.0), (5.65565e-3, PAPER_DIGITS)],
            ncg_known_miss: None,
        },
        Problem {
            name: "osborne-2",
            x0: vec![1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5],
            f: osborne2,
            minima: &[(4.01377362935477e-2, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "watson-6",
            x0: vec![0.0; 6],
            f: watson,
            minima: &[(2.28767005355236e-3, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "ext-rosenbrock-10",
            x0: rep(&[-1.2, 1.0], 10),
            f: extended_rosenbrock,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "ext-powell-8",
            x0: rep(&[3.0, -1.0, 0.0, 1.0], 8),
            f: powell_singular,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "penalty-1-4",
            x0: (1..=4).map(f64::from).collect(),
            f: penalty1,
            minima: &[(2.24997e-5, PAPER_DIGITS)],
            ncg_known_miss: None,
        },
        Problem {
            name: "penalty-2-4",
            x0: vec![0.5; 4],
            f: penalty2,
            minima: &[(9.37629e-6, PAPER_DIGITS)],
            ncg_known_miss: None,
        },
        Problem {
            name: "var-dim-10",
            x0: (1..=10).map(|j| 1.0 - j as f64 / 10.0).collect(),
            f: variably_dimensioned,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        // The paper: f = 0, and f = 1 at (0, ..., 0, n + 1).
        Problem {
            name: "brown-almost-linear-10",
            x0: vec![0.5; 10],
            f: brown_almost_linear,
            minima: &[(0.0, 0.0), (1.0, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "discrete-boundary-10",
            x0: (1..=10)
                .map(|i| {
                    let t = i as f64 / 11.0;
                    t * (t - 1.0)
                })
                .collect(),
            f: discrete_boundary,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "broyden-tridiagonal-10",
            x0: vec![-1.0; 10],
            f: broyden_tridiagonal,
            minima: &[(0.0, 0.0)],
            ncg_known_miss: None,
        },
        Problem {
            name: "linear-full-rank-5-10",
            x0: vec![1.0; 5],
            f: linear_full_rank,
            minima: &[(5.0, PRECISE)],
            ncg_known_miss: None,
        },
        Problem {
            name: "chebyquad-8",
            x0: (1..=8).map(|j| j as f64 / 9.0).collect(),
            f: chebyquad,
            minima: &[(3.516873725677e-3, PRECISE)],
            ncg_known_miss: None,
        },
    ]
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

/// Tight tests; a run usually ends on the gradient test or when f stops changing above
/// rounding (a line search or trust-region status that the check below tolerates).
fn tight_options() -> Options {
    Options::default()
        .with_gtol(1e-11)
        .with_ftol(0.0)
        .with_max_iterations(5000)
}

fn run(p: &Problem, solver: &mut dyn Solver) -> Report {
    run_with(p, solver, &tight_options())
}

fn run_with(p: &Problem, solver: &mut dyn Solver, opts: &Options) -> Report {
    let mut obj = VarObjective::new(p.x0.len(), p.f);
    minimize(&mut obj, solver, &p.x0, opts).expect("valid options")
}

#[test]
fn mgh_problems_reach_published_minima() {
    let problems = problems();
    assert!(problems.len() >= 18);
    let mut failures = Vec::new();
    println!(
        "{:<24} {:>3} {:>14} | {:>22} {:>5} {:>5} | {:>22} {:>5} {:>5} {:>6}",
        "problem", "n", "f* (reached)", "L-BFGS f", "nit", "nfev", "Newton-CG f", "nit", "nfev", "nhvp"
    );
    for p in &problems {
        let l = run(p, &mut Lbfgs::new());
        let t = run(p, &mut NewtonCg::new());
        let (rl, rt) = (reached(p, l.f), reached(p, t.f));
        let shown = |r: Option<f64>| r.map_or("MISSED".to_string(), |v| format!("{v:.6e}"));
        println!(
            "{:<24} {:>3} {:>14} | {:>22.15e} {:>5} {:>5} | {:>22.15e} {:>5} {:>5} {:>6}",
            p.name,
            p.x0.len(),
            shown(rl.or(rt)),
            l.f,
            l.iterations,
            l.f_evals,
            t.f,
            t.iterations,
            t.f_evals,
            t.hvp_evals
        );
        if rl.is_none() {
            failures.push(format!("{} / {}: {l}", p.name, l.solver));
        }
        match (rt, p.ncg_known_miss) {
            (None, None) => failures.push(format!("{} / {}: {t}", p.name, t.solver)),
            (None, Some(why)) => println!("    newton-cg misses {} (known: {why}): {t}", p.name),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "missed published minima:\n{}",
        failures.join("\n")
    );
}

#[test]
fn engine_gradients_match_finite_differences_at_x0() {
    // Guards the problem definitions themselves: the engine's gradient at x₀ against central
    // differences of the engine's value.
    for p in problems() {
        let mut obj = VarObjective::new(p.x0.len(), p.f);
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

#[test]
fn lbfgs_counts_next_to_scipy_and_argmin() {
    // Prints the tables of MGH.md. Only the problem definitions are asserted (the peers'
    // f(x₀) must be hesse's, so the ports are the same functions); the counts are printed,
    // never asserted: which solver wins is a measurement, not an invariant.
    let problems = problems();
    let n = problems.len();
    assert_eq!((SCIPY.len(), ARGMIN.len()), (n, n));
    for (p, (s, a)) in problems.iter().zip(SCIPY.iter().zip(ARGMIN)) {
        assert_eq!((p.name, p.name), (s.0, a.0));
        let f0 = VarObjective::new(p.x0.len(), p.f).value(&p.x0);
        for (peer, pf0) in [("scipy", s.1), ("argmin", a.1)] {
            assert!(
                (f0 - pf0).abs() <= 1e-12 * f0.abs(),
                "{}: f(x0) = {f0} in hesse, {pf0} in the {peer} port",
                p.name
            );
        }
    }
    let mark = |ok: bool| if ok { "" } else { " ✗" };
    let tables = [
        ("gtol 1e-11 (‖g‖∞; argmin ‖g‖₂), ftol 0", tight_options(), true),
        (
            "scipy's defaults: gtol 1e-5 (‖g‖∞; argmin ‖g‖₂), ftol 2.22e-9",
            Options::default(),
            false,
        ),
    ];
    for (title, opts, tight) in tables {
        println!("\n{title}\n");
        println!("| problem | n | hesse nfev | scipy nfev | argmin nfev |");
        println!("|---|--:|--:|--:|--:|");
        let (mut le_scipy, mut lt_argmin, mut totals) = (0, 0, [0; 3]);
        for (p, (s, a)) in problems.iter().zip(SCIPY.iter().zip(ARGMIN)) {
            let r = run_with(p, &mut Lbfgs::new(), &opts);
            let hesse = (r.f_evals, reached(p, r.f).is_some());
            let (scipy, argmin) = if tight {
                ((s.2, s.3), (a.2, a.3))
            } else {
                ((s.4, s.5), (a.4, a.5))
            };
            le_scipy += usize::from(hesse.0 <= scipy.0);
            lt_argmin += usize::from(hesse.0 < argmin.0);
            for (t, v) in totals.iter_mut().zip([hesse.0, scipy.0, argmin.0]) {
                *t += v;
            }
            println!(
                "| {} | {} | {}{} | {}{} | {}{} |",
                p.name,
                p.x0.len(),
                hesse.0,
                mark(hesse.1),
                scipy.0,
                mark(scipy.1),
                argmin.0,
                mark(argmin.1)
            );
        }
        println!("| total | | {} | {} | {} |", totals[0], totals[1], totals[2]);
        println!(
            "\nhesse <= scipy on {le_scipy} of {n}; hesse < argmin on {lt_argmin} of {n} \
             (✗: f* not reached)"
        );
    }
}
