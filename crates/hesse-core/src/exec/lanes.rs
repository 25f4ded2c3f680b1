//! The Hessian's column program on n lanes at once (see [`Lanes`]).

use std::collections::HashMap;

use crate::exec::instr::Instr;
use crate::matrix::Matrix;
use crate::ops::{Binary, Unary};
use crate::tape::TapeInner;

/// The Hessian's column program run on n lanes at once: every direction-dependent scalar node
/// gets a row of n values (its value for the directions e₁ … eₙ), and each instruction runs
/// its op's kernel over the row. One dispatch per node instead of n; the values are
/// bit-for-bit those of n separate column replays (the same kernel on the same inputs).
#[derive(Clone, Debug)]
pub(crate) struct Lanes {
    prog: Vec<LaneInstr>,
    /// Per HVP output: its lane row, or the arena slot of a direction-independent value.
    outputs: Vec<Src>,
    /// Lane rows × n values, allocated on first use.
    buf: Vec<f64>,
    rows: usize,
}

/// An operand of a lane instruction.
#[derive(Clone, Copy, Debug)]
enum Src {
    /// A lane row (direction-dependent).
    Lane(u32),
    /// An arena slot, the same for every column.
    Slot(u32),
}

#[derive(Clone, Copy, Debug)]
enum LaneInstr {
    Unary {
        op: Unary,
        x: u32,
        out: u32,
    },
    Binary {
        op: Binary,
        a: Src,
        b: Src,
        out: u32,
    },
    /// `a·b + c`: a product read once, by a sum, is not stored (the Hessian's backward sums
    /// are mostly such pairs). The same two roundings as the two instructions it replaces
    /// (with the product on either side of the sum: addition is commutative, bit for bit).
    MulAdd {
        a: Src,
        b: Src,
        c: Src,
        out: u32,
    },
}

/// A lane operand, resolved for one run: a row, or one value for every lane.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Row(&'a [f64]),
    All(f64),
}

/// Lane rows beyond which the lane buffer (rows × n values) is not worth its memory.
const MAX_LANE_VALUES: usize = 1 << 22;

impl Lanes {
    /// Builds the lane program from the column program, if it is all scalar instructions.
    pub(crate) fn compile(
        inner: &TapeInner,
        col: &[Instr],
        dir_slots: &[usize],
        hvp: &[u32],
        n: usize,
    ) -> Option<Lanes> {
        // At least one lane row per direction coordinate: refuse too many lanes before the
        // map of the direction's slots is built (for a vector recording it is as long as the
        // point: a fifth of the recording's time at n = 10⁶).
        if dir_slots.len().saturating_mul(n) > MAX_LANE_VALUES {
            return None;
        }
        let mut row_of: HashMap<u32, u32> = HashMap::new();
        for (k, &s) in dir_slots.iter().enumerate() {
            row_of.insert(s as u32, k as u32);
        }
        let mut rows = dir_slots.len() as u32;
        let src = |row_of: &HashMap<u32, u32>, slot: u32| match row_of.get(&slot) {
            Some(&r) => Src::Lane(r),
            None => Src::Slot(slot),
        };
        let fused = fuse_products(inner, col, hvp);
        let mut prog = Vec::with_capacity(col.len());
        for (k, ins) in col.iter().enumerate() {
            if fused[k] == Fused::Absorbed {
                continue;
            }
            let (li, out) = match *ins {
                Instr::Binary { out, .. } if matches!(fused[k], Fused::Sum { .. }) => {
                    let Fused::Sum { product, other } = fused[k] else {
                        unreachable!()
                    };
                    let Instr::Binary { a: p, b: q, .. } = col[product] else {
                        unreachable!("a fused product is a binary instruction")
                    };
                    let (p, q) = (src(&row_of, p), src(&row_of, q));
                    if let (Src::Slot(_), Src::Slot(_)) = (p, q) {
                        return None;
                    }
                    let c = src(&row_of, other);
                    (
                        LaneInstr::MulAdd {
                            a: p,
                            b: q,
                            c,
                            out: rows,
                        },
                        out,
                    )
                }
                Instr::Unary { op, x, out } => match src(&row_of, x) {
                    Src::Lane(x) => (LaneInstr::Unary { op, x, out: rows }, out),
                    Src::Slot(_) => return None,
                },
                Instr::Binary { op, a, b, out } => {
                    let (a, b) = (src(&row_of, a), src(&row_of, b));
                    if let (Src::Slot(_), Src::Slot(_)) = (a, b) {
                        return None;
                    }
                    (LaneInstr::Binary { op, a, b, out: rows }, out)
                }
                Instr::Node(_) => return None,
            };
            prog.push(li);
            row_of.insert(out, rows);
            rows += 1;
        }
        if (rows as usize).saturating_mul(n) > MAX_LANE_VALUES {
            return None;
        }
        let outputs = hvp
            .iter()
            .map(|&id| {
                let node = &inner.nodes[id as usize];
                (node.len() == 1).then(|| src(&row_of, node.offset as u32))
            })
            .collect::<Option<Vec<Src>>>()?;
        Some(Lanes {
            prog,
            outputs,
            buf: Vec::new(),
            rows: rows as usize,
        })
    }

