//! Hessian rows with the eager tape's reach, for points where a derivative is not finite.
//!
//! A recording over n scalar inputs computes its Hessian as n Hessian-vector products
//! `∇ₓ⟨∇ₓf, v⟩` with `v = e_i`: one program for every column, in which the coordinates
//! `j ≠ i` of the direction are zeros multiplied through the second reverse pass. The eager
//! tape computes row i as the gradient of `∂f/∂xᵢ` alone, which never visits the nodes that
//! only the other partials reach. Where every value is finite the two agree bit for bit (a
//! product with an exact zero is a zero, and adding it changes nothing). Where some partial
//! `∂f/∂xⱼ` or an intermediate is infinite or NaN — `√|x|` at 0, `ln x` at 0, an infinite
//! input — the zeros meet it: `0·∞` is NaN, and the HVP program spreads NaN into rows the
//! eager tape computes finite.
//!
//! So when a recorded Hessian has a row with a non-finite entry, that row is computed again
//! here with **structural zeros**: running the column program's instructions in order, a
//! value that depends only on direction coordinates other than i is *absent* — what the
//! eager tape never computes — rather than a zero:
//! - an instruction none of whose direction-dependent operands is present is absent (its
//!   slots hold 0);
//! - `a + absent` and `absent + a` are `a`, `a − absent` is `a`, `absent − a` is `−a` (the
//!   eager tape's adjoint sums contain only the contributions it visits);
//! - `absent · y`, `absent / y` and matrix products with an absent factor are absent,
//!   whatever y (an adjoint the eager tape never formed multiplies nothing).
//!
//! Other ops with an absent operand (which the linear second pass does not produce) read its
//! zeros. The present instructions perform the same operations in the same order as the
//! program the fast route runs, so rows whose entries were all finite there are unchanged.
//!
//! It runs the column program unfused, in recording order, where the fast route runs fused
//! regions, some later than the nodes they are made of: the arena ranges that vector nodes
//! share (`exec/reuse.rs`) are chosen for this order too (`RecordedFn::reuse_ranges`).

use crate::ops::{Binary, Linalg, Op};
use crate::tape::TapeInner;

use crate::exec::instr::Instr;

/// The column program of a recording over scalar inputs, instruction by instruction.
#[derive(Clone, Debug)]
pub(crate) struct Reach {
    /// The Hessian's column program, unfused, in order.
    pub prog: Vec<Instr>,
    /// Arena slots of the direction, in coordinate order.
    pub dir_slots: Vec<usize>,
    /// Arena slots of the HVP's coordinates, in order.
    pub out_slots: Vec<usize>,
}

impl Reach {
    /// Writes row `i` of the Hessian (before symmetrisation) into `row`, with the arena
    /// holding the Hessian's prefix at the point. `present` is scratch of the arena's length,
    /// all `true` on entry and on return.
    pub fn row(&self, inner: &mut TapeInner, i: usize, present: &mut [bool], row: &mut [f64]) {
        let mut touched: Vec<(usize, usize)> = Vec::new();
        for (j, &s) in self.dir_slots.iter().enumerate() {
            inner.values[s] = if j == i { 1.0 } else { 0.0 };
            present[s] = j == i;
            touched.push((s, 1));
        }
        for ins in &self.prog {
            match *ins {
                Instr::Unary { op, x, out } => {
                    let (x, out) = (x as usize, out as usize);
                    if present[x] {
                        inner.values[out] = op.eval(inner.values[x]);
                        present[out] = true;
                    } else {
                        absent(inner, present, &mut touched, out, 1);
                    }
                }
                Instr::Binary { op, a, b, out } => {
                    let (a, b, out) = (a as usize, b as usize, out as usize);
                    let (va, vb) = (inner.values[a], inner.values[b]);
                    let r = match (present[a], present[b], op) {
                        (true, true, _) => Some(op.eval(va, vb)),
                        (false, false, _) => None,
                        (true, false, Binary::Add | Binary::Sub) => Some(va),
                        (false, true, Binary::Add) => Some(vb),
                        (false, true, Binary::Sub) => Some(-vb),
                        (false, _, Binary::Mul | Binary::Div) | (_, false, Binary::Mul) => None,
                        // Not produced by a second reverse pass: the zeros are read.
                        _ => Some(op.eval(va, vb)),
                    };
                    match r {
                        Some(r) => {
                            inner.values[out] = r;
                            present[out] = true;
                        }
                        None => absent(inner, present, &mut touched, out, 1),
                    }
                }
                Instr::Node(id) => self.node(inner, present, &mut touched, id as usize),
            }
        }
        for (o, &s) in row.iter_mut().zip(&self.out_slots) {
            // A coordinate the row never reaches is the eager tape's zero gradient.
            *o = if present[s] { inner.values[s] } else { 0.0 };
        }
        for (s, len) in touched {
            present[s..s + len].fill(true);
        }
    }

    /// A generic node (a vector node of a recording over scalars) under structural zeros.
    fn node(
        &self,
        inner: &mut TapeInner,
        present: &mut [bool],
        touched: &mut Vec<(usize, usize)>,
        id: usize,
    ) {
        let node = &inner.nodes[id];
        let (off, len, op) = (node.offset, node.len(), node.op);
        let here = |j: u32| {
            let n = &inner.nodes[j as usize];
            n.len() == 0 || present[n.offset]
        };
        let ins: Vec<(bool, usize, usize, bool)> = node
            .inputs
            .iter()
            .map(|&j| {
                let n = &inner.nodes[j as usize];
                (here(j), n.offset, n.len(), n.shape == node.shape)
            })
            .collect();
        match (op, ins.as_slice()) {
            _ if ins.iter().all(|i| i.0) => inner.evaluate(id),
            // `a ± absent`, `absent + a` of one shape: the present operand.
            (Op::Binary(Binary::Add | Binary::Sub), [(true, o, l, true), (false, ..)])
            | (Op::Binary(Binary::Add), [(false, ..), (true, o, l, true)]) => {
                inner.values.copy_within(*o..*o + l, off);
            }
            // Products with an adjoint the eager row never formed.
            (Op::Binary(Binary::Mul | Binary::Div), [(false, ..), _])
            | (Op::Binary(Binary::Mul), [_, (false, ..)])
            | (Op::Linalg(Linalg::MatMul { .. }), _) => return absent(inner, present, touched, off, len),
            _ if ins.iter().all(|i| !i.0) => return absent(inner, present, touched, off, len),
            // Not produced by a second reverse pass: the zeros are read.
            _ => inner.evaluate(id),
        }
        present[off..off + len].fill(true);
    }
}

/// Marks `len` slots from `at` absent, holding zeros.
fn absent(
    inner: &mut TapeInner,
    present: &mut [bool],
    touched: &mut Vec<(usize, usize)>,
    at: usize,
    len: usize,
) {
    inner.values[at..at + len].fill(0.0);
    present[at..at + len].fill(false);
    touched.push((at, len));
}
