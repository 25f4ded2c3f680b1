//! The user losses of `examples/user_losses` (issue 18) against num-dual's forward-mode
//! second-order duals: value, gradient and Hessian within 1e-12, relative to the largest
//! entry of each. The generic Lennard-Jones body runs unchanged on f64, on hesse's tape and on
//! num-dual (through `Nd`, a `Float` view of num-dual's duals, which implement num-dual's own
//! `DualNum` trait rather than `num_traits::Float`).

#[path = "../examples/user_losses/losses.rs"]
#[allow(dead_code)]
mod losses;

use std::cmp::Ordering;
use std::num::FpCategory;
use std::ops::{Add, Div, Mul, Neg, Rem, Sub};

use hesse::{hessian, value_and_grad};
use losses::{Classification, LAMBDA, gaussian_nll, lennard_jones, logistic_l2};
use nalgebra::SVector;
use num_dual::{Dual2SVec64, DualNum};
use num_traits::{Float, Num, NumCast, One, Signed, ToPrimitive, Zero};

/// num-dual's value, gradient and Hessian of `f` at `x`, as plain vectors.
fn num_dual_derivatives<const N: usize>(
    f: impl FnOnce(SVector<Dual2SVec64<N>, N>) -> Dual2SVec64<N>,
    x: &[f64],
) -> (f64, Vec<f64>, Vec<f64>) {
    let (v, g, h) = num_dual::hessian(f, SVector::<f64, N>::from_column_slice(x));
    let h: Vec<f64> = (0..N)
        .flat_map(|i| (0..N).map(move |j| (i, j)))
        .map(|(i, j)| h[(i, j)])
        .collect();
    (v, g.iter().copied().collect(), h)
}

/// hesse's value, gradient and Hessian (row-major).
fn hesse_derivatives(f: impl hesse::LossFn + Copy, x: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
    let (v, g) = value_and_grad(f, x);
    (v, g, hessian(f, x).into_vec())
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    let scale = want.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-12 * scale,
            "{what}[{k}]: hesse {a:e}, num-dual {b:e}"
        );
    }
}

fn compare(name: &str, ours: (f64, Vec<f64>, Vec<f64>), theirs: (f64, Vec<f64>, Vec<f64>)) {
    assert_close(&format!("{name} value"), &[ours.0], &[theirs.0]);
    assert_close(&format!("{name} gradient"), &ours.1, &theirs.1);
    assert_close(&format!("{name} Hessian"), &ours.2, &theirs.2);
}

#[test]
fn logistic_regression_matches_num_dual() {
    let data = Classification::generate(200, 7);
    let p = [0.3, -0.8, 0.1, 0.05, 0.4, 0.2];
    let ours = hesse_derivatives(|p| logistic_l2(p, &data), &p);
    // An independent transcription on num-dual's duals.
    let theirs = num_dual_derivatives::<6>(
        |p| {
            let n = data.y.len() as f64;
            let mut loss = Dual2SVec64::<6>::zero();
            for (xi, &yi) in data.x.iter().zip(&data.y) {
                let mut z = p[5];
                for j in 0..5 {
                    z += p[j] * xi[j];
                }
                loss += (-z * yi).exp().ln_1p();
            }
            let mut reg = Dual2SVec64::<6>::zero();
            for j in 0..5 {
                reg += p[j] * p[j];
            }
            loss / n + reg * (0.5 * LAMBDA)
        },
        &p,
    );
    compare("logistic", ours, theirs);
}

#[test]
fn gaussian_nll_matches_num_dual() {
    let data = [2.1, 1.7, 2.9, 2.4, 1.2, 2.2, 3.1, 2.6];
    let p = [1.9, -0.3];
    let ours = hesse_derivatives(|p| gaussian_nll(p, &data), &p);
    let theirs = num_dual_derivatives::<2>(
        |p| {
            let n = data.len() as f64;
            let mut sq = Dual2SVec64::<2>::zero();
            for &d in &data {
                sq += (p[0] - d).powi(2);
            }
            p[1] * n + 0.5 * n * std::f64::consts::TAU.ln() + sq * 0.5 / (p[1] * 2.0).exp()
        },
        &p,
    );
    compare("Gaussian NLL", ours, theirs);
}

#[test]
fn one_generic_body_on_f64_hesse_and_num_dual() {
    let atoms = [0.0, 0.0, 0.0, 1.15, 0.05, 0.0, 0.5, 1.0, 0.1];
    let ours = hesse_derivatives(|x| lennard_jones(x), &atoms);
    assert!((ours.0 - lennard_jones(&atoms)).abs() <= 1e-15 * ours.0.abs());
    let theirs = num_dual_derivatives::<9>(
        |x| {
            let x: Vec<Nd<9>> = x.iter().map(|&d| Nd(d)).collect();
            lennard_jones(&x).0
        },
        &atoms,
    );
    compare("Lennard-Jones", ours, theirs);
}

