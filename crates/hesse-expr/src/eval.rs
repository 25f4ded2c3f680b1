//! Runs a postfix program with an explicit stack, on one of two backends: `Var`s on a tape,
//! or plain `f64`s through the same kernels.
//!
//! The program is evaluated once per point. Every instruction is first turned into one
//! engine op — a [`Unary`] (including the scalar forms `x + c`, `c - x`, `c * x`, `x / c`,
//! `c / x`, `powi`, `powf`) or a [`Bin`] — by [`Machine`], and only then handed to the
//! backend. Both backends therefore run the same op sequence: the tape records it, the
//! `f64` backend calls each op's kernel ([`Unary::eval`], [`Binary::eval`]), so
//! [`Bound::value`](crate::Bound::value) gives bit-for-bit the value of the tape.
//!
//! Constant sub-formulas are folded with the same kernels, and a constant next to a variable
//! uses the scalar form of the op (`100 * v` is one `MulScalar` node), so
//! `(1-x)^2 + 100*(y-x^2)^2` records exactly the nodes of the same formula written in Rust.
//!
//! Powers pick the op from the exponent:
//! - a constant integer exponent (`x^2`, `x^-1`, `x^(1+1)`) is `powi`, exact and defined for
//!   negative bases;
//! - any other constant exponent (`x^0.5`) is `powf`, NaN for negative bases;
//! - a non-constant exponent is the general `pow` (`x^y`, `2^x`), whose derivative in the
//!   exponent is `aᵇ ln a`: NaN for bases ≤ 0;
//! - the constant `e` as base gives `exp`, whatever the exponent.

use hesse_core::ops::{Binary, Unary};
use hesse_core::{Tape, Var};

use crate::func::Func2;
use crate::parser::Instr;

/// Integer exponents up to this magnitude use `powi`; larger ones `powf` (powi's derivative
/// chain `n, n−1, n−2, …` must stay far from `i32`'s limits).
const POWI_LIMIT: f64 = (1u32 << 20) as f64;

/// The binary ops a formula can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
}

impl Bin {
    fn op(self) -> Binary {
        match self {
            Bin::Add => Binary::Add,
            Bin::Sub => Binary::Sub,
            Bin::Mul => Binary::Mul,
            Bin::Div => Binary::Div,
            Bin::Pow => Binary::Pow,
            Bin::Max => Binary::Max,
            Bin::Min => Binary::Min,
        }
    }
}

/// Where ops on non-constant operands run.
pub(crate) trait Backend: Copy {
    /// A non-constant value.
    type V: Copy;
    fn unary(self, u: Unary, a: Self::V) -> Self::V;
    fn binary(self, b: Bin, a: Self::V, c: Self::V) -> Self::V;
    /// The constant `c` as a value next to `like` (on its tape).
    fn lift(self, c: f64, like: Self::V) -> Self::V;
}

fn var_binary<'t>(b: Bin, a: Var<'t>, c: Var<'t>) -> Var<'t> {
    match b {
        Bin::Add => a + c,
        Bin::Sub => a - c,
        Bin::Mul => a * c,
        Bin::Div => a / c,
        Bin::Pow => a.pow(c),
        Bin::Max => a.max(c),
        Bin::Min => a.min(c),
    }
}

/// `Var` backend, holding the tape lifetime in the value type.
#[derive(Clone, Copy)]
pub(crate) struct Tapes<'t>(std::marker::PhantomData<&'t Tape>);

impl<'t> Tapes<'t> {
    pub(crate) fn new() -> Self {
        Tapes(std::marker::PhantomData)
    }
}

impl<'t> Backend for Tapes<'t> {
    type V = Var<'t>;
    fn unary(self, u: Unary, a: Var<'t>) -> Var<'t> {
        a.apply(u)
    }
    fn binary(self, b: Bin, a: Var<'t>, c: Var<'t>) -> Var<'t> {
        var_binary(b, a, c)
    }
    fn lift(self, c: f64, like: Var<'t>) -> Var<'t> {
        like.tape().scalar(c)
    }
}

/// Plain values through the engine's kernels.
#[derive(Clone, Copy)]
pub(crate) struct Values;

impl Backend for Values {
    type V = f64;
    fn unary(self, u: Unary, a: f64) -> f64 {
        u.eval(a)
    }
    fn binary(self, b: Bin, a: f64, c: f64) -> f64 {
        b.op().eval(a, c)
    }
    fn lift(self, c: f64, _: f64) -> f64 {
        c
    }
}

/// A value on the evaluation stack: a constant (folded) or a backend value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operand<V> {
    Const(f64),
    Var(V),
}

