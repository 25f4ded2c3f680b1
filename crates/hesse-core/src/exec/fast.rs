//! The executed form of a replay program and its interpreter. The peephole pass that fuses
//! scalar instructions into it is `exec/peephole.rs`.
//!
//! A replay of a loss written one `Var` per coordinate is a few hundred scalar instructions,
//! and an interpreter pays for each one: a jump on the instruction's variant, and a store and
//! a reload of every intermediate value (on the critical path when the next instruction
//! depends on it). The arithmetic itself is a flop or two. So the executed form has
//! **super-instructions**: a value used exactly once, by the next operation of a common
//! pattern, stays in a register inside one instruction instead of going through the arena
//! (`a·b + c`, `x·k + y·k'`, `σ(a + b)`, the sigmoid rule `g·(y·(1 − y))`, `−(a/b)`, …).
//! The patterns are those the derivative rules and the usual losses produce (W1's sigmoid
//! network and W5's peaks roughly halve in length).
//!
//! **No fusion changes a bit of any result.** A fused instruction performs the same IEEE
//! operations, on the same operands in the same order, as the instructions it replaces; only
//! the intermediate stores are gone. In particular `a·b + c` is a multiplication rounded to
//! `f64` and then an addition, never a fused multiply-add (`mul_add` rounds once, and Rust
//! never contracts `a * b + c` on its own). Identity operations whose result is bitwise their
//! operand (`x.powi(1)`, `−(−x)`) are forwarded: their readers read the operand.
//! (`x.powi(1)` is `1·x`, which differs from `x` only for a signalling NaN, which arithmetic
//! never produces; it stays a NaN either way.)
//!
//! Only programs made entirely of scalar instructions are fused: a generic node reads its
//! inputs from the arena by node, so a program with one keeps every value in memory.

use crate::exec::fused::{Io, Region};
use crate::exec::instr::Instr;
use crate::ops::{Binary, Unary};
use crate::tape::TapeInner;

