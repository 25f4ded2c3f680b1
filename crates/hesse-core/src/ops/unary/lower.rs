//! The primitives every back-end implements, and the lowering of ops onto them.
//!
//! An elementwise op says what it computes once, as a small program over these primitives
//! ([`UnaryOp::lower`](super::UnaryOp::lower)): `σ(x)` is `1 / (1 + exp(−x))`, `relu` is a
//! compare and a select, `xⁿ` is a square-and-multiply loop. A back-end implements [`Lower`]
//! — the primitives on its own values — and runs every op through that one description:
//! - [`Scalar`]: `f64`, the kernel of the eager tape and of the replay interpreter;
//! - the Cranelift JIT: an IR value;
//! - the tile executor of fused regions: a tile of SIMD registers;
//! - the AVX-512 assembler: a vector register, through `Ir` (a recorded straight-line
//!   program with the last use of every value, for register allocation).
//!
//! Each primitive is one IEEE 754 operation (or, for [`Lower::exp`], hesse's own `exp`, the
//! same bits on every instruction set), so every back-end gives the scalar kernel's bits by
//! construction. An op whose value is not a short program of primitives (`ln`, `sin`, `erf`,
//! …) lowers to [`Lower::call`]: a call-out to its own scalar function (or, where a back-end
//! works on many values at once, its own slice kernel).

/// A comparison, false when either operand is NaN (an ordered IEEE comparison).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// `a > b`
    Gt,
    /// `a < b`
    Lt,
    /// `a ≤ b`
    Le,
}

impl Cmp {
    /// The comparison on two `f64`s.
    #[inline(always)]
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Gt => a > b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
        }
    }
}

