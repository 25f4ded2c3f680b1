//! The 27 Moré–Garbow–Hillstrom problems of `crates/hesse-optim/tests/mgh.rs`, as residuals
//! r(x) and their Jacobian J(x) written by hand (a port of `../mgh_scipy.py`), so that
//! f = Σ rᵢ² and ∇f = 2 Jᵀ r need no AD.

/// Residuals and the dense Jacobian (one row per residual) at x.
pub type Residuals = fn(&[f64]) -> (Vec<f64>, Vec<Vec<f64>>);

pub const PRECISE: f64 = 1e-8;
pub const PAPER_DIGITS: f64 = 5e-6;

/// One test problem: the paper's x₀ and its published minima, as in mgh.rs.
pub struct Problem {
    pub name: &'static str,
    pub x0: Vec<f64>,
    pub residuals: Residuals,
    /// (f*, relative tolerance; 0 means f* = 0 with absolute 1e-10).
    pub minima: &'static [(f64, f64)],
}

impl Problem {
    /// f = Σ rᵢ² and ∇f = 2 Jᵀ r.
    pub fn value_and_grad(&self, x: &[f64]) -> (f64, Vec<f64>) {
        let (r, jac) = (self.residuals)(x);
        let f = r.iter().map(|ri| ri * ri).sum();
        let mut g = vec![0.0; x.len()];
        for (ri, row) in r.iter().zip(&jac) {
            for (gj, jij) in g.iter_mut().zip(row) {
                *gj += 2.0 * ri * jij;
            }
        }
        (f, g)
    }

    /// The published minimum `f` reached, if any (the rule of mgh.rs).
    pub fn reached(&self, f: f64) -> Option<f64> {
        self.minima.iter().find_map(|&(fs, tol)| {
            let ok = if tol == 0.0 {
                f.abs() <= 1e-10
            } else {
                (f - fs).abs() <= tol * fs.abs()
            };
            ok.then_some(fs)
        })
    }
}

/// An m × n zero matrix.
fn zeros(m: usize, n: usize) -> Vec<Vec<f64>> {
    vec![vec![0.0; n]; m]
}

fn rosenbrock(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    (
        vec![10.0 * (x[1] - x[0] * x[0]), 1.0 - x[0]],
        vec![vec![-20.0 * x[0], 10.0], vec![-1.0, 0.0]],
    )
}

fn freudenstein_roth(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (a, b) = (x[0], x[1]);
    (
        vec![
            -13.0 + a + ((5.0 - b) * b - 2.0) * b,
            -29.0 + a + ((b + 1.0) * b - 14.0) * b,
        ],
        vec![
            vec![1.0, 10.0 * b - 3.0 * b * b - 2.0],
            vec![1.0, 3.0 * b * b + 2.0 * b - 14.0],
        ],
    )
}

fn powell_badly_scaled(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (a, b) = (x[0], x[1]);
    (
        vec![1e4 * a * b - 1.0, (-a).exp() + (-b).exp() - 1.0001],
        vec![vec![1e4 * b, 1e4 * a], vec![-(-a).exp(), -(-b).exp()]],
    )
}

fn brown_badly_scaled(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (a, b) = (x[0], x[1]);
    (
        vec![a - 1e6, b - 2e-6, a * b - 2.0],
        vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![b, a]],
    )
}

fn beale(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [1.5, 2.25, 2.625];
    let mut r = Vec::new();
    let mut jac = Vec::new();
    for (k, yk) in y.iter().enumerate() {
        let i = k as i32 + 1;
        r.push(yk - x[0] * (1.0 - x[1].powi(i)));
        jac.push(vec![
            -(1.0 - x[1].powi(i)),
            x[0] * f64::from(i) * x[1].powi(i - 1),
        ]);
    }
    (r, jac)
}

