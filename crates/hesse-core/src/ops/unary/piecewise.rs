//! Piecewise ops: their kinks follow PyTorch's written conventions, and their rules multiply
//! by a mask ([`Step`], [`Sign`]) whose own derivative is zero, so they differentiate twice.

use super::kind::{Domain, Unary};
use super::lower::{Cmp, Lower};
use super::op::UnaryOp;
use crate::var::Var;

/// Rectified linear unit max(x, 0). d/dx = 1 for x > 0 and 0 for x ≤ 0: **relu'(0) = 0**
/// (PyTorch's convention). NaN stays NaN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Relu;

impl UnaryOp for Relu {
    const NAME: &'static str = "relu";
    const SAMPLES: &'static [Self] = &[Relu];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    /// `x ≤ 0 ? 0 : x` (NaN is not ≤ 0, so it stays).
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let zero = l.konst(0.0);
        l.select(Cmp::Le, x, zero, zero, x)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * x.step())
    }
}

impl<'t> Var<'t> {
    /// Rectified linear unit max(x, 0), elementwise, with **relu'(0) = 0**.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].relu(), &[0.0]), [0.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].relu(), &[2.0]), [1.0]);
    /// ```
    pub fn relu(self) -> Var<'t> {
        self.apply(Unary::Relu)
    }
}

/// Absolute value (clears the sign bit). d/dx |x| = sign(x), with **|x|'(0) = 0**.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Abs;

impl UnaryOp for Abs {
    const NAME: &'static str = "abs";
    const SAMPLES: &'static [Self] = &[Abs];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.abs(x)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * x.sign())
    }
}

impl<'t> Var<'t> {
    /// Absolute value, elementwise, with **|x|'(0) = 0**.
    ///
    /// ```
    /// assert_eq!(hesse_core::grad(|x| x[0].abs(), &[0.0]), [0.0]);
    /// assert_eq!(hesse_core::grad(|x| x[0].abs(), &[-3.0]), [-1.0]);
    /// ```
    pub fn abs(self) -> Var<'t> {
        self.apply(Unary::Abs)
    }
}

/// Heaviside step: 1 for x > 0, 0 for x ≤ 0, NaN stays NaN. Its derivative is zero
/// everywhere (the jump at 0 is not a distribution here): it is the mask piecewise ops use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step;

impl UnaryOp for Step {
    const NAME: &'static str = "step";
    const SAMPLES: &'static [Self] = &[Step];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn is_mask(&self) -> bool {
        true
    }
    /// `x ≤ 0 ? 0 : (x > 0 ? 1 : x)`: the last case is NaN.
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let (zero, one) = (l.konst(0.0), l.konst(1.0));
        let pos = l.select(Cmp::Gt, x, zero, one, x);
        l.select(Cmp::Le, x, zero, zero, pos)
    }
    fn vjp<'t>(&self, _g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        None
    }
}

impl<'t> Var<'t> {
    /// Heaviside step, elementwise: 1 for x > 0, 0 for x ≤ 0. Zero derivative.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.vector(&[-1.0, 0.0, 2.0]).step().to_vec(), vec![0.0, 0.0, 1.0]);
    /// ```
    pub fn step(self) -> Var<'t> {
        self.apply(Unary::Step)
    }
}

/// Sign: −1, 0 or 1, with **sign(0) = 0** (unlike `f64::signum`); NaN stays NaN. Zero
/// derivative (a mask).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sign;

impl UnaryOp for Sign {
    const NAME: &'static str = "sign";
    const SAMPLES: &'static [Self] = &[Sign];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[0.0]
    }
    fn is_mask(&self) -> bool {
        true
    }
    /// `x > 0 ? 1 : (x < 0 ? −1 : x·0)`: `x·0` is ±0 for ±0 and NaN for NaN.
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        let (zero, one, minus) = (l.konst(0.0), l.konst(1.0), l.konst(-1.0));
        let rest = l.mul(x, zero);
        let neg = l.select(Cmp::Lt, x, zero, minus, rest);
        l.select(Cmp::Gt, x, zero, one, neg)
    }
    fn vjp<'t>(&self, _g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        None
    }
}

impl<'t> Var<'t> {
    /// Sign, elementwise: −1, 0 or 1, with **sign(0) = 0**. Zero derivative.
    ///
    /// ```
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.vector(&[-2.0, 0.0, 2.0]).sign().to_vec(), vec![-1.0, 0.0, 1.0]);
    /// ```
    pub fn sign(self) -> Var<'t> {
        self.apply(Unary::Sign)
    }
}
