//! Elementwise functions of one input: the registry.
//!
//! **An op is one block and one registry line.** Its block (in a family file: [`arith`],
//! [`exp_log`], [`trig`], [`piecewise`], [`special`]) is a type implementing [`UnaryOp`] —
//! its name, its value as a program of primitives ([`UnaryOp::lower`], see [`lower`]) or a
//! call-out to its own scalar function, its derivative rule written in `Var` ops (so it
//! differentiates again), its domain and kinks, optionally a slice kernel — and the `Var`
//! method that applies it. Its line in [`registry!`](self) below makes it a variant of
//! [`Unary`], with exhaustive dispatch to every piece (no `_ =>` arm anywhere), a member of
//! [`Unary::all`] (so the op tests, the proptest strategies and the differential fuzzer
//! cover it), and, if it has no parameter, a function of the formula language
//! ([`Unary::from_name`]). Every back-end (eager kernels, replay interpreter, Cranelift JIT,
//! tile executor, AVX-512 assembler) runs it through its lowering: none names an op.
//!
//! Piecewise ops multiply by a mask from [`Var::step`] or [`Var::sign`], whose own
//! derivative is zero, so they differentiate correctly twice. Non-finite values propagate as
//! IEEE 754 says: `ln(0) = -inf`, `ln(-1) = NaN`, `sqrt(-1) = NaN`, `recip(0) = inf`;
//! nothing panics.

pub mod arith;
pub mod exp_log;
pub mod lower;
pub mod piecewise;
pub mod special;
pub mod trig;

pub use arith::*;
pub use exp_log::*;
pub use lower::{Cmp, Lower, Scalar};
pub use piecewise::*;
pub use special::*;
pub use trig::*;

use crate::ops::Op;
use crate::tape::Inputs;
use crate::var::Var;

/// Where an op is differentiable, for samplers and the registry sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Every real number.
    All,
    /// `x > 0`.
    Positive,
    /// `x > -1`.
    AboveMinusOne,
    /// `x ≠ 0`.
    NonZero,
    /// `|x| < π/2`.
    HalfPeriod,
}

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

    /// Where the op is differentiable.
    fn domain(&self) -> Domain {
        Domain::All
    }

    /// Points where the op has a kink, each with a documented one-sided convention.
    fn kinks(&self) -> &'static [f64] {
        &[]
    }

    /// Whether the derivative is zero everywhere (a mask op).
    fn is_mask(&self) -> bool {
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

/// The registry: one line per op (`Name` or `Name(param: type)`), generating [`Unary`] and
/// its exhaustive dispatch to each op's block.
macro_rules! registry {
    ($($(#[$doc:meta])* $op:ident $(($v:ident: $p:ty))?),* $(,)?) => {
        /// Elementwise function of one input: one variant per registered op (see the module
        /// docs; the op's own type documents its math).
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Unary {
            $($(#[$doc])* $op $(($p))?,)*
        }

        $(impl From<$op> for Unary {
            fn from(_op: $op) -> Unary {
                $(let $op($v) = _op;)?
                Unary::$op $(($v))?
            }
        })*

        impl Unary {
            /// Every registered op, parameterised ones at each of their samples: what the
            /// registry sweep, the proptest strategies and the differential fuzzer draw from.
            pub fn all() -> Vec<Unary> {
                let mut all = Vec::new();
                $(all.extend(<$op as UnaryOp>::SAMPLES.iter().map(|&o| Unary::from(o)));)*
                all
            }

            /// The op's name.
            pub fn name(&self) -> &'static str {
                match *self {
                    $(Unary::$op $(($v))? => { $(let _ = $v;)? <$op as UnaryOp>::NAME })*
                }
            }

            /// The op without parameters called `name` (the formula language's functions).
            ///
            /// ```
            /// use hesse_core::ops::Unary;
            /// assert_eq!(Unary::from_name("erf"), Some(Unary::Erf));
            /// assert_eq!(Unary::from_name("powi"), None); // has a parameter
            /// ```
            pub fn from_name(name: &str) -> Option<Unary> {
                Unary::functions().find(|u| u.name() == name)
            }

            /// The ops without parameters, in registry order.
            pub fn functions() -> impl Iterator<Item = Unary> {
                [$(registry!(@plain $op $(($v: $p))?)),*].into_iter().flatten()
            }

            /// Where the op is differentiable.
            pub fn domain(&self) -> Domain {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.domain(),)* }
            }

            /// Points where the op has a kink and a documented one-sided convention.
            pub fn kinks(&self) -> &'static [f64] {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.kinks(),)* }
            }

            /// Whether the derivative is zero everywhere (a mask op).
            pub fn is_mask(&self) -> bool {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.is_mask(),)* }
            }

            /// The value at one point (the op's lowering on `f64`, or its own function).
            #[inline(always)]
            pub fn eval(&self, x: f64) -> f64 {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.call(x),)* }
            }

            /// The op's value as primitives of the back-end `l` (see [`lower`]).
            #[inline(always)]
            pub fn lower<L: Lower>(&self, l: &mut L, x: L::V) -> L::V {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.lower(l, x),)* }
            }

            /// The value over a slice, by the op's slice kernel. Inlined so that the callers'
            /// AVX2 and AVX-512 builds (`ops::simd`, the fused regions) vectorise it too; one
            /// loop per op, so the per-element `match` folds away.
            #[inline(always)]
            pub(crate) fn forward(&self, x: &[f64], out: &mut [f64]) {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.slice(x, out),)* }
            }

            /// The op's scalar function with the C ABI, for generated code to call (ops
            /// without parameters; a parameterised op is called through a pointer to it).
            pub(crate) fn extern_fn(&self) -> Option<extern "C" fn(f64) -> f64> {
                match *self { $(Unary::$op $(($v))? => registry!(@extern $op $(($v: $p))?),)* }
            }

            /// Whether the op's lowering calls out of the primitives (see [`Lower::call`]).
            pub(crate) fn calls_out(&self) -> bool {
                let mut ir = lower::Ir::default();
                self.lower(&mut ir, 0);
                ir.calls()
            }

            /// The VJP: the cotangent of the input given the output cotangent `g`, the input
            /// `x` and the output `y`. `None` means zero.
            pub fn vjp<'t>(&self, g: Var<'t>, x: Var<'t>, y: Var<'t>) -> Option<Var<'t>> {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.vjp(g, x, y),)* }
            }
        }
    };
    (@plain $op:ident) => { Some(Unary::$op) };
    (@extern $op:ident) => {{
        extern "C" fn scalar(x: f64) -> f64 {
            $op.call(x)
        }
        Some(scalar as extern "C" fn(f64) -> f64)
    }};
    (@extern $op:ident ($v:ident: $p:ty)) => {{
        let _ = $v;
        None
    }};
    (@plain $op:ident ($v:ident: $p:ty)) => { None };
}