fn jennrich_sampson(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    (1..=10)
        .map(|i| {
            let i = f64::from(i);
            let (e0, e1) = ((i * x[0]).exp(), (i * x[1]).exp());
            (2.0 + 2.0 * i - (e0 + e1), vec![-i * e0, -i * e1])
        })
        .unzip()
}

fn bard(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39,
    ];
    (1..=15)
        .map(|i| {
            let (u, v) = (f64::from(i), 16.0 - f64::from(i));
            let w = u.min(v);
            let d = v * x[1] + w * x[2];
            (
                y[i as usize - 1] - (x[0] + u / d),
                vec![-1.0, u * v / (d * d), u * w / (d * d)],
            )
        })
        .unzip()
}

fn gaussian(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540,
        0.0175, 0.0044, 0.0009,
    ];
    (1..=15)
        .map(|i| {
            let t = (8.0 - f64::from(i)) / 2.0;
            let d = t - x[2];
            let e = (-0.5 * x[1] * d * d).exp();
            (
                x[0] * e - y[i as usize - 1],
                vec![e, -0.5 * x[0] * e * d * d, x[0] * e * x[1] * d],
            )
        })
        .unzip()
}

fn meyer(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0, 11540.0, 9744.0, 8261.0, 7030.0, 6005.0,
        5147.0, 4427.0, 3820.0, 3307.0, 2872.0,
    ];
    (1..=16)
        .map(|i| {
            let d = 45.0 + 5.0 * f64::from(i) + x[2];
            let e = (x[1] / d).exp();
            (
                x[0] * e - y[i as usize - 1],
                vec![e, x[0] * e / d, -x[0] * e * x[1] / (d * d)],
            )
        })
        .unzip()
}

fn box_3d(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    (1..=10)
        .map(|i| {
            let t = 0.1 * f64::from(i);
            let c = (-t).exp() - (-10.0 * t).exp();
            let (e0, e1) = ((-t * x[0]).exp(), (-t * x[1]).exp());
            (e0 - e1 - x[2] * c, vec![-t * e0, t * e1, -c])
        })
        .unzip()
}

/// (13), and (22) its blockwise extension for n a multiple of 4.
fn powell_singular(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let (s5, s10) = (5f64.sqrt(), 10f64.sqrt());
    let mut r = vec![0.0; n];
    let mut jac = zeros(n, n);
    for k in (0..n).step_by(4) {
        let (b0, b1, b2, b3) = (x[k], x[k + 1], x[k + 2], x[k + 3]);
        let (p, q) = (b1 - 2.0 * b2, b0 - b3);
        r[k..k + 4].copy_from_slice(&[b0 + 10.0 * b1, s5 * (b2 - b3), p * p, s10 * q * q]);
        jac[k][k] = 1.0;
        jac[k][k + 1] = 10.0;
        jac[k + 1][k + 2] = s5;
        jac[k + 1][k + 3] = -s5;
        jac[k + 2][k + 1] = 2.0 * p;
        jac[k + 2][k + 2] = -4.0 * p;
        jac[k + 3][k] = 2.0 * s10 * q;
        jac[k + 3][k + 3] = -2.0 * s10 * q;
    }
    (r, jac)
}

fn wood(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (s90, s10) = (90f64.sqrt(), 10f64.sqrt());
    (
        vec![
            10.0 * (x[1] - x[0] * x[0]),
            1.0 - x[0],
            s90 * (x[3] - x[2] * x[2]),
            1.0 - x[2],
            s10 * (x[1] + x[3] - 2.0),
            (x[1] - x[3]) / s10,
        ],
        vec![
            vec![-20.0 * x[0], 10.0, 0.0, 0.0],
            vec![-1.0, 0.0, 0.0, 0.0],
            vec![0.0, 0.0, -2.0 * s90 * x[2], s90],
            vec![0.0, 0.0, -1.0, 0.0],
            vec![0.0, s10, 0.0, s10],
            vec![0.0, 1.0 / s10, 0.0, -1.0 / s10],
        ],
    )
}

