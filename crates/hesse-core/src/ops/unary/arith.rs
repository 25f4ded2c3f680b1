//! Arithmetic ops of one input: negation, square, reciprocal, powers, and the ops with a
//! constant operand (`x + c`, `c − x`, `x · c`, `x / c`, `c / x`) that `Var ⊕ f64` records.

use super::kind::{Domain, Unary};
use super::lower::Lower;
use super::op::UnaryOp;
use crate::var::Var;

/// `−x`. d/dx (−x) = −1. Flips the sign bit (NaN stays NaN).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neg;

impl UnaryOp for Neg {
    const NAME: &'static str = "neg";
    const SAMPLES: &'static [Self] = &[Neg];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.neg(x)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(-g)
    }
}

impl<'t> std::ops::Neg for Var<'t> {
    type Output = Var<'t>;
    /// Negation. d/dx (−x) = −1.
    fn neg(self) -> Var<'t> {
        self.apply(Unary::Neg)
    }
}

/// `x²`. d/dx = 2x. Computed as `x · x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Square;

impl UnaryOp for Square {
    const NAME: &'static str = "square";
    const SAMPLES: &'static [Self] = &[Square];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.mul(x, x)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * x * 2.0)
    }
}

impl<'t> Var<'t> {
    /// x², elementwise. d/dx = 2x.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].square(), &[3.0]), [6.0]);
    /// ```
    pub fn square(self) -> Var<'t> {
        self.apply(Unary::Square)
    }
}

/// `1/x`. d/dx = −1/x² (the rule reuses the output: −g·y²). Domain x ≠ 0; `recip(0) = inf`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recip;

impl UnaryOp for Recip {
    const NAME: &'static str = "recip";
    const SAMPLES: &'static [Self] = &[Recip];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::NonZero
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let one = l.konst(1.0);
        l.div(one, x)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(-(g * y.square()))
    }
}

impl<'t> Var<'t> {
    /// 1/x, elementwise. d/dx = −1/x². `recip(0) = inf`.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].recip(), &[2.0]), [-0.25]);
    /// ```
    pub fn recip(self) -> Var<'t> {
        self.apply(Unary::Recip)
    }
}

/// `xⁿ` for an integer n. d/dx = n xⁿ⁻¹ (zero for n = 0). Negative n needs x ≠ 0. Every
/// `i32` is allowed, `i32::MIN` included.
///
/// The value is `f64::powi`'s, bit for bit (compiler-rt's `__powidf2`, also LLVM's expansion
/// for a constant n): square and multiply over the bits of |n| from the lowest, then `1/r`
/// for n < 0. Written once, as the lowering, so every back-end unrolls the same products.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Powi(pub i32);

impl UnaryOp for Powi {
    const NAME: &'static str = "powi";
    const SAMPLES: &'static [Self] = &[Powi(3), Powi(-2)];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        if self.0 < 0 { Domain::NonZero } else { Domain::All }
    }
    /// `r = 1; for each bit of |n| { if set: r ·= a; a ·= a }; n < 0 ? 1/r : r`, with the
    /// first `1 · a` omitted (it is `a`, bit for bit, for every value arithmetic produces).
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let n = self.0;
        let mut bits = n.unsigned_abs();
        let (mut a, mut r) = (x, None);
        loop {
            if bits & 1 == 1 {
                r = Some(match r {
                    None => a,
                    Some(r) => l.mul(r, a),
                });
            }
            bits >>= 1;
            if bits == 0 {
                break;
            }
            a = l.mul(a, a);
        }
        let r = match r {
            Some(r) => r,
            None => l.konst(1.0),
        };
        if n < 0 {
            let one = l.konst(1.0);
            l.div(one, r)
        } else {
            r
        }
    }
    /// The same products a block of elements at a time: with a run-time n the per-element
    /// loop over the bits does not vectorise; here each step is a loop over 64 values.
    #[inline(always)]
    fn slice(&self, x: &[f64], out: &mut [f64]) {
        const BLOCK: usize = 64;
        let n = self.0;
        let mut pow = [0.0f64; BLOCK];
        for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
            let a = &mut pow[..xs.len()];
            a.copy_from_slice(xs);
            os.fill(1.0);
            let mut b = n;
            loop {
                if b & 1 != 0 {
                    os.iter_mut().zip(a.iter()).for_each(|(o, &a)| *o *= a);
                }
                b /= 2;
                if b == 0 {
                    break;
                }
                a.iter_mut().for_each(|a| *a *= *a);
            }
            if n < 0 {
                os.iter_mut().for_each(|o| *o = 1.0 / *o);
            }
        }
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(match self.0 {
            0 => return None,
            1 => g,
            // n − 1 would overflow: n xⁿ⁻¹ = n xⁿ / x
            i32::MIN => g * x.powi(i32::MIN) / x * f64::from(i32::MIN),
            n => g * x.powi(n - 1) * f64::from(n),
        })
    }
}

impl<'t> Var<'t> {
    /// Integer power xⁿ, elementwise. d/dx = n xⁿ⁻¹ (zero for n = 0). Negative n needs
    /// x ≠ 0. Every `i32` is allowed, `i32::MIN` included.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].powi(3), &[2.0]), [12.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].powi(i32::MIN), &[-1.0]), [2147483648.0]);
    /// ```
    pub fn powi(self, n: i32) -> Var<'t> {
        self.apply(Unary::Powi(n))
    }
}

