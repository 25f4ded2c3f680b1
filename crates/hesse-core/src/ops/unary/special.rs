//! Special functions.

use super::kind::{Domain, Unary};
use super::op::UnaryOp;
use crate::var::Var;

/// The error function erf x = 2/√π ∫₀ˣ e^(−t²) dt, by the `libm` crate (a port of musl's,
/// within 1 ulp). d/dx erf x = 2/√π · e^(−x²); smooth everywhere, erf(±∞) = ±1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Erf;

impl UnaryOp for Erf {
    const NAME: &'static str = "erf";
    const SAMPLES: &'static [Self] = &[Erf];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        libm::erf(x)
    }
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        Some(g * (-x.square()).exp() * std::f64::consts::FRAC_2_SQRT_PI)
    }
}

impl<'t> Var<'t> {
    /// The error function, elementwise. d/dx erf x = 2/√π · e^(−x²).
    ///
    /// ```
    /// let g = hesse_core::grad(|x| x[0].erf(), &[0.0]);
    /// assert_eq!(g, [std::f64::consts::FRAC_2_SQRT_PI]);
    /// let tape = hesse_core::Tape::new();
    /// assert!((tape.var(0.5).erf().value() - 0.520_499_877_813_046_5).abs() < 1e-16);
    /// ```
    pub fn erf(self) -> Var<'t> {
        self.apply(Unary::Erf)
    }
}