fn kowalik_osborne(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246,
    ];
    let u = [
        4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625,
    ];
    (0..11)
        .map(|i| {
            let num = u[i] * u[i] + u[i] * x[1];
            let den = u[i] * u[i] + u[i] * x[2] + x[3];
            (
                y[i] - x[0] * num / den,
                vec![
                    -num / den,
                    -x[0] * u[i] / den,
                    x[0] * num * u[i] / (den * den),
                    x[0] * num / (den * den),
                ],
            )
        })
        .unzip()
}

fn brown_dennis(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    (1..=20)
        .map(|i| {
            let t = f64::from(i) / 5.0;
            let a = x[0] + t * x[1] - t.exp();
            let b = x[2] + t.sin() * x[3] - t.cos();
            (
                a * a + b * b,
                vec![2.0 * a, 2.0 * a * t, 2.0 * b, 2.0 * b * t.sin()],
            )
        })
        .unzip()
}

fn osborne1(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718, 0.685, 0.658,
        0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438, 0.431,
        0.424, 0.420, 0.414, 0.411, 0.406,
    ];
    (0..33)
        .map(|i| {
            let t = 10.0 * i as f64;
            let (e3, e4) = ((-t * x[3]).exp(), (-t * x[4]).exp());
            (
                y[i] - (x[0] + x[1] * e3 + x[2] * e4),
                vec![-1.0, -e3, -e4, x[1] * t * e3, x[2] * t * e4],
            )
        })
        .unzip()
}

fn biggs_exp6(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    (1..=13)
        .map(|i| {
            let t = 0.1 * f64::from(i);
            let y = (-t).exp() - 5.0 * (-10.0 * t).exp() + 3.0 * (-4.0 * t).exp();
            let (e0, e1, e4) = ((-t * x[0]).exp(), (-t * x[1]).exp(), (-t * x[4]).exp());
            (
                x[2] * e0 - x[3] * e1 + x[5] * e4 - y,
                vec![-t * x[2] * e0, t * x[3] * e1, e0, -e1, -t * x[5] * e4, e4],
            )
        })
        .unzip()
}

fn osborne2(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let y = [
        1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746, 0.679, 0.608, 0.655,
        0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558,
        0.533, 0.495, 0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562,
        0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739, 0.710,
        0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054,
    ];
    (0..65)
        .map(|i| {
            let t = i as f64 / 10.0;
            let mut row = vec![0.0; 11];
            let e = (-t * x[4]).exp();
            let mut model = x[0] * e;
            row[0] = -e;
            row[4] = x[0] * t * e;
            for k in 1..=3 {
                let (c, w) = (x[7 + k], x[4 + k]);
                let ek = (-(t - c) * (t - c) * w).exp();
                model += x[k] * ek;
                row[k] = -ek;
                row[4 + k] = x[k] * (t - c) * (t - c) * ek;
                row[7 + k] = -x[k] * ek * 2.0 * w * (t - c);
            }
            (y[i] - model, row)
        })
        .unzip()
}

fn watson(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let mut r = Vec::with_capacity(31);
    let mut jac = Vec::with_capacity(31);
    for i in 1..=29 {
        let t = f64::from(i) / 29.0;
        // j t^(j−1) for j ≥ 1 (0 for j = 0), and t^j.
        let dpow: Vec<f64> = (0..n)
            .map(|j| {
                if j == 0 {
                    0.0
                } else {
                    j as f64 * t.powi(j as i32 - 1)
                }
            })
            .collect();
        let pw: Vec<f64> = (0..n).map(|j| t.powi(j as i32)).collect();
        let s1: f64 = dpow.iter().zip(x).map(|(a, b)| a * b).sum();
        let s2: f64 = pw.iter().zip(x).map(|(a, b)| a * b).sum();
        r.push(s1 - s2 * s2 - 1.0);
        jac.push(dpow.iter().zip(&pw).map(|(d, p)| d - 2.0 * s2 * p).collect());
    }
    let mut row = vec![0.0; n];
    row[0] = 1.0;
    r.push(x[0]);
    jac.push(row);
    let mut row = vec![0.0; n];
    row[0] = -2.0 * x[0];
    row[1] = 1.0;
    r.push(x[1] - x[0] * x[0] - 1.0);
    jac.push(row);
    (r, jac)
}

