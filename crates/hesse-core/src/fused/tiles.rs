//! The AVX2 tile executor of fused regions.
//!
//! The block executor (`Region::run_blocks`) runs each step over a block of [`super::CHUNK`]
//! values: every step loads its operands from the scratch buffer and stores its result
//! there, so a chain of cheap operations (a multiplication, a negation, a product with a
//! constant) is bound by the one store per cycle of the processor, not by the arithmetic.
//! Here a region made only of cheap steps runs tile by tile, [`W`] values at a time, with an
//! **accumulator** of eight AVX2 registers: a step whose operand is the previous step's
//! result reads it from the accumulator, and a result is stored (to a tile of scratch, or
//! to its buffer) only when a later step or the caller reads it. The W2 HVP region has 28
//! steps and, in this form, 9 stores.
//!
//! **Bit-for-bit.** Each operation is the IEEE operation of the op's `eval` on the same
//! operands in the same order (`-x` flips the sign bit, `|x|` clears it; no fused
//! multiply-add); sums add tile elements into the lanes of [`crate::ops::reduce::sum`]
//! (element i to lane i mod 8, in order); the store of the two pads writes `x + 0.0`. Only
//! the order of elements changes, as in the block executor.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::{At, BUFS, Dest, MAX_SUMS, MAX_TEMPS, Operand, Step};
use crate::ops::reduce::SUM_LANES;
use crate::ops::{Binary, Unary};

/// Values per tile: the accumulator is `W / 4` AVX2 registers.
pub(super) const W: usize = 32;
const R: usize = W / 4;
const _: () = assert!(W % SUM_LANES == 0 && SUM_LANES == 8);

/// Where an operation reads a tile that is not the accumulator.
#[derive(Clone, Copy, Debug)]
pub(super) enum Src {
    /// A tile of scratch.
    Temp(u16),
    /// W values of a buffer from the tile's start.
    Mem(At),
    /// One value, the same for every element.
    Scalar(At),
}

/// What a store of the pads or a sum reads.
#[derive(Clone, Copy, Debug)]
pub(super) enum Opd {
    Acc,
    Src(Src),
}

/// The unary ops of the tile executor (the cheap ones: one or two instructions).
#[derive(Clone, Copy, Debug)]
pub(super) enum Cheap {
    Neg,
    Abs,
    Square,
    Recip,
    AddC(f64),
    RSubC(f64),
    MulC(f64),
    DivC(f64),
    RDivC(f64),
}

/// The binary ops of the tile executor.
#[derive(Clone, Copy, Debug)]
pub(super) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// One operation of a tile program.
#[derive(Clone, Copy, Debug)]
pub(super) enum TOp {
    /// acc = src
    Load(Src),
    /// acc[j] = at[2j]
    Gather2(At),
    /// acc = op(acc)
    Un(Cheap),
    /// acc = op(acc, src)
    BinL(Arith, Src),
    /// acc = op(src, acc)
    BinR(Arith, Src),
    /// dest = acc
    Store(Dest),
    /// at[2j] = a[j] + 0.0, at[2j + 1] = b[j] + 0.0
    Scatter2 { a: Opd, b: Opd, at: At },
    /// The lanes of sum `acc` += x.
    Sum { x: Opd, acc: u8 },
}

fn cheap(op: Unary) -> Option<Cheap> {
    Some(match op {
        Unary::Neg => Cheap::Neg,
        Unary::Abs => Cheap::Abs,
        Unary::Square => Cheap::Square,
        Unary::Recip => Cheap::Recip,
        Unary::AddScalar(c) => Cheap::AddC(c),
        Unary::RSubScalar(c) => Cheap::RSubC(c),
        Unary::MulScalar(c) => Cheap::MulC(c),
        Unary::DivScalar(c) => Cheap::DivC(c),
        Unary::RDivScalar(c) => Cheap::RDivC(c),
        _ => return None,
    })
}

fn arith(op: Binary) -> Option<Arith> {
    Some(match op {
        Binary::Add => Arith::Add,
        Binary::Sub => Arith::Sub,
        Binary::Mul => Arith::Mul,
        Binary::Div => Arith::Div,
        _ => return None,
    })
}

fn src(o: Operand) -> Src {
    match o {
        Operand::Temp(t) => Src::Temp(t),
        Operand::Mem(a) => Src::Mem(a),
        Operand::Scalar(a) => Src::Scalar(a),
    }
}

/// The operands a step reads.
fn operands(s: &Step) -> Vec<Operand> {
    match *s {
        Step::Unary { x, .. } | Step::Sum { x, .. } => vec![x],
        Step::Binary { a, b, .. } => vec![a, b],
        Step::Scatter { parts } => parts.iter().map(|p| p.0).collect(),
        Step::Gather { .. } => vec![],
    }
}

