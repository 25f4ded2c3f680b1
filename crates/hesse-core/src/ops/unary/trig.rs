//! Trigonometric and hyperbolic functions and their inverses.

use super::kind::{Domain, Unary};
use super::op::UnaryOp;
use crate::var::Var;

/// Sine. d/dx sin x = cos x.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sin;

impl UnaryOp for Sin {
    const NAME: &'static str = "sin";
    const SAMPLES: &'static [Self] = &[Sin];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.sin()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * x.cos())
    }
}

impl<'t> Var<'t> {
    /// Sine, elementwise. d/dx sin x = cos x.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].sin(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn sin(self) -> Var<'t> {
        self.apply(Unary::Sin)
    }
}

/// Cosine. d/dx cos x = −sin x.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cos;

impl UnaryOp for Cos {
    const NAME: &'static str = "cos";
    const SAMPLES: &'static [Self] = &[Cos];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.cos()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(-(g * x.sin()))
    }
}

impl<'t> Var<'t> {
    /// Cosine, elementwise. d/dx cos x = −sin x.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].cos(), &[0.0]);
    /// assert_eq!(g, [-0.0]);
    /// ```
    pub fn cos(self) -> Var<'t> {
        self.apply(Unary::Cos)
    }
}

/// Tangent. d/dx tan x = 1 + tan² x (the rule reuses the output). Poles at π/2 + kπ; the
/// registry sweep samples |x| < π/2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tan;

impl UnaryOp for Tan {
    const NAME: &'static str = "tan";
    const SAMPLES: &'static [Self] = &[Tan];
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn domain(&self) -> Domain {
        Domain::HalfPeriod
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.tan()
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (y.square() + 1.0))
    }
}

impl<'t> Var<'t> {
    /// Tangent, elementwise. d/dx tan x = 1 + tan² x. Poles at π/2 + kπ.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].tan(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn tan(self) -> Var<'t> {
        self.apply(Unary::Tan)
    }
}

/// Hyperbolic tangent. d/dx tanh x = 1 − tanh² x (the rule reuses the output); smooth
/// everywhere. By hesse's own vectorisable kernel, within 1.5 ulp (`ops::tanh`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tanh;

impl UnaryOp for Tanh {
    const NAME: &'static str = "tanh";
    const SAMPLES: &'static [Self] = &[Tanh];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        crate::ops::tanh::tanh(x)
    }
    #[inline(always)]
    fn slice(&self, x: &[f64], out: &mut [f64]) {
        crate::ops::tanh::tanh_slice(x, out)
    }
    fn vjp<'t>(&self, g: Var<'t>, _x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (1.0 - y.square()))
    }
}

impl<'t> Var<'t> {
    /// Hyperbolic tangent, elementwise. d/dx tanh x = 1 − tanh² x.
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].tanh(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn tanh(self) -> Var<'t> {
        self.apply(Unary::Tanh)
    }
}

/// Inverse tangent (`f64::atan`), with values in (−π/2, π/2). d/dx atan x = 1/(1 + x²);
/// smooth everywhere.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Atan;

impl UnaryOp for Atan {
    const NAME: &'static str = "atan";
    const SAMPLES: &'static [Self] = &[Atan];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.atan()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g / (x.square() + 1.0))
    }
}

impl<'t> Var<'t> {
    /// Inverse tangent, elementwise. d/dx atan x = 1/(1 + x²).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].atan(), &[1.0]);
    /// assert_eq!(g, [0.5]);
    /// let tape = hesse_core::Tape::new();
    /// assert_eq!(tape.var(1.0).atan().value(), std::f64::consts::FRAC_PI_4);
    /// ```
    pub fn atan(self) -> Var<'t> {
        self.apply(Unary::Atan)
    }
}

/// Inverse hyperbolic sine (`f64::asinh`), ln(x + √(x² + 1)). d/dx asinh x = 1/√(x² + 1);
/// smooth everywhere.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Asinh;

impl UnaryOp for Asinh {
    const NAME: &'static str = "asinh";
    const SAMPLES: &'static [Self] = &[Asinh];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        x.asinh()
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g / (x.square() + 1.0).sqrt())
    }
}

impl<'t> Var<'t> {
    /// Inverse hyperbolic sine, elementwise. d/dx asinh x = 1/√(x² + 1).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].asinh(), &[0.0]);
    /// assert_eq!(g, [1.0]);
    /// ```
    pub fn asinh(self) -> Var<'t> {
        self.apply(Unary::Asinh)
    }
}