/// `xᶜ` for a real c (`f64::powf`). d/dx = c xᶜ⁻¹ (zero for c = 0). Domain x > 0 for
/// non-integer c (NaN below).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Powf(pub f64);

impl UnaryOp for Powf {
    const NAME: &'static str = "powf";
    const SAMPLES: &'static [Self] = &[Powf(1.5), Powf(-0.5)];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.powf(self.0)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        match self.0 {
            0.0 => None,
            c => Some(g * x.powf(c - 1.0) * c),
        }
    }
}

impl<'t> Var<'t> {
    /// Real power xᶜ, elementwise. d/dx = c xᶜ⁻¹. Domain x > 0 for non-integer c (NaN
    /// below, as `f64::powf`).
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].powf(0.5), &[4.0]), [0.25]);
    /// ```
    pub fn powf(self, c: f64) -> Var<'t> {
        self.apply(Unary::Powf(c))
    }
}

/// `x + c`. d/dx = 1. (`x − c` records `x + (−c)`, the same IEEE result.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AddScalar(pub f64);

impl UnaryOp for AddScalar {
    const NAME: &'static str = "add_scalar";
    const SAMPLES: &'static [Self] = &[AddScalar(2.5)];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let c = l.konst(self.0);
        l.add(x, c)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g)
    }
}

/// `c − x`. d/dx = −1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RSubScalar(pub f64);

impl UnaryOp for RSubScalar {
    const NAME: &'static str = "rsub_scalar";
    const SAMPLES: &'static [Self] = &[RSubScalar(2.5)];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let c = l.konst(self.0);
        l.sub(c, x)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(-g)
    }
}

/// `x · c`. d/dx = c.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MulScalar(pub f64);

impl UnaryOp for MulScalar {
    const NAME: &'static str = "mul_scalar";
    const SAMPLES: &'static [Self] = &[MulScalar(-1.5)];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let c = l.konst(self.0);
        l.mul(x, c)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * self.0)
    }
}

/// `x / c`. d/dx = 1/c.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DivScalar(pub f64);

impl UnaryOp for DivScalar {
    const NAME: &'static str = "div_scalar";
    const SAMPLES: &'static [Self] = &[DivScalar(4.0)];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let c = l.konst(self.0);
        l.div(x, c)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g / self.0)
    }
}

/// `c / x`. d/dx = −c/x² (the rule reuses the output: −g·y/x). Domain x ≠ 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RDivScalar(pub f64);

impl UnaryOp for RDivScalar {
    const NAME: &'static str = "rdiv_scalar";
    const SAMPLES: &'static [Self] = &[RDivScalar(3.0)];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::NonZero
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let c = l.konst(self.0);
        l.div(c, x)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(-(g * y / x))
    }
}

macro_rules! scalar_rhs {
    ($tr:ident, $m:ident, $variant:ident) => {
        impl<'t> std::ops::$tr<f64> for Var<'t> {
            type Output = Var<'t>;
            fn $m(self, c: f64) -> Var<'t> {
                self.apply(Unary::$variant(c))
            }
        }
    };
}
scalar_rhs!(Add, add, AddScalar);
scalar_rhs!(Mul, mul, MulScalar);
scalar_rhs!(Div, div, DivScalar);

impl<'t> std::ops::Sub<f64> for Var<'t> {
    type Output = Var<'t>;
    fn sub(self, c: f64) -> Var<'t> {
        // x + (−c) is exactly x − c in IEEE arithmetic.
        self.apply(Unary::AddScalar(-c))
    }
}

macro_rules! scalar_lhs {
    ($tr:ident, $m:ident, $variant:ident) => {
        impl<'t> std::ops::$tr<Var<'t>> for f64 {
            type Output = Var<'t>;
            fn $m(self, x: Var<'t>) -> Var<'t> {
                x.apply(Unary::$variant(self))
            }
        }
    };
}
scalar_lhs!(Add, add, AddScalar);
scalar_lhs!(Sub, sub, RSubScalar);
scalar_lhs!(Mul, mul, MulScalar);
scalar_lhs!(Div, div, RDivScalar);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powi_is_f64_powi_bit_for_bit() {
        let mut x: Vec<f64> = (0..997).map(|i| (i as f64 * 0.731).sin() * 3.0).collect();
        x.extend([
            0.0,
            -0.0,
            1e-300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 3.0,
        ]);
        let ns = [
            -13,
            -5,
            -2,
            -1,
            0,
            1,
            2,
            3,
            5,
            7,
            31,
            1000,
            -1000,
            i32::MAX,
            i32::MIN,
        ];
        for n in ns {
            let n = std::hint::black_box(n);
            let mut out = vec![0.0; x.len()];
            Powi(n).slice(&x, &mut out);
            for (&xi, &o) in x.iter().zip(&out) {
                let want = xi.powi(n);
                assert_eq!(o.to_bits(), want.to_bits(), "slice {xi:e}^{n}: {o:e} vs {want:e}");
                let s = Powi(n).call(xi);
                assert_eq!(
                    s.to_bits(),
                    want.to_bits(),
                    "lowering {xi:e}^{n}: {s:e} vs {want:e}"
                );
            }
        }
        let mut out = [0.0];
        Powi(3).slice(&[f64::NAN], &mut out);
        assert!(out[0].is_nan());
    }
}