fn extended_rosenbrock(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let mut r = vec![0.0; n];
    let mut jac = zeros(n, n);
    for k in (0..n).step_by(2) {
        r[k] = 10.0 * (x[k + 1] - x[k] * x[k]);
        r[k + 1] = 1.0 - x[k];
        jac[k][k] = -20.0 * x[k];
        jac[k][k + 1] = 10.0;
        jac[k + 1][k] = -1.0;
    }
    (r, jac)
}

fn penalty1(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let a = 1e-5f64.sqrt();
    let mut r: Vec<f64> = x.iter().map(|xi| a * (xi - 1.0)).collect();
    let mut jac = zeros(n, n);
    for (i, row) in jac.iter_mut().enumerate() {
        row[i] = a;
    }
    r.push(x.iter().map(|xi| xi * xi).sum::<f64>() - 0.25);
    jac.push(x.iter().map(|xi| 2.0 * xi).collect());
    (r, jac)
}

fn penalty2(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let a = 1e-5f64.sqrt();
    let e: Vec<f64> = x.iter().map(|xi| (xi / 10.0).exp()).collect();
    let mut r = vec![x[0] - 0.2];
    let mut row = vec![0.0; n];
    row[0] = 1.0;
    let mut jac = vec![row];
    for i in 2..=n {
        let y = (i as f64 / 10.0).exp() + ((i - 1) as f64 / 10.0).exp();
        r.push(a * (e[i - 1] + e[i - 2] - y));
        let mut row = vec![0.0; n];
        row[i - 1] = a * e[i - 1] / 10.0;
        row[i - 2] = a * e[i - 2] / 10.0;
        jac.push(row);
    }
    for i in n + 1..2 * n {
        r.push(a * (e[i - n] - (-0.1f64).exp()));
        let mut row = vec![0.0; n];
        row[i - n] = a * e[i - n] / 10.0;
        jac.push(row);
    }
    r.push((0..n).map(|j| (n - j) as f64 * x[j] * x[j]).sum::<f64>() - 1.0);
    jac.push((0..n).map(|j| 2.0 * (n - j) as f64 * x[j]).collect());
    (r, jac)
}

fn variably_dimensioned(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let s: f64 = x
        .iter()
        .enumerate()
        .map(|(j, xj)| (j + 1) as f64 * (xj - 1.0))
        .sum();
    let mut r: Vec<f64> = x.iter().map(|xi| xi - 1.0).collect();
    let mut jac = zeros(n, n);
    for (i, row) in jac.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    r.push(s);
    jac.push((1..=n).map(|j| j as f64).collect());
    r.push(s * s);
    jac.push((1..=n).map(|j| 2.0 * s * j as f64).collect());
    (r, jac)
}

fn brown_almost_linear(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let s: f64 = x.iter().sum();
    let mut r: Vec<f64> = (0..n - 1).map(|i| x[i] + s - (n + 1) as f64).collect();
    let mut jac = vec![vec![1.0; n]; n - 1];
    for (i, row) in jac.iter_mut().enumerate() {
        row[i] = 2.0;
    }
    r.push(x.iter().product::<f64>() - 1.0);
    jac.push(
        (0..n)
            .map(|k| (0..n).filter(|&j| j != k).map(|j| x[j]).product())
            .collect(),
    );
    (r, jac)
}