/// Generates [`Fast`], the executed form of an [`Instr`]: the common scalar ops get a variant
/// of their own, so a replay step is one jump on one `match`, and each arm is the op's own
/// kernel (`Unary::Exp.eval`, …) inlined with the op known. The fused variants follow.
macro_rules! fast_instructions {
    (unary: [$($u:ident),*], unary_c: [$($uc:ident),*], binary: [$($b:ident),*]) => {
        /// A replay instruction in executed form (see the module docs).
        #[derive(Clone, Copy, Debug)]
        pub(crate) enum Fast {
            $($u { x: u32, out: u32 },)*
            $($uc { c: f64, x: u32, out: u32 },)*
            $($b { a: u32, b: u32, out: u32 },)*
            Unary { op: Unary, x: u32, out: u32 },
            Binary { op: Binary, a: u32, b: u32, out: u32 },
            Node(u32),
            /// A fused elementwise region (an index into the program's regions, see
            /// [`crate::exec::fused`]).
            Fused(u32),
            /// `x·x`, which is what `x.powi(2)` computes (see the test `powi2_is_a_square`).
            Powi2 { x: u32, out: u32 },
            /// `a·b + c`
            MulAdd { a: u32, b: u32, c: u32, out: u32 },
            /// `c + a·b`
            AddMul { c: u32, a: u32, b: u32, out: u32 },
            /// `x·k + y`
            MulCAdd { x: u32, k: f64, y: u32, out: u32 },
            /// `y + x·k`
            AddMulC { y: u32, x: u32, k: f64, out: u32 },
            /// `a·b + c·d`
            MulMulAdd { a: u32, b: u32, c: u32, d: u32, out: u32 },
            /// `a·b − c·d`
            MulMulSub { a: u32, b: u32, c: u32, d: u32, out: u32 },
            /// `exp(a − b)`
            SubExp { a: u32, b: u32, out: u32 },
            /// `−(x·x)`
            NegSquare { x: u32, out: u32 },
            /// `(x + k)²`
            SquareAddC { x: u32, k: f64, out: u32 },
            /// `(k − x)²`
            SquareRSubC { x: u32, k: f64, out: u32 },
            /// `x·kx + y·ky`
            Lin2C { x: u32, kx: f64, y: u32, ky: f64, out: u32 },
            /// `σ(a + b)`
            AddSigmoid { a: u32, b: u32, out: u32 },
            /// `a + ln x`
            AddLn { a: u32, x: u32, out: u32 },
            /// `a + (−b)`
            AddNeg { a: u32, b: u32, out: u32 },
            /// `−(a / b)`
            NegDiv { a: u32, b: u32, out: u32 },
            /// `−(a·b)`
            NegMul { a: u32, b: u32, out: u32 },
            /// `g·(a·b)`
            MulMulR { g: u32, a: u32, b: u32, out: u32 },
            /// `(a·b)·c`
            MulMulL { a: u32, b: u32, c: u32, out: u32 },
            /// `(a·b)·k`
            MulMulC { a: u32, b: u32, k: f64, out: u32 },
            /// `g·(y·(k − y))`: the sigmoid rule (k = 1).
            SigGrad { g: u32, y: u32, k: f64, out: u32 },
            /// `(a·b)·(y·(k − y))`: the sigmoid rule with its cotangent `a·b`.
            MulSigGrad { a: u32, b: u32, y: u32, k: f64, out: u32 },
        }

        impl From<Instr> for Fast {
            fn from(i: Instr) -> Fast {
                match i {
                    Instr::Unary { op: Unary::Powi(2), x, out } => Fast::Powi2 { x, out },
                    $(Instr::Unary { op: Unary::$u, x, out } => Fast::$u { x, out },)*
                    $(Instr::Unary { op: Unary::$uc(c), x, out } => Fast::$uc { c, x, out },)*
                    $(Instr::Binary { op: Binary::$b, a, b, out } => Fast::$b { a, b, out },)*
                    Instr::Unary { op, x, out } => Fast::Unary { op, x, out },
                    Instr::Binary { op, a, b, out } => Fast::Binary { op, a, b, out },
                    Instr::Node(id) => Fast::Node(id),
                }
            }
        }

        impl Fast {
            /// The slots a scalar instruction reads (unused entries are `u32::MAX`) and the
            /// slot it writes; `None` for a generic node.
            pub(crate) fn slots(&self) -> Option<([u32; 4], u32)> {
                const N: u32 = u32::MAX;
                Some(match *self {
                    $(Fast::$u { x, out } => ([x, N, N, N], out),)*
                    $(Fast::$uc { x, out, .. } => ([x, N, N, N], out),)*
                    $(Fast::$b { a, b, out } => ([a, b, N, N], out),)*
                    Fast::Unary { x, out, .. } | Fast::Powi2 { x, out } => ([x, N, N, N], out),
                    Fast::Binary { a, b, out, .. } => ([a, b, N, N], out),
                    Fast::Node(_) | Fast::Fused(_) => return None,
                    Fast::MulAdd { a, b, c, out } | Fast::AddMul { c, a, b, out } => ([a, b, c, N], out),
                    Fast::MulCAdd { x, y, out, .. } | Fast::AddMulC { y, x, out, .. } => ([x, y, N, N], out),
                    Fast::MulMulAdd { a, b, c, d, out } | Fast::MulMulSub { a, b, c, d, out } => {
                        ([a, b, c, d], out)
                    }
                    Fast::SubExp { a, b, out } => ([a, b, N, N], out),
                    Fast::NegSquare { x, out }
                    | Fast::SquareAddC { x, out, .. }
                    | Fast::SquareRSubC { x, out, .. } => ([x, N, N, N], out),
                    Fast::Lin2C { x, y, out, .. } => ([x, y, N, N], out),
                    Fast::AddSigmoid { a, b, out }
                    | Fast::AddNeg { a, b, out }
                    | Fast::NegDiv { a, b, out }
                    | Fast::NegMul { a, b, out }
                    | Fast::MulMulC { a, b, out, .. } => ([a, b, N, N], out),
                    Fast::AddLn { a, x, out } => ([a, x, N, N], out),
                    Fast::MulMulR { g, a, b, out } => ([g, a, b, N], out),
                    Fast::MulMulL { a, b, c, out } => ([a, b, c, N], out),
                    Fast::SigGrad { g, y, out, .. } => ([g, y, N, N], out),
                    Fast::MulSigGrad { a, b, y, out, .. } => ([a, b, y, N], out),
                })
            }
        }

        /// Runs a replay program on the arena; `regions` are the fused regions it refers to,
        /// which read and write the caller's buffers `io` where they are bound to them
        /// ([`crate::exec::fused::bind`]) if `IO`; else `io` is not used (the build that scalar
        /// programs run: their loop as before the caller's buffers, which measured faster in
        /// W5's descent than one build for both).
        fn run_with<const IO: bool>(inner: &mut TapeInner, prog: &[Fast], regions: &[Region], io: &mut Io<'_>) {
            let len = inner.values.len();
            let v = inner.values.as_mut_ptr();
            // SAFETY (for every access below): `Programs::compile` takes every slot from a
            // node of this tape, so each is below the arena's length `len` (checked in debug
            // builds), and a `RecordedFn` never shrinks its tape after compiling (the tape is
            // private and only replayed). `v` is re-read after a generic node, which borrows
            // the arena mutably.
            let mut v = v;
            let rd = |v: *mut f64, i: u32| {
                debug_assert!((i as usize) < len);
                unsafe { *v.add(i as usize) }
            };
            let wr = |v: *mut f64, i: u32, x: f64| {
                debug_assert!((i as usize) < len);
                unsafe { *v.add(i as usize) = x }
            };
            for ins in prog {
                match *ins {
                    $(Fast::$u { x, out } => wr(v, out, Unary::$u.eval(rd(v, x))),)*
                    $(Fast::$uc { c, x, out } => wr(v, out, Unary::$uc(c).eval(rd(v, x))),)*
                    $(Fast::$b { a, b, out } => wr(v, out, Binary::$b.eval(rd(v, a), rd(v, b))),)*
                    Fast::Unary { op, x, out } => wr(v, out, op.eval(rd(v, x))),
                    Fast::Binary { op, a, b, out } => wr(v, out, op.eval(rd(v, a), rd(v, b))),
                    Fast::Node(id) => {
                        inner.evaluate(id as usize);
                        v = inner.values.as_mut_ptr();
                    }
                    Fast::Fused(k) => {
                        if IO {
                            regions[k as usize].run(&mut inner.values, io);
                        } else {
                            regions[k as usize].run(&mut inner.values, &mut Io::none());
                        }
                        v = inner.values.as_mut_ptr();
                    }
                    // The fused forms run the ops' own kernels (`eval`, inlined with the op
                    // known), composed, with only the intermediate stores gone.
                    Fast::Powi2 { x, out } => wr(v, out, Unary::Powi(2).eval(rd(v, x))),
                    Fast::MulAdd { a, b, c, out } => wr(v, out, rd(v, a) * rd(v, b) + rd(v, c)),
                    Fast::AddMul { c, a, b, out } => wr(v, out, rd(v, c) + rd(v, a) * rd(v, b)),
                    Fast::MulCAdd { x, k, y, out } => wr(v, out, rd(v, x) * k + rd(v, y)),
                    Fast::AddMulC { y, x, k, out } => wr(v, out, rd(v, y) + rd(v, x) * k),
                    Fast::MulMulAdd { a, b, c, d, out } => {
                        wr(v, out, rd(v, a) * rd(v, b) + rd(v, c) * rd(v, d))
                    }
                    Fast::Lin2C { x, kx, y, ky, out } => wr(v, out, rd(v, x) * kx + rd(v, y) * ky),
                    Fast::MulMulSub { a, b, c, d, out } => {
                        wr(v, out, rd(v, a) * rd(v, b) - rd(v, c) * rd(v, d))
                    }
                    Fast::SubExp { a, b, out } => wr(v, out, Unary::Exp.eval(rd(v, a) - rd(v, b))),
                    Fast::NegSquare { x, out } => {
                        wr(v, out, Unary::Neg.eval(Unary::Square.eval(rd(v, x))))
                    }
                    Fast::SquareAddC { x, k, out } => {
                        wr(v, out, Unary::Square.eval(Unary::AddScalar(k).eval(rd(v, x))))
                    }
                    Fast::SquareRSubC { x, k, out } => {
                        wr(v, out, Unary::Square.eval(Unary::RSubScalar(k).eval(rd(v, x))))
                    }
                    Fast::AddSigmoid { a, b, out } => {
                        wr(v, out, Unary::Sigmoid.eval(rd(v, a) + rd(v, b)))
                    }
                    Fast::AddLn { a, x, out } => wr(v, out, rd(v, a) + Unary::Ln.eval(rd(v, x))),
                    Fast::AddNeg { a, b, out } => wr(v, out, rd(v, a) + Unary::Neg.eval(rd(v, b))),
                    Fast::NegDiv { a, b, out } => wr(v, out, -(rd(v, a) / rd(v, b))),
                    Fast::NegMul { a, b, out } => wr(v, out, -(rd(v, a) * rd(v, b))),
                    Fast::MulMulR { g, a, b, out } => wr(v, out, rd(v, g) * (rd(v, a) * rd(v, b))),
                    Fast::MulMulL { a, b, c, out } => wr(v, out, rd(v, a) * rd(v, b) * rd(v, c)),
                    Fast::MulMulC { a, b, k, out } => wr(v, out, rd(v, a) * rd(v, b) * k),
                    Fast::SigGrad { g, y, k, out } => {
                        let y = rd(v, y);
                        wr(v, out, rd(v, g) * (y * (k - y)))
                    }
                    Fast::MulSigGrad { a, b, y, k, out } => {
                        let y = rd(v, y);
                        wr(v, out, rd(v, a) * rd(v, b) * (y * (k - y)))
                    }
                }
            }
        }
    };
}

