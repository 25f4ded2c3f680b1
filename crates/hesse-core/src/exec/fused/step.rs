//! The steps of a fused region and what they address: positions in the region's buffers
//! ([`At`]), operands and destinations, the [`Step`]s themselves, and the limits of a region
//! (block length, temporaries, sums, buffers).

use crate::ops::reduce::SUM_LANES;
use crate::ops::{Binary, Unary};

/// Elements per block (a multiple of [`SUM_LANES`]): with [`MAX_TEMPS`] temporaries the
/// scratch buffer is 24 KB.
pub(super) const CHUNK: usize = 256;
const _: () = assert!(CHUNK % SUM_LANES == 0);
/// Temporaries a region may hold at once; values beyond are kept in the arena.
pub(super) const MAX_TEMPS: usize = 12;
/// Shorter regions are not worth their per-block dispatch. (32: the W2 extended Rosenbrock
/// at n = 100, 50 rows, is one region; BENCHMARKS.md, "Measured design decisions".)
pub(super) const MIN_LEN: usize = 32;
/// Sums a region may hold (their accumulators live on the stack).
pub(super) const MAX_SUMS: usize = 4;

/// The buffers a region addresses: the arena, and the caller's buffers that may stand in
/// for the arena ranges of the point, the direction and the result (see [`Io`](super::bind::Io)).
pub(super) const BUFS: usize = 4;
pub(super) const ARENA: u8 = 0;

/// A position in one of a region's buffers (index `buf`, see [`BUFS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct At {
    pub(super) buf: u8,
    pub(super) off: usize,
}

/// A position in the arena.
pub(super) fn arena(off: usize) -> At {
    At { buf: ARENA, off }
}

/// Where a step reads a block of m values (or one value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Operand {
    /// A temporary of the region.
    Temp(u16),
    /// m values from this position.
    Mem(At),
    /// One value, the same for every element.
    Scalar(At),
}

/// Where a step writes its block.
#[derive(Clone, Copy, Debug)]
pub(super) enum Dest {
    Temp(u16),
    Mem(At),
}

impl Dest {
    pub(super) fn operand(self) -> Operand {
        match self {
            Dest::Temp(t) => Operand::Temp(t),
            Dest::Mem(o) => Operand::Mem(o),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Step {
    Unary {
        op: Unary,
        x: Operand,
        out: Dest,
    },
    Binary {
        op: Binary,
        a: Operand,
        b: Operand,
        out: Dest,
    },
    /// `out[j] = src[j·stride]`.
    Gather {
        src: At,
        stride: usize,
        out: Dest,
    },
    /// `base[j·stride] = x[j] + 0.0` for each part.
    Scatter {
        parts: [(Operand, At, usize); 2],
    },
    /// `Σ x` into `out` with [`reduce::sum`]'s lanes, accumulator set `acc`.
    ///
    /// [`reduce::sum`]: crate::ops::reduce::sum
    Sum {
        x: Operand,
        out: At,
        acc: u8,
    },
}

impl Step {
    /// Every position the step reads or writes, as (position, extent in elements past it for
    /// a block run over m elements).
    pub(super) fn places(&self, m: usize) -> Vec<(At, usize)> {
        let op = |o: Operand| match o {
            Operand::Temp(_) => None,
            Operand::Mem(a) => Some((a, m)),
            Operand::Scalar(a) => Some((a, 1)),
        };
        let dest = |d: Dest| op(d.operand());
        let strided = |s: usize| (m - 1) * s + 1;
        match *self {
            Step::Unary { x, out, .. } => [op(x), dest(out)].into_iter().flatten().collect(),
            Step::Binary { a, b, out, .. } => [op(a), op(b), dest(out)].into_iter().flatten().collect(),
            Step::Gather { src, stride, out } => [Some((src, strided(stride))), dest(out)]
                .into_iter()
                .flatten()
                .collect(),
            Step::Scatter { parts } => parts
                .iter()
                .flat_map(|&(x, b, s)| [op(x), Some((b, strided(s)))])
                .flatten()
                .collect(),
            Step::Sum { x, out, .. } => [op(x), Some((out, 1))].into_iter().flatten().collect(),
        }
    }

    /// The step with every position mapped by `f`.
    pub(super) fn map(self, f: &dyn Fn(At) -> At) -> Step {
        let op = |o: Operand| match o {
            Operand::Temp(t) => Operand::Temp(t),
            Operand::Mem(a) => Operand::Mem(f(a)),
            Operand::Scalar(a) => Operand::Scalar(f(a)),
        };
        let dest = |d: Dest| match d {
            Dest::Temp(t) => Dest::Temp(t),
            Dest::Mem(a) => Dest::Mem(f(a)),
        };
        match self {
            Step::Unary { op: u, x, out } => Step::Unary {
                op: u,
                x: op(x),
                out: dest(out),
            },
            Step::Binary { op: o, a, b, out } => Step::Binary {
                op: o,
                a: op(a),
                b: op(b),
                out: dest(out),
            },
            Step::Gather { src, stride, out } => Step::Gather {
                src: f(src),
                stride,
                out: dest(out),
            },
            Step::Scatter { parts } => Step::Scatter {
                parts: parts.map(|(x, b, s)| (op(x), f(b), s)),
            },
            Step::Sum { x, out, acc } => Step::Sum {
                x: op(x),
                out: f(out),
                acc,
            },
        }
    }
}

/// The element `off` of buffer `a.buf` (see [`BUFS`]).
///
/// # Safety
/// `a.off + off` must lie inside the buffer (`Region::run` checks the extents).
#[inline(always)]
pub(super) unsafe fn ptr(v: &[*mut f64; BUFS], a: At, off: usize) -> *mut f64 {
    unsafe { v[a.buf as usize].add(a.off + off) }
}
