//! The register plan of an elementwise op in the assembler ([`plan`]): the op's own lowering
//! (`ops::unary::lower`), recorded as a straight-line program of primitives and given
//! registers by its values' last uses.
//!
//! The registers of one op are those of its vector (the accumulator, which holds the input
//! and receives the result, and the scratch register) and the shared scratch registers
//! `e(0..SCRATCH)`; a constant is read from the pool (broadcast), or broadcast into a free
//! register where it is a first operand. `exp` runs in place on the accumulator with every
//! other scratch register, so nothing else may be live across it. An op that calls out of
//! the primitives (`ln`, `tanh`, …), compares and selects (`relu`, …) or needs more registers
//! is not compiled: its region runs on the tile executor.

use crate::ops::Unary;
use crate::ops::unary::lower::{Ir, Prim};

/// Vector registers the code uses as scratch of its own (`exp`, `powi`, gathers, scatters;
/// `exp` also uses the vector's own scratch register).
pub(super) const SCRATCH: usize = 5;

/// Where a value of the lowering lives: a register of the op's pool (0: the accumulator,
/// 1: the vector's scratch, 2…: the shared scratch registers) or the constant pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Loc {
    Reg(usize),
    Konst(f64),
}

/// Registers an op may use: the accumulator, the vector's scratch and the shared ones.
const POOL: usize = 2 + SCRATCH;

/// An op's lowering with a location for each value, if the assembler takes it.
pub(super) struct Plan {
    pub(super) ir: Ir,
    pub(super) loc: Vec<Loc>,
    /// A free register for a constant first operand, per instruction.
    pub(super) spare: Vec<Option<usize>>,
    pub(super) result: u16,
}

/// The register plan of `op`, or `None` if the assembler does not compile it (see the
/// module docs).
pub(super) fn plan(op: Unary) -> Option<Plan> {
    let mut ir = Ir::default();
    let result = op.lower(&mut ir, 0);
    let last = ir.last_uses(result);
    let mut loc = vec![Loc::Reg(0)];
    let mut spare = Vec::with_capacity(ir.code.len());
    let mut held: [Option<u16>; POOL] = [None; POOL];
    held[0] = Some(0);
    for (k, p) in ir.code.iter().enumerate() {
        let v = (k + 1) as u16;
        if let Prim::Konst(c) = *p {
            loc.push(Loc::Konst(c));
            spare.push(None);
            continue;
        }
        let reg = |x: u16| match loc[x as usize] {
            Loc::Reg(r) => Some(r),
            Loc::Konst(_) => None,
        };
        // Operands whose last use this is free their registers for the result.
        let first = p.reads().next().and_then(reg);
        for r in p.reads() {
            match reg(r) {
                Some(g) if last[r as usize] == Some(k) => held[g] = None,
                _ => {}
            }
        }
        let dest = match *p {
            Prim::Exp(x) => {
                // In place on the accumulator, with every scratch register: nothing else live.
                if reg(x) != Some(0) || held.iter().any(|h| h.is_some()) {
                    return None;
                }
                0
            }
            Prim::Add(..)
            | Prim::Sub(..)
            | Prim::Mul(..)
            | Prim::Div(..)
            | Prim::Neg(_)
            | Prim::Abs(_)
            | Prim::Sqrt(_) => match first.filter(|&r| held[r].is_none()) {
                Some(r) => r,
                None => held.iter().position(|h| h.is_none())?,
            },
            Prim::Konst(_) | Prim::Fma(..) | Prim::Select(..) | Prim::Call(_) => return None,
        };
        // A constant first operand of a binary op is broadcast into a register that is
        // neither the result's (unless the other operand is not there) nor live.
        let konst_first = matches!(*p, Prim::Sub(a, _) | Prim::Div(a, _) | Prim::Add(a, _) | Prim::Mul(a, _)
            if matches!(loc[a as usize], Loc::Konst(_)));
        let second = p.reads().nth(1).and_then(reg);
        spare.push(if konst_first {
            let free = |r: usize| held[r].is_none() && Some(r) != second;
            Some(if free(dest) {
                dest
            } else {
                (0..POOL).find(|&r| r != dest && free(r))?
            })
        } else {
            None
        });
        held[dest] = Some(v);
        loc.push(Loc::Reg(dest));
    }
    Some(Plan {
        ir,
        loc,
        spare,
        result,
    })
}
