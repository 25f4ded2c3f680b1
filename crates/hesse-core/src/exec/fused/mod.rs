//! Fused elementwise regions of replay programs.
//!
//! A recording over vectors replays one kernel per node, each a full pass over arrays of
//! thousands of values: a chain of twenty elementwise nodes over 5,000 values streams 20 ×
//! 80 KB through the caches, although each value is used a couple of times right after it is
//! made. A **region** groups, at record time, the nodes of a replay program that are
//! elementwise over the same number m of values:
//! - unary ops, and binary ops whose operands hold m values or a single value;
//! - slices that take one element per row (a matrix column: a strided gather) or a
//!   contiguous range, as loads;
//! - the sum of two zero-pads that together cover their output exactly once (the adjoint of
//!   two column slices, `pad(a) + pad(b)`), as a strided store of `a` and `b`;
//! - sums to one value, accumulated block by block in the lanes of the `sum` kernel;
//!
//! and runs them block by block: for each block of [`CHUNK`] elements, every step runs its
//! op's own kernel over the block. Intermediate values live in a small stack buffer that stays
//! in L1 cache; only the nodes read outside the region (or returned) are written to the arena.
//!
//! **Bit-for-bit.** Every element is computed by the same kernel from the same operands as
//! without fusion, only in another order of elements. A store of the pads writes `x + 0.0` at
//! the position `x` covers, which is exactly `pad(a) + pad(b)` there (the other pad holds
//! +0.0, and IEEE addition commutes), including the −0.0 → +0.0 of the unfused sum. A sum
//! sees its elements in the same lanes and order as the whole-array kernel (blocks start at
//! multiples of the lane count). A constant node whose values are all equal (a broadcast
//! seed) is read as that one value. With AVX2 the kernels run four lanes at a time: the same
//! IEEE operations, so the same results; only the sign and payload of a NaN made from two
//! NaNs may differ, which Rust leaves unspecified for any build of a kernel (RFC 3514).
//!
//! A node joins the open region only if it reads nothing that a non-region instruction after
//! the region's start produces; the region then runs at its start, before those instructions,
//! which read its materialised outputs.
//!
//! An elementwise node read only by slices that become gathers (the HVP's `1·v`, the
//! direction times the broadcast seed, read by the column slices of its pad adjoints) is not
//! materialised: each gather computes it on the gathered elements of its operands.
//!
//! **Caller buffers.** A region addresses [`BUFS`] buffers: the arena, and the caller's
//! point, direction and result. [`bind`] maps a program's arena ranges of the input leaf,
//! the direction leaf and the result node to the caller's buffers when only regions touch
//! them, so that a replay neither copies the point and the direction into the arena nor the
//! result out of it.
//!
//! **Tiles.** A region made only of cheap steps (`±`, `×`, `÷`, negation, `|x|`, `x²`,
//! `1/x`, ops with a constant, column gathers and stores, sums) runs on the tile executor of
//! `fused/tiles.rs` instead (AVX2, or AVX-512 where the CPU and the compiler have it): 32 or
//! 64 values at a time with the chain's value in registers, the last partial tile padded
//! (on scratch copies of its buffer slots; by blocks where two slots overlap). W2 n =
//! 10,000: HVP 24.3 → 10.7 µs, value+grad 15.2 → 7.0 µs with AVX-512 (HVP 14.2, value+grad
//! 9.4 µs with AVX2 alone). The padded last tile instead of blocks: W5's 625 starts
//! (9 tiles and 49 values) 6.3 → 5.8 µs per value+grad.
//!
//! **Machine code.** With the `jit` feature, on CPUs with AVX-512, a tile program without
//! other slice kernels than `exp` is assembled into machine code at its first run
//! (`fused/native.rs`): its temporaries in registers, two or four vectors side by side, the
//! last vectors under masks. The same operations in the same order, so the same bits. W5's
//! 625 starts: 5.1 → 3.4 µs per value+grad.
//!
//! [`bind`]: fn@bind

