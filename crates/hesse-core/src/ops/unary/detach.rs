//! `stop_gradient` (PyTorch's `detach`, JAX's `lax.stop_gradient`): the value passes through,
//! the derivative does not. Its rule is **zero by definition**, not the slope of its value
//! (which is 1), so finite differences do not apply to it: the op sweep checks it against
//! this definition, and interval certificates refuse it (a critical point of a loss with a
//! stopped path is not one of the loss's value).
//!
//! It is a node like any other op — not a constant — so a recording replays it: at a new
//! point its value is the new input's, and only the derivatives through it are cut.

use super::kind::{Domain, Unary};
use super::lower::Lower;
use super::op::UnaryOp;
use crate::var::Var;

/// `stop_gradient(x) = x` with derivative 0 (by definition).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StopGradient;

impl UnaryOp for StopGradient {
    const NAME: &'static str = "stop_gradient";
    const SAMPLES: &'static [Self] = &[StopGradient];
    fn domain(&self) -> Domain {
        Domain::All
    }
    fn kinks(&self) -> &'static [f64] {
        &[]
    }
    fn is_mask(&self) -> bool {
        true
    }
    fn stops_gradient(&self) -> bool {
        true
    }
    /// The identity: the same bits, NaN payloads and signed zeros included.
    #[inline(always)]
    fn lower<L: Lower>(&self, _l: &mut L, x: L::V) -> L::V {
        x
    }
    fn vjp<'t>(&self, _g: Var<'t>, _x: Var<'t>, _y: Var<'t>) -> Option<Var<'t>> {
        None
    }
}

impl<'t> Var<'t> {
    /// `x` as a value, a constant to every derivative: the gradient does not flow through it
    /// (PyTorch's `detach`, JAX's `stop_gradient`). Elementwise, any shape. Unlike a
    /// constant made from `x.value()`, it stays a node: a [`RecordedFn`](crate::RecordedFn)
    /// replayed at a new point gives it the new value.
    ///
    /// ```
    /// use hesse_core::{grad, hessian};
    /// // d/dx [x · sg(x)] = sg(x) = x: only the first factor is differentiated.
    /// assert_eq!(grad(|x| x[0] * x[0].stop_gradient(), &[3.0]), [3.0]);
    /// // A Gauss–Newton-style fixed weight: the second derivative sees it as a constant.
    /// let h = hessian(|x| x[0].stop_gradient().exp() * x[0].square(), &[0.0]);
    /// assert_eq!(h.to_rows(), vec![vec![2.0]]);
    /// ```
    pub fn stop_gradient(self) -> Var<'t> {
        self.apply(Unary::StopGradient)
    }
}
