//! The workloads of `docs/WORKLOADS.md`, written three ways: as hesse losses over `Var`s
//! (run eagerly or recorded and replayed) and as hand-written Rust baselines of the same math.
//!
//! Shared by `benches/examples/workloads.rs` and the criterion benches in `benches/`. The data
//! files in `benches/data/` are copies of the reference run's data files (see `benches/data/README.md`).

#![allow(dead_code)]

use std::path::PathBuf;

use hesse_core::Var;

/// The HVP direction of WORKLOADS.md §0: `v_k = 1 + (k mod 10)/10`.
pub fn direction(p: usize) -> Vec<f64> {
    (0..p).map(|k| 1.0 + (k % 10) as f64 / 10.0).collect()
}

/// `benches/data/` of this repository.
pub fn data_dir() -> PathBuf {
    // the package hesse-bench is the folder benches/ itself
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

// ---------------------------------------------------------------------------------------
// Scalar types for the hand-written forward-over-reverse baselines (W1).
// ---------------------------------------------------------------------------------------

/// The arithmetic a hand-written gradient needs, so the same code runs on `f64` (gradient)
/// and on [`Dual`] (directional derivative of the gradient: a Hessian-vector product).
pub trait Real:
    Copy
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::Neg<Output = Self>
    + std::ops::AddAssign
    + std::ops::SubAssign
{
    fn c(x: f64) -> Self;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn c(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        f64::ln(self)
    }
}

/// A forward-mode dual number `v + d·ε`, ε² = 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Dual {
    pub v: f64,
    pub d: f64,
}

impl std::ops::Add for Dual {
    type Output = Dual;
    #[inline(always)]
    fn add(self, o: Dual) -> Dual {
        Dual {
            v: self.v + o.v,
            d: self.d + o.d,
        }
    }
}
impl std::ops::Sub for Dual {
    type Output = Dual;
    #[inline(always)]
    fn sub(self, o: Dual) -> Dual {
        Dual {
            v: self.v - o.v,
            d: self.d - o.d,
        }
    }
}
impl std::ops::Mul for Dual {
    type Output = Dual;
    #[inline(always)]
    fn mul(self, o: Dual) -> Dual {
        Dual {
            v: self.v * o.v,
            d: self.d * o.v + self.v * o.d,
        }
    }
}
impl std::ops::Div for Dual {
    type Output = Dual;
    #[inline(always)]
    fn div(self, o: Dual) -> Dual {
        let q = self.v / o.v;
        Dual {
            v: q,
            d: (self.d - q * o.d) / o.v,
        }
    }
}
impl std::ops::Neg for Dual {
    type Output = Dual;
    #[inline(always)]
    fn neg(self) -> Dual {
        Dual {
            v: -self.v,
            d: -self.d,
        }
    }
}
impl std::ops::AddAssign for Dual {
    #[inline(always)]
    fn add_assign(&mut self, o: Dual) {
        *self = *self + o;
    }
}
impl std::ops::SubAssign for Dual {
    #[inline(always)]
    fn sub_assign(&mut self, o: Dual) {
        *self = *self - o;
    }
}
impl Real for Dual {
    #[inline(always)]
    fn c(x: f64) -> Self {
        Dual { v: x, d: 0.0 }
    }
    #[inline(always)]
    fn exp(self) -> Self {
        let e = self.v.exp();
        Dual { v: e, d: e * self.d }
    }
    #[inline(always)]
    fn ln(self) -> Self {
        Dual {
            v: self.v.ln(),
            d: self.d / self.v,
        }
    }
}

// ---------------------------------------------------------------------------------------
// W1: 2-2-1 sigmoid network, 9 parameters, mean BCE over 10 points.
// ---------------------------------------------------------------------------------------

pub mod w1 {
    use super::*;

    pub const X: [[f64; 2]; 10] = [
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
    pub const Y: [f64; 10] = [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pub const THETA0: [f64; 9] = [
        1.06, -0.037, -0.056, 1.095, -0.051, -0.0689, 3.769, -3.72, -0.0148,
    ];
    pub const LOSS: f64 = 0.5777380445031233;
    pub const GRAD: [f64; 9] = [
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

    /// The loss over `theta = [w00, w01, w10, w11, b0, b1, v0, v1, c]`, as hesse code: it
    /// reads like the model. The BCE term is `ln p` for y = 1 and `ln(1 − p)` for y = 0
    /// (y·ln p + (1 − y)·ln(1 − p) with the known labels substituted).
    pub fn loss<'t>(t: &[Var<'t>]) -> Var<'t> {
        let mut acc: Option<Var<'t>> = None;
        for (x, &y) in X.iter().zip(&Y) {
            let h0 = (t[0] * x[0] + t[1] * x[1] + t[4]).sigmoid();
            let h1 = (t[2] * x[0] + t[3] * x[1] + t[5]).sigmoid();
            let p = (t[6] * h0 + t[7] * h1 + t[8]).sigmoid();
            let term = if y == 1.0 { p.ln() } else { (1.0 - p).ln() };
            acc = Some(match acc {
                Some(a) => a + term,
                None => term,
            });
        }
        -(acc.expect("ten points") / 10.0)
    }