#[cfg(all(target_arch = "x86_64", feature = "jit"))]
mod native;
mod tiles;

mod bind;
mod blocks;
mod build;
mod plan;

pub(crate) use bind::{Bound, Io, bind};
pub(crate) use plan::plan;
// The tile tests (`tiles.rs`) name the route `super::super::Route`.
#[cfg(all(test, target_arch = "x86_64", hesse_avx512))]
use blocks::Route;

use crate::ops::reduce::SUM_LANES;
use crate::ops::{Binary, Layout, Op, Unary};
use crate::tape::TapeInner;

/// Elements per block (a multiple of [`SUM_LANES`]): with [`MAX_TEMPS`] temporaries the
/// scratch buffer is 24 KB.
const CHUNK: usize = 256;
const _: () = assert!(CHUNK % SUM_LANES == 0);
/// Temporaries a region may hold at once; values beyond are kept in the arena.
const MAX_TEMPS: usize = 12;
/// Shorter regions are not worth their per-block dispatch. (32: the W2 extended Rosenbrock
/// at n = 100, 50 rows, is one region: value+grad 0.59 → 0.29 µs, HVP 0.85 → 0.38 µs.)
const MIN_LEN: usize = 32;
/// Sums a region may hold (their accumulators live on the stack).
const MAX_SUMS: usize = 4;

/// The buffers a region addresses: the arena, and the caller's buffers that may stand in
/// for the arena ranges of the point, the direction and the result (see [`Io`]).
const BUFS: usize = 4;
const ARENA: u8 = 0;

/// A position in one of a region's buffers (index `buf`, see [`BUFS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At {
    buf: u8,
    off: usize,
}

/// A position in the arena.
fn arena(off: usize) -> At {
    At { buf: ARENA, off }
}

/// Where a step reads a block of m values (or one value).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    /// A temporary of the region.
    Temp(u16),
    /// m values from this position.
    Mem(At),
    /// One value, the same for every element.
    Scalar(At),
}

/// Where a step writes its block.
#[derive(Clone, Copy, Debug)]
enum Dest {
    Temp(u16),
    Mem(At),
}