/// Runs a replay program on the arena alone (its regions bound to no caller buffer).
pub(crate) fn run(inner: &mut TapeInner, prog: &[Fast], regions: &[Region]) {
    run_with::<false>(inner, prog, regions, &mut Io::none());
}

/// Runs a replay program whose regions read and write the caller's buffers `io` where they
/// are bound to them ([`crate::exec::fused::bind`]).
pub(crate) fn run_io(inner: &mut TapeInner, prog: &[Fast], regions: &[Region], io: &mut Io<'_>) {
    run_with::<true>(inner, prog, regions, io);
}

fast_instructions!(
    unary: [Neg, Exp, Ln, Ln1p, Sqrt, Sin, Cos, Tan, Tanh, Sigmoid, Softplus, LogSigmoid, Relu,
            Abs, Square, Recip, Step, Sign],
    unary_c: [Powf, AddScalar, RSubScalar, MulScalar, DivScalar, RDivScalar],
    binary: [Add, Sub, Mul, Div, Pow, Max, Min, MaxMask]
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::hint::black_box;

    use crate::RecordedFn;
    use crate::Var;
    use crate::ops::Unary;

    /// A 2-2-1 sigmoid network's BCE on three points (W1's shape), Rosenbrock with `powi`,
    /// peaks (W5), and a few expressions aimed at single patterns.
    type Loss = for<'t> fn(&[Var<'t>]) -> Var<'t>;

    fn functions() -> Vec<(&'static str, Loss)> {
        fn net<'t>(t: &[Var<'t>]) -> Var<'t> {
            let mut acc: Option<Var<'t>> = None;
            for (x, y) in [([2.8, 0.4], 1.0), ([-0.5, 0.2], 1.0), ([-2.7, -0.4], 0.0)] {
                let h0 = (t[0] * x[0] + t[1] * x[1] + t[2]).sigmoid();
                let h1 = (t[3] * x[0] + t[0] * x[1] + t[1]).sigmoid();
                let p = (t[2] * h0 + t[3] * h1 + t[0]).sigmoid();
                let term = if y == 1.0 { p.ln() } else { (1.0 - p).ln() };
                acc = Some(acc.map_or(term, |a| a + term));
            }
            -(acc.unwrap() / 3.0)
        }
        fn rosen<'t>(x: &[Var<'t>]) -> Var<'t> {
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0].powi(2)).powi(2) + x[2].powi(1) * x[3]
        }
        fn peaks<'t>(p: &[Var<'t>]) -> Var<'t> {
            let (x, y) = (p[0], p[1]);
            3.0 * (1.0 - x).square() * (-x.square() - (y + 1.0).square()).exp()
                - 10.0 * (x / 5.0 - x.powi(3) - y.powi(5)) * (-x.square() - y.square()).exp()
                - (-(x + 1.0).square() - y.square()).exp() / 3.0
        }
        fn misc<'t>(x: &[Var<'t>]) -> Var<'t> {
            let a = x[0] * x[1] + x[2].sin();
            let b = x[3].cos() + x[0] * 2.5;
            let c = (x[1] * 0.5 + x[2]).tanh() * x[3] * x[0];
            let d = -(-x[2]).exp() + x[0] * (x[1] * x[3]);
            a * b + c - d.square() + (x[3] * x[2]).ln_1p()
        }
        vec![
            ("net", net as Loss),
            ("rosen", rosen),
            ("peaks", peaks),
            ("misc", misc),
        ]
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Every fused instruction occurs in these recordings, and their replays (value and
    /// gradient, HVP, Hessian) are bit for bit those of the eager tape at many points.
    #[test]
    fn fused_replays_are_the_eager_results_bit_for_bit() {
        let mut seen = BTreeSet::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut rnd = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 3.0 - 1.5
        };
        for (name, f) in functions() {
            let x0: Vec<f64> = (0..4).map(|_| rnd()).collect();
            let mut rec = RecordedFn::new(f, &x0);
            let p = &rec.progs;
            for ins in p
                .value
                .iter()
                .chain(&p.grad)
                .chain(&p.hvp)
                .chain(&p.hess_pre)
                .chain(&p.hess_col)
            {
                let s = format!("{ins:?}");
                seen.insert(s[..s.find([' ', '(']).unwrap_or(s.len())].to_string());
            }
            for _ in 0..50 {
                let x: Vec<f64> = (0..4).map(|_| rnd() * 0.5 + 0.25).collect();
                let v: Vec<f64> = (0..4).map(|_| rnd()).collect();
                let (val, g) = rec.value_and_grad(&x);
                let (val2, g2) = crate::value_and_grad(f, &x);
                assert_eq!(val.to_bits(), val2.to_bits(), "{name} value at {x:?}");
                assert_eq!(bits(&g), bits(&g2), "{name} gradient at {x:?}");
                assert_eq!(rec.value(&x).to_bits(), val2.to_bits(), "{name} value at {x:?}");
                let hv = crate::hvp(f, &x, &v);
                assert_eq!(bits(&rec.hvp(&x, &v)), bits(&hv), "{name} hvp at {x:?}");
                // The recorded Hessian is H·eᵢ per row, symmetrised: rebuild it from eager HVPs.
                let h = rec.hessian(&x);
                let mut h2 = [[0.0; 4]; 4];
                for (i, row) in h2.iter_mut().enumerate() {
                    let mut e = [0.0; 4];
                    e[i] = 1.0;
                    row.copy_from_slice(&crate::hvp(f, &x, &e));
                }
                for (i, j) in (0..4).flat_map(|i| (0..i).map(move |j| (i, j))) {
                    let s = 0.5 * (h2[i][j] + h2[j][i]);
                    (h2[i][j], h2[j][i]) = (s, s);
                }
                assert_eq!(
                    bits(h.as_slice()),
                    bits(h2.as_flattened()),
                    "{name} Hessian at {x:?}"
                );
                assert!(!rec.branch_changed());
            }
            // Overflow, underflow, infinities, NaN and signed zeros flow through the fused
            // instructions as through the tape (any NaN matches any NaN).
            let same = |p: &[f64], q: &[f64]| {
                p.iter()
                    .zip(q)
                    .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()))
            };
            let wild = [0.0, -0.0, 1e300, -1e-300, 800.0, -745.5, f64::INFINITY, f64::NAN];
            for k in 0..wild.len() * 4 {
                let x: Vec<f64> = (0..4).map(|i| wild[(k * (i + 3) + i) % wild.len()]).collect();
                let (val, g) = rec.value_and_grad(&x);
                let (val2, g2) = crate::value_and_grad(f, &x);
                assert!(same(&[val], &[val2]) && same(&g, &g2), "{name} at {x:?}");
                let v = [1.0, -0.5, 2.0, 0.25];
                assert!(
                    same(&rec.hvp(&x, &v), &crate::hvp(f, &x, &v)),
                    "{name} hvp at {x:?}"
                );
            }
        }
        let fused = [
            "Powi2",
            "MulAdd",
            "AddMul",
            "MulCAdd",
            "AddMulC",
            "MulMulAdd",
            "Lin2C",
            "AddSigmoid",
            "MulMulSub",
            "SubExp",
            "NegSquare",
            "SquareAddC",
            "SquareRSubC",
            "AddLn",
            "AddNeg",
            "NegDiv",
            "NegMul",
            "MulMulR",
            "MulMulL",
            "MulMulC",
            "SigGrad",
            "MulSigGrad",
        ];
        let missing: Vec<_> = fused.iter().filter(|f| !seen.contains(**f)).collect();
        assert!(missing.is_empty(), "not exercised: {missing:?}");
    }

    /// `Fast::Powi2` computes `x·x`: the same number as `x.powi(2)` with the exponent known
    /// only at run time, as the tape has it (repeated squaring); `x.powi(1)` is `x`.
    #[test]
    fn powi2_is_a_square() {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.5,
            3.0e-160,
            -7.3e200,
            f64::MIN_POSITIVE,
            5e-324,
        ];
        xs.extend([f64::INFINITY, f64::NEG_INFINITY, f64::MAX, 0.1, 1.0 / 3.0]);
        xs.extend((0..2000).map(|i| ((i as f64) * 0.7311).sin() * 10f64.powi(i % 40 - 20)));
        for x in xs {
            let (p2, p1) = (black_box(Unary::Powi(2)), black_box(Unary::Powi(1)));
            assert_eq!(p2.eval(black_box(x)).to_bits(), (x * x).to_bits(), "{x:e}");
            assert_eq!(p1.eval(black_box(x)).to_bits(), x.to_bits(), "{x:e}");
        }
        assert!(Unary::Powi(2).eval(f64::NAN).is_nan());
    }
}
