//! The registry's dispatch: [`Unary`]'s methods, each an exhaustive `match` over the
//! registered ops that calls the op's own block (no `_ =>` arm), generated from the
//! registry's list; and the conversion from each op's type into [`Unary`].

// Every family's op types, through the parent's re-exports: a new family file needs no line
// here.
use super::lower;
use super::*;
use crate::var::Var;

/// Generates the conversions from each op's type and [`Unary`]'s exhaustive dispatch to each
/// op's block, from the registry's list.
macro_rules! dispatch {
    ($($(#[$doc:meta])* $op:ident $(($v:ident: $p:ty))?),* $(,)?) => {
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
                [$(dispatch!(@plain $op $(($v: $p))?)),*].into_iter().flatten()
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

            /// Whether the rule is zero by definition, not the derivative of the value
            /// (`stop_gradient`): finite differences do not apply to it.
            ///
            /// ```
            /// use hesse_core::ops::Unary;
            /// assert!(Unary::StopGradient.stops_gradient() && !Unary::Exp.stops_gradient());
            /// ```
            pub fn stops_gradient(&self) -> bool {
                match *self { $(Unary::$op $(($v))? => $op $(($v))?.stops_gradient(),)* }
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

            #[cfg_attr(not(feature = "jit"), allow(dead_code))]
            /// The op's scalar function with the C ABI, for generated code to call (ops
            /// without parameters; a parameterised op is called through a pointer to it).
            pub(crate) fn extern_fn(&self) -> Option<extern "C" fn(f64) -> f64> {
                match *self { $(Unary::$op $(($v))? => dispatch!(@extern $op $(($v: $p))?),)* }
            }

            #[cfg_attr(not(feature = "jit"), allow(dead_code))]
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

registry!(dispatch);
