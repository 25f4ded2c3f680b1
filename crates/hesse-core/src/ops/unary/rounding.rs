//! Rounding to integers: floor, ceil, round, trunc. Each is piecewise constant, so its
//! derivative is **zero everywhere**, at the jumps too (the subgradient convention of
//! PyTorch and JAX, `torch.floor`'s gradient is 0); they are masks. Each is its own scalar
//! function (a call-out in every back-end): the results are exact in IEEE arithmetic, so every
//! back-end gives the same bits. NaN and ±inf stay.

use super::kind::{Domain, Unary};
use super::op::UnaryOp;
use crate::var::Var;

macro_rules! rounding {
    ($(#[$doc:meta])* $op:ident, $name:literal, $f:ident, $kinks:expr, $method_doc:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $op;

        impl UnaryOp for $op {
            const NAME: &'static str = $name;
            const SAMPLES: &'static [Self] = &[$op];
            fn domain(&self) -> Domain {
                Domain::All
            }
            fn kinks(&self) -> &'static [f64] {
                $kinks
            }
            fn is_mask(&self) -> bool {
                true
            }
            #[inline(always)]
            fn call(&self, x: f64) -> f64 {
                x.$f()
            }
            fn vjp<'t>(&self, _g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
                None
            }
        }

        impl<'t> Var<'t> {
            #[doc = $method_doc]
            ///
            /// ```
            #[doc = $example]
            /// ```
            pub fn $f(self) -> Var<'t> {
                self.apply(Unary::$op)
            }
        }
    };
}

rounding!(
    /// The largest integer ≤ x. Zero derivative (jumps at the integers).
    Floor, "floor", floor, &[-1.0, 0.0, 1.0],
    "The largest integer ≤ x, elementwise; zero derivative.",
    "let tape = hesse_core::Tape::new();\nassert_eq!(tape.vector(&[-1.5, 0.5, 2.0]).floor().to_vec(), vec![-2.0, 0.0, 2.0]);"
);
rounding!(
    /// The smallest integer ≥ x. Zero derivative (jumps at the integers).
    Ceil, "ceil", ceil, &[-1.0, 0.0, 1.0],
    "The smallest integer ≥ x, elementwise; zero derivative.",
    "let tape = hesse_core::Tape::new();\nassert_eq!(tape.vector(&[-1.5, 0.5, 2.0]).ceil().to_vec(), vec![-1.0, 1.0, 2.0]);"
);
rounding!(
    /// The nearest integer, halves away from zero (`f64::round`). Zero derivative (jumps at
    /// the half-integers).
    Round, "round", round, &[-0.5, 0.5, 1.5],
    "The nearest integer, halves away from zero, elementwise; zero derivative.",
    "let tape = hesse_core::Tape::new();\nassert_eq!(tape.vector(&[-1.5, 0.5, 2.4]).round().to_vec(), vec![-2.0, 1.0, 2.0]);"
);
rounding!(
    /// The integer part, toward zero. Zero derivative (jumps at the non-zero integers).
    Trunc, "trunc", trunc, &[-1.0, 1.0],
    "The integer part (toward zero), elementwise; zero derivative.",
    "let tape = hesse_core::Tape::new();\nassert_eq!(tape.vector(&[-1.5, 0.5, 2.4]).trunc().to_vec(), vec![-1.0, 0.0, 2.0]);"
);

/// `a % b = a − b·trunc(a/b)`, as `f64`'s `%` (the sign of `a`). ∂/∂a = 1, ∂/∂b = −trunc(a/b)
/// away from the jumps (where a/b is an integer).
///
/// ```
/// let g = hesse_core::grad(|x| x[0] % x[1], &[7.5, 2.0]);
/// assert_eq!(g, vec![1.0, -3.0]);
/// ```
impl<'t> std::ops::Rem<Var<'t>> for Var<'t> {
    type Output = Var<'t>;
    #[track_caller]
    fn rem(self, b: Var<'t>) -> Var<'t> {
        self - b * (self / b).trunc()
    }
}

/// `x % c` for a constant c (see `Var % Var`); ∂/∂x = 1.
impl<'t> std::ops::Rem<f64> for Var<'t> {
    type Output = Var<'t>;
    #[track_caller]
    fn rem(self, c: f64) -> Var<'t> {
        self - (self / c).trunc() * c
    }
}
