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
//! `exec/fused/tiles/` instead (AVX2, or AVX-512 where the CPU and the compiler have it): 32 or
//! 64 values at a time with the chain's value in registers, the last partial tile padded
//! (on scratch copies of its buffer slots; by blocks where two slots overlap). What each
//! step gained is measured in BENCHMARKS.md ("Measured design decisions").
//!
//! **Machine code.** With the `jit` feature, on CPUs with AVX-512, a tile program without
//! other slice kernels than `exp` is assembled into machine code at its first run
//! (`exec/fused/native.rs`): its temporaries in registers, two or four vectors side by side, the
//! last vectors under masks. The same operations in the same order, so the same bits.
//!
//! [`bind`]: fn@bind
//! [`BUFS`]: step::BUFS
//! [`CHUNK`]: step::CHUNK

#[cfg(all(target_arch = "x86_64", feature = "jit"))]
mod native;
mod tiles;

mod bind;
mod blocks;
mod build;
mod kind;
mod plan;
mod region;
mod step;

pub(crate) use bind::{Bound, Io, bind};
pub(crate) use kind::read_as_one;
pub(crate) use plan::plan;
pub(crate) use region::{Piece, Region};
