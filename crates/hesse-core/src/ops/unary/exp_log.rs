//! Exponentials and logarithms, and the logistic family built from them.

use super::kind::{Domain, Unary};
use super::lower::Lower;
use super::op::UnaryOp;
use crate::ops::exp;
use crate::var::Var;

/// `eˣ`. d/dx eˣ = eˣ (the rule reuses the output). Computed by hesse's own `exp`
/// (glibc's algorithm, vectorisable; `ops::exp`), a primitive of every back-end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exp;

impl UnaryOp for Exp {
    const NAME: &'static str = "exp";
    const SAMPLES: &'static [Self] = &[Exp];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.exp(x)
    }
    #[inline(always)]
    fn slice(&self, x: &[f64], out: &mut [f64]) {
        exp::exp_slice(x, out)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g * y)
    }
}

impl<'t> Var<'t> {
    /// `eˣ`, elementwise. d/dx eˣ = eˣ.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].exp(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn exp(self) -> Var<'t> {
        self.apply(Unary::Exp)
    }
}

/// Natural logarithm. d/dx ln x = 1/x. Domain x > 0; `ln 0 = -inf`, negative inputs give
/// NaN (IEEE).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ln;

impl UnaryOp for Ln {
    const NAME: &'static str = "ln";
    const SAMPLES: &'static [Self] = &[Ln];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.ln()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g / x)
    }
}

impl<'t> Var<'t> {
    /// Natural logarithm, elementwise. d/dx ln x = 1/x. Domain x > 0.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].ln(), &[4.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn ln(self) -> Var<'t> {
        self.apply(Unary::Ln)
    }
}

/// `ln(1 + x)`, accurate near 0. d/dx = 1/(1 + x). Domain x > −1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ln1p;

impl UnaryOp for Ln1p {
    const NAME: &'static str = "ln_1p";
    const SAMPLES: &'static [Self] = &[Ln1p];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::AboveMinusOne
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.ln_1p()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g / (x + 1.0))
    }
}

impl<'t> Var<'t> {
    /// `ln(1 + x)`, elementwise, accurate near 0. d/dx = 1/(1 + x). Domain x > −1.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].ln_1p(), &[1.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn ln_1p(self) -> Var<'t> {
        self.apply(Unary::Ln1p)
    }
}

/// `eˣ − 1`, accurate near 0 (where `exp(x) − 1` loses digits to cancellation).
/// d/dx = eˣ = y + 1 (the rule reuses the output). The op's own scalar function (`f64::exp_m1`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpM1;

impl UnaryOp for ExpM1 {
    const NAME: &'static str = "exp_m1";
    const SAMPLES: &'static [Self] = &[ExpM1];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::All
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.exp_m1()
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (y + 1.0))
    }
}

impl<'t> Var<'t> {
    /// `eˣ − 1`, elementwise, accurate near 0. d/dx = eˣ.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.var(1e-10).exp_m1().value(), 1e-10f64.exp_m1());
    /// assert_eq!(hesse_core::grad(|x| x[0].exp_m1(), &[0.0]), [1.0]);
    /// ```
    pub fn exp_m1(self) -> Var<'t> {
        self.apply(Unary::ExpM1)
    }
}

/// Square root, correctly rounded. d/dx √x = 1/(2√x) (the rule reuses the output). Domain
/// x ≥ 0 (derivative +inf at 0; NaN below).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sqrt;

impl UnaryOp for Sqrt {
    const NAME: &'static str = "sqrt";
    const SAMPLES: &'static [Self] = &[Sqrt];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::Positive
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.sqrt(x)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g / (y * 2.0))
    }
}

impl<'t> Var<'t> {
    /// Square root, elementwise. d/dx √x = 1/(2√x). Domain x ≥ 0.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sqrt(), &[4.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn sqrt(self) -> Var<'t> {
        self.apply(Unary::Sqrt)
    }
}

/// Logistic sigmoid σ(x) = 1/(1 + e⁻ˣ). d/dx σ = σ(1 − σ) (the rule reuses the output).
/// As written, accurate in relative terms everywhere, and exactly 0 or 1 (never NaN) where
/// e⁻ˣ overflows or underflows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sigmoid;

impl UnaryOp for Sigmoid {
    const NAME: &'static str = "sigmoid";
    const SAMPLES: &'static [Self] = &[Sigmoid];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let (one, n) = (l.konst(1.0), l.neg(x));
        let e = l.exp(n);
        let d = l.add(one, e);
        l.div(one, d)
    }
    /// The same operations, with the exponentials a block at a time by the vectorised `exp`.
    #[inline(always)]
    fn slice(&self, x: &[f64], out: &mut [f64]) {
        const BLOCK: usize = 64;
        let mut neg = [0.0f64; BLOCK];
        for (xs, os) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
            let n = &mut neg[..xs.len()];
            n.iter_mut().zip(xs).for_each(|(n, &x)| *n = -x);
            exp::exp_slice(n, os);
            os.iter_mut().for_each(|o| *o = 1.0 / (1.0 + *o));
        }
    }
    /// `g·(y·(1 − y))`: an arithmetic shape the replay's peephole pass fuses (`exec::fast`'s
    /// `SigGrad`, which matches multiplications and `1 − y`, not this op); its test
    /// `fused_replays_are_the_eager_results_bit_for_bit` fails if a sigmoid network's rule
    /// stops producing the shape.
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (y * (1.0 - y)))
    }
}

impl<'t> Var<'t> {
    /// Logistic sigmoid σ(x) = 1/(1 + e⁻ˣ), elementwise. d/dx σ = σ(1 − σ). Saturates to
    /// exactly 0 or 1.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sigmoid(), &[0.0]);
    /// assert_eq!(g, [0.25]);
    /// ```
    pub fn sigmoid(self) -> Var<'t> {
        self.apply(Unary::Sigmoid)
    }
}

/// Softplus ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so it never overflows.
/// d/dx = σ(x).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Softplus;

impl UnaryOp for Softplus {
    const NAME: &'static str = "softplus";
    const SAMPLES: &'static [Self] = &[Softplus];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.max(0.0) + exp::exp(-x.abs()).ln_1p()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * x.sigmoid())
    }
}

impl<'t> Var<'t> {
    /// Softplus ln(1 + eˣ), elementwise, never overflowing. d/dx = σ(x).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].softplus(), &[0.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn softplus(self) -> Var<'t> {
        self.apply(Unary::Softplus)
    }
}

/// ln σ(x) = −softplus(−x), computed as min(x, 0) − ln(1 + e^−|x|), stable for large |x|.
/// d/dx = σ(−x) = 1 − σ(x).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogSigmoid;

impl UnaryOp for LogSigmoid {
    const NAME: &'static str = "log_sigmoid";
    const SAMPLES: &'static [Self] = &[LogSigmoid];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.min(0.0) - exp::exp(-x.abs()).ln_1p()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (-x).sigmoid())
    }
}

impl<'t> Var<'t> {
    /// ln σ(x), elementwise, stable for large |x|. d/dx = σ(−x).
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert!((tape.var(-800.0).log_sigmoid().value() + 800.0).abs() < 1e-12);
    /// ```
    pub fn log_sigmoid(self) -> Var<'t> {
        self.apply(Unary::LogSigmoid)
    }
}
