//! The replay machinery behind [`RecordedFn`](crate::RecordedFn): everything that runs a
//! recorded program rather than defines what it computes. An op's meaning lives in
//! [`crate::ops`]; the back-ends here consume it.
//!
//! - [`instr`]: the replay instructions a recording is compiled to;
//! - [`program`]: the replay programs of a recording, and their replay; [`ranges`]: the arena
//!   ranges of the point, the direction and the results;
//! - [`passes`]: the compile passes that make the programs (dead nodes, constants, CSE);
//! - [`fast`]: the executed form of a replay program and its interpreter; [`peephole`]: the
//!   pass that compiles a program into it, fusing scalar instructions;
//! - [`lanes`]: Hessian columns run as lanes of one program;
//! - [`reach`]: structural zeros of Hessian rows (non-finite rows recomputed);
//! - [`reuse`], [`pages`], [`share`]: arena ranges, memory pages, shared scalar nodes;
//!   [`slots`]: sets of arena slots as ranges;
//! - [`jit`]: the Cranelift compiler of scalar programs; [`natives`]: each program's native
//!   code state and when it is compiled;
//! - [`fused`]: elementwise vector regions, their tile executor and AVX-512 assembler.

pub(crate) mod fast;
pub(crate) mod fused;
pub(crate) mod instr;
#[cfg(feature = "jit")]
pub(crate) mod jit;
pub(crate) mod lanes;
#[cfg(feature = "jit")]
pub(crate) mod natives;
pub(crate) mod pages;
pub(crate) mod passes;
pub(crate) mod peephole;
pub(crate) mod program;
pub(crate) mod ranges;
pub(crate) mod reach;
pub(crate) mod reuse;
pub(crate) mod share;
pub(crate) mod slots;
