//! The replay instruction ([`Instr`]): what a program of a recording is compiled to, before it
//! becomes the executed form ([`Fast`](crate::exec::fast::Fast)), a lane program, a reach
//! program or native code.

use crate::ops::{Binary, Unary};

/// One replay instruction over the tape's arena, as compiled (executed as [`Fast`](crate::exec::fast::Fast)).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Instr {
    /// A scalar elementwise op on arena slots: `values[out] = op(values[x])`.
    Unary { op: Unary, x: u32, out: u32 },
    /// A scalar binary op on arena slots: `values[out] = op(values[a], values[b])`.
    Binary { op: Binary, a: u32, b: u32, out: u32 },
    /// Any other node: its kernel through the generic dispatch.
    Node(u32),
}