/// Runs `program`, reading variable `i` from `vars[slots[i]]`.
///
/// # Panics
/// Only on a malformed program, which the parser never produces.
pub(crate) fn run<B: Backend>(
    backend: B,
    program: &[Instr],
    slots: &[usize],
    vars: &[Operand<B::V>],
) -> Operand<B::V> {
    let m = Machine(backend);
    let mut stack: Vec<Operand<B::V>> = Vec::with_capacity(16);
    for &ins in program {
        let r = match ins {
            Instr::Num(c) => Operand::Const(c),
            Instr::Var(i) => vars[slots[i]],
            Instr::Neg => m.unary(Unary::Neg, pop(&mut stack)),
            Instr::F1(u) => m.unary(u, pop(&mut stack)),
            Instr::Add | Instr::Sub | Instr::Mul | Instr::Div | Instr::Pow | Instr::F2(_) => {
                let b = pop(&mut stack);
                let a = pop(&mut stack);
                match ins {
                    Instr::Add => m.arith(Bin::Add, a, b),
                    Instr::Sub => m.arith(Bin::Sub, a, b),
                    Instr::Mul => m.arith(Bin::Mul, a, b),
                    Instr::Div => m.arith(Bin::Div, a, b),
                    Instr::Pow => m.pow(a, b),
                    Instr::F2(Func2::Max) => m.binary(Bin::Max, a, b),
                    _ => m.binary(Bin::Min, a, b),
                }
            }
        };
        stack.push(r);
    }
    pop(&mut stack)
}

fn pop<V>(stack: &mut Vec<Operand<V>>) -> Operand<V> {
    stack
        .pop()
        .expect("postfix program is well-formed by construction")
}

/// Chooses the engine op for each instruction, then runs it on the backend.
struct Machine<B>(B);

impl<B: Backend> Machine<B> {
    fn unary(&self, u: Unary, a: Operand<B::V>) -> Operand<B::V> {
        match a {
            Operand::Const(c) => Operand::Const(u.eval(c)),
            Operand::Var(v) => Operand::Var(self.0.unary(u, v)),
        }
    }

    /// A binary op with no scalar form: constants are lifted next to the other operand.
    fn binary(&self, b: Bin, x: Operand<B::V>, y: Operand<B::V>) -> Operand<B::V> {
        use Operand::{Const as C, Var as V};
        let (x, y) = match (x, y) {
            (C(x), C(y)) => return C(b.op().eval(x, y)),
            (V(x), C(y)) => (x, self.0.lift(y, x)),
            (C(x), V(y)) => (self.0.lift(x, y), y),
            (V(x), V(y)) => (x, y),
        };
        V(self.0.binary(b, x, y))
    }

    /// `+ - * /`, with the scalar forms hesse-core's operators use for `Var ∘ f64` and
    /// `f64 ∘ Var`.
    fn arith(&self, b: Bin, x: Operand<B::V>, y: Operand<B::V>) -> Operand<B::V> {
        use Operand::{Const as C, Var as V};
        let (u, v) = match (b, x, y) {
            (_, C(_), C(_)) | (_, V(_), V(_)) => return self.binary(b, x, y),
            (Bin::Add, V(v), C(c)) | (Bin::Add, C(c), V(v)) => (Unary::AddScalar(c), v),
            // x − c is x + (−c), exactly, as hesse-core writes it.
            (Bin::Sub, V(v), C(c)) => (Unary::AddScalar(-c), v),
            (Bin::Sub, C(c), V(v)) => (Unary::RSubScalar(c), v),
            (Bin::Mul, V(v), C(c)) | (Bin::Mul, C(c), V(v)) => (Unary::MulScalar(c), v),
            (Bin::Div, V(v), C(c)) => (Unary::DivScalar(c), v),
            (Bin::Div, C(c), V(v)) => (Unary::RDivScalar(c), v),
            _ => return self.binary(b, x, y),
        };
        V(self.0.unary(u, v))
    }

    fn pow(&self, a: Operand<B::V>, b: Operand<B::V>) -> Operand<B::V> {
        use Operand::{Const as C, Var as V};
        match (a, b) {
            (C(e), b) if e == std::f64::consts::E => self.unary(Unary::Exp, b),
            (a, C(c)) => self.unary(const_power(c), a),
            (a, V(_)) => self.binary(Bin::Pow, a, b),
        }
    }
}

/// The op a constant exponent uses: `powi` for integers of moderate size, else `powf`.
fn const_power(c: f64) -> Unary {
    if c.fract() == 0.0 && c.abs() <= POWI_LIMIT {
        Unary::Powi(c as i32)
    } else {
        Unary::Powf(c)
    }
}