/// num-dual's second-order dual seen as a `num_traits::Float`: test scaffolding that lets the
/// generic body run unchanged on num-dual. Every function delegates to num-dual's own.
#[derive(Clone, Copy, Debug)]
struct Nd<const N: usize>(Dual2SVec64<N>);

impl<const N: usize> Nd<N> {
    fn c(v: f64) -> Self {
        Nd(Dual2SVec64::<N>::from(v))
    }
    fn re(&self) -> f64 {
        self.0.re
    }
}

impl<const N: usize> PartialEq for Nd<N> {
    fn eq(&self, o: &Self) -> bool {
        self.re() == o.re()
    }
}
impl<const N: usize> PartialOrd for Nd<N> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        self.re().partial_cmp(&o.re())
    }
}
impl<const N: usize> Neg for Nd<N> {
    type Output = Self;
    fn neg(self) -> Self {
        Nd(-self.0)
    }
}
macro_rules! nd_ops {
    ($($tr:ident $m:ident),*) => {$(
        impl<const N: usize> $tr for Nd<N> {
            type Output = Self;
            fn $m(self, o: Self) -> Self {
                Nd(self.0.$m(o.0))
            }
        }
    )*};
}
nd_ops!(Add add, Sub sub, Mul mul, Div div, Rem rem);
impl<const N: usize> Zero for Nd<N> {
    fn zero() -> Self {
        Nd::c(0.0)
    }
    fn is_zero(&self) -> bool {
        self.re() == 0.0
    }
}
impl<const N: usize> One for Nd<N> {
    fn one() -> Self {
        Nd::c(1.0)
    }
}
impl<const N: usize> Num for Nd<N> {
    type FromStrRadixErr = num_traits::ParseFloatError;
    fn from_str_radix(s: &str, r: u32) -> Result<Self, Self::FromStrRadixErr> {
        f64::from_str_radix(s, r).map(Nd::c)
    }
}
impl<const N: usize> ToPrimitive for Nd<N> {
    fn to_i64(&self) -> Option<i64> {
        self.re().to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.re().to_u64()
    }
    fn to_f64(&self) -> Option<f64> {
        Some(self.re())
    }
}
impl<const N: usize> NumCast for Nd<N> {
    fn from<T: ToPrimitive>(n: T) -> Option<Self> {
        n.to_f64().map(Nd::c)
    }
}
macro_rules! delegate {
    ($($m:ident),*) => {$(fn $m(self) -> Self { Nd(DualNum::$m(&self.0)) })*};
}
macro_rules! constant {
    ($($m:ident = $v:expr),*) => {$(fn $m() -> Self { Nd::c($v) })*};
}
macro_rules! on_re {
    ($($m:ident),*) => {$(fn $m(self) -> bool { self.re().$m() })*};
}
macro_rules! rounded {
    ($($m:ident),*) => {$(fn $m(self) -> Self { Nd::c(self.re().$m()) })*};
}
impl<const N: usize> Float for Nd<N> {
    constant!(
        nan = f64::NAN,
        infinity = f64::INFINITY,
        neg_infinity = f64::NEG_INFINITY,
        neg_zero = -0.0,
        min_value = f64::MIN,
        min_positive_value = f64::MIN_POSITIVE,
        max_value = f64::MAX
    );
    on_re!(
        is_nan,
        is_infinite,
        is_finite,
        is_normal,
        is_sign_positive,
        is_sign_negative
    );
    rounded!(floor, ceil, round, trunc);
    delegate!(
        recip, sqrt, cbrt, exp, exp2, exp_m1, ln, log2, log10, ln_1p, sin, cos, tan, asin, acos, atan, sinh,
        cosh, tanh, asinh, acosh, atanh
    );
    fn classify(self) -> FpCategory {
        self.re().classify()
    }
    fn fract(self) -> Self {
        self - self.trunc()
    }
    fn abs(self) -> Self {
        Nd(Signed::abs(&self.0))
    }
    fn signum(self) -> Self {
        Nd(Signed::signum(&self.0))
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    fn powi(self, n: i32) -> Self {
        Nd(DualNum::powi(&self.0, n))
    }
    fn powf(self, n: Self) -> Self {
        Nd(DualNum::powd(&self.0, n.0))
    }
    fn log(self, base: Self) -> Self {
        self.ln() / base.ln()
    }
    fn max(self, o: Self) -> Self {
        if self.re() >= o.re() { self } else { o }
    }
    fn min(self, o: Self) -> Self {
        if self.re() <= o.re() { self } else { o }
    }
    fn abs_sub(self, o: Self) -> Self {
        (self - o).max(Nd::c(0.0))
    }
    fn hypot(self, o: Self) -> Self {
        (self * self + o * o).sqrt()
    }
    fn atan2(self, o: Self) -> Self {
        Nd(DualNum::atan2(&self.0, o.0))
    }
    fn sin_cos(self) -> (Self, Self) {
        (self.sin(), self.cos())
    }
    fn integer_decode(self) -> (u64, i16, i8) {
        self.re().integer_decode()
    }
}