/// The tile program of a region's steps, if every step is one the tile executor runs:
/// cheap unary and binary ops, gathers of one column of a two-column matrix (or of a
/// contiguous range), the store of two such columns, and sums.
pub(super) fn compile(steps: &[Step]) -> Option<Vec<TOp>> {
    let mut prog = Vec::new();
    // The operand whose values the accumulator holds.
    let mut holds: Option<Operand> = None;
    for (k, step) in steps.iter().enumerate() {
        let is_acc = |o: Operand| holds == Some(o) && !matches!(o, Operand::Scalar(_));
        let opd = |o: Operand| if is_acc(o) { Opd::Acc } else { Opd::Src(src(o)) };
        let out = match *step {
            Step::Unary { op, x, out } => {
                let c = cheap(op)?;
                if !is_acc(x) {
                    prog.push(TOp::Load(src(x)));
                }
                prog.push(TOp::Un(c));
                out
            }
            Step::Binary { op, a, b, out } => {
                let f = arith(op)?;
                if is_acc(a) {
                    prog.push(TOp::BinL(f, src(b)));
                } else if is_acc(b) {
                    prog.push(TOp::BinR(f, src(a)));
                } else {
                    prog.push(TOp::Load(src(a)));
                    prog.push(TOp::BinL(f, src(b)));
                }
                out
            }
            Step::Gather {
                src: at,
                stride: 2,
                out,
            } => {
                prog.push(TOp::Gather2(at));
                out
            }
            Step::Gather {
                src: at,
                stride: 1,
                out,
            } => {
                prog.push(TOp::Load(Src::Mem(at)));
                out
            }
            Step::Gather { .. } => return None,
            Step::Scatter {
                parts: [(a, ba, 2), (b, bb, 2)],
            } if ba.buf == bb.buf && ba.off.abs_diff(bb.off) == 1 => {
                let (a, b, at) = if ba.off < bb.off { (a, b, ba) } else { (b, a, bb) };
                prog.push(TOp::Scatter2 {
                    a: opd(a),
                    b: opd(b),
                    at,
                });
                continue;
            }
            Step::Scatter { .. } => return None,
            Step::Sum { x, acc, .. } => {
                prog.push(TOp::Sum { x: opd(x), acc });
                continue;
            }
        };
        // Store the result unless its one reader is the next step, which reads it from the
        // accumulator (a result in a buffer is always stored: the caller reads it).
        let store = match out {
            Dest::Mem(_) => true,
            Dest::Temp(t) => {
                let mut reads = 0;
                for s in &steps[k + 1..] {
                    reads += operands(s).iter().filter(|&&o| o == Operand::Temp(t)).count();
                    if matches!(s, Step::Unary { out: Dest::Temp(u), .. }
                        | Step::Binary { out: Dest::Temp(u), .. }
                        | Step::Gather { out: Dest::Temp(u), .. } if *u == t)
                    {
                        break;
                    }
                }
                let next = steps.get(k + 1).map_or(0, |s| {
                    operands(s).iter().filter(|&&o| o == Operand::Temp(t)).count()
                });
                reads > 0 && !(reads == 1 && next == 1)
            }
        };
        if store {
            prog.push(TOp::Store(out));
        }
        holds = Some(out.operand());
    }
    Some(prog)
}