/// The primitives of a back-end, on its values `V`: what an op's lowering is written in.
///
/// ```
/// use hesse_core::ops::unary::{Lower, Scalar};
/// // σ(x) = 1/(1 + e⁻ˣ) written in primitives, run by the `f64` back-end.
/// fn sigmoid<L: Lower>(l: &mut L, x: L::V) -> L::V {
///     let (one, n) = (l.konst(1.0), l.neg(x));
///     let e = l.exp(n);
///     let d = l.add(one, e);
///     l.div(one, d)
/// }
/// assert_eq!(sigmoid(&mut Scalar, 0.0), 0.5);
/// ```
pub trait Lower {
    /// A value of the back-end: an `f64`, an IR value, a tile of registers, …
    type V: Copy;
    /// The constant `c`.
    fn konst(&mut self, c: f64) -> Self::V;
    /// `a + b`
    fn add(&mut self, a: Self::V, b: Self::V) -> Self::V;
    /// `a − b`
    fn sub(&mut self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b`
    fn mul(&mut self, a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`
    fn div(&mut self, a: Self::V, b: Self::V) -> Self::V;
    /// `a · b + c`, rounded once.
    fn fma(&mut self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `−a` (flips the sign bit).
    fn neg(&mut self, a: Self::V) -> Self::V;
    /// `|a|` (clears the sign bit).
    fn abs(&mut self, a: Self::V) -> Self::V;
    /// `√a`, correctly rounded.
    fn sqrt(&mut self, a: Self::V) -> Self::V;
    /// `eᵃ` by hesse's own `exp` (glibc's algorithm, the same bits on every instruction set).
    fn exp(&mut self, a: Self::V) -> Self::V;
    /// `if a <cmp> b { t } else { e }`: `e` when `a` or `b` is NaN.
    fn select(&mut self, cmp: Cmp, a: Self::V, b: Self::V, t: Self::V, e: Self::V) -> Self::V;
    /// The op's own function of `x`: `f` is its scalar form (a back-end that works on many
    /// values at once may run the op's slice kernel instead; the same bits).
    fn call(&mut self, x: Self::V, f: impl Fn(f64) -> f64) -> Self::V;
}

/// The `f64` back-end: each primitive is the IEEE operation itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scalar;

impl Lower for Scalar {
    type V = f64;
    #[inline(always)]
    fn konst(&mut self, c: f64) -> f64 {
        c
    }
    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(&mut self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(&mut self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div(&mut self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn fma(&mut self, a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn neg(&mut self, a: f64) -> f64 {
        -a
    }
    #[inline(always)]
    fn abs(&mut self, a: f64) -> f64 {
        a.abs()
    }
    #[inline(always)]
    fn sqrt(&mut self, a: f64) -> f64 {
        a.sqrt()
    }
    #[inline(always)]
    fn exp(&mut self, a: f64) -> f64 {
        crate::ops::exp::exp(a)
    }
    #[inline(always)]
    fn select(&mut self, cmp: Cmp, a: f64, b: f64, t: f64, e: f64) -> f64 {
        if cmp.holds(a, b) { t } else { e }
    }
    #[inline(always)]
    fn call(&mut self, x: f64, f: impl Fn(f64) -> f64) -> f64 {
        f(x)
    }
}

/// One instruction of a lowered op, over values numbered in order of definition (value 0 is
/// the input).
// Read by the code generators (Cranelift: whether an op calls out; the AVX-512 assembler:
// its register plan), which a build without `jit` does not have.
#[cfg_attr(not(feature = "jit"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Prim {
    Konst(f64),
    Add(u16, u16),
    Sub(u16, u16),
    Mul(u16, u16),
    Div(u16, u16),
    Fma(u16, u16, u16),
    Neg(u16),
    Abs(u16),
    Sqrt(u16),
    Exp(u16),
    Select(Cmp, u16, u16, u16, u16),
    Call(u16),
}

impl Prim {
    /// The values the instruction reads.
    #[cfg_attr(not(all(feature = "jit", target_arch = "x86_64")), allow(dead_code))]
    pub(crate) fn reads(&self) -> impl Iterator<Item = u16> {
        let (v, n): ([u16; 4], usize) = match *self {
            Prim::Konst(_) => ([0; 4], 0),
            Prim::Neg(a) | Prim::Abs(a) | Prim::Sqrt(a) | Prim::Exp(a) | Prim::Call(a) => ([a, 0, 0, 0], 1),
            Prim::Add(a, b) | Prim::Sub(a, b) | Prim::Mul(a, b) | Prim::Div(a, b) => ([a, b, 0, 0], 2),
            Prim::Fma(a, b, c) => ([a, b, c, 0], 3),
            Prim::Select(_, a, b, t, e) => ([a, b, t, e], 4),
        };
        v.into_iter().take(n)
    }
}

/// The recording back-end: an op's lowering as a straight-line program (see [`Prim`]), for
/// back-ends that allocate registers over it.
#[cfg_attr(not(feature = "jit"), allow(dead_code))]
#[derive(Clone, Debug, Default)]
pub(crate) struct Ir {
    /// Instruction `k` defines value `k + 1`.
    pub(crate) code: Vec<Prim>,
}

#[cfg_attr(not(feature = "jit"), allow(dead_code))]
impl Ir {
    fn push(&mut self, p: Prim) -> u16 {
        self.code.push(p);
        self.code.len() as u16
    }

    /// Whether any instruction calls out of the primitives.
    pub(crate) fn calls(&self) -> bool {
        self.code.iter().any(|p| matches!(p, Prim::Call(_)))
    }

    #[cfg_attr(not(all(feature = "jit", target_arch = "x86_64")), allow(dead_code))]
    /// For each value (0 = the input), the index of the last instruction that reads it
    /// (`None`: never read; the result is read "at the end", `code.len()`).
    pub(crate) fn last_uses(&self, result: u16) -> Vec<Option<usize>> {
        let mut last = vec![None; self.code.len() + 1];
        for (k, p) in self.code.iter().enumerate() {
            for r in p.reads() {
                last[r as usize] = Some(k);
            }
        }
        last[result as usize] = Some(self.code.len());
        last
    }
}

impl Lower for Ir {
    type V = u16;
    fn konst(&mut self, c: f64) -> u16 {
        self.push(Prim::Konst(c))
    }
    fn add(&mut self, a: u16, b: u16) -> u16 {
        self.push(Prim::Add(a, b))
    }
    fn sub(&mut self, a: u16, b: u16) -> u16 {
        self.push(Prim::Sub(a, b))
    }
    fn mul(&mut self, a: u16, b: u16) -> u16 {
        self.push(Prim::Mul(a, b))
    }
    fn div(&mut self, a: u16, b: u16) -> u16 {
        self.push(Prim::Div(a, b))
    }
    fn fma(&mut self, a: u16, b: u16, c: u16) -> u16 {
        self.push(Prim::Fma(a, b, c))
    }
    fn neg(&mut self, a: u16) -> u16 {
        self.push(Prim::Neg(a))
    }
    fn abs(&mut self, a: u16) -> u16 {
        self.push(Prim::Abs(a))
    }
    fn sqrt(&mut self, a: u16) -> u16 {
        self.push(Prim::Sqrt(a))
    }
    fn exp(&mut self, a: u16) -> u16 {
        self.push(Prim::Exp(a))
    }
    fn select(&mut self, cmp: Cmp, a: u16, b: u16, t: u16, e: u16) -> u16 {
        self.push(Prim::Select(cmp, a, b, t, e))
    }
    fn call(&mut self, x: u16, _: impl Fn(f64) -> f64) -> u16 {
        self.push(Prim::Call(x))
    }
}