    #[inline(always)]
    fn sigmoid<T: Real>(z: T) -> T {
        T::c(1.0) / (T::c(1.0) + (-z).exp())
    }

    /// Hand-written loss only.
    pub fn hand_loss(t: &[f64; 9]) -> f64 {
        let mut acc = 0.0;
        for (x, &y) in X.iter().zip(&Y) {
            let h0 = sigmoid(t[0] * x[0] + t[1] * x[1] + t[4]);
            let h1 = sigmoid(t[2] * x[0] + t[3] * x[1] + t[5]);
            let p = sigmoid(t[6] * h0 + t[7] * h1 + t[8]);
            acc += if y == 1.0 { p.ln() } else { (1.0 - p).ln() };
        }
        -(acc / 10.0)
    }

    /// Hand-written loss and backprop gradient, generic so that [`Dual`] inputs give the
    /// directional derivative of the gradient (forward over hand-written reverse).
    #[inline(always)]
    pub fn hand_grad<T: Real>(t: &[T; 9], g: &mut [T; 9]) -> T {
        *g = [T::c(0.0); 9];
        let mut acc = T::c(0.0);
        let one = T::c(1.0);
        for (x, &y) in X.iter().zip(&Y) {
            let (x0, x1) = (T::c(x[0]), T::c(x[1]));
            let h0 = sigmoid(t[0] * x0 + t[1] * x1 + t[4]);
            let h1 = sigmoid(t[2] * x0 + t[3] * x1 + t[5]);
            let p = sigmoid(t[6] * h0 + t[7] * h1 + t[8]);
            acc += if y == 1.0 { p.ln() } else { (one - p).ln() };
            // d(−ℓ/10)/dz = (p − y)/10 for the output pre-activation z.
            let dz = (p - T::c(y)) / T::c(10.0);
            g[6] += dz * h0;
            g[7] += dz * h1;
            g[8] += dz;
            let dz0 = dz * t[6] * h0 * (one - h0);
            let dz1 = dz * t[7] * h1 * (one - h1);
            g[0] += dz0 * x0;
            g[1] += dz0 * x1;
            g[4] += dz0;
            g[2] += dz1 * x0;
            g[3] += dz1 * x1;
            g[5] += dz1;
        }
        -(acc / T::c(10.0))
    }

    /// Hand-written HVP: the hand gradient run on dual numbers seeded with `v`.
    pub fn hand_hvp(t: &[f64; 9], v: &[f64], out: &mut [f64]) {
        let mut td = [Dual::default(); 9];
        for k in 0..9 {
            td[k] = Dual { v: t[k], d: v[k] };
        }
        let mut g = [Dual::default(); 9];
        hand_grad(&td, &mut g);
        for k in 0..9 {
            out[k] = g[k].d;
        }
    }