fn discrete_boundary(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let h = 1.0 / (n + 1) as f64;
    let mut r = vec![0.0; n];
    let mut jac = zeros(n, n);
    for i in 0..n {
        let u = x[i] + (i + 1) as f64 * h + 1.0;
        r[i] = 2.0 * x[i] + 0.5 * h * h * u * u * u;
        jac[i][i] = 2.0 + 1.5 * h * h * u * u;
        if i > 0 {
            r[i] -= x[i - 1];
            jac[i][i - 1] = -1.0;
        }
        if i + 1 < n {
            r[i] -= x[i + 1];
            jac[i][i + 1] = -1.0;
        }
    }
    (r, jac)
}

fn broyden_tridiagonal(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let mut r = vec![0.0; n];
    let mut jac = zeros(n, n);
    for i in 0..n {
        r[i] = (3.0 - 2.0 * x[i]) * x[i] + 1.0;
        jac[i][i] = 3.0 - 4.0 * x[i];
        if i > 0 {
            r[i] -= x[i - 1];
            jac[i][i - 1] = -1.0;
        }
        if i + 1 < n {
            r[i] -= 2.0 * x[i + 1];
            jac[i][i + 1] = -2.0;
        }
    }
    (r, jac)
}

fn linear_full_rank(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (n, m) = (x.len(), 10);
    let s = 2.0 / m as f64 * x.iter().sum::<f64>();
    (0..m)
        .map(|i| {
            let row = (0..n)
                .map(|j| f64::from(u8::from(i == j)) - 2.0 / m as f64)
                .collect();
            (if i < n { x[i] - s - 1.0 } else { -s - 1.0 }, row)
        })
        .unzip()
}

fn chebyquad(x: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = x.len();
    let y: Vec<f64> = x.iter().map(|xj| 2.0 * xj - 1.0).collect();
    // Shifted Chebyshev Tᵢ(2x − 1) and dTᵢ/dy by the three-term recurrence.
    let (mut t_prev, mut t_cur) = (vec![1.0; n], y.clone());
    let (mut d_prev, mut d_cur) = (vec![0.0; n], vec![1.0; n]);
    let mut r = Vec::with_capacity(n);
    let mut jac = Vec::with_capacity(n);
    for i in 1..=n {
        let mean = t_cur.iter().sum::<f64>() / n as f64;
        r.push(if i % 2 == 0 {
            mean + 1.0 / ((i * i) as f64 - 1.0)
        } else {
            mean
        });
        jac.push(d_cur.iter().map(|d| 2.0 * d / n as f64).collect());
        let t_next: Vec<f64> = (0..n).map(|j| 2.0 * y[j] * t_cur[j] - t_prev[j]).collect();
        let d_next: Vec<f64> = (0..n)
            .map(|j| 2.0 * t_cur[j] + 2.0 * y[j] * d_cur[j] - d_prev[j])
            .collect();
        t_prev = std::mem::replace(&mut t_cur, t_next);
        d_prev = std::mem::replace(&mut d_cur, d_next);
    }
    (r, jac)
}

