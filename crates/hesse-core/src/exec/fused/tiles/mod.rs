//! The SIMD tile executor of fused regions.
//!
//! The block executor (`Region::run_blocks`) runs each step over a block of [`CHUNK`]
//! values: every step loads its operands from the scratch buffer and stores its result
//! there, so a chain of cheap operations (a multiplication, a negation, a product with a
//! constant) is bound by the one store per cycle of the processor, not by the arithmetic.
//! Here a region made only of cheap steps runs tile by tile with an **accumulator** of
//! [`R`] vector registers (a tile is `R` registers of values: 32 with AVX2, 64 with
//! AVX-512): a step whose operand is the previous step's result reads it from the
//! accumulator, and a result is stored (to a tile of scratch, or to its buffer) only when a
//! later step or the caller reads it. The W2 HVP region has 28 steps and, in this form, 9
//! stores. A unary op without an instruction of its own (`exp`, `tanh`, `powi`, …) runs its
//! slice kernel on the tile's values through a buffer on the stack: the kernel every other
//! route runs, so the same bits (W5's peaks and W3's `tanh` layers become tile programs);
//! the AVX-512 build computes `exp` on its registers instead (`exp::exp_avx512`, the same
//! bits). Each instruction is one jump on a flat `enum`; its operand is an index into a
//! table of pointers resolved once per run (a scratch tile, a buffer, or a tile of a single
//! value broadcast once), so the per-tile cost is the arithmetic and one dispatch. The
//! last, partial tile runs the same program on scratch copies of its buffer slots, padded
//! (see [`Padded`]), instead of by blocks, whose fixed cost per step is that of several
//! tiles.
//!
//! **Bit-for-bit.** Each operation is the IEEE operation of the op's `eval` on the same
//! operands in the same order (`-x` flips the sign bit, `|x|` clears it; no fused
//! multiply-add); sums add tile elements into the lanes of [`crate::ops::reduce::sum`]
//! (element i to lane i mod 8, in order); the store of the two pads writes `x + 0.0`. Only
//! the order of elements changes, as in the block executor. The AVX2 and AVX-512 builds
//! run the same instructions on the same values (unit test). The AVX-512 build is chosen at
//! run time where the CPU has it (and the compiler, Rust ≥ 1.89, see `build.rs`): half the
//! instructions per value, which is what bounds the tiles (BENCHMARKS.md, "Measured design
//! decisions").
//!
//! - [`program`]: the instructions, operand slots and padded tail of a tile program;
//! - [`compile`](mod@compile): a region's steps compiled into a tile program;
//! - [`run`]: the executor of each instruction set;
//! - [`prims`], `avx2.rs`, `avx512.rs`: the instruction sets' helpers and the primitives of an
//!   op's lowering on tiles.
//!
//! [`CHUNK`]: super::step::CHUNK
//! [`Padded`]: program::Padded
//! [`R`]: program::R
// The tile programs are planned on every target (the planner's choice of regions must not
// depend on the machine) but run only on x86-64.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code, unused_imports, unused_macros))]

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
mod avx512;
mod compile;
mod prims;
mod program;
mod run;

pub(super) use compile::compile;
pub(super) use program::Program;
#[cfg(all(target_arch = "x86_64", feature = "jit"))]
pub(super) use program::{MAX_SLOTS, Slot, TOp};
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
pub(super) use run::W_AVX512;
#[cfg(all(target_arch = "x86_64", hesse_avx512))]
pub(super) use run::run_avx512;
#[cfg(target_arch = "x86_64")]
pub(super) use run::{W_AVX2, run_avx2};