    /// Hand-written Hessian: nine hand HVPs along the unit vectors, symmetrised.
    pub fn hand_hessian(t: &[f64; 9], out: &mut [f64; 81]) {
        let mut e = [0.0; 9];
        for i in 0..9 {
            e[i] = 1.0;
            hand_hvp(t, &e, &mut out[i * 9..i * 9 + 9]);
            e[i] = 0.0;
        }
        for i in 0..9 {
            for j in 0..i {
                let s = 0.5 * (out[i * 9 + j] + out[j * 9 + i]);
                out[i * 9 + j] = s;
                out[j * 9 + i] = s;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// W2: Rosenbrock, 2-D and the paired extended form.
// ---------------------------------------------------------------------------------------

pub mod w2 {
    use super::*;

    /// 2-D Rosenbrock over scalar `Var`s.
    pub fn rosen2<'t>(x: &[Var<'t>]) -> Var<'t> {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2)
    }

    /// Paired extended Rosenbrock over scalar `Var`s, one node per scalar operation.
    pub fn ext_scalar<'t>(x: &[Var<'t>]) -> Var<'t> {
        let mut acc: Option<Var<'t>> = None;
        for p in x.chunks_exact(2) {
            let term = 100.0 * (p[1] - p[0].square()).square() + (1.0 - p[0]).square();
            acc = Some(match acc {
                Some(a) => a + term,
                None => term,
            });
        }
        acc.expect("n ≥ 2")
    }

    /// Paired extended Rosenbrock over one rank-1 `Var`, vectorised: the pairs as the
    /// columns of an [n/2, 2] view.
    pub fn ext_vector<'t>(x: Var<'t>) -> Var<'t> {
        let n = x.len();
        let m = x.reshape(&[n / 2, 2]);
        let (odd, even) = (m.slice(1, 0, 1), m.slice(1, 1, 1));
        (100.0 * (even - odd.square()).square() + (1.0 - odd).square()).sum()
    }

    pub fn x0(n: usize) -> Vec<f64> {
        (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect()
    }

    /// Hand-written value and gradient of the paired extended Rosenbrock (any even n; n = 2
    /// is the 2-D function).
    #[inline]
    pub fn hand_value_grad(x: &[f64], g: &mut [f64]) -> f64 {
        let mut f = 0.0;
        for (p, gp) in x.chunks_exact(2).zip(g.chunks_exact_mut(2)) {
            let (a, b) = (p[0], p[1]);
            let r = b - a * a;
            let s = 1.0 - a;
            f += 100.0 * r * r + s * s;
            gp[0] = -400.0 * r * a - 2.0 * s;
            gp[1] = 200.0 * r;
        }
        f
    }

    /// Hand-written Hessian-vector product (the Hessian is block diagonal with 2×2 blocks).
    #[inline]
    pub fn hand_hvp(x: &[f64], v: &[f64], out: &mut [f64]) {
        for ((p, vp), op) in x
            .chunks_exact(2)
            .zip(v.chunks_exact(2))
            .zip(out.chunks_exact_mut(2))
        {
            let (a, b) = (p[0], p[1]);
            let haa = 1200.0 * a * a - 400.0 * b + 2.0;
            let hab = -400.0 * a;
            op[0] = haa * vp[0] + hab * vp[1];
            op[1] = hab * vp[0] + 200.0 * vp[1];
        }
    }

    /// Hand-written 2×2 Hessian of the 2-D function, row-major.
    pub fn hand_hessian2(x: &[f64]) -> [f64; 4] {
        let (a, b) = (x[0], x[1]);
        let hab = -400.0 * a;
        [1200.0 * a * a - 400.0 * b + 2.0, hab, hab, 200.0]
    }
}

// ---------------------------------------------------------------------------------------
// W3 / W4: 2-h-h-1 MLPs on the W3 data.
// ---------------------------------------------------------------------------------------

pub mod mlp {
    use super::*;

    /// The W3 data: 1000 points, 2 features, 0/1 labels.
    #[derive(Clone)]
    pub struct Data {
        pub x: Vec<f64>,
        pub y: Vec<f64>,
    }

    impl Data {
        pub fn rows(&self) -> usize {
            self.y.len()
        }
        pub fn head(&self, n: usize) -> Data {
            Data {
                x: self.x[..2 * n].to_vec(),
                y: self.y[..n].to_vec(),
            }
        }
    }