/// Runs a tile program over the elements `0..end` (a multiple of [`W`]), adding the sums
/// into `lanes`.
///
/// # Safety
/// The CPU must support AVX2; each buffer `v[k]` holds every element the program touches
/// for elements `0..end` (a gather of tile `c0` reads up to element `2(c0 + W) − 1` of its
/// column's matrix); the point and direction buffers are not written.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) unsafe fn run(
    prog: &[TOp],
    v: &[*mut f64; BUFS],
    end: usize,
    lanes: &mut [[f64; SUM_LANES]; MAX_SUMS],
) {
    let zero = _mm256_setzero_pd();
    let mut tt = [[zero; R]; MAX_TEMPS];
    let mut acc = [zero; R];
    let p = |a: At, off: usize| unsafe { super::ptr(v, a, off) };
    let mut c0 = 0;
    while c0 < end {
        // SAFETY (for every access): positions from the caller's guarantee; temporaries
        // are tiles of `tt` (`build` numbers them below MAX_TEMPS).
        unsafe {
            let load = |s: Src, tt: &[[__m256d; R]; MAX_TEMPS]| -> [__m256d; R] {
                match s {
                    Src::Temp(t) => tt[t as usize],
                    Src::Mem(a) => {
                        let q = p(a, c0);
                        std::array::from_fn(|r| _mm256_loadu_pd(q.add(4 * r)))
                    }
                    Src::Scalar(a) => [_mm256_set1_pd(*p(a, 0)); R],
                }
            };
            for op in prog {
                match *op {
                    TOp::Load(s) => acc = load(s, &tt),
                    TOp::Gather2(a) => {
                        let q = p(a, 2 * c0);
                        for (r, x) in acc.iter_mut().enumerate() {
                            let lo = _mm256_loadu_pd(q.add(8 * r));
                            let hi = _mm256_loadu_pd(q.add(8 * r + 4));
                            // [x0 x4 x2 x6] → [x0 x2 x4 x6]
                            *x = _mm256_permute4x64_pd(_mm256_unpacklo_pd(lo, hi), 0b11_01_10_00);
                        }
                    }
                    TOp::Un(c) => {
                        let sign = _mm256_set1_pd(-0.0);
                        for x in &mut acc {
                            *x = match c {
                                Cheap::Neg => _mm256_xor_pd(*x, sign),
                                Cheap::Abs => _mm256_andnot_pd(sign, *x),
                                Cheap::Square => _mm256_mul_pd(*x, *x),
                                Cheap::Recip => _mm256_div_pd(_mm256_set1_pd(1.0), *x),
                                Cheap::AddC(k) => _mm256_add_pd(*x, _mm256_set1_pd(k)),
                                Cheap::RSubC(k) => _mm256_sub_pd(_mm256_set1_pd(k), *x),
                                Cheap::MulC(k) => _mm256_mul_pd(*x, _mm256_set1_pd(k)),
                                Cheap::DivC(k) => _mm256_div_pd(*x, _mm256_set1_pd(k)),
                                Cheap::RDivC(k) => _mm256_div_pd(_mm256_set1_pd(k), *x),
                            };
                        }
                    }
                    TOp::BinL(f, s) => {
                        let b = load(s, &tt);
                        for (x, y) in acc.iter_mut().zip(b) {
                            *x = arith_pd(f, *x, y);
                        }
                    }
                    TOp::BinR(f, s) => {
                        let a = load(s, &tt);
                        for (x, y) in acc.iter_mut().zip(a) {
                            *x = arith_pd(f, y, *x);
                        }
                    }
                    TOp::Store(Dest::Temp(t)) => tt[t as usize] = acc,
                    TOp::Store(Dest::Mem(a)) => {
                        let q = p(a, c0);
                        for (r, x) in acc.iter().enumerate() {
                            _mm256_storeu_pd(q.add(4 * r), *x);
                        }
                    }
                    TOp::Scatter2 { a, b, at } => {
                        let get = |o: Opd| match o {
                            Opd::Acc => acc,
                            Opd::Src(s) => load(s, &tt),
                        };
                        let (a, b) = (get(a), get(b));
                        let q = p(at, 2 * c0);
                        for r in 0..R {
                            let x = _mm256_add_pd(a[r], zero);
                            let y = _mm256_add_pd(b[r], zero);
                            let lo = _mm256_unpacklo_pd(x, y); // [x0 y0 x2 y2]
                            let hi = _mm256_unpackhi_pd(x, y); // [x1 y1 x3 y3]
                            _mm256_storeu_pd(q.add(8 * r), _mm256_permute2f128_pd(lo, hi, 0x20));
                            _mm256_storeu_pd(q.add(8 * r + 4), _mm256_permute2f128_pd(lo, hi, 0x31));
                        }
                    }
                    TOp::Sum { x, acc: k } => {
                        let x = match x {
                            Opd::Acc => acc,
                            Opd::Src(s) => load(s, &tt),
                        };
                        let l = lanes[k as usize].as_mut_ptr();
                        let (mut l0, mut l1) = (_mm256_loadu_pd(l), _mm256_loadu_pd(l.add(4)));
                        for q in 0..R / 2 {
                            l0 = _mm256_add_pd(l0, x[2 * q]);
                            l1 = _mm256_add_pd(l1, x[2 * q + 1]);
                        }
                        _mm256_storeu_pd(l, l0);
                        _mm256_storeu_pd(l.add(4), l1);
                    }
                }
            }
        }
        c0 += W;
    }
}

/// `f(a, b)` four lanes at a time: the IEEE operation of [`Binary::eval`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn arith_pd(f: Arith, a: __m256d, b: __m256d) -> __m256d {
    match f {
        Arith::Add => _mm256_add_pd(a, b),
        Arith::Sub => _mm256_sub_pd(a, b),
        Arith::Mul => _mm256_mul_pd(a, b),
        Arith::Div => _mm256_div_pd(a, b),
    }
}
