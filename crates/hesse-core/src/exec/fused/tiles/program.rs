//! Tile programs: their instructions ([`TOp`]) on operand slots ([`Slot`]), the [`Program`]
//! with the buffer slots of its padded last tile ([`Padded`]), and their limits.

use super::super::step::At;
use crate::ops::Unary;
use crate::ops::reduce::SUM_LANES;

/// Vector registers per tile (the accumulator). (16 AVX-512 registers, in tiles of 128
/// values, are no faster on W5.)
pub(super) const R: usize = 8;
const _: () = assert!(SUM_LANES == 8);
/// Operand slots a tile program may use (its table of pointers lives on the stack).
pub(in crate::exec::fused) const MAX_SLOTS: usize = 48;
/// Single values a tile program may broadcast.
pub(super) const MAX_SCALARS: usize = 8;

/// Where an operand of a tile program lives; resolved to a pointer and a step per tile at
/// the start of each run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::exec::fused) enum Slot {
    /// A tile of scratch (the same place for every tile).
    Temp(u16),
    /// A buffer, `scale` values per tile element from the tile's start (1: contiguous; 2:
    /// interleaved with another column).
    Mem(At, u8),
    /// One value, broadcast into a tile of its own once per run.
    Scalar(At),
}

/// One instruction of a tile program; `u16` fields are operand slots, `Option`s without a
/// slot read the accumulator.
#[derive(Clone, Copy, Debug)]
pub(in crate::exec::fused) enum TOp {
    /// acc = slot
    Load(u16),
    /// slot = acc
    Store(u16),
    /// `acc[j] = slot[2j]`
    Gather2(u16),
    /// acc = op(acc), by the op's lowering on tiles of registers (`ops::unary::lower`); a
    /// call-out runs the op's slice kernel on the tile through a buffer on the stack.
    Unary(Unary),
    /// acc = acc + slot, …
    AddL(u16),
    SubL(u16),
    MulL(u16),
    DivL(u16),
    /// acc = slot + acc, …
    AddR(u16),
    SubR(u16),
    MulR(u16),
    DivR(u16),
    /// `at[2j] = a[j] + 0.0`, `at[2j + 1] = b[j] + 0.0`
    /// slot = x + 0.0 (one contiguous part of a store of pads: `pad(a) + pad(b)` where the
    /// pads cover disjoint ranges); `None` reads the accumulator.
    Pad1 {
        x: Option<u16>,
        at: u16,
    },
    Scatter2 {
        a: Option<u16>,
        b: Option<u16>,
        at: u16,
    },
    /// The lanes of sum `acc` += x.
    Sum {
        x: Option<u16>,
        acc: u8,
    },
}

/// A tile program: its instructions and their operand slots.
#[derive(Clone, Debug)]
pub(in crate::exec::fused) struct Program {
    pub(in crate::exec::fused) ops: Vec<TOp>,
    pub(in crate::exec::fused) slots: Vec<Slot>,
    /// Whether a tile reads one element past its last row (a column gather: the load of
    /// row j's pair reads the other column's element too).
    pub(in crate::exec::fused) reads_past: bool,
    /// The buffer slots moved to scratch tiles for a padded last tile (see [`Padded`]), if
    /// the program may run one.
    pub(super) tail: Option<Vec<Padded>>,
}

impl Program {
    /// Whether the program may run the last, partial tile padded (see [`Padded`]).
    pub(in crate::exec::fused) fn pads(&self) -> bool {
        self.tail.is_some()
    }

    /// The buffer slots the program may store non-temporally (`crate::streaming`), with
    /// their values per element: those it writes (stores, pads, column stores) and never
    /// reads back — a non-temporal line read again comes from memory.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(in crate::exec::fused) fn streamable(&self) -> impl Iterator<Item = (u16, usize)> + '_ {
        self.slots.iter().enumerate().filter_map(|(k, s)| {
            let k = k as u16;
            match *s {
                Slot::Mem(_, scale)
                    if self.ops.iter().any(|op| op.writes() == Some(k))
                        && self.ops.iter().all(|op| op.reads().all(|r| r != k)) =>
                {
                    Some((k, scale as usize))
                }
                _ => None,
            }
        })
    }

    /// The buffer slots whose lines streaming code prefetches: those a step reads, one per
    /// buffer neighbourhood (a slot less than a vector of 8 values from one already listed,
    /// in the same buffer and with the same scale, reads the same lines: the two columns of
    /// an interleaved matrix).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(in crate::exec::fused) fn prefetched(&self) -> Vec<u16> {
        let mut listed: Vec<(u16, At, u8)> = Vec::new();
        for (k, s) in self.slots.iter().enumerate() {
            let k = k as u16;
            let Slot::Mem(at, scale) = *s else { continue };
            let near = listed
                .iter()
                .any(|&(_, a, q)| a.buf == at.buf && q == scale && a.off.abs_diff(at.off) < 8);
            if !near && self.ops.iter().any(|op| op.reads().any(|r| r == k)) {
                listed.push((k, at, scale));
            }
        }
        listed.into_iter().map(|(k, _, _)| k).collect()
    }
}

// The streamed slots are bits of a `u64`.
const _: () = assert!(MAX_SLOTS <= 64);

/// Scratch a padded tile may use for the buffer slots, in tiles of values (a column of a
/// two-column matrix takes two).
pub(super) const PAD_TILES: usize = 32;

/// A buffer slot of a padded last tile: the tile of n < W (or W) elements runs like the
/// others, on scratch tiles that stand in for the buffer slots. A slot the program reads is
/// copied in for the n elements, the last one repeated over the padding, so that every
/// padding element computes exactly what element n − 1 computes (no special values that
/// the region would not meet anyway); a slot it writes is copied out for the n elements.
/// Sums add −0.0 for the padding, which leaves every lane's bits as they are (`x + −0.0 = x`
/// for every x, −0.0 and NaN included).
///
/// Only when no written slot overlaps another buffer slot: the scratch copies of two
/// overlapping slots would not see each other's writes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Padded {
    pub(super) slot: u16,
    pub(super) at: At,
    /// Values per element (1 or 2, as the slot's).
    pub(super) scale: u8,
    /// Offset in the scratch, in tiles.
    pub(super) tile: u16,
    pub(super) read: bool,
    pub(super) written: bool,
}

impl TOp {
    /// The slot the instruction writes, if any.
    pub(in crate::exec::fused) fn writes(&self) -> Option<u16> {
        match *self {
            TOp::Store(s) | TOp::Pad1 { at: s, .. } | TOp::Scatter2 { at: s, .. } => Some(s),
            _ => None,
        }
    }

    /// The slots the instruction reads.
    pub(in crate::exec::fused) fn reads(&self) -> impl Iterator<Item = u16> {
        let (a, b) = match *self {
            TOp::Load(s)
            | TOp::Gather2(s)
            | TOp::AddL(s)
            | TOp::SubL(s)
            | TOp::MulL(s)
            | TOp::DivL(s)
            | TOp::AddR(s)
            | TOp::SubR(s)
            | TOp::MulR(s)
            | TOp::DivR(s) => (Some(s), None),
            TOp::Pad1 { x, .. } | TOp::Sum { x, .. } => (x, None),
            TOp::Scatter2 { a, b, .. } => (a, b),
            _ => (None, None),
        };
        a.into_iter().chain(b)
    }
}