registry! {
    /// `-x` ([`Neg`](struct@Neg))
    Neg,
    /// `eˣ` ([`Exp`])
    Exp,
    /// natural logarithm ([`Ln`])
    Ln,
    /// `ln(1 + x)` ([`Ln1p`])
    Ln1p,
    /// `√x` ([`Sqrt`])
    Sqrt,
    /// `sin x` ([`Sin`])
    Sin,
    /// `cos x` ([`Cos`])
    Cos,
    /// `tan x` ([`Tan`])
    Tan,
    /// `tanh x` ([`Tanh`])
    Tanh,
    /// `atan x` ([`Atan`])
    Atan,
    /// `asinh x` ([`Asinh`])
    Asinh,
    /// the error function ([`Erf`])
    Erf,
    /// `1 / (1 + e⁻ˣ)` ([`Sigmoid`])
    Sigmoid,
    /// `ln(1 + eˣ)` ([`Softplus`])
    Softplus,
    /// `ln σ(x)` ([`LogSigmoid`])
    LogSigmoid,
    /// `max(x, 0)` ([`Relu`])
    Relu,
    /// `|x|` ([`Abs`])
    Abs,
    /// `x²` ([`Square`])
    Square,
    /// `1 / x` ([`Recip`])
    Recip,
    /// `1` if `x > 0` else `0`, zero derivative ([`Step`])
    Step,
    /// `-1`, `0` or `1`, zero derivative ([`Sign`])
    Sign,
    /// `xⁿ`, integer n ([`Powi`])
    Powi(n: i32),
    /// `xᶜ`, real c ([`Powf`])
    Powf(c: f64),
    /// `x + c` ([`AddScalar`])
    AddScalar(c: f64),
    /// `c - x` ([`RSubScalar`])
    RSubScalar(c: f64),
    /// `x · c` ([`MulScalar`])
    MulScalar(c: f64),
    /// `x / c` ([`DivScalar`])
    DivScalar(c: f64),
    /// `c / x` ([`RDivScalar`])
    RDivScalar(c: f64),
}