/// The problem list, in the order of mgh.rs.
pub fn problems() -> Vec<Problem> {
    let rep = |v: &[f64], n: usize| v.iter().copied().cycle().take(n).collect::<Vec<_>>();
    let p = |name, x0, residuals, minima| Problem {
        name,
        x0,
        residuals,
        minima,
    };
    vec![
        p("rosenbrock", vec![-1.2, 1.0], rosenbrock, &[(0.0, 0.0)]),
        p(
            "freudenstein-roth",
            vec![0.5, -2.0],
            freudenstein_roth,
            &[(0.0, 0.0), (48.98425367924001, PRECISE)],
        ),
        p(
            "powell-badly-scaled",
            vec![0.0, 1.0],
            powell_badly_scaled,
            &[(0.0, 0.0)],
        ),
        p(
            "brown-badly-scaled",
            vec![1.0, 1.0],
            brown_badly_scaled,
            &[(0.0, 0.0)],
        ),
        p("beale", vec![1.0, 1.0], beale, &[(0.0, 0.0)]),
        p(
            "jennrich-sampson",
            vec![0.3, 0.4],
            jennrich_sampson,
            &[(124.3621823556148, PRECISE)],
        ),
        p("bard", vec![1.0; 3], bard, &[(8.21487730657897e-3, PRECISE)]),
        p(
            "gaussian",
            vec![0.4, 1.0, 0.0],
            gaussian,
            &[(1.12793e-8, PAPER_DIGITS)],
        ),
        p(
            "meyer",
            vec![0.02, 4000.0, 250.0],
            meyer,
            &[(87.94585517039583, PRECISE)],
        ),
        p("box-3d", vec![0.0, 10.0, 20.0], box_3d, &[(0.0, 0.0)]),
        p(
            "powell-singular",
            vec![3.0, -1.0, 0.0, 1.0],
            powell_singular,
            &[(0.0, 0.0)],
        ),
        p("wood", vec![-3.0, -1.0, -3.0, -1.0], wood, &[(0.0, 0.0)]),
        p(
            "kowalik-osborne",
            vec![0.25, 0.39, 0.415, 0.39],
            kowalik_osborne,
            &[(3.0750560384924e-4, PRECISE)],
        ),
        p(
            "brown-dennis",
            vec![25.0, 5.0, -5.0, -1.0],
            brown_dennis,
            &[(85822.20162635, PRECISE)],
        ),
        p(
            "osborne-1",
            vec![0.5, 1.5, -1.0, 0.01, 0.02],
            osborne1,
            &[(5.464894697482687e-5, PRECISE)],
        ),
        p(
            "biggs-exp6",
            vec![1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
            biggs_exp6,
            &[(0.0, 0.0), (5.65565e-3, PAPER_DIGITS)],
        ),
        p(
            "osborne-2",
            vec![1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5],
            osborne2,
            &[(4.01377362935477e-2, PRECISE)],
        ),
        p(
            "watson-6",
            vec![0.0; 6],
            watson,
            &[(2.28767005355236e-3, PRECISE)],
        ),
        p(
            "ext-rosenbrock-10",
            rep(&[-1.2, 1.0], 10),
            extended_rosenbrock,
            &[(0.0, 0.0)],
        ),
        p(
            "ext-powell-8",
            rep(&[3.0, -1.0, 0.0, 1.0], 8),
            powell_singular,
            &[(0.0, 0.0)],
        ),
        p(
            "penalty-1-4",
            vec![1.0, 2.0, 3.0, 4.0],
            penalty1,
            &[(2.24997e-5, PAPER_DIGITS)],
        ),
        p(
            "penalty-2-4",
            vec![0.5; 4],
            penalty2,
            &[(9.37629e-6, PAPER_DIGITS)],
        ),
        p(
            "var-dim-10",
            (1..=10).map(|j| 1.0 - f64::from(j) / 10.0).collect(),
            variably_dimensioned,
            &[(0.0, 0.0)],
        ),
        p(
            "brown-almost-linear-10",
            vec![0.5; 10],
            brown_almost_linear,
            &[(0.0, 0.0), (1.0, PRECISE)],
        ),
        p(
            "discrete-boundary-10",
            (1..=10)
                .map(|i| {
                    let t = f64::from(i) / 11.0;
                    t * (t - 1.0)
                })
                .collect(),
            discrete_boundary,
            &[(0.0, 0.0)],
        ),
        p(
            "broyden-tridiagonal-10",
            vec![-1.0; 10],
            broyden_tridiagonal,
            &[(0.0, 0.0)],
        ),
        p(
            "linear-full-rank-5-10",
            vec![1.0; 5],
            linear_full_rank,
            &[(5.0, PRECISE)],
        ),
        p(
            "chebyquad-8",
            (1..=8).map(|j| f64::from(j) / 9.0).collect(),
            chebyquad,
            &[(3.516873725677e-3, PRECISE)],
        ),
    ]
}