    pub fn load_data() -> Data {
        let text = std::fs::read_to_string(data_dir().join("w3_data.csv")).expect("w3_data.csv");
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<f64> = line
                .split(',')
                .map(|s| s.trim().parse().expect("float"))
                .collect();
            x.extend_from_slice(&f[..2]);
            y.push(f[2]);
        }
        Data { x, y }
    }

    /// Flat W3 parameters `[W1, b1, W2, b2, W3, b3]` from a `w3_init_*.json`.
    pub fn load_w3_init(file: &str) -> (Vec<usize>, Vec<f64>) {
        let text = std::fs::read_to_string(data_dir().join(file)).expect(file);
        let j: serde_json::Value = serde_json::from_str(&text).expect("json");
        let sizes: Vec<usize> = j["sizes"]
            .as_array()
            .expect("sizes")
            .iter()
            .map(|v| v.as_u64().expect("size") as usize)
            .collect();
        let mut flat = Vec::new();
        for layer in j["layers"].as_array().expect("layers") {
            for row in layer["W"].as_array().expect("W") {
                flat.extend(
                    row.as_array()
                        .expect("row")
                        .iter()
                        .map(|v| v.as_f64().expect("f64")),
                );
            }
            flat.extend(
                layer["b"]
                    .as_array()
                    .expect("b")
                    .iter()
                    .map(|v| v.as_f64().expect("f64")),
            );
        }
        (sizes, flat)
    }

    /// W4's stopping rule, sklearn's (`tol` 1e-4 on the gradient, its `ftol`, `max_iter`
    /// 2000, `max_fun` 15000), the same for every route: without the end-of-run second-order
    /// check, which only a route with HVPs could make (it would take the recorded route past
    /// the saddle sklearn stops at, and the routes would no longer run the same iterations).
    pub fn w4_options() -> hesse_optim::Options {
        hesse_optim::Options::default()
            .with_gtol(1e-4)
            .with_ftol(2.220446049250313e-9)
            .with_max_iterations(2000)
            .with_max_evaluations(15000)
            .with_curvature_check(false)
    }

    /// The sklearn starting vector of W4 (sklearn packing).
    pub fn load_w4_init() -> Vec<f64> {
        let text = std::fs::read_to_string(data_dir().join("w4_sklearn_init.json")).expect("w4 json");
        let j: serde_json::Value = serde_json::from_str(&text).expect("json");
        j["x0"]
            .as_array()
            .expect("x0")
            .iter()
            .map(|v| v.as_f64().expect("f64"))
            .collect()
    }

    /// Where each block of a 2-h-h-1 network lives in the flat parameter vector.
    #[derive(Clone, Copy, Debug)]
    pub struct Layout {
        pub h: usize,
        /// Offsets of W1 [2×h], b1 [h], W2 [h×h], b2 [h], W3 [h×1], b3 [1].
        pub w1: usize,
        pub b1: usize,
        pub w2: usize,
        pub b2: usize,
        pub w3: usize,
        pub b3: usize,
    }

    impl Layout {
        /// W3's order: each layer's W then its b.
        pub fn w3(h: usize) -> Layout {
            let w1 = 0;
            let b1 = w1 + 2 * h;
            let w2 = b1 + h;
            let b2 = w2 + h * h;
            let w3 = b2 + h;
            let b3 = w3 + h;
            Layout {
                h,
                w1,
                b1,
                w2,
                b2,
                w3,
                b3,
            }
        }
        /// sklearn's packing: all W, then all b.
        pub fn sklearn(h: usize) -> Layout {
            let w1 = 0;
            let w2 = w1 + 2 * h;
            let w3 = w2 + h * h;
            let b1 = w3 + h;
            let b2 = b1 + h;
            let b3 = b2 + h;
            Layout {
                h,
                w1,
                b1,
                w2,
                b2,
                w3,
                b3,
            }
        }
        pub fn len(&self) -> usize {
            2 * self.h + self.h + self.h * self.h + self.h + self.h + 1
        }
    }

    /// What the loss adds to plain mean BCE (W4: sklearn's clipping and L2 term).
    #[derive(Clone, Copy, Debug)]
    pub struct Sklearn {
        pub alpha: f64,
    }

    pub const EPS: f64 = f64::EPSILON;

    /// The MLP loss in hesse, over the flat parameter vector `w`:
    /// `h1 = tanh(X W1 + b1)`, `h2 = tanh(h1 W2 + b2)`, `p = σ(h2 W3 + b3)`, mean BCE as
    /// written; with `sk`, p is clipped to [ε, 1 − ε] and `α/(2N) Σ‖W‖²` is added.
    pub fn loss<'t>(w: Var<'t>, data: &Data, lay: &Layout, sk: Option<Sklearn>) -> Var<'t> {
        let tape = w.tape();
        let n = data.rows();
        let h = lay.h;
        let x = tape.constant(&data.x, &[n, 2]);
        let y = tape.constant(&data.y, &[n, 1]);
        let w1 = w.slice(0, lay.w1, 2 * h).reshape(&[2, h]);
        let b1 = w.slice(0, lay.b1, h);
        let w2 = w.slice(0, lay.w2, h * h).reshape(&[h, h]);
        let b2 = w.slice(0, lay.b2, h);
        let w3 = w.slice(0, lay.w3, h).reshape(&[h, 1]);
        let b3 = w.slice(0, lay.b3, 1);
        let h1 = (x.matmul(w1) + b1).tanh();
        let h2 = (h1.matmul(w2) + b2).tanh();
        let p = (h2.matmul(w3) + b3).sigmoid();
        match sk {
            None => hesse_core::loss::bce(p, y),
            Some(Sklearn { alpha }) => {
                let pc = p.max(tape.scalar(EPS)).min(tape.scalar(1.0 - EPS));
                let l2 = w1.square().sum() + w2.square().sum() + w3.square().sum();
                hesse_core::loss::bce(pc, y) + l2 * (alpha / (2.0 * n as f64))
            }
        }
    }

    /// Hand-written forward, backprop and Pearlmutter R-pass of the same network, with every
    /// buffer allocated once (no allocation per call). Products go through
    /// `matrixmultiply::dgemm`, the GEMM hesse uses.
    pub struct Hand {
        pub data: Data,
        pub lay: Layout,
        pub sk: Option<Sklearn>,
        n: usize,
        z1: Vec<f64>,
        h1: Vec<f64>,
        h2: Vec<f64>,
        p: Vec<f64>,
        dz3: Vec<f64>,
        dh2: Vec<f64>,
        dh1: Vec<f64>,
        // R-pass buffers
        rh1: Vec<f64>,
        rh2: Vec<f64>,
        rdz3: Vec<f64>,
        rdh2: Vec<f64>,
        rdh1: Vec<f64>,
        e: Vec<f64>,
    }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices; `ta`/`tb` transpose.
    #[allow(clippy::too_many_arguments)]
    fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f64,
        a: &[f64],
        ta: bool,
        b: &[f64],
        tb: bool,
        beta: f64,
        c: &mut [f64],
    ) {
        // Row-major A is m×k (or k×m when transposed), B is k×n (or n×k).
        let (rsa, csa) = if ta { (1, m as isize) } else { (k as isize, 1) };
        let (rsb, csb) = if tb { (1, k as isize) } else { (n as isize, 1) };
        assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
        // SAFETY: the lengths are checked above and the strides stay inside them; `c` is a
        // distinct buffer from `a` and `b` (the borrow checker guarantees it).
        unsafe {
            matrixmultiply::dgemm(
                m,
                k,
                n,
                alpha,
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

    impl Hand {
        pub fn new(data: Data, lay: Layout, sk: Option<Sklearn>) -> Hand {
            let n = data.rows();
            let h = lay.h;
            let z = |len: usize| vec![0.0; len];
            Hand {
                data,
                lay,
                sk,
                n,
                z1: z(n * h),
                h1: z(n * h),
                h2: z(n * h),
                p: z(n),
                dz3: z(n),
                dh2: z(n * h),
                dh1: z(n * h),
                rh1: z(n * h),
                rh2: z(n * h),
                rdz3: z(n),
                rdh2: z(n * h),
                rdh1: z(n * h),
                e: z(lay.len()),
            }
        }

        /// Loss at `w`; fills the forward buffers.
        fn forward(&mut self, w: &[f64]) -> f64 {
            let (n, h, l) = (self.n, self.lay.h, self.lay);
            // z1 = X W1 + b1, h1 = tanh z1
            for r in 0..n {
                self.z1[r * h..(r + 1) * h].copy_from_slice(&w[l.b1..l.b1 + h]);
            }
            gemm(
                n,
                2,
                h,
                1.0,
                &self.data.x,
                false,
                &w[l.w1..],
                false,
                1.0,
                &mut self.z1,
            );
            for (o, &z) in self.h1.iter_mut().zip(&self.z1) {
                *o = z.tanh();
            }
            // z2 = h1 W2 + b2, h2 = tanh z2 (z2 kept in h2 then overwritten)
            for r in 0..n {
                self.h2[r * h..(r + 1) * h].copy_from_slice(&w[l.b2..l.b2 + h]);
            }
            gemm(
                n,
                h,
                h,
                1.0,
                &self.h1,
                false,
                &w[l.w2..],
                false,
                1.0,
                &mut self.h2,
            );
            for v in self.h2.iter_mut() {
                *v = v.tanh();
            }
            // p = σ(h2 W3 + b3)
            self.p.iter_mut().for_each(|p| *p = w[l.b3]);
            gemm(n, h, 1, 1.0, &self.h2, false, &w[l.w3..], false, 1.0, &mut self.p);
            let mut acc = 0.0;
            for (p, &y) in self.p.iter_mut().zip(&self.data.y) {
                *p = 1.0 / (1.0 + (-*p).exp());
                let q = match self.sk {
                    None => *p,
                    Some(_) => p.clamp(EPS, 1.0 - EPS),
                };
                acc += y * q.ln() + (1.0 - y) * (1.0 - q).ln();
            }
            let mut loss = -(acc / n as f64);
            if let Some(Sklearn { alpha }) = self.sk {
                let sq = |s: &[f64]| s.iter().map(|v| v * v).sum::<f64>();
                let l2 = sq(&w[l.w1..l.w1 + 2 * h]) + sq(&w[l.w2..l.w2 + h * h]) + sq(&w[l.w3..l.w3 + h]);
                loss += l2 * (alpha / (2.0 * n as f64));
            }
            loss
        }

        /// Value and gradient at `w`.
        pub fn value_grad(&mut self, w: &[f64], g: &mut [f64]) -> f64 {
            let loss = self.forward(w);
            let (n, h, l) = (self.n, self.lay.h, self.lay);
            let nf = n as f64;
            // dL/dz3 = (p − y)/N (zero where the sklearn clip is active).
            for ((d, &p), &y) in self.dz3.iter_mut().zip(&self.p).zip(&self.data.y) {
                *d = match self.sk {
                    Some(_) if !(EPS..=1.0 - EPS).contains(&p) => 0.0,
                    _ => (p - y) / nf,
                };
            }
            // W3, b3
            gemm(
                h,
                n,
                1,
                1.0,
                &self.h2,
                true,
                &self.dz3,
                false,
                0.0,
                &mut g[l.w3..l.w3 + h],
            );
            g[l.b3] = self.dz3.iter().sum();
            // dh2 = dz3 W3ᵀ, dz2 = dh2 ⊙ (1 − h2²)
            gemm(
                n,
                1,
                h,
                1.0,
                &self.dz3,
                false,
                &w[l.w3..],
                true,
                0.0,
                &mut self.dh2,
            );
            for (d, &a) in self.dh2.iter_mut().zip(&self.h2) {
                *d *= 1.0 - a * a;
            }
            gemm(
                h,
                n,
                h,
                1.0,
                &self.h1,
                true,
                &self.dh2,
                false,
                0.0,
                &mut g[l.w2..l.w2 + h * h],
            );
            col_sums(&self.dh2, h, &mut g[l.b2..l.b2 + h]);
            // dh1 = dz2 W2ᵀ, dz1 = dh1 ⊙ (1 − h1²)
            gemm(
                n,
                h,
                h,
                1.0,
                &self.dh2,
                false,
                &w[l.w2..],
                true,
                0.0,
                &mut self.dh1,
            );
            for (d, &a) in self.dh1.iter_mut().zip(&self.h1) {
                *d *= 1.0 - a * a;
            }
            gemm(
                2,
                n,
                h,
                1.0,
                &self.data.x,
                true,
                &self.dh1,
                false,
                0.0,
                &mut g[l.w1..l.w1 + 2 * h],
            );
            col_sums(&self.dh1, h, &mut g[l.b1..l.b1 + h]);
            if let Some(Sklearn { alpha }) = self.sk {
                let c = alpha / nf;
                for (lo, len) in [(l.w1, 2 * h), (l.w2, h * h), (l.w3, h)] {
                    for k in lo..lo + len {
                        g[k] += c * w[k];
                    }
                }
            }
            loss
        }

        /// Hessian-vector product at `w` along `v` (plain BCE, no sklearn terms): backprop,
        /// then Pearlmutter's R-pass by hand.
        pub fn hvp(&mut self, w: &[f64], v: &[f64], out: &mut [f64]) {
            assert!(self.sk.is_none(), "hand HVP is for the plain W3 loss");
            // Forward and the backward quantities (dz3, dz2 in dh2, dz1 in dh1).
            let mut g = std::mem::take(&mut self.e);
            self.value_grad(w, &mut g);
            self.e = g;
            let (n, h, l) = (self.n, self.lay.h, self.lay);
            let nf = n as f64;
            // R{z1} = X V1 + c1; R{h1} = (1 − h1²) R{z1}
            for r in 0..n {
                self.rh1[r * h..(r + 1) * h].copy_from_slice(&v[l.b1..l.b1 + h]);
            }
            gemm(
                n,
                2,
                h,
                1.0,
                &self.data.x,
                false,
                &v[l.w1..],
                false,
                1.0,
                &mut self.rh1,
            );
            for (r, &a) in self.rh1.iter_mut().zip(&self.h1) {
                *r *= 1.0 - a * a;
            }
            // R{z2} = R{h1} W2 + h1 V2 + c2; R{h2} = (1 − h2²) R{z2}
            for r in 0..n {
                self.rh2[r * h..(r + 1) * h].copy_from_slice(&v[l.b2..l.b2 + h]);
            }
            gemm(
                n,
                h,
                h,
                1.0,
                &self.rh1,
                false,
                &w[l.w2..],
                false,
                1.0,
                &mut self.rh2,
            );
            gemm(
                n,
                h,
                h,
                1.0,
                &self.h1,
                false,
                &v[l.w2..],
                false,
                1.0,
                &mut self.rh2,
            );
            for (r, &a) in self.rh2.iter_mut().zip(&self.h2) {
                *r *= 1.0 - a * a;
            }
            // R{z3} = R{h2} W3 + h2 V3 + c3; R{dz3} = p(1 − p) R{z3} / N
            self.rdz3.iter_mut().for_each(|r| *r = v[l.b3]);
            gemm(
                n,
                h,
                1,
                1.0,
                &self.rh2,
                false,
                &w[l.w3..],
                false,
                1.0,
                &mut self.rdz3,
            );
            gemm(
                n,
                h,
                1,
                1.0,
                &self.h2,
                false,
                &v[l.w3..],
                false,
                1.0,
                &mut self.rdz3,
            );
            for (r, &p) in self.rdz3.iter_mut().zip(&self.p) {
                *r *= p * (1.0 - p) / nf;
            }
            // R{gW3} = R{h2}ᵀ dz3 + h2ᵀ R{dz3}; R{gb3} = Σ R{dz3}
            gemm(
                h,
                n,
                1,
                1.0,
                &self.rh2,
                true,
                &self.dz3,
                false,
                0.0,
                &mut out[l.w3..l.w3 + h],
            );
            gemm(
                h,
                n,
                1,
                1.0,
                &self.h2,
                true,
                &self.rdz3,
                false,
                1.0,
                &mut out[l.w3..l.w3 + h],
            );
            out[l.b3] = self.rdz3.iter().sum();
            // R{dh2} = R{dz3} W3ᵀ + dz3 V3ᵀ; R{dz2} = R{dh2}(1 − h2²) − 2 h2 R{h2} dh2ᵤₙ
            // where dh2ᵤₙ = dz2 / (1 − h2²) = dz3 W3ᵀ.
            gemm(
                n,
                1,
                h,
                1.0,
                &self.rdz3,
                false,
                &w[l.w3..],
                true,
                0.0,
                &mut self.rdh2,
            );
            gemm(
                n,
                1,
                h,
                1.0,
                &self.dz3,
                false,
                &v[l.w3..],
                true,
                1.0,
                &mut self.rdh2,
            );
            for r in 0..n {
                for j in 0..h {
                    let k = r * h + j;
                    let a = self.h2[k];
                    let du = self.dz3[r] * w[l.w3 + j];
                    self.rdh2[k] = self.rdh2[k] * (1.0 - a * a) - 2.0 * a * self.rh2[k] * du;
                }
            }
            // R{gW2} = R{h1}ᵀ dz2 + h1ᵀ R{dz2}; R{gb2} = Σ R{dz2}
            gemm(
                h,
                n,
                h,
                1.0,
                &self.rh1,
                true,
                &self.dh2,
                false,
                0.0,
                &mut out[l.w2..l.w2 + h * h],
            );
            gemm(
                h,
                n,
                h,
                1.0,
                &self.h1,
                true,
                &self.rdh2,
                false,
                1.0,
                &mut out[l.w2..l.w2 + h * h],
            );
            col_sums(&self.rdh2, h, &mut out[l.b2..l.b2 + h]);
            // R{dh1} = R{dz2} W2ᵀ + dz2 V2ᵀ; R{dz1} = R{dh1}(1 − h1²) − 2 h1 R{h1} dh1ᵤₙ,
            // with dh1ᵤₙ = dz2 W2ᵀ (recomputed into z1, free after the forward pass).
            gemm(
                n,
                h,
                h,
                1.0,
                &self.rdh2,
                false,
                &w[l.w2..],
                true,
                0.0,
                &mut self.rdh1,
            );
            gemm(
                n,
                h,
                h,
                1.0,
                &self.dh2,
                false,
                &v[l.w2..],
                true,
                1.0,
                &mut self.rdh1,
            );
            gemm(
                n,
                h,
                h,
                1.0,
                &self.dh2,
                false,
                &w[l.w2..],
                true,
                0.0,
                &mut self.z1,
            );
            for k in 0..n * h {
                let a = self.h1[k];
                self.rdh1[k] = self.rdh1[k] * (1.0 - a * a) - 2.0 * a * self.rh1[k] * self.z1[k];
            }
            // R{gW1} = Xᵀ R{dz1}; R{gb1} = Σ R{dz1}
            gemm(
                2,
                n,
                h,
                1.0,
                &self.data.x,
                true,
                &self.rdh1,
                false,
                0.0,
                &mut out[l.w1..l.w1 + 2 * h],
            );
            col_sums(&self.rdh1, h, &mut out[l.b1..l.b1 + h]);
        }

        /// Full Hessian: one hand HVP per unit vector, symmetrised.
        pub fn hessian(&mut self, w: &[f64], out: &mut [f64]) {
            let p = self.lay.len();
            let mut e = vec![0.0; p];
            for i in 0..p {
                e[i] = 1.0;
                self.hvp(w, &e, &mut out[i * p..(i + 1) * p]);
                e[i] = 0.0;
            }
            for i in 0..p {
                for j in 0..i {
                    let s = 0.5 * (out[i * p + j] + out[j * p + i]);
                    out[i * p + j] = s;
                    out[j * p + i] = s;
                }
            }
        }
    }

    fn col_sums(m: &[f64], cols: usize, out: &mut [f64]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        for row in m.chunks_exact(cols) {
            for (o, &v) in out.iter_mut().zip(row) {
                *o += v;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// W5: MATLAB's peaks, gradient descent.
// ---------------------------------------------------------------------------------------

pub mod w5 {
    use super::*;

    pub const LR: f64 = 0.01;

    /// `steps` gradient-descent steps at [`LR`] on the hand-written gradient.
    pub fn gd_hand(p: [f64; 2], steps: usize) -> [f64; 2] {
        let [mut x, mut y] = p;
        for _ in 0..steps {
            let (_, gx, gy) = hand_value_grad(x, y);
            x -= LR * gx;
            y -= LR * gy;
        }
        [x, y]
    }

    /// The same descent on the eager tape (`hesse_core::grad`).
    pub fn gd_eager(p: [f64; 2], steps: usize) -> [f64; 2] {
        let mut p = p;
        for _ in 0..steps {
            let g = hesse_core::grad(peaks, &p);
            p = [p[0] - LR * g[0], p[1] - LR * g[1]];
        }
        p
    }

    /// The same descent on a recording of [`peaks`], replayed.
    pub fn gd_recorded(rec: &mut hesse_core::RecordedFn, p: [f64; 2], steps: usize) -> [f64; 2] {
        let mut p = p;
        let mut g = [0.0; 2];
        for _ in 0..steps {
            rec.value_and_grad_to(&p, &mut g);
            p = [p[0] - LR * g[0], p[1] - LR * g[1]];
        }
        p
    }

    /// peaks(x, y) over scalar `Var`s.
    pub fn peaks<'t>(p: &[Var<'t>]) -> Var<'t> {
        peaks_xy(p[0], p[1])
    }

    /// peaks(x, y) elementwise, for scalar or same-shape vector `Var`s.
    pub fn peaks_xy<'t>(x: Var<'t>, y: Var<'t>) -> Var<'t> {
        3.0 * (1.0 - x).square() * (-x.square() - (y + 1.0).square()).exp()
            - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.square() - y.square()).exp()
            - (-(x + 1.0).square() - y.square()).exp() / 3.0
    }

    /// Σᵢ peaks(xᵢ, yᵢ) over a batch `w = [x₀ … x_{m−1}, y₀ … y_{m−1}]`: its gradient holds
    /// every point's own gradient, so one evaluation steps the whole grid (as `vmap` would).
    pub fn peaks_batch<'t>(w: Var<'t>) -> Var<'t> {
        let m = w.len() / 2;
        peaks_xy(w.slice(0, 0, m), w.slice(0, m, m)).sum()
    }

    /// The grid as one batch vector `[x…, y…]`.
    pub fn grid_batch() -> Vec<f64> {
        let g = grid();
        g.iter().map(|p| p[0]).chain(g.iter().map(|p| p[1])).collect()
    }

    /// A batch vector back into points.
    pub fn unbatch(w: &[f64]) -> Vec<[f64; 2]> {
        let m = w.len() / 2;
        (0..m).map(|i| [w[i], w[m + i]]).collect()
    }

    /// Hand-written value and gradient of peaks.
    #[inline]
    pub fn hand_value_grad(x: f64, y: f64) -> (f64, f64, f64) {
        let e1 = (-x * x - (y + 1.0) * (y + 1.0)).exp();
        let e2 = (-x * x - y * y).exp();
        let e3 = (-(x + 1.0) * (x + 1.0) - y * y).exp();
        let s = 1.0 - x;
        let q = x / 5.0 - x * x * x - y.powi(5);
        let f = 3.0 * s * s * e1 - 10.0 * q * e2 - e3 / 3.0;
        let ax = -6.0 * s * e1 - 6.0 * s * s * x * e1;
        let ay = -6.0 * s * s * (y + 1.0) * e1;
        let bx = 10.0 * (0.2 - 3.0 * x * x) * e2 - 20.0 * q * x * e2;
        let by = -50.0 * y.powi(4) * e2 - 20.0 * q * y * e2;
        let cx = -2.0 * (x + 1.0) * e3 / 3.0;
        let cy = -2.0 * y * e3 / 3.0;
        (f, ax - bx - cx, ay - by - cy)
    }

    /// The 25×25 grid of starts, `i*25 + j` is `(xs[i], xs[j])`.
    pub fn grid() -> Vec<[f64; 2]> {
        // numpy.linspace: i·step + start, the last point set to stop exactly.
        let step = 5.0 / 24.0;
        let xs: Vec<f64> = (0..25)
            .map(|i| if i == 24 { 2.5 } else { i as f64 * step + -2.5 })
            .collect();
        let mut out = Vec::with_capacity(625);
        for &a in &xs {
            for &b in &xs {
                out.push([a, b]);
            }
        }
        out
    }

    /// Distinct end points after rounding to 2 decimals (half to even, −0 folded into 0).
    pub fn distinct_rounded(points: &[[f64; 2]]) -> usize {
        let r = |v: f64| {
            let s = (v * 100.0).round_ties_even() / 100.0;
            if s == 0.0 { 0.0f64.to_bits() } else { s.to_bits() }
        };
        let set: std::collections::HashSet<(u64, u64)> = points.iter().map(|p| (r(p[0]), r(p[1]))).collect();
        set.len()
    }
}