impl<'t> Var<'t> {
    /// Applies a registered elementwise op: `x.apply(Unary::Erf)` is `x.erf()`. The formula
    /// language and generic code reach every op through it.
    ///
    /// ```
    /// use hesse_core::ops::Unary;
    /// let g = hesse_core::grad(|x| x[0].apply(Unary::from_name("atan").unwrap()), &[1.0]);
    /// assert_eq!(g, [0.5]);
    /// ```
    pub fn apply(self, u: Unary) -> Var<'t> {
        let scalar = {
            let inner = self.tape.inner.borrow();
            let node = inner.node(&self);
            // Read only a scalar's value: an empty vector at the end of the arena has none.
            node.shape.is_empty().then(|| inner.values[node.offset])
        };
        if let Some(x) = scalar {
            return self
                .tape
                .push_scalar(Op::Unary(u), Inputs::from_slice(&[self.idx()]), u.eval(x));
        }
        let shape = self.shape_small();
        let mut inputs = Inputs::new();
        inputs.push(self.idx());
        self.tape.push(Op::Unary(u), inputs, shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_forms_do_not_overflow() {
        assert_eq!(Unary::Softplus.eval(1000.0), 1000.0);
        assert_eq!(Unary::Softplus.eval(-1000.0), 0.0);
        assert_eq!(Unary::LogSigmoid.eval(-1000.0), -1000.0);
        assert_eq!(Unary::Sigmoid.eval(-1000.0), 0.0);
        assert_eq!(Unary::Sigmoid.eval(1000.0), 1.0);
    }

    #[test]
    fn nan_propagates_through_masks() {
        assert!(Unary::Relu.eval(f64::NAN).is_nan());
        assert!(Unary::Step.eval(f64::NAN).is_nan());
        assert!(Unary::Sign.eval(f64::NAN).is_nan());
        assert_eq!(Unary::Sign.eval(-0.0), 0.0);
    }

    #[test]
    fn names_are_unique_and_found() {
        let all = Unary::all();
        for (i, a) in Unary::functions().enumerate() {
            assert_eq!(Unary::from_name(a.name()), Some(a));
            assert!(
                Unary::functions().skip(i + 1).all(|b| b.name() != a.name()),
                "{a:?}"
            );
        }
        assert!(all.len() > Unary::functions().count());
    }

    /// The recorded lowering ([`lower::Ir`]) run on `f64` is the op's value, bit for bit:
    /// what the AVX-512 assembler compiles is what the scalar kernel computes.
    #[test]
    fn recorded_lowering_is_the_scalar_kernel() {
        use lower::{Ir, Prim};
        let xs = [
            -3.5,
            -1.0,
            -0.0,
            0.0,
            0.3,
            1.0,
            2.0,
            40.0,
            1e-300,
            f64::INFINITY,
            f64::NAN,
        ];
        for u in Unary::all() {
            let mut ir = Ir::default();
            let r = u.lower(&mut ir, 0);
            for &x in &xs {
                let mut v = vec![x];
                for p in &ir.code {
                    let g = |k: u16| v[k as usize];
                    let y = match *p {
                        Prim::Konst(c) => c,
                        Prim::Add(a, b) => g(a) + g(b),
                        Prim::Sub(a, b) => g(a) - g(b),
                        Prim::Mul(a, b) => g(a) * g(b),
                        Prim::Div(a, b) => g(a) / g(b),
                        Prim::Fma(a, b, c) => g(a).mul_add(g(b), g(c)),
                        Prim::Neg(a) => -g(a),
                        Prim::Abs(a) => g(a).abs(),
                        Prim::Sqrt(a) => g(a).sqrt(),
                        Prim::Exp(a) => crate::ops::exp::exp(g(a)),
                        Prim::Select(c, a, b, t, e) => {
                            if c.holds(g(a), g(b)) {
                                g(t)
                            } else {
                                g(e)
                            }
                        }
                        Prim::Call(a) => u.eval(g(a)),
                    };
                    v.push(y);
                }
                let (got, want) = (v[r as usize], u.eval(x));
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "{u:?} at {x}"
                );
            }
        }
    }
}
