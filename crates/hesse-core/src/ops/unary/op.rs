//! The trait every registered elementwise op implements: its one block.

use super::kind::Domain;
use super::lower::{Lower, Scalar};
use crate::var::Var;

/// One elementwise op: everything hesse knows about it, in one place.
///
/// An implementation overrides [`call`](UnaryOp::call) (the op is its own scalar function,
/// and its lowering is a call-out to it) or [`lower`](UnaryOp::lower) (the op is a program
/// of primitives, and its scalar function is that program on `f64`), or both.
pub trait UnaryOp: Copy + 'static {
    /// The op's name: in formulas (if it has no parameter), in the tape's `Debug` output and
    /// in the CLI's help.
    const NAME: &'static str;
    /// Values of the op's parameters that the registry sweep tests (one entry for an op
    /// without parameters).
    const SAMPLES: &'static [Self];

    /// Where the op is differentiable: the op sweep samples it there. Required (no default),
    /// so a new op states it.
    fn domain(&self) -> Domain;

    /// Points where the op has a kink, each with a documented one-sided convention (the op
    /// sweep checks it). Required (no default), so a new op states it.
    fn kinks(&self) -> &'static [f64];

    /// Whether the derivative is zero everywhere (a mask op).
    fn is_mask(&self) -> bool {
        false
    }

    /// Whether the rule is zero **by definition** rather than the derivative of the value
    /// ([`StopGradient`](super::StopGradient)): finite differences do not apply to it, and
    /// interval certificates refuse it.
    fn stops_gradient(&self) -> bool {
        false
    }

    /// The value at one point.
    #[inline(always)]
    fn call(&self, x: f64) -> f64 {
        self.lower(&mut Scalar, x)
    }

    /// The value as a program of [`Lower`]'s primitives.
    #[inline(always)]
    fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
        l.call(x, |x| self.call(x))
    }

    /// The value over a slice: by default [`call`](UnaryOp::call) on each element, a loop the
    /// compiler vectorises where the function allows. The same bits as `call`, always.
    #[inline(always)]
    fn slice(&self, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = self.call(v);
        }
    }

    /// The VJP: the cotangent of the input given the output cotangent `g`, the input `x` and
    /// the output `y`, in `Var` ops (so it differentiates again). `None` means zero.
    fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Option<Var<'t>>;
}
