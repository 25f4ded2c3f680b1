//! A tape node as a member of a region: its role ([`Kind`]), which the planner assigns and the
//! builder turns into steps, and the node that holds its values ([`base`], through reshapes).

use crate::ops::{Layout, Op, Reduce};
use crate::tape::TapeInner;

/// A node's role in a region, with its length m.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Elem,
    /// A slice: m values at `src_node`'s offset + base, `stride` apart. With `through`,
    /// `src` is an elementwise node that is never materialised: the gather computes it on
    /// the gathered elements of its operands (see [`plan`](super::plan::plan)).
    Gather {
        src: u32,
        base: usize,
        stride: usize,
        through: bool,
    },
    /// `pad(a) + pad(b)` covering the output once: (input, base, stride) per pad.
    Scatter {
        parts: [(u32, usize, usize); 2],
    },
    /// The sum of a node of m values to one value; complete only when the region has run.
    Sum,
}

/// Follows reshapes (which alias their input's values) to the node that holds the values.
pub(super) fn base(inner: &TapeInner, mut id: u32) -> u32 {
    while inner.nodes[id as usize].op == Op::Layout(Layout::Reshape) {
        id = inner.nodes[id as usize].inputs[0];
    }
    id
}

/// Whether a region may read node `j` as one value: it has one, or it is `fixed` (no replay
/// changes it) and all its values are equal — by construction for a broadcast of one value
/// (the seed of a gradient: no pass over its values), otherwise by looking.
pub(crate) fn read_as_one(inner: &TapeInner, j: u32, fixed: &dyn Fn(u32) -> bool) -> bool {
    let node = &inner.nodes[j as usize];
    if node.len() == 1 {
        return true;
    }
    if !fixed(j) {
        return false;
    }
    if node.op == Op::Reduce(Reduce::BroadcastTo) && inner.nodes[node.inputs[0] as usize].len() == 1 {
        return true;
    }
    let vals = inner.value(j);
    vals.iter().all(|v| v.to_bits() == vals[0].to_bits())
}