    /// Fills `out` (n×n, row i = ∂gᵢ/∂x) from the arena after the Hessian prefix has run.
    pub(crate) fn run(&mut self, values: &[f64], n: usize, out: &mut Matrix) {
        let mut buf = std::mem::take(&mut self.buf);
        self.columns(values, n, 0..n, &mut buf, |i, c, v| {
            out.row_mut(i)[c..c + v.len()].copy_from_slice(v)
        });
        self.buf = buf;
    }

    /// Runs the lane program for the columns `cols` (directions e_c, c ∈ cols) with `buf` as
    /// the lane rows, and hands each output row's values to `put(row, first_col, values)`.
    pub(crate) fn columns(
        &self,
        values: &[f64],
        n: usize,
        cols: std::ops::Range<usize>,
        buf: &mut Vec<f64>,
        mut put: impl FnMut(usize, usize, &[f64]),
    ) {
        let w = cols.len();
        if buf.len() != self.rows * w {
            *buf = vec![0.0; self.rows * w];
        }
        // The directions: row k holds coordinate k of e_c across the columns c.
        buf[..n * w].iter_mut().for_each(|v| *v = 0.0);
        for c in cols.clone() {
            buf[c * w + (c - cols.start)] = 1.0;
        }
        let lane = [w];
        for ins in &self.prog {
            match *ins {
                LaneInstr::Unary { op, x, out } => {
                    let (lo, hi) = buf.split_at_mut(out as usize * w);
                    let (x, o) = (&lo[x as usize * w..][..w], &mut hi[..w]);
                    // Negations and products with a constant (most of a Hessian column's
                    // unary work) inline their kernel here instead of a call through the
                    // op's slice dispatch; the same `eval`, so the same bits.
                    match op {
                        Unary::Neg => o.iter_mut().zip(x).for_each(|(o, &x)| *o = Unary::Neg.eval(x)),
                        Unary::MulScalar(c) => o
                            .iter_mut()
                            .zip(x)
                            .for_each(|(o, &x)| *o = Unary::MulScalar(c).eval(x)),
                        _ => op.forward(x, o),
                    }
                }
                LaneInstr::MulAdd { a, b, c, out } => {
                    let (lo, hi) = buf.split_at_mut(out as usize * w);
                    let o = &mut hi[..w];
                    let get = |s: Src| match s {
                        Src::Lane(r) => Operand::Row(&lo[r as usize * w..][..w]),
                        Src::Slot(i) => Operand::All(values[i as usize]),
                    };
                    match (get(a), get(b), get(c)) {
                        (Operand::Row(a), Operand::All(b), Operand::Row(c)) => {
                            for ((o, &a), &c) in o.iter_mut().zip(a).zip(c) {
                                *o = a * b + c;
                            }
                        }
                        (Operand::All(a), Operand::Row(b), Operand::Row(c)) => {
                            for ((o, &b), &c) in o.iter_mut().zip(b).zip(c) {
                                *o = a * b + c;
                            }
                        }
                        (a, b, c) => {
                            let at = |s: Operand, i: usize| match s {
                                Operand::Row(r) => r[i],
                                Operand::All(v) => v,
                            };
                            for (i, o) in o.iter_mut().enumerate() {
                                *o = at(a, i) * at(b, i) + at(c, i);
                            }
                        }
                    }
                }
                LaneInstr::Binary { op, a, b, out } => {
                    let (lo, hi) = buf.split_at_mut(out as usize * w);
                    let o = &mut hi[..w];
                    let row = |r: u32| &lo[r as usize * w..][..w];
                    // The arithmetic ops (most of a Hessian) get their own loops; the kernel
                    // is still the op's `eval`, inlined with the op known.
                    macro_rules! lanes {
                        ($($v:ident),*) => {
                            match (op, a, b) {
                                $(
                                    (Binary::$v, Src::Lane(x), Src::Lane(y)) => {
                                        for ((o, &x), &y) in o.iter_mut().zip(row(x)).zip(row(y)) {
                                            *o = Binary::$v.eval(x, y);
                                        }
                                    }
                                    (Binary::$v, Src::Lane(x), Src::Slot(y)) => {
                                        let y = values[y as usize];
                                        for (o, &x) in o.iter_mut().zip(row(x)) {
                                            *o = Binary::$v.eval(x, y);
                                        }
                                    }
                                    (Binary::$v, Src::Slot(x), Src::Lane(y)) => {
                                        let x = values[x as usize];
                                        for (o, &y) in o.iter_mut().zip(row(y)) {
                                            *o = Binary::$v.eval(x, y);
                                        }
                                    }
                                )*
                                _ => {
                                    let operand = |s: Src| -> (&[f64], &[usize]) {
                                        match s {
                                            Src::Lane(r) => (row(r), &lane),
                                            Src::Slot(i) => (&values[i as usize..][..1], &[]),
                                        }
                                    };
                                    op.forward(operand(a), operand(b), o, &lane);
                                }
                            }
                        };
                    }
                    lanes!(Add, Sub, Mul, Div);
                }
            }
        }
        for (i, &o) in self.outputs.iter().enumerate() {
            match o {
                Src::Lane(r) => put(i, cols.start, &buf[r as usize * w..][..w]),
                Src::Slot(s) => cols
                    .clone()
                    .for_each(|c| put(i, c, std::slice::from_ref(&values[s as usize]))),
            }
        }
    }
}