impl Dest {
    fn operand(self) -> Operand {
        match self {
            Dest::Temp(t) => Operand::Temp(t),
            Dest::Mem(o) => Operand::Mem(o),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Step {
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
    fn places(&self, m: usize) -> Vec<(At, usize)> {
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
    fn map(self, f: &dyn Fn(At) -> At) -> Step {
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

/// A fused region: steps over m elements, run block by block (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct Region {
    len: usize,
    steps: Vec<Step>,
    /// Temporaries used (the scratch blocks to initialise).
    temps: usize,
    /// The length each buffer must have: one past the last element any step touches.
    need: [usize; BUFS],
    /// The steps as a program of the AVX2 tile executor, when it runs them all.
    tiles: Option<tiles::Program>,
    /// The tile program as AVX-512 machine code, when the CPU runs it and the compiler
    /// takes the program (see `fused/native.rs`): assembled at the region's first run, so
    /// that a region rebuilt while the recording is finished (bound to the caller's buffers,
    /// moved into other arena ranges) or never run is not assembled for nothing.
    #[cfg(all(target_arch = "x86_64", feature = "jit"))]
    native: std::sync::OnceLock<Option<std::sync::Arc<native::Code>>>,
}

impl Region {
    /// The region of `steps` over `len` elements with `temps` temporaries, finished.
    fn new(len: usize, steps: Vec<Step>, temps: usize) -> Region {
        let mut region = Region {
            len,
            steps,
            temps,
            need: [0; BUFS],
            tiles: None,
            #[cfg(all(target_arch = "x86_64", feature = "jit"))]
            native: std::sync::OnceLock::new(),
        };
        region.finish();
        region
    }

    /// Whether the AVX2 tile executor runs the region (when the CPU has AVX2).
    #[cfg(test)]
    pub(crate) fn tiled(&self) -> bool {
        self.tiles.is_some()
    }

    /// Computes what the steps need from the buffers, and their tile program.
    fn finish(&mut self) {
        self.need = self.extents();
        self.tiles = tiles::compile(&self.steps, self.len);
        #[cfg(all(target_arch = "x86_64", feature = "jit"))]
        {
            self.native = std::sync::OnceLock::new();
        }
    }

    /// One past the last element the steps touch, per buffer.
    fn extents(&self) -> [usize; BUFS] {
        let mut need = [0; BUFS];
        for s in &self.steps {
            for (a, ext) in s.places(self.len) {
                let e = &mut need[a.buf as usize];
                *e = (*e).max(a.off + ext);
            }
        }
        need
    }

    /// Whether a step writes a position of buffer `buf` in `range`.
    fn writes(&self, buf: u8, range: std::ops::Range<usize>) -> bool {
        let hit = |a: At| a.buf == buf && range.contains(&a.off);
        self.steps.iter().any(|s| match *s {
            Step::Unary {
                out: Dest::Mem(a), ..
            }
            | Step::Binary {
                out: Dest::Mem(a), ..
            }
            | Step::Gather {
                out: Dest::Mem(a), ..
            } => hit(a),
            Step::Scatter { parts } => parts.iter().any(|&(_, b, _)| hit(b)),
            Step::Sum { out, .. } => hit(out),
            _ => false,
        })
    }

    /// The arena positions the steps start reading (`false`) or writing (`true`) at: one per
    /// operand, gather source, store and sum, each inside the node it reads or writes.
    pub(crate) fn arena_accesses(&self) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for s in &self.steps {
            let written: Vec<At> = match *s {
                Step::Unary { out, .. } | Step::Binary { out, .. } | Step::Gather { out, .. } => match out {
                    Dest::Mem(a) => vec![a],
                    Dest::Temp(_) => vec![],
                },
                Step::Scatter { parts } => parts.iter().map(|p| p.1).collect(),
                Step::Sum { out, .. } => vec![out],
            };
            out.extend(
                s.places(self.len)
                    .into_iter()
                    .filter(|(a, _)| a.buf == ARENA)
                    .map(|(a, _)| (a.off, written.contains(&a))),
            );
        }
        out
    }

    /// Moves the arena ranges `(from, len, to)`: a position `from + i` becomes `to + i`. A
    /// region that touches none of them is left as it is (its compiled forms too).
    pub(crate) fn relocate(&mut self, moves: &[(usize, usize, usize)]) {
        let moved = |a: At| {
            moves
                .iter()
                .find(|&&(from, len, _)| a.buf == ARENA && (from..from + len).contains(&a.off))
        };
        if self
            .arena_accesses()
            .into_iter()
            .all(|(off, _)| moved(arena(off)).is_none())
        {
            return;
        }
        let map = |a: At| match moved(a) {
            Some(&(from, _, to)) => At {
                off: to + (a.off - from),
                ..a
            },
            None => a,
        };
        self.steps = self.steps.iter().map(|s| s.map(&map)).collect();
        self.finish();
    }
}

/// One entry of a fused program: a node run by its kernel, or a region.
#[derive(Debug)]
pub(crate) enum Piece {
    Node(u32),
    Region(Region),
}

/// Follows reshapes (which alias their input's values) to the node that holds the values.
fn base(inner: &TapeInner, mut id: u32) -> u32 {
    while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
        id = inner.nodes[id as usize].inputs[0];
    }
    id
}

/// The element `off` of buffer `a.buf` (see [`BUFS`]).
///
/// # Safety
/// `a.off + off` must lie inside the buffer (`Region::run` checks the extents).
#[inline(always)]
unsafe fn ptr(v: &[*mut f64; BUFS], a: At, off: usize) -> *mut f64 {
    unsafe { v[a.buf as usize].add(a.off + off) }
}
