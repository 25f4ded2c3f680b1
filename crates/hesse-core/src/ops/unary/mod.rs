//! Elementwise functions of one input: the registry.
//!
//! **An op is one block and one registry line.** Its block (in a family file: [`arith`],
//! [`exp_log`], [`trig`], [`piecewise`], [`rounding`], [`special`], [`detach`]) is a type implementing [`UnaryOp`] —
//! its name, its value as a program of primitives ([`UnaryOp::lower`], see [`lower`]) or a
//! call-out to its own scalar function, its derivative rule written in `Var` ops (so it
//! differentiates again), its domain and kinks, optionally a slice kernel — and the `Var`
//! method that applies it. Its line in [`registry!`](self) below makes it a variant of
//! [`Unary`], with exhaustive dispatch to every piece (no `_ =>` arm over ops), a member of
//! [`Unary::all`] (so the op tests, the proptest strategies and the differential fuzzer
//! cover it), and, if it has no parameter, a function of the formula language
//! ([`Unary::from_name`]). Every back-end (eager kernels, replay interpreter, Cranelift JIT,
//! tile executor, AVX-512 assembler) runs it through its lowering: none names an op.
//!
//! Piecewise ops multiply by a mask from [`Var::step`](crate::Var::step) or [`Var::sign`](crate::Var::sign), whose own
//! derivative is zero, so they differentiate correctly twice. Non-finite values propagate as
//! IEEE 754 says: `ln(0) = -inf`, `ln(-1) = NaN`, `sqrt(-1) = NaN`, `recip(0) = inf`;
//! nothing panics.

/// The registry: one line per op (`Name` or `Name(param: type)`, with a line of doc). It
/// hands the list to a generator: `define_enum` ([`kind`](self)) makes [`Unary`] of it,
/// `dispatch` the exhaustive dispatch to each op's block.
macro_rules! registry {
    ($generate:ident) => {
        $generate! {
            /// `-x`
            Neg,
            /// `eˣ`
            Exp,
            /// natural logarithm
            Ln,
            /// `ln(1 + x)`
            Ln1p,
            /// `eˣ − 1`
            ExpM1,
            /// `√x`
            Sqrt,
            /// `sin x`
            Sin,
            /// `cos x`
            Cos,
            /// `tan x`
            Tan,
            /// `tanh x`
            Tanh,
            /// `atan x`
            Atan,
            /// `asinh x`
            Asinh,
            /// the error function
            Erf,
            /// `1 / (1 + e⁻ˣ)`
            Sigmoid,
            /// `ln(1 + eˣ)`
            Softplus,
            /// `ln σ(x)`
            LogSigmoid,
            /// `max(x, 0)`
            Relu,
            /// `|x|`
            Abs,
            /// `x²`
            Square,
            /// `1 / x`
            Recip,
            /// `1` if `x > 0` else `0`, zero derivative
            Step,
            /// `-1`, `0` or `1`, zero derivative
            Sign,
            /// `⌊x⌋`, zero derivative
            Floor,
            /// `⌈x⌉`, zero derivative
            Ceil,
            /// nearest integer (halves away from 0), zero derivative
            Round,
            /// integer part, zero derivative
            Trunc,
            /// `x`, with derivative 0 by definition (`detach`)
            StopGradient,
            /// `xⁿ`, integer n
            Powi(n: i32),
            /// `xᶜ`, real c
            Powf(c: f64),
            /// `x + c`
            AddScalar(c: f64),
            /// `c - x`
            RSubScalar(c: f64),
            /// `x · c`
            MulScalar(c: f64),
            /// `x / c`
            DivScalar(c: f64),
            /// `c / x`
            RDivScalar(c: f64),
        }
    };
}

mod apply;
pub mod arith;
pub mod detach;
mod dispatch;
pub mod exp_log;
mod kind;
pub mod lower;
mod op;
pub mod piecewise;
pub mod rounding;
pub mod special;
pub mod trig;

pub use arith::*;
pub use detach::*;
pub use exp_log::*;
pub use kind::{Domain, Unary};
pub use lower::{Cmp, Lower, Scalar};
pub use op::UnaryOp;
pub use piecewise::*;
pub use rounding::*;
pub use special::*;
pub use trig::*;

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
