//! Compiling a region's steps into a tile program ([`compile`]): the accumulator's chain, the
//! stores a later step or the caller needs, and the buffer slots of the padded last tile.

use super::program::{MAX_SCALARS, MAX_SLOTS, PAD_TILES, Padded, Program, Slot, TOp};
use crate::exec::fused::step::{Dest, Operand, Step};
use crate::ops::Binary;

/// The buffer slots of a padded last tile of a program over `len` elements, if it may run
/// one (see [`Padded`]).
fn padded(ops: &[TOp], slots: &[Slot], len: usize) -> Option<Vec<Padded>> {
    let mut mem = Vec::new();
    let mut tile = 0;
    for (k, s) in slots.iter().enumerate() {
        if let Slot::Mem(at, scale) = *s {
            let k = k as u16;
            mem.push(Padded {
                slot: k,
                at,
                scale,
                tile,
                read: ops.iter().any(|op| op.reads().any(|r| r == k)),
                written: ops.iter().any(|op| op.writes() == Some(k)),
            });
            tile += scale as u16;
        }
    }
    // The range of buffer positions a slot covers over the region (a column: both columns'
    // rows, one past its last row).
    let range = |p: &Padded| p.at.off..p.at.off + p.scale as usize * len;
    let overlap = mem.iter().any(|p| {
        p.written
            && mem.iter().any(|q| {
                q.slot != p.slot
                    && q.at.buf == p.at.buf
                    && range(p).start < range(q).end
                    && range(q).start < range(p).end
            })
    });
    (tile as usize <= PAD_TILES && !overlap).then_some(mem)
}

/// The instruction of a binary op with the accumulator on the left (`left`) or the right.
fn arith(op: Binary, left: bool, s: u16) -> Option<TOp> {
    Some(match (op, left) {
        (Binary::Add, true) => TOp::AddL(s),
        (Binary::Sub, true) => TOp::SubL(s),
        (Binary::Mul, true) => TOp::MulL(s),
        (Binary::Div, true) => TOp::DivL(s),
        (Binary::Add, false) => TOp::AddR(s),
        (Binary::Sub, false) => TOp::SubR(s),
        (Binary::Mul, false) => TOp::MulR(s),
        (Binary::Div, false) => TOp::DivR(s),
        _ => return None,
    })
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
/// cheap unary and binary ops, other unary ops through their own slice kernels (`exp`,
/// `tanh`, `powi`: the accumulator goes through a buffer on the stack, the cheap steps
/// around them stay in registers), gathers of one column of a two-column matrix (or of a
/// contiguous range), the store of two such columns, and sums.
/// `len` is the region's length (for the padded last tile, see [`Padded`]).
pub(in crate::exec::fused) fn compile(steps: &[Step], len: usize) -> Option<Program> {
    let mut ops = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let mut slot = |s: Slot| -> u16 {
        let i = slots.iter().position(|&t| t == s).unwrap_or_else(|| {
            slots.push(s);
            slots.len() - 1
        });
        i as u16
    };
    let of = |o: Operand| match o {
        Operand::Temp(t) => Slot::Temp(t),
        Operand::Mem(a) => Slot::Mem(a, 1),
        Operand::Scalar(a) => Slot::Scalar(a),
    };
    // The operand whose values the accumulator holds.
    let mut holds: Option<Operand> = None;
    for (k, step) in steps.iter().enumerate() {
        let is_acc = |o: Operand| holds == Some(o) && !matches!(o, Operand::Scalar(_));
        let out = match *step {
            Step::Unary { op, x, out } => {
                let op = TOp::Unary(op);
                if !is_acc(x) {
                    ops.push(TOp::Load(slot(of(x))));
                }
                ops.push(op);
                out
            }
            Step::Binary { op, a, b, out } => {
                if is_acc(a) {
                    ops.push(arith(op, true, slot(of(b)))?);
                } else if is_acc(b) {
                    ops.push(arith(op, false, slot(of(a)))?);
                } else {
                    let op = arith(op, true, slot(of(b)))?;
                    ops.push(TOp::Load(slot(of(a))));
                    ops.push(op);
                }
                out
            }
            Step::Gather {
                src: at,
                stride: 2,
                out,
            } => {
                ops.push(TOp::Gather2(slot(Slot::Mem(at, 2))));
                out
            }
            Step::Gather {
                src: at,
                stride: 1,
                out,
            } => {
                ops.push(TOp::Load(slot(Slot::Mem(at, 1))));
                out
            }
            Step::Gather { .. } => return None,
            Step::Scatter {
                parts: [(a, ba, 2), (b, bb, 2)],
            } if ba.buf == bb.buf && ba.off.abs_diff(bb.off) == 1 => {
                let (a, b, at) = if ba.off < bb.off { (a, b, ba) } else { (b, a, bb) };
                let a = (!is_acc(a)).then(|| slot(of(a)));
                let b = (!is_acc(b)).then(|| slot(of(b)));
                let at = slot(Slot::Mem(at, 2));
                ops.push(TOp::Scatter2 { a, b, at });
                continue;
            }
            Step::Scatter {
                parts: [(a, ba, 1), (b, bb, 1)],
            } => {
                for (x, at) in [(a, ba), (b, bb)] {
                    let x = (!is_acc(x)).then(|| slot(of(x)));
                    let at = slot(Slot::Mem(at, 1));
                    ops.push(TOp::Pad1 { x, at });
                }
                continue;
            }
            Step::Scatter { .. } => return None,
            Step::Sum { x, acc, .. } => {
                let x = (!is_acc(x)).then(|| slot(of(x)));
                ops.push(TOp::Sum { x, acc });
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
            ops.push(TOp::Store(slot(of(out.operand()))));
        }
        holds = Some(out.operand());
    }
    let scalars = slots.iter().filter(|s| matches!(s, Slot::Scalar(_))).count();
    if slots.len() > MAX_SLOTS || scalars > MAX_SCALARS {
        return None;
    }
    let reads_past = ops.iter().any(|op| matches!(op, TOp::Gather2(_)));
    let tail = padded(&ops, &slots, len);
    Some(Program {
        ops,
        slots,
        reads_past,
        tail,
    })
}