/// What [`fuse_products`] decided for an instruction of the column program.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fused {
    /// Runs on its own.
    Alone,
    /// A product computed inside the sum that reads it.
    Absorbed,
    /// A sum that computes the product at index `product` itself, plus the slot `other`.
    Sum { product: usize, other: u32 },
}

/// Finds the sums `a·b + c` of the column program whose product is read by nothing else
/// (nor is an HVP output), so that the lane program computes both in one instruction.
fn fuse_products(inner: &TapeInner, col: &[Instr], hvp: &[u32]) -> Vec<Fused> {
    let mut uses: HashMap<u32, u32> = HashMap::new();
    let mut product: HashMap<u32, usize> = HashMap::new();
    for (k, ins) in col.iter().enumerate() {
        match *ins {
            Instr::Unary { x, .. } => *uses.entry(x).or_default() += 1,
            Instr::Binary { op, a, b, out } => {
                *uses.entry(a).or_default() += 1;
                *uses.entry(b).or_default() += 1;
                if op == Binary::Mul {
                    product.insert(out, k);
                }
            }
            Instr::Node(_) => {}
        }
    }
    for &id in hvp {
        *uses.entry(inner.nodes[id as usize].offset as u32).or_default() += 1;
    }
    let mut fused = vec![Fused::Alone; col.len()];
    let single = |s: u32| uses.get(&s) == Some(&1);
    for (k, ins) in col.iter().enumerate() {
        if let Instr::Binary {
            op: Binary::Add,
            a,
            b,
            ..
        } = *ins
        {
            let pick = match (product.get(&a), product.get(&b)) {
                (Some(&p), _) if single(a) => Some((p, b)),
                (_, Some(&p)) if single(b) => Some((p, a)),
                _ => None,
            };
            if let Some((p, other)) = pick {
                fused[p] = Fused::Absorbed;
                fused[k] = Fused::Sum { product: p, other };
            }
        }
    }
    fused
}
